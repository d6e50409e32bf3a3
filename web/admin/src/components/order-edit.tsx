import {
  type AdminOrder,
  type BodyOf,
  errorMessage,
  isApiError,
  newIdempotencyKey,
  ok,
  type ResponseOf,
} from "@bazaar/sdk";
import { Button, formatMinor } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useDeferredValue, useId, useMemo, useRef, useState } from "react";
import { client } from "../api";
import { queryClient, useCan } from "../queries";
import { Alert, Field, Notice, TableScroll, TextAreaField, tableClass, tdClass, thClass } from "./forms";
import { lineName, orderKey } from "./order-actions";
import { indexedErrors, problemFields } from "./problems";

type EditChange = BodyOf<"/api/admin/orders/{id}/edit">["changes"][number];
type EditPreview = ResponseOf<"/api/admin/orders/{id}/edit/preview", "post">;
type EditResult = ResponseOf<"/api/admin/orders/{id}/edit", "post">;

/** An item the editor adds: a variant at today's price (the server prices it again). */
interface AddedItem {
  variantId: string;
  name: string;
  sku: string;
  unitPrice: number;
  quantity: string;
}

const editableStatuses = ["processing", "on_hold"];

/** Whether an order's items may be edited now (the server's rule, see POST /orders/{id}/edit). */
export function isEditable(order: AdminOrder): boolean {
  return (
    editableStatuses.includes(order.status) &&
    ["unfulfilled", "not_required"].includes(order.fulfillmentStatus) &&
    order.lines.every((l) => l.fulfilledQuantity === 0) &&
    order.paymentStatus !== "authorized"
  );
}

const wholeUnits = (text: string): number | null => {
  const value = Number(text.trim());
  return /^\d+$/.test(text.trim()) && value >= 1 && value <= 10_000 ? value : null;
};

/**
 * Editing an order's lines before fulfilment: an "Edit items" button opening an editor to add
 * variants, change quantities and remove lines, with a live preview of the new totals and of the
 * payment difference, saved with If-Match. Rendered by the order page in its Items section; shown only
 * when the order is editable and the staff member holds orders:write. Also shows a balance due.
 */
export function OrderEditPanel({ order }: { order: AdminOrder }) {
  const canWrite = useCan("orders:write");
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // What was never collected: a refund (of a line, or goodwill) neither raises nor lowers it.
  const captured = order.totals.paidTotal + order.totals.refundedTotal;
  const balance = order.totals.total - captured;
  const showBalance = balance > 0 && captured > 0 && !["cancelled", "refunded"].includes(order.status);
  const editable = canWrite && isEditable(order);
  if (!editable && !showBalance) return null;
  return (
    <div className="mb-4 space-y-3 print:hidden" data-testid="order-edit">
      {showBalance && (
        <p className="text-sm font-medium text-amber-800" data-testid="balance-due">
          Balance due: {formatMinor(balance, order.currency)} (total{" "}
          {formatMinor(order.totals.total, order.currency)}, paid {formatMinor(captured, order.currency)}).
          Collect it from the customer.
        </p>
      )}
      {done && <Notice>{done}</Notice>}
      {editable &&
        (open ? (
          <OrderEditor
            key={order.version}
            order={order}
            onClose={() => setOpen(false)}
            onSaved={(message) => {
              setOpen(false);
              setDone(message);
            }}
          />
        ) : (
          <Button
            variant="secondary"
            onClick={() => {
              setDone(null);
              setOpen(true);
            }}
          >
            Edit items
          </Button>
        ))}
    </div>
  );
}

function OrderEditor({
  order,
  onClose,
  onSaved,
}: {
  order: AdminOrder;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const titleId = useId();
  const currency = order.currency;
  const money = (minor: number) => formatMinor(minor, currency);
  const [quantities, setQuantities] = useState<Record<string, string>>(() =>
    Object.fromEntries(order.lines.map((l) => [l.id, String(l.quantity)])),
  );
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [added, setAdded] = useState<AddedItem[]>([]);
  const [note, setNote] = useState("");
  const key = useRef(newIdempotencyKey("edit"));

  // The changes as the API takes them, with the row each one came from (to show its errors there).
  const { changes, rowOfChange, localErrors } = useMemo(() => {
    const list: EditChange[] = [];
    const rows: string[] = [];
    const errors: Record<string, string> = {};
    for (const line of order.lines) {
      if (removed.has(line.id)) {
        list.push({ type: "remove", lineId: line.id });
        rows.push(line.id);
        continue;
      }
      const text = quantities[line.id] ?? String(line.quantity);
      const quantity = wholeUnits(text);
      if (quantity === null) errors[line.id] = "A whole number from 1 to 10000 (remove the line to drop it).";
      else if (quantity !== line.quantity) {
        list.push({ type: "set_quantity", lineId: line.id, quantity });
        rows.push(line.id);
      }
    }
    for (const item of added) {
      const quantity = wholeUnits(item.quantity);
      if (quantity === null) errors[item.variantId] = "A whole number from 1 to 10000.";
      else {
        list.push({ type: "add", variantId: item.variantId, quantity });
        rows.push(item.variantId);
      }
    }
    return { changes: list, rowOfChange: rows, localErrors: errors };
  }, [order.lines, quantities, removed, added]);

  const hasLocalErrors = Object.keys(localErrors).length > 0;
  const deferred = useDeferredValue(changes);
  const preview = useQuery({
    queryKey: [...orderKey(order.id), "edit-preview", order.version, deferred],
    enabled: deferred.length > 0 && !hasLocalErrors,
    retry: false,
    queryFn: ({ signal }): Promise<EditPreview> =>
      ok(
        client.POST("/api/admin/orders/{id}/edit/preview", {
          params: { path: { id: order.id } },
          body: { changes: deferred },
          signal,
        }),
      ),
  });

  const save = useMutation({
    mutationFn: (): Promise<EditResult> =>
      ok(
        client.POST("/api/admin/orders/{id}/edit", {
          params: {
            path: { id: order.id },
            header: { "if-match": `"${order.version}"`, "idempotency-key": key.current },
          },
          body: { changes, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      ),
    onSuccess: async (result) => {
      queryClient.setQueryData(orderKey(order.id), result.order);
      await queryClient.invalidateQueries({ queryKey: ["admin", "orders"] });
      const { edit } = result;
      onSaved(
        `Items saved. New total ${money(result.order.totals.total)}.` +
          (edit.refund ? ` ${money(edit.refund.amount)} refunded to the customer.` : "") +
          (edit.refundError ? ` The refund of ${money(edit.refundDue)} failed: ${edit.refundError}` : "") +
          (edit.balanceDue > 0 ? ` Balance due: ${money(edit.balanceDue)}.` : ""),
      );
    },
    onError: (error) => {
      const unknownOutcome = isApiError(error) && (error.status === 0 || error.status >= 500);
      if (!unknownOutcome) key.current = newIdempotencyKey("edit");
    },
  });
  const stale = isApiError(save.error) && save.error.code === "STALE_VERSION";
  const problem = save.error ?? preview.error;
  const byChange = indexedErrors(problem, "changes");
  const rowErrors: Record<string, string> = {};
  for (const [index, message] of byChange) {
    const row = rowOfChange[index];
    if (row && !rowErrors[row]) rowErrors[row] = message;
  }
  const general = problemFields(problem).changes;
  const plan = preview.data && deferred === changes ? preview.data : preview.data;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (hasLocalErrors || changes.length === 0) return;
    save.mutate();
  };

  const quantityField = (rowKey: string, label: string, value: string, onChange: (text: string) => void) => (
    <Field
      label={`Quantity of ${label}`}
      name={`quantity-${rowKey}`}
      inputMode="numeric"
      autoComplete="off"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={localErrors[rowKey] ?? rowErrors[rowKey]}
      className="w-28 [&>label]:sr-only"
      inputClassName="text-right"
    />
  );

  return (
    <form
      onSubmit={onSubmit}
      aria-labelledby={titleId}
      className="space-y-4 rounded-lg border border-neutral-200 bg-neutral-50 p-4"
      noValidate
    >
      <h3 id={titleId} className="text-base font-semibold text-neutral-900">
        Edit the items of order #{order.number}
      </h3>
      <p className="text-sm text-neutral-700">
        Items on the order keep their price; added items take today's price. Tax and promotions are worked out
        again; shipping keeps its price. A lower total is refunded, a higher one becomes a balance due.
      </p>
      {stale ? (
        <Alert>
          Someone changed this order since you opened it.{" "}
          <Button
            variant="secondary"
            onClick={async () => {
              await queryClient.invalidateQueries({ queryKey: orderKey(order.id) });
              onClose();
            }}
          >
            Reload the order
          </Button>
        </Alert>
      ) : (
        problem && !byChange.size && <Alert>{general ?? errorMessage(problem)}</Alert>
      )}
      <TableScroll label="Items">
        <table className={tableClass} data-testid="edit-lines">
          <thead>
            <tr>
              <th scope="col" className={thClass}>
                Item
              </th>
              <th scope="col" className={thClass}>
                Unit price
              </th>
              <th scope="col" className={thClass}>
                Quantity
              </th>
              <th scope="col" className={thClass}>
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => {
              const gone = removed.has(line.id);
              return (
                <tr key={line.id} className={gone ? "text-neutral-400 line-through" : undefined}>
                  <td className={tdClass}>
                    {lineName(line)}
                    <span className="block text-xs text-neutral-500">{line.sku}</span>
                    {gone && rowErrors[line.id] && (
                      <span className="block text-sm text-red-700 no-underline" role="alert">
                        {rowErrors[line.id]}
                      </span>
                    )}
                  </td>
                  <td className={tdClass}>{money(line.unitPrice)}</td>
                  <td className={tdClass}>
                    {gone
                      ? "—"
                      : quantityField(line.id, lineName(line), quantities[line.id] ?? "", (text) =>
                          setQuantities((q) => ({ ...q, [line.id]: text })),
                        )}
                  </td>
                  <td className={tdClass}>
                    <Button
                      variant="secondary"
                      size="sm"
                      aria-pressed={gone}
                      onClick={() =>
                        setRemoved((set) => {
                          const next = new Set(set);
                          if (next.has(line.id)) next.delete(line.id);
                          else next.add(line.id);
                          return next;
                        })
                      }
                    >
                      {gone ? "Keep" : "Remove"}
                      <span className="sr-only"> {lineName(line)}</span>
                    </Button>
                  </td>
                </tr>
              );
            })}
            {added.map((item) => (
              <tr key={item.variantId}>
                <td className={tdClass}>
                  {item.name} <span className="text-xs font-medium text-emerald-700">(new)</span>
                  <span className="block text-xs text-neutral-500">{item.sku}</span>
                </td>
                <td className={tdClass}>{money(item.unitPrice)}</td>
                <td className={tdClass}>
                  {quantityField(item.variantId, item.name, item.quantity, (text) =>
                    setAdded((list) =>
                      list.map((x) => (x.variantId === item.variantId ? { ...x, quantity: text } : x)),
                    ),
                  )}
                </td>
                <td className={tdClass}>
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => setAdded((list) => list.filter((x) => x.variantId !== item.variantId))}
                  >
                    Remove<span className="sr-only"> {item.name}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <VariantPicker
        orderId={order.id}
        currency={currency}
        taken={new Set([...order.lines.map((l) => l.variantId), ...added.map((a) => a.variantId)])}
        onPick={(item) => setAdded((list) => [...list, item])}
      />

      <section aria-label="New totals" aria-live="polite" className="text-sm" data-testid="edit-preview">
        {changes.length === 0 ? (
          <p className="text-neutral-600">
            Change a quantity, remove a line or add an item to see the new totals.
          </p>
        ) : preview.isFetching && !plan ? (
          <p className="text-neutral-600">Working out the new totals…</p>
        ) : plan ? (
          <PreviewSummary plan={plan} money={money} />
        ) : null}
      </section>

      <TextAreaField
        label="Note (optional)"
        name="note"
        maxLength={1000}
        value={note}
        onChange={(event) => setNote(event.currentTarget.value)}
        hint="Kept on the order's timeline."
        className="max-w-lg"
      />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={save.isPending || changes.length === 0 || hasLocalErrors}>
          {save.isPending ? "Saving…" : "Save changes"}
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
    </form>
  );
}

function PreviewSummary({ plan, money }: { plan: EditPreview; money: (minor: number) => string }) {
  const row = (label: string, before: number, after: number) => (
    <div className="flex justify-between gap-4">
      <dt>{label}</dt>
      <dd>
        {before !== after && <span className="mr-2 text-neutral-500 line-through">{money(before)}</span>}
        {money(after)}
      </dd>
    </div>
  );
  return (
    <div className="max-w-md space-y-2">
      <dl className="space-y-1">
        {row("Subtotal", plan.before.totals.subtotal, plan.after.totals.subtotal)}
        {row("Discounts", plan.before.totals.discountTotal, plan.after.totals.discountTotal)}
        {row(
          "Shipping",
          plan.before.totals.shippingTotal - plan.before.totals.shippingDiscount,
          plan.after.totals.shippingTotal - plan.after.totals.shippingDiscount,
        )}
        {row("Tax", plan.before.totals.taxTotal, plan.after.totals.taxTotal)}
        <div className="flex justify-between gap-4 font-semibold">
          <dt>Total</dt>
          <dd>{money(plan.after.totals.total)}</dd>
        </div>
        <div className="flex justify-between gap-4">
          <dt>Difference</dt>
          <dd>
            {plan.difference > 0 ? "+" : ""}
            {money(plan.difference)}
          </dd>
        </div>
      </dl>
      {plan.refundDue > 0 && (
        <p className="font-medium text-emerald-800">
          {money(plan.refundDue)} will be refunded to the customer.
        </p>
      )}
      {plan.balanceDue > 0 && (
        <p className="font-medium text-amber-800">
          Balance due after saving: {money(plan.balanceDue)} (paid so far {money(plan.paidTotal)}).
        </p>
      )}
      {plan.shortages.map((s) => (
        <p key={s.variantId} className="font-medium text-red-700" role="alert">
          {s.sku}: only {s.available} available, {s.requested} needed.
        </p>
      ))}
    </div>
  );
}

/**
 * Finds variants on sale by product name or SKU and adds one, priced as the edit will price it (the
 * order's own search, so staff who may edit orders need no catalog permission).
 */
function VariantPicker({
  orderId,
  currency,
  taken,
  onPick,
}: {
  orderId: string;
  currency: string;
  taken: Set<string>;
  onPick: (item: AddedItem) => void;
}) {
  const [q, setQ] = useState("");
  const search = useDeferredValue(q.trim());
  const found = useQuery({
    queryKey: ["admin", "orders", orderId, "items-to-add", search],
    enabled: search.length >= 2,
    queryFn: ({ signal }) =>
      ok(
        client.GET("/api/admin/orders/{id}/items-to-add", {
          params: { path: { id: orderId }, query: { q: search } },
          signal,
        }),
      ),
  });
  return (
    <div className="space-y-2">
      <Field
        label="Add an item"
        name="variant-search"
        type="search"
        autoComplete="off"
        value={q}
        onChange={(event) => setQ(event.currentTarget.value)}
        hint="Type at least 2 letters of a product name or SKU."
        maxLength={100}
        className="max-w-md"
      />
      {found.isError && <Alert>{errorMessage(found.error)}</Alert>}
      {search.length >= 2 && found.data && (
        <ul
          className="divide-y divide-neutral-200 rounded border border-neutral-200 bg-white"
          aria-label="Items found"
        >
          {found.data.items.length === 0 && <li className="p-2 text-sm text-neutral-600">Nothing found.</li>}
          {found.data.items.map((item) => {
            const name =
              item.variantTitle && item.variantTitle !== item.productName
                ? `${item.productName} (${item.variantTitle})`
                : item.productName;
            const onOrder = item.onOrder || taken.has(item.variantId);
            return (
              <li
                key={item.variantId}
                className="flex flex-wrap items-center justify-between gap-2 p-2 text-sm"
              >
                <span>
                  {name} <span className="text-xs text-neutral-500">{item.sku}</span>{" "}
                  {item.unitPrice === null ? (
                    <span className="text-neutral-600">no price in {currency}</span>
                  ) : (
                    formatMinor(item.unitPrice, currency)
                  )}
                  {item.availableQuantity !== null && (
                    <span className="ml-2 text-xs text-neutral-600">{item.availableQuantity} in stock</span>
                  )}
                </span>
                <Button
                  variant="secondary"
                  disabled={onOrder || item.unitPrice === null || item.availableQuantity === 0}
                  onClick={() => {
                    onPick({
                      variantId: item.variantId,
                      name,
                      sku: item.sku,
                      unitPrice: item.unitPrice ?? 0,
                      quantity: "1",
                    });
                    setQ("");
                  }}
                >
                  {onOrder
                    ? `${item.sku} is on the order`
                    : item.availableQuantity === 0
                      ? `${item.sku} is out of stock`
                      : `Add ${name}`}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
