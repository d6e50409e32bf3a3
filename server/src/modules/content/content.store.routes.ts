import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { sendJson } from "../../platform/reply.ts";
import { catalogCacheNamespace } from "../catalog/index.ts";
import { defaultHome, resolveHome, storeLayout, storePage } from "./content.render.ts";
import { contentCacheNamespace, publishedPage, publishedSingletons } from "./content.service.ts";
import { PageSlugSchema, StoreHomeSchema, StoreLayoutSchema, StorePageSchema } from "./content.types.ts";

/** How long browsers and CDNs may reuse a content answer, in seconds. */
const maxAgeSeconds = 30;

/**
 * Public content API under /api/store: a published page by slug, the published home page with its
 * categories and products resolved, and the layout (menus and announcement bar) in one call. Answers
 * are cached in this process (dropped when staff publish) and cacheable by browsers and CDNs for 30 s.
 */
export function storeContentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["store"];
    const cacheable = `public, max-age=${maxAgeSeconds}`;

    app.get(
      "/content/pages/:slug",
      {
        schema: {
          summary: "Get a page",
          description:
            "A published page (title, safe HTML body, SEO texts). Drafts and unpublished pages are not found. " +
            "Errors: 404 PAGE_NOT_FOUND.",
          tags,
          params: Type.Object({ slug: PageSlugSchema }),
          response: { 200: StorePageSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { slug } = request.params;
        const body = await ctx.cache.get(contentCacheNamespace, `page:${slug}`, async () => {
          const page = await publishedPage(ctx.db, slug);
          return JSON.stringify(storePage(slug, page.content, page.publishedAt));
        });
        reply.header("cache-control", cacheable);
        return sendJson(reply, body);
      },
    );

    app.get(
      "/content/home",
      {
        schema: {
          summary: "Get the home page",
          description:
            "The published home page's sections, top to bottom: hero banners (image, heading, link), category " +
            "tiles, product rows (with product summaries; prices in minor units) and rich text. Sections with " +
            "nothing to show are left out. While no home page is published, the store's default sections " +
            "(`isDefault`: category tiles and new arrivals).",
          tags,
          response: { 200: StoreHomeSchema },
        },
      },
      async (_request, reply) => {
        // Cached with the catalog's answers: a product or category change shows at once.
        const body = await ctx.cache.get(catalogCacheNamespace, "content:home", async () => {
          const { home } = await publishedSingletons(ctx.db, ["home"]);
          return JSON.stringify(
            home
              ? await resolveHome(ctx.db, home, false)
              : await resolveHome(ctx.db, await defaultHome(ctx.db), true),
          );
        });
        reply.header("cache-control", cacheable);
        return sendJson(reply, body);
      },
    );

    app.get(
      "/content/layout",
      {
        schema: {
          summary: "Get the menus and announcement bar",
          description:
            "What every page shows around its content: the main (header) and footer menus as published (null: " +
            "none, show the category navigation) and the announcement bar (null when none is published or it " +
            "is disabled).",
          tags,
          response: { 200: StoreLayoutSchema },
        },
      },
      async (_request, reply) => {
        const body = await ctx.cache.get(contentCacheNamespace, "layout", async () =>
          JSON.stringify(
            storeLayout(await publishedSingletons(ctx.db, ["menu:main", "menu:footer", "announcement"])),
          ),
        );
        reply.header("cache-control", cacheable);
        return sendJson(reply, body);
      },
    );
  };
}
