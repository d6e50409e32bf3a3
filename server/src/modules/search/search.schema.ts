import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** PostgreSQL `tsvector` / `tsquery` (written and read through SQL functions only). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const tsquery = customType<{ data: string }>({ dataType: () => "tsquery" });

/**
 * The search index: one row per product that is searchable (active, visible in search), built from
 * the catalog (and its stock and ratings) by the search module. Never written by other modules.
 */
export const searchDocuments = pgTable(
  "search_documents",
  {
    productId: text("product_id").primaryKey(),
    sku: text("sku").notNull(),
    /** Every variant SKU and the product SKU, lower-cased: an exact SKU query ranks its product first. */
    skus: text("skus").array().notNull(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    brand: text("brand").notNull().default(""),
    /** The description as plain text (tags stripped), for highlighted snippets. */
    body: text("body").notNull().default(""),
    /**
     * Weighted lexemes in the store's search language: A name and SKUs, B brand and categories,
     * C option values and attributes, D description.
     */
    document: tsvector("document").notNull(),
    /** Unstemmed words of name, brand and categories ('simple' configuration), for prefix matching. */
    words: tsvector("words").notNull(),
    /**
     * Facet tokens: `c:<category id>` (the product's categories and their ancestors), `b:<brand>`,
     * `o:<option code>:<value>`, `a:<attribute code>:<value>` (filterable attributes).
     */
    facets: text("facets").array().notNull(),
    /** Lowest and highest current variant price, minor units of `currency`. */
    priceMin: bigint("price_min", { mode: "number" }),
    priceMax: bigint("price_max", { mode: "number" }),
    currency: text("currency"),
    inStock: boolean("in_stock").notNull(),
    popularity: real("popularity").notNull().default(0),
    ratingAverage: real("rating_average"),
    reviewCount: integer("review_count").notNull().default(0),
    /** When the product was created (sort "newest"). */
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    indexedAt: timestamp("indexed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("search_documents_document_idx").using("gin", t.document),
    index("search_documents_words_idx").using("gin", t.words),
    index("search_documents_facets_idx").using("gin", t.facets),
    index("search_documents_skus_idx").using("gin", t.skus),
  ],
);

/**
 * The index's vocabulary: unaccented lower-case words of names, brands, categories and option values,
 * with the number of products using them. Typo tolerance corrects a query word to the closest term
 * (trigram similarity, `pg_trgm`).
 */
export const searchTerms = pgTable(
  "search_terms",
  {
    term: text("term").primaryKey(),
    documents: integer("documents").notNull().default(1),
  },
  (t) => [index("search_terms_trgm_idx").using("gin", sql`${t.term} gin_trgm_ops`)],
);

/** A group of equivalent terms, edited by staff, e.g. ["tee", "t-shirt"] (two-way synonyms). */
export const searchSynonyms = pgTable("search_synonyms", {
  id: text("id").primaryKey(),
  terms: text("terms").array().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * Query rewrite rules derived from the synonyms for PostgreSQL's `ts_rewrite`: each term of a group
 * (as a tsquery of the store's language) is replaced by the OR of the group's terms.
 */
export const searchSynonymRules = pgTable(
  "search_synonym_rules",
  {
    synonymId: text("synonym_id")
      .notNull()
      .references(() => searchSynonyms.id, { onDelete: "cascade" }),
    target: tsquery("target").notNull(),
    substitute: tsquery("substitute").notNull(),
  },
  (t) => [index("search_synonym_rules_synonym_idx").on(t.synonymId)],
);

/** The store's search settings (one row, id 1). */
export const searchSettings = pgTable("search_settings", {
  id: integer("id").primaryKey().default(1),
  /** A PostgreSQL text search configuration (`english`, `german`, `simple`, ...). */
  language: text("language").notNull().default("english"),
  /**
   * Grows by one whenever the index or the synonyms change: API processes key cached search answers
   * by it, so a change anywhere reaches every process's answers at once.
   */
  version: bigint("version", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * What each index version changed, so API processes holding the index in memory (search.memory.ts)
 * re-read only those documents: the products written or removed, `{}` for a change outside the
 * documents (synonyms), null for everything (a full reindex, a language change). Entries older than
 * an hour are pruned; a process further behind reloads the whole index.
 */
export const searchChanges = pgTable(
  "search_changes",
  {
    version: bigint("version", { mode: "number" }).primaryKey(),
    productIds: text("product_ids").array(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("search_changes_created_idx").on(t.createdAt)],
);

/** Every search a shopper ran (for analytics: top queries, zero-result queries, click-through). */
export const searchQueries = pgTable(
  "search_queries",
  {
    id: text("id").primaryKey(),
    query: text("query").notNull(),
    /** Lower-cased, spaces collapsed: the key top queries are grouped by. */
    normalized: text("normalized").notNull(),
    resultCount: integer("result_count").notNull(),
    /** The query the results were for when a typo was corrected. */
    correctedQuery: text("corrected_query"),
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull().default({}),
    sort: text("sort").notNull().default("relevance"),
    /** Page 1 or a later page (later pages are not counted as searches in analytics). */
    firstPage: boolean("first_page").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("search_queries_created_idx").on(t.createdAt),
    index("search_queries_normalized_idx").on(t.normalized, t.createdAt),
  ],
);

export const searchEventTypes = ["click", "conversion"] as const;
export type SearchEventType = (typeof searchEventTypes)[number];

/**
 * A shopper's action on a search result: `click` (opened the product from the results) or
 * `conversion` (added it to the cart after finding it by the search). One of each per query and product.
 */
export const searchEvents = pgTable(
  "search_events",
  {
    queryId: text("query_id").notNull(),
    productId: text("product_id").notNull(),
    type: text("type", { enum: searchEventTypes }).notNull(),
    /** 1-based rank of the product in the results, when the client knows it. */
    position: integer("position"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("search_events_key").on(t.queryId, t.productId, t.type),
    index("search_events_created_idx").on(t.createdAt),
  ],
);
