import type { ProductSummary } from "@bazaar/sdk";
import { cn, Icon, ProductCard, ResponsiveImage } from "@bazaar/ui";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import type { HomeSection } from "../../content";
import { AppLink, categoryHref, productHref } from "../AppLink";
import { WishlistButton } from "../WishlistButton";
import { ContentLink } from "./ContentLink";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

type Hero = HomeSection & { type: "hero" };
type Tiles = HomeSection & { type: "featured_categories" };
type Carousel = HomeSection & { type: "product_carousel" };

/**
 * The home page's sections, top to bottom, as staff published them. The first hero banner's heading
 * is the page's h1 (otherwise the h1 names the store, for screen readers only); other headings are h2.
 */
export function HomeSections({ sections, storeName }: { sections: HomeSection[]; storeName: string }) {
  const heroFirst = sections[0]?.type === "hero";
  let heroes = 0;
  return (
    <>
      {!heroFirst && <h1 className="sr-only">{storeName}</h1>}
      {sections.map((section, index) => {
        const key = `${section.type}-${index}`;
        switch (section.type) {
          case "hero":
            heroes++;
            return <HeroBanner key={key} hero={section} main={index === 0} priority={heroes === 1} />;
          case "featured_categories":
            return (
              <Container key={key}>
                <CategoryTiles section={section} />
              </Container>
            );
          case "product_carousel":
            return (
              <Container key={key}>
                <ProductCarousel section={section} priority={index < 2} />
              </Container>
            );
          default:
            return (
              <Container key={key}>
                <div
                  className="rich-text mx-auto mt-14 max-w-3xl"
                  // Safe HTML: the server keeps only an allow-list of tags and attributes.
                  dangerouslySetInnerHTML={{ __html: section.body }}
                />
              </Container>
            );
        }
      })}
    </>
  );
}

function Container({ children }: { children: React.ReactNode }) {
  return <div className="mx-auto max-w-7xl px-4 sm:px-6 lg:px-8">{children}</div>;
}

/** A banner: heading, a sentence, a button to its link, and its image beside (below on phones). */
function HeroBanner({ hero, main, priority }: { hero: Hero; main: boolean; priority: boolean }) {
  const id = useId();
  const Heading = main ? "h1" : "h2";
  return (
    <section
      aria-labelledby={id}
      data-testid="hero-banner"
      className={cn("relative overflow-hidden bg-neutral-900 text-white", !main && "mt-14")}
    >
      <div
        aria-hidden="true"
        className="absolute inset-0 bg-[radial-gradient(ellipse_at_top_right,var(--color-accent-700),transparent_60%)] opacity-70"
      />
      <div className="relative mx-auto grid max-w-7xl items-center gap-8 px-4 py-12 sm:px-6 sm:py-16 lg:grid-cols-2 lg:gap-10 lg:px-8 lg:py-20">
        <div>
          <Heading
            id={id}
            className={cn(
              "font-bold tracking-tight text-balance",
              main ? "text-4xl sm:text-5xl lg:text-6xl" : "text-3xl sm:text-4xl",
            )}
          >
            {hero.heading}
          </Heading>
          {hero.text && <p className="mt-5 max-w-xl text-lg text-neutral-200">{hero.text}</p>}
          {hero.linkUrl && (
            <ContentLink
              url={hero.linkUrl}
              className="mt-8 inline-flex h-12 items-center gap-2 rounded-lg bg-white px-6 text-base font-semibold text-neutral-900 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
            >
              {hero.linkLabel || "Shop now"}
              <Icon d="M3 8h10M9 4l4 4-4 4" />
            </ContentLink>
          )}
        </div>
        {hero.image && (
          <div className="overflow-hidden rounded-2xl shadow-2xl ring-1 ring-white/10">
            <ResponsiveImage
              image={hero.image}
              fallbackAlt=""
              sizes="(min-width: 1280px) 600px, (min-width: 1024px) 50vw, 100vw"
              priority={priority}
              className="aspect-[1080/560] w-full object-cover"
            />
          </div>
        )}
      </div>
    </section>
  );
}

function CategoryTiles({ section }: { section: Tiles }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="mt-14">
      <h2 id={id} className="text-2xl font-semibold tracking-tight text-neutral-900">
        {section.heading || "Shop by category"}
      </h2>
      <ul className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4">
        {section.categories.map((category) => (
          <li key={category.id}>
            <Link
              to={categoryHref(category.slug)}
              className={cn(
                "group flex h-full flex-col overflow-hidden rounded-xl border border-neutral-200 bg-white hover:border-accent-300 hover:shadow-md",
                focusRing,
              )}
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
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A row of products that scrolls sideways (swipe, or the previous / next buttons when it overflows),
 * with a link to the whole category for a category's row.
 */
function ProductCarousel({ section, priority }: { section: Carousel; priority: boolean }) {
  const id = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const [edges, setEdges] = useState({ start: true, end: true });

  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const update = () =>
      setEdges({
        start: list.scrollLeft <= 1,
        end: list.scrollLeft + list.clientWidth >= list.scrollWidth - 1,
      });
    update();
    list.addEventListener("scroll", update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(list);
    return () => {
      list.removeEventListener("scroll", update);
      observer.disconnect();
    };
  }, []);

  const scroll = (direction: 1 | -1) => {
    const list = listRef.current;
    if (list) list.scrollBy({ left: direction * list.clientWidth * 0.9, behavior: "smooth" });
  };
  const overflowing = !(edges.start && edges.end);
  const arrow = cn(
    "inline-flex size-9 items-center justify-center rounded-full border border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-100 disabled:cursor-not-allowed disabled:opacity-40",
    focusRing,
  );
  const heading = section.heading || "Products";

  return (
    <section aria-labelledby={id} className="mt-16" data-testid="product-carousel">
      <div className="flex items-end justify-between gap-4">
        <h2 id={id} className="text-2xl font-semibold tracking-tight text-neutral-900">
          {heading}
        </h2>
        <div className="flex items-center gap-2">
          {section.linkUrl && (
            <ContentLink
              url={section.linkUrl}
              className="mr-2 rounded-sm text-sm font-medium text-accent-700 hover:underline"
            >
              View all<span className="sr-only"> {heading}</span>
            </ContentLink>
          )}
          {overflowing && (
            <>
              <button
                type="button"
                className={arrow}
                aria-label={`Previous ${heading}`}
                aria-controls={`${id}-list`}
                disabled={edges.start}
                onClick={() => scroll(-1)}
              >
                <Icon d="M10 4L6 8l4 4" />
              </button>
              <button
                type="button"
                className={arrow}
                aria-label={`Next ${heading}`}
                aria-controls={`${id}-list`}
                disabled={edges.end}
                onClick={() => scroll(1)}
              >
                <Icon d="M6 4l4 4-4 4" />
              </button>
            </>
          )}
        </div>
      </div>
      <ul
        id={`${id}-list`}
        ref={listRef}
        aria-labelledby={id}
        className="mt-6 flex snap-x snap-mandatory gap-3 overflow-x-auto scroll-smooth pb-3 sm:gap-5"
      >
        {section.products.map((product: ProductSummary, index) => (
          <li
            key={product.id}
            className="relative flex w-[calc((100%-0.75rem)/2)] shrink-0 snap-start sm:w-[calc((100%-2.5rem)/3)] lg:w-[calc((100%-3.75rem)/4)]"
          >
            <ProductCard
              product={product}
              href={productHref(product.slug)}
              linkComponent={AppLink}
              headingLevel={3}
              priority={priority && index < 4}
              className="w-full"
              imageSizes="(min-width: 1280px) 300px, (min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw"
            />
            <WishlistButton
              productId={product.id}
              productName={product.name}
              className="absolute top-2 right-2 z-10"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
