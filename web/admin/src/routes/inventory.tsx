import { errorMessage, isApiError } from "@bazaar/sdk";
import {
  Button,
  ConfirmDialog,
  cn,
  type DataColumn,
  DataTable,
  Modal,
  ProblemForm,
  useCursorPager,
  useToast,
} from "@bazaar/ui";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { formatDateTime } from "../api";
import { Checkbox, Field, Notice, Section, SelectField, TextAreaField } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient, useCan } from "../queries";
import {
  inventoryApi,
  type LedgerReason,
  type LedgerRow,
  type StaffReason,
  type StockFilter,
  type StockLevel,
  type StockLocation,
} from "./inventory.api";

const inventoryKey = ["admin", "inventory"] as const;
const locationsKey = [...inventoryKey, "locations"] as const;
const levelsKey = [...inventoryKey, "levels"] as const;
const ledgerKey = [...inventoryKey, "ledger"] as const;

/** After any stock change: levels, ledger, location totals and the low-stock report are stale. */
async function stockChanged() {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: inventoryKey }),
    queryClient.invalidateQueries({ queryKey: ["admin", "low-stock"] }),
  ]);
}

type Tab = "levels" | "ledger" | "locations";
const tabs: { value: Tab; label: string }[] = [
  { value: "levels", label: "Stock levels" },
  { value: "ledger", label: "Ledger" },
  { value: "locations", label: "Locations" },
];

const reasonLabels: Record<LedgerReason, string> = {
  received: "Received",
  correction: "Correction",
  damaged: "Damaged",
  lost: "Lost",
  returned: "Returned",
  transfer_out: "Transfer out",
  transfer_in: "Transfer in",
  sale: "Sale",
  restock: "Restock",
  import: "Import",
  written_off: "Written off (refunded)",
};

const staffReasons: { value: StaffReason; label: string }[] = [
  { value: "received", label: "Received (adds units)" },
  { value: "returned", label: "Returned (adds units)" },
  { value: "damaged", label: "Damaged (removes units)" },
  { value: "lost", label: "Lost (removes units)" },
  { value: "correction", label: "Correction (stock take, either way)" },
];

const stockFilters: { value: "" | StockFilter; label: string }[] = [
  { value: "", label: "All stock" },
  { value: "low", label: "Low or out of stock" },
  { value: "out", label: "Out of stock" },
];

/** The screen's state in the address: tab and filters (so a link, e.g. from the low-stock e-mail, opens it). */
interface Filters {
  tab: Tab;
  search: string;
  location: string;
  stock: "" | StockFilter;
  reason: "" | LedgerReason;
  variant: string;
}

function filtersOf(params: URLSearchParams): Filters {
  const tab = params.get("tab");
  const stock = params.get("stock");
  const reason = params.get("reason") ?? "";
  return {
    tab: tab === "ledger" || tab === "locations" ? tab : "levels",
    search: params.get("search") ?? "",
    location: params.get("location") ?? "",
    stock: stock === "low" || stock === "out" ? stock : "",
    reason: reason in reasonLabels ? (reason as LedgerReason) : "",
    variant: params.get("variant") ?? "",
  };
}

function searchOf(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters))
    if (value && !(key === "tab" && value === "levels")) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}

const count = (n: number) => n.toLocaleString();
const signed = (n: number) => (n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : "±0");
const where = (level: { sku: string; locationName: string }) => `${level.sku} at ${level.locationName}`;
const isStale = (error: unknown) => isApiError(error) && error.code === "STALE_VERSION";

function ProductCell({ name, title }: { name: string; title: string }) {
  return (
    <span className="block min-w-32">
      {name || "—"}
      {title && title !== name && <span className="block text-xs text-neutral-600">{title}</span>}
    </span>
  );
}

// -------------------------------------------------------------------------------------------------
// Stock levels

function AvailableCell({ level }: { level: StockLevel }) {
  if (!level.manageStock) return <span className="text-neutral-600">Not counted</span>;
  return (
    <>
      <span
        className={cn(
          level.stockStatus === "out_of_stock" && "font-semibold text-red-700",
          level.stockStatus === "low_stock" && "font-semibold text-amber-800",
        )}
      >
        {count(level.availableQuantity)}
      </span>
      {level.stockStatus !== "in_stock" && (
        <span
          className={cn(
            "block text-xs",
            level.stockStatus === "out_of_stock" ? "text-red-700" : "text-amber-800",
          )}
        >
          {level.stockStatus === "out_of_stock" ? "Out of stock" : "Low"}
          {level.allowBackorder && level.availableQuantity <= 0 ? " (backorders)" : ""}
        </span>
      )}
    </>
  );
}

function StockLevels({
  filters,
  canWrite,
  onAdjust,
  onTransfer,
  onSettings,
}: {
  filters: Filters;
  canWrite: boolean;
  onAdjust: (level: StockLevel) => void;
  onTransfer: (level: StockLevel) => void;
  onSettings: (level: StockLevel) => void;
}) {
  const pager = useCursorPager();
  const query = {
    search: filters.search || undefined,
    locationId: filters.location || undefined,
    status: filters.stock || undefined,
  };
  const page = useQuery({
    queryKey: [...levelsKey, query, pager.cursor],
    queryFn: ({ signal }) => inventoryApi.levels({ ...query, cursor: pager.cursor }, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const history = (l: StockLevel) =>
    searchOf({ ...filters, tab: "ledger", variant: l.variantId, location: l.locationId, reason: "" });
  const columns: DataColumn<StockLevel>[] = [
    {
      id: "sku",
      header: "SKU",
      isRowHeader: true,
      cell: (l) => (
        <>
          <span className="whitespace-nowrap font-mono text-xs">{l.sku}</span>
          <Link
            to={history(l)}
            className="mt-0.5 block text-xs font-medium text-accent-800 underline underline-offset-2 hover:text-accent-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            aria-label={`History of ${where(l)}`}
          >
            History
          </Link>
        </>
      ),
    },
    {
      id: "product",
      header: "Product",
      cell: (l) => <ProductCell name={l.productName} title={l.variantTitle} />,
    },
    {
      id: "location",
      header: "Location",
      cell: (l) => (
        <>
          <span className="whitespace-nowrap">{l.locationName}</span>
          {!l.locationActive && <span className="block text-xs text-neutral-600">Inactive</span>}
        </>
      ),
    },
    { id: "onHand", header: "On hand", align: "right", cell: (l) => count(l.stockedQuantity) },
    { id: "reserved", header: "Reserved", align: "right", cell: (l) => count(l.reservedQuantity) },
    { id: "available", header: "Available", align: "right", cell: (l) => <AvailableCell level={l} /> },
    {
      id: "threshold",
      header: "Low at",
      align: "right",
      cell: (l) => (
        <>
          {count(l.lowStockThreshold)}
          {canWrite && (
            <button
              type="button"
              onClick={() => onSettings(l)}
              aria-label={`Change stock settings of ${where(l)}`}
              className="mt-0.5 block w-full text-right text-xs font-medium text-accent-800 underline underline-offset-2 hover:text-accent-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
            >
              Change
            </button>
          )}
        </>
      ),
    },
  ];
  if (canWrite) {
    columns.push({
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (l) => (
        <div className="flex justify-end gap-2">
          <Button size="sm" onClick={() => onAdjust(l)} aria-label={`Adjust ${where(l)}`}>
            Adjust
          </Button>
          <Button
            size="sm"
            variant="secondary"
            onClick={() => onTransfer(l)}
            aria-label={`Transfer ${where(l)}`}
          >
            Transfer
          </Button>
        </div>
      ),
    });
  }
  return (
    <>
      <QueryState query={page} label="stock levels" />
      <DataTable
        aria-label="Stock levels"
        columns={columns}
        rows={page.data?.items}
        rowKey={(l) => `${l.variantId}|${l.locationId}`}
        isLoading={page.isFetching}
        emptyState={
          filters.search || filters.stock || filters.location
            ? "No stock level matches."
            : "No stock recorded yet."
        }
        paging={{
          mode: "pages",
          hasPrevious: pager.hasPrevious,
          hasNext: Boolean(page.data?.nextCursor),
          onPrevious: pager.previous,
          onNext: () => pager.next(page.data?.nextCursor),
          page: pager.page,
          total: page.data?.total,
        }}
      />
    </>
  );
}

function StockFiltersForm({
  filters,
  locations,
  apply,
}: {
  filters: Filters;
  locations: StockLocation[];
  apply: (next: Partial<Filters>) => void;
}) {
  const [draft, setDraft] = useState(filters.search);
  useEffect(() => setDraft(filters.search), [filters.search]);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    apply({ search: draft.trim() });
  };
  return (
    <search aria-label="Filter stock levels">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
        <Field
          label="SKU or product"
          name="search"
          type="search"
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          maxLength={100}
          autoComplete="off"
          className="w-64"
        />
        <Button type="submit" variant="secondary">
          Search
        </Button>
        <LocationFilter filters={filters} locations={locations} apply={apply} />
        <SelectField
          label="Stock"
          name="stock"
          value={filters.stock}
          onChange={(event) => apply({ stock: event.currentTarget.value as Filters["stock"] })}
          options={stockFilters}
          className="w-52"
        />
      </form>
    </search>
  );
}

function LocationFilter({
  filters,
  locations,
  apply,
}: {
  filters: Filters;
  locations: StockLocation[];
  apply: (next: Partial<Filters>) => void;
}) {
  return (
    <SelectField
      label="Location"
      name="location"
      value={filters.location}
      onChange={(event) => apply({ location: event.currentTarget.value })}
      className="w-52"
    >
      <option value="">All locations</option>
      {locations.map((l) => (
        <option key={l.id} value={l.id}>
          {l.name}
          {l.isActive ? "" : " (inactive)"}
        </option>
      ))}
    </SelectField>
  );
}

/** Adds, removes or sets the units on hand of one level, for a reason, with a note. */
function AdjustDialog({ level, onClose }: { level: StockLevel | null; onClose: () => void }) {
  const toast = useToast();
  const [mode, setMode] = useState<"delta" | "newQuantity">("delta");
  const adjust = useMutation({
    mutationFn: inventoryApi.adjust,
    onSuccess: async ({ adjustment }) => {
      toast.success(
        "Stock adjusted",
        `${where(adjustment)}: ${count(adjustment.before)} → ${count(adjustment.after)} on hand.`,
      );
      await stockChanged();
      close();
    },
  });
  const close = () => {
    adjust.reset();
    setMode("delta");
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!level) return;
    const form = new FormData(event.currentTarget);
    const units = String(form.get(mode) ?? "").trim();
    if (units === "") return;
    adjust.mutate({
      variantId: level.variantId,
      locationId: level.locationId,
      reason: String(form.get("reason")) as StaffReason,
      [mode]: Number(units),
      note: String(form.get("note") ?? "").trim() || undefined,
    });
  };
  return (
    <Modal
      isOpen={level !== null}
      onOpenChange={(open) => !open && !adjust.isPending && close()}
      title="Adjust stock"
      description={
        level &&
        `${where(level)} (${level.productName}): ${count(level.stockedQuantity)} on hand, ${count(level.reservedQuantity)} reserved for unshipped orders.`
      }
    >
      {(dismiss) =>
        level && (
          <ProblemForm problem={adjust.error} onSubmit={onSubmit} className="space-y-4">
            <SelectField
              label="Reason"
              name="reason"
              required
              options={staffReasons}
              defaultValue="received"
            />
            <fieldset>
              <legend className="text-sm font-medium text-neutral-900">Change</legend>
              <div className="mt-1 flex flex-wrap gap-4 text-sm">
                <label className="inline-flex items-center gap-2">
                  <input
                    type="radio"
                    name="mode"
                    value="delta"
                    checked={mode === "delta"}
                    onChange={() => setMode("delta")}
                    className="size-4 accent-accent-700"
                  />
                  Add or remove units
                </label>
                <label className="inline-flex items-center gap-2">
                  <input
                    type="radio"
                    name="mode"
                    value="newQuantity"
                    checked={mode === "newQuantity"}
                    onChange={() => setMode("newQuantity")}
                    className="size-4 accent-accent-700"
                  />
                  Set the count on hand
                </label>
              </div>
            </fieldset>
            {mode === "delta" ? (
              <Field
                key="delta"
                label="Units to add (negative to remove)"
                name="delta"
                type="number"
                step={1}
                required
                inputMode="numeric"
                hint="For example 12 received, or -3 damaged."
                className="w-64"
              />
            ) : (
              <Field
                key="newQuantity"
                label="New quantity on hand"
                name="newQuantity"
                type="number"
                step={1}
                min={0}
                required
                inputMode="numeric"
                hint={`At least the ${count(level.reservedQuantity)} reserved for unshipped orders.`}
                className="w-64"
              />
            )}
            <TextAreaField
              label="Note (optional)"
              name="note"
              maxLength={500}
              rows={2}
              hint="Kept in the ledger."
            />
            <div className="flex flex-wrap justify-end gap-3">
              <Button variant="secondary" onClick={dismiss} disabled={adjust.isPending}>
                Cancel
              </Button>
              <Button type="submit" pending={adjust.isPending}>
                Save adjustment
              </Button>
            </div>
          </ProblemForm>
        )
      }
    </Modal>
  );
}

/** Moves available units of a level to another active location. */
function TransferDialog({
  level,
  locations,
  onClose,
}: {
  level: StockLevel | null;
  locations: StockLocation[];
  onClose: () => void;
}) {
  const toast = useToast();
  const transfer = useMutation({
    mutationFn: inventoryApi.transfer,
    onSuccess: async (moved) => {
      toast.success(
        "Stock moved",
        `${count(moved.adjustments[1]!.delta)} × ${moved.from.sku} from ${moved.from.locationName} to ${moved.to.locationName}.`,
      );
      await stockChanged();
      close();
    },
  });
  const close = () => {
    transfer.reset();
    onClose();
  };
  const targets = locations.filter((l) => l.isActive && l.id !== level?.locationId);
  const available = Math.max(level?.availableQuantity ?? 0, 0);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!level) return;
    const form = new FormData(event.currentTarget);
    transfer.mutate({
      variantId: level.variantId,
      fromLocationId: level.locationId,
      toLocationId: String(form.get("toLocationId")),
      quantity: Number(form.get("quantity")),
      note: String(form.get("note") ?? "").trim() || undefined,
    });
  };
  return (
    <Modal
      isOpen={level !== null}
      onOpenChange={(open) => !open && !transfer.isPending && close()}
      title="Transfer stock"
      description={level && `${where(level)}: ${count(available)} available to move.`}
    >
      {(dismiss) =>
        level &&
        (targets.length === 0 ? (
          <>
            <p>There is no other active location to move stock to. Add one under Locations first.</p>
            <div className="mt-6 flex justify-end">
              <Button variant="secondary" onClick={dismiss}>
                Close
              </Button>
            </div>
          </>
        ) : (
          <ProblemForm problem={transfer.error} onSubmit={onSubmit} className="space-y-4">
            <SelectField
              label="To location"
              name="toLocationId"
              required
              options={targets.map((l) => ({ value: l.id, label: l.name }))}
            />
            <Field
              label="Units to move"
              name="quantity"
              type="number"
              step={1}
              min={1}
              max={available || undefined}
              required
              inputMode="numeric"
              className="w-48"
            />
            <TextAreaField label="Note (optional)" name="note" maxLength={500} rows={2} />
            <div className="flex flex-wrap justify-end gap-3">
              <Button variant="secondary" onClick={dismiss} disabled={transfer.isPending}>
                Cancel
              </Button>
              <Button type="submit" pending={transfer.isPending}>
                Move stock
              </Button>
            </div>
          </ProblemForm>
        ))
      }
    </Modal>
  );
}

/** The low-stock threshold, counting and backorders of one level. */
function SettingsDialog({ level, onClose }: { level: StockLevel | null; onClose: () => void }) {
  const toast = useToast();
  const save = useMutation({
    mutationFn: (input: {
      level: StockLevel;
      lowStockThreshold: number;
      manageStock: boolean;
      allowBackorder: boolean;
    }) =>
      inventoryApi.updateLevel(input.level.variantId, input.level.locationId, {
        lowStockThreshold: input.lowStockThreshold,
        manageStock: input.manageStock,
        allowBackorder: input.allowBackorder,
      }),
    onSuccess: async (saved) => {
      toast.success(
        "Stock settings saved",
        `${where(saved)}: low at ${count(saved.lowStockThreshold)} available.`,
      );
      await stockChanged();
      close();
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!level) return;
    const form = new FormData(event.currentTarget);
    save.mutate({
      level,
      lowStockThreshold: Number(form.get("lowStockThreshold")),
      manageStock: form.get("manageStock") === "on",
      allowBackorder: form.get("allowBackorder") === "on",
    });
  };
  return (
    <Modal
      isOpen={level !== null}
      onOpenChange={(open) => !open && !save.isPending && close()}
      title="Stock settings"
      description={level ? where(level) : undefined}
    >
      {(dismiss) =>
        level && (
          <ProblemForm problem={save.error} onSubmit={onSubmit} className="space-y-4">
            <Field
              label="Low-stock threshold"
              name="lowStockThreshold"
              type="number"
              step={1}
              min={0}
              required
              defaultValue={level.lowStockThreshold}
              hint="Staff who manage inventory are e-mailed when the units available drop to this many."
              className="w-64"
            />
            <Checkbox
              label="Count stock here"
              name="manageStock"
              defaultChecked={level.manageStock}
              hint="Off: always available (services, made to order)."
            />
            <Checkbox
              label="Take backorders"
              name="allowBackorder"
              defaultChecked={level.allowBackorder}
              hint="On: shoppers may order it when none are left."
            />
            <div className="flex flex-wrap justify-end gap-3">
              <Button variant="secondary" onClick={dismiss} disabled={save.isPending}>
                Cancel
              </Button>
              <Button type="submit" pending={save.isPending}>
                Save settings
              </Button>
            </div>
          </ProblemForm>
        )
      }
    </Modal>
  );
}

// -------------------------------------------------------------------------------------------------
// Ledger

function ChangeCell({ row }: { row: LedgerRow }) {
  return (
    <span className="whitespace-nowrap tabular-nums">
      {count(row.before)} → {count(row.after)}{" "}
      <span className={cn("text-xs", row.delta < 0 ? "text-red-700" : "text-green-800")}>
        ({signed(row.delta)})
      </span>
    </span>
  );
}

const ledgerColumns: DataColumn<LedgerRow>[] = [
  {
    id: "when",
    header: "When",
    cell: (r) => <span className="whitespace-nowrap">{formatDateTime(r.createdAt)}</span>,
  },
  {
    id: "sku",
    header: "SKU",
    isRowHeader: true,
    cell: (r) => (
      <>
        <span className="whitespace-nowrap font-mono text-xs">{r.sku}</span>
        <span className="block text-xs text-neutral-600">{r.productName}</span>
      </>
    ),
  },
  { id: "location", header: "Location", cell: (r) => r.locationName },
  { id: "reason", header: "Reason", cell: (r) => reasonLabels[r.reason] },
  { id: "change", header: "On hand", cell: (r) => <ChangeCell row={r} /> },
  { id: "note", header: "Note", cell: (r) => <span className="break-words">{r.note || "—"}</span> },
  {
    id: "who",
    header: "Who",
    cell: (r) =>
      r.actor ? (
        <>
          {r.actor.name}
          {r.actor.email && <span className="block text-xs text-neutral-600">{r.actor.email}</span>}
        </>
      ) : (
        <span className="text-neutral-600">System</span>
      ),
  },
];

function Ledger({
  filters,
  locations,
  apply,
}: {
  filters: Filters;
  locations: StockLocation[];
  apply: (next: Partial<Filters>) => void;
}) {
  const query = {
    variantId: filters.variant || undefined,
    locationId: filters.location || undefined,
    reason: filters.reason || undefined,
  };
  const rows = useInfiniteQuery({
    queryKey: [...ledgerKey, query],
    queryFn: ({ pageParam, signal }) => inventoryApi.ledger({ ...query, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const items = rows.data?.pages.flatMap((p) => p.items);
  const variantSku = filters.variant ? items?.[0]?.sku : undefined;
  return (
    <>
      <search aria-label="Filter the ledger">
        <div className="flex flex-wrap items-end gap-3">
          <LocationFilter filters={filters} locations={locations} apply={apply} />
          <SelectField
            label="Reason"
            name="reason"
            value={filters.reason}
            onChange={(event) => apply({ reason: event.currentTarget.value as Filters["reason"] })}
            className="w-48"
          >
            <option value="">Any reason</option>
            {Object.entries(reasonLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
      </search>
      {filters.variant && (
        <Notice tone="info" className="flex flex-wrap items-center justify-between gap-3">
          <span>Showing the history of {variantSku ?? "one variant"} only.</span>
          <Button size="sm" variant="secondary" onClick={() => apply({ variant: "" })}>
            Show every variant
          </Button>
        </Notice>
      )}
      <QueryState query={rows} label="the ledger" />
      <DataTable
        aria-label="Stock ledger"
        columns={ledgerColumns}
        rows={items}
        rowKey={(r) => r.id}
        isLoading={rows.isPending}
        emptyState="No stock changes match."
        paging={{
          mode: "loadMore",
          hasMore: rows.hasNextPage,
          onLoadMore: () => void rows.fetchNextPage(),
          isLoadingMore: rows.isFetchingNextPage,
          total: rows.data?.pages[0]?.total,
        }}
      />
    </>
  );
}

// -------------------------------------------------------------------------------------------------
// Locations

/** Shown when a save met someone else's newer change (409 STALE_VERSION). */
function StaleNotice({ onReload }: { onReload: () => void }) {
  return (
    <Notice tone="warning" className="flex flex-wrap items-center justify-between gap-3">
      <span>
        Someone else changed this location since you opened it. Reload to see their change, then apply yours
        again.
      </span>
      <Button size="sm" variant="secondary" onClick={onReload}>
        Reload
      </Button>
    </Notice>
  );
}

function LocationForm({
  location,
  onClose,
  onStale,
}: {
  location: StockLocation | "new" | null;
  onClose: () => void;
  onStale: () => Promise<void>;
}) {
  const toast = useToast();
  const editing = location !== null && location !== "new" ? location : null;
  const save = useMutation({
    mutationFn: async (input: { code: string; name: string; isDefault: boolean }) =>
      editing
        ? inventoryApi.updateLocation(editing.id, editing.version, { code: input.code, name: input.name })
        : inventoryApi.createLocation(input),
    onSuccess: async (saved) => {
      toast.success(editing ? "Location saved" : "Location added", `${saved.name} (${saved.code}).`);
      await stockChanged();
      close();
    },
  });
  const close = () => {
    save.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({
      code: String(form.get("code") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      isDefault: form.get("isDefault") === "on",
    });
  };
  return (
    <Modal
      isOpen={location !== null}
      onOpenChange={(open) => !open && !save.isPending && close()}
      title={editing ? `Edit ${editing.name}` : "Add a location"}
      description={editing ? undefined : "A warehouse, shop or other place you keep stock."}
    >
      {(dismiss) => (
        // A reload gives the form the location as it now is (its version too).
        <ProblemForm key={editing?.version} problem={save.error} onSubmit={onSubmit} className="space-y-4">
          {isStale(save.error) && (
            <StaleNotice
              onReload={async () => {
                await onStale();
                save.reset();
              }}
            />
          )}
          <Field
            label="Name"
            name="name"
            required
            maxLength={100}
            defaultValue={editing?.name}
            autoComplete="off"
          />
          <Field
            label="Code"
            name="code"
            required
            maxLength={40}
            pattern="[a-z0-9][a-z0-9_\-]*"
            defaultValue={editing?.code}
            autoComplete="off"
            hint="Short and unique: lower-case letters, digits, - and _, e.g. east-depot."
          />
          {!editing && (
            <Checkbox
              label="Make it the default location"
              name="isDefault"
              hint="Imports and returns without a location put their stock here."
            />
          )}
          <div className="flex flex-wrap justify-end gap-3">
            <Button variant="secondary" onClick={dismiss} disabled={save.isPending}>
              Cancel
            </Button>
            <Button type="submit" pending={save.isPending}>
              {editing ? "Save location" : "Add location"}
            </Button>
          </div>
        </ProblemForm>
      )}
    </Modal>
  );
}

function Locations({
  locations,
  canWrite,
}: {
  locations: ReturnType<typeof useLocations>;
  canWrite: boolean;
}) {
  const toast = useToast();
  const [editing, setEditing] = useState<StockLocation | "new" | null>(null);
  const [deleting, setDeleting] = useState<StockLocation | null>(null);
  const [stale, setStale] = useState(false);
  const reload = async () => {
    await locations.refetch();
    setStale(false);
  };
  const change = useMutation({
    mutationFn: (input: { location: StockLocation; patch: { isActive?: boolean; isDefault?: boolean } }) =>
      inventoryApi.updateLocation(input.location.id, input.location.version, input.patch),
    onSuccess: async (saved, input) => {
      setStale(false);
      toast.success(
        input.patch.isDefault
          ? `${saved.name} is now the default location`
          : saved.isActive
            ? `${saved.name} is active again`
            : `${saved.name} is inactive`,
        input.patch.isActive === false
          ? "Its stock is kept but not sold, and it takes no new stock."
          : undefined,
      );
      await stockChanged();
    },
    onError: (error) => {
      if (isStale(error)) setStale(true);
      else toast.error("The location could not be changed", errorMessage(error));
    },
  });
  const columns: DataColumn<StockLocation>[] = [
    {
      id: "name",
      header: "Location",
      isRowHeader: true,
      cell: (l) => (
        <>
          {l.name}
          <span className="block font-mono text-xs text-neutral-600">{l.code}</span>
        </>
      ),
    },
    {
      id: "status",
      header: "Status",
      cell: (l) => (
        <span className={cn(!l.isActive && "text-neutral-600")}>
          {l.isDefault ? "Default" : l.isActive ? "Active" : "Inactive"}
        </span>
      ),
    },
    { id: "skus", header: "Variants", align: "right", cell: (l) => count(l.skuCount) },
    { id: "onHand", header: "On hand", align: "right", cell: (l) => count(l.stockedQuantity) },
    { id: "reserved", header: "Reserved", align: "right", cell: (l) => count(l.reservedQuantity) },
    {
      id: "actions",
      header: "Actions",
      hideHeader: true,
      cell: (l) =>
        canWrite && (
          <div className="flex flex-wrap justify-end gap-2">
            <Button size="sm" variant="secondary" onClick={() => setEditing(l)} aria-label={`Edit ${l.name}`}>
              Edit
            </Button>
            {!l.isDefault && l.isActive && (
              <Button
                size="sm"
                variant="secondary"
                pending={
                  change.isPending &&
                  change.variables?.location.id === l.id &&
                  !!change.variables.patch.isDefault
                }
                onClick={() => change.mutate({ location: l, patch: { isDefault: true } })}
                aria-label={`Make ${l.name} the default`}
              >
                Make default
              </Button>
            )}
            {!l.isDefault && (
              <Button
                size="sm"
                variant="secondary"
                pending={
                  change.isPending &&
                  change.variables?.location.id === l.id &&
                  change.variables.patch.isActive !== undefined
                }
                onClick={() => change.mutate({ location: l, patch: { isActive: !l.isActive } })}
                aria-label={`${l.isActive ? "Deactivate" : "Activate"} ${l.name}`}
              >
                {l.isActive ? "Deactivate" : "Activate"}
              </Button>
            )}
            {!l.isDefault && (
              <Button
                size="sm"
                variant="ghost"
                className="text-red-700"
                onClick={() => setDeleting(l)}
                aria-label={`Delete ${l.name}`}
              >
                Delete
              </Button>
            )}
          </div>
        ),
    },
  ];
  return (
    <>
      {stale && <StaleNotice onReload={() => void reload()} />}
      {canWrite && (
        <div className="flex justify-end">
          <Button onClick={() => setEditing("new")}>Add location</Button>
        </div>
      )}
      <QueryState query={locations} label="stock locations" />
      <DataTable
        aria-label="Stock locations"
        columns={columns}
        rows={locations.data}
        rowKey={(l) => l.id}
        isLoading={locations.isPending}
        emptyState="No stock locations yet."
      />
      <p className="text-xs text-neutral-600">
        A location that ever held stock keeps its history: deactivate it instead of deleting it.
      </p>
      <LocationForm
        location={editing}
        onClose={() => setEditing(null)}
        onStale={async () => {
          const fresh = await locations.refetch();
          setEditing((current) =>
            current && current !== "new" ? (fresh.data?.find((l) => l.id === current.id) ?? null) : current,
          );
        }}
      />
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete ${deleting?.name ?? "this location"}?`}
        confirmLabel="Delete location"
        tone="danger"
        onConfirm={async () => {
          if (!deleting) return;
          try {
            await inventoryApi.deleteLocation(deleting.id, deleting.version);
          } catch (error) {
            if (isStale(error)) setStale(true);
            throw error;
          }
          toast.success("Location deleted", deleting.name);
          await stockChanged();
        }}
      >
        Only a location that never held stock can be deleted.
      </ConfirmDialog>
    </>
  );
}

function useLocations() {
  return useQuery({
    queryKey: locationsKey,
    queryFn: ({ signal }) => inventoryApi.locations(signal),
    staleTime: 0,
  });
}

// -------------------------------------------------------------------------------------------------
// The screen

function InventoryScreen() {
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo(() => filtersOf(new URLSearchParams(search)), [search]);
  const apply = (next: Partial<Filters>) => setParams(searchOf({ ...filters, ...next }));
  const canWrite = useCan("inventory:write");
  const locations = useLocations();
  const [adjusting, setAdjusting] = useState<StockLevel | null>(null);
  const [transferring, setTransferring] = useState<StockLevel | null>(null);
  const [configuring, setConfiguring] = useState<StockLevel | null>(null);
  const levelFilters = { search: filters.search, location: filters.location, stock: filters.stock };

  return (
    <>
      <PageHeading
        title="Inventory"
        intro="Stock of every variant at every location: adjust it by hand, move it between locations, and see every change in the ledger with who made it."
      />
      <div className="space-y-6">
        <nav aria-label="Inventory sections" className="flex gap-1 border-b border-neutral-200">
          {tabs.map((tab) => {
            const current = tab.value === filters.tab;
            return (
              <Link
                key={tab.value}
                to={searchOf({ ...filters, tab: tab.value }) || "."}
                aria-current={current ? "page" : undefined}
                className={cn(
                  "-mb-px rounded-t-md border-b-2 px-4 py-2 text-sm font-medium",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                  current
                    ? "border-accent-700 text-accent-800"
                    : "border-transparent text-neutral-700 hover:border-neutral-300 hover:text-neutral-900",
                )}
              >
                {tab.label}
              </Link>
            );
          })}
        </nav>
        {filters.tab === "levels" && (
          <Section title="Stock levels">
            <div className="space-y-4">
              <StockFiltersForm filters={filters} locations={locations.data ?? []} apply={apply} />
              <StockLevels
                // Other filters start again at the first page.
                key={JSON.stringify(levelFilters)}
                filters={filters}
                canWrite={canWrite}
                onAdjust={setAdjusting}
                onTransfer={setTransferring}
                onSettings={setConfiguring}
              />
            </div>
          </Section>
        )}
        {filters.tab === "ledger" && (
          <Section title="Stock ledger">
            <div className="space-y-4">
              <Ledger filters={filters} locations={locations.data ?? []} apply={apply} />
            </div>
          </Section>
        )}
        {filters.tab === "locations" && (
          <Section title="Stock locations">
            <div className="space-y-4">
              <Locations locations={locations} canWrite={canWrite} />
            </div>
          </Section>
        )}
      </div>
      <AdjustDialog level={adjusting} onClose={() => setAdjusting(null)} />
      <TransferDialog
        level={transferring}
        locations={locations.data ?? []}
        onClose={() => setTransferring(null)}
      />
      <SettingsDialog level={configuring} onClose={() => setConfiguring(null)} />
    </>
  );
}

/**
 * Inventory: stock levels across the catalog (search, location, low/out filters; adjust, transfer,
 * per-level settings), the stock ledger (who changed what, when and why) and the stock locations
 * (add, rename, deactivate, make default). Reading needs catalog:read, changing inventory:write.
 */
export function InventoryPage() {
  return <InventoryScreen />;
}
