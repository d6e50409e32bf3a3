import type { CartTotals, OrderTotals } from "@bazaar/sdk";
import { cn, formatMinor } from "@bazaar/ui";
import type { ReactNode } from "react";

function Row({
  label,
  children,
  strong,
  testId,
}: {
  label: ReactNode;
  children: ReactNode;
  strong?: boolean;
  testId?: string;
}) {
  return (
    <div
      className={cn(
        "flex items-baseline justify-between gap-4 py-1.5",
        strong && "mt-2 border-t border-neutral-200 pt-3 text-base font-semibold text-neutral-900",
      )}
    >
      <dt className={strong ? undefined : "text-neutral-700"}>{label}</dt>
      <dd className={cn("text-right", !strong && "text-neutral-900")} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/**
 * Subtotal, discounts, shipping, tax and total of a cart or an order, as the server computed them.
 * `shipping` is the chosen method's name, or null when the shopper has not chosen one yet (or
 * nothing ships); `taxKnown` false shows tax as still to come (no address yet).
 */
export function Totals({
  totals,
  currency,
  requiresShipping,
  shipping,
  taxKnown = true,
  shippingPending = "Calculated at checkout",
  taxPending = "Calculated at checkout",
  className,
}: {
  totals: CartTotals | OrderTotals;
  currency: string;
  requiresShipping: boolean;
  shipping: string | null;
  taxKnown?: boolean;
  /** Shown while no shipping method is chosen. */
  shippingPending?: string;
  /** Shown while the tax is not known (no address yet). */
  taxPending?: string;
  className?: string;
}) {
  const money = (amount: number) => formatMinor(amount, currency);
  const shippingCharged = totals.shippingTotal - totals.shippingDiscount;
  const refunded = "refundedTotal" in totals ? totals.refundedTotal : 0;
  return (
    <dl className={cn("text-sm", className)} data-testid="totals">
      <Row label="Subtotal" testId="totals-subtotal">
        {money(totals.subtotal)}
      </Row>
      {totals.discountTotal > 0 && (
        <Row label="Discount" testId="totals-discount">
          <span className="text-green-800">−{money(totals.discountTotal)}</span>
        </Row>
      )}
      {requiresShipping && (
        <Row label={shipping ? `Shipping (${shipping})` : "Shipping"} testId="totals-shipping">
          {!shipping ? (
            <span className="text-neutral-600">{shippingPending}</span>
          ) : shippingCharged === 0 ? (
            <>
              {totals.shippingTotal > 0 && (
                <s className="mr-2 text-neutral-600">
                  <span className="sr-only">Regular shipping: </span>
                  {money(totals.shippingTotal)}
                </s>
              )}
              <span className="font-medium text-green-800">Free</span>
            </>
          ) : (
            <>
              {totals.shippingDiscount > 0 && (
                <s className="mr-2 text-neutral-600">
                  <span className="sr-only">Regular shipping: </span>
                  {money(totals.shippingTotal)}
                </s>
              )}
              {money(shippingCharged)}
            </>
          )}
        </Row>
      )}
      <Row label={totals.pricesIncludeTax ? "Including tax" : "Tax"} testId="totals-tax">
        {taxKnown || totals.taxTotal > 0 ? (
          money(totals.taxTotal)
        ) : (
          <span className="text-neutral-600">{taxPending}</span>
        )}
      </Row>
      <Row label="Total" strong testId="totals-total">
        {money(totals.total)}
      </Row>
      {refunded > 0 && (
        <Row label="Refunded" testId="totals-refunded">
          −{money(refunded)}
        </Row>
      )}
    </dl>
  );
}
