import { LRUCache } from "lru-cache";

/**
 * An in-process cache for read-mostly data (the store catalog): serialised responses and reusable
 * pieces such as product summaries. Entries live `ttlMs` at most and are dropped at once when their
 * namespace is invalidated (a catalog write bumps the namespace generation). Concurrent misses for
 * one key share a single computation. A TTL of 0 turns caching off.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, { value: unknown }>;
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 20_000,
  ) {
    this.entries = new LRUCache<string, { value: unknown }>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  private fullKey(namespace: string, key: string): { fullKey: string; generation: number } {
    const generation = this.generations.get(namespace) ?? 0;
    return { fullKey: `${namespace}:${generation}:${key}`, generation };
  }

  /** Returns the cached value for `key` in `namespace`, computing and storing it on a miss. */
  async get<T>(namespace: string, key: string, compute: () => Promise<T>): Promise<T> {
    if (!this.enabled) return compute();
    const { fullKey, generation } = this.fullKey(namespace, key);
    const cached = this.entries.get(fullKey);
    if (cached !== undefined) {
      this.hits++;
      return cached.value as T;
    }
    this.misses++;
    const pending = this.inFlight.get(fullKey);
    if (pending) return pending as Promise<T>;
    const job = compute()
      .then((value) => {
        // Store only if no write invalidated the namespace while we computed.
        if ((this.generations.get(namespace) ?? 0) === generation) this.entries.set(fullKey, { value });
        return value;
      })
      .finally(() => this.inFlight.delete(fullKey));
    this.inFlight.set(fullKey, job);
    return job;
  }

  /**
   * Returns cached values for many keys at once; the missing ones are computed together by
   * `computeMissing` (which answers a map by key) and stored.
   */
  async getMany<T>(
    namespace: string,
    keys: string[],
    computeMissing: (missing: string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    if (!this.enabled) return computeMissing(keys);
    const result = new Map<string, T>();
    const missing: string[] = [];
    const { generation } = this.fullKey(namespace, "");
    for (const key of keys) {
      const cached = this.entries.get(`${namespace}:${generation}:${key}`);
      if (cached === undefined) missing.push(key);
      else result.set(key, cached.value as T);
    }
    this.hits += keys.length - missing.length;
    this.misses += missing.length;
    if (missing.length === 0) return result;
    const computed = await computeMissing(missing);
    const stillCurrent = (this.generations.get(namespace) ?? 0) === generation;
    for (const [key, value] of computed) {
      result.set(key, value);
      if (stillCurrent) this.entries.set(`${namespace}:${generation}:${key}`, { value });
    }
    return result;
  }

  /** Drops every entry of `namespace` (call after a committed write to the data it caches). */
  invalidate(namespace: string): void {
    this.generations.set(namespace, (this.generations.get(namespace) ?? 0) + 1);
  }
}
