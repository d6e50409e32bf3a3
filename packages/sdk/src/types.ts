/**
 * Shapes of the Bazaar store API (`/api/store/*`), derived from the server's own TypeBox schemas
 * (the ones that validate and serialise the responses), so client and server cannot drift apart.
 * Money is always `{ amount, currency }`: `amount` an integer in minor units of the ISO 4217
 * `currency` (USD 52.00 is `{ amount: 5200, currency: "USD" }`). Timestamps are ISO 8601 UTC strings.
 */
import type { Static } from "typebox";
import type {
  CategoryDetailSchema,
  CategorySchema,
  ImageSchema,
  MoneySchema,
  ProductDetailSchema,
  ProductSummarySchema,
  ProductSort as ServerProductSort,
  VariantSchema,
} from "../../../server/src/modules/catalog/catalog.types.ts";

export type Money = Static<typeof MoneySchema>;
/** A product image: `url` is the original; `srcset` lists WebP sizes (320, 640, 1280 wide, never upscaled). */
export type Image = Static<typeof ImageSchema>;
export type ImageSource = Image["srcset"][number];
/** A product as shown in a list (category page, related products). */
export type ProductSummary = Static<typeof ProductSummarySchema>;
export type ProductType = ProductSummary["type"];
export type ProductDetail = Static<typeof ProductDetailSchema>;
export type Variant = Static<typeof VariantSchema>;
export type StockStatus = Variant["stockStatus"];
export type ProductOption = ProductDetail["options"][number];
export type OptionValue = ProductOption["values"][number];
export type BreadcrumbItem = ProductDetail["breadcrumbs"][number];
export type AttributeValue = ProductDetail["attributes"][number];
export type BundleOption = ProductDetail["bundleOptions"][number];
export type Category = Static<typeof CategorySchema>;
export type CategoryDetail = Static<typeof CategoryDetailSchema>;
export type ProductSort = ServerProductSort;

/** A page of a list: `nextCursor` is passed back as `cursor` for the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/** Query of `GET /api/store/products`. Option filters are `option.<code>=v1,v2` (any of). Prices in minor units. */
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

import type {
  AdminOrderSchema,
  OrderLineSchema,
  OrderPaymentSchema,
  OrderSchema,
  OrderSummarySchema,
} from "../../../server/src/flows/orders.types.ts";
// Cart, checkout and orders (/api/store/cart, /checkout, /orders; /api/admin/orders). Every amount is
// an integer in minor units of the cart's or order's `currency`.
import type {
  AppliedPromotionSchema,
  CartLineSchema,
  CartSchema,
  CartTotalsSchema,
  PostalAddressSchema,
  ShippingQuoteSchema,
} from "../../../server/src/modules/cart/cart.types.ts";

/** A postal address; `country` is ISO 3166-1 alpha-2, `region` a state or province code ("MI"). */
export type PostalAddress = Static<typeof PostalAddressSchema>;
/** A shipping method quoted for the cart's address. */
export type ShippingQuote = Static<typeof ShippingQuoteSchema>;
export type CartLine = Static<typeof CartLineSchema>;
export type CartTotals = Static<typeof CartTotalsSchema>;
export type AppliedPromotion = Static<typeof AppliedPromotionSchema>;
/** The shopper's cart, every amount computed by the server; `id` null when there is none yet. */
export type Cart = Static<typeof CartSchema>;
export type OrderLine = Static<typeof OrderLineSchema>;
export type OrderPayment = Static<typeof OrderPaymentSchema>;
/** An order as its customer (or a guest with its number and e-mail) sees it. */
export type Order = Static<typeof OrderSchema>;
export type OrderTotals = Order["totals"];
/** A row of an order list (the customer's, or staff's). */
export type OrderSummary = Static<typeof OrderSummarySchema>;
/** An order as staff see it: payments, refunds, disputes, parcels and the full timeline. */
export type AdminOrder = Static<typeof AdminOrderSchema>;

import type { LowStockSchema } from "../../../server/src/flows/admin-inventory.types.ts";
import type { PriceListRowSchema, PriceListSchema } from "../../../server/src/flows/price-lists.types.ts";
// Staff inventory and pricing (/api/admin/inventory, /api/admin/price-lists).
/** A stock level at or below its low-stock threshold (GET /api/admin/inventory/low-stock). Units. */
export type LowStockLevel = Static<typeof LowStockSchema>;
/** A currency's price list (GET /api/admin/price-lists): explicit variant prices, never converted. */
export type PriceList = Static<typeof PriceListSchema>;
/** A variant's regular price and its price in one list (minor units; null: no price there). */
export type PriceListRow = Static<typeof PriceListRowSchema>;

import type {
  MergeResultSchema,
  SharedWishlistSchema,
  ShareLinkSchema,
  WishlistItemSchema,
  WishlistPreviewItemSchema,
  WishlistSchema,
  WishlistSummarySchema,
} from "../../../server/src/modules/wishlists/wishlists.types.ts";
// Wishlists (/api/store/wishlists). Prices are integer minor units plus an ISO 4217 currency.
/** A wished product (or variant) with its card data, the price when added and now, and stock. */
export type WishlistItem = Static<typeof WishlistItemSchema>;
/** A signed-in customer's list without its items. */
export type WishlistSummary = Static<typeof WishlistSummarySchema>;
/** A list with its items, newest first. */
export type Wishlist = Static<typeof WishlistSchema>;
/** A list seen through its private share link (read-only, nothing about the owner). */
export type SharedWishlist = Static<typeof SharedWishlistSchema>;
/** A new share link; the token is shown only once. */
export type WishlistShareLink = Static<typeof ShareLinkSchema>;
/** A guest's browser-kept entry as it is now (GET /api/store/wishlists/preview). */
export type WishlistPreviewItem = Static<typeof WishlistPreviewItemSchema>;
/** What merging a guest list at sign-in did. */
export type WishlistMergeResult = Static<typeof MergeResultSchema>;

import type {
  SearchQuerySchema,
  SearchResultSchema,
  SearchSort as ServerSearchSort,
  SuggestionsSchema,
} from "../../../server/src/modules/search/search.types.ts";

/** `GET /api/store/search`: hits (product summaries with `sku` and HTML highlights), disjunctive facets, spelling help. */
export type SearchResult = Static<typeof SearchResultSchema>;
export type SearchHit = SearchResult["items"][number];
export type SearchFacet = SearchResult["facets"][number];
export type SearchFacetValue = SearchFacet["values"][number];
export type SearchSort = ServerSearchSort;
/** Query of `GET /api/store/search`; filters repeat for alternatives (`brand=A&brand=B`). */
export type SearchQuery = Partial<Static<typeof SearchQuerySchema>>;
/** `GET /api/store/search/suggest`: popular queries, categories and products for what was typed. */
export type Suggestions = Static<typeof SuggestionsSchema>;

import type {
  AdminReviewSchema,
  OwnReviewSchema,
  OwnReviewStateSchema,
  RatingSummarySchema,
  ReviewInputSchema,
  ReviewPageSchema,
  ReviewPhotoSchema,
  ReviewSchema,
  ReviewSort as ServerReviewSort,
} from "../../../server/src/modules/reviews/reviews.types.ts";
// Reviews (/api/store/products/:productId/reviews, /api/store/reviews, /api/admin/reviews).
/** An approved review as shoppers see it, with the shop's reply and whether the viewer found it helpful. */
export type Review = Static<typeof ReviewSchema>;
/** A review photo: the original and a 320 px WebP thumbnail. */
export type ReviewPhoto = Static<typeof ReviewPhotoSchema>;
/** Count, average stars (one decimal) and count per star of a product's approved reviews. */
export type RatingSummary = Static<typeof RatingSummarySchema>;
/** A page of a product's reviews with its rating summary. */
export type ReviewPage = Static<typeof ReviewPageSchema>;
export type ReviewSort = ServerReviewSort;
/** The signed-in customer's own review (any moderation state). */
export type OwnReview = Static<typeof OwnReviewSchema>;
/** `GET .../reviews/mine`: the customer's review, and whether they may write one / would be verified. */
export type OwnReviewState = Static<typeof OwnReviewStateSchema>;
/** Body of `PUT .../reviews/mine`. */
export type ReviewInput = Static<typeof ReviewInputSchema>;
/** A review in the staff moderation queue. */
export type AdminReview = Static<typeof AdminReviewSchema>;
