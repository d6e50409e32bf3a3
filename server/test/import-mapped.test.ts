import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categoryPathsOf, importMappedFile, parseMapping } from "../src/importers/mapped.ts";
import { upsertCategory, upsertProduct } from "../src/modules/catalog/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let dir: string;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A product as a shopper sees it through the store API, by SKU. */
async function productBySku(sku: string) {
  const [row] = await queryRows<{ slug: string }>(
    t.ctx.db,
    sql`select slug from products where sku = ${sku}`,
  );
  if (!row) return null;
  const res = await t.app.inject({ method: "GET", url: `/api/store/products/${row.slug}` });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function categoryRows() {
  return queryRows<{ name: string; slug: string; parent: string | null }>(
    t.ctx.db,
    sql`select c.name, c.slug, p.slug as parent from categories c left join categories p on p.id = c.parent_id
      order by c.slug`,
  );
}

beforeAll(async () => {
  t = await testApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-mapped-"));
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("column mapping syntax", () => {
  it("reads key=column pairs, quoted names with commas, and refuses unknown or missing keys", () => {
    expect(parseMapping('sku=Item #,name="Title, full",price=Price (USD),attr:color=Colour')).toEqual({
      sku: "Item #",
      name: "Title, full",
      price: "Price (USD)",
      "attr:color": "Colour",
    });
    expect(() => parseMapping("sku=a,name=b,price=c,colour=d")).toThrow(/unknown key "colour"/);
    expect(() => parseMapping("sku=a,name=b")).toThrow(/price must be mapped/);
    expect(() => parseMapping("sku=a,sku=b,name=c,price=d")).toThrow(/sku is mapped twice/);
  });

  it("splits category paths on >, else on /, with | between several categories", () => {
    expect(categoryPathsOf("Electronics > Audio > Headphones")).toEqual([
      ["Electronics", "Audio", "Headphones"],
    ]);
    expect(categoryPathsOf("Home/Kitchen")).toEqual([["Home", "Kitchen"]]);
    expect(categoryPathsOf("TV > TV/Video Cables | Sale")).toEqual([["TV", "TV/Video Cables"], ["Sale"]]);
    expect(categoryPathsOf(["Cell Phones", "Prepaid"])).toEqual([["Cell Phones", "Prepaid"]]);
    expect(categoryPathsOf("")).toEqual([]);
  });
});

describe("mapped CSV import", () => {
  const mapping = parseMapping(
    'sku=Item #,name="Title, full",description=Blurb,price=Price (USD),category=Dept Path,brand=Maker,' +
      "qty=On Hand,image=Picture,popularity=Rank Score,special_price=Sale",
  );
  const header =
    '"Item #","Title, full",Blurb,Price (USD),Dept Path,Maker,On Hand,Picture,Rank Score,Sale,Ignored';
  const rows = [
    'HP-1,"Studio Headphones ""Pro"", {black}\\",Closed-back,"1,299.99",Electronics > Audio > Headphones,Sonix,12,https://cdn.example.com/hp-1.jpg,87.5,,x', // row 2
    "SP-1,Bookshelf Speaker,,49.5,Electronics > Audio > Speakers,Sonix,,,3,39.99,x", // row 3
    "NO-NAME,,,10,Electronics,Sonix,1,,,,x", // row 4: missing name
    "BAD-PRICE,Broken Price,,12.3.4,Electronics,Sonix,1,,,,x", // row 5: bad price
    ",Nameless Sku,,10,Electronics,Sonix,1,,,,x", // row 6: empty sku
    "KN-1,Chef Knife,,35,Home/Kitchen/Knives,,4,,,,x", // row 7: slash path, no brand
    "HP-1,Duplicate Headphones,,10,Electronics,Sonix,1,,,,x", // row 8: duplicate SKU
    "BAD-QTY,Bad Quantity,,10,Electronics,Sonix,2.5,,,,x", // row 9: bad quantity
    "CB-1,HDMI Cable,,9.99,Electronics > TV/Video Cables | Gear > Bags,Linkit,40,ftp://x/y.jpg,,,x", // row 10: bad image URL
    "CB-2,USB Cable,,4.99,electronics > audio | gear > bags,Linkit,40,,,,x", // row 11: existing categories, other case
  ];

  it("imports good rows, reports bad ones by row number with the reason, never half-written", async () => {
    await upsertCategory(t.ctx.db, { slug: "gear", name: "Gear" });
    await upsertCategory(t.ctx.db, { slug: "gear-bags", name: "Bags", parentSlug: "gear" });
    const file = write("products.csv", [header, ...rows].join("\n"));
    const summary = await importMappedFile(t.ctx, file, mapping, { batchSize: 3 });
    expect(summary.failed.map((f) => [f.row, f.sku, f.reason])).toEqual([
      [4, "NO-NAME", "name: is required"],
      [5, "BAD-PRICE", 'price: "12.3.4" is not a price'],
      [6, null, "sku: is required"],
      [8, "HP-1", 'sku: "HP-1" already came on row 2'],
      [9, "BAD-QTY", 'qty: "2.5" is not a whole number of units'],
      [10, "CB-1", 'image: "ftp://x/y.jpg" is not an http(s) URL'],
    ]);
    expect(summary).toMatchObject({ created: 4, updated: 0, unchanged: 0 });
    const skus = await queryRows<{ sku: string }>(t.ctx.db, sql`select sku from products order by sku`);
    expect(skus.map((r) => r.sku)).toEqual(["CB-2", "HP-1", "KN-1", "SP-1"]);

    const hp = await productBySku("HP-1");
    expect(hp.name).toBe('Studio Headphones "Pro", {black}\\');
    expect(hp.description).toBe("Closed-back");
    expect(hp.price).toEqual({ amount: 129999, currency: "USD" });
    expect(hp.attributes).toContainEqual({ code: "brand", label: "Brand", value: "Sonix" });
    expect(hp.breadcrumbs.map((b: { name: string }) => b.name)).toEqual([
      "Electronics",
      "Audio",
      "Headphones",
    ]);
    expect(hp.images.map((i: { url: string }) => i.url)).toEqual(["https://cdn.example.com/hp-1.jpg"]);
    expect(hp.variants[0]).toMatchObject({ availableQuantity: 12, stockStatus: "in_stock" });
    const [pop] = await queryRows<{ popularity: number }>(
      t.ctx.db,
      sql`select popularity from products where sku = 'HP-1'`,
    );
    expect(pop!.popularity).toBe(87.5);

    const sp = await productBySku("SP-1");
    expect(sp.price).toEqual({ amount: 3999, currency: "USD" }); // the sale price
    expect(sp.compareAtPrice).toEqual({ amount: 4950, currency: "USD" });
    expect(sp.variants[0].stockStatus).toBe("out_of_stock"); // no quantity given: 0 on hand
    const kn = await productBySku("KN-1");
    expect(kn.attributes.find((a: { code: string }) => a.code === "brand")).toBeUndefined();
  });

  it("creates each category of a path once and reuses existing ones, matching names case-insensitively", async () => {
    expect(await categoryRows()).toEqual([
      { name: "Audio", slug: "audio", parent: "electronics" },
      { name: "Electronics", slug: "electronics", parent: null },
      { name: "Gear", slug: "gear", parent: null },
      { name: "Bags", slug: "gear-bags", parent: "gear" },
      { name: "Headphones", slug: "headphones", parent: "audio" },
      { name: "Home", slug: "home", parent: null },
      { name: "Kitchen", slug: "kitchen", parent: "home" },
      { name: "Knives", slug: "knives", parent: "kitchen" },
      { name: "Speakers", slug: "speakers", parent: "audio" },
    ]);
    // CB-2 sits in the existing "Audio" and in Luma-style "gear-bags"; the first path is its main category.
    const cb = await productBySku("CB-2");
    expect(cb.categories.map((c: { slug: string }) => c.slug)).toEqual(["audio", "gear-bags"]);
    expect(cb.breadcrumbs.map((b: { slug: string }) => b.slug)).toEqual(["electronics", "audio"]);
    const audio = await t.app.inject({ method: "GET", url: "/api/store/categories/electronics" });
    expect(audio.json().productCount).toBe(3);
  });

  it("re-imports idempotently, updates what changed, and a row fixed later is created", async () => {
    const file = path.join(dir, "products.csv");
    const again = await importMappedFile(t.ctx, file, mapping);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, categories: 0 });
    expect(again.failed).toHaveLength(6);

    const fixed = [...rows];
    fixed[1] = "SP-1,Bookshelf Speaker,,52,Electronics > Audio > Speakers,Sonix,,,3,,x"; // new price, no sale
    fixed[2] = "NO-NAME,Now Named,,10,Electronics,Sonix,1,,,,x";
    write("products.csv", [header, ...fixed].join("\n"));
    const third = await importMappedFile(t.ctx, file, mapping);
    expect(third).toMatchObject({ created: 1, updated: 1, unchanged: 3 });
    expect((await productBySku("SP-1")).price).toEqual({ amount: 5200, currency: "USD" });
    expect((await productBySku("NO-NAME")).name).toBe("Now Named");
  });

  it("refuses a mapping that names a column the header lacks, before writing anything", async () => {
    const file = write("other.csv", "code,title,cost\nX-1,Thing,3\n");
    await expect(
      importMappedFile(t.ctx, file, parseMapping("sku=code,name=title,price=price")),
    ).rejects.toThrow(/column "price" \(price\) not in the header/);
    expect(await productBySku("X-1")).toBeNull();
  });
});

describe("mapped JSON import", () => {
  it("reads a JSON array with nested fields (dotted paths), numbers as prices and category arrays", async () => {
    const file = write(
      "feed.json",
      JSON.stringify({
        products: [
          {
            id: "J-1",
            title: "Trail Lantern",
            pricing: { amount: 19.99, currency: "eur" },
            brand: { name: "Lumo" },
            path: ["Outdoor", "Lighting"],
            stock: 5,
            pics: ["https://img.example.com/j1-a.png", "https://img.example.com/j1-b.png"],
          },
          {
            id: "J-2",
            title: "Camp Stove",
            pricing: { amount: 0.1 },
            brand: { name: "Lumo" },
            path: ["Outdoor"],
          },
          { id: "J-3", title: "No Price", brand: { name: "Lumo" } },
          { id: "J-4", title: "Odd Price", pricing: { amount: "12,5" } },
        ],
      }),
    );
    const mapping = parseMapping(
      "sku=id,name=title,price=pricing.amount,currency=pricing.currency,brand=brand.name,category=path,qty=stock,image=pics",
    );
    const summary = await importMappedFile(t.ctx, file, mapping, { currency: "GBP" });
    expect(summary.failed.map((f) => [f.row, f.sku, f.reason])).toEqual([
      [3, "J-3", "price: is required"],
      [4, "J-4", 'price: "12,5" is not a price'],
    ]);
    expect(summary.created).toBe(2);
    const lantern = await productBySku("J-1");
    expect(lantern.price).toEqual({ amount: 1999, currency: "EUR" });
    expect(lantern.attributes).toContainEqual({ code: "brand", label: "Brand", value: "Lumo" });
    expect(lantern.breadcrumbs.map((b: { name: string }) => b.name)).toEqual(["Outdoor", "Lighting"]);
    expect(lantern.images.map((i: { url: string }) => i.url)).toEqual([
      "https://img.example.com/j1-a.png",
      "https://img.example.com/j1-b.png",
    ]);
    expect(lantern.variants[0].availableQuantity).toBe(5);
    expect((await productBySku("J-2")).price).toEqual({ amount: 10, currency: "GBP" }); // --currency default
  });

  it("reads JSON Lines, reporting a broken line by its line number", async () => {
    const file = write(
      "feed.jsonl",
      [
        '{"sku": "L-1", "name": "Line One", "price": "5.00", "cat": "Lines > Good"}',
        "",
        "{not json",
        '["an", "array"]',
        '{"sku": "L-2", "name": "Line Two", "price": 7, "cat": "Lines > Good"}',
      ].join("\n"),
    );
    const summary = await importMappedFile(
      t.ctx,
      file,
      parseMapping("sku=sku,name=name,price=price,category=cat"),
      {
        defaultQty: 3,
      },
    );
    expect(summary.failed.map((f) => [f.row, f.reason])).toEqual([
      [3, "row: is not valid JSON"],
      [4, "row: is not a JSON object"],
    ]);
    expect(summary.created).toBe(2);
    const two = await productBySku("L-2");
    expect(two.price).toEqual({ amount: 700, currency: "USD" });
    expect(two.variants[0].availableQuantity).toBe(3); // --default-qty
    expect(two.categories.map((c: { slug: string }) => c.slug)).toEqual(["good"]);
  });

  it("isolates a row that fails in the database: the rest of its batch is still written", async () => {
    // W-0 holds the slug "widget", W-1 the slug W-2 would fall back to ("widget-w-2"): W-2 cannot be saved.
    for (const [sku, slug] of [
      ["W-0", "widget"],
      ["W-1", "widget-w-2"],
    ] as const) {
      await t.ctx.db.transaction((tx) =>
        upsertProduct(tx, {
          sku,
          type: "simple",
          name: `Widget ${sku}`,
          slug,
          currency: "USD",
          categorySlugs: [],
          variants: [{ sku, priceAmount: 100, stockQuantity: 1 }],
        }),
      );
    }
    const file = write("widgets.csv", "sku,name,price\nW-2,Widget,1\nW-3,Gadget,2\nW-4,Gizmo,3\n");
    const summary = await importMappedFile(t.ctx, file, parseMapping("sku=sku,name=name,price=price"));
    expect(summary.created).toBe(2);
    expect(summary.failed.map((f) => [f.row, f.sku])).toEqual([[2, "W-2"]]);
    expect(summary.failed[0]!.reason).toMatch(/products_slug_key|duplicate key/);
    expect(await productBySku("W-2")).toBeNull();
    expect((await productBySku("W-4")).name).toBe("Gizmo");
  });
});
