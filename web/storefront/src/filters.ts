import type { ProductListQuery, ProductSort } from "@bazaar/sdk";

/**
 * The category page keeps its filters in the URL with the API's own parameter names:
 * `sort`, `priceMin` / `priceMax` (minor units), `inStock=true`, `option.<code>=a,b`.
 */
export type ListFilters = Pick<ProductListQuery, "priceMin" | "priceMax" | "inStock" | "sort"> & {
  options: Record<string, string[]>;
};

export const SORTS: { value: ProductSort; label: string }[] = [
  { value: "relevance", label: "Recommended" },
  { value: "newest", label: "Newest" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "name", label: "Name: A to Z" },
];

const SORT_VALUES = new Set<string>(SORTS.map((s) => s.value));
const OPTION_PREFIX = "option.";

function parseAmount(raw: string | null): number | undefined {
  if (raw == null || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Splits a comma-separated list, dropping empties and duplicates. */
export function splitValues(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

export function parseFilters(params: URLSearchParams): ListFilters {
  const filters: ListFilters = { options: {} };
  const sort = params.get("sort");
  if (sort && SORT_VALUES.has(sort)) filters.sort = sort as ProductSort;
  const priceMin = parseAmount(params.get("priceMin"));
  if (priceMin !== undefined) filters.priceMin = priceMin;
  const priceMax = parseAmount(params.get("priceMax"));
  if (priceMax !== undefined) filters.priceMax = priceMax;
  if (params.get("inStock") === "true") filters.inStock = true;
  // Sorted so that the same filters always make the same query key.
  const codes = [...new Set([...params.keys()].filter((k) => k.startsWith(OPTION_PREFIX)))].sort();
  for (const key of codes) {
    const values = splitValues(params.getAll(key).join(",")).sort();
    if (values.length > 0) filters.options[key.slice(OPTION_PREFIX.length)] = values;
  }
  return filters;
}

export function hasActiveFilters(filters: ListFilters): boolean {
  return (
    filters.priceMin !== undefined ||
    filters.priceMax !== undefined ||
    filters.inStock === true ||
    Object.keys(filters.options).length > 0
  );
}

/** A copy of `params` with option `code`'s value toggled. */
export function toggleOption(
  params: URLSearchParams,
  code: string,
  value: string,
  on: boolean,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const key = `${OPTION_PREFIX}${code}`;
  const values = new Set(splitValues(next.getAll(key).join(",")));
  if (on) values.add(value);
  else values.delete(value);
  next.delete(key);
  if (values.size > 0) next.set(key, [...values].join(","));
  return next;
}

/** A copy of `params` with `key` set, or removed when `value` is undefined. */
export function withParam(params: URLSearchParams, key: string, value: string | undefined): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === undefined || value === "") next.delete(key);
  else next.set(key, value);
  return next;
}

/** A copy of `params` without any filter (sort is kept). */
export function clearFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams();
  const sort = params.get("sort");
  if (sort) next.set("sort", sort);
  return next;
}

const SIZE_ORDER = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"];

/** Rank of a value in apparel size order (letter sizes, then numeric sizes), or null. */
function sizeRank(value: string): number | null {
  const letter = SIZE_ORDER.indexOf(value.toUpperCase());
  if (letter >= 0) return letter;
  const n = Number(value);
  return Number.isFinite(n) ? 1000 + n : null;
}

/**
 * Facet values in a shopper-friendly order: sizes as XS < S < M … then 28 < 29 …,
 * everything else alphabetically. (The API does not define an order.)
 */
export function sortFacetValues<T extends { value: string }>(values: T[]): T[] {
  const ranks = values.map((v) => sizeRank(v.value));
  if (ranks.every((r) => r !== null)) {
    return values
      .map((v, i) => ({ v, r: ranks[i] as number }))
      .sort((a, b) => a.r - b.r)
      .map((x) => x.v);
  }
  return [...values].sort((a, b) => a.value.localeCompare(b.value));
}
