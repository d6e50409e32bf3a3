import Stripe from "stripe";
import {
  type CreatePaymentInput,
  type PaymentProvider,
  ProviderError,
  type ProviderPayment,
  type ProviderRefund,
  type ProviderWebhookEvent,
  type RefundReason,
  WebhookSignatureError,
} from "../payments.provider.ts";

/** Options of {@link StripeProvider}. */
export interface StripeProviderOptions {
  /** Secret API key (`sk_live_...` / `sk_test_...` / a restricted `rk_...`). */
  secretKey: string;
  /** Signing secret of the webhook endpoint (`whsec_...`). */
  webhookSecret: string;
  /**
   * Base URL of the API when it is not `https://api.stripe.com` (a local fake or stripe-mock in tests),
   * e.g. `http://127.0.0.1:12111`. Null or absent: Stripe itself.
   */
  apiBase?: string | null;
}

/** Messages shown to the shopper for card declines; anything else gets the generic one. */
const declineMessages: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "Your card's security code is incorrect.",
  invalid_cvc: "Your card's security code is invalid.",
  incorrect_number: "Your card number is incorrect.",
  invalid_number: "Your card number is invalid.",
  invalid_expiry_month: "Your card's expiration month is invalid.",
  invalid_expiry_year: "Your card's expiration year is invalid.",
  incorrect_zip: "Your card's postal code is incorrect.",
  card_velocity_exceeded: "Your card has exceeded its limit. Try another card.",
  withdrawal_count_limit_exceeded: "Your card has exceeded its limit. Try another card.",
  processing_error: "An error occurred while processing your card. Try again in a little bit.",
  authentication_required: "Your bank requires authentication for this payment. Please try again.",
  payment_intent_authentication_failure: "We couldn't authenticate your payment. Try another card.",
};
/** Deliberately vague for `fraudulent`, `lost_card`, `stolen_card`, `do_not_honor`, ... (Stripe's advice). */
const genericDeclineMessage = "Your card was declined.";

/** A message safe to show the shopper for a decline code (never reveals fraud suspicion). */
function shopperMessage(code: string | null | undefined): string {
  return (code && declineMessages[code]) || genericDeclineMessage;
}

/** `host`/`port`/`protocol` SDK options for an API base URL (see `StripeConfig` in the SDK's lib.d.ts). */
function hostOptions(
  apiBase: string | null | undefined,
): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`Stripe apiBase must be an http(s) URL, got ${apiBase}`);
  }
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

/** The id of an expandable field (`"pi_..."` or the expanded object). */
function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === "string" ? value : value.id;
}

function isCardError(err: unknown): err is Stripe.errors.StripeCardError {
  return err instanceof Stripe.errors.StripeCardError;
}

/**
 * Wraps an SDK error in a {@link ProviderError}: `code` is Stripe's error code (`amount_too_large`,
 * `charge_already_refunded`, `payment_intent_unexpected_state`, ...) or `connection_error` / the error
 * type; retryable for connection errors, 409 lock timeouts, 429 and 5xx. Other errors are rethrown as is.
 */
function toProviderError(err: unknown): Error {
  if (!(err instanceof Stripe.errors.StripeError)) return err instanceof Error ? err : new Error(String(err));
  const status = err.statusCode;
  const connection = err instanceof Stripe.errors.StripeConnectionError;
  const retryable =
    connection ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    (status !== undefined && (status >= 500 || status === 429 || status === 409));
  const code = err.code ?? (connection ? "connection_error" : (err.rawType ?? err.type ?? "stripe_error"));
  return new ProviderError(code, err.message, retryable);
}

/**
 * Maps a PaymentIntent (with `latest_charge` expanded or not) to our {@link ProviderPayment}.
 * https://docs.stripe.com/payments/paymentintents/lifecycle
 */
function toPayment(pi: Stripe.PaymentIntent): ProviderPayment {
  const charge = typeof pi.latest_charge === "object" ? pi.latest_charge : null;
  const base: ProviderPayment = {
    status: "pending",
    reference: pi.id,
    authorizedAmount: 0,
    capturedAmount: pi.amount_received ?? 0,
    clientSecret: pi.client_secret,
    redirectUrl: null,
    failureCode: null,
    failureMessage: null,
    riskScore: charge?.outcome?.risk_score ?? null,
    cardFingerprint: charge?.payment_method_details?.card?.fingerprint ?? null,
  };
  switch (pi.status) {
    case "requires_payment_method": {
      const error = pi.last_payment_error;
      if (!error) return base;
      const code = error.decline_code ?? error.code ?? "payment_failed";
      return { ...base, status: "failed", failureCode: code, failureMessage: shopperMessage(code) };
    }
    case "requires_action":
      return {
        ...base,
        status: "requires_action",
        redirectUrl: pi.next_action?.redirect_to_url?.url ?? null,
      };
    case "requires_capture":
      return { ...base, status: "authorized", authorizedAmount: pi.amount_capturable };
    case "succeeded":
      // A partial capture releases the rest; the charge keeps the amount that was authorized.
      return { ...base, status: "captured", authorizedAmount: charge?.amount ?? pi.amount };
    case "canceled":
      return { ...base, status: "canceled" };
    default:
      // requires_confirmation, processing and anything newer.
      return base;
  }
}

/** Our refund status for a Stripe refund status (`pending`, `requires_action`, `succeeded`, `failed`, `canceled`). */
function refundStatus(status: string | null | undefined): ProviderRefund["status"] {
  if (status === "succeeded") return "succeeded";
  if (status === "failed" || status === "canceled") return "failed";
  return "pending";
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/**
 * Stripe adapter on the PaymentIntents API with the official `stripe` SDK.
 *
 * - `createPayment` creates a PaymentIntent (`amount` minor units, lower-case `currency`,
 *   `capture_method` automatic|manual, metadata `orderId`/`orderNumber`/`paymentId`, `receipt_email`).
 *   Without `paymentData.paymentMethodId` it enables automatic payment methods and answers `pending`
 *   with the `clientSecret` for the storefront's Payment Element; with it, it confirms at once
 *   (`payment_method`, `confirm: true`, `return_url`). A card decline answers `failed` with
 *   `failureCode` (decline code or error code) and a shopper-safe `failureMessage`, not a throw.
 * - `capture` / `void` / `refund` capture (`amount_to_capture`), cancel and refund the PaymentIntent.
 * - `parseWebhook` verifies the `Stripe-Signature` header (HMAC-SHA256, 5 minutes tolerance).
 *
 * Every mutating call sends the caller's idempotency key (`Idempotency-Key`); Stripe replays the
 * first answer for a repeated key. `reference` is the PaymentIntent id (`pi_...`).
 *
 * @throws ProviderError from every method except `parseWebhook` when Stripe refuses a call (code =
 *   Stripe's error code, e.g. `charge_already_refunded`, `amount_too_large`), retryable for connection
 *   errors, 409, 429 and 5xx.
 * @see https://docs.stripe.com/api/payment_intents
 * @see https://docs.stripe.com/api/refunds
 * @see https://docs.stripe.com/webhooks#verify-events
 */
export class StripeProvider implements PaymentProvider {
  readonly id = "stripe";
  private readonly stripe: Stripe;
  private readonly webhookSecret: string;

  constructor(options: StripeProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      ...hostOptions(options.apiBase),
      maxNetworkRetries: 2,
      timeout: 30_000,
      appInfo: { name: "Bazaar" },
    });
    this.webhookSecret = options.webhookSecret;
  }

  /**
   * Creates (and with a `paymentMethodId`, confirms) a PaymentIntent for the order.
   * https://docs.stripe.com/api/payment_intents/create
   */
  async createPayment(input: CreatePaymentInput, idempotencyKey: string): Promise<ProviderPayment> {
    const paymentMethodId =
      typeof input.paymentData.paymentMethodId === "string" ? input.paymentData.paymentMethodId : null;
    const params: Stripe.PaymentIntentCreateParams = {
      amount: input.amount,
      currency: input.currency.toLowerCase(),
      capture_method: input.captureMethod,
      description: `Order ${input.orderNumber}`,
      metadata: { orderId: input.orderId, orderNumber: input.orderNumber, paymentId: input.paymentId },
      expand: ["latest_charge"],
    };
    if (input.customerEmail) params.receipt_email = input.customerEmail;
    if (paymentMethodId) {
      params.payment_method = paymentMethodId;
      params.confirm = true;
      params.return_url = input.returnUrl;
    } else {
      params.automatic_payment_methods = { enabled: true };
    }
    try {
      return toPayment(await this.stripe.paymentIntents.create(params, { idempotencyKey }));
    } catch (err) {
      if (!isCardError(err)) throw toProviderError(err);
      const code = err.decline_code ?? err.code ?? "card_declined";
      const pi = err.payment_intent;
      return {
        status: "failed",
        reference: pi?.id ?? "",
        authorizedAmount: 0,
        capturedAmount: 0,
        clientSecret: pi?.client_secret ?? null,
        redirectUrl: null,
        failureCode: code,
        failureMessage: shopperMessage(code),
        riskScore: null,
        cardFingerprint: null,
      };
    }
  }

  /** Reads the PaymentIntent with its latest charge. https://docs.stripe.com/api/payment_intents/retrieve */
  async getPayment(reference: string): Promise<ProviderPayment> {
    try {
      return toPayment(await this.stripe.paymentIntents.retrieve(reference, { expand: ["latest_charge"] }));
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** Stripe has no server-side completion step: the storefront confirms; this reads the state. */
  async completePayment(reference: string, _idempotencyKey: string): Promise<ProviderPayment> {
    return this.getPayment(reference);
  }

  /**
   * Captures `amount` minor units of a `requires_capture` PaymentIntent (the rest is released).
   * https://docs.stripe.com/api/payment_intents/capture
   */
  async capture(reference: string, amount: number, idempotencyKey: string): Promise<ProviderPayment> {
    try {
      const pi = await this.stripe.paymentIntents.capture(
        reference,
        { amount_to_capture: amount, expand: ["latest_charge"] },
        { idempotencyKey },
      );
      return toPayment(pi);
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** Cancels an uncaptured PaymentIntent. https://docs.stripe.com/api/payment_intents/cancel */
  async void(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    try {
      const pi = await this.stripe.paymentIntents.cancel(
        reference,
        { expand: ["latest_charge"] },
        { idempotencyKey },
      );
      return toPayment(pi);
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * Refunds `amount` minor units of the PaymentIntent's charge. Reason "other" is sent as
   * `metadata.reason` (Stripe only accepts duplicate|fraudulent|requested_by_customer).
   * https://docs.stripe.com/api/refunds/create
   */
  async refund(
    reference: string,
    amount: number,
    reason: RefundReason,
    idempotencyKey: string,
  ): Promise<ProviderRefund> {
    const params: Stripe.RefundCreateParams = { payment_intent: reference, amount };
    if (reason === "other") params.metadata = { reason: "other" };
    else params.reason = reason;
    try {
      const refund = await this.stripe.refunds.create(params, { idempotencyKey });
      return { reference: refund.id, status: refundStatus(refund.status), amount: refund.amount };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * Sends `amount` minor units of `currency` from the platform's balance to a connected account (Stripe
   * Connect "separate charges and transfers"); the idempotency key makes a repeated call (a payout run
   * resumed after a crash) return the first transfer instead of sending money twice.
   * https://docs.stripe.com/api/transfers/create, https://docs.stripe.com/connect/separate-charges-and-transfers
   * @returns the transfer id (`tr_...`)
   */
  async createTransfer(
    input: {
      amount: number;
      currency: string;
      destination: string;
      description: string;
      metadata: Record<string, string>;
    },
    idempotencyKey: string,
  ): Promise<{ id: string }> {
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          destination: input.destination,
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey },
      );
      return { id: transfer.id };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * Creates an Express connected account for a seller (Stripe Connect), able to receive transfers; the
   * idempotency key (one per vendor) makes a repeat return the same account.
   * https://docs.stripe.com/api/accounts/create, https://docs.stripe.com/connect/express-accounts
   */
  async createConnectedAccount(
    input: { country: string; email: string; businessName: string; metadata: Record<string, string> },
    idempotencyKey: string,
  ): Promise<{ id: string; payoutsEnabled: boolean; detailsSubmitted: boolean }> {
    try {
      const account = await this.stripe.accounts.create(
        {
          type: "express",
          country: input.country,
          email: input.email || undefined,
          business_profile: { name: input.businessName },
          capabilities: { transfers: { requested: true } },
          metadata: input.metadata,
        },
        { idempotencyKey },
      );
      return {
        id: account.id,
        payoutsEnabled: Boolean(account.payouts_enabled),
        detailsSubmitted: Boolean(account.details_submitted),
      };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * A one-time link to Stripe's hosted onboarding for a connected account (expires in minutes; the
   * seller comes back to `returnUrl`, or to `refreshUrl` for a new link when it expired).
   * https://docs.stripe.com/api/account_links/create
   */
  async createAccountLink(input: {
    account: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<{ url: string; expiresAt: Date }> {
    try {
      const link = await this.stripe.accountLinks.create({
        account: input.account,
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
        type: "account_onboarding",
      });
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** A connected account's state. https://docs.stripe.com/api/accounts/retrieve */
  async retrieveAccount(
    id: string,
  ): Promise<{ id: string; payoutsEnabled: boolean; detailsSubmitted: boolean }> {
    try {
      const account = await this.stripe.accounts.retrieve(id);
      return {
        id: account.id,
        payoutsEnabled: Boolean(account.payouts_enabled),
        detailsSubmitted: Boolean(account.details_submitted),
      };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * Verifies `Stripe-Signature` over the raw body with the endpoint secret and maps the event:
   * payment_intent.succeeded / amount_capturable_updated / payment_failed / canceled,
   * charge.refunded, charge.refund.updated, refund.updated / refund.failed, charge.dispute.created /
   * updated / closed; everything else is `ignored`. Amounts are minor units, currency upper case.
   * @throws WebhookSignatureError when the header is missing, the signature does not match or the
   *   timestamp is more than 5 minutes old.
   * https://docs.stripe.com/webhooks#verify-events, https://docs.stripe.com/api/events/types
   */
  async parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<ProviderWebhookEvent> {
    const signature = header(headers, "stripe-signature");
    if (!signature) throw new WebhookSignatureError("Missing Stripe-Signature header");
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret);
    } catch (err) {
      throw new WebhookSignatureError(
        err instanceof Error ? err.message : "Invalid Stripe webhook signature",
      );
    }
    return mapEvent(event);
  }
}

/** Maps a verified Stripe event to our vocabulary. */
function mapEvent(event: Stripe.Event): ProviderWebhookEvent {
  const base: ProviderWebhookEvent = {
    eventId: event.id,
    providerType: event.type,
    kind: "ignored",
    paymentReference: null,
    amount: null,
    currency: null,
    refund: null,
    dispute: null,
    failureCode: null,
    failureMessage: null,
    occurredAt: new Date(event.created * 1000),
  };
  switch (event.type) {
    case "payment_intent.succeeded": {
      const pi = event.data.object;
      return { ...paymentBase(base, pi), kind: "payment.captured", amount: pi.amount_received };
    }
    case "payment_intent.amount_capturable_updated": {
      const pi = event.data.object;
      return { ...paymentBase(base, pi), kind: "payment.authorized", amount: pi.amount_capturable };
    }
    case "payment_intent.payment_failed": {
      const pi = event.data.object;
      const error = pi.last_payment_error;
      const code = error?.decline_code ?? error?.code ?? "payment_failed";
      return {
        ...paymentBase(base, pi),
        kind: "payment.failed",
        amount: pi.amount,
        failureCode: code,
        failureMessage: shopperMessage(code),
      };
    }
    case "payment_intent.canceled": {
      const pi = event.data.object;
      return { ...paymentBase(base, pi), kind: "payment.canceled", amount: pi.amount };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const previous = event.data.previous_attributes?.amount_refunded;
      const newest = charge.refunds?.data?.[0] ?? null;
      const amount =
        newest?.amount ??
        (typeof previous === "number" ? charge.amount_refunded - previous : charge.amount_refunded);
      return {
        ...base,
        kind: "refund.succeeded",
        paymentReference: idOf(charge.payment_intent),
        amount,
        currency: charge.currency.toUpperCase(),
        refund: newest ? { reference: newest.id, amount: newest.amount } : null,
      };
    }
    case "charge.refund.updated":
    case "refund.updated":
    case "refund.failed": {
      const refund = event.data.object;
      const status = refundStatus(refund.status);
      if (status === "pending") return base;
      return {
        ...base,
        kind: status === "succeeded" ? "refund.succeeded" : "refund.failed",
        paymentReference: idOf(refund.payment_intent),
        amount: refund.amount,
        currency: refund.currency.toUpperCase(),
        refund: { reference: refund.id, amount: refund.amount },
        failureCode: status === "failed" ? (refund.failure_reason ?? refund.status ?? null) : null,
      };
    }
    case "charge.dispute.created":
    case "charge.dispute.updated":
    case "charge.dispute.closed": {
      const dispute = event.data.object;
      const kinds = {
        "charge.dispute.created": "dispute.opened",
        "charge.dispute.updated": "dispute.updated",
        "charge.dispute.closed": "dispute.closed",
      } as const;
      const dueBy = dispute.evidence_details?.due_by;
      return {
        ...base,
        kind: kinds[event.type],
        paymentReference: idOf(dispute.payment_intent),
        amount: dispute.amount,
        currency: dispute.currency.toUpperCase(),
        dispute: {
          reference: dispute.id,
          status: dispute.status,
          reason: dispute.reason,
          amount: dispute.amount,
          evidenceDueBy: typeof dueBy === "number" ? new Date(dueBy * 1000) : null,
        },
      };
    }
    case "account.updated": {
      // https://docs.stripe.com/api/accounts/object: payouts_enabled, details_submitted
      const account = event.data.object;
      return {
        ...base,
        kind: "account.updated",
        account: {
          id: account.id,
          payoutsEnabled: Boolean(account.payouts_enabled),
          detailsSubmitted: Boolean(account.details_submitted),
        },
      };
    }
    case "transfer.reversed": {
      // https://docs.stripe.com/api/transfers/object: amount_reversed
      const transfer = event.data.object;
      return {
        ...base,
        kind: "transfer.reversed",
        amount: transfer.amount_reversed,
        currency: transfer.currency.toUpperCase(),
        transfer: { id: transfer.id, amountReversed: transfer.amount_reversed },
      };
    }
    default:
      return base;
  }
}

function paymentBase(base: ProviderWebhookEvent, pi: Stripe.PaymentIntent): ProviderWebhookEvent {
  return { ...base, paymentReference: pi.id, currency: pi.currency.toUpperCase() };
}
