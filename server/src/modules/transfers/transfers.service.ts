import { and, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { AppContext } from "../../platform/context.ts";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Permission } from "../staff/index.ts";
import { exporters, type exportResources } from "./transfers.exports.ts";
import {
  CsvBuilder,
  type ParsedTransferFile,
  parseTransferFile,
  type TransferFormat,
} from "./transfers.files.ts";
import { dataTransfers, type TransferDirection } from "./transfers.schema.ts";

export type ExportResource = (typeof exportResources)[number];
export const importResources = ["products", "stock"] as const;
export type ImportResource = (typeof importResources)[number];

/** The job that runs every transfer (declared in server/src/jobs.ts). Its data: `{ transferId }`. */
export const dataTransferJob = "data-transfer";

/**
 * The permission each kind of transfer needs, to start it and to see it (its progress, error report
 * and file): importing writes, exporting reads what the file will hold.
 */
export const transferPermissions: {
  import: Record<ImportResource, Permission>;
  export: Record<ExportResource, Permission>;
} = {
  import: { products: "catalog:write", stock: "inventory:write" },
  export: {
    products: "catalog:read",
    stock: "catalog:read",
    customers: "customers:read",
    orders: "orders:read",
  },
};

/** The permission a transfer of this kind needs, or null for a kind this version does not know. */
export function permissionFor(direction: TransferDirection, resource: string): Permission | null {
  const table = transferPermissions[direction] as Record<string, Permission>;
  return Object.hasOwn(table, resource) ? table[resource]! : null;
}

/**
 * The columns an upload must have, by resource (a CSV's header, or a key some JSON object has). Other
 * columns of the importer's format are optional; unknown ones are ignored.
 */
export const requiredColumns: Record<ImportResource, string[]> = {
  products: ["sku", "name", "price"],
  stock: ["sku", "quantity"],
};

/** One problem of one row of an import, a line of the error report. */
export interface TransferRowFailure {
  /** Row number as reported to staff: a CSV counts its header as row 1, a JSON array its objects from 1. */
  row: number;
  /** The row's key (its SKU), when it has one. */
  key: string | null;
  /** The column at fault; empty when the reason names none (e.g. a database error). */
  field: string;
  message: string;
}

/** Rows done so far. `succeeded` + `failed` = rows finished; `processed` may run ahead of them. */
export interface TransferProgress {
  processed: number;
  succeeded: number;
  failed: number;
}

/** What an importer gets: the parsed upload, the transfer it belongs to and who started it. */
export interface TransferImportInput {
  transferId: string;
  fileName: string;
  file: ParsedTransferFile;
  /** The staff member who started the import (recorded as the actor of what it changes). */
  actorId: string | null;
}

/** What an importer did. `failedRows` counts rows (a row with two bad fields is one row, two failures). */
export interface TransferImportResult {
  created: number;
  updated: number;
  unchanged: number;
  failedRows: number;
  failures: TransferRowFailure[];
}

/**
 * Runs one import over a parsed upload, reporting progress at least every 500 rows through
 * `onProgress` (awaited; its throw stops the import). Must be idempotent: a retried transfer runs it
 * again over the same file, and what the first attempt wrote must not be written twice.
 */
export type TransferImporter = (
  ctx: AppContext,
  input: TransferImportInput,
  onProgress: (progress: TransferProgress) => Promise<void>,
) => Promise<TransferImportResult>;

/**
 * The importers transfers run, one per import resource. They live with the other importers
 * (server/src/importers/transfers.ts) and are handed in by the job registry, so this module does not
 * depend on the importers (which depend on the modules).
 */
export type TransferImporters = Record<ImportResource, TransferImporter>;

type TransferRow = typeof dataTransfers.$inferSelect;

/** A new transfer id, `dtr_<ULID>` (time-sortable). */
function newTransferId(): string {
  return newId("dtr");
}

/** Storage key of a transfer's files. */
export function transferKey(id: string, name: "source.csv" | "source.json" | "errors.csv" | "result.csv") {
  return `transfers/${id}/${name}`;
}

/** A transfer as the API answers it (see TransferSchema). */
export interface TransferView {
  id: string;
  direction: TransferDirection;
  resource: string;
  format: string;
  status: TransferRow["status"];
  fileName: string;
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  summary: Record<string, number>;
  error: string | null;
  errorReportUrl: string | null;
  fileUrl: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function transferView(row: TransferRow): TransferView {
  const base = `/api/admin/transfers/${row.id}`;
  return {
    id: row.id,
    direction: row.direction,
    resource: row.resource,
    format: row.format,
    status: row.status,
    fileName: row.fileName,
    total: row.total,
    processed: row.processed,
    succeeded: row.succeeded,
    failed: row.failed,
    summary: row.summary,
    error: row.error,
    errorReportUrl: row.errorReportKey ? `${base}/error-report` : null,
    fileUrl: row.resultKey && row.status === "succeeded" ? `${base}/file` : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A new transfer to queue. */
export interface NewTransfer {
  direction: TransferDirection;
  resource: string;
  format: TransferFormat;
  fileName: string;
  /** Storage key of the uploaded file (imports). */
  sourceKey?: string | null;
  /** Rows the upload holds (imports). */
  total?: number | null;
  createdBy: string | null;
}

/** Writes a queued transfer in the caller's transaction (with `id` when the caller stored files under it). */
export async function createTransfer(tx: Db, input: NewTransfer & { id?: string }): Promise<TransferRow> {
  const [row] = await tx
    .insert(dataTransfers)
    .values({
      id: input.id ?? newTransferId(),
      direction: input.direction,
      resource: input.resource,
      format: input.format,
      fileName: input.fileName,
      sourceKey: input.sourceKey ?? null,
      total: input.total ?? null,
      createdBy: input.createdBy,
      // Set here (milliseconds) rather than by the database (microseconds), so that the list's
      // keyset cursor, which carries a JavaScript date, compares exactly.
      createdAt: new Date(),
    })
    .returning();
  return row!;
}

/** A new transfer id for files stored before the row is written. */
export { newTransferId };

/** A transfer by id. @throws NotFoundError TRANSFER_NOT_FOUND */
export async function getTransfer(db: Db, id: string): Promise<TransferRow> {
  const [row] = await db.select().from(dataTransfers).where(eq(dataTransfers.id, id));
  if (!row) throw new NotFoundError("TRANSFER_NOT_FOUND", `No transfer ${id}.`);
  return row;
}

/** Which transfers a list may show: (direction, resource) pairs. */
export type TransferKinds = { direction: TransferDirection; resource: string }[];

/** The kinds of transfer a holder of `permissions` may start and see. */
export function visibleKinds(permissions: ReadonlySet<string>): TransferKinds {
  const kinds: TransferKinds = [];
  for (const direction of ["import", "export"] as const)
    for (const [resource, permission] of Object.entries(transferPermissions[direction]))
      if (permissions.has(permission)) kinds.push({ direction, resource });
  return kinds;
}

const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~(dtr_[0-9A-HJKMNP-TV-Z]{26})$/;

/**
 * Transfers of the given kinds, newest first, keyset-paged on (createdAt, id) (the
 * `data_transfers_created_idx` index): `cursor` is the previous page's `nextCursor`. `total` counts
 * up to 10,001.
 * @throws ValidationError (field `cursor`) for a cursor this API did not give
 */
export async function listTransfers(
  db: Db,
  query: { kinds: TransferKinds; limit: number; cursor?: string },
): Promise<{ items: TransferView[]; nextCursor: string | null; total: number }> {
  const cursor = query.cursor ? cursorPattern.exec(query.cursor) : null;
  if (query.cursor && (!cursor || Number.isNaN(Date.parse(cursor[1]!))))
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  if (query.kinds.length === 0) return { items: [], nextCursor: null, total: 0 };
  const kinds: SQL = or(
    ...query.kinds.map((k) =>
      and(eq(dataTransfers.direction, k.direction), eq(dataTransfers.resource, k.resource)),
    ),
  )!;
  const rows = await db
    .select()
    .from(dataTransfers)
    .where(
      and(
        kinds,
        cursor
          ? sql`(${dataTransfers.createdAt}, ${dataTransfers.id}) < (${new Date(cursor[1]!)}, ${cursor[2]!})`
          : undefined,
      ),
    )
    .orderBy(desc(dataTransfers.createdAt), desc(dataTransfers.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const [counted] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${dataTransfers} where ${kinds} limit 10001) capped`,
  );
  return {
    items: items.map(transferView),
    nextCursor: rows.length > query.limit && last ? `${last.createdAt.toISOString()}~${last.id}` : null,
    total: Number(counted?.n ?? 0),
  };
}

/** Marks a transfer failed as a whole (not retried by this module: the job runtime decides). */
export async function failTransfer(db: Db, id: string, error: unknown): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000) || "failed";
  await db
    .update(dataTransfers)
    .set({ status: "failed", error: message, finishedAt: new Date() })
    .where(eq(dataTransfers.id, id));
}

/** A problem that no retry can fix (the uploaded file is gone): the transfer fails without a retry. */
class PermanentTransferError extends Error {}

/**
 * Runs a transfer: the body of the `data-transfer` job.
 * - A transfer that already succeeded is left alone (a job delivered twice does nothing twice). A
 *   queued, running (a worker died) or failed one runs from the start: importers are idempotent
 *   (products matched by SKU, stock set to a count), so rows written by an earlier attempt are not
 *   written twice; they count as unchanged in the summary of the attempt that finishes.
 * - An import reads its upload from storage, runs the resource's importer, writes progress (rows
 *   processed, succeeded, failed) to the row at least every 500 rows, then the error report (CSV: row,
 *   key, field, message) when rows failed, and the summary (created, updated, unchanged, failed).
 * - An export writes its CSV from keyset pages of 500 rows (progress after each) and stores it.
 * - A throw marks the transfer failed with the error and is rethrown, so that the job runtime retries
 *   it (which runs it again, as above) until its retries are spent.
 * @returns what the job keeps as its output: the transfer's id, status and summary
 */
export async function runDataTransfer(
  ctx: AppContext,
  transferId: string,
  importers: TransferImporters,
): Promise<{ transferId: string; status: string; summary?: Record<string, number> }> {
  const found = await ctx.db.select().from(dataTransfers).where(eq(dataTransfers.id, transferId));
  const transfer = found[0];
  if (!transfer) {
    ctx.log.warn({ transferId }, "data transfer not found: nothing to run");
    return { transferId, status: "missing" };
  }
  if (transfer.status === "succeeded") return { transferId, status: "succeeded", summary: transfer.summary };
  await ctx.db
    .update(dataTransfers)
    .set({
      status: "running",
      startedAt: new Date(),
      finishedAt: null,
      error: null,
      processed: 0,
      succeeded: 0,
      failed: 0,
      summary: {},
      errorReportKey: null,
      resultKey: null,
      ...(transfer.direction === "export" ? { total: null } : {}),
    })
    .where(eq(dataTransfers.id, transferId));
  const progress = async (p: TransferProgress & { total?: number | null }) => {
    await ctx.db
      .update(dataTransfers)
      .set({
        processed: p.processed,
        succeeded: p.succeeded,
        failed: p.failed,
        ...(p.total !== undefined ? { total: p.total } : {}),
      })
      .where(and(eq(dataTransfers.id, transferId), eq(dataTransfers.status, "running")));
  };
  try {
    const summary =
      transfer.direction === "import"
        ? await runImport(ctx, transfer, importers, progress)
        : await runExport(ctx, transfer, progress);
    ctx.log.info({ transferId, resource: transfer.resource, summary }, `data ${transfer.direction} finished`);
    return { transferId, status: "succeeded", summary };
  } catch (error) {
    await failTransfer(ctx.db, transferId, error);
    if (error instanceof PermanentTransferError) return { transferId, status: "failed" };
    throw error;
  }
}

async function runImport(
  ctx: AppContext,
  transfer: TransferRow,
  importers: TransferImporters,
  progress: (p: TransferProgress & { total?: number | null }) => Promise<void>,
): Promise<Record<string, number>> {
  const importer = (importers as Record<string, TransferImporter | undefined>)[transfer.resource];
  if (!importer) throw new PermanentTransferError(`No importer for ${transfer.resource}.`);
  const data = transfer.sourceKey ? await ctx.storage.read(transfer.sourceKey) : null;
  if (!data) throw new PermanentTransferError("The uploaded file is no longer in storage: upload it again.");
  let file: ParsedTransferFile;
  try {
    file = await parseTransferFile(data, transfer.format as TransferFormat);
  } catch (error) {
    throw new PermanentTransferError(error instanceof Error ? error.message : String(error));
  }
  await progress({ processed: 0, succeeded: 0, failed: 0, total: file.records.length });
  const result = await importer(
    ctx,
    { transferId: transfer.id, fileName: transfer.fileName, file, actorId: transfer.createdBy },
    progress,
  );
  let errorReportKey: string | null = null;
  if (result.failures.length) {
    const report = new CsvBuilder(["row", "key", "field", "message"]);
    const sorted = [...result.failures].sort((a, b) => a.row - b.row);
    for (let i = 0; i < sorted.length; i += 1000)
      report.add(sorted.slice(i, i + 1000).map((f) => [f.row, f.key, f.field, f.message]));
    errorReportKey = transferKey(transfer.id, "errors.csv");
    await ctx.storage.put(errorReportKey, report.toBuffer(), { contentType: "text/csv" });
  }
  const summary = {
    created: result.created,
    updated: result.updated,
    unchanged: result.unchanged,
    failed: result.failedRows,
  };
  await ctx.db
    .update(dataTransfers)
    .set({
      status: "succeeded",
      total: file.records.length,
      processed: file.records.length,
      succeeded: result.created + result.updated + result.unchanged,
      failed: result.failedRows,
      summary,
      errorReportKey,
      finishedAt: new Date(),
    })
    .where(eq(dataTransfers.id, transfer.id));
  return summary;
}

async function runExport(
  ctx: AppContext,
  transfer: TransferRow,
  progress: (p: TransferProgress) => Promise<void>,
): Promise<Record<string, number>> {
  const exporter = (exporters as Record<string, (typeof exporters)[ExportResource] | undefined>)[
    transfer.resource
  ];
  if (!exporter) throw new PermanentTransferError(`No export of ${transfer.resource}.`);
  const csv = await exporter(ctx.db, async (rows) => {
    await progress({ processed: rows, succeeded: rows, failed: 0 });
  });
  const resultKey = transferKey(transfer.id, "result.csv");
  await ctx.storage.put(resultKey, csv.toBuffer(), { contentType: "text/csv" });
  const summary = { rows: csv.rows };
  await ctx.db
    .update(dataTransfers)
    .set({
      status: "succeeded",
      total: csv.rows,
      processed: csv.rows,
      succeeded: csv.rows,
      failed: 0,
      summary,
      resultKey,
      finishedAt: new Date(),
    })
    .where(eq(dataTransfers.id, transfer.id));
  return summary;
}
