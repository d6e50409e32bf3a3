import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLuma } from "../src/importers/luma.ts";
import { productIdsBySku, updateProductDetails } from "../src/modules/catalog/index.ts";
import {
  createSynonym,
  deleteSynonym,
  indexProducts,
  type MemoryBackend,
  MemorySearchEngine,
  reindexAll,
  type SearchFilters,
  type SearchParams,
  type SearchResult,
  searchProducts,
} from "../src/modules/search/index.ts";
import { forgetSearchContext } from "../src/modules/search/search.service.ts";
import { lumaPath, testApp } from "./helpers.ts";

/**
 * The in-memory engine answers exactly what the SQL engine answers: on the Luma catalog, for every
 * query of the relevance judgments and a set of tricky ones (phrases, exclusions, prefixes, SKUs,
 * typos, synonyms, stop words), with filters, every sort and a later page, both engines return the
 * same total, the same items in the same order with the same highlights, and the same facet counts.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let engine: MemorySearchEngine;
let fallbacks = 0;
let memorySearches = 0;
let synonymId: string;

beforeAll(async () => {
  t = await testApp();
  const summary = await importLuma(t.ctx, lumaPath);
  expect(summary.failed).toEqual([]);
  await reindexAll(t.ctx.db);
  synonymId = (await createSynonym(t.ctx.db, ["tee", "T-Shirt"])).id;
  engine = new MemorySearchEngine(t.ctx.db, {
    syncIntervalMs: 0,
    onChange: ({ synonyms }) => {
      if (synonyms) forgetSearchContext();
    },
    onError: (e) => {
      throw e;
    },
  });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function memoryBackend(): Promise<MemoryBackend> {
  const { index } = await engine.current();
  return {
    index: {
      search: (request) => {
        memorySearches++;
        const answer = index.search(request);
        if (!answer) fallbacks++;
        return answer;
      },
    },
    parsed: engine.parsedQueries,
  };
}

/** Both engines' answers, without the per-request query id. */
async function both(params: SearchParams): Promise<[SearchResult, SearchResult]> {
  const sqlAnswer = await searchProducts(t.ctx.db, params);
  const memoryAnswer = await searchProducts(t.ctx.db, params, undefined, await memoryBackend());
  return [sqlAnswer, memoryAnswer];
}

const judgedQueries = [
  ...new Set(
    fs
      .readFileSync(path.join(import.meta.dirname, "../../bench/judgments/luma.csv"), "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.split(",")[0]!.trim())
      .filter(Boolean),
  ),
];

const trickyQueries = [
  "hoodie -zip",
  '"yoga pants"',
  '"bag of chips"',
  "t-shirt",
  "tee",
  "red tee",
  "jack",
  "yoga p",
  "women shorts or pants",
  "MJ01",
  "mj01",
  "jackt",
  "joga pantz",
  "the",
  "the ",
  "-jacket",
  "jacket -",
  'hoodie "',
  "Crème brûlée",
  "waterproof jack",
  "b",
];

describe("the in-memory engine answers like the SQL engine", () => {
  it("for every judged query and the tricky ones, sorted by relevance", async () => {
    for (const q of [...judgedQueries, ...trickyQueries]) {
      const [sqlAnswer, memoryAnswer] = await both({ q });
      expect(memoryAnswer, q).toEqual(sqlAnswer);
    }
    expect(judgedQueries.length).toBeGreaterThanOrEqual(40);
    expect(fallbacks).toBe(0);
  }, 120_000);

  it("with every sort, a later page, filters and facets", async () => {
    const [, browse] = await both({ q: "" });
    const category = browse.facets.find((f) => f.code === "category")!.values[1]!.value;
    const color = browse.facets.find((f) => f.code === "option:color")!.values[0]!.value;
    const size = browse.facets.find((f) => f.code === "option:size")!.values[0]!.value;
    const sorts = ["relevance", "price_asc", "price_desc", "newest", "rating"] as const;
    for (const q of ["", "jacket", "shirt", "bag", "hoodie -zip", "yoga p"]) {
      for (const sort of sorts) {
        const [a, b] = await both({ q, sort, limit: 12 });
        expect(b, `${q} ${sort}`).toEqual(a);
        if (a.nextCursor) {
          const [c, d] = await both({ q, sort, limit: 12, cursor: a.nextCursor });
          expect(d, `${q} ${sort} page 2`).toEqual(c);
        }
      }
      const filters: SearchFilters[] = [
        { category: [category] },
        { options: { color: [color.split(":")[1]!] } },
        { options: { color: [color.split(":")[1]!], size: [size.split(":")[1]!] }, inStock: true },
        {
          price: [
            { min: 2500, max: 5000 },
            { min: 10000, max: null },
          ],
        },
        { category: [category, "no-such-category"], brand: ["Nobody"] },
      ];
      for (const f of filters) {
        const [a, b] = await both({ q, filters: f });
        expect(b, `${q} ${JSON.stringify(f)}`).toEqual(a);
      }
    }
    expect(fallbacks).toBe(0);
    expect(memorySearches).toBeGreaterThan(100);
  }, 120_000);
});

describe("the in-memory copy keeps in step with the index", () => {
  const ids = async (q: string) =>
    (await searchProducts(t.ctx.db, { q, limit: 100 }, undefined, await memoryBackend())).items.map(
      (h) => h.sku,
    );

  it("drops an archived product, finds a renamed one, and follows a full reindex and a synonym change", async () => {
    const id = (await productIdsBySku(t.ctx.db, ["MJ01"])).get("MJ01")!;
    expect(await ids("MJ01")).toContain("MJ01");
    await updateProductDetails(t.ctx.db, id, { status: "archived" });
    await indexProducts(t.ctx.db, [id]);
    expect(await ids("MJ01")).not.toContain("MJ01");

    await updateProductDetails(t.ctx.db, id, { status: "active", name: "Quillfeather Windbreaker" });
    await indexProducts(t.ctx.db, [id]);
    expect(await ids("quillfeather")).toEqual(["MJ01"]);

    // A full reindex reloads the whole copy (small copies before answering).
    await reindexAll(t.ctx.db);
    expect(await ids("quillfeather")).toEqual(["MJ01"]);
    const [sqlAnswer, memoryAnswer] = await both({ q: "jacket" });
    expect(memoryAnswer).toEqual(sqlAnswer);

    // A synonym added and removed by staff takes effect on the next search.
    const zorblat = await createSynonym(t.ctx.db, ["zorblat", "windbreaker"]);
    const found = await ids("zorblat");
    expect(found).toContain("MJ01");
    expect(found.sort()).toEqual((await ids("windbreaker")).sort());
    await deleteSynonym(t.ctx.db, zorblat.id);
    expect(await ids("zorblat")).toEqual([]);
    await deleteSynonym(t.ctx.db, synonymId);
    const [sqlTee, memoryTee] = await both({ q: "tee" });
    expect(memoryTee).toEqual(sqlTee);
  }, 120_000);
});
