import { type AccountProfile, type DeviceSession, errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button, Spinner } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import QRCode from "qrcode";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { authApi } from "../../api";
import { accountQuery, deviceSessionsQuery, queryClient, sessionQuery } from "../../queries";
import { Alert, Checkbox, Field, Notice } from "../forms";

const sectionClass = "rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8";
const subHeading = "text-lg font-semibold text-neutral-900 outline-none";

export function Security({ profile }: { profile: AccountProfile }) {
  return (
    <section aria-labelledby="security" className={sectionClass}>
      <h2 id="security" className="text-xl font-semibold tracking-tight text-neutral-900">
        Security
      </h2>
      <div className="mt-6 divide-y divide-neutral-200">
        <ChangePassword />
        <TwoFactor enabled={profile.twoFactorEnabled} />
        <Sessions />
      </div>
    </section>
  );
}

function ChangePassword() {
  const formRef = useRef<HTMLFormElement>(null);
  const [saved, setSaved] = useState(false);
  const change = useMutation({
    mutationFn: authApi.changePassword,
    onMutate: () => setSaved(false),
    onSuccess: () => {
      formRef.current?.reset();
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: deviceSessionsQuery().queryKey });
      void queryClient.invalidateQueries({ queryKey: sessionQuery().queryKey });
    },
  });
  const errors = fieldErrors(change.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    change.mutate({
      currentPassword: String(form.get("currentPassword")),
      newPassword: String(form.get("newPassword")),
      revokeOtherSessions: form.get("revokeOtherSessions") === "on",
    });
  };

  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4 pb-8" aria-labelledby="change-password">
      <h3 id="change-password" className={subHeading}>
        Change password
      </h3>
      {change.isError && <Alert>{errorMessage(change.error)}</Alert>}
      {saved && <Notice>Your password has been changed.</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          error={errors.currentPassword}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          required
          hint="At least 8 characters."
          error={errors.newPassword}
        />
      </div>
      <Checkbox label="Sign out of all other devices" name="revokeOtherSessions" defaultChecked />
      <Button type="submit" disabled={change.isPending}>
        {change.isPending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}

type TwoFactorStep =
  | { kind: "idle" }
  | { kind: "password"; action: "enable" | "disable" }
  | { kind: "verify"; secret: string; uri: string; backupCodes: string[] }
  | { kind: "codes"; backupCodes: string[] };

/** The `secret` parameter of an otpauth:// URI (the key for manual entry). */
function secretOf(uri: string): string {
  try {
    return new URL(uri).searchParams.get("secret") ?? "";
  } catch {
    return /[?&]secret=([^&]+)/.exec(uri)?.[1] ?? "";
  }
}

/** The key in groups of four, easier to type into an authenticator app. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

function TwoFactor({ enabled }: { enabled: boolean }) {
  const [step, setStep] = useState<TwoFactorStep>({ kind: "idle" });
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusRef = useRef<HTMLElement | null>(null);

  // After each step, move focus to its first control (or the section heading when back to idle).
  useEffect(() => {
    if (step.kind === "idle") {
      if (notice) headingRef.current?.focus();
      return;
    }
    focusRef.current?.focus();
  }, [step, notice]);

  const refreshAccount = async () => {
    await queryClient.invalidateQueries({ queryKey: accountQuery().queryKey });
    void queryClient.invalidateQueries({ queryKey: sessionQuery().queryKey });
    void queryClient.invalidateQueries({ queryKey: deviceSessionsQuery().queryKey });
  };

  const withPassword = useMutation({
    mutationFn: async ({ action, password }: { action: "enable" | "disable"; password: string }) => {
      if (action === "enable") return authApi.enableTwoFactor(password);
      await authApi.disableTwoFactor(password);
      return null;
    },
    onSuccess: async (result) => {
      if (result) {
        setStep({
          kind: "verify",
          secret: secretOf(result.totpURI),
          uri: result.totpURI,
          backupCodes: result.backupCodes,
        });
      } else {
        await refreshAccount();
        setNotice("Two-factor authentication is off.");
        setStep({ kind: "idle" });
      }
    },
  });
  const verify = useMutation({
    mutationFn: (code: string) => authApi.verifyTotp({ code }),
    onSuccess: async () => {
      if (step.kind !== "verify") return;
      setStep({ kind: "codes", backupCodes: step.backupCodes });
      await refreshAccount();
    },
  });

  const cancel = () => {
    withPassword.reset();
    verify.reset();
    setStep({ kind: "idle" });
  };

  const start = (action: "enable" | "disable") => {
    setNotice(null);
    withPassword.reset();
    setStep({ kind: "password", action });
  };

  const onPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step.kind !== "password") return;
    withPassword.mutate({
      action: step.action,
      password: String(new FormData(event.currentTarget).get("password")),
    });
  };

  const onVerify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    verify.mutate(String(new FormData(event.currentTarget).get("code")).replace(/\s+/g, ""));
  };

  const setFocus = (element: HTMLElement | null) => {
    focusRef.current = element;
  };

  return (
    <div className="space-y-4 py-8" data-testid="two-factor">
      <h3 id="two-factor" ref={headingRef} tabIndex={-1} className={subHeading}>
        Two-factor authentication
      </h3>
      <p className="text-sm text-neutral-700">
        Status:{" "}
        <strong data-testid="two-factor-status">{enabled || step.kind === "codes" ? "On" : "Off"}</strong>.{" "}
        {enabled
          ? "Signing in needs a code from your authenticator app."
          : "Add a code from an authenticator app to signing in."}
      </p>
      {notice && <Notice>{notice}</Notice>}

      {step.kind === "idle" &&
        (enabled ? (
          <Button variant="secondary" onClick={() => start("disable")}>
            Turn off two-factor
          </Button>
        ) : (
          <Button onClick={() => start("enable")}>Turn on two-factor</Button>
        ))}

      {step.kind === "password" && (
        <form onSubmit={onPassword} className="max-w-sm space-y-4" aria-labelledby="two-factor">
          {withPassword.isError && <Alert>{errorMessage(withPassword.error)}</Alert>}
          <Field
            ref={setFocus}
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            hint={
              step.action === "enable"
                ? "Confirm your password to set up two-factor authentication."
                : "Confirm your password to turn off two-factor authentication."
            }
            error={fieldErrors(withPassword.error).password}
          />
          <div className="flex gap-3">
            <Button type="submit" disabled={withPassword.isPending}>
              {withPassword.isPending ? "Checking…" : "Continue"}
            </Button>
            <Button variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </form>
      )}

      {step.kind === "verify" && (
        <form onSubmit={onVerify} className="space-y-5" aria-labelledby="two-factor-setup">
          <h4
            id="two-factor-setup"
            ref={setFocus}
            tabIndex={-1}
            className="font-semibold text-neutral-900 outline-none"
          >
            Set up your authenticator app
          </h4>
          <ol className="list-decimal space-y-3 pl-5 text-sm text-neutral-700">
            <li>
              Scan this QR code with your authenticator app:
              <TotpQrCode uri={step.uri} />
            </li>
            <li>
              Or add an account by hand and enter this key (time-based):
              <code
                className="mt-2 block w-fit rounded-lg bg-neutral-100 px-3 py-2 font-mono text-base tracking-wider text-neutral-900 select-all"
                data-testid="totp-secret"
                data-secret={step.secret}
              >
                {grouped(step.secret)}
              </code>
              <span className="mt-1 block">
                On this device you can also{" "}
                <a href={step.uri} className="font-medium text-accent-700 underline">
                  open the setup link in your authenticator app
                </a>
                .
              </span>
            </li>
            <li>Enter the 6-digit code the app shows to confirm.</li>
          </ol>
          {verify.isError && <Alert>{errorMessage(verify.error)}</Alert>}
          <Field
            className="max-w-xs"
            label="Authentication code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={7}
            required
          />
          <div className="flex gap-3">
            <Button type="submit" disabled={verify.isPending}>
              {verify.isPending ? "Verifying…" : "Turn on"}
            </Button>
            <Button variant="secondary" onClick={cancel}>
              Cancel
            </Button>
          </div>
        </form>
      )}

      {step.kind === "codes" && (
        <div className="space-y-4" data-testid="backup-codes">
          <h4 ref={setFocus} tabIndex={-1} className="font-semibold text-neutral-900 outline-none">
            Two-factor authentication is on. Save your backup codes
          </h4>
          <p className="text-sm text-neutral-700">
            If you lose your phone, each of these codes signs you in once. They are shown only now: print them
            or keep them in a password manager.
          </p>
          <ul className="grid w-fit grid-cols-2 gap-x-8 gap-y-1 rounded-lg bg-neutral-100 px-4 py-3 font-mono text-neutral-900">
            {step.backupCodes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <Button
            onClick={() => {
              setNotice("Two-factor authentication is on.");
              setStep({ kind: "idle" });
            }}
          >
            I have saved these codes
          </Button>
        </div>
      )}
    </div>
  );
}

/** A short description of a browser from its user agent. */
function describeAgent(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "Browser";
  const os = /Windows/.test(userAgent)
    ? "Windows"
    : /Android/.test(userAgent)
      ? "Android"
      : /iPhone|iPad/.test(userAgent)
        ? "iOS"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

const formatDate = (value: string) =>
  new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

function Sessions() {
  const sessions = useQuery(deviceSessionsQuery());
  const current = useQuery(sessionQuery());
  const [notice, setNotice] = useState(false);
  const revoke = useMutation({
    mutationFn: authApi.revokeOtherSessions,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: deviceSessionsQuery().queryKey });
      setNotice(true);
    },
  });
  const currentToken = current.data?.session.token;
  const isCurrent = (s: DeviceSession) => s.token === currentToken || s.id === current.data?.session.id;
  const others = (sessions.data ?? []).filter((s) => !isCurrent(s)).length;

  return (
    <div className="space-y-4 pt-8">
      <h3 id="sessions" className={subHeading}>
        Signed-in devices
      </h3>
      {sessions.isPending ? (
        <Spinner label="Loading sessions…" />
      ) : sessions.isError ? (
        <Alert>{errorMessage(sessions.error)}</Alert>
      ) : (
        <ul
          className="divide-y divide-neutral-200 rounded-xl border border-neutral-200"
          aria-labelledby="sessions"
        >
          {sessions.data.map((s) => (
            <li key={s.id} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3 text-sm">
              <span className="font-medium text-neutral-900">
                {describeAgent(s.userAgent)}
                {isCurrent(s) && (
                  <span className="ml-2 rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800">
                    This device
                  </span>
                )}
              </span>
              <span className="text-neutral-600">
                {s.ipAddress ? `${s.ipAddress} · ` : ""}signed in {formatDate(s.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {revoke.isError && <Alert>{errorMessage(revoke.error)}</Alert>}
      {notice && <Notice>You have been signed out on all other devices.</Notice>}
      <Button variant="secondary" onClick={() => revoke.mutate()} disabled={revoke.isPending || others === 0}>
        {revoke.isPending ? "Signing out…" : "Sign out other devices"}
      </Button>
    </div>
  );
}

/** The otpauth:// URI as a QR code (an SVG made in the browser by the `qrcode` library). */
function TotpQrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" })
      .then((svg) => {
        if (live) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => setSrc(null));
    return () => {
      live = false;
    };
  }, [uri]);
  if (!src) return null;
  return (
    <img
      src={src}
      alt="QR code to add this account to an authenticator app"
      width={176}
      height={176}
      className="mt-2 block rounded-lg border border-neutral-200 bg-white p-2"
      data-testid="totp-qr"
    />
  );
}
