import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { lowStockLevels } from "../../modules/inventory/index.ts";
import { orderDashboardFigures } from "../../modules/orders/index.ts";
import { pendingReviewCount } from "../../modules/reviews/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { MoneySchema } from "../../platform/money.schema.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";

const Figure = (description: string) => Type.Union([Type.Null(), Type.Integer({ description })]);

/**
 * The admin home's figures under /api/admin: today's orders and sales, orders to ship, held orders,
 * returns to handle, low-stock levels and reviews to moderate. Any staff member may ask; each figure
 * is null unless they hold the permission of its list (orders:read, catalog:read, reviews:moderate).
 * A flow: it reads orders, inventory and reviews.
 */
export function adminDashboardRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/dashboard",
      {
        config: { permission: "staff" },
        schema: {
          summary: "The admin home's figures",
          description:
            "`since` is the start of the staff member's day (their browser's midnight, as UTC); default the last 24 " +
            "hours. Figures the caller may not see are null. Low stock counts at most 100 levels.",
          tags: ["admin"],
          querystring: Type.Object(
            { since: Type.Optional(Type.String({ format: "date-time" })) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              since: Type.String({ format: "date-time" }),
              ordersToday: Figure("Orders placed since `since`, not cancelled or unpaid"),
              salesToday: Type.Union([Type.Null(), Type.Array(MoneySchema)]),
              toShip: Figure("Paid orders with items left to ship"),
              onHold: Figure("Orders held for review"),
              returnsToHandle: Figure("Returns to approve or receive"),
              lowStock: Figure("Stock levels at or below their threshold (at most 100)"),
              reviewsToModerate: Figure("Reviews waiting for approval"),
            }),
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const can = (p: "orders:read" | "catalog:read" | "reviews:moderate") =>
          request.staff?.permissions.has(p) ?? false;
        const since = request.query.since ? new Date(request.query.since) : new Date(Date.now() - 86_400_000);
        const [orders, low, reviews] = await Promise.all([
          can("orders:read") ? orderDashboardFigures(ctx.db, since) : null,
          can("catalog:read") ? lowStockLevels(ctx.db, 100) : null,
          can("reviews:moderate") ? pendingReviewCount(ctx.db) : null,
        ]);
        return {
          since: since.toISOString(),
          ordersToday: orders?.ordersSince ?? null,
          salesToday: orders?.salesSince ?? null,
          toShip: orders?.toShip ?? null,
          onHold: orders?.onHold ?? null,
          returnsToHandle: orders?.returnsToHandle ?? null,
          lowStock: low ? low.length : null,
          reviewsToModerate: reviews,
        };
      },
    );
  };
}
