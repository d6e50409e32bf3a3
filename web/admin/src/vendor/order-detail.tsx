import { isApiError } from "@bazaar/sdk";
import {
  Button,
  cn,
  ErrorSummary,
  Field,
  formatMinor,
  ProblemForm,
  problemFieldPath,
  problemOf,
  SelectField,
  useToast,
} from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useParams } from "react-router";
import { formatDate, formatDateTime } from "../api";
import { Notice, Section, TableScroll, tableClass, tdClass, textLink, thClass } from "../components/forms";
import { AddressBlock, humanize, StatusBadge, Term } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient } from "../queries";
import { VendorOrderStatus } from "./orders";
import {
  countryName,
  useVendorOrder,
  type VendorOrder,
  type VendorOrderLine,
  type VendorShipment,
  type VendorShipmentInput,
  vendorApi,
  vendorOrderKey,
  vendorOrdersKey,
} from "./vendor.api";

/** The carriers the form offers; any other is named in words ("Other"). */
const carriers = [
  { value: "ups", label: "UPS" },
  { value: "usps", label: "USPS" },
  { value: "fedex", label: "FedEx" },
  { value: "dhl", label: "DHL" },
];

/** "ups" -> "UPS"; a carrier named in words stays as it was written. */
export function carrierName(carrier: string): string {
  return carriers.find((c) => c.value === carrier.toLowerCase())?.label ?? carrier;
}

/** The product with its variant or options ("Trail Tee", "Size: M"). */
function lineName(line: VendorOrderLine): string {
  return line.variantTitle && line.variantTitle !== line.productName
    ? `${line.productName} (${line.variantTitle})`
    : line.productName;
}

function optionsText(line: VendorOrderLine): string {
  return Object.entries(line.options)
    .map(([name, value]) => `${humanize(name)}: ${value}`)
    .join(" · ");
}

/** The shopper's order is paid and open, yet nothing may be shipped now: why. */
function notShippableReason(order: VendorOrder): string | null {
  if (order.canShip || !order.lines.some((l) => l.leftToShip > 0)) return null;
  switch (order.orderStatus) {
    case "on_hold":
      return "The shop's staff have put this order on hold. Don't ship it until they release it.";
    case "cancelled":
    case "refunded":
      return "This order was cancelled. Don't ship it.";
    case "pending_payment":
      return "This order isn't paid yet. Ship it once it is.";
    case "ready_for_pickup":
      return "The shopper collects this order from the shop.";
    default:
      return "This order can't be shipped right now.";
  }
}

/** A sentence of a server message ("between 1 and 2" -> "Between 1 and 2."). */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

const wideOnly = "hidden sm:table-cell";
const num = `${tdClass} whitespace-nowrap text-right tabular-nums`;

function LinesSection({ order }: { order: VendorOrder }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  return (
    <Section title="Items">
      <TableScroll label={`Items of order ${order.number}`}>
        <table className={tableClass} data-testid="vendor-order-lines">
          <caption className="sr-only">Your items in order {order.number}</caption>
          <thead className="bg-neutral-50">
            <tr>
              <th scope="col" className={thClass}>
                Item
              </th>
              <th scope="col" className={`${thClass} ${wideOnly} text-right`}>
                Unit price
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                Ordered
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                Shipped
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                Left
              </th>
              <th scope="col" className={`${thClass} ${wideOnly} text-right`}>
                Total
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-neutral-100">
            {order.lines.map((line) => (
              <tr key={line.id} data-testid="vendor-order-line">
                <th scope="row" className={`${tdClass} font-normal`}>
                  <span className="block font-medium text-neutral-900">{line.productName}</span>
                  {Object.keys(line.options).length > 0 ? (
                    <span className="block text-xs text-neutral-600">{optionsText(line)}</span>
                  ) : (
                    line.variantTitle &&
                    line.variantTitle !== line.productName && (
                      <span className="block text-xs text-neutral-600">{line.variantTitle}</span>
                    )
                  )}
                  <span className="block font-mono text-xs text-neutral-600">{line.sku}</span>
                  <span className="block text-xs text-neutral-600 sm:hidden">{money(line.total)}</span>
                  {(line.cancelledQuantity > 0 || line.returnedQuantity > 0 || !line.requiresShipping) && (
                    <span className="block text-xs text-neutral-600">
                      {[
                        !line.requiresShipping && "Not shipped (digital)",
                        line.cancelledQuantity > 0 && `${line.cancelledQuantity} refunded before shipping`,
                        line.returnedQuantity > 0 && `${line.returnedQuantity} returned`,
                      ]
                        .filter(Boolean)
                        .join(", ")}
                    </span>
                  )}
                </th>
                <td className={`${num} ${wideOnly}`}>{money(line.unitPrice)}</td>
                <td className={num}>{line.quantity}</td>
                <td className={num}>{line.fulfilledQuantity}</td>
                <td className={cn(num, line.leftToShip > 0 && "font-semibold text-neutral-900")}>
                  {line.leftToShip}
                </td>
                <td className={`${num} ${wideOnly} font-medium`}>{money(line.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </Section>
  );
}

function ShipToSection({ order }: { order: VendorOrder }) {
  const address = order.shippingAddress;
  return (
    <Section title="Ship to">
      <div data-testid="vendor-order-ship-to">
        {address ? (
          <AddressBlock address={{ ...address, country: countryName(address.country) }} />
        ) : (
          <p className="text-sm text-neutral-600">No shipping address (nothing of yours ships).</p>
        )}
        {order.shippingMethod && (
          <p className="mt-3 text-sm text-neutral-800">
            <span className="font-medium">Shipping method:</span> {order.shippingMethod.name}
          </p>
        )}
      </div>
    </Section>
  );
}

function MoneySection({ order }: { order: VendorOrder }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  return (
    <Section title="Money">
      <dl className="divide-y divide-neutral-100 text-sm" data-testid="vendor-order-money">
        <Term term="Subtotal">{money(order.subtotal)}</Term>
        {order.discountTotal > 0 && <Term term="Discounts">−{money(order.discountTotal)}</Term>}
        <Term term="Shipping (your share)">{money(order.shippingTotal)}</Term>
        <Term term="Tax">{money(order.taxTotal)}</Term>
        <div className="flex justify-between gap-4 py-2 font-semibold">
          <dt>Total</dt>
          <dd className="tabular-nums">{money(order.total)}</dd>
        </div>
        <Term term="Commission">−{money(order.commissionTotal)}</Term>
        <div className="flex justify-between gap-4 py-2 text-base font-semibold">
          <dt>Your payout</dt>
          <dd className="tabular-nums" data-testid="vendor-order-payout">
            {money(order.payableTotal)}
          </dd>
        </div>
      </dl>
    </Section>
  );
}

function TrackingLink({ shipment }: { shipment: VendorShipment }) {
  if (!shipment.trackingNumber) return <span className="text-neutral-600">No tracking number</span>;
  return shipment.trackingUrl ? (
    <a
      href={shipment.trackingUrl}
      target="_blank"
      rel="noopener noreferrer"
      className={`${textLink} break-all font-mono`}
    >
      {shipment.trackingNumber}
      <span className="sr-only"> (track the parcel, opens in a new tab)</span>
    </a>
  ) : (
    <span className="break-all font-mono">{shipment.trackingNumber}</span>
  );
}

function ShipmentsSection({ order }: { order: VendorOrder }) {
  const names = new Map(order.lines.map((l) => [l.id, lineName(l)]));
  return (
    <Section title="Shipments">
      {order.shipments.length === 0 ? (
        <p className="text-sm text-neutral-600">Nothing shipped yet.</p>
      ) : (
        <ol className="space-y-4" data-testid="vendor-order-shipments">
          {order.shipments.map((shipment, index) => (
            <li
              key={shipment.id}
              className="rounded-lg border border-neutral-200 p-4 text-sm"
              data-testid="vendor-order-shipment"
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h3 className="font-semibold text-neutral-900">
                  Parcel {index + 1}: {carrierName(shipment.carrier)}
                </h3>
                <StatusBadge value={shipment.status} />
              </div>
              <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
                <dt className="text-neutral-700">Tracking</dt>
                <dd className="min-w-0">
                  <TrackingLink shipment={shipment} />
                </dd>
                <dt className="text-neutral-700">Shipped</dt>
                <dd>
                  {shipment.shippedAt ? (
                    <time dateTime={shipment.shippedAt}>{formatDateTime(shipment.shippedAt)}</time>
                  ) : (
                    "—"
                  )}
                </dd>
                {shipment.deliveredAt && (
                  <>
                    <dt className="text-neutral-700">Delivered</dt>
                    <dd>
                      <time dateTime={shipment.deliveredAt}>{formatDateTime(shipment.deliveredAt)}</time>
                    </dd>
                  </>
                )}
                <dt className="text-neutral-700">Items</dt>
                <dd>
                  <ul>
                    {shipment.lines.map((l) => (
                      <li key={l.lineId}>
                        {names.get(l.lineId) ?? "An item"} × {l.quantity}
                      </li>
                    ))}
                  </ul>
                </dd>
              </dl>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

/**
 * The "Ship" form: the carrier (UPS, USPS, FedEx, DHL or another named in words), the tracking number
 * and the units of each line in the parcel (all that is left, unless changed). The server checks the
 * units; its messages show under the lines they are about.
 */
function ShipForm({ order }: { order: VendorOrder }) {
  const toast = useToast();
  const formId = useId();
  const lines = order.lines.filter((l) => l.leftToShip > 0);
  const [units, setUnits] = useState<Record<string, string>>(() =>
    Object.fromEntries(lines.map((l) => [l.id, String(l.leftToShip)])),
  );
  const [choice, setChoice] = useState("");
  const [otherCarrier, setOtherCarrier] = useState("");
  const [trackingNumber, setTrackingNumber] = useState("");
  const [trackingUrl, setTrackingUrl] = useState("");
  const [local, setLocal] = useState<{ carrier?: string; lines?: string; byLine: Record<string, string> }>({
    byLine: {},
  });
  /** The line ids in the order they were sent: the server names lines by their index (`lines[0]`). */
  const [sent, setSent] = useState<string[]>([]);

  const ship = useMutation({
    mutationFn: (body: VendorShipmentInput) => vendorApi.ship(order.id, body),
    onSuccess: async (next) => {
      queryClient.setQueryData(vendorOrderKey(order.id), next);
      const parcel = next.shipments.at(-1);
      toast.success(
        "Shipment saved",
        parcel
          ? `${carrierName(parcel.carrier)}${parcel.trackingNumber ? ` ${parcel.trackingNumber}` : ""}: the shopper is e-mailed the tracking.`
          : undefined,
      );
      await queryClient.invalidateQueries({ queryKey: vendorOrdersKey });
    },
    onError: async (error) => {
      // Refunded or shipped meanwhile: show the order as it is now.
      if (isApiError(error) && error.status === 409)
        await queryClient.invalidateQueries({ queryKey: vendorOrderKey(order.id) });
    },
  });

  const problem = problemOf(ship.error);
  const serverField = (path: string) =>
    problem?.errors?.find((e) => problemFieldPath(e.field) === path)?.message;
  const carrierError = local.carrier ?? (serverField("carrier") && sentence(serverField("carrier")!));
  const lineError = (lineId: string): string | undefined => {
    if (local.byLine[lineId]) return local.byLine[lineId];
    const index = sent.indexOf(lineId);
    if (index < 0) return undefined;
    const message = serverField(`lines.${index}.quantity`) ?? serverField(`lines.${index}.lineId`);
    return message && sentence(message);
  };
  const shownFields = [
    "carrier",
    "trackingNumber",
    "trackingUrl",
    ...sent.flatMap((_, i) => [`lines.${i}.quantity`, `lines.${i}.lineId`]),
  ];

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const byLine: Record<string, string> = {};
    const chosen: { lineId: string; quantity: number }[] = [];
    for (const line of lines) {
      const text = (units[line.id] ?? "").trim();
      if (text === "" || text === "0") continue;
      if (!/^\d+$/.test(text)) {
        byLine[line.id] = "Enter a whole number of units (0 to leave it out).";
        continue;
      }
      chosen.push({ lineId: line.id, quantity: Number(text) });
    }
    const carrier = choice === "other" ? otherCarrier.trim() : choice;
    const next = {
      byLine,
      carrier: carrier
        ? undefined
        : choice === "other"
          ? "Name the carrier."
          : "Choose the carrier that takes the parcel.",
      lines:
        chosen.length === 0 && Object.keys(byLine).length === 0
          ? "Enter the units of at least one item."
          : undefined,
    };
    setLocal(next);
    if (next.carrier || next.lines || Object.keys(byLine).length > 0) {
      ship.reset();
      return;
    }
    setSent(chosen.map((c) => c.lineId));
    ship.mutate({
      carrier,
      ...(trackingNumber.trim() ? { trackingNumber: trackingNumber.trim() } : {}),
      ...(choice === "other" && trackingUrl.trim() ? { trackingUrl: trackingUrl.trim() } : {}),
      lines: chosen,
    });
  };

  return (
    <Section
      title="Ship"
      description="Pack the items, send them, and record the parcel here: the shopper is e-mailed the tracking."
    >
      <ProblemForm
        problem={ship.error ?? undefined}
        summary="none"
        onSubmit={onSubmit}
        noValidate
        aria-label={`Ship order ${order.number}`}
        className="space-y-5"
        data-testid="vendor-ship-form"
      >
        {ship.error != null && (
          <ErrorSummary
            problem={ship.error}
            shownFields={shownFields}
            fieldsMessage="The parcel wasn't saved. Please correct the highlighted fields."
          />
        )}
        <fieldset aria-describedby={local.lines ? `${formId}-lines-error` : undefined}>
          <legend className="text-sm font-semibold text-neutral-900">Units in this parcel</legend>
          <p className="mt-1 text-sm text-neutral-600">
            Everything left to ship, unless you change it. Enter 0 to leave an item for a later parcel.
          </p>
          {local.lines && (
            <p id={`${formId}-lines-error`} className="mt-1 text-sm font-medium text-red-700">
              {local.lines}
            </p>
          )}
          <ul className="mt-3 space-y-3">
            {lines.map((line) => (
              <li key={line.id}>
                <Field
                  label={lineName(line)}
                  name={`units-${line.id}`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={line.leftToShip}
                  step={1}
                  value={units[line.id] ?? ""}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setUnits((all) => ({ ...all, [line.id]: value }));
                  }}
                  hint={`${line.leftToShip} left to ship · SKU ${line.sku}`}
                  error={lineError(line.id)}
                  className="max-w-xs"
                  inputClassName="w-28"
                />
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Carrier"
            name="carrierChoice"
            value={choice}
            onChange={(event) => setChoice(event.currentTarget.value)}
            placeholder="Choose a carrier"
            error={choice === "other" ? undefined : carrierError}
            hint={choice === "other" ? undefined : "UPS, USPS, FedEx and DHL get a tracking link."}
          >
            {carriers.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
            <option value="other">Other</option>
          </SelectField>
          {choice === "other" && (
            <Field
              label="Carrier name"
              name="carrier"
              maxLength={40}
              autoComplete="off"
              value={otherCarrier}
              onChange={(event) => setOtherCarrier(event.currentTarget.value)}
              error={carrierError}
            />
          )}
          <Field
            label="Tracking number"
            name="trackingNumber"
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            value={trackingNumber}
            onChange={(event) => setTrackingNumber(event.currentTarget.value)}
            hint="Optional, but shoppers like to follow their parcel."
          />
          {choice === "other" && (
            <Field
              label="Tracking link (optional)"
              name="trackingUrl"
              type="url"
              maxLength={500}
              autoComplete="off"
              value={trackingUrl}
              onChange={(event) => setTrackingUrl(event.currentTarget.value)}
              hint="The carrier's page for this parcel, https://…"
            />
          )}
        </div>
        <Button type="submit" disabled={ship.isPending}>
          {ship.isPending ? "Saving…" : "Ship items"}
        </Button>
      </ProblemForm>
    </Section>
  );
}

/**
 * One of the vendor's orders: its lines with what has shipped and what is left, where they go, the
 * money (what the vendor is paid after commission), its parcels, and the "Ship" form while something
 * is left to ship.
 */
export function VendorOrderDetailPage() {
  const { id = "" } = useParams();
  const order = useVendorOrder(id);
  const back = (
    <p className="mb-2 text-sm">
      <Link to="/vendor/orders" className={textLink}>
        ← All orders
      </Link>
    </p>
  );

  if (order.isError && isApiError(order.error) && order.error.status === 404) {
    return (
      <>
        {back}
        <PageHeading title="Order not found" />
        <p className="text-sm text-neutral-700">
          There is no order of yours with this address. It may belong to another vendor.
        </p>
      </>
    );
  }
  if (!order.data) {
    return (
      <>
        {back}
        <PageHeading title="Order" />
        <QueryState query={order} label="the order" />
      </>
    );
  }
  const o = order.data;
  const reason = notShippableReason(o);
  const toShip = o.canShip;

  return (
    <>
      {back}
      <PageHeading
        title={`Order ${o.number}`}
        intro={
          <>
            Placed <time dateTime={o.placedAt}>{formatDate(o.placedAt)}</time>. Your part of the shopper's
            order #{o.orderNumber}.
          </>
        }
      />
      <p className="mb-6 flex flex-wrap items-center gap-2 text-sm text-neutral-700">
        Status:{" "}
        <VendorOrderStatus
          order={{ orderStatus: o.orderStatus, fulfillmentStatus: o.fulfillmentStatus, toShip }}
          data-testid="vendor-order-status"
        />
      </p>
      {reason && (
        <Notice tone="warning" className="mb-6">
          {reason}
        </Notice>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <LinesSection order={o} />
          {o.canShip && <ShipForm key={o.shipments.length} order={o} />}
          <ShipmentsSection order={o} />
        </div>
        <div className="min-w-0 space-y-6">
          <ShipToSection order={o} />
          <MoneySection order={o} />
        </div>
      </div>
    </>
  );
}
