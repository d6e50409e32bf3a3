import { productIdsOfVendors } from "../../modules/catalog/index.ts";
import {
  type MetricsRange,
  type VendorOrderFigures,
  vendorOrderFigures,
  vendorSalesRanking,
} from "../../modules/orders/index.ts";
import { ratingTotalsOfGroups } from "../../modules/reviews/index.ts";
import { activeVendorNames } from "../../modules/vendors/index.ts";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";

/** A vendor's rating: its products' approved reviews (all time, whatever the range). */
export interface VendorRating {
  /** Mean stars (1..5) of the approved reviews, rounded half up to two decimals; null without reviews. */
  average: number | null;
  count: number;
}

/** A vendor's metrics: the orders module's figures and the reviews module's rating. */
export interface VendorMetrics extends VendorOrderFigures {
  rating: VendorRating;
}

/**
 * Metrics of each vendor over `range` (definitions: orders/orders.vendor-metrics.ts), with its rating
 * from the approved reviews of the products it sells now (reviews module, all time). The name is the
 * vendor's current one while it is active, else the one on its latest vendor order. Four queries
 * whatever the number of vendors.
 */
export async function vendorMetrics(
  db: Db,
  vendorIds: string[],
  range: MetricsRange = {},
): Promise<Map<string, VendorMetrics>> {
  const [figures, products, names] = await Promise.all([
    vendorOrderFigures(db, vendorIds, range),
    productIdsOfVendors(db, vendorIds),
    activeVendorNames(db, vendorIds),
  ]);
  const ratings = await ratingTotalsOfGroups(
    db,
    new Map(vendorIds.map((id) => [id, products.get(id) ?? []])),
  );
  const result = new Map<string, VendorMetrics>();
  for (const [id, f] of figures) {
    const r = ratings.get(id) ?? { count: 0, stars: 0 };
    result.set(id, {
      ...f,
      vendorName: names.get(id)?.name ?? f.vendorName,
      rating: {
        average: r.count ? Math.round((r.stars / r.count) * 100) / 100 : null,
        count: r.count,
      },
    });
  }
  return result;
}

/** One vendor's metrics (see {@link vendorMetrics}). */
export async function vendorMetricsOf(
  db: Db,
  vendorId: string,
  range: MetricsRange = {},
): Promise<VendorMetrics> {
  return (await vendorMetrics(db, [vendorId], range)).get(vendorId)!;
}

/** A row of the vendor ranking: rank, the ranking key and the vendor's metrics. */
export interface VendorRankingEntry extends VendorMetrics {
  rank: number;
  /** Sales in the ranking's currency, minor units (the ranking key). */
  salesInCurrency: number;
}

/**
 * The top `limit` vendors by sales in `currency` over `range` (orders module `vendorSalesRanking`),
 * each with its metrics and rating.
 */
export async function vendorRanking(
  db: Db,
  query: MetricsRange & { currency: string; limit: number },
): Promise<VendorRankingEntry[]> {
  const rows = await vendorSalesRanking(db, query);
  const metrics = await vendorMetrics(
    db,
    rows.map((r) => r.figures.vendorId),
    query,
  );
  return rows.map((r) => ({
    ...metrics.get(r.figures.vendorId)!,
    rank: r.rank,
    salesInCurrency: r.salesInCurrency,
  }));
}

const datePattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The range of a request's `from` and `to` (ISO 8601: a date, taken as midnight UTC, or a date-time
 * with its offset); absent = unbounded.
 * @throws ValidationError naming `from` or `to` (not a date, or `to` not after `from`)
 */
export function parseMetricsRange(query: { from?: string; to?: string }): MetricsRange {
  const parse = (field: "from" | "to"): Date | null => {
    const text = query[field];
    if (text === undefined || text === "") return null;
    const at = datePattern.test(text) ? new Date(text) : null;
    if (!at || Number.isNaN(at.getTime()))
      throw new ValidationError([
        { field, message: "must be an ISO 8601 date (2017-01-31) or date-time (2017-01-31T12:00:00Z)" },
      ]);
    return at;
  };
  const from = parse("from");
  const to = parse("to");
  if (from && to && !(from < to)) throw new ValidationError([{ field: "to", message: "must be after from" }]);
  return { from, to };
}
