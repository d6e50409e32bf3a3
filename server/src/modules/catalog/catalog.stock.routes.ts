import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { type SQL, sql } from "drizzle-orm";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { escapeLike } from "../../platform/keyset.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import { accountSummaries } from "../customers/index.ts";
import {
  adjustStock,
  createStockLocation,
  deleteStockLocation,
  getStockLocation,
  listStockAdjustments,
  listStockLevels,
  listStockLocations,
  locationFields,
  lowStockLevels,
  type StockAdjustmentView,
  type StockLevelRow,
  type StockLevelView,
  stockLevelsOfVariant,
  stockLevelView,
  transferStock,
  updateStockLevelSettings,
  updateStockLocation,
} from "../inventory/index.ts";
import { catalogCacheNamespace } from "./catalog.queries.ts";
import { products, variants } from "./catalog.schema.ts";
import {
  LedgerPageSchema,
  LedgerQuerySchema,
  LowStockSchema,
  StockAdjustmentBodySchema,
  StockAdjustmentResultSchema,
  StockLevelPageSchema,
  StockLevelQuerySchema,
  StockLevelSchema,
  StockLevelSettingsSchema,
  StockLocationCreateSchema,
  StockLocationListSchema,
  StockLocationPatchSchema,
  StockLocationSchema,
  StockTransferBodySchema,
  StockTransferResultSchema,
  VariantStockSchema,
} from "./catalog.stock.types.ts";

/** What staff read of a variant next to its stock. */
interface VariantLabel {
  sku: string;
  productName: string;
  variantTitle: string;
}

/** SKU, product name and variant title of variants (one indexed query; unknown ids are absent). */
async function variantLabels(db: Db, ids: string[]): Promise<Map<string, VariantLabel>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await queryRows<{ id: string; sku: string; title: string; name: string }>(
    db,
    sql`select v.id, v.sku, v.title, p.name from ${variants} v join ${products} p on p.id = v.product_id
      where v.id = any(${sql.param(unique)}::text[])`,
  );
  return new Map(rows.map((r) => [r.id, { sku: r.sku, productName: r.name, variantTitle: r.title }]));
}

/** The variant's label. @throws NotFoundError 404 VARIANT_NOT_FOUND */
async function variantLabel(db: Db, variantId: string): Promise<VariantLabel> {
  const label = (await variantLabels(db, [variantId])).get(variantId);
  if (!label) throw new NotFoundError("VARIANT_NOT_FOUND", `No variant "${variantId}".`);
  return label;
}

/** A subquery of the ids of variants whose SKU or product name contains `search` (any case). */
function variantsMatching(search: string): SQL {
  const pattern = `%${escapeLike(search)}%`;
  return sql`select v.id from ${variants} v join ${products} p on p.id = v.product_id
    where v.sku ilike ${pattern} or p.name ilike ${pattern}`;
}

const unknownVariant: VariantLabel = { sku: "", productName: "", variantTitle: "" };

function labelled<T extends { variantId: string }>(
  items: T[],
  labels: Map<string, VariantLabel>,
): (T & VariantLabel)[] {
  return items.map((item) => ({
    ...item,
    ...(labels.get(item.variantId) ?? { ...unknownVariant, sku: item.variantId }),
  }));
}

/** Ledger rows with SKU, product and the actor's name and e-mail. */
async function ledgerWithNames(db: Db, rows: StockAdjustmentView[]) {
  const actorIds = [...new Set(rows.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
  const [labels, people] = await Promise.all([
    variantLabels(
      db,
      rows.map((r) => r.variantId),
    ),
    accountSummaries(db, actorIds),
  ]);
  return labelled(rows, labels).map(({ actorId, ...row }) => {
    const person = actorId ? people.get(actorId) : undefined;
    return {
      ...row,
      actor: actorId
        ? person
          ? { id: actorId, name: person.name, email: person.email }
          : { id: actorId, name: actorId.startsWith("key_") ? "API key" : actorId, email: "" }
        : null,
    };
  });
}

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/** On hand before and after, for audit entries. */
const onHand = (level: { stockedQuantity: number } | null) =>
  level ? { stockedQuantity: level.stockedQuantity } : null;

const settingsOf = (level: StockLevelView | null) =>
  level
    ? {
        lowStockThreshold: level.lowStockThreshold,
        manageStock: level.manageStock,
        allowBackorder: level.allowBackorder,
      }
    : null;

/**
 * Inventory for staff under /api/admin: stock locations (versioned: ETag / If-Match, 409
 * STALE_VERSION), stock levels across the catalog and per variant, hand adjustments and transfers
 * between locations (each written to the stock ledger with who did it), the ledger itself, per-level
 * settings (low-stock threshold, counted, backorders) and the low-stock report. These routes live in
 * the catalog because they show SKUs and product names next to the inventory module's numbers. Reads
 * need `catalog:read`, writes `inventory:write`; every write is audited, and stock changes clear the
 * catalog's cached answers so the storefront shows them at once.
 */
export function adminInventoryRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "inventory"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const read = { permission: "catalog:read" } as const;
    const write = { permission: "inventory:write" } as const;
    const locationParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
    const stockChanged = () => ctx.cache.invalidate(catalogCacheNamespace);

    /** A level as the API shows it, with its variant's label (looked up when not given). */
    const levelOut = async (db: Db, level: StockLevelRow | StockLevelView, label?: VariantLabel) => {
      const full =
        "locationName" in level ? level : await stockLevelView(db, level.variantId, level.locationId);
      return { ...full!, ...(label ?? (await variantLabel(db, level.variantId))) };
    };

    app.get(
      "/inventory/low-stock",
      {
        config: read,
        schema: {
          summary: "Low stock",
          description:
            "Counted stock levels at active locations whose available units are at or below their threshold, emptiest first (at most `limit`).",
          tags,
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
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const levels = await lowStockLevels(ctx.db, request.query.limit);
        const labels = await variantLabels(
          ctx.db,
          levels.map((l) => l.variantId),
        );
        return { items: labelled(levels, labels) };
      },
    );

    // ---------------------------------------------------------------------------------------------
    // Stock locations

    app.get(
      "/inventory/locations",
      {
        config: read,
        schema: {
          summary: "List stock locations",
          description: "Every location, the default first, with the variants and units it holds.",
          tags,
          response: { 200: StockLocationListSchema, 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await listStockLocations(ctx.db) };
      },
    );

    app.get(
      "/inventory/locations/:id",
      {
        config: read,
        schema: {
          summary: "Get a stock location",
          description:
            "One location with its version as the ETag (send it back as If-Match to save). Errors: 404 LOCATION_NOT_FOUND.",
          tags,
          params: locationParams,
          response: { 200: StockLocationSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getStockLocation(ctx.db, request.params.id)),
    );

    app.post(
      "/inventory/locations",
      {
        config: write,
        schema: {
          summary: "Create a stock location",
          description:
            "A new place stock is kept. `isDefault` makes it the default (imports and restocks without a location go " +
            "there). Errors: 400 naming the field, 409 LOCATION_CODE_TAKEN (field `code`).",
          tags,
          body: StockLocationCreateSchema,
          response: { 201: StockLocationSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const location = await ctx.db.transaction(async (tx) => {
          const created = await createStockLocation(tx, request.body);
          await recordStaffAction(tx, request, {
            action: "inventory.location.create",
            targetType: "stock_location",
            targetId: created.location.id,
            metadata: {
              code: created.location.code,
              changes: changedFields(null, { ...locationFields(created.location) }),
              ...(created.previousDefault.length && {
                previousDefault: created.previousDefault.map((l) => l.id),
              }),
            },
          });
          return created.location;
        });
        reply.status(201);
        return withEtag(reply, location);
      },
    );

    app.patch(
      "/inventory/locations/:id",
      {
        config: write,
        schema: {
          summary: "Change a stock location",
          description:
            "Renames it, changes its code, (de)activates it or makes it the default. An inactive location keeps its " +
            "history and stock rows but sells nothing and takes no new stock. Send `If-Match` with the ETag you " +
            "read: when someone saved in between, nothing is written and the answer is 409 STALE_VERSION. Errors: " +
            "400 naming the field, 404 LOCATION_NOT_FOUND, 409 STALE_VERSION, LOCATION_CODE_TAKEN, DEFAULT_LOCATION " +
            "(the default must stay active).",
          tags,
          params: locationParams,
          headers: IfMatchHeaders,
          body: StockLocationPatchSchema,
          response: { 200: StockLocationSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const result = await ctx.db.transaction(async (tx) => {
          const saved = await updateStockLocation(tx, request.params.id, request.body, expected);
          const changes = changedFields(
            { ...locationFields(saved.before) },
            { ...locationFields(saved.after) },
          );
          await recordStaffAction(tx, request, {
            action: "inventory.location.update",
            targetType: "stock_location",
            targetId: saved.after.id,
            metadata: {
              code: saved.after.code,
              changes,
              ...(saved.previousDefault.length && {
                previousDefault: saved.previousDefault.map((l) => l.id),
              }),
            },
          });
          return { location: saved.after, activeChanged: "isActive" in changes };
        });
        if (result.activeChanged) stockChanged();
        return withEtag(reply, result.location);
      },
    );

    app.delete(
      "/inventory/locations/:id",
      {
        config: write,
        schema: {
          summary: "Delete a stock location",
          description:
            "Only a location that never held stock can go: one with stock on hand, reservations or ledger history is " +
            "kept (deactivate it instead). Honours `If-Match`. Errors: 404 LOCATION_NOT_FOUND, 409 STALE_VERSION, " +
            "DEFAULT_LOCATION, LOCATION_HAS_STOCK, LOCATION_HAS_HISTORY.",
          tags,
          params: locationParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        await ctx.db.transaction(async (tx) => {
          const deleted = await deleteStockLocation(tx, request.params.id, expected);
          await recordStaffAction(tx, request, {
            action: "inventory.location.delete",
            targetType: "stock_location",
            targetId: deleted.id,
            metadata: { code: deleted.code, changes: changedFields({ ...locationFields(deleted) }, null) },
          });
        });
        return reply.status(204).send(null);
      },
    );

    // ---------------------------------------------------------------------------------------------
    // Stock levels

    app.get(
      "/inventory/levels",
      {
        config: read,
        schema: {
          summary: "List stock levels",
          description:
            "Every variant's stock at every location, with SKU and product, `limit` per page in a stable order; pass " +
            "`nextCursor` as `cursor` for the next page. Filters: location, SKU or product name (contains), low or " +
            "out of stock. Errors: 400 naming the field.",
          tags,
          querystring: StockLevelQuerySchema,
          response: { 200: StockLevelPageSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const q = request.query;
        const page = await listStockLevels(ctx.db, {
          locationId: q.locationId,
          status: q.status,
          variants: q.search?.trim() ? variantsMatching(q.search.trim()) : undefined,
          cursor: q.cursor,
          limit: q.limit,
        });
        const labels = await variantLabels(
          ctx.db,
          page.items.map((l) => l.variantId),
        );
        return { ...page, items: labelled(page.items, labels) };
      },
    );

    app.get(
      "/inventory/variants/:variantId/levels",
      {
        config: read,
        schema: {
          summary: "A variant's stock",
          description:
            "The variant's level at every location that has one, the default first. Errors: 404 VARIANT_NOT_FOUND.",
          tags,
          params: Type.Object({ variantId: Type.String({ minLength: 1, maxLength: 64 }) }),
          response: { 200: VariantStockSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const { variantId } = request.params;
        const label = await variantLabel(ctx.db, variantId);
        const levels = await stockLevelsOfVariant(ctx.db, variantId);
        return { variantId, ...label, items: levels.map((l) => ({ ...l, ...label })) };
      },
    );

    app.patch(
      "/inventory/levels/:variantId/:locationId",
      {
        config: write,
        schema: {
          summary: "Change a stock level's settings",
          description:
            "The low-stock threshold (available units at or below which it counts as low and staff are told), whether " +
            "the variant is counted here, and whether backorders are taken. Creates the level (nothing on hand) when " +
            "the variant has none at the location. Errors: 400 naming the field, 404 VARIANT_NOT_FOUND or " +
            "LOCATION_NOT_FOUND.",
          tags,
          params: Type.Object({
            variantId: Type.String({ minLength: 1, maxLength: 64 }),
            locationId: Type.String({ minLength: 1, maxLength: 64 }),
          }),
          body: StockLevelSettingsSchema,
          response: { 200: StockLevelSchema, ...writeErrors },
        },
      },
      async (request) => {
        const { variantId, locationId } = request.params;
        const level = await ctx.db.transaction(async (tx) => {
          const label = await variantLabel(tx, variantId);
          const saved = await updateStockLevelSettings(tx, variantId, locationId, request.body);
          await recordStaffAction(tx, request, {
            action: "inventory.level.update",
            targetType: "variant",
            targetId: variantId,
            metadata: {
              sku: label.sku,
              locationId,
              changes: changedFields(settingsOf(saved.before), settingsOf(saved.after)),
            },
          });
          return { ...saved.after, ...label };
        });
        stockChanged();
        return level;
      },
    );

    // ---------------------------------------------------------------------------------------------
    // Adjustments, transfers and the ledger

    app.post(
      "/inventory/adjustments",
      {
        config: write,
        schema: {
          summary: "Adjust stock",
          description:
            "Changes the units on hand of a variant at a location, by `delta` or to a counted `newQuantity` (exactly " +
            "one), for a reason: received/returned add units, damaged/lost remove them, correction either way. " +
            "Concurrent adjustments queue on the level (none is lost). Writes a ledger row with who did it; taking " +
            "the level to or below its threshold raises `stock.low` (staff are e-mailed). Errors: 400 naming the " +
            "field, 404 VARIANT_NOT_FOUND or LOCATION_NOT_FOUND, 409 STOCK_BELOW_ZERO, STOCK_BELOW_RESERVED (units " +
            "held for unshipped orders), LOCATION_INACTIVE.",
          tags,
          body: StockAdjustmentBodySchema,
          response: { 201: StockAdjustmentResultSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await ctx.db.transaction(async (tx) => {
          const label = await variantLabel(tx, body.variantId);
          const { level, adjustment } = await adjustStock(tx, body, request.staff?.userId ?? null);
          await recordStaffAction(tx, request, {
            action: "inventory.stock.adjust",
            targetType: "variant",
            targetId: body.variantId,
            metadata: {
              sku: label.sku,
              locationId: body.locationId,
              reason: body.reason,
              delta: adjustment.delta,
              note: adjustment.note,
              adjustmentId: adjustment.id,
              changes: changedFields(onHand({ stockedQuantity: adjustment.before }), onHand(level)),
            },
          });
          const [row] = await ledgerWithNames(tx, [adjustment]);
          return { level: await levelOut(tx, level, label), adjustment: row! };
        });
        stockChanged();
        reply.status(201);
        return result;
      },
    );

    app.post(
      "/inventory/transfers",
      {
        config: write,
        schema: {
          summary: "Move stock between locations",
          description:
            "Moves `quantity` units of a variant from one location to another in one transaction: two ledger rows " +
            "(transfer_out, transfer_in) with one `transferId`. Only available units move (on hand minus reserved). " +
            "Errors: 400 naming the field, 404 VARIANT_NOT_FOUND or LOCATION_NOT_FOUND, 409 INSUFFICIENT_STOCK " +
            "(field `quantity`), LOCATION_INACTIVE (field `toLocationId`).",
          tags,
          body: StockTransferBodySchema,
          response: { 201: StockTransferResultSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await ctx.db.transaction(async (tx) => {
          const label = await variantLabel(tx, body.variantId);
          const moved = await transferStock(tx, body, request.staff?.userId ?? null);
          await recordStaffAction(tx, request, {
            action: "inventory.stock.transfer",
            targetType: "variant",
            targetId: body.variantId,
            metadata: {
              sku: label.sku,
              transferId: moved.transferId,
              fromLocationId: body.fromLocationId,
              toLocationId: body.toLocationId,
              quantity: body.quantity,
              note: body.note ?? "",
              changes: {
                [`${body.fromLocationId}.stockedQuantity`]: {
                  before: moved.adjustments[0]!.before,
                  after: moved.adjustments[0]!.after,
                },
                [`${body.toLocationId}.stockedQuantity`]: {
                  before: moved.adjustments[1]!.before,
                  after: moved.adjustments[1]!.after,
                },
              },
            },
          });
          return {
            transferId: moved.transferId,
            from: await levelOut(tx, moved.from, label),
            to: await levelOut(tx, moved.to, label),
            adjustments: await ledgerWithNames(tx, moved.adjustments),
          };
        });
        stockChanged();
        reply.status(201);
        return result;
      },
    );

    app.get(
      "/inventory/adjustments",
      {
        config: read,
        schema: {
          summary: "The stock ledger",
          description:
            "Every change of units on hand, newest first: staff adjustments and transfers (with who made them), sales, " +
            "restocks and imports (the system: `actor` null). Filters: variant, location, reason, transfer. `limit` " +
            "per page; pass `nextCursor` as `cursor` for the next page. Errors: 400 naming the field.",
          tags,
          querystring: LedgerQuerySchema,
          response: { 200: LedgerPageSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const page = await listStockAdjustments(ctx.db, request.query);
        return { ...page, items: await ledgerWithNames(ctx.db, page.items) };
      },
    );
  };
}
