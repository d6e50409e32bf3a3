import { isApiError } from "@bazaar/sdk";
import {
  Alert,
  Button,
  Checkbox,
  ConfirmDialog,
  type DataColumn,
  DataTable,
  Field,
  formatMinor,
  Modal,
  MoneyField,
  ProblemForm,
  problemFieldPath,
  problemOf,
  Section,
  SelectField,
  TextAreaField,
  textLink,
  useToast,
} from "@bazaar/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatDateTime } from "../api";
import { PageHeading } from "../components/PageHeading";
import { ProductPicker, type ProductRef } from "../components/product-editor/pickers";
import { QueryState } from "../components/QueryError";
import { useCan } from "../queries";
import {
  type CouponCode,
  type CustomerGroupRef,
  type PromotionCreate,
  type PromotionDetail,
  type PromotionListQuery,
  type PromotionRow,
  type PromotionStatus,
  type PromotionType,
  promotionsApi,
  type StaffCategory,
} from "./promotions.api";

const promotionsKey = ["admin", "promotions"] as const;
const detailKey = (id: string) => [...promotionsKey, "detail", id] as const;
const codesKey = (id: string) => [...promotionsKey, "codes", id] as const;

const statusOptions = [
  { value: "", label: "Any status" },
  { value: "active", label: "Active" },
  { value: "scheduled", label: "Scheduled" },
  { value: "paused", label: "Paused" },
  { value: "expired", label: "Expired" },
];
const typeOptions: { value: PromotionType; label: string }[] = [
  { value: "percentage", label: "Percentage off" },
  { value: "fixed", label: "Fixed amount off" },
  { value: "buy_x_get_y", label: "Buy X, get Y at a discount" },
  { value: "free_shipping", label: "Free shipping" },
];

/** The browser's time zone, e.g. "Europe/Paris" (dates are typed and shown in it, stored in UTC). */
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "your time zone";

// ---------------------------------------------------------------------------------------------------
// Small helpers

/** ISO 8601 UTC -> the `datetime-local` text of the same instant in the browser's time zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `datetime-local` text (browser time zone) -> ISO 8601 UTC; null when empty; "" when not a date. */
function fromLocalInput(text: string): string | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/** 1500 basis points -> "15"; 1250 -> "12.5". */
function percentText(bp: number): string {
  return String(bp / 100);
}

/** "15" or "12.5" (at most 2 decimals, 0-100) -> basis points; null when empty; -1 when not a percentage. */
function percentToBp(text: string): number | null {
  const clean = text.trim().replace(",", ".").replace(/\s*%$/, "");
  if (!clean) return null;
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return -1;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

function wholeNumber(text: string): number | null {
  const clean = text.trim();
  if (!clean) return null;
  return /^-?\d+$/.test(clean) ? Number(clean) : -1;
}

/** What a promotion gives, in a few words. */
function ruleSummary(p: PromotionRow, fallbackCurrency: string): string {
  const currency = p.currency ?? fallbackCurrency;
  let text: string;
  switch (p.type) {
    case "percentage":
      text = `${percentText(p.value)} % off`;
      break;
    case "fixed":
      text = `${formatMinor(p.value, currency)} off ${p.appliesTo === "each_item" ? "each item" : "the order"}`;
      break;
    case "buy_x_get_y":
      text = `Buy ${p.buyQuantity}, get ${p.getQuantity} ${p.value >= 10_000 ? "free" : `${percentText(p.value)} % off`}`;
      break;
    default:
      text = "Free shipping";
  }
  if (p.conditions.minSubtotal !== null) text += ` over ${formatMinor(p.conditions.minSubtotal, currency)}`;
  const groups = p.conditions.customerGroupIds.length;
  if (groups > 0) text += `, ${groups === 1 ? "one customer group" : `${groups} customer groups`} only`;
  return text;
}

const statusTone: Record<PromotionStatus, string> = {
  active: "bg-green-100 text-green-900",
  scheduled: "bg-sky-100 text-sky-900",
  paused: "bg-amber-100 text-amber-900",
  expired: "bg-neutral-200 text-neutral-800",
};
const statusLabel: Record<PromotionStatus, string> = {
  active: "Active",
  scheduled: "Scheduled",
  paused: "Paused",
  expired: "Expired",
};

function StatusPill({ status }: { status: PromotionStatus }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${statusTone[status]}`}>
      {statusLabel[status]}
    </span>
  );
}

function schedule(p: { startsAt: string | null; endsAt: string | null }): string {
  if (!p.startsAt && !p.endsAt) return "Always";
  if (!p.endsAt) return `From ${formatDateTime(p.startsAt)}`;
  if (!p.startsAt) return `Until ${formatDateTime(p.endsAt)}`;
  return `${formatDateTime(p.startsAt)} – ${formatDateTime(p.endsAt)}`;
}

function useCurrencies() {
  return useQuery({
    queryKey: ["store", "currencies"],
    queryFn: ({ signal }) => promotionsApi.currencies(signal),
    staleTime: 5 * 60_000,
  });
}

// ---------------------------------------------------------------------------------------------------
// The page: the list, or the editor of `?promotion=<id>` (`new` for a new one)

/**
 * Promotions and coupon codes: the list (status, search, usage, pause / resume) and, at
 * `?promotion=<id>`, the editor of one promotion with its usage and codes.
 */
export function PromotionsPage() {
  const [params] = useSearchParams();
  const id = params.get("promotion");
  return id ? <PromotionEditor key={id} id={id === "new" ? null : id} /> : <PromotionList />;
}

function PromotionList() {
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canWrite = useCan("catalog:write");
  const currencies = useCurrencies();
  const fallbackCurrency = currencies.data?.default ?? "USD";
  const query = useMemo(() => {
    const q: PromotionListQuery = {};
    const text = params.get("q");
    const status = params.get("status");
    if (text) q.q = text;
    if (status && statusOptions.some((o) => o.value === status)) q.status = status as PromotionStatus;
    return q;
  }, [params]);
  const [draft, setDraft] = useState(query.q ?? "");
  useEffect(() => setDraft(query.q ?? ""), [query.q]);

  const list = useInfiniteQuery({
    queryKey: [...promotionsKey, "list", query],
    queryFn: ({ pageParam, signal }) => promotionsApi.list({ ...query, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = list.data?.pages.flatMap((p) => p.items);
  const total = list.data?.pages[0]?.total;

  const toggle = useMutation({
    mutationFn: (row: PromotionRow) =>
      row.isActive ? promotionsApi.pause(row.id, row.version) : promotionsApi.resume(row.id, row.version),
    onSuccess: (saved) => {
      toast.success(saved.isActive ? "Promotion resumed" : "Promotion paused", saved.name);
      void queryClient.invalidateQueries({ queryKey: promotionsKey });
    },
    onError: (error) => {
      toast.error(
        "The promotion was not changed",
        isApiError(error) && error.code === "STALE_VERSION"
          ? "Someone changed it meanwhile: the list is reloaded, try again."
          : error.message,
      );
      void queryClient.invalidateQueries({ queryKey: promotionsKey });
    },
  });

  const apply = (changes: Record<string, string>) => {
    const next: Record<string, string> = { ...(query as Record<string, string>), ...changes };
    for (const key of Object.keys(next)) if (!next[key]) delete next[key];
    setParams(next);
  };

  const columns: DataColumn<PromotionRow>[] = [
    {
      id: "name",
      header: "Promotion",
      isRowHeader: true,
      cell: (row) => (
        <span className="block min-w-40">
          <Link
            to={`?promotion=${encodeURIComponent(row.id)}`}
            className="font-medium text-accent-800 hover:underline"
          >
            {row.name}
          </Link>
          <span className="block text-xs text-neutral-600">{ruleSummary(row, fallbackCurrency)}</span>
        </span>
      ),
    },
    { id: "status", header: "Status", cell: (row) => <StatusPill status={row.status} /> },
    {
      id: "codes",
      header: "Codes",
      cell: (row) =>
        row.requiresCoupon ? (
          <span>
            {row.codeCount.toLocaleString()} {row.codeCount === 1 ? "code" : "codes"}
          </span>
        ) : (
          <span className="text-neutral-700">Automatic</span>
        ),
    },
    {
      id: "used",
      header: "Used",
      align: "right",
      cell: (row) => (row.requiresCoupon ? row.redemptions.toLocaleString() : "—"),
    },
    {
      id: "schedule",
      header: "Runs",
      cell: (row) => <span className="text-neutral-700">{schedule(row)}</span>,
    },
    ...(canWrite
      ? [
          {
            id: "actions",
            header: "Actions",
            cell: (row: PromotionRow) =>
              row.status === "expired" ? null : (
                <Button
                  size="sm"
                  variant="secondary"
                  pending={toggle.isPending && toggle.variables?.id === row.id}
                  aria-label={`${row.isActive ? "Pause" : "Resume"} ${row.name}`}
                  onClick={() => toggle.mutate(row)}
                >
                  {row.isActive ? "Pause" : "Resume"}
                </Button>
              ),
          } satisfies DataColumn<PromotionRow>,
        ]
      : []),
  ];

  const filtered = Boolean(query.q || query.status);
  return (
    <>
      <PageHeading
        title="Promotions"
        intro="Discounts that apply by themselves or with a coupon code. Times are in your time zone."
      />
      {canWrite && (
        <div className="mb-4">
          <Link
            to="?promotion=new"
            className="inline-flex h-10 items-center rounded-lg bg-accent-700 px-4 text-sm font-semibold text-white hover:bg-accent-800"
          >
            New promotion
          </Link>
        </div>
      )}
      <search aria-label="Find promotions" className="mb-4 block">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            apply({ q: draft.trim() });
          }}
          className="flex flex-wrap items-end gap-3"
        >
          <Field
            label="Search"
            name="q"
            type="search"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            hint="Name words, or the start of a code."
            maxLength={200}
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <SelectField
            label="Status"
            name="status"
            value={query.status ?? ""}
            onChange={(e) => apply({ status: e.currentTarget.value })}
            options={statusOptions}
            className="w-40"
          />
          <div className="flex gap-2 pb-6">
            <Button type="submit">Search</Button>
            {filtered && (
              <Button variant="secondary" onClick={() => setParams({})}>
                Clear filters
              </Button>
            )}
          </div>
        </form>
      </search>
      <QueryState query={list} label="promotions" />
      <DataTable
        aria-label="Promotions"
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        isLoading={list.isFetching}
        emptyState={filtered ? "No promotion matches these filters." : "No promotions yet."}
        paging={{
          mode: "loadMore",
          hasMore: Boolean(list.hasNextPage),
          onLoadMore: () => void list.fetchNextPage(),
          isLoadingMore: list.isFetchingNextPage,
          total,
        }}
      />
    </>
  );
}

// ---------------------------------------------------------------------------------------------------
// The editor

/** What the form holds, in the shapes the controls use. */
interface Draft {
  name: string;
  description: string;
  type: PromotionType;
  percent: string;
  amount: number | null;
  currency: string;
  appliesTo: "order" | "each_item";
  buyQuantity: string;
  getQuantity: string;
  getPercent: string;
  maxDiscount: number | null;
  minSubtotal: number | null;
  products: ProductRef[];
  skus: string;
  categoryIds: string[];
  excludeCategoryIds: string[];
  excludeOnSale: boolean;
  /** Customer groups whose signed-in members get it; empty: everyone. */
  customerGroupIds: string[];
  priority: string;
  stopFurtherPromotions: boolean;
  requiresCoupon: boolean;
  isActive: boolean;
  startsAt: string;
  endsAt: string;
  /** A new promotion's first code and its limits. */
  code: string;
  codeUsageLimit: string;
  codePerCustomer: string;
}

function emptyDraft(): Draft {
  return {
    name: "",
    description: "",
    type: "percentage",
    percent: "",
    amount: null,
    currency: "",
    appliesTo: "order",
    buyQuantity: "1",
    getQuantity: "1",
    getPercent: "100",
    maxDiscount: null,
    minSubtotal: null,
    products: [],
    skus: "",
    categoryIds: [],
    excludeCategoryIds: [],
    excludeOnSale: false,
    customerGroupIds: [],
    priority: "0",
    stopFurtherPromotions: false,
    requiresCoupon: true,
    isActive: true,
    startsAt: "",
    endsAt: "",
    code: "",
    codeUsageLimit: "",
    codePerCustomer: "",
  };
}

function draftOf(p: PromotionDetail): Draft {
  return {
    ...emptyDraft(),
    name: p.name,
    description: p.description,
    type: p.type,
    percent: p.type === "percentage" ? percentText(p.value) : "",
    amount: p.type === "fixed" ? p.value : null,
    currency: p.currency ?? "",
    appliesTo: p.appliesTo,
    buyQuantity: p.type === "buy_x_get_y" ? String(p.buyQuantity) : "1",
    getQuantity: p.type === "buy_x_get_y" ? String(p.getQuantity) : "1",
    getPercent: p.type === "buy_x_get_y" ? percentText(p.value) : "100",
    maxDiscount: p.maxDiscountAmount,
    minSubtotal: p.conditions.minSubtotal,
    products: p.products,
    skus: p.conditions.skus.join(", "),
    categoryIds: p.conditions.categoryIds,
    excludeCategoryIds: p.conditions.excludeCategoryIds,
    excludeOnSale: p.conditions.excludeOnSale,
    customerGroupIds: p.conditions.customerGroupIds,
    priority: String(p.priority),
    stopFurtherPromotions: p.stopFurtherPromotions,
    requiresCoupon: p.requiresCoupon,
    isActive: p.isActive,
    startsAt: toLocalInput(p.startsAt),
    endsAt: toLocalInput(p.endsAt),
  };
}

/** The body the API takes; a value the form cannot read is sent so that the server names its field. */
function inputOf(draft: Draft, isNew: boolean): PromotionCreate {
  const type = draft.type;
  const value =
    type === "percentage"
      ? percentToBp(draft.percent)
      : type === "fixed"
        ? draft.amount
        : type === "buy_x_get_y"
          ? percentToBp(draft.getPercent)
          : null;
  const startsAt = fromLocalInput(draft.startsAt);
  const endsAt = fromLocalInput(draft.endsAt);
  const body: PromotionCreate = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    type,
    ...(value !== null && { value }),
    currency: draft.currency || null,
    ...(type === "fixed" && { appliesTo: draft.appliesTo }),
    ...(type === "buy_x_get_y" && {
      buyQuantity: wholeNumber(draft.buyQuantity) ?? -1,
      getQuantity: wholeNumber(draft.getQuantity) ?? -1,
    }),
    ...(type !== "free_shipping" && { maxDiscountAmount: draft.maxDiscount }),
    conditions: {
      minSubtotal: draft.minSubtotal,
      productIds: draft.products.map((p) => p.id),
      skus: draft.skus
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      categoryIds: draft.categoryIds,
      excludeCategoryIds: draft.excludeCategoryIds,
      excludeOnSale: draft.excludeOnSale,
      customerGroupIds: draft.customerGroupIds,
    },
    priority: wholeNumber(draft.priority) ?? 0,
    stopFurtherPromotions: draft.stopFurtherPromotions,
    requiresCoupon: draft.requiresCoupon,
    isActive: draft.isActive,
    // An unreadable date is sent as text, so the server names the field.
    startsAt: startsAt === "" ? draft.startsAt : startsAt,
    endsAt: endsAt === "" ? draft.endsAt : endsAt,
  };
  if (isNew && draft.requiresCoupon && draft.code.trim()) {
    body.codes = [
      {
        code: draft.code.trim(),
        usageLimit: wholeNumber(draft.codeUsageLimit),
        usageLimitPerCustomer: wholeNumber(draft.codePerCustomer),
      },
    ];
  }
  return body;
}

/** A `datetime-local` field with the browser's time zone named, and the UTC instant it means. */
function DateTimeField({
  label,
  name,
  value,
  onChange,
  readOnly,
  hint,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  hint: string;
}) {
  const iso = fromLocalInput(value);
  return (
    <Field
      label={`${label} (${timeZone})`}
      name={name}
      type="datetime-local"
      value={value}
      readOnly={readOnly}
      hint={
        iso ? (
          <>
            {hint} <span className="whitespace-nowrap">= {iso.slice(0, 16).replace("T", " ")} UTC</span>
          </>
        ) : (
          hint
        )
      }
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

function depthOf(category: StaffCategory, byId: Map<string, StaffCategory>): number {
  let depth = 0;
  let parent = category.parentId;
  while (parent && depth < 20) {
    depth++;
    parent = byId.get(parent)?.parentId ?? null;
  }
  return depth;
}

/** Categories as indented checkboxes in a fieldset. */
function CategoryChecklist({
  legend,
  hint,
  name,
  categories,
  value,
  onChange,
  readOnly,
}: {
  legend: string;
  hint: string;
  name: string;
  categories: StaffCategory[];
  value: string[];
  onChange: (ids: string[]) => void;
  readOnly: boolean;
}) {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const hintId = useId();
  return (
    <fieldset aria-describedby={hintId} className="min-w-0">
      <legend className="text-sm font-medium text-neutral-900">{legend}</legend>
      <p id={hintId} className="text-sm text-neutral-600">
        {hint}
      </p>
      <div className="mt-2 max-h-56 overflow-y-auto rounded-lg border border-neutral-200 bg-white p-2">
        {categories.length === 0 && <p className="text-sm text-neutral-600">No categories yet.</p>}
        {categories.map((c) => (
          <div key={c.id} style={{ paddingLeft: `${depthOf(c, byId) * 1.25}rem` }}>
            <Checkbox
              name={name}
              label={c.isActive ? c.name : `${c.name} (inactive)`}
              checked={value.includes(c.id)}
              disabled={readOnly}
              className="py-0.5"
              onChange={(e) =>
                onChange(e.currentTarget.checked ? [...value, c.id] : value.filter((id) => id !== c.id))
              }
            />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * The customer groups a promotion is limited to, as checkboxes (none ticked: everyone). Groups the list
 * cannot show (no customers:read) still appear when the promotion names them. Errors on
 * `conditions.customerGroupIds[i]` show under the fieldset.
 */
function CustomerGroupChecklist({
  groups,
  value,
  onChange,
  readOnly,
  problem,
}: {
  groups: CustomerGroupRef[];
  value: string[];
  onChange: (ids: string[]) => void;
  readOnly: boolean;
  problem: unknown;
}) {
  const hintId = useId();
  const errorId = useId();
  const error = problemOf(problem)?.errors?.find((e) =>
    problemFieldPath(e.field).startsWith("conditions.customerGroupIds"),
  )?.message;
  return (
    <fieldset
      aria-describedby={error ? `${hintId} ${errorId}` : hintId}
      aria-invalid={error ? true : undefined}
      className="mt-6 min-w-0"
    >
      <legend className="text-sm font-medium text-neutral-900">Customer groups</legend>
      <p id={hintId} className="text-sm text-neutral-600">
        Only signed-in customers in one of the ticked groups get it; guests never do. None ticked: every
        shopper.
      </p>
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="mt-2 max-h-56 overflow-y-auto rounded-lg border border-neutral-200 bg-white p-2">
        {groups.length === 0 && (
          <p className="text-sm text-neutral-600">
            No customer groups yet: create them under{" "}
            <Link to="/customer-groups" className="text-accent-800 underline">
              Customer groups
            </Link>
            .
          </p>
        )}
        {groups.map((g) => (
          <Checkbox
            key={g.id}
            name="conditions.customerGroupIds"
            label={g.name}
            checked={value.includes(g.id)}
            disabled={readOnly}
            className="py-0.5"
            onChange={(e) =>
              onChange(e.currentTarget.checked ? [...value, g.id] : value.filter((id) => id !== g.id))
            }
          />
        ))}
      </div>
    </fieldset>
  );
}

function PromotionEditor({ id }: { id: string | null }) {
  const isNew = id === null;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const canWrite = useCan("catalog:write");
  const readOnly = !canWrite;

  const promotion = useQuery({
    queryKey: detailKey(id ?? "new"),
    queryFn: ({ signal }) => promotionsApi.get(id!, signal),
    enabled: !isNew,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const categories = useQuery({
    queryKey: ["admin", "categories"],
    queryFn: ({ signal }) => promotionsApi.categories(signal),
  });
  const customerGroups = useQuery({
    queryKey: ["admin", "customer-groups", "options"],
    queryFn: ({ signal }) => promotionsApi.customerGroups(signal),
    retry: false,
  });
  const currencies = useCurrencies();
  const defaultCurrency = currencies.data?.default ?? "USD";
  const currencyList = [...new Set([defaultCurrency, ...(currencies.data?.currencies ?? [])])];

  const [draft, setDraft] = useState<Draft | null>(isNew ? emptyDraft() : null);
  const [baseline, setBaseline] = useState("");
  const [version, setVersion] = useState<number | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [toggling, setToggling] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (promotion.data) {
      const loaded = draftOf(promotion.data);
      setDraft(loaded);
      setBaseline(JSON.stringify(inputOf(loaded, false)));
      setVersion(promotion.data.version);
      setStale(false);
      setProblem(null);
    }
  }, [promotion.data]);
  useEffect(() => {
    if (isNew) setBaseline(JSON.stringify(inputOf(emptyDraft(), true)));
  }, [isNew]);
  const dirty = useMemo(
    () => (draft ? JSON.stringify(inputOf(draft, isNew)) !== baseline : false),
    [draft, baseline, isNew],
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const back = (
    <p className="mb-4 text-sm">
      <Link to="/promotions" className="text-accent-800 underline">
        ← All promotions
      </Link>
    </p>
  );
  if (!isNew && !draft) {
    return (
      <>
        <PageHeading title="Promotion" />
        {back}
        <QueryState query={promotion} label="the promotion" />
      </>
    );
  }
  if (!draft) return null;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  const amountCurrency = draft.currency || defaultCurrency;
  const current = promotion.data;

  const loaded = (saved: PromotionDetail) => {
    queryClient.setQueryData(detailKey(saved.id), saved);
    void queryClient.invalidateQueries({ queryKey: [...promotionsKey, "list"] });
    void queryClient.invalidateQueries({ queryKey: codesKey(saved.id) });
  };

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    setSaving(true);
    try {
      const body = inputOf(draft, isNew);
      if (isNew) {
        const saved = await promotionsApi.create(body);
        loaded(saved);
        toast.success("Promotion created", saved.name);
        navigate(`/promotions?promotion=${encodeURIComponent(saved.id)}`, { replace: true });
      } else {
        const { codes: _codes, ...patch } = body;
        const saved = await promotionsApi.save(id, version ?? 0, patch);
        loaded(saved);
        toast.success("Promotion saved", saved.name);
      }
    } catch (error) {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
      else setProblem(error);
    } finally {
      setSaving(false);
    }
  };

  const toggle = async () => {
    if (!current) return;
    setToggling(true);
    try {
      const saved = current.isActive
        ? await promotionsApi.pause(current.id, version ?? 0)
        : await promotionsApi.resume(current.id, version ?? 0);
      loaded(saved);
      toast.success(saved.isActive ? "Promotion resumed" : "Promotion paused", saved.name);
    } catch (error) {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
      else toast.error("The promotion was not changed", error instanceof Error ? error.message : undefined);
    } finally {
      setToggling(false);
    }
  };

  const reload = async () => {
    const fresh = await promotionsApi.get(id!);
    queryClient.setQueryData(detailKey(id!), fresh);
  };

  const title = isNew ? "New promotion" : draft.name || "Promotion";
  const isPercent = draft.type === "percentage";
  const isFixed = draft.type === "fixed";
  const isBxgy = draft.type === "buy_x_get_y";
  const isShipping = draft.type === "free_shipping";

  return (
    <>
      <PageHeading
        title={title}
        intro={
          isNew ? (
            "Choose what it gives, to which items, when, and whether it needs a coupon code."
          ) : (
            <>
              {current && <StatusPill status={current.status} />} · version {version}
              {current?.sourceKey && <> · imported from {current.sourceKey}</>}
            </>
          )
        }
      />
      {back}
      {stale && (
        <Alert className="mb-4">
          <p className="font-semibold">Someone else changed this promotion after you opened it.</p>
          <p className="mt-1">
            Your changes were not saved, and theirs were not overwritten. Reload to see the promotion as it is
            now, then make your changes again.
          </p>
          <Button className="mt-3" onClick={() => void reload()}>
            Reload the promotion
          </Button>
        </Alert>
      )}
      <ProblemForm problem={problem} onSubmit={save} className="space-y-6">
        <Section title="Details">
          <div className="grid gap-x-4 gap-y-4 sm:grid-cols-2">
            <Field
              label="Name"
              name="name"
              value={draft.name}
              required
              maxLength={200}
              readOnly={readOnly}
              hint="Shoppers see it in their cart."
              onChange={(e) => set("name", e.currentTarget.value)}
            />
            <SelectField
              label="Type"
              name="type"
              value={draft.type}
              disabled={readOnly}
              options={typeOptions}
              onChange={(e) => set("type", e.currentTarget.value as PromotionType)}
            />
          </div>
          <TextAreaField
            label="Internal note"
            name="description"
            value={draft.description}
            rows={2}
            maxLength={2000}
            readOnly={readOnly}
            hint="For staff only."
            className="mt-4"
            onChange={(e) => set("description", e.currentTarget.value)}
          />
        </Section>

        <Section
          title="Discount"
          description={
            isShipping
              ? "The shipping price drops to zero when the conditions below are met."
              : "Taken off the items that meet the conditions below."
          }
        >
          <div className="grid gap-x-4 gap-y-4 sm:grid-cols-2">
            {isPercent && (
              <Field
                label="Percentage off"
                name="value"
                inputMode="decimal"
                value={draft.percent}
                readOnly={readOnly}
                hint="0.01 to 100, e.g. 15 or 12.5."
                onChange={(e) => set("percent", e.currentTarget.value)}
              />
            )}
            {isFixed && (
              <>
                <MoneyField
                  label="Amount off"
                  name="value"
                  currency={amountCurrency}
                  value={draft.amount}
                  readOnly={readOnly}
                  onValueChange={(minor) => set("amount", minor)}
                />
                <SelectField
                  label="Taken off"
                  name="appliesTo"
                  value={draft.appliesTo}
                  disabled={readOnly}
                  onChange={(e) => set("appliesTo", e.currentTarget.value as Draft["appliesTo"])}
                  options={[
                    { value: "order", label: "Once, off the qualifying items together" },
                    { value: "each_item", label: "Off each qualifying item (per unit)" },
                  ]}
                />
              </>
            )}
            {isBxgy && (
              <>
                <Field
                  label="Buy (X items)"
                  name="buyQuantity"
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={draft.buyQuantity}
                  readOnly={readOnly}
                  onChange={(e) => set("buyQuantity", e.currentTarget.value)}
                />
                <Field
                  label="Get (Y items)"
                  name="getQuantity"
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={draft.getQuantity}
                  readOnly={readOnly}
                  hint="In every group of X + Y qualifying items, the Y cheapest are discounted."
                  onChange={(e) => set("getQuantity", e.currentTarget.value)}
                />
                <Field
                  label="Discount on the Y items (%)"
                  name="value"
                  inputMode="decimal"
                  value={draft.getPercent}
                  readOnly={readOnly}
                  hint="100 makes them free."
                  onChange={(e) => set("getPercent", e.currentTarget.value)}
                />
              </>
            )}
            <SelectField
              label="Currency"
              name="currency"
              value={draft.currency}
              disabled={readOnly}
              onChange={(e) => set("currency", e.currentTarget.value)}
              hint={
                isFixed
                  ? "The currency of the amount; carts in other currencies do not get it."
                  : "Carts in other currencies do not get it. Any: amounts below are in the cart's currency."
              }
            >
              {!isFixed && <option value="">Any currency</option>}
              {isFixed && !draft.currency && <option value="">Choose a currency</option>}
              {[...new Set([...(draft.currency ? [draft.currency] : []), ...currencyList])].map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
            {!isShipping && (
              <MoneyField
                label="Most it gives per cart (optional)"
                name="maxDiscountAmount"
                currency={amountCurrency}
                value={draft.maxDiscount}
                readOnly={readOnly}
                hint="Empty: no cap."
                onValueChange={(minor) => set("maxDiscount", minor)}
              />
            )}
          </div>
        </Section>

        <Section
          title="Conditions"
          description="Leave products, SKUs and categories empty for every item. An item qualifies when it matches any of them."
        >
          <MoneyField
            label="Minimum subtotal (optional)"
            name="conditions.minSubtotal"
            currency={amountCurrency}
            value={draft.minSubtotal}
            readOnly={readOnly}
            hint="The cart's items before discounts must add up to this."
            className="max-w-xs"
            onValueChange={(minor) => set("minSubtotal", minor)}
          />
          <div className="mt-6">
            <ProductPicker
              label="Products"
              hint="Items of these products qualify."
              value={draft.products}
              readOnly={readOnly}
              onChange={(products) => set("products", products)}
            />
          </div>
          <TextAreaField
            label="SKUs"
            name="conditions.skus"
            value={draft.skus}
            rows={2}
            readOnly={readOnly}
            hint="Variant SKUs, separated by commas or spaces."
            onChange={(e) => set("skus", e.currentTarget.value)}
          />
          <div className="mt-6 grid gap-6 lg:grid-cols-2">
            <CategoryChecklist
              legend="Categories"
              hint="Items in these categories, or below them, qualify."
              name="conditions.categoryIds"
              categories={categories.data ?? []}
              value={draft.categoryIds}
              readOnly={readOnly}
              onChange={(ids) => set("categoryIds", ids)}
            />
            <CategoryChecklist
              legend="Excluded categories"
              hint="Items in these categories, or below them, never qualify."
              name="conditions.excludeCategoryIds"
              categories={categories.data ?? []}
              value={draft.excludeCategoryIds}
              readOnly={readOnly}
              onChange={(ids) => set("excludeCategoryIds", ids)}
            />
          </div>
          <Checkbox
            label="Leave out items on sale"
            name="conditions.excludeOnSale"
            hint="Items at a special price never qualify."
            checked={draft.excludeOnSale}
            disabled={readOnly}
            className="mt-4"
            onChange={(e) => set("excludeOnSale", e.currentTarget.checked)}
          />
          <CustomerGroupChecklist
            groups={[
              ...(customerGroups.data ?? []),
              ...(current?.customerGroups ?? []).filter(
                (g) => !customerGroups.data?.some((listed) => listed.id === g.id),
              ),
            ]}
            value={draft.customerGroupIds}
            readOnly={readOnly}
            problem={problem}
            onChange={(ids) => set("customerGroupIds", ids)}
          />
        </Section>

        <Section
          title="When and how"
          description={`Dates are in your time zone (${timeZone}) and kept in UTC. Leave them empty to start at once and never end.`}
        >
          <div className="grid gap-x-4 gap-y-4 sm:grid-cols-2">
            <DateTimeField
              label="Starts"
              name="startsAt"
              value={draft.startsAt}
              readOnly={readOnly}
              hint="Empty: at once."
              onChange={(value) => set("startsAt", value)}
            />
            <DateTimeField
              label="Ends"
              name="endsAt"
              value={draft.endsAt}
              readOnly={readOnly}
              hint="Empty: never. It stops applying at this moment."
              onChange={(value) => set("endsAt", value)}
            />
            <Field
              label="Priority"
              name="priority"
              type="number"
              step={1}
              inputMode="numeric"
              value={draft.priority}
              readOnly={readOnly}
              hint="Lower numbers apply first; each discounts what earlier ones left."
              onChange={(e) => set("priority", e.currentTarget.value)}
            />
          </div>
          <div className="mt-4 space-y-3">
            <Checkbox
              label="Requires a coupon code"
              name="requiresCoupon"
              hint="Unticked, it applies by itself to every cart that meets the conditions."
              checked={draft.requiresCoupon}
              disabled={readOnly}
              onChange={(e) => set("requiresCoupon", e.currentTarget.checked)}
            />
            <Checkbox
              label="Stop further promotions"
              name="stopFurtherPromotions"
              hint="When this one applies, promotions after it (by priority) do not."
              checked={draft.stopFurtherPromotions}
              disabled={readOnly}
              onChange={(e) => set("stopFurtherPromotions", e.currentTarget.checked)}
            />
            {isNew && (
              <Checkbox
                label="Active"
                name="isActive"
                hint="Unticked, it is saved paused."
                checked={draft.isActive}
                disabled={readOnly}
                onChange={(e) => set("isActive", e.currentTarget.checked)}
              />
            )}
          </div>
        </Section>

        {isNew && draft.requiresCoupon && (
          <Section
            title="Coupon code"
            description="Optional: make its first code now. Add more, or generate many, after saving."
          >
            <div className="grid gap-x-4 gap-y-4 sm:grid-cols-3">
              <Field
                label="Code"
                name="codes.0.code"
                value={draft.code}
                maxLength={64}
                autoCapitalize="characters"
                autoComplete="off"
                inputClassName="font-mono uppercase"
                hint="Letters, digits, - and _. Shoppers may type it in any case."
                onChange={(e) => set("code", e.currentTarget.value)}
              />
              <Field
                label="Uses in total (optional)"
                name="codes.0.usageLimit"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={draft.codeUsageLimit}
                hint="Empty: unlimited."
                onChange={(e) => set("codeUsageLimit", e.currentTarget.value)}
              />
              <Field
                label="Uses per customer (optional)"
                name="codes.0.usageLimitPerCustomer"
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                value={draft.codePerCustomer}
                hint="Empty: unlimited."
                onChange={(e) => set("codePerCustomer", e.currentTarget.value)}
              />
            </div>
          </Section>
        )}

        {!readOnly && (
          <div className="sticky bottom-0 z-10 -mx-4 border-t border-neutral-200 bg-white/95 px-4 py-3 backdrop-blur">
            <div className="flex flex-wrap items-center justify-end gap-3">
              <span role="status" className="mr-auto text-sm text-neutral-700">
                {dirty ? "Unsaved changes" : isNew ? "" : "All changes saved"}
              </span>
              {!isNew && current && (
                <>
                  <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                    Delete
                  </Button>
                  {current.status !== "expired" && (
                    <Button
                      variant="secondary"
                      pending={toggling}
                      disabled={stale}
                      onClick={() => void toggle()}
                    >
                      {current.isActive ? "Pause" : "Resume"}
                    </Button>
                  )}
                </>
              )}
              <Button type="submit" pending={saving} disabled={stale}>
                {isNew ? "Create promotion" : "Save"}
              </Button>
            </div>
          </div>
        )}
      </ProblemForm>

      {current && (
        <div className="mt-6 space-y-6">
          <UsageSection promotion={current} />
          <CodesSection promotion={current} canWrite={canWrite} />
        </div>
      )}

      {current && (
        <ConfirmDialog
          isOpen={confirmDelete}
          onOpenChange={setConfirmDelete}
          title={`Delete ${current.name}?`}
          confirmLabel={current.redemptions > 0 ? "End it" : "Delete"}
          tone="danger"
          onConfirm={async () => {
            const result = await promotionsApi.remove(current.id, version ?? 0);
            void queryClient.invalidateQueries({ queryKey: promotionsKey });
            toast.success(
              result.ended
                ? "Ended instead: orders used its codes, so it is kept for their history"
                : "Promotion deleted",
            );
            navigate("/promotions");
          }}
        >
          {current.redemptions > 0
            ? "Orders used its codes, so it is ended now rather than deleted: it stops applying and stays for their history."
            : "It is deleted with its codes. If orders used one of its codes it is ended instead (kept for history)."}
        </ConfirmDialog>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------------
// Usage and codes of a saved promotion

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-neutral-200 px-4 py-3">
      <dt className="text-sm text-neutral-600">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums text-neutral-900">{children}</dd>
    </div>
  );
}

function UsageSection({ promotion }: { promotion: PromotionDetail }) {
  const canSeeOrders = useCan("orders:read");
  const { usage } = promotion;
  return (
    <Section title="Usage" description="Orders that were cancelled gave their coupon use back.">
      <dl className="grid gap-3 sm:grid-cols-3">
        <Figure label="Coupon uses">{usage.redemptions.toLocaleString()}</Figure>
        <Figure label="Orders">{usage.orders.toLocaleString()}</Figure>
        <Figure label="Discount given">
          {usage.discountTotals === null ? (
            <span className="text-sm font-normal text-neutral-700">Not reported</span>
          ) : usage.discountTotals.length === 0 ? (
            "—"
          ) : (
            usage.discountTotals.map((t) => (
              <span key={t.currency} className="block">
                {formatMinor(t.amount, t.currency)}
              </span>
            ))
          )}
        </Figure>
      </dl>
      {usage.recentRedemptions.length > 0 && (
        <>
          <h3 className="mt-5 text-sm font-semibold text-neutral-900">Latest uses</h3>
          <ul className="mt-2 divide-y divide-neutral-100 text-sm">
            {usage.recentRedemptions.map((r) => (
              <li key={`${r.orderId}-${r.code}`} className="flex flex-wrap gap-x-4 py-1.5">
                <span className="font-mono">{r.code}</span>
                {canSeeOrders ? (
                  <Link to={`/orders/${encodeURIComponent(r.orderId)}`} className={textLink}>
                    Order {r.orderId}
                  </Link>
                ) : (
                  <span>Order {r.orderId}</span>
                )}
                <time dateTime={r.redeemedAt} className="text-neutral-700">
                  {formatDateTime(r.redeemedAt)}
                </time>
                {r.released && <span className="text-neutral-700">(cancelled, use given back)</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function limitText(limit: number | null): string {
  return limit === null ? "unlimited" : limit.toLocaleString();
}

function CodesSection({ promotion, canWrite }: { promotion: PromotionDetail; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [generating, setGenerating] = useState(false);
  const [removing, setRemoving] = useState<CouponCode | null>(null);
  const [addForm, setAddForm] = useState({ code: "", usageLimit: "", usageLimitPerCustomer: "" });

  const codes = useInfiniteQuery({
    queryKey: [...codesKey(promotion.id), q],
    queryFn: ({ pageParam, signal }) => promotionsApi.codes(promotion.id, { q, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: promotion.requiresCoupon || promotion.codeCount > 0,
    staleTime: 0,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: codesKey(promotion.id) });
    void queryClient.invalidateQueries({ queryKey: detailKey(promotion.id) });
    void queryClient.invalidateQueries({ queryKey: [...promotionsKey, "list"] });
  };

  const add = useMutation({
    mutationFn: () =>
      promotionsApi.addCode(promotion.id, {
        code: addForm.code.trim(),
        usageLimit: wholeNumber(addForm.usageLimit),
        usageLimitPerCustomer: wholeNumber(addForm.usageLimitPerCustomer),
      }),
    onSuccess: (code) => {
      toast.success("Code added", code.code);
      setAddForm({ code: "", usageLimit: "", usageLimitPerCustomer: "" });
      refresh();
    },
  });

  if (!promotion.requiresCoupon && promotion.codeCount === 0) {
    return (
      <Section title="Coupon codes">
        <p className="text-sm text-neutral-700">
          This promotion applies by itself to every cart that meets its conditions. To hand out codes instead,
          tick “Requires a coupon code” and save.
        </p>
      </Section>
    );
  }

  const rows = codes.data?.pages.flatMap((p) => p.items);
  const total = codes.data?.pages[0]?.total;
  const columns: DataColumn<CouponCode>[] = [
    {
      id: "code",
      header: "Code",
      isRowHeader: true,
      cell: (row) => <span className="whitespace-nowrap font-mono">{row.code}</span>,
    },
    {
      id: "uses",
      header: "Uses",
      cell: (row) => `${row.usageCount.toLocaleString()} of ${limitText(row.usageLimit)}`,
    },
    { id: "perCustomer", header: "Per customer", cell: (row) => limitText(row.usageLimitPerCustomer) },
    {
      id: "created",
      header: "Created",
      cell: (row) => <time dateTime={row.createdAt}>{formatDateTime(row.createdAt)}</time>,
    },
    ...(canWrite
      ? [
          {
            id: "actions",
            header: "Actions",
            cell: (row: CouponCode) =>
              row.usageCount === 0 ? (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Delete ${row.code}`}
                  onClick={() => setRemoving(row)}
                >
                  Delete
                </Button>
              ) : (
                <span className="text-xs text-neutral-600">Used: kept</span>
              ),
          } satisfies DataColumn<CouponCode>,
        ]
      : []),
  ];

  return (
    <Section
      title="Coupon codes"
      description={`${promotion.codeCount.toLocaleString()} ${promotion.codeCount === 1 ? "code" : "codes"}. Each one is unique in the shop; shoppers may type it in any case.`}
      actions={
        <div className="flex flex-wrap gap-2">
          {canWrite && promotion.requiresCoupon && (
            <Button variant="secondary" onClick={() => setGenerating(true)}>
              Generate codes
            </Button>
          )}
          {promotion.codeCount > 0 && (
            <a
              href={promotionsApi.codesCsvUrl(promotion.id)}
              download
              className="inline-flex h-10 items-center rounded-lg border border-neutral-300 bg-white px-4 text-sm font-medium text-neutral-900 hover:bg-neutral-50"
            >
              Download CSV
            </a>
          )}
        </div>
      }
    >
      {!promotion.requiresCoupon && (
        <p className="mb-4 text-sm text-amber-900">
          It applies without a code now, so these codes change nothing. Tick “Requires a coupon code” to use
          them.
        </p>
      )}
      {canWrite && promotion.requiresCoupon && (
        <ProblemForm
          problem={add.error}
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate();
          }}
          aria-label="Add a code"
          className="mb-6 flex flex-wrap items-end gap-3"
        >
          <Field
            label="New code"
            name="code"
            value={addForm.code}
            required
            maxLength={64}
            autoComplete="off"
            inputClassName="font-mono uppercase"
            className="w-full sm:w-56"
            onChange={(e) => setAddForm({ ...addForm, code: e.currentTarget.value })}
          />
          <Field
            label="Uses in total"
            name="usageLimit"
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            placeholder="Unlimited"
            value={addForm.usageLimit}
            className="w-36"
            onChange={(e) => setAddForm({ ...addForm, usageLimit: e.currentTarget.value })}
          />
          <Field
            label="Per customer"
            name="usageLimitPerCustomer"
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            placeholder="Unlimited"
            value={addForm.usageLimitPerCustomer}
            className="w-36"
            onChange={(e) => setAddForm({ ...addForm, usageLimitPerCustomer: e.currentTarget.value })}
          />
          <Button type="submit" pending={add.isPending}>
            Add code
          </Button>
        </ProblemForm>
      )}
      {(promotion.codeCount > 20 || q) && (
        <search aria-label="Find codes" className="mb-3 block">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              setQ(search.trim());
            }}
            className="flex flex-wrap items-end gap-3"
          >
            <Field
              label="Find a code"
              name="codeSearch"
              type="search"
              value={search}
              autoComplete="off"
              hint="The start of a code."
              className="w-full sm:w-56"
              onChange={(e) => setSearch(e.currentTarget.value)}
            />
            <div className="pb-6">
              <Button type="submit" variant="secondary">
                Find
              </Button>
            </div>
          </form>
        </search>
      )}
      <QueryState query={codes} label="codes" />
      <DataTable
        aria-label="Coupon codes"
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        isLoading={codes.isFetching}
        emptyState={q ? "No code starts with this." : "No codes yet."}
        paging={{
          mode: "loadMore",
          hasMore: Boolean(codes.hasNextPage),
          onLoadMore: () => void codes.fetchNextPage(),
          isLoadingMore: codes.isFetchingNextPage,
          total,
        }}
      />
      <GenerateCodesDialog
        promotion={promotion}
        isOpen={generating}
        onClose={() => setGenerating(false)}
        onDone={refresh}
      />
      <ConfirmDialog
        isOpen={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={`Delete the code ${removing?.code ?? ""}?`}
        confirmLabel="Delete"
        tone="danger"
        onConfirm={async () => {
          if (!removing) return;
          await promotionsApi.deleteCode(promotion.id, removing.id);
          toast.success("Code deleted", removing.code);
          refresh();
        }}
      >
        Shoppers can no longer use it. No order used it yet.
      </ConfirmDialog>
    </Section>
  );
}

function GenerateCodesDialog({
  promotion,
  isOpen,
  onClose,
  onDone,
}: {
  promotion: PromotionDetail;
  isOpen: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const toast = useToast();
  const [form, setForm] = useState({
    count: "100",
    prefix: "",
    length: "8",
    usageLimit: "1",
    usageLimitPerCustomer: "",
  });
  const generate = useMutation({
    mutationFn: () =>
      promotionsApi.generateCodes(promotion.id, {
        count: wholeNumber(form.count) ?? -1,
        prefix: form.prefix.trim(),
        length: wholeNumber(form.length) ?? 8,
        usageLimit: wholeNumber(form.usageLimit),
        usageLimitPerCustomer: wholeNumber(form.usageLimitPerCustomer),
      }),
    onSuccess: (result) => {
      toast.success(
        `${result.created.toLocaleString()} codes generated`,
        `For example ${result.sample.slice(0, 3).join(", ")}`,
      );
      onDone();
      onClose();
      generate.reset();
    },
  });
  const example = `${form.prefix.trim().toUpperCase()}${"X".repeat(Math.min(16, Math.max(0, wholeNumber(form.length) ?? 8)))}`;
  return (
    <Modal
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (open || generate.isPending) return;
        onClose();
        generate.reset();
      }}
      title="Generate coupon codes"
      description="Random codes without look-alike characters (no 0, O, 1, I or L), each unique in the shop, made in one go."
      size="lg"
    >
      {(close) => (
        <ProblemForm
          problem={generate.error}
          onSubmit={(event) => {
            event.preventDefault();
            generate.mutate();
          }}
          className="space-y-4"
        >
          <div className="grid gap-x-4 gap-y-4 sm:grid-cols-3">
            <Field
              label="How many"
              name="count"
              type="number"
              min={1}
              max={10_000}
              step={1}
              required
              inputMode="numeric"
              value={form.count}
              hint="Up to 10,000."
              onChange={(e) => setForm({ ...form, count: e.currentTarget.value })}
            />
            <Field
              label="Prefix (optional)"
              name="prefix"
              maxLength={32}
              autoComplete="off"
              inputClassName="font-mono uppercase"
              value={form.prefix}
              hint="E.g. SPRING-"
              onChange={(e) => setForm({ ...form, prefix: e.currentTarget.value })}
            />
            <Field
              label="Random characters"
              name="length"
              type="number"
              min={6}
              max={16}
              step={1}
              inputMode="numeric"
              value={form.length}
              hint="6 to 16."
              onChange={(e) => setForm({ ...form, length: e.currentTarget.value })}
            />
            <Field
              label="Uses per code"
              name="usageLimit"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              placeholder="Unlimited"
              value={form.usageLimit}
              hint="1: single-use codes. Empty: unlimited."
              onChange={(e) => setForm({ ...form, usageLimit: e.currentTarget.value })}
            />
            <Field
              label="Uses per customer"
              name="usageLimitPerCustomer"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              placeholder="Unlimited"
              value={form.usageLimitPerCustomer}
              hint="Empty: unlimited."
              onChange={(e) => setForm({ ...form, usageLimitPerCustomer: e.currentTarget.value })}
            />
          </div>
          <p className="text-sm text-neutral-700">
            Codes look like <span className="font-mono">{example}</span>.
          </p>
          <div className="flex flex-wrap justify-end gap-3">
            <Button variant="secondary" onClick={close} disabled={generate.isPending}>
              Cancel
            </Button>
            <Button type="submit" pending={generate.isPending}>
              Generate
            </Button>
          </div>
        </ProblemForm>
      )}
    </Modal>
  );
}
