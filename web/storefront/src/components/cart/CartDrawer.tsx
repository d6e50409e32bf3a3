import { errorMessage } from "@bazaar/sdk";
import { Button, formatMinor, Spinner } from "@bazaar/ui";
import { useEffect, useId, useRef } from "react";
import { Link, useLocation } from "react-router";
import { Alert } from "../forms";
import { CartLineItem } from "./CartLineItem";
import { useCartUi } from "./CartUi";
import { useCart } from "./useCart";

export const primaryLink =
  "inline-flex h-12 items-center justify-center gap-2 rounded-lg bg-accent-700 px-6 text-base font-medium text-white " +
  "hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";
export const secondaryLink =
  "inline-flex h-12 items-center justify-center gap-2 rounded-lg border border-neutral-300 bg-white px-6 text-base " +
  "font-medium text-neutral-900 hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-offset-2 " +
  "focus-visible:outline-accent-600";

/**
 * The cart drawer: a modal dialog (the page behind is inert, so focus stays inside; Esc or the
 * backdrop closes it) with the lines, quantity steppers, remove, the subtotal, and the way on to
 * checkout or the cart page.
 */
export function CartDrawer() {
  const { drawerOpen, closeDrawer, returnFocus, message } = useCartUi();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { pathname } = useLocation();
  const headingId = useId();
  const cart = useCart();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (drawerOpen && !dialog.open) {
      dialog.showModal();
      closeRef.current?.focus();
    } else if (!drawerOpen && dialog.open) {
      dialog.close();
    }
  }, [drawerOpen]);

  // Following a link out of the drawer closes it; the new page takes focus.
  useEffect(() => {
    closeDrawer({ restoreFocus: false });
  }, [pathname, closeDrawer]);

  const data = cart.data;
  const lines = data?.lines ?? [];
  const count = data?.itemCount ?? 0;
  const blocked = lines.some((line) => !line.purchasable);

  return (
    // A click on the backdrop closes the drawer; keyboards close it with Esc or the close button.
    // biome-ignore lint/a11y/useKeyWithClickEvents: Esc is handled natively by the modal dialog
    <dialog
      ref={dialogRef}
      aria-labelledby={headingId}
      onClose={() => {
        closeDrawer();
        returnFocus();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the dialog element itself.
        if (event.target === event.currentTarget) closeDrawer();
      }}
      className="fixed inset-y-0 right-0 left-auto m-0 ml-auto h-dvh max-h-none w-full max-w-md bg-white p-0 text-neutral-900 shadow-2xl backdrop:bg-neutral-950/40"
      data-testid="cart-drawer"
    >
      {drawerOpen && (
        <div className="flex h-full flex-col">
          <div className="flex items-center justify-between gap-4 border-b border-neutral-200 px-4 py-4 sm:px-6">
            <h2
              id={headingId}
              ref={headingRef}
              tabIndex={-1}
              className="text-lg font-semibold text-neutral-900 outline-none"
            >
              Your cart{count > 0 && <span className="font-normal text-neutral-600"> ({count})</span>}
            </h2>
            <button
              ref={closeRef}
              type="button"
              onClick={() => closeDrawer()}
              className="-mr-2 inline-flex size-10 items-center justify-center rounded-lg text-neutral-700 hover:bg-neutral-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
              aria-label="Close cart"
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 24 24"
                className="size-6"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
              >
                <path d="M6 6l12 12M18 6L6 18" />
              </svg>
            </button>
          </div>

          <div role="status" aria-live="polite" className="px-4 sm:px-6" data-testid="drawer-status">
            {message && (
              <p
                key={message.id}
                className="mt-4 rounded-lg border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900"
              >
                {message.text}
              </p>
            )}
          </div>

          <div className="min-h-0 flex-1 overflow-y-auto px-4 sm:px-6">
            {cart.isPending ? (
              <Spinner className="mt-6" label="Loading your cart…" />
            ) : cart.isError ? (
              <Alert className="mt-6">{errorMessage(cart.error)}</Alert>
            ) : lines.length === 0 ? (
              <div className="py-12 text-center">
                <p className="text-neutral-700">Your cart is empty.</p>
                <Button variant="secondary" className="mt-4" onClick={() => closeDrawer()}>
                  Continue shopping
                </Button>
              </div>
            ) : (
              <ul className="divide-y divide-neutral-200" aria-label="Items in your cart">
                {lines.map((line) => (
                  <CartLineItem
                    key={line.id}
                    line={line}
                    currency={data!.currency}
                    compact
                    onRemoved={() => headingRef.current?.focus()}
                  />
                ))}
              </ul>
            )}
          </div>

          {data && lines.length > 0 && (
            <div className="border-t border-neutral-200 px-4 py-4 sm:px-6">
              <p className="flex items-baseline justify-between text-base font-semibold text-neutral-900">
                <span>Subtotal</span>
                <span data-testid="drawer-subtotal">{formatMinor(data.totals.subtotal, data.currency)}</span>
              </p>
              {data.totals.discountTotal > 0 && (
                <p className="mt-1 flex items-baseline justify-between text-sm text-green-800">
                  <span>Discount</span>
                  <span>−{formatMinor(data.totals.discountTotal, data.currency)}</span>
                </p>
              )}
              <p className="mt-1 text-sm text-neutral-600">Shipping and tax are calculated at checkout.</p>
              {blocked && (
                <p className="mt-2 text-sm font-medium text-red-700">
                  Some items are not available as they are. Change or remove them to check out.
                </p>
              )}
              <div className="mt-4 grid gap-3">
                <Link to="/checkout" className={primaryLink}>
                  Checkout
                </Link>
                <Link to="/cart" className={secondaryLink}>
                  View cart
                </Link>
              </div>
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}
