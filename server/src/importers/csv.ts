import fs from "node:fs";
import path from "node:path";
import {
  catalogCacheNamespace,
  type ProductInput,
  saveImage,
  upsertProduct,
  type VariantInput,
} from "../modules/catalog/index.ts";
import type { AppContext } from "../platform/context.ts";
import { AppError, ValidationError } from "../platform/errors.ts";
import { isCurrencyCode, parseMajorUnits } from "../platform/money.ts";
import { readCsv } from "./csv-records.ts";
import { emptySummary, type FailedRow, type ImportSummary, progressBar } from "./report.ts";

type Row = Record<string, string>;

/**
 * Columns of the Bazaar product CSV (one row per simple product, configurable parent or variant):
 * - `sku` (required), `name` (required for products), `type`: simple | configurable | digital (default simple)
 * - `parent_sku`: set on a variant row, naming its configurable parent (rows may come in any order)
 * - `price`, `special_price`, `compare_at_price`: decimals in major units of `currency` (default USD)
 * - `special_from`, `special_to`: ISO 8601 dates (UTC) of the special price window
 * - `qty`: units on hand; `weight_grams`; `categories`: category slugs separated by `|`
 * - `slug`, `description`, `status` (draft|active|archived), `meta_title`, `meta_description`
 * - `option:<code>` (e.g. `option:size`): a variant's option value; `attr:<code>`: an attribute value
 * - `images`: image file paths relative to the CSV, separated by `|`
 */
export const csvColumns =
  "sku,name,type,parent_sku,price,currency,special_price,special_from,special_to,compare_at_price,qty,weight_grams,categories,slug,description,status,meta_title,meta_description,images";

function field(name: string, message: string): never {
  throw new ValidationError([{ field: name, message }]);
}

function dateOf(text: string | undefined, name: string): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? field(name, `"${text}" is not a date`) : d;
}

function variantOf(r: Row, currency: string): VariantInput {
  if (!r.sku?.trim()) field("sku", "is required");
  if (!r.price?.trim()) field("price", "is required");
  const qty = r.qty?.trim() ? Number(r.qty) : 0;
  if (!Number.isSafeInteger(qty) || qty < 0) field("qty", `"${r.qty}" is not a whole number of units`);
  const weight = r.weight_grams?.trim() ? Number(r.weight_grams) : null;
  if (weight !== null && (!Number.isSafeInteger(weight) || weight < 0))
    field("weight_grams", `"${r.weight_grams}" is not a weight in grams`);
  const options = Object.fromEntries(
    Object.entries(r)
      .filter(([k, v]) => k.startsWith("option:") && v.trim())
      .map(([k, v]) => [k.slice("option:".length), v.trim()]),
  );
  return {
    sku: r.sku!.trim(),
    priceAmount: parseMajorUnits(r.price!, currency, "price"),
    specialPriceAmount: r.special_price?.trim()
      ? parseMajorUnits(r.special_price, currency, "special_price")
      : null,
    compareAtAmount: r.compare_at_price?.trim()
      ? parseMajorUnits(r.compare_at_price, currency, "compare_at_price")
      : null,
    specialFrom: dateOf(r.special_from, "special_from"),
    specialTo: dateOf(r.special_to, "special_to"),
    weightGrams: weight,
    options,
    stockQuantity: qty,
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError)
    return error.errors.length
      ? error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
      : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Imports products from a Bazaar product CSV (columns in `csvColumns`). Each product (with its variant
 * rows) is one transaction. A bad row is reported by row number (header = row 1) with the reason and
 * skipped: a bad variant row drops only that variant; a bad product row drops the product. Re-running
 * updates by SKU and creates no duplicates.
 */
export async function importCsvCatalog(
  ctx: AppContext,
  file: string,
  options: { progress?: boolean } = {},
): Promise<ImportSummary> {
  const startedAt = Date.now();
  const summary = emptySummary(`csv (${file})`);
  const name = path.basename(file);
  const rows = readCsv(file);
  const fail = (row: number, sku: string | undefined, reason: string) =>
    summary.failed.push({ file: name, row, sku: sku?.trim() || null, reason } satisfies FailedRow);

  const variantRows = new Map<string, { row: number; record: Row }[]>();
  const productRows: { row: number; record: Row }[] = [];
  for (const entry of rows) {
    const parent = entry.record.parent_sku?.trim();
    if (parent) variantRows.set(parent, [...(variantRows.get(parent) ?? []), entry]);
    else productRows.push(entry);
  }
  const knownParents = new Set(productRows.map((p) => p.record.sku?.trim()));
  for (const [parent, entries] of variantRows) {
    if (!knownParents.has(parent))
      for (const e of entries) fail(e.row, e.record.sku, `parent_sku: no product row with SKU "${parent}"`);
  }

  const bar = progressBar(options.progress ?? false, "Products", productRows.length);
  try {
    for (const { row, record: r } of productRows) {
      try {
        const currency = (r.currency?.trim() || "USD").toUpperCase();
        if (!isCurrencyCode(currency)) field("currency", `"${r.currency}" is not an ISO 4217 code`);
        const type = (r.type?.trim() || "simple") as ProductInput["type"];
        if (!["simple", "configurable", "digital"].includes(type))
          field("type", `"${r.type}" is not simple, configurable or digital`);
        if (!r.sku?.trim()) field("sku", "is required");
        if (!r.name?.trim()) field("name", "is required");
        const status = (r.status?.trim() || "active") as NonNullable<ProductInput["status"]>;
        if (!["draft", "active", "archived"].includes(status))
          field("status", `"${r.status}" is not draft, active or archived`);
        let variants: VariantInput[] = [];
        if (type === "configurable") {
          for (const v of variantRows.get(r.sku!.trim()) ?? []) {
            try {
              variants.push(variantOf(v.record, currency));
            } catch (error) {
              fail(v.row, v.record.sku, reasonOf(error));
            }
          }
          if (variants.length === 0)
            field("variants", "a configurable product needs at least one valid variant row");
        } else {
          variants = [{ ...variantOf(r, currency), manageStock: type !== "digital" }];
        }
        const optionCodes = [...new Set(variants.flatMap((v) => Object.keys(v.options ?? {})))];
        const imageIds: { imageId: string }[] = [];
        for (const rel of (r.images ?? "")
          .split("|")
          .map((s) => s.trim())
          .filter(Boolean)) {
          const source = path.resolve(path.dirname(file), rel);
          if (!fs.existsSync(source)) field("images", `file "${rel}" not found`);
          const stored = await ctx.images.storeOriginal(fs.readFileSync(source));
          imageIds.push({ imageId: await saveImage(ctx.db, stored, r.name ?? "") });
          summary.images.stored++;
        }
        const input: ProductInput = {
          sku: r.sku!.trim(),
          type,
          name: r.name!.trim(),
          slug: r.slug?.trim() || r.name!.trim(),
          description: r.description ?? "",
          status,
          metaTitle: r.meta_title ?? "",
          metaDescription: r.meta_description ?? "",
          currency,
          categorySlugs: (r.categories ?? "")
            .split("|")
            .map((s) => s.trim())
            .filter(Boolean),
          options: optionCodes.map((code) => ({
            code,
            name: code.charAt(0).toUpperCase() + code.slice(1),
            values: [
              ...new Set(variants.map((v) => v.options?.[code]).filter((x): x is string => Boolean(x))),
            ].map((value) => ({ value })),
          })),
          variants,
          images: imageIds,
          attributes: Object.fromEntries(
            Object.entries(r)
              .filter(([k, v]) => k.startsWith("attr:") && v.trim())
              .map(([k, v]) => [k.slice("attr:".length), v.trim()]),
          ),
        };
        const { outcome } = await ctx.db.transaction((tx) => upsertProduct(tx, input));
        summary[outcome]++;
      } catch (error) {
        fail(row, r.sku, reasonOf(error));
      }
      bar.increment();
    }
  } finally {
    bar.stop();
    ctx.cache.invalidate(catalogCacheNamespace);
  }
  summary.durationMs = Date.now() - startedAt;
  return summary;
}
