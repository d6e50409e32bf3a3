import { createHash, createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import { twoFactor } from "better-auth/plugins/two-factor";
import { eq } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Config } from "../../config.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { type IdPrefix, newId } from "../../platform/ids.ts";
import { queueMail } from "../../platform/mail.ts";
import {
  newDeviceSignInEmail,
  passwordResetEmail,
  staffInvitationEmail,
  twoFactorChangedEmail,
  verificationEmail,
} from "../../platform/mail-templates.ts";
import { redisSecondaryStorage } from "../../platform/redis.ts";
import { hasAuditEntry, recordAudit } from "../audit/index.ts";
import { clearFailedSignIns, lockedForSeconds, recordFailedSignIn } from "./customers.lockout.ts";
import { authModels, users, verifications } from "./customers.schema.ts";

/** Header through which the HTTP layer tells better-auth the origin a request was addressed to. */
export const requestOriginHeader = "x-bazaar-request-origin";

/** Passwords shoppers pick most often (zxcvbn's list of the 49k most common), lower-cased. */
const commonPasswords = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));

/** True when a password is on the common-passwords list (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase());
}

/**
 * Argon2id parameters: OWASP Password Storage Cheat Sheet's first recommended configuration
 * (m = 19 MiB, t = 2, p = 1).
 */
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const idPrefixes: Record<string, IdPrefix> = {
  user: "usr",
  session: "ses",
  account: "acct",
  verification: "vrf",
  twoFactor: "tfa",
};

/** The session-cookie secret: from the config, else generated once and kept in the data folder. */
export function resolveAuthSecret(config: Config): string {
  if (config.authSecret) return config.authSecret;
  const file = path.join(config.dataDir, "auth-secret");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Where a request came from, for the audit log. */
function origin(request: Request | undefined): { ipAddress: string | null; userAgent: string | null } {
  return {
    ipAddress: request?.headers.get("x-bazaar-client-ip") ?? null,
    userAgent: request?.headers.get("user-agent") ?? null,
  };
}

/**
 * Emails about to receive a staff invitation: the password-reset link better-auth makes for them is
 * sent with the invitation wording instead (see `inviteToSetPassword`).
 */
const pendingInvitations = new Map<string, number>();

/** True (once) when the reset email for `email` is really a staff invitation asked for in the last minute. */
function takeInvitation(email: string): boolean {
  const key = email.toLowerCase();
  const until = pendingInvitations.get(key);
  pendingInvitations.delete(key);
  return until !== undefined && until > Date.now();
}

/**
 * Sends a "choose your password" invitation to an existing account (made for a new staff member),
 * using a single-use password-reset link. (better-auth sends that email in the background, so the
 * mark is consumed by the email callback, and expires after a minute.)
 */
export async function inviteToSetPassword(auth: Auth, email: string, redirectTo: string): Promise<void> {
  pendingInvitations.set(email.toLowerCase(), Date.now() + 60_000);
  await auth.api.requestPasswordReset({ body: { email, redirectTo } });
}

/** Key under which a used email-verification token is remembered (its SHA-256, never the token). */
function usedTokenKey(token: string): string {
  return `used-email-token:${createHash("sha256").update(token).digest("hex")}`;
}

/** Minutes a password-reset link stays valid. */
export const resetLinkMinutes = 60;
/** Hours an email-verification link stays valid. */
export const verificationLinkHours = 24;

/**
 * Builds the authentication service (better-auth): email + password accounts hashed with argon2id,
 * email verification and password reset by emailed links (queued through the outbox), server-side
 * sessions in the database in httpOnly SameSite=Lax cookies (Secure over https), Origin checks on
 * cookie-authenticated writes (CSRF), and rate limits on sign-in, sign-up and reset requests.
 * Endpoints live under `/api/auth` (see customers.routes.ts).
 */
export function createAuth(
  config: Config,
  db: Db,
  redis: Redis | null = null,
  /** The store name e-mails carry, read when each is written (the admin's store settings). */
  storeName: () => Promise<string> = async () => config.storeName,
) {
  const publicUrl = config.publicUrl;
  const secret = resolveAuthSecret(config);
  // Backup codes are kept as keyed hashes (HMAC-SHA-256 with the auth secret): shown once, never
  // readable again. A code being checked is hashed the same way first (see the before hook).
  const hashCode = (code: string) =>
    code.startsWith("hmac:") ? code : `hmac:${createHmac("sha256", secret).update(code).digest("hex")}`;
  const signInActions = [
    "auth.sign_in.succeeded",
    "auth.sign_in.second_factor_verified",
    "auth.sign_in.backup_code_used",
  ];
  /**
   * Emails the account holder when they sign in from a browser or app (user agent) the account has
   * not signed in from before. The first sign-in of an account is not news.
   */
  const notifyIfNewDevice = async (
    userId: string,
    where: { ipAddress: string | null; userAgent: string | null },
  ) => {
    if (!where.userAgent) return;
    if (await hasAuditEntry(db, { actorId: userId, actions: signInActions, userAgent: where.userAgent }))
      return;
    if (!(await hasAuditEntry(db, { actorId: userId, actions: signInActions }))) return;
    const [user] = await db
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, userId));
    if (!user) return;
    const mail = newDeviceSignInEmail({
      storeName: await storeName(),
      name: user.name,
      device: where.userAgent.slice(0, 120),
      ip: where.ipAddress ?? "unknown",
      at: new Date(),
    });
    await queueMail(db, { to: user.email, ...mail });
  };
  return betterAuth({
    appName: config.storeName,
    baseURL: publicUrl,
    basePath: "/api/auth",
    secret,
    // The shop's origins, plus the origin the request was addressed to (put in this header by the HTTP
    // layer from Fastify's proxy-aware host and scheme, any client-sent value overwritten), so that
    // signing in works at whatever host name the shop is reached by, as the API's own Origin check does.
    trustedOrigins: (request?: Request) => {
      const own = request?.headers.get(requestOriginHeader);
      return [publicUrl, ...config.trustedOrigins, ...(own ? [own] : [])];
    },
    telemetry: { enabled: false },
    database: drizzleAdapter(db, { provider: "pg", schema: authModels }),
    // With Redis, sessions are looked up there (shared by every process) and still kept in the
    // database, which stays the record (session lists, GDPR export).
    ...(redis ? { secondaryStorage: redisSecondaryStorage(redis) } : {}),
    advanced: {
      database: { generateId: ({ model }) => newId(idPrefixes[model] ?? "usr") },
      // The HTTP layer puts the client address (Fastify's request.ip, proxy-aware) in this header.
      ipAddress: { ipAddressHeaders: ["x-bazaar-client-ip"] },
      // Keep the Origin (CSRF) check on in every environment, tests included.
      disableOriginCheck: false,
      useSecureCookies: publicUrl.startsWith("https://"),
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: resetLinkMinutes * 60,
      password: {
        hash: (password) => hash(password, argon2Options),
        verify: ({ hash: stored, password }) => verify(stored, password),
      },
      sendResetPassword: async ({ user, url }) => {
        const template = takeInvitation(user.email) ? staffInvitationEmail : passwordResetEmail;
        const mail = template({
          storeName: await storeName(),
          name: user.name,
          url,
          expiresInMinutes: resetLinkMinutes,
        });
        await queueMail(db, { to: user.email, ...mail });
      },
    },
    // Changing the email sends a verification link to the new address; the change applies once it is opened.
    user: { changeEmail: { enabled: true } },
    emailVerification: {
      sendOnSignUp: true,
      expiresIn: verificationLinkHours * 3600,
      sendVerificationEmail: async ({ user, url }) => {
        const mail = verificationEmail({
          storeName: await storeName(),
          name: user.name,
          url,
          expiresInHours: verificationLinkHours,
        });
        await queueMail(db, { to: user.email, ...mail });
      },
    },
    // Idle expiry: a session unused for sessionIdleDays lapses (each day of use pushes it back);
    // the absolute lifetime is enforced by endOverlongSessions.
    session: {
      expiresIn: config.sessionIdleDays * 86_400,
      updateAge: 86_400,
      freshAge: 3_600,
      storeSessionInDatabase: true,
    },
    rateLimit: {
      enabled: true,
      storage: redis ? "secondary-storage" : "memory",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/*": { window: 60, max: 10 },
        "/sign-up/*": { window: 60, max: 5 },
        "/request-password-reset": { window: 300, max: 5 },
        "/send-verification-email": { window: 300, max: 5 },
      },
    },
    // Social and OpenID Connect sign-in. An existing account is linked when the provider vouches for
    // the same email (email_verified), never on an unverified address.
    socialProviders: config.socialProviders,
    account: { accountLinking: { enabled: true, allowDifferentEmails: false } },
    plugins: [
      ...(config.oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: config.oidc.providerId,
                  discoveryUrl: `${config.oidc.issuer}/.well-known/openid-configuration`,
                  clientId: config.oidc.clientId,
                  clientSecret: config.oidc.clientSecret,
                  scopes: ["openid", "email", "profile"],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
      twoFactor({
        issuer: config.storeName,
        backupCodeOptions: {
          amount: 10,
          length: 10,
          storeBackupCodes: {
            encrypt: async (json) => JSON.stringify((JSON.parse(json) as string[]).map(hashCode)),
            decrypt: async (stored) => stored,
          },
        },
      }),
    ],
    databaseHooks: {
      user: {
        update: {
          // Tell the account holder when two-factor authentication is turned on or off.
          after: async (user, ctx) => {
            if (!ctx || !["/two-factor/verify-totp", "/two-factor/disable"].includes(ctx.path)) return;
            const enabled = (user as { twoFactorEnabled?: boolean }).twoFactorEnabled === true;
            const mail = twoFactorChangedEmail({
              storeName: await storeName(),
              name: user.name,
              enabled,
              at: new Date(),
              ip: ctx.request?.headers.get("x-bazaar-client-ip") ?? "unknown",
            });
            await queueMail(db, { to: user.email, ...mail });
            await recordAudit(db, {
              action: enabled ? "auth.two_factor.enabled" : "auth.two_factor.disabled",
              actorId: user.id,
              targetType: "user",
              targetId: user.id,
              ...origin(ctx.request),
            });
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-in/email" && typeof ctx.body?.email === "string") {
          const wait = await lockedForSeconds(db, ctx.body.email);
          if (wait > 0) {
            await recordAudit(db, {
              action: "auth.sign_in.locked",
              metadata: { email: ctx.body.email.trim().toLowerCase() },
              ...origin(ctx.request),
            });
            throw new APIError(
              "TOO_MANY_REQUESTS",
              {
                message: `Too many failed sign-ins for this account. Try again in ${Math.ceil(wait / 60)} minute(s), or reset your password.`,
                code: "ACCOUNT_LOCKED",
              },
              { "Retry-After": String(wait) },
            );
          }
        }
        if (ctx.path === "/verify-email" && typeof ctx.query?.token === "string") {
          // Verification links are signed tokens that could be replayed: each works once here.
          const [used] = await db
            .select({ id: verifications.id })
            .from(verifications)
            .where(eq(verifications.identifier, usedTokenKey(ctx.query.token)));
          if (used) {
            throw new APIError("BAD_REQUEST", {
              message: "This verification link has already been used.",
              code: "TOKEN_ALREADY_USED",
            });
          }
        }
        if (ctx.path === "/two-factor/verify-backup-code" && typeof ctx.body?.code === "string") {
          return { context: { body: { ...ctx.body, code: hashCode(ctx.body.code) } } };
        }
        const body = (ctx.body ?? {}) as { password?: unknown; newPassword?: unknown };
        const chosen = ["/sign-up/email", "/reset-password", "/change-password"].includes(ctx.path)
          ? ctx.path === "/sign-up/email"
            ? body.password
            : body.newPassword
          : undefined;
        if (typeof chosen === "string" && isCommonPassword(chosen)) {
          throw new APIError("BAD_REQUEST", {
            message: "This password is one of the most common ones; choose another.",
            code: "PASSWORD_TOO_COMMON",
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const returned = ctx.context.returned;
        // A redirect is also thrown as an APIError (status 302): only 4xx/5xx are failures.
        const failed = isAPIError(returned) && returned.statusCode >= 400;
        if (ctx.path === "/verify-email" && !failed && typeof ctx.query?.token === "string") {
          await db.insert(verifications).values({
            id: newId("vrf"),
            identifier: usedTokenKey(ctx.query.token),
            value: "used",
            expiresAt: new Date(Date.now() + (verificationLinkHours + 1) * 3_600_000),
          });
          return;
        }
        const where = origin(ctx.request);
        const actorId = ctx.context.newSession?.user.id ?? ctx.context.session?.user.id ?? null;
        if (ctx.path === "/sign-in/email" && typeof ctx.body?.email === "string") {
          const email = ctx.body.email.trim().toLowerCase();
          if (failed) {
            if (isAPIError(returned) && returned.statusCode === 401) {
              await recordFailedSignIn(db, email);
              await recordAudit(db, { action: "auth.sign_in.failed", metadata: { email }, ...where });
            }
          } else {
            await clearFailedSignIns(db, email);
            // The two-factor plugin turns this answer into a second-factor challenge after this hook.
            const signedIn = ctx.context.newSession?.user as
              | { twoFactorEnabled?: boolean | null }
              | undefined;
            const twoFactorPending = signedIn?.twoFactorEnabled === true;
            if (!twoFactorPending && actorId) await notifyIfNewDevice(actorId, where);
            await recordAudit(db, {
              action: twoFactorPending ? "auth.sign_in.second_factor_required" : "auth.sign_in.succeeded",
              actorId,
              metadata: { email },
              ...where,
            });
          }
          return;
        }
        const events: Record<string, string> = {
          "/reset-password": "auth.password.reset",
          "/change-password": "auth.password.changed",
          "/sign-out": "auth.sign_out",
          "/revoke-other-sessions": "auth.sessions.revoked_others",
          "/two-factor/verify-totp": "auth.sign_in.second_factor_verified",
          "/two-factor/verify-backup-code": "auth.sign_in.backup_code_used",
        };
        const action = events[ctx.path];
        const completesSignIn = ["/two-factor/verify-totp", "/two-factor/verify-backup-code"].includes(
          ctx.path,
        );
        if (action && !failed && completesSignIn && actorId && !ctx.context.session)
          await notifyIfNewDevice(actorId, where);
        if (action && !failed) await recordAudit(db, { action, actorId, ...where });
      }),
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The app context with accounts and sessions (better-auth), for routes that know who is asking. */
export interface AuthContext extends AppContext {
  auth: Auth;
}
