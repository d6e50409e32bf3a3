import { type AdminOrderSummary, type OrderStatus, orderStatuses } from "@bazaar/sdk";
import { Button, formatMinor } from "@bazaar/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { adminApi, formatDateTime } from "../api";
import {
  Field,
  Section,
  SelectField,
  TableScroll,
  tableClass,
  tdClass,
  textLink,
  thClass,
} from "../components/forms";
import { humanize, StatusBadge } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { normaliseTag, TagList } from "../components/tag-editor";
import { orderDeskApi } from "./orders.api";

export const ordersKey = ["admin", "orders"] as const;

/** Columns a phone does without (below 640 px): the row keeps the order, its e-mail, status and total. */
const wideOnly = "hidden sm:table-cell";

function isOrderStatus(value: string): value is OrderStatus {
  return (orderStatuses as readonly string[]).includes(value);
}

/** A status as the filter names it: declined checkouts are not orders, and are listed only on request. */
function statusChoice(status: OrderStatus): string {
  return status === "payment_failed" ? "Declined checkouts (payment failed)" : humanize(status);
}

function OrderRow({ order }: { order: AdminOrderSummary }) {
  return (
    <tr>
      <th scope="row" className={`${tdClass} whitespace-nowrap font-medium`}>
        <Link to={`/orders/${encodeURIComponent(order.id)}`} className={`${textLink} relative inline-block`}>
          <span className="sr-only">Order </span>#{order.number}
        </Link>
        <span className="block max-w-40 truncate text-xs font-normal text-neutral-600 sm:hidden">
          {order.email}
        </span>
      </th>
      <td className={`${tdClass} ${wideOnly} w-28`}>
        <time dateTime={order.placedAt}>{formatDateTime(order.placedAt)}</time>
      </td>
      <td className={`${tdClass} ${wideOnly} max-w-48 truncate`} title={order.email}>
        {order.email}
      </td>
      <td className={`${tdClass} ${wideOnly}`}>
        <TagList tags={order.tags} label={`Tags of order #${order.number}`} />
      </td>
      <td className={tdClass}>
        <StatusBadge value={order.status} />
      </td>
      <td className={`${tdClass} ${wideOnly}`}>
        <StatusBadge value={order.paymentStatus} />
      </td>
      <td className={`${tdClass} ${wideOnly}`}>
        <StatusBadge value={order.fulfillmentStatus} />
      </td>
      <td className={`${tdClass} ${wideOnly} text-right tabular-nums`}>{order.itemCount}</td>
      <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
        {formatMinor(order.total, order.currency)}
      </td>
    </tr>
  );
}

/**
 * Orders, newest first: search by number or e-mail, filter by status (declined checkouts only when
 * asked for) and by tag, load more by cursor.
 */
export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const rawStatus = params.get("status") ?? "";
  const status = isOrderStatus(rawStatus) ? rawStatus : "";
  const tag = normaliseTag(params.get("tag") ?? "");
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const tagsInUse = useQuery({
    queryKey: ["admin", "order-tags"],
    queryFn: ({ signal }) => orderDeskApi.tagsInUse(signal),
    staleTime: 60_000,
  });

  const orders = useInfiniteQuery({
    queryKey: [...ordersKey, { q, status, tag }],
    queryFn: ({ pageParam, signal }) =>
      adminApi.orders(
        { cursor: pageParam, q: q || undefined, status: status || undefined, tag: tag || undefined },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = orders.data?.pages.flatMap((page) => page.items) ?? [];

  const apply = (next: { q: string; status: string; tag: string }) => {
    const search: Record<string, string> = {};
    if (next.q) search.q = next.q;
    if (next.status) search.status = next.status;
    if (next.tag) search.tag = next.tag;
    setParams(search);
  };
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply({ q: draft.trim(), status, tag });
  };
  const filtered = Boolean(q || status || tag);
  const heading = [status && statusChoice(status), tag && `tagged “${tag}”`, q && `matching “${q}”`]
    .filter(Boolean)
    .join(" ");
  const tagOptions = [...new Set([...(tag ? [tag] : []), ...(tagsInUse.data ?? []).map((t) => t.tag)])];

  return (
    <>
      <PageHeading title="Orders" intro="Newest first. Times are in your browser's time zone." />
      <div className="space-y-6">
        <search aria-label="Find orders">
          <form onSubmit={onSearch} className="flex flex-wrap items-start gap-3">
            <Field
              label="Search orders"
              name="q"
              type="search"
              value={draft}
              onChange={(event) => setDraft(event.currentTarget.value)}
              hint="An order number, or part of the customer's e-mail."
              maxLength={100}
              autoComplete="off"
              className="w-full max-w-xs"
            />
            <SelectField
              label="Status"
              name="status"
              value={status}
              onChange={(event) => apply({ q, status: event.currentTarget.value, tag })}
              className="w-72 max-w-full"
              hint="Applies at once. Declined checkouts only on request."
            >
              <option value="">All orders</option>
              {orderStatuses
                .filter((s) => s !== "payment_failed")
                .map((s) => (
                  <option key={s} value={s}>
                    {statusChoice(s)}
                  </option>
                ))}
              <option value="payment_failed">{statusChoice("payment_failed")}</option>
            </SelectField>
            <SelectField
              label="Tag"
              name="tag"
              value={tag}
              onChange={(event) => apply({ q, status, tag: event.currentTarget.value })}
              className="w-44"
              hint="Applies at once."
            >
              <option value="">Any tag</option>
              {tagOptions.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </SelectField>
            {/* Level with the controls (below their labels), whatever the length of the hints. */}
            <div className="mt-6 flex gap-2">
              <Button type="submit">Search</Button>
              {filtered && (
                <Button
                  variant="secondary"
                  onClick={() => {
                    setDraft("");
                    setParams({});
                  }}
                >
                  Clear filters
                </Button>
              )}
            </div>
          </form>
        </search>
        <Section title={filtered ? `Orders: ${heading}` : "All orders"}>
          <QueryState query={orders} label="orders" />
          {orders.data &&
            (rows.length === 0 ? (
              <p className="text-sm text-neutral-600">{filtered ? "No orders match." : "No orders yet."}</p>
            ) : (
              <TableScroll label="Orders">
                <table className={tableClass} data-testid="orders-table">
                  <caption className="sr-only">Orders, newest first</caption>
                  <thead className="bg-neutral-50">
                    <tr>
                      <th scope="col" className={thClass}>
                        Order
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Placed
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Customer
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Tags
                      </th>
                      <th scope="col" className={thClass}>
                        Status
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Payment
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly}`}>
                        Fulfillment
                      </th>
                      <th scope="col" className={`${thClass} ${wideOnly} text-right`}>
                        Items
                      </th>
                      <th scope="col" className={`${thClass} text-right`}>
                        Total
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
            ))}
          {orders.hasNextPage && (
            <Button
              variant="secondary"
              className="mt-4"
              disabled={orders.isFetchingNextPage}
              onClick={() => orders.fetchNextPage()}
            >
              {orders.isFetchingNextPage ? "Loading…" : "Load more orders"}
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
