/**
 * The payment provider strategy: one interface, one adapter per provider (Stripe, PayPal, manual,
 * test). The payments service owns our `payments` rows and calls an adapter; adapters hold no state
 * of their own and never see card data (the shopper's browser sends it to the provider directly).
 * Amounts are integer minor units of an ISO 4217 currency.
 */

/** Where a payment stands at the provider, mapped to our vocabulary. */
export type ProviderPaymentStatus =
  /** Created; waiting for the shopper (Payment Element, PayPal approval) or the provider. */
  | "pending"
  /** The shopper must act (3-D Secure challenge, PayPal approval). */
  | "requires_action"
  /** Authorized, not captured (manual capture). */
  | "authorized"
  /** Money captured (fully or partly: see `capturedAmount`). */
  | "captured"
  /** Declined or failed; `failureCode` / `failureMessage` say why. */
  | "failed"
  /** Voided / cancelled before capture. */
  | "canceled";

/** What the payments service asks an adapter to create for one order. */
export interface CreatePaymentInput {
  /** Our payment id (`pay_...`); adapters derive their provider idempotency keys from it. */
  paymentId: string;
  orderId: string;
  /** Human order number, e.g. "100042" (shown in the provider's dashboard / statement descriptor). */
  orderNumber: string;
  /** Minor units. */
  amount: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** "manual": authorize now, capture later (on shipment or after a fraud review). */
  captureMethod: "automatic" | "manual";
  customerEmail: string;
  /**
   * Provider-specific data the storefront collected, never raw card data for real providers:
   * e.g. `{ paymentMethodId: "pm_..." }` for Stripe, `{ cardNumber: "4242..." }` for the test provider.
   */
  paymentData: Record<string, unknown>;
  /** Where the provider sends the shopper back after an off-site step (PayPal approval, 3-D Secure). */
  returnUrl: string;
  cancelUrl: string;
}

/** An adapter's view of one payment at the provider. */
export interface ProviderPayment {
  status: ProviderPaymentStatus;
  /** The provider's id of the payment: Stripe PaymentIntent id, PayPal order id, ... */
  reference: string;
  /** Minor units authorized so far (0 when none). */
  authorizedAmount: number;
  /** Minor units captured so far (0 when none). */
  capturedAmount: number;
  /** For the storefront to finish the payment client-side (Stripe PaymentIntent client secret). */
  clientSecret?: string | null;
  /** For the storefront to redirect the shopper (PayPal "payer-action"/"approve" link, 3-D Secure URL). */
  redirectUrl?: string | null;
  /** Stable machine code of a decline (`card_declined`, `insufficient_funds`, ...). */
  failureCode?: string | null;
  /** Message safe to show the shopper. */
  failureMessage?: string | null;
  /** Provider's risk score 0-100 when it gives one (Stripe Radar `outcome.risk_score`). */
  riskScore?: number | null;
  /** Card fingerprint (same card => same value) for fraud velocity checks, when the provider gives one. */
  cardFingerprint?: string | null;
}

/** Result of a refund at the provider. */
export interface ProviderRefund {
  /** The provider's refund id (Stripe `re_...`, PayPal capture refund id). */
  reference: string;
  status: "succeeded" | "pending" | "failed";
  /** Minor units. */
  amount: number;
}

/** Why a refund is made (Stripe's reasons; other providers take free text). */
export type RefundReason = "requested_by_customer" | "duplicate" | "fraudulent" | "other";

/** A verified provider webhook event, mapped to our vocabulary. */
export interface ProviderWebhookEvent {
  /** The provider's unique event id (Stripe `evt_...`, PayPal `WH-...`): stored unique, processed once. */
  eventId: string;
  /** The provider's own event type, kept for the record (`payment_intent.succeeded`, `PAYMENT.CAPTURE.COMPLETED`). */
  providerType: string;
  /** Our meaning of it; `ignored` for types we do not act on. */
  kind:
    | "payment.authorized"
    | "payment.captured"
    | "payment.failed"
    | "payment.canceled"
    | "refund.succeeded"
    | "refund.failed"
    | "dispute.opened"
    | "dispute.updated"
    | "dispute.closed"
    | "account.updated"
    | "transfer.reversed"
    | "ignored";
  /** The payment's provider reference (PaymentIntent id / PayPal order id) when the event concerns one. */
  paymentReference: string | null;
  /** Minor units the event is about (captured amount, refunded amount, disputed amount), when given. */
  amount: number | null;
  currency: string | null;
  refund?: { reference: string; amount: number } | null;
  dispute?: {
    reference: string;
    /** Provider status, e.g. `needs_response`, `under_review`, `won`, `lost`. */
    status: string;
    reason: string;
    amount: number;
    /** UTC deadline to submit evidence, when given. */
    evidenceDueBy: Date | null;
  } | null;
  /** A seller's connected account changed (Stripe Connect `account.updated`). */
  account?: { id: string; payoutsEnabled: boolean; detailsSubmitted: boolean } | null;
  /** A transfer to a seller was reversed (Stripe `transfer.reversed`): the transfer id and amount reversed. */
  transfer?: { id: string; amountReversed: number } | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  /** When the provider says the event happened (UTC). */
  occurredAt: Date;
}

/** Thrown by `parseWebhook` when the signature or payload is not valid (answered 400, never processed). */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

/** Thrown by adapters when the provider refuses a call (declined refund, capture of a voided payment, ...). */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** True when a retry may succeed (network error, 5xx, rate limit). */
    readonly retryable = false,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/**
 * One payment provider. Every method that moves money takes an idempotency key: calling it again with
 * the same key (a retry after a timeout, a duplicate job) must not move money twice.
 */
export interface PaymentProvider {
  /** Stable id stored on payments: "stripe", "paypal", "manual", "test". */
  readonly id: string;
  /** Creates (and, for synchronous providers, confirms) the payment for an order. */
  createPayment(input: CreatePaymentInput, idempotencyKey: string): Promise<ProviderPayment>;
  /** Reads the payment's current state from the provider (after a client-side confirmation or redirect). */
  getPayment(reference: string): Promise<ProviderPayment>;
  /**
   * Finishes a payment the shopper approved off-site (PayPal: capture or authorize the approved order).
   * Providers without such a step return `getPayment(reference)`.
   */
  completePayment(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  /** Captures `amount` minor units of an authorized payment (at most what was authorized). */
  capture(reference: string, amount: number, idempotencyKey: string): Promise<ProviderPayment>;
  /** Voids an authorized, uncaptured payment. */
  void(reference: string, idempotencyKey: string): Promise<ProviderPayment>;
  /** Refunds `amount` minor units of a captured payment. */
  refund(
    reference: string,
    amount: number,
    reason: RefundReason,
    idempotencyKey: string,
  ): Promise<ProviderRefund>;
  /**
   * Verifies a webhook delivery (signature over the exact raw body) and maps it.
   * @throws WebhookSignatureError when the signature, timestamp or payload is not valid.
   */
  parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<ProviderWebhookEvent>;
}

/** A provider that can send money to a seller's connected account (Stripe Connect transfers). */
export interface TransferCapable {
  /**
   * Sends `amount` minor units of `currency` to the connected account `destination`; the idempotency
   * key makes a repeat return the first transfer. @returns the transfer id
   * @throws ProviderError when the provider refuses (retryable for network errors and 5xx)
   */
  createTransfer(
    input: {
      amount: number;
      currency: string;
      destination: string;
      description: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<{ id: string }>;
  /** Creates a seller's connected account (idempotent by key). */
  createConnectedAccount(
    input: { country: string; email: string; businessName: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<{ id: string; payoutsEnabled: boolean; detailsSubmitted: boolean }>;
  /** A link to the provider's hosted onboarding of a connected account. */
  createAccountLink(input: {
    account: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<{ url: string; expiresAt: Date }>;
  /** A connected account's state. */
  retrieveAccount(id: string): Promise<{ id: string; payoutsEnabled: boolean; detailsSubmitted: boolean }>;
}

/** Whether a provider can make transfers to connected accounts. */
export function canTransfer(provider: PaymentProvider): provider is PaymentProvider & TransferCapable {
  return typeof (provider as Partial<TransferCapable>).createTransfer === "function";
}
