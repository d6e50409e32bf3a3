import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { and, eq, inArray } from "drizzle-orm";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { vendorScope } from "../../platform/vendor-scope.ts";
import { assertVersion, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { recordStaffAction } from "../audit/index.ts";
import { type CatalogPorts, productChanges, withEtag } from "./catalog.admin.routes.ts";
import {
  BulkProductActionSchema,
  BulkProductResultSchema,
  ProductDocumentInputSchema,
  ProductDocumentSchema,
  ProductStatusSchema,
  StaffCategorySchema,
  StaffProductListSchema,
  StaffProductQuerySchema,
  VisibilitySchema,
} from "./catalog.admin.types.ts";
import { listCategoriesForStaff } from "./catalog.categories.ts";
import {
  deleteProducts,
  getProductDocument,
  saveProductDocument,
  setProductsStatus,
} from "./catalog.editor.ts";
import { imageUploadRoute } from "./catalog.images.routes.ts";
import { catalogCacheNamespace } from "./catalog.queries.ts";
import { products } from "./catalog.schema.ts";
import { updateProductDetails } from "./catalog.service.ts";
import { listProductsForStaff } from "./catalog.staff-list.ts";
import { assertVendorProduct, assignProductVendor, checkVendorReferences } from "./catalog.vendor.ts";

const VendorProductQuerySchema = Type.Omit(StaffProductQuerySchema, ["vendorId"]);

const VendorProductPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 100_000 })),
    shortDescription: Type.Optional(Type.String({ maxLength: 10_000 })),
    status: Type.Optional(ProductStatusSchema),
    visibility: Type.Optional(VisibilitySchema),
    metaTitle: Type.Optional(Type.String({ maxLength: 255 })),
    metaDescription: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * The vendor portal's catalog under /api/vendor: the same product editor as staff use (list, create,
 * read, save with If-Match, texts and status, delete or archive, bulk status), image uploads and the
 * category tree to file products under, scoped to the caller's vendor. A vendor's new products are
 * theirs (`vendorId`); another vendor's product answers 404 as if it did not exist, and a product may
 * link, bundle or group only the vendor's own products. Every write is audited with the member as
 * actor and the vendor in `metadata.vendorId`. Suspended vendors may read, not write (the guard).
 */
export function vendorCatalogRoutes(ctx: AppContext, ports: CatalogPorts): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["vendor", "catalog"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const changed = () => {
      ctx.cache.invalidate(catalogCacheNamespace);
      invalidateShopCache("category_tree");
    };

    app.get(
      "/products",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "List my products",
          description:
            "The vendor's products whatever their status, filtered and sorted like the staff list (name words or SKU " +
            "start, status, type, category, stock), keyset-paged. Errors: 400 naming the field.",
          tags,
          querystring: VendorProductQuerySchema,
          response: { 200: StaffProductListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listProductsForStaff(ctx.db, { ...request.query, vendorId: vendorScope(request).id });
      },
    );

    app.post(
      "/products",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Create a product",
          description:
            "As staff create one (POST /api/admin/products), sold by the caller's vendor. Linked, bundled and grouped " +
            "products must be the vendor's own. 201 with the product and its ETag. Errors: 400 naming the field (a " +
            "SKU taken in the shop, an unknown category or image, another vendor's product).",
          tags,
          body: ProductDocumentInputSchema,
          response: { 201: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const vendorId = vendorScope(request).id;
        const product = await ctx.db.transaction(async (tx) => {
          await checkVendorReferences(tx, vendorId, null, request.body);
          const id = await saveProductDocument(tx, null, request.body);
          await assignProductVendor(tx, id, vendorId);
          const created = await getProductDocument(tx, id);
          await recordStaffAction(tx, request, {
            action: "catalog.product.create",
            targetType: "product",
            targetId: id,
            metadata: { sku: created.sku, changes: productChanges(null, created) },
          });
          return created;
        });
        changed();
        reply.status(201).header("location", `/api/vendor/products/${product.id}`);
        return withEtag(reply, product);
      },
    );

    app.get(
      "/products/:id",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Get one of my products",
          description:
            "The whole product as the editor shows it, with its ETag. Errors: 404 PRODUCT_NOT_FOUND.",
          tags,
          params,
          response: { 200: ProductDocumentSchema, ...errors },
        },
      },
      async (request, reply) => {
        await assertVendorProduct(ctx.db, request.params.id, vendorScope(request).id);
        return withEtag(reply, await getProductDocument(ctx.db, request.params.id));
      },
    );

    app.put(
      "/products/:id",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Save one of my products",
          description:
            "Replaces the whole product (as PUT /api/admin/products/{id}). Send `If-Match` with the ETag you read. " +
            "Errors: 400 naming the field, 404 PRODUCT_NOT_FOUND (also for another vendor's product), 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: ProductDocumentInputSchema,
          response: { 200: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const vendorId = vendorScope(request).id;
        const expected = expectedVersion(request.headers);
        const product = await ctx.db.transaction(async (tx) => {
          await assertVendorProduct(tx, request.params.id, vendorId);
          await checkVendorReferences(tx, vendorId, request.params.id, request.body);
          const before = await getProductDocument(tx, request.params.id);
          await saveProductDocument(tx, request.params.id, request.body, expected);
          const after = await getProductDocument(tx, request.params.id);
          await recordStaffAction(tx, request, {
            action: "catalog.product.update",
            targetType: "product",
            targetId: after.id,
            metadata: { sku: after.sku, changes: productChanges(before, after) },
          });
          return after;
        });
        changed();
        return withEtag(reply, product);
      },
    );

    app.patch(
      "/products/:id",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Edit one of my products' texts or status",
          description:
            "Changes the given fields only; honours `If-Match`. Errors: 400 naming the field, 404 PRODUCT_NOT_FOUND, " +
            "409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: VendorProductPatchSchema,
          response: { 200: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const vendorId = vendorScope(request).id;
        const expected = expectedVersion(request.headers);
        const product = await ctx.db.transaction(async (tx) => {
          await assertVendorProduct(tx, request.params.id, vendorId);
          const before = await getProductDocument(tx, request.params.id);
          assertVersion("product", before.version, expected);
          await updateProductDetails(tx, request.params.id, request.body);
          const after = await getProductDocument(tx, request.params.id);
          await recordStaffAction(tx, request, {
            action: "catalog.product.update",
            targetType: "product",
            targetId: after.id,
            metadata: {
              sku: after.sku,
              fields: Object.keys(request.body),
              changes: productChanges(before, after),
            },
          });
          return after;
        });
        changed();
        return withEtag(reply, product);
      },
    );

    app.delete(
      "/products/:id",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Delete one of my products",
          description:
            "Deletes it, or archives it when orders or bundles reference it (`archived` true). Errors: 404 " +
            "PRODUCT_NOT_FOUND.",
          tags,
          params,
          response: { 200: Type.Object({ deleted: Type.Boolean(), archived: Type.Boolean() }), ...errors },
        },
      },
      async (request) => {
        const id = request.params.id;
        const vendorId = vendorScope(request).id;
        const result = await ctx.db.transaction(async (tx) => {
          await assertVendorProduct(tx, id, vendorId);
          const before = await getProductDocument(tx, id);
          const outcome = await deleteProducts(tx, [id], await ports.orderedProductIds(tx, [id]));
          await recordStaffAction(tx, request, {
            action: outcome.archived.length ? "catalog.product.archive" : "catalog.product.delete",
            targetType: "product",
            targetId: id,
            metadata: { sku: before.sku, name: before.name },
          });
          return { deleted: outcome.deleted.length > 0, archived: outcome.archived.length > 0 };
        });
        changed();
        return result;
      },
    );

    app.post(
      "/products/bulk",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "Publish, unpublish, archive or delete many of my products",
          description:
            "As the staff bulk action, on the vendor's own products only: any other id is listed in `notFound`.",
          tags,
          body: BulkProductActionSchema,
          response: { 200: BulkProductResultSchema, ...errors },
        },
      },
      async (request) => {
        const vendorId = vendorScope(request).id;
        const asked = [...new Set(request.body.productIds)];
        const { action } = request.body;
        const result = await ctx.db.transaction(async (tx) => {
          const ids = (
            await tx
              .select({ id: products.id })
              .from(products)
              .where(and(inArray(products.id, asked), eq(products.vendorId, vendorId)))
          ).map((r) => r.id);
          let changedIds: string[] = [];
          let archived: string[] = [];
          if (ids.length && action === "delete") {
            const outcome = await deleteProducts(tx, ids, await ports.orderedProductIds(tx, ids));
            changedIds = outcome.deleted;
            archived = outcome.archived;
          } else if (ids.length) {
            const status = action === "publish" ? "active" : action === "unpublish" ? "draft" : "archived";
            changedIds = await setProductsStatus(tx, ids, status);
          }
          const known = new Set([...changedIds, ...archived]);
          for (const id of known)
            await recordStaffAction(tx, request, {
              action: `catalog.product.bulk_${action}`,
              targetType: "product",
              targetId: id,
              metadata: archived.includes(id) ? { archivedInstead: true } : {},
            });
          return { changed: changedIds, archived, notFound: asked.filter((id) => !known.has(id)) };
        });
        changed();
        return result;
      },
    );

    app.get(
      "/categories",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "The shop's category tree",
          description: "Every category, to file products under (read only: staff keep the tree).",
          tags,
          response: { 200: Type.Object({ items: Type.Array(StaffCategorySchema) }), ...errors },
        },
      },
      async () => ({ items: await listCategoriesForStaff(ctx.db) }),
    );

    await app.register(
      imageUploadRoute(ctx, {
        url: "/images",
        access: { vendorRole: "member" },
        action: "catalog.image.upload",
        summary: "Upload a product image",
        use: "a product's `images`",
        tags,
      }),
    );
  };
}
