import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { assertVersion, etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import {
  BulkProductActionSchema,
  BulkProductResultSchema,
  CategoryCreateSchema,
  CategoryPatchSchema,
  ProductDocumentInputSchema,
  ProductDocumentSchema,
  ProductStatusSchema,
  StaffCategorySchema,
  StaffProductListSchema,
  StaffProductQuerySchema,
  VisibilitySchema,
} from "./catalog.admin.types.ts";
import {
  createCategory,
  deleteCategory,
  getCategoryForStaff,
  listCategoriesForStaff,
  updateCategory,
} from "./catalog.categories.ts";
import {
  deleteProducts,
  getProductDocument,
  type ProductDocument,
  saveProductDocument,
  setProductsStatus,
} from "./catalog.editor.ts";
import { imageUploadRoute } from "./catalog.images.routes.ts";
import { catalogCacheNamespace } from "./catalog.queries.ts";
import { updateProductDetails } from "./catalog.service.ts";
import { listProductsForStaff } from "./catalog.staff-list.ts";

/** What the staff catalog routes need from outside the catalog (implemented where orders are known). */
export interface CatalogPorts {
  /**
   * Of these products, the ones order lines reference (they are archived, never deleted). Reads
   * through `db`, the caller's transaction.
   */
  orderedProductIds(db: Db, productIds: string[]): Promise<Set<string>>;
}

const ProductPatchSchema = Type.Object(
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
 * What changed between two versions of a product, for the audit log: top-level fields, and per
 * variant (by SKU) the fields that differ; images and links as lists of ids.
 */
export function productChanges(before: ProductDocument | null, after: ProductDocument | null) {
  const flat = (doc: ProductDocument | null): Record<string, unknown> | null => {
    if (!doc) return null;
    const { variants, images, links, bundleOptions, groupedItems, ...rest } = doc;
    const out: Record<string, unknown> = {
      ...rest,
      images: images.map((i) => `${i.id}${i.alt ? ` (${i.alt})` : ""}`),
      links: Object.fromEntries(Object.entries(links).map(([k, refs]) => [k, refs.map((r) => r.sku)])),
      bundleOptions: bundleOptions.map((b) => ({
        ...b,
        items: b.items.map((i) => [i.sku, i.defaultQuantity]),
      })),
      groupedItems: groupedItems.map((i) => [i.sku, i.defaultQuantity]),
    };
    for (const v of variants) {
      const { availableQuantity: _a, stockStatus: _s, id: _id, ...fields } = v;
      for (const [k, value] of Object.entries(fields)) out[`variants.${v.sku}.${k}`] = value;
    }
    return out;
  };
  return changedFields(flat(before), flat(after), ["updatedAt", "version", "createdAt"]);
}

export function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/**
 * Staff catalog API under /api/admin: the product list, the product editor (create, read, save with
 * If-Match, delete or archive, bulk status), image uploads, and the category tree. Reads need
 * `catalog:read`, writes `catalog:write`; every write is audited with what changed. The search index
 * follows a write within seconds (outbox); this process's cached catalog answers at once.
 */
export function adminCatalogRoutes(ctx: AppContext, ports: CatalogPorts): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "catalog"];
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
        config: { permission: "catalog:read" },
        schema: {
          summary: "List products (staff)",
          description:
            "Every product whatever its status, filtered (name words or SKU start, status, type, category, stock) and " +
            "sorted, `limit` per page; pass `nextCursor` as `cursor` for the next page. Errors: 400 naming the field.",
          tags,
          querystring: StaffProductQuerySchema,
          response: { 200: StaffProductListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listProductsForStaff(ctx.db, request.query);
      },
    );

    app.post(
      "/products",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Create a product",
          description:
            "Any type: simple, configurable (options and one variant per combination), bundle, grouped, digital. " +
            "New variants get `initialStock` units at the default location. Amounts in minor units of `currency`. " +
            "201 with the product and its ETag. Errors: 400 naming the field (a SKU another product has, an unknown " +
            "category, attribute or image, two variants with the same option values).",
          tags,
          body: ProductDocumentInputSchema,
          response: { 201: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const product = await ctx.db.transaction(async (tx) => {
          const id = await saveProductDocument(tx, null, request.body);
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
        reply.status(201).header("location", `/api/admin/products/${product.id}`);
        return withEtag(reply, product);
      },
    );

    app.get(
      "/products/:id",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Get a product (staff)",
          description:
            "The whole product as the editor shows it; the `ETag` header (and `version`) name this version. " +
            "Errors: 404 PRODUCT_NOT_FOUND.",
          tags,
          params,
          response: { 200: ProductDocumentSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getProductDocument(ctx.db, request.params.id)),
    );

    app.put(
      "/products/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Save a product",
          description:
            "Replaces the whole product with the body (as POST /products takes it). Existing variants are named by " +
            "`id` (their SKU may change; their stock stays: change it with stock adjustments); variants left out are " +
            "removed. Send `If-Match` with the ETag you read: when someone saved in between, nothing is written and " +
            "the answer is 409 STALE_VERSION. Errors: 400 naming the field, 404 PRODUCT_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: ProductDocumentInputSchema,
          response: { 200: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const product = await ctx.db.transaction(async (tx) => {
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
        config: { permission: "catalog:write" },
        schema: {
          summary: "Edit a product's texts or status",
          description:
            "Changes the given fields only (name, descriptions as HTML, status, visibility, meta). The slug stays, so " +
            "links keep working. Honours `If-Match` like PUT. Errors: 400 naming the field, 404 PRODUCT_NOT_FOUND, " +
            "409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: ProductPatchSchema,
          response: { 200: ProductDocumentSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const product = await ctx.db.transaction(async (tx) => {
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
        config: { permission: "catalog:write" },
        schema: {
          summary: "Delete a product",
          description:
            "Deletes the product, unless orders (or another product's bundle or group) reference it: then it is " +
            "archived instead (hidden, kept for history), and `archived` is true. Errors: 404 PRODUCT_NOT_FOUND.",
          tags,
          params,
          response: { 200: Type.Object({ deleted: Type.Boolean(), archived: Type.Boolean() }), ...errors },
        },
      },
      async (request) => {
        const id = request.params.id;
        const result = await ctx.db.transaction(async (tx) => {
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
        config: { permission: "catalog:write" },
        schema: {
          summary: "Publish, unpublish, archive or delete many products",
          description:
            "One transaction for all of them. `delete` archives the products orders or bundles reference (listed in " +
            "`archived`). Unknown ids are listed in `notFound`. Errors: 400 naming the field.",
          tags,
          body: BulkProductActionSchema,
          response: { 200: BulkProductResultSchema, ...errors },
        },
      },
      async (request) => {
        const ids = [...new Set(request.body.productIds)];
        const { action } = request.body;
        const result = await ctx.db.transaction(async (tx) => {
          let changedIds: string[];
          let archived: string[] = [];
          if (action === "delete") {
            const outcome = await deleteProducts(tx, ids, await ports.orderedProductIds(tx, ids));
            changedIds = outcome.deleted;
            archived = outcome.archived;
          } else {
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
          return { changed: changedIds, archived, notFound: ids.filter((id) => !known.has(id)) };
        });
        changed();
        return result;
      },
    );

    await app.register(
      imageUploadRoute(ctx, {
        url: "/images",
        access: { permission: "catalog:write" },
        action: "catalog.image.upload",
        summary: "Upload a product or category image",
        use: "a product's `images` or a category's `imageId`",
        tags,
      }),
    );

    app.get(
      "/categories",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "The category tree (staff)",
          description:
            "Every category, active or not, parents before their children and siblings in order, with the number of " +
            "products linked to each.",
          tags,
          response: { 200: Type.Object({ items: Type.Array(StaffCategorySchema) }), ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await listCategoriesForStaff(ctx.db) };
      },
    );

    app.post(
      "/categories",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Create a category",
          description:
            "Under `parentId` (top level when null), last among its siblings unless `position` says otherwise; the URL " +
            "slug comes from the name when not given. Errors: 400 naming the field (a slug in use, an unknown parent).",
          tags,
          body: CategoryCreateSchema,
          response: { 201: StaffCategorySchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const category = await ctx.db.transaction(async (tx) => {
          const id = await createCategory(tx, request.body);
          const created = await getCategoryForStaff(tx, id);
          await recordStaffAction(tx, request, {
            action: "catalog.category.create",
            targetType: "category",
            targetId: id,
            metadata: { changes: changedFields(null, { ...created }) },
          });
          return created;
        });
        changed();
        reply.status(201);
        return withEtag(reply, category);
      },
    );

    app.patch(
      "/categories/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Edit, rename, move or reorder a category",
          description:
            "Changes the given fields: texts, slug, image, active / in menu, `parentId` (move; never under itself or its " +
            "own subcategories) and `position` among its siblings. Honours `If-Match`. Errors: 400 naming the field, " +
            "404 CATEGORY_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: CategoryPatchSchema,
          response: { 200: StaffCategorySchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const category = await ctx.db.transaction(async (tx) => {
          const before = await getCategoryForStaff(tx, request.params.id);
          await updateCategory(tx, request.params.id, request.body, expected);
          const after = await getCategoryForStaff(tx, request.params.id);
          await recordStaffAction(tx, request, {
            action: "catalog.category.update",
            targetType: "category",
            targetId: after.id,
            metadata: { changes: changedFields({ ...before }, { ...after }, ["version", "productCount"]) },
          });
          return after;
        });
        changed();
        return withEtag(reply, category);
      },
    );

    app.delete(
      "/categories/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Delete a category",
          description:
            "Only a category without subcategories; its products stay (they lose this category). Honours `If-Match`. " +
            "Errors: 404 CATEGORY_NOT_FOUND, 409 CATEGORY_HAS_CHILDREN or STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        await ctx.db.transaction(async (tx) => {
          const before = await getCategoryForStaff(tx, request.params.id);
          await deleteCategory(tx, request.params.id, expected);
          await recordStaffAction(tx, request, {
            action: "catalog.category.delete",
            targetType: "category",
            targetId: before.id,
            metadata: { name: before.name, slug: before.slug, products: before.productCount },
          });
        });
        changed();
        return reply.status(204).send(null);
      },
    );
  };
}
