/** Catalog: products, variants, options, categories, attributes, images. Other code imports only from here. */

export { adminCatalogRoutes, type CatalogPorts } from "./catalog.admin.routes.ts";
export {
  type BulkOutcome,
  categoryPathKey,
  ensureAttributes,
  ensureCategoryPaths,
  isBulkWritable,
  upsertSimpleProducts,
} from "./catalog.bulk.ts";
export { publishScheduledProducts } from "./catalog.editor.ts";
export { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
export { type ImageUploadRoute, imageUploadRoute } from "./catalog.images.routes.ts";
export {
  catalogCacheNamespace,
  currentPrice,
  getCategoryBySlug,
  getCategoryTree,
  getProductBySlug,
  listProducts,
  summarize,
} from "./catalog.queries.ts";
export { type StoreCatalogPorts, storeCatalogRoutes } from "./catalog.routes.ts";
export {
  downloadsOfProducts,
  getSaleVariants,
  type ProductDownload,
  type SaleVariant,
  thumbnailUrls,
} from "./catalog.sale.ts";
export {
  facetLabels,
  type ProductSearchSource,
  productSearchSources,
  productStockFlags,
  type SearchCategory,
  searchCategories,
} from "./catalog.search-source.ts";
export { refreshSellableFlags } from "./catalog.sellable.ts";
export {
  type AttributeInput,
  type CategoryInput,
  countProducts,
  findImagesBySha,
  listImageFiles,
  listVariantsBySku,
  lowestPriceBySku,
  type ProductImageInput,
  type ProductInput,
  productIdsBySku,
  saveExternalImages,
  saveImage,
  setProductLinks,
  setSpecialPrices,
  slugify,
  type UpsertOutcome,
  updateProductDetails,
  upsertAttributes,
  upsertCategory,
  upsertProduct,
  type VariantInput,
  type VariantPriceRow,
  type VariantPricing,
  variantIdsBySku,
  variantPricingMatching,
} from "./catalog.service.ts";
export { adminInventoryRoutes } from "./catalog.stock.routes.ts";
export { LowStockSchema } from "./catalog.stock.types.ts";
export { type ProductDetailDto, type ProductSummaryDto, ProductSummarySchema } from "./catalog.types.ts";
export { vendorCatalogRoutes } from "./catalog.vendor.routes.ts";
export { productIdsOfVendors, setVendorProductsActive } from "./catalog.vendor.ts";
