import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLuma } from "../src/importers/luma.ts";
import { ensureDefaultLocation, setStockLevels } from "../src/modules/inventory/index.ts";
import { reindexAll, syncStockFlags } from "../src/modules/search/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { lumaPath, testApp } from "./helpers.ts";

/**
 * Search on the Luma catalog through the store API: relevance, typo tolerance, syntax, SKUs,
 * disjunctive facets checked against the filters they stand for, bad input, autocomplete, synonyms,
 * analytics, and a staff edit reaching the index through the outbox.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let owner: string;

interface Hit {
  id: string;
  sku: string;
  name: string;
  slug: string;
  price: { amount: number; currency: string };
  highlight: { name: string; snippet: string };
}
interface FacetValue {
  value: string;
  label: string;
  count: number;
  selected: boolean;
}
interface Result {
  items: Hit[];
  total: number;
  nextCursor: string | null;
  facets: { code: string; param: string; values: FacetValue[] }[];
  correctedQuery: string | null;
  didYouMean: string | null;
  partialMatch: boolean;
  queryId: string;
}

async function search(params: Record<string, string | string[]>): Promise<Result> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) qs.append(k, x);
  const res = await t.app.inject({ method: "GET", url: `/api/store/search?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Result;
}

const staff = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: owner, origin: t.ctx.config.publicUrl },
    ...(payload ? { payload } : {}),
  });

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  const summary = await importLuma(t.ctx, lumaPath);
  expect(summary.failed).toEqual([]);
  await reindexAll(t.ctx.db);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe("relevance", () => {
  it('"jacket" lists jackets first, with the match highlighted', async () => {
    const r = await search({ q: "jacket" });
    expect(r.total).toBeGreaterThanOrEqual(17);
    const top = r.items.slice(0, 10);
    expect(top).toHaveLength(10);
    for (const hit of top) expect(hit.name).toMatch(/jacket/i);
    expect(top[0]!.highlight.name).toMatch(/<mark>Jacket<\/mark>/);
    expect(r.correctedQuery).toBeNull();
  });

  it('"jackt" (a typo) still finds jackets, and says which query the results are for', async () => {
    const r = await search({ q: "jackt" });
    expect(r.correctedQuery).toBe("jacket");
    expect(r.items[0]!.name).toMatch(/jacket/i);
    expect(r.total).toBeGreaterThanOrEqual(17);
    // The next page of the misspelt query continues the corrected results.
    const page1 = await search({ q: "jackt", limit: "10" });
    const page2 = await search({ q: "jackt", limit: "10", cursor: page1.nextCursor! });
    expect(page2.correctedQuery).toBe("jacket");
    expect(page2.items.length).toBeGreaterThan(0);
    expect(page2.items.map((h) => h.id)).not.toContain(page1.items[0]!.id);
  });

  it('"hoodie -zip" excludes zip hoodies', async () => {
    const all = await search({ q: "hoodie", limit: "100" });
    const skus = all.items.map((h) => h.sku);
    expect(skus).toEqual(expect.arrayContaining(["WH06", "MH12", "MH01"]));
    const r = await search({ q: "hoodie -zip", limit: "100" });
    const without = r.items.map((h) => h.sku);
    expect(without).toEqual(expect.arrayContaining(["MH01", "MH02", "WH02"]));
    expect(without).not.toContain("WH06"); // Daphne Full-Zip Hoodie
    expect(without).not.toContain("MH12"); // Ajax Full-Zip Sweatshirt
    for (const hit of r.items) expect(hit.name).not.toMatch(/zip/i);
    expect(r.total).toBeLessThan(all.total);
  });

  it("a query no product matches in full falls back to any of its words", async () => {
    const strict = await search({ q: "yoga", limit: "1" });
    expect(strict.partialMatch).toBe(false);
    const r = await search({ q: "stability ball" });
    expect(r.partialMatch).toBe(true);
    expect(r.total).toBeGreaterThan(0);
    for (const hit of r.items.slice(0, 3)) expect(hit.name).toMatch(/ball|stabil/i);
    // An operator asks for exactly what was typed: no fallback.
    expect((await search({ q: '"stability ball"' })).total).toBe(0);
  });

  it("a SKU finds its product first, a variant SKU too", async () => {
    const product = await search({ q: "MJ03" });
    expect(product.items[0]!.sku).toBe("MJ03");
    const variant = await search({ q: "WJ08-XS-Gray" });
    expect(variant.items[0]!.sku).toBe("WJ08");
  });

  it("the last word matches as a prefix while typing, and quotes match a phrase", async () => {
    const typing = await search({ q: "montana jack" });
    expect(typing.items[0]!.sku).toBe("MJ03");
    const phrase = await search({ q: '"wind jacket"' });
    expect(phrase.items.map((h) => h.sku)).toContain("MJ03");
    for (const hit of phrase.items)
      expect(`${hit.name} ${hit.highlight.snippet}`.toLowerCase()).toMatch(/wind/);
  });

  it("sorts by price and pages with a cursor without repeating a product", async () => {
    const first = await search({ q: "jacket", sort: "price_asc", limit: "5" });
    const second = await search({ q: "jacket", sort: "price_asc", limit: "5", cursor: first.nextCursor! });
    const prices = [...first.items, ...second.items].map((h) => h.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const ids = [...first.items, ...second.items].map((h) => h.id);
    expect(new Set(ids).size).toBe(10);
    expect(second.total).toBe(first.total);
  });
});

describe("facets", () => {
  /** The filter parameters of a search with `param` set to `value` (replacing that facet's own choice). */
  function withValue(base: Record<string, string[]>, param: string, code: string, value: string) {
    const next: Record<string, string[]> = { ...base };
    if (param === "option" || param === "attr") {
      const keep = (next[param] ?? []).filter((v) => !v.startsWith(`${code.split(":")[1]}:`));
      next[param] = [...keep, value];
    } else next[param] = [value];
    return next;
  }

  it("every facet count equals the total of the search filtered by that value (disjunctive)", async () => {
    for (const base of [
      { q: ["jacket"] },
      { q: ["hoodie"], option: ["size:M"], price: ["5000-"] },
      { q: [""], category: ["jackets-women"] },
    ] as Record<string, string[]>[]) {
      const r = await search(base);
      expect(r.facets.length).toBeGreaterThan(2);
      let checked = 0;
      for (const facet of r.facets) {
        for (const v of facet.values) {
          const filtered = await search(withValue(base, facet.param, facet.code, v.value));
          expect(filtered.total, `${JSON.stringify(base)} ${facet.code}=${v.value}`).toBe(v.count);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    }
  }, 120_000);

  it("selecting a value keeps the other values of its facet countable and marks it selected", async () => {
    const r = await search({ q: "jacket", option: "color:Blue" });
    const color = r.facets.find((f) => f.code === "option:color")!;
    expect(color.values.find((v) => v.value === "color:Blue")!.selected).toBe(true);
    expect(color.values.length).toBeGreaterThan(3);
    const unfiltered = await search({ q: "jacket" });
    expect(r.total).toBeLessThan(unfiltered.total);
    expect(r.total).toBe(color.values.find((v) => v.value === "color:Blue")!.count);
  });
});

describe("bad input", () => {
  it("answers a clear 400 or results, never a 500", async () => {
    const long = await t.app.inject({ method: "GET", url: `/api/store/search?q=${"a".repeat(10_000)}` });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].field).toMatch(/q/);
    for (const q of [
      '"jacket',
      "jacket\"'",
      "'; drop table products; --",
      "a & b | !c <-> d",
      "((",
      "-",
      ":*",
      "\\",
    ]) {
      const res = await t.app.inject({ method: "GET", url: `/api/store/search?q=${encodeURIComponent(q)}` });
      expect(res.statusCode, q).toBe(200);
    }
    const cursor = await t.app.inject({ method: "GET", url: "/api/store/search?q=jacket&cursor=bm9wZQ" });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().errors[0].field).toBe("cursor");
    const price = await t.app.inject({ method: "GET", url: "/api/store/search?q=jacket&price=9-3" });
    expect(price.statusCode).toBe(400);
    const option = await t.app.inject({ method: "GET", url: "/api/store/search?q=jacket&option=nocolon" });
    expect(option.statusCode).toBe(400);
    const unbalanced = await search({ q: '"wind jacket' });
    expect(unbalanced.items.map((h) => h.sku)).toContain("MJ03");
  });
});

describe("autocomplete", () => {
  it("suggests products and categories by every typed prefix", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/store/search/suggest?q=jac" });
    expect(res.statusCode).toBe(200);
    const s = res.json() as {
      queries: { query: string }[];
      categories: { name: string }[];
      products: { name: string }[];
    };
    expect(s.products.length).toBeGreaterThan(0);
    // Names first; then products of matching categories (a "Jackets" product named "Trainer").
    for (const p of s.products.slice(0, 3)) expect(p.name).toMatch(/jac/i);
    expect(s.categories.map((c) => c.name)).toContain("Jackets");
  });
});

describe("synonyms", () => {
  it("staff add tee = t-shirt and a search for t-shirt finds tees", async () => {
    const before = await search({ q: "t-shirt" });
    const created = await staff("POST", "/api/admin/search/synonyms", { terms: ["tee", "T-Shirt"] });
    expect(created.statusCode).toBe(201);
    const after = await search({ q: "t-shirt" });
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.items[0]!.name).toMatch(/tee/i);
    const bad = await staff("POST", "/api/admin/search/synonyms", { terms: ["tee", "tee"] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("terms");
    const removed = await staff("DELETE", `/api/admin/search/synonyms/${created.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect((await search({ q: "t-shirt" })).total).toBe(before.total);
  });

  it("a shopper cannot manage synonyms", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/admin/search/synonyms",
      headers: { origin: t.ctx.config.publicUrl },
      payload: { terms: ["a", "b"] },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe("analytics", () => {
  it("counts searches, zero-result queries, clicks and conversions", async () => {
    const found = await search({ q: "yoga pants" });
    await search({ q: "qqqzzzxxy" });
    const click = await t.app.inject({
      method: "POST",
      url: "/api/store/search/events",
      payload: { queryId: found.queryId, productId: found.items[0]!.id, type: "click", position: 1 },
    });
    expect(click.statusCode).toBe(204);
    // Reporting twice counts once.
    await t.app.inject({
      method: "POST",
      url: "/api/store/search/events",
      payload: { queryId: found.queryId, productId: found.items[0]!.id, type: "click", position: 1 },
    });
    await t.app.inject({
      method: "POST",
      url: "/api/store/search/events",
      payload: { queryId: found.queryId, productId: found.items[0]!.id, type: "conversion" },
    });
    const res = await staff("GET", "/api/admin/search/analytics?limit=200");
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a.searches).toBeGreaterThanOrEqual(2);
    expect(a.zeroResultQueries.map((q: { query: string }) => q.query)).toContain("qqqzzzxxy");
    const yoga = a.topQueries.find((q: { query: string }) => q.query === "yoga pants");
    expect(yoga).toMatchObject({ searches: 1, clickThroughRate: 1, conversionRate: 1 });
    expect(a.clickThroughRate).toBeGreaterThan(0);
    expect(a.clickThroughRate).toBeLessThan(1);
  });
});

describe("index freshness", () => {
  it("a product that sells out leaves in-stock results once the stock sync runs", async () => {
    const { until } = await syncStockFlags(t.ctx.db, null);
    const bag = (await search({ q: "24-MB01", inStock: "true" })).items[0]!;
    expect(bag.sku).toBe("24-MB01");
    const [variant] = (await t.app.inject({ method: "GET", url: `/api/store/products/${bag.slug}` })).json()
      .variants as { id: string }[];
    const location = await ensureDefaultLocation(t.ctx.db);
    await setStockLevels(t.ctx.db, [{ variantId: variant!.id, locationId: location, stockedQuantity: 0 }]);
    expect((await syncStockFlags(t.ctx.db, until)).changed).toBe(1);
    const inStock = await search({ q: "24-MB01", inStock: "true" });
    expect(inStock.items.map((h) => h.sku)).not.toContain("24-MB01");
    const any = await search({ q: "24-MB01" });
    expect(any.items[0]).toMatchObject({ sku: "24-MB01", inStock: false });
  });

  it("a product renamed through the admin API is found by its new name within 5 s", async () => {
    const target = (await search({ q: "MJ03" })).items[0]!;
    t.ctx.outbox.start();
    try {
      const started = Date.now();
      const edit = await staff("PATCH", `/api/admin/products/${target.id}`, {
        name: "Zephyrine Storm Parka",
      });
      expect(edit.statusCode).toBe(200);
      let found: Hit | undefined;
      while (!found && Date.now() - started < 5000) {
        found = (await search({ q: "zephyrine" })).items.find((h) => h.id === target.id);
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      expect(found?.name).toBe("Zephyrine Storm Parka");
      expect(Date.now() - started).toBeLessThan(5000);
      const badEdit = await staff("PATCH", `/api/admin/products/${target.id}`, { name: "" });
      expect(badEdit.statusCode).toBe(400);
      const archived = await staff("PATCH", `/api/admin/products/${target.id}`, { status: "archived" });
      expect(archived.statusCode).toBe(200);
      let gone = false;
      while (!gone && Date.now() - started < 10_000) {
        gone = !(await search({ q: "zephyrine" })).items.some((h) => h.id === target.id);
        if (!gone) await new Promise((r) => setTimeout(r, 100));
      }
      expect(gone).toBe(true);
    } finally {
      await t.ctx.outbox.stop();
    }
  });
});
