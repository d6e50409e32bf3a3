import { errorMessage } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { checkoutApi } from "../api";
import { primaryLink, secondaryLink } from "../components/cart/CartDrawer";
import { pendingPayment, rememberOrder } from "../components/checkout/orderStore";
import { Alert } from "../components/forms";
import { PageHead } from "../components/PageHead";

const settled = new Set(["paid", "authorized", "captured", "partially_refunded", "refunded"]);
const failed = new Set(["failed", "canceled", "cancelled", "voided"]);
const MAX_CHECKS = 15;

/**
 * Where Stripe (after a redirect-based payment method or authentication) and PayPal (after the
 * buyer's approval) send the shopper back: waits for the payment to be confirmed, then shows the
 * order's confirmation.
 */
export function Component() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [pending] = useState(pendingPayment);
  const [checks, setChecks] = useState(0);
  const cancelledByShopper = params.get("redirect_status") === "failed";

  const order = useQuery({
    queryKey: ["checkout-return", pending?.number],
    // The first read asks the server to finish the payment with the provider (PayPal captures the
    // approved order here); later reads only look, while a webhook may still be on its way.
    queryFn: () =>
      checks === 0
        ? checkoutApi.completePayment(pending!.number, pending!.email)
        : checkoutApi.lookupOrder(pending!.number, pending!.email),
    enabled: Boolean(pending),
    staleTime: 0,
    retry: 1,
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data || settled.has(data.paymentStatus) || failed.has(data.paymentStatus)) return false;
      return checks < MAX_CHECKS ? 2000 : false;
    },
  });
  const status = order.data?.paymentStatus;

  useEffect(() => {
    if (order.dataUpdatedAt) setChecks((n) => n + 1);
  }, [order.dataUpdatedAt]);

  useEffect(() => {
    if (order.data && status && settled.has(status)) {
      rememberOrder(order.data);
      navigate(`/checkout/confirmation/${encodeURIComponent(order.data.number)}`, {
        replace: true,
        state: { order: order.data },
      });
    }
  }, [order.data, status, navigate]);

  const lookupHref = pending
    ? `/orders/lookup?number=${encodeURIComponent(pending.number)}`
    : "/orders/lookup";
  const failedNow =
    (status && failed.has(status)) ||
    order.data?.status === "cancelled" ||
    order.data?.status === "payment_failed";
  return (
    <div className="mx-auto max-w-2xl px-4 py-16 sm:px-6">
      <PageHead title="Confirming your payment" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">
        {failedNow ? "Your payment was not completed" : "Confirming your payment"}
      </h1>
      {!pending ? (
        <p className="mt-4 text-neutral-700">
          We could not find the order of this payment in this browser tab. If you placed an order, look it up
          with its number and your e-mail address.
        </p>
      ) : order.isError ? (
        <Alert className="mt-6">{errorMessage(order.error)}</Alert>
      ) : failedNow ? (
        <div className="mt-4 space-y-4">
          <Alert>
            {order.data?.payment?.failureMessage ??
              "The payment was declined or cancelled, so the order was not placed."}
          </Alert>
          <p className="text-neutral-700">
            Your cart is saved: you can try again with another payment method.
          </p>
        </div>
      ) : checks >= MAX_CHECKS ? (
        <p className="mt-4 text-neutral-700">
          The payment provider has not confirmed order {pending.number} yet. We will e-mail you when it does;
          you can also look the order up later.
        </p>
      ) : (
        <div className="mt-6">
          <Spinner
            label={cancelledByShopper ? "Checking the payment…" : "Waiting for the payment provider…"}
            className="[&_svg]:size-8"
          />
          <p className="mt-4 text-neutral-700">This takes a few seconds. Please keep this page open.</p>
        </div>
      )}
      <div className="mt-8 flex flex-wrap gap-3">
        {failedNow ? (
          <Link to="/checkout" className={primaryLink}>
            Back to checkout
          </Link>
        ) : (
          <Link to={lookupHref} className={secondaryLink}>
            Look up your order
          </Link>
        )}
      </div>
    </div>
  );
}
