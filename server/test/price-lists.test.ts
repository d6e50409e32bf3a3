import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertShippingZone } from "../src/modules/shipping/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Multi-currency: the shop sells in its default currency (USD) and in currencies with a price list of
 * explicit prices (EUR here). Nothing is converted by exchange rate; a variant without a price in a
 * currency is not for sale in it.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let owner: string;

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  ({ variants: v } = await seedShop(t.ctx));
  // Shipping is priced per currency: Best Way in EUR for the same zone.
  await upsertShippingZone(t.ctx.db, {
    name: "United States",
    countries: ["US"],
    methods: [
      { code: "best_way_eur", name: "Best Way (EUR)", type: "flat_rate", currency: "EUR", amount: 900 },
    ],
  });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
});
afterAll(async () => {
  await t?.close();
});

const staff = (method: "GET" | "PUT", url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: owner, origin: t.ctx.config.publicUrl },
    ...(payload ? { payload } : {}),
  });

describe("price lists", () => {
  it("staff create a EUR list and price variants by SKU; bad input names the field and changes nothing", async () => {
    const created = await staff("PUT", "/api/admin/price-lists/eur", { name: "Euro" });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ currency: "EUR", name: "Euro", isActive: true, priceCount: 0 });

    const priced = await staff("PUT", "/api/admin/price-lists/EUR/prices", {
      prices: [
        { sku: "MUG", amount: 1150 },
        { sku: "TEE-S", amount: 2700 },
      ],
    });
    expect(priced.statusCode).toBe(200);
    expect(priced.json()).toEqual({ set: 2, removed: 0 });

    const unknown = await staff("PUT", "/api/admin/price-lists/EUR/prices", {
      prices: [
        { sku: "MUG", amount: 1 },
        { sku: "NOPE", amount: 100 },
      ],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: "prices.1.sku", message: 'no variant has SKU "NOPE"' }]);
    const fraction = await staff("PUT", "/api/admin/price-lists/EUR/prices", {
      prices: [{ sku: "MUG", amount: 11.5 }],
    });
    expect(fraction.statusCode).toBe(400);
    expect(JSON.stringify(fraction.json().errors)).toContain("amount");
    const lists = (await staff("GET", "/api/admin/price-lists")).json().items;
    expect(lists).toEqual([expect.objectContaining({ currency: "EUR", priceCount: 2 })]);

    const defaultCurrency = await staff("PUT", "/api/admin/price-lists/USD", { name: "Dollars" });
    expect(defaultCurrency.statusCode).toBe(400);
    expect(defaultCurrency.json().errors[0].field).toBe("currency");
    const notIso = await staff("PUT", "/api/admin/price-lists/E1R", { name: "?" });
    expect(notIso.statusCode).toBe(400);

    const offered = await t.app.inject({ method: "GET", url: "/api/store/currencies" });
    expect(offered.json()).toEqual({ default: "USD", currencies: ["USD", "EUR"] });
  });

  it("staff page through every variant with its regular and list price, searching by SKU or name", async () => {
    const first = await staff("GET", "/api/admin/price-lists/EUR/prices?limit=2");
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      currency: "EUR",
      items: [
        {
          sku: "GUIDE",
          productName: "Trail Guide (PDF)",
          variantTitle: expect.any(String),
          regularPrice: { amount: 900, currency: "USD" },
          price: null,
        },
        {
          sku: "MUG",
          productName: "Camp Mug",
          variantTitle: expect.any(String),
          regularPrice: { amount: 1250, currency: "USD" },
          price: 1150,
        },
      ],
      nextCursor: "MUG",
    });
    const rest = (await staff("GET", "/api/admin/price-lists/EUR/prices?limit=2&cursor=MUG")).json();
    expect(rest.items.map((i: { sku: string; price: number | null }) => [i.sku, i.price])).toEqual([
      ["TEE-M", null],
      ["TEE-S", 2700],
    ]);
    expect(rest.nextCursor).toBeNull();
    const found = (await staff("GET", "/api/admin/price-lists/EUR/prices?search=trail%20tee")).json();
    expect(found.items.map((i: { sku: string }) => i.sku)).toEqual(["TEE-M", "TEE-S"]);
    const wildcard = (await staff("GET", "/api/admin/price-lists/EUR/prices?search=%25")).json();
    expect(wildcard.items).toEqual([]);
    const missing = await staff("GET", "/api/admin/price-lists/GBP/prices");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("PRICE_LIST_NOT_FOUND");
  });

  it("a guest switches the cart to EUR and pays in EUR at the list's prices, exactly", async () => {
    const guest = new GuestShopper(t.app);
    await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 2 });
    await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 1 });
    const switched = await guest.call("PUT", "/api/store/cart/currency", { currency: "eur" });
    expect(switched.statusCode).toBe(200);
    const cart = switched.json();
    expect(cart.currency).toBe("EUR");
    expect(cart.lines.map((l: { sku: string; unitPrice: number }) => [l.sku, l.unitPrice]).sort()).toEqual([
      ["MUG", 1150],
      ["TEE-S", 2700],
    ]);
    // Re-pricing on a currency switch is not a "price changed" notice.
    expect(cart.lines.every((l: { previousUnitPrice: number | null }) => l.previousUnitPrice === null)).toBe(
      true,
    );
    expect(cart.totals.subtotal).toBe(5000);

    // A variant without a EUR price cannot join a EUR cart.
    const unpriced = await guest.call("POST", "/api/store/cart/lines", {
      variantId: v["TEE-M"],
      quantity: 1,
    });
    expect(unpriced.statusCode).toBe(400);
    expect(unpriced.json().errors[0].field).toBe("variantId");

    await guest.call("PUT", "/api/store/cart/email", { email: "euro@example.com" });
    const withAddress = (await guest.call("PUT", "/api/store/cart/shipping-address", michigan)).json();
    expect(
      withAddress.shippingOptions.map((o: { code: string; currency: string }) => [o.code, o.currency]),
    ).toEqual([["best_way_eur", "EUR"]]);
    const ready = await guest.call("PUT", "/api/store/cart/shipping-method", {
      shippingMethodId: withAddress.shippingOptions[0].id,
    });
    // 5000 + 900 shipping (untaxed) + 6 % Michigan tax on the goods (300) = 6200 euro cents.
    expect(ready.json().totals).toMatchObject({
      subtotal: 5000,
      shippingTotal: 900,
      taxTotal: 300,
      total: 6200,
    });

    const placed = await guest.checkout("eur-order-1");
    expect(placed.statusCode).toBe(201);
    const order = placed.json();
    expect(order).toMatchObject({ currency: "EUR", totals: { total: 6200 } });
    expect(order.payment).toMatchObject({ amount: 6200, capturedAmount: 6200, status: "captured" });
  });

  it("refuses to switch a cart holding an item without a price in that currency, naming it", async () => {
    const guest = new GuestShopper(t.app);
    await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-M"], quantity: 1 });
    await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
    const refused = await guest.call("PUT", "/api/store/cart/currency", { currency: "EUR" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("CART_CURRENCY_UNAVAILABLE");
    expect(refused.json().detail).toContain("TEE-M");
    expect((await guest.call("GET", "/api/store/cart")).json().currency).toBe("USD");
    const unsold = await guest.call("PUT", "/api/store/cart/currency", { currency: "JPY" });
    expect(unsold.statusCode).toBe(400);
    expect(unsold.json().errors[0]).toEqual({ field: "currency", message: "choose one of USD, EUR" });
  });

  it("a price removed from the list makes the line unavailable in EUR carts: checkout refuses it", async () => {
    const guest = new GuestShopper(t.app);
    await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 1 });
    await guest.call("PUT", "/api/store/cart/currency", { currency: "EUR" });
    await guest.call("PUT", "/api/store/cart/email", { email: "gone@example.com" });
    const address = (await guest.call("PUT", "/api/store/cart/shipping-address", michigan)).json();
    await guest.call("PUT", "/api/store/cart/shipping-method", {
      shippingMethodId: address.shippingOptions[0].id,
    });
    const removed = await staff("PUT", "/api/admin/price-lists/EUR/prices", {
      prices: [{ sku: "TEE-S", amount: null }],
    });
    expect(removed.json()).toEqual({ set: 0, removed: 1 });
    const cart = (await guest.call("GET", "/api/store/cart")).json();
    expect(cart.lines[0]).toMatchObject({ sku: "TEE-S", purchasable: false });
    expect(cart.isCheckoutReady).toBe(false);
    const refused = await guest.checkout("eur-gone");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("CART_ITEM_UNAVAILABLE");
  });
});
