import { errorMessage } from "@bazaar/sdk";
import {
  Button,
  type DataColumn,
  DataTable,
  Field,
  ProblemForm,
  Section,
  SelectField,
  textLink,
  useToast,
} from "@bazaar/ui";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { formatDateTime } from "../api";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { useCan } from "../queries";
import {
  type ExportResource,
  type ImportResource,
  type Transfer,
  transfersApi,
  uploadType,
} from "./transfers.api";

const transfersKey = ["admin", "transfers"] as const;

const resourceNames: Record<string, string> = {
  products: "Products",
  stock: "Stock",
  customers: "Customers",
  orders: "Orders",
};

/** What each import reads, shown under the file picker. */
const importHints: Record<ImportResource, string> = {
  products:
    "A CSV with a header row, or a JSON array. Required columns: sku, name, price (e.g. 19.99). Optional: currency " +
    "(default USD), qty, category (Parent > Child), brand, image (https URLs), description, status, special_price, " +
    "compare_at_price, weight_grams, slug, attr:<code>. Products are matched by SKU: importing again updates them.",
  stock:
    "A CSV with a header row, or a JSON array. Required columns: sku, quantity (units on hand). Optional: location " +
    "(a location code; the default location otherwise). A stock export has these columns, so it imports back.",
};

const count = (n: number) => n.toLocaleString();
const isActive = (t: Transfer) => t.status === "queued" || t.status === "running";

/** "7 created, 2 updated, 40 unchanged, 4 failed" or "2,345 rows". */
function summaryText(t: Transfer): string {
  const s = t.summary;
  if (t.direction === "export") return `${count(s.rows ?? t.succeeded)} rows`;
  return `${count(s.created ?? 0)} created, ${count(s.updated ?? 0)} updated, ${count(s.unchanged ?? 0)} unchanged, ${count(
    s.failed ?? t.failed,
  )} failed`;
}

function StatusPill({ transfer }: { transfer: Transfer }) {
  const [label, tone] =
    transfer.status === "queued"
      ? ["Queued", "bg-neutral-200 text-neutral-800"]
      : transfer.status === "running"
        ? ["Running", "bg-accent-100 text-accent-900"]
        : transfer.status === "failed"
          ? ["Failed", "bg-red-100 text-red-900"]
          : transfer.failed > 0
            ? ["Done with errors", "bg-amber-100 text-amber-900"]
            : ["Done", "bg-green-100 text-green-900"];
  return (
    <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>
      {label}
    </span>
  );
}

/** Rows processed out of the total, as a bar (indeterminate while the total is unknown). */
function ProgressBar({ transfer }: { transfer: Transfer }) {
  const { total, processed } = transfer;
  const percent = total ? Math.min(100, Math.round((processed / Math.max(total, 1)) * 100)) : null;
  const text =
    transfer.status === "queued"
      ? "Waiting to start"
      : total
        ? `${count(processed)} of ${count(total)} rows (${percent}%)`
        : `${count(processed)} rows so far`;
  return (
    <div className="mt-1 min-w-32">
      <div
        role="progressbar"
        aria-label={`Progress of ${transfer.fileName}`}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total ? processed : undefined}
        aria-valuetext={text}
        className="h-2 w-full overflow-hidden rounded-full bg-neutral-200"
      >
        <div
          className={`h-2 rounded-full bg-accent-600 transition-[width] ${percent === null ? "w-1/3 animate-pulse" : ""}`}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <p className="mt-1 text-xs text-neutral-700">{text}</p>
    </div>
  );
}

const columns: DataColumn<Transfer>[] = [
  {
    id: "file",
    header: "File",
    isRowHeader: true,
    cell: (t) => (
      <>
        <span className="font-medium whitespace-nowrap">{t.fileName}</span>
        <span className="block text-xs text-neutral-600">
          {t.direction === "import" ? "Import" : "Export"} of{" "}
          {resourceNames[t.resource]?.toLowerCase() ?? t.resource}
        </span>
      </>
    ),
  },
  {
    id: "started",
    header: "Started",
    cell: (t) => <span className="whitespace-nowrap">{formatDateTime(t.createdAt)}</span>,
  },
  {
    id: "status",
    header: "Status",
    cell: (t) => (
      <>
        <StatusPill transfer={t} />
        {isActive(t) && <ProgressBar transfer={t} />}
      </>
    ),
  },
  {
    id: "result",
    header: "Result",
    cell: (t) =>
      t.status === "failed" ? (
        <span className="break-words text-red-800">{t.error ?? "Failed."}</span>
      ) : t.status === "succeeded" ? (
        summaryText(t)
      ) : (
        "—"
      ),
  },
  {
    id: "downloads",
    header: "Downloads",
    cell: (t) => (
      <span className="flex flex-col gap-1">
        {t.fileUrl && (
          <a className={textLink} href={t.fileUrl} download aria-label={`Download file ${t.fileName}`}>
            Download file
          </a>
        )}
        {t.errorReportUrl && (
          <a
            className={textLink}
            href={t.errorReportUrl}
            download
            aria-label={`Download error report of ${t.fileName}`}
          >
            Download error report
          </a>
        )}
        {!t.fileUrl && !t.errorReportUrl && <span className="text-neutral-600">—</span>}
      </span>
    ),
  },
];

/** Upload a file and queue its import. */
function ImportForm({ resources }: { resources: ImportResource[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [resource, setResource] = useState<ImportResource>(resources[0]!);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const start = useMutation({
    mutationFn: (input: { resource: ImportResource; file: File }) =>
      transfersApi.startImport(input.resource, input.file),
    onSuccess: async (transfer) => {
      setProblem(null);
      setFile(null);
      formRef.current?.reset();
      toast.success(
        "Import queued",
        `${transfer.fileName}: its progress shows under Recent imports and exports.`,
      );
      await queryClient.invalidateQueries({ queryKey: transfersKey });
    },
    onError: (error) => setProblem(error),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file || !uploadType(file)) {
      setProblem({
        status: 400,
        title: "Please check what you entered.",
        errors: [
          { field: "file", message: file ? "Choose a .csv or .json file." : "Choose a file to import." },
        ],
      });
      return;
    }
    start.mutate({ resource, file });
  };

  return (
    <Section title="Import" description="Products or stock from a CSV or JSON file, at most 50 MB.">
      <ProblemForm ref={formRef} problem={problem} onSubmit={submit} noValidate className="space-y-4">
        <SelectField
          label="What to import"
          name="resource"
          value={resource}
          onChange={(e) => setResource(e.target.value as ImportResource)}
          options={resources.map((r) => ({ value: r, label: resourceNames[r]! }))}
        />
        <Field
          label="File"
          name="file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          hint={importHints[resource]}
          inputClassName="h-auto py-2 file:mr-3 file:rounded-md file:border-0 file:bg-neutral-100 file:px-3 file:py-1 file:text-sm file:font-medium"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <Button type="submit" pending={start.isPending}>
          Upload and import
        </Button>
      </ProblemForm>
    </Section>
  );
}

/** One button per resource the staff member may export. */
function ExportButtons({ resources }: { resources: ExportResource[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const start = useMutation({
    mutationFn: (resource: ExportResource) => transfersApi.startExport(resource),
    onSuccess: async (transfer) => {
      toast.success(
        `Export of ${transfer.resource} queued`,
        "Its file appears under Recent imports and exports when ready.",
      );
      await queryClient.invalidateQueries({ queryKey: transfersKey });
    },
    onError: (error) => toast.error("The export could not start", errorMessage(error)),
  });
  return (
    <Section
      title="Export"
      description="A CSV file with a header row. Money is in minor units (cents) with a currency column."
    >
      <div className="flex flex-wrap gap-3">
        {resources.map((r) => (
          <Button
            key={r}
            variant="secondary"
            pending={start.isPending && start.variables === r}
            onClick={() => start.mutate(r)}
          >
            Export {resourceNames[r]!.toLowerCase()}
          </Button>
        ))}
      </div>
    </Section>
  );
}

/**
 * Import and export: upload a product or stock file to import, or export products, stock, customers
 * or orders as CSV. Each runs as a background job; the table of recent transfers polls every second
 * while one runs, shows its progress, then its summary, error report and file.
 */
export function TransfersPage() {
  const toast = useToast();
  const can = {
    catalogWrite: useCan("catalog:write"),
    inventoryWrite: useCan("inventory:write"),
    catalogRead: useCan("catalog:read"),
    customersRead: useCan("customers:read"),
    ordersRead: useCan("orders:read"),
  };
  const importable: ImportResource[] = [
    ...(can.catalogWrite ? (["products"] as const) : []),
    ...(can.inventoryWrite ? (["stock"] as const) : []),
  ];
  const exportable: ExportResource[] = [
    ...(can.catalogRead ? (["products", "stock"] as const) : []),
    ...(can.customersRead ? (["customers"] as const) : []),
    ...(can.ordersRead ? (["orders"] as const) : []),
  ];

  const transfers = useInfiniteQuery({
    queryKey: transfersKey,
    queryFn: ({ pageParam, signal }) => transfersApi.list(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some(isActive)) ? 1_000 : false),
  });
  const rows = transfers.data?.pages.flatMap((p) => p.items);

  // Say when a transfer that was running on this screen has finished.
  const seen = useRef(new Map<string, Transfer["status"]>());
  useEffect(() => {
    for (const t of rows ?? []) {
      const before = seen.current.get(t.id);
      seen.current.set(t.id, t.status);
      if (!before || before === t.status || (before !== "queued" && before !== "running")) continue;
      const what = `${t.direction === "import" ? "Import" : "Export"} of ${t.fileName}`;
      if (t.status === "succeeded") toast.success(`${what} finished`, summaryText(t));
      else if (t.status === "failed") toast.error(`${what} failed`, t.error ?? undefined);
    }
  }, [rows, toast]);

  return (
    <>
      <PageHeading
        title="Import and export"
        intro="Bring products or stock in from a file, or download products, stock, customers and orders as CSV. Each runs in the background; follow it below."
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        {importable.length > 0 && <ImportForm resources={importable} />}
        {exportable.length > 0 && <ExportButtons resources={exportable} />}
      </div>
      <Section title="Recent imports and exports" className="mt-6">
        <QueryState query={transfers} label="imports and exports" />
        <DataTable
          aria-label="Recent imports and exports"
          columns={columns}
          rows={rows}
          rowKey={(t) => t.id}
          isLoading={transfers.isPending}
          emptyState="No imports or exports yet."
          paging={{
            mode: "loadMore",
            hasMore: transfers.hasNextPage,
            onLoadMore: () => void transfers.fetchNextPage(),
            isLoadingMore: transfers.isFetchingNextPage,
            total: transfers.data?.pages[0]?.total,
          }}
        />
      </Section>
    </>
  );
}
