/**
 * The recommendation model as pure functions (no database): the server's training job and the offline
 * evaluation (bench/recommendations.ts) run exactly this code.
 *
 * - Item-item collaborative filtering ("customers who bought this also bought"): co-occurrence of
 *   products in customers' purchase histories, scored with cosine similarity shrunk towards zero for
 *   pairs seen together only a few times:
 *     sim(i, j) = co(i, j) / sqrt(n_i * n_j) * co(i, j) / (co(i, j) + λ)
 *   where n_i is the number of baskets (customers) holding i and co(i, j) the number holding both.
 *   Item-based cosine: Sarwar, Karypis, Konstan, Riedl, "Item-based collaborative filtering
 *   recommendation algorithms", WWW 2001; shrinkage of similarities by support n / (n + λ): Koren,
 *   "Factorization meets the neighborhood", KDD 2008, eq. 2 (and Bell & Koren, ICDM 2007).
 * - Content similarity ("similar products"): cosine of TF-IDF weighted feature vectors (category,
 *   option values, attributes, name and description terms); Salton & Buckley, "Term-weighting
 *   approaches in automatic text retrieval", 1988.
 * - Popularity: orders per product, each weighted 0.5^(age / half-life) so recent orders count more.
 * - Personal scores: the sum of the neighbour similarities of what the customer bought (Sarwar 2001,
 *   "weighted sum" without normalisation, as top-N recommenders do), then products popular in the
 *   customers' categories, then popular overall (cold start and filling).
 */

/** One purchased product: an order line reduced to who bought what when. `at` in ms since the epoch. */
export interface Purchase {
  orderId: string;
  customerId: string;
  productId: string;
  at: number;
}

/** A scored product. */
export interface Scored {
  productId: string;
  score: number;
}

/** Options of {@link itemNeighbours}. */
export interface NeighbourOptions {
  /** Shrinkage λ (a count of co-purchases): pairs seen together λ times keep half their cosine. Default 2. */
  shrinkage?: number;
  /** Neighbours kept per product (top-K). Default 20. */
  k?: number;
  /** A basket larger than this many products is skipped (bulk buyers dominate co-counts otherwise). Default 50. */
  maxBasket?: number;
}

/**
 * Distinct products bought by each customer, in first-bought order: the "baskets" of the item-item
 * model. Keyed by customer id.
 */
export function basketsByCustomer(purchases: Purchase[]): Map<string, string[]> {
  const sorted = [...purchases].sort((a, b) => a.at - b.at);
  const baskets = new Map<string, string[]>();
  const seen = new Map<string, Set<string>>();
  for (const p of sorted) {
    let set = seen.get(p.customerId);
    if (!set) {
      set = new Set();
      seen.set(p.customerId, set);
      baskets.set(p.customerId, []);
    }
    if (set.has(p.productId)) continue;
    set.add(p.productId);
    baskets.get(p.customerId)!.push(p.productId);
  }
  return baskets;
}

/**
 * Shrunk cosine similarity of one pair: co / sqrt(nI * nJ) * co / (co + λ) (see the file header).
 * 0 when the pair never co-occurs.
 */
export function shrunkCosine(co: number, nI: number, nJ: number, shrinkage: number): number {
  if (co <= 0 || nI <= 0 || nJ <= 0) return 0;
  return (co / Math.sqrt(nI * nJ)) * (co / (co + shrinkage));
}

/**
 * Top-K item-item neighbours from baskets (lists of distinct product ids), by shrunk cosine.
 * Cost: sum over baskets of size², plus a sort per product. Ties are broken by product id so that
 * the result does not depend on input order.
 * @returns product id -> neighbours, best first (products with no co-purchase are absent).
 */
export function itemNeighbours(
  baskets: Iterable<string[]>,
  options: NeighbourOptions = {},
): Map<string, Scored[]> {
  const shrinkage = options.shrinkage ?? 2;
  const k = options.k ?? 20;
  const maxBasket = options.maxBasket ?? 50;
  const count = new Map<string, number>();
  const co = new Map<string, Map<string, number>>();
  for (const raw of baskets) {
    const basket = [...new Set(raw)];
    if (basket.length > maxBasket) continue;
    for (const i of basket) count.set(i, (count.get(i) ?? 0) + 1);
    for (let a = 0; a < basket.length; a++) {
      for (let b = 0; b < basket.length; b++) {
        if (a === b) continue;
        let row = co.get(basket[a]!);
        if (!row) {
          row = new Map();
          co.set(basket[a]!, row);
        }
        row.set(basket[b]!, (row.get(basket[b]!) ?? 0) + 1);
      }
    }
  }
  const result = new Map<string, Scored[]>();
  for (const [i, row] of co) {
    const nI = count.get(i)!;
    const scored: Scored[] = [];
    for (const [j, c] of row)
      scored.push({ productId: j, score: shrunkCosine(c, nI, count.get(j)!, shrinkage) });
    result.set(i, topK(scored, k));
  }
  return result;
}

/** The `k` best by score (desc), ties by product id (asc). */
export function topK(scored: Scored[], k: number): Scored[] {
  return scored
    .sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .slice(0, k);
}

/**
 * Popularity of products: the number of distinct orders holding each, every order weighted
 * 0.5^(age / halfLifeDays) where age is `asOf` minus the order time (orders after `asOf` count 1).
 * `halfLifeDays: Infinity` gives plain order counts.
 * @returns product id -> score, best first.
 */
export function popularity(purchases: Purchase[], options: { asOf: number; halfLifeDays: number }): Scored[] {
  const seen = new Set<string>();
  const score = new Map<string, number>();
  const dayMs = 86_400_000;
  for (const p of purchases) {
    const key = `${p.orderId}\u0000${p.productId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const age = Math.max(0, options.asOf - p.at) / dayMs;
    const w = Number.isFinite(options.halfLifeDays) ? 0.5 ** (age / options.halfLifeDays) : 1;
    score.set(p.productId, (score.get(p.productId) ?? 0) + w);
  }
  return topK(
    [...score].map(([productId, s]) => ({ productId, score: s })),
    Number.POSITIVE_INFINITY,
  );
}

/**
 * Popular products per category: the global popularity list split by each product's categories
 * (a product in two categories is listed in both), `k` per category, best first.
 */
export function popularByCategory(
  popular: Scored[],
  categoriesOf: (productId: string) => readonly string[],
  k: number,
): Map<string, Scored[]> {
  const result = new Map<string, Scored[]>();
  for (const item of popular) {
    for (const c of categoriesOf(item.productId)) {
      let list = result.get(c);
      if (!list) {
        list = [];
        result.set(c, list);
      }
      if (list.length < k) list.push(item);
    }
  }
  return result;
}

/** What {@link recommendForHistory} draws on: trained lists, however they are stored. */
export interface RecommendationSources {
  /** Item-item neighbours of a product, best first. */
  neighbours(productId: string): readonly Scored[];
  /** Categories of a product. */
  categoriesOf(productId: string): readonly string[];
  /** Popular products of a category, best first. */
  popularIn(categoryId: string): readonly Scored[];
  /** Popular products overall, best first. */
  popular: readonly Scored[];
}

/**
 * Top-`k` recommendations for a purchase history (product ids, any order; repeated ids count once),
 * never one of the history's products nor of `exclude`:
 * 1. products scored by the sum of their neighbour similarities to the history's products;
 * 2. then products popular in the history's categories (by popularity score, categories of recent
 *    purchases first when `history` is oldest-first) — the within-category fallback for sparse data;
 * 3. then products popular overall (the cold start when the history is empty).
 * Each stage only fills slots the previous stages left.
 */
export function recommendForHistory(
  history: readonly string[],
  sources: RecommendationSources,
  k: number,
  exclude: Iterable<string> = [],
): string[] {
  const owned = new Set([...history, ...exclude]);
  const result: string[] = [];
  const taken = new Set<string>();
  const add = (id: string) => {
    if (result.length >= k || owned.has(id) || taken.has(id)) return;
    taken.add(id);
    result.push(id);
  };
  const sums = new Map<string, number>();
  for (const i of new Set(history)) {
    for (const n of sources.neighbours(i)) sums.set(n.productId, (sums.get(n.productId) ?? 0) + n.score);
  }
  for (const s of topK(
    [...sums].map(([productId, score]) => ({ productId, score })),
    k + owned.size,
  ))
    add(s.productId);
  if (result.length < k) {
    const categories: string[] = [];
    for (const i of [...history].reverse())
      for (const c of sources.categoriesOf(i)) if (!categories.includes(c)) categories.push(c);
    const pooled = new Map<string, number>();
    categories.forEach((c, rank) => {
      for (const p of sources.popularIn(c)) {
        // Categories of more recent purchases first; within them, by popularity.
        const score = p.score / (rank + 1);
        pooled.set(p.productId, Math.max(pooled.get(p.productId) ?? 0, score));
      }
    });
    for (const s of topK(
      [...pooled].map(([productId, score]) => ({ productId, score })),
      k + owned.size,
    ))
      add(s.productId);
  }
  for (const p of sources.popular) {
    if (result.length >= k) break;
    add(p.productId);
  }
  return result;
}

/** A product's catalog features for {@link contentNeighbours}. */
export interface ContentItem {
  id: string;
  name: string;
  /** Plain or HTML text; tags are dropped. */
  description: string;
  categoryIds: string[];
  /** `code=value` pairs of option values and attributes. */
  facets: string[];
}

const stopWords = new Set(
  "a an and are as at be by for from has in is it its of on or that the this to was with your you our".split(
    " ",
  ),
);

/** Lower-case word tokens of 2+ letters or digits, HTML tags and stop words dropped. */
export function terms(text: string): string[] {
  return text
    .replace(/<[^>]*>/g, " ")
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length >= 2 && !stopWords.has(t));
}

/** Options of {@link contentNeighbours}: neighbours kept per product, and the document-frequency cap. */
export interface ContentNeighbourOptions {
  k?: number;
  maxDf?: number;
}

/**
 * Content-based top-K neighbours: cosine similarity of TF-IDF vectors built from category ids
 * (weight 3 each), facets (`code=value`, weight 2 each), name terms (weight 2) and description terms
 * (weight 1, at most 200 terms per product). IDF = ln(N / df). Features held by more than
 * `maxDf` products are ignored (they carry almost no IDF weight and cost O(df²)).
 * @returns product id -> neighbours, best first, ties by id.
 */
export function contentNeighbours(
  items: ContentItem[],
  options: ContentNeighbourOptions = {},
): Map<string, Scored[]> {
  const result = new Map<string, Scored[]>();
  for (const row of contentNeighbourSteps(items, options)) if (row) result.set(row[0], row[1]);
  return result;
}

/**
 * {@link contentNeighbours} for a running server: the same result, computed in slices of at most
 * `sliceMs` milliseconds (default 20) with the event loop free in between. At 100,000 products the
 * computation takes minutes; done in one go it froze every request of the API meanwhile.
 */
export async function contentNeighboursInSlices(
  items: ContentItem[],
  options: ContentNeighbourOptions & { sliceMs?: number } = {},
): Promise<Map<string, Scored[]>> {
  const sliceMs = options.sliceMs ?? 20;
  const result = new Map<string, Scored[]>();
  let sliceStart = performance.now();
  for (const row of contentNeighbourSteps(items, options)) {
    if (row) result.set(row[0], row[1]);
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return result;
}

/** The work of {@link contentNeighbours} in small steps: each yields a product's row, or null. */
function* contentNeighbourSteps(
  items: ContentItem[],
  options: ContentNeighbourOptions,
): Generator<[string, Scored[]] | null> {
  const k = options.k ?? 20;
  const maxDf = options.maxDf ?? 2000;
  const raw: Map<string, number>[] = [];
  for (const item of items) {
    const tf = new Map<string, number>();
    const add = (f: string, w: number) => tf.set(f, (tf.get(f) ?? 0) + w);
    for (const c of item.categoryIds) add(`c:${c}`, 3);
    for (const f of item.facets) add(`f:${f.toLowerCase()}`, 2);
    for (const t of terms(item.name)) add(`t:${t}`, 2);
    for (const t of terms(item.description).slice(0, 200)) add(`t:${t}`, 1);
    raw.push(tf);
    yield null;
  }
  const df = new Map<string, number>();
  for (const tf of raw) for (const f of tf.keys()) df.set(f, (df.get(f) ?? 0) + 1);
  const n = items.length;
  const postings = new Map<string, { doc: number; w: number }[]>();
  // Each product's weighted features, kept to score its row alone (memory stays O(products + postings)).
  const features: [{ doc: number; w: number }[], number][][] = [];
  for (let doc = 0; doc < n; doc++) {
    const tf = raw[doc]!;
    const weights: [string, number][] = [];
    let norm = 0;
    for (const [f, count] of tf) {
      const d = df.get(f)!;
      if (d > maxDf || d < 2) continue;
      const w = count * Math.log(n / d);
      if (w <= 0) continue;
      weights.push([f, w]);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    const own: [{ doc: number; w: number }[], number][] = [];
    for (const [f, w] of weights) {
      let list = postings.get(f);
      if (!list) {
        list = [];
        postings.set(f, list);
      }
      list.push({ doc, w: w / norm });
      own.push([list, w / norm]);
    }
    features[doc] = own;
    yield null;
  }
  // One product's row of dot products at a time (a whole matrix of rows exhausts memory at 100,000 products).
  const dots = new Float64Array(n);
  const touched: number[] = [];
  for (let doc = 0; doc < n; doc++) {
    for (const [list, w] of features[doc] ?? []) {
      for (const y of list) {
        if (y.doc === doc) continue;
        if (dots[y.doc] === 0) touched.push(y.doc);
        dots[y.doc]! += w * y.w;
      }
    }
    if (touched.length === 0) {
      yield null;
      continue;
    }
    const row = topK(
      touched.map((other) => ({ productId: items[other]!.id, score: dots[other]! })),
      k,
    );
    for (const other of touched) dots[other] = 0;
    touched.length = 0;
    yield [items[doc]!.id, row];
  }
}

/** A customer's held-out purchase for offline evaluation. */
export interface HeldOut {
  customerId: string;
  /** Distinct products bought before the held-out one, oldest first. */
  history: string[];
  /** The held-out product (the customer's last distinct purchase). */
  target: string;
}

/**
 * Leave-last-out split: for each customer with at least two distinct purchased products, the last
 * distinct product (latest purchase time; within one order, the last line) is held out as the test
 * item and every purchase of it by that customer is removed from training; the rest of their
 * purchases stay in training as their history. Customers with one distinct product go to training
 * only. Input order breaks time ties (line order within an order).
 */
export function leaveLastOut(purchases: Purchase[]): { train: Purchase[]; test: HeldOut[] } {
  const byCustomer = new Map<string, Purchase[]>();
  purchases.forEach((p) => {
    let list = byCustomer.get(p.customerId);
    if (!list) {
      list = [];
      byCustomer.set(p.customerId, list);
    }
    list.push(p);
  });
  const train: Purchase[] = [];
  const test: HeldOut[] = [];
  for (const [customerId, list] of byCustomer) {
    // Stable sort by time keeps line order within an order.
    const sorted = list.map((p, i) => ({ p, i })).sort((a, b) => a.p.at - b.p.at || a.i - b.i);
    const distinct: string[] = [];
    for (const { p } of sorted) if (!distinct.includes(p.productId)) distinct.push(p.productId);
    if (distinct.length < 2) {
      train.push(...list);
      continue;
    }
    const target = sorted[sorted.length - 1]!.p.productId;
    const history = distinct.filter((id) => id !== target);
    test.push({ customerId, history, target });
    train.push(...list.filter((p) => p.productId !== target));
  }
  return { train, test };
}

/**
 * HitRate@k and NDCG@k of ranked lists against one relevant item each: a hit when the target is in
 * the first k; NDCG = 1 / log2(rank + 1) at its 1-based rank (the ideal DCG of one relevant item is 1),
 * 0 when absent. Järvelin & Kekäläinen, "Cumulated gain-based evaluation of IR techniques", 2002.
 * Averages over the cases; both 0 for no cases.
 */
export function hitRateAndNdcg(
  cases: { ranked: readonly string[]; target: string }[],
  k: number,
): { hitRate: number; ndcg: number } {
  if (cases.length === 0) return { hitRate: 0, ndcg: 0 };
  let hits = 0;
  let gain = 0;
  for (const c of cases) {
    const rank = c.ranked.slice(0, k).indexOf(c.target);
    if (rank < 0) continue;
    hits++;
    gain += 1 / Math.log2(rank + 2);
  }
  return { hitRate: hits / cases.length, ndcg: gain / cases.length };
}

/**
 * The model's settings, shared by the training job and the offline bench: shrinkage λ = 2
 * co-purchases, 20 neighbours per product, baskets over 50 products skipped, popularity half-life
 * 90 days, 50 popular products kept per category.
 */
export const defaultModelOptions = {
  shrinkage: 2,
  k: 20,
  maxBasket: 50,
  halfLifeDays: 90,
  popularPerCategory: 50,
} as const;
