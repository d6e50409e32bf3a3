import type { CategoryDetail } from "@bazaar/sdk";
import { Breadcrumbs, Button, cn, Icon, ResponsiveImage, Spinner } from "@bazaar/ui";
import { keepPreviousData, useInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import {
  Link,
  type LoaderFunctionArgs,
  type ShouldRevalidateFunctionArgs,
  useParams,
  useSearchParams,
} from "react-router";
import { AppLink, categoryHref } from "../components/AppLink";
import { FiltersPanel } from "../components/FiltersPanel";
import { PageHead, textFromHtml } from "../components/PageHead";
import { ProductGrid } from "../components/ProductGrid";
import { clearFilters, hasActiveFilters, parseFilters, SORTS, withParam } from "../filters";
import { categoryQuery, PAGE_SIZE, productPagesQuery, queryClient } from "../queries";
import { useStoreName } from "../shop";

function listQuery(slug: string, params: URLSearchParams) {
  const { options, ...rest } = parseFilters(params);
  return productPagesQuery({ ...rest, options, category: slug, limit: PAGE_SIZE });
}

export async function loader({ params, request }: LoaderFunctionArgs) {
  const slug = params.slug ?? "";
  const search = new URL(request.url).searchParams;
  // The category must exist (its 404 becomes the 404 page); products load alongside.
  await Promise.all([
    queryClient.ensureQueryData(categoryQuery(slug)),
    queryClient.prefetchInfiniteQuery(listQuery(slug, search)),
  ]);
  return null;
}

/** Filter and sort changes only change the search params; the product query follows them itself. */
export function shouldRevalidate({
  currentUrl,
  nextUrl,
  defaultShouldRevalidate,
}: ShouldRevalidateFunctionArgs) {
  return currentUrl.pathname !== nextUrl.pathname && defaultShouldRevalidate;
}

export function Component() {
  const { slug = "" } = useParams();
  const { data: category } = useSuspenseQuery(categoryQuery(slug));
  return <CategoryView key={category.id} category={category} />;
}

function CategoryView({ category }: { category: CategoryDetail }) {
  const storeName = useStoreName();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = parseFilters(searchParams);
  const products = useInfiniteQuery({
    ...listQuery(category.slug, searchParams),
    placeholderData: keepPreviousData,
  });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const filtersId = useId();
  const sortId = useId();

  const update = (next: URLSearchParams) =>
    setSearchParams(next, { preventScrollReset: true, flushSync: true });
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];
  const total = products.data?.pages[0]?.total ?? 0;
  const active = hasActiveFilters(filters);
  const activeCount =
    Object.values(filters.options).reduce((n, values) => n + values.length, 0) +
    (filters.priceMin !== undefined || filters.priceMax !== undefined ? 1 : 0) +
    (filters.inStock ? 1 : 0);

  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
      <PageHead
        title={category.metaTitle || category.name}
        description={
          category.metaDescription ||
          textFromHtml(category.description).slice(0, 160) ||
          `Shop ${category.name} at ${storeName}.`
        }
      />
      <Breadcrumbs
        linkComponent={AppLink}
        items={[
          { label: "Home", href: "/" },
          ...category.breadcrumbs
            .filter((crumb) => crumb.slug !== category.slug)
            .map((crumb) => ({ label: crumb.name, href: categoryHref(crumb.slug) })),
          { label: category.name },
        ]}
      />
      <h1 className="mt-4 text-3xl font-bold tracking-tight text-neutral-900 sm:text-4xl">{category.name}</h1>
      {category.image && (
        <div className="mt-4 overflow-hidden rounded-xl bg-neutral-100">
          <ResponsiveImage
            image={category.image}
            fallbackAlt={category.name}
            sizes="(min-width: 1280px) 1216px, 100vw"
            priority
            className="max-h-40 w-full object-cover sm:max-h-52"
          />
        </div>
      )}
      {category.description && (
        <div
          className="rich-text mt-3 max-w-3xl"
          dangerouslySetInnerHTML={{ __html: category.description }}
        />
      )}
      {category.children.length > 0 && (
        <nav aria-label="Subcategories" className="mt-5">
          <ul className="-mx-4 flex gap-2 overflow-x-auto px-4 pb-1 sm:mx-0 sm:flex-wrap sm:overflow-visible sm:px-0">
            {category.children.map((child) => (
              <li key={child.id}>
                <Link
                  to={categoryHref(child.slug)}
                  className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full border border-neutral-300 bg-white px-4 py-1.5 text-sm font-medium text-neutral-800 hover:border-accent-600 hover:text-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                >
                  {child.name}
                  {child.productCount > 0 && <span className="text-neutral-600">({child.productCount})</span>}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}

      <div className="mt-6 flex flex-wrap items-center justify-between gap-3 border-y border-neutral-200 py-3">
        <div className="flex items-center gap-3">
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
          <p className="text-sm text-neutral-700" aria-live="polite" data-testid="product-count">
            {products.isPending ? "Loading products…" : `${total} ${total === 1 ? "product" : "products"}`}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor={sortId} className="text-sm text-neutral-700">
            Sort by
          </label>
          <select
            id={sortId}
            value={filters.sort ?? "relevance"}
            onChange={(event) =>
              update(
                withParam(
                  searchParams,
                  "sort",
                  event.target.value === "relevance" ? undefined : event.target.value,
                ),
              )
            }
            className="h-9 rounded-lg border border-neutral-300 bg-white px-2 text-sm text-neutral-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            {SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      <div className="mt-6 lg:grid lg:grid-cols-[15rem_1fr] lg:gap-8">
        <aside
          id={filtersId}
          aria-label="Filters"
          className={cn("mb-6 lg:mb-0 lg:block", filtersOpen ? "block" : "hidden")}
        >
          <FiltersPanel
            facets={category.facets}
            filters={filters}
            searchParams={searchParams}
            onChange={update}
          />
        </aside>

        <section aria-label="Products" aria-busy={products.isFetching && !products.isFetchingNextPage}>
          {products.isPending ? (
            <div className="flex justify-center py-16">
              <Spinner label="Loading products…" />
            </div>
          ) : products.isError && items.length === 0 ? (
            <div className="rounded-xl border border-neutral-200 p-8 text-center">
              <p className="text-neutral-700">Products could not be loaded.</p>
              <Button variant="secondary" className="mt-4" onClick={() => products.refetch()}>
                Try again
              </Button>
            </div>
          ) : items.length === 0 ? (
            <div className="rounded-xl border border-dashed border-neutral-300 p-10 text-center">
              <p className="font-medium text-neutral-900">
                {active ? "No products match these filters." : "There are no products in this category yet."}
              </p>
              {active && (
                <Button
                  variant="secondary"
                  className="mt-4"
                  onClick={() => update(clearFilters(searchParams))}
                >
                  Clear filters
                </Button>
              )}
            </div>
          ) : (
            <>
              <ProductGrid
                products={items}
                priorityCount={4}
                headingLevel={2}
                className={cn(
                  "transition-opacity",
                  products.isPlaceholderData && products.isFetching && "opacity-60",
                )}
              />
              <div className="mt-10 flex flex-col items-center gap-3">
                <p className="text-sm text-neutral-600">
                  Showing {items.length} of {total}
                </p>
                {products.hasNextPage && (
                  <Button
                    variant="secondary"
                    size="lg"
                    onClick={() => products.fetchNextPage()}
                    disabled={products.isFetchingNextPage}
                  >
                    {products.isFetchingNextPage ? "Loading…" : "Load more"}
                  </Button>
                )}
                {products.isFetchNextPageError && (
                  <p role="alert" className="text-sm text-red-700">
                    More products could not be loaded. Please try again.
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
