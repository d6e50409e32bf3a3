/**
 * The Bazaar API client: openapi-fetch typed by the generated `paths` (src/schema.ts) plus the
 * better-auth routes (src/auth.ts). Same-origin credentials, JSON in and out; every error — an
 * answer outside 2xx or a network failure — is thrown as one `ApiError` carrying the RFC 9457
 * problem+json body. An aborted call rejects with the abort's own error (react-query ignores it).
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { AuthPaths } from "./auth.ts";
import type { paths } from "./schema.ts";
import type { Problem } from "./types.ts";

/** Every route the client knows: the OpenAPI document's and better-auth's. */
export type BazaarPaths = paths & AuthPaths;
export type BazaarClient = Client<BazaarPaths, "application/json">;

export interface BazaarClientOptions {
  /** Origin (and prefix) of the API; "" (the default) calls the page's own origin. */
  baseUrl?: string;
  /** A fetch to use instead of the global one (tests, server-side rendering). */
  fetch?: (input: Request) => Promise<Response>;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /** What a network failure says to the user (default: "The server could not be reached. ..."). */
  networkErrorDetail?: string;
}

/** An API call answered with an error; `problem` is the server's problem+json body (or a synthesised one). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The problem's explanation for people ("" when the server gave none). */
  readonly detail: string;
  /** Per-field messages of a validation problem (400), else empty. */
  readonly errors: { field: string; message: string }[];
  readonly problem: Problem;
  /** Seconds to wait before trying again (Retry-After of a 429 or 503), when the server said. */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title || "Request failed");
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail ?? "";
    this.errors = problem.errors ?? [];
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

function isProblem(body: unknown): body is Partial<Problem> & { status: number } {
  return typeof body === "object" && body !== null && typeof (body as Problem).status === "number";
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

/** The `ApiError` of an answer outside 2xx: its problem+json body, or one made from the status. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const type = response.headers.get("content-type") ?? "";
  const data: unknown = /json/i.test(type) ? await response.json().catch(() => null) : null;
  const retryAfter = retryAfterSeconds(response);
  if (isProblem(data)) {
    return new ApiError(
      {
        ...data,
        type: data.type ?? "about:blank",
        title: data.title ?? (response.statusText || "Request failed"),
        status: data.status,
        detail: data.detail ?? "",
        code: data.code ?? "",
      },
      retryAfter,
    );
  }
  // Not problem+json (a proxy's error page, better-auth's `{ message, code }`).
  const body = (data ?? {}) as { message?: unknown; code?: unknown };
  const status = response.status;
  return new ApiError(
    {
      type: "about:blank",
      title: response.statusText || "Request failed",
      status,
      detail: typeof body.message === "string" ? body.message : "",
      code:
        typeof body.code === "string"
          ? body.code
          : status === 404
            ? "not_found"
            : status === 429
              ? "RATE_LIMITED"
              : "http_error",
    },
    retryAfter,
  );
}

/** The error of a call that never got an answer (offline, DNS, refused): status 0. */
export function networkError(
  detail = "The server could not be reached. Check your connection and try again.",
) {
  return new ApiError({
    type: "about:blank",
    title: "Network error",
    status: 0,
    detail,
    code: "network_error",
  });
}

/**
 * A typed client of the Bazaar API: `client.GET("/api/store/products/{slug}", { params: { path: { slug } } })`.
 * Calls resolve to `{ data, response }` (`data` undefined for 204) or throw `ApiError`; `ok()` unwraps `data`.
 */
export function createBazaarClient(options: BazaarClientOptions = {}): BazaarClient {
  const client = createClient<BazaarPaths, "application/json">({
    baseUrl: options.baseUrl ?? "",
    ...(options.fetch ? { fetch: options.fetch } : {}),
    credentials: "same-origin",
    headers: { Accept: "application/json", ...options.headers },
  });
  const errors: Middleware = {
    async onResponse({ response }) {
      if (!response.ok) throw await errorFromResponse(response);
      return undefined;
    },
    onError({ request, error }) {
      // An abort stays an abort; anything else thrown by fetch is the network.
      if (request.signal.aborted || (error instanceof Error && error.name === "AbortError")) return undefined;
      return networkError(options.networkErrorDetail);
    },
  };
  client.use(errors);
  return client;
}

/** The body of a successful call (`undefined` for 204). Errors were already thrown as `ApiError`. */
export async function ok<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}

/** The same call returning nothing (204 answers, or a body the caller does not need). */
export async function done(call: Promise<{ response: Response }>): Promise<void> {
  await call;
}

/** A random key for an Idempotency-Key header (works outside secure contexts too). */
export function newIdempotencyKey(prefix = "idem"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
