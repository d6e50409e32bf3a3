import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productIdsBySku, updateProductDetails } from "../src/modules/catalog/index.ts";
import { indexProducts, reindexAll } from "../src/modules/search/index.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** The search answer cache: repeated searches cost no query; an index change anywhere ends the reuse. */
let t: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  t = await testApp({ searchCacheTtlMs: 60_000, searchSyncMs: 250 });
  await seedShop(t.ctx);
  await reindexAll(t.ctx.db);
  // This process's copy of the index catches up within SEARCH_SYNC_MS (250 ms).
  await new Promise((r) => setTimeout(r, 300));
});
afterAll(async () => {
  await t?.close();
});

const names = async (q: string) =>
  (
    (await t.app.inject({ method: "GET", url: `/api/store/search?q=${q}` })).json().items as {
      name: string;
    }[]
  ).map((h) => h.name);

describe("search answer cache", () => {
  it("answers a repeated search from memory, and sees an index change made elsewhere within 250 ms", async () => {
    expect(await names("mug")).toEqual(["Camp Mug"]);
    const before = t.database.queries.count;
    expect(await names("mug")).toEqual(["Camp Mug"]);
    expect(t.database.queries.count).toBe(before);

    // Another process renames and re-indexes the product (this process's cache is not told).
    const id = (await productIdsBySku(t.ctx.db, ["MUG"])).get("MUG")!;
    await updateProductDetails(t.ctx.db, id, { name: "Camp Mug Deluxe" });
    await indexProducts(t.ctx.db, [id]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await names("mug")).toEqual(["Camp Mug Deluxe"]);
  });
});
