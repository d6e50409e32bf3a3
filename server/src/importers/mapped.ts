import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import {
  type AttributeInput,
  catalogCacheNamespace,
  categoryPathKey,
  ensureAttributes,
  ensureCategoryPaths,
  type ProductImageInput,
  type ProductInput,
  saveImage,
  upsertProduct,
  upsertSimpleProducts,
  type VariantInput,
} from "../modules/catalog/index.ts";
import type { AppContext } from "../platform/context.ts";
import { analyzeDatabase } from "../platform/db.ts";
import { AppError, type FieldError, ValidationError } from "../platform/errors.ts";
import { isExternalImageUrl } from "../platform/images.ts";
import { isCurrencyCode, parseMajorUnits } from "../platform/money.ts";
import { emptySummary, type FailedRow, type ImportSummary, progressBar } from "./report.ts";

/**
 * Product fields a column mapping may fill (`--map key=column,...`). `sku`, `name` and `price` are
 * required; `attr:<code>` keys fill the attribute `<code>` (a text attribute is defined when missing).
 */
export const mappingKeys = [
  "sku",
  "name",
  "price",
  "description",
  "short_description",
  "currency",
  "special_price",
  "compare_at_price",
  "qty",
  "weight_grams",
  "category",
  "brand",
  "image",
  "popularity",
  "slug",
  "status",
  "meta_title",
  "meta_description",
] as const;
export type MappingKey = (typeof mappingKeys)[number];

/** A column mapping: product field -> source column (a CSV header, or a JSON key or dotted path). */
export type ColumnMapping = Partial<Record<MappingKey, string>> & { [attr: `attr:${string}`]: string };

/** A source record with its row number as reported to the user. */
export interface SourceRecord {
  row: number;
  record: Record<string, unknown>;
}

/** Where a mapped import stands after a batch: source rows done so far out of `total`, and the summary so far. */
export interface MappedImportProgress {
  processed: number;
  total: number;
  summary: ImportSummary;
}

/** Options of a mapped import. Quantities in whole units. */
export interface MappedImportOptions {
  progress?: boolean;
  /**
   * Called (and awaited) after each batch is written, e.g. to record progress where staff see it. A
   * throw stops the import (batches already written stay written).
   */
  onProgress?: (progress: MappedImportProgress) => Promise<void> | void;
  /**
   * Called for each row that failed, as it is added to `summary.failed`, with the field-level errors
   * behind its reason (empty when the reason names no field, e.g. a database error).
   */
  onFailedRow?: (failure: FailedRow, errors: FieldError[]) => void;
  /** ISO 4217 code of rows without a mapped `currency` (default USD). */
  currency?: string;
  /** Units on hand of rows without a mapped `qty` value (default 0). */
  defaultQty?: number;
  /** Products per transaction (default 500). */
  batchSize?: number;
}

/** The attribute importers store a product's brand in (the search index reads it as the brand). */
export const brandAttribute: AttributeInput = {
  code: "brand",
  label: "Brand",
  type: "text",
  isFilterable: true,
  isVisibleOnFront: true,
};

function field(name: string, message: string): never {
  throw new ValidationError([{ field: name, message }]);
}

/** The field-level errors of a row's error (none for an error that names no field). */
function fieldErrorsOf(error: unknown): FieldError[] {
  return error instanceof AppError ? error.errors : [];
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError)
    return error.errors.length
      ? error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
      : error.message;
  // A database error comes wrapped ("Failed query: <SQL> params: ..."): the driver's message says why.
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Parses a column mapping written as `key=column,key=column` (e.g. `sku=Item No,name=Title,price=Price`).
 * A column name holding a comma or an equals sign is written in double quotes (`name="Title, long"`;
 * `""` inside quotes is a quote). Keys are {@link mappingKeys} or `attr:<code>`.
 * @throws Error naming the problem: an unknown key, a key given twice, a missing `=`, or a required
 *   key (sku, name, price) left out.
 */
export function parseMapping(text: string): ColumnMapping {
  const pairs: [string, string][] = [];
  let i = 0;
  const readUntil = (stops: string): string => {
    let out = "";
    while (i < text.length && text[i] === " ") i++;
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`--map: unclosed quote in "${text}"`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            out += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += text[i++];
      }
      while (i < text.length && !stops.includes(text[i]!)) {
        if (text[i] !== " ") throw new Error(`--map: text after a quoted name in "${text}"`);
        i++;
      }
      return out;
    }
    while (i < text.length && !stops.includes(text[i]!)) out += text[i++];
    return out.trim();
  };
  while (i < text.length) {
    const key = readUntil("=,");
    if (text[i] !== "=") throw new Error(`--map: "${key}" has no "=column"`);
    i++;
    const column = readUntil(",");
    i++;
    if (!key) throw new Error(`--map: a column "${column}" has no key`);
    if (!column) throw new Error(`--map: ${key} names no column`);
    pairs.push([key, column]);
  }
  const mapping: Record<string, string> = {};
  for (const [key, column] of pairs) {
    if (!(mappingKeys as readonly string[]).includes(key) && !/^attr:[a-z][a-z0-9_]*$/.test(key))
      throw new Error(`--map: unknown key "${key}" (known: ${mappingKeys.join(", ")}, attr:<code>)`);
    if (key in mapping) throw new Error(`--map: ${key} is mapped twice`);
    mapping[key] = column;
  }
  const missing = (["sku", "name", "price"] as const).filter((k) => !mapping[k]);
  if (missing.length) throw new Error(`--map: ${missing.join(", ")} must be mapped`);
  return mapping as ColumnMapping;
}

/**
 * Reads the records of a CSV, TSV, JSON or JSON Lines file, by extension (`.csv`, `.tsv`, `.json`,
 * `.jsonl` / `.ndjson`; otherwise by the first character: `[` JSON, `{` JSON Lines, else CSV). Row
 * numbers: CSV/TSV count the header as row 1 (as a spreadsheet does); JSON counts the array's objects
 * from 1; JSON Lines counts lines from 1. A JSON file holds an array of objects, or an object with one
 * array of objects (`{"products": [...]}`). A JSON Lines line that is not an object is returned as
 * `{ error }` for the importer to report.
 * @throws Error when the file cannot be read or a JSON file is not valid JSON.
 */
export function readRecords(file: string): {
  format: "csv" | "json" | "jsonl";
  records: SourceRecord[];
  /** The CSV header's column names (null for JSON). */
  columns: string[] | null;
} {
  const data = fs.readFileSync(file);
  const ext = path.extname(file).toLowerCase();
  const first = data
    .toString("utf8", 0, Math.min(data.length, 1024))
    .replace(/^\uFEFF/, "")
    .trimStart()[0];
  const format =
    ext === ".json"
      ? "json"
      : ext === ".jsonl" || ext === ".ndjson"
        ? "jsonl"
        : ext === ".csv" || ext === ".tsv"
          ? "csv"
          : first === "["
            ? "json"
            : first === "{"
              ? "jsonl"
              : "csv";
  if (format === "csv") {
    let columns: string[] = [];
    const rows = parse(data, {
      columns: (header: string[]) => {
        columns = header.map((h) => h.trim());
        return columns;
      },
      skip_empty_lines: true,
      bom: true,
      relax_column_count: true,
      delimiter: ext === ".tsv" ? "\t" : ",",
    }) as Record<string, string>[];
    return { format, columns, records: rows.map((record, i) => ({ row: i + 2, record })) };
  }
  const text = data.toString("utf8").replace(/^\uFEFF/, "");
  if (format === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const arrays = Object.values(parsed).filter(Array.isArray);
      if (arrays.length === 1) parsed = arrays[0];
    }
    if (!Array.isArray(parsed)) throw new Error(`${file} does not hold an array of objects`);
    return {
      format,
      columns: null,
      records: parsed.map((record, i) => ({ row: i + 1, record: asRecord(record) })),
    };
  }
  const records: SourceRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let record: Record<string, unknown>;
    try {
      record = asRecord(JSON.parse(line));
    } catch {
      record = { [invalidMarker]: "is not valid JSON" };
    }
    records.push({ row: i + 1, record });
  });
  return { format, columns: null, records };
}

const invalidMarker = "\u0000invalid";

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { [invalidMarker]: "is not a JSON object" };
}

/** A record's value of a column: the key itself, else a dotted path (`brand.name`) into nested objects. */
function valueAt(record: Record<string, unknown>, column: string): unknown {
  if (column in record) return record[column];
  let current: unknown = record;
  for (const part of column.split(".")) {
    if (!current || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A scalar as trimmed text ("" for null / missing); numbers as JavaScript prints them (49.99 -> "49.99"). */
function textOf(value: unknown, name: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null))
    return value.map((v) => textOf(v, name)).join(", ");
  return field(name, "is an object, not a value");
}

/**
 * Category paths of a cell. Text: `|` separates several categories (the first is the product's main
 * one); inside one, `>` separates the levels when present (`Electronics > Audio > Headphones`), else
 * `/` does (`Electronics/Audio`). A JSON array of names is one path (`["Electronics", "Audio"]`); an
 * array of arrays or of path strings is several.
 */
export function categoryPathsOf(value: unknown): string[][] {
  const splitPath = (text: string) =>
    text
      .split(text.includes(">") ? ">" : "/")
      .map((s) => s.trim())
      .filter(Boolean);
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    if (value.every((v) => Array.isArray(v)))
      return value.map((p) => (p as unknown[]).map((n) => textOf(n, "category")).filter(Boolean));
    const names = value.map((n) => textOf(n, "category"));
    if (names.some((n) => n.includes(">"))) return names.map(splitPath).filter((p) => p.length);
    const path = names.filter(Boolean);
    return path.length ? [path] : [];
  }
  return textOf(value, "category")
    .split("|")
    .map(splitPath)
    .filter((p) => p.length);
}

/**
 * A decimal in major units as integer minor units (see parseMajorUnits). Commas are accepted only as
 * thousands separators ("1,299.99"), so a decimal comma ("12,5") is refused rather than read as 125.
 */
function decimal(text: string, currency: string, name: string): number {
  if (text.includes(",") && !/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) field(name, `"${text}" is not a price`);
  return parseMajorUnits(text, currency, name);
}

function wholeNumber(text: string, name: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.0+)?$/.test(text) || !Number.isSafeInteger(n)) field(name, `"${text}" is not ${what}`);
  return n;
}

/** A row converted to a product, before its categories and local image files are resolved. */
interface PreparedRow {
  row: number;
  input: ProductInput;
  categoryPaths: string[][];
  /** Images in order: an external URL, or a local file to store. */
  images: ({ url: string } | { file: string })[];
}

/** Converts one record to a product input (categories and images pending). @throws ValidationError. */
function prepare(
  record: Record<string, unknown>,
  mapping: ColumnMapping,
  options: { currency: string; defaultQty: number; dir: string | null },
): Omit<PreparedRow, "row"> {
  if (invalidMarker in record) field("row", String(record[invalidMarker]));
  const get = (key: MappingKey) => {
    const column = mapping[key];
    return column === undefined ? "" : textOf(valueAt(record, column), key);
  };
  const sku = get("sku");
  if (!sku) field("sku", "is required");
  if (sku.length > 64) field("sku", "is longer than 64 characters");
  const name = get("name");
  if (!name) field("name", "is required");
  const currency = (get("currency") || options.currency).toUpperCase();
  if (!isCurrencyCode(currency)) field("currency", `"${currency}" is not an ISO 4217 code`);
  const priceText = get("price");
  if (!priceText) field("price", "is required");
  const money = (key: MappingKey) => {
    const text = get(key);
    return text ? decimal(text, currency, key) : null;
  };
  const qtyText = get("qty");
  const weightText = get("weight_grams");
  const popularityText = get("popularity");
  const popularity = popularityText === "" ? undefined : Number(popularityText);
  if (popularity !== undefined && !(Number.isFinite(popularity) && popularity >= 0))
    field("popularity", `"${popularityText}" is not a number, 0 or more`);
  const status = get("status") || "active";
  if (!["draft", "active", "archived"].includes(status))
    field("status", `"${status}" is not draft, active or archived`);

  const variant: VariantInput = {
    sku,
    priceAmount: decimal(priceText, currency, "price"),
    stockQuantity: qtyText ? wholeNumber(qtyText, "qty", "a whole number of units") : options.defaultQty,
  };
  const special = money("special_price");
  if (special !== null) variant.specialPriceAmount = special;
  const compareAt = money("compare_at_price");
  if (compareAt !== null) variant.compareAtAmount = compareAt;
  if (weightText) variant.weightGrams = wholeNumber(weightText, "weight_grams", "a weight in grams");

  const attributes: Record<string, string> = {};
  const brand = get("brand");
  if (brand) attributes.brand = brand;
  for (const [key, column] of Object.entries(mapping)) {
    if (!key.startsWith("attr:")) continue;
    const value = textOf(valueAt(record, column), key);
    if (value) attributes[key.slice("attr:".length)] = value;
  }

  const imageCell = mapping.image === undefined ? undefined : valueAt(record, mapping.image);
  const imageRefs = (
    Array.isArray(imageCell) ? imageCell.map((v) => textOf(v, "image")) : [textOf(imageCell, "image")]
  )
    .flatMap((s) => s.split("|"))
    .map((s) => s.trim())
    .filter(Boolean);
  const images = imageRefs.map((ref) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) {
      if (!isExternalImageUrl(ref)) field("image", `"${ref}" is not an http(s) URL`);
      return { url: ref };
    }
    if (options.dir === null)
      field("image", `"${ref}" is not an http(s) URL (this import reads no image files)`);
    return { file: path.resolve(options.dir, ref) };
  });

  const input: ProductInput = {
    sku,
    type: "simple",
    name,
    ...(get("slug") && { slug: get("slug") }),
    description: get("description"),
    ...(get("short_description") && { shortDescription: get("short_description") }),
    status: status as NonNullable<ProductInput["status"]>,
    ...(get("meta_title") && { metaTitle: get("meta_title") }),
    ...(get("meta_description") && { metaDescription: get("meta_description") }),
    currency,
    categorySlugs: [],
    variants: [variant],
    ...(popularity !== undefined && { popularity }),
    attributes,
  };
  return {
    input,
    categoryPaths: mapping.category === undefined ? [] : categoryPathsOf(valueAt(record, mapping.category)),
    images,
  };
}

/**
 * Imports flat product records (one simple product per record) through a column mapping: the engine
 * of `import csv --map` and of `import bestbuy`. Categories named by path are created when missing and
 * reused; the brand goes to the `brand` attribute (defined when missing); images are external URLs
 * (kept as URLs, never fetched) or files relative to `dir` (stored; with `dir` null, as for an upload,
 * a row naming a file fails on `image`). Rows are written `batchSize` at a time, each batch in one
 * transaction; a bad row is reported (row number, SKU, reason) and skipped, never half-written; a SKU
 * that comes again later in the file is reported on its later row. `onProgress` hears after each
 * batch, `onFailedRow` of each failed row with its field errors. Re-running updates by SKU; unchanged
 * products are left untouched.
 */
export async function importMappedRecords(
  ctx: AppContext,
  source: { label: string; fileName: string; dir: string | null },
  records: SourceRecord[],
  mapping: ColumnMapping,
  options: MappedImportOptions = {},
): Promise<ImportSummary> {
  const startedAt = Date.now();
  const summary = emptySummary(source.label);
  const fail = (row: number, sku: string | null, error: unknown) => {
    const failure: FailedRow = { file: source.fileName, row, sku: sku || null, reason: reasonOf(error) };
    summary.failed.push(failure);
    options.onFailedRow?.(failure, fieldErrorsOf(error));
  };
  const batchSize = options.batchSize ?? 500;
  const settings = {
    currency: (options.currency ?? "USD").toUpperCase(),
    defaultQty: options.defaultQty ?? 0,
    dir: source.dir,
  };
  if (!isCurrencyCode(settings.currency))
    throw new Error(`${options.currency} is not an ISO 4217 currency code`);
  if (!Number.isSafeInteger(settings.defaultQty) || settings.defaultQty < 0)
    throw new Error(`the default quantity must be a whole number, 0 or more`);

  const attributeDefs: AttributeInput[] = [];
  if (mapping.brand !== undefined) attributeDefs.push(brandAttribute);
  for (const key of Object.keys(mapping))
    if (key.startsWith("attr:")) {
      const code = key.slice("attr:".length);
      attributeDefs.push({
        code,
        label: code.charAt(0).toUpperCase() + code.slice(1).replaceAll("_", " "),
        type: "text",
      });
    }
  await ensureAttributes(ctx.db, attributeDefs);

  const firstRowOfSku = new Map<string, number>();
  const slugByPath = new Map<string, string>();
  const storedImages = new Map<string, string>();
  let nextAnalyzeAt = 2000;
  const bar = progressBar(options.progress ?? false, "Products", records.length);
  try {
    for (let start = 0; start < records.length; start += batchSize) {
      const chunk = records.slice(start, start + batchSize);
      const prepared: PreparedRow[] = [];
      for (const { row, record } of chunk) {
        let sku: string | null = null;
        try {
          sku = mapping.sku === undefined ? null : textOf(valueAt(record, mapping.sku), "sku") || null;
          const p = prepare(record, mapping, settings);
          const first = firstRowOfSku.get(p.input.sku);
          if (first !== undefined) field("sku", `"${p.input.sku}" already came on row ${first}`);
          firstRowOfSku.set(p.input.sku, row);
          prepared.push({ row, ...p });
        } catch (error) {
          fail(row, sku, error);
        }
      }

      // Categories of the batch's good rows, created once (each in its own small transaction).
      const newPaths = prepared
        .flatMap((p) => p.categoryPaths)
        .filter((p) => !slugByPath.has(categoryPathKey(p)));
      if (newPaths.length) {
        const result = await ctx.db.transaction((tx) => ensureCategoryPaths(tx, newPaths));
        for (const [key, slug] of result.slugByPath) slugByPath.set(key, slug);
        summary.categories += result.created;
      }

      const ready: PreparedRow[] = [];
      for (const p of prepared) {
        try {
          const images: ProductImageInput[] = [];
          for (const img of p.images) {
            if ("url" in img) {
              images.push({ url: img.url });
              continue;
            }
            let imageId = storedImages.get(img.file);
            if (!imageId) {
              if (!fs.existsSync(img.file))
                field("image", `file "${path.relative(source.dir ?? "", img.file)}" not found`);
              const stored = await ctx.images.storeOriginal(fs.readFileSync(img.file));
              imageId = await saveImage(ctx.db, stored, p.input.name);
              storedImages.set(img.file, imageId);
              summary.images.stored++;
            }
            images.push({ imageId });
          }
          p.input.categorySlugs = [
            ...new Set(p.categoryPaths.map((path) => slugByPath.get(categoryPathKey(path))!)),
          ];
          if (images.length) p.input.images = images;
          ready.push(p);
        } catch (error) {
          fail(p.row, p.input.sku, error);
        }
      }
      summary.images.files += ready.reduce((n, p) => n + p.images.filter((i) => "file" in i).length, 0);

      if (ready.length) {
        try {
          const outcomes = await ctx.db.transaction((tx) =>
            upsertSimpleProducts(
              tx,
              ready.map((p) => p.input),
            ),
          );
          outcomes.forEach((o, k) => {
            if ("error" in o) fail(ready[k]!.row, ready[k]!.input.sku, o.error);
            else summary[o.outcome]++;
          });
        } catch {
          // An unexpected database error (e.g. a concurrent writer) rolled the batch back: write its
          // products one at a time so that only the bad one fails.
          for (const p of ready) {
            try {
              const { outcome } = await ctx.db.transaction((tx) => upsertProduct(tx, p.input));
              summary[outcome]++;
            } catch (error) {
              fail(p.row, p.input.sku, error);
            }
          }
        }
      }
      for (let k = 0; k < chunk.length; k++) bar.increment();
      await options.onProgress?.({ processed: start + chunk.length, total: records.length, summary });
      // Fresh planner statistics each time the catalog has doubled: plans made while the tables were
      // nearly empty (foreign key checks, prepared statements) scan them whole, and get slower and
      // slower as they fill (PostgreSQL: 800 products/s on 100k instead of 3,000).
      const written = summary.created + summary.updated;
      if (written >= nextAnalyzeAt) {
        await analyzeDatabase(ctx.db);
        nextAnalyzeAt = written * 2;
      }
    }
  } finally {
    bar.stop();
    ctx.cache.invalidate(catalogCacheNamespace);
  }
  // Fresh planner statistics after a bulk load (see importLuma).
  if (summary.created + summary.updated > 1000) await analyzeDatabase(ctx.db);
  summary.failed.sort((a, b) => a.row - b.row);
  summary.durationMs = Date.now() - startedAt;
  return summary;
}

/**
 * `import csv <file> --map ...`: imports a CSV, TSV, JSON or JSON Lines file (see {@link readRecords})
 * through a column mapping (see {@link parseMapping}, {@link importMappedRecords}). Prices are decimals
 * in major units of the row's currency.
 * @throws Error when the file cannot be read, or the mapping names a column the CSV header lacks.
 */
export async function importMappedFile(
  ctx: AppContext,
  file: string,
  mapping: ColumnMapping,
  options: MappedImportOptions = {},
): Promise<ImportSummary> {
  const { format, records, columns } = readRecords(file);
  if (columns) {
    const header = columns;
    const missing = Object.entries(mapping).filter(([, column]) => !header.includes(column));
    if (missing.length)
      throw new Error(
        `${missing.map(([key, column]) => `column "${column}" (${key})`).join(", ")} not in the header of ${file}; ` +
          `its columns are: ${header.join(", ")}`,
      );
  }
  return importMappedRecords(
    ctx,
    { label: `${format} (${file})`, fileName: path.basename(file), dir: path.dirname(path.resolve(file)) },
    records,
    mapping,
    options,
  );
}
