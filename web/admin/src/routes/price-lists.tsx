import { type BodyOf, errorMessage, fieldErrors, ok, type PriceList, type PriceListRow } from "@bazaar/sdk";
import { Button, formatMinor, minorToDecimalString, parseMajorToMinor } from "@bazaar/ui";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { adminApi, client, formatDateTime, present } from "../api";
import {
  Alert,
  Checkbox,
  Field,
  inputClass,
  Notice,
  Section,
  SelectField,
  TableHead,
  TableScroll,
  tableClass,
  tdClass,
} from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient, useCan } from "../queries";

const listsKey = ["admin", "price-lists"] as const;

/** Who a list prices for: its customer group's name, or everyone. */
function audienceOf(list: PriceList): string {
  return list.customerGroupId ? (list.customerGroupName ?? "A deleted customer group") : "Everyone";
}

/**
 * The price-list calls that name a customer group's list (`?customerGroupId=`): the variant grid and
 * setting prices. Without a group they address the currency's general list.
 */
const groupListApi = {
  prices: (list: PriceList, query: { search?: string; cursor?: string | null }, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/price-lists/{currency}/prices", {
        params: {
          path: { currency: list.currency },
          query: present({
            limit: 50,
            search: query.search,
            cursor: query.cursor ?? undefined,
            customerGroupId: list.customerGroupId ?? undefined,
          }),
        },
        signal,
      }),
    ),
  setPrices: (list: PriceList, prices: BodyOf<"/api/admin/price-lists/{currency}/prices", "put">["prices"]) =>
    ok(
      client.PUT("/api/admin/price-lists/{currency}/prices", {
        params: {
          path: { currency: list.currency },
          query: present({ customerGroupId: list.customerGroupId ?? undefined }),
        },
        body: { prices },
      }),
    ),
  /** Groups a list can be for (the first 200 by name); fails without customers:read. */
  groups: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/customer-groups", { params: { query: { limit: 200 } }, signal }))).items,
};

/** Creates a currency's price list (for everyone or a customer group) or renames / switches on or off an existing one. */
function PriceListForm({ onSaved }: { onSaved: (list: PriceList) => void }) {
  const groups = useQuery({
    queryKey: ["admin", "customer-groups", "options"],
    queryFn: ({ signal }) => groupListApi.groups(signal),
    retry: false,
  });
  const save = useMutation({
    mutationFn: (input: {
      currency: string;
      name: string;
      isActive: boolean;
      customerGroupId: string | null;
    }) =>
      adminApi.savePriceList(input.currency, {
        name: input.name,
        isActive: input.isActive,
        customerGroupId: input.customerGroupId,
      }),
    onSuccess: async (list) => {
      await queryClient.invalidateQueries({ queryKey: listsKey });
      onSaved(list);
    },
  });
  const errors = fieldErrors(save.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({
      currency: String(form.get("currency")).trim().toUpperCase(),
      name: String(form.get("name")).trim(),
      isActive: form.get("isActive") === "on",
      customerGroupId: String(form.get("customerGroupId") ?? "") || null,
    });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Add or change a price list">
      {save.isError && !errors.currency && !errors.name && !errors.customerGroupId && (
        <Alert>{errorMessage(save.error)}</Alert>
      )}
      {save.isSuccess && (
        <Notice>
          Saved the {save.data.currency} price list for {audienceOf(save.data).toLowerCase()} (
          {save.data.isActive ? "on sale" : "switched off"}).
        </Notice>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Currency"
          name="currency"
          required
          minLength={3}
          maxLength={3}
          pattern="[A-Za-z]{3}"
          autoComplete="off"
          hint="ISO 4217 code, e.g. EUR. Saving an existing currency and audience changes its list."
          error={errors.currency}
        />
        <Field label="Name" name="name" required maxLength={100} autoComplete="off" error={errors.name} />
        <SelectField
          label="Prices for"
          name="customerGroupId"
          defaultValue=""
          options={[
            { value: "", label: "Everyone (the currency's general list)" },
            ...(groups.data ?? []).map((g) => ({ value: g.id, label: `Customer group: ${g.name}` })),
          ]}
          hint={
            groups.isError
              ? "Customer groups could not be read (it needs the customers:read permission)."
              : "A group's list may use the shop's own currency too. Its signed-in members pay the lowest of their groups' prices, or the general price when that is lower."
          }
          error={errors.customerGroupId}
          className="sm:col-span-2"
        />
      </div>
      <Checkbox
        label="Switched on"
        name="isActive"
        defaultChecked
        hint="A general list makes its currency one shoppers can pay in; a group's list gives its members their prices. Switched off, a list keeps its prices but they do not apply."
      />
      <Button type="submit" disabled={save.isPending}>
        {save.isPending ? "Saving…" : "Save price list"}
      </Button>
    </form>
  );
}

/** One page of variants with their regular price and their price in `currency`, editable with catalog:write. */
function PriceGrid({ list, canWrite }: { list: PriceList; canWrite: boolean }) {
  const forGroup = list.customerGroupId !== null;
  const { currency } = list;
  const [search, setSearch] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const [edits, setEdits] = useState<Map<string, string>>(new Map());
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const page = useQuery({
    queryKey: [...listsKey, list.id, "prices", search, cursor],
    queryFn: ({ signal }) => groupListApi.prices(list, { search, cursor }, signal),
    placeholderData: keepPreviousData,
  });
  const save = useMutation({
    mutationFn: (prices: { sku: string; amount: number | null }[]) => groupListApi.setPrices(list, prices),
    onSuccess: async () => {
      setEdits(new Map());
      await queryClient.invalidateQueries({ queryKey: listsKey });
    },
  });
  const shown = (row: PriceListRow) =>
    edits.get(row.sku) ?? (row.price === null ? "" : minorToDecimalString(row.price, currency));
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSearch(String(new FormData(event.currentTarget).get("search")).trim());
    setCursors([null]);
  };
  const onSave = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const prices: { sku: string; amount: number | null }[] = [];
    const found = new Map<string, string>();
    for (const [sku, text] of edits) {
      if (text.trim() === "") {
        prices.push({ sku, amount: null });
        continue;
      }
      const parsed = parseMajorToMinor(text, currency);
      if (parsed.ok) prices.push({ sku, amount: parsed.minor });
      else found.set(sku, parsed.message);
    }
    setProblems(found);
    if (found.size === 0 && prices.length) save.mutate(prices);
  };
  const rows = page.data?.items ?? [];
  return (
    <div className="space-y-4">
      <form onSubmit={onSearch} className="flex flex-wrap items-end gap-3" aria-label="Find variants">
        <div className="min-w-64 flex-1">
          <Field label="Find by SKU or product name" name="search" defaultValue={search} autoComplete="off" />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <QueryState query={page} label={`${currency} prices`} />
      <form onSubmit={onSave} className="space-y-4" aria-label={`Prices in ${currency}`}>
        {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
        {problems.size > 0 && <Alert>Some prices are not amounts: see the marked rows.</Alert>}
        {save.isSuccess && edits.size === 0 && (
          <Notice>
            Saved: {save.data.set} price{save.data.set === 1 ? "" : "s"} set, {save.data.removed} removed.
          </Notice>
        )}
        {page.data &&
          (rows.length === 0 ? (
            <p className="text-sm text-neutral-600">No variant matches.</p>
          ) : (
            <TableScroll label={`Prices in ${currency}`}>
              <table className={tableClass} data-testid="price-grid">
                <caption className="sr-only">
                  {forGroup
                    ? `Variants with their regular price and their price for ${audienceOf(list)} in ${currency}; an empty price means the general price applies`
                    : `Variants with their regular price and their price in ${currency}; an empty price means the variant is not for sale in ${currency}`}
                </caption>
                <TableHead
                  columns={[
                    "SKU",
                    "Product",
                    { label: "Regular price", align: "right" },
                    `Price in ${currency}`,
                  ]}
                />
                <tbody className="divide-y divide-neutral-100">
                  {rows.map((row) => {
                    const problem = problems.get(row.sku);
                    const inputId = `price-${row.sku}`;
                    return (
                      <tr key={row.sku}>
                        <th scope="row" className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
                          {row.sku}
                        </th>
                        <td className={tdClass}>
                          {row.productName}
                          {row.variantTitle && row.variantTitle !== row.productName && (
                            <span className="block text-xs text-neutral-600">{row.variantTitle}</span>
                          )}
                        </td>
                        <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
                          {formatMinor(row.regularPrice.amount, row.regularPrice.currency)}
                        </td>
                        <td className={tdClass}>
                          {canWrite ? (
                            <>
                              <input
                                id={inputId}
                                className={`${inputClass} w-32 tabular-nums`}
                                inputMode="decimal"
                                autoComplete="off"
                                aria-label={`Price of ${row.sku} in ${currency}`}
                                aria-invalid={problem ? true : undefined}
                                aria-describedby={problem ? `${inputId}-error` : undefined}
                                placeholder={forGroup ? "General price" : "Not for sale"}
                                value={shown(row)}
                                onChange={(event) => {
                                  const value = event.currentTarget.value;
                                  setEdits((current) => new Map(current).set(row.sku, value));
                                }}
                              />
                              {problem && (
                                <span id={`${inputId}-error`} className="mt-1 block text-xs text-red-700">
                                  {problem}
                                </span>
                              )}
                            </>
                          ) : row.price === null ? (
                            <span className="text-neutral-600">
                              {forGroup ? "General price" : "Not for sale"}
                            </span>
                          ) : (
                            <span className="tabular-nums">{formatMinor(row.price, currency)}</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          ))}
        <div className="flex flex-wrap items-center gap-3">
          {canWrite && (
            <Button type="submit" disabled={save.isPending || edits.size === 0}>
              {save.isPending ? "Saving…" : `Save ${edits.size || ""} change${edits.size === 1 ? "" : "s"}`}
            </Button>
          )}
          <Button
            variant="secondary"
            disabled={cursors.length === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            variant="secondary"
            disabled={!page.data?.nextCursor}
            onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}
          >
            Next page
          </Button>
          {edits.size > 0 && <span className="text-sm text-neutral-600">Save before leaving this page.</span>}
        </div>
      </form>
    </div>
  );
}

/**
 * Price lists: one per extra currency, with explicit prices per variant (never converted by exchange
 * rate). A variant without a price in a list is not for sale in that currency.
 */
export function PriceListsPage() {
  const canWrite = useCan("catalog:write");
  const lists = useQuery({ queryKey: listsKey, queryFn: ({ signal }) => adminApi.priceLists(signal) });
  const [selected, setSelected] = useState<string | null>(null);
  const current = lists.data?.find((l) => l.id === selected) ?? null;
  return (
    <>
      <PageHeading
        title="Price lists"
        intro="Prices in currencies other than the shop's own, and prices for customer groups. Each variant is priced explicitly; nothing is converted by exchange rate, and a variant without a price in a general list cannot be bought in that currency."
      />
      <div className="space-y-6">
        <Section title="Price lists">
          <QueryState query={lists} label="price lists" />
          {lists.data &&
            (lists.data.length === 0 ? (
              <p className="text-sm text-neutral-600">
                No price lists yet: the shop sells in its own currency only.
              </p>
            ) : (
              <TableScroll label="Price lists">
                <table className={tableClass}>
                  <caption className="sr-only">Price lists</caption>
                  <TableHead
                    columns={[
                      "Currency",
                      "Name",
                      "For",
                      "Status",
                      "Priced variants",
                      "Updated",
                      { label: "Actions", srOnly: true },
                    ]}
                  />
                  <tbody className="divide-y divide-neutral-100">
                    {lists.data.map((list) => (
                      <tr key={list.id}>
                        <th scope="row" className={`${tdClass} font-mono`}>
                          {list.currency}
                        </th>
                        <td className={tdClass}>{list.name}</td>
                        <td className={tdClass}>{audienceOf(list)}</td>
                        <td className={tdClass}>{list.isActive ? "On" : "Switched off"}</td>
                        <td className={`${tdClass} tabular-nums`}>{list.priceCount}</td>
                        <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(list.updatedAt)}</td>
                        <td className={tdClass}>
                          <Button
                            size="sm"
                            variant={selected === list.id ? "primary" : "secondary"}
                            aria-pressed={selected === list.id}
                            aria-label={`${canWrite ? "Edit" : "View"} ${list.currency} prices for ${audienceOf(list)}`}
                            onClick={() => setSelected(list.id)}
                          >
                            {canWrite ? "Edit" : "View"} {list.currency} prices
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ))}
        </Section>
        {current && (
          <Section
            title={
              current.customerGroupId
                ? `Prices in ${current.currency} for ${audienceOf(current)}`
                : `Prices in ${current.currency}`
            }
          >
            <PriceGrid key={current.id} list={current} canWrite={canWrite} />
          </Section>
        )}
        {canWrite && (
          <Section title="Add or change a price list">
            <PriceListForm onSaved={(list) => setSelected(list.id)} />
          </Section>
        )}
      </div>
    </>
  );
}
