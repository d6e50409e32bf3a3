import { desc, eq, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { bumpIndexVersion, languageSql } from "./search.indexer.ts";
import { searchSettings, searchSynonymRules, searchSynonyms } from "./search.schema.ts";

/** Outbox topic: rebuild the whole search index (the language changed, or staff asked for it). */
export const reindexRequestedTopic = "search.reindex.requested";

export interface Synonym {
  id: string;
  /** Equivalent terms (words or phrases): searching any finds products with any of them. */
  terms: string[];
  updatedAt: string;
}

function toSynonym(row: typeof searchSynonyms.$inferSelect): Synonym {
  return { id: row.id, terms: row.terms, updatedAt: row.updatedAt.toISOString() };
}

/** Trims, lower-cases and de-duplicates terms. @throws ValidationError (field `terms`). */
function cleanTerms(terms: string[]): string[] {
  const clean = [...new Set(terms.map((t) => t.replace(/\s+/g, " ").trim().toLowerCase()).filter(Boolean))];
  if (clean.length < 2)
    throw new ValidationError([{ field: "terms", message: "give at least two different terms" }]);
  if (clean.length > 20)
    throw new ValidationError([{ field: "terms", message: "at most 20 terms per group" }]);
  for (const t of clean) {
    if (t.length > 64)
      throw new ValidationError([
        { field: "terms", message: `"${t.slice(0, 20)}…" is longer than 64 characters` },
      ]);
    if (!/[\p{L}\p{N}]/u.test(t))
      throw new ValidationError([{ field: "terms", message: `"${t}" has no letters or digits` }]);
  }
  return clean;
}

/**
 * Rewrites the `ts_rewrite` rules of one synonym group in the store's language: each term (parsed as
 * a shopper's query would be) becomes the OR of all the group's terms. Terms that are only stop
 * words make no rule.
 */
async function writeRules(db: Db, id: string, terms: string[]): Promise<void> {
  await db.delete(searchSynonymRules).where(eq(searchSynonymRules.synonymId, id));
  await db.execute(sql`
    with l as (select ${languageSql} as cfg),
    t as (select websearch_to_tsquery(l.cfg, unaccent(x)) as tq from l, unnest(${sql.param(terms)}::text[]) x),
    u as (select string_agg(t.tq::text, ' | ')::tsquery as substitute from t where numnode(t.tq) > 0)
    insert into ${searchSynonymRules} (synonym_id, target, substitute)
    select ${id}, t.tq, u.substitute from t, u where numnode(t.tq) > 0 and u.substitute is not null`);
}

/** Every synonym group, newest first. */
export async function listSynonyms(db: Db): Promise<Synonym[]> {
  const rows = await db.select().from(searchSynonyms).orderBy(desc(searchSynonyms.updatedAt));
  return rows.map(toSynonym);
}

/**
 * Creates a synonym group (two-way: any term finds the others). Takes effect on the next search.
 * @throws ValidationError (field `terms`).
 */
export async function createSynonym(db: Db, terms: string[]): Promise<Synonym> {
  const clean = cleanTerms(terms);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(searchSynonyms)
      .values({ id: newId("syn"), terms: clean })
      .returning();
    await writeRules(tx as unknown as Db, row!.id, clean);
    await bumpIndexVersion(tx as unknown as Db, []);
    return toSynonym(row!);
  });
}

/** Replaces a group's terms. @throws NotFoundError (SYNONYM_NOT_FOUND), ValidationError (field `terms`). */
export async function updateSynonym(db: Db, id: string, terms: string[]): Promise<Synonym> {
  const clean = cleanTerms(terms);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(searchSynonyms)
      .set({ terms: clean, updatedAt: new Date() })
      .where(eq(searchSynonyms.id, id))
      .returning();
    if (!row) throw new NotFoundError("SYNONYM_NOT_FOUND", `No synonym group ${id}.`);
    await writeRules(tx as unknown as Db, id, clean);
    await bumpIndexVersion(tx as unknown as Db, []);
    return toSynonym(row);
  });
}

/** Deletes a group (its rules go with it). @throws NotFoundError (SYNONYM_NOT_FOUND). */
export async function deleteSynonym(db: Db, id: string): Promise<void> {
  const rows = await db
    .delete(searchSynonyms)
    .where(eq(searchSynonyms.id, id))
    .returning({ id: searchSynonyms.id });
  if (rows.length === 0) throw new NotFoundError("SYNONYM_NOT_FOUND", `No synonym group ${id}.`);
  await bumpIndexVersion(db, []);
}

export interface SearchSettings {
  /** PostgreSQL text search configuration used for stemming and stop words. */
  language: string;
  /** Every configuration this database offers. */
  languages: string[];
}

/** The store's search settings and the languages available. */
export async function getSearchSettings(db: Db): Promise<SearchSettings> {
  const [settings, configs] = await Promise.all([
    db.select().from(searchSettings).where(eq(searchSettings.id, 1)),
    queryRows<{ cfgname: string }>(db, sql`select cfgname from pg_ts_config order by cfgname`),
  ]);
  return { language: settings[0]?.language ?? "english", languages: configs.map((c) => c.cfgname) };
}

/**
 * Sets the store's search language, re-derives the synonym rules in it and, when it changed, asks
 * for a full reindex (through the outbox, after commit). Searches use the new language at once;
 * documents catch up as the reindex runs.
 * @throws ValidationError (field `language`) for a configuration this database does not have.
 */
export async function setSearchLanguage(db: Db, language: string): Promise<SearchSettings> {
  const current = await getSearchSettings(db);
  if (!current.languages.includes(language))
    throw new ValidationError([
      {
        field: "language",
        message: `unknown text search configuration; one of ${current.languages.join(", ")}`,
      },
    ]);
  if (language === current.language) return current;
  await db.transaction(async (tx) => {
    await tx
      .insert(searchSettings)
      .values({ id: 1, language })
      .onConflictDoUpdate({ target: searchSettings.id, set: { language, updatedAt: new Date() } });
    const groups = await tx.select().from(searchSynonyms);
    for (const g of groups) await writeRules(tx as unknown as Db, g.id, g.terms);
    await enqueue(tx as unknown as Db, reindexRequestedTopic, {});
    await bumpIndexVersion(tx as unknown as Db, null);
  });
  return { ...current, language };
}
