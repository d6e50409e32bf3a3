import { errorMessage, isNotFoundError } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { Alert, textLink } from "../components/forms";
import { OrderDetail } from "../components/orders/OrderDetail";
import { PageHead } from "../components/PageHead";
import { myOrderQuery } from "../queries";
import { requireSession } from "../session";
import { NotFoundPage } from "./not-found";

export const loader = requireSession;

/** One of the signed-in customer's orders. */
export function Component() {
  const { number = "" } = useParams();
  const order = useQuery(myOrderQuery(number));

  if (order.isError && isNotFoundError(order.error)) return <NotFoundPage what="order" />;
  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title={`Order ${number}`} noindex />
      <nav aria-label="Breadcrumb" className="text-sm">
        <ol className="flex flex-wrap gap-2">
          <li>
            <Link to="/account" className={textLink}>
              Your account
            </Link>
            <span aria-hidden="true" className="ml-2 text-neutral-500">
              /
            </span>
          </li>
          <li>
            <Link to="/account/orders" className={textLink}>
              Orders
            </Link>
          </li>
        </ol>
      </nav>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-neutral-900">Order {number}</h1>
      {order.isPending ? (
        <Spinner className="mt-8" label="Loading the order…" />
      ) : order.isError ? (
        <Alert className="mt-8">{errorMessage(order.error)}</Alert>
      ) : (
        <>
          {["paid", "partially_refunded", "refunded"].includes(order.data.paymentStatus) && (
            <p className="mt-4 text-sm">
              <a
                href={`/api/store/orders/${encodeURIComponent(number)}/invoice.pdf`}
                target="_blank"
                rel="noopener"
                className={textLink}
                data-testid="order-invoice-link"
              >
                Download invoice (PDF)
              </a>
            </p>
          )}
          <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-6">
            <OrderDetail order={order.data} showTimeline />
          </div>
        </>
      )}
    </div>
  );
}
