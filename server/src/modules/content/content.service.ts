import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { sanitizeRichText } from "../../platform/html.ts";
import { newId } from "../../platform/ids.ts";
import { escapeLike } from "../../platform/keyset.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { searchCategories, summarize, thumbnailUrls } from "../catalog/index.ts";
import { type ContentKind, contentEntries } from "./content.schema.ts";
import type {
  AnnouncementContent,
  HomeContent,
  HomeInput,
  HomeSection,
  MenuContent,
  MenuName,
  PageContent,
  PageInput,
} from "./content.types.ts";
import { PageSlugSchema } from "./content.types.ts";
import {
  checkAnnouncementShape,
  checkHomeShape,
  checkLinkUrl,
  checkMenuShape,
  checkPageShape,
  checkShape,
  invalid,
} from "./content.validate.ts";

/**
 * Content entries: pages, the home page, the menus and the announcement bar, each a draft staff edit
 * and a published copy shoppers see. Functions take the database or the caller's transaction first;
 * writes lock the row (`for update`), check the version the client read (`If-Match`) and bump it.
 */

type Row = typeof contentEntries.$inferSelect;

/** Cache namespace of the store's content answers; content writes invalidate it. */
export const contentCacheNamespace = "content";

/** The entries that exist once per shop, by key. */
export type SingletonKey = "home" | "menu:main" | "menu:footer" | "announcement";

/** The content shape of each singleton. */
export interface SingletonContent {
  home: HomeContent;
  "menu:main": MenuContent;
  "menu:footer": MenuContent;
  announcement: AnnouncementContent;
}

export const menuKey = (name: MenuName): SingletonKey => `menu:${name}`;

const kindOf = (key: SingletonKey): ContentKind =>
  key === "home" ? "home" : key === "announcement" ? "announcement" : "menu";

/** Publication state: `changed` when the published copy differs from the draft. */
export type PublicationStatus = "draft" | "published" | "changed";

/** An entry as the staff API answers it. Timestamps ISO 8601 UTC; `version` is the ETag. */
export interface ContentEntry<T> {
  /** Null for a singleton never saved (its `draft` is then the default). */
  id: string | null;
  key: string;
  slug: string | null;
  draft: T;
  published: T | null;
  status: PublicationStatus;
  publishedAt: string | null;
  sourceKey: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
  version: number;
}

/** JSON with object keys sorted, so that two equal documents compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

function statusOf(draft: unknown, published: unknown): PublicationStatus {
  if (published === null || published === undefined) return "draft";
  return stableJson(draft) === stableJson(published) ? "published" : "changed";
}

function toEntry<T>(row: Row): ContentEntry<T> {
  return {
    id: row.id,
    key: row.key,
    slug: row.slug,
    draft: row.draft as T,
    published: (row.published as T | null) ?? null,
    status: statusOf(row.draft, row.published),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    sourceKey: row.sourceKey,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

/** A new content entry id, `cnt_<ULID>`. */
function newContentId(): string {
  // The platform's prefixes have no content one yet: reuse its ULID under our own prefix.
  return `cnt_${newId("evt").slice("evt_".length)}`;
}

async function lockByKey(db: Db, key: string): Promise<Row | undefined> {
  const [row] = await db.select().from(contentEntries).where(eq(contentEntries.key, key)).for("update");
  return row;
}

async function lockPage(db: Db, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(contentEntries)
    .where(and(eq(contentEntries.id, id), eq(contentEntries.kind, "page")))
    .for("update");
  if (!row) throw new NotFoundError("PAGE_NOT_FOUND", `No page ${id}.`);
  return row;
}

// ---------------------------------------------------------------------------------------------------
// Normalising and checking what staff (or an import) send

/**
 * A page as stored: title trimmed, body sanitised (see sanitizeRichText), SEO texts trimmed.
 * @throws ValidationError naming the field (blank title, a field too long).
 */
export function normalizePage(input: Omit<PageInput, "slug">): PageContent {
  const page: PageContent = {
    title: input.title.trim(),
    body: sanitizeRichText(input.body ?? ""),
    metaTitle: (input.metaTitle ?? "").trim(),
    metaDescription: (input.metaDescription ?? "").trim(),
  };
  if (!page.title) throw invalid("title", "is required");
  checkPageShape(page);
  return page;
}

/** @throws ValidationError (field `slug`) unless it is a URL slug. */
export function checkSlug(slug: string): string {
  checkShape(PageSlugSchema, slug, "slug");
  return slug;
}

const unique = <T>(values: T[]) => [...new Set(values)];

/**
 * The home page as stored: each section complete (defaults filled in), rich text sanitised, links
 * checked, and every category, product and image it names known.
 * @throws ValidationError naming the field, e.g. `sections.1.categoryIds.2` for an unknown category.
 */
export async function normalizeHome(db: Db, input: HomeInput): Promise<HomeContent> {
  checkHomeShape(input);
  const sections: HomeSection[] = input.sections.map((s, i) => {
    const at = (field: string) => `sections.${i}.${field}`;
    switch (s.type) {
      case "hero": {
        const hero = {
          type: "hero" as const,
          heading: s.heading.trim(),
          text: s.text.trim(),
          imageId: s.imageId ?? null,
          linkUrl: s.linkUrl.trim(),
          linkLabel: s.linkLabel.trim(),
        };
        if (!hero.heading) throw invalid(at("heading"), "is required");
        checkLinkUrl(at("linkUrl"), hero.linkUrl, hero.linkLabel !== "");
        return hero;
      }
      case "featured_categories":
        return { type: s.type, heading: s.heading.trim(), categoryIds: unique(s.categoryIds) };
      case "product_carousel": {
        const carousel = {
          type: s.type,
          heading: s.heading.trim(),
          source: s.source,
          categoryId: s.source === "category" ? (s.categoryId ?? null) : null,
          productIds: s.source === "products" ? unique(s.productIds ?? []) : [],
          limit: s.limit,
        };
        if (carousel.source === "category" && !carousel.categoryId)
          throw invalid(at("categoryId"), "is required for a row of a category's products");
        if (carousel.source === "products" && carousel.productIds.length === 0)
          throw invalid(at("productIds"), "must name at least one product");
        return carousel;
      }
      default:
        return { type: s.type, body: sanitizeRichText(s.body) };
    }
  });
  await checkReferences(db, sections);
  return {
    sections,
    metaTitle: (input.metaTitle ?? "").trim(),
    metaDescription: (input.metaDescription ?? "").trim(),
  };
}

/** Every category, product and image the sections name must exist (3 queries at most). */
async function checkReferences(db: Db, sections: HomeSection[]): Promise<void> {
  const categoryRefs: [string, string][] = [];
  const productRefs: [string, string][] = [];
  const imageRefs: [string, string][] = [];
  for (const [i, s] of sections.entries()) {
    if (s.type === "hero" && s.imageId) imageRefs.push([`sections.${i}.imageId`, s.imageId]);
    if (s.type === "featured_categories")
      for (const [j, id] of s.categoryIds.entries())
        categoryRefs.push([`sections.${i}.categoryIds.${j}`, id]);
    if (s.type === "product_carousel") {
      if (s.categoryId) categoryRefs.push([`sections.${i}.categoryId`, s.categoryId]);
      for (const [j, id] of (s.productIds ?? []).entries())
        productRefs.push([`sections.${i}.productIds.${j}`, id]);
    }
  }
  const [categories, products, imageUrls] = await Promise.all([
    categoryRefs.length ? searchCategories(db) : Promise.resolve([]),
    summarize(db, unique(productRefs.map(([, id]) => id))),
    thumbnailUrls(db, unique(imageRefs.map(([, id]) => id))),
  ]);
  const categoryIds = new Set(categories.map((c) => c.id));
  for (const [field, id] of categoryRefs) if (!categoryIds.has(id)) throw invalid(field, "is not a category");
  for (const [field, id] of productRefs) if (!products.has(id)) throw invalid(field, "is not a product");
  for (const [field, id] of imageRefs)
    if (!imageUrls.has(id)) throw invalid(field, "is not an uploaded image");
}

/**
 * A menu as stored: labels and URLs trimmed, links checked, empty dropdowns dropped.
 * @throws ValidationError naming the field, e.g. `items.0.children.1.url`.
 */
export function normalizeMenu(input: MenuContent): MenuContent {
  checkMenuShape(input);
  const menu: MenuContent = {
    items: input.items.map((item, i) => {
      const label = item.label.trim();
      const url = item.url.trim();
      if (!label) throw invalid(`items.${i}.label`, "is required");
      checkLinkUrl(`items.${i}.url`, url, true);
      const children = (item.children ?? []).map((child, j) => {
        const childLabel = child.label.trim();
        const childUrl = child.url.trim();
        if (!childLabel) throw invalid(`items.${i}.children.${j}.label`, "is required");
        checkLinkUrl(`items.${i}.children.${j}.url`, childUrl, true);
        return { label: childLabel, url: childUrl };
      });
      return children.length ? { label, url, children } : { label, url };
    }),
  };
  return menu;
}

/**
 * The announcement bar as stored; an empty link is left out.
 * @throws ValidationError naming the field (`text` when enabled without text, `linkUrl`).
 */
export function normalizeAnnouncement(input: AnnouncementContent): AnnouncementContent {
  checkAnnouncementShape(input);
  const text = input.text.trim();
  const linkUrl = (input.linkUrl ?? "").trim();
  if (input.enabled && !text) throw invalid("text", "is required while the bar is enabled");
  checkLinkUrl("linkUrl", linkUrl, false);
  return { text, ...(linkUrl ? { linkUrl } : {}), enabled: input.enabled, tone: input.tone };
}

// ---------------------------------------------------------------------------------------------------
// Pages

/** A page as the staff list shows it. */
export interface PageListItem {
  id: string;
  slug: string;
  title: string;
  status: PublicationStatus;
  publishedAt: string | null;
  sourceKey: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
  version: number;
}

function encodeCursor(slug: string): string {
  return Buffer.from(slug, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const slug = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[a-z0-9][a-z0-9-]*$/.test(slug) || slug.length > 200)
    throw invalid("cursor", "is not a cursor returned by this API");
  return slug;
}

/**
 * Pages by slug, `limit` per page (pass `nextCursor` back as `cursor`), optionally only those whose
 * title or slug contains `q` (case-insensitive).
 * @throws ValidationError (field `cursor`) for a cursor this API did not issue.
 */
export async function listPages(
  db: Db,
  query: { limit: number; cursor?: string; q?: string },
): Promise<{ items: PageListItem[]; nextCursor: string | null; total: number }> {
  const filters: SQL[] = [eq(contentEntries.kind, "page")];
  const q = query.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    filters.push(
      sql`((${contentEntries.draft}->>'title') ilike ${pattern} or ${contentEntries.slug} ilike ${pattern})`,
    );
  }
  const where = and(...filters);
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(contentEntries)
      .where(after ? and(where, gt(contentEntries.slug, after)) : where)
      .orderBy(asc(contentEntries.slug))
      .limit(query.limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(contentEntries).where(where),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => {
      const entry = toEntry<PageContent>(row);
      return {
        id: row.id,
        slug: row.slug ?? "",
        title: entry.draft.title,
        status: entry.status,
        publishedAt: entry.publishedAt,
        sourceKey: entry.sourceKey,
        updatedBy: entry.updatedBy,
        updatedAt: entry.updatedAt,
        version: entry.version,
      };
    }),
    nextCursor:
      rows.length > query.limit && page.length ? encodeCursor(page[page.length - 1]!.slug ?? "") : null,
    total: Number(counted?.n ?? 0),
  };
}

/** One page for staff. @throws NotFoundError (PAGE_NOT_FOUND). */
export async function getPage(db: Db, id: string): Promise<ContentEntry<PageContent>> {
  const [row] = await db
    .select()
    .from(contentEntries)
    .where(and(eq(contentEntries.id, id), eq(contentEntries.kind, "page")));
  if (!row) throw new NotFoundError("PAGE_NOT_FOUND", `No page ${id}.`);
  return toEntry(row);
}

async function checkSlugFree(db: Db, slug: string, id: string | null): Promise<void> {
  const [clash] = await db
    .select({ id: contentEntries.id })
    .from(contentEntries)
    .where(eq(contentEntries.key, `page:${slug}`));
  if (clash && clash.id !== id) throw invalid("slug", `/pages/${slug} is the URL of another page`);
}

/**
 * Creates a page as a draft (shoppers see it once published).
 * @throws ValidationError naming the field (a slug another page has, a blank title, ...).
 */
export async function createPage(
  db: Db,
  input: PageInput,
  actorId: string | null,
): Promise<ContentEntry<PageContent>> {
  const slug = checkSlug(input.slug);
  const draft = normalizePage(input);
  await checkSlugFree(db, slug, null);
  const [row] = await db
    .insert(contentEntries)
    .values({ id: newContentId(), kind: "page", key: `page:${slug}`, slug, draft, updatedBy: actorId })
    .returning();
  return toEntry(row!);
}

/**
 * Replaces a page's draft (and its slug: the page moves to its new URL at once, published or not).
 * @throws NotFoundError (PAGE_NOT_FOUND); StaleVersionError (409) when `expected` is not the current
 *   version; ValidationError naming the field.
 */
export async function savePage(
  db: Db,
  id: string,
  input: PageInput,
  expected: number | undefined,
  actorId: string | null,
): Promise<ContentEntry<PageContent>> {
  const current = await lockPage(db, id);
  assertVersion("page", current.version, expected);
  const slug = checkSlug(input.slug);
  const draft = normalizePage(input);
  if (slug !== current.slug) await checkSlugFree(db, slug, id);
  const [row] = await db
    .update(contentEntries)
    .set({
      key: `page:${slug}`,
      slug,
      draft,
      version: current.version + 1,
      updatedBy: actorId,
      updatedAt: new Date(),
    })
    .where(eq(contentEntries.id, id))
    .returning();
  return toEntry(row!);
}

/**
 * Publishes a page's draft (or takes it off the store: `publish` false).
 * @throws NotFoundError (PAGE_NOT_FOUND); StaleVersionError (409).
 */
export async function setPagePublished(
  db: Db,
  id: string,
  publish: boolean,
  expected: number | undefined,
  actorId: string | null,
): Promise<ContentEntry<PageContent>> {
  const current = await lockPage(db, id);
  assertVersion("page", current.version, expected);
  return toEntry(await writePublication(db, current, publish, actorId));
}

async function writePublication(
  db: Db,
  current: Row,
  publish: boolean,
  actorId: string | null,
): Promise<Row> {
  const now = new Date();
  const [row] = await db
    .update(contentEntries)
    .set({
      published: publish ? current.draft : null,
      publishedAt: publish ? now : null,
      version: current.version + 1,
      updatedBy: actorId,
      updatedAt: now,
    })
    .where(eq(contentEntries.id, current.id))
    .returning();
  return row!;
}

/**
 * Deletes a page (published or not); its URL answers 404 from then on.
 * @throws NotFoundError (PAGE_NOT_FOUND); StaleVersionError (409).
 */
export async function deletePage(
  db: Db,
  id: string,
  expected: number | undefined,
): Promise<ContentEntry<PageContent>> {
  const current = await lockPage(db, id);
  assertVersion("page", current.version, expected);
  await db.delete(contentEntries).where(eq(contentEntries.id, id));
  return toEntry(current);
}

/** A page's published copy by slug. @throws NotFoundError (PAGE_NOT_FOUND) unless published. */
export async function publishedPage(
  db: Db,
  slug: string,
): Promise<{ content: PageContent; publishedAt: string | null }> {
  const [row] = await db
    .select()
    .from(contentEntries)
    .where(eq(contentEntries.key, `page:${slug}`));
  if (!row?.published) throw new NotFoundError("PAGE_NOT_FOUND", `No page at /pages/${slug}.`);
  return { content: row.published as PageContent, publishedAt: row.publishedAt?.toISOString() ?? null };
}

/** A page's draft by slug, for staff previews. @throws NotFoundError (PAGE_NOT_FOUND). */
export async function draftPage(
  db: Db,
  slug: string,
): Promise<{ content: PageContent; publishedAt: string | null }> {
  const [row] = await db
    .select()
    .from(contentEntries)
    .where(eq(contentEntries.key, `page:${slug}`));
  if (!row) throw new NotFoundError("PAGE_NOT_FOUND", `No page at /pages/${slug}.`);
  return { content: row.draft as PageContent, publishedAt: row.publishedAt?.toISOString() ?? null };
}

// ---------------------------------------------------------------------------------------------------
// The home page, the menus and the announcement bar

/** The defaults of the singletons other than the home page (whose default depends on the catalog). */
export const emptyMenu = (): MenuContent => ({ items: [] });
export const defaultAnnouncement = (): AnnouncementContent => ({ text: "", enabled: false, tone: "info" });

/**
 * A singleton entry; when never saved, a virtual one (id null, version 0) whose draft is `fallback`.
 */
export async function getSingleton<K extends SingletonKey>(
  db: Db,
  key: K,
  fallback: () => SingletonContent[K] | Promise<SingletonContent[K]>,
): Promise<ContentEntry<SingletonContent[K]>> {
  const [row] = await db.select().from(contentEntries).where(eq(contentEntries.key, key));
  if (row) return toEntry(row);
  return {
    id: null,
    key,
    slug: null,
    draft: await fallback(),
    published: null,
    status: "draft",
    publishedAt: null,
    sourceKey: null,
    updatedBy: null,
    updatedAt: null,
    version: 0,
  };
}

/**
 * Saves a singleton's draft (already normalised), creating the entry on its first save (`expected`
 * then 0 or undefined).
 * @throws StaleVersionError (409) when `expected` is not the current version.
 */
export async function saveSingleton<K extends SingletonKey>(
  db: Db,
  key: K,
  draft: SingletonContent[K],
  expected: number | undefined,
  actorId: string | null,
): Promise<ContentEntry<SingletonContent[K]>> {
  const current = await lockByKey(db, key);
  assertVersion(kindOf(key), current?.version ?? 0, expected);
  const now = new Date();
  const [row] = current
    ? await db
        .update(contentEntries)
        .set({ draft, version: current.version + 1, updatedBy: actorId, updatedAt: now })
        .where(eq(contentEntries.id, current.id))
        .returning()
    : await db
        .insert(contentEntries)
        .values({ id: newContentId(), kind: kindOf(key), key, draft, updatedBy: actorId })
        .returning();
  return toEntry(row!);
}

/**
 * Publishes a singleton's saved draft, or takes it off the store (`publish` false: the store falls
 * back to its defaults).
 * @throws NotFoundError (CONTENT_NOT_FOUND) when it was never saved; StaleVersionError (409).
 */
export async function setSingletonPublished<K extends SingletonKey>(
  db: Db,
  key: K,
  publish: boolean,
  expected: number | undefined,
  actorId: string | null,
): Promise<ContentEntry<SingletonContent[K]>> {
  const current = await lockByKey(db, key);
  if (!current) throw new NotFoundError("CONTENT_NOT_FOUND", "Nothing saved yet: save the draft first.");
  assertVersion(kindOf(key), current.version, expected);
  return toEntry(await writePublication(db, current, publish, actorId));
}

/** The published copies of some singletons, by key (absent: not published). */
export async function publishedSingletons(
  db: Db,
  keys: SingletonKey[],
): Promise<Partial<{ [K in SingletonKey]: SingletonContent[K] }>> {
  const rows = await db
    .select({ key: contentEntries.key, published: contentEntries.published })
    .from(contentEntries)
    .where(sql`${contentEntries.key} = any(${sql.param(keys)}::text[])`);
  return Object.fromEntries(rows.filter((r) => r.published).map((r) => [r.key, r.published]));
}

/** The drafts of some singletons, by key (absent: never saved), for staff previews. */
export async function draftSingletons(
  db: Db,
  keys: SingletonKey[],
): Promise<Partial<{ [K in SingletonKey]: SingletonContent[K] }>> {
  const rows = await db
    .select({ key: contentEntries.key, draft: contentEntries.draft })
    .from(contentEntries)
    .where(sql`${contentEntries.key} = any(${sql.param(keys)}::text[])`);
  return Object.fromEntries(rows.map((r) => [r.key, r.draft]));
}

// ---------------------------------------------------------------------------------------------------
// Imports

/** A page of another shop, as an importer hands it over (the body is HTML, sanitised here). */
export interface ImportedPage {
  /** Where it came from, e.g. `luma:cms_page:about-us`: re-imports update the same entry. */
  sourceKey: string;
  slug: string;
  title: string;
  body: string;
  metaTitle?: string;
  metaDescription?: string;
}

/** Content of another shop to import; every part is optional. */
export interface ContentImport {
  pages?: ImportedPage[];
  menus?: { name: MenuName; sourceKey: string; menu: MenuContent }[];
  /** Seeds the home page, only when it was never saved. */
  home?: { sourceKey: string; content: HomeInput };
}

/** What an import did, in entries. `kept`: left alone because staff changed or own them. */
export interface ContentImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  kept: number;
  homeSeeded: boolean;
}

/**
 * Imports pages (published), menus (published) and a first home page, in the caller's transaction.
 * Idempotent by `sourceKey`: a re-import updates what it imported before, unless a staff member saved
 * it since (then it is kept), and never takes over a page or menu staff made themselves. The home page
 * is seeded only when it was never saved.
 * @throws ValidationError naming the field of an imported entry that is not valid (e.g. `slug`).
 */
export async function importContent(db: Db, input: ContentImport): Promise<ContentImportCounts> {
  const counts: ContentImportCounts = { created: 0, updated: 0, unchanged: 0, kept: 0, homeSeeded: false };
  const upsert = async (entry: {
    key: string;
    kind: ContentKind;
    slug: string | null;
    sourceKey: string;
    content: Record<string, unknown>;
  }) => {
    const [bySource] = await db
      .select()
      .from(contentEntries)
      .where(eq(contentEntries.sourceKey, entry.sourceKey))
      .for("update");
    const existing = bySource ?? (await lockByKey(db, entry.key));
    if (!existing) {
      const now = new Date();
      await db.insert(contentEntries).values({
        id: newContentId(),
        kind: entry.kind,
        key: entry.key,
        slug: entry.slug,
        draft: entry.content,
        published: entry.content,
        publishedAt: now,
        sourceKey: entry.sourceKey,
      });
      counts.created++;
      return;
    }
    // Staff's own entry, or one a staff member saved since the last import: theirs wins.
    if (existing.sourceKey !== entry.sourceKey || existing.updatedBy !== null) {
      counts.kept++;
      return;
    }
    const same =
      existing.key === entry.key &&
      stableJson(existing.draft) === stableJson(entry.content) &&
      stableJson(existing.published) === stableJson(entry.content);
    if (same) {
      counts.unchanged++;
      return;
    }
    if (existing.key !== entry.key) {
      const [clash] = await db
        .select({ id: contentEntries.id })
        .from(contentEntries)
        .where(eq(contentEntries.key, entry.key));
      if (clash) {
        counts.kept++;
        return;
      }
    }
    const now = new Date();
    await db
      .update(contentEntries)
      .set({
        key: entry.key,
        slug: entry.slug,
        draft: entry.content,
        published: entry.content,
        publishedAt: existing.publishedAt ?? now,
        version: existing.version + 1,
        updatedAt: now,
      })
      .where(eq(contentEntries.id, existing.id));
    counts.updated++;
  };

  for (const page of input.pages ?? []) {
    const slug = checkSlug(page.slug);
    await upsert({
      key: `page:${slug}`,
      kind: "page",
      slug,
      sourceKey: page.sourceKey,
      content: { ...normalizePage(page) },
    });
  }
  for (const { name, sourceKey, menu } of input.menus ?? []) {
    await upsert({ key: menuKey(name), kind: "menu", slug: null, sourceKey, content: normalizeMenu(menu) });
  }
  if (input.home && !(await lockByKey(db, "home"))) {
    const content = await normalizeHome(db, input.home.content);
    const now = new Date();
    await db.insert(contentEntries).values({
      id: newContentId(),
      kind: "home",
      key: "home",
      draft: content,
      published: content,
      publishedAt: now,
      sourceKey: input.home.sourceKey,
    });
    counts.homeSeeded = true;
  }
  return counts;
}
