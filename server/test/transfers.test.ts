import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transferImporters } from "../src/importers/transfers.ts";
import { createStockLocation } from "../src/modules/inventory/index.ts";
import { importHistoricalOrders } from "../src/modules/orders/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { dataTransferJob, runDataTransfer, type TransferImporters } from "../src/modules/transfers/index.ts";
import { createTransfer, getTransfer, transferKey } from "../src/modules/transfers/transfers.service.ts";
import { queryRows } from "../src/platform/db.ts";
import { JobRuntime } from "../src/platform/jobs.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Imports and exports from the admin (POST /api/admin/transfers/imports|exports), run by the
 * `data-transfer` job on pg-boss: progress on the transfer, an error report naming each bad row and
 * field, the summary, exported CSVs in minor units, permissions by resource, and a retry after a crash
 * that writes nothing twice.
 */

let t: Awaited<ReturnType<typeof testApp>>;
let runtime: JobRuntime;
const cookies: Record<"owner" | "catalog" | "orders" | "support", string> = {
  owner: "",
  catalog: "",
  orders: "",
  support: "",
};
type Who = keyof typeof cookies;

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function call(who: Who, method: "GET" | "POST", url: string, payload?: object) {
  return t.app.inject({
    method,
    url,
    headers: { cookie: cookies[who], origin: t.ctx.config.publicUrl },
    ...(payload ? { payload } : {}),
  });
}

function upload(
  who: Who,
  query: string,
  body: string | Buffer,
  contentType = "text/csv",
  fileName = "products.csv",
) {
  return t.app.inject({
    method: "POST",
    url: `/api/admin/transfers/imports?${query}`,
    headers: {
      cookie: cookies[who],
      origin: t.ctx.config.publicUrl,
      "content-type": contentType,
      "x-file-name": encodeURIComponent(fileName),
    },
    payload: body,
  });
}

/** Polls a transfer until it succeeded or failed. */
async function finished(id: string, who: Who = "owner") {
  for (let waited = 0; ; waited += 200) {
    const res = await call(who, "GET", `/api/admin/transfers/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    if (body.status === "succeeded" || body.status === "failed") return body;
    if (waited > 60_000) throw new Error(`transfer ${id} still ${body.status}`);
    await sleep(200);
  }
}

function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
}

async function account(email: string, name: string, role?: string): Promise<{ id: string; cookie: string }> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name, email, password: "steady-heron-9031" },
  });
  expect(res.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from users where email = ${email}`);
  if (role) await assignRole(t.ctx.db, user!.id, role);
  return { id: user!.id, cookie: cookieOf(res) };
}

async function productCount(prefix: string) {
  const [row] = await queryRows<{ n: number }>(
    t.ctx.db,
    sql`select count(*)::int as n from products where sku like ${`${prefix}%`}`,
  );
  return row!.n;
}

/** A product CSV of `n` good rows (SKU `<prefix>-<i>`), in the upload's column names. */
function productCsv(prefix: string, n: number, extra: string[] = []): string {
  const lines = ["sku,name,price,currency,qty,category,brand"];
  for (let i = 1; i <= n; i++)
    lines.push(`${prefix}-${i},Item ${i},${(i % 90) + 9}.99,USD,${i % 7},Bulk > Items,Acme`);
  return [...lines, ...extra].join("\n");
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const owner = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  cookies.owner = cookieOf(owner);
  cookies.catalog = (await account("catalog@shop.test", "Cat Manager", "catalog_manager")).cookie;
  cookies.orders = (await account("orders@shop.test", "Order Manager", "order_manager")).cookie;
  cookies.support = (await account("support@shop.test", "Support Agent", "support_agent")).cookie;
  // The registry's job, worked by a runtime of this test's own (the app's runtime only sends).
  const job = t.ctx.jobs.list().find((j) => j.name === dataTransferJob);
  expect(job).toBeDefined();
  runtime = new JobRuntime(t.database).define(job!);
  await runtime.work({ pollingIntervalSeconds: 0.5 });
}, 120_000);

afterAll(async () => {
  await runtime?.stop(2_000);
  await t?.close();
});

describe("product import", () => {
  it("imports the good rows of a CSV, reports each bad row and field, and ends succeeded with the counts", async () => {
    const csv = productCsv("GOOD", 6, [
      "BAD-NAME,,10.00,USD,1,Bulk,Acme", // row 8: no name
      "BAD-PRICE,Broken,12.3.4,USD,1,Bulk,Acme", // row 9: bad price
      "BAD-QTY,Minus,10,USD,-2,Bulk,Acme", // row 10: bad quantity
      "BAD-IMG,Local Image,10,USD,1,Bulk,Acme", // row 11: fine here (no image column)
      "GOOD-1,Duplicate,10,USD,1,Bulk,Acme", // row 12: a SKU that came on row 2
    ]);
    const started = await upload("catalog", "resource=products&format=csv", csv, "text/csv; charset=utf-8");
    expect(started.statusCode).toBe(202);
    const queued = started.json();
    expect(queued).toMatchObject({
      direction: "import",
      resource: "products",
      format: "csv",
      status: "queued",
      fileName: "products.csv",
      total: 11,
      processed: 0,
    });
    expect(started.headers.location).toBe(`/api/admin/transfers/${queued.id}`);

    const done = await finished(queued.id, "catalog");
    expect(done).toMatchObject({
      status: "succeeded",
      total: 11,
      processed: 11,
      succeeded: 7,
      failed: 4,
      summary: { created: 7, updated: 0, unchanged: 0, failed: 4 },
      error: null,
      fileUrl: null,
      errorReportUrl: `/api/admin/transfers/${queued.id}/error-report`,
    });
    expect(await productCount("GOOD-")).toBe(6);
    expect(await productCount("BAD-IMG")).toBe(1);
    expect(await productCount("BAD-NAME")).toBe(0);

    const report = await call("catalog", "GET", done.errorReportUrl);
    expect(report.statusCode).toBe(200);
    expect(report.headers["content-type"]).toMatch(/^text\/csv/);
    expect(report.headers["content-disposition"]).toContain('filename="products-errors.csv"');
    expect(report.body.split("\r\n")[0]).toBe("row,key,field,message");
    expect(csvRows(report.body)).toEqual([
      { row: "8", key: "BAD-NAME", field: "name", message: "is required" },
      { row: "9", key: "BAD-PRICE", field: "price", message: '"12.3.4" is not a price' },
      { row: "10", key: "BAD-QTY", field: "qty", message: '"-2" is not a whole number of units' },
      { row: "12", key: "GOOD-1", field: "sku", message: '"GOOD-1" already came on row 2' },
    ]);

    const [audit] = await queryRows<{ action: string; metadata: { rows: number } }>(
      t.ctx.db,
      sql`select action, metadata from audit_events where target_id = ${queued.id}`,
    );
    expect(audit).toMatchObject({ action: "transfer.import.start", metadata: { rows: 11 } });
  }, 90_000);

  it("imports a JSON array, failing an element that is not an object and an image that is no URL", async () => {
    const records = [
      { sku: "JS-1", name: "Json One", price: 19.5, currency: "EUR", qty: 3, brand: "Acme" },
      { sku: "JS-2", name: "Json Two", price: "7", image: "https://cdn.example.com/js-2.jpg" },
      42,
      { sku: "JS-4", name: "Reads a file", price: 5, image: "../../etc/passwd" },
    ];
    const started = await upload(
      "catalog",
      "resource=products",
      JSON.stringify(records),
      "application/json",
      "feed.json",
    );
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ format: "json", total: 4, fileName: "feed.json" });
    const done = await finished(started.json().id, "catalog");
    expect(done).toMatchObject({ status: "succeeded", summary: { created: 2, failed: 2 } });
    const [price] = await queryRows<{ price_amount: number; currency: string }>(
      t.ctx.db,
      sql`select price_amount::int, currency from variants where sku = 'JS-1'`,
    );
    expect(price).toEqual({ price_amount: 1950, currency: "EUR" });
    const report = csvRows((await call("catalog", "GET", done.errorReportUrl)).body);
    expect(report.map((r) => [r.row, r.key, r.field])).toEqual([
      ["3", "", "row"],
      ["4", "JS-4", "image"],
    ]);
  }, 60_000);

  it("writes progress to the transfer while it runs, at least every 500 rows", async () => {
    const data = Buffer.from(productCsv("PROG", 1200));
    const id = await queuedImport("products", data);
    const seen: { status: string; processed: number; total: number | null; succeeded: number }[] = [];
    const watching: TransferImporters = {
      ...transferImporters,
      products: (ctx, input, onProgress) =>
        transferImporters.products(ctx, input, async (p) => {
          await onProgress(p);
          seen.push(await getTransfer(t.ctx.db, id));
        }),
    };
    const result = await runDataTransfer(t.ctx, id, watching);
    expect(result.status).toBe("succeeded");
    expect(seen.map((s) => [s.status, s.processed, s.total, s.succeeded])).toEqual([
      ["running", 500, 1200, 500],
      ["running", 1000, 1200, 1000],
      ["running", 1200, 1200, 1200],
    ]);
    expect((await getTransfer(t.ctx.db, id)).summary).toEqual({
      created: 1200,
      updated: 0,
      unchanged: 0,
      failed: 0,
    });
  }, 60_000);

  it("retried after a crash, imports what is left and duplicates nothing", async () => {
    const id = await queuedImport("products", Buffer.from(productCsv("CRASH", 1100)));
    const crashing: TransferImporters = {
      ...transferImporters,
      products: (ctx, input, onProgress) =>
        transferImporters.products(ctx, input, async (p) => {
          await onProgress(p);
          throw new Error("worker lost its database connection");
        }),
    };
    await expect(runDataTransfer(t.ctx, id, crashing)).rejects.toThrow(/lost its database connection/);
    expect(await getTransfer(t.ctx.db, id)).toMatchObject({
      status: "failed",
      error: "worker lost its database connection",
      processed: 500,
    });
    expect(await productCount("CRASH-")).toBe(500);

    // The job runtime's retry runs the same transfer again.
    const retried = await runDataTransfer(t.ctx, id, transferImporters);
    expect(retried.status).toBe("succeeded");
    expect(await productCount("CRASH-")).toBe(1100);
    const [dupes] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from variants where sku like 'CRASH-%'`,
    );
    expect(dupes!.n).toBe(1100);
    expect(await getTransfer(t.ctx.db, id)).toMatchObject({
      status: "succeeded",
      error: null,
      summary: { created: 600, updated: 0, unchanged: 500, failed: 0 },
    });
    // A job delivered once more after success does nothing.
    expect((await runDataTransfer(t.ctx, id, crashing)).status).toBe("succeeded");
  }, 60_000);
});

/** A queued import written directly (no job sent), for tests that run it by hand. */
async function queuedImport(resource: "products" | "stock", data: Buffer): Promise<string> {
  const transfer = await t.ctx.db.transaction((tx) =>
    createTransfer(tx, {
      direction: "import",
      resource,
      format: "csv",
      fileName: `${resource}.csv`,
      createdBy: null,
    }),
  );
  const key = transferKey(transfer.id, "source.csv");
  await t.ctx.storage.put(key, data);
  await t.ctx.db.execute(sql`update data_transfers set source_key = ${key} where id = ${transfer.id}`);
  return transfer.id;
}

describe("stock import", () => {
  it("sets units on hand per SKU and location as ledger corrections, and a second run changes nothing", async () => {
    await t.ctx.db.transaction((tx) => createStockLocation(tx, { code: "north", name: "North store" }));
    const csv = [
      "sku,location,quantity,note",
      "TEE-S,,42,x", // row 2: default location
      "TEE-M,north,7,x", // row 3: a new level at another location
      "MUG,default,100,x", // row 4: already 100 on hand
      "NOPE,,5,x", // row 5: unknown SKU
      "TEE-S,south,5,x", // row 6: unknown location
      "TEE-M,,1.5,x", // row 7: not a whole number
    ].join("\n");
    const started = await upload("catalog", "resource=stock", csv, "text/csv", "stock.csv");
    expect(started.statusCode).toBe(202);
    const done = await finished(started.json().id, "catalog");
    expect(done).toMatchObject({
      status: "succeeded",
      summary: { created: 1, updated: 1, unchanged: 1, failed: 3 },
      succeeded: 3,
      failed: 3,
    });
    const levels = await queryRows<{ sku: string; code: string; stocked_quantity: number }>(
      t.ctx.db,
      sql`select v.sku, l.code, il.stocked_quantity from inventory_levels il
        join variants v on v.id = il.variant_id join stock_locations l on l.id = il.location_id
        where v.sku in ('TEE-S', 'TEE-M', 'MUG') order by v.sku, l.code`,
    );
    expect(levels.map((l) => [l.sku, l.code, l.stocked_quantity])).toEqual([
      ["MUG", "default", 100],
      ["TEE-M", "default", 50],
      ["TEE-M", "north", 7],
      ["TEE-S", "default", 42],
    ]);
    const ledger = await queryRows<{
      reason: string;
      before: number;
      after: number;
      note: string;
      actor_id: string;
    }>(
      t.ctx.db,
      sql`select reason, before, after, note, actor_id from stock_adjustments where reason = 'correction' order by id`,
    );
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({ reason: "correction", before: 50, after: 42 });
    expect(ledger[0]!.note).toContain(started.json().id);
    expect(ledger[0]!.actor_id).toBe(done.createdBy);
    const report = csvRows((await call("catalog", "GET", done.errorReportUrl)).body);
    expect(report).toEqual([
      { row: "5", key: "NOPE", field: "sku", message: 'no variant has the SKU "NOPE"' },
      { row: "6", key: "TEE-S", field: "location", message: 'no stock location has the code "south"' },
      {
        row: "7",
        key: "TEE-M",
        field: "quantity",
        message: '"1.5" is not a whole number of units, 0 or more',
      },
    ]);

    const again = await upload("catalog", "resource=stock", csv, "text/csv", "stock.csv");
    expect(await finished(again.json().id, "catalog")).toMatchObject({
      summary: { created: 0, updated: 0, unchanged: 3, failed: 3 },
    });
    const [count] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from stock_adjustments where reason = 'correction'`,
    );
    expect(count!.n).toBe(2);
  }, 60_000);
});

describe("exports", () => {
  async function exported(who: Who, resource: string) {
    const started = await call(who, "POST", "/api/admin/transfers/exports", { resource, format: "csv" });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ direction: "export", resource, status: "queued", fileUrl: null });
    const done = await finished(started.json().id, who);
    expect(done.status).toBe("succeeded");
    expect(done.fileUrl).toBe(`/api/admin/transfers/${done.id}/file`);
    const file = await call(who, "GET", done.fileUrl);
    expect(file.statusCode).toBe(200);
    expect(file.headers["content-type"]).toMatch(/^text\/csv/);
    expect(file.headers["content-disposition"]).toMatch(
      new RegExp(`^attachment; filename="${resource}-.*\\.csv"`),
    );
    expect(done.summary).toEqual({ rows: csvRows(file.body).length });
    return { header: file.body.split("\r\n")[0], rows: csvRows(file.body), done };
  }

  it("exports products, one row per variant, prices in minor units with the currency", async () => {
    const { header, rows } = await exported("catalog", "products");
    expect(header).toBe(
      "sku,product_sku,name,variant,status,price_minor,currency,stock_available,stock_unlimited",
    );
    const bySku = new Map(rows.map((r) => [r.sku, r]));
    expect(bySku.get("TEE-M")).toMatchObject({
      product_sku: "TEE",
      name: "Trail Tee",
      status: "active",
      price_minor: "2900",
      currency: "USD",
      stock_available: "57",
      stock_unlimited: "false",
    });
    expect(bySku.get("MUG")).toMatchObject({ price_minor: "1250", stock_available: "100" });
    expect(bySku.get("GUIDE")).toMatchObject({ price_minor: "900", stock_unlimited: "true" });
    expect(bySku.get("JS-1")).toMatchObject({ price_minor: "1950", currency: "EUR" });
    // In SKU order, every variant once (the imports above added 2,300 more).
    expect(rows.map((r) => r.sku)).toEqual([...rows.map((r) => r.sku)].sort());
    expect(new Set(rows.map((r) => r.sku)).size).toBe(rows.length);
    const [variants] = await queryRows<{ n: number }>(t.ctx.db, sql`select count(*)::int as n from variants`);
    expect(rows).toHaveLength(variants!.n);
  }, 60_000);

  it("exports stock per variant and location, in the columns a stock import reads", async () => {
    const { header, rows } = await exported("catalog", "stock");
    expect(header).toBe(
      "sku,name,variant,location,location_name,quantity,reserved,available,low_stock_threshold,manage_stock,allow_backorder",
    );
    const tee = rows.filter((r) => r.sku === "TEE-M").map((r) => [r.location, r.quantity, r.available]);
    expect(tee).toEqual([
      ["default", "50", "50"],
      ["north", "7", "7"],
    ]);
  }, 60_000);

  it("exports customers with their orders and amount spent per currency, and orders with their totals", async () => {
    const ada = await account("ada@example.com", "Ada Byron");
    await account("mallory@example.com", '=HYPERLINK("http://evil.example","x")');
    const [product] = await queryRows<{ id: string; variant_id: string }>(
      t.ctx.db,
      sql`select p.id, v.id as variant_id from products p join variants v on v.product_id = p.id where v.sku = 'MUG'`,
    );
    const line = (unitPrice: number, quantity: number) => ({
      productId: product!.id,
      variantId: product!.variant_id,
      sku: "MUG",
      productName: "Camp Mug",
      productSlug: "camp-mug",
      quantity,
      unitPrice,
      weightGrams: 350,
    });
    const order = (
      externalId: string,
      placedAt: string,
      currency: string,
      lines: ReturnType<typeof line>[],
    ) => ({
      source: "test",
      externalId,
      status: "delivered" as const,
      paymentStatus: "paid" as const,
      fulfillmentStatus: "delivered" as const,
      currency,
      email: "ada@example.com",
      userId: ada.id,
      shippingAddress: null,
      pricesIncludeTax: false,
      shippingTotal: 500,
      placedAt: new Date(placedAt),
      lines,
    });
    await importHistoricalOrders(t.ctx.db, [
      order("1", "2026-01-02T10:00:00.000Z", "USD", [line(1250, 2)]),
      order("2", "2026-02-03T10:00:00.000Z", "USD", [line(1250, 1)]),
      order("3", "2026-03-04T10:00:00.000Z", "EUR", [line(1100, 1)]),
      {
        ...order("4", "2026-03-05T10:00:00.000Z", "USD", [line(999, 1)]),
        email: "guest@example.com",
        userId: null,
      },
    ]);

    expect(
      (
        await call("catalog", "POST", "/api/admin/transfers/exports", {
          resource: "customers",
          format: "csv",
        })
      ).statusCode,
    ).toBe(403);
    const customers = await exported("orders", "customers");
    expect(customers.header).toBe("email,name,created_at,orders,last_order_at,total_spent_minor,currency");
    const adaRows = customers.rows.filter((r) => r.email === "ada@example.com");
    expect(adaRows.map((r) => [r.orders, r.last_order_at, r.total_spent_minor, r.currency]).sort()).toEqual([
      ["3", "2026-03-04T10:00:00.000Z", "1600", "EUR"],
      ["3", "2026-03-04T10:00:00.000Z", "4750", "USD"],
    ]);
    expect(customers.rows.find((r) => r.email === "catalog@shop.test")).toMatchObject({
      orders: "0",
      total_spent_minor: "0",
      currency: "",
    });
    // A name a spreadsheet would run as a formula is written as text.
    expect(customers.rows.find((r) => r.email === "mallory@example.com")!.name).toBe(
      '\'=HYPERLINK("http://evil.example","x")',
    );
    expect(customers.rows.some((r) => r.email === "guest@example.com")).toBe(false);

    const orders = await exported("orders", "orders");
    expect(orders.header).toBe(
      "number,placed_at,email,status,payment_status,fulfillment_status,currency,subtotal_minor,discount_minor,shipping_minor,tax_minor,total_minor,paid_minor,refunded_minor",
    );
    expect(
      orders.rows.map((r) => [
        r.placed_at,
        r.email,
        r.currency,
        r.subtotal_minor,
        r.shipping_minor,
        r.total_minor,
      ]),
    ).toEqual([
      ["2026-03-05T10:00:00.000Z", "guest@example.com", "USD", "999", "500", "1499"],
      ["2026-03-04T10:00:00.000Z", "ada@example.com", "EUR", "1100", "500", "1600"],
      ["2026-02-03T10:00:00.000Z", "ada@example.com", "USD", "1250", "500", "1750"],
      ["2026-01-02T10:00:00.000Z", "ada@example.com", "USD", "2500", "500", "3000"],
    ]);
    const numbers = await queryRows<{ number: string }>(
      t.ctx.db,
      sql`select number from orders order by placed_at desc`,
    );
    expect(orders.rows.map((r) => r.number)).toEqual(numbers.map((n) => n.number));
    expect(orders.rows[0]).toMatchObject({ status: "delivered", payment_status: "paid", paid_minor: "1499" });
  }, 60_000);
});

describe("refusals", () => {
  it("answers 400 naming the file, the resource or the format, 413 over 50 MB, and 415 for other types", async () => {
    const field = (res: LightMyRequestResponse) => [res.statusCode, res.json().errors?.[0]?.field];
    expect(field(await upload("catalog", "resource=products", ""))).toEqual([400, "file"]);
    expect(field(await upload("catalog", "resource=products", "  \n"))).toEqual([400, "file"]);
    expect(field(await upload("catalog", "resource=products", "sku,name,price\n"))).toEqual([400, "file"]);
    const missing = await upload("catalog", "resource=products", "sku,name\nA,B\n");
    expect(field(missing)).toEqual([400, "file"]);
    expect(missing.json().errors[0].message).toMatch(/lacks the column price/);
    expect(field(await upload("catalog", "resource=products", 'sku,name,price\n"A,B,1\n'))).toEqual([
      400,
      "file",
    ]);
    expect(field(await upload("catalog", "resource=products", "[{", "application/json"))).toEqual([
      400,
      "file",
    ]);
    expect(field(await upload("catalog", "resource=products", '{"a":1}', "application/json"))).toEqual([
      400,
      "file",
    ]);
    expect(field(await upload("catalog", "resource=reviews", productCsv("X", 1)))).toEqual([400, "resource"]);
    expect(field(await upload("catalog", "resource=products&format=json", productCsv("X", 1)))).toEqual([
      400,
      "format",
    ]);
    expect(field(await upload("catalog", "resource=products&extra=1", productCsv("X", 1)))).toEqual([
      400,
      "extra",
    ]);
    expect((await upload("catalog", "resource=products", productCsv("X", 1), "text/plain")).statusCode).toBe(
      415,
    );
    expect(
      (await upload("catalog", "resource=products", productCsv("X", 1), "application/octet-stream"))
        .statusCode,
    ).toBe(415);
    const huge = await upload("catalog", "resource=products", Buffer.alloc(50 * 1024 * 1024 + 1, 97));
    expect(huge.statusCode).toBe(413);
    const badExport = await call("owner", "POST", "/api/admin/transfers/exports", {
      resource: "reviews",
      format: "csv",
    });
    expect(field(badExport)).toEqual([400, "resource"]);
    const badFormat = await call("owner", "POST", "/api/admin/transfers/exports", {
      resource: "orders",
      format: "xlsx",
    });
    expect(field(badFormat)).toEqual([400, "format"]);
    const badCursor = await call("owner", "GET", "/api/admin/transfers?cursor=nope");
    expect(field(badCursor)).toEqual([400, "cursor"]);
    // Nothing was stored or queued for them.
    const [n] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from data_transfers where resource not in ('products', 'stock', 'customers', 'orders')`,
    );
    expect(n!.n).toBe(0);
  }, 60_000);

  it("answers 404 for an unknown transfer, a missing error report or an import's file, 409 for an unfinished export", async () => {
    expect(
      (await call("owner", "GET", "/api/admin/transfers/dtr_01J0000000000000000000000Z")).json().code,
    ).toBe("TRANSFER_NOT_FOUND");
    expect((await call("owner", "GET", "/api/admin/transfers/nope/file")).statusCode).toBe(404);
    expect((await call("owner", "GET", "/api/admin/transfers/nope/error-report")).statusCode).toBe(404);
    const clean = await upload("catalog", "resource=products", productCsv("CLEAN", 2));
    const done = await finished(clean.json().id, "catalog");
    expect(done).toMatchObject({ status: "succeeded", errorReportUrl: null, failed: 0 });
    const noReport = await call("catalog", "GET", `/api/admin/transfers/${done.id}/error-report`);
    expect([noReport.statusCode, noReport.json().code]).toEqual([404, "ERROR_REPORT_NOT_FOUND"]);
    const noFile = await call("catalog", "GET", `/api/admin/transfers/${done.id}/file`);
    expect([noFile.statusCode, noFile.json().code]).toEqual([404, "TRANSFER_FILE_NOT_FOUND"]);
    const pending = await t.ctx.db.transaction((tx) =>
      createTransfer(tx, {
        direction: "export",
        resource: "orders",
        format: "csv",
        fileName: "orders.csv",
        createdBy: null,
      }),
    );
    const early = await call("owner", "GET", `/api/admin/transfers/${pending.id}/file`);
    expect([early.statusCode, early.json().code]).toEqual([409, "TRANSFER_NOT_FINISHED"]);
  }, 60_000);

  it("checks each resource's permission: to start a transfer, to see it, its report and its file", async () => {
    // catalog_manager: catalog:write and inventory:write, no customers:read or orders:read.
    for (const resource of ["customers", "orders"]) {
      const res = await call("catalog", "POST", "/api/admin/transfers/exports", { resource, format: "csv" });
      expect([res.statusCode, res.json().code]).toEqual([403, "PERMISSION_DENIED"]);
      expect(res.json().detail).toContain(resource === "customers" ? "customers:read" : "orders:read");
    }
    // order_manager: catalog:read but not catalog:write nor inventory:write.
    const products = await upload("orders", "resource=products", productCsv("DENIED", 1));
    expect([products.statusCode, products.json().detail]).toEqual([
      403,
      "This needs the catalog:write permission.",
    ]);
    const stock = await upload("orders", "resource=stock", "sku,quantity\nMUG,1\n");
    expect([stock.statusCode, stock.json().detail]).toEqual([
      403,
      "This needs the inventory:write permission.",
    ]);
    expect(await productCount("DENIED")).toBe(0);

    // The owner's customer export is not the catalog manager's to see, nor its file.
    const ownerExport = await call("owner", "POST", "/api/admin/transfers/exports", {
      resource: "customers",
      format: "csv",
    });
    const exportDone = await finished(ownerExport.json().id);
    expect((await call("catalog", "GET", `/api/admin/transfers/${exportDone.id}`)).statusCode).toBe(403);
    expect((await call("catalog", "GET", `/api/admin/transfers/${exportDone.id}/file`)).statusCode).toBe(403);
    expect((await call("orders", "GET", `/api/admin/transfers/${exportDone.id}/file`)).statusCode).toBe(200);

    // Lists show only what the caller may see.
    const listed = async (who: Who) => {
      const res = await call(who, "GET", "/api/admin/transfers?limit=100");
      expect(res.statusCode).toBe(200);
      return res.json().items as { id: string; direction: string; resource: string }[];
    };
    const catalogList = await listed("catalog");
    expect(catalogList.some((x) => x.resource === "customers" || x.resource === "orders")).toBe(false);
    expect(catalogList.some((x) => x.direction === "import")).toBe(true);
    const supportList = await listed("support");
    expect(
      supportList.every((x) => x.direction === "export" && ["customers", "orders"].includes(x.resource)),
    ).toBe(true);
    expect(supportList.map((x) => x.id)).toContain(exportDone.id);
    const ordersList = await listed("orders");
    expect(ordersList.some((x) => x.direction === "import")).toBe(false);
  }, 60_000);

  it("lists newest first in keyset pages", async () => {
    const all = (await call("owner", "GET", "/api/admin/transfers?limit=100")).json();
    expect(all.total).toBe(all.items.length);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        "owner",
        "GET",
        `/api/admin/transfers?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      const page = res.json();
      pages.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.items.map((x: { id: string }) => x.id));
    const created = all.items.map((x: { createdAt: string }) => x.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });
});
