import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settlePayment } from "../src/modules/checkout/index.ts";
import { describeOrderEvent, renderOrderEvent, type TimelineContext } from "../src/modules/orders/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** The order desk: order notes, order and customer tags, the readable timeline, declined checkouts. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let writer: string; // Ada Lovelace, admin
let reader: string; // Sam Support, support agent: orders:read and customers:read only
let adaId: string;
let n = 0;

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

function call(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  cookie: string,
  payload?: object,
  headers: Record<string, string> = {},
) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { cookie, origin: t.ctx.config.publicUrl, ...headers },
    remoteAddress: `198.51.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function signUp(email: string, name: string): Promise<{ id: string; cookie: string }> {
  const res = await call("POST", "/api/auth/sign-up/email", "", {
    name,
    email,
    password: "steady-heron-9031",
  });
  expect(res.statusCode, res.body).toBe(200);
  const [user] = await rows<{ id: string }>(`select id from users where email = '${email}'`);
  return { id: user!.id, cookie: cookieOf(res) };
}

async function paidOrder(email: string, quantity = 1) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart([{ variantId: v.MUG, quantity }], email);
  const response = await guest.checkout(`k-${email}`);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; number: string; email: string; totals: { total: number } };
}

const audits = (action: string, targetId: string) =>
  rows<{ actor_id: string; metadata: Record<string, unknown> }>(
    `select actor_id, metadata from audit_events where action = '${action}' and target_id = '${targetId}' order by id`,
  );

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const ada = await signUp("ada@shop.test", "Ada Lovelace");
  await assignRole(t.ctx.db, ada.id, "admin");
  writer = ada.cookie;
  adaId = ada.id;
  const sam = await signUp("sam@shop.test", "Sam Support");
  await assignRole(t.ctx.db, sam.id, "support_agent");
  reader = sam.cookie;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("order notes", () => {
  it("adds, lists newest first with the author's name, deletes; audited; never shown to the shopper", async () => {
    const order = await paidOrder("notes@example.com");
    const url = `/api/admin/orders/${order.id}/notes`;
    expect((await call("GET", url, reader)).json()).toEqual({ items: [] });

    const blank = await call("POST", url, writer, { body: "   " });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0].field).toBe("body");
    const tooLong = await call("POST", url, writer, { body: "x".repeat(5001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].field).toMatch(/body/);
    expect((await call("POST", url, reader, { body: "read-only staff" })).statusCode).toBe(403);

    const first = await call("POST", url, writer, { body: "  Customer called: wants it before Friday. " });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().items).toMatchObject([
      { body: "Customer called: wants it before Friday.", authorId: adaId, authorName: "Ada Lovelace" },
    ]);
    const second = await call("POST", url, writer, { body: "Gift wrap promised." });
    const listed = (await call("GET", url, reader)).json().items;
    expect(listed.map((note: { body: string }) => note.body)).toEqual([
      "Gift wrap promised.",
      "Customer called: wants it before Friday.",
    ]);
    expect(second.json().id).toBe(listed[0].id);

    // The shopper's view of the order never carries notes.
    const shopper = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: order.number, email: order.email },
    });
    expect(shopper.body).not.toContain("Gift wrap promised");
    expect(shopper.body).not.toContain("Ada Lovelace");

    expect((await call("DELETE", `${url}/onote_missing`, writer)).statusCode).toBe(404);
    expect((await call("DELETE", `${url}/${listed[0].id}`, reader)).statusCode).toBe(403);
    const left = await call("DELETE", `${url}/${listed[0].id}`, writer);
    expect(left.statusCode).toBe(200);
    expect(left.json().items.map((note: { body: string }) => note.body)).toEqual([
      "Customer called: wants it before Friday.",
    ]);

    for (const [method, target] of [
      ["GET", "/api/admin/orders/ord_missing/notes"],
      ["POST", "/api/admin/orders/ord_missing/notes"],
      ["DELETE", `/api/admin/orders/ord_missing/notes/${listed[0].id}`],
    ] as const) {
      const res = await call(method, target, writer, method === "POST" ? { body: "x" } : undefined);
      expect(res.statusCode, `${method} ${target}`).toBe(404);
    }

    const added = await audits("order.note.add", order.id);
    expect(added).toHaveLength(2);
    expect(added[0]).toMatchObject({
      actor_id: adaId,
      metadata: { changes: { note: { before: null, after: "Customer called: wants it before Friday." } } },
    });
    expect(await audits("order.note.delete", order.id)).toMatchObject([
      {
        metadata: { noteId: listed[0].id, changes: { note: { before: "Gift wrap promised.", after: null } } },
      },
    ]);
  });
});

describe("order tags", () => {
  it("sets normalised tags under If-Match, bumps the version, refuses stale and bad input, audits, filters", async () => {
    const tagged = await paidOrder("tags@example.com");
    const other = await paidOrder("untagged@example.com");
    const url = `/api/admin/orders/${tagged.id}/tags`;
    const detail = await call("GET", `/api/admin/orders/${tagged.id}`, reader);
    expect(detail.json()).toMatchObject({ tags: [], version: 1 });
    expect(detail.headers.etag).toBe('"1"');

    const saved = await call(
      "PUT",
      url,
      writer,
      { tags: [" VIP ", "Gift  Wrap", "vip", "b2b_x-1"] },
      { "if-match": '"1"' },
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ tags: ["vip", "gift wrap", "b2b_x-1"], version: 2 });
    expect(saved.headers.etag).toBe('"2"');

    // Someone else's save came first: the stale version changes nothing.
    const stale = await call("PUT", url, writer, { tags: ["late"] }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    expect((await call("GET", `/api/admin/orders/${tagged.id}`, reader)).json()).toMatchObject({
      tags: ["vip", "gift wrap", "b2b_x-1"],
      version: 2,
    });

    const bad = await call("PUT", url, writer, { tags: ["fine", "not ok!"] }, { "if-match": '"2"' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: "tags[1]" })]);
    const blank = await call("PUT", url, writer, { tags: ["  "] });
    expect(blank.json().errors[0].field).toBe("tags[0]");
    const long = await call("PUT", url, writer, { tags: ["x".repeat(41)] });
    expect(long.json().errors[0].field).toBe("tags[0]");
    const many = await call("PUT", url, writer, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) });
    expect(many.statusCode).toBe(400);
    expect(many.json().errors[0].field).toBe("tags");
    expect((await call("PUT", url, writer, { tags: ["x"] }, { "if-match": "2" })).statusCode).toBe(400);
    expect((await call("PUT", url, reader, { tags: ["x"] })).statusCode).toBe(403);
    expect(
      (await call("PUT", "/api/admin/orders/ord_missing/tags", writer, { tags: ["x"] })).statusCode,
    ).toBe(404);
    // Nothing above changed the order.
    expect((await call("GET", `/api/admin/orders/${tagged.id}`, reader)).json().version).toBe(2);

    expect(await audits("order.tags.set", tagged.id)).toMatchObject([
      {
        actor_id: adaId,
        metadata: { changes: { tags: { before: [], after: ["vip", "gift wrap", "b2b_x-1"] } }, version: 2 },
      },
    ]);

    // The staff list filters by tag (normalised) and answers tags in each row.
    const list = (await call("GET", "/api/admin/orders?tag=%20VIP", reader)).json();
    expect(list.items.map((o: { id: string }) => o.id)).toEqual([tagged.id]);
    expect(list.items[0].tags).toEqual(["vip", "gift wrap", "b2b_x-1"]);
    const all = (await call("GET", "/api/admin/orders", reader)).json();
    expect(all.items.find((o: { id: string }) => o.id === other.id).tags).toEqual([]);
    expect((await call("GET", "/api/admin/orders?tag=nobody", reader)).json().items).toEqual([]);
    const badFilter = await call("GET", "/api/admin/orders?tag=no%21", reader);
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().errors[0].field).toBe("tag");

    // Tags in use, most used first, for suggestions.
    await call("PUT", `/api/admin/orders/${other.id}/tags`, writer, { tags: ["vip"] }, { "if-match": '"1"' });
    const inUse = (await call("GET", "/api/admin/order-tags", reader)).json().items;
    expect(inUse[0]).toEqual({ tag: "vip", orders: 2 });
    expect(inUse).toContainEqual({ tag: "gift wrap", orders: 1 });

    // Shoppers never see staff tags.
    const shopper = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: tagged.number, email: tagged.email },
    });
    expect(shopper.json().tags).toBeUndefined();
    expect(shopper.body).not.toContain("gift wrap");
  });
});

describe("customer tags", () => {
  it("adds and removes one tag atomically (profile row upserted), filters the list, audits", async () => {
    const grace = await signUp("grace@example.com", "Grace Hopper");
    const linus = await signUp("linus@example.com", "Linus Pauling");
    await rows(`delete from customer_profiles where user_id = '${grace.id}'`);
    const url = `/api/admin/customers/${grace.id}/tags`;

    const first = await call("POST", url, writer, { tag: " Wholesale " });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ tags: ["wholesale"] });
    // Two staff add different tags at the same moment: both are kept.
    const both = await Promise.all([
      call("POST", url, writer, { tag: "vip" }),
      call("POST", url, writer, { tag: "net 30" }),
    ]);
    expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
    const detail = (await call("GET", `/api/admin/customers/${grace.id}`, reader)).json();
    expect([...detail.tags].sort()).toEqual(["net 30", "vip", "wholesale"]);
    // Adding a tag already there changes nothing and is not audited again.
    expect((await call("POST", url, writer, { tag: "VIP" })).json().tags).toHaveLength(3);

    const bad = await call("POST", url, writer, { tag: "a/b" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("tag");
    expect((await call("POST", url, reader, { tag: "x" })).statusCode).toBe(403);
    expect(
      (await call("POST", "/api/admin/customers/usr_missing/tags", writer, { tag: "x" })).statusCode,
    ).toBe(404);
    expect((await call("DELETE", "/api/admin/customers/usr_missing/tags/x", writer)).statusCode).toBe(404);

    const removed = await call("DELETE", `${url}/VIP`, writer);
    expect(removed.statusCode).toBe(200);
    expect([...removed.json().tags].sort()).toEqual(["net 30", "wholesale"]);
    expect((await call("DELETE", `${url}/${encodeURIComponent("not there")}`, writer)).statusCode).toBe(200);

    const list = (await call("GET", "/api/admin/customers?tag=Wholesale", reader)).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([grace.id]);
    expect(list.total).toBe(1);
    expect([...list.items[0].tags].sort()).toEqual(["net 30", "wholesale"]);
    const everyone = (await call("GET", "/api/admin/customers?limit=200", reader)).json();
    expect(everyone.items.find((c: { id: string }) => c.id === linus.id).tags).toEqual([]);
    expect((await call("GET", "/api/admin/customers?tag=%3F", reader)).json().errors[0].field).toBe("tag");

    const adds = await audits("customer.tag.add", grace.id);
    expect(adds).toHaveLength(3);
    expect(adds[0]).toMatchObject({
      actor_id: adaId,
      metadata: { changes: { tags: { before: [], after: ["wholesale"] } } },
    });
    const removes = await audits("customer.tag.remove", grace.id);
    expect(removes).toHaveLength(1);
    expect((removes[0]!.metadata.changes as { tags: { before: string[] } }).tags.before).toContain("vip");
  });
});

describe("the readable timeline", () => {
  const at = (currency: string, audience: "staff" | "shopper" = "staff"): TimelineContext => ({
    audience,
    currency,
    orderNumber: "100042",
    staffNames: new Map([["usr_ada", "Ada Lovelace"]]),
    fulfillments: new Map([["ful_1", { carrier: "ups", trackingNumber: "1Z999AA10123456784" }]]),
    returns: new Map([["rma_1", { number: "100042-R1", restocked: true }]]),
    disputes: new Map([["dp_1", { reason: "fraudulent" }]]),
  });
  const say = (
    type: string,
    data: Record<string, unknown>,
    options: { currency?: string; actor?: string; message?: string; audience?: "staff" | "shopper" } = {},
  ) =>
    describeOrderEvent(
      { type, data, actor: options.actor ?? "system", message: options.message ?? "stored text" },
      at(options.currency ?? "USD", options.audience),
    );

  it("renders every event type in plain language with money in the order's currency", () => {
    expect(say("order.placed", { total: 13600, currency: "USD" })).toBe("Order 100042 placed for $136.00");
    expect(say("order.placed", { total: 1500 }, { currency: "JPY" })).toBe("Order 100042 placed for ¥1,500");
    expect(say("order.imported", { source: "olist", externalId: "abc" })).toBe(
      "Order imported from Olist (abc)",
    );
    expect(say("order.held", { signals: [{ message: "Many orders from this e-mail" }] })).toBe(
      "Held for review: Many orders from this e-mail",
    );
    expect(say("order.held", { signals: [{ message: "x" }] }, { audience: "shopper" })).toBe(
      "Order held for review",
    );
    expect(say("order.approved", { captured: 2000 }, { currency: "EUR" })).toBe(
      "Released after review; €20.00 captured",
    );
    expect(say("payment.captured", { paymentId: "pay_1", amount: 13600 }, { actor: "provider:stripe" })).toBe(
      "Payment of $136.00 captured by Stripe",
    );
    expect(say("payment.captured", { amount: 1500 }, { actor: "provider:paypal", currency: "JPY" })).toBe(
      "Payment of ¥1,500 captured by PayPal",
    );
    // A manual payment marked paid by staff; an older entry kept the amount only in its message.
    expect(
      say(
        "payment.captured",
        { amount: 2000, provider: "bank_transfer" },
        { actor: "staff:usr_ada", currency: "EUR" },
      ),
    ).toBe("Payment of €20.00 received by bank transfer");
    expect(
      say(
        "payment.captured",
        { paymentId: "pay_1" },
        { actor: "staff:usr_ada", message: "Payment of 13600 received (cash_on_delivery)" },
      ),
    ).toBe("Payment of $136.00 received by cash on delivery");
    expect(
      say("payment.captured", {}, { actor: "provider:stripe", message: "Payment of 13600 captured" }),
    ).toBe("Payment of $136.00 captured by Stripe");
    expect(say("payment.authorized", { amount: 990 }, { actor: "provider:stripe", currency: "EUR" })).toBe(
      "Payment of €9.90 authorized by Stripe",
    );
    expect(say("payment.voided", { paymentId: "pay_1" })).toBe("Payment authorization voided");
    expect(say("order.ready_for_pickup", { units: 2, pickupAddress: "1 Main St, Detroit" })).toBe(
      "Ready for pickup at 1 Main St, Detroit",
    );
    expect(say("order.picked_up", { fulfillmentId: "ful_1" })).toBe("Collected by the customer");
    const edited = {
      before: { totals: { total: 1500 } },
      after: { totals: { total: 2700 } },
      balanceDue: 1200,
      refundDue: 0,
      note: "customer phoned",
    };
    expect(say("order.edited", edited, { currency: "JPY" })).toBe(
      "Items changed: total ¥1,500 → ¥2,700; ¥1,200 to collect (customer phoned)",
    );
    expect(say("order.edited", edited, { currency: "JPY", audience: "shopper" })).toBe(
      "Items changed: total ¥1,500 → ¥2,700; ¥1,200 still to pay",
    );
    expect(
      say("order.edited", { ...edited, after: { totals: { total: 1000 } }, balanceDue: 0, refundDue: 500 }),
    ).toBe("Items changed: total $15.00 → $10.00; $5.00 to refund (customer phoned)");
    expect(say("payment.after_cancellation", { amount: 500, currency: "JPY" })).toBe(
      "Payment of ¥500 arrived after the order was closed; it is being refunded",
    );
    expect(
      say("order.payment_failed", {
        failureCode: "card_declined",
        failureMessage: "Your card was declined.",
        unitsReleased: 2,
      }),
    ).toBe("Payment declined: Your card was declined. (card_declined); 2 items back in stock");
    expect(
      say(
        "order.payment_failed",
        { failureCode: "card_declined", unitsReleased: 2 },
        { audience: "shopper", message: "Payment failed: Your card was declined." },
      ),
    ).toBe("Payment declined: Your card was declined.");
    // Before payment_failed existed, a decline was stored as a cancellation with the failure code.
    expect(
      say(
        "order.cancelled",
        { paymentId: "pay_1", failureCode: "card_declined", unitsReleased: 1 },
        { message: "Order cancelled: Your card was declined." },
      ),
    ).toBe("Payment declined: Your card was declined. (card_declined); 1 item back in stock");
    expect(
      say("order.cancelled", { reason: "out of stock", unitsReleased: 3 }, { actor: "staff:usr_ada" }),
    ).toBe("Order cancelled: out of stock; 3 items back in stock");
    expect(
      say(
        "order.cancelled",
        { unitsReleased: 3 },
        { actor: "staff:usr_ada", message: "Order cancelled: suspected fraud", audience: "shopper" },
      ),
    ).toBe("Order cancelled");
    expect(say("order.cancelled", {}, { actor: "customer", audience: "shopper" })).toBe(
      "Order cancelled at your request",
    );
    expect(say("order.refunded", { amount: 2000, reason: "requested_by_customer" })).toBe(
      "Refunded $20.00 (requested by customer)",
    );
    expect(say("order.refunded", { amount: 2000, reason: "fraudulent" }, { currency: "JPY" })).toBe(
      "Refunded ¥2,000 (fraudulent)",
    );
    expect(say("order.refunded", { amount: 2000, reason: "fraudulent" }, { audience: "shopper" })).toBe(
      "Refunded $20.00",
    );
    expect(
      say(
        "order.refunded",
        { amount: 1234, reason: "other", lines: [{ lineId: "l", quantity: 2 }] },
        { currency: "EUR" },
      ),
    ).toBe("Refunded €12.34 for 2 items (other)");
    expect(
      say(
        "order.shipped",
        {
          fulfillmentId: "ful_1",
          lines: [
            { lineId: "a", quantity: 1 },
            { lineId: "b", quantity: 1 },
          ],
        },
        { message: "Shipped with ups (1Z999AA10123456784)" },
      ),
    ).toBe("Shipped 2 items with UPS, tracking 1Z999AA10123456784");
    expect(
      say(
        "order.shipped",
        { fulfillmentId: "ful_gone", lines: [{ lineId: "a", quantity: 1 }] },
        { message: "Partly shipped with fedex (7489)" },
      ),
    ).toBe("Partly shipped 1 item with FedEx, tracking 7489");
    expect(say("shipment.in_transit", { fulfillmentId: "ful_1" }, { actor: "carrier:ups" })).toBe(
      "Parcel 1Z999AA10123456784 (UPS): in transit",
    );
    expect(say("order.delivered", {}, { actor: "carrier:ups" })).toBe("Delivered");
    expect(say("return.requested", { returnId: "rma_1" })).toBe("Return 100042-R1 requested");
    expect(say("return.approved", { returnId: "rma_1" })).toBe("Return 100042-R1 approved");
    expect(say("return.rejected", { returnId: "rma_gone" }, { message: "Return 100042-R2 rejected" })).toBe(
      "Return 100042-R2 rejected",
    );
    expect(say("return.received", { returnId: "rma_1" })).toBe("Return 100042-R1 received and restocked");
    expect(
      say(
        "dispute.opened",
        { disputeReference: "dp_1", amount: 13600, status: "needs_response" },
        { currency: "EUR" },
      ),
    ).toBe("Dispute opened for €136.00 (fraudulent): needs response, reference dp_1");
    expect(
      say("dispute.won", { disputeReference: "dp_1", amount: 100, status: "won" }, { currency: "JPY" }),
    ).toBe("Dispute updated for ¥100 (fraudulent): won, reference dp_1");
    // A type this renderer does not know keeps its stored message.
    expect(say("order.something_new", { amount: 1 }, { message: "Something new happened" })).toBe(
      "Something new happened",
    );
  });

  it("names who did it without leaking staff to the shopper", () => {
    const who = (actor: string) =>
      renderOrderEvent({ type: "x", message: "m", actor, data: {} }, at("USD")).actorName;
    expect(who("staff:usr_ada")).toBe("Ada Lovelace (staff)");
    expect(who("staff:usr_gone")).toBe("Staff member");
    expect(who("customer")).toBe("Customer");
    expect(who("guest")).toBe("Customer (guest)");
    expect(who("provider:stripe")).toBe("Stripe");
    expect(who("carrier:dhl")).toBe("DHL");
    expect(who("system")).toBe("System");
  });

  it("answers the staff timeline with names and the shopper's in plain language", async () => {
    const order = await paidOrder("timeline@example.com", 2);
    const cancelled = await call("POST", `/api/admin/orders/${order.id}/cancel`, writer, {
      reason: "suspected fraud",
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    const staffView = cancelled.json().timeline as { type: string; message: string; actorName: string }[];
    const total = `$${(order.totals.total / 100).toFixed(2)}`;
    expect(staffView.find((e) => e.type === "order.placed")).toMatchObject({
      message: `Order ${order.number} placed for ${total}`,
      actorName: "Customer (guest)",
    });
    expect(staffView.find((e) => e.type === "payment.captured")).toMatchObject({
      message: `Payment of ${total} captured by Test payments`,
      actorName: "Test payments",
    });
    expect(staffView.find((e) => e.type === "order.cancelled")).toMatchObject({
      message: "Order cancelled: suspected fraud; 2 items back in stock",
      actorName: "Ada Lovelace (staff)",
    });
    expect(staffView.find((e) => e.type === "order.refunded")?.message).toBe(
      `Refunded ${total} (requested by customer)`,
    );

    const shopper = (
      await t.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup",
        payload: { number: order.number, email: order.email },
      })
    ).json();
    expect(shopper.timeline.map((e: { message: string }) => e.message)).toEqual([
      `Order ${order.number} placed for ${total}`,
      `Payment of ${total} captured by Test payments`,
      "Order cancelled",
      `Refunded ${total} (requested by customer)`,
    ]);
    expect(JSON.stringify(shopper)).not.toContain("suspected fraud");
    expect(JSON.stringify(shopper)).not.toContain("Ada Lovelace");
  });
});

describe("declined checkouts", () => {
  it("a declined card leaves a payment_failed checkout: stock back, out of lists, history and figures; retry works", async () => {
    const shopper = await signUp("declined@example.com", "Dee Clined");
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const figures = async () => {
      const d = (await call("GET", `/api/admin/dashboard?since=${since}`, writer)).json();
      return { ordersToday: d.ordersToday, salesToday: d.salesToday };
    };
    const before = await figures();
    const stockBefore = (
      await rows<{ reserved_quantity: number }>(
        `select reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = 'MUG'`,
      )
    )[0]!;

    await call("POST", "/api/store/cart/lines", shopper.cookie, { variantId: v.MUG, quantity: 3 });
    await call("PUT", "/api/store/cart/email", shopper.cookie, { email: "declined@example.com" });
    await call("POST", "/api/store/cart/coupons", shopper.cookie, { code: "TEN" });
    const cart = (await call("PUT", "/api/store/cart/shipping-address", shopper.cookie, michigan)).json();
    const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
    await call("PUT", "/api/store/cart/shipping-method", shopper.cookie, { shippingMethodId: best.id });
    const pay = (key: string, cardNumber: string) =>
      call(
        "POST",
        "/api/store/checkout",
        shopper.cookie,
        { payment: { provider: "test", data: { cardNumber } } },
        { "idempotency-key": key },
      );
    const declined = await pay("declined-1", "4000000000000002");
    expect(declined.statusCode).toBe(402);
    expect(declined.json().code).toBe("PAYMENT_DECLINED");

    const [row] = await rows<{
      id: string;
      number: string;
      status: string;
      payment_status: string;
      cancelled_at: Date | null;
    }>(
      `select id, number, status, payment_status, cancelled_at from orders where email = 'declined@example.com'`,
    );
    expect(row).toMatchObject({ status: "payment_failed", payment_status: "failed", cancelled_at: null });
    const failedId = row!.id;
    // Stock and the coupon went back; the cart is still there to try again.
    const stockAfter = (
      await rows<{ reserved_quantity: number }>(
        `select reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = 'MUG'`,
      )
    )[0]!;
    expect(stockAfter).toEqual(stockBefore);
    const kept = (await call("GET", "/api/store/cart", shopper.cookie)).json();
    expect(kept.lines).toHaveLength(1);
    expect(kept.couponCodes).toEqual(["TEN"]);

    // Staff: hidden from the default list and from "cancelled", present under the Declined filter.
    const ids = async (query: string) =>
      (await call("GET", `/api/admin/orders${query}`, reader)).json().items.map((o: { id: string }) => o.id);
    expect(await ids("?limit=200")).not.toContain(failedId);
    expect(await ids("?status=cancelled&limit=200")).not.toContain(failedId);
    expect(await ids("?status=payment_failed")).toEqual([failedId]);
    expect(await ids(`?q=${row!.number}`)).toEqual([]);
    expect(await ids(`?q=${row!.number}&status=payment_failed`)).toEqual([failedId]);
    // The dashboard counts no new order, no sales.
    expect(await figures()).toEqual(before);
    // No cancellation e-mail.
    while ((await t.ctx.outbox.runOnce()) > 0) {}
    expect(
      await rows(
        `select subject from mail_messages where "to" = 'declined@example.com' and (subject ilike '%cancel%' or subject ilike '%order%')`,
      ),
    ).toEqual([]);

    // The staff timeline says what happened; the shopper's history does not list it.
    const detail = (await call("GET", `/api/admin/orders/${failedId}`, reader)).json();
    expect(detail.status).toBe("payment_failed");
    expect(detail.timeline.find((e: { type: string }) => e.type === "order.payment_failed")).toMatchObject({
      message: "Payment declined: Your card was declined. (card_declined); 3 items back in stock",
      actorName: "Test payments",
    });
    expect((await call("GET", "/api/store/orders", shopper.cookie)).json().items).toEqual([]);
    const own = (await call("GET", `/api/store/orders/${row!.number}`, shopper.cookie)).json();
    expect(own.status).toBe("payment_failed");
    expect(own.timeline.map((e: { message: string }) => e.message)).toContain(
      "Payment declined: Your card was declined.",
    );

    // The shopper tries again with a good card: a real order, in their history and the figures.
    const paid = await pay("declined-2", "4242424242424242");
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().status).toBe("processing");
    const history = (await call("GET", "/api/store/orders", shopper.cookie)).json().items;
    expect(history.map((o: { id: string }) => o.id)).toEqual([paid.json().id]);
    expect((await figures()).ordersToday).toBe(before.ordersToday + 1);
  });

  it("a payment that arrives for a declined checkout is given back and the checkout stays declined", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 1 }], "late@example.com");
    expect((await guest.checkout("late-1", "4000000000000002")).statusCode).toBe(402);
    const [order] = await rows<{ id: string; number: string; total: number }>(
      `select id, number, total::int from orders where email = 'late@example.com'`,
    );
    const [payment] = await rows<{ id: string }>(`select id from payments where order_id = '${order!.id}'`);
    // The provider's payment went through after all (e.g. the shopper retried on the same intent).
    const provider = await t.ctx.payments.provider(t.ctx.db, "test");
    const outcome = await provider.createPayment(
      {
        paymentId: payment!.id,
        orderId: order!.id,
        orderNumber: order!.number,
        amount: order!.total,
        currency: "USD",
        captureMethod: "automatic",
        customerEmail: "late@example.com",
        paymentData: { cardNumber: "4242424242424242" },
        returnUrl: "http://localhost/return",
        cancelUrl: "http://localhost/cancel",
      },
      `late-${payment!.id}`,
    );
    expect(outcome.status).toBe("captured");
    await rows(`update payments set status = 'pending' where id = '${payment!.id}'`);
    await settlePayment(t.ctx, order!.id, payment!.id, outcome, "provider:test");

    const detail = (await call("GET", `/api/admin/orders/${order!.id}`, reader)).json();
    expect(detail).toMatchObject({ status: "payment_failed", totals: { refundedTotal: order!.total } });
    const late = detail.timeline.find((e: { type: string }) => e.type === "payment.after_cancellation");
    expect(late.message).toBe(
      `Payment of $${(order!.total / 100).toFixed(2)} arrived after the order was closed; it is being refunded`,
    );
    expect(detail.refunds).toHaveLength(1);
  });

  it("the migration moves declined checkouts stored as cancellations", async () => {
    // A decline: the provider refused the payment. An expiry: the shopper never finished paying
    // (its payment never failed); it stays a cancellation.
    const order = await paidOrder("legacy@example.com");
    await rows(`update orders set status = 'cancelled', payment_status = 'failed' where id = '${order.id}'`);
    await rows(`update payments set status = 'failed' where order_id = '${order.id}'`);
    const expired = await paidOrder("expired@example.com");
    await rows(
      `update orders set status = 'cancelled', payment_status = 'failed' where id = '${expired.id}'`,
    );
    await rows(`update payments set status = 'pending' where order_id = '${expired.id}'`);
    const migration = await import("node:fs").then((fs) =>
      fs.readFileSync(new URL("../migrations/0023_order_desk.sql", import.meta.url), "utf8"),
    );
    const statement = migration.split("--> statement-breakpoint").at(-1)!.trim();
    expect(statement).toMatch(/^UPDATE "orders" SET "status" = 'payment_failed'/);
    await rows(statement);
    const [row] = await rows<{ status: string }>(`select status from orders where id = '${order.id}'`);
    expect(row!.status).toBe("payment_failed");
    const [still] = await rows<{ status: string }>(`select status from orders where id = '${expired.id}'`);
    expect(still!.status).toBe("cancelled");
  });
});
