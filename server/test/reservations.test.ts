import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureDefaultLocation,
  getAvailability,
  getStockLevel,
  OutOfStockError,
  reservedForOrder,
  reserveStock,
  setStockLevels,
} from "../src/modules/inventory/index.ts";
import { stockLocations } from "../src/modules/inventory/inventory.schema.ts";
import { newId } from "../src/platform/ids.ts";
import { outboxEvents } from "../src/platform/outbox.schema.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * The reservation statement behind every checkout (one statement for all of an order's lines): which
 * location it takes from, what it refuses, and what it leaves behind when it refuses.
 */
describe("stock reservations", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let variants: Awaited<ReturnType<typeof seedShop>>["variants"];
  let home: string;
  let east: string;

  beforeAll(async () => {
    t = await testApp();
    ({ variants } = await seedShop(t.ctx));
    home = await ensureDefaultLocation(t.ctx.db);
    east = newId("loc");
    await t.ctx.db.insert(stockLocations).values({ id: east, code: "east", name: "East warehouse" });
    await setStockLevels(t.ctx.db, [
      { variantId: variants.MUG, locationId: home, stockedQuantity: 3, lowStockThreshold: 2 },
      { variantId: variants.MUG, locationId: east, stockedQuantity: 8, lowStockThreshold: 5 },
    ]);
  });
  afterAll(() => t.close());

  const reserve = (orderId: string, lines: { variantId: string; quantity: number }[]) =>
    t.ctx.db.transaction((tx) => reserveStock(tx, orderId, lines));
  const reservedAt = async (variantId: string, locationId: string) =>
    (await getStockLevel(t.ctx.db, variantId, locationId))!.reservedQuantity;
  const lowStockEvents = async () =>
    (await t.ctx.db.select().from(outboxEvents).where(eq(outboxEvents.topic, "stock.low"))).map(
      (e) => e.payload as { variantId: string; locationId: string; availableQuantity: number },
    );

  it("takes a line from the location with the most available, and raises stock.low when it crosses the threshold", async () => {
    await reserve("ord_a", [{ variantId: variants.MUG, quantity: 4 }]);
    expect(await reservedAt(variants.MUG, east)).toBe(4);
    expect(await reservedAt(variants.MUG, home)).toBe(0);
    expect(await reservedForOrder(t.ctx.db, "ord_a")).toEqual(new Map([[variants.MUG, 4]]));
    expect(await lowStockEvents()).toEqual([
      expect.objectContaining({ variantId: variants.MUG, locationId: east, availableQuantity: 4 }),
    ]);
    // Already below the threshold: no second event.
    await reserve("ord_b", [{ variantId: variants.MUG, quantity: 1 }]);
    expect(await reservedAt(variants.MUG, east)).toBe(5);
    expect(await lowStockEvents()).toHaveLength(1);
  });

  it("refuses a line no single location can cover, names it with what is available, and keeps nothing of the order", async () => {
    // Available: home 3, east 3 (6 in all), but no one location has 4.
    const before = await getAvailability(t.ctx.db, [variants["TEE-S"], variants.MUG]);
    const error = await reserve("ord_c", [
      { variantId: variants["TEE-S"], quantity: 2 },
      { variantId: variants.MUG, quantity: 4 },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfStockError);
    expect((error as OutOfStockError).lines).toEqual([
      { variantId: variants.MUG, requested: 4, available: 6 },
    ]);
    expect(await getAvailability(t.ctx.db, [variants["TEE-S"], variants.MUG])).toEqual(before);
    expect(await reservedForOrder(t.ctx.db, "ord_c")).toEqual(new Map());
  });

  it("sums duplicate lines of one variant, skips untracked variants and lets backorder variants go below zero", async () => {
    await setStockLevels(t.ctx.db, [
      { variantId: variants["TEE-M"], locationId: home, stockedQuantity: 1, allowBackorder: true },
    ]);
    await reserve("ord_d", [
      { variantId: variants["TEE-M"], quantity: 2 },
      { variantId: variants.GUIDE, quantity: 5 },
      { variantId: variants["TEE-M"], quantity: 1 },
    ]);
    expect(await reservedForOrder(t.ctx.db, "ord_d")).toEqual(new Map([[variants["TEE-M"], 3]]));
    expect((await getAvailability(t.ctx.db, [variants["TEE-M"]])).get(variants["TEE-M"])).toMatchObject({
      availableQuantity: 0,
      purchasable: true,
    });
    expect(await reservedAt(variants["TEE-M"], home)).toBe(3);
  });

  it("under concurrency, orders of the same two variants listed in opposite orders never oversell or deadlock", async () => {
    await setStockLevels(t.ctx.db, [
      { variantId: variants["TEE-S"], locationId: home, stockedQuantity: 20 },
      { variantId: variants.MUG, locationId: home, stockedQuantity: 20 },
      { variantId: variants.MUG, locationId: east, stockedQuantity: 0 },
    ]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        reserve(
          `ord_race_${i}`,
          i % 2
            ? [
                { variantId: variants["TEE-S"], quantity: 1 },
                { variantId: variants.MUG, quantity: 1 },
              ]
            : [
                { variantId: variants.MUG, quantity: 1 },
                { variantId: variants["TEE-S"], quantity: 1 },
              ],
        ),
      ),
    );
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(20);
    expect(refused.every((e) => e instanceof OutOfStockError)).toBe(true);
    expect(await reservedAt(variants["TEE-S"], home)).toBe(20);
    expect(await reservedAt(variants.MUG, home)).toBe(20);
  });
});
