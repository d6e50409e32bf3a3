import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../platform/context.ts";
import { type ColumnMapping, importMappedRecords, type SourceRecord } from "./mapped.ts";
import type { ImportSummary } from "./report.ts";

/**
 * Units on hand given to every Best Buy product: the data set has no stock, and a product without
 * stock cannot be bought. 100 keeps the whole demo catalog purchasable and above the low-stock
 * threshold (5); a re-import leaves the stock of unchanged products alone.
 */
export const bestBuyStockQuantity = 100;

/**
 * Best Buy's SKU of a product, read from its image URL (`.../bestbuy-0118/4984700_sb.jpg` -> `4984700`;
 * the number is Best Buy's SKU, unique over the data set); for a record without one, a stable
 * `BB-` + 12 hex digits of the SHA-256 of its name and brand.
 */
export function bestBuySku(record: { image?: unknown; name?: unknown; brand?: unknown }): string {
  const image = typeof record.image === "string" ? record.image : "";
  const fromImage = /\/(\d+)(?:_[^/]*)?\.[a-z]+$/i.exec(image)?.[1];
  if (fromImage) return fromImage;
  const hash = createHash("sha256").update(`${String(record.name ?? "")}\u0000${String(record.brand ?? "")}`);
  return `BB-${hash.digest("hex").slice(0, 12).toUpperCase()}`;
}

/** How Best Buy's record fields map to product fields (the SKU is added to each record as `sku`). */
const bestBuyMapping: ColumnMapping = {
  sku: "sku",
  name: "name",
  description: "description",
  price: "price",
  category: "categories",
  brand: "brand",
  image: "image",
  popularity: "popularity",
};

/**
 * Imports the Best Buy catalog (`products.json` in `source`, or `source` itself when it is the file):
 * an array of `{ name, description, brand, categories: string[] (a path, top level first), price (US
 * dollars, a JSON number), image (an external URL), popularity }`. Each record becomes an active simple
 * product: SKU from the image URL (see {@link bestBuySku}), price in cents (from the number's decimal
 * text, no float arithmetic), the category path created when missing, the brand in the `brand`
 * attribute, the image kept as an external URL (never fetched), `popularity` as is, and
 * {@link bestBuyStockQuantity} units on hand. Idempotent: products are matched by SKU and unchanged
 * ones are left untouched. Bad records are reported by their position in the array (from 1).
 * @throws Error when the file is missing or is not a JSON array.
 */
export async function importBestBuy(
  ctx: AppContext,
  source: string,
  options: { progress?: boolean; batchSize?: number } = {},
): Promise<ImportSummary> {
  const file =
    fs.existsSync(source) && fs.statSync(source).isDirectory() ? path.join(source, "products.json") : source;
  if (!fs.existsSync(file))
    throw new Error(`${file} not found: give the Best Buy folder or its products.json`);
  const data: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!Array.isArray(data)) throw new Error(`${file} is not a JSON array of products`);
  const records: SourceRecord[] = data.map((item, i) => {
    const record =
      item && typeof item === "object" && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    return { row: i + 1, record: { ...record, sku: bestBuySku(record) } };
  });
  return importMappedRecords(
    ctx,
    { label: `bestbuy (${file})`, fileName: path.basename(file), dir: path.dirname(file) },
    records,
    bestBuyMapping,
    {
      currency: "USD",
      defaultQty: bestBuyStockQuantity,
      progress: options.progress,
      batchSize: options.batchSize,
    },
  );
}
