import { errorMessage, type Order } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link, useLocation, useParams } from "react-router";
import { primaryLink, secondaryLink } from "../components/cart/CartDrawer";
import { forgetPendingPayment, rememberedOrder } from "../components/checkout/orderStore";
import { Alert, Notice } from "../components/forms";
import { OrderDetail } from "../components/orders/OrderDetail";
import { PageHead } from "../components/PageHead";
import { cartQuery, myOrderQuery, queryClient, sessionQuery } from "../queries";

export function Component() {
  const { number = "" } = useParams();
  const location = useLocation();
  const fromState = (location.state as { order?: Order } | null)?.order;
  const kept = fromState?.number === number ? fromState : rememberedOrder(number);
  const session = useQuery(sessionQuery());
  // A customer can read the order from the account even without the checkout's copy.
  const fetched = useQuery({ ...myOrderQuery(number), enabled: !kept && Boolean(session.data) });
  const order = kept ?? fetched.data ?? null;

  // The order used up the cart: show the new (empty) one in the header.
  useEffect(() => {
    forgetPendingPayment();
    void queryClient.invalidateQueries({ queryKey: cartQuery().queryKey });
  }, []);

  const lookupHref = `/orders/lookup?number=${encodeURIComponent(number)}`;
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Order confirmed" noindex />
      {!order ? (
        session.isPending || fetched.isFetching ? (
          <Spinner label="Loading your order…" />
        ) : (
          <>
            <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Order {number}</h1>
            {fetched.isError ? (
              <Alert className="mt-6">{errorMessage(fetched.error)}</Alert>
            ) : (
              <p className="mt-4 text-neutral-700">
                This order's details are no longer in this browser tab. You can look the order up with its
                number and your e-mail address.
              </p>
            )}
            <Link to={lookupHref} className={`${primaryLink} mt-6`}>
              Look up the order
            </Link>
          </>
        )
      ) : (
        <>
          <p className="text-sm font-semibold text-green-800">Order placed</p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight text-neutral-900">
            Thank you for your order
          </h1>
          <p className="mt-3 text-lg text-neutral-800">
            Your order number is{" "}
            <strong className="font-semibold text-neutral-900" data-testid="order-number">
              {order.number}
            </strong>
            .
          </p>
          <p className="mt-1 text-neutral-700">
            We sent a confirmation to{" "}
            <span className="font-medium text-neutral-900" data-testid="confirmation-email">
              {order.email}
            </span>
            .
          </p>
          {order.status === "pending_payment" && (
            <Notice tone="info" className="mt-4">
              {order.payment?.provider === "bank_transfer"
                ? "Your order is reserved. We will send it as soon as your bank transfer arrives."
                : order.payment?.provider === "cash_on_delivery"
                  ? "You pay when the order is delivered."
                  : "We are waiting for the payment to be confirmed and will e-mail you when it is."}
            </Notice>
          )}
          <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-6">
            <OrderDetail order={order} />
          </div>
          <div className="mt-8 flex flex-wrap gap-3">
            <Link to="/" className={primaryLink}>
              Continue shopping
            </Link>
            {session.data ? (
              <Link to={`/account/orders/${encodeURIComponent(order.number)}`} className={secondaryLink}>
                View in your account
              </Link>
            ) : (
              <Link to={lookupHref} className={secondaryLink}>
                Follow this order
              </Link>
            )}
          </div>
        </>
      )}
    </div>
  );
}
