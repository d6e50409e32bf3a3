import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type TSchema, Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { type AuditedRequest, changedFields, recordStaffAction } from "../audit/index.ts";
import { catalogCacheNamespace, imageUploadRoute, thumbnailUrls } from "../catalog/index.ts";
import { defaultHome, resolveHome, storeLayout, storePage } from "./content.render.ts";
import {
  type ContentEntry,
  contentCacheNamespace,
  createPage,
  defaultAnnouncement,
  deletePage,
  draftPage,
  draftSingletons,
  emptyMenu,
  getPage,
  getSingleton,
  listPages,
  menuKey,
  normalizeAnnouncement,
  normalizeHome,
  normalizeMenu,
  type SingletonContent,
  type SingletonKey,
  savePage,
  saveSingleton,
  setPagePublished,
  setSingletonPublished,
} from "./content.service.ts";
import {
  AnnouncementContentSchema,
  AnnouncementEntrySchema,
  HomeEntrySchema,
  HomeInputSchema,
  MenuContentSchema,
  MenuEntrySchema,
  type MenuName,
  PageEntrySchema,
  PageInputSchema,
  PageListQuerySchema,
  PageListSchema,
  PageSlugSchema,
  StoreHomeSchema,
  StoreLayoutSchema,
  StorePageSchema,
} from "./content.types.ts";
import { checkHomeShape } from "./content.validate.ts";

/** Image types staff may upload (the bytes are the request body). */

const actorOf = (request: FastifyRequest) => (request as unknown as AuditedRequest).staff?.userId ?? null;

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/** What an audit entry records of an entry: its slug and content fields, and what is published. */
function snapshot(entry: ContentEntry<object> | null): Record<string, unknown> | null {
  if (!entry) return null;
  return {
    ...(entry.slug !== null ? { slug: entry.slug } : {}),
    ...entry.draft,
    published: entry.published !== null,
  };
}

/**
 * Staff API for content under /api/admin, every route needing `cms:write`: pages (list, create, read,
 * save the draft with If-Match, publish, unpublish, delete), the home page, the main and footer menus
 * and the announcement bar (read, save the draft, publish, unpublish), previews of drafts as the store
 * would answer them, and image uploads for hero banners. Every write is one transaction, audited with
 * what changed; publishing drops the store's cached answers at once.
 */
export function adminContentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "content"];
    const config = { permission: "cms:write" as const };
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const idParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const changed = (key: string) => {
      ctx.cache.invalidate(contentCacheNamespace);
      // The store's home answer lists catalog data, so it is cached with the catalog's.
      if (key === "home") ctx.cache.invalidate(catalogCacheNamespace);
    };

    // -------------------------------------------------------------------------------------------------
    // Pages

    app.get(
      "/content/pages",
      {
        config,
        schema: {
          summary: "List pages",
          description:
            "Every page, published or not, by slug; `q` keeps those whose title or slug contains it. Pass " +
            "`nextCursor` as `cursor` for the next page. Errors: 400 naming the parameter.",
          tags,
          querystring: PageListQuerySchema,
          response: { 200: PageListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listPages(ctx.db, request.query);
      },
    );

    app.post(
      "/content/pages",
      {
        config,
        schema: {
          summary: "Create a page",
          description:
            "A draft page at /pages/<slug> (shoppers see it once published). The body is HTML; only safe HTML " +
            "is kept. 201 with the page and its ETag. Errors: 400 naming the field (a slug another page has, a " +
            "blank title).",
          tags,
          body: PageInputSchema,
          response: { 201: PageEntrySchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const page = await ctx.db.transaction(async (tx) => {
          const created = await createPage(tx, request.body, actorOf(request));
          await recordStaffAction(tx, request, {
            action: "content.page.create",
            targetType: "content_page",
            targetId: created.id!,
            metadata: { changes: changedFields(null, snapshot(created)) },
          });
          return created;
        });
        reply.status(201).header("location", `/api/admin/content/pages/${page.id}`);
        return withEtag(reply, page);
      },
    );

    app.get(
      "/content/pages/:id",
      {
        config,
        schema: {
          summary: "Get a page",
          description:
            "Its draft, what is published, and the version (also the `ETag` header). Errors: 404 PAGE_NOT_FOUND.",
          tags,
          params: idParams,
          response: { 200: PageEntrySchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getPage(ctx.db, request.params.id)),
    );

    app.put(
      "/content/pages/:id",
      {
        config,
        schema: {
          summary: "Save a page's draft",
          description:
            "Replaces the draft (and the slug: a published page moves to its new URL at once). Shoppers keep " +
            "seeing the published copy until you publish. Send `If-Match` with the ETag you read: when someone " +
            "saved in between, nothing is written (409 STALE_VERSION). Errors: 400 naming the field, 404 " +
            "PAGE_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params: idParams,
          headers: IfMatchHeaders,
          body: PageInputSchema,
          response: { 200: PageEntrySchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const page = await ctx.db.transaction(async (tx) => {
          const before = await getPage(tx, request.params.id);
          const after = await savePage(tx, request.params.id, request.body, expected, actorOf(request));
          await recordStaffAction(tx, request, {
            action: "content.page.update",
            targetType: "content_page",
            targetId: after.id!,
            metadata: { changes: changedFields(snapshot(before), snapshot(after)) },
          });
          return after;
        });
        changed(page.key);
        return withEtag(reply, page);
      },
    );

    for (const publish of [true, false]) {
      app.post(
        `/content/pages/:id/${publish ? "publish" : "unpublish"}`,
        {
          config,
          schema: {
            summary: publish ? "Publish a page" : "Unpublish a page",
            description: publish
              ? "Shoppers see the draft as it is now at /pages/<slug>. Honours `If-Match`. Errors: 404 " +
                "PAGE_NOT_FOUND, 409 STALE_VERSION."
              : "Takes the page off the store (its URL answers 404); the draft stays. Honours `If-Match`. " +
                "Errors: 404 PAGE_NOT_FOUND, 409 STALE_VERSION.",
            tags,
            params: idParams,
            headers: IfMatchHeaders,
            response: { 200: PageEntrySchema, ...writeErrors },
          },
        },
        async (request, reply) => {
          const expected = expectedVersion(request.headers);
          const page = await ctx.db.transaction(async (tx) => {
            const before = await getPage(tx, request.params.id);
            const after = await setPagePublished(tx, request.params.id, publish, expected, actorOf(request));
            await recordStaffAction(tx, request, {
              action: publish ? "content.page.publish" : "content.page.unpublish",
              targetType: "content_page",
              targetId: after.id!,
              metadata: {
                slug: after.slug,
                changes: changedFields(
                  { published: before.published, publishedAt: before.publishedAt },
                  { published: after.published, publishedAt: after.publishedAt },
                ),
              },
            });
            return after;
          });
          changed(page.key);
          return withEtag(reply, page);
        },
      );
    }

    app.delete(
      "/content/pages/:id",
      {
        config,
        schema: {
          summary: "Delete a page",
          description:
            "Deletes the page, published or not; its URL answers 404 from then on. Honours `If-Match`. Errors: " +
            "404 PAGE_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params: idParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const page = await ctx.db.transaction(async (tx) => {
          const before = await deletePage(tx, request.params.id, expected);
          await recordStaffAction(tx, request, {
            action: "content.page.delete",
            targetType: "content_page",
            targetId: request.params.id,
            metadata: { changes: changedFields(snapshot(before), null) },
          });
          return before;
        });
        changed(page.key);
        return reply.status(204).send(null);
      },
    );

    // -------------------------------------------------------------------------------------------------
    // The home page, the menus and the announcement bar

    /**
     * GET, PUT (save the draft), POST publish and POST unpublish of one singleton. `normalize` checks
     * and completes what staff send; `fallback` is the draft shown before the first save.
     */
    function singletonRoutes<K extends SingletonKey>(options: {
      url: string;
      name: string;
      key: (request: FastifyRequest) => K;
      params?: ReturnType<typeof Type.Object>;
      /** The answer's and the body's schemas (documented; the body is checked by `normalize` too). */
      entrySchema: TSchema;
      bodySchema: TSchema;
      /** Checked before the schema, to name the exact field of a section. */
      precheck?: (body: unknown) => void;
      /** Both take the transaction (or database) to read through. */
      normalize: (db: Db, body: unknown) => SingletonContent[K] | Promise<SingletonContent[K]>;
      fallback: (db: Db) => SingletonContent[K] | Promise<SingletonContent[K]>;
      /** Adds what the answer carries besides the entry (the home page's image URLs). */
      decorate?: (entry: ContentEntry<SingletonContent[K]>) => Promise<object>;
      audit: string;
      description: { read: string; save: string; publish: string; unpublish: string };
    }) {
      const params = options.params ? { params: options.params } : {};
      const answer = async (reply: FastifyReply, entry: ContentEntry<SingletonContent[K]>) =>
        withEtag(reply, options.decorate ? { ...entry, ...(await options.decorate(entry)) } : entry);
      app.get(
        options.url,
        {
          config,
          schema: {
            summary: `Get ${options.name}`,
            description: options.description.read,
            tags,
            ...params,
            response: { 200: options.entrySchema, ...errors },
          },
        },
        async (request, reply) =>
          answer(reply, await getSingleton(ctx.db, options.key(request), () => options.fallback(ctx.db))),
      );

      app.put(
        options.url,
        {
          config,
          ...(options.precheck
            ? { preValidation: async (request: FastifyRequest) => options.precheck!(request.body) }
            : {}),
          schema: {
            summary: `Save ${options.name} (draft)`,
            description: options.description.save,
            tags,
            ...params,
            headers: IfMatchHeaders,
            body: options.bodySchema,
            response: { 200: options.entrySchema, ...writeErrors },
          },
        },
        async (request, reply) => {
          const expected = expectedVersion(request.headers);
          const key = options.key(request);
          const entry = await ctx.db.transaction(async (tx) => {
            const before = await getSingleton(tx, key, () => options.fallback(tx));
            const draft = await options.normalize(tx, request.body);
            const after = await saveSingleton(tx, key, draft, expected, actorOf(request));
            await recordStaffAction(tx, request, {
              action: `${options.audit}.update`,
              targetType: "content",
              targetId: after.id!,
              metadata: {
                key,
                changes: changedFields(before.id ? snapshot(before) : null, snapshot(after)),
              },
            });
            return after;
          });
          changed(key);
          return answer(reply, entry);
        },
      );

      for (const publish of [true, false]) {
        app.post(
          `${options.url}/${publish ? "publish" : "unpublish"}`,
          {
            config,
            schema: {
              summary: `${publish ? "Publish" : "Unpublish"} ${options.name}`,
              description: publish ? options.description.publish : options.description.unpublish,
              tags,
              ...params,
              headers: IfMatchHeaders,
              response: { 200: options.entrySchema, ...writeErrors },
            },
          },
          async (request, reply) => {
            const expected = expectedVersion(request.headers);
            const key = options.key(request);
            const entry = await ctx.db.transaction(async (tx) => {
              const before = await getSingleton(tx, key, () => options.fallback(tx));
              const after = await setSingletonPublished(tx, key, publish, expected, actorOf(request));
              await recordStaffAction(tx, request, {
                action: `${options.audit}.${publish ? "publish" : "unpublish"}`,
                targetType: "content",
                targetId: after.id!,
                metadata: {
                  key,
                  changes: changedFields(
                    { published: before.published, publishedAt: before.publishedAt },
                    { published: after.published, publishedAt: after.publishedAt },
                  ),
                },
              });
              return after;
            });
            changed(key);
            return answer(reply, entry);
          },
        );
      }
    }

    const ifMatchNote =
      'Send `If-Match` with the ETag you read ("0" before the first save): when someone saved in between, ' +
      "nothing is written (409 STALE_VERSION).";

    singletonRoutes({
      url: "/content/home",
      name: "the home page",
      key: () => "home",
      entrySchema: HomeEntrySchema,
      bodySchema: HomeInputSchema,
      precheck: checkHomeShape,
      normalize: (db, body) => normalizeHome(db, body as Parameters<typeof normalizeHome>[1]),
      fallback: defaultHome,
      decorate: async (entry) => {
        const ids = [entry.draft, entry.published].flatMap((home) =>
          (home?.sections ?? []).flatMap((s) => (s.type === "hero" && s.imageId ? [s.imageId] : [])),
        );
        return { imageUrls: Object.fromEntries(await thumbnailUrls(ctx.db, [...new Set(ids)])) };
      },
      audit: "content.home",
      description: {
        read:
          "The home page's sections (hero banners, category tiles, product rows, text), draft and published. " +
          "Before the first save, the draft is the store's default (category tiles and new arrivals), version 0.",
        save:
          "Replaces the draft; shoppers see it once published. Every category, product and image named must " +
          `exist; rich text keeps only safe HTML; links are site paths or http(s) URLs. ${ifMatchNote} Errors: 400 ` +
          "naming the field (e.g. `sections.0.linkUrl`), 409 STALE_VERSION.",
        publish:
          "Shoppers see the saved draft as the home page at once. Honours `If-Match`. Errors: 404 CONTENT_NOT_FOUND " +
          "(never saved), 409 STALE_VERSION.",
        unpublish:
          "The store shows its default home page again; the draft stays. Honours `If-Match`. Errors: 404 " +
          "CONTENT_NOT_FOUND, 409 STALE_VERSION.",
      },
    });

    const menuParams = Type.Object({
      menu: Type.Union([Type.Literal("main"), Type.Literal("footer")], {
        description: "main: the header's links; footer: the footer's",
      }),
    });
    singletonRoutes({
      url: "/content/menus/:menu",
      name: "a menu",
      key: (request) => menuKey((request.params as { menu: MenuName }).menu),
      params: menuParams,
      entrySchema: MenuEntrySchema,
      bodySchema: MenuContentSchema,
      normalize: (_db, body) => normalizeMenu(body as Parameters<typeof normalizeMenu>[0]),
      fallback: emptyMenu,
      audit: "content.menu",
      description: {
        read: "The menu's links (each with an optional dropdown of links), draft and published; empty before the first save.",
        save:
          "Replaces the draft: labels and URLs (site paths such as `/categories/women` or http(s) URLs), one " +
          `level of dropdown. ${ifMatchNote} Errors: 400 naming the field (e.g. \`items.2.url\`), 409 STALE_VERSION.`,
        publish:
          "Shoppers see the saved links at once (the main menu replaces the category navigation; an empty one " +
          "leaves it). Honours `If-Match`. Errors: 404 CONTENT_NOT_FOUND, 409 STALE_VERSION.",
        unpublish:
          "The store goes back to its default (the category navigation; no footer links). Honours `If-Match`. " +
          "Errors: 404 CONTENT_NOT_FOUND, 409 STALE_VERSION.",
      },
    });

    singletonRoutes({
      url: "/content/announcement",
      name: "the announcement bar",
      key: () => "announcement",
      entrySchema: AnnouncementEntrySchema,
      bodySchema: AnnouncementContentSchema,
      normalize: (_db, body) => normalizeAnnouncement(body as Parameters<typeof normalizeAnnouncement>[0]),
      fallback: defaultAnnouncement,
      audit: "content.announcement",
      description: {
        read: "The one-line bar at the top of every page: text, optional link, tone, enabled; draft and published.",
        save: `Replaces the draft (text required while enabled). ${ifMatchNote} Errors: 400 naming the field, 409 STALE_VERSION.`,
        publish:
          "Shoppers see the saved bar at once (when enabled). Honours `If-Match`. Errors: 404 CONTENT_NOT_FOUND, " +
          "409 STALE_VERSION.",
        unpublish:
          "Takes the bar off the store. Honours `If-Match`. Errors: 404 CONTENT_NOT_FOUND, 409 STALE_VERSION.",
      },
    });

    // -------------------------------------------------------------------------------------------------
    // Previews: drafts as the store API would answer them

    app.get(
      "/content/preview/home",
      {
        config,
        schema: {
          summary: "Preview the home page's draft",
          description:
            "What GET /api/store/content/home would answer once the draft is published (the store's default " +
            "sections while nothing is saved).",
          tags,
          response: { 200: StoreHomeSchema, ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        const home = await getSingleton(ctx.db, "home", () => defaultHome(ctx.db));
        return resolveHome(ctx.db, home.draft, home.id === null);
      },
    );

    app.get(
      "/content/preview/pages/:slug",
      {
        config,
        schema: {
          summary: "Preview a page's draft",
          description:
            "What GET /api/store/content/pages/{slug} would answer once the draft is published. Errors: 404 " +
            "PAGE_NOT_FOUND.",
          tags,
          params: Type.Object({ slug: PageSlugSchema }),
          response: { 200: StorePageSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const page = await draftPage(ctx.db, request.params.slug);
        return storePage(request.params.slug, page.content, page.publishedAt);
      },
    );

    app.get(
      "/content/preview/layout",
      {
        config,
        schema: {
          summary: "Preview the menus and announcement bar drafts",
          description: "What GET /api/store/content/layout would answer once the drafts are published.",
          tags,
          response: { 200: StoreLayoutSchema, ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return storeLayout(await draftSingletons(ctx.db, ["menu:main", "menu:footer", "announcement"]));
      },
    );

    // -------------------------------------------------------------------------------------------------
    // Images for banners

    await app.register(
      imageUploadRoute(ctx, {
        url: "/content/images",
        access: { permission: "cms:write" },
        action: "content.image.upload",
        summary: "Upload a banner image",
        use: "a hero section's `imageId`",
        tags,
      }),
    );
  };
}
