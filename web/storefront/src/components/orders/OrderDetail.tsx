import type { Order } from "@bazaar/sdk";
import { cn, decodeEntities, formatMinor } from "@bazaar/ui";
import { LineThumbnail, optionsText } from "../cart/CartLineItem";
import { Totals } from "../cart/Totals";
import { AddressBlock } from "../checkout/AddressFields";

const statusLabels: Record<string, string> = {
  pending_payment: "Awaiting payment",
  payment_failed: "Payment declined",
  on_hold: "On hold",
  processing: "Processing",
  ready_for_pickup: "Ready for pickup",
  partially_shipped: "Partly shipped",
  shipped: "Shipped",
  delivered: "Delivered",
  completed: "Completed",
  cancelled: "Cancelled",
  refunded: "Refunded",
  // payment statuses
  pending: "Pending",
  requires_action: "Needs your approval",
  authorized: "Authorized",
  paid: "Paid",
  captured: "Paid",
  partially_refunded: "Partly refunded",
  failed: "Failed",
  canceled: "Cancelled",
  // fulfilment statuses
  unfulfilled: "Not shipped yet",
  partially_fulfilled: "Partly shipped",
  fulfilled: "Shipped",
};

/** A status code in words ("pending_payment" -> "Awaiting payment"). */
export function statusLabel(status: string): string {
  return statusLabels[status] ?? status.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase());
}

export function StatusBadge({ status, className }: { status: string; className?: string }) {
  const tone =
    status === "cancelled" || status === "failed" || status === "canceled" || status === "payment_failed"
      ? "bg-red-50 text-red-800 ring-red-200"
      : status === "pending_payment" || status === "on_hold" || status === "requires_action"
        ? "bg-amber-50 text-amber-900 ring-amber-200"
        : "bg-green-50 text-green-900 ring-green-200";
  return (
    <span
      className={cn(
        "inline-flex rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset",
        tone,
        className,
      )}
    >
      {statusLabel(status)}
    </span>
  );
}

export const formatDate = (iso: string) =>
  new Date(iso).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });

const paymentNames: Record<string, string> = {
  test: "Test card",
  stripe: "Card",
  paypal: "PayPal",
  bank_transfer: "Bank transfer",
  cash_on_delivery: "Cash on delivery",
};

/** Timeline entries in words; the server's messages carry raw amounts for some types. */
const timelineText: Record<string, string> = {
  "order.placed": "Order placed",
  "payment.captured": "Payment received",
  "payment.authorized": "Payment authorized",
  "payment.voided": "Payment released",
  "order.refunded": "Refund issued",
  "order.shipped": "Shipped",
  "order.delivered": "Delivered",
};

/** An order's lines, totals, addresses, payment and (optionally) its history. */
export function OrderDetail({ order, showTimeline = false }: { order: Order; showTimeline?: boolean }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  const requiresShipping = Boolean(order.shippingMethod || order.shippingAddress);
  return (
    <div className="space-y-8" data-testid="order-detail">
      <dl className="grid gap-4 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-neutral-600">Order status</dt>
          <dd className="mt-1">
            <StatusBadge status={order.status} />
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Payment</dt>
          <dd className="mt-1 text-neutral-900">
            {order.payment ? `${paymentNames[order.payment.provider] ?? order.payment.provider} · ` : ""}
            {statusLabel(order.paymentStatus)}
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Placed</dt>
          <dd className="mt-1 text-neutral-900">{formatDate(order.placedAt)}</dd>
        </div>
      </dl>

      <section aria-labelledby={`order-${order.number}-items`}>
        <h2 id={`order-${order.number}-items`} className="text-lg font-semibold text-neutral-900">
          Items
        </h2>
        <ul className="mt-2 divide-y divide-neutral-200 border-y border-neutral-200">
          {order.lines.map((line) => (
            <li key={line.id} className="flex gap-4 py-4" data-testid="order-line">
              <LineThumbnail url={line.thumbnailUrl} className="size-16" />
              <div className="min-w-0 flex-1 text-sm">
                <p className="font-medium text-neutral-900">{decodeEntities(line.productName)}</p>
                {Object.keys(line.options).length > 0 && (
                  <p className="text-neutral-600">{optionsText(line.options)}</p>
                )}
                <p className="text-neutral-600">
                  {line.quantity} × {money(line.unitPrice)}
                  <span className="text-neutral-500"> · SKU {line.sku}</span>
                </p>
                {line.discount > 0 && <p className="text-green-800">Discount −{money(line.discount)}</p>}
              </div>
              <p className="text-sm font-medium text-neutral-900">{money(line.subtotal)}</p>
            </li>
          ))}
        </ul>
        {order.promotions.length > 0 && (
          <ul className="mt-3 space-y-1 text-sm text-neutral-700">
            {order.promotions.map((p) => (
              <li key={p.id} className="flex justify-between gap-4">
                <span>
                  {p.name}
                  {p.code && <span className="ml-1 font-mono text-neutral-900">({p.code})</span>}
                </span>
                {p.amount > 0 && <span className="text-green-800">−{money(p.amount)}</span>}
              </li>
            ))}
          </ul>
        )}
        <Totals
          className="mt-3 ml-auto max-w-sm"
          totals={order.totals}
          currency={order.currency}
          requiresShipping={requiresShipping}
          shipping={order.shippingMethod?.name ?? null}
        />
      </section>

      <div className="grid gap-6 sm:grid-cols-3">
        <div>
          <h2 className="text-sm font-semibold text-neutral-900">Contact</h2>
          <p className="mt-1 text-sm break-words text-neutral-800" data-testid="order-email">
            {order.email}
          </p>
        </div>
        {order.shippingMethod?.type === "pickup" ? (
          <div>
            <h2 className="text-sm font-semibold text-neutral-900">Pickup</h2>
            <p className="mt-1 text-sm text-neutral-800" data-testid="order-pickup">
              {order.status === "ready_for_pickup"
                ? "Ready to collect at "
                : order.status === "delivered"
                  ? "Collected at "
                  : "To collect at "}
              {order.shippingMethod.pickupAddress ?? order.shippingMethod.name}
            </p>
            <p className="mt-1 text-sm text-neutral-600">{order.shippingMethod.name}</p>
          </div>
        ) : (
          order.shippingAddress && (
            <div>
              <h2 className="text-sm font-semibold text-neutral-900">Shipping address</h2>
              <AddressBlock className="mt-1" address={order.shippingAddress} />
              {order.shippingMethod && (
                <p className="mt-1 text-sm text-neutral-600">{order.shippingMethod.name}</p>
              )}
            </div>
          )
        )}
        {order.billingAddress && (
          <div>
            <h2 className="text-sm font-semibold text-neutral-900">Billing address</h2>
            <AddressBlock className="mt-1" address={order.billingAddress} />
          </div>
        )}
      </div>

      {showTimeline && order.timeline.length > 0 && (
        <section aria-labelledby={`order-${order.number}-history`}>
          <h2 id={`order-${order.number}-history`} className="text-lg font-semibold text-neutral-900">
            History
          </h2>
          <ol className="mt-3 space-y-3 border-l-2 border-neutral-200 pl-4" data-testid="order-timeline">
            {order.timeline.map((entry, index) => (
              <li key={`${entry.at}-${index}`} className="text-sm">
                <p className="text-neutral-900">{timelineText[entry.type] ?? entry.message}</p>
                <p className="text-neutral-600">
                  <time dateTime={entry.at}>{formatDate(entry.at)}</time>
                </p>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
