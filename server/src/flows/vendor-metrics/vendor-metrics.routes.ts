import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { MetricsRange } from "../../modules/orders/index.ts";
import { getStoreSettings } from "../../modules/pricing/index.ts";
import { getVendor } from "../../modules/vendors/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { vendorScope } from "../../platform/vendor-scope.ts";
import { parseMetricsRange, type VendorMetrics, vendorMetricsOf, vendorRanking } from "./vendor-metrics.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Minor = (description: string) =>
  Type.Integer({ description: `${description}, minor units of currency` });
const Rate = (description: string) =>
  Nullable(
    Type.Number({
      minimum: 0,
      maximum: 1,
      description: `${description}; 0..1, four decimals; null when nothing to divide by`,
    }),
  );

const dateText = (what: string) =>
  Type.Optional(
    Type.String({
      maxLength: 40,
      description: `${what}, UTC: an ISO 8601 date (2017-01-31, midnight UTC) or date-time with offset. Default: unbounded (all time).`,
    }),
  );

const RangeQuery = {
  from: dateText("Start of the range (included)"),
  to: dateText("End of the range (excluded)"),
};

const CurrencySalesSchema = Type.Object({
  currency: Type.String({ description: "ISO 4217" }),
  orders: Type.Integer({ description: "Vendor orders in this currency that are not cancelled" }),
  sales: Minor("Σ total of those vendor orders (lines after discounts, with tax, and the shipping share)"),
  commission: Minor("Σ the platform's commission on them"),
  payable: Minor("Σ owed to the vendor (sales − commission)"),
  averageOrderValue: Minor("sales / orders, rounded half up"),
});

const VendorMetricsSchema = Type.Object(
  {
    vendorId: Type.String(),
    vendorName: Nullable(
      Type.String({ description: "Current name while active, else the name on its latest vendor order" }),
    ),
    from: Nullable(Type.String({ format: "date-time" })),
    to: Nullable(Type.String({ format: "date-time" })),
    orders: Type.Integer({
      description:
        "Vendor orders of placed and paid orders in the range (not pending_payment / payment_failed), cancelled ones included",
    }),
    cancelledOrders: Type.Integer({
      description: "Of those, vendor orders with fulfilment status cancelled",
    }),
    cancellationRate: Rate("cancelledOrders / orders"),
    unitsSold: Type.Integer({
      description:
        "Units of the vendor's lines (quantity − units cancelled before shipping) in vendor orders not cancelled",
    }),
    unitsReturned: Type.Integer({ description: "Units of those lines received back from returns" }),
    returnRate: Rate("unitsReturned / unitsSold"),
    shippedOrders: Type.Integer({
      description: "Vendor orders with a shipped parcel of the vendor (measured for fulfilment time)",
    }),
    averageFulfilmentHours: Nullable(
      Type.Number({
        description: "Mean hours from the order's placing to the vendor's first parcel shipped, one decimal",
      }),
    ),
    sales: Type.Array(CurrencySalesSchema, { description: "Per currency, vendor orders not cancelled" }),
    rating: Type.Object({
      average: Nullable(
        Type.Number({
          description: "Mean stars (1..5) of the approved reviews of the vendor's products, two decimals",
        }),
      ),
      count: Type.Integer({ description: "Approved reviews of the vendor's products (all time)" }),
    }),
  },
  { description: "A vendor's metrics over a range (definitions: the route's description)" },
);

const RankingEntrySchema = Type.Object({
  rank: Type.Integer({ minimum: 1, description: "1 = most sales in the currency (ties: vendor id)" }),
  salesInCurrency: Minor("The ranking key: the vendor's sales in the requested currency"),
  ...VendorMetricsSchema.properties,
});

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

const definitions =
  "Over vendor orders placed in [from, to) (UTC; default all time) whose order was placed and paid (status not " +
  "pending_payment or payment_failed). orders counts them, cancelled ones included; cancellationRate = vendor orders " +
  "with fulfilment status cancelled / orders. Money per currency over those not cancelled: sales = Σ vendor order " +
  "total (lines after discounts, with tax, plus the vendor's shipping share; refunds not subtracted), commission, " +
  "payable, averageOrderValue = sales / orders (half up). returnRate = units returned / units sold on the vendor's " +
  "lines. averageFulfilmentHours: placing to the vendor's first parcel shipped, over vendor orders with one. rating: " +
  "approved reviews of the vendor's products, all time.";

function metricsDto<T extends VendorMetrics>(
  m: T,
  range: MetricsRange,
): T & { from: string | null; to: string | null } {
  return { ...m, from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null };
}

/**
 * Staff's vendor metrics under /api/admin: `GET /vendors/ranking` (top vendors by sales in a
 * currency) and `GET /vendors/{id}/metrics`, both with `vendors:manage`. A flow: it composes the
 * orders module's figures with the reviews module's ratings (through the catalog's vendor products).
 */
export function adminVendorMetricsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/vendors/ranking",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Vendor ranking by sales",
          description: `The top \`limit\` vendors by sales in \`currency\` (default the shop's default currency), each with its metrics. Vendors without sales in that currency are not listed. ${definitions} Errors: 400 naming \`from\`, \`to\`, \`currency\` or \`limit\`.`,
          tags: ["admin"],
          querystring: Type.Object(
            {
              currency: Type.Optional(
                Type.String({
                  pattern: "^[A-Z]{3}$",
                  description: "ISO 4217; default the shop's default currency",
                }),
              ),
              ...RangeQuery,
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: "How many vendors" }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              currency: Type.String({ description: "ISO 4217: the currency ranked by" }),
              from: Nullable(Type.String({ format: "date-time" })),
              to: Nullable(Type.String({ format: "date-time" })),
              items: Type.Array(RankingEntrySchema),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const range = parseMetricsRange(request.query);
        const currency = request.query.currency ?? (await getStoreSettings(ctx.db)).defaultCurrency;
        const items = await vendorRanking(ctx.db, { ...range, currency, limit: request.query.limit });
        return {
          currency,
          from: range.from?.toISOString() ?? null,
          to: range.to?.toISOString() ?? null,
          items: items.map((i) => metricsDto(i, range)),
        };
      },
    );

    app.get(
      "/vendors/:id/metrics",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "A vendor's metrics",
          description: `${definitions} A vendor without orders answers zeros and nulls. Errors: 400 naming \`from\` or \`to\`, 404 VENDOR_NOT_FOUND.`,
          tags: ["admin"],
          params: Type.Object({ id: Type.String({ maxLength: 64, description: "Vendor id (ven_...)" }) }),
          querystring: Type.Object(RangeQuery, { additionalProperties: false }),
          response: { 200: VendorMetricsSchema, ...errors, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const range = parseMetricsRange(request.query);
        const vendor = await getVendor(ctx.db, request.params.id);
        return metricsDto(await vendorMetricsOf(ctx.db, vendor.id, range), range);
      },
    );
  };
}

/**
 * The vendor portal's metrics under /api/vendor: `GET /metrics`, the caller's vendor only (any
 * member; also while suspended).
 */
export function vendorMetricsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/metrics",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "My vendor metrics",
          description: `The caller's vendor's metrics. ${definitions} Errors: 400 naming \`from\` or \`to\`.`,
          tags: ["vendor"],
          querystring: Type.Object(RangeQuery, { additionalProperties: false }),
          response: { 200: VendorMetricsSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const range = parseMetricsRange(request.query);
        return metricsDto(await vendorMetricsOf(ctx.db, vendorScope(request).id, range), range);
      },
    );
  };
}
