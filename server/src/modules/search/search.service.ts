import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import {
  facetLabels,
  type ProductSummaryDto,
  type SearchCategory,
  searchCategories,
  summarize,
} from "../catalog/index.ts";
import { memoryText, type ParsedQuery } from "./search.engine.ts";
import { highlightAll, highlightSnippet, highlightTerms, stemmerFor } from "./search.highlight.ts";
import type { MemoryFilterGroup, MemoryIndex } from "./search.memory.ts";
import { searchDocuments, searchSettings, searchSynonyms, searchTerms } from "./search.schema.ts";
import { cleanQuery, correctableWords, fold, highlightHtml, splitLastWord } from "./search.text.ts";

import { parseTsquery } from "./search.tsquery.ts";
import type { SearchSort } from "./search.types.ts";

/** Filters of a search. Within one filter the values are alternatives (OR); filters combine with AND. */
export interface SearchFilters {
  /** Category slugs (a category includes its subcategories). */
  category?: string[];
  brand?: string[];
  /** Price ranges on the product's lowest current price, minor units, `max` exclusive. */
  price?: { min: number | null; max: number | null }[];
  /** Option code -> values, e.g. `{ color: ["Red", "Blue"] }`. */
  options?: Record<string, string[]>;
  /** Filterable attribute code -> values. */
  attributes?: Record<string, string[]>;
  /** Only products that can be bought now. */
  inStock?: boolean;
}

export interface SearchParams {
  q: string;
  filters?: SearchFilters;
  sort?: SearchSort;
  /** Page size, 1..100. */
  limit?: number;
  /** An opaque cursor of a previous answer (`nextCursor`). */
  cursor?: string;
}

export interface FacetValue {
  /** The value to send back in the filter parameter named by the facet's `param`. */
  value: string;
  label: string;
  count: number;
  selected: boolean;
  /** Category facets: the parent category's slug (null at the top). */
  parent?: string | null;
}

export interface Facet {
  /** `category`, `brand`, `price`, `option:<code>` or `attr:<code>`. */
  code: string;
  /** Query parameter that filters by this facet: `category`, `brand`, `price`, `option` or `attr`. */
  param: "category" | "brand" | "price" | "option" | "attr";
  label: string;
  values: FacetValue[];
}

export interface SearchHit extends ProductSummaryDto {
  sku: string;
  /** HTML: the name and a description snippet, HTML-escaped, matched words in `<mark>`. */
  highlight: { name: string; snippet: string };
}

export interface SearchResult {
  items: SearchHit[];
  nextCursor: string | null;
  total: number;
  facets: Facet[];
  /** When nothing matched the query as typed and a spelling correction did: the query the results are for. */
  correctedQuery: string | null;
  /** A better-spelt query to offer ("Did you mean ...?") when the query found little. */
  didYouMean: string | null;
  /** No product has every word: these results have some of them (most first). */
  partialMatch: boolean;
}

/** Upper bounds of the price facet's ranges, major units (the last range is open). */
const priceBounds = [25, 50, 100, 200, 500, 1000, 2000];
/**
 * Most values a facet lists (those with the most matches; a category facet lists parents before
 * children of equal count only by label, so a listed child's parent may be left out: clients show such
 * a child at the top).
 */
const maxFacetValues = 100;
/** Deepest offset a cursor may reach (search results are for finding, not for crawling). */
const maxOffset = 5000;
/** Ratio of a product's score kept when it cannot be bought now (sold out products sink). */
const outOfStockFactor = 0.3;

interface Cursor {
  o: number;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset } satisfies Cursor)).toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Cursor;
    if (Number.isSafeInteger(value.o) && value.o >= 0 && value.o <= maxOffset) return value.o;
  } catch {
    // reported below
  }
  throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
}

/**
 * What every search needs besides the index, kept a few seconds (it changes rarely): categories by
 * id and slug, facet labels, the store's language and the words that have synonyms.
 */
interface SearchContext {
  at: number;
  db: Db;
  byId: Map<string, SearchCategory>;
  bySlug: Map<string, SearchCategory>;
  labels: { options: Map<string, string>; attributes: Map<string, string> };
  language: string;
  /** Folded words of every synonym term: a query without any of them needs no rewriting. */
  synonymWords: Set<string>;
}
let contextCache: SearchContext | null = null;

async function searchContext(db: Db): Promise<SearchContext> {
  if (contextCache && contextCache.db === db && Date.now() - contextCache.at < 10_000) return contextCache;
  const [all, labels, settings, synonyms] = await Promise.all([
    searchCategories(db),
    facetLabels(db),
    db.select({ language: searchSettings.language }).from(searchSettings),
    db.select({ terms: searchSynonyms.terms }).from(searchSynonyms),
  ]);
  contextCache = {
    at: Date.now(),
    db,
    byId: new Map(all.map((c) => [c.id, c])),
    bySlug: new Map(all.map((c) => [c.slug, c])),
    labels,
    language: settings[0]?.language ?? "english",
    synonymWords: new Set(synonyms.flatMap((g) => g.terms.flatMap((t) => wordsOf(t)))),
  };
  return contextCache;
}

/** Folded words (letters and digits) of a text. */
function wordsOf(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Forgets the cached search context (after catalog, synonym or language changes). */
export function forgetSearchContext(): void {
  contextCache = null;
}

function titleCase(code: string): string {
  const words = code.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The filter groups of a search (one per filter; a product must pass every group, and passes a group
 * with any of its values): facet tokens (`c:<category id>`, `b:<brand>`, `o:<code>:<value>`,
 * `a:<code>:<value>`) or price ranges. `key` names the facet tokens the group filters, for
 * disjunctive counting: `c`, `b`, `p`, `o:<code>`, `a:<code>`.
 */
function filterGroups(filters: SearchFilters, categories: Map<string, SearchCategory>): MemoryFilterGroup[] {
  const groups: MemoryFilterGroup[] = [];
  if (filters.category?.length) {
    const tokens = filters.category.map((slug) => `c:${categories.get(slug)?.id ?? `unknown:${slug}`}`);
    groups.push({ key: "c", tokens });
  }
  if (filters.brand?.length) groups.push({ key: "b", tokens: filters.brand.map((b) => `b:${b}`) });
  if (filters.price?.length) groups.push({ key: "p", ranges: filters.price });
  for (const [code, values] of Object.entries(filters.options ?? {})) {
    if (values.length) groups.push({ key: `o:${code}`, tokens: values.map((v) => `o:${code}:${v}`) });
  }
  for (const [code, values] of Object.entries(filters.attributes ?? {})) {
    if (values.length) groups.push({ key: `a:${code}`, tokens: values.map((v) => `a:${code}:${v}`) });
  }
  return groups;
}

/** A filter group as a SQL condition on the search document `d`. */
function groupCondition(group: MemoryFilterGroup): SQL {
  if (group.ranges) {
    const ranges = group.ranges.map(
      (r) =>
        sql`(${r.min === null ? sql`true` : sql`d.price_min >= ${r.min}`} and ${r.max === null ? sql`true` : sql`d.price_min < ${r.max}`})`,
    );
    return sql`(${sql.join(ranges, sql` or `)})`;
  }
  return sql`d.facets && ${sql.param(group.tokens ?? [])}::text[]`;
}

const rewriteRules = "select target, substitute from search_synonym_rules";

/** The query (and its head, without the last word) as tsquery text after the staff synonyms' rewrite. */
interface Rewritten {
  tq: string;
  th: string;
}

/**
 * Applies the synonym rules with `ts_rewrite` (one short statement). `ts_rewrite` is volatile, so
 * its results are passed to the search as constants, which lets the GIN indexes serve the match.
 */
async function rewrite(db: Db, q: string, head: string, language: string): Promise<Rewritten> {
  const rows = await queryRows<Rewritten>(
    db,
    sql`select ts_rewrite(websearch_to_tsquery(${language}::regconfig, unaccent(${q})), ${rewriteRules})::text as tq,
      ts_rewrite(websearch_to_tsquery(${language}::regconfig, unaccent(${head})), ${rewriteRules})::text as th`,
  );
  return rows[0]!;
}

/**
 * The text-matching parts of the statement for a (non-empty) query. The match condition uses only
 * parameters and immutable / stable functions, so PostgreSQL computes each tsquery once and answers
 * it from the GIN indexes; scoring reads the same tsqueries from the one-row CTE `q`.
 */
function textQuery(
  q: string,
  language: string,
  rewritten: Rewritten | null,
): { ctes: SQL; match: SQL; rank: SQL; tpl: SQL } {
  const split = splitLastWord(q);
  const lang = sql`${language}::regconfig`;
  const tq = rewritten ? sql`${rewritten.tq}::tsquery` : sql`websearch_to_tsquery(${lang}, unaccent(${q}))`;
  const sku = sql`d.skus @> array[lower(${q})]`;
  if (!split) {
    return {
      ctes: sql`select ${lang} as cfg, ${tq} as tq`,
      match: sql`(d.document @@ ${tq} or ${sku})`,
      rank: sql`q.tq`,
      tpl: sql`null`,
    };
  }
  const th = rewritten
    ? sql`${rewritten.th}::tsquery`
    : sql`websearch_to_tsquery(${lang}, unaccent(${split.head}))`;
  // The last word is letters and digits only, so it is a safe tsquery literal.
  const last = fold(split.last);
  const tp = sql`${`'${last}':*`}::tsquery`;
  const headMatch = split.head ? sql` and (numnode(${th}) = 0 or d.document @@ ${th})` : sql``;
  return {
    ctes: sql`select ${lang} as cfg, ${tq} as tq, ${th} as th,
      to_tsquery(${lang}, ${`'${last}':*`}) as tpl`,
    match: sql`(d.document @@ ${tq} or ${sku} or (d.words @@ ${tp}${headMatch}))`,
    rank: sql`(q.tq || (q.th && q.tpl))`,
    tpl: sql`q.tpl`,
  };
}

interface SearchRow {
  total: number;
  /** The page (and one more): names and the first 1,000 characters of the description, unmarked. */
  hits: { id: string; sku: string; name: string; body: string }[] | null;
  facets: [string, number][] | null;
  /** The query's tsquery and its last word's stemmed prefix, as text (for highlighting). */
  tq?: string | null;
  tpl?: string | null;
}

/** A process's in-memory engine (search.memory.ts) and its cache of parsed queries (search.engine.ts). */
export interface MemoryBackend {
  index: Pick<MemoryIndex, "search">;
  parsed: { get(key: string): ParsedQuery | undefined; set(key: string, value: ParsedQuery): unknown };
}

/**
 * The tsqueries of a query, as the SQL engine builds them (the store's language, accents folded,
 * synonym rules applied when a word has synonyms; the last word's prefix), from one short statement,
 * remembered per language and query.
 */
async function parseQuery(
  db: Db,
  q: string,
  context: SearchContext,
  memory: MemoryBackend,
): Promise<ParsedQuery> {
  const key = `${context.language}\u0000${q}`;
  const cached = memory.parsed.get(key);
  if (cached) return cached;
  const lang = sql`${context.language}::regconfig`;
  const rules = wordsOf(q).some((w) => context.synonymWords.has(w));
  const web = (text: string) =>
    rules
      ? sql`ts_rewrite(websearch_to_tsquery(${lang}, unaccent(${text})), ${rewriteRules})::text`
      : sql`websearch_to_tsquery(${lang}, unaccent(${text}))::text`;
  const split = splitLastWord(q);
  const last = split ? fold(split.last) : "";
  const [row] = await queryRows<{ tq: string; th: string | null; tpl: string | null }>(
    db,
    sql`select ${web(q)} as tq, ${split ? web(split.head) : sql`null`} as th,
      ${split ? sql`to_tsquery(${lang}, ${`'${last}':*`})::text` : sql`null`} as tpl`,
  );
  const parsed: ParsedQuery = {
    tq: row!.tq,
    th: row!.th,
    tpl: row!.tpl,
    memory: memoryText(
      row!.tq,
      split ? { th: row!.th ?? "", tpl: row!.tpl ?? "", word: last } : null,
      q.toLowerCase(),
    ),
  };
  memory.parsed.set(key, parsed);
  return parsed;
}

/**
 * Runs one search on the in-memory engine: PostgreSQL only parses the query (once per distinct
 * query) and cuts the page's highlighted names and snippets. Returns null for a query shape the
 * engine leaves to the SQL one.
 */
async function runMemorySearch(
  db: Db,
  memory: MemoryBackend,
  q: string,
  filters: SearchFilters,
  sort: SearchSort,
  limit: number,
  offset: number,
  context: SearchContext,
): Promise<SearchRow | null> {
  const parsed = q ? await parseQuery(db, q, context, memory) : null;
  const answer = memory.index.search({
    text: parsed?.memory ?? null,
    groups: filterGroups(filters, context.bySlug),
    inStock: filters.inStock ?? false,
    sort,
    count: limit + 1,
    offset,
    priceBounds: priceBounds.map((b) => b * 100),
  });
  if (!answer) return null;
  const texts = { tq: parsed?.tq ?? null, tpl: parsed?.tpl ?? null };
  if (answer.hits.length === 0) return { total: answer.total, hits: [], facets: answer.facets, ...texts };
  const rows = await queryRows<{ id: string; sku: string; name: string; body: string }>(
    db,
    sql`select d.product_id as id, d.sku, d.name, left(d.body, 1000) as body
      from ${searchDocuments} d where d.product_id = any(${sql.param(answer.hits.map((h) => h.id))}::text[])`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hits = answer.hits.flatMap((h) => byId.get(h.id) ?? []);
  return { total: answer.total, hits, facets: answer.facets, ...texts };
}

/**
 * Runs one search as a single statement: the matches (full text with synonyms, prefix of the last
 * word, exact SKU), their score, the page, the total and disjunctive facet counts (each facet counted
 * with every other active filter applied, its own ignored).
 */
async function runSqlSearch(
  db: Db,
  q: string,
  filters: SearchFilters,
  sort: SearchSort,
  limit: number,
  offset: number,
  context: SearchContext,
): Promise<SearchRow> {
  let rewritten: Rewritten | null = null;
  if (q && wordsOf(q).some((w) => context.synonymWords.has(w))) {
    rewritten = await rewrite(db, q, splitLastWord(q)?.head ?? "", context.language);
  }
  const text = q ? textQuery(q, context.language, rewritten) : null;
  const groups = filterGroups(filters, context.bySlug);
  const fails = groups.length
    ? sql.join(
        groups.map((g) => sql`(case when ${groupCondition(g)} then 0 else 1 end)`),
        sql` + `,
      )
    : sql`0`;
  const failed = groups.length
    ? sql`case ${sql.join(
        groups.map((g) => sql`when not ${groupCondition(g)} then ${g.key}`),
        sql` `,
      )} end`
    : sql`null::text`;
  const where: SQL[] = [text ? text.match : sql`true`];
  if (filters.inStock) where.push(sql`d.in_stock`);
  const popularity = sql`(1 + 0.05 * ln(1 + greatest(d.popularity, 0)))`;
  const stock = sql`(case when d.in_stock then 1.0 else ${sql.raw(String(outOfStockFactor))} end)`;
  // Weights D, C, B, A: a word in the name (or the SKU) counts ten times one in the brand or the
  // categories and fifty times one in the description (PostgreSQL's default is 0.1, 0.2, 0.4, 1.0).
  const score = text
    ? sql`ts_rank('{0.02, 0.05, 0.1, 1.0}', d.document, ${text.rank}) * ${stock} * ${popularity}`
    : sql`${stock} * ${popularity}`;
  const skuHit = q ? sql`d.skus @> array[lower(${q})]` : sql`false`;
  const order: Record<SearchSort, SQL> = {
    relevance: sql`x.sku_hit desc, x.score desc, x.created_at desc, x.product_id`,
    price_asc: sql`x.price_min asc nulls last, x.score desc, x.product_id`,
    price_desc: sql`x.price_min desc nulls last, x.score desc, x.product_id`,
    newest: sql`x.created_at desc, x.product_id`,
    rating: sql`x.rating_average desc nulls last, x.review_count desc, x.score desc, x.product_id`,
  };
  const bounds = priceBounds.map((b) => b * 100);
  const priceToken = sql`case when m.price_min is null then '{}'::text[]
    else array['p:' || width_bucket(m.price_min, ${sql.param(bounds)}::bigint[])] end`;
  const rows = await queryRows<SearchRow>(
    db,
    sql`with q as (${text ? text.ctes : sql`select ${context.language}::regconfig as cfg`}),
    m as materialized (
      select d.product_id, d.facets, d.price_min, d.in_stock, d.created_at, d.rating_average, d.review_count,
        ${score} as score, ${skuHit} as sku_hit, ${fails} as fails, ${failed} as failed
      from ${searchDocuments} d, q
      where ${sql.join(where, sql` and `)}
    ),
    page as (
      select x.product_id, x.sku_hit, x.score, x.price_min, x.created_at, x.rating_average, x.review_count
      from m x where x.fails = 0 order by ${order[sort]} limit ${limit + 1} offset ${offset}
    ),
    facet_counts as (
      select t.token, count(*)::int as n
      from m cross join lateral unnest(m.facets || ${priceToken}) as t(token)
      ${
        groups.length
          ? sql`where m.fails = 0 or (m.fails = 1 and m.failed =
        (case when t.token like 'o:%' or t.token like 'a:%' then substring(t.token from '^[oa]:[^:]*')
          else left(t.token, 1) end))`
          : sql``
      }
      group by t.token
    )
    select (select count(*)::int from m where fails = 0) as total,
      (select json_agg(json_build_object('id', x.product_id, 'sku', d.sku, 'name', d.name,
          'body', left(d.body, 1000)) order by ${order[sort]})
        from page x join ${searchDocuments} d on d.product_id = x.product_id) as hits,
      (select json_agg(json_build_array(token, n)) from facet_counts) as facets
      ${text ? sql`, (select q.tq::text from q) as tq, (select ${text.tpl}::text from q) as tpl` : sql``}`,
  );
  return rows[0] ?? { total: 0, hits: null, facets: null };
}

function priceLabel(bucket: number, currency: string): { value: string; label: string } {
  const lo = bucket === 0 ? null : priceBounds[bucket - 1]!;
  const hi = bucket >= priceBounds.length ? null : priceBounds[bucket]!;
  const symbol = currency === "USD" ? "$" : `${currency} `;
  const value = `${lo === null ? "" : lo * 100}-${hi === null ? "" : hi * 100}`;
  const label =
    lo === null
      ? `Under ${symbol}${hi}`
      : hi === null
        ? `${symbol}${lo} and above`
        : `${symbol}${lo} – ${symbol}${hi}`;
  return { value, label };
}

/** Facets from the statement's token counts, in a stable order with labels and selection flags. */
function buildFacets(
  counts: [string, number][],
  filters: SearchFilters,
  categories: Map<string, SearchCategory>,
  labels: SearchContext["labels"],
  currency: string,
): Facet[] {
  const category: FacetValue[] = [];
  const brand: FacetValue[] = [];
  const price: (FacetValue & { bucket: number })[] = [];
  const grouped = new Map<string, Facet>();
  const selectedPrices = new Set((filters.price ?? []).map((r) => `${r.min ?? ""}-${r.max ?? ""}`));
  for (const [token, count] of counts) {
    const kind = token.slice(0, 2);
    const rest = token.slice(2);
    if (kind === "c:") {
      const c = categories.get(rest);
      if (!c) continue;
      const parent = c.parentId ? categories.get(c.parentId) : undefined;
      category.push({
        value: c.slug,
        label: c.name,
        count,
        selected: filters.category?.includes(c.slug) ?? false,
        parent: parent?.slug ?? null,
      });
    } else if (kind === "b:") {
      brand.push({ value: rest, label: rest, count, selected: filters.brand?.includes(rest) ?? false });
    } else if (kind === "p:") {
      const bucket = Number(rest);
      const { value, label } = priceLabel(bucket, currency);
      price.push({ value, label, count, selected: selectedPrices.has(value), bucket });
    } else if (kind === "o:" || kind === "a:") {
      const colon = rest.indexOf(":");
      if (colon < 0) continue;
      const code = rest.slice(0, colon);
      const value = rest.slice(colon + 1);
      const param = kind === "o:" ? "option" : "attr";
      const key = `${param}:${code}`;
      const label = (kind === "o:" ? labels.options : labels.attributes).get(code) ?? titleCase(code);
      const facet = grouped.get(key) ?? { code: key, param, label, values: [] };
      const chosen = (kind === "o:" ? filters.options : filters.attributes)?.[code] ?? [];
      facet.values.push({ value: `${code}:${value}`, label: value, count, selected: chosen.includes(value) });
      grouped.set(key, facet);
    }
  }
  const byCount = (a: FacetValue, b: FacetValue) =>
    b.count - a.count ||
    a.label.localeCompare(b.label) ||
    (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  const top = (values: FacetValue[]) => values.sort(byCount).slice(0, maxFacetValues);
  const facets: Facet[] = [];
  if (category.length)
    facets.push({ code: "category", param: "category", label: "Category", values: top(category) });
  if (brand.length) facets.push({ code: "brand", param: "brand", label: "Brand", values: top(brand) });
  if (price.length)
    facets.push({
      code: "price",
      param: "price",
      label: "Price",
      values: price.sort((a, b) => a.bucket - b.bucket).map(({ bucket: _bucket, ...v }) => v),
    });
  for (const facet of [...grouped.values()].sort((a, b) => a.code.localeCompare(b.code))) {
    facet.values = top(facet.values);
    facets.push(facet);
  }
  return facets;
}

/**
 * Spelling correction: each correctable word of the query that is not in the index's vocabulary is
 * replaced by the most similar term (trigram similarity at least 0.3, the `pg_trgm` default; ties
 * go to the term more products use). Returns null when nothing was corrected.
 */
export async function correctQuery(db: Db, q: string): Promise<string | null> {
  const words = correctableWords(q);
  if (words.length === 0) return null;
  const rows = await queryRows<{ word: string; known: boolean; term: string | null }>(
    db,
    sql`select w.word,
        exists (select 1 from ${searchTerms} t where t.term = w.word) as known,
        (select t.term from ${searchTerms} t where t.term % w.word
          order by similarity(t.term, w.word) desc, t.documents desc, t.term limit 1) as term
      from unnest(${sql.param(words.map((w) => fold(w.word)))}::text[]) as w(word)`,
  );
  let corrected = q;
  let changed = false;
  // Replace from the end so earlier positions stay valid.
  for (let i = words.length - 1; i >= 0; i--) {
    const row = rows[i];
    const w = words[i]!;
    if (!row || row.known || !row.term || row.term === fold(w.word)) continue;
    corrected = corrected.slice(0, w.start) + row.term + corrected.slice(w.end);
    changed = true;
  }
  return changed ? corrected : null;
}

/**
 * A plain query of several words as "any of them" in web-search syntax (`a or b or c`), or null when
 * the query has operators (quotes, `-`, `or`) or a single word.
 */
export function anyOfTheWords(q: string): string | null {
  const words = q.split(/\s+/).filter(Boolean);
  if (words.length < 2 || words.some((w) => /["-]/.test(w.charAt(0)) || w.includes('"') || /^or$/i.test(w)))
    return null;
  return words.join(" or ");
}

/** Fewer hits than this and a spelling correction is offered ("Did you mean ...?"). */
const fewHits = 3;

/**
 * Searches the catalog: full text over the search index (weighted fields, the store's language,
 * accents folded, `websearch_to_tsquery` syntax: quotes, `-word`, `or`), prefix matching of the last
 * word, staff synonyms, an exact SKU first, boosts for stock and popularity; with typo tolerance
 * (a query that finds nothing is corrected against the index vocabulary and run again; then, if
 * still nothing, run as "any of the words"). Facet counts
 * are disjunctive. Item data (prices, stock, thumbnails, ratings) is read live from the catalog.
 * An empty `q` browses everything that matches the filters (most popular first).
 * Prices are minor units of the catalog's currency.
 * @throws ValidationError (field `cursor`) for a cursor this API did not issue.
 */
export async function searchProducts(
  db: Db,
  params: SearchParams,
  summaries: (ids: string[]) => Promise<Map<string, ProductSummaryDto>> = (ids) => summarize(db, ids),
  memory: MemoryBackend | null = null,
): Promise<SearchResult> {
  const q = cleanQuery(params.q);
  const filters = params.filters ?? {};
  const sort = params.sort ?? "relevance";
  const limit = Math.min(Math.max(params.limit ?? 24, 1), 100);
  const offset = params.cursor ? decodeCursor(params.cursor) : 0;
  const context = await searchContext(db);
  const runSearch = async (
    query: string,
    f: SearchFilters,
    s: SearchSort,
    l: number,
    o: number,
    c: SearchContext,
  ): Promise<SearchRow> =>
    (memory && (await runMemorySearch(db, memory, query, f, s, l, o, c))) ??
    runSqlSearch(db, query, f, s, l, o, c);
  let row = await runSearch(q, filters, sort, limit, offset, context);
  // The query the results are for (as typed, corrected or relaxed): what highlighting marks.
  let rowQuery = q;
  let correctedQuery: string | null = null;
  let didYouMean: string | null = null;
  let partialMatch = false;
  if (q && (row.total === 0 || (row.total < fewHits && offset === 0))) {
    const corrected = await correctQuery(db, q);
    if (corrected && row.total === 0) {
      const again = await runSearch(corrected, filters, sort, limit, offset, context);
      if (again.total > 0) {
        row = again;
        rowQuery = corrected;
        correctedQuery = corrected;
      }
    } else if (corrected) {
      didYouMean = corrected;
    }
    // Still nothing: match any of the words instead of all of them (ranked by how many match).
    const relaxed = row.total === 0 ? anyOfTheWords(corrected ?? q) : null;
    if (relaxed) {
      const again = await runSearch(relaxed, filters, sort, limit, offset, context);
      if (again.total > 0) {
        row = again;
        rowQuery = relaxed;
        partialMatch = true;
        if (corrected) correctedQuery = corrected;
      }
    }
  }
  const hits = row.hits ?? [];
  const split = rowQuery ? splitLastWord(rowQuery) : null;
  const terms = rowQuery
    ? highlightTerms(rowQuery, await stemmerFor(context.language), {
        tq: row.tq ? parseTsquery(row.tq) : null,
        tpl: row.tpl ? parseTsquery(row.tpl) : null,
        lastWord: split ? fold(split.last) : null,
      })
    : null;
  const page = hits.slice(0, limit);
  const cards = await summaries(page.map((h) => h.id));
  const items: SearchHit[] = [];
  for (const h of page) {
    const summary = cards.get(h.id);
    if (!summary) continue; // deleted since it was indexed; the outbox removes it shortly
    items.push({
      ...summary,
      sku: h.sku,
      highlight: {
        name: highlightHtml(highlightAll(h.name, terms)),
        snippet: highlightHtml(highlightSnippet(h.body, terms)),
      },
    });
  }
  const currency = items[0]?.price.currency ?? "USD";
  return {
    items,
    nextCursor: hits.length > limit && offset + limit <= maxOffset ? encodeCursor(offset + limit) : null,
    total: row.total,
    facets: buildFacets(row.facets ?? [], filters, context.byId, context.labels, currency),
    correctedQuery,
    didYouMean,
    partialMatch,
  };
}
