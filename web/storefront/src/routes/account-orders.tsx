import { errorMessage } from "@bazaar/sdk";
import { Button, formatMinor, Spinner } from "@bazaar/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { primaryLink } from "../components/cart/CartDrawer";
import { Alert, textLink } from "../components/forms";
import { formatDate, StatusBadge } from "../components/orders/OrderDetail";
import { PageHead } from "../components/PageHead";
import { myOrdersQuery } from "../queries";
import { requireSession } from "../session";

export const loader = requireSession;

/** The signed-in customer's orders, newest first. */
export function Component() {
  const orders = useInfiniteQuery(myOrdersQuery());
  const items = orders.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Your orders" noindex />
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to="/account" className={textLink}>
          Your account
        </Link>
      </nav>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-neutral-900">Your orders</h1>
      {orders.isPending ? (
        <Spinner className="mt-8" label="Loading your orders…" />
      ) : orders.isError ? (
        <Alert className="mt-8">{errorMessage(orders.error)}</Alert>
      ) : items.length === 0 ? (
        <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-8 text-center">
          <p className="text-neutral-700">You have not placed any orders yet.</p>
          <Link to="/" className={`${primaryLink} mt-6`}>
            Start shopping
          </Link>
        </div>
      ) : (
        <>
          <ul
            className="mt-8 divide-y divide-neutral-200 rounded-2xl border border-neutral-200 bg-white"
            data-testid="order-list"
          >
            {items.map((order) => (
              <li key={order.id} className="flex flex-wrap items-center gap-x-6 gap-y-2 px-5 py-4">
                <div className="min-w-0 flex-1">
                  <Link
                    to={`/account/orders/${encodeURIComponent(order.number)}`}
                    className={`${textLink} text-base`}
                    aria-label={`Order ${order.number}, placed ${formatDate(order.placedAt)}`}
                  >
                    Order {order.number}
                  </Link>
                  <p className="text-sm text-neutral-600">
                    {formatDate(order.placedAt)} · {order.itemCount}{" "}
                    {order.itemCount === 1 ? "item" : "items"}
                  </p>
                </div>
                <StatusBadge status={order.status} />
                <p className="w-24 text-right font-medium text-neutral-900">
                  {formatMinor(order.total, order.currency)}
                </p>
              </li>
            ))}
          </ul>
          {orders.hasNextPage && (
            <div className="mt-6 text-center">
              <Button
                variant="secondary"
                onClick={() => orders.fetchNextPage()}
                disabled={orders.isFetchingNextPage}
              >
                {orders.isFetchingNextPage ? "Loading…" : "Load more orders"}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
