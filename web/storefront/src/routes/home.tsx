import type { Category } from "@bazaar/sdk";
import { Icon, ResponsiveImage, Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { categoryHref } from "../components/AppLink";
import { PageHead } from "../components/PageHead";
import { ProductGrid } from "../components/ProductGrid";
import { HomeRecommendations } from "../components/RecommendationRows";
import { menuCategories } from "../menu";
import { categoriesQuery, productListQuery, queryClient } from "../queries";

const featuredQuery = productListQuery({ sort: "newest", limit: 8 });

export async function loader() {
  // Prefetch without failing the page: sections show their own error states.
  await Promise.all([queryClient.prefetchQuery(categoriesQuery()), queryClient.prefetchQuery(featuredQuery)]);
  return null;
}

/** The category the hero links to: "What's New" when present, else the first one. */
function heroCategory(categories: Category[]): Category | undefined {
  return categories.find((c) => /what.?s.?new/i.test(c.name) || /new/i.test(c.slug)) ?? categories[0];
}

export function Component() {
  const categories = useQuery(categoriesQuery());
  const featured = useQuery(featuredQuery);
  const topLevel = menuCategories(categories.data?.items ?? []).primary;
  const hero = heroCategory(topLevel);

  return (
    <>
      <PageHead description="Shop activewear, gear and training videos." />
      <section className="relative overflow-hidden bg-neutral-900 text-white">
        <div
          aria-hidden="true"
          className="absolute inset-0 bg-[radial-gradient(ellipse_at_top_right,var(--color-accent-700),transparent_60%)] opacity-70"
        />
        <div className="relative mx-auto grid max-w-7xl items-center gap-10 px-4 py-16 sm:px-6 sm:py-20 lg:grid-cols-2 lg:px-8 lg:py-24">
          <div>
            <p className="text-sm font-semibold tracking-wider text-accent-200 uppercase">New season</p>
            <h1 className="mt-3 text-4xl font-bold tracking-tight text-balance sm:text-5xl lg:text-6xl">
              Gear up for every workout
            </h1>
            <p className="mt-5 max-w-xl text-lg text-neutral-200">
              Performance tops, yoga pants and training gear built to move with you, from the studio to the
              trail.
            </p>
            {hero && (
              <Link
                to={categoryHref(hero.slug)}
                className="mt-8 inline-flex h-12 items-center gap-2 rounded-lg bg-white px-6 text-base font-semibold text-neutral-900 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
              >
                Shop {hero.name}
                <Icon d="M3 8h10M9 4l4 4-4 4" />
              </Link>
            )}
          </div>
          {hero?.image && (
            <div className="hidden overflow-hidden rounded-2xl shadow-2xl ring-1 ring-white/10 lg:block">
              <ResponsiveImage
                image={hero.image}
                fallbackAlt=""
                sizes="(min-width: 1280px) 600px, 50vw"
                priority
                className="aspect-[1080/560] w-full object-cover"
              />
            </div>
          )}
        </div>
      </section>

      <div className="mx-auto max-w-7xl px-4 sm:px-6 lg:px-8">
        <section aria-labelledby="shop-by-category" className="mt-14">
          <h2 id="shop-by-category" className="text-2xl font-semibold tracking-tight text-neutral-900">
            Shop by category
          </h2>
          {categories.isPending ? (
            <Spinner className="mt-6" />
          ) : categories.isError ? (
            <p className="mt-6 text-neutral-600">Categories could not be loaded.</p>
          ) : (
            <ul className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4">
              {topLevel.map((category) => (
                <li key={category.id}>
                  <CategoryTile category={category} />
                </li>
              ))}
            </ul>
          )}
        </section>

        <section aria-labelledby="new-arrivals" className="mt-16">
          <div className="flex items-end justify-between gap-4">
            <h2 id="new-arrivals" className="text-2xl font-semibold tracking-tight text-neutral-900">
              New arrivals
            </h2>
            {hero && (
              <Link
                to={categoryHref(hero.slug)}
                className="rounded-sm text-sm font-medium text-accent-700 hover:underline"
              >
                View all
              </Link>
            )}
          </div>
          {featured.isPending ? (
            <Spinner className="mt-6" />
          ) : featured.isError ? (
            <p className="mt-6 text-neutral-600">Products could not be loaded.</p>
          ) : (
            <ProductGrid products={featured.data.items} columns="wide" priorityCount={4} className="mt-6" />
          )}
        </section>
        <HomeRecommendations />
      </div>
    </>
  );
}

function CategoryTile({ category }: { category: Category }) {
  return (
    <Link
      to={categoryHref(category.slug)}
      className="group flex h-full flex-col overflow-hidden rounded-xl border border-neutral-200 bg-white hover:border-accent-300 hover:shadow-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
    >
      <div className="aspect-[21/9] overflow-hidden bg-gradient-to-br from-accent-50 to-neutral-100">
        {category.image && (
          <ResponsiveImage
            image={category.image}
            fallbackAlt=""
            sizes="(min-width: 1280px) 400px, (min-width: 640px) 33vw, 50vw"
            className="size-full object-cover transition-transform duration-300 group-hover:scale-105"
          />
        )}
      </div>
      <div className="flex flex-1 flex-col gap-0.5 p-3 sm:flex-row sm:items-baseline sm:justify-between sm:gap-2 sm:p-4">
        <span className="font-semibold text-neutral-900 sm:text-lg">{category.name}</span>
        {category.productCount > 0 && (
          <span className="text-xs text-neutral-600 sm:text-sm">
            {category.productCount} {category.productCount === 1 ? "product" : "products"}
          </span>
        )}
      </div>
    </Link>
  );
}
