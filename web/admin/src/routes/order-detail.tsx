import { type AdminOrder, errorMessage, fieldErrors, isApiError, type OrderLine } from "@bazaar/sdk";
import { Button, formatMinor, ProblemForm } from "@bazaar/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useParams } from "react-router";
import { adminApi, formatDateTime } from "../api";
import {
  Alert,
  Notice,
  Section,
  TableScroll,
  TextAreaField,
  tableClass,
  tdClass,
  textLink,
  thClass,
} from "../components/forms";
import { lineName, OrderActions, orderKey } from "../components/order-actions";
import { OrderDocumentLinks } from "../components/order-documents";
import { OrderEditPanel } from "../components/order-edit";
import { AddressBlock, humanize, StatusBadge, Term, useActorLabel } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { ReturnActions } from "../components/return-actions";
import { TagEditor } from "../components/tag-editor";
import { useCan, useMe } from "../queries";
import { orderDeskApi } from "./orders.api";

/** A table with a caption for screen readers and column headers. */
function DataTable({
  caption,
  columns,
  children,
  testId,
}: {
  caption: string;
  /** `wide`: a column folded away below Tailwind's sm breakpoint (640 px), so a phone sees what matters. */
  columns: { label: ReactNode; align?: "right"; wide?: boolean }[];
  children: ReactNode;
  testId?: string;
}) {
  return (
    <TableScroll label={caption}>
      <table className={tableClass} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-neutral-50">
          <tr>
            {columns.map((column, i) => (
              <th
                key={i}
                scope="col"
                className={`${thClass}${column.align === "right" ? " text-right" : ""}${column.wide ? ` ${wideOnly}` : ""}`}
              >
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-neutral-100">{children}</tbody>
      </table>
    </TableScroll>
  );
}

const num = `${tdClass} whitespace-nowrap text-right tabular-nums`;
/** A cell of a `wide` column: shown from 640 px on. */
const wideOnly = "hidden sm:table-cell";

function Options({ line }: { line: OrderLine }) {
  const entries = Object.entries(line.options);
  if (entries.length === 0) return null;
  return (
    <span className="block text-xs text-neutral-600">
      {entries.map(([name, value]) => `${humanize(name)}: ${value}`).join(" · ")}
    </span>
  );
}

function LinesSection({ order }: { order: AdminOrder }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  return (
    <Section title="Items">
      <OrderEditPanel order={order} />
      <DataTable
        caption={`Items of order #${order.number}`}
        testId="order-lines"
        columns={[
          { label: "Item" },
          { label: "SKU", wide: true },
          { label: "Quantity", align: "right" },
          { label: "Unit price", align: "right", wide: true },
          { label: "Discount", align: "right", wide: true },
          { label: "Tax", align: "right", wide: true },
          { label: "Total", align: "right" },
        ]}
      >
        {order.lines.map((line) => (
          <tr key={line.id}>
            <th scope="row" className={`${tdClass} font-normal`}>
              <span className="block font-medium text-neutral-900">{line.productName}</span>
              {Object.keys(line.options).length > 0 ? (
                <Options line={line} />
              ) : (
                line.variantTitle &&
                line.variantTitle !== line.productName && (
                  <span className="block text-xs text-neutral-600">{line.variantTitle}</span>
                )
              )}
              {line.isDigital && <span className="block text-xs text-neutral-600">Digital</span>}
              <span className="block font-mono text-xs text-neutral-600 sm:hidden">{line.sku}</span>
            </th>
            <td className={`${tdClass} ${wideOnly} font-mono text-xs`}>{line.sku}</td>
            <td className={num}>
              {line.quantity}
              {(line.fulfilledQuantity > 0 || line.refundedQuantity > 0 || line.returnedQuantity > 0) && (
                <span className="block text-xs text-neutral-600">
                  {[
                    line.fulfilledQuantity > 0 &&
                      `${line.fulfilledQuantity} ${order.shippingMethod?.type === "pickup" ? "handed over" : "shipped"}`,
                    line.refundedQuantity > 0 && `${line.refundedQuantity} refunded`,
                    line.returnedQuantity > 0 && `${line.returnedQuantity} returned`,
                  ]
                    .filter(Boolean)
                    .join(", ")}
                </span>
              )}
            </td>
            <td className={`${num} ${wideOnly}`}>{money(line.unitPrice)}</td>
            <td className={`${num} ${wideOnly}`}>{line.discount ? `−${money(line.discount)}` : "—"}</td>
            <td className={`${num} ${wideOnly}`}>{money(line.tax)}</td>
            <td className={`${num} font-medium`}>{money(line.total)}</td>
          </tr>
        ))}
      </DataTable>
      {(order.promotions.length > 0 || order.couponCodes.length > 0) && (
        <div className="mt-4 text-sm text-neutral-700">
          {order.couponCodes.length > 0 && (
            <p>
              Coupons: <span className="font-mono">{order.couponCodes.join(", ")}</span>
            </p>
          )}
          {order.promotions.length > 0 && (
            <ul className="mt-1 list-inside list-disc">
              {order.promotions.map((p) => (
                <li key={p.id}>
                  {p.name}
                  {p.code ? ` (${p.code})` : ""}: −{money(p.amount)}
                  {p.freeShipping ? ", free shipping" : ""}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Section>
  );
}

function TotalsSection({ order }: { order: AdminOrder }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  const t = order.totals;
  return (
    <Section title="Totals">
      <dl className="divide-y divide-neutral-100 text-sm" data-testid="order-totals">
        <Term term="Subtotal">{money(t.subtotal)}</Term>
        {t.discountTotal > 0 && <Term term="Discounts">−{money(t.discountTotal)}</Term>}
        <Term term={`Shipping${order.shippingMethod ? ` (${order.shippingMethod.name})` : ""}`}>
          {money(t.shippingTotal)}
        </Term>
        {t.shippingDiscount > 0 && <Term term="Shipping discount">−{money(t.shippingDiscount)}</Term>}
        <Term term={t.pricesIncludeTax ? "Tax (included)" : "Tax"}>
          {money(t.taxTotal)}
          {t.shippingTax > 0 && (
            <span className="block text-xs text-neutral-600">{money(t.shippingTax)} on shipping</span>
          )}
        </Term>
        <div className="flex justify-between gap-4 py-2 text-base font-semibold">
          <dt>Total</dt>
          <dd className="tabular-nums" data-testid="order-total">
            {money(t.total)}
          </dd>
        </div>
        <Term term="Paid (captured less refunds)">{money(t.paidTotal)}</Term>
        <Term term="Refunded">
          <span data-testid="refunded-total">{money(t.refundedTotal)}</span>
        </Term>
      </dl>
    </Section>
  );
}

function CustomerSection({ order }: { order: AdminOrder }) {
  return (
    <Section title="Customer">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="font-medium text-neutral-900">E-mail</dt>
          <dd>
            <a href={`mailto:${order.email}`} className={`${textLink} break-all`} data-testid="order-email">
              {order.email}
            </a>
          </dd>
        </div>
        <div>
          <dt className="font-medium text-neutral-900">Account</dt>
          <dd className="break-all text-neutral-800">
            {order.userId ? (
              <Link to={`/customers/${encodeURIComponent(order.userId)}`} className={textLink}>
                Customer account<span className="sr-only"> of {order.email}</span>
              </Link>
            ) : (
              "Guest checkout"
            )}
          </dd>
        </div>
        {order.ipAddress && (
          <div>
            <dt className="font-medium text-neutral-900">IP address</dt>
            <dd className="font-mono text-xs text-neutral-800">{order.ipAddress}</dd>
          </div>
        )}
        <div>
          <dt className="font-medium text-neutral-900">Shipping address</dt>
          <dd>
            <AddressBlock address={order.shippingAddress} />
          </dd>
        </div>
        <div>
          <dt className="font-medium text-neutral-900">Billing address</dt>
          <dd>
            <AddressBlock address={order.billingAddress} />
          </dd>
        </div>
        <div>
          <dt className="font-medium text-neutral-900">Shipping method</dt>
          <dd className="text-neutral-800">
            {order.shippingMethod ? (
              <>
                {order.shippingMethod.name}
                {order.shippingMethod.type === "pickup" && (
                  <span className="block text-neutral-600">
                    Collected at {order.shippingMethod.pickupAddress ?? "the pickup point"}
                  </span>
                )}
              </>
            ) : (
              "None (nothing to ship)"
            )}
          </dd>
        </div>
      </dl>
    </Section>
  );
}

function ShipmentsSection({ order }: { order: AdminOrder }) {
  const lines = new Map(order.lines.map((l) => [l.id, l]));
  return (
    <Section title="Shipments">
      {order.fulfillments.length === 0 ? (
        <p className="text-sm text-neutral-600">Nothing has shipped yet.</p>
      ) : (
        <DataTable
          caption={`Shipments of order #${order.number}`}
          testId="order-shipments"
          columns={[
            { label: "Carrier" },
            { label: "Tracking" },
            { label: "Status" },
            { label: "Items" },
            { label: "Shipped" },
            { label: "Delivered" },
          ]}
        >
          {order.fulfillments.map((f) => (
            <tr key={f.id}>
              <td className={tdClass}>
                {f.carrier === "pickup" ? "Store pickup" : <span className="uppercase">{f.carrier}</span>}
              </td>
              <td className={tdClass}>
                {f.trackingNumber ? (
                  f.trackingUrl ? (
                    <a
                      href={f.trackingUrl}
                      target="_blank"
                      rel="noopener noreferrer"
                      className={`${textLink} relative`}
                    >
                      <span className="font-mono">{f.trackingNumber}</span>
                      <span className="sr-only"> (track with {f.carrier}, opens in a new tab)</span>
                    </a>
                  ) : (
                    <span className="font-mono">{f.trackingNumber}</span>
                  )
                ) : (
                  "—"
                )}
              </td>
              <td className={tdClass}>
                <StatusBadge value={f.status} />
              </td>
              <td className={tdClass}>
                <ul>
                  {f.lines.map((l) => {
                    const line = lines.get(l.lineId);
                    return (
                      <li key={l.lineId}>
                        {l.quantity} × {line ? lineName(line) : l.lineId}
                      </li>
                    );
                  })}
                </ul>
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(f.shippedAt)}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(f.deliveredAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}

function PaymentsSection({ order }: { order: AdminOrder }) {
  const money = (amount: number) => formatMinor(amount, order.currency);
  const actor = useActorLabel();
  return (
    <Section title="Payments and refunds">
      {order.payments.length === 0 ? (
        <p className="text-sm text-neutral-600">No payment was started.</p>
      ) : (
        <DataTable
          caption={`Payments of order #${order.number}`}
          testId="order-payments"
          columns={[
            { label: "Provider" },
            { label: "Reference" },
            { label: "Status" },
            { label: "Amount", align: "right" },
            { label: "Captured", align: "right" },
            { label: "Refunded", align: "right" },
            { label: "Risk", align: "right" },
            { label: "Started" },
          ]}
        >
          {order.payments.map((p) => (
            <tr key={p.id}>
              <td className={tdClass}>{humanize(p.provider)}</td>
              <td className={`${tdClass} break-all font-mono text-xs`}>{p.reference ?? "—"}</td>
              <td className={tdClass}>
                <StatusBadge value={p.status} />
                {p.failureCode && (
                  <span className="block text-xs text-red-700">{humanize(p.failureCode)}</span>
                )}
              </td>
              <td className={num}>{money(p.amount)}</td>
              <td className={num}>{money(p.capturedAmount)}</td>
              <td className={num}>{money(p.refundedAmount)}</td>
              <td className={num}>{p.riskScore ?? "—"}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(p.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3 className="mt-6 text-base font-semibold text-neutral-900">Refunds</h3>
      {order.refunds.length === 0 ? (
        <p className="mt-2 text-sm text-neutral-600">No refunds.</p>
      ) : (
        <div className="mt-2">
          <DataTable
            caption={`Refunds of order #${order.number}`}
            testId="order-refunds"
            columns={[
              { label: "Date" },
              { label: "Amount", align: "right" },
              { label: "Reason" },
              { label: "Note" },
              { label: "Status" },
              { label: "By" },
            ]}
          >
            {order.refunds.map((r) => (
              <tr key={r.id}>
                <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(r.createdAt)}</td>
                <td className={num}>{money(r.amount)}</td>
                <td className={tdClass}>{humanize(r.reason)}</td>
                <td className={tdClass}>{r.note || "—"}</td>
                <td className={tdClass}>
                  <StatusBadge value={r.status} />
                </td>
                <td className={tdClass}>{actor(r.actor)}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
    </Section>
  );
}

function ReturnsSection({ order }: { order: AdminOrder }) {
  const lines = new Map(order.lines.map((l) => [l.id, l]));
  if (order.returns.length === 0) return null;
  return (
    <Section title="Returns">
      <DataTable
        caption={`Returns of order #${order.number}`}
        testId="order-returns"
        columns={[
          { label: "Return" },
          { label: "Status" },
          { label: "Items" },
          { label: "Refunded", align: "right" },
          { label: "Requested" },
          { label: "Actions" },
        ]}
      >
        {order.returns.map((r) => (
          <tr key={r.id}>
            <th scope="row" className={`${tdClass} font-mono text-xs`}>
              {r.number}
            </th>
            <td className={tdClass}>
              <StatusBadge value={r.status} />
            </td>
            <td className={tdClass}>
              <ul>
                {r.lines.map((l) => {
                  const line = lines.get(l.lineId);
                  return (
                    <li key={l.lineId}>
                      {l.quantity} × {line ? lineName(line) : l.lineId}
                      {l.reason && <span className="text-neutral-600"> ({l.reason})</span>}
                    </li>
                  );
                })}
              </ul>
            </td>
            <td className={num}>
              {r.refundAmount === null ? "—" : formatMinor(r.refundAmount, order.currency)}
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(r.createdAt)}</td>
            <td className={tdClass}>
              <ReturnActions rma={r} />
            </td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

function DisputesSection({ order }: { order: AdminOrder }) {
  if (order.disputes.length === 0) return null;
  return (
    <Section title="Disputes">
      <DataTable
        caption={`Disputes of order #${order.number}`}
        columns={[
          { label: "Reference" },
          { label: "Status" },
          { label: "Reason" },
          { label: "Amount", align: "right" },
          { label: "Evidence due" },
        ]}
      >
        {order.disputes.map((d) => (
          <tr key={d.id}>
            <td className={`${tdClass} font-mono text-xs`}>{d.reference}</td>
            <td className={tdClass}>
              <StatusBadge value={d.status} />
            </td>
            <td className={tdClass}>{humanize(d.reason)}</td>
            <td className={num}>{formatMinor(d.amount, order.currency)}</td>
            <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(d.evidenceDueBy)}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

function TimelineSection({ order }: { order: AdminOrder }) {
  const me = useMe();
  const actor = useActorLabel();
  return (
    <Section title="Timeline" description="Oldest first. Times are in your browser's time zone.">
      <ol className="space-y-3" data-testid="order-timeline">
        {order.timeline.map((event, i) => (
          <li key={i} className="border-l-2 border-neutral-200 pl-3 text-sm" data-type={event.type}>
            <p className="font-medium text-neutral-900">{event.message}</p>
            <p className="text-neutral-600">
              <time dateTime={event.at}>{formatDateTime(event.at)}</time> ·{" "}
              {me.data && event.actor === `staff:${me.data.userId}` ? actor(event.actor) : event.actorName}
            </p>
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** The order's staff tags: chips, add and remove; saved with the order's version (If-Match). */
function TagsSection({ order }: { order: AdminOrder }) {
  const queryClient = useQueryClient();
  const canWrite = useCan("orders:write");
  const [stale, setStale] = useState(false);
  const suggestions = useQuery({
    queryKey: ["admin", "order-tags"],
    queryFn: ({ signal }) => orderDeskApi.tagsInUse(signal),
    enabled: canWrite,
    staleTime: 60_000,
  });
  const save = useMutation({
    mutationFn: (tags: string[]) => orderDeskApi.setTags(order.id, tags, order.version),
    onSuccess: async (saved) => {
      queryClient.setQueryData(orderKey(order.id), saved);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["admin", "orders"] }),
        queryClient.invalidateQueries({ queryKey: ["admin", "order-tags"] }),
      ]);
    },
    onError: (error) => {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
    },
  });
  const reload = async () => {
    setStale(false);
    save.reset();
    await queryClient.invalidateQueries({ queryKey: orderKey(order.id) });
  };
  const problem = save.error && !(isApiError(save.error) && save.error.code === "STALE_VERSION");
  const fields = problem ? fieldErrors(save.error) : {};
  const tagError = problem
    ? (Object.entries(fields).find(([field]) => field.startsWith("tags"))?.[1] ?? errorMessage(save.error))
    : undefined;
  return (
    <Section title="Tags" description="Staff labels to find and group orders. Shoppers never see them.">
      {stale && (
        <Alert className="mb-4">
          <p className="font-semibold">Someone else changed this order after you opened it.</p>
          <p className="mt-1">
            Your tags were not saved, and their changes were not overwritten. Reload to see the order as it is
            now, then change the tags again.
          </p>
          <Button className="mt-3" onClick={() => void reload()}>
            Reload the order
          </Button>
        </Alert>
      )}
      <TagEditor
        subject={`order #${order.number}`}
        tags={order.tags}
        suggestions={suggestions.data?.map((s) => s.tag)}
        canEdit={canWrite && !stale}
        pending={save.isPending}
        error={tagError}
        onAdd={(tag) => save.mutate([...order.tags, tag])}
        onRemove={(tag) => save.mutate(order.tags.filter((t) => t !== tag))}
      />
    </Section>
  );
}

/** Internal staff notes on the order, newest first, with add and delete. */
function NotesSection({ order }: { order: AdminOrder }) {
  const queryClient = useQueryClient();
  const canWrite = useCan("orders:write");
  const key = [...orderKey(order.id), "notes"];
  const notes = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => orderDeskApi.notes(order.id, signal),
    staleTime: 0,
  });
  const [draft, setDraft] = useState("");
  const add = useMutation({
    mutationFn: () => orderDeskApi.addNote(order.id, draft),
    onSuccess: (items) => {
      setDraft("");
      queryClient.setQueryData(key, items);
    },
  });
  const remove = useMutation({
    mutationFn: (noteId: string) => orderDeskApi.deleteNote(order.id, noteId),
    onSuccess: (items) => queryClient.setQueryData(key, items),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Section title="Notes" description="Internal: only staff see notes. Newest first.">
      <QueryState query={notes} label="the notes" />
      {notes.data?.length === 0 && <p className="text-sm text-neutral-600">No notes yet.</p>}
      {remove.isError && (
        <p role="alert" className="mb-2 text-sm text-red-700">
          Could not delete the note: {errorMessage(remove.error)}
        </p>
      )}
      <ul className="space-y-3" data-testid="order-notes">
        {notes.data?.map((n) => (
          <li key={n.id} className="rounded-lg border border-neutral-200 bg-white p-3 text-sm">
            <p className="whitespace-pre-line break-words text-neutral-900">{n.body}</p>
            <p className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-neutral-600">
              <span>
                {n.authorName ?? "A former staff member"} ·{" "}
                <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
              </span>
              {canWrite && (
                <button
                  type="button"
                  className="text-accent-800 underline disabled:opacity-50"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(n.id)}
                >
                  Delete<span className="sr-only"> note from {formatDateTime(n.createdAt)}</span>
                </button>
              )}
            </p>
          </li>
        ))}
      </ul>
      {canWrite && (
        <ProblemForm problem={add.error} onSubmit={onSubmit} className="mt-3 space-y-3">
          <TextAreaField
            label="New note"
            name="body"
            rows={3}
            maxLength={5000}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Up to 5,000 characters."
          />
          <Button type="submit" pending={add.isPending} disabled={!draft.trim()}>
            Add note
          </Button>
        </ProblemForm>
      )}
    </Section>
  );
}

function OrderView({ order }: { order: AdminOrder }) {
  const openDisputes = order.disputes.filter(
    (d) => !["won", "lost", "warning_closed", "resolved"].includes(d.status),
  );
  return (
    <div className="space-y-6">
      <dl className="flex flex-wrap gap-x-8 gap-y-3 text-sm" data-testid="order-summary">
        <div>
          <dt className="text-neutral-600">Placed</dt>
          <dd>
            <time dateTime={order.placedAt}>{formatDateTime(order.placedAt)}</time>
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Status</dt>
          <dd>
            <StatusBadge value={order.status} data-testid="order-status" />
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Payment</dt>
          <dd>
            <StatusBadge value={order.paymentStatus} data-testid="order-payment-status" />
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Fulfillment</dt>
          <dd>
            <StatusBadge value={order.fulfillmentStatus} data-testid="order-fulfillment-status" />
          </dd>
        </div>
        <div>
          <dt className="text-neutral-600">Total</dt>
          <dd className="font-semibold tabular-nums">{formatMinor(order.totals.total, order.currency)}</dd>
        </div>
      </dl>
      {order.status === "payment_failed" && (
        <Notice tone="warning" data-testid="declined-checkout">
          <strong>Declined checkout.</strong> The payment failed or was declined, so nothing was taken and
          this is not an order: its stock and coupons went back and the shopper kept the cart to try again.
        </Notice>
      )}
      {order.status === "on_hold" && (
        <Notice tone="warning" data-testid="hold-reason">
          <strong>On hold for review.</strong> {order.holdReason ?? "No reason was recorded."}
        </Notice>
      )}
      {openDisputes.length > 0 && (
        <Notice tone="warning">
          This order has{" "}
          {openDisputes.length === 1 ? "an open dispute" : `${openDisputes.length} open disputes`}.
        </Notice>
      )}
      <OrderActions order={order} />
      <LinesSection order={order} />
      <div className="grid gap-6 lg:grid-cols-2">
        <TotalsSection order={order} />
        <CustomerSection order={order} />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <NotesSection order={order} />
        <TagsSection order={order} />
      </div>
      <ShipmentsSection order={order} />
      <PaymentsSection order={order} />
      <ReturnsSection order={order} />
      <DisputesSection order={order} />
      <TimelineSection order={order} />
    </div>
  );
}

/** One order in full, with the actions the staff member may take on it. */
export function OrderDetailPage() {
  const { id = "" } = useParams();
  const order = useQuery({
    queryKey: orderKey(id),
    queryFn: ({ signal }) => adminApi.order(id, signal),
    staleTime: 0,
  });
  const notFound = isApiError(order.error) && order.error.status === 404;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/orders" className={textLink}>
          ← All orders
        </Link>
      </p>
      <div className="flex flex-wrap items-start justify-between gap-x-4">
        <PageHeading
          title={order.data ? `Order #${order.data.number}` : notFound ? "Order not found" : "Order"}
          intro={order.data ? order.data.email : undefined}
        />
        {order.data && (
          <div className="mb-6 flex flex-wrap gap-2">
            <OrderDocumentLinks order={order.data} />
          </div>
        )}
      </div>
      {notFound ? (
        <Alert>There is no order with the id {id}.</Alert>
      ) : (
        <QueryState query={order} label="the order" />
      )}
      {order.data && <OrderView order={order.data} />}
    </>
  );
}
