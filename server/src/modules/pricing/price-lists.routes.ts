import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type AuditedRequest, changedFields, recordStaffAction } from "../audit/index.ts";
import { listVariantsBySku, variantIdsBySku } from "../catalog/index.ts";
import {
  checkCurrency,
  createPriceList,
  findPriceList,
  listPriceLists,
  priceListPricesOf,
  setPriceListPrices,
  upsertPriceList,
} from "./price-lists.ts";
import { PriceListRowSchema, PriceListSchema } from "./price-lists.types.ts";
import { getStoreSettings } from "./pricing.service.ts";

const dto = (l: Awaited<ReturnType<typeof listPriceLists>>[number]) => ({
  ...l,
  updatedAt: l.updatedAt.toISOString(),
});

/**
 * Price lists for staff under /api/admin: explicit variant prices (minor units; never converted by
 * exchange rate) per currency, for everyone (one general list per extra currency) or for a customer
 * group's members (one list per currency and group; the shop's default currency too). The list routes
 * address a currency's general list, or a group's with `?customerGroupId=`. Reading needs
 * catalog:read, changes catalog:write; changes are audited.
 */
export function adminPriceListRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const tags = ["admin", "pricing"];
    const Currency = Type.Object({ currency: Type.String({ minLength: 3, maxLength: 3 }) });
    const GroupId = Type.String({
      minLength: 1,
      maxLength: 64,
      description: "A customer group's id: that group's list of the currency (absent: the general list)",
    });
    const GroupQuery = Type.Object(
      { customerGroupId: Type.Optional(GroupId) },
      { additionalProperties: false },
    );
    const ListBody = {
      name: Type.String({ minLength: 1, maxLength: 100 }),
      customerGroupId: Type.Optional(
        Type.Union([Type.Null(), GroupId], {
          description:
            "The customer group whose signed-in members get these prices; null or absent: everyone (the " +
            "currency's general list). An unknown group is a 400 naming `customerGroupId`",
        }),
      ),
      isActive: Type.Optional(Type.Boolean()),
    };
    /** The list `currency` + `customerGroupId` names. @throws NotFoundError PRICE_LIST_NOT_FOUND */
    const listOf = async (currency: string, customerGroupId: string | undefined) => {
      const list = await findPriceList(ctx.db, currency, customerGroupId ?? null);
      if (!list) {
        throw new NotFoundError(
          "PRICE_LIST_NOT_FOUND",
          customerGroupId
            ? `There is no ${checkCurrency(currency)} price list for customer group ${customerGroupId}.`
            : `There is no price list for ${checkCurrency(currency)}.`,
        );
      }
      return list;
    };
    const audit = (
      request: AuditedRequest,
      action: string,
      currency: string,
      metadata: Record<string, unknown> = {},
    ) =>
      recordStaffAction(ctx.db, request, { action, targetType: "price_list", targetId: currency, metadata });

    app.get(
      "/price-lists",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Price lists",
          tags,
          response: { 200: Type.Object({ items: Type.Array(PriceListSchema) }), ...errors },
        },
      },
      async () => ({ items: (await listPriceLists(ctx.db)).map(dto) }),
    );

    app.post(
      "/price-lists",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Create a price list",
          description: [
            "A currency's general list (no `customerGroupId`: an active one makes the currency one shoppers can pay",
            "in) or a customer group's list (its signed-in members pay the lowest of their groups' prices and the",
            "general price; allowed in the shop's default currency too). Errors: 400 naming `currency` (not ISO",
            "4217, or the default currency for a general list), `name` or `customerGroupId` (unknown group); 409",
            "PRICE_LIST_EXISTS when that currency already has a list for that group (or a general one).",
          ].join(" "),
          tags,
          body: Type.Object(
            {
              currency: Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217 code" }),
              ...ListBody,
            },
            { additionalProperties: false },
          ),
          response: { 201: PriceListSchema, ...errors, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        const settings = await getStoreSettings(ctx.db);
        const list = await createPriceList(ctx.db, request.body, settings.defaultCurrency);
        await audit(request, "price_list.create", list.currency, {
          id: list.id,
          name: list.name,
          customerGroupId: list.customerGroupId,
          isActive: list.isActive,
        });
        return reply.status(201).send(dto(list));
      },
    );

    app.put(
      "/price-lists/:currency",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Create or update the price list of a currency",
          description:
            "The currency's general list, or with `customerGroupId` that group's list of the currency. An active general list makes its currency one shoppers can pay in. 400 naming `currency` for a code that is not ISO 4217 or is the shop's default currency (for a general list), or `customerGroupId` for an unknown group.",
          tags,
          params: Currency,
          body: Type.Object(ListBody, { additionalProperties: false }),
          response: { 200: PriceListSchema, ...errors },
        },
      },
      async (request) => {
        const settings = await getStoreSettings(ctx.db);
        const before = await findPriceList(
          ctx.db,
          request.params.currency,
          request.body.customerGroupId?.trim() || null,
        );
        const list = await upsertPriceList(
          ctx.db,
          { currency: request.params.currency, ...request.body },
          settings.defaultCurrency,
        );
        const fields = (l: typeof list | null) =>
          l && { name: l.name, customerGroupId: l.customerGroupId, isActive: l.isActive };
        await audit(request, "price_list.upsert", list.currency, {
          ...request.body,
          id: list.id,
          changes: changedFields(fields(before), fields(list)),
        });
        return dto(list);
      },
    );

    app.put(
      "/price-lists/:currency/prices",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Set or remove variant prices in a price list",
          description: [
            "Prices by variant SKU in whole minor units of the list's currency (1999 = 19.99 EUR), in the currency's",
            "general list or, with `?customerGroupId=`, that group's list; `amount: null`",
            "removes the price (the variant is then not for sale in that currency). All or nothing: 400 naming",
            "`prices.<i>.sku` for an unknown SKU or `prices.<i>.amount` for a bad amount, and nothing changes.",
          ].join(" "),
          tags,
          params: Currency,
          querystring: GroupQuery,
          body: Type.Object(
            {
              prices: Type.Array(
                Type.Object(
                  {
                    sku: Type.String({ minLength: 1, maxLength: 100 }),
                    amount: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 1e12 })], {
                      description:
                        "Minor units; null removes the price (null first: the validator coerces types)",
                    }),
                  },
                  { additionalProperties: false },
                ),
                { minItems: 1, maxItems: 5000 },
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ set: Type.Integer(), removed: Type.Integer() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const currency = checkCurrency(request.params.currency);
        const groupId = request.query.customerGroupId ?? null;
        if (groupId) await listOf(currency, groupId);
        const { prices } = request.body;
        const ids = await variantIdsBySku(
          ctx.db,
          prices.map((p) => p.sku),
        );
        const unknown = prices.flatMap((p, i) =>
          ids.has(p.sku) ? [] : [{ field: `prices.${i}.sku`, message: `no variant has SKU "${p.sku}"` }],
        );
        if (unknown.length) throw new ValidationError(unknown);
        const result = await setPriceListPrices(
          ctx.db,
          currency,
          prices.map((p) => ({ variantId: ids.get(p.sku)!, amount: p.amount })),
          groupId,
        );
        await audit(request, "price_list.prices", currency, { ...result, customerGroupId: groupId });
        return result;
      },
    );

    app.get(
      "/price-lists/:currency/prices",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Variant prices of a price list",
          description: [
            "Every variant in SKU order with its regular price (store currency) and its price in this list, or",
            "null when it has none (not for sale in that currency; for a group's list: the general price applies).",
            "`customerGroupId` reads that group's list of the currency. `search` matches SKU or product name;",
            "`cursor` is the previous page's `nextCursor`. 404 PRICE_LIST_NOT_FOUND when there is no such list.",
          ].join(" "),
          tags,
          params: Currency,
          querystring: Type.Object(
            {
              search: Type.Optional(Type.String({ maxLength: 100 })),
              customerGroupId: Type.Optional(GroupId),
              cursor: Type.Optional(Type.String({ maxLength: 100 })),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              currency: Type.String(),
              items: Type.Array(PriceListRowSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const currency = checkCurrency(request.params.currency);
        const { search, cursor, limit, customerGroupId } = request.query;
        await listOf(currency, customerGroupId);
        const page = await listVariantsBySku(ctx.db, {
          ...(search?.trim() && { search: search.trim() }),
          ...(cursor && { after: cursor }),
          limit,
        });
        const prices = await priceListPricesOf(
          ctx.db,
          currency,
          page.items.map((v) => v.variantId),
          { includeInactive: true, customerGroupId: customerGroupId ?? null },
        );
        return {
          currency,
          items: page.items.map((v) => ({
            sku: v.sku,
            productName: v.productName,
            variantTitle: v.variantTitle,
            regularPrice: { amount: v.priceAmount, currency: v.currency },
            price: prices.get(v.variantId) ?? null,
          })),
          nextCursor: page.nextCursor,
        };
      },
    );
  };
}
