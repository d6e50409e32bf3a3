import { Button, cn, formatMinor, Spinner } from "@bazaar/ui";
import { Link, useSearchParams } from "react-router";
import { formatDate } from "../api";
import { Section, TableScroll, tableClass, tdClass, textLink, thClass } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import {
  useOrdersToShipCount,
  useVendorOrders,
  type VendorOrderFilter,
  type VendorOrderSummary,
} from "./vendor.api";

type Tone = "neutral" | "info" | "success" | "warning" | "danger";

const tones: Record<Tone, string> = {
  neutral: "bg-neutral-100 text-neutral-800 ring-neutral-300",
  info: "bg-accent-50 text-accent-800 ring-accent-200",
  success: "bg-green-50 text-green-800 ring-green-200",
  warning: "bg-amber-50 text-amber-900 ring-amber-300",
  danger: "bg-red-50 text-red-800 ring-red-200",
};

const fulfilment: Record<string, { label: string; tone: Tone }> = {
  unfulfilled: { label: "Not shipped", tone: "neutral" },
  partially_fulfilled: { label: "Partly shipped", tone: "info" },
  fulfilled: { label: "Shipped", tone: "success" },
  partially_delivered: { label: "Partly delivered", tone: "info" },
  delivered: { label: "Delivered", tone: "success" },
  not_required: { label: "Nothing to ship", tone: "neutral" },
  cancelled: { label: "Cancelled", tone: "danger" },
};

/**
 * Where a vendor order stands, in the vendor's words: "To ship" while it should be shipped now, the
 * shopper's order's hold or cancellation, else how far the vendor's parcels have got.
 */
export function vendorOrderStatus(order: {
  orderStatus: string;
  fulfillmentStatus: string;
  toShip: boolean;
}): { label: string; tone: Tone } {
  if (order.orderStatus === "on_hold") return { label: "On hold", tone: "warning" };
  if (order.orderStatus === "cancelled") return { label: "Cancelled", tone: "danger" };
  if (order.orderStatus === "refunded") return { label: "Refunded", tone: "neutral" };
  if (order.toShip)
    return order.fulfillmentStatus === "partially_fulfilled"
      ? { label: "Partly shipped: ship the rest", tone: "warning" }
      : { label: "To ship", tone: "warning" };
  return (
    fulfilment[order.fulfillmentStatus] ?? {
      label: order.fulfillmentStatus.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase()),
      tone: "neutral",
    }
  );
}

/** A vendor order's status as a pill; the words carry the meaning (the colour only helps). */
export function VendorOrderStatus({
  order,
  "data-testid": testId,
}: {
  order: { orderStatus: string; fulfillmentStatus: string; toShip: boolean };
  "data-testid"?: string;
}) {
  const status = vendorOrderStatus(order);
  return (
    <span
      data-testid={testId}
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[status.tone],
      )}
    >
      {status.label}
    </span>
  );
}

/** Columns a phone does without (below 640 px): the row keeps the order, its status and the payout. */
const wideOnly = "hidden sm:table-cell";
const num = `${tdClass} whitespace-nowrap text-right tabular-nums`;

function OrderRow({ order }: { order: VendorOrderSummary }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  return (
    <tr data-testid="vendor-order-row">
      <th scope="row" className={`${tdClass} whitespace-nowrap font-medium`}>
        <Link
          to={`/vendor/orders/${encodeURIComponent(order.id)}`}
          className={`${textLink} relative inline-block`}
        >
          <span className="sr-only">Order </span>
          {order.number}
        </Link>
        <span className="block text-xs font-normal text-neutral-600 sm:hidden">
          <time dateTime={order.placedAt}>{formatDate(order.placedAt)}</time>
          {order.shipTo && <span className="block max-w-44 truncate">{order.shipTo}</span>}
        </span>
      </th>
      <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>
        <time dateTime={order.placedAt}>{formatDate(order.placedAt)}</time>
      </td>
      <td className={`${tdClass} ${wideOnly}`}>{order.shipTo ?? "—"}</td>
      <td className={`${num} ${wideOnly}`}>{order.itemCount}</td>
      <td className={`${num} ${wideOnly}`}>{money(order.total)}</td>
      <td className={`${num} font-medium`}>{money(order.payableTotal)}</td>
      <td className={tdClass}>
        <VendorOrderStatus order={order} />
      </td>
    </tr>
  );
}

const tabs: { value: VendorOrderFilter; label: string; title: string; empty: string }[] = [
  {
    value: "to_ship",
    label: "To ship",
    title: "Orders to ship",
    empty: "Nothing to ship right now. Paid orders of your products appear here until you ship them.",
  },
  {
    value: "all",
    label: "All",
    title: "All orders",
    empty: "No orders yet. When shoppers buy your products, their orders appear here.",
  },
];

/**
 * The vendor's orders: those to ship now (the default) or all of them, newest first, 25 at a time.
 * Each row opens the order, where it is shipped.
 */
export function VendorOrdersPage() {
  const [params] = useSearchParams();
  const filter: VendorOrderFilter = params.get("filter") === "all" ? "all" : "to_ship";
  const orders = useVendorOrders(filter);
  const toShip = useOrdersToShipCount();
  const current = tabs.find((t) => t.value === filter)!;
  const rows = orders.data?.pages.flatMap((page) => page.items);
  const stale = orders.isPlaceholderData;

  return (
    <>
      <PageHeading
        title="Orders"
        intro="Your part of shoppers' orders, newest first. Ship each one with its tracking number."
      />
      <div className="space-y-6">
        <nav aria-label="Order lists">
          <ul className="flex flex-wrap gap-2">
            {tabs.map((t) => {
              const selected = t.value === filter;
              return (
                <li key={t.value}>
                  <Link
                    to={t.value === "to_ship" ? "/vendor/orders" : "/vendor/orders?filter=all"}
                    aria-current={selected ? "page" : undefined}
                    className={cn(
                      "inline-flex items-center gap-1 rounded-full border px-3 py-1.5 text-sm font-medium",
                      "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                      selected
                        ? "border-accent-700 bg-accent-700 text-white"
                        : "border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-50",
                    )}
                  >
                    {t.label}
                    {t.value === "to_ship" && toShip.data !== undefined && ` (${toShip.data})`}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <Section
          title={current.title}
          description={
            filter === "to_ship"
              ? "Paid and not on hold, with items of yours left to ship. Times are in your browser's time zone."
              : "Every order of your products. Times are in your browser's time zone."
          }
        >
          <QueryState
            query={{
              isPending: orders.isPending,
              error: orders.isFetchNextPageError ? null : orders.error,
            }}
            label="orders"
          />
          {rows &&
            (rows.length > 0 ? (
              <TableScroll label={current.title}>
                <table
                  className={cn(tableClass, stale && "opacity-60")}
                  aria-busy={stale || undefined}
                  data-testid="vendor-orders-table"
                >
                  <caption className="sr-only">{current.title}, newest first</caption>
                  <thead className="bg-neutral-50">
                    <tr>
                      <th scope="col" className={thClass}>
                        Order
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Placed
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Ship to
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly} text-right`}>
                        Items
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly} text-right`}>
                        Total
                      </th>
                      <th scope="col" className={`${thClass} text-right`}>
                        Your payout
                      </th>
                      <th scope="col" className={thClass}>
                        Status
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-neutral-100">
                    {rows.map((order) => (
                      <OrderRow key={order.id} order={order} />
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : stale ? (
              <Spinner label="Loading orders…" />
            ) : (
              <p className="text-sm text-neutral-600" data-testid="vendor-orders-empty">
                {current.empty}
              </p>
            ))}
          {orders.hasNextPage && !stale && (
            <Button
              variant="secondary"
              className="mt-4"
              disabled={orders.isFetchingNextPage}
              onClick={() => orders.fetchNextPage()}
            >
              {orders.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
          {orders.isFetchNextPageError && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              Could not load more orders. Try again.
            </p>
          )}
        </Section>
      </div>
    </>
  );
}
