import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PromotionOrderStats, promotionsFor } from "../src/modules/pricing/index.ts";
import { promotionUsage } from "../src/modules/pricing/promotions.admin.ts";
import { assignRole, bootstrapOwner, saveCustomRole } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Promotions in the back office: the staff API over the pricing engine's rule types and conditions,
 * versioned saves (409 on a stale If-Match), audit entries, coupon codes (added, generated 2,000 at
 * a time and all redeemable, exported, deleted while unused), and the effect on shoppers' carts of
 * pausing and of a promotion's schedule.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};

type Method = "GET" | "POST" | "PATCH" | "DELETE";
function call(
  method: Method,
  url: string,
  who: string | null,
  payload?: object,
  headers: Record<string, string> = {},
) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}), ...headers },
    remoteAddress: `198.19.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}
const staff = (method: Method, url: string, payload?: object, headers?: Record<string, string>) =>
  call(method, url, "marketer", payload, headers);
const api = "/api/admin/promotions";

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

async function staffMember(key: string, name: string, role: string) {
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name,
    email: `${key}@shop.test`,
    password: "quiet-harbor-7712",
  });
  expect(res.statusCode).toBe(200);
  cookies[key] = cookieOf(res);
  userIds[key] = res.json().user.id;
  await assignRole(t.ctx.db, userIds[key]!, role);
}

const audit = (targetId: string) =>
  queryRows<{ action: string; actor_id: string; metadata: Record<string, unknown> }>(
    t.ctx.db,
    sql`select action, actor_id, metadata from audit_events where target_id = ${targetId} order by id`,
  );

/** A fresh guest cart with one tee (29.00) and two mugs (2 x 12.50): subtotal 54.00. */
async function cart(coupon?: string) {
  const shopper = new GuestShopper(t.app);
  let r = await shopper.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 1 });
  expect(r.statusCode).toBe(200);
  r = await shopper.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 2 });
  expect(r.statusCode).toBe(200);
  if (coupon) {
    r = await shopper.call("POST", "/api/store/cart/coupons", { code: coupon });
    expect(r.statusCode, r.body).toBe(200);
  }
  return shopper;
}
const view = async (shopper: GuestShopper) => (await shopper.call("GET", "/api/store/cart")).json();
const applied = async (shopper: GuestShopper, promotionId: string) =>
  (await view(shopper)).appliedPromotions.find((p: { id: string }) => p.id === promotionId) ?? null;

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  // Only what the task needs: a custom role with catalog:read and catalog:write.
  await saveCustomRole(
    t.ctx.db,
    { key: "promotions_editor", name: "Promotions editor", permissions: ["catalog:read", "catalog:write"] },
    { actorId: "test" },
  );
  await staffMember("marketer", "Mia Marketer", "promotions_editor");
  await staffMember("analyst", "Ann Analyst", "analyst");
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe("promotions: create, read, change", () => {
  it("creates a coupon promotion with a code, reads it with its ETag, lists and finds it", async () => {
    const created = await staff("POST", api, {
      name: "Welcome 15",
      description: "For new shoppers",
      type: "percentage",
      value: 1500,
      requiresCoupon: true,
      codes: [{ code: " welcome15 ", usageLimitPerCustomer: 1 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const p = created.json();
    expect(created.headers.location).toBe(`${api}/${p.id}`);
    expect(p).toMatchObject({
      name: "Welcome 15",
      type: "percentage",
      value: 1500,
      currency: null,
      appliesTo: "order",
      requiresCoupon: true,
      isActive: true,
      status: "active",
      codeCount: 1,
      redemptions: 0,
      version: 1,
      conditions: {
        minSubtotal: null,
        productIds: [],
        skus: [],
        categoryIds: [],
        excludeOnSale: false,
        excludeCategoryIds: [],
      },
      usage: { redemptions: 0, orders: 0, recentRedemptions: [] },
      codes: { total: 1, items: [{ code: "WELCOME15", usageLimit: null, usageLimitPerCustomer: 1 }] },
    });

    const read = await staff("GET", `${api}/${p.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json().codes.items[0].code).toBe("WELCOME15");

    const list = await staff("GET", `${api}?status=active`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining(["Welcome 15", "Ten percent off"]),
    );
    const byCode = (await staff("GET", `${api}?q=welc`)).json();
    expect(byCode.items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    expect(byCode.total).toBe(1);
    const byName = (await staff("GET", `${api}?q=percent`)).json();
    expect(byName.items.map((i: { name: string }) => i.name)).toEqual(["Ten percent off"]);
    expect((await staff("GET", `${api}?status=paused`)).json().items).toEqual([]);

    // A shopper's cart takes 15 % with the code typed in any case.
    const shopper = await cart("Welcome15");
    const discount = await applied(shopper, p.id);
    expect(discount).toMatchObject({ code: "WELCOME15", amount: 810 }); // 15 % of 54.00
  });

  it("pages the list by cursor", async () => {
    for (let i = 1; i <= 3; i++)
      expect((await staff("POST", api, { name: `Paged ${i}`, type: "free_shipping" })).statusCode).toBe(201);
    const first = (await staff("GET", `${api}?q=paged&limit=2`)).json();
    expect(first.items.map((i: { name: string }) => i.name)).toEqual(["Paged 3", "Paged 2"]);
    expect(first.total).toBe(3);
    const second = (await staff("GET", `${api}?q=paged&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((i: { name: string }) => i.name)).toEqual(["Paged 1"]);
    expect(second.nextCursor).toBeNull();
    const bad = await staff("GET", `${api}?cursor=nope`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("cursor");
  });

  it("takes every rule type the engine applies, with its conditions", async () => {
    const categories = (await staff("GET", "/api/admin/categories")).json().items as {
      id: string;
      slug: string;
    }[];
    const tees = categories.find((c) => c.slug === "tees")!.id;
    const gear = categories.find((c) => c.slug === "gear")!.id;
    const products = (await staff("GET", "/api/admin/products?q=mug")).json().items as { id: string }[];

    const fixed = await staff("POST", api, {
      name: "Two dollars off each mug",
      type: "fixed",
      value: 200,
      currency: "usd",
      appliesTo: "each_item",
      maxDiscountAmount: 1000,
      conditions: { productIds: [products[0]!.id], minSubtotal: 2000 },
      priority: 5,
    });
    expect(fixed.statusCode, fixed.body).toBe(201);
    expect(fixed.json()).toMatchObject({
      type: "fixed",
      value: 200,
      currency: "USD",
      appliesTo: "each_item",
      maxDiscountAmount: 1000,
      requiresCoupon: false,
      conditions: { productIds: [products[0]!.id], minSubtotal: 2000 },
      products: [{ id: products[0]!.id, sku: "MUG", name: "Camp Mug" }],
    });

    const bogo = await staff("POST", api, {
      name: "Buy 1 tee get 1 half price",
      type: "buy_x_get_y",
      buyQuantity: 1,
      getQuantity: 1,
      value: 5000,
      conditions: { categoryIds: [tees], excludeOnSale: true },
      stopFurtherPromotions: true,
      isActive: false,
    });
    expect(bogo.statusCode, bogo.body).toBe(201);
    expect(bogo.json()).toMatchObject({
      type: "buy_x_get_y",
      buyQuantity: 1,
      getQuantity: 1,
      value: 5000,
      status: "paused",
      stopFurtherPromotions: true,
      conditions: { categoryIds: [tees], excludeOnSale: true },
    });

    const freeShip = await staff("POST", api, {
      name: "Free shipping on gear over $50",
      type: "free_shipping",
      value: 999, // ignored: free shipping has no value
      maxDiscountAmount: 50,
      conditions: { minSubtotal: 5000, categoryIds: [gear], skus: ["TEE-S"], excludeCategoryIds: [] },
      requiresCoupon: true,
      codes: [{ code: "SHIPFREE" }],
    });
    expect(freeShip.statusCode, freeShip.body).toBe(201);
    expect(freeShip.json()).toMatchObject({
      type: "free_shipping",
      value: 0,
      maxDiscountAmount: null,
      conditions: { minSubtotal: 5000, categoryIds: [gear], skus: ["TEE-S"] },
    });

    // The engine applies what was stored: 2 mugs x 2.00 off, within the 10.00 cap.
    const shopper = await cart();
    expect(await applied(shopper, fixed.json().id)).toMatchObject({ amount: 400 });
    // The paused buy-X-get-Y does not apply.
    expect(await applied(shopper, bogo.json().id)).toBeNull();
    // A bought-X-get-Y with a whole group: 2 tees, the second half price (14.50).
    const resumed = await staff("POST", `${api}/${bogo.json().id}/resume`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ isActive: true, status: "active", version: 2 });
    const tees2 = new GuestShopper(t.app);
    await tees2.call("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 2 });
    expect(await applied(tees2, bogo.json().id)).toMatchObject({ amount: 1450 });
    expect((await staff("POST", `${api}/${bogo.json().id}/pause`)).statusCode).toBe(200);
    expect(await applied(tees2, bogo.json().id)).toBeNull();

    // Changing the type needs the new type's value.
    const retype = await staff("PATCH", `${api}/${fixed.json().id}`, { type: "percentage" });
    expect(retype.statusCode).toBe(400);
    expect(retype.json().errors[0].field).toBe("value");
    const toPercent = await staff("PATCH", `${api}/${fixed.json().id}`, {
      type: "percentage",
      value: 2500,
      currency: null,
    });
    expect(toPercent.statusCode, toPercent.body).toBe(200);
    expect(toPercent.json()).toMatchObject({ type: "percentage", appliesTo: "order", value: 2500 });
    await staff("DELETE", `${api}/${fixed.json().id}`);
  });

  it("answers 400 naming the field for bad input", async () => {
    const bad = async (body: object, field: string, url = api, method: Method = "POST") => {
      const res = await staff(method, url, body);
      expect(res.statusCode, `${JSON.stringify(body)} -> ${res.body}`).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad({ name: "Too much", type: "percentage", value: 10001 }, "value");
    await bad({ name: "Nothing", type: "percentage", value: 0 }, "value");
    await bad({ name: "No value", type: "percentage" }, "value");
    await bad({ name: "No currency", type: "fixed", value: 500 }, "currency");
    await bad({ name: "Odd currency", type: "fixed", value: 500, currency: "ZZZ" }, "currency");
    await bad({ name: "Zero off", type: "fixed", value: 0, currency: "USD" }, "value");
    await bad({ name: "Negative", type: "fixed", value: -5, currency: "USD" }, "value");
    await bad({ name: "Half", type: "percentage", value: 12.5 }, "value");
    await bad({ name: "", type: "free_shipping" }, "name");
    await bad({ type: "free_shipping" }, "name");
    await bad({ name: "Which", type: "bogus" }, "type");
    await bad({ name: "Groups", type: "buy_x_get_y", buyQuantity: 2, getQuantity: 0 }, "getQuantity");
    await bad({ name: "Groups", type: "buy_x_get_y", getQuantity: 1 }, "buyQuantity");
    await bad(
      {
        name: "Backwards",
        type: "free_shipping",
        startsAt: "2030-02-01T00:00:00Z",
        endsAt: "2030-01-01T00:00:00Z",
      },
      "endsAt",
    );
    await bad({ name: "When", type: "free_shipping", startsAt: "tomorrow" }, "startsAt");
    await bad({ name: "Extra", type: "free_shipping", colour: "red" }, "colour");
    await bad(
      { name: "Cats", type: "free_shipping", conditions: { categoryIds: ["cat_nope"] } },
      "conditions.categoryIds",
    );
    await bad(
      { name: "Prods", type: "free_shipping", conditions: { productIds: ["prod_nope"] } },
      "conditions.productIds",
    );
    await bad({ name: "Skus", type: "free_shipping", conditions: { skus: ["NOPE-SKU"] } }, "conditions.skus");
    await bad(
      { name: "Min", type: "free_shipping", conditions: { minSubtotal: -1 } },
      "conditions.minSubtotal",
    );
    await bad(
      { name: "Codes", type: "percentage", value: 100, requiresCoupon: true, codes: [{ code: "has space" }] },
      "codes.0.code".replace(".0.", "[0]."),
    );
    await bad(
      { name: "Codes", type: "percentage", value: 100, requiresCoupon: false, codes: [{ code: "AUTO1" }] },
      "requiresCoupon",
    );
    // Nothing of those was created.
    const names = (await staff("GET", `${api}?limit=200`)).json().items.map((i: { name: string }) => i.name);
    for (const name of ["Too much", "No currency", "Backwards", "Codes", "Extra"])
      expect(names).not.toContain(name);

    const created = (await staff("POST", api, { name: "Valid", type: "percentage", value: 500 })).json();
    await bad(
      { endsAt: "2000-01-01T00:00:00Z", startsAt: "2001-01-01T00:00:00Z" },
      "endsAt",
      `${api}/${created.id}`,
      "PATCH",
    );
    await bad({}, "body", `${api}/${created.id}`, "PATCH");
    await bad({ value: 20000 }, "value", `${api}/${created.id}`, "PATCH");
    const badEtag = await staff("PATCH", `${api}/${created.id}`, { name: "X" }, { "if-match": "three" });
    expect(badEtag.statusCode).toBe(400);
    expect(badEtag.json().errors[0].field).toBe("If-Match");
    const zeroCap = await staff("PATCH", `${api}/${created.id}`, { maxDiscountAmount: 0 });
    expect(zeroCap.statusCode).toBe(400);
    expect(zeroCap.json().errors[0].field).toBe("maxDiscountAmount");
    // Automatic: it would discount the carts of the tests below.
    await staff("DELETE", `${api}/${created.id}`);
  });

  it("answers 404 for an unknown promotion or code", async () => {
    const missing = `${api}/promo_01JAAAAAAAAAAAAAAAAAAAAAAA`;
    for (const [method, url, body] of [
      ["GET", missing, undefined],
      ["PATCH", missing, { name: "X" }],
      ["DELETE", missing, undefined],
      ["POST", `${missing}/pause`, undefined],
      ["POST", `${missing}/resume`, undefined],
      ["GET", `${missing}/codes`, undefined],
      ["GET", `${missing}/codes.csv`, undefined],
      ["POST", `${missing}/codes`, { code: "NOWHERE" }],
      ["POST", `${missing}/codes/generate`, { count: 3 }],
    ] as const) {
      const res = await staff(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe("PROMOTION_NOT_FOUND");
    }
    const real = (
      await staff("POST", api, { name: "Has codes", type: "percentage", value: 100, requiresCoupon: true })
    ).json();
    const res = await staff("DELETE", `${api}/${real.id}/codes/cpn_01JAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("COUPON_CODE_NOT_FOUND");
  });

  it("refuses a stale If-Match with 409 STALE_VERSION and changes nothing", async () => {
    const created = (
      await staff("POST", api, { name: "Spring sale", type: "percentage", value: 1000 })
    ).json();
    const saved = await staff(
      "PATCH",
      `${api}/${created.id}`,
      { name: "Spring sale!", value: 1200 },
      { "if-match": '"1"' },
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    expect(saved.json()).toMatchObject({ name: "Spring sale!", value: 1200, version: 2 });

    const stale = await staff("PATCH", `${api}/${created.id}`, { value: 5000 }, { "if-match": '"1"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    for (const [method, url] of [
      ["POST", `${api}/${created.id}/pause`],
      ["DELETE", `${api}/${created.id}`],
    ] as const) {
      const res = await staff(method, url, undefined, { "if-match": '"1"' });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("STALE_VERSION");
    }
    const now = (await staff("GET", `${api}/${created.id}`)).json();
    expect(now).toMatchObject({ value: 1200, version: 2, isActive: true });

    // Pause and resume bump the version too.
    const paused = await staff("POST", `${api}/${created.id}/pause`, undefined, { "if-match": '"2"' });
    expect(paused.statusCode).toBe(200);
    expect(paused.headers.etag).toBe('"3"');
    expect(paused.json().status).toBe("paused");
  });

  it("audits every write with who made it and what changed", async () => {
    const created = (
      await staff("POST", api, {
        name: "Audited",
        type: "fixed",
        value: 500,
        currency: "USD",
        requiresCoupon: true,
      })
    ).json();
    await staff("PATCH", `${api}/${created.id}`, { value: 700, conditions: { minSubtotal: 3000 } });
    await staff("POST", `${api}/${created.id}/pause`);
    await staff("POST", `${api}/${created.id}/pause`); // already paused: nothing to record
    await staff("POST", `${api}/${created.id}/resume`);
    const code = (
      await staff("POST", `${api}/${created.id}/codes`, { code: "AUDIT5", usageLimit: 10 })
    ).json();
    await staff("PATCH", `${api}/${created.id}/codes/${code.id}`, { usageLimit: 20 });
    await staff("POST", `${api}/${created.id}/codes/generate`, { count: 3, prefix: "AUD-" });
    await staff("DELETE", `${api}/${created.id}/codes/${code.id}`);
    await staff("DELETE", `${api}/${created.id}`);

    const entries = await audit(created.id);
    expect(entries.map((e) => e.action)).toEqual([
      "pricing.promotion.create",
      "pricing.promotion.update",
      "pricing.promotion.pause",
      "pricing.promotion.resume",
      "pricing.coupon.generate",
      "pricing.promotion.delete",
    ]);
    expect(entries.every((e) => e.actor_id === userIds.marketer)).toBe(true);
    expect(entries[0]!.metadata.changes).toMatchObject({
      name: { before: null, after: "Audited" },
      value: { before: null, after: 500 },
    });
    expect(entries[1]!.metadata.changes).toEqual({
      value: { before: 500, after: 700 },
      conditions: {
        before: expect.objectContaining({ minSubtotal: null }),
        after: expect.objectContaining({ minSubtotal: 3000 }),
      },
    });
    expect(entries[2]!.metadata.changes).toEqual({ isActive: { before: true, after: false } });
    expect(entries[4]!.metadata).toMatchObject({ count: 3, prefix: "AUD-" });
    const codeEntries = await audit(code.id);
    expect(codeEntries.map((e) => e.action)).toEqual([
      "pricing.coupon.create",
      "pricing.coupon.update",
      "pricing.coupon.delete",
    ]);
    expect(codeEntries[1]!.metadata.changes).toEqual({ usageLimit: { before: 10, after: 20 } });
  });

  it("lets catalog:read staff look but not change, and shoppers not even look", async () => {
    const list = await call("GET", api, "analyst");
    expect(list.statusCode).toBe(200);
    const write = await call("POST", api, "analyst", { name: "Nope", type: "free_shipping" });
    expect(write.statusCode).toBe(403);
    const anonymous = await call("GET", api, null);
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("promotions in shoppers' carts", () => {
  it("a paused promotion no longer applies to a cart, and applies again once resumed", async () => {
    const promo = (
      await staff("POST", api, {
        name: "Pause me",
        type: "percentage",
        value: 2000,
        requiresCoupon: true,
        codes: [{ code: "PAUSE20" }],
      })
    ).json();
    const shopper = await cart("PAUSE20");
    expect(await applied(shopper, promo.id)).toMatchObject({ amount: 1080 });

    expect((await staff("POST", `${api}/${promo.id}/pause`)).statusCode).toBe(200);
    const paused = await view(shopper);
    expect(paused.appliedPromotions.some((p: { id: string }) => p.id === promo.id)).toBe(false);
    expect(paused.couponProblems).toEqual([{ code: "PAUSE20", reason: "COUPON_NOT_FOUND" }]);
    const other = new GuestShopper(t.app);
    await other.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
    expect((await other.call("POST", "/api/store/cart/coupons", { code: "PAUSE20" })).statusCode).toBe(422);

    expect((await staff("POST", `${api}/${promo.id}/resume`)).statusCode).toBe(200);
    expect(await applied(shopper, promo.id)).toMatchObject({ amount: 1080 });

    // An automatic one too: paused, new carts do not get it at once (the shop cache is invalidated).
    const auto = (
      await staff("POST", api, { name: "Auto 5", type: "fixed", value: 500, currency: "USD" })
    ).json();
    expect(await applied(await cart(), auto.id)).toMatchObject({ amount: 500 });
    await staff("POST", `${api}/${auto.id}/pause`);
    expect(await applied(await cart(), auto.id)).toBeNull();
    await staff("DELETE", `${api}/${auto.id}`);
  });

  it("a scheduled promotion applies only inside its window", async () => {
    const hour = 60 * 60_000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const promo = (
      await staff("POST", api, {
        name: "Weekend",
        type: "fixed",
        value: 300,
        currency: "USD",
        startsAt: at(hour),
        endsAt: at(2 * hour),
      })
    ).json();
    expect(promo.status).toBe("scheduled");
    const shopper = await cart();
    expect(await applied(shopper, promo.id)).toBeNull();
    expect(
      (await staff("GET", `${api}?status=scheduled`)).json().items.map((p: { id: string }) => p.id),
    ).toContain(promo.id);

    // Inside the window.
    const open = await staff("PATCH", `${api}/${promo.id}`, { startsAt: at(-hour), endsAt: at(hour) });
    expect(open.json().status).toBe("active");
    expect(await applied(shopper, promo.id)).toMatchObject({ amount: 300 });

    // After it.
    const over = await staff("PATCH", `${api}/${promo.id}`, { startsAt: at(-2 * hour), endsAt: at(-hour) });
    expect(over.json().status).toBe("expired");
    expect(await applied(shopper, promo.id)).toBeNull();
    expect(
      (await staff("GET", `${api}?status=expired`)).json().items.map((p: { id: string }) => p.id),
    ).toContain(promo.id);

    // The same with a coupon: the code is refused outside the window with the reason.
    const coupon = (
      await staff("POST", api, {
        name: "Later coupon",
        type: "percentage",
        value: 1000,
        startsAt: at(hour),
        codes: [{ code: "LATER10" }],
      })
    ).json();
    const early = await (await cart()).call("POST", "/api/store/cart/coupons", { code: "later10" });
    expect(early.statusCode).toBe(422);
    expect(early.json().code).toBe("COUPON_NOT_STARTED");
    await staff("PATCH", `${api}/${coupon.id}`, { startsAt: null });
    expect(await applied(await cart("LATER10"), coupon.id)).toMatchObject({ amount: 540 });
  });
});

describe("coupon codes", () => {
  let promo: { id: string };

  beforeAll(async () => {
    promo = (
      await staff("POST", api, {
        name: "Spring codes",
        type: "percentage",
        value: 1000,
        requiresCoupon: true,
      })
    ).json();
  });

  it("adds a code, refuses one in use elsewhere, and refuses codes on an automatic promotion", async () => {
    const added = await staff("POST", `${api}/${promo.id}/codes`, {
      code: "spring-vip",
      usageLimit: 100,
      usageLimitPerCustomer: 1,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      code: "SPRING-VIP",
      usageLimit: 100,
      usageLimitPerCustomer: 1,
      usageCount: 0,
    });

    const taken = await staff("POST", `${api}/${promo.id}/codes`, { code: "ten" }); // seedShop's coupon
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: "COUPON_CODE_TAKEN", errors: [{ field: "code" }] });
    const again = await staff("POST", `${api}/${promo.id}/codes`, { code: "SPRING-VIP" });
    expect(again.statusCode).toBe(409);

    for (const code of ["ab", "-LEADING", "SPA CE", "ÉTÉ2030", "x".repeat(65)]) {
      const res = await staff("POST", `${api}/${promo.id}/codes`, { code });
      expect(res.statusCode, code).toBe(400);
      expect(res.json().errors[0].field).toBe("code");
    }
    const limit = await staff("POST", `${api}/${promo.id}/codes`, { code: "ZERO", usageLimit: 0 });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().errors[0].field).toBe("usageLimit");

    const auto = (await staff("POST", api, { name: "Automatic", type: "free_shipping" })).json();
    const refused = await staff("POST", `${api}/${auto.id}/codes`, { code: "AUTOSHIP" });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("PROMOTION_IS_AUTOMATIC");
    await staff("DELETE", `${api}/${auto.id}`);
  });

  it("generates 2,000 unique codes in one go, every one redeemable", async () => {
    const started = Date.now();
    const res = await staff("POST", `${api}/${promo.id}/codes/generate`, {
      count: 2000,
      prefix: "spring-",
      length: 6,
      usageLimit: 1,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 2000, codeCount: 2001 });
    expect(Date.now() - started).toBeLessThan(20_000);

    const rows = await queryRows<{ code: string; usage_limit: number | null }>(
      t.ctx.db,
      sql`select c.code, c.usage_limit from coupon_codes c where c.promotion_id = ${promo.id} and c.code like 'SPRING-%' and c.code <> 'SPRING-VIP'`,
    );
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => r.code)).size).toBe(2000);
    for (const r of rows) {
      expect(r.code).toMatch(/^SPRING-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/);
      expect(r.usage_limit).toBe(1);
    }
    // All unique across the shop (the unique index), and every one valid for a cart now.
    const { coupons, problems } = await promotionsFor(t.ctx.db, {
      couponCodes: rows.map((r) => r.code.toLowerCase()),
      currency: "USD",
      customerKey: "email:someone@example.com",
    });
    expect(problems.size).toBe(0);
    expect(coupons).toHaveLength(2000);
    expect(new Set(coupons.map((c) => c.promotionId))).toEqual(new Set([promo.id]));

    // One of them, used by a real order: it counts in the usage and cannot be used twice.
    const code = rows[1234]!.code;
    const shopper = new GuestShopper(t.app);
    await shopper.readyCart([{ variantId: v.MUG, quantity: 2 }], "spring@example.com", code);
    const order = await shopper.checkout(`spring-${Date.now()}`);
    expect(order.statusCode, order.body).toBe(201);
    const detail = (await staff("GET", `${api}/${promo.id}`)).json();
    expect(detail.redemptions).toBe(1);
    expect(detail.usage).toMatchObject({
      redemptions: 1,
      orders: 1,
      recentRedemptions: [{ code, released: false, orderId: order.json().order?.id ?? expect.any(String) }],
    });
    // The discount given per currency comes from the orders' snapshots (the orders module answers it
    // through PromotionOrderStats, wired in app.ts).
    expect(detail.usage.discountTotals).toEqual([{ currency: "USD", amount: 250 }]);
    const fromOrders: PromotionOrderStats = {
      async promotionUsage(db, promotionId) {
        const rows = await queryRows<{ currency: string; orders: number; amount: string }>(
          db,
          sql`select o.currency, count(*)::int as orders, sum((p.value->>'amount')::bigint) as amount
            from orders o cross join lateral jsonb_array_elements(o.promotions) p
            where p.value->>'id' = ${promotionId} and o.status <> 'cancelled' group by o.currency`,
        );
        return {
          orders: rows.reduce((sum, r) => sum + r.orders, 0),
          discountTotals: rows.map((r) => ({ currency: r.currency, amount: Number(r.amount) })),
        };
      },
    };
    expect(await promotionUsage(t.ctx.db, promo.id, fromOrders)).toMatchObject({
      redemptions: 1,
      orders: 1,
      discountTotals: [{ currency: "USD", amount: 250 }], // 10 % of 2 x 12.50
    });
    const second = await (await cart()).call("POST", "/api/store/cart/coupons", { code });
    expect(second.statusCode).toBe(422);
    expect(second.json().code).toBe("COUPON_USAGE_LIMIT_REACHED");

    // The used code cannot be deleted; an unused one can.
    const [usedRow] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from coupon_codes where code = ${code}`,
    );
    const refused = await staff("DELETE", `${api}/${promo.id}/codes/${usedRow!.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("COUPON_CODE_USED");
    const [unused] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from coupon_codes where code = ${rows[0]!.code}`,
    );
    expect((await staff("DELETE", `${api}/${promo.id}/codes/${unused!.id}`)).statusCode).toBe(204);

    // A used promotion is ended, not deleted.
    const ended = await staff("DELETE", `${api}/${promo.id}`);
    expect(ended.json()).toEqual({ deleted: false, ended: true });
    const after = (await staff("GET", `${api}/${promo.id}`)).json();
    expect(after.status).toBe("expired");
    expect(after.codeCount).toBe(2000);
    const late = await (await cart()).call("POST", "/api/store/cart/coupons", { code: rows[5]!.code });
    expect(late.json().code).toBe("COUPON_EXPIRED");
  }, 60_000);

  it("pages codes, searches them, and exports them all as CSV", async () => {
    const page1 = (await staff("GET", `${api}/${promo.id}/codes?limit=500`)).json();
    expect(page1.items).toHaveLength(500);
    expect(page1.total).toBe(2000);
    const page2 = (
      await staff("GET", `${api}/${promo.id}/codes?limit=500&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2.items).toHaveLength(500);
    expect(new Set([...page1.items, ...page2.items].map((c: { id: string }) => c.id)).size).toBe(1000);
    // No generated code has an I (a look-alike of 1).
    const vip = (await staff("GET", `${api}/${promo.id}/codes?q=spring-vi`)).json();
    expect(vip.items.map((c: { code: string }) => c.code)).toEqual(["SPRING-VIP"]);

    const csv = await staff("GET", `${api}/${promo.id}/codes.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.headers["content-disposition"]).toBe('attachment; filename="coupon-codes-spring-codes.csv"');
    const lines = csv.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe("code,usage_limit,usage_limit_per_customer,times_used,created_at");
    expect(lines).toHaveLength(2001);
    expect(lines.find((l) => l.startsWith("SPRING-VIP,"))).toMatch(/^SPRING-VIP,100,1,0,\d{4}-/);
    expect(lines.filter((l) => /,1,\d{4}-/.test(l))).toHaveLength(1); // the one used
    const codes = lines.slice(1).map((l) => l.split(",")[0]!);
    expect([...codes].sort()).toEqual(codes);
  });

  it("refuses a generation over 10,000 codes or with a bad prefix, naming the field", async () => {
    const fresh = (
      await staff("POST", api, { name: "Generated", type: "percentage", value: 500, requiresCoupon: true })
    ).json();
    for (const [body, field] of [
      [{ count: 10_001 }, "count"],
      [{ count: 0 }, "count"],
      [{ count: 5, prefix: "SPA CE-" }, "prefix"],
      [{ count: 5, prefix: "-X" }, "prefix"],
      [{ count: 5, length: 5 }, "length"],
      [{ count: 5, usageLimitPerCustomer: 0 }, "usageLimitPerCustomer"],
    ] as const) {
      const res = await staff("POST", `${api}/${fresh.id}/codes/generate`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors[0].field).toBe(field);
    }
    expect((await staff("GET", `${api}/${fresh.id}`)).json().codeCount).toBe(0);
    const ok = await staff("POST", `${api}/${fresh.id}/codes/generate`, { count: 5 });
    expect(ok.json().sample[0]).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    // Unused: the promotion is deleted with its codes.
    expect((await staff("DELETE", `${api}/${fresh.id}`)).json()).toEqual({ deleted: true, ended: false });
    expect((await staff("GET", `${api}/${fresh.id}`)).statusCode).toBe(404);
  });
});
