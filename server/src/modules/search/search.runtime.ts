import { LRUCache } from "lru-cache";
import type { ResponseCache } from "../../platform/cache.ts";
import type { Db } from "../../platform/db.ts";
import type { OutboxDispatcher } from "../../platform/outbox.ts";
import {
  catalogCacheNamespace,
  type ProductSummaryDto,
  type ProductsChangedEvent,
  productsChangedTopic,
  summarize,
} from "../catalog/index.ts";
import { SearchRecorder } from "./search.analytics.ts";
import { MemorySearchEngine } from "./search.engine.ts";
import { countDocuments, indexProducts, indexVersion, reindexAll } from "./search.indexer.ts";
import {
  forgetSearchContext,
  type SearchParams,
  type SearchResult,
  searchProducts,
} from "./search.service.ts";
import { reindexRequestedTopic } from "./search.settings.ts";
import { Suggester } from "./search.suggest.ts";

/** The search module's per-app state: the analytics recorder, the answer cache and autocomplete. */
export interface SearchRuntime {
  recorder: SearchRecorder;
  suggester: Suggester;
  /**
   * `searchProducts`, with answers reused for `cacheTtlMs` per identical request while the index
   * version stays the same (any process's index change is seen within 250 ms); concurrent identical
   * requests share one query.
   */
  search(params: SearchParams): Promise<SearchResult>;
  /** Forgets cached answers and suggestions. */
  forget(): void;
  /** Loads the in-memory engine's copy of the index (before serving); nothing with the SQL engine. */
  warm(): Promise<void>;
  /** Writes buffered analytics (on shutdown). */
  close(): Promise<void>;
}

/**
 * Sets the search module up for one app: keeps the index in step with the catalog through the
 * outbox (`catalog.products.changed` re-reads those products; `search.reindex.requested` rebuilds
 * everything), and builds the analytics recorder and the suggester.
 */
export function createSearchRuntime(
  db: Db,
  outbox: OutboxDispatcher,
  onError: (error: unknown) => void,
  options: {
    cacheTtlMs?: number;
    cache?: ResponseCache;
    /** `memory` (default): answer from an in-memory copy of the index (search.memory.ts); `postgres`: SQL. */
    engine?: "memory" | "postgres";
    /** How often the in-memory copy looks for changes, ms (0: before every search). */
    syncIntervalMs?: number;
  } = {},
): SearchRuntime {
  const cacheTtlMs = options.cacheTtlMs ?? 0;
  const cache = options.cache;
  // Result cards come from the catalog's summaries, cached like the catalog's own list pages.
  const summaries = (ids: string[]): Promise<Map<string, ProductSummaryDto>> =>
    cache
      ? cache
          .getMany(
            catalogCacheNamespace,
            ids.map((id) => `summary:${id}`),
            async (missing) => {
              const found = await summarize(
                db,
                missing.map((key) => key.slice("summary:".length)),
              );
              return new Map([...found].map(([id, summary]) => [`summary:${id}`, summary]));
            },
          )
          .then(
            (byKey) => new Map([...byKey].map(([key, summary]) => [key.slice("summary:".length), summary])),
          )
      : summarize(db, ids);
  const recorder = new SearchRecorder(db, onError);
  const suggester = new Suggester(db);
  const answers =
    cacheTtlMs > 0 ? new LRUCache<string, Promise<SearchResult>>({ max: 10_000, ttl: cacheTtlMs }) : null;
  const forget = () => {
    answers?.clear();
    version = null;
    forgetSearchContext();
  };
  const engine =
    (options.engine ?? "memory") === "memory"
      ? new MemorySearchEngine(db, {
          syncIntervalMs: options.syncIntervalMs ?? 250,
          // Cached answers are keyed by the copy's version, so only the context needs forgetting.
          onChange: ({ synonyms }) => {
            if (synonyms) forgetSearchContext();
          },
          onError,
        })
      : null;
  // The index version, read at most every 250 ms and shared by concurrent searches: a cached answer
  // is used only while the index is unchanged, whichever process changed it.
  let version: { value: number; at: number } | null = null;
  let reading: Promise<number> | null = null;
  const currentVersion = async (): Promise<number> => {
    if (version && Date.now() - version.at < 250) return version.value;
    reading ??= indexVersion(db)
      .then((value) => {
        version = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  };
  const search = async (params: SearchParams): Promise<SearchResult> => {
    // The in-memory copy answers, keyed by the index version it reflects; while it cannot be loaded, SQL does.
    const memory = engine
      ? await engine.current().catch((error: unknown) => {
          onError(error);
          return null;
        })
      : null;
    const backend = memory && engine ? { index: memory.index, parsed: engine.parsedQueries } : null;
    if (!answers) return searchProducts(db, params, summaries, backend);
    const key = `${memory ? `m${memory.version}` : await currentVersion()}:${JSON.stringify(params)}`;
    let answer = answers.get(key);
    if (!answer) {
      answer = searchProducts(db, params, summaries, backend);
      answers.set(key, answer);
      // A failed search is not kept.
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
  outbox.on(productsChangedTopic, async (event) => {
    const { productIds } = event.payload as ProductsChangedEvent;
    await indexProducts(db, productIds);
    forget();
  });
  outbox.on(reindexRequestedTopic, async () => {
    await reindexAll(db);
    forget();
    suggester.reset();
  });
  return {
    recorder,
    suggester,
    search,
    forget: () => {
      forget();
      suggester.reset();
    },
    warm: async () => {
      await engine?.ready();
    },
    close: () => recorder.flush(),
  };
}

/**
 * Builds the index when it is empty while the catalog is not (a database from before search existed,
 * or one whose events were lost). Returns the number of documents written (0 when nothing to do).
 */
export async function ensureSearchIndex(db: Db, productCount: number): Promise<number> {
  if (productCount === 0 || (await countDocuments(db)) > 0) return 0;
  const { indexed } = await reindexAll(db);
  return indexed;
}
