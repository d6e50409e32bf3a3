/** Shipping: zones, methods (flat rate, table rate, pickup, carrier) and their rates. */

export { adminShippingRoutes } from "./shipping.admin.routes.ts";
export type { ShippingMethodType, TableRateRow } from "./shipping.schema.ts";
export {
  type CarrierRateStrategy,
  getShippingMethod,
  quoteShipping,
  type ShipmentDraft,
  type ShippingQuote,
  type ShippingZoneInput,
  tableRate,
  upsertShippingZone,
} from "./shipping.service.ts";
