import { LRUCache } from "lru-cache";

/**
 * A response cache for read-mostly data (the store catalog). Entries live `ttlMs` at most and are
 * dropped at once when their namespace is invalidated (a catalog write bumps the namespace
 * generation). Concurrent misses for one key share a single computation.
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, string>;
  private readonly generations = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<string>>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 5_000,
  ) {
    this.entries = new LRUCache<string, string>({ max: maxEntries, ttl: Math.max(ttlMs, 1) });
  }

  /** Returns the cached string for `key` in `namespace`, computing and storing it on a miss. */
  async get(namespace: string, key: string, compute: () => Promise<string>): Promise<string> {
    if (this.ttlMs <= 0) return compute();
    const generation = this.generations.get(namespace) ?? 0;
    const fullKey = `${namespace}:${generation}:${key}`;
    const cached = this.entries.get(fullKey);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const pending = this.inFlight.get(fullKey);
    if (pending) return pending;
    const job = compute()
      .then((value) => {
        // Store only if no write invalidated the namespace while we computed.
        if ((this.generations.get(namespace) ?? 0) === generation) this.entries.set(fullKey, value);
        return value;
      })
      .finally(() => this.inFlight.delete(fullKey));
    this.inFlight.set(fullKey, job);
    return job;
  }

  /** Drops every entry of `namespace` (call after a committed write to the data it caches). */
  invalidate(namespace: string): void {
    this.generations.set(namespace, (this.generations.get(namespace) ?? 0) + 1);
  }
}
