import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { insertRows } from "../../platform/statements.ts";
import {
  countProducts,
  type ProductSearchSource,
  type ProductSummaryDto,
  productSearchSources,
  searchCategories,
  summarize,
} from "../catalog/index.ts";
import { productsBoughtBy, purchasedProducts } from "../orders/index.ts";
import {
  basketsByCustomer,
  type ContentItem,
  contentNeighboursInSlices,
  defaultModelOptions,
  itemNeighbours,
  popularByCategory,
  popularity,
  type RecommendationSources,
  recommendForHistory,
  type Scored,
} from "./recommendations.model.ts";
import {
  type NeighbourKind,
  recommendationNeighbours,
  recommendationPopular,
  recommendationState,
} from "./recommendations.schema.ts";

/** Progress of a training run: a stage and how far it got (`done` of `total` steps). */
export interface TrainingProgress {
  stage: "orders" | "catalog" | "model" | "write";
  done: number;
  total: number;
}

/** What a training run produced. */
export interface TrainingStats {
  purchases: number;
  orders: number;
  customers: number;
  products: number;
  boughtTogetherProducts: number;
  similarProducts: number;
  popularScopes: number;
  durationMs: number;
}

const catalogPage = 1000;

/**
 * Trains the recommendation model from the order history and the catalog and replaces the stored
 * lists (in one transaction: readers see the old lists or the new ones):
 * - bought together: shrunk-cosine co-purchase neighbours over customers' product sets (account, or
 *   e-mail for guests), top 20 per product;
 * - similar: TF-IDF cosine over category, option values, attributes, name and description, top 20;
 * - popular: overall and per category (with ancestors), recent orders weighted by a 90-day half-life.
 * Only products active and visible in search are recommended. See recommendations.model.ts for the
 * formulas and their sources. `now` is the reference time of the popularity decay.
 */
export async function trainRecommendations(
  db: Db,
  options: { onProgress?: (p: TrainingProgress) => void; now?: Date } = {},
): Promise<TrainingStats> {
  const startedAt = Date.now();
  const progress = options.onProgress ?? (() => {});
  const m = defaultModelOptions;
  progress({ stage: "orders", done: 0, total: 1 });
  const purchases = await purchasedProducts(db);
  progress({ stage: "orders", done: 1, total: 1 });

  // The catalog, a page at a time: what may be recommended, categories and content features.
  const sources: ProductSearchSource[] = [];
  const total = await countProducts(db);
  for (let after: string | null = null; ; ) {
    const page = await productSearchSources(db, { after, limit: catalogPage });
    sources.push(...page);
    progress({ stage: "catalog", done: sources.length, total });
    if (page.length < catalogPage) break;
    after = page[page.length - 1]!.id;
  }
  const categories = await searchCategories(db);
  const parentOf = new Map(categories.map((c) => [c.id, c.parentId]));
  const withAncestors = (ids: string[]) => {
    const out = new Set<string>();
    for (let id of ids) {
      for (let depth = 0; id && !out.has(id) && depth < 20; depth++) {
        out.add(id);
        id = parentOf.get(id) ?? "";
      }
    }
    return [...out];
  };
  const eligible = new Map(sources.filter((s) => s.searchable).map((s) => [s.id, s]));
  const categoryScopes = new Map([...eligible].map(([id, s]) => [id, withAncestors(s.categoryIds)]));

  progress({ stage: "model", done: 0, total: 3 });
  const bought = itemNeighbours(basketsByCustomer(purchases).values(), {
    shrinkage: m.shrinkage,
    k: 4 * m.k,
    maxBasket: m.maxBasket,
  });
  progress({ stage: "model", done: 1, total: 3 });
  const items: ContentItem[] = [...eligible.values()].map((s) => ({
    id: s.id,
    name: s.name,
    description: `${s.shortDescription} ${s.description}`,
    categoryIds: s.categoryIds,
    facets: [
      ...s.options.map((o) => `${o.code}=${o.value}`),
      ...s.attributes
        .filter((a) => a.visible || a.filterable)
        .flatMap((a) => (Array.isArray(a.value) ? a.value : [a.value]).map((v) => `${a.code}=${String(v)}`)),
    ],
  }));
  const similar = await contentNeighboursInSlices(items, { k: m.k });
  progress({ stage: "model", done: 2, total: 3 });
  const now = (options.now ?? new Date()).getTime();
  const popular = popularity(purchases, { asOf: now, halfLifeDays: m.halfLifeDays }).filter((p) =>
    eligible.has(p.productId),
  );
  const byCategory = popularByCategory(popular, (id) => categoryScopes.get(id) ?? [], m.popularPerCategory);
  progress({ stage: "model", done: 3, total: 3 });

  const neighbourRows: (typeof recommendationNeighbours.$inferInsert)[] = [];
  const addNeighbours = (kind: NeighbourKind, lists: Map<string, Scored[]>) => {
    for (const [productId, list] of lists) {
      if (!eligible.has(productId)) continue;
      list
        .filter((n) => eligible.has(n.productId))
        .slice(0, m.k)
        .forEach((n, rank) => {
          neighbourRows.push({ productId, kind, rank, neighbourId: n.productId, score: n.score });
        });
    }
  };
  addNeighbours("bought_together", bought);
  addNeighbours("similar", similar);
  const popularRows: (typeof recommendationPopular.$inferInsert)[] = popular
    .slice(0, 4 * m.popularPerCategory)
    .map((p, rank) => ({ scope: "", rank, productId: p.productId, score: p.score }));
  for (const [scope, list] of byCategory)
    list.forEach((p, rank) => {
      popularRows.push({ scope, rank, productId: p.productId, score: p.score });
    });

  const stats: TrainingStats = {
    purchases: purchases.length,
    orders: new Set(purchases.map((p) => p.orderId)).size,
    customers: new Set(purchases.map((p) => p.customerId)).size,
    products: eligible.size,
    boughtTogetherProducts: new Set(
      neighbourRows.filter((r) => r.kind === "bought_together").map((r) => r.productId),
    ).size,
    similarProducts: new Set(neighbourRows.filter((r) => r.kind === "similar").map((r) => r.productId)).size,
    popularScopes: byCategory.size + 1,
    durationMs: 0,
  };
  const batches = Math.ceil(neighbourRows.length / 2000) + Math.ceil(popularRows.length / 2000);
  let written = 0;
  await db.transaction(async (tx) => {
    await tx.delete(recommendationNeighbours);
    await tx.delete(recommendationPopular);
    for (let i = 0; i < neighbourRows.length; i += 2000) {
      await insertRows(tx, recommendationNeighbours, neighbourRows.slice(i, i + 2000));
      progress({ stage: "write", done: ++written, total: batches });
    }
    for (let i = 0; i < popularRows.length; i += 2000) {
      await insertRows(tx, recommendationPopular, popularRows.slice(i, i + 2000));
      progress({ stage: "write", done: ++written, total: batches });
    }
    stats.durationMs = Date.now() - startedAt;
    const { durationMs: _d, ...counts } = stats;
    await tx
      .insert(recommendationState)
      .values({ id: "default", trainedAt: new Date(), stats: { ...counts, durationMs: stats.durationMs } })
      .onConflictDoUpdate({
        target: recommendationState.id,
        set: { trainedAt: new Date(), stats: { ...counts, durationMs: stats.durationMs } },
      });
  });
  return stats;
}

/** When the model was last trained, or null if never. */
export async function lastTrainedAt(db: Db): Promise<Date | null> {
  const [row] = await db.select({ at: recommendationState.trainedAt }).from(recommendationState);
  return row?.at ?? null;
}

/** Stored neighbours of products of one kind, best first, by product id. One query. */
async function neighboursOf(
  db: Db,
  productIds: string[],
  kind: NeighbourKind,
): Promise<Map<string, Scored[]>> {
  const result = new Map<string, Scored[]>();
  if (productIds.length === 0) return result;
  const rows = await queryRows<{ product_id: string; neighbour_id: string; score: number }>(
    db,
    sql`select product_id, neighbour_id, score from ${recommendationNeighbours}
      where kind = ${kind} and product_id = any(${sql.param(productIds)}::text[]) order by product_id, rank`,
  );
  for (const r of rows) {
    let list = result.get(r.product_id);
    if (!list) {
      list = [];
      result.set(r.product_id, list);
    }
    list.push({ productId: r.neighbour_id, score: Number(r.score) });
  }
  return result;
}

/** Stored popular lists of scopes ("" = overall, else a category id), best first. One query. */
async function popularOf(db: Db, scopes: string[], limit: number): Promise<Map<string, Scored[]>> {
  const result = new Map<string, Scored[]>(scopes.map((s) => [s, []]));
  if (scopes.length === 0) return result;
  const rows = await queryRows<{ scope: string; product_id: string; score: number }>(
    db,
    sql`select scope, product_id, score from ${recommendationPopular}
      where scope = any(${sql.param(scopes)}::text[]) and rank < ${limit} order by scope, rank`,
  );
  for (const r of rows) result.get(r.scope)!.push({ productId: r.product_id, score: Number(r.score) });
  return result;
}

/** Summaries of products in the given order, unknown ids left out (see the catalog's `summarize`). */
export async function summariesInOrder(db: Db, ids: string[]): Promise<ProductSummaryDto[]> {
  const unique = [...new Set(ids)];
  const map = await summarize(db, unique);
  return unique.map((id) => map.get(id)).filter((s): s is ProductSummaryDto => s !== undefined);
}

/**
 * A product's stored recommendations of one kind (bought together, or similar), best first, as
 * product summaries; at most `limit`. Empty before the first training or when the product has none.
 */
export async function productRecommendations(
  db: Db,
  productId: string,
  kind: NeighbourKind,
  limit: number,
): Promise<ProductSummaryDto[]> {
  const list = (await neighboursOf(db, [productId], kind)).get(productId) ?? [];
  return summariesInOrder(
    db,
    list.slice(0, limit).map((n) => n.productId),
  );
}

/**
 * Popular products (recent orders), overall or in a category (by slug, subcategories included),
 * best first, at most `limit`. Null when there is no such category.
 */
export async function popularProducts(
  db: Db,
  limit: number,
  categorySlug?: string,
): Promise<ProductSummaryDto[] | null> {
  let scope = "";
  if (categorySlug) {
    const category = (await searchCategories(db)).find((c) => c.slug === categorySlug);
    if (!category) return null;
    scope = category.id;
  }
  const list = (await popularOf(db, [scope], limit)).get(scope) ?? [];
  return summariesInOrder(
    db,
    list.map((p) => p.productId),
  );
}

/**
 * Recommendations for a signed-in account: the sum of the stored co-purchase neighbours of what it
 * bought (its last 50 distinct products), then products popular in those products' categories, then
 * popular overall; never what it already bought (`recommendForHistory`). With no purchases it is the
 * popular list (cold start): `personal` is then false. At most `limit` summaries.
 */
export async function recommendationsFor(
  db: Db,
  userId: string | null,
  limit: number,
): Promise<{ personal: boolean; items: ProductSummaryDto[] }> {
  const history = userId ? await productsBoughtBy(db, userId) : [];
  if (history.length === 0) {
    return { personal: false, items: (await popularProducts(db, limit)) ?? [] };
  }
  const [neighbours, catalog] = await Promise.all([
    neighboursOf(db, history, "bought_together"),
    productSearchSources(db, { ids: history }),
  ]);
  const categoriesByProduct = new Map(catalog.map((s) => [s.id, s.categoryIds]));
  const scopes = [...new Set(catalog.flatMap((s) => s.categoryIds))];
  const popular = await popularOf(db, ["", ...scopes], defaultModelOptions.popularPerCategory);
  const sources: RecommendationSources = {
    neighbours: (id) => neighbours.get(id) ?? [],
    categoriesOf: (id) => categoriesByProduct.get(id) ?? [],
    popularIn: (c) => popular.get(c) ?? [],
    popular: popular.get("") ?? [],
  };
  const ids = recommendForHistory(history, sources, limit);
  return { personal: true, items: await summariesInOrder(db, ids) };
}
