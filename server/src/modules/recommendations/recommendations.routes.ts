import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import { Type } from "typebox";
import { NotFoundError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { ProductSummarySchema } from "../catalog/index.ts";
import type { AuthContext } from "../customers/index.ts";
import {
  popularProducts,
  productRecommendations,
  recommendationsFor,
  summariesInOrder,
} from "./recommendations.service.ts";

const tags = ["store"];
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 12 }));
const ItemsSchema = Type.Object({ items: Type.Array(ProductSummarySchema) });

/**
 * Recommendations under /api/store, served from the trained tables (see `trainRecommendations`):
 * a product's "bought together" and "similar" lists, "for you" (personal when signed in with orders,
 * else popular), popular overall or in a category, and summaries of product ids (the storefront's
 * recently viewed products, kept in the browser).
 */
export function recommendationRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/products/:id/recommendations",
      {
        schema: {
          summary: "Recommendations for a product",
          description:
            "`kind=bought_together` (default): products bought by the customers who bought this one (item-item " +
            "co-purchase similarity, shrunk cosine); `kind=similar`: products like it by category, option values, " +
            "attributes and text. Best first; empty when the model has none (e.g. never trained). The product is " +
            "named by its id (`prod_...`).",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          querystring: Type.Object({
            kind: Type.Optional(
              Type.Union([Type.Literal("bought_together"), Type.Literal("similar")], {
                default: "bought_together",
              }),
            ),
            limit: Limit,
          }),
          response: { 200: ItemsSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "public, max-age=300");
        const { kind = "bought_together", limit = 12 } = request.query;
        return { items: await productRecommendations(ctx.db, request.params.id, kind, limit) };
      },
    );

    app.get(
      "/recommendations/for-you",
      {
        schema: {
          summary: "Recommended for the shopper",
          description:
            "Signed in with past orders: products scored from what the account bought (sum of co-purchase " +
            "neighbours, then popular in the same categories), never what it bought (`personal: true`). " +
            "Otherwise the popular products (`personal: false`).",
          tags,
          querystring: Type.Object({ limit: Limit }),
          response: {
            200: Type.Object({ personal: Type.Boolean(), items: Type.Array(ProductSummarySchema) }),
            400: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "private, no-store");
        const session = await ctx.auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
        return recommendationsFor(ctx.db, session?.user.id ?? null, request.query.limit ?? 12);
      },
    );

    app.get(
      "/recommendations/popular",
      {
        schema: {
          summary: "Popular products",
          description:
            "The most ordered products lately (orders weighted by a 90-day half-life), overall or in a category " +
            "given by slug (subcategories included). 404 CATEGORY_NOT_FOUND for an unknown slug.",
          tags,
          querystring: Type.Object({
            category: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Limit,
          }),
          response: { 200: ItemsSchema, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        const items = await popularProducts(ctx.db, request.query.limit ?? 12, request.query.category);
        if (!items) throw new NotFoundError("CATEGORY_NOT_FOUND", "No such category");
        reply.header("cache-control", "public, max-age=300");
        return { items };
      },
    );

    app.post(
      "/products/summaries",
      {
        schema: {
          summary: "Product summaries by id",
          description:
            "Card data (name, price, stock, thumbnail, rating) of up to 50 products, in the order asked; unknown " +
            "ids are left out. For lists the browser keeps, such as recently viewed products.",
          tags,
          body: Type.Object(
            { ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }) },
            { additionalProperties: false },
          ),
          response: { 200: ItemsSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await summariesInOrder(ctx.db, request.body.ids) };
      },
    );
  };
}
