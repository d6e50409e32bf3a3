import type { ProductSummary } from "@bazaar/sdk";
import { cn, ProductCard } from "@bazaar/ui";
import { AppLink, productHref } from "./AppLink";
import { WishlistButton } from "./WishlistButton";

export interface ProductGridProps {
  products: ProductSummary[];
  /** Number of leading cards whose images load eagerly (above the fold). */
  priorityCount?: number;
  headingLevel?: 2 | 3 | 4;
  columns?: "default" | "wide";
  className?: string;
  label?: string;
}

export function ProductGrid({
  products,
  priorityCount = 0,
  headingLevel = 3,
  columns = "default",
  className,
  label,
}: ProductGridProps) {
  return (
    <ul
      aria-label={label}
      className={cn(
        "grid grid-cols-2 gap-3 sm:gap-5",
        columns === "wide" ? "sm:grid-cols-3 lg:grid-cols-4" : "sm:grid-cols-3 xl:grid-cols-4",
        className,
      )}
    >
      {products.map((product, index) => (
        <li key={product.id} className="relative flex">
          <ProductCard
            product={product}
            href={productHref(product.slug)}
            linkComponent={AppLink}
            headingLevel={headingLevel}
            priority={index < priorityCount}
            className="w-full"
            imageSizes={
              columns === "wide"
                ? "(min-width: 1280px) 300px, (min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw"
                : "(min-width: 1280px) 240px, (min-width: 640px) 30vw, 50vw"
            }
          />
          <WishlistButton
            productId={product.id}
            productName={product.name}
            className="absolute top-2 right-2 z-10"
          />
        </li>
      ))}
    </ul>
  );
}

/** A product row with a heading (related products, up-sells). */
export function ProductRow({ title, products }: { title: string; products: ProductSummary[] }) {
  if (products.length === 0) return null;
  const id = `row-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="mt-16">
      <h2 id={id} className="text-xl font-semibold tracking-tight text-neutral-900">
        {title}
      </h2>
      <ProductGrid products={products.slice(0, 8)} columns="wide" className="mt-5" />
    </section>
  );
}
