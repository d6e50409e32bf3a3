import { errorMessage } from "@bazaar/sdk";
import { Button, cn, Icon, Spinner } from "@bazaar/ui";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type MouseEvent, useId, useRef, useState } from "react";
import {
  Link,
  type LoaderFunctionArgs,
  type ShouldRevalidateFunctionArgs,
  useSearchParams,
} from "react-router";
import { categoryHref } from "../components/AppLink";
import { PageHead } from "../components/PageHead";
import { ProductGrid } from "../components/ProductGrid";
import { ActiveFilters, SearchFacets } from "../components/search/SearchFacets";
import { menuCategories } from "../menu";
import { categoriesQuery, queryClient } from "../queries";
import {
  clearSearchFilters,
  FILTER_PARAMS,
  hasSearchFilters,
  parseSearchState,
  reportSearchClick,
  SEARCH_SORTS,
  searchHref,
  searchPagesQuery,
  withSearchParam,
} from "../search";

export async function loader({ request }: LoaderFunctionArgs) {
  // Errors show on the page itself (with "Try again"), so a failed prefetch is not thrown here.
  await queryClient.prefetchInfiniteQuery(
    searchPagesQuery(parseSearchState(new URL(request.url).searchParams)),
  );
  return null;
}

/** A new query, filters or sort only change the search params; the results query follows them itself. */
export function shouldRevalidate({
  currentUrl,
  nextUrl,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  return currentUrl.pathname !== nextUrl.pathname && defaultShouldRevalidate;
}

const linkClass =
  "rounded-sm font-medium text-accent-700 underline hover:text-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

export function Component() {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = parseSearchState(searchParams);
  const results = useInfiniteQuery({ ...searchPagesQuery(state), placeholderData: keepPreviousData });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const filtersId = useId();
  const sortId = useId();

  // The query the results on screen are for (while a new search loads, the previous results stay).
  const shownQuery = useRef(state.q);
  if (results.data && !results.isPlaceholderData) shownQuery.current = state.q;
  const q = shownQuery.current;

  const update = (next: URLSearchParams) =>
    setSearchParams(next, { preventScrollReset: true, flushSync: true });
  const first = results.data?.pages[0];
  const items = results.data?.pages.flatMap((page) => page.items) ?? [];
  const total = first?.total ?? 0;
  const facets = first?.facets ?? [];
  const filtered = hasSearchFilters(state);
  const activeCount =
    FILTER_PARAMS.reduce((n, param) => n + state.filters[param].length, 0) + (state.inStock ? 1 : 0);
  const showFacets = facets.length > 0 || filtered;
  const resultQuery = first?.correctedQuery ?? q;

  /** A click on a result's link reports which result (1-based) of this search the shopper opened. */
  const onResultClick = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as Element).closest("a[href]");
    const item = link?.closest("li");
    if (!link || !item?.parentElement || !first) return;
    const index = Array.prototype.indexOf.call(item.parentElement.children, item);
    const hit = items[index];
    if (hit) reportSearchClick(first.queryId, hit.id, index + 1);
  };

  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
      <PageHead title={q ? `Search: ${q}` : "Search"} noindex />
      <div aria-live="polite" aria-atomic="true">
        {q ? (
          <h1
            data-testid="search-total"
            className="text-2xl font-bold tracking-tight text-neutral-900 sm:text-3xl"
          >
            {results.isPending
              ? `Searching for “${q}”…`
              : results.isError && !first
                ? `Search for “${q}”`
                : `${total} ${total === 1 ? "result" : "results"} for “${resultQuery}”`}
          </h1>
        ) : (
          <>
            <h1 className="text-2xl font-bold tracking-tight text-neutral-900 sm:text-3xl">All products</h1>
            {first && (
              <p data-testid="search-total" className="mt-1 text-sm text-neutral-700">
                {total} {total === 1 ? "product" : "products"}
              </p>
            )}
          </>
        )}
      </div>
      {first?.correctedQuery && (
        <p data-testid="corrected-query" className="mt-2 text-neutral-700">
          Showing results for{" "}
          <strong className="font-semibold text-neutral-900">{first.correctedQuery}</strong>. No results were
          found for “{q}”.
        </p>
      )}
      {first?.partialMatch && (
        <p data-testid="partial-match" className="mt-2 text-neutral-700">
          No product matches every word of “{resultQuery}”. These match some of them, best matches first.
        </p>
      )}
      {first?.didYouMean && (
        <p className="mt-2 text-neutral-700">
          Did you mean{" "}
          <Link
            to={searchHref(first.didYouMean, state.sort)}
            data-testid="did-you-mean"
            className={linkClass}
          >
            {first.didYouMean}
          </Link>
          ?
        </p>
      )}

      <div
        hidden={!results.isPending && items.length === 0 && !filtered}
        className="mt-6 flex flex-wrap items-center justify-between gap-3 border-y border-neutral-200 py-3"
      >
        <div className="flex items-center gap-3">
          {showFacets && (
            <Button
              variant="secondary"
              size="sm"
              className="lg:hidden"
              aria-expanded={filtersOpen}
              aria-controls={filtersId}
              onClick={() => setFiltersOpen((open) => !open)}
            >
              <Icon d="M2 4h12M4 8h8M6 12h4" strokeWidth={1.5} />
              Filters
              {activeCount > 0 && (
                <span className="rounded-full bg-accent-700 px-1.5 text-xs text-white">
                  <span className="sr-only">(</span>
                  {activeCount}
                  <span className="sr-only"> active)</span>
                </span>
              )}
            </Button>
          )}
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor={sortId} className="text-sm text-neutral-700">
            Sort by
          </label>
          <select
            id={sortId}
            value={state.sort}
            onChange={(event) =>
              update(
                withSearchParam(
                  searchParams,
                  "sort",
                  event.target.value === "relevance" ? undefined : event.target.value,
                ),
              )
            }
            className="h-9 rounded-lg border border-neutral-300 bg-white px-2 text-sm text-neutral-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            {SEARCH_SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {filtered && (
        <div className="mt-4">
          <ActiveFilters facets={facets} state={state} searchParams={searchParams} onChange={update} />
        </div>
      )}

      <div className={cn("mt-6", showFacets && "lg:grid lg:grid-cols-[15rem_1fr] lg:gap-8")}>
        {showFacets && (
          <aside
            id={filtersId}
            aria-label="Filters"
            className={cn("mb-6 lg:mb-0 lg:block", filtersOpen ? "block" : "hidden")}
          >
            <SearchFacets facets={facets} state={state} searchParams={searchParams} onChange={update} />
          </aside>
        )}

        <section
          aria-label="Search results"
          data-testid="search-results"
          aria-busy={results.isFetching && !results.isFetchingNextPage}
        >
          {results.isPending ? (
            <div className="flex justify-center py-16">
              <Spinner label="Searching…" />
            </div>
          ) : results.isError && items.length === 0 ? (
            <div className="rounded-xl border border-neutral-200 p-8 text-center">
              <p className="text-neutral-700">The search could not be run.</p>
              <p className="mt-1 text-sm text-neutral-600">{errorMessage(results.error)}</p>
              <Button variant="secondary" className="mt-4" onClick={() => results.refetch()}>
                Try again
              </Button>
            </div>
          ) : items.length === 0 ? (
            <EmptyResults
              q={q}
              filtered={filtered}
              onClearFilters={() => update(clearSearchFilters(searchParams))}
            />
          ) : (
            <>
              {/* biome-ignore lint/a11y/noStaticElementInteractions: only observes clicks on the result links inside. */}
              {/* biome-ignore lint/a11y/useKeyWithClickEvents: links fire click on Enter too. */}
              <div onClick={onResultClick} onAuxClick={onResultClick}>
                <ProductGrid
                  products={items}
                  priorityCount={4}
                  headingLevel={2}
                  className={cn(
                    "transition-opacity",
                    results.isPlaceholderData && results.isFetching && "opacity-60",
                  )}
                />
              </div>
              <div className="mt-10 flex flex-col items-center gap-3">
                <p className="text-sm text-neutral-600">
                  Showing {items.length} of {total}
                </p>
                {results.hasNextPage && (
                  <Button
                    variant="secondary"
                    size="lg"
                    onClick={() => results.fetchNextPage()}
                    disabled={results.isFetchingNextPage}
                  >
                    {results.isFetchingNextPage ? "Loading…" : "Load more"}
                  </Button>
                )}
                {results.isFetchNextPageError && (
                  <p role="alert" className="text-sm text-red-700">
                    More results could not be loaded. Please try again.
                  </p>
                )}
              </div>
            </>
          )}
        </section>
      </div>
    </div>
  );
}

/** No results: what to try next, with the main categories to browse. */
function EmptyResults({
  q,
  filtered,
  onClearFilters,
}: {
  q: string;
  filtered: boolean;
  onClearFilters: () => void;
}) {
  const { data } = useQuery(categoriesQuery());
  const { primary } = menuCategories(data?.items ?? []);
  return (
    <div
      data-testid="search-empty"
      className="rounded-xl border border-dashed border-neutral-300 p-8 sm:p-10"
    >
      <h2 className="text-lg font-semibold text-neutral-900">
        {filtered ? "No products match these filters." : q ? "Try a different search" : "No products yet."}
      </h2>
      {filtered ? (
        <Button variant="secondary" className="mt-4" onClick={onClearFilters}>
          Clear filters
        </Button>
      ) : (
        <>
          <ul className="mt-3 list-disc space-y-1 pl-5 text-neutral-700">
            <li>Check the spelling.</li>
            <li>Use fewer words, or more general ones (“jacket” rather than “waterproof hiking jacket”).</li>
            <li>Browse the categories below.</li>
          </ul>
          {primary.length > 0 && (
            <nav aria-label="Browse categories" className="mt-5">
              <ul className="flex flex-wrap gap-2">
                {primary.map((category) => (
                  <li key={category.id}>
                    <Link
                      to={categoryHref(category.slug)}
                      className="inline-flex items-center rounded-full border border-neutral-300 bg-white px-4 py-1.5 text-sm font-medium text-neutral-800 hover:border-accent-600 hover:text-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                    >
                      {category.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
