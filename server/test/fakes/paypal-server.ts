import { createSign, generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { currencyDigits } from "../../src/platform/money.ts";

/**
 * A fake of the parts of PayPal's REST API that `PayPalProvider` uses, for tests (no network):
 * OAuth client credentials, Orders v2 (create / get / capture / authorize), Payments v2 (capture and
 * void an authorization, get and refund a capture), and a webhook signing certificate.
 * https://developer.paypal.com/api/rest/authentication/, https://developer.paypal.com/docs/api/orders/v2/,
 * https://developer.paypal.com/docs/api/payments/v2/, https://developer.paypal.com/api/rest/reference/orders/v2/errors/
 */

/** `{ currency_code, value }` as PayPal writes money. */
export interface PayPalMoney {
  currency_code: string;
  value: string;
}

interface Link {
  href: string;
  rel: string;
  method: "GET" | "POST" | "PATCH";
}

/** A capture (subset of https://developer.paypal.com/docs/api/payments/v2/#captures_get). */
export interface FakeCapture {
  id: string;
  status: "COMPLETED" | "DECLINED" | "PARTIALLY_REFUNDED" | "REFUNDED";
  amount: PayPalMoney;
  final_capture: boolean;
  invoice_id?: string;
  custom_id?: string;
  status_details?: { reason: string };
  seller_protection: { status: string };
  supplementary_data: { related_ids: { order_id: string; authorization_id?: string } };
  create_time: string;
  update_time: string;
  links: Link[];
}

/** An authorization (subset of https://developer.paypal.com/docs/api/payments/v2/#authorizations_get). */
export interface FakeAuthorization {
  id: string;
  status: "CREATED" | "CAPTURED" | "PARTIALLY_CAPTURED" | "VOIDED";
  amount: PayPalMoney;
  invoice_id?: string;
  custom_id?: string;
  expiration_time: string;
  supplementary_data: { related_ids: { order_id: string } };
  create_time: string;
  update_time: string;
  links: Link[];
}

/** A refund (subset of https://developer.paypal.com/docs/api/payments/v2/#refunds_get). */
export interface FakeRefund {
  id: string;
  status: "COMPLETED";
  amount: PayPalMoney;
  note_to_payer?: string;
  create_time: string;
  update_time: string;
  links: Link[];
}

/** An order (subset of https://developer.paypal.com/docs/api/orders/v2/#orders_get). */
export interface FakeOrder {
  id: string;
  intent: "CAPTURE" | "AUTHORIZE";
  status: "CREATED" | "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED" | "VOIDED";
  payment_source?: Record<string, unknown>;
  purchase_units: {
    reference_id?: string;
    custom_id?: string;
    invoice_id?: string;
    description?: string;
    amount: PayPalMoney;
    payments?: { captures?: FakeCapture[]; authorizations?: FakeAuthorization[]; refunds?: FakeRefund[] };
  }[];
  create_time: string;
  update_time: string;
  links: Link[];
}

/** What the fake holds; tests read it. */
export interface FakePayPalState {
  orders: Map<string, FakeOrder>;
  authorizations: Map<string, FakeAuthorization>;
  captures: Map<string, FakeCapture>;
  refunds: Map<string, FakeRefund>;
  /** Every request: method, path, `PayPal-Request-Id`, parsed JSON body. */
  requests: { method: string; path: string; requestId: string | null; body: unknown }[];
  /** Answers replayed for a repeated `PayPal-Request-Id`. */
  replays: number;
  /** OAuth tokens issued. */
  tokensIssued: number;
  /** Downloads of the webhook certificate. */
  certificateFetches: number;
}

/** Handle of a running fake PayPal. */
export interface FakePayPal {
  /** Base URL, e.g. `http://127.0.0.1:40123` (give it to `PayPalProvider` as `apiBase`). */
  url: string;
  port: number;
  state: FakePayPalState;
  clientId: string;
  clientSecret: string;
  /** URL of the webhook signing key (a public key PEM) served by the fake. */
  certUrl: string;
  /** The key that signs webhook deliveries (pair of the PEM at `certUrl`). */
  privateKey: KeyObject;
  /** Marks an order APPROVED, as if the buyer approved it at PayPal. */
  approveOrder(orderId: string): void;
  /** Makes the next order capture fail with this issue (422 UNPROCESSABLE_ENTITY). */
  declineNextCapture(issue?: string): void;
  close(): Promise<void>;
}

class PayPalHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

/** A PayPal error body: `{ name, message, debug_id, details: [{ issue, description }], links }`. */
function apiError(status: number, name: string, issue: string, description: string, links: Link[] = []) {
  const messages: Record<string, string> = {
    INVALID_REQUEST: "Request is not well-formed, syntactically incorrect, or violates schema.",
    RESOURCE_NOT_FOUND: "The specified resource does not exist.",
    UNPROCESSABLE_ENTITY:
      "The requested action could not be performed, semantically incorrect, or failed business validation.",
  };
  return new PayPalHttpError(status, {
    name,
    message: messages[name] ?? name,
    debug_id: randomBytes(6).toString("hex"),
    details: [{ issue, description }],
    links: [
      ...links,
      {
        href: `https://developer.paypal.com/api/rest/reference/orders/v2/errors/#${issue}`,
        rel: "information_link",
      },
    ],
  });
}

function unprocessable(issue: string, description: string, links: Link[] = []): PayPalHttpError {
  return apiError(422, "UNPROCESSABLE_ENTITY", issue, description, links);
}

function notFound(what: string): PayPalHttpError {
  return apiError(
    404,
    "RESOURCE_NOT_FOUND",
    "INVALID_RESOURCE_ID",
    `Specified resource ID (${what}) does not exist.`,
  );
}

function paypalId(): string {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return [...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join("");
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** PayPal decimal string -> minor units (exact string arithmetic). */
function toMinor(money: PayPalMoney): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(money.value);
  const digits = currencyDigits(money.currency_code);
  if (!match || (match[2] ?? "").length > digits) {
    throw apiError(400, "INVALID_REQUEST", "DECIMAL_PRECISION", `Invalid amount ${money.value}`);
  }
  return Number(match[1]! + (match[2] ?? "").padEnd(digits, "0"));
}

/** Minor units -> PayPal decimal string. */
function toMoney(minor: number, currency: string): PayPalMoney {
  const digits = currencyDigits(currency);
  if (digits === 0) return { currency_code: currency, value: String(minor) };
  const text = String(minor).padStart(digits + 1, "0");
  return { currency_code: currency, value: `${text.slice(0, -digits)}.${text.slice(-digits)}` };
}

function isMoney(value: unknown): value is PayPalMoney {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.currency_code === "string" && typeof v.value === "string";
}

type Json = Record<string, unknown>;

function asJson(value: unknown): Json {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

/**
 * Starts the fake on 127.0.0.1 (free port). `/v1/oauth2/token` checks HTTP Basic client credentials
 * and issues bearer tokens every other route requires; POSTs honour `PayPal-Request-Id` (same id + same
 * path replays the first answer); `/certs/test.pem` serves the PUBLIC KEY PEM of the webhook signing
 * key (the adapter accepts a certificate or a public key).
 */
export async function startFakePayPal(
  options: { clientId?: string; clientSecret?: string } = {},
): Promise<FakePayPal> {
  const clientId = options.clientId ?? "fake-client-id";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const state: FakePayPalState = {
    orders: new Map(),
    authorizations: new Map(),
    captures: new Map(),
    refunds: new Map(),
    requests: [],
    replays: 0,
    tokensIssued: 0,
    certificateFetches: 0,
  };
  const tokens = new Set<string>();
  const idempotency = new Map<string, { status: number; body: unknown }>();
  let declineNext: string | null = null;
  let base = "";

  function order(id: string): FakeOrder {
    const found = state.orders.get(id);
    if (!found) throw notFound(id);
    return found;
  }

  function orderLinks(o: FakeOrder): Link[] {
    const self: Link = { href: `${base}/v2/checkout/orders/${o.id}`, rel: "self", method: "GET" };
    if (o.status === "PAYER_ACTION_REQUIRED" || o.status === "CREATED") {
      const rel = o.status === "CREATED" ? "approve" : "payer-action";
      return [self, { href: `${base}/checkoutnow?token=${o.id}`, rel, method: "GET" }];
    }
    if (o.status === "APPROVED") {
      const action = o.intent === "CAPTURE" ? "capture" : "authorize";
      return [
        self,
        { href: `${base}/v2/checkout/orders/${o.id}`, rel: "update", method: "PATCH" },
        { href: `${base}/v2/checkout/orders/${o.id}/${action}`, rel: action, method: "POST" },
      ];
    }
    return [self];
  }

  function render(o: FakeOrder): FakeOrder {
    o.links = orderLinks(o);
    return structuredClone(o);
  }

  function createOrder(body: Json): [number, unknown] {
    const intent = body.intent;
    if (intent !== "CAPTURE" && intent !== "AUTHORIZE") {
      throw apiError(
        400,
        "INVALID_REQUEST",
        "INVALID_PARAMETER_VALUE",
        "intent must be CAPTURE or AUTHORIZE",
      );
    }
    const units = Array.isArray(body.purchase_units) ? body.purchase_units.map(asJson) : [];
    const unit = units[0];
    if (!unit || !isMoney(unit.amount)) {
      throw apiError(
        400,
        "INVALID_REQUEST",
        "MISSING_REQUIRED_PARAMETER",
        "purchase_units[0].amount is required",
      );
    }
    toMinor(unit.amount);
    const paypal = asJson(asJson(body.payment_source).paypal);
    const now = timestamp();
    const o: FakeOrder = {
      id: paypalId(),
      intent,
      status: Object.keys(paypal).length > 0 ? "PAYER_ACTION_REQUIRED" : "CREATED",
      payment_source: Object.keys(paypal).length > 0 ? { paypal: {} } : undefined,
      purchase_units: [
        {
          reference_id: typeof unit.reference_id === "string" ? unit.reference_id : "default",
          custom_id: typeof unit.custom_id === "string" ? unit.custom_id : undefined,
          invoice_id: typeof unit.invoice_id === "string" ? unit.invoice_id : undefined,
          description: typeof unit.description === "string" ? unit.description : undefined,
          amount: { currency_code: unit.amount.currency_code, value: unit.amount.value },
        },
      ],
      create_time: now,
      update_time: now,
      links: [],
    };
    state.orders.set(o.id, o);
    return [201, render(o)];
  }

  function captureOrder(o: FakeOrder): [number, unknown] {
    if (o.intent !== "CAPTURE") {
      throw unprocessable("ACTION_DOES_NOT_MATCH_INTENT", "Order was created with an intent to 'AUTHORIZE'.");
    }
    if (o.status === "COMPLETED") throw unprocessable("ORDER_ALREADY_CAPTURED", "Order already captured.");
    if (o.status !== "APPROVED") {
      throw unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.");
    }
    if (declineNext) {
      const issue = declineNext;
      declineNext = null;
      throw unprocessable(
        issue,
        "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
        [{ href: `${base}/checkoutnow?token=${o.id}`, rel: "redirect", method: "GET" }],
      );
    }
    const unit = o.purchase_units[0]!;
    const now = timestamp();
    const capture: FakeCapture = {
      id: paypalId(),
      status: "COMPLETED",
      amount: { ...unit.amount },
      final_capture: true,
      invoice_id: unit.invoice_id,
      custom_id: unit.custom_id,
      seller_protection: { status: "ELIGIBLE" },
      supplementary_data: { related_ids: { order_id: o.id } },
      create_time: now,
      update_time: now,
      links: [],
    };
    capture.links = captureLinks(capture, `${base}/v2/checkout/orders/${o.id}`);
    state.captures.set(capture.id, capture);
    unit.payments = { ...unit.payments, captures: [...(unit.payments?.captures ?? []), capture] };
    o.status = "COMPLETED";
    o.update_time = now;
    return [201, render(o)];
  }

  function authorizeOrder(o: FakeOrder): [number, unknown] {
    if (o.intent !== "AUTHORIZE") {
      throw unprocessable("ACTION_DOES_NOT_MATCH_INTENT", "Order was created with an intent to 'CAPTURE'.");
    }
    if (o.status === "COMPLETED")
      throw unprocessable("ORDER_ALREADY_AUTHORIZED", "Order already authorized.");
    if (o.status !== "APPROVED") {
      throw unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.");
    }
    const unit = o.purchase_units[0]!;
    const now = timestamp();
    const authorization: FakeAuthorization = {
      id: paypalId(),
      status: "CREATED",
      amount: { ...unit.amount },
      invoice_id: unit.invoice_id,
      custom_id: unit.custom_id,
      expiration_time: new Date(Date.now() + 29 * 86_400_000).toISOString(),
      supplementary_data: { related_ids: { order_id: o.id } },
      create_time: now,
      update_time: now,
      links: [],
    };
    authorization.links = [
      { href: `${base}/v2/payments/authorizations/${authorization.id}`, rel: "self", method: "GET" },
      {
        href: `${base}/v2/payments/authorizations/${authorization.id}/capture`,
        rel: "capture",
        method: "POST",
      },
      { href: `${base}/v2/payments/authorizations/${authorization.id}/void`, rel: "void", method: "POST" },
      { href: `${base}/v2/checkout/orders/${o.id}`, rel: "up", method: "GET" },
    ];
    state.authorizations.set(authorization.id, authorization);
    unit.payments = { ...unit.payments, authorizations: [authorization] };
    o.status = "COMPLETED";
    o.update_time = now;
    return [201, render(o)];
  }

  function captureLinks(capture: FakeCapture, up: string): Link[] {
    return [
      { href: `${base}/v2/payments/captures/${capture.id}`, rel: "self", method: "GET" },
      { href: `${base}/v2/payments/captures/${capture.id}/refund`, rel: "refund", method: "POST" },
      { href: up, rel: "up", method: "GET" },
    ];
  }

  function orderOfAuthorization(authorization: FakeAuthorization): FakeOrder {
    return order(authorization.supplementary_data.related_ids.order_id);
  }

  function captureAuthorization(
    authorization: FakeAuthorization,
    body: Json,
    prefer: string,
  ): [number, unknown] {
    if (authorization.status === "VOIDED") {
      throw unprocessable("AUTHORIZATION_VOIDED", "A voided authorization cannot be captured.");
    }
    if (authorization.status === "CAPTURED") {
      throw unprocessable("AUTHORIZATION_ALREADY_CAPTURED", "Authorization has been previously captured.");
    }
    const o = orderOfAuthorization(authorization);
    const unit = o.purchase_units[0]!;
    const captured = (unit.payments?.captures ?? []).reduce((sum, c) => sum + toMinor(c.amount), 0);
    const remaining = toMinor(authorization.amount) - captured;
    const money = isMoney(body.amount) ? body.amount : toMoney(remaining, authorization.amount.currency_code);
    if (money.currency_code !== authorization.amount.currency_code) {
      throw unprocessable(
        "CURRENCY_MISMATCH",
        "Currency of capture must be the same as currency of authorization.",
      );
    }
    const amount = toMinor(money);
    if (amount > remaining) {
      throw unprocessable(
        "MAX_CAPTURE_AMOUNT_EXCEEDED",
        "Capture amount exceeds allowable limit. Please contact customer service or your account manager to request the change to your overage limit.",
      );
    }
    const finalCapture = body.final_capture === true;
    const now = timestamp();
    const capture: FakeCapture = {
      id: paypalId(),
      status: "COMPLETED",
      amount: money,
      final_capture: finalCapture,
      invoice_id: authorization.invoice_id,
      custom_id: authorization.custom_id,
      seller_protection: { status: "ELIGIBLE" },
      supplementary_data: { related_ids: { order_id: o.id, authorization_id: authorization.id } },
      create_time: now,
      update_time: now,
      links: [],
    };
    capture.links = captureLinks(capture, `${base}/v2/payments/authorizations/${authorization.id}`);
    state.captures.set(capture.id, capture);
    unit.payments = { ...unit.payments, captures: [...(unit.payments?.captures ?? []), capture] };
    authorization.status = finalCapture || amount === remaining ? "CAPTURED" : "PARTIALLY_CAPTURED";
    authorization.update_time = now;
    return prefer.includes("return=representation")
      ? [201, structuredClone(capture)]
      : [201, { id: capture.id, status: capture.status, links: capture.links }];
  }

  function voidAuthorization(authorization: FakeAuthorization, prefer: string): [number, unknown] {
    if (authorization.status === "VOIDED") {
      throw unprocessable(
        "PREVIOUSLY_VOIDED",
        "Authorization has been previously voided and hence cannot be voided again.",
      );
    }
    if (authorization.status === "CAPTURED") {
      throw unprocessable(
        "PREVIOUSLY_CAPTURED",
        "Authorization has been previously captured and hence cannot be voided.",
      );
    }
    authorization.status = "VOIDED";
    authorization.update_time = timestamp();
    return prefer.includes("return=representation") ? [200, structuredClone(authorization)] : [204, null];
  }

  function refundCapture(capture: FakeCapture, body: Json): [number, unknown] {
    if (capture.status === "REFUNDED")
      throw unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.");
    if (capture.status !== "COMPLETED" && capture.status !== "PARTIALLY_REFUNDED") {
      throw unprocessable("INVALID_RESOURCE_ID", "Capture cannot be refunded.");
    }
    const o = order(capture.supplementary_data.related_ids.order_id);
    const unit = o.purchase_units[0]!;
    const refunds = (unit.payments?.refunds ?? []).filter((r) =>
      r.links.some((l) => l.href.endsWith(`/captures/${capture.id}`)),
    );
    const refunded = refunds.reduce((sum, r) => sum + toMinor(r.amount), 0);
    const remaining = toMinor(capture.amount) - refunded;
    const money = isMoney(body.amount) ? body.amount : toMoney(remaining, capture.amount.currency_code);
    const amount = toMinor(money);
    if (amount > remaining) {
      throw unprocessable(
        "REFUND_AMOUNT_EXCEEDED",
        "The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
      );
    }
    const now = timestamp();
    const refundId = paypalId();
    const refund: FakeRefund = {
      id: refundId,
      status: "COMPLETED",
      amount: money,
      note_to_payer: typeof body.note_to_payer === "string" ? body.note_to_payer : undefined,
      create_time: now,
      update_time: now,
      links: [
        { href: `${base}/v2/payments/refunds/${refundId}`, rel: "self", method: "GET" },
        { href: `${base}/v2/payments/captures/${capture.id}`, rel: "up", method: "GET" },
      ],
    };
    state.refunds.set(refund.id, refund);
    unit.payments = { ...unit.payments, refunds: [...(unit.payments?.refunds ?? []), refund] };
    capture.status = amount === remaining ? "REFUNDED" : "PARTIALLY_REFUNDED";
    capture.update_time = now;
    return [201, structuredClone(refund)];
  }

  function route(method: string, path: string, body: Json, prefer: string): [number, unknown] {
    if (method === "POST" && path === "/v2/checkout/orders") return createOrder(body);
    const get = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path);
    if (method === "GET" && get) return [200, render(order(get[1]!))];
    const orderAction = /^\/v2\/checkout\/orders\/([^/]+)\/(capture|authorize)$/.exec(path);
    if (method === "POST" && orderAction) {
      const o = order(orderAction[1]!);
      return orderAction[2] === "capture" ? captureOrder(o) : authorizeOrder(o);
    }
    const authAction = /^\/v2\/payments\/authorizations\/([^/]+)\/(capture|void)$/.exec(path);
    if (method === "POST" && authAction) {
      const authorization = state.authorizations.get(authAction[1]!);
      if (!authorization) throw notFound(authAction[1]!);
      return authAction[2] === "capture"
        ? captureAuthorization(authorization, body, prefer)
        : voidAuthorization(authorization, prefer);
    }
    const captureRoute = /^\/v2\/payments\/captures\/([^/]+)(\/refund)?$/.exec(path);
    if (captureRoute) {
      const capture = state.captures.get(captureRoute[1]!);
      if (!capture) throw notFound(captureRoute[1]!);
      if (method === "GET" && !captureRoute[2]) return [200, structuredClone(capture)];
      if (method === "POST" && captureRoute[2]) return refundCapture(capture, body);
    }
    throw apiError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", `No route ${method} ${path}`);
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    if (body === null) {
      res.writeHead(status, { "paypal-debug-id": randomBytes(6).toString("hex") });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "paypal-debug-id": randomBytes(6).toString("hex"),
    });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const requestId =
      typeof req.headers["paypal-request-id"] === "string" ? req.headers["paypal-request-id"] : null;

    if (method === "GET" && url.pathname === "/certs/test.pem") {
      state.certificateFetches++;
      res.writeHead(200, { "content-type": "application/x-pem-file" });
      res.end(publicPem);
      return;
    }
    if (method === "POST" && url.pathname === "/v1/oauth2/token") {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
      const form = new URLSearchParams(raw);
      if (req.headers.authorization !== expected) {
        return send(res, 401, { error: "invalid_client", error_description: "Client Authentication failed" });
      }
      if (form.get("grant_type") !== "client_credentials") {
        return send(res, 400, { error: "unsupported_grant_type", error_description: "Grant Type is NULL" });
      }
      const token = `A21AA${randomBytes(24).toString("hex")}`;
      tokens.add(token);
      state.tokensIssued++;
      return send(res, 200, {
        scope: "https://uri.paypal.com/services/payments/payment",
        access_token: token,
        token_type: "Bearer",
        app_id: "APP-80W284485P519543T",
        expires_in: 32400,
        nonce: `${timestamp()}${randomBytes(8).toString("hex")}`,
      });
    }

    let body: Json = {};
    if (raw) {
      try {
        body = asJson(JSON.parse(raw));
      } catch {
        return send(res, 400, {
          name: "INVALID_REQUEST",
          message: "Request is not well-formed, syntactically incorrect, or violates schema.",
          details: [{ issue: "MALFORMED_REQUEST_JSON", description: "The request JSON is not well formed." }],
        });
      }
    }
    state.requests.push({ method, path: url.pathname, requestId, body });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer || !tokens.has(bearer)) {
      return send(res, 401, {
        name: "AUTHENTICATION_FAILURE",
        message:
          "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
        links: [{ href: "https://developer.paypal.com/docs/api/overview/#error", rel: "information_link" }],
      });
    }
    const idempotencyKey = requestId && method === "POST" ? `${url.pathname}|${requestId}` : null;
    const stored = idempotencyKey ? idempotency.get(idempotencyKey) : undefined;
    if (stored) {
      state.replays++;
      return send(res, stored.status === 201 ? 200 : stored.status, stored.body);
    }
    let status: number;
    let response: unknown;
    try {
      [status, response] = route(method, url.pathname, body, String(req.headers.prefer ?? ""));
    } catch (err) {
      if (!(err instanceof PayPalHttpError)) throw err;
      status = err.status;
      response = err.body;
    }
    if (idempotencyKey && status < 500) idempotency.set(idempotencyKey, { status, body: response });
    send(res, status, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, 500, {
        name: "INTERNAL_SERVER_ERROR",
        message: err instanceof Error ? err.message : String(err),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    state,
    clientId,
    clientSecret,
    certUrl: `${base}/certs/test.pem`,
    privateKey,
    approveOrder(orderId) {
      const o = order(orderId);
      if (o.status !== "CREATED" && o.status !== "PAYER_ACTION_REQUIRED") {
        throw new Error(`Order ${orderId} is ${o.status}, cannot be approved`);
      }
      o.status = "APPROVED";
      o.payment_source = {
        paypal: {
          email_address: "buyer@example.com",
          account_id: "QYR5Z8XDVJNXQ",
          name: { given_name: "John" },
        },
      };
      o.update_time = timestamp();
    },
    declineNextCapture(issue = "INSTRUMENT_DECLINED") {
      declineNext = issue;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Builds a PayPal webhook event envelope around `resource`
 * (https://developer.paypal.com/api/rest/webhooks/event-names/).
 */
export function paypalEvent(
  eventType: string,
  resource: object,
  options: { id?: string; createTime?: string; resourceType?: string } = {},
): Record<string, unknown> {
  return {
    id: options.id ?? `WH-${paypalId()}-${paypalId()}`,
    event_version: "1.0",
    create_time: options.createTime ?? new Date().toISOString(),
    resource_type: options.resourceType ?? "capture",
    resource_version: "2.0",
    event_type: eventType,
    summary: eventType,
    resource,
    links: [],
  };
}

/**
 * Signs a webhook delivery exactly like PayPal: the signed message is
 * `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the body as unsigned decimal>`,
 * SHA256withRSA with `privateKey`, base64; headers `paypal-transmission-id`, `paypal-transmission-time`,
 * `paypal-transmission-sig`, `paypal-cert-url`, `paypal-auth-algo`.
 * https://developer.paypal.com/api/rest/webhooks/rest/#link-verifysignature
 */
export function paypalWebhook(args: {
  webhookId: string;
  event: object;
  certUrl: string;
  privateKey: KeyObject;
  transmissionTime?: string;
  transmissionId?: string;
}): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(args.event);
  const transmissionId = args.transmissionId ?? randomUUID();
  const transmissionTime = args.transmissionTime ?? new Date().toISOString();
  const message = `${transmissionId}|${transmissionTime}|${args.webhookId}|${crc32(Buffer.from(body)) >>> 0}`;
  const signature = createSign("RSA-SHA256").update(message).sign(args.privateKey, "base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "paypal-transmission-id": transmissionId,
      "paypal-transmission-time": transmissionTime,
      "paypal-transmission-sig": signature,
      "paypal-cert-url": args.certUrl,
      "paypal-auth-algo": "SHA256withRSA",
    },
  };
}
