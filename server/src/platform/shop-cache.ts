/**
 * A short-lived cache of shop configuration that every cart read and checkout needs but staff change
 * rarely: store settings, tax rates, automatic promotions, shipping methods. Reading them on each
 * request cost a third of a checkout's SQL statements.
 *
 * - Entries belong to one database handle (each app and each test database has its own) and live
 *   `shopCacheTtlMs` (5 s) at most.
 * - A write through this process's services calls `invalidateShopCache(tag)`, so it shows at once
 *   here. Other processes on the same database see it within the TTL, like the CDN-cached catalog
 *   pages do.
 * - Inside a transaction (a different handle) nothing is shared, so a transaction never reads another
 *   transaction's cached copy.
 *
 * Only configuration goes here. Stock, coupon usage counts and prices are always read fresh: the
 * checkout's conditional updates settle them.
 */

/** What the cache holds, by tag. */
export type ShopCacheTag =
  | "settings"
  | "tax_rates"
  | "promotions"
  | "shipping_methods"
  | "price_lists"
  | "category_tree";

/** How long a cached entry is trusted, in milliseconds. */
export const shopCacheTtlMs = 5_000;

interface Entry {
  value: Promise<unknown>;
  loadedAt: number;
  generation: number;
}

const caches = new WeakMap<object, Map<string, Entry>>();
const generations = new Map<ShopCacheTag, number>();

/**
 * The cached value of `tag` (+ `key`) for database handle `db`, loaded with `load` when missing,
 * older than the TTL or invalidated since. Concurrent callers share one load; a failed load is not kept.
 */
export function shopCached<T>(
  db: object,
  tag: ShopCacheTag,
  key: string,
  load: () => PromiseLike<T>,
  now = Date.now(),
): Promise<T> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const id = `${tag}\u0000${key}`;
  const generation = generations.get(tag) ?? 0;
  const hit = cache.get(id);
  if (hit && hit.generation === generation && now - hit.loadedAt < shopCacheTtlMs) {
    return hit.value as Promise<T>;
  }
  // Promise.resolve: a query builder is a thenable that runs its query again on every `then`.
  const value = Promise.resolve(load());
  const entry: Entry = { value, loadedAt: now, generation };
  cache.set(id, entry);
  value.catch(() => {
    if (cache.get(id) === entry) cache.delete(id);
  });
  return value;
}

/** Forgets every cached entry of `tag`, for every database handle of this process (call after a write). */
export function invalidateShopCache(tag: ShopCacheTag): void {
  generations.set(tag, (generations.get(tag) ?? 0) + 1);
}
