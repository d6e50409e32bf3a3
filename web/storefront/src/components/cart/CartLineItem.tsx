import { type CartLine, errorMessage } from "@bazaar/sdk";
import { cn, decodeEntities, formatMinor, showImagePlaceholder } from "@bazaar/ui";
import { Link } from "react-router";
import { productHref } from "../AppLink";
import { QuantityStepper } from "./QuantityStepper";
import { lineName, useLineActions } from "./useCart";

/** Option values as "Size: M · Color: Blue". */
export function optionsText(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(" · ");
}

/** The product's thumbnail, or a neutral square when it has none or it cannot be loaded. */
export function LineThumbnail({ url, className }: { url: string | null; className?: string }) {
  return (
    <div className={cn("size-20 shrink-0 overflow-hidden rounded-lg bg-neutral-100", className)}>
      {url && (
        <img
          src={url}
          alt=""
          width={80}
          height={80}
          loading="lazy"
          onError={showImagePlaceholder}
          className="size-full object-contain mix-blend-multiply"
        />
      )}
    </div>
  );
}

/** Why a line cannot be ordered as it is, or null. */
export function stockProblem(line: CartLine): string | null {
  if (line.purchasable) return null;
  if (line.availableQuantity === 0) return "Out of stock. Remove it to check out.";
  if (line.availableQuantity != null && line.availableQuantity < line.quantity) {
    return `Only ${line.availableQuantity} left. Lower the quantity to check out.`;
  }
  return "This item cannot be ordered right now. Remove it to check out.";
}

/**
 * One cart line: thumbnail, name and options, unit price (with the regular price while on sale),
 * notices for a changed price and for stock, a quantity stepper, remove, and the line's amount.
 * `compact` is the drawer's narrower layout.
 */
export function CartLineItem({
  line,
  currency,
  compact = false,
  onNavigate,
  onRemoved,
}: {
  line: CartLine;
  currency: string;
  compact?: boolean;
  /** Called when the product link is followed (the drawer closes itself). */
  onNavigate?: () => void;
  /** Called when the line was removed (its controls are gone: move focus somewhere useful). */
  onRemoved?: () => void;
}) {
  const { update, remove, pending, error } = useLineActions(line, onRemoved);
  const name = decodeEntities(line.productName);
  const money = (amount: number) => formatMinor(amount, currency);
  const options = optionsText(line.options);
  const problem = stockProblem(line);
  const max = [line.quantityRules.max, line.availableQuantity]
    .filter((n): n is number => n != null)
    .reduce<number | null>((a, b) => (a == null ? b : Math.min(a, b)), null);
  const onSale = line.regularPrice > line.unitPrice;

  return (
    <li className={cn("flex gap-4", compact ? "py-4" : "py-6")} data-testid="cart-line" aria-busy={pending}>
      <LineThumbnail url={line.thumbnailUrl} className={compact ? "size-16" : "size-20 sm:size-24"} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1">
          <div className="min-w-0">
            <Link
              to={productHref(line.productSlug)}
              onClick={onNavigate}
              className="rounded-sm font-medium text-neutral-900 hover:text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            >
              {name}
            </Link>
            {options && <p className="mt-0.5 text-sm text-neutral-600">{options}</p>}
            <p className="mt-0.5 text-sm text-neutral-700">
              <span className="sr-only">Unit price: </span>
              <span className={cn(onSale && "font-medium text-red-700")}>{money(line.unitPrice)}</span>
              {onSale && (
                <s className="ml-2 text-neutral-600">
                  <span className="sr-only">Regular price: </span>
                  {money(line.regularPrice)}
                </s>
              )}
              {!compact && <span className="text-neutral-600"> each</span>}
            </p>
          </div>
          <p className="text-right font-medium text-neutral-900" data-testid="line-subtotal">
            <span className="sr-only">Line subtotal: </span>
            {money(line.subtotal)}
            {line.discount > 0 && (
              <span className="block text-sm font-normal text-green-800">
                −{money(line.discount)} <span className="sr-only">discount</span>
                <span aria-hidden="true">off</span>
              </span>
            )}
          </p>
        </div>

        {line.previousUnitPrice != null && line.previousUnitPrice !== line.unitPrice && (
          <p
            className="mt-2 rounded-md bg-amber-50 px-2 py-1 text-sm text-amber-900"
            data-testid="price-changed"
          >
            The price changed from {money(line.previousUnitPrice)} to {money(line.unitPrice)} since you added
            it.
          </p>
        )}
        {problem && (
          <p
            className="mt-2 rounded-md bg-red-50 px-2 py-1 text-sm font-medium text-red-800"
            data-testid="stock-problem"
          >
            {problem}
          </p>
        )}

        <div className="mt-3 flex flex-wrap items-center gap-3">
          <QuantityStepper
            value={line.quantity}
            min={Math.max(1, line.quantityRules.min)}
            max={max}
            step={Math.max(1, line.quantityRules.increment)}
            disabled={pending}
            itemName={lineName(line)}
            onChange={(quantity) => update.mutate(quantity)}
          />
          <button
            type="button"
            onClick={() => {
              if (!pending) remove.mutate();
            }}
            aria-disabled={pending || undefined}
            className="rounded-md px-2 py-2 text-sm font-medium text-accent-700 hover:underline aria-disabled:text-neutral-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            aria-label={`Remove ${lineName(line)}`}
          >
            Remove
          </button>
        </div>
        {error && (
          <p role="alert" className="mt-2 text-sm font-medium text-red-700">
            {errorMessage(error)}
          </p>
        )}
      </div>
    </li>
  );
}
