import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { type FakeStripe, startFakeStripe, stripeEvent, stripeWebhook } from "./fakes/stripe-server.ts";
import { testApp } from "./helpers.ts";

/** Stripe end to end through our API: Payment Element flow, webhooks (duplicated, out of order), refunds, disputes. */
let t: Awaited<ReturnType<typeof testApp>>;
let stripe: FakeStripe;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
const webhookSecret = "whsec_test_secret";

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await testApp({
    stripe: { secretKey: stripe.secretKey, publishableKey: "pk_test_x", webhookSecret, apiBase: stripe.url },
  });
  ({ variants: v } = await seedShop(t.ctx));
});
afterAll(async () => {
  await t?.close();
  await stripe?.close();
});

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}

function deliver(event: object, secret = webhookSecret) {
  const { body, headers } = stripeWebhook(secret, event);
  return t.app.inject({ method: "POST", url: "/api/hooks/payments/stripe", headers, payload: body });
}

async function drainOutbox() {
  while ((await t.ctx.outbox.runOnce()) > 0) {
    // deliver everything queued, including events queued by handlers
  }
}

/** A guest order paid with Stripe's Payment Element: pending until the client confirms it. */
async function pendingStripeOrder(email: string) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], email);
  const response = await guest.call(
    "POST",
    "/api/store/checkout",
    { payment: { provider: "stripe" } },
    { "idempotency-key": `k-${email}` },
  );
  expect(response.statusCode).toBe(201);
  const order = response.json();
  expect(order).toMatchObject({
    status: "pending_payment",
    payment: { provider: "stripe", status: "pending" },
  });
  expect(order.payment.clientSecret).toMatch(/^pi_.*_secret_/);
  const pi = order.payment.clientSecret.split("_secret_")[0] as string;
  return { guest, order, pi };
}

describe("Stripe webhooks", () => {
  it("lists Stripe with its publishable key among the payment methods", async () => {
    const methods = (await t.app.inject("/api/store/payment-methods")).json();
    expect(methods).toContainEqual({ id: "stripe", name: "Card (Stripe)", publishableKey: "pk_test_x" });
  });

  it("payment_intent.succeeded delivered 5 times, concurrently and after a stale payment_failed, changes the order once", async () => {
    const { order, pi } = await pendingStripeOrder("hooks@example.com");
    // The shopper's first card is declined client-side, the second succeeds.
    const failedEvent = stripeEvent(
      "payment_intent.payment_failed",
      { ...stripe.paymentIntent(pi), status: "requires_payment_method" },
      { created: Math.floor(Date.now() / 1000) - 60 },
    );
    stripe.confirmClientSide(pi, "pm_card_visa");
    const succeeded = stripeEvent("payment_intent.succeeded", stripe.paymentIntent(pi));
    const deliveries = await Promise.all([
      ...Array.from({ length: 5 }, () => deliver(succeeded)),
      deliver(failedEvent),
    ]);
    expect(deliveries.map((d) => d.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(deliveries.filter((d) => d.json().duplicate === false)).toHaveLength(2);
    await drainOutbox();
    // The stale failure arrives again, late: nothing changes.
    expect((await deliver(failedEvent)).json().duplicate).toBe(true);
    await drainOutbox();

    const after = (
      await t.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup",
        payload: { number: order.number, email: "hooks@example.com" },
      })
    ).json();
    expect(after).toMatchObject({
      status: "processing",
      paymentStatus: "paid",
      payment: { status: "captured", capturedAmount: order.totals.total },
    });
    expect(after.payment.clientSecret).toBeNull();
    const [counts] = await rows<{ captured: number; placed: number; mails: number }>(
      `select (select count(*) from order_events where order_id = '${order.id}' and type = 'payment.captured')::int as captured,
        (select count(*) from outbox_events where topic = 'order.placed' and payload->>'orderId' = '${order.id}')::int as placed,
        (select count(*) from mail_messages where "to" = 'hooks@example.com')::int as mails`,
    );
    expect(counts).toEqual({ captured: 1, placed: 1, mails: 1 });
  });

  it("rejects a delivery with a bad signature and never stores it", async () => {
    const event = stripeEvent("payment_intent.succeeded", { id: "pi_forged", object: "payment_intent" });
    const response = await deliver(event, "whsec_wrong");
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("WEBHOOK_SIGNATURE_INVALID");
    const stored = await rows(
      `select 1 from webhook_events where event_id = '${(event as { id: string }).id}'`,
    );
    expect(stored).toEqual([]);
  });

  it("refunds partly then fully through the API, never more than captured, idempotent by key", async () => {
    const { order, pi } = await pendingStripeOrder("refund@example.com");
    stripe.confirmClientSide(pi, "pm_card_visa");
    await deliver(stripeEvent("payment_intent.succeeded", stripe.paymentIntent(pi)));
    await drainOutbox();
    const { refundOrder } = await import("../src/modules/orders/orders.refunds.ts");
    const first = await refundOrder(t.ctx, order.id, {
      amount: 500,
      reason: "requested_by_customer",
      actor: "staff:test",
      requestKey: "r1",
    });
    const again = await refundOrder(t.ctx, order.id, {
      amount: 500,
      reason: "requested_by_customer",
      actor: "staff:test",
      requestKey: "r1",
    });
    expect(again.id).toBe(first.id);
    await expect(
      refundOrder(t.ctx, order.id, {
        amount: order.totals.total,
        reason: "other",
        actor: "staff:test",
        requestKey: "r2",
      }),
    ).rejects.toMatchObject({ code: "REFUND_EXCEEDS_CAPTURED" });
    const rest = await refundOrder(t.ctx, order.id, {
      amount: order.totals.total - 500,
      reason: "other",
      actor: "staff:test",
      requestKey: "r3",
    });
    expect(rest.status).toBe("succeeded");
    // Stripe's own charge.refunded webhook for our refund is matched, not counted twice.
    const charge = stripe.charge(stripe.paymentIntent(pi).latest_charge!);
    await deliver(stripeEvent("charge.refunded", charge));
    await drainOutbox();
    const after = (
      await t.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup",
        payload: { number: order.number, email: "refund@example.com" },
      })
    ).json();
    expect(after).toMatchObject({
      status: "refunded",
      paymentStatus: "refunded",
      totals: { refundedTotal: order.totals.total, paidTotal: 0 },
    });
    const [sum] = await rows<{ refunded: number; at_stripe: number }>(
      `select coalesce(sum(amount), 0)::int as refunded, 0 as at_stripe from refunds where order_id = '${order.id}' and status = 'succeeded'`,
    );
    expect(sum!.refunded).toBe(order.totals.total);
    expect(charge.amount_refunded).toBe(order.totals.total);
  });

  it("a refund left pending by a lost answer, then failed at Stripe (refund.failed), gives its units back", async () => {
    const { order, pi } = await pendingStripeOrder("refund-failed@example.com");
    stripe.confirmClientSide(pi, "pm_card_visa");
    await deliver(stripeEvent("payment_intent.succeeded", stripe.paymentIntent(pi)));
    await drainOutbox();
    const line = order.lines[0];
    const { refundOrder } = await import("../src/modules/orders/orders.refunds.ts");
    // Stripe answers 500 to the refund and to both of the SDK's retries: the outcome is unknown.
    stripe.failNext(500, { type: "api_error", message: "Something went wrong" }, { times: 3 });
    await expect(
      refundOrder(t.ctx, order.id, {
        lines: [{ lineId: line.id, quantity: 1, restock: true }],
        reason: "requested_by_customer",
        actor: "staff:test",
        requestKey: "lost-1",
      }),
    ).rejects.toMatchObject({ code: "REFUND_PENDING" });
    const [pending] = await rows<{ id: string; amount: number; status: string }>(
      `select id, amount::int as amount, status from refunds where order_id = '${order.id}'`,
    );
    expect(pending).toMatchObject({ status: "pending", amount: Math.ceil(line.total / 2) });
    const counted = await rows<{ refunded_quantity: number }>(
      `select refunded_quantity from order_line_items where id = '${line.id}'`,
    );
    expect(counted[0]!.refunded_quantity).toBe(1);

    const failed = await deliver(
      stripeEvent("refund.failed", {
        id: "re_lost_1",
        object: "refund",
        amount: pending!.amount,
        currency: "usd",
        payment_intent: pi,
        status: "failed",
        failure_reason: "expired_or_canceled_card",
      }),
    );
    expect(failed.statusCode).toBe(200);
    await drainOutbox();
    const [after] = await rows<{ status: string; failure_message: string }>(
      `select status, failure_message from refunds where id = '${pending!.id}'`,
    );
    expect(after).toMatchObject({ status: "failed", failure_message: "expired_or_canceled_card" });
    const lines = await rows<{ refunded_quantity: number; cancelled_quantity: number }>(
      `select refunded_quantity, cancelled_quantity from order_line_items where id = '${line.id}'`,
    );
    expect(lines[0]).toMatchObject({ refunded_quantity: 0, cancelled_quantity: 0 });
    const [payment] = await rows<{ refunded_amount: number }>(
      `select refunded_amount from payments where order_id = '${order.id}'`,
    );
    expect(Number(payment!.refunded_amount)).toBe(0);
    // Staff read it on the timeline; the shopper's order page does not show it.
    const [event] = await rows<{
      type: string;
      data: Record<string, unknown>;
      actor: string;
      message: string;
    }>(
      `select type, data, actor, message from order_events where order_id = '${order.id}' and type = 'refund.failed'`,
    );
    const { describeOrderEvent, money } = await import("../src/modules/orders/orders.timeline.ts");
    expect(
      describeOrderEvent(event!, { audience: "staff", currency: "USD", orderNumber: order.number }),
    ).toBe(
      `Refund of ${money(pending!.amount, "USD")} failed at the payment provider (expired or canceled card); nothing was refunded`,
    );
    const shopper = (
      await t.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup",
        payload: { number: order.number, email: "refund-failed@example.com" },
      })
    ).json();
    expect(shopper.timeline.map((e: { type: string }) => e.type)).not.toContain("refund.failed");
    // The whole line can still be refunded (the failed unit is free again).
    const retry = await refundOrder(t.ctx, order.id, {
      lines: [{ lineId: line.id, quantity: 2, restock: true }],
      reason: "requested_by_customer",
      actor: "staff:test",
      requestKey: "lost-2",
    });
    expect(retry).toMatchObject({ status: "succeeded", amount: line.total });
  });

  it("records a dispute from charge.dispute.created with its deadline on the order's timeline", async () => {
    const { order, pi } = await pendingStripeOrder("dispute@example.com");
    stripe.confirmClientSide(pi, "pm_card_visa");
    await deliver(stripeEvent("payment_intent.succeeded", stripe.paymentIntent(pi)));
    const due = Math.floor(Date.now() / 1000) + 7 * 86_400;
    const dispute = {
      id: "dp_test_1",
      object: "dispute",
      amount: order.totals.total,
      currency: "usd",
      charge: stripe.paymentIntent(pi).latest_charge,
      payment_intent: pi,
      reason: "fraudulent",
      status: "needs_response",
      evidence_details: { due_by: due },
      created: Math.floor(Date.now() / 1000),
    };
    await deliver(stripeEvent("charge.dispute.created", dispute));
    await drainOutbox();
    const [row] = await rows<{ status: string; reason: string; amount: number; evidence_due_by: Date }>(
      `select status, reason, amount::int, evidence_due_by from disputes where order_id = '${order.id}'`,
    );
    expect(row).toMatchObject({ status: "needs_response", reason: "fraudulent", amount: order.totals.total });
    expect(new Date(row!.evidence_due_by).getTime()).toBe(due * 1000);
    const timeline = await rows<{ type: string }>(
      `select type from order_events where order_id = '${order.id}'`,
    );
    expect(timeline.map((e) => e.type)).toContain("dispute.opened");
  });
});
