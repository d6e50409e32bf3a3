import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { upsertPromotion } from "../src/modules/pricing/index.ts";
import { michigan, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp, testDatabaseUrl } from "./helpers.ts";

/** PGlite runs one transaction at a time, so fewer shoppers prove the same there; PostgreSQL gets 200. */
const shoppers = testDatabaseUrl ? 200 : 60;

/**
 * Concurrency over real HTTP (a listening server, fetch): no overselling, no over-used coupon.
 * Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL where transactions truly overlap.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let base: string;

beforeAll(async () => {
  t = await testApp();
  await seedShop(t.ctx);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await t?.close();
});

/** A guest talking HTTP with its cart token. */
class HttpGuest {
  token: string | null = null;
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.token ? { "x-cart-token": this.token } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const token = response.headers.get("x-cart-token");
    if (token) this.token = token;
    const json = (await response.json()) as Record<string, unknown>;
    return { status: response.status, json };
  }
  async ready(variantId: string, email: string, coupon?: string) {
    const steps: [string, string, unknown][] = [
      ["POST", "/api/store/cart/lines", { variantId, quantity: 1 }],
      ["PUT", "/api/store/cart/email", { email }],
      ...(coupon
        ? ([["POST", "/api/store/cart/coupons", { code: coupon }]] as [string, string, unknown][])
        : []),
      ["PUT", "/api/store/cart/shipping-address", michigan],
    ];
    let cart: Record<string, unknown> = {};
    for (const [method, path, body] of steps) {
      const r = await this.call(method, path, body);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.json)}`);
      cart = r.json;
    }
    const option = (cart.shippingOptions as { id: string; code: string }[]).find(
      (o) => o.code === "best_way",
    )!;
    const r = await this.call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: option.id });
    if (r.status !== 200) throw new Error(`shipping: ${r.status}`);
  }
  checkout(key: string) {
    return this.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "test", data: { cardNumber: "4242 4242 4242 4242" } } },
      { "idempotency-key": key },
    );
  }
}

async function readyGuests(count: number, variantId: string, email: (i: number) => string, coupon?: string) {
  const guests = Array.from({ length: count }, () => new HttpGuest());
  for (let i = 0; i < count; i += 25) {
    await Promise.all(guests.slice(i, i + 25).map((g, j) => g.ready(variantId, email(i + j), coupon)));
  }
  return guests;
}

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}

describe("no overselling", () => {
  it(`${shoppers} concurrent checkouts of a variant with stock 10: 10 orders, the rest OUT_OF_STOCK, stock 0`, async () => {
    await upsertProduct(t.ctx.db, {
      sku: "LAST10",
      type: "simple",
      name: "Last Ten Lantern",
      currency: "USD",
      categorySlugs: ["gear"],
      variants: [{ sku: "LAST10", priceAmount: 4000, stockQuantity: 10 }],
    });
    const id = (await variantIds(t.ctx)).LAST10!;
    // Carts are filled while stock lasts; 10 units cover every cart's single line at add time.
    const guests = await readyGuests(shoppers, id, (i) => `buyer${i}@example.com`);
    const results = await Promise.all(guests.map((g, i) => g.checkout(`oversell-${i}`)));
    const placed = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(placed).toHaveLength(10);
    expect(refused).toHaveLength(shoppers - 10);
    for (const r of refused) {
      expect(r.json.code).toBe("OUT_OF_STOCK");
      expect(r.json.detail).toBe("Only 0 left of the requested 1.");
    }
    const [level] = await rows<{ stocked_quantity: number; reserved_quantity: number }>(
      `select stocked_quantity, reserved_quantity from inventory_levels where variant_id = '${id}'`,
    );
    expect(level).toEqual({ stocked_quantity: 10, reserved_quantity: 10 });
    const [counts] = await rows<{ reservations: number; orders: number; reserved_orders: number }>(
      `select (select count(*) from reservations where variant_id = '${id}' and status = 'active')::int as reservations,
        (select count(*) from order_line_items where variant_id = '${id}')::int as orders,
        (select count(distinct r.order_id) from reservations r join orders o on o.id = r.order_id
          where r.variant_id = '${id}' and o.status = 'processing')::int as reserved_orders`,
    );
    expect(counts).toEqual({ reservations: 10, orders: 10, reserved_orders: 10 });
    // Every refused shopper still has the cart.
    const cart = await guests[results.findIndex((r) => r.status === 409)]!.call("GET", "/api/store/cart");
    expect((cart.json.lines as unknown[]).length).toBe(1);
    expect((cart.json.lines as { purchasable: boolean }[])[0]!.purchasable).toBe(false);
  });

  it(`${shoppers} concurrent checkouts with a coupon limited to 5 uses: exactly 5 use it`, async () => {
    await upsertPromotion(t.ctx.db, {
      name: "Five only",
      type: "fixed",
      appliesTo: "order",
      value: 500,
      currency: "USD",
      buyQuantity: 0,
      getQuantity: 0,
      conditions: {},
      priority: 2,
      stopFurtherPromotions: false,
      coupons: [{ code: "FIVE", usageLimit: 5 }],
    });
    const mug = (await variantIds(t.ctx)).MUG!;
    const guests = await readyGuests(shoppers, mug, (i) => `coupon${i}@example.com`, "FIVE");
    const results = await Promise.all(guests.map((g, i) => g.checkout(`coupon-${i}`)));
    const placed = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 422);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(shoppers - 5);
    for (const r of refused) expect(r.json.code).toBe("COUPON_USAGE_LIMIT_REACHED");
    for (const r of placed) expect((r.json.totals as { discountTotal: number }).discountTotal).toBe(500);
    const [coupon] = await rows<{ usage_count: number; redemptions: number }>(
      `select usage_count, (select count(*) from coupon_redemptions r where r.coupon_id = c.id and released_at is null)::int as redemptions
        from coupon_codes c where code = 'FIVE'`,
    );
    expect(coupon).toEqual({ usage_count: 5, redemptions: 5 });
    // Nothing stays reserved for the refused checkouts.
    const [level] = await rows<{ reserved_quantity: number }>(
      `select reserved_quantity from inventory_levels where variant_id = '${mug}'`,
    );
    expect(level!.reserved_quantity).toBe(5);
  });

  it("a coupon limited to one use per customer is used once by ten concurrent carts of one e-mail", async () => {
    await upsertPromotion(t.ctx.db, {
      name: "Welcome",
      type: "percentage",
      appliesTo: "order",
      value: 1500,
      buyQuantity: 0,
      getQuantity: 0,
      conditions: {},
      priority: 3,
      stopFurtherPromotions: false,
      coupons: [{ code: "WELCOME", usageLimitPerCustomer: 1 }],
    });
    const tee = (await variantIds(t.ctx))["TEE-S"]!;
    const guests = await readyGuests(10, tee, () => "same@example.com", "WELCOME");
    const results = await Promise.all(guests.map((g, i) => g.checkout(`welcome-${i}`)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 422 && r.json.code === "COUPON_USAGE_LIMIT_REACHED"),
    ).toHaveLength(9);
  });
});
