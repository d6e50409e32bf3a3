import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  t = await testApp();
  ({ variants: v } = await seedShop(t.ctx));
});
afterAll(async () => {
  await t?.close();
});

async function stock(sku: string) {
  const rows = (await t.ctx.db.execute(
    `select stocked_quantity, reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = '${sku}'`,
  )) as unknown as { rows: { stocked_quantity: number; reserved_quantity: number }[] };
  return rows.rows[0]!;
}

describe("cart", () => {
  it("keeps a guest cart by its token, adds to the same line and re-prices on read", async () => {
    const guest = new GuestShopper(t.app);
    const empty = await guest.call("GET", "/api/store/cart");
    expect(empty.json()).toMatchObject({ id: null, lines: [], itemCount: 0 });
    const first = await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 1 });
    expect(first.statusCode).toBe(200);
    expect(first.headers["set-cookie"]).toMatch(/bazaar_cart=.*HttpOnly.*SameSite=Lax/i);
    expect(guest.token).toBeTruthy();
    await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 2 });
    const cart = (
      await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 })
    ).json();
    expect(cart.lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ["TEE-S", 3],
      ["MUG", 1],
    ]);
    expect(cart.totals).toMatchObject({ subtotal: 3 * 2900 + 1250, taxTotal: 0, total: 3 * 2900 + 1250 });
    expect(cart.lines[0].options).toEqual({ Size: "S" });

    await t.ctx.db.execute(`update variants set price_amount = 3100 where sku = 'TEE-S'`);
    const repriced = (await guest.call("GET", "/api/store/cart")).json();
    expect(repriced.lines[0]).toMatchObject({ unitPrice: 3100, previousUnitPrice: 2900, subtotal: 9300 });
    // The notice stays on every read until the shopper changes the line.
    expect((await guest.call("GET", "/api/store/cart")).json().lines[0].previousUnitPrice).toBe(2900);
    const changed = (
      await guest.call("PATCH", `/api/store/cart/lines/${repriced.lines[0].id}`, { quantity: 2 })
    ).json();
    expect(changed.lines[0]).toMatchObject({ unitPrice: 3100, previousUnitPrice: null });
    await t.ctx.db.execute(`update variants set price_amount = 2900 where sku = 'TEE-S'`);

    const other = new GuestShopper(t.app);
    expect((await other.call("GET", "/api/store/cart")).json().id).toBeNull();
  });

  it("refuses more than the stock, bad quantities and unknown variants with clear problems", async () => {
    const guest = new GuestShopper(t.app);
    const tooMany = await guest.call("POST", "/api/store/cart/lines", {
      variantId: v["TEE-M"],
      quantity: 51,
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json()).toMatchObject({
      code: "CART_ITEM_OUT_OF_STOCK",
      detail: "Only 50 of TEE-M in stock.",
    });
    const zero = await guest.call("POST", "/api/store/cart/lines", { variantId: v["TEE-M"], quantity: 0 });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().errors[0].field).toBe("quantity");
    const unknown = await guest.call("POST", "/api/store/cart/lines", { variantId: "var_nope", quantity: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: "variantId" });
    const cart = (
      await guest.call("POST", "/api/store/cart/lines", { variantId: v.GUIDE, quantity: 3 })
    ).json();
    const line = cart.lines[0];
    expect(line).toMatchObject({ sku: "GUIDE", isDigital: true, availableQuantity: null, purchasable: true });
    expect(cart.requiresShipping).toBe(false);
    const removed = (await guest.call("PATCH", `/api/store/cart/lines/${line.id}`, { quantity: 0 })).json();
    expect(removed.lines).toEqual([]);
    expect((await guest.call("DELETE", `/api/store/cart/lines/${line.id}`)).statusCode).toBe(404);
  });

  it("prices tax by destination, table-rate shipping by subtotal and coupon codes", async () => {
    const guest = new GuestShopper(t.app);
    const bad = await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 2 });
    expect(bad.statusCode).toBe(200);
    const wrong = await guest.call("POST", "/api/store/cart/coupons", { code: "NOPE" });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe("COUPON_NOT_FOUND");
    const withCoupon = (await guest.call("POST", "/api/store/cart/coupons", { code: " ten " })).json();
    expect(withCoupon.couponCodes).toEqual(["TEN"]);
    expect(withCoupon.totals).toMatchObject({ subtotal: 2500, discountTotal: 250 });
    const badAddress = await guest.call("PUT", "/api/store/cart/shipping-address", {
      firstName: "A",
      lastName: "B",
      line1: "x",
      city: "y",
      country: "US",
      postalCode: "ABC",
    });
    expect(badAddress.statusCode).toBe(400);
    expect(badAddress.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(["shippingAddress.region", "shippingAddress.postalCode"]),
    );
    const cart = (
      await guest.call("PUT", "/api/store/cart/shipping-address", {
        firstName: "Ada",
        lastName: "Byron",
        line1: "1 Woodward Ave",
        city: "Detroit",
        region: "mi",
        postalCode: "48226",
        country: "us",
      })
    ).json();
    expect(cart.shippingOptions.map((o: { code: string; amount: number }) => [o.code, o.amount])).toEqual([
      ["pickup", 0],
      ["best_way", 1500],
    ]);
    const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
    const chosen = (
      await guest.call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: best.id })
    ).json();
    // 2500 - 250 = 2250 taxed at 6 % = 135; shipping (untaxed) 1500.
    expect(chosen.totals).toMatchObject({
      subtotal: 2500,
      discountTotal: 250,
      shippingTotal: 1500,
      taxTotal: 135,
      total: 2250 + 1500 + 135,
    });
    const ohio = (
      await guest.call("PUT", "/api/store/cart/shipping-address", {
        ...cart.shippingAddress,
        region: "OH",
        postalCode: "43004",
        city: "Columbus",
      })
    ).json();
    expect(ohio.shippingMethod).toBeNull();
    expect(ohio.totals.taxTotal).toBe(0);
  });
});

describe("checkout", () => {
  it("places a guest order with the test card: order number, server totals, stock reserved, e-mail", async () => {
    const guest = new GuestShopper(t.app);
    const cart = await guest.readyCart(
      [
        { variantId: v["TEE-S"], quantity: 1 },
        { variantId: v["TEE-M"], quantity: 1 },
        { variantId: v.GUIDE, quantity: 1 },
      ],
      "guest@example.com",
      "TEN",
    );
    const before = await stock("TEE-M");
    const response = await guest.checkout("key-guest-1");
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order.number).toMatch(/^\d{6}$/);
    expect(order).toMatchObject({ status: "processing", paymentStatus: "paid", email: "guest@example.com" });
    expect(order.totals.total).toBe(cart.totals.total);
    expect(order.totals.paidTotal).toBe(cart.totals.total);
    expect(order.lines).toHaveLength(3);
    expect(order.payment).toMatchObject({
      provider: "test",
      status: "captured",
      capturedAmount: cart.totals.total,
    });
    const after = await stock("TEE-M");
    expect(after.reserved_quantity).toBe(before.reserved_quantity + 1);
    expect((await guest.call("GET", "/api/store/cart")).json().id).toBeNull();

    await t.ctx.outbox.runOnce();
    const mail = (await t.ctx.db.execute(
      `select subject, text from mail_messages where "to" = 'guest@example.com'`,
    )) as unknown as {
      rows: { subject: string; text: string }[];
    };
    expect(mail.rows[0]!.subject).toBe(`Order ${order.number} confirmed`);
    expect(mail.rows[0]!.text).toContain("Trail Tee (M)");
    expect(mail.rows[0]!.text).toContain("$");

    const lookup = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: order.number, email: "GUEST@example.com" },
    });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().id).toBe(order.id);
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: order.number, email: "other@example.com" },
    });
    expect(wrong.statusCode).toBe(404);
  });

  it("a declined card answers 402 PAYMENT_DECLINED, keeps the cart and releases stock and coupon", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], "declined@example.com", "TEN");
    const before = await stock("MUG");
    const response = await guest.checkout("key-declined", "4000000000000002");
    expect(response.statusCode).toBe(402);
    expect(response.json()).toMatchObject({ code: "PAYMENT_DECLINED", detail: "Your card was declined." });
    expect(await stock("MUG")).toEqual(before);
    // A declined checkout, not a cancellation (WooCommerce's "Failed").
    const declined = (await t.ctx.db.execute(
      `select status, payment_status from orders where email = 'declined@example.com'`,
    )) as unknown as { rows: { status: string; payment_status: string }[] };
    expect(declined.rows).toEqual([{ status: "payment_failed", payment_status: "failed" }]);
    const cart = (await guest.call("GET", "/api/store/cart")).json();
    expect(cart.lines).toHaveLength(1);
    expect(cart.couponCodes).toEqual(["TEN"]);
    const again = await guest.checkout("key-declined", "4000000000000002");
    expect(again.statusCode).toBe(402);
    const paid = await guest.checkout("key-declined-then-paid");
    expect(paid.statusCode).toBe(201);
    expect(paid.json().status).toBe("processing");
  });

  it("refuses to place an order that is not ready, naming what is missing", async () => {
    const guest = new GuestShopper(t.app);
    await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
    const response = await guest.checkout("key-not-ready");
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([
      "email",
      "shippingAddress",
    ]);
    const noKey = await guest.call("POST", "/api/store/checkout", { payment: { provider: "test" } });
    expect(noKey.statusCode).toBe(400);
    const unknownProvider = await guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "bitcoin" } },
      { "idempotency-key": "k" },
    );
    expect(unknownProvider.statusCode).toBe(400);
    expect(unknownProvider.json().errors[0].field).toBe("payment.provider");
  });

  it("refuses a cart holding a product taken off sale since it was added (409 CART_ITEM_UNAVAILABLE)", async () => {
    const lantern = {
      sku: "LANTERN",
      type: "simple" as const,
      name: "Camp Lantern",
      currency: "USD",
      categorySlugs: ["gear"],
      variants: [{ sku: "LANTERN", priceAmount: 3500, stockQuantity: 10, weightGrams: 400 }],
    };
    await upsertProduct(t.ctx.db, lantern);
    const variantId = (
      (await t.ctx.db.execute(`select id from variants where sku = 'LANTERN'`)) as unknown as {
        rows: { id: string }[];
      }
    ).rows[0]!.id;
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId, quantity: 1 }], "lantern@example.com");
    await upsertProduct(t.ctx.db, { ...lantern, status: "archived" });
    const response = await guest.checkout("key-lantern");
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: "CART_ITEM_UNAVAILABLE" });
    expect(response.json().detail).toContain("LANTERN");
    const stock = (await t.ctx.db.execute(
      `select reserved_quantity from inventory_levels where variant_id = '${variantId}'`,
    )) as unknown as { rows: { reserved_quantity: number }[] };
    expect(stock.rows[0]!.reserved_quantity).toBe(0);
    const orders = (await t.ctx.db.execute(
      `select count(*)::int as n from orders where email = 'lantern@example.com'`,
    )) as unknown as { rows: { n: number }[] };
    expect(orders.rows[0]!.n).toBe(0);
  });

  it("the same Idempotency-Key sent 20 times at once makes one order and one payment", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v["TEE-S"], quantity: 2 }], "twenty@example.com");
    const responses = await Promise.all(Array.from({ length: 20 }, () => guest.checkout("same-key-20")));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    const orderId = responses[0]!.json().id;
    const counts = (await t.ctx.db.execute(
      `select (select count(*) from orders where email = 'twenty@example.com')::int as orders, (select count(*) from payments where order_id = '${orderId}')::int as payments`,
    )) as unknown as { rows: { orders: number; payments: number }[] };
    expect(counts.rows[0]).toEqual({ orders: 1, payments: 1 });
  });
});

describe("a browser guest (cart cookie, no header)", () => {
  it("checks out with the httpOnly cart cookie from the shop's origin; a cross-site write is refused", async () => {
    const origin = t.ctx.config.publicUrl;
    let cookie = "";
    const call = async (
      method: "GET" | "POST" | "PUT",
      url: string,
      payload?: object,
      headers: Record<string, string> = {},
    ) => {
      const response = await t.app.inject({
        method,
        url,
        headers: { origin, ...(cookie ? { cookie } : {}), ...headers },
        ...(payload ? { payload } : {}),
      });
      const set = response.cookies.find((c) => c.name === "bazaar_cart");
      if (set) cookie = `bazaar_cart=${set.value}`;
      return response;
    };
    await call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
    expect(cookie).toMatch(/^bazaar_cart=/);
    await call("PUT", "/api/store/cart/email", { email: "cookie@example.com" });
    const cart = (
      await call("PUT", "/api/store/cart/shipping-address", {
        firstName: "A",
        lastName: "B",
        line1: "1 Main St",
        city: "Detroit",
        region: "MI",
        postalCode: "48226",
        country: "US",
      })
    ).json();
    await call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: cart.shippingOptions[0].id });
    const crossSite = await call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
      { origin: "https://evil.example", "idempotency-key": "cookie-1" },
    );
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().code).toBe("CSRF_ORIGIN_MISMATCH");
    const placed = await call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
      { "idempotency-key": "cookie-1" },
    );
    expect(placed.statusCode).toBe(201);
    expect(placed.json().email).toBe("cookie@example.com");
  });
});

describe("guest order lookup", () => {
  it("is throttled per IP address: 429 problem+json with Retry-After past the limit", async () => {
    const limited = await testApp({ orderLookupPerMinute: 3 });
    try {
      const lookup = () =>
        limited.app.inject({
          method: "POST",
          url: "/api/store/orders/lookup",
          payload: { number: "100001", email: "nobody@example.com" },
        });
      for (let i = 0; i < 3; i++) expect((await lookup()).statusCode).toBe(404);
      const refused = await lookup();
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["content-type"]).toContain("application/problem+json");
      expect(refused.json()).toMatchObject({ status: 429, code: "RATE_LIMITED" });
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      // Another address is not affected.
      const other = await limited.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup",
        payload: { number: "100001", email: "nobody@example.com" },
        remoteAddress: "203.0.113.7",
      });
      expect(other.statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });
});
