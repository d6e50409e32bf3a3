/**
 * Vendor metrics: sales, orders, average order value, commission, payable, cancellation and return
 * rates, fulfilment time (orders module) and rating (reviews module, over the catalog's vendor
 * products), for staff (a vendor's metrics, the ranking by sales) and for the vendor itself. A flow
 * because it composes three modules. Other code imports only from here.
 */

export { adminVendorMetricsRoutes, vendorMetricsRoutes } from "./vendor-metrics.routes.ts";
export {
  parseMetricsRange,
  type VendorMetrics,
  type VendorRankingEntry,
  type VendorRating,
  vendorMetrics,
  vendorMetricsOf,
  vendorRanking,
} from "./vendor-metrics.ts";
