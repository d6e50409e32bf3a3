import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import { getStoreSettingsForStaff, saveStoreSettings } from "./settings.store.ts";
import {
  createTaxRate,
  deleteTaxRate,
  getTaxRateForStaff,
  listTaxRatesForStaff,
  type TaxRateFields,
  taxClassesInUse,
  updateTaxRate,
} from "./settings.tax.ts";
import {
  StaffTaxRateSchema,
  StoreSettingsInputSchema,
  StoreSettingsSchema,
  TaxClassSchema,
  TaxRateInputSchema,
} from "./settings.types.ts";

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/** The body of a tax rate write as the service takes it (optional fields filled in). */
function taxRateFields(body: {
  code: string;
  name: string;
  countryCode: string;
  region?: string | null;
  postcodePattern?: string | null;
  rateBasisPoints: number;
  taxClass?: string;
}): TaxRateFields {
  return {
    code: body.code,
    name: body.name,
    countryCode: body.countryCode,
    region: body.region ?? null,
    postcodePattern: body.postcodePattern ?? null,
    rateBasisPoints: body.rateBasisPoints,
    taxClass: body.taxClass ?? "standard",
  };
}

/**
 * Staff API for the store settings and tax rates under /api/admin (permission `settings:write`, reads
 * too): store details, currencies and locales, tax display, checkout options, order number prefix and
 * stock reservation time; tax rates (create, read, replace, delete) and the tax classes in use. Writes
 * take `If-Match` (409 STALE_VERSION when stale), are audited with what changed, and reach new carts at
 * once (the shop cache is invalidated after the commit).
 */
export function adminSettingsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "settings"];
    const permission = "settings:write";
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });

    app.get(
      "/settings/store",
      {
        config: { permission },
        schema: {
          summary: "The store settings",
          description:
            "Store details (name, sender e-mail, phone, address, logo), currencies and locales, whether prices " +
            "include tax and the shipping tax class, checkout options (guest checkout, phone required), the " +
            "order number prefix, the stock reservation time and the cart lifetime. The `ETag` header (and " +
            "`version`) name this version.",
          tags,
          response: { 200: StoreSettingsSchema, ...errors },
        },
      },
      async (_request, reply) => withEtag(reply, await getStoreSettingsForStaff(ctx.db)),
    );

    app.put(
      "/settings/store",
      {
        config: { permission },
        schema: {
          summary: "Change the store settings",
          description:
            "Saves the given fields; fields left out keep their value. Currencies are ISO 4217 codes (the default " +
            "one among them; it is moved first), locales BCP 47 tags (stored canonical: en-us -> en-US), the sender " +
            "e-mail an address or empty, `reservationMinutes` 5..1440, `orderNumberPrefix` up to 10 of A-Z, 0-9 and " +
            "-. New carts and checkouts use the settings at once. Send `If-Match` with the ETag you read. Errors: 400 " +
            "naming the field, 409 STALE_VERSION.",
          tags,
          headers: IfMatchHeaders,
          body: StoreSettingsInputSchema,
          response: { 200: StoreSettingsSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const settings = await ctx.db.transaction(async (tx) => {
          const { before, after } = await saveStoreSettings(tx, request.body, expected);
          await recordStaffAction(tx, request, {
            action: "settings.store.update",
            targetType: "store_settings",
            targetId: "default",
            metadata: {
              changes: changedFields({ ...before }, { ...after }, ["version", "updatedAt", "logoUrl"]),
            },
          });
          return after;
        });
        invalidateShopCache("settings");
        return withEtag(reply, settings);
      },
    );

    app.get(
      "/settings/tax-rates",
      {
        config: { permission },
        schema: {
          summary: "List tax rates",
          description:
            "Every tax rate (or those of `countryCode`), by country, region, class and code. A rate applies to " +
            "products of its tax class shipped to its country (and region and postcodes, when given); rates of " +
            "one class that match an address add up.",
          tags,
          querystring: Type.Object(
            { countryCode: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(StaffTaxRateSchema) }), ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await listTaxRatesForStaff(ctx.db, request.query.countryCode) };
      },
    );

    app.get(
      "/settings/tax-classes",
      {
        config: { permission },
        schema: {
          summary: "Tax classes in use",
          description:
            'The tax classes the tax rates apply to, the shipping tax class, and "standard" (the default class of ' +
            "products), with how many rates each has.",
          tags,
          response: { 200: Type.Object({ items: Type.Array(TaxClassSchema) }), ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await taxClassesInUse(ctx.db) };
      },
    );

    app.post(
      "/settings/tax-rates",
      {
        config: { permission },
        schema: {
          summary: "Create a tax rate",
          description:
            "A rate in basis points (600 = 6 %) for one tax class in a country, optionally narrowed to a region and " +
            'postcodes ("48*", "48000-48999", exact codes, comma-separated). New carts use it at once. 201 with the ' +
            "rate and its ETag. Errors: 400 naming the field (a code another rate has, a country that is not ISO " +
            "3166-1 alpha-2, a postcode pattern that does not parse).",
          tags,
          body: TaxRateInputSchema,
          response: { 201: StaffTaxRateSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const rate = await ctx.db.transaction(async (tx) => {
          const created = await createTaxRate(tx, taxRateFields(request.body));
          await recordStaffAction(tx, request, {
            action: "settings.tax_rate.create",
            targetType: "tax_rate",
            targetId: created.id,
            metadata: {
              code: created.code,
              changes: changedFields(null, { ...created }, ["version", "createdAt", "id"]),
            },
          });
          return created;
        });
        invalidateShopCache("tax_rates");
        reply.status(201).header("location", `/api/admin/settings/tax-rates/${rate.id}`);
        return withEtag(reply, rate);
      },
    );

    app.get(
      "/settings/tax-rates/:id",
      {
        config: { permission },
        schema: {
          summary: "Get a tax rate",
          description: "With its ETag. Errors: 404 TAX_RATE_NOT_FOUND.",
          tags,
          params,
          response: { 200: StaffTaxRateSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getTaxRateForStaff(ctx.db, request.params.id)),
    );

    app.put(
      "/settings/tax-rates/:id",
      {
        config: { permission },
        schema: {
          summary: "Replace a tax rate",
          description:
            "Replaces every field with the body (as POST takes it). New carts use it at once. Send `If-Match` with " +
            "the ETag you read. Errors: 400 naming the field, 404 TAX_RATE_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: TaxRateInputSchema,
          response: { 200: StaffTaxRateSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const rate = await ctx.db.transaction(async (tx) => {
          const { before, after } = await updateTaxRate(
            tx,
            request.params.id,
            taxRateFields(request.body),
            expected,
          );
          await recordStaffAction(tx, request, {
            action: "settings.tax_rate.update",
            targetType: "tax_rate",
            targetId: after.id,
            metadata: { code: after.code, changes: changedFields({ ...before }, { ...after }) },
          });
          return after;
        });
        invalidateShopCache("tax_rates");
        return withEtag(reply, rate);
      },
    );

    app.delete(
      "/settings/tax-rates/:id",
      {
        config: { permission },
        schema: {
          summary: "Delete a tax rate",
          description:
            "New carts stop using it at once (orders keep the taxes they were placed with). Honours `If-Match`. " +
            "Errors: 404 TAX_RATE_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        await ctx.db.transaction(async (tx) => {
          const deleted = await deleteTaxRate(tx, request.params.id, expected);
          await recordStaffAction(tx, request, {
            action: "settings.tax_rate.delete",
            targetType: "tax_rate",
            targetId: deleted.id,
            metadata: {
              code: deleted.code,
              changes: changedFields({ ...deleted }, null, ["version", "createdAt", "id"]),
            },
          });
        });
        invalidateShopCache("tax_rates");
        return reply.status(204).send(null);
      },
    );
  };
}
