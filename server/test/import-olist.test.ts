import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vendorMetrics, vendorRanking } from "../src/flows/vendor-metrics/index.ts";
import { importOlist } from "../src/importers/olist.ts";
import { queryRows } from "../src/platform/db.ts";
import { testApp } from "./helpers.ts";

const olistPath = path.resolve(import.meta.dirname, "../../../shared/datasets/olist");

/** A tiny Olist folder in the dataset's own layout and formats. */
function writeFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "olist-"));
  const sub = path.join(dir, "orders-2017-subset");
  fs.mkdirSync(sub);
  fs.writeFileSync(
    path.join(dir, "product_category_name_translation.csv"),
    "\uFEFFproduct_category_name,product_category_name_english\ncama_mesa_banho,bed_bath_table\nperfumaria,perfumery\n",
  );
  fs.writeFileSync(
    path.join(dir, "olist_sellers_dataset.csv"),
    "seller_id,seller_zip_code_prefix,seller_city,seller_state\n" +
      "s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,13023,campinas,SP\ns2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,4571,sao paulo,SP\n" +
      // A seller without sales in the orders: a vendor all the same.
      "s3cccccccccccccccccccccccccccccc,80000,curitiba,PR\n",
  );
  fs.writeFileSync(path.join(dir, "olist_products_dataset.csv"), "product_id,product_category_name\n");
  fs.writeFileSync(
    path.join(sub, "products.csv"),
    "product_id,product_category_name,product_name_lenght,product_description_lenght,product_photos_qty,product_weight_g,product_length_cm,product_height_cm,product_width_cm\n" +
      "p1111111111111111111111111111111,cama_mesa_banho,51.0,200.0,2.0,600.0,30.0,10.0,20.0\n" +
      "p2222222222222222222222222222222,perfumaria,39.0,346.0,1.0,400.0,27.0,5.0,20.0\n" +
      "p3333333333333333333333333333333,cama_mesa_banho,,,,,,,\n",
  );
  fs.writeFileSync(
    path.join(sub, "customers.csv"),
    "customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state\n" +
      "c1,u1,18682,lencois paulista,SP\nc2,u1,18682,lencois paulista,SP\nc3,u2,4571,sao paulo,SP\nc4,u3,4571,sao paulo,SP\n" +
      "c5,u4,4571,sao paulo,SP\n",
  );
  fs.writeFileSync(
    path.join(sub, "orders.csv"),
    "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n" +
      "o2,c2,delivered,2017-03-02 10:00:00,,2017-03-03 10:00:00,2017-03-10 12:00:00,\n" +
      "o1,c1,delivered,2017-01-05 12:01:20,,2017-01-06 18:31:20,2017-01-12 09:00:00,\n" +
      "o3,c3,canceled,2017-02-01 08:00:00,,,,\n" +
      "o4,c4,unavailable,2017-02-03 08:00:00,,,,\n" +
      "o5,c5,shipped,2017-02-15 09:00:00,,2017-02-16 09:00:00,,\n",
  );
  fs.writeFileSync(
    path.join(sub, "order_items.csv"),
    "order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value\n" +
      "o1,1,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-01-10 00:00:00,199.9,18.14\n" +
      "o1,2,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-01-10 00:00:00,199.9,18.14\n" +
      "o1,3,p2222222222222222222222222222222,s2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,2017-01-10 00:00:00,48.9,16.6\n" +
      "o2,1,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-03-05 00:00:00,189,10\n" +
      "o3,1,p3333333333333333333333333333333,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-02-05 00:00:00,10.5,5\n" +
      // p1 from two sellers at one price in one order: two lines, two vendor orders.
      "o5,1,p1111111111111111111111111111111,s2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,2017-02-20 00:00:00,199.9,15\n" +
      "o5,2,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-02-20 00:00:00,199.9,12\n",
  );
  return dir;
}

/** What a second import must leave exactly as it was. */
async function snapshot(db: Parameters<typeof queryRows>[0]) {
  const [state] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
        (select json_agg(json_build_object('sku', sku, 'vendor', vendor_id, 'hash', source_hash, 'updated', updated_at) order by sku) from products) as products,
        (select json_agg(v order by v.id) from vendor_orders v) as vendor_orders,
        (select json_agg(json_build_object('id', id, 'vendor', vendor_id, 'commission', commission_amount, 'rule', commission_rule) order by id) from order_line_items) as lines,
        (select json_agg(f order by f.id) from fulfillments f) as parcels,
        (select count(*)::int from orders) as orders,
        (select count(*)::int from vendors) as vendors`,
  );
  return state;
}

describe("Olist import (fixture)", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let dir: string;
  beforeAll(async () => {
    t = await testApp();
    dir = writeFixture();
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports categories, vendors, one listing per seller, historical orders with vendor orders and parcels, idempotently", async () => {
    const first = await importOlist(t.ctx, dir);
    expect(first.categories).toEqual({ total: 2, created: 2 });
    // p1 (two sellers: two listings), p2, p3.
    expect(first.products).toMatchObject({ created: 4, failed: [] });
    expect(first.listings).toEqual({ total: 4, otherSellers: 1, otherSellersCreated: 1 });
    // Every seller of the sellers file, s3 included (no sales).
    expect(first.vendors).toEqual({ total: 3, created: 3, selling: 2 });
    expect(first.orders).toEqual({ inFile: 5, imported: 4, created: 4, existing: 0, skippedNoLines: 1 });
    expect(first.orderLines).toBe(6);
    expect(first.vendorOrders).toEqual({ created: 6 });
    expect(first.parcels).toEqual({ created: 5 });

    // p1: s1 sold it on 4 lines, s2 on 1: s1 keeps olist-<id>, priced at its latest line (o2, March:
    // 189.00 BRL); s2 gets its own listing at its own price.
    const main = await t.app.inject({
      method: "GET",
      url: "/api/store/products/bed-bath-table-item-p11111-111111",
    });
    expect(main.statusCode).toBe(200);
    expect(main.json()).toMatchObject({
      name: "Bed Bath Table item p11111",
      price: { amount: 18900, currency: "BRL" },
      breadcrumbs: [{ name: "Bed Bath Table" }],
      soldBy: { slug: "olist-seller-s1aaaaaaaaaa" },
    });
    const other = await t.app.inject({
      method: "GET",
      url: "/api/store/products/bed-bath-table-item-p11111-111111-s2bbbbbb",
    });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({
      name: "Bed Bath Table item p11111",
      sku: "olist-p1111111111111111111111111111111-s2bbbbbb",
      price: { amount: 19990, currency: "BRL" },
      breadcrumbs: [{ name: "Bed Bath Table" }],
      soldBy: { slug: "olist-seller-s2bbbbbbbbbb" },
    });
    const owners = await queryRows<{ sku: string; vendor: string }>(
      t.ctx.db,
      sql`select p.sku, v.slug as vendor from products p join vendors v on v.id = p.vendor_id order by p.sku`,
    );
    expect(owners).toEqual([
      { sku: "olist-p1111111111111111111111111111111", vendor: "olist-seller-s1aaaaaaaaaa" },
      { sku: "olist-p1111111111111111111111111111111-s2bbbbbb", vendor: "olist-seller-s2bbbbbbbbbb" },
      { sku: "olist-p2222222222222222222222222222222", vendor: "olist-seller-s2bbbbbbbbbb" },
      { sku: "olist-p3333333333333333333333333333333", vendor: "olist-seller-s1aaaaaaaaaa" },
    ]);

    const orders = await queryRows<{
      id: string;
      number: string;
      status: string;
      payment_status: string;
      email: string;
      currency: string;
      subtotal: number;
      shipping_total: number;
      total: number;
      placed_at: Date;
      lines: {
        sku: string;
        quantity: number;
        unit_price: number;
        vendor: string;
        commission: number;
        rule: unknown;
      }[];
      vendor_orders: {
        number: string;
        vendor: string;
        status: string;
        shipping: number;
        total: number;
        commission: number;
        payable: number;
      }[];
    }>(
      t.ctx.db,
      sql`select o.id, o.number, o.status, o.payment_status, o.email, o.currency, o.subtotal::int as subtotal,
          o.shipping_total::int as shipping_total, o.total::int as total, o.placed_at,
          (select json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity, 'unit_price', l.unit_price,
              'vendor', v.slug, 'commission', l.commission_amount, 'rule', l.commission_rule) order by l.position)
            from order_line_items l join vendors v on v.id = l.vendor_id where l.order_id = o.id) as lines,
          (select json_agg(json_build_object('number', vo.number, 'vendor', v.slug, 'status', vo.fulfillment_status,
              'shipping', vo.shipping_total, 'total', vo.total, 'commission', vo.commission_total,
              'payable', vo.payable_total) order by vo.number)
            from vendor_orders vo join vendors v on v.id = vo.vendor_id where vo.order_id = o.id) as vendor_orders
        from orders o order by o.placed_at`,
    );
    expect(orders.map((o) => [o.status, o.payment_status, o.email])).toEqual([
      ["completed", "paid", "u1@customers.olist.invalid"],
      ["cancelled", "voided", "u2@customers.olist.invalid"],
      ["completed", "paid", "u4@customers.olist.invalid"],
      ["completed", "paid", "u1@customers.olist.invalid"],
    ]);
    const s1 = "olist-seller-s1aaaaaaaaaa";
    const s2 = "olist-seller-s2bbbbbbbbbb";
    const rule = { scope: "default", rateBasisPoints: 1000, fixedPerUnit: 0 };
    // o1: two units of p1 at 199.90 (s1) are one line; freight 3 x the line freight; Sao Paulo time = UTC-3.
    // Each vendor order's shipping is its seller's freight; commission 10 % (the default rule at import).
    expect(orders[0]).toMatchObject({
      currency: "BRL",
      subtotal: 44870,
      shipping_total: 5288,
      total: 50158,
      lines: [
        {
          sku: "olist-p1111111111111111111111111111111",
          quantity: 2,
          unit_price: 19990,
          vendor: s1,
          commission: 3998,
          rule,
        },
        {
          sku: "olist-p2222222222222222222222222222222",
          quantity: 1,
          unit_price: 4890,
          vendor: s2,
          commission: 489,
          rule,
        },
      ],
      vendor_orders: [
        {
          number: `${orders[0]!.number}-1`,
          vendor: s1,
          status: "delivered",
          shipping: 3628,
          total: 43608,
          commission: 3998,
          payable: 39610,
        },
        {
          number: `${orders[0]!.number}-2`,
          vendor: s2,
          status: "delivered",
          shipping: 1660,
          total: 6550,
          commission: 489,
          payable: 6061,
        },
      ],
    });
    expect(new Date(orders[0]!.placed_at).toISOString()).toBe("2017-01-05T15:01:20.000Z");
    expect(orders[1]!.vendor_orders).toEqual([
      {
        number: `${orders[1]!.number}-1`,
        vendor: s1,
        status: "cancelled",
        shipping: 500,
        total: 1550,
        commission: 105,
        payable: 1445,
      },
    ]);
    // o5: the same product and price from two sellers stays two lines (two listings).
    expect(orders[2]).toMatchObject({
      lines: [
        {
          sku: "olist-p1111111111111111111111111111111-s2bbbbbb",
          quantity: 1,
          unit_price: 19990,
          vendor: s2,
        },
        { sku: "olist-p1111111111111111111111111111111", quantity: 1, unit_price: 19990, vendor: s1 },
      ],
      vendor_orders: [
        {
          number: `${orders[2]!.number}-1`,
          vendor: s2,
          status: "fulfilled",
          shipping: 1500,
          total: 21490,
          commission: 1999,
          payable: 19491,
        },
        {
          number: `${orders[2]!.number}-2`,
          vendor: s1,
          status: "fulfilled",
          shipping: 1200,
          total: 21190,
          commission: 1999,
          payable: 19191,
        },
      ],
    });
    // Parcels: one per seller of each order handed to the carrier, with the source's times.
    const parcels = await queryRows<{
      order_id: string;
      vendor: string;
      status: string;
      shipped_at: Date;
      delivered_at: Date | null;
    }>(
      t.ctx.db,
      sql`select f.order_id, v.slug as vendor, f.status, f.shipped_at, f.delivered_at
        from fulfillments f join vendors v on v.id = f.vendor_id where f.order_id = ${orders[0]!.id} order by v.slug`,
    );
    expect(
      parcels.map((p) => [
        p.vendor,
        p.status,
        new Date(p.shipped_at).toISOString(),
        new Date(p.delivered_at!).toISOString(),
      ]),
    ).toEqual([
      [s1, "delivered", "2017-01-06T21:31:20.000Z", "2017-01-12T12:00:00.000Z"],
      [s2, "delivered", "2017-01-06T21:31:20.000Z", "2017-01-12T12:00:00.000Z"],
    ]);
    // Historical orders reserve no stock, record no payment, send nothing.
    const side = await queryRows<{ reservations: number; payments: number; outbox: number }>(
      t.ctx.db,
      sql`select (select count(*)::int from reservations) as reservations,
          (select count(*)::int from payments) as payments,
          (select count(*)::int from outbox_events where topic like 'order%') as outbox`,
    );
    expect(side[0]).toEqual({ reservations: 0, payments: 0, outbox: 0 });

    // Vendor metrics over the imported orders.
    const ids = new Map(
      (await queryRows<{ id: string; slug: string }>(t.ctx.db, sql`select id, slug from vendors`)).map(
        (r) => [r.slug, r.id],
      ),
    );
    const metrics = await vendorMetrics(t.ctx.db, [ids.get(s1)!, ids.get(s2)!]);
    expect(metrics.get(ids.get(s1)!)).toMatchObject({
      orders: 4,
      cancelledOrders: 1,
      cancellationRate: 0.25,
      unitsSold: 4,
      unitsReturned: 0,
      returnRate: 0,
      // o1 30.5 h, o2 24 h, o5 24 h.
      shippedOrders: 3,
      averageFulfilmentHours: 26.2,
      sales: [
        {
          currency: "BRL",
          orders: 3,
          sales: 43608 + 19900 + 21190,
          commission: 3998 + 1890 + 1999,
          payable: 84698 - 7887,
          averageOrderValue: 28233,
        },
      ],
      rating: { average: null, count: 0 },
    });
    expect(metrics.get(ids.get(s2)!)).toMatchObject({
      orders: 2,
      cancelledOrders: 0,
      shippedOrders: 2,
      averageFulfilmentHours: 27.3,
      sales: [{ currency: "BRL", orders: 2, sales: 6550 + 21490 }],
    });
    const ranking = await vendorRanking(t.ctx.db, { currency: "BRL", limit: 10 });
    expect(ranking.map((r) => [r.rank, r.vendorId, r.salesInCurrency])).toEqual([
      [1, ids.get(s1), 84698],
      [2, ids.get(s2), 28040],
    ]);

    // A second run creates nothing and changes nothing.
    const before = await snapshot(t.ctx.db);
    const again = await importOlist(t.ctx, dir);
    expect(again.categories.created).toBe(0);
    expect(again.products).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect(again.listings.otherSellersCreated).toBe(0);
    expect(again.vendors.created).toBe(0);
    expect(again.orders).toMatchObject({ created: 0, existing: 4 });
    expect(again.vendorOrders.created).toBe(0);
    expect(again.parcels.created).toBe(0);
    expect(await snapshot(t.ctx.db)).toEqual(before);
  });
});

/** Olist's CSV rows as records (the order files have no quoted fields). */
function csvRecords(file: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(file, "utf8").trim().split("\n");
  const names = header!.replace(/^\uFEFF/, "").split(",");
  return rows.map((row) => {
    const cells = row.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

const cents = (text: string) => Math.round(Number(text) * 100);
const sellerSlug = (sellerId: string) => `olist-seller-${sellerId.slice(0, 12)}`;

describe.skipIf(!fs.existsSync(olistPath))("Olist import (the real dataset)", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t?.close());

  it("imports the 2017 subset as a marketplace: 3,095 vendors, 6,199 listings of 6,123 products, 9,889 orders with their vendor orders", async () => {
    const startedAt = Date.now();
    const summary = await importOlist(t.ctx, olistPath);
    console.log(
      `Olist import: ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${Object.entries(summary.timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(", ")})`,
    );
    // The source, straight from the CSV files.
    const sub = path.join(olistPath, "orders-2017-subset");
    const orderStatus = new Map(
      csvRecords(path.join(sub, "orders.csv")).map((o) => [o.order_id!, o.order_status!]),
    );
    const items = csvRecords(path.join(sub, "order_items.csv")).filter((i) => orderStatus.has(i.order_id!));
    expect(orderStatus.size).toBe(10000);
    expect(items.length).toBe(11252);

    // 6,123 products; 72 of them sold by several sellers: 6,199 listings (one per product and seller).
    const sellersOf = new Map<string, Map<string, number>>();
    for (const i of items) {
      const sellers = sellersOf.get(i.product_id!) ?? new Map<string, number>();
      sellers.set(i.seller_id!, (sellers.get(i.seller_id!) ?? 0) + 1);
      sellersOf.set(i.product_id!, sellers);
    }
    const expectedOwner = new Map<string, string>(); // listing SKU -> seller slug
    const listingOf = new Map<string, string>(); // `${product}:${seller}` -> listing SKU
    for (const [product, sellers] of sellersOf) {
      const ranked = [...sellers].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      ranked.forEach(([seller], k) => {
        const sku = k === 0 ? `olist-${product}` : `olist-${product}-${seller.slice(0, 8)}`;
        expectedOwner.set(sku, sellerSlug(seller));
        listingOf.set(`${product}:${seller}`, sku);
      });
    }
    expect(sellersOf.size).toBe(6123);
    expect([...sellersOf.values()].filter((s) => s.size > 1).length).toBe(72);
    expect(expectedOwner.size).toBe(6199);
    expect(summary.products).toMatchObject({ created: 6199, failed: [] });
    expect(summary.listings).toEqual({ total: 6199, otherSellers: 76, otherSellersCreated: 76 });
    expect(summary.categories.total).toBe(70);
    expect(summary.vendors).toEqual({ total: 3095, created: 3095, selling: 1207 });
    // 10,000 orders in the file; 111 have no lines (unavailable / canceled) and are skipped.
    expect(summary.orders).toEqual({
      inFile: 10000,
      imported: 9889,
      created: 9889,
      existing: 0,
      skippedNoLines: 111,
    });

    // Every listing belongs to the seller that sold it.
    const owners = await queryRows<{ sku: string; vendor: string }>(
      t.ctx.db,
      sql`select p.sku, v.slug as vendor from products p join vendors v on v.id = p.vendor_id where p.sku like 'olist-%'`,
    );
    expect(new Map(owners.map((o) => [o.sku, o.vendor]))).toEqual(expectedOwner);
    expect(
      (await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from vendors`))[0]!.n,
    ).toBe(3095);

    // Every imported line is the listing of the seller who sold it, with that vendor: units per
    // (order, listing, seller) are the CSV's items.
    const expectedUnits = new Map<string, number>();
    for (const i of items) {
      const key = `${i.order_id}|${listingOf.get(`${i.product_id}:${i.seller_id}`)}|${sellerSlug(i.seller_id!)}`;
      expectedUnits.set(key, (expectedUnits.get(key) ?? 0) + 1);
    }
    const lines = await queryRows<{ order: string; sku: string; vendor: string; units: number }>(
      t.ctx.db,
      sql`select e.data->>'externalId' as order, l.sku, v.slug as vendor, sum(l.quantity)::int as units
        from order_line_items l join vendors v on v.id = l.vendor_id
          join order_events e on e.order_id = l.order_id and e.type = 'order.imported'
        group by 1, 2, 3`,
    );
    expect(new Map(lines.map((l) => [`${l.order}|${l.sku}|${l.vendor}`, l.units]))).toEqual(expectedUnits);
    const lineCount = await queryRows<{ n: number; units: number; shop: number }>(
      t.ctx.db,
      sql`select count(*)::int as n, sum(quantity)::int as units, count(*) filter (where vendor_id is null)::int as shop
        from order_line_items`,
    );
    // 11,252 order items: repeated units of one listing at one price are one line.
    expect(lineCount[0]).toEqual({
      n: new Set(items.map((i) => `${i.order_id}|${i.product_id}|${i.seller_id}|${i.price}`)).size,
      units: 11252,
      shop: 0,
    });

    // One vendor order per (order, seller) pair.
    const pairs = new Set(items.map((i) => `${i.order_id}|${sellerSlug(i.seller_id!)}`));
    const vendorOrders = await queryRows<{ order: string; vendor: string }>(
      t.ctx.db,
      sql`select e.data->>'externalId' as order, v.slug as vendor
        from vendor_orders vo join vendors v on v.id = vo.vendor_id
          join order_events e on e.order_id = vo.order_id and e.type = 'order.imported'`,
    );
    expect(summary.vendorOrders.created).toBe(pairs.size);
    expect(vendorOrders.length).toBe(pairs.size);
    expect(new Set(vendorOrders.map((v) => `${v.order}|${v.vendor}`))).toEqual(pairs);

    // The ranking's top 10 by BRL sales = Σ (price + freight) per seller over the items of the orders
    // not cancelled in the source (canceled, unavailable): the vendor orders that are not cancelled.
    const revenue = new Map<string, number>();
    for (const i of items) {
      if (["canceled", "unavailable"].includes(orderStatus.get(i.order_id!)!)) continue;
      const slug = sellerSlug(i.seller_id!);
      revenue.set(slug, (revenue.get(slug) ?? 0) + cents(i.price!) + cents(i.freight_value!));
    }
    const expectedTop = [...revenue].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const rankingStarted = performance.now();
    const ranking = await vendorRanking(t.ctx.db, { currency: "BRL", limit: 10 });
    const rankingMs = performance.now() - rankingStarted;
    const slugOf = new Map(
      (await queryRows<{ id: string; slug: string }>(t.ctx.db, sql`select id, slug from vendors`)).map(
        (r) => [r.id, r.slug],
      ),
    );
    expect(ranking.map((r) => [slugOf.get(r.vendorId), r.salesInCurrency])).toEqual(expectedTop);
    expect(ranking.map((r) => r.sales[0]!.sales)).toEqual(expectedTop.map(([, amount]) => amount));
    console.log(`Vendor ranking (top 10 of ${revenue.size} sellers): ${rankingMs.toFixed(0)} ms`);
    expect(rankingMs).toBeLessThan(2000);

    // A second run creates nothing and changes nothing.
    const before = await snapshot(t.ctx.db);
    const again = await importOlist(t.ctx, olistPath);
    expect(again.products).toMatchObject({ created: 0, updated: 0, unchanged: 6199 });
    expect(again.vendors.created).toBe(0);
    expect(again.orders).toMatchObject({ created: 0, existing: 9889 });
    expect(again.vendorOrders.created).toBe(0);
    expect(again.parcels.created).toBe(0);
    expect(await snapshot(t.ctx.db)).toEqual(before);
  }, 600_000);
});
