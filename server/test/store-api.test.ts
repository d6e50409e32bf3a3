import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLuma } from "../src/importers/luma.ts";
import type { ProductDetailDto, ProductSummaryDto } from "../src/modules/catalog/index.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;

async function get<T = unknown>(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: "GET", url, headers });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: String(res.headers["content-type"] ?? "").includes("json") ? (res.json() as T) : (res.body as T),
  };
}

type Page = { items: ProductSummaryDto[]; nextCursor: string | null; total: number };

async function all(query: string): Promise<ProductSummaryDto[]> {
  const items: ProductSummaryDto[] = [];
  let cursor: string | null = null;
  do {
    const res: { body: Page } = await get<Page>(
      `/api/store/products?limit=100&${query}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

beforeAll(async () => {
  t = await testApp();
  const summary = await importLuma(t.ctx, t.ctx.config.lumaPath);
  expect(summary.failed).toEqual([]);
});
afterAll(async () => {
  await t?.close();
});

describe("GET /api/store/products", () => {
  it("lists every Luma product, each exactly once across pages", async () => {
    const items = await all("sort=name");
    const byType: Record<string, number> = {};
    for (const p of items) byType[p.type] = (byType[p.type] ?? 0) + 1;
    expect(byType).toEqual({ configurable: 147, simple: 44, bundle: 1, grouped: 1, digital: 6 });
    expect(new Set(items.map((p) => p.id)).size).toBe(items.length);
    const names = items.map((p) => p.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it("filters by category subtree and option values", async () => {
    const items = await all("category=tops-men&option.size=XS&option.color=Black");
    expect(items.length).toBeGreaterThan(5);
    for (const p of items) {
      expect(p.optionValues.size).toContain("XS");
      expect(p.optionValues.color).toContain("Black");
    }
    const jackets = await all("category=jackets-men");
    const tops = await all("category=tops-men");
    expect(tops.length).toBeGreaterThan(jackets.length);
    expect(tops.map((p) => p.id)).toEqual(expect.arrayContaining(jackets.map((p) => p.id)));
  });

  it("filters by price range in minor units and sorts by price", async () => {
    const items = await all("priceMin=3000&priceMax=4000&sort=price_asc");
    expect(items.length).toBeGreaterThan(0);
    const prices = items.map((p) => p.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    for (const price of prices) expect(price >= 3000 && price <= 4000).toBe(true);
    const desc = (await get<Page>("/api/store/products?sort=price_desc&limit=5")).body.items.map(
      (p) => p.price.amount,
    );
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });

  it("pages with a cursor and reports the total", async () => {
    const first = await get<Page>("/api/store/products?limit=10&category=women");
    expect(first.body.items).toHaveLength(10);
    expect(first.body.total).toBeGreaterThan(10);
    const second = await get<Page>(
      `/api/store/products?limit=10&category=women&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((p) => p.id)).not.toEqual(expect.arrayContaining([first.body.items[0]!.id]));
  });

  it.each([
    ["limit=abc", "limit"],
    ["limit=0", "limit"],
    ["limit=1000", "limit"],
    ["sort=cheapest", "sort"],
    ["priceMin=-5", "priceMin"],
    ["inStock=perhaps", "inStock"],
    ["colour=red", "colour"],
    ["category=Not%20A%20Slug", "category"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
  ])("answers ?%s with 400 problem+json naming %s", async (query, field) => {
    const res = await get<{ code: string; errors: { field: string }[] }>(`/api/store/products?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.errors.map((e) => e.field)).toContain(field);
  });

  it("costs a constant number of SQL queries whatever the page size", async () => {
    const before = t.ctx.database.queries.count;
    await get("/api/store/products?limit=5");
    const small = t.ctx.database.queries.count - before;
    const mid = t.ctx.database.queries.count;
    await get("/api/store/products?limit=100");
    const large = t.ctx.database.queries.count - mid;
    expect(small).toBeLessThanOrEqual(8);
    expect(large).toBe(small);
  });
});

describe("GET /api/store/products/:slug", () => {
  it("answers a configurable product with variants, options, stock and images", async () => {
    const res = await get<ProductDetailDto>("/api/store/products/chaz-kangeroo-hoodie");
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.sku).toBe("MH01");
    expect(p.variants).toHaveLength(15);
    expect(p.options.map((o) => o.code)).toEqual(["size", "color"]);
    expect(p.options[1]!.values.find((v) => v.value === "Black")?.swatch).toBe("#000000");
    const black = p.variants.find((v) => v.sku === "MH01-XS-Black")!;
    expect(black.options).toEqual({ size: "XS", color: "Black" });
    expect(black.price).toEqual({ amount: 5200, currency: "USD" });
    expect(black.stockStatus).toBe("in_stock");
    expect(black.availableQuantity).toBe(100);
    expect(p.images.map((i) => i.id)).toContain(black.imageId);
    expect(p.breadcrumbs.map((b) => b.slug)).toEqual(["men", "tops-men", "hoodies-and-sweatshirts-men"]);
    expect(p.related.length + p.upsell.length).toBeGreaterThan(0);
    expect(JSON.stringify(p)).not.toMatch(/source_?hash|storage_?key|sha256"/i);
  });

  it("answers the bundle, grouped and digital products with their parts", async () => {
    const bundle = (await get<ProductDetailDto>("/api/store/products/sprite-yoga-companion-kit")).body;
    expect(bundle.type).toBe("bundle");
    expect(bundle.bundleOptions.map((o) => o.title)).toEqual([
      "Sprite Stasis Ball",
      "Sprite Foam Yoga Brick",
      "Sprite Yoga Strap",
      "Sprite Foam Roller",
    ]);
    const grouped = (await get<ProductDetailDto>("/api/store/products/set-of-sprite-yoga-straps")).body;
    expect(grouped.groupedItems).toHaveLength(3);
    expect(grouped.price.amount).toBe(1400);
    const digital = (await get<Page>("/api/store/products?category=training-video")).body.items;
    expect(digital).toHaveLength(6);
    const video = (await get<ProductDetailDto>(`/api/store/products/${digital[0]!.slug}`)).body;
    expect(video.downloads.length).toBeGreaterThan(0);
    // Episodes sold one by one are variants of a "download" option at their own prices.
    const series = (await get<ProductDetailDto>("/api/store/products/luma-yoga-for-life")).body;
    expect(series.variants.map((v) => [v.title, v.price.amount, v.stockStatus])).toEqual([
      ["Episode 1", 900, "in_stock"],
      ["Episode 2", 900, "in_stock"],
      ["Episode 3", 900, "in_stock"],
    ]);
    expect(series.price.amount).toBe(900);
  });

  it("costs the same few queries for a 15-variant product as for a simple one", async () => {
    const count = async (url: string) => {
      const before = t.ctx.database.queries.count;
      expect((await get(url)).status).toBe(200);
      return t.ctx.database.queries.count - before;
    };
    const configurable = await count("/api/store/products/chaz-kangeroo-hoodie");
    const simple = await count("/api/store/products/joust-duffle-bag");
    expect(configurable).toBe(simple);
    expect(configurable).toBeLessThanOrEqual(6);
    const p = (await get<ProductDetailDto>("/api/store/products/chaz-kangeroo-hoodie")).body;
    expect(p.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("answers an unknown slug with 404 problem+json", async () => {
    const res = await get<{ code: string; status: number }>("/api/store/products/no-such-product");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body.code).toBe("PRODUCT_NOT_FOUND");
  });
});

describe("categories", () => {
  it("answers the menu tree with product counts", async () => {
    const res = await get<{ items: { slug: string; productCount: number; children: { slug: string }[] }[] }>(
      "/api/store/categories",
    );
    expect(res.body.items.map((c) => c.slug)).toEqual([
      "what-is-new",
      "women",
      "men",
      "gear",
      "training",
      "sale",
    ]);
    const men = res.body.items.find((c) => c.slug === "men")!;
    expect(men.children.map((c) => c.slug)).toEqual(["tops-men", "bottoms-men"]);
    expect(men.productCount).toBeGreaterThan(50);
  });

  it("answers a category with breadcrumbs and facets", async () => {
    const res = await get<{
      breadcrumbs: { slug: string }[];
      facets: { options: { code: string; values: { value: string; count: number }[] }[]; price: unknown };
    }>("/api/store/categories/jackets-men");
    expect(res.status).toBe(200);
    expect(res.body.breadcrumbs.map((b) => b.slug)).toEqual(["men", "tops-men", "jackets-men"]);
    const size = res.body.facets.options.find((o) => o.code === "size")!;
    expect(size.values.map((v) => v.value)).toEqual(["XS", "S", "M", "L", "XL"]);
    expect(res.body.facets.price).not.toBeNull();
    expect((await get("/api/store/categories/nowhere")).status).toBe(404);
  });
});

describe("images", () => {
  it("serves responsive WebP sizes with long-lived caching and ETags", async () => {
    const p = (await get<ProductDetailDto>("/api/store/products/chaz-kangeroo-hoodie")).body;
    const size = p.images[0]!.srcset.find((s) => s.width === 640)!;
    const res = await t.app.inject({ method: "GET", url: size.url });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/webp");
    expect(res.headers["cache-control"]).toContain("immutable");
    expect(res.rawPayload.subarray(8, 12).toString()).toBe("WEBP");
    const again = await t.app.inject({
      method: "GET",
      url: size.url,
      headers: { "if-none-match": String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const original = await t.app.inject({ method: "GET", url: p.images[0]!.url });
    expect(original.headers["content-type"]).toBe("image/jpeg");
    expect(
      (await t.app.inject({ method: "GET", url: `/media/images/${"0".repeat(64)}/w640.webp` })).statusCode,
    ).toBe(404);
  });
});

describe("platform", () => {
  it("answers health, readiness and the OpenAPI document", async () => {
    expect((await get("/health")).status).toBe(200);
    expect((await get<{ status: string }>("/ready")).body.status).toBe("ready");
    const doc = await get<{ paths: Record<string, unknown> }>("/api/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/store/products",
        "/api/store/products/{slug}",
        "/api/store/categories",
        "/api/store/categories/{slug}",
      ]),
    );
    const unknown = await get<{ code: string }>("/api/store/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("ROUTE_NOT_FOUND");
  });
});

describe("security headers", () => {
  it("sends a strict Content-Security-Policy, frame-ancestors and nosniff; no CORS for foreign origins", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/store/categories",
      headers: { origin: "https://evil.example" },
    });
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers["strict-transport-security"]).toBeUndefined(); // only over https in production
  });
});
