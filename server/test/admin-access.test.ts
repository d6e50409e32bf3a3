import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignRole, bootstrapOwner, builtInRoles } from "../src/modules/staff/index.ts";
import { addVendorMember, createVendor } from "../src/modules/vendors/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(method: string, url: string, headers: Record<string, string> = {}, payload?: object) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin, ...headers },
    remoteAddress: `198.20.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

/** Signs up (and in) a user, optionally giving them a staff role; returns the cookie header. */
async function account(email: string, role?: string): Promise<string> {
  const res = await call(
    "POST",
    "/api/auth/sign-up/email",
    {},
    { name: email, email, password: "steady-heron-9031" },
  );
  expect(res.statusCode).toBe(200);
  if (role) {
    const [user] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from users where email = ${email}`,
    );
    await assignRole(t.ctx.db, user!.id, role);
  }
  return cookieOf(res);
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
});
afterAll(async () => {
  await t?.close();
});

describe("authorization matrix over every /api/admin route", () => {
  it("allows and denies each route exactly as its declared permission says", async () => {
    const adminRoutes = t.ctx.routes.filter((r) => r.url.startsWith("/api/admin"));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(7);
    // A vendor's owner is a seller, not shop staff: the admin API refuses them like a customer.
    const vendorCookie = await account("seller@vendors.test");
    const [seller] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from users where email = 'seller@vendors.test'`,
    );
    const vendor = await createVendor(
      t.ctx.db,
      { name: "Seller Co", slug: "seller-co" },
      { actorId: "test" },
    );
    await addVendorMember(t.ctx.db, vendor.id, seller!.id, "owner", { actorId: "test" });
    const callers: Record<string, { cookie: string | null; permissions: Set<string> | "none" }> = {
      anonymous: { cookie: null, permissions: "none" },
      customer: { cookie: await account("shopper@example.com"), permissions: "none" },
      vendor: { cookie: vendorCookie, permissions: "none" },
    };
    for (const [key, role] of Object.entries(builtInRoles)) {
      callers[key] = {
        cookie: await account(`${key}.member@shop.test`, key),
        permissions: new Set(role.permissions),
      };
    }
    const failures: string[] = [];
    for (const route of adminRoutes) {
      const url = route.url.replace(/:(\w+)/g, "does-not-exist");
      for (const [who, caller] of Object.entries(callers)) {
        const res = await call(
          route.method,
          url,
          caller.cookie ? { cookie: caller.cookie } : {},
          route.method === "GET" ? undefined : {},
        );
        const expected =
          caller.permissions === "none"
            ? caller.cookie
              ? 403
              : 401
            : route.permission === "staff" || caller.permissions.has(route.permission ?? "")
              ? "allowed"
              : 403;
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : "allowed";
        if (got !== expected)
          failures.push(`${who} ${route.method} ${route.url}: expected ${expected}, got ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    // Every route times every caller: over a thousand requests.
  }, 300_000);
});

describe("API keys", () => {
  it("creates a scoped key shown once, authenticates with it, and stops accepting it once revoked", async () => {
    const owner = cookieOf(
      await call(
        "POST",
        "/api/auth/sign-in/email",
        {},
        { email: "owner@shop.test", password: "correct horse battery staple" },
      ),
    );
    const created = await call(
      "POST",
      "/api/admin/api-keys",
      { cookie: owner },
      { name: "ERP sync", permissions: ["catalog:read"] },
    );
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json() as { key: { id: string; prefix: string }; secret: string };
    expect(secret).toMatch(/^bz_live_/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const stored = await queryRows<Record<string, unknown>>(t.ctx.db, sql`select * from api_keys`);
    expect(JSON.stringify(stored)).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    const me = await t.app.inject({ method: "GET", url: "/api/admin/me", headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().permissions).toEqual(["catalog:read"]);
    const beyond = await t.app.inject({ method: "GET", url: "/api/admin/roles", headers: bearer });
    expect(beyond.statusCode).toBe(403);
    const forged = await t.app.inject({
      method: "GET",
      url: "/api/admin/me",
      headers: { authorization: `Bearer ${secret.slice(0, -2)}xx` },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe("INVALID_API_KEY");

    const unknown = await call(
      "POST",
      "/api/admin/api-keys",
      { cookie: owner },
      { name: "Bad", permissions: ["root:everything"] },
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe("permissions");

    expect((await call("DELETE", `/api/admin/api-keys/${key.id}`, { cookie: owner })).statusCode).toBe(204);
    const revoked = await t.app.inject({ method: "GET", url: "/api/admin/me", headers: bearer });
    expect(revoked.statusCode).toBe(401);
    const actions = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where action like 'api_key.%' order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual(["api_key.created", "api_key.revoked"]);
  });
});

describe("two-factor policy for staff", () => {
  it("refuses staff without 2FA when the shop requires it", async () => {
    const strict = await testApp({
      staffRequireTwoFactor: true,
      adminEmail: "boss@shop.test",
      adminPassword: "correct horse battery staple",
    });
    try {
      await bootstrapOwner(strict.ctx.config, strict.ctx.auth, strict.ctx.db);
      const signIn = await strict.app.inject({
        method: "POST",
        url: "/api/auth/sign-in/email",
        headers: { origin: strict.ctx.config.publicUrl },
        payload: { email: "boss@shop.test", password: "correct horse battery staple" },
      });
      const me = await strict.app.inject({
        method: "GET",
        url: "/api/admin/me",
        headers: { cookie: cookieOf(signIn) },
      });
      expect(me.statusCode).toBe(403);
      expect(me.json().code).toBe("TWO_FACTOR_REQUIRED");
    } finally {
      await strict.close();
    }
  });
});

describe("staff management", () => {
  it("invites a new staff member by email, changes roles, keeps the last Owner, and manages custom roles", async () => {
    const owner = cookieOf(
      await call(
        "POST",
        "/api/auth/sign-in/email",
        {},
        { email: "owner@shop.test", password: "correct horse battery staple" },
      ),
    );
    const invited = await call(
      "POST",
      "/api/admin/staff/invitations",
      { cookie: owner },
      { email: "Newbie@Shop.test", name: "Newbie", roles: ["catalog_manager"] },
    );
    expect(invited.statusCode).toBe(201);
    expect(invited.json()).toMatchObject({ email: "newbie@shop.test", roles: ["catalog_manager"] });
    await t.ctx.outbox.runOnce();
    const [mail] = await queryRows<{ subject: string; text: string }>(
      t.ctx.db,
      sql`select subject, text from mail_messages where "to" = 'newbie@shop.test' order by id desc limit 1`,
    );
    expect(mail!.subject).toBe("You're invited to the Bazaar team");
    const token = /reset-password\/([^?\s]+)/.exec(mail!.text)![1]!;
    expect(
      (await call("POST", "/api/auth/reset-password", {}, { token, newPassword: "bright-falcon-2288" }))
        .statusCode,
    ).toBe(200);
    const newbie = cookieOf(
      await call(
        "POST",
        "/api/auth/sign-in/email",
        {},
        { email: "newbie@shop.test", password: "bright-falcon-2288" },
      ),
    );
    expect((await call("GET", "/api/admin/me", { cookie: newbie })).json().roles).toEqual([
      "catalog_manager",
    ]);

    const userId = invited.json().userId as string;
    const changed = await call(
      "PUT",
      `/api/admin/staff/${userId}/roles`,
      { cookie: owner },
      { roles: ["order_manager", "analyst"] },
    );
    expect(changed.json().roles).toEqual(["order_manager", "analyst"]);
    expect((await call("GET", "/api/admin/me", { cookie: newbie })).json().roles.sort()).toEqual([
      "analyst",
      "order_manager",
    ]);

    const ownerId = (await call("GET", "/api/admin/me", { cookie: owner })).json().userId as string;
    // Every Owner but the last may lose the role.
    const owners = (await call("GET", "/api/admin/staff", { cookie: owner })).json().items as {
      userId: string;
      roles: string[];
    }[];
    const coOwner = await call(
      "POST",
      "/api/admin/staff/invitations",
      { cookie: owner },
      { email: "co-owner@shop.test", name: "Co", roles: ["owner"] },
    );
    for (const other of [
      ...owners.filter((m) => m.roles.includes("owner") && m.userId !== ownerId),
      coOwner.json(),
    ]) {
      expect(
        (await call("PUT", `/api/admin/staff/${other.userId}/roles`, { cookie: owner }, { roles: [] }))
          .statusCode,
      ).toBe(200);
    }
    const lastOwner = await call(
      "PUT",
      `/api/admin/staff/${ownerId}/roles`,
      { cookie: owner },
      { roles: ["admin"] },
    );
    expect(lastOwner.statusCode).toBe(400);
    expect(lastOwner.json().errors[0]).toEqual({
      field: "roles",
      message: "the shop needs at least one Owner",
    });

    expect(
      (
        await call(
          "PUT",
          "/api/admin/roles/content_editor",
          { cookie: owner },
          { name: "Content editor", permissions: ["cms:write", "catalog:read"] },
        )
      ).statusCode,
    ).toBe(204);
    expect(
      (await call("PUT", "/api/admin/roles/owner", { cookie: owner }, { name: "Boss", permissions: [] }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await call(
          "PUT",
          "/api/admin/roles/bad_perm",
          { cookie: owner },
          { name: "Bad", permissions: ["nope:nope"] },
        )
      ).statusCode,
    ).toBe(400);
    await call("PUT", `/api/admin/staff/${userId}/roles`, { cookie: owner }, { roles: ["content_editor"] });
    expect((await call("GET", "/api/admin/me", { cookie: newbie })).json().permissions).toEqual([
      "catalog:read",
      "cms:write",
    ]);
    expect((await call("DELETE", "/api/admin/roles/content_editor", { cookie: owner })).statusCode).toBe(204);
    expect((await call("GET", "/api/admin/me", { cookie: newbie })).statusCode).toBe(403); // no role left: not staff

    const staff = (await call("GET", "/api/admin/staff", { cookie: owner })).json().items as {
      email: string;
    }[];
    expect(staff.map((s) => s.email)).toContain("owner@shop.test");
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select distinct action from audit_events where action like 'staff.%'`,
    );
    expect(audit.map((a) => a.action).sort()).toEqual([
      "staff.role.assigned",
      "staff.role.deleted",
      "staff.role.removed",
      "staff.role.saved",
    ]);
  });
});

describe("first Owner by setup link", () => {
  it("creates the Owner once with the printed token, and never again", async () => {
    const fresh = await testApp();
    try {
      const { bootstrapOwner, createOwnerSetupLink } = await import("../src/modules/staff/index.ts");
      expect(await bootstrapOwner(fresh.ctx.config, fresh.ctx.auth, fresh.ctx.db)).toBe("no-owner");
      const link = new URL(await createOwnerSetupLink(fresh.ctx.config, fresh.ctx.auth));
      expect(link.pathname).toBe("/admin/setup");
      const token = link.searchParams.get("token")!;
      const setup = (body: object) =>
        fresh.app.inject({
          method: "POST",
          url: "/api/setup/owner",
          headers: { origin: fresh.ctx.config.publicUrl },
          payload: body,
        });
      const wrong = await setup({
        token: `${token.slice(0, -3)}abc`,
        name: "Mo",
        email: "mo@shop.test",
        password: "sturdy-anchor-5521",
      });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe("SETUP_NOT_ALLOWED");
      const ok = await setup({ token, name: "Mo", email: "mo@shop.test", password: "sturdy-anchor-5521" });
      expect(ok.statusCode).toBe(201);
      const again = await setup({
        token,
        name: "Eve",
        email: "eve@shop.test",
        password: "sturdy-anchor-5521",
      });
      expect(again.statusCode).toBe(403);
      const signIn = await fresh.app.inject({
        method: "POST",
        url: "/api/auth/sign-in/email",
        headers: { origin: fresh.ctx.config.publicUrl },
        payload: { email: "mo@shop.test", password: "sturdy-anchor-5521" },
      });
      const me = await fresh.app.inject({
        method: "GET",
        url: "/api/admin/me",
        headers: { cookie: cookieOf(signIn) },
      });
      expect(me.json().roles).toEqual(["owner"]);
    } finally {
      await fresh.close();
    }
  });
});
