import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import { insertRows } from "../../platform/statements.ts";
import { type SearchEventType, searchEvents, searchQueries } from "./search.schema.ts";
import { normalizeQuery } from "./search.text.ts";

/** A search as recorded for analytics. */
export interface RecordedSearch {
  query: string;
  resultCount: number;
  correctedQuery: string | null;
  filters: Record<string, unknown>;
  sort: string;
  firstPage: boolean;
}

/**
 * Records searches for analytics without adding a write to each search: entries are buffered and
 * written together (one statement) every `flushMs` or every `maxBuffer` entries. The query id is
 * made at once, so the shopper's click on a result can name it before the row is written.
 * A crash loses at most the last `flushMs` of searches (analytics, not orders).
 */
export class SearchRecorder {
  private buffer: (typeof searchQueries.$inferInsert)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    private readonly flushMs = 1000,
    private readonly maxBuffer = 500,
  ) {}

  /** Buffers a search and returns its id (`srq_...`). */
  record(search: RecordedSearch): string {
    const id = newId("srq");
    this.buffer.push({
      id,
      query: search.query.slice(0, 256),
      normalized: normalizeQuery(search.query).slice(0, 256),
      resultCount: search.resultCount,
      correctedQuery: search.correctedQuery,
      filters: search.filters,
      sort: search.sort,
      firstPage: search.firstPage,
      createdAt: new Date(),
    });
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    return id;
  }

  /** Writes the buffered searches now (also called on shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        await insertRows(this.db, searchQueries, rows);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}

/**
 * Records a shopper's click on, or conversion (add to cart) of, a product found by search `queryId`.
 * Idempotent: one event per query, product and type. `position` is the 1-based rank in the results.
 */
export async function recordSearchEvent(
  db: Db,
  event: { queryId: string; productId: string; type: SearchEventType; position?: number | null },
): Promise<void> {
  await db
    .insert(searchEvents)
    .values({
      queryId: event.queryId,
      productId: event.productId,
      type: event.type,
      position: event.position ?? null,
    })
    .onConflictDoNothing();
}

export interface QueryStats {
  query: string;
  searches: number;
  /** Average number of results, rounded. */
  averageResults: number;
  /** Share of the query's searches with at least one click on a result, 0..1. */
  clickThroughRate: number;
  /** Share of the query's searches with at least one conversion, 0..1. */
  conversionRate: number;
  lastSearchedAt: string;
}

export interface SearchAnalytics {
  from: string;
  to: string;
  searches: number;
  zeroResultSearches: number;
  zeroResultRate: number;
  clickThroughRate: number;
  conversionRate: number;
  topQueries: QueryStats[];
  zeroResultQueries: QueryStats[];
}

interface StatsRow {
  query: string;
  searches: number;
  average_results: number;
  clicked: number;
  converted: number;
  last_at: string;
}

function toStats(r: StatsRow): QueryStats {
  const searches = Number(r.searches);
  return {
    query: r.query,
    searches,
    averageResults: Math.round(Number(r.average_results)),
    clickThroughRate: searches ? Number(r.clicked) / searches : 0,
    conversionRate: searches ? Number(r.converted) / searches : 0,
    lastSearchedAt: new Date(r.last_at).toISOString(),
  };
}

/**
 * Search analytics over [from, to) (UTC): searches (first result pages only), the zero-result rate,
 * click-through rate (searches with a click on a result / searches) and conversion rate, the top
 * queries and the top zero-result queries (`limit` each, by number of searches).
 */
export async function searchAnalytics(
  db: Db,
  range: { from: Date; to: Date },
  limit = 20,
): Promise<SearchAnalytics> {
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  const perQuery = (zeroOnly: boolean) => sql`
    select s.normalized as query, count(*)::int as searches, avg(s.result_count)::float8 as average_results,
      count(*) filter (where exists (select 1 from ${searchEvents} e where e.query_id = s.id and e.type = 'click'))::int as clicked,
      count(*) filter (where exists (select 1 from ${searchEvents} e where e.query_id = s.id and e.type = 'conversion'))::int as converted,
      max(s.created_at) as last_at
    from ${searchQueries} s
    where s.first_page and s.created_at >= ${from}::timestamptz and s.created_at < ${to}::timestamptz
      and s.normalized <> '' ${zeroOnly ? sql`and s.result_count = 0` : sql``}
    group by s.normalized order by searches desc, query limit ${limit}`;
  const [totals, top, zero] = await Promise.all([
    queryRows<{ searches: number; zero: number; clicked: number; converted: number }>(
      db,
      sql`select count(*)::int as searches, count(*) filter (where s.result_count = 0)::int as zero,
        count(*) filter (where exists (select 1 from ${searchEvents} e where e.query_id = s.id and e.type = 'click'))::int as clicked,
        count(*) filter (where exists (select 1 from ${searchEvents} e where e.query_id = s.id and e.type = 'conversion'))::int as converted
      from ${searchQueries} s
      where s.first_page and s.created_at >= ${from}::timestamptz and s.created_at < ${to}::timestamptz`,
    ),
    queryRows<StatsRow>(db, perQuery(false)),
    queryRows<StatsRow>(db, perQuery(true)),
  ]);
  const t = totals[0] ?? { searches: 0, zero: 0, clicked: 0, converted: 0 };
  const searches = Number(t.searches);
  return {
    from,
    to,
    searches,
    zeroResultSearches: Number(t.zero),
    zeroResultRate: searches ? Number(t.zero) / searches : 0,
    clickThroughRate: searches ? Number(t.clicked) / searches : 0,
    conversionRate: searches ? Number(t.converted) / searches : 0,
    topQueries: top.map(toStats),
    zeroResultQueries: zero.map(toStats),
  };
}

/**
 * Queries shoppers ran often with results in the last `days` days, most frequent first (for
 * autocomplete): at least `minSearches` searches each. A misspelt query that found results only once
 * corrected counts under its correction.
 */
export async function popularQueries(
  db: Db,
  options: { days?: number; minSearches?: number; limit?: number } = {},
): Promise<{ query: string; searches: number }[]> {
  const rows = await queryRows<{ query: string; searches: number }>(
    db,
    sql`select coalesce(lower(corrected_query), normalized) as query, count(*)::int as searches from ${searchQueries}
      where first_page and result_count > 0 and created_at > now() - make_interval(days => ${options.days ?? 30})
        and normalized <> ''
      group by 1 having count(*) >= ${options.minSearches ?? 2}
      order by searches desc, query limit ${options.limit ?? 2000}`,
  );
  return rows.map((r) => ({ query: r.query, searches: Number(r.searches) }));
}
