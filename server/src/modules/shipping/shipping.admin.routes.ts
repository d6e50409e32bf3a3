import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import {
  createShippingZone,
  deleteShippingZone,
  getShippingZoneForStaff,
  listShippingZonesForStaff,
  updateShippingZone,
  zoneAuditView,
} from "./shipping.admin.ts";
import { ShippingZoneInputSchema, StaffShippingZoneSchema } from "./shipping.admin.types.ts";

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/**
 * Staff API for shipping zones and their methods under /api/admin (permission `settings:write`, reads
 * too): a zone is saved whole with its methods (flat rate, table rate with its rows, pickup, carrier),
 * with `If-Match` (409 STALE_VERSION when stale). Writes are audited with what changed and reach new
 * carts at once (the shop cache is invalidated after the commit).
 */
export function adminShippingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "settings"];
    const permission = "settings:write";
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const changed = () => invalidateShopCache("shipping_methods");

    app.get(
      "/settings/shipping-zones",
      {
        config: { permission },
        schema: {
          summary: "List shipping zones with their methods",
          description:
            "Every zone in order (countries, regions) with its methods and their prices: amounts in minor units " +
            "of each method's currency; table rates with their rows sorted by destination and threshold.",
          tags,
          response: { 200: Type.Object({ items: Type.Array(StaffShippingZoneSchema) }), ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await listShippingZonesForStaff(ctx.db) };
      },
    );

    app.post(
      "/settings/shipping-zones",
      {
        config: { permission },
        schema: {
          summary: "Create a shipping zone with its methods",
          description:
            'Countries are ISO 3166-1 alpha-2 codes (or "*" alone for every country), regions narrow them. Each ' +
            "method is checked by its type: a flat rate needs `amount`; a table rate rows of whole, non-negative " +
            "`from` and `amount` (sorted on save, no two for the same destination and threshold); a pickup an " +
            "address; a carrier its strategy id. New carts offer it at once. 201 with the zone and its ETag. Errors: " +
            "400 naming the field (`methods.0.tableRates.2.amount`), e.g. a zone name or method code in use.",
          tags,
          body: ShippingZoneInputSchema,
          response: { 201: StaffShippingZoneSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const zone = await ctx.db.transaction(async (tx) => {
          const created = await createShippingZone(tx, request.body);
          await recordStaffAction(tx, request, {
            action: "settings.shipping_zone.create",
            targetType: "shipping_zone",
            targetId: created.id,
            metadata: { name: created.name, changes: changedFields(null, zoneAuditView(created)) },
          });
          return created;
        });
        changed();
        reply.status(201).header("location", `/api/admin/settings/shipping-zones/${zone.id}`);
        return withEtag(reply, zone);
      },
    );

    app.get(
      "/settings/shipping-zones/:id",
      {
        config: { permission },
        schema: {
          summary: "Get a shipping zone with its methods",
          description: "With its ETag. Errors: 404 SHIPPING_ZONE_NOT_FOUND.",
          tags,
          params,
          response: { 200: StaffShippingZoneSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getShippingZoneForStaff(ctx.db, request.params.id)),
    );

    app.put(
      "/settings/shipping-zones/:id",
      {
        config: { permission },
        schema: {
          summary: "Replace a shipping zone and its methods",
          description:
            "Replaces the zone and all its methods with the body: methods named by `id` are updated, those without " +
            "one created, those left out deleted (carts that chose one choose again; orders keep their copy). New " +
            "carts see the change at once. Send `If-Match` with the ETag you read. Errors: 400 naming the field, 404 " +
            "SHIPPING_ZONE_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: ShippingZoneInputSchema,
          response: { 200: StaffShippingZoneSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const zone = await ctx.db.transaction(async (tx) => {
          const { before, after } = await updateShippingZone(tx, request.params.id, request.body, expected);
          await recordStaffAction(tx, request, {
            action: "settings.shipping_zone.update",
            targetType: "shipping_zone",
            targetId: after.id,
            metadata: {
              name: after.name,
              changes: changedFields(zoneAuditView(before), zoneAuditView(after)),
            },
          });
          return after;
        });
        changed();
        return withEtag(reply, zone);
      },
    );

    app.delete(
      "/settings/shipping-zones/:id",
      {
        config: { permission },
        schema: {
          summary: "Delete a shipping zone and its methods",
          description:
            "New carts stop offering its methods at once. Honours `If-Match`. Errors: 404 SHIPPING_ZONE_NOT_FOUND, " +
            "409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        await ctx.db.transaction(async (tx) => {
          const deleted = await deleteShippingZone(tx, request.params.id, expected);
          await recordStaffAction(tx, request, {
            action: "settings.shipping_zone.delete",
            targetType: "shipping_zone",
            targetId: deleted.id,
            metadata: { name: deleted.name, methods: deleted.methods.map((m) => m.code) },
          });
        });
        changed();
        return reply.status(204).send(null);
      },
    );
  };
}
