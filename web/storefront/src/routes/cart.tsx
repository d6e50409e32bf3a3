import { errorMessage } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useRef } from "react";
import { Link } from "react-router";
import { primaryLink } from "../components/cart/CartDrawer";
import { CartLineItem } from "../components/cart/CartLineItem";
import { CouponForm, Promotions } from "../components/cart/Coupons";
import { Totals } from "../components/cart/Totals";
import { useCart } from "../components/cart/useCart";
import { Alert, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";

export function Component() {
  const cart = useCart({ fresh: true });
  const itemsRef = useRef<HTMLHeadingElement>(null);
  const data = cart.data;
  const blocked = data?.lines.filter((line) => !line.purchasable) ?? [];

  return (
    <div className="mx-auto max-w-7xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Your cart" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Your cart</h1>
      {cart.isPending ? (
        <Spinner className="mt-8" label="Loading your cart…" />
      ) : cart.isError ? (
        <Alert className="mt-8">{errorMessage(cart.error)}</Alert>
      ) : !data || data.lines.length === 0 ? (
        <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-8 text-center">
          <p className="text-neutral-700">Your cart is empty.</p>
          <Link to="/" className={`${primaryLink} mt-6`}>
            Continue shopping
          </Link>
        </div>
      ) : (
        <div className="mt-8 grid grid-cols-1 gap-10 lg:grid-cols-[minmax(0,1fr)_24rem]">
          <section aria-labelledby="cart-items">
            <h2 id="cart-items" ref={itemsRef} tabIndex={-1} className="sr-only">
              Items
            </h2>
            {blocked.length > 0 && (
              <Alert className="mb-4">
                {blocked.length === 1 ? "One item is" : `${blocked.length} items are`} not available in the
                quantity you chose. Change or remove {blocked.length === 1 ? "it" : "them"} to check out.
              </Alert>
            )}
            <ul className="divide-y divide-neutral-200 border-y border-neutral-200">
              {data.lines.map((line) => (
                <CartLineItem
                  key={line.id}
                  line={line}
                  currency={data.currency}
                  onRemoved={() => itemsRef.current?.focus()}
                />
              ))}
            </ul>
            <Link to="/" className={`${textLink} mt-6 inline-block text-sm`}>
              Continue shopping
            </Link>
          </section>

          <section
            aria-labelledby="cart-summary"
            className="h-fit rounded-2xl border border-neutral-200 bg-neutral-50 p-5 sm:p-6 lg:sticky lg:top-6"
          >
            <h2 id="cart-summary" className="text-lg font-semibold text-neutral-900">
              Order summary
            </h2>
            <CouponForm className="mt-4" />
            <Promotions cart={data} className="mt-4" />
            <Totals
              className="mt-4 border-t border-neutral-200 pt-3"
              totals={data.totals}
              currency={data.currency}
              requiresShipping={data.requiresShipping}
              shipping={data.shippingMethod?.name ?? null}
              taxKnown={Boolean(data.shippingAddress ?? data.billingAddress)}
            />
            {blocked.length > 0 ? (
              <p className="mt-6 text-sm font-medium text-red-700">
                Change or remove the items that are not available to check out.
              </p>
            ) : (
              <Link to="/checkout" className={`${primaryLink} mt-6 w-full`}>
                Checkout
              </Link>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
