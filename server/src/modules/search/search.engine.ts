import { sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { type Db, queryRows } from "../../platform/db.ts";
import { indexVersion } from "./search.indexer.ts";
import { type IndexRow, MemoryIndex, type MemoryText } from "./search.memory.ts";
import { searchChanges, searchDocuments } from "./search.schema.ts";
import { parseTsquery } from "./search.tsquery.ts";

/** A shopper's query as PostgreSQL's text search turned it into tsqueries (text forms and parsed). */
export interface ParsedQuery {
  /** `websearch_to_tsquery` of the query (synonyms applied). */
  tq: string;
  /** Prefix matching of the last word: the head's tsquery and the stemmed prefix's (`to_tsquery('last:*')`). */
  th: string | null;
  tpl: string | null;
  memory: MemoryText;
}

const loadBatch = 5000;
/** Copies of at most this many documents are reloaded before answering rather than in the background. */
const inlineReloadSize = 10_000;

const rowColumns = sql`product_id, sku, skus, document::text as document, words::text as words, facets,
  price_min, in_stock, popularity, rating_average, review_count,
  (extract(epoch from created_at) * 1000000)::float8 as created_us`;

/**
 * Keeps one process's `MemoryIndex` in step with `search_documents`: loads it whole at first, then,
 * whenever `search_settings.version` moved (checked at most every `syncIntervalMs`), re-reads the
 * documents `search_changes` names; a full reindex (or a gap in the change log) reloads everything
 * in the background while the previous copy keeps answering.
 */
export class MemorySearchEngine {
  private index: MemoryIndex | null = null;
  /** The index version the copy reflects (read before its rows). */
  private version = -1;
  private checkedAt = 0;
  private syncing: Promise<void> | null = null;
  private reloading: Promise<void> | null = null;
  /** Parsed queries per language and query text, emptied when synonyms or the language change. */
  readonly parsedQueries = new LRUCache<string, ParsedQuery>({ max: 20_000 });

  constructor(
    private readonly db: Db,
    private readonly options: {
      /** How often to look at the index version (0: before every search). */
      syncIntervalMs: number;
      /** Called after the copy changed (cached answers are stale) and with what changed outside documents. */
      onChange: (change: { synonyms: boolean }) => void;
      onError: (error: unknown) => void;
    },
  ) {}

  /** Loads the index if it is not loaded yet (every search waits for the first load). */
  async ready(): Promise<void> {
    if (this.index) return;
    await this.startReload();
  }

  /** The reload in progress, or a new one (one at a time). */
  private startReload(): Promise<void> {
    this.reloading ??= this.reload().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /**
   * The current copy and the index version it reflects, after catching up with changes when the
   * version was last checked more than `syncIntervalMs` ago.
   */
  async current(): Promise<{ index: MemoryIndex; version: number }> {
    await this.ready();
    if (Date.now() - this.checkedAt >= this.options.syncIntervalMs && !this.reloading) {
      this.syncing ??= this.sync().finally(() => {
        this.syncing = null;
      });
      await this.syncing;
    }
    return { index: this.index!, version: this.version };
  }

  private async reload(): Promise<void> {
    const version = await indexVersion(this.db);
    const index = new MemoryIndex();
    let after = "";
    for (;;) {
      const rows = await queryRows<IndexRow>(
        this.db,
        sql`select ${rowColumns} from ${searchDocuments} where product_id > ${after} order by product_id limit ${loadBatch}`,
      );
      if (rows.length === 0) break;
      index.upsert(rows);
      after = rows[rows.length - 1]!.product_id;
      if (rows.length < loadBatch) break;
    }
    this.index = index;
    this.version = version;
    this.checkedAt = Date.now();
    this.parsedQueries.clear();
    this.options.onChange({ synonyms: true });
  }

  private async sync(): Promise<void> {
    try {
      const current = await indexVersion(this.db);
      this.checkedAt = Date.now();
      if (current === this.version) return;
      const changes = await queryRows<{ version: number | string; product_ids: string[] | null }>(
        this.db,
        sql`select version, product_ids from ${searchChanges}
          where version > ${this.version} and version <= ${current} order by version`,
      );
      const ids = new Set<string>();
      let everything = changes.length !== current - this.version;
      let synonyms = false;
      for (const change of changes) {
        if (change.product_ids === null) everything = true;
        else if (change.product_ids.length === 0) synonyms = true;
        else for (const id of change.product_ids) ids.add(id);
      }
      if (everything || ids.size > 50_000) {
        // A big copy is rebuilt in the background while the previous one answers; a small one (well
        // under a second to load) is rebuilt before answering.
        const reloading = this.startReload().catch(this.options.onError);
        if (this.index!.size <= inlineReloadSize) await reloading;
        return;
      }
      const wanted = [...ids];
      const rows: IndexRow[] = [];
      for (let i = 0; i < wanted.length; i += loadBatch) {
        const chunk = wanted.slice(i, i + loadBatch);
        rows.push(
          ...(await queryRows<IndexRow>(
            this.db,
            sql`select ${rowColumns} from ${searchDocuments} where product_id = any(${sql.param(chunk)}::text[])`,
          )),
        );
      }
      const found = new Set(rows.map((r) => r.product_id));
      this.index!.upsert(rows);
      this.index!.remove(wanted.filter((id) => !found.has(id)));
      this.version = current;
      if (synonyms) this.parsedQueries.clear();
      this.options.onChange({ synonyms });
    } catch (error) {
      this.options.onError(error);
    }
  }
}

/** Parses PostgreSQL's text forms into the engine's query (null text: empty query). */
export function memoryText(
  tq: string,
  split: { th: string; tpl: string; word: string } | null,
  sku: string,
): MemoryText {
  return {
    tq: parseTsquery(tq),
    split: split ? { th: parseTsquery(split.th), tpl: parseTsquery(split.tpl), word: split.word } : null,
    sku,
  };
}
