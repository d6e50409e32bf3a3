/**
 * Shapes of the Bazaar store API (`/api/store/*`), as the server serialises them.
 * Money is always `{ amount, currency }`: `amount` an integer in minor units of the
 * ISO 4217 `currency` (USD 52.00 is `{ amount: 5200, currency: "USD" }`).
 * Timestamps are ISO 8601 strings in UTC.
 */

/** An amount of money in integer minor units plus its ISO 4217 currency code. */
export interface Money {
  amount: number;
  currency: string;
}

/** One generated size of an image. `width` in CSS pixels. */
export interface ImageSource {
  width: number;
  url: string;
}

/** A product image: `url` is the original; `srcset` lists WebP sizes (320, 640, 1280 wide). */
export interface Image {
  id: string;
  url: string;
  alt: string;
  width: number | null;
  height: number | null;
  srcset: ImageSource[];
}

export type ProductType = "simple" | "configurable" | "bundle" | "grouped" | "digital";
export type StockStatus = "in_stock" | "low_stock" | "out_of_stock";

/** A product as shown in a list (category page, related products). */
export interface ProductSummary {
  id: string;
  slug: string;
  name: string;
  type: ProductType;
  /** Lowest current price among purchasable variants (special price applied). */
  price: Money;
  /** Highest current price among variants (equals `price` for single-variant products). */
  maxPrice: Money;
  /** The regular price the current price is compared to, when the product is on sale. */
  compareAtPrice: Money | null;
  thumbnail: Image | null;
  inStock: boolean;
  /** Option values present on the product, e.g. `{ size: ["XS","S"], color: ["Black"] }`. */
  optionValues: Record<string, string[]>;
  ratingAverage: number | null;
  reviewCount: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

export interface OptionValue {
  id: string;
  value: string;
  /** CSS colour for colour swatches (`#000000`), null for non-colour options. */
  swatch: string | null;
}

export interface ProductOption {
  code: string;
  name: string;
  values: OptionValue[];
}

export interface Variant {
  id: string;
  sku: string;
  title: string;
  /** Current price: the special price when its date window is open, otherwise the regular price. */
  price: Money;
  /** Regular price when the current price is a special price, otherwise an explicit compare-at price or null. */
  compareAtPrice: Money | null;
  /** `{ size: "XS", color: "Black" }` */
  options: Record<string, string>;
  stockStatus: StockStatus;
  /** Units available to sell (stocked minus reserved), never negative. */
  availableQuantity: number;
  /** Id of the image that shows this variant (e.g. its colour), or null. */
  imageId: string | null;
  weightGrams: number | null;
}

export interface BreadcrumbItem {
  name: string;
  slug: string;
}

export interface AttributeValue {
  code: string;
  label: string;
  value: string | number | boolean | string[];
}

export interface BundleOption {
  title: string;
  type: "radio" | "checkbox" | "select";
  required: boolean;
  items: { product: ProductSummary; defaultQuantity: number }[];
}

export interface ProductDetail extends Omit<ProductSummary, "thumbnail"> {
  sku: string;
  description: string;
  shortDescription: string;
  metaTitle: string;
  metaDescription: string;
  images: Image[];
  options: ProductOption[];
  variants: Variant[];
  attributes: AttributeValue[];
  /** Main category trail, root first. */
  breadcrumbs: BreadcrumbItem[];
  categories: BreadcrumbItem[];
  related: ProductSummary[];
  upsell: ProductSummary[];
  crossSell: ProductSummary[];
  /** Grouped products: the products sold together. Bundles: their options. */
  groupedItems: { product: ProductSummary; defaultQuantity: number }[];
  bundleOptions: BundleOption[];
  /** Digital products: the downloadable files (names only; files are delivered after purchase). */
  downloads: { title: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
  description: string;
  parentSlug: string | null;
  productCount: number;
  image: Image | null;
  children: Category[];
}

export interface CategoryDetail extends Omit<Category, "children"> {
  breadcrumbs: BreadcrumbItem[];
  children: Category[];
  metaTitle: string;
  metaDescription: string;
  /** Facets for the category's product list: option values with counts, and the price span. */
  facets: {
    options: { code: string; name: string; values: { value: string; count: number }[] }[];
    price: { min: Money; max: Money } | null;
  };
}

export type ProductSort = "relevance" | "price_asc" | "price_desc" | "newest" | "name";

/** Query of `GET /api/store/products`. Option filters are `option.<code>=v1,v2` (any of). */
export interface ProductListQuery {
  limit?: number;
  cursor?: string;
  category?: string;
  priceMin?: number;
  priceMax?: number;
  inStock?: boolean;
  sort?: ProductSort;
  options?: Record<string, string[]>;
}

/** RFC 9457 problem details, as every error is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  errors?: { field: string; message: string }[];
}
