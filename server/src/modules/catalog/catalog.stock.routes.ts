import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { lowStockLevels } from "../inventory/index.ts";
import { getSaleVariants } from "./catalog.sale.ts";
import { LowStockSchema } from "./catalog.stock.types.ts";

/**
 * Inventory for staff under /api/admin: the stock levels at or below their low-stock threshold (the
 * same rule that raises `stock.low`), emptiest first, with SKU and product. Needs catalog:read.
 */
export function adminInventoryRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/inventory/low-stock",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Low stock",
          description:
            "Counted stock levels whose available units are at or below their threshold, emptiest first (at most `limit`).",
          tags: ["admin", "inventory"],
          querystring: Type.Object(
            { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ items: Type.Array(LowStockSchema) }),
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
          },
        },
      },
      async (request) => {
        const levels = await lowStockLevels(ctx.db, request.query.limit);
        const variants = await getSaleVariants(ctx.db, [...new Set(levels.map((l) => l.variantId))]);
        return {
          items: levels.map((l) => {
            const v = variants.get(l.variantId);
            return {
              ...l,
              sku: v?.sku ?? l.variantId,
              productName: v?.productName ?? "",
              variantTitle: v?.variantTitle ?? "",
            };
          }),
        };
      },
    );
  };
}
