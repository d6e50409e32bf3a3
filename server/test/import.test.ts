import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsvCatalog } from "../src/importers/csv.ts";
import { importLuma } from "../src/importers/luma.ts";
import { queryRows } from "../src/platform/db.ts";
import { lumaPath, testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;

async function counts() {
  const [row] = await queryRows<Record<string, number>>(
    t.ctx.db,
    sql`select (select count(*)::int from products) as products, (select count(*)::int from variants) as variants,
      (select count(*)::int from categories) as categories, (select count(*)::int from images) as images,
      (select count(*)::int from reviews) as reviews, (select count(*)::int from product_links) as links,
      (select count(*)::int from inventory_levels) as stock, (select count(*)::int from variant_option_values) as vov`,
  );
  return row!;
}

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
});

describe("Luma import", () => {
  it("imports the whole catalog, and a second run creates nothing", async () => {
    const first = await importLuma(t.ctx, lumaPath);
    expect(first.failed).toEqual([]);
    expect(first.created).toBe(199);
    const after = await counts();
    expect(after.variants).toBe(1847 + 44 + 5 + 3 + 2); // every variant SKU, one per simple, digital, bundle and grouped product, three episodes
    expect(after.reviews).toBe(500);
    const second = await importLuma(t.ctx, lumaPath);
    expect(second.created).toBe(0);
    expect(second.updated).toBe(0);
    expect(second.unchanged).toBe(199);
    expect(second.reviews.created).toBe(0);
    expect(await counts()).toEqual(after);
  }, 240_000);
});

describe("CSV import", () => {
  it("reports broken rows by number and imports the rest", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-csv-"));
    const file = path.join(dir, "products.csv");
    fs.writeFileSync(
      file,
      [
        "sku,name,type,parent_sku,price,qty,categories,option:size",
        "CSV-1,Good Bottle,simple,,12.50,7,gear,", // row 2: fine
        ",No Sku Bottle,simple,,9.99,1,gear,", // row 3: missing SKU
        "CSV-3,Bad Price Bottle,simple,,abc,1,gear,", // row 4: bad price
        "CSV-4,Lost Bottle,simple,,5,1,no-such-category,", // row 5: unknown category
        "CSV-5,Good Tee,configurable,,,,gear,", // row 6: parent
        "CSV-5-S,,,CSV-5,20,3,,S", // row 7: variant
        "CSV-5-M,,,CSV-5,xx,3,,M", // row 8: bad variant price
      ].join("\n"),
    );
    const summary = await importCsvCatalog(t.ctx, file);
    expect(summary.created).toBe(2);
    const byRow = Object.fromEntries(summary.failed.map((f) => [f.row, f.reason]));
    expect(Object.keys(byRow).map(Number).sort()).toEqual([3, 4, 5, 8]);
    expect(byRow[3]).toMatch(/sku: is required/);
    expect(byRow[4]).toMatch(/price: "abc" is not a price/);
    expect(byRow[5]).toMatch(/unknown category "no-such-category"/);
    expect(byRow[8]).toMatch(/price/);
    const rows = await queryRows<{ sku: string; price_amount: number }>(
      t.ctx.db,
      sql`select sku, price_amount::int from variants where sku like 'CSV-%' order by sku`,
    );
    expect(rows).toEqual([
      { sku: "CSV-1", price_amount: 1250 },
      { sku: "CSV-5-S", price_amount: 2000 },
    ]);
    // Nothing half-written for the failed products.
    const orphans = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from products where sku in ('CSV-3', 'CSV-4')`,
    );
    expect(orphans[0]!.n).toBe(0);
    const again = await importCsvCatalog(t.ctx, file);
    expect(again.created).toBe(0);
    expect(again.unchanged).toBe(2);
  });
});
