/** Pricing: tax rates, promotions and coupons, store price settings, the cart price calculator. */

export { adminPriceListRoutes } from "./price-lists.routes.ts";
export {
  checkCurrency,
  createPriceList,
  groupPricesOf,
  listPriceLists,
  offeredCurrencies,
  type PriceList,
  priceListPricesOf,
  setPriceListPrices,
  upsertPriceList,
  usesOfCustomerGroup,
} from "./price-lists.ts";
export { PriceListRowSchema, PriceListSchema } from "./price-lists.types.ts";
export {
  allocateByLargestRemainder,
  matchTaxRates,
  type PricedLine,
  type PricingInput,
  type PricingLine,
  type PricingResult,
  type Promotion,
  priceCart,
  type TaxAddress,
  type TaxRate,
} from "./pricing.calculator.ts";
export {
  CouponError,
  type CouponInfo,
  type CouponProblem,
  getStoreSettings,
  normaliseCouponCode,
  type PromotionInput,
  promotionsFor,
  redeemCoupons,
  releaseCoupons,
  type StoreSettings,
  type TaxRateInput,
  taxRatesFor,
  updateStoreSettings,
  upsertPromotion,
  upsertTaxRates,
} from "./pricing.service.ts";
export {
  type PromotionOrderStats,
  type PromotionStatus,
  type PromotionUsage,
  promotionStatus,
} from "./promotions.admin.ts";
export { adminPromotionRoutes } from "./promotions.routes.ts";
export { adminSettingsRoutes } from "./settings.routes.ts";
export {
  getStoreSettingsForStaff,
  type StaffStoreSettings,
  type StoreDetails,
  type StoreIdentity,
  storeDetails,
  storeIdentity,
} from "./settings.store.ts";
