/** The admin API client: same-origin JSON calls with the session cookie; errors become `ApiError`. */

/** An application/problem+json body. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  errors?: { field: string; message: string }[];
}

/** An API call answered with an error; `problem` is the server's problem+json body (or a synthesised one). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title || "Request failed");
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && typeof (body as Problem).status === "number";
}

/** One call: JSON in (when `body` is given) and JSON out; `null` when there is no JSON body (204). */
async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders?: Record<string, string>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...extraHeaders,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({
      status: 0,
      code: "network_error",
      detail: "The server could not be reached. Check your connection and try again.",
    });
  }
  const type = response.headers.get("content-type") ?? "";
  const data: unknown = /json/i.test(type) ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (isProblem(data)) throw new ApiError({ ...data, code: data.code ?? "" });
    const message = (data as { message?: unknown } | null)?.message;
    throw new ApiError({
      status: response.status,
      code: (data as { code?: string } | null)?.code ?? "http_error",
      detail: typeof message === "string" ? message : response.statusText || "The request failed.",
    });
  }
  return data as T;
}

const get = <T>(path: string, signal?: AbortSignal) => call<T>("GET", path, undefined, signal);
const seg = encodeURIComponent;

export { type Permission, permissionList } from "@bazaar/sdk/src/permissions";

export interface Me {
  userId: string;
  email: string;
  roles: string[];
  permissions: string[];
}

export interface StaffMember {
  userId: string;
  name: string;
  email: string;
  twoFactorEnabled: boolean;
  roles: string[];
}

export interface Role {
  key: string;
  name: string;
  builtIn: boolean;
  permissions: string[];
}

export interface AuditEvent {
  id: string;
  action: string;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export interface MailMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  createdAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Vendor {
  id: string;
  name: string;
  slug: string;
  description: string;
  status: "active" | "suspended";
  createdAt: string;
}

/** Order statuses, in the order an order usually moves through them. */
export const orderStatuses = [
  "pending_payment",
  "on_hold",
  "processing",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refunded",
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Why money goes back (POST /orders/:id/refunds `reason`). */
export const refundReasons = ["requested_by_customer", "duplicate", "fraudulent", "other"] as const;
export type RefundReason = (typeof refundReasons)[number];

/**
 * Orders as the staff API answers them, derived in @bazaar/sdk from the server's TypeBox schemas.
 * Amounts are integer minor units of the order's `currency`.
 */
import type { AdminOrder, LowStockLevel, OrderSummary, PriceList, PriceListRow } from "@bazaar/sdk/src/types";

export type {
  AdminOrder,
  LowStockLevel,
  OrderLine,
  OrderSummary,
  PostalAddress,
  PriceList,
  PriceListRow,
} from "@bazaar/sdk/src/types";

export type OrderPayment = AdminOrder["payments"][number];
export type ReturnLine = AdminOrder["returns"][number]["lines"][number];

/** A return (RMA) as the returns endpoints answer it. */
export interface ReturnRecord {
  id: string;
  orderId: string;
  number: string;
  status: string;
  lines: ReturnLine[];
  customerNote: string;
  staffNote: string;
  restocked: boolean | null;
  refundAmount: number | null;
  createdAt: string;
}

/** An open chargeback (GET /api/admin/disputes). */
export interface Dispute {
  id: string;
  orderId: string;
  provider: string;
  reference: string;
  status: string;
  reason: string;
  amount: number;
  currency: string;
  evidenceDueBy: string | null;
}

export interface ShipmentInput {
  carrier: string;
  trackingNumber?: string;
  trackingUrl?: string;
  lines?: { lineId: string; quantity: number }[];
}

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type SignInResult = { twoFactorRedirect?: boolean } | null;

export const authApi = {
  signIn: (body: { email: string; password: string }) =>
    call<SignInResult>("POST", "/api/auth/sign-in/email", body),
  verifyTotp: (body: { code: string; trustDevice?: boolean }) =>
    call("POST", "/api/auth/two-factor/verify-totp", body),
  signOut: () => call("POST", "/api/auth/sign-out", {}),
  setupOwner: (body: { token: string; name: string; email: string; password: string }) =>
    call<{ userId: string }>("POST", "/api/setup/owner", body),
};

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  return search.toString();
}

export const adminApi = {
  me: (signal?: AbortSignal) => get<Me>("/api/admin/me", signal),
  staff: (signal?: AbortSignal) => get<{ items: StaffMember[] }>("/api/admin/staff", signal),
  invite: (body: { email: string; name: string; roles: string[] }) =>
    call<StaffMember>("POST", "/api/admin/staff/invitations", body),
  setRoles: (userId: string, roles: string[]) =>
    call<{ roles: string[] }>("PUT", `/api/admin/staff/${seg(userId)}/roles`, { roles }),
  roles: (signal?: AbortSignal) => get<{ items: Role[] }>("/api/admin/roles", signal),
  saveRole: (key: string, body: { name: string; permissions: string[] }) =>
    call<null>("PUT", `/api/admin/roles/${seg(key)}`, body),
  deleteRole: (key: string) => call<null>("DELETE", `/api/admin/roles/${seg(key)}`),
  audit: (params: { cursor?: string; action?: string; limit?: number }, signal?: AbortSignal) =>
    get<CursorPage<AuditEvent>>(`/api/admin/audit-events?${query({ limit: 50, ...params })}`, signal),
  mail: (params: { cursor?: string; limit?: number }, signal?: AbortSignal) =>
    get<CursorPage<MailMessage>>(`/api/admin/mail-messages?${query({ limit: 20, ...params })}`, signal),
  apiKeys: (signal?: AbortSignal) => get<{ items: ApiKey[] }>("/api/admin/api-keys", signal),
  createApiKey: (body: { name: string; permissions: string[] }) =>
    call<{ key: ApiKey; secret: string }>("POST", "/api/admin/api-keys", body),
  revokeApiKey: (id: string) => call<null>("DELETE", `/api/admin/api-keys/${seg(id)}`),
  vendors: (signal?: AbortSignal) => get<{ items: Vendor[] }>("/api/admin/vendors", signal),
  createVendor: (body: { name: string; slug: string }) => call<Vendor>("POST", "/api/admin/vendors", body),
  orders: (params: { cursor?: string; q?: string; status?: string; limit?: number }, signal?: AbortSignal) =>
    get<CursorPage<OrderSummary>>(`/api/admin/orders?${query({ limit: 50, ...params })}`, signal),
  order: (id: string, signal?: AbortSignal) => get<AdminOrder>(`/api/admin/orders/${seg(id)}`, signal),
  cancelOrder: (id: string, reason: string) =>
    call<AdminOrder>("POST", `/api/admin/orders/${seg(id)}/cancel`, { reason }),
  refundOrder: (
    id: string,
    body: { amount: number; reason: RefundReason; note?: string },
    idempotencyKey: string,
  ) =>
    call<AdminOrder>("POST", `/api/admin/orders/${seg(id)}/refunds`, body, undefined, {
      "Idempotency-Key": idempotencyKey,
    }),
  shipOrder: (id: string, body: ShipmentInput) =>
    call<AdminOrder>("POST", `/api/admin/orders/${seg(id)}/fulfillments`, body),
  markOrderPaid: (id: string) => call<AdminOrder>("POST", `/api/admin/orders/${seg(id)}/mark-paid`, {}),
  approveOrder: (id: string) => call<AdminOrder>("POST", `/api/admin/orders/${seg(id)}/approve`, {}),
  openReturns: (signal?: AbortSignal) => get<ReturnRecord[]>("/api/admin/returns", signal),
  decideReturn: (id: string, decision: "approve" | "reject", note?: string) =>
    call<ReturnRecord>("POST", `/api/admin/returns/${seg(id)}/${decision}`, note ? { note } : {}),
  receiveReturn: (id: string, body: { restock: boolean; refund: boolean }) =>
    call<ReturnRecord>("POST", `/api/admin/returns/${seg(id)}/receive`, body),
  openDisputes: (signal?: AbortSignal) => get<Dispute[]>("/api/admin/disputes", signal),
  priceLists: async (signal?: AbortSignal) =>
    (await get<{ items: PriceList[] }>("/api/admin/price-lists", signal)).items,
  savePriceList: (currency: string, body: { name: string; isActive: boolean }) =>
    call<PriceList>("PUT", `/api/admin/price-lists/${seg(currency)}`, body),
  priceListPrices: (
    currency: string,
    query: { search?: string; cursor?: string | null },
    signal?: AbortSignal,
  ) => {
    const params = new URLSearchParams({ limit: "50" });
    if (query.search) params.set("search", query.search);
    if (query.cursor) params.set("cursor", query.cursor);
    return get<{ currency: string; items: PriceListRow[]; nextCursor: string | null }>(
      `/api/admin/price-lists/${seg(currency)}/prices?${params}`,
      signal,
    );
  },
  setPriceListPrices: (currency: string, prices: { sku: string; amount: number | null }[]) =>
    call<{ set: number; removed: number }>("PUT", `/api/admin/price-lists/${seg(currency)}/prices`, {
      prices,
    }),
  lowStock: async (signal?: AbortSignal) =>
    (await get<{ items: LowStockLevel[] }>("/api/admin/inventory/low-stock", signal)).items,
};

/** A sentence for the user from an API error. */
export function errorMessage(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Please try again.";
  return error.problem.detail || error.message || "The request was refused.";
}

/** Per-field messages of a 400 validation problem, keyed by the last segment of the field path. */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isApiError(error)) return result;
  for (const item of error.problem.errors ?? []) {
    const key = item.field.split(/[./]/).filter(Boolean).pop() ?? item.field;
    result[key] ??= item.message;
  }
  return result;
}

/** A date and time for tables, in the browser's locale. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A date alone (no time), in the browser's locale. */
export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

/** A random key for an Idempotency-Key header (works outside secure contexts too). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `adm_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
