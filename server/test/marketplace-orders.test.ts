import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocateLargestRemainder, splitByVendor } from "../src/modules/orders/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};
const vendorIds: Record<string, string> = {};

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(method: string, url: string, who: string | null, payload?: object) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}) },
    remoteAddress: `203.0.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

const product = (sku: string, priceAmount: number, categoryIds: string[] = []) => ({
  type: "simple",
  sku,
  name: `Product ${sku}`,
  status: "active",
  currency: "USD",
  categoryIds,
  variants: [{ sku, priceAmount, weightGrams: 300, initialStock: 20 }],
});

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  cookies.staff = cookieOf(
    await call("POST", "/api/auth/sign-in/email", null, {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    }),
  );
  for (const [key, name, slug] of [
    ["A", "Alpine Outfitters", "alpine-outfitters"],
    ["B", "Bayside Gear", "bayside-gear"],
  ] as const) {
    vendorIds[key] = (await call("POST", "/api/admin/vendors", "staff", { name, slug })).json().id;
    const who = key.toLowerCase();
    const signUp = await call("POST", "/api/auth/sign-up/email", null, {
      name: who,
      email: `${who}@vendors.test`,
      password: "tidy-pelican-7720",
    });
    cookies[who] = cookieOf(signUp);
    await call("POST", `/api/admin/vendors/${vendorIds[key]}/members`, "staff", {
      email: `${who}@vendors.test`,
      role: "owner",
    });
  }
  const [tees] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from categories where slug = 'tees'`,
  );
  expect((await call("POST", "/api/vendor/products", "a", product("ALP-BOTTLE", 1999))).statusCode).toBe(201);
  expect(
    (await call("POST", "/api/vendor/products", "b", product("BAY-CAP", 2500, [tees!.id]))).statusCode,
  ).toBe(201);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("largest remainder", () => {
  it("splits an amount in proportion and always sums to it", () => {
    expect(allocateLargestRemainder(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(allocateLargestRemainder(599, [3998, 2500, 2900])).toEqual([255, 159, 185]);
    expect(allocateLargestRemainder(7, [0, 0])).toEqual([4, 3]);
    for (let i = 0; i < 200; i++) {
      const weights = Array.from(
        { length: 1 + (i % 5) },
        (_, k) => ((i * 7919 + k * 104729) % 10007) + (k % 2),
      );
      const total = (i * 3571) % 100_003;
      const parts = allocateLargestRemainder(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => p >= 0)).toBe(true);
    }
  });

  it("gives every vendor order its lines and a share of shipping, adding up to the order total", () => {
    const parts = splitByVendor(
      {
        id: "ord_1",
        number: "100001",
        currency: "USD",
        placedAt: new Date(),
        shippingTotal: 1000,
        shippingDiscount: 0,
        shippingTax: 60,
        pricesIncludeTax: false,
      },
      [
        {
          vendorId: "ven_a",
          subtotal: 4000,
          discount: 0,
          tax: 240,
          total: 4240,
          requiresShipping: true,
          commissionAmount: 400,
        },
        {
          vendorId: null,
          subtotal: 2000,
          discount: 0,
          tax: 120,
          total: 2120,
          requiresShipping: true,
          commissionAmount: 0,
        },
        {
          vendorId: "ven_b",
          subtotal: 1000,
          discount: 100,
          tax: 54,
          total: 954,
          requiresShipping: false,
          commissionAmount: 90,
        },
      ],
      new Map([
        ["ven_a", "A"],
        ["ven_b", "B"],
      ]),
    );
    expect(parts.map((p) => [p.number, p.vendorName, p.shippingTotal, p.total, p.payableTotal])).toEqual([
      ["100001-1", "A", 707, 4947, 4547],
      ["100001-2", "B", 0, 954, 864],
    ]);
    // The shop's part (2120 + its shipping share 353) and the vendors' add up to the order total.
    expect(4947 + 954 + 2120 + 353).toBe(4240 + 2120 + 954 + 1060);
    expect(parts[1]!.fulfillmentStatus).toBe("not_required");
  });
});

describe("a checkout with lines of two vendors and the shop", () => {
  let orderNumber: string;
  let orderId: string;
  const vendorOrder: Record<string, string> = {};

  it("makes one order for the shopper and one vendor order per vendor, with commissions fixed on the lines", async () => {
    const [tees] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from categories where slug = 'tees'`,
    );
    // B pays 15 % + 0.50 per unit in tees; A the platform default (10 %).
    const rule = await call("PUT", "/api/admin/commission-rules", "staff", {
      vendorId: vendorIds.B,
      categoryId: tees!.id,
      rateBasisPoints: 1500,
      fixedPerUnit: 50,
    });
    expect(rule.statusCode, rule.body).toBe(200);
    expect(rule.json().scope).toBe("vendor_category");
    const badRule = await call("PUT", "/api/admin/commission-rules", "staff", {
      vendorId: null,
      categoryId: null,
      rateBasisPoints: 10001,
      fixedPerUnit: 0,
    });
    expect(badRule.statusCode).toBe(400);

    const ids = await variantIds(t.ctx);
    const shopper = new GuestShopper(t.app);
    await shopper.readyCart([
      { variantId: ids["ALP-BOTTLE"]!, quantity: 2 },
      { variantId: ids["BAY-CAP"]!, quantity: 1 },
      { variantId: ids["TEE-M"]!, quantity: 1 },
    ]);
    const placed = await shopper.checkout("mkt-1");
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    orderNumber = order.number;
    orderId = order.id;
    expect(
      Object.fromEntries(order.lines.map((l: { sku: string; soldBy: string | null }) => [l.sku, l.soldBy])),
    ).toEqual({
      "ALP-BOTTLE": "Alpine Outfitters",
      "BAY-CAP": "Bayside Gear",
      "TEE-M": null,
    });
    expect(order.vendorOrders.map((v: { number: string; soldBy: string }) => [v.number, v.soldBy])).toEqual([
      [`${orderNumber}-1`, "Alpine Outfitters"],
      [`${orderNumber}-2`, "Bayside Gear"],
    ]);

    const admin = (await call("GET", `/api/admin/orders/${orderId}`, "staff")).json();
    const lines = await queryRows<{
      sku: string;
      total: string;
      tax: string;
      commission_amount: string;
      commission_rule: { scope: string; rateBasisPoints: number };
    }>(
      t.ctx.db,
      sql`select sku, total, tax, commission_amount, commission_rule from order_line_items where order_id = ${orderId}`,
    );
    const bySku = new Map(lines.map((l) => [l.sku, l]));
    const net = (sku: string) => Number(bySku.get(sku)!.total) - Number(bySku.get(sku)!.tax);
    expect(Number(bySku.get("ALP-BOTTLE")!.commission_amount)).toBe(Math.round(net("ALP-BOTTLE") * 0.1));
    expect(bySku.get("ALP-BOTTLE")!.commission_rule).toMatchObject({
      scope: "default",
      rateBasisPoints: 1000,
    });
    expect(Number(bySku.get("BAY-CAP")!.commission_amount)).toBe(Math.round(net("BAY-CAP") * 0.15) + 50);
    expect(bySku.get("BAY-CAP")!.commission_rule).toMatchObject({ scope: "vendor_category" });
    expect(Number(bySku.get("TEE-M")!.commission_amount)).toBe(0);
    const figures = admin.vendorFigures as {
      vendorId: string;
      total: number;
      commissionTotal: number;
      payableTotal: number;
    }[];
    expect(figures.map((f) => f.vendorId)).toEqual([vendorIds.A, vendorIds.B]);
    for (const f of figures) expect(f.payableTotal).toBe(f.total - f.commissionTotal);
    // The shop's own part: its line and the rest of the shipping; everything adds up to the order total.
    const teeLine = order.lines.find((l: { sku: string }) => l.sku === "TEE-M");
    const vendorsTotal = figures.reduce((s, f) => s + f.total, 0);
    expect(vendorsTotal).toBeLessThan(order.totals.total);
    expect(order.totals.total - vendorsTotal).toBeGreaterThanOrEqual(teeLine.total);

    // Changing a rule later never changes a placed order.
    await call("PUT", "/api/admin/commission-rules", "staff", {
      vendorId: null,
      categoryId: null,
      rateBasisPoints: 2000,
      fixedPerUnit: 0,
    });
    const [after] = await queryRows<{ commission_amount: string }>(
      t.ctx.db,
      sql`select commission_amount from order_line_items where order_id = ${orderId} and sku = 'ALP-BOTTLE'`,
    );
    expect(Number(after!.commission_amount)).toBe(Number(bySku.get("ALP-BOTTLE")!.commission_amount));
    // Staff cannot edit a split order's lines.
    const teeId = order.lines.find((l: { sku: string }) => l.sku === "TEE-M").id;
    const edit = await call("POST", `/api/admin/orders/${orderId}/edit/preview`, "staff", {
      changes: [{ type: "set_quantity", lineId: teeId, quantity: 2 }],
    });
    expect(edit.statusCode, edit.body).toBe(409);
    expect(edit.json().code).toBe("ORDER_SPLIT_BY_VENDOR");
  });

  it("shows each vendor only its vendor order and lines, and lets it ship only its own", async () => {
    const listA = (await call("GET", "/api/vendor/orders?filter=to_ship", "a")).json();
    expect(listA.items.map((o: { number: string }) => o.number)).toEqual([`${orderNumber}-1`]);
    expect(listA.items[0]).toMatchObject({ toShip: true, itemCount: 2, shipTo: "Ada Byron, Detroit, US" });
    vendorOrder.A = listA.items[0].id;
    const listB = (await call("GET", "/api/vendor/orders", "b")).json();
    expect(listB.items.map((o: { number: string }) => o.number)).toEqual([`${orderNumber}-2`]);
    vendorOrder.B = listB.items[0].id;

    expect((await call("GET", `/api/vendor/orders/${vendorOrder.B}`, "a")).statusCode).toBe(404);
    const detailA = (await call("GET", `/api/vendor/orders/${vendorOrder.A}`, "a")).json();
    expect(detailA.lines.map((l: { sku: string }) => l.sku)).toEqual(["ALP-BOTTLE"]);
    expect(detailA.shippingAddress).toMatchObject({ city: "Detroit" });
    expect(detailA).not.toHaveProperty("email");
    expect(detailA.canShip).toBe(true);

    const detailB = (await call("GET", `/api/vendor/orders/${vendorOrder.B}`, "b")).json();
    const stolen = await call("POST", `/api/vendor/orders/${vendorOrder.A}/fulfillments`, "a", {
      carrier: "ups",
      lines: [{ lineId: detailB.lines[0].id, quantity: 1 }],
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().errors[0].field).toBe("lines[0].lineId");
    expect(
      (await call("POST", `/api/vendor/orders/${vendorOrder.B}/fulfillments`, "a", { carrier: "ups" }))
        .statusCode,
    ).toBe(404);

    const shipped = await call("POST", `/api/vendor/orders/${vendorOrder.A}/fulfillments`, "a", {
      carrier: "ups",
      trackingNumber: "1Z999AA10123456784",
    });
    expect(shipped.statusCode, shipped.body).toBe(201);
    expect(shipped.json()).toMatchObject({ fulfillmentStatus: "fulfilled", canShip: false });
    expect(shipped.json().shipments[0]).toMatchObject({ soldBy: "Alpine Outfitters", carrier: "ups" });
    const again = await call("POST", `/api/vendor/orders/${vendorOrder.A}/fulfillments`, "a", {
      carrier: "ups",
    });
    expect(again.statusCode).toBe(409);

    const midway = (await call("GET", `/api/admin/orders/${orderId}`, "staff")).json();
    expect(midway.status).toBe("partially_shipped");
    expect((await call("GET", "/api/vendor/orders?filter=to_ship", "a")).json().items).toEqual([]);
    expect((await call("GET", "/api/vendor/orders?filter=to_ship", "b")).json().items).toHaveLength(1);

    expect(
      (
        await call("POST", `/api/vendor/orders/${vendorOrder.B}/fulfillments`, "b", {
          carrier: "usps",
          trackingNumber: "9400",
        })
      ).statusCode,
    ).toBe(201);
    // The shop ships its own line; the order is then shipped, in three parcels from three senders.
    const teeLine = midway.lines.find((l: { sku: string }) => l.sku === "TEE-M");
    const own = await call("POST", `/api/admin/orders/${orderId}/fulfillments`, "staff", {
      carrier: "fedex",
      lines: [{ lineId: teeLine.id, quantity: 1 }],
    });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json().status).toBe("shipped");
    expect(own.json().fulfillments.map((f: { soldBy: string | null }) => f.soldBy)).toEqual([
      "Alpine Outfitters",
      "Bayside Gear",
      null,
    ]);
    const audit = await queryRows<{ actor_id: string; metadata: { vendorId?: string } }>(
      t.ctx.db,
      sql`select actor_id, metadata from audit_events where action = 'order.fulfil' and target_id = ${orderId} order by created_at, id`,
    );
    expect(audit.map((a) => a.metadata.vendorId ?? null)).toEqual([vendorIds.A, vendorIds.B, null]);
  });

  it("shows the shopper one order with each vendor's shipment", async () => {
    const looked = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      headers: { origin },
      payload: { number: orderNumber, email: "ada@example.com" },
    });
    expect(looked.statusCode, looked.body).toBe(200);
    const order = looked.json();
    expect(
      order.shipments.map((s: { soldBy: string | null; trackingNumber: string | null }) => [
        s.soldBy,
        s.trackingNumber,
      ]),
    ).toEqual([
      ["Alpine Outfitters", "1Z999AA10123456784"],
      ["Bayside Gear", "9400"],
      [null, null],
    ]);
    expect(order.vendorOrders.map((v: { fulfillmentStatus: string }) => v.fulfillmentStatus)).toEqual([
      "fulfilled",
      "fulfilled",
    ]);
    expect(order.shipments[0].trackingUrl).toContain("ups.com");
  });
});
