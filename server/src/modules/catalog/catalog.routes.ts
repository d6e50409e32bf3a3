import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { sendJson } from "../../platform/reply.ts";
import {
  catalogCacheNamespace,
  getCategoryBySlug,
  getCategoryTree,
  getProductBySlug,
  listProducts,
  type VendorNameLookup,
} from "./catalog.queries.ts";
import {
  CategoryDetailSchema,
  CategoryTreeSchema,
  ProductDetailSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  SlugParamsSchema,
} from "./catalog.types.ts";

/** Splits `option.size=XS,S` query parameters into `{ size: ["XS", "S"] }`. */
function optionFilters(query: Record<string, unknown>): Record<string, string[]> {
  const options: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith("option.") || typeof value !== "string") continue;
    const values = value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.length) options[key.slice("option.".length)] = values;
  }
  return options;
}

function cacheKey(path: string, query: object): string {
  const entries = Object.entries(query as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${path}?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** What the storefront catalog needs from outside the catalog (the vendors module answers). */
export interface StoreCatalogPorts {
  vendorName: VendorNameLookup;
}

/**
 * Public catalog API under /api/store: product list, product page (with the vendor selling it),
 * category tree, category page.
 */
export function storeCatalogRoutes(ctx: AppContext, ports: StoreCatalogPorts): FastifyPluginAsyncTypebox {
  return async (app) => {
    const json = (key: string, compute: () => Promise<unknown>) =>
      ctx.cache.get(catalogCacheNamespace, key, async () => JSON.stringify(await compute()));

    app.get(
      "/products",
      {
        schema: {
          summary: "List products",
          description:
            "Active products visible in the catalog, keyset-paginated. Filters: category slug (includes subcategories), " +
            "vendor (a vendor's shop page), " +
            "price range in minor units of the store currency (on the lowest current variant price), option values " +
            "(`option.size=XS,S`: a product matches when one variant has any of the listed values for every filtered " +
            "option), in stock. Errors: 400 VALIDATION_FAILED naming the bad parameter.",
          tags: ["store"],
          querystring: ProductListQuerySchema,
          response: { 200: ProductPageSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const body = await json(cacheKey("products", q), () =>
          listProducts(
            ctx.db,
            {
              ...(q.category !== undefined && { category: q.category }),
              ...(q.vendorId !== undefined && { vendorId: q.vendorId }),
              ...(q.priceMin !== undefined && { priceMin: q.priceMin }),
              ...(q.priceMax !== undefined && { priceMax: q.priceMax }),
              ...(q.inStock !== undefined && { inStock: q.inStock }),
              options: optionFilters(q),
            },
            q.sort,
            q.limit,
            q.cursor,
            { cache: ctx.cache },
          ),
        );
        return sendJson(reply, body);
      },
    );

    app.get(
      "/products/:slug",
      {
        schema: {
          summary: "Get a product page",
          description: "Everything the product page shows. Errors: 404 PRODUCT_NOT_FOUND.",
          tags: ["store"],
          params: SlugParamsSchema,
          response: { 200: ProductDetailSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        const body = await json(`product:${request.params.slug}`, () =>
          getProductBySlug(ctx.db, request.params.slug, new Date(), ports.vendorName),
        );
        return sendJson(reply, body);
      },
    );

    app.get(
      "/categories",
      {
        schema: {
          summary: "Category tree",
          description: "Active categories as a tree, with the number of listable products in each subtree.",
          tags: ["store"],
          response: { 200: CategoryTreeSchema },
        },
      },
      async (_request, reply) => {
        const body = await json("categories", async () => ({ items: await getCategoryTree(ctx.db) }));
        return sendJson(reply, body);
      },
    );

    app.get(
      "/categories/:slug",
      {
        schema: {
          summary: "Get a category page",
          description: "A category with breadcrumbs, children and facets. Errors: 404 CATEGORY_NOT_FOUND.",
          tags: ["store"],
          params: SlugParamsSchema,
          response: { 200: CategoryDetailSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        const body = await json(`category:${request.params.slug}`, () =>
          getCategoryBySlug(ctx.db, request.params.slug),
        );
        return sendJson(reply, body);
      },
    );
  };
}
