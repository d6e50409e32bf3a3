import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Sealing of payment provider credentials at rest: AES-256-GCM (NIST SP 800-38D) with a 96-bit random
 * IV per seal and the provider's code as additional authenticated data (a sealed blob copied onto
 * another provider's row does not open). The key is derived from the server's secret
 * (BETTER_AUTH_SECRET, or the generated one in the data folder) with HKDF-SHA256 (RFC 5869), so the
 * database alone never reveals the credentials. Changing the server's secret makes stored credentials
 * unreadable: staff enter them again.
 */

const ivBytes = 12;
const tagBytes = 16;

/** A 32-byte AES key for provider credentials, derived from the server's secret. */
export function credentialsKey(serverSecret: string): Buffer {
  return Buffer.from(
    hkdfSync("sha256", serverSecret, "bazaar/payment-provider-settings", "credentials aes-256-gcm v1", 32),
  );
}

/**
 * Seals credentials (field name -> value) for `provider`.
 * @returns base64 of IV (12 bytes) + tag (16 bytes) + ciphertext of the JSON.
 */
export function sealCredentials(key: Buffer, provider: string, credentials: Record<string, string>): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(provider, "utf8"));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/**
 * Opens what {@link sealCredentials} sealed for `provider` with the same key, or null when it cannot
 * be opened (another key or provider, or a damaged value). Never throws and never reports the content.
 */
export function openCredentials(
  key: Buffer,
  provider: string,
  sealed: string,
): Record<string, string> | null {
  try {
    const bytes = Buffer.from(sealed, "base64");
    if (bytes.length < ivBytes + tagBytes) return null;
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, ivBytes));
    decipher.setAAD(Buffer.from(provider, "utf8"));
    decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
    const text = Buffer.concat([
      decipher.update(bytes.subarray(ivBytes + tagBytes)),
      decipher.final(),
    ]).toString("utf8");
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.some(([, v]) => typeof v !== "string")) return null;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return null;
  }
}

/**
 * The masked form of a credential for display: a known non-secret prefix (`sk_test_`, `pk_live_`,
 * `whsec_`, ...) then "…" and the last 4 characters; values too short to spare 4 characters show only
 * the prefix and "…". E.g. "sk_test_…4242".
 */
export function maskCredential(value: string): string {
  const prefix = /^(?:(?:sk|pk|rk)_(?:test|live)_|whsec_)/.exec(value)?.[0] ?? "";
  const rest = value.slice(prefix.length);
  return rest.length >= 12 ? `${prefix}…${rest.slice(-4)}` : `${prefix}…`;
}
