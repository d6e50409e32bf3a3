import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
      "s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,13023,campinas,SP\ns2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,4571,sao paulo,SP\n",
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
      "c1,u1,18682,lencois paulista,SP\nc2,u1,18682,lencois paulista,SP\nc3,u2,4571,sao paulo,SP\nc4,u3,4571,sao paulo,SP\n",
  );
  fs.writeFileSync(
    path.join(sub, "orders.csv"),
    "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date\n" +
      "o2,c2,delivered,2017-03-02 10:00:00,,,2017-03-10 12:00:00,\n" +
      "o1,c1,delivered,2017-01-05 12:01:20,,,2017-01-12 09:00:00,\n" +
      "o3,c3,canceled,2017-02-01 08:00:00,,,,\n" +
      "o4,c4,unavailable,2017-02-03 08:00:00,,,,\n",
  );
  fs.writeFileSync(
    path.join(sub, "order_items.csv"),
    "order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value\n" +
      "o1,1,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-01-10 00:00:00,199.9,18.14\n" +
      "o1,2,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-01-10 00:00:00,199.9,18.14\n" +
      "o1,3,p2222222222222222222222222222222,s2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,2017-01-10 00:00:00,48.9,16.6\n" +
      "o2,1,p1111111111111111111111111111111,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-03-05 00:00:00,189,10\n" +
      "o3,1,p3333333333333333333333333333333,s1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,2017-02-05 00:00:00,10.5,5\n",
  );
  return dir;
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

  it("imports categories, BRL products, vendors and historical orders, idempotently", async () => {
    const first = await importOlist(t.ctx, dir);
    expect(first.categories).toEqual({ total: 2, created: 2 });
    expect(first.products).toMatchObject({ created: 3, failed: [] });
    expect(first.vendors).toEqual({ total: 2, created: 2 });
    expect(first.orders).toEqual({ inFile: 4, imported: 3, created: 3, existing: 0, skippedNoLines: 1 });

    const product = await t.app.inject({
      method: "GET",
      url: "/api/store/products/bed-bath-table-item-p11111-111111",
    });
    expect(product.statusCode).toBe(200);
    // Priced at the most recent line (o2, March: 189.00 BRL), in its category.
    expect(product.json()).toMatchObject({
      name: "Bed Bath Table item p11111",
      price: { amount: 18900, currency: "BRL" },
      breadcrumbs: [{ name: "Bed Bath Table" }],
    });

    const orders = await queryRows<{
      number: string;
      status: string;
      payment_status: string;
      email: string;
      currency: string;
      subtotal: number;
      shipping_total: number;
      total: number;
      placed_at: Date;
      lines: { sku: string; quantity: number; unit_price: number }[];
    }>(
      t.ctx.db,
      sql`select o.number, o.status, o.payment_status, o.email, o.currency, o.subtotal::int as subtotal,
          o.shipping_total::int as shipping_total, o.total::int as total,
          o.placed_at, (select json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity, 'unit_price', l.unit_price)
            order by l.position) from order_line_items l where l.order_id = o.id) as lines
        from orders o order by o.placed_at`,
    );
    expect(orders.map((o) => [o.status, o.payment_status, o.email])).toEqual([
      ["completed", "paid", "u1@customers.olist.invalid"],
      ["cancelled", "voided", "u2@customers.olist.invalid"],
      ["completed", "paid", "u1@customers.olist.invalid"],
    ]);
    // o1: two units of p1 at 199.90 are one line; freight 3 x the line freight; Sao Paulo time = UTC-3.
    expect(orders[0]).toMatchObject({
      currency: "BRL",
      subtotal: 44870,
      shipping_total: 5288,
      total: 50158,
      lines: [
        { sku: "olist-p1111111111111111111111111111111", quantity: 2, unit_price: 19990 },
        { sku: "olist-p2222222222222222222222222222222", quantity: 1, unit_price: 4890 },
      ],
    });
    expect(new Date(orders[0]!.placed_at).toISOString()).toBe("2017-01-05T15:01:20.000Z");
    // Historical orders reserve no stock, record no payment, send nothing.
    const side = await queryRows<{ reservations: number; payments: number; outbox: number }>(
      t.ctx.db,
      sql`select (select count(*)::int from reservations) as reservations,
          (select count(*)::int from payments) as payments,
          (select count(*)::int from outbox_events where topic like 'order%') as outbox`,
    );
    expect(side[0]).toEqual({ reservations: 0, payments: 0, outbox: 0 });

    const again = await importOlist(t.ctx, dir);
    expect(again.categories.created).toBe(0);
    expect(again.products).toMatchObject({ created: 0, unchanged: 3 });
    expect(again.vendors.created).toBe(0);
    expect(again.orders).toMatchObject({ created: 0, existing: 3 });
    const count = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from orders`);
    expect(count[0]!.n).toBe(3);
  });
});

describe.skipIf(!fs.existsSync(olistPath))("Olist import (the real dataset)", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => t?.close());

  it("imports the 2017 subset: 70 categories, 6,123 products, 1,207 vendors, 9,889 orders", async () => {
    const summary = await importOlist(t.ctx, olistPath);
    expect(summary.products).toMatchObject({ created: 6123, failed: [] });
    expect(summary.categories.total).toBe(70);
    expect(summary.vendors).toEqual({ total: 1207, created: 1207 });
    // 10,000 orders in the file; 111 have no lines (unavailable / canceled) and are skipped.
    expect(summary.orders).toEqual({
      inFile: 10000,
      imported: 9889,
      created: 9889,
      existing: 0,
      skippedNoLines: 111,
    });
    const lines = await queryRows<{ n: number; units: number }>(
      t.ctx.db,
      sql`select count(*)::int as n, sum(quantity)::int as units from order_line_items`,
    );
    // 11,252 order items in the file: repeated units of one product at one price are one line.
    expect(lines[0]).toEqual({ n: 10238, units: 11252 });
  }, 120_000);
});
