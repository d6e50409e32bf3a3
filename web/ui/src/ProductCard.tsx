import type { ProductSummary } from "@bazaar/sdk";
import { cn } from "./cn";
import { DefaultLink, type LinkComponent } from "./link";
import { Price } from "./Price";
import { Rating } from "./Rating";
import { ResponsiveImage } from "./ResponsiveImage";
import { decodeEntities } from "./text";

export interface ProductCardProps {
  product: ProductSummary;
  href: string;
  linkComponent?: LinkComponent;
  /** `sizes` for the thumbnail. */
  imageSizes?: string;
  /** Heading level of the product name inside the card. */
  headingLevel?: 2 | 3 | 4;
  priority?: boolean;
  className?: string;
}

/**
 * A product tile: image, name (a link covering the whole card), price and stock hint.
 * Root has `data-testid="product-card"`, price `data-testid="card-price"`.
 */
export function ProductCard({
  product,
  href,
  linkComponent: Link = DefaultLink,
  imageSizes = "(min-width: 1280px) 300px, (min-width: 1024px) 25vw, (min-width: 640px) 33vw, 50vw",
  headingLevel = 3,
  priority,
  className,
}: ProductCardProps) {
  const Heading = `h${headingLevel}` as const;
  const onSale = product.compareAtPrice != null && product.compareAtPrice.amount > product.price.amount;
  return (
    <article
      data-testid="product-card"
      className={cn(
        "group relative flex flex-col overflow-hidden rounded-xl border border-neutral-200 bg-white transition-shadow hover:shadow-md has-[a:focus-visible]:outline-2 has-[a:focus-visible]:outline-offset-2 has-[a:focus-visible]:outline-accent-600",
        className,
      )}
    >
      <div className="relative aspect-[4/5] overflow-hidden bg-neutral-100">
        {product.thumbnail ? (
          <ResponsiveImage
            image={product.thumbnail}
            fallbackAlt={decodeEntities(product.name)}
            sizes={imageSizes}
            priority={priority}
            className="size-full object-contain mix-blend-multiply transition-transform duration-300 group-hover:scale-105"
          />
        ) : (
          <div className="flex size-full items-center justify-center text-sm text-neutral-600">No image</div>
        )}
        {onSale && (
          <span className="absolute top-2 left-2 rounded-full bg-red-700 px-2 py-0.5 text-xs font-semibold text-white">
            Sale
          </span>
        )}
      </div>
      <div className="flex flex-1 flex-col gap-1 p-3 sm:p-4">
        <Heading className="text-sm font-medium text-neutral-900 sm:text-base">
          <Link href={href} className="outline-none after:absolute after:inset-0 after:content-['']">
            {decodeEntities(product.name)}
          </Link>
        </Heading>
        {product.reviewCount > 0 && product.ratingAverage != null && (
          <Rating value={product.ratingAverage} count={product.reviewCount} />
        )}
        <div className="mt-auto flex flex-wrap items-baseline justify-between gap-x-2 pt-1">
          <Price
            price={product.price}
            maxPrice={product.maxPrice}
            compareAtPrice={product.compareAtPrice}
            size="sm"
            data-testid="card-price"
          />
          {!product.inStock && <span className="text-xs font-medium text-neutral-600">Out of stock</span>}
        </div>
      </div>
    </article>
  );
}
