import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type AuditedRequest, recordStaffAction } from "../audit/index.ts";
import { listVariantsBySku, variantIdsBySku } from "../catalog/index.ts";
import {
  checkCurrency,
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
 * Price lists for staff under /api/admin: one list per extra currency with explicit variant prices
 * (minor units; never converted by exchange rate). Reading needs catalog:read, changes catalog:write;
 * changes are audited.
 */
export function adminPriceListRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const tags = ["admin", "pricing"];
    const Currency = Type.Object({ currency: Type.String({ minLength: 3, maxLength: 3 }) });
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

    app.put(
      "/price-lists/:currency",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Create or update the price list of a currency",
          description:
            "An active list makes its currency one shoppers can pay in. 400 naming `currency` for a code that is not ISO 4217 or is the shop's default currency.",
          tags,
          params: Currency,
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              isActive: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: PriceListSchema, ...errors },
        },
      },
      async (request) => {
        const settings = await getStoreSettings(ctx.db);
        const list = await upsertPriceList(
          ctx.db,
          { currency: request.params.currency, ...request.body },
          settings.defaultCurrency,
        );
        await audit(request, "price_list.upsert", list.currency, request.body);
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
            "Prices by variant SKU in whole minor units of the list's currency (1999 = 19.99 EUR); `amount: null`",
            "removes the price (the variant is then not for sale in that currency). All or nothing: 400 naming",
            "`prices.<i>.sku` for an unknown SKU or `prices.<i>.amount` for a bad amount, and nothing changes.",
          ].join(" "),
          tags,
          params: Currency,
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
        );
        await audit(request, "price_list.prices", currency, result);
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
            "null when it has none (not for sale in that currency). `search` matches SKU or product name;",
            "`cursor` is the previous page's `nextCursor`. 404 PRICE_LIST_NOT_FOUND when the currency has no list.",
          ].join(" "),
          tags,
          params: Currency,
          querystring: Type.Object(
            {
              search: Type.Optional(Type.String({ maxLength: 100 })),
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
        if (!(await listPriceLists(ctx.db)).some((l) => l.currency === currency)) {
          throw new NotFoundError("PRICE_LIST_NOT_FOUND", `There is no price list for ${currency}.`);
        }
        const { search, cursor, limit } = request.query;
        const page = await listVariantsBySku(ctx.db, {
          ...(search?.trim() && { search: search.trim() }),
          ...(cursor && { after: cursor }),
          limit,
        });
        const prices = await priceListPricesOf(
          ctx.db,
          currency,
          page.items.map((v) => v.variantId),
          { includeInactive: true },
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
