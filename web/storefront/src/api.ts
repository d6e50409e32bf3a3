import type {
  Category,
  CategoryDetail,
  Page,
  Problem,
  ProductDetail,
  ProductListQuery,
  ProductSummary,
} from "@bazaar/sdk/src/types";

/** An API call answered with an error; `problem` is the server's problem+json body (or a synthesised one). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
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

async function request<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, signal });
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
  const body: unknown = /json/i.test(type) ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    if (isProblem(body)) {
      throw new ApiError({ ...body, code: body.code ?? "" });
    }
    throw new ApiError({
      type: "about:blank",
      title: response.statusText || "Request failed",
      status: response.status,
      code: response.status === 404 ? "not_found" : "http_error",
    });
  }
  if (body === null) {
    throw new ApiError({
      type: "about:blank",
      title: "Unexpected response",
      status: response.status,
      detail: `Expected JSON from ${path}`,
      code: "bad_response",
    });
  }
  return body as T;
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
