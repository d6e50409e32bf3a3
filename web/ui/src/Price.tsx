import type { Money } from "@bazaar/sdk";
import { cn } from "./cn";
import { formatMoney } from "./money";

export interface PriceProps {
  /** The current (lowest) price. */
  price: Money;
  /** The highest price; when it differs from `price` the price reads "from $X". */
  maxPrice?: Money | null;
  /** The regular price, shown struck through when higher than `price`. */
  compareAtPrice?: Money | null;
  size?: "sm" | "md" | "lg";
  locale?: string;
  className?: string;
  "data-testid"?: string;
}

const sizes = {
  sm: "text-sm",
  md: "text-base",
  lg: "text-2xl",
} as const;

/** A price with optional "from" prefix and struck-through compare-at price. */
export function Price({
  price,
  maxPrice,
  compareAtPrice,
  size = "md",
  locale,
  className,
  "data-testid": testId,
}: PriceProps) {
  const onSale =
    compareAtPrice != null &&
    compareAtPrice.currency === price.currency &&
    compareAtPrice.amount > price.amount;
  const isRange =
    maxPrice != null && maxPrice.currency === price.currency && maxPrice.amount !== price.amount;
  return (
    <span
      className={cn("inline-flex flex-wrap items-baseline gap-x-2", sizes[size], className)}
      data-testid={testId}
    >
      <span className={cn("font-semibold", onSale ? "text-red-700" : "text-neutral-900")}>
        {onSale && <span className="sr-only">Sale price: </span>}
        {isRange && <span className="font-normal text-neutral-600">from </span>}
        {formatMoney(price, locale)}
      </span>
      {onSale && (
        <s className="text-[0.875em] text-neutral-600">
          <span className="sr-only">Regular price: </span>
          {formatMoney(compareAtPrice, locale)}
        </s>
      )}
    </span>
  );
}
