import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsvCatalog } from "../src/importers/csv.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-cache-"));

function writeCsv(price: string, qty: string): string {
  const file = path.join(dir, "products.csv");
  fs.writeFileSync(file, `sku,name,price,qty\nCACHE-1,Cached Mug,${price},${qty}\n`);
  return file;
}

beforeAll(async () => {
  t = await testApp({ cacheTtlMs: 60_000 });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("store response cache", () => {
  it("serves repeated reads from memory and shows a catalog change at once", async () => {
    await importCsvCatalog(t.ctx, writeCsv("10.00", "5"));
    const first = (await t.app.inject("/api/store/products/cached-mug")).json();
    expect(first.price.amount).toBe(1000);
    const listed = (await t.app.inject("/api/store/products")).json();
    expect(listed.items[0].price.amount).toBe(1000);

    const before = t.ctx.database.queries.count;
    await t.app.inject("/api/store/products/cached-mug");
    await t.app.inject("/api/store/products");
    expect(t.ctx.database.queries.count).toBe(before);

    await importCsvCatalog(t.ctx, writeCsv("12.00", "0"));
    const after = (await t.app.inject("/api/store/products/cached-mug")).json();
    expect(after.price.amount).toBe(1200);
    expect(after.variants[0].stockStatus).toBe("out_of_stock");
    const relisted = (await t.app.inject("/api/store/products")).json();
    expect(relisted.items[0]).toMatchObject({ price: { amount: 1200 }, inStock: false });
    expect((await t.app.inject("/api/store/products?inStock=true")).json().total).toBe(0);
  });
});
