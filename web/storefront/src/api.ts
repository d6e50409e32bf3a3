import type {
  Category,
  CategoryDetail,
  OwnReview,
  OwnReviewState,
  Page,
  Problem,
  ProductDetail,
  ProductListQuery,
  ProductSummary,
  ReviewInput,
  ReviewPage,
  ReviewPhoto,
  ReviewSort,
} from "@bazaar/sdk/src/types";
import type { Cart, Order, OrderSummary, PaymentInput, PaymentMethod, PostalAddress } from "./commerce";

/** An API call answered with an error; `problem` is the server's problem+json body (or a synthesised one). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** Seconds to wait before trying again (Retry-After of a 429), when the server said. */
  readonly retryAfter?: number;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The resource does not exist (404, or a `*not_found` problem code). */
  get isNotFound(): boolean {
    return this.status === 404 || /not_found$/i.test(this.code);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isNotFoundError(error: unknown): boolean {
  return isApiError(error) && error.isNotFound;
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).status === "number" &&
    typeof (body as Problem).title === "string"
  );
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if any. */
function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * One call to the API: JSON in (when `body` is given) and JSON out. Answers `null` when the server
 * sends no JSON body (204, or a JSON `null`); errors become `ApiError`.
 */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders?: Record<string, string>,
): Promise<T | null> {
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
      type: "about:blank",
      title: "Network error",
      status: 0,
      detail: "The store could not be reached. Check your connection and try again.",
      code: "network_error",
    });
  }
  const type = response.headers.get("content-type") ?? "";
  const data: unknown = /json/i.test(type) ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const retryAfter = retryAfterSeconds(response);
    if (isProblem(data)) {
      throw new ApiError({ ...data, code: data.code ?? "" }, retryAfter);
    }
    throw new ApiError(
      {
        type: "about:blank",
        title: response.statusText || "Request failed",
        status: response.status,
        code: response.status === 404 ? "not_found" : response.status === 429 ? "RATE_LIMITED" : "http_error",
      },
      retryAfter,
    );
  }
  return data as T | null;
}

export async function request<T>(path: string, signal?: AbortSignal): Promise<T> {
  const body = await call<T>("GET", path, undefined, signal);
  if (body === null) {
    throw new ApiError({
      type: "about:blank",
      title: "Unexpected response",
      status: 200,
      detail: `Expected JSON from ${path}`,
      code: "bad_response",
    });
  }
  return body;
}

/** Query string of `GET /api/store/products` (option filters as `option.<code>=a,b`). */
export function productListParams(query: ProductListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.limit != null) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  if (query.category) params.set("category", query.category);
  if (query.priceMin != null) params.set("priceMin", String(query.priceMin));
  if (query.priceMax != null) params.set("priceMax", String(query.priceMax));
  if (query.inStock) params.set("inStock", "true");
  if (query.sort) params.set("sort", query.sort);
  for (const [code, values] of Object.entries(query.options ?? {})) {
    if (values.length > 0) params.set(`option.${code}`, values.join(","));
  }
  return params;
}

const seg = encodeURIComponent;

export const api = {
  categories: (signal?: AbortSignal) => request<{ items: Category[] }>("/api/store/categories", signal),
  category: (slug: string, signal?: AbortSignal) =>
    request<CategoryDetail>(`/api/store/categories/${seg(slug)}`, signal),
  products: (query: ProductListQuery, signal?: AbortSignal) =>
    request<Page<ProductSummary>>(`/api/store/products?${productListParams(query)}`, signal),
  product: (slug: string, signal?: AbortSignal) =>
    request<ProductDetail>(`/api/store/products/${seg(slug)}`, signal),
};

/** The signed-in shopper as better-auth's get-session answers it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  twoFactorEnabled?: boolean | null;
}

export interface SessionInfo {
  user: SessionUser;
  session: { id: string; token: string; expiresAt: string };
}

/** One signed-in device (GET /api/auth/list-sessions). */
export interface DeviceSession {
  id: string;
  token: string;
  userAgent?: string | null;
  ipAddress?: string | null;
  createdAt: string;
  expiresAt: string;
}

export type SignInResult =
  | { twoFactorRedirect: true; twoFactorMethods?: string[] }
  | { twoFactorRedirect?: undefined; user: SessionUser };

/** Where the emailed verification link lands after confirming the address. */
export const VERIFIED_CALLBACK = "/account?verified=1";

const post = <T = unknown>(path: string, body: unknown = {}) => call<T>("POST", path, body);

/** Sign-up, sign-in, passwords, two-factor and sessions (better-auth under /api/auth). */
export const authApi = {
  session: (signal?: AbortSignal) => call<SessionInfo>("GET", "/api/auth/get-session", undefined, signal),
  signUp: (body: { name: string; email: string; password: string }) =>
    post("/api/auth/sign-up/email", { ...body, callbackURL: VERIFIED_CALLBACK }),
  signIn: async (body: { email: string; password: string; rememberMe?: boolean }) =>
    (await post<SignInResult>("/api/auth/sign-in/email", body)) as SignInResult,
  verifyTotp: (body: { code: string; trustDevice?: boolean }) =>
    post("/api/auth/two-factor/verify-totp", body),
  verifyBackupCode: (body: { code: string; trustDevice?: boolean }) =>
    post("/api/auth/two-factor/verify-backup-code", body),
  signOut: () => post("/api/auth/sign-out"),
  providers: (signal?: AbortSignal) =>
    call<{ items: { id: string; name: string }[] }>("GET", "/api/store/auth-providers", undefined, signal),
  signInSocial: (provider: string, callbackURL: string) =>
    post<{ url: string; redirect: boolean }>("/api/auth/sign-in/social", { provider, callbackURL }),
  sendVerificationEmail: (email: string) =>
    post("/api/auth/send-verification-email", { email, callbackURL: VERIFIED_CALLBACK }),
  requestPasswordReset: (email: string) =>
    post("/api/auth/request-password-reset", {
      email,
      redirectTo: `${window.location.origin}/reset-password`,
    }),
  resetPassword: (body: { token: string; newPassword: string }) => post("/api/auth/reset-password", body),
  changePassword: (body: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean }) =>
    post("/api/auth/change-password", body),
  enableTwoFactor: async (password: string) =>
    (await post<{ totpURI: string; backupCodes: string[] }>("/api/auth/two-factor/enable", { password }))!,
  disableTwoFactor: (password: string) => post("/api/auth/two-factor/disable", { password }),
  listSessions: async (signal?: AbortSignal) =>
    (await call<DeviceSession[]>("GET", "/api/auth/list-sessions", undefined, signal)) ?? [],
  revokeOtherSessions: () => post("/api/auth/revoke-other-sessions"),
};

export interface AccountProfile {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  phone: string | null;
  marketingConsent: boolean;
  marketingConsentAt: string | null;
}

export interface Address {
  id: string;
  firstName: string;
  lastName: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
}

export type AddressInput = Omit<Address, "id">;

/** The signed-in shopper's profile and address book (/api/store/account). */
export const accountApi = {
  profile: (signal?: AbortSignal) => request<AccountProfile>("/api/store/account", signal),
  updateProfile: async (body: { name?: string; phone?: string | null; marketingConsent?: boolean }) =>
    (await call<AccountProfile>("PATCH", "/api/store/account", body))!,
  addresses: (signal?: AbortSignal) => request<{ items: Address[] }>("/api/store/account/addresses", signal),
  addAddress: async (body: AddressInput) =>
    (await call<Address>("POST", "/api/store/account/addresses", body))!,
  updateAddress: async (id: string, body: Partial<AddressInput>) =>
    (await call<Address>("PATCH", `/api/store/account/addresses/${seg(id)}`, body))!,
  deleteAddress: (id: string) => call("DELETE", `/api/store/account/addresses/${seg(id)}`),
};

/** A sentence for the shopper from an API error (the problem's detail, plus when to retry). */
export function errorMessage(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Please try again.";
  const detail = error.problem.detail || error.message || "The request was refused.";
  if (error.status === 429 && error.retryAfter != null && !/\d/.test(detail)) {
    const wait =
      error.retryAfter >= 120 ? `${Math.ceil(error.retryAfter / 60)} minutes` : `${error.retryAfter} seconds`;
    return `${detail} Try again in ${wait}.`;
  }
  return detail;
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

/**
 * Per-field messages of a validation problem for the fields under `prefix` ("shippingAddress"),
 * keyed by the rest of the path: `shippingAddress.postalCode` -> `postalCode` (a plain `postalCode`,
 * as the request schema names it, counts too). Without a prefix, the whole field path is the key.
 */
export function fieldErrorsAt(error: unknown, prefix?: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isApiError(error)) return result;
  for (const item of error.problem.errors ?? []) {
    const field = item.field.replace(/^\/?body[./]/, "").replaceAll("/", ".");
    // Shown as a sentence under the field: "A postal code is required ...".
    const message = item.message.charAt(0).toUpperCase() + item.message.slice(1);
    if (prefix === undefined) {
      result[field] ??= message;
    } else if (field.startsWith(`${prefix}.`)) {
      result[field.slice(prefix.length + 1)] ??= message;
    } else if (!field.includes(".")) {
      result[field] ??= message;
    }
  }
  return result;
}

/** An address as the cart endpoints take it (optional parts left out when empty). */
export type AddressBody = Omit<PostalAddress, "company" | "line2" | "region" | "postalCode" | "phone"> &
  Partial<Pick<PostalAddress, "company" | "line2" | "region" | "postalCode" | "phone">>;

const cartWrite = async (method: string, path: string, body?: unknown) =>
  (await call<Cart>(method, `/api/store/cart${path}`, body))!;

/**
 * The shopper's cart (/api/store/cart). The guest cart is kept by an httpOnly cookie the server
 * sets; every write answers the whole cart, re-priced by the server.
 */
export const cartApi = {
  get: (signal?: AbortSignal) => request<Cart>("/api/store/cart", signal),
  addLine: (variantId: string, quantity: number) => cartWrite("POST", "/lines", { variantId, quantity }),
  updateLine: (lineId: string, quantity: number) => cartWrite("PATCH", `/lines/${seg(lineId)}`, { quantity }),
  removeLine: (lineId: string) => cartWrite("DELETE", `/lines/${seg(lineId)}`),
  applyCoupon: (code: string) => cartWrite("POST", "/coupons", { code }),
  removeCoupon: (code: string) => cartWrite("DELETE", `/coupons/${seg(code)}`),
  setEmail: (email: string) => cartWrite("PUT", "/email", { email }),
  setShippingAddress: (address: AddressBody) => cartWrite("PUT", "/shipping-address", address),
  setBillingAddress: (address: AddressBody) => cartWrite("PUT", "/billing-address", address),
  setShippingMethod: (shippingMethodId: string) => cartWrite("PUT", "/shipping-method", { shippingMethodId }),
};

/** Payment methods, placing the order, and the shopper's orders. */
export const checkoutApi = {
  paymentMethods: (signal?: AbortSignal) => request<PaymentMethod[]>("/api/store/payment-methods", signal),
  /**
   * Places the order. `idempotencyKey` identifies this checkout attempt: send the same key again to
   * retry it (the server answers the order it already made), a new one for a new attempt.
   */
  placeOrder: async (payment: PaymentInput, idempotencyKey: string) =>
    (await call<Order>("POST", "/api/store/checkout", { payment }, undefined, {
      "Idempotency-Key": idempotencyKey,
    }))!,
  myOrders: (cursor: string | null, signal?: AbortSignal) =>
    request<{ items: OrderSummary[]; nextCursor: string | null }>(
      `/api/store/orders?limit=20${cursor ? `&cursor=${seg(cursor)}` : ""}`,
      signal,
    ),
  myOrder: (number: string, signal?: AbortSignal) =>
    request<Order>(`/api/store/orders/${seg(number)}`, signal),
  lookupOrder: async (number: string, email: string) =>
    (await call<Order>("POST", "/api/store/orders/lookup", { number, email }))!,
  /** After PayPal approval or a Stripe redirect: the server asks the provider and records the payment. */
  completePayment: async (number: string, email: string) =>
    (await call<Order>("POST", "/api/store/orders/lookup/payment", { number, email }))!,
};

/**
 * Product reviews (/api/store/products/:productId/reviews, /api/store/reviews, /api/store/review-photos):
 * approved reviews with the rating summary, the signed-in customer's own review, photos and votes.
 */
export const reviewsApi = {
  list: (productId: string, sort: ReviewSort, cursor: string | null, signal?: AbortSignal) =>
    request<ReviewPage>(
      `/api/store/products/${seg(productId)}/reviews?sort=${sort}&limit=10${cursor ? `&cursor=${seg(cursor)}` : ""}`,
      signal,
    ),
  mine: (productId: string, signal?: AbortSignal) =>
    request<OwnReviewState>(`/api/store/products/${seg(productId)}/reviews/mine`, signal),
  /** Writes or replaces the customer's review; it waits for moderation. */
  save: async (productId: string, body: ReviewInput) =>
    (await call<OwnReview>("PUT", `/api/store/products/${seg(productId)}/reviews/mine`, body))!,
  remove: (productId: string) => call("DELETE", `/api/store/products/${seg(productId)}/reviews/mine`),
  vote: async (reviewId: string, helpful: boolean) =>
    (await call<{ helpfulCount: number; votedHelpful: boolean }>(
      helpful ? "PUT" : "DELETE",
      `/api/store/reviews/${seg(reviewId)}/helpful`,
    ))!,
  /** Uploads a JPEG, PNG or WebP photo (at most 5 MB) as the request body; errors become `ApiError`. */
  uploadPhoto: async (file: File): Promise<ReviewPhoto> => {
    const response = await fetch("/api/store/review-photos", {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": file.type || "application/octet-stream" },
      body: file,
      credentials: "same-origin",
    }).catch(() => null);
    const data: unknown = response ? await response.json().catch(() => null) : null;
    if (response?.ok) return data as ReviewPhoto;
    throw new ApiError(
      isProblem(data)
        ? { ...data, code: data.code ?? "" }
        : {
            type: "about:blank",
            title: "Upload failed",
            status: response?.status ?? 0,
            detail: response ? "The photo could not be uploaded." : "The store could not be reached.",
            code: response?.status === 413 ? "FST_ERR_CTP_BODY_TOO_LARGE" : "upload_failed",
          },
    );
  },
};
