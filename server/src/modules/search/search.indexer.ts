import { sql } from "drizzle-orm";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { supersedeEvents } from "../../platform/outbox.ts";
import {
  type ProductSearchSource,
  productSearchSources,
  productStockFlags,
  productsChangedTopic,
  type SearchCategory,
  searchCategories,
} from "../catalog/index.ts";
import { stockChangedSince } from "../inventory/index.ts";
import { getRatingSummaries } from "../reviews/index.ts";
import { searchChanges, searchDocuments, searchSettings, searchTerms } from "./search.schema.ts";
import { stripHtml, vocabularyWords } from "./search.text.ts";

/** Attribute codes read as the product's brand. */
const brandCodes = new Set(["brand", "manufacturer"]);

/** A search document before PostgreSQL turns its texts into weighted lexemes. */
interface DocumentInput {
  id: string;
  sku: string;
  skus: string[];
  name: string;
  slug: string;
  brand: string;
  body: string;
  /** Weight A: name and SKU. */
  a: string;
  /** Weight B: brand and category names. */
  b: string;
  /** Weight C: option values and visible attributes. */
  c: string;
  /** Weight D: short description and description. */
  d: string;
  /** Unstemmed words for prefix matching. */
  w: string;
  facets: string[];
  price_min: number | null;
  price_max: number | null;
  currency: string | null;
  in_stock: boolean;
  popularity: number;
  rating_average: number | null;
  review_count: number;
  created_at: string;
}

function attributeText(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "boolean") return [];
  return [String(value)];
}

/** The category and its active ancestors, nearest first; empty when the category itself is inactive. */
function withAncestors(id: string, byId: Map<string, SearchCategory>): SearchCategory[] {
  const chain: SearchCategory[] = [];
  const seen = new Set<string>();
  for (let c = byId.get(id); c && !seen.has(c.id); c = c.parentId ? byId.get(c.parentId) : undefined) {
    if (!c.isActive) return [];
    seen.add(c.id);
    chain.push(c);
  }
  return chain;
}

/** Builds the index document of one product (pure). */
export function buildDocument(
  source: ProductSearchSource,
  categoriesById: Map<string, SearchCategory>,
  rating: { average: number; count: number } | undefined,
): DocumentInput {
  const facets = new Set<string>();
  const categoryNames = new Set<string>();
  const ownCategoryNames = new Set<string>();
  for (const id of source.categoryIds) {
    const chain = withAncestors(id, categoriesById);
    if (chain[0]) ownCategoryNames.add(chain[0].name);
    for (const c of chain) {
      facets.add(`c:${c.id}`);
      categoryNames.add(c.name);
    }
  }
  let brand = "";
  const attributeTexts: string[] = [];
  for (const a of source.attributes) {
    const values = attributeText(a.value)
      .map((v) => v.trim())
      .filter(Boolean);
    if (brandCodes.has(a.code)) {
      brand ||= values[0] ?? "";
      continue;
    }
    if (a.visible) attributeTexts.push(...values);
    if (a.filterable) for (const v of values) facets.add(`a:${a.code}:${v}`);
  }
  if (brand) facets.add(`b:${brand}`);
  const optionValues = new Set<string>();
  for (const o of source.options) {
    facets.add(`o:${o.code}:${o.value}`);
    optionValues.add(o.value);
  }
  const body = stripHtml(`${source.shortDescription} ${source.description}`);
  return {
    id: source.id,
    sku: source.sku,
    skus: [...new Set([source.sku, ...source.skus].map((s) => s.toLowerCase()))],
    name: source.name,
    slug: source.slug,
    brand,
    body,
    a: `${source.name} ${source.sku}`,
    b: [brand, ...categoryNames].join(" "),
    c: [...optionValues, ...attributeTexts].join(" "),
    d: body,
    w: [source.name, brand, ...ownCategoryNames].join(" "),
    facets: [...facets],
    price_min: source.priceMin,
    price_max: source.priceMax,
    currency: source.currency,
    in_stock: source.inStock,
    popularity: source.popularity,
    rating_average: rating ? rating.average : null,
    review_count: rating ? rating.count : 0,
    created_at: source.createdAt.toISOString(),
  };
}

/** The store's search language as a SQL expression (a `regconfig`). */
export const languageSql = sql`(select language::regconfig from search_settings where id = 1)`;

/** Upserts documents with one statement; PostgreSQL builds the weighted tsvectors in the store's language. */
async function upsertDocuments(db: Db, docs: DocumentInput[]): Promise<void> {
  if (docs.length === 0) return;
  const vector = (column: string, weight: string) =>
    sql.raw(`setweight(to_tsvector(l.cfg, unaccent(d.${column})), '${weight}')`);
  await db.execute(sql`
    insert into ${searchDocuments} (product_id, sku, skus, name, slug, brand, body, document, words, facets,
      price_min, price_max, currency, in_stock, popularity, rating_average, review_count, created_at, indexed_at)
    select d.id, d.sku, d.skus, d.name, d.slug, d.brand, d.body,
      ${vector("a", "A")} || ${vector("b", "B")} || ${vector("c", "C")} || ${vector("d", "D")},
      to_tsvector('simple', unaccent(d.w)), d.facets, d.price_min, d.price_max, d.currency, d.in_stock,
      d.popularity, d.rating_average, d.review_count, d.created_at, now()
    from jsonb_to_recordset(${JSON.stringify(docs)}::jsonb) as d(id text, sku text, skus text[], name text,
      slug text, brand text, body text, a text, b text, c text, d text, w text, facets text[], price_min bigint,
      price_max bigint, currency text, in_stock boolean, popularity real, rating_average real,
      review_count int, created_at timestamptz)
    cross join (select ${languageSql} as cfg) l
    on conflict (product_id) do update set sku = excluded.sku, skus = excluded.skus, name = excluded.name,
      slug = excluded.slug, brand = excluded.brand, body = excluded.body, document = excluded.document,
      words = excluded.words, facets = excluded.facets, price_min = excluded.price_min,
      price_max = excluded.price_max, currency = excluded.currency, in_stock = excluded.in_stock,
      popularity = excluded.popularity, rating_average = excluded.rating_average,
      review_count = excluded.review_count, created_at = excluded.created_at, indexed_at = now()`);
}

/** Vocabulary words of a document (name, brand, categories, option values). */
function documentWords(doc: DocumentInput): string[] {
  return vocabularyWords(`${doc.a} ${doc.b} ${doc.c}`);
}

async function addTerms(db: Db, counts: Map<string, number>, replace: boolean): Promise<void> {
  const entries = [...counts];
  for (let i = 0; i < entries.length; i += 5000) {
    const chunk = entries.slice(i, i + 5000);
    await db.execute(sql`
      insert into ${searchTerms} (term, documents)
      select * from unnest(${sql.param(chunk.map((e) => e[0]))}::text[], ${sql.param(chunk.map((e) => e[1]))}::int[])
      on conflict (term) do ${replace ? sql`update set documents = excluded.documents` : sql`nothing`}`);
  }
}

/**
 * Re-reads the given products from the catalog and updates their search documents: upserts the
 * searchable ones, deletes the rest (archived, hidden from search, deleted). New words join the
 * vocabulary. Idempotent. Returns how many documents were written and removed.
 */
export async function indexProducts(
  db: Db,
  productIds: string[],
): Promise<{ indexed: number; removed: number }> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return { indexed: 0, removed: 0 };
  const [sources, categories, ratings] = await Promise.all([
    productSearchSources(db, { ids }),
    searchCategories(db),
    getRatingSummaries(db, ids),
  ]);
  const byId = new Map(categories.map((c) => [c.id, c]));
  const docs = sources.filter((s) => s.searchable).map((s) => buildDocument(s, byId, ratings.get(s.id)));
  const keep = new Set(docs.map((d) => d.id));
  const gone = ids.filter((id) => !keep.has(id));
  await upsertDocuments(db, docs);
  const counts = new Map<string, number>();
  for (const doc of docs) for (const w of documentWords(doc)) counts.set(w, 1);
  await addTerms(db, counts, false);
  if (gone.length)
    await db.execute(sql`delete from ${searchDocuments} where ${anyText(sql.raw("product_id"), gone)}`);
  await bumpIndexVersion(db, ids);
  return { indexed: docs.length, removed: gone.length };
}

/** Progress of a full reindex, reported after each batch. */
export interface ReindexProgress {
  done: number;
  indexed: number;
}

/**
 * Rebuilds the whole index from the catalog in batches of `batchSize` products (id order), then
 * removes documents of products no longer searchable, rebuilds the vocabulary with document counts
 * and settles the `catalog.products.changed` events the rebuild made redundant (written more than
 * 10 s before it began). Safe while the shop serves: every batch is an upsert, searches see old or
 * new documents.
 */
export async function reindexAll(
  db: Db,
  options: { batchSize?: number; onProgress?: (p: ReindexProgress) => void } = {},
): Promise<{ indexed: number; removed: number; terms: number; superseded: number }> {
  const batchSize = options.batchSize ?? 500;
  const categories = await searchCategories(db);
  const byId = new Map(categories.map((c) => [c.id, c]));
  // The database's clock: documents written before it (and not rewritten by this run) are stale.
  const [clock] = await queryRows<{ at: string }>(db, sql`select now()::text as at`);
  const startedAt = clock!.at;
  const counts = new Map<string, number>();
  let after: string | null = null;
  let done = 0;
  let indexed = 0;
  for (;;) {
    const sources = await productSearchSources(db, { after, limit: batchSize });
    if (sources.length === 0) break;
    const ratings = await getRatingSummaries(
      db,
      sources.map((s) => s.id),
    );
    const docs = sources.filter((s) => s.searchable).map((s) => buildDocument(s, byId, ratings.get(s.id)));
    await upsertDocuments(db, docs);
    for (const doc of docs) for (const w of documentWords(doc)) counts.set(w, (counts.get(w) ?? 0) + 1);
    done += sources.length;
    indexed += docs.length;
    after = sources[sources.length - 1]!.id;
    options.onProgress?.({ done, indexed });
  }
  // Documents not refreshed by this run belong to products that are gone or no longer searchable.
  const removed = await queryRows<{ n: number }>(
    db,
    sql`with d as (delete from ${searchDocuments} where indexed_at < ${startedAt}::timestamptz returning 1)
      select count(*)::int as n from d`,
  );
  await db.execute(sql`delete from ${searchTerms}`);
  await addTerms(db, counts, true);
  // Bulk writes leave GIN entries in each index's pending list, which every search then scans
  // linearly until a vacuum merges them (milliseconds per query at 100k products): merge them now.
  await db.execute(sql`select gin_clean_pending_list(i.indexrelid) from pg_index i
    join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
    where i.indrelid in ('search_documents'::regclass, 'search_terms'::regclass) and a.amname = 'gin'`);
  await db.execute(sql`analyze ${searchDocuments}`);
  await db.execute(sql`analyze ${searchTerms}`);
  // Product changes announced before the rebuild began are in it: their events need no delivery.
  const superseded = await supersedeEvents(db, productsChangedTopic, startedAt);
  await bumpIndexVersion(db, null);
  return { indexed, removed: Number(removed[0]?.n ?? 0), terms: counts.size, superseded };
}

/** Number of documents in the index. */
export async function countDocuments(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${searchDocuments}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Brings the index's in-stock flags up to date with stock changes since `since` (the database's
 * clock; null: only learn the current time). Orders and restocks do not touch the catalog, so the
 * search module polls: only products whose flag really changed are written. Returns the time to pass
 * next and how many documents changed.
 */
export async function syncStockFlags(
  db: Db,
  since: string | null,
): Promise<{ until: string; changed: number }> {
  const { variantIds, until } = await stockChangedSince(db, since);
  const flags = await productStockFlags(db, variantIds);
  if (flags.size === 0) return { until, changed: 0 };
  const rows = await queryRows<{ ids: string[] | null }>(
    db,
    sql`with u as (update ${searchDocuments} d set in_stock = x.in_stock
        from unnest(${sql.param([...flags.keys()])}::text[], ${sql.param([...flags.values()])}::boolean[]) as x(id, in_stock)
        where d.product_id = x.id and d.in_stock <> x.in_stock returning d.product_id)
      select coalesce(array_agg(product_id), '{}') as ids from u`,
  );
  const changedIds = rows[0]?.ids ?? [];
  if (changedIds.length) await bumpIndexVersion(db, changedIds);
  return { until, changed: changedIds.length };
}

/**
 * Marks the index as changed (see `search_settings.version`) and records what changed in
 * `search_changes`: the products whose documents were written or removed, `[]` for a change outside
 * the documents (synonyms), null for everything (a full reindex, a language change).
 */
export async function bumpIndexVersion(db: Db, productIds: string[] | null): Promise<void> {
  const ids = productIds === null ? sql`null::text[]` : sql`${sql.param(productIds)}::text[]`;
  await db.execute(sql`with v as (update ${searchSettings} set version = version + 1 where id = 1 returning version)
    insert into ${searchChanges} (version, product_ids) select version, ${ids} from v`);
}

/** Forgets `search_changes` entries older than an hour (a process that far behind reloads everything). */
export async function pruneIndexChanges(db: Db): Promise<void> {
  await db.execute(sql`delete from ${searchChanges} where created_at < now() - interval '1 hour'`);
}

/** The index's current version (see `search_settings.version`). */
export async function indexVersion(db: Db): Promise<number> {
  const rows = await queryRows<{ version: string | number }>(
    db,
    sql`select version from ${searchSettings} where id = 1`,
  );
  return Number(rows[0]?.version ?? 0);
}
