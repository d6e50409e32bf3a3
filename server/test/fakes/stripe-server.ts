import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

/**
 * A fake of the parts of the Stripe API that `StripeProvider` uses, for tests (no network).
 * https://docs.stripe.com/api/payment_intents, https://docs.stripe.com/api/refunds,
 * https://docs.stripe.com/testing#cards (test payment methods), https://docs.stripe.com/api/errors,
 * https://docs.stripe.com/api/idempotent_requests
 */

/** A nested value decoded from a Stripe form body (`a[b][0]=c`). */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
type FormObject = { [key: string]: FormValue };

/** A PaymentIntent as the fake stores it (a subset of https://docs.stripe.com/api/payment_intents/object). */
export interface FakePaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  client_secret: string;
  confirmation_method: "automatic";
  created: number;
  description: string | null;
  last_payment_error: Record<string, unknown> | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  next_action: Record<string, unknown> | null;
  payment_method: string | null;
  payment_method_types: string[];
  receipt_email: string | null;
  automatic_payment_methods: { enabled: boolean } | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  status: string;
}

/** A Charge (subset of https://docs.stripe.com/api/charges/object). */
export interface FakeCharge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  currency: string;
  created: number;
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  refunded: boolean;
  status: "succeeded" | "failed";
  failure_code: string | null;
  failure_message: string | null;
  outcome: Record<string, unknown>;
  payment_method_details: { type: "card"; card: Record<string, unknown> };
  refunds: { object: "list"; data: FakeRefund[]; has_more: false; url: string };
}

/** A Refund (subset of https://docs.stripe.com/api/refunds/object). */
export interface FakeRefund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  status: "succeeded";
}

/** What the fake holds; tests read it to check what reached "Stripe". */
export interface FakeStripeState {
  paymentIntents: Map<string, FakePaymentIntent>;
  charges: Map<string, FakeCharge>;
  refunds: Map<string, FakeRefund>;
  /** Transfers to connected accounts (https://docs.stripe.com/api/transfers/object). */
  transfers: Map<
    string,
    {
      id: string;
      object: "transfer";
      amount: number;
      currency: string;
      destination: string;
      metadata: Record<string, string>;
      created: number;
    }
  >;
  /** Connected accounts (https://docs.stripe.com/api/accounts/object), onboarding completed by `completeOnboarding`. */
  accounts: Map<
    string,
    {
      id: string;
      object: "account";
      type: string;
      country: string;
      email: string | null;
      payouts_enabled: boolean;
      details_submitted: boolean;
      metadata: Record<string, string>;
    }
  >;
  /** Every request: method, path, decoded body, `Idempotency-Key`. */
  requests: { method: string; path: string; body: FormObject; idempotencyKey: string | null }[];
  /** Answers replayed from the idempotency store. */
  replays: number;
  /** Answers forced by `failNext`, consumed first. */
  failures: { status: number; error: Record<string, unknown>; headers?: Record<string, string> }[];
}

/** Handle of a running fake Stripe. */
export interface FakeStripe {
  /** Base URL, e.g. `http://127.0.0.1:40123` (give it to `StripeProvider` as `apiBase`). */
  url: string;
  port: number;
  state: FakeStripeState;
  /** The secret key the fake accepts (`Authorization: Bearer ...`). */
  secretKey: string;
  /** Answers the next `times` requests with this error (e.g. 429 rate limit, 500). */
  failNext(
    status: number,
    error: Record<string, unknown>,
    options?: { times?: number; headers?: Record<string, string> },
  ): void;
  /**
   * Confirms a PaymentIntent the way the storefront's Payment Element would (client-side), with a test
   * payment method such as `pm_card_visa` or `pm_card_chargeDeclined`.
   */
  confirmClientSide(paymentIntentId: string, paymentMethod: string): FakePaymentIntent;
  /** Finishes the 3-D Secure challenge of a `requires_action` PaymentIntent (passed or failed). */
  completeThreeDSecure(paymentIntentId: string, outcome: "succeeded" | "failed"): FakePaymentIntent;
  /** The PaymentIntent as the API would return it (for building webhook events). */
  paymentIntent(id: string): FakePaymentIntent;
  charge(id: string): FakeCharge;
  close(): Promise<void>;
}

/** Card test payment methods: https://docs.stripe.com/testing#cards and #declined-payments. */
const testCards: Record<
  string,
  {
    outcome: "success" | "decline" | "3ds";
    declineCode?: string;
    message?: string;
    brand: string;
    last4: string;
  }
> = {
  pm_card_visa: { outcome: "success", brand: "visa", last4: "4242" },
  pm_card_mastercard: { outcome: "success", brand: "mastercard", last4: "4444" },
  pm_card_chargeDeclined: {
    outcome: "decline",
    declineCode: "generic_decline",
    message: "Your card was declined.",
    brand: "visa",
    last4: "0002",
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    outcome: "decline",
    declineCode: "insufficient_funds",
    message: "Your card has insufficient funds.",
    brand: "visa",
    last4: "9995",
  },
  pm_card_threeDSecure2Required: { outcome: "3ds", brand: "visa", last4: "3155" },
};

class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message));
  }
}

function invalidRequest(message: string, code?: string, param?: string): StripeHttpError {
  return new StripeHttpError(400, { type: "invalid_request_error", code, message, param });
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Decodes a Stripe form body or query string (`metadata[orderId]=1&expand[0]=latest_charge&expand[]=x`)
 * into nested objects and arrays.
 */
export function decodeStripeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) continue;
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      const nextIsArray = !last && /^\d*$/.test(path[i + 1]!);
      if (Array.isArray(node)) {
        const index = key === "" ? node.length : Number(key);
        if (last) node[index] = value;
        else {
          node[index] ??= nextIsArray ? [] : {};
          node = node[index] as FormObject | FormValue[];
        }
      } else if (last) node[key] = value;
      else {
        node[key] ??= nextIsArray ? [] : {};
        node = node[key] as FormObject | FormValue[];
      }
    }
  }
  return root;
}

function str(body: FormObject, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}

function int(body: FormObject, key: string): number | undefined {
  const value = str(body, key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw invalidRequest(`Invalid integer: ${value}`, "parameter_invalid_integer", key);
  return Number(value);
}

function stringMap(value: FormValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
  }
  return out;
}

function expandList(body: FormObject): string[] {
  const value = body.expand;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * Starts the fake on 127.0.0.1 (free port). It checks `Authorization: Bearer <secretKey>`, decodes
 * form bodies like Stripe, answers JSON objects shaped like Stripe's, errors as
 * `{ error: { type, code, decline_code, message } }` (402 for card errors), and replays the stored
 * answer for a repeated `Idempotency-Key` on the same path (400 `idempotency_error` when the
 * parameters differ).
 */
export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? "sk_test_fake";
  const state: FakeStripeState = {
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    transfers: new Map(),
    accounts: new Map(),
    requests: [],
    replays: 0,
    failures: [],
  };
  const idempotency = new Map<string, { path: string; body: string; status: number; response: unknown }>();
  let baseUrl = "";

  function getIntent(piId: string): FakePaymentIntent {
    const pi = state.paymentIntents.get(piId);
    if (!pi) throw invalidRequest(`No such payment_intent: '${piId}'`, "resource_missing", "intent");
    return pi;
  }

  function render(pi: FakePaymentIntent, expand: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { ...pi };
    if (expand.includes("latest_charge") && pi.latest_charge)
      out.latest_charge = state.charges.get(pi.latest_charge);
    return out;
  }

  function newCharge(pi: FakePaymentIntent, pm: string, ok: boolean, declineCode?: string): FakeCharge {
    const card = testCards[pm]!;
    const charge: FakeCharge = {
      id: id("ch"),
      object: "charge",
      amount: pi.amount,
      amount_captured: 0,
      amount_refunded: 0,
      captured: false,
      currency: pi.currency,
      created: now(),
      paid: ok,
      payment_intent: pi.id,
      payment_method: pm,
      refunded: false,
      status: ok ? "succeeded" : "failed",
      failure_code: ok ? null : "card_declined",
      failure_message: ok ? null : (card.message ?? null),
      outcome: ok
        ? { network_status: "approved_by_network", risk_level: "normal", risk_score: 12, type: "authorized" }
        : {
            network_status: "declined_by_network",
            reason: declineCode,
            risk_level: "normal",
            risk_score: 40,
            type: "issuer_declined",
          },
      payment_method_details: {
        type: "card",
        card: {
          brand: card.brand,
          last4: card.last4,
          fingerprint: `fp_${card.last4}${card.brand}`,
          exp_year: 2034,
        },
      },
      refunds: { object: "list", data: [], has_more: false, url: "" },
    };
    charge.refunds.url = `/v1/charges/${charge.id}/refunds`;
    state.charges.set(charge.id, charge);
    pi.latest_charge = charge.id;
    return charge;
  }

  function authorize(pi: FakePaymentIntent, pm: string): void {
    const charge = state.charges.get(pi.latest_charge ?? "") ?? newCharge(pi, pm, true);
    pi.next_action = null;
    pi.last_payment_error = null;
    if (pi.capture_method === "manual") {
      pi.status = "requires_capture";
      pi.amount_capturable = pi.amount;
    } else {
      pi.status = "succeeded";
      pi.amount_received = pi.amount;
      charge.captured = true;
      charge.amount_captured = pi.amount;
    }
  }

  /** Confirms `pi` with a test payment method; throws the 402 card error on a decline. */
  function confirm(pi: FakePaymentIntent, pm: string, returnUrl: string | undefined): void {
    if (!["requires_payment_method", "requires_confirmation"].includes(pi.status)) {
      throw invalidRequest(
        `This PaymentIntent's status is ${pi.status}, but it must be requires_payment_method or requires_confirmation to be confirmed.`,
        "payment_intent_unexpected_state",
      );
    }
    const card = testCards[pm];
    if (!card) throw invalidRequest(`No such PaymentMethod: '${pm}'`, "resource_missing", "payment_method");
    pi.payment_method = pm;
    pi.latest_charge = null;
    if (card.outcome === "success") {
      authorize(pi, pm);
      return;
    }
    if (card.outcome === "3ds") {
      if (!returnUrl) {
        pi.status = "requires_action";
        pi.next_action = { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect" } };
        return;
      }
      pi.status = "requires_action";
      pi.next_action = {
        type: "redirect_to_url",
        redirect_to_url: { url: `${baseUrl}/3ds/${pi.id}/authenticate`, return_url: returnUrl },
      };
      return;
    }
    const charge = newCharge(pi, pm, false, card.declineCode);
    const error = {
      type: "card_error",
      code: "card_declined",
      decline_code: card.declineCode,
      message: card.message,
      charge: charge.id,
      doc_url: "https://docs.stripe.com/error-codes/card-declined",
      payment_method: { id: pm, object: "payment_method", type: "card" },
    };
    pi.status = "requires_payment_method";
    pi.payment_method = null;
    pi.last_payment_error = error;
    throw new StripeHttpError(402, { ...error, payment_intent: { ...pi } });
  }

  function createIntent(body: FormObject): Record<string, unknown> {
    const amount = int(body, "amount");
    const currency = str(body, "currency");
    if (amount === undefined)
      throw invalidRequest("Missing required param: amount.", "parameter_missing", "amount");
    if (!currency) throw invalidRequest("Missing required param: currency.", "parameter_missing", "currency");
    if (currency !== currency.toLowerCase()) {
      throw invalidRequest(`Invalid currency: ${currency}.`, "parameter_invalid_string", "currency");
    }
    const captureMethod = str(body, "capture_method") ?? "automatic";
    if (!["automatic", "automatic_async", "manual"].includes(captureMethod)) {
      throw invalidRequest(
        `Invalid capture_method: ${captureMethod}`,
        "parameter_invalid_string",
        "capture_method",
      );
    }
    const piId = id("pi");
    const automatic = body.automatic_payment_methods;
    const pi: FakePaymentIntent = {
      id: piId,
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency,
      capture_method: captureMethod,
      client_secret: `${piId}_secret_${randomBytes(9).toString("hex")}`,
      confirmation_method: "automatic",
      created: now(),
      description: str(body, "description") ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: stringMap(body.metadata),
      next_action: null,
      payment_method: null,
      payment_method_types: ["card"],
      receipt_email: str(body, "receipt_email") ?? null,
      automatic_payment_methods:
        automatic && typeof automatic === "object" && !Array.isArray(automatic)
          ? { enabled: automatic.enabled === "true" }
          : null,
      cancellation_reason: null,
      canceled_at: null,
      status: "requires_payment_method",
    };
    state.paymentIntents.set(piId, pi);
    const pm = str(body, "payment_method");
    if (pm) {
      pi.payment_method = pm;
      pi.status = "requires_confirmation";
      if (str(body, "confirm") === "true") {
        pi.status = "requires_payment_method";
        confirm(pi, pm, str(body, "return_url"));
      }
    }
    return render(pi, expandList(body));
  }

  function captureIntent(pi: FakePaymentIntent, body: FormObject): Record<string, unknown> {
    if (pi.status !== "requires_capture") {
      throw invalidRequest(
        `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
        "payment_intent_unexpected_state",
      );
    }
    const amount = int(body, "amount_to_capture") ?? pi.amount_capturable;
    if (amount > pi.amount_capturable) {
      throw invalidRequest(
        `The amount to capture (${amount}) must be less than or equal to the amount capturable (${pi.amount_capturable}).`,
        "amount_too_large",
        "amount_to_capture",
      );
    }
    const charge = state.charges.get(pi.latest_charge!)!;
    charge.captured = true;
    charge.amount_captured = amount;
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    pi.status = "succeeded";
    return render(pi, expandList(body));
  }

  function cancelIntent(pi: FakePaymentIntent, body: FormObject): Record<string, unknown> {
    const cancelable = [
      "requires_payment_method",
      "requires_capture",
      "requires_confirmation",
      "requires_action",
      "processing",
    ];
    if (!cancelable.includes(pi.status)) {
      throw invalidRequest(
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancelable.join(", ")}.`,
        "payment_intent_unexpected_state",
      );
    }
    pi.status = "canceled";
    pi.amount_capturable = 0;
    pi.next_action = null;
    pi.canceled_at = now();
    pi.cancellation_reason = str(body, "cancellation_reason") ?? null;
    return render(pi, expandList(body));
  }

  function createRefund(body: FormObject): Record<string, unknown> {
    const piId = str(body, "payment_intent");
    const chargeId = str(body, "charge");
    let charge: FakeCharge | undefined;
    if (piId) {
      const pi = getIntent(piId);
      charge = pi.latest_charge ? state.charges.get(pi.latest_charge) : undefined;
      if (!charge || pi.status !== "succeeded") {
        throw invalidRequest(
          `This PaymentIntent (${piId}) does not have a successful charge to refund.`,
          "charge_not_refundable",
        );
      }
    } else if (chargeId) {
      charge = state.charges.get(chargeId);
      if (!charge) throw invalidRequest(`No such charge: '${chargeId}'`, "resource_missing", "charge");
    } else {
      throw invalidRequest(
        "One of the following params should be provided for this request: payment_intent or charge.",
      );
    }
    const reason = str(body, "reason") ?? null;
    if (reason !== null && !["duplicate", "fraudulent", "requested_by_customer"].includes(reason)) {
      throw invalidRequest(
        `Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer`,
        undefined,
        "reason",
      );
    }
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining <= 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, "charge_already_refunded");
    }
    const amount = int(body, "amount") ?? remaining;
    if (amount <= 0) throw invalidRequest("Invalid positive integer", "parameter_invalid_integer", "amount");
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
        "amount_too_large",
        "amount",
      );
    }
    const refund: FakeRefund = {
      id: id("re"),
      object: "refund",
      amount,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: stringMap(body.metadata),
      payment_intent: charge.payment_intent,
      reason,
      status: "succeeded",
    };
    state.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    charge.refunds.data.unshift(refund);
    return { ...refund };
  }

  /** Routes one API call; returns [status, JSON body]. */
  function route(method: string, path: string, body: FormObject): [number, unknown] {
    if (method === "POST" && path === "/v1/payment_intents") return [200, createIntent(body)];
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === "GET" && intent)
      return [200, render(getIntent(decodeURIComponent(intent[1]!)), expandList(body))];
    const action = /^\/v1\/payment_intents\/([^/]+)\/(capture|cancel|confirm)$/.exec(path);
    if (method === "POST" && action) {
      const pi = getIntent(decodeURIComponent(action[1]!));
      if (action[2] === "capture") return [200, captureIntent(pi, body)];
      if (action[2] === "cancel") return [200, cancelIntent(pi, body)];
      const pm = str(body, "payment_method") ?? pi.payment_method;
      if (!pm) throw invalidRequest("You must provide a payment_method.", "payment_intent_unexpected_state");
      confirm(pi, pm, str(body, "return_url"));
      return [200, render(pi, expandList(body))];
    }
    if (method === "POST" && path === "/v1/refunds") return [200, createRefund(body)];
    if (method === "POST" && path === "/v1/accounts") {
      // https://docs.stripe.com/api/accounts/create
      const account = {
        id: id("acct"),
        object: "account" as const,
        type: str(body, "type") ?? "express",
        country: str(body, "country") ?? "US",
        email: str(body, "email") ?? null,
        payouts_enabled: false,
        details_submitted: false,
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
      };
      state.accounts.set(account.id, account);
      return [200, account];
    }
    const accountPath = /^\/v1\/accounts\/([^/]+)$/.exec(path);
    if (method === "GET" && accountPath) {
      const found = state.accounts.get(decodeURIComponent(accountPath[1]!));
      if (!found) throw invalidRequest(`No such account: '${accountPath[1]}'`, "resource_missing", "id");
      return [200, found];
    }
    if (method === "POST" && path === "/v1/account_links") {
      // https://docs.stripe.com/api/account_links/create
      const account = str(body, "account") ?? "";
      if (!state.accounts.has(account))
        throw invalidRequest(`No such account: '${account}'`, "resource_missing", "account");
      return [
        200,
        {
          object: "account_link",
          created: Math.floor(Date.now() / 1000),
          expires_at: Math.floor(Date.now() / 1000) + 300,
          url: `https://connect.stripe.com/setup/e/${account}/${id("link")}`,
        },
      ];
    }
    if (method === "POST" && path === "/v1/transfers") {
      // https://docs.stripe.com/api/transfers/create
      const amount = Number(str(body, "amount"));
      const destination = str(body, "destination");
      if (!Number.isInteger(amount) || amount < 1)
        throw invalidRequest("Invalid integer: amount", "parameter_invalid_integer", "amount");
      if (!destination?.startsWith("acct_"))
        throw invalidRequest(`No such destination: '${destination}'`, "account_invalid", "destination");
      const transfer = {
        id: id("tr"),
        object: "transfer" as const,
        amount,
        currency: str(body, "currency") ?? "usd",
        destination,
        metadata: (body.metadata as Record<string, string> | undefined) ?? {},
        created: Math.floor(Date.now() / 1000),
      };
      state.transfers.set(transfer.id, transfer);
      return [200, transfer];
    }
    const refund = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === "GET" && refund) {
      const found = state.refunds.get(decodeURIComponent(refund[1]!));
      if (!found) throw invalidRequest(`No such refund: '${refund[1]}'`, "resource_missing", "id");
      return [200, { ...found }];
    }
    const charge = /^\/v1\/charges\/([^/]+)$/.exec(path);
    if (method === "GET" && charge) {
      const found = state.charges.get(decodeURIComponent(charge[1]!));
      if (!found) throw invalidRequest(`No such charge: '${charge[1]}'`, "resource_missing", "id");
      return [200, found];
    }
    throw new StripeHttpError(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "request-id": id("req"),
      ...headers,
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const body = decodeStripeForm(method === "GET" ? url.search.slice(1) : raw);
    const key = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
    state.requests.push({ method, path: url.pathname, body, idempotencyKey: key });

    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return send(res, 401, {
        error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" },
      });
    }
    const failure = state.failures.shift();
    if (failure) return send(res, failure.status, { error: failure.error }, failure.headers);

    if (key && method === "POST") {
      const stored = idempotency.get(key);
      if (stored) {
        if (stored.path !== url.pathname || stored.body !== raw) {
          return send(res, 400, {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
        }
        state.replays++;
        return send(res, stored.status, stored.response, { "idempotent-replayed": "true" });
      }
    }
    let status: number;
    let response: unknown;
    try {
      [status, response] = route(method, url.pathname, body);
    } catch (err) {
      if (!(err instanceof StripeHttpError)) throw err;
      status = err.status;
      response = { error: err.error };
    }
    // Stripe stores the result of every request that started executing, errors included (not 5xx/409).
    if (key && method === "POST") idempotency.set(key, { path: url.pathname, body: raw, status, response });
    send(res, status, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, 500, {
        error: { type: "api_error", message: err instanceof Error ? err.message : String(err) },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    state,
    secretKey,
    failNext(status, error, opts = {}) {
      for (let i = 0; i < (opts.times ?? 1); i++)
        state.failures.push({ status, error, headers: opts.headers });
    },
    confirmClientSide(piId, paymentMethod) {
      const pi = getIntent(piId);
      try {
        confirm(pi, paymentMethod, "https://shop.example/return");
      } catch (err) {
        if (!(err instanceof StripeHttpError)) throw err;
      }
      return pi;
    },
    completeThreeDSecure(piId, outcome) {
      const pi = getIntent(piId);
      if (pi.status !== "requires_action") throw new Error(`${piId} is ${pi.status}, not requires_action`);
      if (outcome === "succeeded") authorize(pi, pi.payment_method ?? "pm_card_threeDSecure2Required");
      else {
        pi.status = "requires_payment_method";
        pi.next_action = null;
        pi.payment_method = null;
        pi.last_payment_error = {
          type: "invalid_request_error",
          code: "payment_intent_authentication_failure",
          message:
            "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
        };
      }
      return pi;
    },
    paymentIntent(piId) {
      return { ...getIntent(piId) };
    },
    charge(chargeId) {
      const charge = state.charges.get(chargeId);
      if (!charge) throw new Error(`No such charge ${chargeId}`);
      return structuredClone(charge);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Builds a Stripe event envelope (https://docs.stripe.com/api/events/object) around `object`.
 * `created` is seconds since the epoch (default: now).
 */
export function stripeEvent(
  type: string,
  object: object,
  options: { id?: string; created?: number; previousAttributes?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    id: options.id ?? id("evt"),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: options.created ?? now(),
    data: options.previousAttributes
      ? { object, previous_attributes: options.previousAttributes }
      : { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/**
 * Signs a webhook delivery like Stripe: `body` is the JSON text of `event`, `headers` carry
 * `stripe-signature` (`t=<seconds>,v1=<HMAC-SHA256 hex>`) made with the SDK's
 * `webhooks.generateTestHeaderString`. `timestamp` (seconds) defaults to now.
 * https://docs.stripe.com/webhooks#verify-manually
 */
export function stripeWebhook(
  secret: string,
  event: object,
  options: { timestamp?: number } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    timestamp: options.timestamp ?? now(),
  });
  return { body, headers: { "content-type": "application/json", "stripe-signature": signature } };
}
