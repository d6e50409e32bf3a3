import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsvCatalog } from "../src/importers/csv.ts";
import type { ProductDetailDto } from "../src/modules/catalog/index.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-pricing-"));
const day = 86_400_000;
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

beforeAll(async () => {
  t = await testApp();
  const file = path.join(dir, "products.csv");
  fs.writeFileSync(
    file,
    [
      "sku,name,price,special_price,special_from,special_to,compare_at_price,qty",
      `P-OPEN,Open Sale Mug,20,15,${iso(-day)},${iso(day)},,50`,
      `P-LATER,Later Sale Mug,20,15,${iso(day)},${iso(2 * day)},,50`,
      `P-OVER,Expired Sale Mug,20,15,${iso(-2 * day)},${iso(-day)},,50`,
      "P-WAS,Was Thirty Mug,20,,,,30,3",
      "P-ODD,Odd Special Mug,20,25,,,,0",
    ].join("\n"),
  );
  const summary = await importCsvCatalog(t.ctx, file);
  expect(summary.failed).toEqual([]);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function product(slug: string): Promise<ProductDetailDto> {
  return (await t.app.inject(`/api/store/products/${slug}`)).json();
}

describe("prices and stock status", () => {
  it("applies a special price only inside its window, showing the regular price struck through", async () => {
    const open = await product("open-sale-mug");
    expect(open.price).toEqual({ amount: 1500, currency: "USD" });
    expect(open.compareAtPrice).toEqual({ amount: 2000, currency: "USD" });
    expect(open.variants[0]!.compareAtPrice?.amount).toBe(2000);
    for (const slug of ["later-sale-mug", "expired-sale-mug"]) {
      const p = await product(slug);
      expect(p.price.amount).toBe(2000);
      expect(p.compareAtPrice).toBeNull();
    }
  });

  it("shows an explicit compare-at price, and ignores a special price above the regular one", async () => {
    expect((await product("was-thirty-mug")).compareAtPrice?.amount).toBe(3000);
    const odd = await product("odd-special-mug");
    expect(odd.price.amount).toBe(2000);
    expect(odd.compareAtPrice).toBeNull();
  });

  it("filters and sorts lists by the current price", async () => {
    const list = (await t.app.inject("/api/store/products?sort=price_asc")).json();
    expect(list.items[0].slug).toBe("open-sale-mug");
    const cheap = (await t.app.inject("/api/store/products?priceMax=1600")).json();
    expect(cheap.items.map((p: { slug: string }) => p.slug)).toEqual(["open-sale-mug"]);
  });

  it("reports low and no stock, and the in-stock filter leaves out what cannot be sold", async () => {
    const low = await product("was-thirty-mug");
    expect(low.variants[0]).toMatchObject({ stockStatus: "low_stock", availableQuantity: 3 });
    const none = await product("odd-special-mug");
    expect(none.variants[0]).toMatchObject({ stockStatus: "out_of_stock", availableQuantity: 0 });
    expect(none.inStock).toBe(false);
    const inStock = (await t.app.inject("/api/store/products?inStock=true")).json();
    expect(inStock.total).toBe(4);
    expect(inStock.items.map((p: { slug: string }) => p.slug)).not.toContain("odd-special-mug");
  });
});
