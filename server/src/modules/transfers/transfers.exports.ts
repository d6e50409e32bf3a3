import { sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { listVariantsBySku } from "../catalog/index.ts";
import { listAccountsPage } from "../customers/index.ts";
import { getAvailability, listStockLevels, listStockLocations } from "../inventory/index.ts";
import { listOrders, orderStatsOfUsers } from "../orders/index.ts";
import { CsvBuilder } from "./transfers.files.ts";

export const exportResources = ["products", "stock", "customers", "orders"] as const;

/** Rows read per keyset page: an export never holds more than this many database rows at once. */
export const exportPageSize = 500;

/** Hears the rows written so far after each page (the job records it as progress). */
type OnPage = (rowsSoFar: number) => Promise<void>;

/**
 * Products, one row per variant in SKU order. `price_minor` is the regular price in minor units of
 * `currency`; `stock_available` is on hand − reserved summed over active locations (0 or more);
 * `stock_unlimited` is true when the variant sells whatever the count (stock not tracked, or
 * backorders allowed).
 */
async function exportProducts(db: Db, onPage: OnPage): Promise<CsvBuilder> {
  const csv = new CsvBuilder([
    "sku",
    "product_sku",
    "name",
    "variant",
    "status",
    "price_minor",
    "currency",
    "stock_available",
    "stock_unlimited",
  ]);
  let after: string | undefined;
  for (;;) {
    const page = await listVariantsBySku(db, { limit: exportPageSize, ...(after ? { after } : {}) });
    const stock = await getAvailability(
      db,
      page.items.map((v) => v.variantId),
    );
    csv.add(
      page.items.map((v) => {
        const a = stock.get(v.variantId);
        return [
          v.sku,
          v.productSku,
          v.productName,
          v.variantTitle,
          v.productStatus,
          v.priceAmount,
          v.currency,
          a?.availableQuantity ?? 0,
          a?.unlimited ?? false,
        ];
      }),
    );
    await onPage(csv.rows);
    if (!page.nextCursor) return csv;
    after = page.nextCursor;
  }
}

/**
 * Stock, one row per variant and location (variants in SKU order; a variant without any stock level
 * is not listed). `location` is the location's code (what a stock import takes), `quantity` the units
 * on hand, `reserved` those held for unshipped orders, `available` = quantity − reserved (negative for
 * backorders). The same columns a stock import reads (`sku`, `location`, `quantity`), so an edited
 * export imports back.
 */
async function exportStock(db: Db, onPage: OnPage): Promise<CsvBuilder> {
  const csv = new CsvBuilder([
    "sku",
    "name",
    "variant",
    "location",
    "location_name",
    "quantity",
    "reserved",
    "available",
    "low_stock_threshold",
    "manage_stock",
    "allow_backorder",
  ]);
  const locations = new Map((await listStockLocations(db)).map((l) => [l.id, l]));
  let after: string | undefined;
  for (;;) {
    const page = await listVariantsBySku(db, { limit: exportPageSize, ...(after ? { after } : {}) });
    const ids = page.items.map((v) => v.variantId);
    const levels = new Map<string, Awaited<ReturnType<typeof listStockLevels>>["items"]>();
    let cursor: string | undefined;
    while (ids.length) {
      const chunk = await listStockLevels(db, {
        variants: sql`select unnest(${sql.param(ids)}::text[])`,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const level of chunk.items)
        levels.set(level.variantId, [...(levels.get(level.variantId) ?? []), level]);
      if (!chunk.nextCursor) break;
      cursor = chunk.nextCursor;
    }
    const rows: (string | number | boolean)[][] = [];
    for (const v of page.items)
      for (const level of levels.get(v.variantId) ?? []) {
        const location = locations.get(level.locationId);
        rows.push([
          v.sku,
          v.productName,
          v.variantTitle,
          location?.code ?? level.locationId,
          location?.name ?? level.locationName,
          level.stockedQuantity,
          level.reservedQuantity,
          level.availableQuantity,
          level.lowStockThreshold,
          level.manageStock,
          level.allowBackorder,
        ]);
      }
    csv.add(rows);
    await onPage(csv.rows);
    if (!page.nextCursor) return csv;
    after = page.nextCursor;
  }
}

/**
 * Customer accounts in id (creation) order: e-mail, name, when the account was made, and what it
 * bought as the staff customer list counts it (orders module `orderStatsOfUsers`: orders placed signed
 * in, paid, not cancelled or wholly refunded): `orders` (all currencies), `last_order_at`, and
 * `total_spent_minor` (their totals, minor units of `currency`). An account that bought in several
 * currencies has one row per currency (the same `orders` on each); one without orders has one row
 * with 0 orders, 0 spent and an empty currency. Guest orders (no account) are not listed.
 */
async function exportCustomers(db: Db, onPage: OnPage): Promise<CsvBuilder> {
  const csv = new CsvBuilder([
    "email",
    "name",
    "created_at",
    "orders",
    "last_order_at",
    "total_spent_minor",
    "currency",
  ]);
  let after: string | null = null;
  for (;;) {
    const page = await listAccountsPage(db, after, exportPageSize);
    const stats = await orderStatsOfUsers(
      db,
      page.map((a) => a.id),
    );
    const rows: (string | number)[][] = [];
    for (const account of page) {
      const head = [account.email, account.name, account.createdAt.toISOString()];
      const s = stats.get(account.id);
      if (!s?.totalSpent.length) rows.push([...head, 0, "", 0, ""]);
      else
        for (const spent of s.totalSpent)
          rows.push([...head, s.ordersCount, s.lastOrderAt ?? "", spent.amount, spent.currency]);
    }
    csv.add(rows);
    await onPage(csv.rows);
    if (page.length < exportPageSize) return csv;
    after = page.at(-1)!.id;
  }
}

/**
 * Orders, newest first: number, when placed, the contact e-mail, the order, payment and fulfilment
 * statuses, and the totals in minor units of `currency` (subtotal, discount, shipping, tax, total,
 * paid = captured − refunded, refunded).
 */
async function exportOrders(db: Db, onPage: OnPage): Promise<CsvBuilder> {
  const csv = new CsvBuilder([
    "number",
    "placed_at",
    "email",
    "status",
    "payment_status",
    "fulfillment_status",
    "currency",
    "subtotal_minor",
    "discount_minor",
    "shipping_minor",
    "tax_minor",
    "total_minor",
    "paid_minor",
    "refunded_minor",
  ]);
  let before: { placedAt: Date; id: string } | null = null;
  for (;;) {
    const page = await listOrders(db, {}, exportPageSize, before);
    csv.add(
      page.map((o) => [
        o.number,
        o.placedAt.toISOString(),
        o.email,
        o.status,
        o.paymentStatus,
        o.fulfillmentStatus,
        o.currency,
        o.subtotal,
        o.discountTotal,
        o.shippingTotal,
        o.taxTotal,
        o.total,
        o.paidTotal,
        o.refundedTotal,
      ]),
    );
    await onPage(csv.rows);
    if (page.length < exportPageSize) return csv;
    const last = page.at(-1)!;
    before = { placedAt: last.placedAt, id: last.id };
  }
}

/** The CSV export of each resource, built from keyset pages of {@link exportPageSize} rows. */
export const exporters: Record<
  (typeof exportResources)[number],
  (db: Db, onPage: OnPage) => Promise<CsvBuilder>
> = {
  products: exportProducts,
  stock: exportStock,
  customers: exportCustomers,
  orders: exportOrders,
};
