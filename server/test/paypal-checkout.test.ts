import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepExpired } from "../src/modules/checkout/checkout.expiry.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { type FakePayPal, startFakePayPal } from "./fakes/paypal-server.ts";
import { testApp } from "./helpers.ts";

/**
 * A PayPal checkout through our own API, against a local server that answers like PayPal's Orders v2
 * API: the order waits for the buyer's approval at PayPal, the return page completes it (capture), and
 * a buyer who never approves leaves an order that stays unpaid with its stock held.
 */
let fake: FakePayPal;
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  fake = await startFakePayPal();
  t = await testApp({
    paypal: {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      webhookId: "WH-ID-CHECKOUT",
      environment: "sandbox",
      apiBase: fake.url,
    },
  });
  ({ variants: v } = await seedShop(t.ctx));
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const payPalCheckout = (guest: GuestShopper, key: string) =>
  guest.call("POST", "/api/store/checkout", { payment: { provider: "paypal" } }, { "idempotency-key": key });

describe("PayPal checkout through the store API", () => {
  it("sends the buyer to PayPal, then captures the approved order when they come back", async () => {
    const methods = (await t.app.inject({ method: "GET", url: "/api/store/payment-methods" })).json();
    expect(methods.map((m: { id: string }) => m.id)).toContain("paypal");

    const guest = new GuestShopper(t.app);
    const cart = await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], "paypal@example.com");
    const placed = await payPalCheckout(guest, "paypal-1");
    expect(placed.statusCode).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({ status: "pending_payment", totals: { total: cart.totals.total } });
    expect(order.payment).toMatchObject({ provider: "paypal", status: "requires_action", capturedAmount: 0 });
    const approval = new URL(order.payment.redirectUrl);
    const paypalOrderId = approval.searchParams.get("token")!;
    // Created with a PayPal payment source and return URLs: PayPal waits for the buyer.
    expect(fake.state.orders.get(paypalOrderId)).toMatchObject({ status: "PAYER_ACTION_REQUIRED" });
    // PayPal got the amount as its decimal string, exactly.
    expect(JSON.stringify(fake.state.orders.get(paypalOrderId))).toContain(
      `"value":"${(cart.totals.total / 100).toFixed(2)}"`,
    );

    // Coming back before approving changes nothing.
    const early = await guest.call("POST", "/api/store/orders/lookup/payment", {
      number: order.number,
      email: "paypal@example.com",
    });
    expect(early.statusCode).toBe(200);
    expect(early.json()).toMatchObject({ status: "pending_payment" });

    fake.approveOrder(paypalOrderId);
    const back = await guest.call("POST", "/api/store/orders/lookup/payment", {
      number: order.number,
      email: "paypal@example.com",
    });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      status: "processing",
      paymentStatus: "paid",
      totals: { paidTotal: cart.totals.total },
      payment: { status: "captured", capturedAmount: cart.totals.total },
    });
    expect(fake.state.orders.get(paypalOrderId)).toMatchObject({ status: "COMPLETED" });
    // Coming back twice captures once.
    const again = await guest.call("POST", "/api/store/orders/lookup/payment", {
      number: order.number,
      email: "paypal@example.com",
    });
    expect(again.json().payment.capturedAmount).toBe(cart.totals.total);
    const captures = fake.state.orders.get(paypalOrderId)!.purchase_units[0]!.payments?.captures ?? [];
    expect(captures).toHaveLength(1);
  });

  it("a buyer who never approves: the order stays unpaid with its stock held, then the expiry job cancels it", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v["TEE-S"], quantity: 1 }], "walked-away@example.com");
    const placed = await payPalCheckout(guest, "paypal-2");
    expect(placed.statusCode).toBe(201);
    const order = placed.json();
    const reserved = (await t.ctx.db.execute(
      `select coalesce(sum(quantity), 0)::int as n from reservations where order_id = '${order.id}' and status = 'active'`,
    )) as unknown as { rows: { n: number }[] };
    expect(reserved.rows[0]!.n).toBe(1);
    const lookup = await guest.call("POST", "/api/store/orders/lookup", {
      number: order.number,
      email: "walked-away@example.com",
    });
    expect(lookup.json()).toMatchObject({
      status: "pending_payment",
      payment: { status: "requires_action" },
    });

    // Past its reservation time the expiry job asks PayPal (still unapproved), then cancels and frees the stock.
    expect(await sweepExpired(t.ctx, new Date())).toMatchObject({ cancelled: 0 });
    const later = new Date(Date.now() + 24 * 3600_000);
    expect((await sweepExpired(t.ctx, later)).cancelled).toBeGreaterThanOrEqual(1);
    const after = await guest.call("POST", "/api/store/orders/lookup", {
      number: order.number,
      email: "walked-away@example.com",
    });
    expect(after.json()).toMatchObject({ status: "cancelled" });
    const released = (await t.ctx.db.execute(
      `select coalesce(sum(quantity), 0)::int as n from reservations where order_id = '${order.id}' and status = 'active'`,
    )) as unknown as { rows: { n: number }[] };
    expect(released.rows[0]!.n).toBe(0);
    // The shopper gets the cart back to try again.
    expect((await guest.call("GET", "/api/store/cart")).json().lines).toHaveLength(1);
  });
});
