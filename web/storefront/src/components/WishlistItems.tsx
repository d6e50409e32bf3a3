import type { WishlistPreviewItem } from "@bazaar/sdk";
import { decodeEntities, formatMoney, Price } from "@bazaar/ui";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { productHref } from "./AppLink";
import { LineThumbnail, optionsText } from "./cart/CartLineItem";

/** What a row shows: the server's view of a wished product, plus what the list recorded (if any). */
export type WishRowItem = WishlistPreviewItem & {
  key: string;
  addedAt?: string;
  priceWhenAdded?: { amount: number; currency: string };
  priceDropped?: boolean;
};

const dateText = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

/** A product of a wished item needs a choice of variant before it can go in the cart. */
export function needsVariantChoice(item: WishlistPreviewItem): boolean {
  return item.variantId === null && Object.keys(item.product?.optionValues ?? {}).length > 0;
}

/**
 * Wished items as a list: thumbnail, name (linked to the product), the chosen options, the current
 * price (and the price when added when it dropped), stock; `actions` renders each row's buttons.
 */
export function WishlistItems({
  items,
  actions,
  label,
}: {
  items: WishRowItem[];
  actions?: (item: WishRowItem) => ReactNode;
  label: string;
}) {
  return (
    <ul
      aria-label={label}
      className="divide-y divide-neutral-200 rounded-2xl border border-neutral-200 bg-white"
      data-testid="wishlist-items"
    >
      {items.map((item) => {
        const name = item.product ? decodeEntities(item.product.name) : "A product no longer sold";
        const thumb = item.product?.thumbnail;
        return (
          <li key={item.key} className="flex flex-wrap items-start gap-4 px-4 py-4 sm:flex-nowrap sm:px-5">
            <LineThumbnail url={thumb ? (thumb.srcset[0]?.url ?? thumb.url) : null} />
            <div className="min-w-0 flex-1">
              {item.product ? (
                <Link
                  to={productHref(item.product.slug)}
                  className="rounded-sm font-medium text-neutral-900 hover:text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                >
                  {name}
                </Link>
              ) : (
                <span className="font-medium text-neutral-600">{name}</span>
              )}
              {item.variant && (
                <p className="text-sm text-neutral-600">
                  {optionsText(item.variant.options) || item.variant.title} · SKU {item.variant.sku}
                </p>
              )}
              <div className="mt-1 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                {item.currentPrice && <Price price={item.currentPrice} size="sm" />}
                {item.priceDropped && item.priceWhenAdded && (
                  <span className="font-medium text-green-800">
                    Price dropped from {formatMoney(item.priceWhenAdded)}
                  </span>
                )}
                <span className={item.inStock ? "text-green-800" : "text-red-700"}>
                  {item.inStock ? "In stock" : "Out of stock"}
                </span>
              </div>
              {item.addedAt && (
                <p className="mt-1 text-xs text-neutral-600">Added {dateText(item.addedAt)}</p>
              )}
            </div>
            {actions && (
              <div className="flex w-full flex-wrap gap-2 sm:w-auto sm:flex-col">{actions(item)}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
