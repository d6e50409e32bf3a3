import {
  type AdminOrder,
  type AdminOrderPayment,
  type BodyOf,
  errorMessage,
  isApiError,
  newIdempotencyKey,
  type OrderLine,
  type RefundReason,
  refundReasons,
  type ShipmentInput,
} from "@bazaar/sdk";
import { Button, formatMinor, minorToDecimalString, parseMajorToMinor } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { adminApi } from "../api";
import { queryClient, useCan } from "../queries";
import {
  Alert,
  Checkbox,
  Field,
  Notice,
  Section,
  SelectField,
  TableScroll,
  TextAreaField,
  tableClass,
  tdClass,
  thClass,
} from "./forms";
import { humanize } from "./orders";
import { indexedErrors, problemFields } from "./problems";

export const orderKey = (id: string) => ["admin", "order", id] as const;

/** After an action answered with the order: show it, and let lists refetch. */
async function storeOrder(order: AdminOrder) {
  queryClient.setQueryData(orderKey(order.id), order);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ["admin", "orders"] }),
    queryClient.invalidateQueries({ queryKey: ["admin", "returns"] }),
  ]);
}

const manualProviders = ["bank_transfer", "cash_on_delivery"];

/** The product's name with its variant ("Trail Tee (S)"). */
export function lineName(line: OrderLine): string {
  return line.variantTitle && line.variantTitle !== line.productName
    ? `${line.productName} (${line.variantTitle})`
    : line.productName;
}

/** The payment a refund draws on (the server's choice: the newest captured one) and what is left on it. */
export function refundablePayment(order: AdminOrder): { payment: AdminOrderPayment; left: number } | null {
  const payment = [...order.payments]
    .filter((p) => ["captured", "partially_refunded", "refunded"].includes(p.status))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!payment) return null;
  return { payment, left: Math.max(payment.capturedAmount - payment.refundedAmount, 0) };
}

/** Units of a line still to ship: not shipped and not refunded before shipping. */
export function leftToShip(line: OrderLine): number {
  return Math.max(line.quantity - line.fulfilledQuantity - line.cancelledQuantity, 0);
}

/** Lines with units still to ship (digital lines never ship). */
export function shippableLines(order: AdminOrder): OrderLine[] {
  return order.lines.filter((l) => !l.isDigital && leftToShip(l) > 0);
}

/** Which actions this staff member may take on this order now (permission and order state). */
export function useOrderActions(order: AdminOrder) {
  const canWrite = useCan("orders:write");
  const canRefund = useCan("orders:refund");
  const manual = order.payments.find((p) => manualProviders.includes(p.provider));
  const refundable = refundablePayment(order);
  const pickup = order.shippingMethod?.type === "pickup";
  return {
    approve: canWrite && order.status === "on_hold",
    markPaid:
      canWrite &&
      manual !== undefined &&
      ["pending", "authorized"].includes(manual.status) &&
      ["pending_payment", "on_hold", "processing"].includes(order.status),
    cancel:
      canWrite &&
      ["pending_payment", "on_hold", "processing"].includes(order.status) &&
      ["unfulfilled", "not_required"].includes(order.fulfillmentStatus),
    refund: canRefund && refundable !== null && refundable.left > 0,
    ship:
      canWrite &&
      !pickup &&
      ["processing", "partially_shipped"].includes(order.status) &&
      shippableLines(order).length > 0,
    // A pickup order has no carrier: it is made ready, then handed over.
    readyForPickup: canWrite && pickup && order.status === "processing" && shippableLines(order).length > 0,
    pickedUp: canWrite && pickup && order.status === "ready_for_pickup",
  };
}

type Panel = "cancel" | "refund" | "ship";

/** The action toolbar of an order, and the form of the action being taken. */
export function OrderActions({ order }: { order: AdminOrder }) {
  const actions = useOrderActions(order);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const finish = (message: string) => {
    setPanel(null);
    setDone(message);
  };

  const approve = useMutation({
    mutationFn: () => adminApi.approveOrder(order.id),
    onSuccess: async (next) => {
      await storeOrder(next);
      finish("Order approved: it is now processing.");
    },
  });
  const markPaid = useMutation({
    mutationFn: () => adminApi.markOrderPaid(order.id),
    onSuccess: async (next) => {
      await storeOrder(next);
      finish("Payment marked as received.");
    },
  });
  const readyForPickup = useMutation({
    mutationFn: () => adminApi.markReadyForPickup(order.id),
    onSuccess: async (next) => {
      await storeOrder(next);
      finish("Marked ready for pickup: the customer has been e-mailed where to collect it.");
    },
  });
  const pickedUp = useMutation({
    mutationFn: () => adminApi.markPickedUp(order.id),
    onSuccess: async (next) => {
      await storeOrder(next);
      finish("Recorded as collected by the customer.");
    },
  });
  const simpleError = approve.error ?? markPaid.error ?? readyForPickup.error ?? pickedUp.error;

  // Close a form whose action the order no longer allows (e.g. after another action).
  useEffect(() => {
    if (panel && !actions[panel]) setPanel(null);
  }, [panel, actions]);

  const any = Object.values(actions).some(Boolean);
  const toggle = (which: Panel, label: string) => (
    <Button
      variant={panel === which ? "primary" : "secondary"}
      aria-expanded={panel === which}
      aria-controls={panel === which ? panelId : undefined}
      onClick={() => {
        setDone(null);
        setPanel(panel === which ? null : which);
      }}
    >
      {label}
    </Button>
  );

  return (
    <Section title="Actions" className="print:hidden">
      <div ref={doneRef} tabIndex={-1} className="outline-none">
        {done && (
          <Notice className="mb-4" data-testid="action-done">
            {done}
          </Notice>
        )}
      </div>
      {simpleError && <Alert className="mb-4">{errorMessage(simpleError)}</Alert>}
      {!any && (
        <p className="text-sm text-neutral-600">
          Nothing to do here: the order's state or your permissions allow no action.
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        {actions.approve && (
          <Button
            disabled={approve.isPending}
            onClick={() => {
              if (
                window.confirm(`Release order #${order.number}? Its authorized payment is captured in full.`)
              )
                approve.mutate();
            }}
          >
            {approve.isPending ? "Approving…" : "Approve held order"}
          </Button>
        )}
        {actions.markPaid && (
          <Button
            disabled={markPaid.isPending}
            onClick={() => {
              if (window.confirm(`Mark the payment of order #${order.number} as received in full?`))
                markPaid.mutate();
            }}
          >
            {markPaid.isPending ? "Saving…" : "Mark as paid"}
          </Button>
        )}
        {actions.readyForPickup && (
          <Button
            disabled={readyForPickup.isPending}
            onClick={() => {
              if (
                window.confirm(
                  `Mark order #${order.number} ready for pickup? The customer is e-mailed to collect it at ${order.shippingMethod?.pickupAddress ?? "the pickup point"}.`,
                )
              )
                readyForPickup.mutate();
            }}
          >
            {readyForPickup.isPending ? "Saving…" : "Ready for pickup"}
          </Button>
        )}
        {actions.pickedUp && (
          <Button
            disabled={pickedUp.isPending}
            onClick={() => {
              if (window.confirm(`Record that the customer collected order #${order.number}?`))
                pickedUp.mutate();
            }}
          >
            {pickedUp.isPending ? "Saving…" : "Mark as picked up"}
          </Button>
        )}
        {actions.ship && toggle("ship", "Create shipment")}
        {actions.refund && toggle("refund", "Refund")}
        {actions.cancel && toggle("cancel", "Cancel order")}
      </div>
      {panel && (
        <div id={panelId} className="mt-4 rounded-lg border border-neutral-200 bg-neutral-50 p-4">
          {panel === "ship" && <ShipmentForm order={order} onDone={finish} onClose={() => setPanel(null)} />}
          {panel === "refund" && <RefundForm order={order} onDone={finish} onClose={() => setPanel(null)} />}
          {panel === "cancel" && <CancelForm order={order} onDone={finish} onClose={() => setPanel(null)} />}
        </div>
      )}
    </Section>
  );
}

interface FormProps {
  order: AdminOrder;
  onDone: (message: string) => void;
  onClose: () => void;
}

function FormButtons({
  pending,
  submit,
  busy,
  onClose,
}: {
  pending: boolean;
  submit: string;
  busy: string;
  onClose: () => void;
}) {
  return (
    <div className="flex flex-wrap gap-2">
      <Button type="submit" disabled={pending}>
        {pending ? busy : submit}
      </Button>
      <Button variant="ghost" onClick={onClose}>
        Close
      </Button>
    </div>
  );
}

function FormTitle({ id, children }: { id: string; children: ReactNode }) {
  return (
    <h3 id={id} className="text-base font-semibold text-neutral-900">
      {children}
    </h3>
  );
}

/** Cancel an order before anything shipped, with a reason for the timeline. */
function CancelForm({ order, onDone, onClose }: FormProps) {
  const titleId = useId();
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const cancel = useMutation({
    mutationFn: (why: string) => adminApi.cancelOrder(order.id, why),
    onSuccess: async (next) => {
      await storeOrder(next);
      onDone(`Order #${next.number} cancelled.`);
    },
  });
  const errors = problemFields(cancel.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const why = reason.trim();
    if (!why) {
      setMissing(true);
      return;
    }
    setMissing(false);
    cancel.mutate(why);
  };
  return (
    <form onSubmit={onSubmit} aria-labelledby={titleId} className="space-y-4" noValidate>
      <FormTitle id={titleId}>Cancel order #{order.number}</FormTitle>
      <p className="text-sm text-neutral-700">
        Reserved stock and coupon uses are released; an authorized payment is voided and a captured one is
        refunded in full. The customer is e-mailed.
      </p>
      {cancel.isError && <Alert>{errorMessage(cancel.error)}</Alert>}
      <TextAreaField
        label="Reason"
        name="reason"
        required
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value)}
        hint="Kept on the order's timeline."
        error={missing ? "Give a reason." : errors.reason}
        className="max-w-lg"
      />
      <FormButtons
        pending={cancel.isPending}
        submit="Confirm cancellation"
        busy="Cancelling…"
        onClose={onClose}
      />
    </form>
  );
}

const reasonLabels: Record<RefundReason, string> = {
  requested_by_customer: "Requested by the customer",
  duplicate: "Duplicate payment",
  fraudulent: "Fraudulent",
  other: "Other",
};

/**
 * The minor units of `count` units of a line after the first `from`: the line total split over its
 * units by largest remainder (the server's rule), so refunding every unit gives back the line total.
 */
function unitsWorth(line: OrderLine, from: number, count: number): number {
  const base = Math.floor(line.total / line.quantity);
  const extra = line.total - base * line.quantity;
  let sum = 0;
  for (let i = from; i < from + count; i++) sum += base + (i < extra ? 1 : 0);
  return sum;
}

/**
 * Refund items (units of lines, each with a restock choice) and shipping, or an amount. The amount is
 * computed from the items and shipping as the server does and may be lowered by hand (typed in major
 * units, converted to minor units by string arithmetic); an Idempotency-Key makes a retry of the same
 * request safe.
 */
function RefundForm({ order, onDone, onClose }: FormProps) {
  const titleId = useId();
  const refundable = refundablePayment(order);
  const left = refundable?.left ?? 0;
  const currency = order.currency;
  const lines = order.lines.filter((l) => l.quantity > l.refundedQuantity);
  const [items, setItems] = useState<Record<string, { quantity: string; restock: boolean }>>(() =>
    Object.fromEntries(lines.map((l) => [l.id, { quantity: "0", restock: !l.isDigital }])),
  );
  const [shipping, setShipping] = useState("");
  const [amount, setAmount] = useState("");
  const [amountTouched, setAmountTouched] = useState(false);
  const [reason, setReason] = useState<RefundReason>("requested_by_customer");
  const [note, setNote] = useState("");
  const [local, setLocal] = useState<{ amount?: string; shipping?: string; byLine: Record<string, string> }>({
    byLine: {},
  });
  const [sent, setSent] = useState<string[]>([]);
  // One key per distinct request: kept for a retry whose outcome was unknown, renewed otherwise.
  const key = useRef(newIdempotencyKey("adm"));
  const renewKey = () => {
    key.current = newIdempotencyKey("adm");
  };
  const refund = useMutation({
    mutationFn: (body: BodyOf<"/api/admin/orders/{id}/refunds">) =>
      adminApi.refundOrder(order.id, body, key.current),
    onSuccess: async (next) => {
      renewKey();
      await storeOrder(next);
      const issued = next.refunds.at(-1);
      onDone(`Refund of ${formatMinor(issued?.amount ?? 0, currency)} issued.`);
    },
    onError: (error) => {
      const unknownOutcome = isApiError(error) && (error.status === 0 || error.status === 503);
      if (!unknownOutcome) renewKey();
    },
  });
  const errors = problemFields(refund.error, {
    REFUND_EXCEEDS_CAPTURED: "amount",
    NOTHING_TO_REFUND: "amount",
  });
  const serverLineErrors = indexedErrors(refund.error, "lines");
  const lineError = (lineId: string): string | undefined => {
    if (local.byLine[lineId]) return local.byLine[lineId];
    const index = sent.indexOf(lineId);
    return index >= 0 ? serverLineErrors.get(index) : undefined;
  };

  // What the chosen items and shipping are worth (null while an entry is not a number).
  const shippingMinor = shipping.trim() ? parseMajorToMinor(shipping, currency) : null;
  let computed = 0;
  for (const line of lines) {
    const quantity = Number(items[line.id]?.quantity ?? "0");
    if (Number.isInteger(quantity) && quantity > 0 && quantity <= line.quantity - line.refundedQuantity)
      computed += unitsWorth(line, line.refundedQuantity, quantity);
  }
  if (shippingMinor?.ok) computed += shippingMinor.minor;
  const perItem = computed > 0;
  const shownAmount = amountTouched || !perItem ? amount : minorToDecimalString(computed, currency);

  const edited = () => {
    if (!refund.isPending) renewKey();
  };
  const setItem = (lineId: string, change: Partial<{ quantity: string; restock: boolean }>) => {
    setItems((all) => ({ ...all, [lineId]: { ...all[lineId]!, ...change } }));
    edited();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const byLine: Record<string, string> = {};
    const chosen: { lineId: string; quantity: number; restock: boolean }[] = [];
    for (const line of lines) {
      const item = items[line.id]!;
      const max = line.quantity - line.refundedQuantity;
      const text = item.quantity.trim() || "0";
      const quantity = Number(text);
      if (!/^\d+$/.test(text) || quantity > max) {
        byLine[line.id] = `Between 0 and ${max}.`;
        continue;
      }
      if (quantity > 0) chosen.push({ lineId: line.id, quantity, restock: item.restock });
    }
    const next: typeof local = { byLine };
    let shippingValue: number | undefined;
    if (shipping.trim()) {
      if (!shippingMinor?.ok) next.shipping = shippingMinor?.message ?? "Enter an amount.";
      else if (shippingMinor.minor > 0) shippingValue = shippingMinor.minor;
    }
    let amountValue: number | undefined;
    if (amountTouched || !perItem) {
      const parsed = parseMajorToMinor(amount, currency);
      if (!parsed.ok) next.amount = parsed.message;
      else if (parsed.minor < 1) next.amount = "Enter an amount above zero.";
      else if (parsed.minor > left) next.amount = `At most ${formatMinor(left, currency)} can be refunded.`;
      else if (perItem && parsed.minor > computed)
        next.amount = `At most ${formatMinor(computed, currency)}, what the items and shipping are worth.`;
      else amountValue = parsed.minor;
    } else if (computed > left) {
      next.amount = `At most ${formatMinor(left, currency)} can be refunded.`;
    }
    setLocal(next);
    if (next.amount || next.shipping || Object.keys(byLine).length) return;
    setSent(chosen.map((c) => c.lineId));
    refund.mutate({
      reason,
      ...(amountValue !== undefined ? { amount: amountValue } : {}),
      ...(chosen.length ? { lines: chosen } : {}),
      ...(shippingValue !== undefined ? { shipping: shippingValue } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };

  return (
    <form onSubmit={onSubmit} aria-labelledby={titleId} className="space-y-4" noValidate>
      <FormTitle id={titleId}>Refund order #{order.number}</FormTitle>
      <p className="text-sm text-neutral-700">
        Refunds go back through {refundable ? humanize(refundable.payment.provider) : "the payment provider"}.{" "}
        {formatMinor(left, currency)} of {formatMinor(refundable?.payment.capturedAmount ?? 0, currency)}{" "}
        captured can still be refunded. Choose items to refund them at what was paid for them, or type an
        amount.
      </p>
      {refund.isError && <Alert>{errorMessage(refund.error)}</Alert>}
      {lines.length > 0 && (
        <fieldset>
          <legend className="text-sm font-medium text-neutral-900">Items to refund</legend>
          <TableScroll label="Items to refund">
            <table className={`${tableClass} mt-2`} data-testid="refund-lines">
              <thead>
                <tr>
                  <th scope="col" className={thClass}>
                    Item
                  </th>
                  <th scope="col" className={thClass}>
                    Units to refund
                  </th>
                  <th scope="col" className={thClass}>
                    Restock
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => {
                  const item = items[line.id]!;
                  const max = line.quantity - line.refundedQuantity;
                  return (
                    <tr key={line.id}>
                      <td className={tdClass}>
                        {lineName(line)}
                        <span className="block text-xs text-neutral-500">
                          {formatMinor(line.total, currency)} for {line.quantity}
                          {line.refundedQuantity > 0 ? `, ${line.refundedQuantity} refunded` : ""}
                        </span>
                      </td>
                      <td className={tdClass}>
                        <Field
                          label={`Units of ${lineName(line)} to refund`}
                          name={`refund-quantity-${line.id}`}
                          inputMode="numeric"
                          autoComplete="off"
                          value={item.quantity}
                          onChange={(event) => setItem(line.id, { quantity: event.currentTarget.value })}
                          hint={`0 to ${max}`}
                          error={lineError(line.id)}
                          className="w-28 [&>label]:sr-only"
                        />
                      </td>
                      <td className={tdClass}>
                        <Checkbox
                          label={`Restock ${lineName(line)}`}
                          name={`restock-${line.id}`}
                          checked={item.restock}
                          disabled={line.isDigital}
                          onChange={(event) => setItem(line.id, { restock: event.currentTarget.checked })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </fieldset>
      )}
      <div className="flex flex-wrap items-start gap-3">
        <Field
          label={`Shipping to refund (${currency})`}
          name="shipping"
          inputMode="decimal"
          autoComplete="off"
          value={shipping}
          onChange={(event) => {
            setShipping(event.currentTarget.value);
            edited();
          }}
          hint="Optional."
          error={local.shipping ?? errors.shipping}
          className="w-56"
        />
        <Field
          label={`Amount (${currency})`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          required
          value={shownAmount}
          onChange={(event) => {
            setAmount(event.currentTarget.value);
            setAmountTouched(true);
            edited();
          }}
          hint={
            perItem
              ? `Worked out from the items and shipping: ${formatMinor(computed, currency)}; you may lower it.`
              : `Up to ${formatMinor(left, currency)}.`
          }
          error={local.amount ?? errors.amount}
          className="w-56"
        />
        <Button
          variant="secondary"
          className="mt-6"
          onClick={() => {
            setAmount(minorToDecimalString(perItem ? Math.min(computed, left) : left, currency));
            setAmountTouched(!perItem);
            setLocal((l) => ({ ...l, amount: undefined }));
            edited();
          }}
        >
          {perItem ? "Use the items' worth" : "Refund everything left"}
        </Button>
      </div>
      <SelectField
        label="Reason"
        name="reason"
        value={reason}
        onChange={(event) => {
          setReason(event.currentTarget.value as RefundReason);
          edited();
        }}
        error={errors.reason}
        className="max-w-xs"
      >
        {refundReasons.map((r) => (
          <option key={r} value={r}>
            {reasonLabels[r]}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        label="Note (optional)"
        name="note"
        maxLength={1000}
        value={note}
        onChange={(event) => {
          setNote(event.currentTarget.value);
          edited();
        }}
        error={errors.note}
        className="max-w-lg"
      />
      <FormButtons pending={refund.isPending} submit="Issue refund" busy="Refunding…" onClose={onClose} />
    </form>
  );
}

const carriers = ["ups", "usps", "fedex", "dhl"];

/** Ship some or all units left to ship, with carrier and tracking. */
function ShipmentForm({ order, onDone, onClose }: FormProps) {
  const titleId = useId();
  const carrierListId = useId();
  const lines = shippableLines(order);
  const [picked, setPicked] = useState<Record<string, { on: boolean; quantity: string }>>(() =>
    Object.fromEntries(lines.map((l) => [l.id, { on: true, quantity: String(leftToShip(l)) }])),
  );
  const [carrier, setCarrier] = useState("");
  const [trackingNumber, setTrackingNumber] = useState("");
  const [trackingUrl, setTrackingUrl] = useState("");
  const [local, setLocal] = useState<{ lines?: string; carrier?: string; byLine: Record<string, string> }>({
    byLine: {},
  });
  const [sent, setSent] = useState<string[]>([]);

  const ship = useMutation({
    mutationFn: (body: ShipmentInput) => adminApi.shipOrder(order.id, body),
    onSuccess: async (next) => {
      await storeOrder(next);
      const parcel = next.fulfillments.at(-1);
      onDone(
        `Shipment created${parcel ? ` with ${parcel.carrier}${parcel.trackingNumber ? ` (${parcel.trackingNumber})` : ""}` : ""}.`,
      );
    },
  });
  const errors = problemFields(ship.error);
  const serverLineErrors = indexedErrors(ship.error, "lines");
  const lineError = (lineId: string): string | undefined => {
    if (local.byLine[lineId]) return local.byLine[lineId];
    const index = sent.indexOf(lineId);
    return index >= 0 ? serverLineErrors.get(index) : undefined;
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const byLine: Record<string, string> = {};
    const chosen: { lineId: string; quantity: number }[] = [];
    for (const line of lines) {
      const pick = picked[line.id];
      if (!pick?.on) continue;
      const max = leftToShip(line);
      const quantity = Number(pick.quantity);
      if (!/^\d+$/.test(pick.quantity.trim()) || quantity < 1 || quantity > max) {
        byLine[line.id] = max === 1 ? "Ship 1 unit." : `Between 1 and ${max}.`;
        continue;
      }
      chosen.push({ lineId: line.id, quantity });
    }
    const next = {
      byLine,
      lines:
        chosen.length === 0 && Object.keys(byLine).length === 0 ? "Choose at least one item." : undefined,
      carrier: carrier.trim() ? undefined : "Name the carrier, e.g. ups.",
    };
    setLocal(next);
    if (next.lines || next.carrier || Object.keys(byLine).length) return;
    setSent(chosen.map((c) => c.lineId));
    ship.mutate({
      carrier: carrier.trim(),
      ...(trackingNumber.trim() ? { trackingNumber: trackingNumber.trim() } : {}),
      ...(trackingUrl.trim() ? { trackingUrl: trackingUrl.trim() } : {}),
      lines: chosen,
    });
  };

  return (
    <form onSubmit={onSubmit} aria-labelledby={titleId} className="space-y-4" noValidate>
      <FormTitle id={titleId}>Create a shipment for order #{order.number}</FormTitle>
      {ship.isError && <Alert>{errorMessage(ship.error)}</Alert>}
      <fieldset>
        <legend className="text-sm font-medium text-neutral-900">Items in this parcel</legend>
        {local.lines && (
          <p className="mt-1 text-sm font-medium text-red-700" role="alert">
            {local.lines}
          </p>
        )}
        <TableScroll label="Items to ship">
          <table className={`${tableClass} mt-2`} data-testid="shipment-lines">
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Ship
                </th>
                <th scope="col" className={thClass}>
                  Item
                </th>
                <th scope="col" className={thClass}>
                  SKU
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  Left to ship
                </th>
                <th scope="col" className={thClass}>
                  Quantity
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-100">
              {lines.map((line) => {
                const pick = picked[line.id] ?? { on: false, quantity: "1" };
                const max = leftToShip(line);
                const error = lineError(line.id);
                const errorId = `${titleId}-${line.id}-error`;
                const set = (change: Partial<{ on: boolean; quantity: string }>) =>
                  setPicked((all) => ({ ...all, [line.id]: { ...pick, ...change } }));
                return (
                  <tr key={line.id}>
                    <td className={tdClass}>
                      <input
                        type="checkbox"
                        aria-label={`Ship ${lineName(line)}`}
                        checked={pick.on}
                        onChange={(event) => set({ on: event.currentTarget.checked })}
                        className="size-4 accent-accent-700"
                      />
                    </td>
                    <td className={tdClass}>{lineName(line)}</td>
                    <td className={`${tdClass} font-mono text-xs`}>{line.sku}</td>
                    <td className={`${tdClass} text-right tabular-nums`}>{max}</td>
                    <td className={tdClass}>
                      <input
                        type="number"
                        min={1}
                        max={max}
                        step={1}
                        inputMode="numeric"
                        aria-label={`Quantity of ${lineName(line)} to ship`}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? errorId : undefined}
                        disabled={!pick.on}
                        value={pick.quantity}
                        onChange={(event) => set({ quantity: event.currentTarget.value })}
                        className="h-9 w-20 rounded-lg border border-neutral-300 bg-white px-2 text-sm aria-[invalid=true]:border-red-600 disabled:bg-neutral-100"
                      />
                      {error && (
                        <p id={errorId} className="mt-1 text-sm font-medium text-red-700">
                          {error}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Carrier"
          name="carrier"
          list={carrierListId}
          required
          maxLength={40}
          autoComplete="off"
          value={carrier}
          onChange={(event) => setCarrier(event.currentTarget.value)}
          hint="ups, usps, fedex, dhl or another name."
          error={local.carrier ?? errors.carrier}
        />
        <Field
          label="Tracking number"
          name="trackingNumber"
          maxLength={100}
          autoComplete="off"
          value={trackingNumber}
          onChange={(event) => setTrackingNumber(event.currentTarget.value)}
          error={errors.trackingNumber}
        />
        <Field
          label="Tracking link (optional)"
          name="trackingUrl"
          type="url"
          maxLength={500}
          autoComplete="off"
          value={trackingUrl}
          onChange={(event) => setTrackingUrl(event.currentTarget.value)}
          hint="Filled in for UPS, USPS, FedEx and DHL when left empty."
          error={errors.trackingUrl}
        />
      </div>
      <datalist id={carrierListId}>
        {carriers.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <FormButtons pending={ship.isPending} submit="Ship these items" busy="Shipping…" onClose={onClose} />
    </form>
  );
}
