/**
 * The Olist import: `npm run import -- olist ../shared/datasets/olist`.
 *
 * Olist (github.com/olist/work-at-olist-data, MIT) is a Brazilian marketplace: anonymised products
 * (no names), sellers, and orders. What becomes what:
 * - categories: one top-level category per English-translated Olist category ("Bed Bath Table");
 * - products: the products of the imported orders' lines (the only ones with a price), one simple
 *   product each, SKU `olist-<product id>`, named "<Category> item <first 6 of the id>", priced at
 *   their most recent order line price in BRL (the catalog keeps a currency per variant; the shop's
 *   default currency is NOT changed: a USD shop cannot put BRL products in a USD cart, so an Olist
 *   store should set its default currency to BRL, or add a BRL price list). Stock is not tracked
 *   (the marketplace sellers hold it; the dataset does not say how much);
 * - sellers of the imported lines become vendors (`olist-seller-<first 12 of the id>`), through the
 *   vendors module (products and lines do not point at vendors yet: no such column);
 * - orders: the first 10,000 by purchase time (the subset holds exactly 10,000) become historical
 *   orders (orders module `importHistoricalOrders`): no stock reserved, no e-mail, no payment. The
 *   shopper's e-mail is `<customer_unique_id>@customers.olist.invalid` (Olist's `customer_id` is new
 *   for every order; its `customer_unique_id` is the person, so repeat buyers group together; the
 *   .invalid domain can never receive mail). Status: delivered -> completed / delivered; canceled and
 *   unavailable -> cancelled; the rest (shipped, invoiced, processing, created, approved: stale since
 *   2018 in the source) -> completed / fulfilled, the Olist status kept on the order's timeline entry.
 *   Lines of the same product and price are one line with their quantity; freight is the shipping.
 *   Orders without lines (unavailable ones) are skipped.
 * Idempotent: products by SKU, categories by name, vendors by slug, orders by Olist order id.
 */
import {
  categoryPathKey,
  ensureCategoryPaths,
  type ProductInput,
  productIdsBySku,
  slugify,
  upsertSimpleProducts,
  variantIdsBySku,
} from "../modules/catalog/index.ts";
import { type HistoricalOrder, importHistoricalOrders } from "../modules/orders/index.ts";
import { ensureVendors } from "../modules/vendors/index.ts";
import type { AppContext } from "../platform/context.ts";
import { analyzeDatabase } from "../platform/db.ts";
import { categoryDisplayName, type OlistOrder, type OlistProduct, readOlist } from "./olist-files.ts";
import { progressBar } from "./report.ts";

/** What an Olist import did. */
export interface OlistImportSummary {
  source: string;
  categories: { total: number; created: number };
  products: {
    created: number;
    updated: number;
    unchanged: number;
    failed: { sku: string; reason: string }[];
  };
  vendors: { total: number; created: number };
  orders: { inFile: number; imported: number; created: number; existing: number; skippedNoLines: number };
  orderLines: number;
  durationMs: number;
  /** Seconds per stage. */
  timings: Record<string, number>;
}

/** Name of an Olist product: "<English category> item <first 6 characters of its id>". */
export function olistProductName(p: OlistProduct): string {
  return `${categoryDisplayName(p.categoryEnglish)} item ${p.productId.slice(0, 6)}`;
}

function statusOf(o: OlistOrder): Pick<HistoricalOrder, "status" | "paymentStatus" | "fulfillmentStatus"> {
  if (o.status === "delivered")
    return { status: "completed", paymentStatus: "paid", fulfillmentStatus: "delivered" };
  if (o.status === "canceled" || o.status === "unavailable")
    return { status: "cancelled", paymentStatus: "voided", fulfillmentStatus: "unfulfilled" };
  return { status: "completed", paymentStatus: "paid", fulfillmentStatus: "fulfilled" };
}

/**
 * Imports an Olist folder (layout: importers/olist-files.ts): categories, products, vendors, then
 * historical orders, in batches of 1,000 (one transaction each). `maxOrders` (default 10,000) keeps
 * the first orders by purchase time. Shows progress bars when `progress` is set.
 */
export async function importOlist(
  ctx: AppContext,
  dir: string,
  options: { progress?: boolean; maxOrders?: number } = {},
): Promise<OlistImportSummary> {
  const startedAt = Date.now();
  const timings: Record<string, number> = {};
  let stageAt = Date.now();
  const stage = (name: string) => {
    timings[name] = (Date.now() - stageAt) / 1000;
    stageAt = Date.now();
  };
  const db = ctx.db;
  const data = readOlist(dir);
  const orders = data.orders.slice(0, options.maxOrders ?? 10_000);
  const orderIds = new Set(orders.map((o) => o.orderId));
  const items = data.items.filter((i) => orderIds.has(i.orderId));
  stage("read");

  // Categories.
  const categoryNames = [
    ...new Set([...data.products.values()].map((p) => categoryDisplayName(p.categoryEnglish))),
  ];
  const { slugByPath, created: categoriesCreated } = await db.transaction((tx) =>
    ensureCategoryPaths(
      tx,
      categoryNames.map((n) => [n]),
    ),
  );
  stage("categories");

  // Products: the latest line price of each (orders are sorted by purchase time).
  const orderTime = new Map(orders.map((o) => [o.orderId, o.purchasedAt.getTime()]));
  const latest = new Map<string, { price: number; at: number; orders: Set<string> }>();
  for (const item of items) {
    const at = orderTime.get(item.orderId)!;
    const seen = latest.get(item.productId);
    if (!seen) latest.set(item.productId, { price: item.price, at, orders: new Set([item.orderId]) });
    else {
      seen.orders.add(item.orderId);
      if (at >= seen.at) Object.assign(seen, { price: item.price, at });
    }
  }
  const inputs: ProductInput[] = [];
  for (const [id, { price, orders: sold }] of latest) {
    const p = data.products.get(id) ?? {
      productId: id,
      category: "",
      categoryEnglish: "uncategorized",
      weightGrams: null,
      photos: null,
      lengthCm: null,
      heightCm: null,
      widthCm: null,
    };
    const name = olistProductName(p);
    const dims = [p.lengthCm, p.widthCm, p.heightCm].every((d) => d !== null)
      ? `${p.lengthCm} x ${p.widthCm} x ${p.heightCm} cm`
      : null;
    inputs.push({
      sku: `olist-${id}`,
      type: "simple",
      name,
      slug: slugify(`${name} ${id.slice(6, 12)}`),
      description: [
        `<p>${name}: a product sold on the Olist marketplace (Brazil) in the ${categoryDisplayName(p.categoryEnglish)} category.</p>`,
        dims || p.weightGrams !== null
          ? `<p>${[dims && `Package: ${dims}`, p.weightGrams !== null && `weight ${p.weightGrams} g`].filter(Boolean).join(", ")}.</p>`
          : "",
      ].join(""),
      currency: "BRL",
      categorySlugs: [slugByPath.get(categoryPathKey([categoryDisplayName(p.categoryEnglish)]))!],
      popularity: sold.size,
      variants: [
        {
          sku: `olist-${id}`,
          priceAmount: price,
          weightGrams: p.weightGrams,
          stockQuantity: 0,
          manageStock: false,
        },
      ],
    });
  }
  const products = { created: 0, updated: 0, unchanged: 0, failed: [] as { sku: string; reason: string }[] };
  const productBar = progressBar(options.progress ?? false, "Products", inputs.length);
  for (let i = 0; i < inputs.length; i += 1000) {
    const batch = inputs.slice(i, i + 1000);
    const outcomes = await db.transaction((tx) => upsertSimpleProducts(tx, batch));
    outcomes.forEach((o, j) => {
      if ("error" in o) products.failed.push({ sku: batch[j]!.sku, reason: o.error.message });
      else products[o.outcome]++;
      productBar.increment();
    });
  }
  productBar.stop();
  stage("products");

  // Vendors: the sellers of the imported lines.
  const sellerIds = new Set(items.map((i) => i.sellerId).filter(Boolean));
  const sellerInfo = new Map(data.sellers.map((s) => [s.sellerId, s]));
  const vendorInputs = [...sellerIds].map((id) => {
    const s = sellerInfo.get(id);
    const place = s ? `${s.city.replace(/\b\w/g, (c) => c.toUpperCase())}, ${s.state}` : "Brazil";
    return {
      name: `Olist seller ${id.slice(0, 6)} (${place})`,
      slug: `olist-seller-${id.slice(0, 12)}`,
      description: `Marketplace seller imported from Olist (seller id ${id}).`,
    };
  });
  const vendors = await db.transaction((tx) =>
    ensureVendors(tx, vendorInputs, { actorId: null, source: "olist" }),
  );
  stage("vendors");

  // Historical orders.
  const skus = [...latest.keys()].map((id) => `olist-${id}`);
  const [productIds, variantIds] = await Promise.all([productIdsBySku(db, skus), variantIdsBySku(db, skus)]);
  const itemsByOrder = new Map<string, typeof items>();
  for (const item of items) {
    const list = itemsByOrder.get(item.orderId) ?? [];
    list.push(item);
    itemsByOrder.set(item.orderId, list);
  }
  const history: HistoricalOrder[] = [];
  let skippedNoLines = 0;
  let orderLines = 0;
  for (const o of orders) {
    const lines = new Map<string, HistoricalOrder["lines"][number]>();
    let freight = 0;
    for (const item of itemsByOrder.get(o.orderId) ?? []) {
      const sku = `olist-${item.productId}`;
      const productId = productIds.get(sku);
      const variantId = variantIds.get(sku);
      if (!productId || !variantId) continue;
      freight += item.freight;
      const key = `${item.productId}:${item.price}`;
      const line = lines.get(key);
      if (line) line.quantity++;
      else {
        const p = data.products.get(item.productId);
        const name = p ? olistProductName(p) : `Item ${item.productId.slice(0, 6)}`;
        lines.set(key, {
          productId,
          variantId,
          sku,
          productName: name,
          productSlug: slugify(`${name} ${item.productId.slice(6, 12)}`),
          quantity: 1,
          unitPrice: item.price,
          weightGrams: p?.weightGrams ?? null,
        });
      }
    }
    if (lines.size === 0) {
      skippedNoLines++;
      continue;
    }
    orderLines += lines.size;
    history.push({
      source: "olist",
      externalId: o.orderId,
      ...statusOf(o),
      currency: "BRL",
      email: `${o.customerUniqueId}@customers.olist.invalid`,
      shippingAddress: {
        firstName: "Olist",
        lastName: "customer",
        company: null,
        line1: "(street not in the dataset)",
        line2: null,
        city: o.city,
        region: o.state || null,
        postalCode: o.zip || null,
        country: "BR",
        phone: null,
      },
      pricesIncludeTax: true,
      shippingTotal: freight,
      placedAt: o.purchasedAt,
      updatedAt: o.deliveredAt ?? o.purchasedAt,
      lines: [...lines.values()],
      note: { olistStatus: o.status, olistCustomerId: o.customerId },
    });
  }
  const orderBar = progressBar(options.progress ?? false, "Orders", history.length);
  let created = 0;
  let existing = 0;
  for (let i = 0; i < history.length; i += 1000) {
    const batch = history.slice(i, i + 1000);
    const r = await importHistoricalOrders(db, batch);
    created += r.created;
    existing += r.existing;
    for (let j = 0; j < batch.length; j++) orderBar.increment();
  }
  orderBar.stop();
  stage("orders");
  await analyzeDatabase(db);
  stage("analyze");
  return {
    source: dir,
    categories: { total: categoryNames.length, created: categoriesCreated },
    products,
    vendors: { total: vendorInputs.length, created: vendors.created },
    orders: { inFile: data.orders.length, imported: history.length, created, existing, skippedNoLines },
    orderLines,
    durationMs: Date.now() - startedAt,
    timings,
  };
}

/** Prints an Olist import summary (counts, timings, failures). */
export function printOlistSummary(s: OlistImportSummary): void {
  console.log(`\nImport from Olist (${s.source}) finished in ${(s.durationMs / 1000).toFixed(1)} s`);
  console.table({
    categories: { total: s.categories.total, created: s.categories.created },
    products: {
      total: s.products.created + s.products.updated + s.products.unchanged + s.products.failed.length,
      created: s.products.created,
      updated: s.products.updated,
      unchanged: s.products.unchanged,
      failed: s.products.failed.length,
    },
    vendors: { total: s.vendors.total, created: s.vendors.created },
    orders: { total: s.orders.imported, created: s.orders.created, existing: s.orders.existing },
  });
  console.log(
    `orders in the files: ${s.orders.inFile}; skipped without lines: ${s.orders.skippedNoLines}; order lines: ${s.orderLines}; ` +
      `seconds per stage: ${Object.entries(s.timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(", ")}`,
  );
  for (const f of s.products.failed) console.log(`  failed: ${f.sku}: ${f.reason}`);
}
