import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { recordStaffAction } from "../audit/index.ts";
import { catalogCacheNamespace } from "./catalog.queries.ts";
import { getProductForStaff, updateProductDetails } from "./catalog.service.ts";

const StatusSchema = Type.Union([Type.Literal("draft"), Type.Literal("active"), Type.Literal("archived")]);
const VisibilitySchema = Type.Union([
  Type.Literal("everywhere"),
  Type.Literal("catalog"),
  Type.Literal("search"),
  Type.Literal("hidden"),
]);

const StaffProductSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String({ description: "HTML" }),
  shortDescription: Type.String({ description: "HTML" }),
  status: StatusSchema,
  visibility: VisibilitySchema,
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  updatedAt: Type.String({ format: "date-time" }),
});

const ProductPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 100_000 })),
    shortDescription: Type.Optional(Type.String({ maxLength: 10_000 })),
    status: Type.Optional(StatusSchema),
    visibility: Type.Optional(VisibilitySchema),
    metaTitle: Type.Optional(Type.String({ maxLength: 255 })),
    metaDescription: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * Staff catalog API under /api/admin: read a product and edit its texts, status and visibility
 * (catalog:read / catalog:write; edits are audited). The search index follows an edit within
 * seconds (outbox); the store's catalog responses at once in this process.
 */
export function adminCatalogRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });

    app.get(
      "/products/:id",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Get a product (staff)",
          description: "Errors: 404 PRODUCT_NOT_FOUND.",
          tags: ["admin", "catalog"],
          params,
          response: { 200: StaffProductSchema, ...errors },
        },
      },
      async (request) => getProductForStaff(ctx.db, request.params.id),
    );

    app.patch(
      "/products/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Edit a product",
          description:
            "Changes the given fields only (name, descriptions as HTML, status, visibility, meta). The slug stays, so " +
            "links keep working. Errors: 400 naming the field, 404 PRODUCT_NOT_FOUND.",
          tags: ["admin", "catalog"],
          params,
          body: ProductPatchSchema,
          response: { 200: StaffProductSchema, ...errors },
        },
      },
      async (request) => {
        const product = await ctx.db.transaction(async (tx) => {
          const updated = await updateProductDetails(tx, request.params.id, request.body);
          await recordStaffAction(tx, request, {
            action: "catalog.product.update",
            targetType: "product",
            targetId: updated.id,
            metadata: { fields: Object.keys(request.body) },
          });
          return updated;
        });
        ctx.cache.invalidate(catalogCacheNamespace);
        return product;
      },
    );
  };
}
