import { done, ok, type QueryOf, type SearchEvent, type SearchSort } from "@bazaar/sdk";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { client } from "./api";

/**
 * The search page keeps its state in the URL with the API's own parameter names: `q`, repeated
 * filters (`brand=Sony&brand=LG`, `option=color:Red`, `price=2500-5000`), `inStock=true`, `sort`.
 */
export const FILTER_PARAMS = ["category", "brand", "price", "option", "attr"] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

export interface SearchState {
  q: string;
  filters: Record<FilterParam, string[]>;
  inStock: boolean;
  sort: SearchSort;
}

export const SEARCH_PAGE_SIZE = 24;

export const SEARCH_SORTS: { value: SearchSort; label: string }[] = [
  { value: "relevance", label: "Relevance" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "newest", label: "Newest" },
  { value: "rating", label: "Top rated" },
];

const SORT_VALUES = new Set<string>(SEARCH_SORTS.map((s) => s.value));

/** The longest query the API accepts, in characters. */
export const MAX_QUERY_LENGTH = 256;

/** The search state of a URL's query string (filters deduplicated and sorted: same filters, same query key). */
export function parseSearchState(params: URLSearchParams): SearchState {
  const filters = {} as Record<FilterParam, string[]>;
  for (const param of FILTER_PARAMS) {
    filters[param] = [...new Set(params.getAll(param).filter((v) => v.trim() !== ""))].sort();
  }
  const sort = params.get("sort") ?? "";
  return {
    q: (params.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH),
    filters,
    inStock: params.get("inStock") === "true",
    sort: SORT_VALUES.has(sort) ? (sort as SearchSort) : "relevance",
  };
}

export function hasSearchFilters(state: SearchState): boolean {
  return state.inStock || FILTER_PARAMS.some((param) => state.filters[param].length > 0);
}

/** Query of `GET /api/store/search` for a state and page (filters repeat: `brand=A&brand=B`). */
export function searchApiQuery(
  state: SearchState,
  limit: number,
  cursor?: string | null,
): QueryOf<"/api/store/search"> {
  const query: QueryOf<"/api/store/search"> = { q: state.q, sort: state.sort, limit };
  for (const param of FILTER_PARAMS) if (state.filters[param].length > 0) query[param] = state.filters[param];
  if (state.inStock) query.inStock = true;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The search page's address for a query (and optionally a sort). */
export function searchHref(q: string, sort?: SearchSort): string {
  const params = new URLSearchParams({ q: q.trim() });
  if (sort && sort !== "relevance") params.set("sort", sort);
  return `/search?${params}`;
}

/** A copy of the page's params with filter `value` of `param` added or removed. */
export function toggleFilter(
  params: URLSearchParams,
  param: FilterParam,
  value: string,
  on: boolean,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const values = new Set(next.getAll(param));
  if (on) values.add(value);
  else values.delete(value);
  next.delete(param);
  for (const v of values) next.append(param, v);
  return next;
}

/** A copy of the page's params with `key` set, or removed when `value` is undefined. */
export function withSearchParam(
  params: URLSearchParams,
  key: string,
  value: string | undefined,
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === undefined || value === "") next.delete(key);
  else next.set(key, value);
  return next;
}

/** A copy of the page's params without any filter (the query and sort stay). */
export function clearSearchFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const param of FILTER_PARAMS) next.delete(param);
  next.delete("inStock");
  return next;
}

export const searchApi = {
  search: (state: SearchState, limit: number, cursor: string | null, signal?: AbortSignal) =>
    ok(client.GET("/api/store/search", { params: { query: searchApiQuery(state, limit, cursor) }, signal })),
  suggest: (q: string, signal?: AbortSignal) =>
    ok(client.GET("/api/store/search/suggest", { params: { query: { q } }, signal })),
  event: (body: SearchEvent) => done(client.POST("/api/store/search/events", { body })),
};

/**
 * Search results, cursor-paginated ("Load more"); facets, total and spelling help come with each page.
 * When the first page was spelling-corrected, later pages ask for the corrected query (the server only
 * corrects a first page, and its cursor does not carry the query).
 */
export const searchPagesQuery = (state: SearchState, limit = SEARCH_PAGE_SIZE) =>
  infiniteQueryOptions({
    queryKey: ["search", "pages", state, limit],
    queryFn: ({ pageParam, signal }) =>
      searchApi.search(
        pageParam?.q === undefined ? state : { ...state, q: pageParam.q },
        limit,
        pageParam?.cursor ?? null,
        signal,
      ),
    initialPageParam: null as { cursor: string; q?: string } | null,
    getNextPageParam: (last, pages) =>
      last.nextCursor
        ? { cursor: last.nextCursor, ...(pages[0]?.correctedQuery ? { q: pages[0].correctedQuery } : {}) }
        : null,
  });

/** Autocomplete for what has been typed so far (queries, categories, products). */
export const suggestQuery = (q: string) =>
  queryOptions({
    queryKey: ["search", "suggest", q.trim().toLowerCase()],
    queryFn: ({ signal }) => searchApi.suggest(q.trim().slice(0, MAX_QUERY_LENGTH), signal),
    staleTime: 5 * 60_000,
  });

// Search analytics: which result the shopper opened, and whether they then bought it.

const CLICKS_KEY = "bazaar.search.clicks";
const MAX_REMEMBERED = 50;

type RememberedClicks = Record<string, { queryId: string; at: number }>;

function readClicks(): RememberedClicks {
  try {
    const raw = sessionStorage.getItem(CLICKS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return parsed && typeof parsed === "object" ? (parsed as RememberedClicks) : {};
  } catch {
    return {};
  }
}

function writeClicks(clicks: RememberedClicks): void {
  try {
    const newest = Object.entries(clicks)
      .sort((a, b) => b[1].at - a[1].at)
      .slice(0, MAX_REMEMBERED);
    sessionStorage.setItem(CLICKS_KEY, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // Storage full or refused (private mode): analytics only, nothing to tell the shopper.
  }
}

/**
 * The shopper opened product `productId` at 1-based `position` of search `queryId`: reports the
 * click and remembers the search for this tab, so that adding the product to the cart later counts as
 * that search's conversion. Never throws (analytics must not get in the way).
 */
export function reportSearchClick(queryId: string, productId: string, position: number): void {
  const clicks = readClicks();
  clicks[productId] = { queryId, at: Date.now() };
  writeClicks(clicks);
  searchApi.event({ queryId, productId, type: "click", position }).catch(() => {});
}

/**
 * Call after product `productId` was added to the cart: when the shopper found it by a search in
 * this tab, reports that search's conversion (once). Never throws.
 */
export function reportSearchConversion(productId: string): void {
  const clicks = readClicks();
  const click = clicks[productId];
  if (!click) return;
  delete clicks[productId];
  writeClicks(clicks);
  searchApi.event({ queryId: click.queryId, productId, type: "conversion" }).catch(() => {});
}
