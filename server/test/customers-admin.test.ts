import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let support: string;
let reader: string;
let variants: Awaited<ReturnType<typeof seedShop>>["variants"];
let n = 0;

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

function call(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  cookie: string,
  payload?: object,
) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { cookie, origin: t.ctx.config.publicUrl },
    remoteAddress: `198.51.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

async function signUp(email: string, name: string): Promise<{ id: string; cookie: string }> {
  const res = await call("POST", "/api/auth/sign-up/email", "", {
    name,
    email,
    password: "steady-heron-9031",
  });
  expect(res.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from users where email = ${email}`);
  return { id: user!.id, cookie: cookieOf(res) };
}

let ada: { id: string; cookie: string };

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  ({ variants } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const agent = await signUp("agent@shop.test", "Sam Support");
  await assignRole(t.ctx.db, agent.id, "support_agent"); // customers:read only
  reader = agent.cookie;
  const lead = await signUp("lead@shop.test", "Lee Lead");
  await assignRole(t.ctx.db, lead.id, "admin");
  support = lead.cookie;
  ada = await signUp("ada@example.com", "Ada Byron");
  await signUp("grace@example.com", "Grace Hopper");
  await signUp("linus@example.com", "Linus Pauling");
  // Ada opts in to marketing and buys a mug, signed in.
  await call("PATCH", "/api/store/account", ada.cookie, { marketingConsent: true });
  const add = await call("POST", "/api/store/cart/lines", ada.cookie, {
    variantId: variants.MUG,
    quantity: 2,
  });
  expect(add.statusCode, add.body).toBe(200);
  await call("PUT", "/api/store/cart/email", ada.cookie, { email: "ada@example.com" });
  await call("PUT", "/api/store/cart/shipping-address", ada.cookie, michigan);
  const cart = (await call("GET", "/api/store/cart", ada.cookie)).json();
  const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
  await call("PUT", "/api/store/cart/shipping-method", ada.cookie, { shippingMethodId: best.id });
  const order = await t.app.inject({
    method: "POST",
    url: "/api/store/checkout",
    headers: { cookie: ada.cookie, origin: t.ctx.config.publicUrl, "idempotency-key": "ada-1" },
    payload: { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
  });
  expect(order.statusCode, order.body).toBe(201);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("staff customer list", () => {
  it("searches, filters, sorts and pages, with order figures", async () => {
    const all = (await call("GET", "/api/admin/customers?limit=2&sort=email", reader)).json();
    expect(all.items).toHaveLength(2);
    const emails = [...all.items.map((c: { email: string }) => c.email)];
    let cursor = all.nextCursor;
    while (cursor) {
      const next = (
        await call("GET", `/api/admin/customers?limit=2&sort=email&cursor=${cursor}`, reader)
      ).json();
      emails.push(...next.items.map((c: { email: string }) => c.email));
      cursor = next.nextCursor;
    }
    expect(emails).toEqual([...emails].sort());
    expect(emails.length).toBe(all.total);

    const found = (await call("GET", "/api/admin/customers?q=BYRON", reader)).json();
    expect(found.items.map((c: { email: string }) => c.email)).toEqual(["ada@example.com"]);
    expect(found.items[0]).toMatchObject({ ordersCount: 1, marketingConsent: true });
    expect(found.items[0].totalSpent[0].currency).toBe("USD");
    expect(found.items[0].totalSpent[0].amount).toBeGreaterThan(2500);
    expect(found.items[0].lastOrderAt).not.toBeNull();

    const buyers = (await call("GET", "/api/admin/customers?hasOrdered=true", reader)).json();
    expect(buyers.items.map((c: { email: string }) => c.email)).toEqual(["ada@example.com"]);
    const optedIn = (await call("GET", "/api/admin/customers?marketingConsent=true", reader)).json();
    expect(optedIn.items.map((c: { email: string }) => c.email)).toEqual(["ada@example.com"]);
    const newest = (await call("GET", "/api/admin/customers?limit=1", reader)).json();
    expect(newest.items[0].email).toBe("linus@example.com");

    const bad = await call("GET", "/api/admin/customers?cursor=zzz", reader);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("cursor");
    const badSort = await call("GET", "/api/admin/customers?sort=spent", reader);
    expect(badSort.statusCode).toBe(400);
  });
});

describe("the admin home's figures", () => {
  it("counts today's orders and sales, orders to ship, and hides what the caller may not see", async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const lead = (await call("GET", `/api/admin/dashboard?since=${since}`, support)).json();
    expect(lead).toMatchObject({
      ordersToday: 1,
      toShip: 1,
      onHold: 0,
      returnsToHandle: 0,
      reviewsToModerate: 0,
    });
    expect(lead.salesToday).toHaveLength(1);
    expect(lead.salesToday[0].currency).toBe("USD");
    expect(typeof lead.lowStock).toBe("number");
    // A support agent reads orders and moderates reviews, but not the catalog.
    const agent = (await call("GET", "/api/admin/dashboard", reader)).json();
    expect(agent.lowStock).toBeNull();
    expect(agent.ordersToday).toBe(1);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect((await call("GET", `/api/admin/dashboard?since=${tomorrow}`, support)).json().ordersToday).toBe(0);
    expect((await call("GET", "/api/admin/dashboard?since=yesterday", support)).statusCode).toBe(400);
  });
});

describe("a customer's whole picture", () => {
  it("shows profile, addresses, orders, notes and sessions; notes and resets are audited; unknown ids are 404", async () => {
    const detail = (await call("GET", `/api/admin/customers/${ada.id}`, reader)).json();
    expect(detail).toMatchObject({
      email: "ada@example.com",
      name: "Ada Byron",
      marketingConsent: true,
      ordersCount: 1,
    });
    expect(detail.orders).toHaveLength(1);
    expect(detail.sessions.length).toBeGreaterThanOrEqual(1);
    expect(detail.notes).toEqual([]);

    // A read-only agent may not write notes.
    expect(
      (await call("POST", `/api/admin/customers/${ada.id}/notes`, reader, { body: "x" })).statusCode,
    ).toBe(403);
    const blank = await call("POST", `/api/admin/customers/${ada.id}/notes`, support, { body: "" });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0].field).toMatch(/body/);
    const note = await call("POST", `/api/admin/customers/${ada.id}/notes`, support, {
      body: "Prefers delivery after 5 pm.",
    });
    expect(note.statusCode).toBe(201);
    const withNote = (await call("GET", `/api/admin/customers/${ada.id}`, reader)).json();
    expect(withNote.notes).toMatchObject([{ body: "Prefers delivery after 5 pm.", authorName: "Lee Lead" }]);
    expect(
      (await call("DELETE", `/api/admin/customers/${ada.id}/notes/cnote_missing`, support)).statusCode,
    ).toBe(404);
    expect(
      (await call("DELETE", `/api/admin/customers/${ada.id}/notes/${note.json().id}`, support)).statusCode,
    ).toBe(204);

    const reset = await call("POST", `/api/admin/customers/${ada.id}/password-reset`, support);
    expect(reset.statusCode).toBe(202);
    await t.ctx.outbox.runOnce();
    const [mail] = await queryRows<{ subject: string }>(
      t.ctx.db,
      sql`select subject from mail_messages where "to" = 'ada@example.com' and subject ilike '%password%'`,
    );
    expect(mail?.subject).toBeTruthy();

    const ended = await call("DELETE", `/api/admin/customers/${ada.id}/sessions`, support);
    expect(ended.json().ended).toBeGreaterThanOrEqual(1);
    expect((await call("GET", "/api/store/account", ada.cookie)).statusCode).toBe(401);

    for (const url of [
      `/api/admin/customers/usr_missing`,
      `/api/admin/customers/usr_missing/password-reset`,
    ]) {
      const res = await call(url.endsWith("reset") ? "POST" : "GET", url, support);
      expect(res.statusCode).toBe(404);
    }
    const actions = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where target_id = ${ada.id} and action like 'customer.%' order by id`,
    );
    const audit = (await call("GET", "/api/admin/audit-events?action=customer.note.add", support)).json();
    expect(audit.items[0]).toMatchObject({ actorName: "Lee Lead", targetId: ada.id });
    expect(actions.map((a) => a.action)).toEqual([
      "customer.note.add",
      "customer.note.delete",
      "customer.password_reset.send",
      "customer.sessions.end",
    ]);
  });
});
