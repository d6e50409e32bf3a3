/**
 * Reading the Olist marketplace dataset (github.com/olist/work-at-olist-data, MIT) without a database:
 * shared by the Olist import (olist.ts) and the recommendation bench (bench/recommendations.ts).
 *
 * Layout of the folder (as in ../shared/datasets/olist): `olist_products_dataset.csv`,
 * `olist_sellers_dataset.csv`, `product_category_name_translation.csv` at the top, and the orders in
 * `orders-2017-subset/` (`orders.csv`, `order_items.csv`, `customers.csv`, `products.csv`). The official
 * full layout (`olist_orders_dataset.csv`, `olist_order_items_dataset.csv`, `olist_customers_dataset.csv`
 * at the top) is read too. Timestamps are local time in Sao Paulo (UTC-3 in 2017 outside daylight
 * saving; taken as UTC-3 throughout, at most an hour off in the DST months).
 */
import fs from "node:fs";
import path from "node:path";
import type { Purchase } from "../modules/recommendations/index.ts";
import { type Row, readCsv } from "./csv-records.ts";

/** The records of a CSV file, keyed by its header. */
function readCsvFile(file: string): Row[] {
  return readCsv(file).map((r) => r.record);
}

/** The first of the candidate paths (relative to `dir`) that exists. @throws Error naming them all */
function pick(dir: string, ...candidates: string[]): string {
  for (const c of candidates) {
    const file = path.join(dir, c);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`Olist folder ${dir} has none of ${candidates.join(", ")}`);
}

/** An Olist timestamp ("2017-10-02 10:56:33", Sao Paulo time) as a UTC Date (UTC-3). */
export function olistTime(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h! + 3, +mi!, +(s ?? 0)));
}

/** An Olist category name as a display name: "bed_bath_table" -> "Bed Bath Table". */
export function categoryDisplayName(name: string): string {
  return name
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

export interface OlistOrder {
  orderId: string;
  /** Olist's `customer_id` is one per order; `customer_unique_id` identifies the shopper. */
  customerId: string;
  customerUniqueId: string;
  status: string;
  purchasedAt: Date;
  /** Handed to the carrier (`order_delivered_carrier_date`), or null. */
  shippedAt: Date | null;
  /** Delivered to the customer (`order_delivered_customer_date`), or null. */
  deliveredAt: Date | null;
  city: string;
  state: string;
  zip: string;
}

export interface OlistItem {
  orderId: string;
  /** 1-based line number within the order (a product bought twice is two lines). */
  itemNo: number;
  productId: string;
  sellerId: string;
  /** Price and freight of the line, BRL cents. */
  price: number;
  freight: number;
}

export interface OlistProduct {
  productId: string;
  /** Portuguese category name ("" when unknown). */
  category: string;
  /** English category name from the translation file, or the Portuguese one, or "uncategorized". */
  categoryEnglish: string;
  weightGrams: number | null;
  photos: number | null;
  lengthCm: number | null;
  heightCm: number | null;
  widthCm: number | null;
}

export interface OlistSeller {
  sellerId: string;
  city: string;
  state: string;
  zip: string;
}

export interface OlistData {
  orders: OlistOrder[];
  items: OlistItem[];
  /** Products that appear in the order items (the priced ones), by id. */
  products: Map<string, OlistProduct>;
  sellers: OlistSeller[];
}

/** Reais with up to two decimals ("199.9") as cents; null when not a number. */
export function brlCents(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  const [whole, frac = ""] = t.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
}

const num = (text: string | undefined) => {
  if (!text?.trim()) return null;
  const n = Number(text);
  return Number.isFinite(n) ? Math.round(n) : null;
};

/**
 * Reads the Olist folder: orders (sorted by purchase time, then id), their lines, the products of
 * those lines (from the subset's products file, else the full one) with English category names, and
 * the sellers. Rows with an unreadable timestamp or price are left out.
 */
export function readOlist(dir: string): OlistData {
  const subset = fs.existsSync(path.join(dir, "orders-2017-subset")) ? "orders-2017-subset/" : "";
  const ordersFile = pick(dir, `${subset}orders.csv`, "olist_orders_dataset.csv");
  const itemsFile = pick(dir, `${subset}order_items.csv`, "olist_order_items_dataset.csv");
  const customersFile = pick(dir, `${subset}customers.csv`, "olist_customers_dataset.csv");
  const productsFile = pick(dir, `${subset}products.csv`, "olist_products_dataset.csv");
  const customers = new Map(readCsvFile(customersFile).map((r) => [r.customer_id!, r]));
  const orders: OlistOrder[] = [];
  for (const r of readCsvFile(ordersFile)) {
    const purchasedAt = olistTime(r.order_purchase_timestamp ?? "");
    if (!r.order_id || !purchasedAt) continue;
    const c = customers.get(r.customer_id ?? "");
    orders.push({
      orderId: r.order_id,
      customerId: r.customer_id ?? "",
      customerUniqueId: c?.customer_unique_id || r.customer_id || r.order_id,
      status: r.order_status ?? "",
      purchasedAt,
      shippedAt: olistTime(r.order_delivered_carrier_date ?? ""),
      deliveredAt: olistTime(r.order_delivered_customer_date ?? ""),
      city: c?.customer_city ?? "",
      state: c?.customer_state ?? "",
      zip: c?.customer_zip_code_prefix ?? "",
    });
  }
  orders.sort(
    (a, b) => a.purchasedAt.getTime() - b.purchasedAt.getTime() || (a.orderId < b.orderId ? -1 : 1),
  );
  const items: OlistItem[] = [];
  for (const r of readCsvFile(itemsFile)) {
    const price = brlCents(r.price ?? "");
    if (!r.order_id || !r.product_id || price === null) continue;
    items.push({
      orderId: r.order_id,
      itemNo: Number(r.order_item_id) || 1,
      productId: r.product_id,
      sellerId: r.seller_id ?? "",
      price,
      freight: brlCents(r.freight_value ?? "") ?? 0,
    });
  }
  items.sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.itemNo - b.itemNo));
  const translationFile = path.join(dir, "product_category_name_translation.csv");
  const english = new Map(
    fs.existsSync(translationFile)
      ? readCsvFile(translationFile).map((r) => [
          r.product_category_name ?? "",
          r.product_category_name_english ?? "",
        ])
      : [],
  );
  const wanted = new Set(items.map((i) => i.productId));
  const products = new Map<string, OlistProduct>();
  for (const file of new Set([productsFile, path.join(dir, "olist_products_dataset.csv")])) {
    if (!fs.existsSync(file)) continue;
    for (const r of readCsvFile(file)) {
      const id = r.product_id ?? "";
      if (!wanted.has(id) || products.has(id)) continue;
      const category = r.product_category_name ?? "";
      products.set(id, {
        productId: id,
        category,
        categoryEnglish: english.get(category) || category || "uncategorized",
        weightGrams: num(r.product_weight_g),
        photos: num(r.product_photos_qty),
        lengthCm: num(r.product_length_cm),
        heightCm: num(r.product_height_cm),
        widthCm: num(r.product_width_cm),
      });
    }
  }
  const sellersFile = path.join(dir, "olist_sellers_dataset.csv");
  const sellers = fs.existsSync(sellersFile)
    ? readCsvFile(sellersFile).map((r) => ({
        sellerId: r.seller_id ?? "",
        city: r.seller_city ?? "",
        state: r.seller_state ?? "",
        zip: r.seller_zip_code_prefix ?? "",
      }))
    : [];
  return { orders, items, products, sellers };
}

/**
 * The purchases of an Olist dataset for the recommendation model: one per order line, the shopper
 * being `customer_unique_id` (Olist's `customer_id` is new for every order).
 */
export function olistPurchases(data: OlistData): Purchase[] {
  const orderById = new Map(data.orders.map((o) => [o.orderId, o]));
  const purchases: Purchase[] = [];
  for (const item of data.items) {
    const order = orderById.get(item.orderId);
    if (!order) continue;
    purchases.push({
      orderId: item.orderId,
      customerId: order.customerUniqueId,
      productId: item.productId,
      at: order.purchasedAt.getTime(),
    });
  }
  return purchases;
}
