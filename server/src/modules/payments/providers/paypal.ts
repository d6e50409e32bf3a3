import { createPublicKey, createVerify, type KeyObject, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import {
  ApiError,
  CheckoutPaymentIntent,
  Client,
  type Configuration,
  Environment,
  type LinkDescription,
  type Money,
  type Order,
  type OrdersCapture,
  OrdersController,
  PaymentsController,
  PaypalExperienceUserAction,
  type PurchaseUnit,
  type RefundRequest,
} from "@paypal/paypal-server-sdk";
import { currencyDigits } from "../../../platform/money.ts";
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

/** Options of {@link PayPalProvider}. */
export interface PayPalProviderOptions {
  /** REST app client id. */
  clientId: string;
  /** REST app secret. */
  clientSecret: string;
  /** Id of the webhook registered for this shop (part of every signed webhook message). */
  webhookId: string;
  environment: "sandbox" | "production";
  /**
   * Base URL of the API when it is not PayPal's (`https://api-m.paypal.com` /
   * `https://api-m.sandbox.paypal.com`), e.g. a local fake in tests: `http://127.0.0.1:40123`.
   */
  apiBase?: string | null;
  /**
   * Hosts webhook signing certificates may be fetched from (`paypal-cert-url`), over https; plain http
   * only for 127.0.0.1/localhost (tests). Default: PayPal's API hosts.
   */
  certHosts?: string[];
}

/** PayPal's API hosts: where its webhook signing certificates live. */
export const DEFAULT_PAYPAL_CERT_HOSTS = [
  "api.paypal.com",
  "api.sandbox.paypal.com",
  "api-m.paypal.com",
  "api-m.sandbox.paypal.com",
];

/** Transmission times further than this from our clock are rejected (replay protection). */
const WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;
/** Currencies PayPal only takes in whole units although ISO 4217 gives them 2 digits. */
const PAYPAL_WHOLE_UNITS = new Set(["HUF", "TWD"]);
/** PayPal `issue` codes that mean the buyer's funding was declined (answered `failed`, not thrown). */
const DECLINE_ISSUES = new Set([
  "INSTRUMENT_DECLINED",
  "TRANSACTION_REFUSED",
  "PAYER_CANNOT_PAY",
  "PAYER_ACCOUNT_RESTRICTED",
  "PAYER_ACCOUNT_LOCKED_OR_CLOSED",
  "REDIRECT_PAYER_FOR_ALTERNATE_FUNDING",
  "CARD_EXPIRED",
  "COMPLIANCE_VIOLATION",
  "MAX_NUMBER_OF_PAYMENT_ATTEMPTS_EXCEEDED",
]);
const DECLINE_MESSAGE = "PayPal declined this payment. Please choose another way to pay.";
/** A capture counts as money received in these states (refunds do not undo the capture). */
const CAPTURED_STATES = new Set(["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);

/**
 * Minor units to PayPal's decimal string, exactly: 1234 USD -> "12.34", 1500 JPY -> "1500",
 * 1234 KWD -> "1.234"; HUF/TWD (no decimals at PayPal) only in whole units: 150000 HUF -> "1500".
 * @throws ProviderError `invalid_amount` for a negative / non-integer amount or a HUF/TWD fraction.
 */
export function toPayPalValue(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new ProviderError("invalid_amount", `${minor} is not an amount in minor units`);
  }
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, "0");
  const whole = text.slice(0, -digits);
  const fraction = text.slice(-digits);
  if (PAYPAL_WHOLE_UNITS.has(currency)) {
    if (/[^0]/.test(fraction)) {
      throw new ProviderError("invalid_amount", `PayPal takes ${currency} in whole units only`);
    }
    return whole;
  }
  return `${whole}.${fraction}`;
}

/**
 * PayPal's decimal string to minor units, exactly (string arithmetic, no floats): "12.34" USD -> 1234,
 * "1500" JPY -> 1500, "12.5" USD -> 1250.
 * @throws ProviderError `invalid_amount` when the text is not a non-negative decimal or has more
 *   (non-zero) decimals than the currency has.
 */
export function fromPayPalValue(value: string, currency: string): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new ProviderError("invalid_amount", `"${value}" is not a PayPal amount`);
  const digits = currencyDigits(currency);
  const fraction = match[2] ?? "";
  if (/[^0]/.test(fraction.slice(digits))) {
    throw new ProviderError("invalid_amount", `"${value}" has more decimals than ${currency} allows`);
  }
  const minor = BigInt(match[1]! + fraction.slice(0, digits).padEnd(digits, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ProviderError("invalid_amount", `"${value}" is too large`);
  return Number(minor);
}

function amountOf(money: Money | undefined): number {
  return money ? fromPayPalValue(money.value, money.currencyCode) : 0;
}

function linkHref(links: LinkDescription[] | undefined, ...rels: string[]): string | null {
  for (const rel of rels) {
    const link = links?.find((l) => l.rel === rel);
    if (link) return link.href;
  }
  return null;
}

type RequestBuilderFactory = ReturnType<Client["getRequestBuilderFactory"]>;

/**
 * The SDK's `Client` has no base URL setting (only the Sandbox/Production environments), so this
 * subclass adds a request interceptor that moves every request, the OAuth token request included
 * (the client's auth manager is built with `this`), from the environment's origin to `apiBase`.
 */
class RebasedClient extends Client {
  private readonly apiBase: string;

  constructor(config: Partial<Configuration>, apiBase: string) {
    super(config);
    this.apiBase = apiBase.replace(/\/+$/, "");
  }

  override getRequestBuilderFactory(): RequestBuilderFactory {
    const factory = super.getRequestBuilderFactory();
    return (...args) => {
      const builder = factory(...args);
      builder.interceptRequest((request) => {
        const url = new URL(request.url);
        return { ...request, url: `${this.apiBase}${url.pathname}${url.search}` };
      });
      return builder;
    };
  }
}

/** A JSON error body of the REST API or of the OAuth endpoint. */
interface PayPalErrorBody {
  name?: string;
  message?: string;
  debug_id?: string;
  details?: { issue?: string; description?: string }[];
  links?: { href?: string; rel?: string }[];
  error?: string;
  error_description?: string;
}

function errorBody(err: ApiError): PayPalErrorBody {
  let body: unknown = err.result;
  if (body === undefined && typeof err.body === "string") {
    try {
      body = JSON.parse(err.body);
    } catch {
      body = undefined;
    }
  }
  return body && typeof body === "object" ? (body as PayPalErrorBody) : {};
}

/** PayPal's `issue` (or error name) for an API error, upper case as PayPal writes it. */
function issueOf(err: ApiError): string {
  const body = errorBody(err);
  return body.details?.[0]?.issue ?? body.name ?? body.error ?? `HTTP_${err.statusCode}`;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Wraps an SDK error in a {@link ProviderError}: `code` is PayPal's `issue` in lower case
 * (`refund_amount_exceeded`, `capture_fully_refunded`, `order_not_approved`, `resource_not_found`,
 * `invalid_client`, ...), retryable for 408/429/5xx and network errors. Other errors pass through.
 */
function toProviderError(err: unknown): Error {
  if (err instanceof ProviderError) return err;
  if (err instanceof ApiError) {
    const body = errorBody(err);
    const status = err.statusCode;
    const detail = body.details?.[0]?.description ?? body.error_description;
    const message = [
      body.message ?? err.message,
      detail,
      body.debug_id ? `(debug_id ${body.debug_id})` : null,
    ]
      .filter(Boolean)
      .join(" ");
    return new ProviderError(
      issueOf(err).toLowerCase(),
      message,
      status >= 500 || status === 429 || status === 408,
    );
  }
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if ((typeof code === "string" && NETWORK_CODES.has(code)) || err.name === "AbortError") {
      return new ProviderError("connection_error", `PayPal unreachable: ${err.message}`, true);
    }
    return err;
  }
  return new Error(String(err));
}

/** An order (or authorize/capture answer) as far as the mapping needs it. */
interface OrderLike {
  id?: string;
  status?: string;
  intent?: string;
  purchaseUnits?: PurchaseUnit[];
  links?: LinkDescription[];
}

/** Maps an order to our {@link ProviderPayment} (reference = order id). */
function toPayment(order: OrderLike): ProviderPayment {
  const unit = order.purchaseUnits?.[0];
  const captures = unit?.payments?.captures ?? [];
  const authorizations = unit?.payments?.authorizations ?? [];
  const capturedAmount = captures
    .filter((c) => CAPTURED_STATES.has(c.status ?? ""))
    .reduce((sum, c) => sum + amountOf(c.amount), 0);
  const authorizedAmount =
    authorizations.length > 0
      ? authorizations
          .filter((a) => ["CREATED", "CAPTURED", "PARTIALLY_CAPTURED"].includes(a.status ?? ""))
          .reduce((sum, a) => sum + amountOf(a.amount), 0)
      : capturedAmount;
  const base: ProviderPayment = {
    status: "pending",
    reference: order.id ?? "",
    authorizedAmount,
    capturedAmount,
    clientSecret: null,
    redirectUrl: null,
    failureCode: null,
    failureMessage: null,
    riskScore: null,
    cardFingerprint: null,
  };
  switch (order.status) {
    case "CREATED":
    case "SAVED":
    case "PAYER_ACTION_REQUIRED":
      return {
        ...base,
        status: "requires_action",
        redirectUrl: linkHref(order.links, "payer-action", "approve"),
      };
    case "APPROVED":
      // The buyer approved; completePayment captures or authorizes.
      return base;
    case "VOIDED":
      return { ...base, status: "canceled" };
    case "COMPLETED":
      break;
    default:
      return base;
  }
  if (capturedAmount > 0) return { ...base, status: "captured" };
  const declined = captures.find((c) => c.status === "DECLINED" || c.status === "FAILED");
  if (declined) return declinedPayment(base, declined);
  if (captures.some((c) => c.status === "PENDING")) return base;
  const authorization = authorizations[0];
  switch (authorization?.status) {
    case "CREATED":
      return { ...base, status: "authorized" };
    case "VOIDED":
      return { ...base, status: "canceled" };
    case "DENIED":
      return {
        ...base,
        status: "failed",
        failureCode: "authorization_denied",
        failureMessage: DECLINE_MESSAGE,
      };
    default:
      return base;
  }
}

function declinedPayment(base: ProviderPayment, capture: OrdersCapture): ProviderPayment {
  const reason = capture.statusDetails?.reason;
  return {
    ...base,
    status: "failed",
    failureCode: reason ? reason.toLowerCase() : "capture_declined",
    failureMessage: DECLINE_MESSAGE,
  };
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

type Json = Record<string, unknown>;

function obj(value: unknown): Json | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** `{ currency_code, value }` of a webhook resource to minor units. */
function webhookMoney(value: unknown): { amount: number; currency: string } | null {
  const money = obj(value);
  const currency = text(money?.currency_code);
  const amount = text(money?.value);
  if (!currency || amount === null) return null;
  return { amount: fromPayPalValue(amount, currency), currency };
}

/** The href of a HATEOAS link with `rel` in a webhook resource. */
function resourceLink(resource: Json, rel: string): string | null {
  const links = Array.isArray(resource.links) ? resource.links : [];
  for (const link of links) {
    const l = obj(link);
    if (l?.rel === rel && typeof l.href === "string") return l.href;
  }
  return null;
}

/**
 * PayPal adapter on Orders v2 and Payments v2 with the official `@paypal/paypal-server-sdk`.
 *
 * - `createPayment` creates an order (intent CAPTURE for automatic capture, AUTHORIZE for manual) with
 *   one purchase unit (`reference_id` = orderId, `custom_id` = paymentId, `invoice_id` = orderNumber,
 *   amount as PayPal's decimal string converted exactly from minor units) and the PayPal wallet's
 *   return/cancel URLs; it answers `requires_action` with `redirectUrl` = the `payer-action`/`approve` link.
 * - `completePayment` captures (or authorizes) the order once the buyer approved it; a declined funding
 *   source (`INSTRUMENT_DECLINED`, ...) answers `failed` with `failureCode` = the issue in lower case.
 * - `capture` / `void` work on the order's authorization, `refund` on its first capture; the order id
 *   stays the payment's `reference` (`getPayment` re-reads the order to find them).
 * - `parseWebhook` verifies deliveries offline (CRC32 + RSA-SHA256 with the certificate from
 *   `paypal-cert-url`, host allow-listed and cached per URL).
 *
 * `PayPal-Request-Id` carries the caller's idempotency key on every mutating call. Amounts are integer
 * minor units.
 *
 * @throws ProviderError from every method when PayPal refuses a call (code = PayPal's `issue` in lower
 *   case, e.g. `refund_amount_exceeded`), retryable for network errors, 408, 429 and 5xx.
 * @see https://developer.paypal.com/docs/api/orders/v2/
 * @see https://developer.paypal.com/docs/api/payments/v2/
 * @see https://developer.paypal.com/api/rest/webhooks/rest/#link-verifysignature
 */
export class PayPalProvider implements PaymentProvider {
  readonly id = "paypal";
  private readonly orders: OrdersController;
  private readonly payments: PaymentsController;
  private readonly webhookId: string;
  private readonly certHosts: string[];
  private readonly certificates = new Map<string, Promise<KeyObject>>();

  constructor(options: PayPalProviderOptions) {
    const config: Partial<Configuration> = {
      environment: options.environment === "production" ? Environment.Production : Environment.Sandbox,
      clientCredentialsAuthCredentials: {
        oAuthClientId: options.clientId,
        oAuthClientSecret: options.clientSecret,
      },
      timeout: 30_000,
    };
    const client = options.apiBase ? new RebasedClient(config, options.apiBase) : new Client(config);
    this.orders = new OrdersController(client);
    this.payments = new PaymentsController(client);
    this.webhookId = options.webhookId;
    this.certHosts = (options.certHosts ?? DEFAULT_PAYPAL_CERT_HOSTS).map((h) => h.toLowerCase());
  }

  /**
   * Creates the order the buyer approves at PayPal. https://developer.paypal.com/docs/api/orders/v2/#orders_create
   * @returns status `requires_action`, `redirectUrl` = approval link, `reference` = order id.
   */
  async createPayment(input: CreatePaymentInput, idempotencyKey: string): Promise<ProviderPayment> {
    const currency = input.currency.toUpperCase();
    try {
      const { result } = await this.orders.createOrder({
        body: {
          intent:
            input.captureMethod === "manual"
              ? CheckoutPaymentIntent.Authorize
              : CheckoutPaymentIntent.Capture,
          purchaseUnits: [
            {
              referenceId: input.orderId,
              customId: input.paymentId,
              invoiceId: input.orderNumber,
              description: `Order ${input.orderNumber}`,
              amount: { currencyCode: currency, value: toPayPalValue(input.amount, currency) },
            },
          ],
          paymentSource: {
            paypal: {
              experienceContext: {
                returnUrl: input.returnUrl,
                cancelUrl: input.cancelUrl,
                userAction: PaypalExperienceUserAction.PayNow,
              },
            },
          },
        },
        paypalRequestId: idempotencyKey,
        prefer: "return=representation",
      });
      return toPayment(result);
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** Reads the order. https://developer.paypal.com/docs/api/orders/v2/#orders_get */
  async getPayment(reference: string): Promise<ProviderPayment> {
    return toPayment(await this.readOrder(reference));
  }

  /**
   * Captures (intent CAPTURE) or authorizes (intent AUTHORIZE) an order the buyer approved. Orders not
   * approved yet, or already completed, are answered as they stand. A declined funding source answers
   * `failed` (with the approval link again when PayPal gives one, so the buyer can pick another).
   * https://developer.paypal.com/docs/api/orders/v2/#orders_capture,
   * https://developer.paypal.com/docs/api/orders/v2/#orders_authorize
   */
  async completePayment(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    const order = await this.readOrder(reference);
    if (order.status !== "APPROVED") return toPayment(order);
    try {
      const request = { id: reference, paypalRequestId: idempotencyKey, prefer: "return=representation" };
      const { result } =
        order.intent === CheckoutPaymentIntent.Authorize
          ? await this.orders.authorizeOrder(request)
          : await this.orders.captureOrder(request);
      return toPayment({ ...result, id: result.id ?? reference });
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 422 && DECLINE_ISSUES.has(issueOf(err))) {
        const body = errorBody(err);
        const retry = body.links?.find((l) => l.rel === "redirect" || l.rel === "payer-action")?.href ?? null;
        return {
          ...toPayment(order),
          status: "failed",
          redirectUrl: retry,
          failureCode: issueOf(err).toLowerCase(),
          failureMessage: DECLINE_MESSAGE,
        };
      }
      throw toProviderError(err);
    }
  }

  /**
   * Captures `amount` minor units of the order's authorization (final capture: the rest is released).
   * https://developer.paypal.com/docs/api/payments/v2/#authorizations_capture
   * @throws ProviderError `not_authorized` when the order has no authorization.
   */
  async capture(reference: string, amount: number, idempotencyKey: string): Promise<ProviderPayment> {
    const order = await this.readOrder(reference);
    const authorization = order.purchaseUnits?.[0]?.payments?.authorizations?.[0];
    if (!authorization?.id) {
      throw new ProviderError("not_authorized", `PayPal order ${reference} has no authorization to capture`);
    }
    const currency =
      authorization.amount?.currencyCode ?? order.purchaseUnits?.[0]?.amount?.currencyCode ?? "";
    try {
      await this.payments.captureAuthorizedPayment({
        authorizationId: authorization.id,
        paypalRequestId: idempotencyKey,
        prefer: "return=minimal",
        body: {
          amount: { currencyCode: currency, value: toPayPalValue(amount, currency) },
          finalCapture: true,
        },
      });
    } catch (err) {
      throw toProviderError(err);
    }
    return this.getPayment(reference);
  }

  /**
   * Voids the order's authorization. https://developer.paypal.com/docs/api/payments/v2/#authorizations_void
   * @throws ProviderError `not_authorized` when the order has no authorization.
   */
  async void(reference: string, idempotencyKey: string): Promise<ProviderPayment> {
    const order = await this.readOrder(reference);
    const authorization = order.purchaseUnits?.[0]?.payments?.authorizations?.[0];
    if (!authorization?.id) {
      throw new ProviderError("not_authorized", `PayPal order ${reference} has no authorization to void`);
    }
    try {
      await this.payments.voidPayment({
        authorizationId: authorization.id,
        paypalRequestId: idempotencyKey,
        prefer: "return=minimal",
      });
    } catch (err) {
      throw toProviderError(err);
    }
    return this.getPayment(reference);
  }

  /**
   * Refunds `amount` minor units of the order's capture (the first one still refundable). The reason
   * becomes the note to the payer for `requested_by_customer` / `duplicate` (none for the others).
   * https://developer.paypal.com/docs/api/payments/v2/#captures_refund
   * @throws ProviderError `not_captured` when the order has no capture; PayPal's
   *   `refund_amount_exceeded` / `capture_fully_refunded` when more than the rest is asked.
   */
  async refund(
    reference: string,
    amount: number,
    reason: RefundReason,
    idempotencyKey: string,
  ): Promise<ProviderRefund> {
    const order = await this.readOrder(reference);
    const captures = order.purchaseUnits?.[0]?.payments?.captures ?? [];
    const capture =
      captures.find((c) => c.status === "COMPLETED" || c.status === "PARTIALLY_REFUNDED") ?? captures[0];
    if (!capture?.id)
      throw new ProviderError("not_captured", `PayPal order ${reference} has no capture to refund`);
    const currency = capture.amount?.currencyCode ?? order.purchaseUnits?.[0]?.amount?.currencyCode ?? "";
    const body: RefundRequest = {
      amount: { currencyCode: currency, value: toPayPalValue(amount, currency) },
    };
    if (reason === "requested_by_customer") body.noteToPayer = "Refund as requested";
    if (reason === "duplicate") body.noteToPayer = "Refund of a duplicate payment";
    try {
      const { result } = await this.payments.refundCapturedPayment({
        captureId: capture.id,
        paypalRequestId: idempotencyKey,
        prefer: "return=representation",
        body,
      });
      const status =
        result.status === "COMPLETED" ? "succeeded" : result.status === "PENDING" ? "pending" : "failed";
      return { reference: result.id ?? "", status, amount: result.amount ? amountOf(result.amount) : amount };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /**
   * Verifies a webhook delivery offline and maps it. The signed message is
   * `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>`,
   * RSA-SHA256 with the key of the certificate at `paypal-cert-url` (X.509 certificate or public key
   * PEM; https only, from an allow-listed host; cached by URL). Events: PAYMENT.CAPTURE.COMPLETED ->
   * payment.captured, PAYMENT.CAPTURE.DENIED/DECLINED -> payment.failed, PAYMENT.AUTHORIZATION.CREATED ->
   * payment.authorized, PAYMENT.AUTHORIZATION.VOIDED -> payment.canceled, PAYMENT.CAPTURE.REFUNDED ->
   * refund.succeeded, CUSTOMER.DISPUTE.CREATED/UPDATED/RESOLVED -> dispute.opened/updated/closed;
   * others (CHECKOUT.ORDER.APPROVED included, with its order id) are `ignored`. `paymentReference` is
   * the order id; refunds and disputes name a capture, whose order is looked up at PayPal.
   * @throws WebhookSignatureError when a header is missing, the algorithm is not SHA256withRSA, the
   *   transmission time is more than 5 minutes off, the certificate URL is not allowed or the
   *   signature does not verify, or the body is not a PayPal event.
   * @throws ProviderError (retryable) when the certificate or a capture cannot be fetched.
   * https://developer.paypal.com/api/rest/webhooks/rest/#link-verifysignature,
   * https://developer.paypal.com/api/rest/webhooks/event-names/
   */
  async parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<ProviderWebhookEvent> {
    const transmissionId = header(headers, "paypal-transmission-id");
    const transmissionTime = header(headers, "paypal-transmission-time");
    const signature = header(headers, "paypal-transmission-sig");
    const certUrl = header(headers, "paypal-cert-url");
    const algorithm = header(headers, "paypal-auth-algo");
    if (!transmissionId || !transmissionTime || !signature || !certUrl || !algorithm) {
      throw new WebhookSignatureError("Missing PayPal transmission headers");
    }
    if (algorithm !== "SHA256withRSA")
      throw new WebhookSignatureError(`Unsupported auth algorithm ${algorithm}`);
    const sentAt = Date.parse(transmissionTime);
    if (Number.isNaN(sentAt) || Math.abs(Date.now() - sentAt) > WEBHOOK_TOLERANCE_MS) {
      throw new WebhookSignatureError("Transmission time is not within 5 minutes of now");
    }
    const key = await this.certificate(certUrl);
    const message = `${transmissionId}|${transmissionTime}|${this.webhookId}|${crc32(rawBody) >>> 0}`;
    let valid = false;
    try {
      valid = createVerify("RSA-SHA256").update(message).verify(key, signature, "base64");
    } catch {
      valid = false;
    }
    if (!valid) throw new WebhookSignatureError("PayPal webhook signature does not verify");

    let event: Json | null;
    try {
      event = obj(JSON.parse(rawBody.toString("utf8")));
    } catch {
      event = null;
    }
    const eventId = text(event?.id);
    const eventType = text(event?.event_type);
    const resource = obj(event?.resource);
    const createTime = Date.parse(text(event?.create_time) ?? "");
    if (!event || !eventId || !eventType || !resource) throw new WebhookSignatureError("Not a PayPal event");
    return this.mapEvent(
      eventId,
      eventType,
      resource,
      Number.isNaN(createTime) ? new Date(sentAt) : new Date(createTime),
    );
  }

  private async mapEvent(
    eventId: string,
    eventType: string,
    resource: Json,
    occurredAt: Date,
  ): Promise<ProviderWebhookEvent> {
    const base: ProviderWebhookEvent = {
      eventId,
      providerType: eventType,
      kind: "ignored",
      paymentReference: null,
      amount: null,
      currency: null,
      refund: null,
      dispute: null,
      failureCode: null,
      failureMessage: null,
      occurredAt,
    };
    const money = webhookMoney(resource.amount);
    const withMoney = { ...base, amount: money?.amount ?? null, currency: money?.currency ?? null };
    switch (eventType) {
      case "CHECKOUT.ORDER.APPROVED":
        return { ...base, paymentReference: text(resource.id) };
      case "PAYMENT.CAPTURE.COMPLETED":
        return { ...withMoney, kind: "payment.captured", paymentReference: relatedOrderId(resource) };
      case "PAYMENT.CAPTURE.DENIED":
      case "PAYMENT.CAPTURE.DECLINED": {
        const reason = text(obj(resource.status_details)?.reason);
        return {
          ...withMoney,
          kind: "payment.failed",
          paymentReference: relatedOrderId(resource),
          failureCode: reason ? reason.toLowerCase() : "capture_denied",
          failureMessage: DECLINE_MESSAGE,
        };
      }
      case "PAYMENT.AUTHORIZATION.CREATED":
        return { ...withMoney, kind: "payment.authorized", paymentReference: relatedOrderId(resource) };
      case "PAYMENT.AUTHORIZATION.VOIDED":
        return { ...withMoney, kind: "payment.canceled", paymentReference: relatedOrderId(resource) };
      case "PAYMENT.CAPTURE.REFUNDED": {
        const refundId = text(resource.id);
        const captureUrl = resourceLink(resource, "up");
        const captureId = captureUrl ? /\/captures\/([^/?#]+)/.exec(captureUrl)?.[1] : undefined;
        const orderId = relatedOrderId(resource) ?? (captureId ? await this.orderOfCapture(captureId) : null);
        return {
          ...withMoney,
          kind: "refund.succeeded",
          paymentReference: orderId,
          refund: refundId && money ? { reference: refundId, amount: money.amount } : null,
        };
      }
      case "CUSTOMER.DISPUTE.CREATED":
      case "CUSTOMER.DISPUTE.UPDATED":
      case "CUSTOMER.DISPUTE.RESOLVED": {
        const disputeMoney = webhookMoney(resource.dispute_amount);
        const transactions = Array.isArray(resource.disputed_transactions)
          ? resource.disputed_transactions
          : [];
        const captureId = text(obj(transactions[0])?.seller_transaction_id);
        const kinds = {
          "CUSTOMER.DISPUTE.CREATED": "dispute.opened",
          "CUSTOMER.DISPUTE.UPDATED": "dispute.updated",
          "CUSTOMER.DISPUTE.RESOLVED": "dispute.closed",
        } as const;
        const dueBy = Date.parse(text(resource.seller_response_due_date) ?? "");
        return {
          ...base,
          kind: kinds[eventType],
          paymentReference: captureId ? await this.orderOfCapture(captureId) : null,
          amount: disputeMoney?.amount ?? null,
          currency: disputeMoney?.currency ?? null,
          dispute: {
            reference: text(resource.dispute_id) ?? "",
            status: disputeStatus(resource),
            reason: (text(resource.reason) ?? "other").toLowerCase(),
            amount: disputeMoney?.amount ?? 0,
            evidenceDueBy: Number.isNaN(dueBy) ? null : new Date(dueBy),
          },
        };
      }
      default:
        return base;
    }
  }

  /** The order id of a capture (GET /v2/payments/captures/{id}); null when PayPal does not know it. */
  private async orderOfCapture(captureId: string): Promise<string | null> {
    try {
      const { result } = await this.payments.getCapturedPayment({ captureId });
      return result.supplementaryData?.relatedIds?.orderId ?? null;
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) return null;
      throw toProviderError(err);
    }
  }

  private async readOrder(reference: string): Promise<Order> {
    try {
      const { result } = await this.orders.getOrder({ id: reference });
      return result;
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** The verification key behind an allowed certificate URL, fetched once per URL. */
  private certificate(certUrl: string): Promise<KeyObject> {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      throw new WebhookSignatureError("Invalid certificate URL");
    }
    const hostname = url.hostname.toLowerCase();
    const allowed = this.certHosts.includes(hostname) || this.certHosts.includes(url.host.toLowerCase());
    const local = hostname === "127.0.0.1" || hostname === "localhost";
    if (!allowed || url.username || url.password) {
      throw new WebhookSignatureError(`Certificate host ${url.host} is not allowed`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
      throw new WebhookSignatureError("Certificate URL must use https");
    }
    const key = url.href;
    let pending = this.certificates.get(key);
    if (!pending) {
      pending = fetchCertificate(url);
      if (this.certificates.size >= 32) this.certificates.delete(this.certificates.keys().next().value!);
      this.certificates.set(key, pending);
      pending.catch(() => this.certificates.delete(key));
    }
    return pending;
  }
}

/** The order id a capture/authorization resource belongs to (`supplementary_data` or an `up` link). */
function relatedOrderId(resource: Json): string | null {
  const related = obj(obj(resource.supplementary_data)?.related_ids);
  const orderId = text(related?.order_id);
  if (orderId) return orderId;
  const up = resourceLink(resource, "up");
  return up ? (/\/checkout\/orders\/([^/?#]+)/.exec(up)?.[1] ?? null) : null;
}

/** Dispute status in lower case; a resolved dispute says who won (`won` / `lost`) when PayPal tells. */
function disputeStatus(resource: Json): string {
  const status = (text(resource.status) ?? "open").toLowerCase();
  if (status !== "resolved") return status;
  const outcome = text(obj(resource.dispute_outcome)?.outcome_code);
  if (outcome === "RESOLVED_BUYER_FAVOUR") return "lost";
  if (outcome === "RESOLVED_SELLER_FAVOUR") return "won";
  return outcome ? outcome.toLowerCase() : status;
}

/** Downloads a PEM certificate (or public key) and checks it can verify signatures now. */
async function fetchCertificate(url: URL): Promise<KeyObject> {
  let pem: string;
  try {
    const response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(10_000) });
    if (!response.ok) {
      throw new ProviderError("certificate_unavailable", `PayPal certificate: HTTP ${response.status}`, true);
    }
    pem = await response.text();
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError("certificate_unavailable", `PayPal certificate: ${String(err)}`, true);
  }
  if (pem.length > 64 * 1024) throw new WebhookSignatureError("Certificate too large");
  try {
    if (pem.includes("BEGIN CERTIFICATE")) {
      const certificate = new X509Certificate(pem);
      const now = Date.now();
      if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
        throw new WebhookSignatureError("Certificate is not valid now");
      }
      return certificate.publicKey;
    }
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== "rsa") throw new WebhookSignatureError("Certificate key is not RSA");
    return key;
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw err;
    throw new WebhookSignatureError("Certificate is not a PEM certificate or public key");
  }
}
