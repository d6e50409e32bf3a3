import { Breadcrumbs, Button, Spinner } from "@bazaar/ui";
import { useInfiniteQuery, useSuspenseQuery } from "@tanstack/react-query";
import { type LoaderFunctionArgs, useParams } from "react-router";
import { AppLink } from "../components/AppLink";
import { PageHead } from "../components/PageHead";
import { ProductGrid } from "../components/ProductGrid";
import { queryClient } from "../queries";
import { useStoreName } from "../shop";
import { type VendorProfile, vendorProductsQuery, vendorQuery } from "../vendors";

export async function loader({ params }: LoaderFunctionArgs) {
  // The vendor must exist and sell (its 404 becomes the 404 page); then its first page of products.
  const vendor = await queryClient.ensureQueryData(vendorQuery(params.slug ?? ""));
  await queryClient.prefetchInfiniteQuery(vendorProductsQuery(vendor.id));
  return null;
}

export function Component() {
  const { slug = "" } = useParams();
  const { data: vendor } = useSuspenseQuery(vendorQuery(slug));
  return <VendorShop key={vendor.id} vendor={vendor} />;
}

/** A marketplace vendor's shop: its name and description, and the products it sells here. */
function VendorShop({ vendor }: { vendor: VendorProfile }) {
  const storeName = useStoreName();
  const products = useInfiniteQuery(vendorProductsQuery(vendor.id));
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];
  const total = products.data?.pages[0]?.total ?? 0;
  const summary = vendor.description.replace(/\s+/g, " ").trim();

  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
      <PageHead
        title={vendor.name}
        description={summary.slice(0, 160) || `Shop ${vendor.name}'s products at ${storeName}.`}
      />
      <Breadcrumbs linkComponent={AppLink} items={[{ label: "Home", href: "/" }, { label: vendor.name }]} />
      <h1 className="mt-4 text-3xl font-bold tracking-tight text-neutral-900 sm:text-4xl">{vendor.name}</h1>
      <p className="mt-1 text-sm text-neutral-600">An independent seller on {storeName}</p>
      {vendor.description && (
        <p className="mt-4 max-w-3xl whitespace-pre-line text-neutral-700" data-testid="vendor-description">
          {vendor.description}
        </p>
      )}

      <section aria-labelledby="vendor-products" className="mt-8 border-t border-neutral-200 pt-6">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="vendor-products" className="text-xl font-semibold tracking-tight text-neutral-900">
            Products
          </h2>
          <p className="text-sm text-neutral-700" aria-live="polite" data-testid="product-count">
            {products.isPending ? "Loading products…" : `${total} ${total === 1 ? "product" : "products"}`}
          </p>
        </div>
        <div className="mt-6" aria-busy={products.isFetching && !products.isFetchingNextPage}>
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
              <p className="font-medium text-neutral-900">{vendor.name} has no products for sale yet.</p>
            </div>
          ) : (
            <>
              <ProductGrid products={items} priorityCount={4} headingLevel={3} columns="wide" />
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
        </div>
      </section>
    </div>
  );
}
