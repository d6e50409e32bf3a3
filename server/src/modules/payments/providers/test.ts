import {
  type CreatePaymentInput,
  type PaymentProvider,
  ProviderError,
  type ProviderPayment,
  type ProviderRefund,
  type ProviderWebhookEvent,
  WebhookSignatureError,
} from "../payments.provider.ts";

/**
 * Test cards of the demo store's test provider, numbered like Stripe's test cards
 * (https://docs.stripe.com/testing#cards) so shoppers who know those recognise them.
 */
export const testCards = {
  success: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
} as const;

interface TestPaymentState {
  payment: ProviderPayment;
  refunds: ProviderRefund[];
}

/**
 * A payment provider for the demo store and tests, on by default in embedded mode: it takes a test
 * card number (never a real one: real providers collect card data in their own hosted fields) and
 * answers like a card processor. 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined
 * (`card_declined`), 4000 0000 0000 9995 is declined for insufficient funds; any other number is
 * declined as `incorrect_number`. State lives in memory: a restart forgets its payments, which then
 * read as failed (`unknown_payment`), as an unpaid order would.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly id = "test";
  private readonly payments = new Map<string, TestPaymentState>();
  private readonly byKey = new Map<string, string>();

  async createPayment(input: CreatePaymentInput, idempotencyKey: string): Promise<ProviderPayment> {
    const known = this.byKey.get(idempotencyKey);
    if (known) return { ...this.payments.get(known)!.payment };
    const number = String(input.paymentData.cardNumber ?? "").replace(/[\s-]/g, "");
    const reference = `tp_${input.paymentId}`;
    const base = {
      reference,
      authorizedAmount: 0,
      capturedAmount: 0,
      riskScore: 5,
      cardFingerprint: `tfp_${number.slice(-4)}`,
    };
    let payment: ProviderPayment;
    if (number === testCards.success) {
      payment =
        input.captureMethod === "manual"
          ? { ...base, status: "authorized", authorizedAmount: input.amount }
          : { ...base, status: "captured", authorizedAmount: input.amount, capturedAmount: input.amount };
    } else {
      const [failureCode, failureMessage] =
        number === testCards.declined
          ? ["card_declined", "Your card was declined."]
          : number === testCards.insufficientFunds
            ? ["insufficient_funds", "Your card has insufficient funds."]
            : ["incorrect_number", "Your card number is incorrect."];
      payment = { ...base, status: "failed", failureCode, failureMessage };
    }
    this.payments.set(reference, { payment, refunds: [] });
    this.byKey.set(idempotencyKey, reference);
    return { ...payment };
  }

  async getPayment(reference: string): Promise<ProviderPayment> {
    const state = this.payments.get(reference);
    if (!state) {
      return {
        status: "failed",
        reference,
        authorizedAmount: 0,
        capturedAmount: 0,
        failureCode: "unknown_payment",
        failureMessage: "The payment was not completed.",
      };
    }
    return { ...state.payment };
  }

  completePayment(reference: string): Promise<ProviderPayment> {
    return this.getPayment(reference);
  }

  async capture(reference: string, amount: number, idempotencyKey: string): Promise<ProviderPayment> {
    const state = this.require(reference);
    const replay = this.byKey.get(idempotencyKey);
    if (replay === reference) return { ...state.payment };
    if (state.payment.status !== "authorized")
      throw new ProviderError("payment_not_authorized", "Nothing to capture.");
    if (amount > state.payment.authorizedAmount)
      throw new ProviderError("amount_too_large", "More than authorized.");
    state.payment = { ...state.payment, status: "captured", capturedAmount: amount };
    this.byKey.set(idempotencyKey, reference);
    return { ...state.payment };
  }

  async void(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    const state = this.require(reference);
    if (this.byKey.get(idempotencyKey) === reference) return { ...state.payment };
    if (state.payment.status !== "authorized")
      throw new ProviderError("payment_not_authorized", "Nothing to void.");
    state.payment = { ...state.payment, status: "canceled" };
    this.byKey.set(idempotencyKey, reference);
    return { ...state.payment };
  }

  async refund(
    reference: string,
    amount: number,
    _reason: string,
    idempotencyKey: string,
  ): Promise<ProviderRefund> {
    const state = this.require(reference);
    const replay = state.refunds.find((r) => r.reference === `tre_${idempotencyKey}`);
    if (replay) return { ...replay };
    const refunded = state.refunds.reduce((s, r) => s + r.amount, 0);
    if (amount <= 0 || amount > state.payment.capturedAmount - refunded) {
      throw new ProviderError("amount_too_large", "The refund is more than what is left of the payment.");
    }
    const refund: ProviderRefund = { reference: `tre_${idempotencyKey}`, status: "succeeded", amount };
    state.refunds.push(refund);
    return { ...refund };
  }

  async parseWebhook(): Promise<ProviderWebhookEvent> {
    throw new WebhookSignatureError("The test provider sends no webhooks.");
  }

  private require(reference: string): TestPaymentState {
    const state = this.payments.get(reference);
    if (!state) throw new ProviderError("unknown_payment", `No test payment ${reference}.`);
    return state;
  }
}
