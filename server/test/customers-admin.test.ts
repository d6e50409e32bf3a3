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

describe("filters on order figures", () => {
  it("filters by orders count, amount spent per currency and last order; the figures follow refunds and cancellations", async () => {
    const [grace] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from users where email = 'grace@example.com'`,
    );
    // Grace's orders come from an import (written straight to the table): the figures still follow.
    const order = (id: string, status: string, total: number, placedAt: string) =>
      t.ctx.db.execute(sql`insert into orders (id, number, status, payment_status, fulfillment_status, currency,
          email, user_id, prices_include_tax, subtotal, discount_total, shipping_total, shipping_discount, shipping_tax,
          tax_total, total, paid_total, placed_at)
        values (${id}, ${id}, ${status}, 'paid', 'fulfilled', 'EUR', 'grace@example.com', ${grace!.id}, true,
          ${total}, 0, 0, 0, 0, 0, ${total}, ${total}, ${placedAt}::timestamptz)`);
    await order("ord_grace_1", "completed", 3000, "2026-01-10T10:00:00Z");
    await order("ord_grace_2", "completed", 2000, "2026-02-10T10:00:00Z");
    await order("ord_grace_3", "cancelled", 9000, "2026-02-20T10:00:00Z");
    const emails = async (query: string) =>
      (
        (await call("GET", `/api/admin/customers?q=example.com&sort=email&${query}`, reader)).json()
          .items as { email: string }[]
      ).map((c) => c.email);

    expect(await emails("minOrders=1")).toEqual(["ada@example.com", "grace@example.com"]);
    expect(await emails("minOrders=2")).toEqual(["grace@example.com"]);
    expect(await emails("maxOrders=1")).toEqual(["ada@example.com", "linus@example.com"]);
    expect(await emails("maxOrders=0")).toEqual(["linus@example.com"]);
    expect(await emails("minSpent=4000&spentCurrency=EUR")).toEqual(["grace@example.com"]);
    expect(await emails("minSpent=1&spentCurrency=USD")).toEqual(["ada@example.com"]);
    // At most 10 € spent: those who spent nothing in euros match too.
    expect(await emails("maxSpent=1000&spentCurrency=EUR")).toEqual(["ada@example.com", "linus@example.com"]);
    expect(await emails("lastOrderBefore=2026-03-01T00:00:00Z")).toEqual(["grace@example.com"]);
    expect(await emails("lastOrderAfter=2026-06-01T00:00:00Z")).toEqual(["ada@example.com"]);
    expect(await emails("minOrders=1&marketingConsent=true")).toEqual(["ada@example.com"]);
    const graceRow = async () =>
      (await call("GET", "/api/admin/customers?q=grace", reader)).json().items[0] as {
        ordersCount: number;
        totalSpent: { amount: number; currency: string }[];
        lastOrderAt: string;
      };
    expect(await graceRow()).toMatchObject({
      ordersCount: 2,
      totalSpent: [{ amount: 5000, currency: "EUR" }],
      lastOrderAt: "2026-02-10T10:00:00.000Z",
    });

    await t.ctx.db.execute(
      sql`update orders set refunded_total = 1000, paid_total = 1000 where id = 'ord_grace_1'`,
    );
    expect((await graceRow()).totalSpent).toEqual([{ amount: 4000, currency: "EUR" }]);
    await t.ctx.db.execute(sql`update orders set status = 'cancelled' where id = 'ord_grace_2'`);
    expect(await graceRow()).toMatchObject({ ordersCount: 1, lastOrderAt: "2026-01-10T10:00:00.000Z" });
    expect(await emails("minOrders=2")).toEqual([]);

    const noCurrency = await call("GET", "/api/admin/customers?minSpent=100", reader);
    expect(noCurrency.statusCode).toBe(400);
    expect(noCurrency.json().errors[0].field).toBe("spentCurrency");
    const upsideDown = await call("GET", "/api/admin/customers?minOrders=3&maxOrders=1", reader);
    expect(upsideDown.statusCode).toBe(400);
    expect(upsideDown.json().errors[0].field).toBe("maxOrders");
    const badDate = await call("GET", "/api/admin/customers?lastOrderAfter=yesterday", reader);
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().errors[0].field).toBe("lastOrderAfter");
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
