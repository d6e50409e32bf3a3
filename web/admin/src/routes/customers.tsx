import {
  Button,
  type DataColumn,
  DataTable,
  formatMinor,
  formatMoneyInput,
  parseMoneyInput,
} from "@bazaar/ui";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatDate } from "../api";
import { Field, SelectField } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { normaliseTag, TagList } from "../components/tag-editor";
import { type CustomerListQuery, type CustomerRow, customersApi } from "./customers.api";
import { promotionsApi } from "./promotions.api";

export const customersKey = ["admin", "customers"] as const;

/** "$120.00" or "$120.00 + €30.00" for totals in several currencies. */
export function formatTotals(totals: { amount: number; currency: string }[]): string {
  return totals.length === 0 ? "—" : totals.map((t) => formatMinor(t.amount, t.currency)).join(" + ");
}

const yesNo = (value: string | null) => (value === "true" ? true : value === "false" ? false : undefined);
const whole = (value: string | null) => (value && /^\d+$/.test(value) ? Number(value) : undefined);
/** A day (YYYY-MM-DD, the shop's calendar taken as UTC) as the start of that day, ISO 8601 UTC. */
const dayStart = (value: string | null) =>
  value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : undefined;
/** The day after `value`, so "last order up to 31 March" includes that whole day. */
const dayAfter = (value: string | null) => {
  const start = dayStart(value);
  return start ? new Date(Date.parse(start) + 86_400_000).toISOString() : undefined;
};

/**
 * Customers: search by name or e-mail, filter by staff tag, marketing consent, whether they have
 * ordered, how many orders, how much they spent (net of refunds, in one currency) and when they last
 * ordered; sort; each row shows tags, orders, total spent and the last order.
 */
export function CustomersPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const query = useMemo(
    (): CustomerListQuery => ({
      q: params.get("q") ?? undefined,
      marketingConsent: yesNo(params.get("marketingConsent")),
      hasOrdered: yesNo(params.get("hasOrdered")),
      minOrders: whole(params.get("minOrders")),
      minSpent: whole(params.get("minSpent")),
      spentCurrency:
        whole(params.get("minSpent")) !== undefined ? (params.get("currency") ?? "USD") : undefined,
      lastOrderAfter: dayStart(params.get("lastOrderFrom")),
      lastOrderBefore: dayAfter(params.get("lastOrderTo")),
      tag: normaliseTag(params.get("tag") ?? "") || undefined,
      sort: (params.get("sort") as CustomerListQuery["sort"]) ?? undefined,
    }),
    [params],
  );
  const [draft, setDraft] = useState(query.q ?? "");
  useEffect(() => setDraft(query.q ?? ""), [query.q]);
  const [tagDraft, setTagDraft] = useState(query.tag ?? "");
  useEffect(() => setTagDraft(query.tag ?? ""), [query.tag]);
  const currencies = useQuery({
    queryKey: ["store", "currencies"],
    queryFn: ({ signal }) => promotionsApi.currencies(signal),
    staleTime: 5 * 60_000,
  });
  const currency = params.get("currency") ?? currencies.data?.default ?? "USD";
  const [ordersDraft, setOrdersDraft] = useState(params.get("minOrders") ?? "");
  const [spentDraft, setSpentDraft] = useState("");
  useEffect(() => {
    setOrdersDraft(params.get("minOrders") ?? "");
    const minor = whole(params.get("minSpent"));
    setSpentDraft(minor === undefined ? "" : formatMoneyInput(minor, params.get("currency") ?? "USD"));
  }, [params]);
  const [draftErrors, setDraftErrors] = useState<{ minOrders?: string; minSpent?: string }>({});
  const customers = useInfiniteQuery({
    queryKey: [...customersKey, query],
    queryFn: ({ pageParam, signal }) => customersApi.list({ ...query, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = customers.data?.pages.flatMap((p) => p.items);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    const q = draft.trim();
    const tag = normaliseTag(tagDraft);
    if (q) next.set("q", q);
    else next.delete("q");
    if (tag) next.set("tag", tag);
    else next.delete("tag");
    const errors: { minOrders?: string; minSpent?: string } = {};
    const orders = ordersDraft.trim();
    if (orders && !/^\d{1,6}$/.test(orders)) errors.minOrders = "A whole number, e.g. 2.";
    else if (orders && orders !== "0") next.set("minOrders", String(Number(orders)));
    else next.delete("minOrders");
    const spent = spentDraft.trim();
    if (spent) {
      const parsed = parseMoneyInput(spent, currency);
      if (parsed.ok) {
        next.set("minSpent", String(parsed.minor));
        next.set("currency", currency);
      } else errors.minSpent = parsed.message;
    } else {
      next.delete("minSpent");
      next.delete("currency");
    }
    setDraftErrors(errors);
    if (errors.minOrders || errors.minSpent) return;
    setParams(next);
  };
  const columns: DataColumn<CustomerRow>[] = [
    {
      id: "name",
      header: "Customer",
      isRowHeader: true,
      cell: (c) => (
        <span>
          <Link
            to={`/customers/${encodeURIComponent(c.id)}`}
            className="font-medium text-accent-800 hover:underline"
          >
            {c.name || c.email}
          </Link>
          <span className="block text-xs text-neutral-600">{c.email}</span>
        </span>
      ),
    },
    {
      id: "tags",
      header: "Tags",
      cell: (c) => <TagList tags={c.tags} label={`Tags of ${c.name || c.email}`} />,
    },
    { id: "orders", header: "Orders", align: "right", cell: (c) => c.ordersCount },
    { id: "spent", header: "Total spent", align: "right", cell: (c) => formatTotals(c.totalSpent) },
    { id: "last", header: "Last order", cell: (c) => formatDate(c.lastOrderAt) },
    {
      id: "consent",
      header: "Marketing",
      cell: (c) => (c.marketingConsent ? "Subscribed" : <span className="text-neutral-600">No</span>),
    },
    { id: "created", header: "Joined", cell: (c) => formatDate(c.createdAt) },
  ];
  const filtered = Boolean(
    query.q ||
      query.tag ||
      query.marketingConsent !== undefined ||
      query.hasOrdered !== undefined ||
      query.minOrders !== undefined ||
      query.minSpent !== undefined ||
      query.lastOrderAfter ||
      query.lastOrderBefore,
  );
  return (
    <>
      <PageHeading
        title="Customers"
        intro="Every account. Order figures count paid orders that were not cancelled; spent is net of refunds."
      />
      <search aria-label="Find customers" className="mb-4 block">
        <form onSubmit={onSearch} className="flex flex-wrap items-start gap-3">
          <Field
            label="Search"
            name="q"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Part of a name or e-mail."
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <Field
            label="Tag"
            name="tag"
            type="search"
            value={tagDraft}
            onChange={(e) => setTagDraft(e.currentTarget.value)}
            hint="Customers with this staff tag."
            maxLength={40}
            autoComplete="off"
            className="w-60"
          />
          <SelectField
            label="Marketing"
            name="marketingConsent"
            value={params.get("marketingConsent") ?? ""}
            onChange={(e) => set("marketingConsent", e.currentTarget.value)}
            className="w-40"
          >
            <option value="">Anyone</option>
            <option value="true">Subscribed</option>
            <option value="false">Not subscribed</option>
          </SelectField>
          <SelectField
            label="Orders"
            name="hasOrdered"
            value={params.get("hasOrdered") ?? ""}
            onChange={(e) => set("hasOrdered", e.currentTarget.value)}
            className="w-40"
          >
            <option value="">Anyone</option>
            <option value="true">Has ordered</option>
            <option value="false">Never ordered</option>
          </SelectField>
          <Field
            label="Orders, at least"
            name="minOrders"
            inputMode="numeric"
            value={ordersDraft}
            onChange={(e) => setOrdersDraft(e.currentTarget.value)}
            error={draftErrors.minOrders}
            maxLength={6}
            autoComplete="off"
            className="w-32"
          />
          <Field
            label={`Spent, at least (${currency})`}
            name="minSpent"
            inputMode="decimal"
            value={spentDraft}
            onChange={(e) => setSpentDraft(e.currentTarget.value)}
            error={draftErrors.minSpent}
            hint="Net of refunds."
            maxLength={20}
            autoComplete="off"
            className="w-44"
          />
          {(currencies.data?.currencies.length ?? 0) > 1 && (
            <SelectField
              label="Currency"
              name="currency"
              value={currency}
              onChange={(e) => set("currency", e.currentTarget.value)}
              className="w-28"
            >
              {currencies.data?.currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
          )}
          <Field
            label="Last order from"
            name="lastOrderFrom"
            type="date"
            value={params.get("lastOrderFrom") ?? ""}
            onChange={(e) => set("lastOrderFrom", e.currentTarget.value)}
            className="w-44"
          />
          <Field
            label="Last order up to"
            name="lastOrderTo"
            type="date"
            value={params.get("lastOrderTo") ?? ""}
            onChange={(e) => set("lastOrderTo", e.currentTarget.value)}
            className="w-44"
          />
          <SelectField
            label="Sort"
            name="sort"
            value={params.get("sort") ?? "-created"}
            onChange={(e) => set("sort", e.currentTarget.value === "-created" ? "" : e.currentTarget.value)}
            className="w-44"
          >
            <option value="-created">Newest first</option>
            <option value="created">Oldest first</option>
            <option value="name">Name</option>
            <option value="email">E-mail</option>
          </SelectField>
          <div className="flex gap-2 pt-6">
            <Button type="submit">Search</Button>
            {filtered && (
              <Button variant="secondary" onClick={() => setParams({})}>
                Clear filters
              </Button>
            )}
          </div>
        </form>
      </search>
      <QueryState query={customers} label="customers" />
      <DataTable
        aria-label="Customers"
        columns={columns}
        rows={rows}
        rowKey={(c) => c.id}
        isLoading={customers.isFetching}
        emptyState={filtered ? "No customer matches." : "No customers yet."}
        onRowAction={(id) => navigate(`/customers/${encodeURIComponent(id)}`)}
        paging={{
          mode: "loadMore",
          hasMore: Boolean(customers.hasNextPage),
          onLoadMore: () => void customers.fetchNextPage(),
          isLoadingMore: customers.isFetchingNextPage,
          total: customers.data?.pages[0]?.total,
        }}
      />
    </>
  );
}
