import {
  notAnObject,
  type TransferImporter,
  type TransferImporters,
  type TransferRowFailure,
} from "../modules/transfers/index.ts";
import type { FieldError } from "../platform/errors.ts";
import { invalidateShopCache } from "../platform/shop-cache.ts";
import { type ColumnMapping, importMappedRecords, mappingKeys, type SourceRecord } from "./mapped.ts";
import type { FailedRow } from "./report.ts";
import { importStockRecords } from "./stock.ts";

/**
 * The importers behind the admin's uploads (the `data-transfer` job runs them, see
 * modules/transfers): the existing importers, fed with the parsed upload and reporting progress and
 * each failed row's fields.
 */

/** Collects failed rows as error report lines: one per field error, or one naming no field. */
function failureCollector() {
  const failures: TransferRowFailure[] = [];
  const onFailedRow = (failure: FailedRow, errors: FieldError[]) => {
    if (errors.length === 0)
      failures.push({ row: failure.row, key: failure.sku, field: "", message: failure.reason });
    for (const e of errors)
      failures.push({ row: failure.row, key: failure.sku, field: e.field, message: e.message });
  };
  return { failures, onFailedRow };
}

/** Splits off the JSON elements that are not objects: each fails on its own row. */
function objectsOnly(records: SourceRecord[], failures: TransferRowFailure[]): SourceRecord[] {
  const objects: SourceRecord[] = [];
  for (const r of records) {
    if (notAnObject in r.record)
      failures.push({ row: r.row, key: null, field: "row", message: "is not a JSON object" });
    else objects.push(r);
  }
  return objects;
}

/**
 * The column mapping of a product upload: every column named like a mapping key (`sku`, `name`,
 * `price`, `currency`, `qty`, `category`, `brand`, `image`, ...; see docs/import.md "Any file, through a
 * column mapping") maps to itself, and so does every `attr:<code>` column.
 */
export function uploadMapping(columns: string[]): ColumnMapping {
  const mapping: Record<string, string> = {};
  for (const key of mappingKeys) if (columns.includes(key)) mapping[key] = key;
  for (const column of columns) if (/^attr:[a-z][a-z0-9_]*$/.test(column)) mapping[column] = column;
  return mapping as ColumnMapping;
}

/**
 * Products through the mapped importer (one simple product per row, 500 per transaction, matched by
 * SKU: a retried import updates or leaves alone what an earlier attempt wrote). An upload has no
 * folder: images must be http(s) URLs (a row naming a file fails on `image`).
 */
const importProducts: TransferImporter = async (ctx, input, onProgress) => {
  const { failures, onFailedRow } = failureCollector();
  const records = objectsOnly(input.file.records, failures);
  const skipped = input.file.records.length - records.length;
  const summary = await importMappedRecords(
    ctx,
    { label: `upload ${input.fileName} (${input.transferId})`, fileName: input.fileName, dir: null },
    records,
    uploadMapping(input.file.columns),
    {
      onFailedRow,
      onProgress: async ({ processed, summary: s }) =>
        onProgress({
          processed: processed + skipped,
          succeeded: s.created + s.updated + s.unchanged,
          failed: s.failed.length + skipped,
        }),
    },
  );
  // Categories the import created show in this process's menus at once (others within seconds).
  if (summary.categories) invalidateShopCache("category_tree");
  return {
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    failedRows: summary.failed.length + skipped,
    failures,
  };
};

/** Stock counts through the stock importer (a correction per changed level, noted with the transfer). */
const importStock: TransferImporter = async (ctx, input, onProgress) => {
  const { failures, onFailedRow } = failureCollector();
  const records = objectsOnly(input.file.records, failures);
  const skipped = input.file.records.length - records.length;
  const summary = await importStockRecords(ctx, records, {
    actorId: input.actorId,
    note: `Import ${input.transferId} (${input.fileName})`,
    fileName: input.fileName,
    onFailedRow,
    onProgress: async ({ processed, summary: s }) =>
      onProgress({
        processed: processed + skipped,
        succeeded: s.created + s.updated + s.unchanged,
        failed: s.failed.length + skipped,
      }),
  });
  return {
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    failedRows: summary.failed.length + skipped,
    failures,
  };
};

/** The importer of each import resource, handed to the `data-transfer` job (server/src/jobs.ts). */
export const transferImporters: TransferImporters = { products: importProducts, stock: importStock };
