import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CreatePaymentInput,
  ProviderError,
  WebhookSignatureError,
} from "../src/modules/payments/payments.provider.ts";
import { fromPayPalValue, PayPalProvider, toPayPalValue } from "../src/modules/payments/providers/paypal.ts";
import { StripeProvider } from "../src/modules/payments/providers/stripe.ts";
import { type FakePayPal, paypalEvent, paypalWebhook, startFakePayPal } from "./fakes/paypal-server.ts";
import {
  decodeStripeForm,
  type FakeStripe,
  startFakeStripe,
  stripeEvent,
  stripeWebhook,
} from "./fakes/stripe-server.ts";

function paymentInput(overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  const n = Math.floor(Math.random() * 900_000) + 100_000;
  return {
    paymentId: `pay_${randomUUID()}`,
    orderId: `ord_${randomUUID()}`,
    orderNumber: String(n),
    amount: 1234,
    currency: "USD",
    captureMethod: "automatic",
    customerEmail: "shopper@example.com",
    paymentData: {},
    returnUrl: "https://shop.example/checkout/return",
    cancelUrl: "https://shop.example/checkout/cancel",
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

const key = () => `idem_${randomUUID()}`;

/** A local port nothing listens on (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("fake Stripe form decoding", () => {
  it("decodes bracket keys into objects and arrays like Stripe", () => {
    expect(
      decodeStripeForm(
        "amount=1234&metadata[orderId]=o1&metadata[orderNumber]=100042&expand[0]=latest_charge&expand[]=customer&automatic_payment_methods[enabled]=true",
      ),
    ).toEqual({
      amount: "1234",
      metadata: { orderId: "o1", orderNumber: "100042" },
      expand: ["latest_charge", "customer"],
      automatic_payment_methods: { enabled: "true" },
    });
  });
});

describe("StripeProvider against the fake Stripe", () => {
  const webhookSecret = "whsec_test_secret";
  let fake: FakeStripe;
  let stripe: StripeProvider;

  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = new StripeProvider({ secretKey: fake.secretKey, webhookSecret, apiBase: fake.url });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("creates and captures an automatic payment with a payment method", async () => {
    const input = paymentInput({ paymentData: { paymentMethodId: "pm_card_visa" } });
    const payment = await stripe.createPayment(input, key());
    expect(payment).toMatchObject({
      status: "captured",
      authorizedAmount: 1234,
      capturedAmount: 1234,
      riskScore: 12,
      cardFingerprint: "fp_4242visa",
    });
    expect(payment.reference).toMatch(/^pi_/);
    const pi = fake.paymentIntent(payment.reference);
    expect(pi).toMatchObject({
      currency: "usd",
      capture_method: "automatic",
      receipt_email: "shopper@example.com",
      payment_method: "pm_card_visa",
      metadata: { orderId: input.orderId, orderNumber: input.orderNumber, paymentId: input.paymentId },
    });
    expect(pi.automatic_payment_methods).toBeNull();
    const create = fake.state.requests.find((r) => r.path === "/v1/payment_intents" && r.body.metadata);
    expect(create?.idempotencyKey).toBeTruthy();
    expect(await stripe.getPayment(payment.reference)).toMatchObject({
      status: "captured",
      capturedAmount: 1234,
    });
  });

  it("creates a pending PaymentIntent for the Payment Element and reads it after client-side confirmation", async () => {
    const payment = await stripe.createPayment(paymentInput(), key());
    expect(payment.status).toBe("pending");
    expect(payment.clientSecret).toMatch(new RegExp(`^${payment.reference}_secret_`));
    expect(fake.paymentIntent(payment.reference).automatic_payment_methods).toEqual({ enabled: true });

    fake.confirmClientSide(payment.reference, "pm_card_visa");
    expect(await stripe.completePayment(payment.reference, key())).toMatchObject({
      status: "captured",
      capturedAmount: 1234,
    });
  });

  it("a failed client-side attempt reads as failed with the decline code", async () => {
    const payment = await stripe.createPayment(paymentInput(), key());
    fake.confirmClientSide(payment.reference, "pm_card_chargeDeclinedInsufficientFunds");
    expect(await stripe.getPayment(payment.reference)).toMatchObject({
      status: "failed",
      failureCode: "insufficient_funds",
      failureMessage: "Your card has insufficient funds.",
    });
  });

  it("authorizes a manual payment, then captures part of it", async () => {
    const payment = await stripe.createPayment(
      paymentInput({
        amount: 1000,
        captureMethod: "manual",
        paymentData: { paymentMethodId: "pm_card_visa" },
      }),
      key(),
    );
    expect(payment).toMatchObject({ status: "authorized", authorizedAmount: 1000, capturedAmount: 0 });
    expect(fake.paymentIntent(payment.reference).capture_method).toBe("manual");

    const captureKey = key();
    const captured = await stripe.capture(payment.reference, 600, captureKey);
    expect(captured).toMatchObject({ status: "captured", authorizedAmount: 1000, capturedAmount: 600 });
    const request = fake.state.requests.find(
      (r) => r.path === `/v1/payment_intents/${payment.reference}/capture`,
    );
    expect(request).toMatchObject({ idempotencyKey: captureKey, body: { amount_to_capture: "600" } });
  });

  it("voids a manual payment; capturing it afterwards is a ProviderError", async () => {
    const payment = await stripe.createPayment(
      paymentInput({ captureMethod: "manual", paymentData: { paymentMethodId: "pm_card_visa" } }),
      key(),
    );
    const voidKey = key();
    const voided = await stripe.void(payment.reference, voidKey);
    expect(voided).toMatchObject({ status: "canceled", capturedAmount: 0 });
    const request = fake.state.requests.find(
      (r) => r.path === `/v1/payment_intents/${payment.reference}/cancel`,
    );
    expect(request?.idempotencyKey).toBe(voidKey);

    const err = await rejection(stripe.capture(payment.reference, 1234, key()));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: "payment_intent_unexpected_state", retryable: false });
  });

  it("capturing more than authorized is a ProviderError", async () => {
    const payment = await stripe.createPayment(
      paymentInput({ captureMethod: "manual", paymentData: { paymentMethodId: "pm_card_visa" } }),
      key(),
    );
    const err = await rejection(stripe.capture(payment.reference, 99_999, key()));
    expect(err).toMatchObject({ name: "ProviderError", code: "amount_too_large" });
  });

  it("answers a card decline as failed with code and shopper-safe message (no throw)", async () => {
    const declined = await stripe.createPayment(
      paymentInput({ paymentData: { paymentMethodId: "pm_card_chargeDeclined" } }),
      key(),
    );
    expect(declined).toMatchObject({
      status: "failed",
      failureCode: "generic_decline",
      failureMessage: "Your card was declined.",
      capturedAmount: 0,
    });
    expect(declined.reference).toMatch(/^pi_/);
    expect(await stripe.getPayment(declined.reference)).toMatchObject({
      status: "failed",
      failureCode: "generic_decline",
    });

    const poor = await stripe.createPayment(
      paymentInput({ paymentData: { paymentMethodId: "pm_card_chargeDeclinedInsufficientFunds" } }),
      key(),
    );
    expect(poor).toMatchObject({
      status: "failed",
      failureCode: "insufficient_funds",
      failureMessage: "Your card has insufficient funds.",
    });
  });

  it("answers 3-D Secure as requires_action with clientSecret and redirectUrl", async () => {
    const input = paymentInput({ paymentData: { paymentMethodId: "pm_card_threeDSecure2Required" } });
    const payment = await stripe.createPayment(input, key());
    expect(payment.status).toBe("requires_action");
    expect(payment.clientSecret).toMatch(/_secret_/);
    expect(payment.redirectUrl).toBe(`${fake.url}/3ds/${payment.reference}/authenticate`);
    expect(fake.paymentIntent(payment.reference).next_action).toMatchObject({
      redirect_to_url: { return_url: input.returnUrl },
    });

    fake.completeThreeDSecure(payment.reference, "succeeded");
    expect(await stripe.completePayment(payment.reference, key())).toMatchObject({
      status: "captured",
      capturedAmount: 1234,
    });

    const failing = await stripe.createPayment(input, key());
    fake.completeThreeDSecure(failing.reference, "failed");
    expect(await stripe.getPayment(failing.reference)).toMatchObject({
      status: "failed",
      failureCode: "payment_intent_authentication_failure",
    });
  });

  it("refunds partly, then the rest; refunding beyond the capture is a ProviderError", async () => {
    const payment = await stripe.createPayment(
      paymentInput({ amount: 5000, paymentData: { paymentMethodId: "pm_card_visa" } }),
      key(),
    );
    const first = await stripe.refund(payment.reference, 2000, "requested_by_customer", key());
    expect(first).toMatchObject({ status: "succeeded", amount: 2000 });
    expect(first.reference).toMatch(/^re_/);
    expect(fake.state.refunds.get(first.reference)?.reason).toBe("requested_by_customer");

    const tooMuch = await rejection(stripe.refund(payment.reference, 3001, "duplicate", key()));
    expect(tooMuch).toBeInstanceOf(ProviderError);
    expect(tooMuch).toMatchObject({ code: "amount_too_large", retryable: false });

    const rest = await stripe.refund(payment.reference, 3000, "other", key());
    expect(rest).toMatchObject({ status: "succeeded", amount: 3000 });
    expect(fake.state.refunds.get(rest.reference)).toMatchObject({
      reason: null,
      metadata: { reason: "other" },
    });

    const again = await rejection(stripe.refund(payment.reference, 1, "requested_by_customer", key()));
    expect(again).toMatchObject({ name: "ProviderError", code: "charge_already_refunded" });
  });

  it("is idempotent: the same key creates one PaymentIntent and one refund", async () => {
    const input = paymentInput({ paymentData: { paymentMethodId: "pm_card_visa" } });
    const createKey = key();
    const before = fake.state.paymentIntents.size;
    const a = await stripe.createPayment(input, createKey);
    const b = await stripe.createPayment(input, createKey);
    expect(b.reference).toBe(a.reference);
    expect(fake.state.paymentIntents.size).toBe(before + 1);

    const refundKey = key();
    const refunds = fake.state.refunds.size;
    const r1 = await stripe.refund(a.reference, 100, "requested_by_customer", refundKey);
    const r2 = await stripe.refund(a.reference, 100, "requested_by_customer", refundKey);
    expect(r2.reference).toBe(r1.reference);
    expect(fake.state.refunds.size).toBe(refunds + 1);
    expect(fake.state.requests.filter((r) => r.idempotencyKey === refundKey)).toHaveLength(2);
    expect(fake.charge(fake.paymentIntent(a.reference).latest_charge!).amount_refunded).toBe(100);
  });

  it("maps rate limits and server errors to retryable ProviderErrors", async () => {
    fake.failNext(429, { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" });
    const limited = await rejection(stripe.getPayment("pi_whatever"));
    expect(limited).toMatchObject({ name: "ProviderError", code: "rate_limit", retryable: true });

    fake.failNext(
      500,
      { type: "api_error", message: "Something went wrong" },
      { times: 1, headers: { "stripe-should-retry": "false" } },
    );
    const broken = await rejection(stripe.getPayment("pi_whatever"));
    expect(broken).toMatchObject({ name: "ProviderError", retryable: true });

    const missing = await rejection(stripe.getPayment("pi_missing"));
    expect(missing).toMatchObject({ name: "ProviderError", code: "resource_missing", retryable: false });
  });

  it("maps an unreachable API to a retryable ProviderError", async () => {
    const port = await closedPort();
    const offline = new StripeProvider({
      secretKey: "sk_test_x",
      webhookSecret,
      apiBase: `http://127.0.0.1:${port}`,
    });
    const err = await rejection(offline.getPayment("pi_1"));
    expect(err).toMatchObject({ name: "ProviderError", code: "connection_error", retryable: true });
  });

  describe("webhooks", () => {
    async function deliver(event: Record<string, unknown>) {
      const { body, headers } = stripeWebhook(webhookSecret, event);
      return stripe.parseWebhook(Buffer.from(body), headers);
    }

    it("maps PaymentIntent events", async () => {
      const payment = await stripe.createPayment(
        paymentInput({ captureMethod: "manual", paymentData: { paymentMethodId: "pm_card_visa" } }),
        key(),
      );
      const authorized = fake.paymentIntent(payment.reference);
      const created = Math.floor(Date.now() / 1000) - 10;
      const event = stripeEvent("payment_intent.amount_capturable_updated", authorized, {
        id: "evt_1",
        created,
      });
      expect(await deliver(event)).toMatchObject({
        eventId: "evt_1",
        providerType: "payment_intent.amount_capturable_updated",
        kind: "payment.authorized",
        paymentReference: payment.reference,
        amount: 1234,
        currency: "USD",
        occurredAt: new Date(created * 1000),
      });

      await stripe.capture(payment.reference, 1000, key());
      expect(
        await deliver(stripeEvent("payment_intent.succeeded", fake.paymentIntent(payment.reference))),
      ).toMatchObject({
        kind: "payment.captured",
        paymentReference: payment.reference,
        amount: 1000,
      });

      const declined = await stripe.createPayment(
        paymentInput({ paymentData: { paymentMethodId: "pm_card_chargeDeclined" } }),
        key(),
      );
      expect(
        await deliver(stripeEvent("payment_intent.payment_failed", fake.paymentIntent(declined.reference))),
      ).toMatchObject({
        kind: "payment.failed",
        paymentReference: declined.reference,
        failureCode: "generic_decline",
        failureMessage: "Your card was declined.",
      });

      const pending = await stripe.createPayment(paymentInput(), key());
      await stripe.void(pending.reference, key());
      expect(
        await deliver(stripeEvent("payment_intent.canceled", fake.paymentIntent(pending.reference))),
      ).toMatchObject({
        kind: "payment.canceled",
        paymentReference: pending.reference,
      });
    });

    it("maps refunds", async () => {
      const payment = await stripe.createPayment(
        paymentInput({ paymentData: { paymentMethodId: "pm_card_visa" } }),
        key(),
      );
      const refund = await stripe.refund(payment.reference, 234, "requested_by_customer", key());
      const charge = fake.charge(fake.paymentIntent(payment.reference).latest_charge!);
      expect(
        await deliver(stripeEvent("charge.refunded", charge, { previousAttributes: { amount_refunded: 0 } })),
      ).toMatchObject({
        kind: "refund.succeeded",
        paymentReference: payment.reference,
        amount: 234,
        currency: "USD",
        refund: { reference: refund.reference, amount: 234 },
      });

      // Recent API versions leave `refunds` out of the charge: the amount comes from previous_attributes.
      const { refunds: _omitted, ...bare } = charge;
      expect(
        await deliver(
          stripeEvent(
            "charge.refunded",
            { ...bare, amount_refunded: 500 },
            {
              previousAttributes: { amount_refunded: 234 },
            },
          ),
        ),
      ).toMatchObject({ kind: "refund.succeeded", amount: 266, refund: null });

      const stored = fake.state.refunds.get(refund.reference)!;
      expect(
        await deliver(
          stripeEvent("refund.failed", {
            ...stored,
            status: "failed",
            failure_reason: "expired_or_canceled_card",
          }),
        ),
      ).toMatchObject({
        kind: "refund.failed",
        paymentReference: payment.reference,
        refund: { reference: refund.reference, amount: 234 },
        failureCode: "expired_or_canceled_card",
      });
      expect(await deliver(stripeEvent("charge.refund.updated", stored))).toMatchObject({
        kind: "refund.succeeded",
      });
      expect(await deliver(stripeEvent("refund.updated", { ...stored, status: "pending" }))).toMatchObject({
        kind: "ignored",
      });
    });

    it("maps disputes", async () => {
      const dueBy = Math.floor(Date.now() / 1000) + 7 * 86_400;
      const dispute = {
        id: "dp_1",
        object: "dispute",
        amount: 1234,
        currency: "usd",
        charge: "ch_1",
        payment_intent: "pi_disputed",
        reason: "fraudulent",
        status: "needs_response",
        evidence_details: { due_by: dueBy, has_evidence: false, past_due: false, submission_count: 0 },
        created: Math.floor(Date.now() / 1000),
      };
      const expected = {
        paymentReference: "pi_disputed",
        amount: 1234,
        currency: "USD",
        dispute: {
          reference: "dp_1",
          status: "needs_response",
          reason: "fraudulent",
          amount: 1234,
          evidenceDueBy: new Date(dueBy * 1000),
        },
      };
      expect(await deliver(stripeEvent("charge.dispute.created", dispute))).toMatchObject({
        kind: "dispute.opened",
        ...expected,
      });
      expect(
        await deliver(stripeEvent("charge.dispute.updated", { ...dispute, status: "under_review" })),
      ).toMatchObject({ kind: "dispute.updated", dispute: { status: "under_review" } });
      expect(
        await deliver(
          stripeEvent("charge.dispute.closed", {
            ...dispute,
            status: "lost",
            evidence_details: { due_by: null },
          }),
        ),
      ).toMatchObject({ kind: "dispute.closed", dispute: { status: "lost", evidenceDueBy: null } });
    });

    it("ignores other event types", async () => {
      const event = stripeEvent("customer.created", { id: "cus_1", object: "customer" });
      expect(await deliver(event)).toMatchObject({ kind: "ignored", providerType: "customer.created" });
    });

    it("rejects a tampered body, a wrong secret, a stale timestamp and a missing header", async () => {
      const event = stripeEvent("payment_intent.succeeded", { id: "pi_1", object: "payment_intent" });
      const { body, headers } = stripeWebhook(webhookSecret, event);
      const tampered = body.replace('"pi_1"', '"pi_2"');
      await expect(stripe.parseWebhook(Buffer.from(tampered), headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      const wrong = stripeWebhook("whsec_other", event);
      await expect(stripe.parseWebhook(Buffer.from(wrong.body), wrong.headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      const stale = stripeWebhook(webhookSecret, event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
      await expect(stripe.parseWebhook(Buffer.from(stale.body), stale.headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      await expect(stripe.parseWebhook(Buffer.from(body), {})).rejects.toBeInstanceOf(WebhookSignatureError);
    });
  });
});

describe("PayPalProvider against the fake PayPal", () => {
  const webhookId = "WH-ID-8X1234567A";
  let fake: FakePayPal;
  let paypal: PayPalProvider;

  beforeAll(async () => {
    fake = await startFakePayPal();
    paypal = new PayPalProvider({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      webhookId,
      environment: "sandbox",
      apiBase: fake.url,
      certHosts: ["127.0.0.1"],
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("converts minor units to PayPal's decimal strings and back, exactly", () => {
    expect(toPayPalValue(1234, "USD")).toBe("12.34");
    expect(toPayPalValue(5, "EUR")).toBe("0.05");
    expect(toPayPalValue(1500, "JPY")).toBe("1500");
    expect(toPayPalValue(1234, "KWD")).toBe("1.234");
    expect(toPayPalValue(150_000, "HUF")).toBe("1500");
    expect(() => toPayPalValue(150_050, "HUF")).toThrow(ProviderError);
    expect(() => toPayPalValue(12.5, "USD")).toThrow(ProviderError);
    expect(fromPayPalValue("12.34", "USD")).toBe(1234);
    expect(fromPayPalValue("12.3", "USD")).toBe(1230);
    expect(fromPayPalValue("12", "USD")).toBe(1200);
    expect(fromPayPalValue("0.10", "USD")).toBe(10);
    expect(fromPayPalValue("1500", "JPY")).toBe(1500);
    expect(fromPayPalValue("19.99", "USD")).toBe(1999);
    expect(() => fromPayPalValue("1.234", "USD")).toThrow(ProviderError);
    expect(() => fromPayPalValue("-1.00", "USD")).toThrow(ProviderError);
  });

  it("creates an order the buyer approves, then captures it", async () => {
    const input = paymentInput({ amount: 1999 });
    const createKey = key();
    const payment = await paypal.createPayment(input, createKey);
    expect(payment).toMatchObject({ status: "requires_action", authorizedAmount: 0, capturedAmount: 0 });
    expect(payment.redirectUrl).toBe(`${fake.url}/checkoutnow?token=${payment.reference}`);

    const order = fake.state.orders.get(payment.reference)!;
    expect(order.intent).toBe("CAPTURE");
    expect(order.purchase_units[0]).toMatchObject({
      reference_id: input.orderId,
      custom_id: input.paymentId,
      invoice_id: input.orderNumber,
      amount: { currency_code: "USD", value: "19.99" },
    });
    const create = fake.state.requests.find(
      (r) => r.path === "/v2/checkout/orders" && r.requestId === createKey,
    );
    expect(create?.body).toMatchObject({
      payment_source: {
        paypal: { experience_context: { return_url: input.returnUrl, cancel_url: input.cancelUrl } },
      },
    });

    // Not approved yet: completing answers the order as it stands.
    expect(await paypal.completePayment(payment.reference, key())).toMatchObject({
      status: "requires_action",
    });

    fake.approveOrder(payment.reference);
    expect(await paypal.getPayment(payment.reference)).toMatchObject({ status: "pending" });
    const completed = await paypal.completePayment(payment.reference, key());
    expect(completed).toMatchObject({ status: "captured", capturedAmount: 1999, authorizedAmount: 1999 });
    expect(await paypal.getPayment(payment.reference)).toMatchObject({
      status: "captured",
      capturedAmount: 1999,
    });
  });

  it("sends zero-decimal currencies without decimals", async () => {
    const payment = await paypal.createPayment(paymentInput({ amount: 1500, currency: "JPY" }), key());
    expect(fake.state.orders.get(payment.reference)?.purchase_units[0]?.amount).toEqual({
      currency_code: "JPY",
      value: "1500",
    });
  });

  it("authorizes a manual payment, captures part of it; voids another", async () => {
    const payment = await paypal.createPayment(
      paymentInput({ amount: 1000, captureMethod: "manual" }),
      key(),
    );
    expect(fake.state.orders.get(payment.reference)?.intent).toBe("AUTHORIZE");
    fake.approveOrder(payment.reference);
    const authorized = await paypal.completePayment(payment.reference, key());
    expect(authorized).toMatchObject({ status: "authorized", authorizedAmount: 1000, capturedAmount: 0 });

    const tooMuch = await rejection(paypal.capture(payment.reference, 1001, key()));
    expect(tooMuch).toMatchObject({ name: "ProviderError", code: "max_capture_amount_exceeded" });

    const captureKey = key();
    const captured = await paypal.capture(payment.reference, 600, captureKey);
    expect(captured).toMatchObject({ status: "captured", capturedAmount: 600 });
    const request = fake.state.requests.find((r) => r.requestId === captureKey);
    expect(request).toMatchObject({
      path: expect.stringMatching(/^\/v2\/payments\/authorizations\/[A-Z0-9]+\/capture$/),
      body: { amount: { currency_code: "USD", value: "6.00" }, final_capture: true },
    });

    const other = await paypal.createPayment(paymentInput({ captureMethod: "manual" }), key());
    fake.approveOrder(other.reference);
    await paypal.completePayment(other.reference, key());
    expect(await paypal.void(other.reference, key())).toMatchObject({
      status: "canceled",
      capturedAmount: 0,
    });
    const afterVoid = await rejection(paypal.capture(other.reference, 100, key()));
    expect(afterVoid).toMatchObject({ name: "ProviderError", code: "authorization_voided" });
  });

  it("capture of an automatic order is a ProviderError", async () => {
    const payment = await paypal.createPayment(paymentInput(), key());
    const err = await rejection(paypal.capture(payment.reference, 100, key()));
    expect(err).toMatchObject({ name: "ProviderError", code: "not_authorized" });
  });

  it("answers a declined funding source as failed, not a throw", async () => {
    const payment = await paypal.createPayment(paymentInput(), key());
    fake.approveOrder(payment.reference);
    fake.declineNextCapture();
    const declined = await paypal.completePayment(payment.reference, key());
    expect(declined).toMatchObject({
      status: "failed",
      reference: payment.reference,
      failureCode: "instrument_declined",
      capturedAmount: 0,
    });
    expect(declined.failureMessage).toMatch(/PayPal declined/);
    expect(declined.redirectUrl).toBe(`${fake.url}/checkoutnow?token=${payment.reference}`);
  });

  it("refunds partly, then the rest; refunding beyond the capture is a ProviderError", async () => {
    const payment = await paypal.createPayment(paymentInput({ amount: 5000 }), key());
    fake.approveOrder(payment.reference);
    await paypal.completePayment(payment.reference, key());

    const first = await paypal.refund(payment.reference, 2000, "requested_by_customer", key());
    expect(first).toMatchObject({ status: "succeeded", amount: 2000 });
    expect(fake.state.refunds.get(first.reference)).toMatchObject({
      amount: { currency_code: "USD", value: "20.00" },
      note_to_payer: "Refund as requested",
    });

    const tooMuch = await rejection(paypal.refund(payment.reference, 3001, "other", key()));
    expect(tooMuch).toBeInstanceOf(ProviderError);
    expect(tooMuch).toMatchObject({ code: "refund_amount_exceeded", retryable: false });

    const rest = await paypal.refund(payment.reference, 3000, "other", key());
    expect(rest).toMatchObject({ status: "succeeded", amount: 3000 });
    expect(fake.state.refunds.get(rest.reference)?.note_to_payer).toBeUndefined();

    const again = await rejection(paypal.refund(payment.reference, 1, "duplicate", key()));
    expect(again).toMatchObject({ name: "ProviderError", code: "capture_fully_refunded" });
  });

  it("is idempotent: the same key creates one order, one capture and one refund", async () => {
    const input = paymentInput();
    const createKey = key();
    const before = fake.state.orders.size;
    const a = await paypal.createPayment(input, createKey);
    const b = await paypal.createPayment(input, createKey);
    expect(b.reference).toBe(a.reference);
    expect(fake.state.orders.size).toBe(before + 1);

    fake.approveOrder(a.reference);
    const captures = fake.state.captures.size;
    const completeKey = key();
    await paypal.completePayment(a.reference, completeKey);
    await paypal.completePayment(a.reference, completeKey);
    expect(fake.state.captures.size).toBe(captures + 1);
    const capture = fake.state.requests.find((r) => r.path === `/v2/checkout/orders/${a.reference}/capture`);
    expect(capture?.requestId).toBe(completeKey);

    const refundKey = key();
    const refunds = fake.state.refunds.size;
    const r1 = await paypal.refund(a.reference, 100, "requested_by_customer", refundKey);
    const r2 = await paypal.refund(a.reference, 100, "requested_by_customer", refundKey);
    expect(r2.reference).toBe(r1.reference);
    expect(fake.state.refunds.size).toBe(refunds + 1);
    expect(fake.state.replays).toBeGreaterThanOrEqual(2);
    expect(
      fake.state.captures.get(
        fake.state.orders.get(a.reference)!.purchase_units[0]!.payments!.captures![0]!.id,
      )?.status,
    ).toBe("PARTIALLY_REFUNDED");
  });

  it("maps API errors: unknown order, bad client credentials", async () => {
    const missing = await rejection(paypal.getPayment("NOSUCHORDER"));
    expect(missing).toMatchObject({ name: "ProviderError", code: "invalid_resource_id", retryable: false });

    const wrong = new PayPalProvider({
      clientId: fake.clientId,
      clientSecret: "wrong",
      webhookId,
      environment: "sandbox",
      apiBase: fake.url,
    });
    const err = await rejection(wrong.createPayment(paymentInput(), key()));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: "invalid_client" });

    const port = await closedPort();
    const offline = new PayPalProvider({
      clientId: "x",
      clientSecret: "y",
      webhookId,
      environment: "sandbox",
      apiBase: `http://127.0.0.1:${port}`,
    });
    const unreachable = await rejection(offline.getPayment("ORDER1"));
    expect(unreachable).toMatchObject({ name: "ProviderError", code: "connection_error", retryable: true });
  });

  describe("webhooks", () => {
    async function deliver(event: Record<string, unknown>) {
      const { body, headers } = paypalWebhook({
        webhookId,
        event,
        certUrl: fake.certUrl,
        privateKey: fake.privateKey,
      });
      return paypal.parseWebhook(Buffer.from(body), headers);
    }

    async function capturedOrder(amount = 1234) {
      const payment = await paypal.createPayment(paymentInput({ amount }), key());
      fake.approveOrder(payment.reference);
      await paypal.completePayment(payment.reference, key());
      const order = fake.state.orders.get(payment.reference)!;
      return { orderId: payment.reference, capture: order.purchase_units[0]!.payments!.captures![0]! };
    }

    it("maps capture, authorization and approval events", async () => {
      const { orderId, capture } = await capturedOrder();
      const createTime = "2026-01-02T03:04:05.000Z";
      const event = paypalEvent("PAYMENT.CAPTURE.COMPLETED", capture, { id: "WH-1", createTime });
      expect(await deliver(event)).toMatchObject({
        eventId: "WH-1",
        providerType: "PAYMENT.CAPTURE.COMPLETED",
        kind: "payment.captured",
        paymentReference: orderId,
        amount: 1234,
        currency: "USD",
        occurredAt: new Date(createTime),
      });

      expect(
        await deliver(
          paypalEvent("PAYMENT.CAPTURE.DENIED", {
            ...capture,
            status: "DECLINED",
            status_details: { reason: "OTHER" },
          }),
        ),
      ).toMatchObject({ kind: "payment.failed", paymentReference: orderId, failureCode: "other" });
      expect(await deliver(paypalEvent("PAYMENT.CAPTURE.DECLINED", capture))).toMatchObject({
        kind: "payment.failed",
        failureCode: "capture_denied",
      });

      const manual = await paypal.createPayment(paymentInput({ captureMethod: "manual" }), key());
      fake.approveOrder(manual.reference);
      await paypal.completePayment(manual.reference, key());
      const authorization = [...fake.state.authorizations.values()].find(
        (a) => a.supplementary_data.related_ids.order_id === manual.reference,
      )!;
      expect(
        await deliver(
          paypalEvent("PAYMENT.AUTHORIZATION.CREATED", authorization, { resourceType: "authorization" }),
        ),
      ).toMatchObject({ kind: "payment.authorized", paymentReference: manual.reference, amount: 1234 });
      expect(
        await deliver(paypalEvent("PAYMENT.AUTHORIZATION.VOIDED", { ...authorization, status: "VOIDED" })),
      ).toMatchObject({ kind: "payment.canceled", paymentReference: manual.reference });

      const approved = paypalEvent("CHECKOUT.ORDER.APPROVED", fake.state.orders.get(orderId)!, {
        resourceType: "checkout-order",
      });
      expect(await deliver(approved)).toMatchObject({ kind: "ignored", paymentReference: orderId });
      expect(await deliver(paypalEvent("BILLING.PLAN.CREATED", { id: "P-1" }))).toMatchObject({
        kind: "ignored",
        paymentReference: null,
      });
    });

    it("maps refunds (order found through the capture)", async () => {
      const { orderId } = await capturedOrder(3000);
      const refund = await paypal.refund(orderId, 1050, "requested_by_customer", key());
      const resource = fake.state.refunds.get(refund.reference)!;
      expect(
        await deliver(paypalEvent("PAYMENT.CAPTURE.REFUNDED", resource, { resourceType: "refund" })),
      ).toMatchObject({
        kind: "refund.succeeded",
        paymentReference: orderId,
        amount: 1050,
        currency: "USD",
        refund: { reference: refund.reference, amount: 1050 },
      });
    });

    it("maps disputes", async () => {
      const { orderId, capture } = await capturedOrder();
      const dispute = {
        dispute_id: "PP-D-1234",
        create_time: "2026-01-01T00:00:00.000Z",
        disputed_transactions: [{ seller_transaction_id: capture.id, buyer_transaction_id: "BUYER-TX" }],
        reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        status: "WAITING_FOR_SELLER_RESPONSE",
        dispute_amount: { currency_code: "USD", value: "12.34" },
        seller_response_due_date: "2026-01-11T00:00:00.000Z",
        dispute_life_cycle_stage: "CHARGEBACK",
      };
      expect(
        await deliver(paypalEvent("CUSTOMER.DISPUTE.CREATED", dispute, { resourceType: "dispute" })),
      ).toMatchObject({
        kind: "dispute.opened",
        paymentReference: orderId,
        amount: 1234,
        currency: "USD",
        dispute: {
          reference: "PP-D-1234",
          status: "waiting_for_seller_response",
          reason: "merchandise_or_service_not_received",
          amount: 1234,
          evidenceDueBy: new Date("2026-01-11T00:00:00.000Z"),
        },
      });
      expect(
        await deliver(paypalEvent("CUSTOMER.DISPUTE.UPDATED", { ...dispute, status: "UNDER_REVIEW" })),
      ).toMatchObject({ kind: "dispute.updated", dispute: { status: "under_review" } });
      const resolved = {
        ...dispute,
        status: "RESOLVED",
        dispute_outcome: { outcome_code: "RESOLVED_SELLER_FAVOUR" },
        seller_response_due_date: undefined,
      };
      expect(await deliver(paypalEvent("CUSTOMER.DISPUTE.RESOLVED", resolved))).toMatchObject({
        kind: "dispute.closed",
        dispute: { status: "won", evidenceDueBy: null },
      });
    });

    it("fetches the certificate once per URL", async () => {
      const fresh = new PayPalProvider({
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        webhookId,
        environment: "sandbox",
        apiBase: fake.url,
        certHosts: ["127.0.0.1"],
      });
      const fetches = fake.state.certificateFetches;
      for (const id of ["P-2", "P-3", "P-4"]) {
        const event = paypalEvent("BILLING.PLAN.CREATED", { id });
        const { body, headers } = paypalWebhook({
          webhookId,
          event,
          certUrl: fake.certUrl,
          privateKey: fake.privateKey,
        });
        expect(await fresh.parseWebhook(Buffer.from(body), headers)).toMatchObject({ kind: "ignored" });
      }
      expect(fake.state.certificateFetches - fetches).toBe(1);
    });

    it("rejects a tampered body, another webhook id, a stale time and a bad algorithm", async () => {
      const event = paypalEvent("PAYMENT.CAPTURE.COMPLETED", {
        id: "CAP1",
        amount: { currency_code: "USD", value: "1.00" },
      });
      const signed = paypalWebhook({ webhookId, event, certUrl: fake.certUrl, privateKey: fake.privateKey });
      const tampered = signed.body.replace('"1.00"', '"9.00"');
      await expect(paypal.parseWebhook(Buffer.from(tampered), signed.headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      const other = paypalWebhook({
        webhookId: "WH-OTHER",
        event,
        certUrl: fake.certUrl,
        privateKey: fake.privateKey,
      });
      await expect(paypal.parseWebhook(Buffer.from(other.body), other.headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      const stale = paypalWebhook({
        webhookId,
        event,
        certUrl: fake.certUrl,
        privateKey: fake.privateKey,
        transmissionTime: new Date(Date.now() - 10 * 60_000).toISOString(),
      });
      await expect(paypal.parseWebhook(Buffer.from(stale.body), stale.headers)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );

      await expect(
        paypal.parseWebhook(Buffer.from(signed.body), {
          ...signed.headers,
          "paypal-auth-algo": "SHA1withRSA",
        }),
      ).rejects.toBeInstanceOf(WebhookSignatureError);
      const { "paypal-transmission-sig": _sig, ...unsigned } = signed.headers;
      await expect(paypal.parseWebhook(Buffer.from(signed.body), unsigned)).rejects.toBeInstanceOf(
        WebhookSignatureError,
      );
    });

    it("rejects certificate URLs from hosts outside the allow list, and plain http to non-local hosts", async () => {
      const event = paypalEvent("PAYMENT.CAPTURE.COMPLETED", { id: "CAP1" });
      const fetches = fake.state.certificateFetches;
      for (const certUrl of [
        "https://evil.example/certs/test.pem",
        `http://localhost:${fake.port}/certs/test.pem`,
        "https://api.paypal.com.evil.example/cert.pem",
        `http://user:pw@127.0.0.1:${fake.port}/certs/test.pem`,
        "not a url",
      ]) {
        const signed = paypalWebhook({ webhookId, event, certUrl, privateKey: fake.privateKey });
        await expect(paypal.parseWebhook(Buffer.from(signed.body), signed.headers)).rejects.toBeInstanceOf(
          WebhookSignatureError,
        );
      }
      expect(fake.state.certificateFetches).toBe(fetches);

      // The default allow list (PayPal's hosts) refuses the fake's 127.0.0.1, and http to PayPal's hosts.
      const strict = new PayPalProvider({
        clientId: "x",
        clientSecret: "y",
        webhookId,
        environment: "production",
        apiBase: fake.url,
      });
      for (const certUrl of [fake.certUrl, "http://api.paypal.com/v1/notifications/certs/CERT-360caa42"]) {
        const signed = paypalWebhook({ webhookId, event, certUrl, privateKey: fake.privateKey });
        await expect(strict.parseWebhook(Buffer.from(signed.body), signed.headers)).rejects.toBeInstanceOf(
          WebhookSignatureError,
        );
      }
      expect(fake.state.certificateFetches).toBe(fetches);
    });
  });
});
