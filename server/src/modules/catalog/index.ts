/** Catalog: products, variants, options, categories, attributes, images. Other code imports only from here. */

export {
  catalogCacheNamespace,
  currentPrice,
  getCategoryBySlug,
  getCategoryTree,
  getProductBySlug,
  listProducts,
  summarize,
} from "./catalog.queries.ts";
export { storeCatalogRoutes } from "./catalog.routes.ts";
export {
  downloadsOfProducts,
  getSaleVariants,
  type ProductDownload,
  type SaleVariant,
  thumbnailUrls,
} from "./catalog.sale.ts";
export {
  type AttributeInput,
  type CategoryInput,
  countProducts,
  findImagesBySha,
  listImageFiles,
  listVariantsBySku,
  lowestPriceBySku,
  type ProductInput,
  productIdsBySku,
  saveImage,
  setProductLinks,
  setSpecialPrices,
  slugify,
  type UpsertOutcome,
  upsertAttributes,
  upsertCategory,
  upsertProduct,
  type VariantInput,
  type VariantPriceRow,
  type VariantPricing,
  variantIdsBySku,
  variantPricingMatching,
} from "./catalog.service.ts";
export type { ProductDetailDto, ProductSummaryDto } from "./catalog.types.ts";
