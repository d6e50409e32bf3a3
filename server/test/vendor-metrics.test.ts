import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReviews } from "../src/modules/reviews/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};
const vendorIds: Record<string, string> = {};
const productIds: Record<string, string> = {};

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

const product = (sku: string, priceAmount: number) => ({
  type: "simple",
  sku,
  name: `Product ${sku}`,
  status: "active",
  currency: "USD",
  categoryIds: [],
  variants: [{ sku, priceAmount, weightGrams: 300, initialStock: 50 }],
});

/** An order's vendor orders by vendor key (A, B), as the database holds them. */
async function vendorOrdersOf(orderId: string) {
  const rows = await queryRows<{
    vendor_id: string;
    total: string;
    commission_total: string;
    payable_total: string;
    fulfillment_status: string;
  }>(
    t.ctx.db,
    sql`select vendor_id, total, commission_total, payable_total, fulfillment_status from vendor_orders where order_id = ${orderId}`,
  );
  const key = (id: string) => Object.entries(vendorIds).find(([, v]) => v === id)![0];
  return Object.fromEntries(
    rows.map((r) => [
      key(r.vendor_id),
      {
        total: Number(r.total),
        commission: Number(r.commission_total),
        payable: Number(r.payable_total),
        status: r.fulfillment_status,
      },
    ]),
  );
}

/** Moves an order (and its vendor orders) to another placing time, UTC. */
async function placeAt(orderId: string, at: string) {
  await t.ctx.db.execute(sql`update orders set placed_at = ${at}::timestamptz where id = ${orderId}`);
  await t.ctx.db.execute(
    sql`update vendor_orders set placed_at = ${at}::timestamptz where order_id = ${orderId}`,
  );
}

const orders: Record<string, { id: string; number: string }> = {};

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
    cookies[who] = cookieOf(
      await call("POST", "/api/auth/sign-up/email", null, {
        name: who,
        email: `${who}@vendors.test`,
        password: "tidy-pelican-7720",
      }),
    );
    await call("POST", `/api/admin/vendors/${vendorIds[key]}/members`, "staff", {
      email: `${who}@vendors.test`,
      role: "owner",
    });
  }
  cookies.customer = cookieOf(
    await call("POST", "/api/auth/sign-up/email", null, {
      name: "Cora",
      email: "cora@example.com",
      password: "tidy-pelican-7720",
    }),
  );
  for (const [who, sku, price] of [
    ["a", "ALP-BOTTLE", 1999],
    ["a", "ALP-TENT", 10000],
    ["b", "BAY-CAP", 2500],
  ] as const) {
    const created = await call("POST", "/api/vendor/products", who, product(sku, price));
    expect(created.statusCode, created.body).toBe(201);
    productIds[sku] = created.json().id;
  }
  const ids = await variantIds(t.ctx);
  const checkout = async (
    key: string,
    lines: [string, number][],
    email: string,
    card = "4242424242424242",
  ) => {
    const shopper = new GuestShopper(t.app);
    await shopper.readyCart(
      lines.map(([sku, quantity]) => ({ variantId: ids[sku]!, quantity })),
      email,
    );
    const placed = await shopper.checkout(key, card);
    return placed;
  };
  // O1: A 2 bottles, B 1 cap. O2: A 1 tent (cancelled later). O3: declined card (never paid).
  // O4: A 1 bottle, B 1 cap.
  for (const [key, lines, email] of [
    [
      "o1",
      [
        ["ALP-BOTTLE", 2],
        ["BAY-CAP", 1],
      ],
      "ada@example.com",
    ],
    ["o2", [["ALP-TENT", 1]], "bob@example.com"],
    [
      "o4",
      [
        ["ALP-BOTTLE", 1],
        ["BAY-CAP", 1],
      ],
      "dan@example.com",
    ],
  ] as const) {
    const placed = await checkout(key, lines as unknown as [string, number][], email);
    expect(placed.statusCode, placed.body).toBe(201);
    orders[key] = { id: placed.json().id, number: placed.json().number };
  }
  const declined = await checkout(
    "o3",
    [
      ["ALP-BOTTLE", 3],
      ["BAY-CAP", 2],
    ],
    "eve@example.com",
    "4000000000000002",
  );
  expect(declined.statusCode).toBe(402);
  const [failed] = await queryRows<{ id: string; status: string; vendor_orders: number }>(
    t.ctx.db,
    sql`select o.id, o.status, (select count(*)::int from vendor_orders vo where vo.order_id = o.id) as vendor_orders
      from orders o where o.email = 'eve@example.com'`,
  );
  expect(failed).toMatchObject({ status: "payment_failed", vendor_orders: 2 });
  orders.o3 = { id: failed!.id, number: "" };

  // Placing times: January, February, March, April 2024 (UTC).
  await placeAt(orders.o1!.id, "2024-01-10T08:00:00Z");
  await placeAt(orders.o2!.id, "2024-02-10T08:00:00Z");
  await placeAt(orders.o3!.id, "2024-02-20T08:00:00Z");
  await placeAt(orders.o4!.id, "2024-03-10T08:00:00Z");

  // A ships O1 (30 h 15 min after it was placed); B ships O4 (12 h after); staff cancel O2.
  const vendorOrderId = async (who: string, number: string) =>
    (await call("GET", "/api/vendor/orders", who))
      .json()
      .items.find((o: { number: string }) => o.number.startsWith(`${number}-`)).id;
  const shipA = await call(
    "POST",
    `/api/vendor/orders/${await vendorOrderId("a", orders.o1!.number)}/fulfillments`,
    "a",
    { carrier: "ups", trackingNumber: "1Z999AA10123456784" },
  );
  expect(shipA.statusCode, shipA.body).toBe(201);
  const shipB = await call(
    "POST",
    `/api/vendor/orders/${await vendorOrderId("b", orders.o4!.number)}/fulfillments`,
    "b",
    { carrier: "usps", trackingNumber: "9400" },
  );
  expect(shipB.statusCode, shipB.body).toBe(201);
  await t.ctx.db.execute(
    sql`update fulfillments set shipped_at = '2024-01-11T14:15:00Z' where order_id = ${orders.o1!.id}`,
  );
  await t.ctx.db.execute(
    sql`update fulfillments set shipped_at = '2024-03-10T20:00:00Z' where order_id = ${orders.o4!.id}`,
  );
  const cancelled = await call("POST", `/api/admin/orders/${orders.o2!.id}/cancel`, "staff", {
    reason: "out of tents",
  });
  expect(cancelled.statusCode, cancelled.body).toBe(200);

  // Ada returns one of O1's two bottles; staff approve and receive it.
  const o1 = (await call("GET", `/api/admin/orders/${orders.o1!.id}`, "staff")).json();
  const bottleLine = o1.lines.find((l: { sku: string }) => l.sku === "ALP-BOTTLE");
  const asked = await call("POST", "/api/store/orders/lookup/returns", null, {
    number: orders.o1!.number,
    email: "ada@example.com",
    lines: [{ lineId: bottleLine.id, quantity: 1, reason: "leaks" }],
  });
  expect(asked.statusCode, asked.body).toBe(201);
  const [rma] = (await call("GET", "/api/admin/returns", "staff")).json();
  expect((await call("POST", `/api/admin/returns/${rma.id}/approve`, "staff", {})).statusCode).toBe(200);
  const received = await call("POST", `/api/admin/returns/${rma.id}/receive`, "staff", {
    restock: true,
    refund: true,
  });
  expect(received.statusCode, received.body).toBe(200);

  // Ratings: A's bottle 5 and 4 stars, its tent 3 (approved), one pending 1 star; B's cap 2 stars.
  await addReviews(t.ctx.db, [
    {
      productId: productIds["ALP-BOTTLE"]!,
      productSku: "ALP-BOTTLE",
      rating: 5,
      title: "",
      body: "",
      authorName: "x",
      status: "approved",
    },
    {
      productId: productIds["ALP-BOTTLE"]!,
      productSku: "ALP-BOTTLE",
      rating: 4,
      title: "",
      body: "",
      authorName: "y",
      status: "approved",
    },
    {
      productId: productIds["ALP-TENT"]!,
      productSku: "ALP-TENT",
      rating: 3,
      title: "",
      body: "",
      authorName: "z",
      status: "approved",
    },
    {
      productId: productIds["ALP-TENT"]!,
      productSku: "ALP-TENT",
      rating: 1,
      title: "",
      body: "",
      authorName: "w",
      status: "pending",
    },
    {
      productId: productIds["BAY-CAP"]!,
      productSku: "BAY-CAP",
      rating: 2,
      title: "",
      body: "",
      authorName: "v",
      status: "approved",
    },
  ]);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe("vendor metrics", () => {
  it("holds the vendor orders the figures are computed from", async () => {
    // Michigan tax 6 % on the lines (shipping is not taxed in this shop); table-rate shipping by subtotal
    // (under 50.00: 15.00; 50.00+: 10.00; 100.00+: 5.00), shared by the vendors in proportion to their
    // shipped subtotals (largest remainder); commission 10 % of the lines' net (the platform default).
    // O1: A 2 x 19.99 = 39.98 (+2.40 tax), B 25.00 (+1.50); shipping 10.00 over 3,998 : 2,500 = 615 : 385.
    expect(await vendorOrdersOf(orders.o1!.id)).toEqual({
      A: { total: 3998 + 240 + 615, commission: 400, payable: 4853 - 400, status: "fulfilled" },
      B: { total: 2500 + 150 + 385, commission: 250, payable: 3035 - 250, status: "unfulfilled" },
    });
    // O2: A's tent, 100.00 + 6.00 tax, shipping 5.00: cancelled.
    expect(await vendorOrdersOf(orders.o2!.id)).toEqual({
      A: { total: 10000 + 600 + 500, commission: 1000, payable: 11100 - 1000, status: "cancelled" },
    });
    // O4: A 19.99 (+1.20), B 25.00 (+1.50); shipping 15.00 over 1,999 : 2,500 = 666.48 : 833.52 -> 666 : 834.
    expect(await vendorOrdersOf(orders.o4!.id)).toEqual({
      A: { total: 1999 + 120 + 666, commission: 200, payable: 2785 - 200, status: "unfulfilled" },
      B: { total: 2500 + 150 + 834, commission: 250, payable: 3484 - 250, status: "fulfilled" },
    });
  });

  it("shows staff every figure of a vendor, over all time and over a range", async () => {
    const a = await call("GET", `/api/admin/vendors/${vendorIds.A}/metrics`, "staff");
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toEqual({
      vendorId: vendorIds.A,
      vendorName: "Alpine Outfitters",
      from: null,
      to: null,
      // O1, O2 (cancelled), O4; O3 was never paid.
      orders: 3,
      cancelledOrders: 1,
      cancellationRate: 0.3333,
      // 2 bottles in O1 + 1 in O4; 1 returned.
      unitsSold: 3,
      unitsReturned: 1,
      returnRate: 0.3333,
      // O1 only: placed 2024-01-10 08:00, shipped 2024-01-11 14:15.
      shippedOrders: 1,
      averageFulfilmentHours: 30.3,
      sales: [
        {
          currency: "USD",
          orders: 2,
          sales: 4853 + 2785,
          commission: 400 + 200,
          payable: 4453 + 2585,
          // 7,638 / 2 = 3,819.
          averageOrderValue: 3819,
        },
      ],
      // (5 + 4 + 3) / 3; the pending review does not count.
      rating: { average: 4, count: 3 },
    });

    const b = (await call("GET", `/api/admin/vendors/${vendorIds.B}/metrics`, "staff")).json();
    expect(b).toMatchObject({
      orders: 2,
      cancelledOrders: 0,
      cancellationRate: 0,
      unitsSold: 2,
      unitsReturned: 0,
      returnRate: 0,
      shippedOrders: 1,
      averageFulfilmentHours: 12,
      sales: [
        {
          currency: "USD",
          orders: 2,
          sales: 3035 + 3484,
          commission: 500,
          payable: 2785 + 3234,
          // 6,519 / 2 = 3,259.5, half up.
          averageOrderValue: 3260,
        },
      ],
      rating: { average: 2, count: 1 },
    });

    // February and March: A's cancelled O2 and O4.
    const range = (
      await call("GET", `/api/admin/vendors/${vendorIds.A}/metrics?from=2024-02-01&to=2024-04-01`, "staff")
    ).json();
    expect(range).toMatchObject({
      from: "2024-02-01T00:00:00.000Z",
      to: "2024-04-01T00:00:00.000Z",
      orders: 2,
      cancelledOrders: 1,
      cancellationRate: 0.5,
      unitsSold: 1,
      unitsReturned: 0,
      returnRate: 0,
      shippedOrders: 0,
      averageFulfilmentHours: null,
      sales: [{ currency: "USD", orders: 1, sales: 2785, averageOrderValue: 2785 }],
    });
    // Nothing in the range: zeros and nulls, the rating stays (all time).
    const empty = (
      await call("GET", `/api/admin/vendors/${vendorIds.A}/metrics?from=2030-01-01T00:00:00Z`, "staff")
    ).json();
    expect(empty).toMatchObject({
      orders: 0,
      cancellationRate: null,
      returnRate: null,
      averageFulfilmentHours: null,
      sales: [],
      rating: { average: 4, count: 3 },
    });
  });

  it("ranks vendors by sales in a currency", async () => {
    const ranking = await call("GET", "/api/admin/vendors/ranking?currency=USD", "staff");
    expect(ranking.statusCode, ranking.body).toBe(200);
    const body = ranking.json();
    expect(body.currency).toBe("USD");
    expect(
      body.items.map((i: { rank: number; vendorId: string; salesInCurrency: number }) => [
        i.rank,
        i.vendorId,
        i.salesInCurrency,
      ]),
    ).toEqual([
      [1, vendorIds.A, 7638],
      [2, vendorIds.B, 6519],
    ]);
    const single = (await call("GET", `/api/admin/vendors/${vendorIds.A}/metrics`, "staff")).json();
    expect(body.items[0]).toEqual({ ...single, rank: 1, salesInCurrency: 7638 });
    // The shop's default currency (USD) when none is given; a limit; a range (March: B's O4 is larger).
    const top = (await call("GET", "/api/admin/vendors/ranking?limit=1", "staff")).json();
    expect(top.items.map((i: { vendorId: string }) => i.vendorId)).toEqual([vendorIds.A]);
    const march = (
      await call("GET", "/api/admin/vendors/ranking?from=2024-03-01&to=2024-04-01", "staff")
    ).json();
    expect(
      march.items.map((i: { vendorId: string; salesInCurrency: number }) => [i.vendorId, i.salesInCurrency]),
    ).toEqual([
      [vendorIds.B, 3484],
      [vendorIds.A, 2785],
    ]);
    expect((await call("GET", "/api/admin/vendors/ranking?currency=EUR", "staff")).json().items).toEqual([]);
  });

  it("refuses bad dates naming the field", async () => {
    for (const [url, field] of [
      ["/api/admin/vendors/ranking?from=yesterday", "from"],
      ["/api/admin/vendors/ranking?to=2024-13-45", "to"],
      ["/api/admin/vendors/ranking?from=2024-03-01&to=2024-02-01", "to"],
      ["/api/admin/vendors/ranking?currency=usd", "currency"],
      [`/api/admin/vendors/${vendorIds.A}/metrics?to=2024-02-30T25:00:00Z`, "to"],
    ] as const) {
      const res = await call("GET", url, "staff");
      expect(res.statusCode, url).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json().errors[0].field, url).toBe(field);
    }
    const vendorBad = await call("GET", "/api/vendor/metrics?from=2024-01-01T10:00", "a");
    expect(vendorBad.statusCode).toBe(400);
    expect(vendorBad.json().errors[0].field).toBe("from");
  });

  it("shows each vendor only its own figures", async () => {
    const a = await call("GET", "/api/vendor/metrics", "a");
    expect(a.statusCode, a.body).toBe(200);
    const admin = (await call("GET", `/api/admin/vendors/${vendorIds.A}/metrics`, "staff")).json();
    expect(a.json()).toEqual(admin);
    const b = (await call("GET", "/api/vendor/metrics", "b")).json();
    expect(b.vendorId).toBe(vendorIds.B);
    expect(b.sales[0].sales).toBe(6519);
    // The portal has no way to name another vendor.
    const other = await call("GET", `/api/vendor/metrics?vendorId=${vendorIds.B}`, "a");
    expect(other.statusCode).toBe(400);
  });

  it("is for staff with vendors:manage and for vendor members only", async () => {
    for (const url of ["/api/admin/vendors/ranking", `/api/admin/vendors/${vendorIds.A}/metrics`]) {
      expect((await call("GET", url, "customer")).statusCode, url).toBe(403);
      expect((await call("GET", url, "a")).statusCode, url).toBe(403);
      expect((await call("GET", url, null)).statusCode, url).toBe(401);
    }
    expect((await call("GET", "/api/vendor/metrics", "customer")).statusCode).toBe(403);
    expect((await call("GET", "/api/vendor/metrics", null)).statusCode).toBe(401);
    // /vendors/ranking is not taken for a vendor id by GET /vendors/{id}.
    expect((await call("GET", "/api/admin/vendors/ranking", "staff")).json()).toHaveProperty("items");
    expect((await call("GET", `/api/admin/vendors/${vendorIds.A}`, "staff")).json().vendor.id).toBe(
      vendorIds.A,
    );
  });
});
