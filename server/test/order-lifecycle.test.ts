import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { sweepExpired } from "../src/modules/checkout/checkout.expiry.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** After the order: shipping (partial, tracking, carrier updates), cancellation, expiry, staff API. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let owner: string;
const hookSecret = "ship-secret-0123456789";

beforeAll(async () => {
  t = await testApp({
    adminEmail: "owner@shop.test",
    adminPassword: "correct horse battery staple",
    shippingWebhookSecret: hookSecret,
  });
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
});
afterAll(async () => {
  await t?.close();
});

const staff = (method: "GET" | "POST", url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: owner, origin: t.ctx.config.publicUrl, ...headers },
    ...(payload ? { payload } : {}),
  });

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}
const level = async (sku: string) =>
  (
    await rows<{ stocked_quantity: number; reserved_quantity: number }>(
      `select stocked_quantity, reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = '${sku}'`,
    )
  )[0]!;

async function paidOrder(email: string, lines: { variantId: string; quantity: number }[]) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart(lines, email);
  const response = await guest.checkout(`k-${email}`);
  expect(response.statusCode).toBe(201);
  return response.json();
}

function signedShipmentUpdate(body: object, secret = hookSecret) {
  const raw = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac("sha256", secret).update(`${ts}.${raw}`).digest("hex");
  return t.app.inject({
    method: "POST",
    url: "/api/hooks/shipments",
    headers: { "content-type": "application/json", "x-bazaar-signature": `t=${ts},v1=${sig}` },
    payload: raw,
  });
}

describe("shipping an order", () => {
  it("ships part, then the rest; stock leaves the shelf; carriers report delivery through a signed hook", async () => {
    const before = await level("TEE-S");
    const order = await paidOrder("ship@example.com", [
      { variantId: v["TEE-S"], quantity: 3 },
      { variantId: v.MUG, quantity: 1 },
    ]);
    const tee = order.lines.find((l: { sku: string }) => l.sku === "TEE-S");
    const first = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, {
      carrier: "ups",
      trackingNumber: "1Z999AA10123456784",
      lines: [{ lineId: tee.id, quantity: 2 }],
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      status: "partially_shipped",
      fulfillmentStatus: "partially_fulfilled",
    });
    expect(first.json().fulfillments[0].trackingUrl).toBe(
      "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    );
    expect(await level("TEE-S")).toEqual({
      stocked_quantity: before.stocked_quantity - 2,
      reserved_quantity: before.reserved_quantity + 1,
    });

    const tooMany = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, {
      carrier: "ups",
      lines: [{ lineId: tee.id, quantity: 2 }],
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0]).toMatchObject({
      field: "lines[0].quantity",
      message: "between 1 and 1",
    });

    const rest = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, {
      carrier: "usps",
      trackingNumber: "9400100000000000000000",
    });
    expect(rest.json()).toMatchObject({ status: "shipped", fulfillmentStatus: "fulfilled" });
    expect(await level("TEE-S")).toEqual({
      stocked_quantity: before.stocked_quantity - 3,
      reserved_quantity: before.reserved_quantity,
    });

    // Carrier updates: forged ones are refused; stale ones change nothing; the last delivery completes the order.
    const forged = await signedShipmentUpdate(
      { carrier: "ups", trackingNumber: "1Z999AA10123456784", status: "delivered" },
      "wrong",
    );
    expect(forged.statusCode).toBe(400);
    expect(
      (
        await signedShipmentUpdate({
          carrier: "ups",
          trackingNumber: "1Z999AA10123456784",
          status: "delivered",
        })
      ).json(),
    ).toEqual({ received: true, applied: true });
    expect(
      (
        await signedShipmentUpdate({
          carrier: "ups",
          trackingNumber: "1Z999AA10123456784",
          status: "in_transit",
        })
      ).json().applied,
    ).toBe(false);
    let detail = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(detail).toMatchObject({ status: "shipped", fulfillmentStatus: "partially_delivered" });
    await signedShipmentUpdate({
      carrier: "usps",
      trackingNumber: "9400100000000000000000",
      status: "delivered",
    });
    detail = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(detail).toMatchObject({ status: "delivered", fulfillmentStatus: "delivered" });
    expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        "order.placed",
        "payment.captured",
        "order.shipped",
        "shipment.delivered",
        "order.delivered",
      ]),
    );
    expect(detail.timeline.find((e: { type: string }) => e.type === "order.shipped").actor).toMatch(
      /^staff:usr_/,
    );

    while ((await t.ctx.outbox.runOnce()) > 0) {}
    const mails = await rows<{ subject: string; text: string }>(
      `select subject, text from mail_messages where "to" = 'ship@example.com' order by created_at`,
    );
    expect(mails.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        `Order ${order.number} confirmed`,
        `Order ${order.number} has shipped`,
        `Order ${order.number} delivered`,
      ]),
    );
    // One e-mail per parcel, each with its own tracking link (both are sent in one outbox round, in any order).
    const shipped = mails.filter((m) => m.subject.endsWith("has shipped")).map((m) => m.text);
    expect(shipped).toHaveLength(2);
    expect(
      shipped.some((text) => text.includes("https://www.ups.com/track?tracknum=1Z999AA10123456784")),
    ).toBe(true);
    expect(
      shipped.some((text) =>
        text.includes("https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"),
      ),
    ).toBe(true);
  });
});

describe("cancelling", () => {
  it("staff cancel a paid, unshipped order: stock back, full refund, e-mail; a shipped order cannot be cancelled", async () => {
    const before = await level("MUG");
    const order = await paidOrder("cancel@example.com", [{ variantId: v.MUG, quantity: 2 }]);
    expect((await level("MUG")).reserved_quantity).toBe(before.reserved_quantity + 2);
    const response = await staff("POST", `/api/admin/orders/${order.id}/cancel`, {
      reason: "customer called",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: "cancelled",
      paymentStatus: "refunded",
      totals: { refundedTotal: order.totals.total },
    });
    expect(response.json().refunds).toHaveLength(1);
    expect(await level("MUG")).toEqual(before);

    const shipped = await paidOrder("shipped@example.com", [{ variantId: v.MUG, quantity: 1 }]);
    await staff("POST", `/api/admin/orders/${shipped.id}/fulfillments`, {
      carrier: "dhl",
      trackingNumber: "JD0001",
    });
    const refused = await staff("POST", `/api/admin/orders/${shipped.id}/cancel`, { reason: "too late" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("ORDER_NOT_CANCELLABLE");
    const audit = await rows<{ action: string }>(
      `select action from audit_events where target_id = '${order.id}'`,
    );
    expect(audit.map((a) => a.action)).toEqual(["order.cancel"]);
  });

  it("a full refund in two parts from the admin API is exact and idempotent by key", async () => {
    const order = await paidOrder("parts@example.com", [{ variantId: v["TEE-M"], quantity: 1 }]);
    const half = Math.floor(order.totals.total / 2);
    const a = await staff(
      "POST",
      `/api/admin/orders/${order.id}/refunds`,
      { amount: half, reason: "requested_by_customer" },
      { "idempotency-key": "a" },
    );
    const a2 = await staff(
      "POST",
      `/api/admin/orders/${order.id}/refunds`,
      { amount: half, reason: "requested_by_customer" },
      { "idempotency-key": "a" },
    );
    expect(a2.json().refunds).toHaveLength(1);
    const over = await staff(
      "POST",
      `/api/admin/orders/${order.id}/refunds`,
      { amount: order.totals.total, reason: "other" },
      { "idempotency-key": "b" },
    );
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe("REFUND_EXCEEDS_CAPTURED");
    const b = await staff(
      "POST",
      `/api/admin/orders/${order.id}/refunds`,
      { amount: order.totals.total - half, reason: "other" },
      { "idempotency-key": "c" },
    );
    expect(a.json().paymentStatus).toBe("partially_refunded");
    expect(b.json()).toMatchObject({
      status: "refunded",
      paymentStatus: "refunded",
      totals: { paidTotal: 0, refundedTotal: order.totals.total },
    });
  });
});

describe("reservation expiry", () => {
  it("cancels unpaid orders past their reservation time and releases their stock; leaves paid ones", async () => {
    const before = await level("TEE-M");
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v["TEE-M"], quantity: 2 }], "unpaid@example.com");
    const placed = await guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "bank_transfer" } },
      { "idempotency-key": "bank-1" },
    );
    expect(placed.statusCode).toBe(201);
    expect(placed.json()).toMatchObject({ status: "pending_payment", paymentStatus: "pending" });
    expect((await level("TEE-M")).reserved_quantity).toBe(before.reserved_quantity + 2);
    const paid = await paidOrder("paid-before-sweep@example.com", [{ variantId: v["TEE-M"], quantity: 1 }]);

    expect(await sweepExpired(t.ctx, new Date())).toMatchObject({ cancelled: 0 });
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await sweepExpired(t.ctx, later)).toMatchObject({ cancelled: 1 });
    expect(await sweepExpired(t.ctx, later)).toMatchObject({ cancelled: 0 });
    expect((await level("TEE-M")).reserved_quantity).toBe(before.reserved_quantity + 1);
    const order = (await staff("GET", `/api/admin/orders/${placed.json().id}`)).json();
    expect(order.status).toBe("cancelled");
    expect((await staff("GET", `/api/admin/orders/${paid.id}`)).json().status).toBe("processing");
    // The shopper gets the cart back.
    expect((await guest.call("GET", "/api/store/cart")).json().lines).toHaveLength(1);
  });

  it("a bank transfer marked paid by staff moves the order to processing", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 1 }], "transfer@example.com");
    const placed = (
      await guest.call(
        "POST",
        "/api/store/checkout",
        { payment: { provider: "bank_transfer" } },
        { "idempotency-key": "bank-2" },
      )
    ).json();
    const marked = await staff("POST", `/api/admin/orders/${placed.id}/mark-paid`);
    expect(marked.statusCode).toBe(200);
    expect(marked.json()).toMatchObject({
      status: "processing",
      paymentStatus: "paid",
      totals: { paidTotal: placed.totals.total },
    });
    expect((await staff("POST", `/api/admin/orders/${placed.id}/mark-paid`)).statusCode).toBe(409);
  });
});

describe("low stock", () => {
  it("lists the stock levels at or below their threshold for staff, emptiest first, with reservations counted", async () => {
    const product = (sku: string, stock: number) =>
      upsertProduct(t.ctx.db, {
        sku,
        type: "simple",
        name: `Low ${sku}`,
        currency: "USD",
        categorySlugs: ["gear"],
        variants: [{ sku, priceAmount: 1000, stockQuantity: stock, weightGrams: 100 }],
      });
    await product("LAMP", 3);
    await product("ROPE", 4);
    const [lamp] = await rows<{ id: string }>("select id from variants where sku = 'LAMP'");
    // One lamp goes into an order: 2 left to sell.
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: lamp!.id, quantity: 1 }], "lamp@example.com");
    expect((await guest.checkout("low-stock-lamp")).statusCode).toBe(201);

    const response = await staff("GET", "/api/admin/inventory/low-stock");
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { sku: string; availableQuantity: number }[];
    const ours = items.filter((i) => ["LAMP", "ROPE"].includes(i.sku));
    expect(ours).toEqual([
      expect.objectContaining({
        sku: "LAMP",
        productName: "Low LAMP",
        stockedQuantity: 3,
        reservedQuantity: 1,
        availableQuantity: 2,
        lowStockThreshold: 5,
      }),
      expect.objectContaining({ sku: "ROPE", availableQuantity: 4 }),
    ]);
    // Emptiest first, and nothing above its threshold.
    const available = items.map((i) => i.availableQuantity);
    expect(available).toEqual([...available].sort((a, b) => a - b));
    expect(items.find((i) => i.sku === "TEE-M")).toBeUndefined();
    expect((await staff("GET", "/api/admin/inventory/low-stock?limit=0")).statusCode).toBe(400);
  });
});
