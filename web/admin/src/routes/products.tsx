import { Button, ConfirmDialog, type DataColumn, DataTable, formatMinor, useToast } from "@bazaar/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatDateTime } from "../api";
import { Field, SelectField } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { type BulkAction, type ProductListQuery, type StaffProductRow, useCatalogApi } from "./products.api";

const statuses = [
  ["", "Any status"],
  ["active", "Active"],
  ["draft", "Draft"],
  ["archived", "Archived"],
] as const;
const types = [
  ["", "Any type"],
  ["simple", "Simple"],
  ["configurable", "Configurable"],
  ["bundle", "Bundle"],
  ["grouped", "Grouped"],
  ["digital", "Digital"],
] as const;
const stocks = [
  ["", "Any stock"],
  ["available", "Available"],
  ["sold_out", "Sold out"],
] as const;
const sorts = [
  ["updated", "Recently updated"],
  ["created", "Newest"],
  ["name", "Name A–Z"],
  ["-name", "Name Z–A"],
  ["sku", "SKU"],
] as const;
const filterNames = ["q", "status", "type", "categoryId", "stock", "sort"] as const;

function StatusPill({ status, publishAt }: { status: string; publishAt: string | null }) {
  const tone =
    status === "active"
      ? "bg-green-100 text-green-900"
      : status === "draft"
        ? "bg-amber-100 text-amber-900"
        : "bg-neutral-200 text-neutral-800";
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>
      {status === "active" ? "Active" : status === "draft" ? "Draft" : "Archived"}
      {status === "draft" && publishAt && (
        <span className="font-normal"> · publishes {formatDateTime(publishAt)}</span>
      )}
    </span>
  );
}

function StockCell({ row }: { row: StaffProductRow }) {
  const out = row.stockStatus === "out_of_stock";
  return (
    <span
      className={out ? "font-semibold text-red-700" : row.stockStatus === "low_stock" ? "text-amber-800" : ""}
    >
      {out
        ? "Sold out"
        : row.unlimitedStock && row.availableQuantity === 0
          ? "Not tracked"
          : `${row.availableQuantity} available${row.unlimitedStock ? " (+ untracked)" : ""}`}
      {row.stockStatus === "low_stock" && " (low)"}
    </span>
  );
}

function priceOf(row: StaffProductRow): string {
  if (row.minPriceAmount === null || !row.currency) return "—";
  const min = formatMinor(row.minPriceAmount, row.currency);
  return row.maxPriceAmount !== null && row.maxPriceAmount !== row.minPriceAmount
    ? `${min} – ${formatMinor(row.maxPriceAmount, row.currency)}`
    : min;
}

/**
 * Every product, whatever its status: search by name or SKU, filter by status, type, category and
 * stock, sort, select rows for bulk publish / unpublish / archive / delete, save the filters as a view.
 * Staff see the shop's catalog; in the vendor portal (see `CatalogApiProvider`) it is the vendor's own.
 */
export function ProductsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { api, basePath, productsKey, categoriesKey, viewsKey, canWrite } = useCatalogApi();
  const query = useMemo(() => {
    const q: Record<string, string> = {};
    for (const name of filterNames) {
      const value = params.get(name);
      if (value) q[name] = value;
    }
    return q as ProductListQuery;
  }, [params]);
  const [draft, setDraft] = useState(query.q ?? "");
  useEffect(() => setDraft(query.q ?? ""), [query.q]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState<Set<string> | null>(null);
  const [views, setViews] = useState<{ name: string; query: Record<string, string> }[]>(() => {
    try {
      return JSON.parse(localStorage.getItem(viewsKey) ?? "[]");
    } catch {
      return [];
    }
  });

  const categories = useQuery({
    queryKey: categoriesKey,
    queryFn: ({ signal }) => api.categories(signal),
  });
  const products = useInfiniteQuery({
    queryKey: [...productsKey, query],
    queryFn: ({ pageParam, signal }) => api.list({ ...query, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = products.data?.pages.flatMap((p) => p.items);
  const total = products.data?.pages[0]?.total;

  const apply = (changes: Record<string, string>) => {
    const next: Record<string, string> = { ...(query as Record<string, string>), ...changes };
    for (const key of Object.keys(next)) if (!next[key]) delete next[key];
    setSelected(new Set());
    setParams(next);
  };

  const bulk = useMutation({
    mutationFn: ({ ids, action }: { ids: string[]; action: BulkAction }) => api.bulk(ids, action),
    onSuccess: (result, { action }) => {
      const verb = { publish: "published", unpublish: "unpublished", archive: "archived", delete: "deleted" }[
        action
      ];
      const parts = [`${result.changed.length} ${verb}`];
      if (result.archived.length)
        parts.push(`${result.archived.length} archived instead (orders or bundles use them)`);
      toast.success(parts.join(", "));
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: productsKey });
    },
    onError: (error) => toast.error("The products were not changed", error.message),
  });

  const saveView = () => {
    const name = window.prompt("Name of this view");
    if (!name?.trim()) return;
    const next = [
      ...views.filter((v) => v.name !== name.trim()),
      { name: name.trim(), query: query as Record<string, string> },
    ];
    setViews(next);
    localStorage.setItem(viewsKey, JSON.stringify(next));
  };
  const removeView = (name: string) => {
    const next = views.filter((v) => v.name !== name);
    setViews(next);
    localStorage.setItem(viewsKey, JSON.stringify(next));
  };

  const columns: DataColumn<StaffProductRow>[] = [
    {
      id: "name",
      header: "Product",
      isRowHeader: true,
      sortable: true,
      cell: (row) => (
        <span className="flex items-center gap-3">
          {row.thumbnailUrl ? (
            <img
              src={row.thumbnailUrl}
              alt=""
              className="size-10 shrink-0 rounded object-cover"
              loading="lazy"
            />
          ) : (
            <span aria-hidden="true" className="size-10 shrink-0 rounded bg-neutral-100" />
          )}
          <span className="min-w-0">
            <Link
              to={`${basePath}/products/${encodeURIComponent(row.id)}`}
              className="font-medium text-accent-800 hover:underline"
            >
              {row.name}
            </Link>
            <span className="block font-mono text-xs text-neutral-600">{row.sku}</span>
          </span>
        </span>
      ),
    },
    {
      id: "status",
      header: "Status",
      cell: (row) => <StatusPill status={row.status} publishAt={row.publishAt} />,
    },
    { id: "stock", header: "Stock", cell: (row) => <StockCell row={row} /> },
    { id: "price", header: "Price", align: "right", cell: priceOf },
    {
      id: "type",
      header: "Type",
      cell: (row) => (
        <span className="text-neutral-700">
          {row.type}
          {row.variantCount > 1 && <span className="block text-xs">{row.variantCount} variants</span>}
        </span>
      ),
    },
    { id: "category", header: "Category", cell: (row) => row.categoryName ?? "—" },
    {
      id: "updated",
      header: "Updated",
      sortable: true,
      cell: (row) => <time dateTime={row.updatedAt}>{formatDateTime(row.updatedAt)}</time>,
    },
  ];

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply({ q: draft.trim() });
  };
  const sort = query.sort ?? "updated";
  const tableSort =
    sort === "name"
      ? { column: "name", direction: "ascending" as const }
      : sort === "-name"
        ? { column: "name", direction: "descending" as const }
        : sort === "updated"
          ? { column: "updated", direction: "descending" as const }
          : null;
  const filtered = filterNames.some((n) => n !== "sort" && query[n as keyof ProductListQuery]);

  return (
    <>
      <PageHeading
        title="Products"
        intro="Every product, whatever its status. Times are in your browser's time zone."
      />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        {canWrite && (
          <Link
            to={`${basePath}/products/new`}
            className="inline-flex h-10 items-center rounded-lg bg-accent-700 px-4 text-sm font-semibold text-white hover:bg-accent-800"
          >
            Add product
          </Link>
        )}
        {views.length > 0 && (
          <nav aria-label="Saved views" className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-neutral-600">Views:</span>
            {views.map((view) => (
              <span
                key={view.name}
                className="inline-flex items-center rounded-full border border-neutral-300"
              >
                <button
                  type="button"
                  className="px-3 py-1 hover:bg-neutral-100"
                  onClick={() => {
                    setSelected(new Set());
                    setParams(view.query);
                  }}
                >
                  {view.name}
                </button>
                <button
                  type="button"
                  aria-label={`Remove view ${view.name}`}
                  className="border-l border-neutral-300 px-2 py-1 text-neutral-600 hover:bg-neutral-100"
                  onClick={() => removeView(view.name)}
                >
                  ×
                </button>
              </span>
            ))}
          </nav>
        )}
      </div>
      <search aria-label="Find products" className="mb-4 block">
        <form onSubmit={onSearch} className="flex flex-wrap items-end gap-3">
          <Field
            label="Search"
            name="q"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Name words, or the start of a SKU."
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <SelectField
            label="Status"
            name="status"
            value={query.status ?? ""}
            onChange={(e) => apply({ status: e.currentTarget.value })}
            className="w-36"
          >
            {statuses.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Type"
            name="type"
            value={query.type ?? ""}
            onChange={(e) => apply({ type: e.currentTarget.value })}
            className="w-40"
          >
            {types.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Category"
            name="categoryId"
            value={query.categoryId ?? ""}
            onChange={(e) => apply({ categoryId: e.currentTarget.value })}
            className="w-52"
          >
            <option value="">Any category</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Stock"
            name="stock"
            value={query.stock ?? ""}
            onChange={(e) => apply({ stock: e.currentTarget.value })}
            className="w-36"
          >
            {stocks.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Sort"
            name="sort"
            value={sort}
            onChange={(e) => apply({ sort: e.currentTarget.value })}
            className="w-52"
          >
            {sorts.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="flex gap-2 pb-6">
            <Button type="submit">Search</Button>
            {filtered && (
              <>
                <Button variant="secondary" onClick={() => setParams({})}>
                  Clear filters
                </Button>
                <Button variant="secondary" onClick={saveView}>
                  Save view
                </Button>
              </>
            )}
          </div>
        </form>
      </search>
      <QueryState query={products} label="products" />
      <DataTable
        aria-label="Products"
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        isLoading={products.isFetching}
        emptyState={filtered ? "No product matches these filters." : "No products yet."}
        sort={tableSort}
        onSortChange={(next) =>
          apply({
            sort: next.column === "name" ? (next.direction === "ascending" ? "name" : "-name") : "updated",
          })
        }
        selectionMode={canWrite ? "multiple" : "none"}
        selectedKeys={selected}
        onSelectionChange={setSelected}
        onRowAction={(id) => navigate(`${basePath}/products/${encodeURIComponent(id)}`)}
        bulkActions={(ids) => (
          <>
            <Button size="sm" onClick={() => bulk.mutate({ ids: [...ids], action: "publish" })}>
              Publish
            </Button>
            <Button
              size="sm"
              variant="secondary"
              onClick={() => bulk.mutate({ ids: [...ids], action: "unpublish" })}
            >
              Unpublish
            </Button>
            <Button
              size="sm"
              variant="secondary"
              onClick={() => bulk.mutate({ ids: [...ids], action: "archive" })}
            >
              Archive
            </Button>
            <Button size="sm" variant="danger" onClick={() => setConfirmDelete(ids)}>
              Delete
            </Button>
          </>
        )}
        paging={{
          mode: "loadMore",
          hasMore: Boolean(products.hasNextPage),
          onLoadMore: () => void products.fetchNextPage(),
          isLoadingMore: products.isFetchingNextPage,
          total,
        }}
      />
      <ConfirmDialog
        isOpen={confirmDelete !== null}
        onOpenChange={(open) => !open && setConfirmDelete(null)}
        title={`Delete ${confirmDelete?.size ?? 0} products?`}
        confirmLabel="Delete"
        tone="danger"
        onConfirm={() =>
          confirmDelete ? bulk.mutateAsync({ ids: [...confirmDelete], action: "delete" }) : undefined
        }
      >
        Products that orders or bundles use are archived instead, so order history keeps them. The others are
        deleted for good.
      </ConfirmDialog>
    </>
  );
}
