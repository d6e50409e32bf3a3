/**
 * The Olist import: `npm run import -- olist ../shared/datasets/olist`.
 *
 * Olist (github.com/olist/work-at-olist-data, MIT) is a Brazilian marketplace: anonymised products
 * (no names), sellers, and orders. It becomes a marketplace shop:
 * - categories: one top-level category per English-translated Olist category ("Bed Bath Table");
 * - vendors: every seller of the sellers file (3,095), and any other seller of the imported lines,
 *   through the vendors module (`ensureVendors`): slug `olist-seller-<first 12 of the seller id>`,
 *   named "Olist seller <first 6> (<City>, <state>)", active;
 * - products: the products of the imported orders' lines (the only ones with a price), one listing
 *   per seller (every product belongs to the shop or to one vendor; no "other sellers" offers). The
 *   seller with the most order lines of a product (ties: the smallest seller id) has SKU
 *   `olist-<product id>`; every other seller of it gets its own listing, SKU
 *   `olist-<product id>-<first 8 of the seller id>`, with the same name, category and description.
 *   Each listing is a simple product of its seller's vendor, named "<Category> item <first 6 of the
 *   product id>", priced at that seller's most recent line price in BRL (the catalog keeps a currency
 *   per variant; the shop's default currency is NOT changed: a USD shop cannot put BRL products in a
 *   USD cart, so an Olist store should set its default currency to BRL, or add a BRL price list).
 *   Stock is not tracked (the sellers hold it; the dataset does not say how much);
 * - orders: the first 10,000 by purchase time (the subset holds exactly 10,000) become historical
 *   orders (orders module `importHistoricalOrders`): no stock reserved, no e-mail, no payment. The
 *   shopper's e-mail is `<customer_unique_id>@customers.olist.invalid` (Olist's `customer_id` is new
 *   for every order; its `customer_unique_id` is the person, so repeat buyers group together; the
 *   .invalid domain can never receive mail). Status: delivered -> completed / delivered; canceled and
 *   unavailable -> cancelled; the rest (shipped, invoiced, processing, created, approved: stale since
 *   2018 in the source) -> completed / fulfilled, the Olist status kept on the order's timeline entry.
 *   Each line is the listing of the seller who sold it and carries that vendor; lines of the same
 *   listing and price are one line with their quantity (so only the same seller's units merge).
 *   Freight is the shipping; each vendor order's shipping share is that seller's own freight.
 *   Commissions: Olist does not publish its fees, so each line's commission is computed with the
 *   commission rules in force at import time (`commissionsFor`: the platform default is 10 % unless
 *   staff changed it) and the rule is kept on the line as a snapshot, as at checkout; a later rule
 *   change does not touch imported orders (a re-run skips them).
 *   Vendor orders: one per seller of an order (`splitByVendor`), fulfilment status `cancelled` for
 *   a cancelled order, `delivered` for a delivered one, else `fulfilled` (the order's).
 *   Parcels: an order handed to the carrier (`order_delivered_carrier_date`) and not cancelled gets
 *   one parcel per seller, carrier "Olist", shipped then, delivered at `order_delivered_customer_date`
 *   (so vendor metrics measure fulfilment time on imported orders as on live ones).
 *   Orders without lines (unavailable ones) are skipped.
 * Idempotent: categories by name, vendors by slug, products by SKU (the vendor of a listing is
 * derived from the files, so it stays the same), orders by Olist order id, vendor orders by
 * (order, vendor). A shop imported before listings had vendors gets its products re-assigned
 * ("updated") but keeps its old orders as they were (without vendors): re-import into an empty shop
 * for the marketplace figures.
 */
import {
  categoryPathKey,
  ensureCategoryPaths,
  getSaleVariants,
  type ProductInput,
  productIdsBySku,
  slugify,
  upsertSimpleProducts,
  variantIdsBySku,
} from "../modules/catalog/index.ts";
import { type HistoricalOrder, importHistoricalOrders } from "../modules/orders/index.ts";
import { commissionsFor, ensureVendors } from "../modules/vendors/index.ts";
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
  /**
   * Listings (products) of the lines, one per (product, seller): `total`, how many are of a product's
   * other sellers (SKU `olist-<product id>-<seller>`), and how many of those this run created.
   */
  listings: { total: number; otherSellers: number; otherSellersCreated: number };
  /** `total`: the sellers file's sellers and the lines' (vendors); `selling`: those with imported lines. */
  vendors: { total: number; created: number; selling: number };
  orders: { inFile: number; imported: number; created: number; existing: number; skippedNoLines: number };
  orderLines: number;
  /** Vendor orders (one per seller of an order) created. */
  vendorOrders: { created: number };
  /** Parcels (one per seller of a shipped order) created. */
  parcels: { created: number };
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

/** SKU of a seller's listing of an Olist product: the main seller's is `olist-<product id>`. */
export function olistListingSku(productId: string, sellerId: string, main: boolean): string {
  return main ? `olist-${productId}` : `olist-${productId}-${sellerId.slice(0, 8)}`;
}

/** One seller's listing of an Olist product, from the imported lines. */
interface Listing {
  productId: string;
  sellerId: string;
  sku: string;
  slug: string;
  /** The seller with the most lines of the product (ties: the smallest seller id). */
  main: boolean;
  /** The seller's most recent line price (BRL cents) and when (ms). */
  price: number;
  at: number;
  lines: number;
  orders: Set<string>;
}

/**
 * Imports an Olist folder (layout: importers/olist-files.ts): categories, vendors, listings, then
 * historical orders with their vendor orders and parcels, in batches of 1,000 (one transaction each).
 * `maxOrders` (default 10,000) keeps the first orders by purchase time. Shows progress bars when
 * `progress` is set.
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

  // Categories (a product missing from the products file is "Uncategorized").
  const productOf = (id: string): OlistProduct =>
    data.products.get(id) ?? {
      productId: id,
      category: "",
      categoryEnglish: "uncategorized",
      weightGrams: null,
      photos: null,
      lengthCm: null,
      heightCm: null,
      widthCm: null,
    };
  const categoryNames = [
    ...new Set(items.map((i) => categoryDisplayName(productOf(i.productId).categoryEnglish))),
  ];
  const { slugByPath, created: categoriesCreated } = await db.transaction((tx) =>
    ensureCategoryPaths(
      tx,
      categoryNames.map((n) => [n]),
    ),
  );
  stage("categories");

  // Vendors: every seller of the sellers file, and any other seller of the imported lines.
  const sellerInfo = new Map(data.sellers.map((s) => [s.sellerId, s]));
  const sellerIds = [
    ...new Set([...data.sellers.map((s) => s.sellerId), ...items.map((i) => i.sellerId)].filter(Boolean)),
  ];
  const vendorInputs = sellerIds.map((id) => {
    const s = sellerInfo.get(id);
    const place = s ? `${s.city.replace(/\b\w/g, (c) => c.toUpperCase())}, ${s.state}` : "Brazil";
    return {
      sellerId: id,
      name: `Olist seller ${id.slice(0, 6)} (${place})`,
      slug: `olist-seller-${id.slice(0, 12)}`,
      description: `Marketplace seller imported from Olist (seller id ${id}).`,
    };
  });
  const vendors = await db.transaction((tx) =>
    ensureVendors(
      tx,
      vendorInputs.map(({ name, slug, description }) => ({ name, slug, description })),
      { actorId: null, source: "olist" },
    ),
  );
  const vendorOfSeller = new Map(vendorInputs.map((v) => [v.sellerId, vendors.idBySlug.get(v.slug)!]));
  const vendorNames = new Map(vendorInputs.map((v) => [vendors.idBySlug.get(v.slug)!, v.name]));
  stage("vendors");

  // Listings: one per (product, seller) of the lines; the seller's latest line price (orders are
  // sorted by purchase time, lines by order then line number: the last one seen wins a tie).
  const orderTime = new Map(orders.map((o) => [o.orderId, o.purchasedAt.getTime()]));
  const bySeller = new Map<string, Map<string, Listing>>();
  for (const item of items) {
    const at = orderTime.get(item.orderId)!;
    const sellers = bySeller.get(item.productId) ?? new Map<string, Listing>();
    bySeller.set(item.productId, sellers);
    const seen = sellers.get(item.sellerId);
    if (!seen)
      sellers.set(item.sellerId, {
        productId: item.productId,
        sellerId: item.sellerId,
        sku: "",
        slug: "",
        main: false,
        price: item.price,
        at,
        lines: 1,
        orders: new Set([item.orderId]),
      });
    else {
      seen.lines++;
      seen.orders.add(item.orderId);
      if (at >= seen.at) Object.assign(seen, { price: item.price, at });
    }
  }
  const listingOf = new Map<string, Listing>(); // `${product id}:${seller id}`
  const listings: Listing[] = [];
  for (const [productId, sellers] of bySeller) {
    const ranked = [...sellers.values()].sort(
      (a, b) => b.lines - a.lines || (a.sellerId < b.sellerId ? -1 : a.sellerId > b.sellerId ? 1 : 0),
    );
    ranked.forEach((l, k) => {
      l.main = k === 0;
      l.sku = olistListingSku(productId, l.sellerId, l.main);
      listingOf.set(`${productId}:${l.sellerId}`, l);
      listings.push(l);
    });
  }
  const inputs: ProductInput[] = [];
  for (const l of listings) {
    const p = productOf(l.productId);
    const name = olistProductName(p);
    const dims = [p.lengthCm, p.widthCm, p.heightCm].every((d) => d !== null)
      ? `${p.lengthCm} x ${p.widthCm} x ${p.heightCm} cm`
      : null;
    l.slug = slugify(
      l.main
        ? `${name} ${l.productId.slice(6, 12)}`
        : `${name} ${l.productId.slice(6, 12)} ${l.sellerId.slice(0, 8)}`,
    );
    inputs.push({
      sku: l.sku,
      type: "simple",
      name,
      slug: l.slug,
      description: [
        `<p>${name}: a product sold on the Olist marketplace (Brazil) in the ${categoryDisplayName(p.categoryEnglish)} category.</p>`,
        dims || p.weightGrams !== null
          ? `<p>${[dims && `Package: ${dims}`, p.weightGrams !== null && `weight ${p.weightGrams} g`].filter(Boolean).join(", ")}.</p>`
          : "",
      ].join(""),
      currency: "BRL",
      categorySlugs: [slugByPath.get(categoryPathKey([categoryDisplayName(p.categoryEnglish)]))!],
      popularity: l.orders.size,
      vendorId: vendorOfSeller.get(l.sellerId)!,
      variants: [
        {
          sku: l.sku,
          priceAmount: l.price,
          weightGrams: p.weightGrams,
          stockQuantity: 0,
          manageStock: false,
        },
      ],
    });
  }
  const products = { created: 0, updated: 0, unchanged: 0, failed: [] as { sku: string; reason: string }[] };
  let otherSellersCreated = 0;
  const productBar = progressBar(options.progress ?? false, "Products", inputs.length);
  for (let i = 0; i < inputs.length; i += 1000) {
    const batch = inputs.slice(i, i + 1000);
    const outcomes = await db.transaction((tx) => upsertSimpleProducts(tx, batch));
    outcomes.forEach((o, j) => {
      if ("error" in o) products.failed.push({ sku: batch[j]!.sku, reason: o.error.message });
      else {
        products[o.outcome]++;
        if (o.outcome === "created" && !listings[i + j]!.main) otherSellersCreated++;
      }
      productBar.increment();
    });
  }
  productBar.stop();
  stage("products");

  // Historical orders: each line the listing of its seller, with that vendor and its commission.
  const skus = listings.map((l) => l.sku);
  const [productIds, variantIds] = await Promise.all([productIdsBySku(db, skus), variantIdsBySku(db, skus)]);
  const sale = await getSaleVariants(db, [...variantIds.values()]);
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
    const freightByVendor: Record<string, number> = {};
    let freight = 0;
    for (const item of itemsByOrder.get(o.orderId) ?? []) {
      const listing = listingOf.get(`${item.productId}:${item.sellerId}`)!;
      const productId = productIds.get(listing.sku);
      const variantId = variantIds.get(listing.sku);
      if (!productId || !variantId) continue;
      const vendorId = vendorOfSeller.get(item.sellerId)!;
      freight += item.freight;
      freightByVendor[vendorId] = (freightByVendor[vendorId] ?? 0) + item.freight;
      const key = `${listing.sku}:${item.price}`;
      const line = lines.get(key);
      if (line) line.quantity++;
      else {
        const p = data.products.get(item.productId);
        lines.set(key, {
          productId,
          variantId,
          sku: listing.sku,
          productName: p ? olistProductName(p) : `Item ${item.productId.slice(0, 6)}`,
          productSlug: listing.slug,
          quantity: 1,
          unitPrice: item.price,
          weightGrams: p?.weightGrams ?? null,
          vendorId,
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
      shippingByVendor: freightByVendor,
      shipment: o.shippedAt ? { shippedAt: o.shippedAt, deliveredAt: o.deliveredAt, carrier: "Olist" } : null,
      placedAt: o.purchasedAt,
      updatedAt: o.deliveredAt ?? o.purchasedAt,
      lines: [...lines.values()],
      note: { olistStatus: o.status, olistCustomerId: o.customerId },
    });
  }
  const orderBar = progressBar(options.progress ?? false, "Orders", history.length);
  let created = 0;
  let existing = 0;
  let vendorOrdersCreated = 0;
  let parcels = 0;
  for (let i = 0; i < history.length; i += 1000) {
    const batch = history.slice(i, i + 1000);
    // Commissions with the rules in force now (one read of the rules per batch).
    const vendorLines = batch.flatMap((o) => o.lines);
    const commissions = await commissionsFor(
      db,
      vendorLines.map((l) => ({
        vendorId: l.vendorId!,
        categoryIds: sale.get(l.variantId)?.categoryIds ?? [],
        quantity: l.quantity,
        netAmount: l.unitPrice * l.quantity,
      })),
    );
    vendorLines.forEach((l, k) => {
      l.commissionAmount = commissions[k]!.amount;
      l.commissionRule = commissions[k]!.rule;
    });
    const r = await importHistoricalOrders(db, batch, { vendorNames });
    created += r.created;
    existing += r.existing;
    vendorOrdersCreated += r.vendorOrders;
    parcels += r.parcels;
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
    listings: {
      total: listings.length,
      otherSellers: listings.filter((l) => !l.main).length,
      otherSellersCreated,
    },
    vendors: {
      total: vendorInputs.length,
      created: vendors.created,
      selling: new Set(items.map((i) => i.sellerId)).size,
    },
    orders: { inFile: data.orders.length, imported: history.length, created, existing, skippedNoLines },
    orderLines,
    vendorOrders: { created: vendorOrdersCreated },
    parcels: { created: parcels },
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
    "other sellers' listings": {
      total: s.listings.otherSellers,
      created: s.listings.otherSellersCreated,
    },
    vendors: { total: s.vendors.total, created: s.vendors.created },
    orders: { total: s.orders.imported, created: s.orders.created, existing: s.orders.existing },
    "vendor orders": { created: s.vendorOrders.created },
    parcels: { created: s.parcels.created },
  });
  console.log(
    `orders in the files: ${s.orders.inFile}; skipped without lines: ${s.orders.skippedNoLines}; order lines: ${s.orderLines}; ` +
      `listings: ${s.listings.total} (${s.listings.otherSellers} of a product's other sellers); vendors selling: ${s.vendors.selling}; ` +
      `seconds per stage: ${Object.entries(s.timings)
        .map(([k, v]) => `${k} ${v.toFixed(1)}`)
        .join(", ")}`,
  );
  for (const f of s.products.failed) console.log(`  failed: ${f.sku}: ${f.reason}`);
}
