import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bestBuySku, importBestBuy } from "../src/importers/bestbuy.ts";
import { getSaleVariants, listImageFiles } from "../src/modules/catalog/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { testApp } from "./helpers.ts";

const bestBuyPath = path.resolve(import.meta.dirname, "../../../shared/datasets/bestbuy");

interface BestBuyRecord {
  name: string;
  description: string;
  brand: string;
  categories: string[];
  price: number;
  image: string;
  popularity: number;
}

const records = JSON.parse(
  fs.readFileSync(path.join(bestBuyPath, "products.json"), "utf8"),
) as BestBuyRecord[];

/** Cents of a dollar amount read digit by digit from its decimal text (the oracle of the price check). */
function centsOf(price: number): number {
  const [whole, fraction = ""] = String(price).split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

let t: Awaited<ReturnType<typeof testApp>>;

async function counts() {
  const [row] = await queryRows<Record<string, number>>(
    t.ctx.db,
    sql`select (select count(*)::int from products) as products, (select count(*)::int from variants) as variants,
      (select count(*)::int from categories) as categories,
      (select count(*)::int from images where source_url is not null) as external_images,
      (select count(*)::int from images) as images, (select count(*)::int from product_images) as product_images,
      (select count(*)::int from product_attribute_values) as attribute_values,
      (select count(*)::int from inventory_levels where stocked_quantity = 100) as stocked`,
  );
  return row!;
}

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
});

describe("Best Buy import", () => {
  it("takes each product's SKU from its image URL: unique over the whole data set", () => {
    const skus = records.map(bestBuySku);
    expect(skus[0]).toBe("4984700");
    expect(skus.every((s) => /^\d+$/.test(s))).toBe(true);
    expect(new Set(skus).size).toBe(3291);
    expect(bestBuySku({ name: "No picture", brand: "Acme" })).toMatch(/^BB-[0-9A-F]{12}$/);
    expect(bestBuySku({ name: "No picture", brand: "Acme" })).toBe(
      bestBuySku({ name: "No picture", brand: "Acme" }),
    );
  });

  it("imports all 3,291 products with their categories, brand, price in cents, popularity and stock", async () => {
    const summary = await importBestBuy(t.ctx, bestBuyPath);
    expect(summary.failed).toEqual([]);
    expect(summary.created).toBe(3291);
    // 67 distinct category paths (prefixes included) in the data set.
    const paths = new Set(
      records.flatMap((r) => r.categories.map((_, i) => r.categories.slice(0, i + 1).join(">"))),
    );
    expect(summary.categories).toBe(paths.size);
    expect(await counts()).toEqual({
      products: 3291,
      variants: 3291,
      categories: paths.size,
      external_images: 3291,
      images: 3291,
      product_images: 3291,
      attribute_values: 3291,
      stocked: 3291,
    });

    // Every price in cents, exactly; every popularity as given.
    const stored = await queryRows<{
      sku: string;
      price_amount: number;
      popularity: number;
      currency: string;
    }>(
      t.ctx.db,
      sql`select p.sku, v.price_amount::int, p.popularity, v.currency from products p join variants v on v.product_id = p.id`,
    );
    const bySku = new Map(stored.map((r) => [r.sku, r]));
    for (const r of records) {
      const row = bySku.get(bestBuySku(r))!;
      expect([row.price_amount, row.popularity, row.currency]).toEqual([
        centsOf(r.price),
        r.popularity,
        "USD",
      ]);
    }
  }, 120_000);

  it("serves an imported product through the store API: SKU, price, brand, category path, external image, stock", async () => {
    const [{ slug }] = (await queryRows<{ slug: string }>(
      t.ctx.db,
      sql`select slug from products where sku = '4984700'`,
    )) as [{ slug: string }];
    const res = await t.app.inject({ method: "GET", url: `/api/store/products/${slug}` });
    expect(res.statusCode).toBe(200);
    const product = res.json();
    expect(product.sku).toBe("4984700");
    expect(product.name).toBe(records[0]!.name);
    expect(product.price).toEqual({ amount: 4999, currency: "USD" });
    expect(product.attributes).toContainEqual({ code: "brand", label: "Brand", value: "AT&T GoPhone" });
    expect(product.breadcrumbs.map((b: { name: string }) => b.name)).toEqual([
      "Cell Phones",
      "Prepaid Phones",
      "All Prepaid Phones",
    ]);
    expect(product.images).toHaveLength(1);
    expect(product.images[0].url).toBe("https://cdn-demo.algolia.com/bestbuy-0118/4984700_sb.jpg");
    expect(product.images[0].srcset).toEqual([]); // never resized: no /media URLs
    expect(product.variants[0]).toMatchObject({ stockStatus: "in_stock", availableQuantity: 100 });

    // The list and the cart show the external URL too; nothing of it is queued for resizing.
    const list = await t.app.inject({
      method: "GET",
      url: "/api/store/products?category=all-prepaid-phones&limit=50",
    });
    expect(list.statusCode).toBe(200);
    const items: { thumbnail: { url: string; srcset: unknown[] }; inStock: boolean }[] = list.json().items;
    expect(items).toHaveLength(50);
    for (const item of items) {
      expect(item.thumbnail.url).toMatch(/^https:\/\/cdn-demo\.algolia\.com\/bestbuy-0118\/\d+_/);
      expect(item.thumbnail.srcset).toEqual([]);
      expect(item.inStock).toBe(true);
    }
    const sale = await getSaleVariants(t.ctx.db, [product.variants[0].id]);
    expect(sale.get(product.variants[0].id)?.thumbnailUrl).toBe(
      "https://cdn-demo.algolia.com/bestbuy-0118/4984700_sb.jpg",
    );
    expect(await listImageFiles(t.ctx.db)).toEqual([]);
  });

  it("files products under their category path, reusing categories shared by several products", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/store/categories/cell-phones" });
    expect(res.statusCode).toBe(200);
    const phones = res.json();
    const expected = records.filter((r) => r.categories[0] === "Cell Phones").length;
    expect(phones.productCount).toBe(expected);
    expect(phones.children.map((c: { name: string }) => c.name)).toContain("Prepaid Phones");
    // "Screen Protectors" under "Screen Protectors": same name, its own category with its own slug.
    const nested = await queryRows<{ slug: string; parent: string }>(
      t.ctx.db,
      sql`select c.slug, p.slug as parent from categories c join categories p on p.id = c.parent_id
        where c.name = 'Screen Protectors' and p.name = 'Screen Protectors'`,
    );
    expect(nested).toEqual([{ slug: "screen-protectors-screen-protectors", parent: "screen-protectors" }]);
  });

  it("allows external https images in the Content-Security-Policy", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/store/categories" });
    expect(res.headers["content-security-policy"]).toMatch(/img-src 'self' data: https:/);
  });

  it("re-imports idempotently: all unchanged, stock sold since kept; a changed record is updated", async () => {
    const before = await counts();
    await t.ctx.db.execute(sql`update inventory_levels set stocked_quantity = 7
      where variant_id = (select id from variants where sku = '4984700')`);
    const again = await importBestBuy(t.ctx, bestBuyPath);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3291, categories: 0, failed: [] });
    expect(await counts()).toEqual({ ...before, stocked: 3290 });

    // A later edition of the file: one price changed, one record broken.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-bestbuy-"));
    const edited = records.slice(0, 3).map((r) => ({ ...r }));
    edited[1]!.price = 74.5;
    edited[2]!.price = -1 as number;
    fs.writeFileSync(path.join(dir, "products.json"), JSON.stringify(edited));
    const third = await importBestBuy(t.ctx, dir);
    expect(third).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(third.failed).toEqual([
      { file: "products.json", row: 3, sku: bestBuySku(records[2]!), reason: 'price: "-1" is not a price' },
    ]);
    const [row] = await queryRows<{ price_amount: number }>(
      t.ctx.db,
      sql`select price_amount::int from variants where sku = ${bestBuySku(records[1]!)}`,
    );
    expect(row!.price_amount).toBe(7450);
  }, 120_000);
});
