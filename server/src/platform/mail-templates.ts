/**
 * Account and security emails, each rendered as HTML and plain text. Every value is escaped in the
 * HTML part. Times are shown in UTC (ISO 8601) since the recipient's time zone is unknown here.
 */

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`,
  );
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export interface Block {
  /** A paragraph of plain text. */
  p?: string;
  /** A call-to-action button: label and absolute URL. */
  button?: { label: string; url: string };
  /** A small print paragraph. */
  small?: string;
  /** A two-column table (label, value), e.g. order lines and totals; `strong` rows are bold. */
  rows?: { label: string; value: string; strong?: boolean }[];
}

/** Lays blocks out as a simple, widely supported HTML email (tables, inline styles) and as text. */
export function layout(storeName: string, subject: string, blocks: Block[]): RenderedMail {
  const htmlBlocks = blocks
    .map((b) => {
      if (b.p)
        return `<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2937">${escapeHtml(b.p)}</p>`;
      if (b.button) {
        return `<p style="margin:24px 0"><a href="${escapeHtml(b.button.url)}" style="background:#4338ca;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(b.button.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;line-height:20px;color:#4b5563">Or open this link: <a href="${escapeHtml(b.button.url)}" style="color:#4338ca">${escapeHtml(b.button.url)}</a></p>`;
      }
      if (b.rows) {
        const cells = b.rows
          .map((r) => {
            const weight = r.strong ? "font-weight:700;" : "";
            return `<tr><td style="padding:6px 0;font-size:14px;line-height:20px;color:#1f2937;${weight}">${escapeHtml(r.label)}</td><td align="right" style="padding:6px 0 6px 16px;font-size:14px;line-height:20px;color:#1f2937;white-space:nowrap;${weight}">${escapeHtml(r.value)}</td></tr>`;
          })
          .join("");
        return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-top:1px solid #e5e7eb">${cells}</table>`;
      }
      return `<p style="margin:0 0 12px;font-size:13px;line-height:20px;color:#4b5563">${escapeHtml(b.small ?? "")}</p>`;
    })
    .join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:32px 16px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px"><tr><td style="padding:32px">
<p style="margin:0 0 24px;font-size:20px;font-weight:700;color:#111827">${escapeHtml(storeName)}</p>
${htmlBlocks}
</td></tr></table></td></tr></table></body></html>`;
  const text = [
    storeName,
    "",
    ...blocks.flatMap((b) =>
      b.p
        ? [b.p, ""]
        : b.button
          ? [`${b.button.label}: ${b.button.url}`, ""]
          : b.rows
            ? [...b.rows.map((r) => `${r.label}  ${r.value}`), ""]
            : [b.small ?? "", ""],
    ),
  ]
    .join("\n")
    .trimEnd();
  return { subject, html, text: `${text}\n` };
}

/** "Confirm your email": the link verifies the address; it expires after `expiresInHours`. */
export function verificationEmail(input: {
  storeName: string;
  name: string;
  url: string;
  expiresInHours: number;
}): RenderedMail {
  return layout(input.storeName, `Confirm your email for ${input.storeName}`, [
    { p: `Hello ${input.name},` },
    {
      p: `Please confirm that this is your email address to finish setting up your ${input.storeName} account.`,
    },
    { button: { label: "Confirm email", url: input.url } },
    {
      small: `The link works once and expires in ${input.expiresInHours} hours. If you did not create an account, ignore this email.`,
    },
  ]);
}

/** "Reset your password": single-use link; resetting signs out every session. */
export function passwordResetEmail(input: {
  storeName: string;
  name: string;
  url: string;
  expiresInMinutes: number;
}): RenderedMail {
  return layout(input.storeName, `Reset your ${input.storeName} password`, [
    { p: `Hello ${input.name},` },
    { p: "We received a request to reset your password. Choose a new one with the link below." },
    { button: { label: "Choose a new password", url: input.url } },
    {
      small: `The link works once and expires in ${input.expiresInMinutes} minutes. Resetting signs you out on every device. If you did not ask for this, ignore this email: your password stays as it is.`,
    },
  ]);
}

/** Security notice: two-factor authentication was turned on or off. */
export function twoFactorChangedEmail(input: {
  storeName: string;
  name: string;
  enabled: boolean;
  at: Date;
  ip: string;
}): RenderedMail {
  const what = input.enabled ? "turned on" : "turned off";
  return layout(input.storeName, `Two-factor authentication was ${what}`, [
    { p: `Hello ${input.name},` },
    {
      p: `Two-factor authentication was ${what} for your ${input.storeName} account on ${utc(input.at)} from IP address ${input.ip}.`,
    },
    { small: "If this was not you, reset your password now and contact us." },
  ]);
}

/** Security notice: a sign-in from a device not seen before. */
export function newDeviceSignInEmail(input: {
  storeName: string;
  name: string;
  device: string;
  ip: string;
  at: Date;
}): RenderedMail {
  return layout(input.storeName, `New sign-in to your ${input.storeName} account`, [
    { p: `Hello ${input.name},` },
    { p: `Your account was signed in to on ${utc(input.at)} from ${input.device} (IP address ${input.ip}).` },
    {
      small:
        "If this was you, there is nothing to do. If not, reset your password and sign out other devices from your account page.",
    },
  ]);
}

/** Invitation to join the shop's staff: the link sets a password (single use, expiring). */
export function staffInvitationEmail(input: {
  storeName: string;
  name: string;
  url: string;
  expiresInMinutes: number;
}): RenderedMail {
  return layout(input.storeName, `You're invited to the ${input.storeName} team`, [
    { p: `Hello ${input.name},` },
    { p: `You have been given a staff account at ${input.storeName}. Choose your password to sign in.` },
    { button: { label: "Choose my password", url: input.url } },
    {
      small: `The link works once and expires in ${input.expiresInMinutes} minutes. Ask the person who invited you for a new one if it has expired.`,
    },
  ]);
}
