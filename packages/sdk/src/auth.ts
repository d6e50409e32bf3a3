/**
 * The better-auth routes the web apps call (/api/auth/*). better-auth serves them itself, outside the
 * OpenAPI document, so their shapes are written here, in the form openapi-typescript gives `paths`,
 * and the one client types them like every other route. Only the fields the apps read are listed.
 */

/** The signed-in user as better-auth answers it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  twoFactorEnabled?: boolean | null;
}

/** GET /api/auth/get-session: the user and session, or null when signed out. */
export interface SessionInfo {
  user: SessionUser;
  session: { id: string; token: string; expiresAt: string };
}

/** One signed-in device (GET /api/auth/list-sessions). */
export interface DeviceSession {
  id: string;
  token: string;
  userAgent?: string | null;
  ipAddress?: string | null;
  createdAt: string;
  expiresAt: string;
}

/** POST /api/auth/sign-in/email: signed in, or a second factor is needed first. */
export type SignInResult =
  | { twoFactorRedirect: true; twoFactorMethods?: string[] }
  | { twoFactorRedirect?: undefined; user: SessionUser };

/** An answer whose fields the apps do not read. */
type Unread = Record<string, unknown> | null;

interface NoParameters {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}

interface Json<T> {
  headers: { [name: string]: unknown };
  content: { "application/json": T };
}

/** A JSON POST. */
interface Post<Body, Answer = Unread> {
  post: {
    parameters: NoParameters;
    requestBody: { content: { "application/json": Body } };
    responses: { 200: Json<Answer> };
  };
}

/** A GET without parameters. */
interface Get<Answer> {
  get: {
    parameters: NoParameters;
    requestBody?: never;
    responses: { 200: Json<Answer> };
  };
}

type Empty = Record<string, never>;

export interface AuthPaths {
  "/api/auth/get-session": Get<SessionInfo | null>;
  "/api/auth/list-sessions": Get<DeviceSession[]>;
  "/api/auth/sign-up/email": Post<{ name: string; email: string; password: string; callbackURL?: string }>;
  "/api/auth/sign-in/email": Post<{ email: string; password: string; rememberMe?: boolean }, SignInResult>;
  "/api/auth/sign-in/social": Post<
    { provider: string; callbackURL: string },
    { url: string; redirect: boolean }
  >;
  "/api/auth/sign-out": Post<Empty>;
  "/api/auth/two-factor/verify-totp": Post<{ code: string; trustDevice?: boolean }>;
  "/api/auth/two-factor/verify-backup-code": Post<{ code: string; trustDevice?: boolean }>;
  "/api/auth/two-factor/enable": Post<{ password: string }, { totpURI: string; backupCodes: string[] }>;
  "/api/auth/two-factor/disable": Post<{ password: string }>;
  "/api/auth/send-verification-email": Post<{ email: string; callbackURL?: string }>;
  "/api/auth/request-password-reset": Post<{ email: string; redirectTo?: string }>;
  "/api/auth/reset-password": Post<{ token: string; newPassword: string }>;
  "/api/auth/change-password": Post<{
    currentPassword: string;
    newPassword: string;
    revokeOtherSessions?: boolean;
  }>;
  "/api/auth/revoke-other-sessions": Post<Empty>;
}
