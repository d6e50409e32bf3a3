/**
 * Offline evaluation of the recommendation model: `npm run bench -- recommendations --olist <folder>`
 * or `npm run bench -- recommendations --orders <file.csv>`. No database: it trains the server's own
 * model code (server/src/modules/recommendations/recommendations.model.ts) in memory.
 *
 * Input:
 * - `--orders <csv>`: one row per purchased product, with a header naming (case-insensitive)
 *   an order id column (`order_id`, `order`, `orderId`), a customer column (`customer_id`,
 *   `customer_unique_id`, `customer`, `user_id`, `customerId`), a product column (`product_id`,
 *   `product`, `item_id`, `productId`) and a time column (`timestamp`, `placed_at`, `purchased_at`,
 *   `order_purchase_timestamp`, `time`, `date`: ISO 8601 or "YYYY-MM-DD hh:mm:ss"), and optionally a
 *   `category` column (for the within-category fallback). `--write-orders <csv>` with `--olist`
 *   writes Olist's purchases in this format.
 * - `--olist <folder>`: reads Olist's orders, order items, customers and products directly
 *   (the shopper is `customer_unique_id`; the category is the product's Olist category).
 *
 * Protocol: leave-last-out per customer (`leaveLastOut`): each customer's last distinct purchased
 * product is the test item and their earlier products are the history. Customers with a single
 * distinct product (almost all of Olist's: one order of one product) stay in training only. Where the
 * last order holds several products, the earlier lines of that order are part of the history: "the
 * next item given the previous ones", the only signal Olist's structure has for most of its shoppers.
 * Every model is trained on the training purchases (the test items removed), recommends 10 products
 * not in the history, and is scored with HitRate@10 and NDCG@10 (`hitRateAndNdcg`).
 *
 * Models: `popularity` (most ordered products overall, the baseline), `item-item` (shrunk-cosine
 * co-purchase neighbours only, popularity filling empty slots), `category popularity` (the most
 * ordered products of the history's categories, then overall), and `ours` — the server's
 * `recommendForHistory`: neighbours, then the within-category fallback, then popularity.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { olistPurchases, readOlist } from "../server/src/importers/olist-files.ts";
import {
  basketsByCustomer,
  defaultModelOptions,
  hitRateAndNdcg,
  itemNeighbours,
  leaveLastOut,
  type Purchase,
  popularByCategory,
  popularity,
  type RecommendationSources,
  recommendForHistory,
  type Scored,
} from "../server/src/modules/recommendations/index.ts";

const K = 10;

/** A `--name value` argument; paths are relative to where `npm run` was started (INIT_CWD). */
function arg(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? (process.argv[i + 1] ?? null) : null;
  return value && name !== "k" ? path.resolve(process.env.INIT_CWD ?? process.cwd(), value) : value;
}

const headerNames = {
  order: ["order_id", "order", "orderid"],
  customer: ["customer_unique_id", "customer_id", "customer", "user_id", "customerid", "userid"],
  product: ["product_id", "product", "item_id", "productid", "itemid"],
  time: ["timestamp", "placed_at", "purchased_at", "order_purchase_timestamp", "time", "date"],
  category: ["category", "category_id", "product_category_name"],
} as const;

/** Reads an orders CSV (see the file header); the category column is optional. */
export function readOrdersCsv(file: string): { purchases: Purchase[]; categories: Map<string, string> } {
  const rows = parse(fs.readFileSync(file), { columns: true, skip_empty_lines: true, bom: true }) as Record<
    string,
    string
  >[];
  if (rows.length === 0) return { purchases: [], categories: new Map() };
  const columns = Object.keys(rows[0]!);
  const find = (names: readonly string[]) =>
    names.map((n) => columns.find((c) => c.toLowerCase() === n)).find((c) => c !== undefined) ?? null;
  const col = {
    order: find(headerNames.order),
    customer: find(headerNames.customer),
    product: find(headerNames.product),
    time: find(headerNames.time),
    category: find(headerNames.category),
  };
  for (const key of ["order", "customer", "product", "time"] as const) {
    if (!col[key]) throw new Error(`${file}: no ${key} column (one of ${headerNames[key].join(", ")})`);
  }
  const purchases: Purchase[] = [];
  const categories = new Map<string, string>();
  rows.forEach((r, i) => {
    const text = r[col.time!]!.trim();
    const at = Date.parse(/^\d{4}-\d{2}-\d{2} \d/.test(text) ? `${text.replace(" ", "T")}Z` : text);
    if (Number.isNaN(at)) throw new Error(`${file} row ${i + 2}: "${text}" is not a timestamp`);
    purchases.push({
      orderId: r[col.order!]!,
      customerId: r[col.customer!]!,
      productId: r[col.product!]!,
      at,
    });
    const category = col.category ? r[col.category] : undefined;
    if (category) categories.set(r[col.product!]!, category);
  });
  return { purchases, categories };
}

export async function recommendations(): Promise<void> {
  const startedAt = Date.now();
  const olist = arg("olist");
  const ordersFile = arg("orders");
  let purchases: Purchase[];
  let categories: Map<string, string>;
  let source: string;
  if (olist) {
    const data = readOlist(olist);
    purchases = olistPurchases(data);
    categories = new Map([...data.products].map(([id, p]) => [id, p.category || "uncategorized"]));
    source = `Olist (${olist})`;
    const out = arg("write-orders");
    if (out) {
      const lines = ["order_id,customer_id,product_id,timestamp,category"];
      for (const p of purchases)
        lines.push(
          [
            p.orderId,
            p.customerId,
            p.productId,
            new Date(p.at).toISOString(),
            categories.get(p.productId) ?? "",
          ].join(","),
        );
      fs.writeFileSync(out, `${lines.join("\n")}\n`);
      console.log(`Wrote ${purchases.length} purchases to ${out}`);
    }
  } else if (ordersFile) {
    ({ purchases, categories } = readOrdersCsv(ordersFile));
    source = ordersFile;
  } else {
    console.error("Usage: npm run bench -- recommendations --olist <folder> | --orders <file.csv>");
    process.exit(2);
  }

  const { train, test } = leaveLastOut(purchases);
  const asOf = Math.max(...train.map((p) => p.at));
  const categoriesOf = (id: string) => {
    const c = categories.get(id);
    return c ? [c] : [];
  };
  const options = defaultModelOptions;
  const trainStarted = Date.now();
  const neighbours = itemNeighbours(basketsByCustomer(train).values(), options);
  const popular = popularity(train, { asOf, halfLifeDays: options.halfLifeDays });
  const byCategory = popularByCategory(popular, categoriesOf, options.popularPerCategory);
  const trainMs = Date.now() - trainStarted;
  const plainPopular = popularity(train, { asOf, halfLifeDays: Number.POSITIVE_INFINITY });
  const none: Scored[] = [];
  const sources = (parts: {
    neighbours: boolean;
    categories: boolean;
    popular: Scored[];
  }): RecommendationSources => ({
    neighbours: (id) => (parts.neighbours ? (neighbours.get(id) ?? none) : none),
    categoriesOf: (id) => (parts.categories ? categoriesOf(id) : []),
    popularIn: (c) => byCategory.get(c) ?? none,
    popular: parts.popular,
  });
  const models: [string, RecommendationSources][] = [
    ["popularity (baseline)", sources({ neighbours: false, categories: false, popular: plainPopular })],
    ["item-item only", sources({ neighbours: true, categories: false, popular: popular })],
    ["category popularity", sources({ neighbours: false, categories: true, popular: popular })],
    [
      "ours (item-item + category + popular)",
      sources({ neighbours: true, categories: true, popular: popular }),
    ],
  ];
  const withNeighbours = test.filter((t) =>
    t.history.some((h) => (neighbours.get(h)?.length ?? 0) > 0),
  ).length;
  const table = models.map(([name, s]) => {
    const m = hitRateAndNdcg(
      test.map((t) => ({ ranked: recommendForHistory(t.history, s, K), target: t.target })),
      K,
    );
    return { model: name, [`HitRate@${K}`]: m.hitRate.toFixed(4), [`NDCG@${K}`]: m.ndcg.toFixed(4) };
  });
  const customers = new Set(purchases.map((p) => p.customerId)).size;
  console.log(`\nRecommendation offline evaluation: ${source}, leave-last-out, K = ${K}`);
  console.log(
    `purchases (order lines): ${purchases.length}, orders: ${new Set(purchases.map((p) => p.orderId)).size}, ` +
      `customers: ${customers}, products: ${new Set(purchases.map((p) => p.productId)).size}; ` +
      `evaluated customers (>= 2 distinct products): ${test.length} (${withNeighbours} of them with a history ` +
      `product that has co-purchase neighbours); training purchases: ${train.length}; ` +
      `products with neighbours: ${neighbours.size}; shrinkage λ = ${options.shrinkage}; ` +
      `trained in ${trainMs} ms, total ${Date.now() - startedAt} ms`,
  );
  console.table(table);
}
