import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};
const vendorIds: Record<string, string> = {};

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(method: string, url: string, who: string | null, payload?: object) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}) },
    remoteAddress: `198.21.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

async function account(who: string, email: string) {
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name: who,
    email,
    password: "tidy-pelican-7720",
  });
  expect(res.statusCode).toBe(200);
  cookies[who] = cookieOf(res);
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  cookies.staffOwner = cookieOf(
    await call("POST", "/api/auth/sign-in/email", null, {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    }),
  );
  for (const [key, slug] of [
    ["A", "alpine-outfitters"],
    ["B", "bayside-gear"],
  ] as const) {
    const res = await call("POST", "/api/admin/vendors", "staffOwner", { name: `Vendor ${key}`, slug });
    expect(res.statusCode).toBe(201);
    vendorIds[key] = res.json().id;
  }
  for (const [who, vendor, role] of [
    ["a1", "A", "owner"],
    ["a2", "A", "staff"],
    ["b1", "B", "owner"],
  ] as const) {
    await account(who, `${who}@vendors.test`);
    const added = await call("POST", `/api/admin/vendors/${vendorIds[vendor]}/members`, "staffOwner", {
      email: `${who}@vendors.test`,
      role,
    });
    expect(added.statusCode).toBe(204);
  }
  await account("customer", "customer@example.com");
  await account("analyst", "analyst@shop.test");
  const [analyst] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from users where email = 'analyst@shop.test'`,
  );
  await assignRole(t.ctx.db, analyst!.id, "analyst");
});
afterAll(async () => {
  await t?.close();
});

describe("vendor isolation", () => {
  it("shows each vendor member only their own vendor, and lets only its owners change it", async () => {
    expect((await call("GET", "/api/vendor/profile", "a1")).json().slug).toBe("alpine-outfitters");
    expect((await call("GET", "/api/vendor/profile", "a2")).json().slug).toBe("alpine-outfitters");
    expect((await call("GET", "/api/vendor/profile", "b1")).json().slug).toBe("bayside-gear");

    const staffEdit = await call("PATCH", "/api/vendor/profile", "a2", { name: "Hijacked" });
    expect(staffEdit.statusCode).toBe(403);
    expect(staffEdit.json().code).toBe("VENDOR_OWNER_ONLY");
    const ownerEdit = await call("PATCH", "/api/vendor/profile", "a1", {
      description: "Mountain gear since 1990",
    });
    expect(ownerEdit.json()).toMatchObject({
      slug: "alpine-outfitters",
      description: "Mountain gear since 1990",
    });
    expect((await call("GET", "/api/vendor/profile", "b1")).json().description).toBe("");

    const members = (await call("GET", "/api/vendor/members", "a1")).json().items as { email: string }[];
    expect(members.map((m) => m.email).sort()).toEqual(["a1@vendors.test", "a2@vendors.test"]);
    const bMembers = (await call("GET", "/api/vendor/members", "b1")).json().items as { email: string }[];
    expect(bMembers.map((m) => m.email)).toEqual(["b1@vendors.test"]);

    const twice = await call("POST", `/api/admin/vendors/${vendorIds.B}/members`, "staffOwner", {
      email: "a1@vendors.test",
      role: "staff",
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("ALREADY_VENDOR_MEMBER");
  });

  it("checks every /api/vendor route for anonymous, a customer, staff and both vendors", async () => {
    const vendorRoutes = t.ctx.routes.filter((r) => r.url.startsWith("/api/vendor"));
    expect(vendorRoutes.length).toBeGreaterThanOrEqual(3);
    const failures: string[] = [];
    for (const route of vendorRoutes) {
      const expectations: Record<string, number | "allowed"> = {
        anonymous: 401,
        customer: 403,
        staffOwner: 403,
        analyst: 403,
        a1: "allowed",
        b1: "allowed",
        a2: route.permission === "vendor:owner" ? 403 : "allowed",
      };
      for (const [who, expected] of Object.entries(expectations)) {
        const res = await call(
          route.method,
          route.url,
          who === "anonymous" ? null : who,
          route.method === "GET" ? undefined : {},
        );
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : "allowed";
        if (got !== expected)
          failures.push(`${who} ${route.method} ${route.url}: expected ${expected}, got ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    // Vendor members are not staff.
    expect((await call("GET", "/api/admin/me", "a1")).statusCode).toBe(403);
  });
});
