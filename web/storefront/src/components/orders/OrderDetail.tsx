import type { Order } from "@bazaar/sdk";
import { cn, decodeEntities, formatMinor } from "@bazaar/ui";
import { useId } from "react";
import { useShop } from "../../shop";
import { LineThumbnail, optionsText } from "../cart/CartLineItem";
import { Totals } from "../cart/Totals";
import { AddressBlock } from "../checkout/AddressFields";
import { textLink } from "../forms";

type OrderLine = Order["lines"][number];
type Shipment = Order["shipments"][number];

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
  partially_delivered: "Partly delivered",
  not_required: "Nothing to ship",
  // parcels
  in_transit: "In transit",
  out_for_delivery: "Out for delivery",
  picked_up: "Collected",
  returned: "Returned to sender",
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
        : status === "unfulfilled" || status === "not_required" || status === "pending"
          ? "bg-neutral-100 text-neutral-800 ring-neutral-300"
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

const carrierNames: Record<string, string> = { ups: "UPS", usps: "USPS", fedex: "FedEx", dhl: "DHL" };

/** "ups" -> "UPS"; a carrier named in words stays as written. */
const carrierName = (carrier: string) => carrierNames[carrier.toLowerCase()] ?? carrier;

const shortDate = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "medium" });

function LineItem({ line, money }: { line: OrderLine; money: (amount: number) => string }) {
  return (
    <li className="flex gap-4 py-4" data-testid="order-line">
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
  );
}

/** The parcels of an order (or of one seller's part): carrier, tracking link, dates and contents. */
function ShipmentList({
  shipments,
  lines,
  label,
}: {
  shipments: Shipment[];
  lines: OrderLine[];
  label: string;
}) {
  const names = new Map(lines.map((l) => [l.id, decodeEntities(l.productName)]));
  return (
    <ul aria-label={label} className="space-y-3" data-testid="order-shipments">
      {shipments.map((shipment) => (
        <li
          key={shipment.id}
          className="rounded-xl border border-neutral-200 bg-neutral-50 p-4 text-sm"
          data-testid="order-shipment"
        >
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="font-medium text-neutral-900">{carrierName(shipment.carrier)}</p>
            <StatusBadge status={shipment.status} />
          </div>
          <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1">
            <dt className="text-neutral-600">Tracking</dt>
            <dd className="min-w-0 text-neutral-900">
              {!shipment.trackingNumber ? (
                "No tracking number"
              ) : shipment.trackingUrl ? (
                <a
                  href={shipment.trackingUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  className={cn(textLink, "break-all")}
                >
                  {shipment.trackingNumber}
                  <span className="sr-only"> (track this parcel, opens in a new tab)</span>
                </a>
              ) : (
                <span className="break-all">{shipment.trackingNumber}</span>
              )}
            </dd>
            {shipment.shippedAt && (
              <>
                <dt className="text-neutral-600">Shipped</dt>
                <dd className="text-neutral-900">
                  <time dateTime={shipment.shippedAt}>{shortDate(shipment.shippedAt)}</time>
                </dd>
              </>
            )}
            {shipment.deliveredAt && (
              <>
                <dt className="text-neutral-600">Delivered</dt>
                <dd className="text-neutral-900">
                  <time dateTime={shipment.deliveredAt}>{shortDate(shipment.deliveredAt)}</time>
                </dd>
              </>
            )}
            {shipment.lines.length > 0 && (
              <>
                <dt className="text-neutral-600">Contains</dt>
                <dd className="text-neutral-900">
                  {shipment.lines
                    .map(
                      (l) => `${names.get(l.lineId) ?? "An item"}${l.quantity > 1 ? ` × ${l.quantity}` : ""}`,
                    )
                    .join(", ")}
                </dd>
              </>
            )}
          </dl>
        </li>
      ))}
    </ul>
  );
}

/** One seller's part of a marketplace order: its lines, where it stands, and its parcels. */
interface SellerPart {
  key: string;
  /** The vendor's name; null for the shop itself. */
  soldBy: string | null;
  status: string;
  lines: OrderLine[];
  shipments: Shipment[];
}

/** Where the shop's own lines stand (the vendors' parts carry their own status). */
function shopStatus(lines: OrderLine[], shipments: Shipment[]): string {
  const physical = lines.filter((l) => !l.isDigital);
  if (physical.length === 0) return "not_required";
  const ordered = physical.reduce((sum, l) => sum + l.quantity - l.cancelledQuantity, 0);
  if (ordered <= 0) return "cancelled";
  const shipped = physical.reduce((sum, l) => sum + l.fulfilledQuantity, 0);
  if (shipped === 0) return "unfulfilled";
  const delivered = shipments.length > 0 && shipments.every((s) => s.deliveredAt || s.status === "delivered");
  if (shipped < ordered) return "partially_fulfilled";
  return delivered ? "delivered" : "fulfilled";
}

/** The order's lines by seller, in the order the lines were bought, each with its parcels. */
function sellerParts(order: Order): SellerPart[] {
  const parts: SellerPart[] = [];
  const partOfLine = new Map<string, SellerPart>();
  for (const v of order.vendorOrders) {
    const part: SellerPart = {
      key: v.number,
      soldBy: v.soldBy,
      status: v.fulfillmentStatus,
      lines: [],
      shipments: [],
    };
    for (const id of v.lineIds) partOfLine.set(id, part);
  }
  const shop: SellerPart = { key: "shop", soldBy: null, status: "", lines: [], shipments: [] };
  for (const line of order.lines) {
    const part = partOfLine.get(line.id) ?? shop;
    if (part.lines.length === 0) parts.push(part);
    part.lines.push(line);
  }
  for (const shipment of order.shipments) {
    const part =
      shipment.lines.map((l) => partOfLine.get(l.lineId)).find(Boolean) ??
      (shipment.soldBy ? parts.find((p) => p.soldBy === shipment.soldBy) : undefined) ??
      shop;
    part.shipments.push(shipment);
  }
  shop.status = shopStatus(shop.lines, shop.shipments);
  return parts;
}

function SellerSection({
  part,
  shopName,
  money,
}: {
  part: SellerPart;
  shopName: string;
  money: (amount: number) => string;
}) {
  const headingId = useId();
  const seller = part.soldBy ?? shopName;
  const ships = part.lines.some((l) => !l.isDigital);
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-xl border border-neutral-200 p-4 sm:p-5"
      data-testid="order-seller"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="text-base font-semibold text-neutral-900">
          {part.soldBy ? `Sold and shipped by ${part.soldBy}` : `Sold by ${shopName}`}
        </h3>
        <StatusBadge status={part.status} />
      </div>
      <ul className="mt-2 divide-y divide-neutral-200 border-y border-neutral-200">
        {part.lines.map((line) => (
          <LineItem key={line.id} line={line} money={money} />
        ))}
      </ul>
      <div className="mt-3">
        {part.shipments.length > 0 ? (
          <ShipmentList shipments={part.shipments} lines={part.lines} label={`Parcels from ${seller}`} />
        ) : (
          ships &&
          !["cancelled", "not_required"].includes(part.status) && (
            <p className="text-sm text-neutral-600">
              You'll get an e-mail with the tracking when {seller} ships{" "}
              {part.lines.length === 1 ? "it" : "them"}.
            </p>
          )
        )}
      </div>
    </section>
  );
}

/** An order's lines, totals, addresses, payment and (optionally) its history. */
export function OrderDetail({ order, showTimeline = false }: { order: Order; showTimeline?: boolean }) {
  const shop = useShop();
  const money = (amount: number) => formatMinor(amount, order.currency);
  const requiresShipping = Boolean(order.shippingMethod || order.shippingAddress);
  const pickup = order.shippingMethod?.type === "pickup";
  // A marketplace order: each seller's part with its own status and parcels.
  const parts = order.vendorOrders.length > 0 ? sellerParts(order) : null;
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
        {parts ? (
          <>
            <p className="mt-1 text-sm text-neutral-600">
              Your order comes from {parts.length} sellers, each shipping its own items.
            </p>
            <div className="mt-3 space-y-4">
              {parts.map((part) => (
                <SellerSection key={part.key} part={part} shopName={shop.name} money={money} />
              ))}
            </div>
          </>
        ) : (
          <ul className="mt-2 divide-y divide-neutral-200 border-y border-neutral-200">
            {order.lines.map((line) => (
              <LineItem key={line.id} line={line} money={money} />
            ))}
          </ul>
        )}
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

      {!parts && !pickup && order.shipments.length > 0 && (
        <section aria-labelledby={`order-${order.number}-shipments`}>
          <h2 id={`order-${order.number}-shipments`} className="text-lg font-semibold text-neutral-900">
            {order.shipments.length === 1 ? "Shipment" : `Shipments (${order.shipments.length})`}
          </h2>
          <div className="mt-3">
            <ShipmentList shipments={order.shipments} lines={order.lines} label="Parcels" />
          </div>
        </section>
      )}

      <div className="grid gap-6 sm:grid-cols-3">
        <div>
          <h2 className="text-sm font-semibold text-neutral-900">Contact</h2>
          <p className="mt-1 text-sm break-words text-neutral-800" data-testid="order-email">
            {order.email}
          </p>
        </div>
        {pickup && order.shippingMethod ? (
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
