import { eq } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  sessions,
  signInThrottles,
  twoFactors,
  users,
  verifications,
} from "../src/modules/customers/customers.schema.ts";
import { endOverlongSessions } from "../src/modules/customers/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { mailMessages } from "../src/platform/outbox.schema.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;

/** The cookie header to send back, from a response's Set-Cookie headers. */
function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

let client = 0;
/** POSTs as a browser on the shop's origin; each call comes from its own address unless `ip` is given. */
function post(url: string, body: unknown, headers: Record<string, string> = {}, ip?: string) {
  client++;
  return t.app.inject({
    method: "POST",
    url,
    payload: body as object,
    headers: { origin, ...headers },
    remoteAddress: ip ?? `192.0.2.${client % 250}`,
  });
}

/** Delivers queued email and returns the newest message sent to `to`. */
async function lastMailTo(to: string) {
  await t.ctx.outbox.runOnce();
  const rows = await t.ctx.db.select().from(mailMessages).where(eq(mailMessages.to, to));
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1)).at(-1); // ids are monotonic ULIDs of the outbox events
}

function linkIn(text: string): URL {
  const match = /(https?:\/\/\S+)/.exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  return new URL(match[1]!);
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
});
afterAll(async () => {
  await t?.close();
});

describe("customer accounts", () => {
  it("registers, emails a verification link that verifies the address, and signs in", async () => {
    const signUp = await post("/api/auth/sign-up/email", {
      name: "Ada",
      email: "ada@example.com",
      password: "violet-kettle-42",
    });
    expect(signUp.statusCode).toBe(200);
    const mail = await lastMailTo("ada@example.com");
    expect(mail?.subject).toBe("Confirm your email for Bazaar");
    const link = linkIn(mail!.text);
    const verify = await t.app.inject({ method: "GET", url: `${link.pathname}${link.search}` });
    expect([200, 302]).toContain(verify.statusCode);

    const signIn = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "violet-kettle-42",
    });
    expect(signIn.statusCode).toBe(200);
    const session = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(signIn) },
    });
    expect(session.json().user).toMatchObject({ email: "ada@example.com", emailVerified: true });
    const sessionCookie = signIn.cookies.find((c) => c.name.includes("session_token"))!;
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });

  it("refuses short and common passwords with a problem naming the reason", async () => {
    const common = await post("/api/auth/sign-up/email", {
      name: "Bo",
      email: "bo@example.com",
      password: "password1",
    });
    expect(common.statusCode).toBe(400);
    expect(common.headers["content-type"]).toContain("application/problem+json");
    expect(common.json().code).toBe("PASSWORD_TOO_COMMON");
    const short = await post("/api/auth/sign-up/email", {
      name: "Bo",
      email: "bo@example.com",
      password: "x7$a",
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe("PASSWORD_TOO_SHORT");
  });

  it("stores passwords as argon2id hashes", async () => {
    const context = await t.ctx.auth.$context;
    const found = await context.internalAdapter.findUserByEmail("ada@example.com", { includeAccounts: true });
    const credential = found!.accounts.find((a) => a.providerId === "credential");
    expect(credential?.password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("resets a password by emailed link once, and signs out every session", async () => {
    const signIn = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "violet-kettle-42",
    });
    const oldCookie = cookieOf(signIn);
    const request = await post("/api/auth/request-password-reset", {
      email: "ada@example.com",
      redirectTo: `${origin}/reset`,
    });
    expect(request.statusCode).toBe(200);
    const unknown = await post("/api/auth/request-password-reset", {
      email: "nobody@example.com",
      redirectTo: `${origin}/reset`,
    });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual(request.json()); // no user enumeration

    const mail = await lastMailTo("ada@example.com");
    expect(mail?.subject).toBe("Reset your Bazaar password");
    const token = linkIn(mail!.text).pathname.split("/").pop()!;
    const reset = await post("/api/auth/reset-password", { token, newPassword: "amber-lantern-77" });
    expect(reset.statusCode).toBe(200);
    const reused = await post("/api/auth/reset-password", { token, newPassword: "another-lantern-78" });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe("INVALID_TOKEN");

    const old = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: oldCookie },
    });
    expect(old.json()).toBeNull();
    expect(
      (await post("/api/auth/sign-in/email", { email: "ada@example.com", password: "violet-kettle-42" }))
        .statusCode,
    ).toBe(401);
    expect(
      (await post("/api/auth/sign-in/email", { email: "ada@example.com", password: "amber-lantern-77" }))
        .statusCode,
    ).toBe(200);
  });

  it("rejects tampered and expired email tokens with clear errors", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Tom",
      email: "tom@example.com",
      password: "fuzzy-lemur-8123",
    });
    const mail = await lastMailTo("tom@example.com");
    const link = linkIn(mail!.text);
    const token = link.searchParams.get("token")!;
    const tampered = await t.app.inject({
      method: "GET",
      url: `/api/auth/verify-email?token=${token.slice(0, -4)}abcd`,
    });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe("INVALID_TOKEN");
    const first = await t.app.inject({ method: "GET", url: `/api/auth/verify-email?token=${token}` });
    expect(first.statusCode).toBe(200);
    const reused = await t.app.inject({ method: "GET", url: `/api/auth/verify-email?token=${token}` });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe("TOKEN_ALREADY_USED");

    await post("/api/auth/request-password-reset", {
      email: "tom@example.com",
      redirectTo: `${origin}/reset`,
    });
    const reset = await lastMailTo("tom@example.com");
    const resetToken = linkIn(reset!.text).pathname.split("/").pop()!;
    // The link's lifetime passes.
    await t.ctx.db.update(verifications).set({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await post("/api/auth/reset-password", {
      token: resetToken,
      newPassword: "fresh-lemur-9001",
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ code: "INVALID_TOKEN", status: 400 });
    const garbage = await post("/api/auth/reset-password", {
      token: "not-a-token",
      newPassword: "fresh-lemur-9001",
    });
    expect(garbage.json().code).toBe("INVALID_TOKEN");
  });

  it("ends sessions after the absolute lifetime however active, and after idle expiry", async () => {
    const signIn = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "amber-lantern-77",
    });
    const cookie = cookieOf(signIn);
    const alive = await t.app.inject({ method: "GET", url: "/api/auth/get-session", headers: { cookie } });
    expect(alive.json().user.email).toBe("ada@example.com");
    const token = alive.json().session.token as string;
    // Signed in long ago (beyond SESSION_MAX_DAYS), though used just now.
    await t.ctx.db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - (t.ctx.config.sessionMaxDays + 1) * 86_400_000) })
      .where(eq(sessions.token, token));
    expect(
      await endOverlongSessions(t.ctx.auth, t.ctx.db, t.ctx.config.sessionMaxDays),
    ).toBeGreaterThanOrEqual(1);
    const ended = await t.app.inject({ method: "GET", url: "/api/auth/get-session", headers: { cookie } });
    expect(ended.json()).toBeNull();

    const idle = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "amber-lantern-77",
    });
    const idleCookie = cookieOf(idle);
    const idleToken = (
      await t.app.inject({ method: "GET", url: "/api/auth/get-session", headers: { cookie: idleCookie } })
    ).json().session.token as string;
    await t.ctx.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.token, idleToken));
    const lapsed = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: idleCookie },
    });
    expect(lapsed.json()).toBeNull();
  });

  it("rejects an expired verification link and an expired session cookie", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Uma",
      email: "uma@example.com",
      password: "silver-comet-2291",
    });
    const mail = await lastMailTo("uma@example.com");
    const token = linkIn(mail!.text).searchParams.get("token")!;
    const signIn = await post("/api/auth/sign-in/email", {
      email: "uma@example.com",
      password: "silver-comet-2291",
    });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // A day and an hour later: past the 24-hour link.
      vi.setSystemTime(Date.now() + 25 * 3_600_000);
      const expired = await t.app.inject({ method: "GET", url: `/api/auth/verify-email?token=${token}` });
      expect(expired.statusCode).toBe(401);
      expect(expired.json().code).toMatch(/TOKEN_EXPIRED|INVALID_TOKEN/);
      // Unused for longer than the idle lifetime: the session cookie no longer works.
      vi.setSystemTime(Date.now() + (t.ctx.config.sessionIdleDays + 1) * 86_400_000);
      const session = await t.app.inject({
        method: "GET",
        url: "/api/auth/get-session",
        headers: { cookie: cookieOf(signIn) },
      });
      expect(session.json()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects a tampered session cookie", async () => {
    const signIn = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "amber-lantern-77",
    });
    const cookie = signIn.cookies.find((c) => c.name.includes("session_token"))!;
    const tampered = `${cookie.name}=${cookie.value.slice(0, -3)}abc`;
    const res = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: tampered },
    });
    expect(res.json()).toBeNull();
  });

  it("refuses a cookie-authenticated write from a foreign origin (CSRF)", async () => {
    const signIn = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "amber-lantern-77",
    });
    const res = await post(
      "/api/auth/change-password",
      { currentPassword: "amber-lantern-77", newPassword: "plum-teapot-93" },
      { cookie: cookieOf(signIn), origin: "https://evil.example" },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("INVALID_ORIGIN");
  });

  it("throttles one address trying many accounts with 429 and Retry-After", async () => {
    let throttled: LightMyRequestResponse | null = null;
    for (let i = 0; i < 15 && !throttled; i++) {
      const res = await post(
        "/api/auth/sign-in/email",
        // A different account each time: this is the per-address limit, not the per-account lockout.
        { email: `someone-${i}@example.com`, password: `wrong-${i}-password` },
        {},
        "198.51.100.7",
      );
      if (res.statusCode === 429) throttled = res;
      else expect(res.statusCode).toBe(401);
    }
    expect(throttled).not.toBeNull();
    expect(Number(throttled!.headers["retry-after"])).toBeGreaterThan(0);
    expect(throttled!.json().code).toBe("RATE_LIMITED");
  });
});

describe("changing the email address", () => {
  it("applies the new address only after its verification link is opened", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Eve",
      email: "eve@example.com",
      password: "brisk-otter-6120",
    });
    await t.ctx.outbox.runOnce();
    // Verify the first address, so that a change must be confirmed from the new one.
    const first = await lastMailTo("eve@example.com");
    const firstLink = linkIn(first!.text);
    await t.app.inject({ method: "GET", url: `${firstLink.pathname}${firstLink.search}` });
    const signIn = await post("/api/auth/sign-in/email", {
      email: "eve@example.com",
      password: "brisk-otter-6120",
    });
    const change = await post(
      "/api/auth/change-email",
      { newEmail: "eve.new@example.com", callbackURL: "/account" },
      { cookie: cookieOf(signIn) },
    );
    expect(change.statusCode).toBe(200);
    const stillOld = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(signIn) },
    });
    expect(stillOld.json().user.email).toBe("eve@example.com");
    const mail = await lastMailTo("eve.new@example.com");
    expect(mail).toBeTruthy();
    const link = linkIn(mail!.text);
    await t.app.inject({
      method: "GET",
      url: `${link.pathname}${link.search}`,
      headers: { cookie: cookieOf(signIn) },
    });
    const signInNew = await post("/api/auth/sign-in/email", {
      email: "eve.new@example.com",
      password: "brisk-otter-6120",
    });
    expect(signInNew.statusCode).toBe(200);
    expect(signInNew.json().user.email).toBe("eve.new@example.com");
  });
});

describe("new-device sign-in notice", () => {
  it("emails the account holder when a browser it has not seen before signs in", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Nia",
      email: "nia@example.com",
      password: "lucky-pebble-4412",
    });
    const signIn = (ua: string) =>
      post(
        "/api/auth/sign-in/email",
        { email: "nia@example.com", password: "lucky-pebble-4412" },
        { "user-agent": ua },
      );
    const countNotices = async () => {
      await t.ctx.outbox.runOnce();
      const rows = await t.ctx.db.select().from(mailMessages).where(eq(mailMessages.to, "nia@example.com"));
      return rows.filter((m) => m.subject === "New sign-in to your Bazaar account");
    };
    await signIn("Firefox/140 (Linux)");
    await signIn("Firefox/140 (Linux)");
    expect(await countNotices()).toHaveLength(0);
    await signIn("Safari/19 (iPhone)");
    const notices = await countNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain("Safari/19 (iPhone)");
  });
});

describe("brute force on one account", () => {
  it("throttles 50 wrong passwords from many addresses, never lets one in, and lets the owner in after the lockout", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Lu",
      email: "lu@example.com",
      password: "gentle-harbour-33",
    });
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 50; i++) {
      // A fresh address each time: the per-IP limit never triggers, only the per-account lockout does.
      const res = await post(
        "/api/auth/sign-in/email",
        { email: "lu@example.com", password: `guess-${i}-wrong` },
        {},
        `203.0.113.${i}`,
      );
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        retryAfter = Number(res.headers["retry-after"]);
        expect(res.json().code).toBe("ACCOUNT_LOCKED");
      }
    }
    expect(statuses).not.toContain(200);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45);
    expect(retryAfter).toBeGreaterThan(0);

    // Locked: even the right password waits.
    const locked = await post("/api/auth/sign-in/email", {
      email: "lu@example.com",
      password: "gentle-harbour-33",
    });
    expect(locked.statusCode).toBe(429);
    // After the lockout window (moved into the past here), the owner gets in and the count resets.
    await t.ctx.db.update(signInThrottles).set({ lockedUntil: new Date(Date.now() - 1000) });
    const owner = await post("/api/auth/sign-in/email", {
      email: "lu@example.com",
      password: "gentle-harbour-33",
    });
    expect(owner.statusCode).toBe(200);
    expect(
      await t.ctx.db.select().from(signInThrottles).where(eq(signInThrottles.email, "lu@example.com")),
    ).toEqual([]);
  });

  it("answers an unknown email exactly like a wrong password", async () => {
    const unknown = await post("/api/auth/sign-in/email", {
      email: "ghost@example.com",
      password: "whatever-it-is-1",
    });
    const wrong = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "whatever-it-is-1",
    });
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(unknown.json()).toEqual(wrong.json());
  });
});

describe("two-factor authentication (TOTP, RFC 6238)", () => {
  it("enrols with a code from the shown secret, then requires a code at sign-in; backup codes work once", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Tove",
      email: "tove@example.com",
      password: "sturdy-walrus-61",
    });
    const signIn = await post("/api/auth/sign-in/email", {
      email: "tove@example.com",
      password: "sturdy-walrus-61",
    });
    const cookie = cookieOf(signIn);
    const enable = await post("/api/auth/two-factor/enable", { password: "sturdy-walrus-61" }, { cookie });
    expect(enable.statusCode).toBe(200);
    const { totpURI, backupCodes } = enable.json() as { totpURI: string; backupCodes: string[] };
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/Bazaar:tove%40example\.com\?secret=/);
    expect(backupCodes).toHaveLength(10);

    // Backup codes are stored as keyed hashes only.
    const [stored] = await t.ctx.db.select().from(twoFactors);
    expect(stored!.backupCodes).not.toContain(backupCodes[0]!);
    expect(stored!.backupCodes).toContain("hmac:");

    const totp = OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP;
    const confirm = await post("/api/auth/two-factor/verify-totp", { code: totp.generate() }, { cookie });
    expect(confirm.statusCode).toBe(200);
    const [user] = await t.ctx.db.select().from(users).where(eq(users.email, "tove@example.com"));
    expect(user!.twoFactorEnabled).toBe(true);
    expect((await lastMailTo("tove@example.com"))?.subject).toBe("Two-factor authentication was turned on");

    // Signing in now needs the second factor.
    const first = await post("/api/auth/sign-in/email", {
      email: "tove@example.com",
      password: "sturdy-walrus-61",
    });
    expect(first.json()).toMatchObject({ twoFactorRedirect: true });
    const pending = cookieOf(first);
    const noSession = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: pending },
    });
    expect(noSession.json()).toBeNull();
    const wrong = await post("/api/auth/two-factor/verify-totp", { code: "000000" }, { cookie: pending });
    expect(wrong.statusCode).toBe(401);
    const right = await post(
      "/api/auth/two-factor/verify-totp",
      { code: totp.generate() },
      { cookie: pending },
    );
    expect(right.statusCode).toBe(200);
    const session = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(right) },
    });
    expect(session.json().user.email).toBe("tove@example.com");

    const again = await post("/api/auth/sign-in/email", {
      email: "tove@example.com",
      password: "sturdy-walrus-61",
    });
    const backup = await post(
      "/api/auth/two-factor/verify-backup-code",
      { code: backupCodes[0] },
      { cookie: cookieOf(again) },
    );
    expect(backup.statusCode).toBe(200);
    const third = await post("/api/auth/sign-in/email", {
      email: "tove@example.com",
      password: "sturdy-walrus-61",
    });
    const reused = await post(
      "/api/auth/two-factor/verify-backup-code",
      { code: backupCodes[0] },
      { cookie: cookieOf(third) },
    );
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe("INVALID_BACKUP_CODE");
    const other = await post(
      "/api/auth/two-factor/verify-backup-code",
      { code: backupCodes[1] },
      { cookie: cookieOf(third) },
    );
    expect(other.statusCode).toBe(200);
  });
});

describe("staff access", () => {
  it("creates the first Owner from ADMIN_EMAIL and lets them in; shoppers and strangers are refused", async () => {
    expect(await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db)).toBe("created");
    expect(await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db)).toBe("existing");
    const owner = await post("/api/auth/sign-in/email", {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    });
    const me = await t.app.inject({
      method: "GET",
      url: "/api/admin/me",
      headers: { cookie: cookieOf(owner) },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: "owner@shop.test", roles: ["owner"] });
    expect(me.json().permissions).toContain("staff:manage");
    const rolesList = await t.app.inject({
      method: "GET",
      url: "/api/admin/roles",
      headers: { cookie: cookieOf(owner) },
    });
    expect(rolesList.json().items.map((r: { key: string }) => r.key)).toEqual(
      expect.arrayContaining([
        "owner",
        "admin",
        "catalog_manager",
        "order_manager",
        "support_agent",
        "analyst",
      ]),
    );

    const anonymous = await t.app.inject({ method: "GET", url: "/api/admin/me" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("UNAUTHENTICATED");
    const shopper = await post("/api/auth/sign-in/email", {
      email: "ada@example.com",
      password: "amber-lantern-77",
    });
    const refused = await t.app.inject({
      method: "GET",
      url: "/api/admin/me",
      headers: { cookie: cookieOf(shopper) },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("NOT_STAFF");
  });

  it("checks each route's permission: an analyst may not list roles", async () => {
    await post("/api/auth/sign-up/email", {
      name: "Ana",
      email: "analyst@shop.test",
      password: "quiet-meadow-58",
    });
    const context = await t.ctx.auth.$context;
    const analyst = (await context.internalAdapter.findUserByEmail("analyst@shop.test"))!.user;
    await assignRole(t.ctx.db, analyst.id, "analyst");
    const signIn = await post("/api/auth/sign-in/email", {
      email: "analyst@shop.test",
      password: "quiet-meadow-58",
    });
    const me = await t.app.inject({
      method: "GET",
      url: "/api/admin/me",
      headers: { cookie: cookieOf(signIn) },
    });
    expect(me.json().roles).toEqual(["analyst"]);
    const roles = await t.app.inject({
      method: "GET",
      url: "/api/admin/roles",
      headers: { cookie: cookieOf(signIn) },
    });
    expect(roles.statusCode).toBe(403);
    expect(roles.json()).toMatchObject({
      code: "PERMISSION_DENIED",
      detail: "This needs the staff:manage permission.",
    });
  });

  it("keeps an audit log of security events that Owners can read and analysts cannot", async () => {
    const owner = await post("/api/auth/sign-in/email", {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    });
    const page = await t.app.inject({
      method: "GET",
      url: "/api/admin/audit-events?limit=200",
      headers: { cookie: cookieOf(owner), "user-agent": "AuditTest/1.0" },
    });
    expect(page.statusCode).toBe(200);
    const items = page.json().items as {
      action: string;
      actorId: string | null;
      ipAddress: string | null;
      metadata: Record<string, unknown>;
      createdAt: string;
    }[];
    const actions = new Set(items.map((i) => i.action));
    for (const expected of [
      "auth.sign_in.succeeded",
      "auth.sign_in.failed",
      "auth.sign_in.locked",
      "auth.password.reset",
      "auth.two_factor.enabled",
      "auth.sign_in.second_factor_required",
      "staff.role.assigned",
    ]) {
      expect(actions, expected).toContain(expected);
    }
    const failed = items.find((i) => i.action === "auth.sign_in.failed")!;
    expect(failed.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(failed.metadata.email).toBeTruthy();
    expect(
      items.find((i) => i.action === "staff.role.assigned" && i.metadata.role === "analyst"),
    ).toBeTruthy();
    // Newest first.
    const times = items.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());

    const analyst = await post("/api/auth/sign-in/email", {
      email: "analyst@shop.test",
      password: "quiet-meadow-58",
    });
    const denied = await t.app.inject({
      method: "GET",
      url: "/api/admin/audit-events",
      headers: { cookie: cookieOf(analyst) },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await t.app.inject({
      method: "GET",
      url: "/api/admin/audit-events?limit=0",
      headers: { cookie: cookieOf(owner) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("limit");
  });

  it("lists a user's sessions and signs out the other devices", async () => {
    const phone = await post(
      "/api/auth/sign-in/email",
      { email: "analyst@shop.test", password: "quiet-meadow-58" },
      { "user-agent": "Phone" },
    );
    const laptop = await post(
      "/api/auth/sign-in/email",
      { email: "analyst@shop.test", password: "quiet-meadow-58" },
      { "user-agent": "Laptop" },
    );
    const list = await t.app.inject({
      method: "GET",
      url: "/api/auth/list-sessions",
      headers: { cookie: cookieOf(laptop) },
    });
    expect(list.statusCode).toBe(200);
    expect((list.json() as unknown[]).length).toBeGreaterThanOrEqual(2);
    const revoke = await post("/api/auth/revoke-other-sessions", {}, { cookie: cookieOf(laptop) });
    expect(revoke.statusCode).toBe(200);
    const phoneSession = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(phone) },
    });
    expect(phoneSession.json()).toBeNull();
    const laptopSession = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(laptop) },
    });
    expect(laptopSession.json().user.email).toBe("analyst@shop.test");
  });

  it("refuses to register an admin route that does not declare its permission", async () => {
    const { default: Fastify } = await import("fastify");
    const { assertAdminRouteDeclaresPermission } = await import("../src/modules/staff/index.ts");
    const app = Fastify();
    app.addHook("onRoute", assertAdminRouteDeclaresPermission);
    expect(() => app.get("/api/admin/forgotten", async () => ({}))).toThrowError(
      /must declare config.permission/,
    );
    await app.close();
  });
});
