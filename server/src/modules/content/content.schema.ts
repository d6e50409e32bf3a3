import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Kinds of content staff edit: pages, the home page's sections, navigation menus, the announcement bar. */
export const contentKinds = ["page", "home", "menu", "announcement"] as const;
export type ContentKind = (typeof contentKinds)[number];

/**
 * An editable piece of storefront content with a draft and a published version: staff edit the
 * draft; publishing copies it to `published`, which is all shoppers ever see. `key` names it: a page
 * by `page:<slug>`, `home`, `menu:main`, `menu:footer`, `announcement`. The JSON shapes are the
 * content module's (pages: title, HTML body, SEO; home: sections; menus: links).
 */
export const contentEntries = pgTable(
  "content_entries",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: contentKinds }).notNull(),
    key: text("key").notNull(),
    /** URL slug of a page (`/pages/<slug>`); null for the other kinds. */
    slug: text("slug"),
    draft: jsonb("draft").$type<Record<string, unknown>>().notNull(),
    /** What the storefront shows; null until first published. */
    published: jsonb("published").$type<Record<string, unknown>>(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** Where an imported entry came from, e.g. `luma:cms_page#3` (re-imports update it). */
    sourceKey: text("source_key"),
    updatedBy: text("updated_by"),
    /** Bumped by every save; the admin API's ETag. */
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("content_entries_key_key").on(t.key),
    uniqueIndex("content_entries_source_key").on(t.sourceKey),
    index("content_entries_kind_idx").on(t.kind, t.updatedAt),
  ],
);
