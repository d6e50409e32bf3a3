/**
 * Named shapes of the Bazaar API, every one derived from the generated OpenAPI types (src/schema.ts),
 * so the web apps and the server cannot drift apart. Money is always `{ amount, currency }`: `amount`
 * an integer in minor units of the ISO 4217 `currency` (USD 52.00 is `{ amount: 5200, currency: "USD" }`).
 * Timestamps are ISO 8601 UTC strings.
 */
import type { paths } from "./schema.ts";

// ---------------------------------------------------------------------------------------------------
// Helpers: the parts of one operation of `paths`

type Method = "get" | "put" | "post" | "patch" | "delete";
/** The paths that answer `M`. */
export type PathWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer O } ? O : never;
type JsonContent<R> = R extends { content: { "application/json": infer B } } ? B : never;
type ProblemContent<R> = R extends { content: { "application/problem+json": infer B } } ? B : never;
type Success = 200 | 201 | 202;

/** The JSON body of an operation's success answer (`ResponseOf<"/api/store/cart", "get">`). */
export type ResponseOf<P extends PathWith<M>, M extends Method = "get"> =
  Operation<P, M> extends { responses: infer R }
    ? { [C in keyof R & Success]: JsonContent<R[C]> }[keyof R & Success]
    : never;
/** The JSON request body of an operation. */
export type BodyOf<P extends PathWith<M>, M extends Method = "post"> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
/** The query parameters of an operation. */
export type QueryOf<P extends PathWith<M>, M extends Method = "get"> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** An element of a list answer (`{ items: T[] }`) or of an array. */
export type Item<T> = T extends { items: readonly (infer I)[] }
  ? I
  : T extends readonly (infer I)[]
    ? I
    : never;

// ---------------------------------------------------------------------------------------------------
// Errors

/** RFC 9457 problem details, as every error is answered (`errors[]` lists fields of a 400). */
export type Problem = ProblemContent<Operation<"/api/store/products", "get">["responses"][400]>;

// ---------------------------------------------------------------------------------------------------
// Catalog (/api/store/products, /api/store/categories)

/** A product as shown in a list (category page, related products). */
export type ProductSummary = Item<ResponseOf<"/api/store/products">>;
export type Money = ProductSummary["price"];
export type ProductType = ProductSummary["type"];
export type ProductDetail = ResponseOf<"/api/store/products/{slug}">;
/** A product image: `url` is the original; `srcset` lists WebP sizes (320, 640, 1280 wide, never upscaled). */
export type Image = ProductDetail["images"][number];
export type ImageSource = Image["srcset"][number];
export type Variant = ProductDetail["variants"][number];
export type StockStatus = Variant["stockStatus"];
export type ProductOption = ProductDetail["options"][number];
export type OptionValue = ProductOption["values"][number];
export type BreadcrumbItem = ProductDetail["breadcrumbs"][number];
export type AttributeValue = ProductDetail["attributes"][number];
export type BundleOption = ProductDetail["bundleOptions"][number];
export type Category = Item<ResponseOf<"/api/store/categories">>;
export type CategoryDetail = ResponseOf<"/api/store/categories/{slug}">;
export type ProductSort = NonNullable<QueryOf<"/api/store/products">["sort"]>;

/**
 * Query of `GET /api/store/products` as the storefront builds it: the document's parameters plus
 * option filters, sent as `option.<code>=v1,v2` (any of). Prices in minor units.
 */
export type ProductListQuery = Partial<QueryOf<"/api/store/products">> & {
  options?: Record<string, string[]>;
};

// ---------------------------------------------------------------------------------------------------
// Cart, checkout and orders (/api/store/cart, /checkout, /orders; /api/admin/orders). Every amount is
// an integer in minor units of the cart's or order's `currency`.

/** The shopper's cart, every amount computed by the server; `id` null when there is none yet. */
export type Cart = ResponseOf<"/api/store/cart">;
export type CartLine = Cart["lines"][number];
export type CartTotals = Cart["totals"];
export type AppliedPromotion = Cart["appliedPromotions"][number];
/** A postal address; `country` is ISO 3166-1 alpha-2, `region` a state or province code ("MI"). */
export type PostalAddress = NonNullable<Cart["shippingAddress"]>;
/** An address as the cart endpoints take it (optional parts may be left out). */
export type AddressBody = BodyOf<"/api/store/cart/shipping-address", "put">;
/** A shipping method quoted for the cart's address. */
export type ShippingQuote = Item<ResponseOf<"/api/store/cart/shipping-options">>;
/** A payment method offered at checkout (GET /api/store/payment-methods). */
export type PaymentMethod = Item<ResponseOf<"/api/store/payment-methods">>;
/** What POST /api/store/checkout sends as `payment`. */
export type PaymentInput = BodyOf<"/api/store/checkout">["payment"];
/** An order as its customer (or a guest with its number and e-mail) sees it. */
export type Order = ResponseOf<"/api/store/orders/{number}">;
export type OrderLine = Order["lines"][number];
export type OrderPayment = NonNullable<Order["payment"]>;
export type OrderTotals = Order["totals"];
/** A row of an order list (the customer's, or staff's). */
export type OrderSummary = Item<ResponseOf<"/api/store/orders">>;
/** An order as staff see it: payments, refunds, disputes, parcels and the full timeline. */
export type AdminOrder = ResponseOf<"/api/admin/orders/{id}">;
/** A payment of an order as staff see it (provider, captured and refunded amounts). */
export type AdminOrderPayment = AdminOrder["payments"][number];
/** A row of the staff order list. */
export type AdminOrderSummary = Item<ResponseOf<"/api/admin/orders">>;
export type OrderStatus = NonNullable<QueryOf<"/api/admin/orders">["status"]>;
/** Why money goes back (POST /api/admin/orders/{id}/refunds `reason`). */
export type RefundReason = BodyOf<"/api/admin/orders/{id}/refunds">["reason"];
/** A parcel sent (POST /api/admin/orders/{id}/fulfillments). */
export type ShipmentInput = BodyOf<"/api/admin/orders/{id}/fulfillments">;
/** A return (RMA) as the returns endpoints answer it. */
export type ReturnRecord = Item<ResponseOf<"/api/admin/returns">>;
export type ReturnLine = ReturnRecord["lines"][number];
/** An open chargeback (GET /api/admin/disputes). */
export type Dispute = Item<ResponseOf<"/api/admin/disputes">>;

/** Order statuses, in the order an order usually moves through them. */
export const orderStatuses = [
  "pending_payment",
  "payment_failed",
  "on_hold",
  "processing",
  "ready_for_pickup",
  "partially_shipped",
  "shipped",
  "delivered",
  "completed",
  "cancelled",
  "refunded",
] as const satisfies readonly OrderStatus[];
/** Refund reasons, as the refund form offers them. */
export const refundReasons = [
  "requested_by_customer",
  "duplicate",
  "fraudulent",
  "other",
] as const satisfies readonly RefundReason[];
// Both lists are complete: a value the document adds and a list lacks fails the type check here.
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
type Assert<T extends true> = T;
export type ListsAreComplete = Assert<
  [
    Complete<OrderStatus, (typeof orderStatuses)[number]>,
    Complete<RefundReason, (typeof refundReasons)[number]>,
  ] extends [true, true]
    ? true
    : false
>;

// ---------------------------------------------------------------------------------------------------
// The shopper's account (/api/store/account)

export type AccountProfile = ResponseOf<"/api/store/account/">;
/** An address of the signed-in shopper's address book. */
export type Address = ResponseOf<"/api/store/account/addresses", "post">;
export type AddressInput = BodyOf<"/api/store/account/addresses">;

// ---------------------------------------------------------------------------------------------------
// Staff (/api/admin): the caller, staff, roles, audit, mail, API keys, vendors, pricing, inventory

/** The signed-in staff member: roles and the permissions they grant. */
export type Me = ResponseOf<"/api/admin/me">;
export type StaffMember = Item<ResponseOf<"/api/admin/staff">>;
export type Role = Item<ResponseOf<"/api/admin/roles">>;
/** An audit log entry (GET /api/admin/audit-events). */
export type AuditEntry = Item<ResponseOf<"/api/admin/audit-events">>;
/** A message of the local mail outbox (GET /api/admin/mail-messages). */
export type MailMessage = Item<ResponseOf<"/api/admin/mail-messages">>;
export type ApiKey = Item<ResponseOf<"/api/admin/api-keys">>;
export type Vendor = Item<ResponseOf<"/api/admin/vendors">>;
/** A stock level at or below its low-stock threshold (GET /api/admin/inventory/low-stock). Units. */
export type LowStockLevel = Item<ResponseOf<"/api/admin/inventory/low-stock">>;
/** A currency's price list (GET /api/admin/price-lists): explicit variant prices, never converted. */
export type PriceList = Item<ResponseOf<"/api/admin/price-lists">>;
/** A variant's regular price and its price in one list (minor units; null: no price there). */
export type PriceListRow = Item<ResponseOf<"/api/admin/price-lists/{currency}/prices">>;

// ---------------------------------------------------------------------------------------------------
// Wishlists (/api/store/wishlists). Prices are integer minor units plus an ISO 4217 currency.

/** A list with its items, newest first. */
export type Wishlist = ResponseOf<"/api/store/wishlists/{wishlistId}">;
/** A wished product (or variant) with its card data, the price when added and now, and stock. */
export type WishlistItem = Wishlist["items"][number];
/** A signed-in customer's list without its items. */
export type WishlistSummary = Item<ResponseOf<"/api/store/wishlists">>;
/** A list seen through its private share link (read-only, nothing about the owner). */
export type SharedWishlist = ResponseOf<"/api/store/wishlists/shared/{token}">;
/** A new share link; the token is shown only once. */
export type WishlistShareLink = ResponseOf<"/api/store/wishlists/{wishlistId}/share", "post">;
/** A guest's browser-kept entry as it is now (GET /api/store/wishlists/preview). */
export type WishlistPreviewItem = Item<ResponseOf<"/api/store/wishlists/preview">>;
/** What merging a guest list at sign-in did. */
export type WishlistMergeResult = ResponseOf<"/api/store/wishlists/merge", "post">;

// ---------------------------------------------------------------------------------------------------
// Search (/api/store/search)

/** `GET /api/store/search`: hits (product summaries with `sku` and HTML highlights), disjunctive facets, spelling help. */
export type SearchResult = ResponseOf<"/api/store/search">;
export type SearchHit = SearchResult["items"][number];
export type SearchFacet = SearchResult["facets"][number];
export type SearchFacetValue = SearchFacet["values"][number];
export type SearchSort = NonNullable<QueryOf<"/api/store/search">["sort"]>;
/** Query of `GET /api/store/search`; filters repeat for alternatives (`brand=A&brand=B`). */
export type SearchQuery = Partial<QueryOf<"/api/store/search">>;
/** `GET /api/store/search/suggest`: popular queries, categories and products for what was typed. */
export type Suggestions = ResponseOf<"/api/store/search/suggest">;
/** A click or conversion on a search hit (POST /api/store/search/events). */
export type SearchEvent = BodyOf<"/api/store/search/events">;

// ---------------------------------------------------------------------------------------------------
// Reviews (/api/store/products/{productId}/reviews, /api/store/reviews, /api/admin/reviews)

/** A page of a product's reviews with its rating summary. */
export type ReviewPage = ResponseOf<"/api/store/products/{productId}/reviews">;
/** An approved review as shoppers see it, with the shop's reply and whether the viewer found it helpful. */
export type Review = ReviewPage["items"][number];
/** Count, average stars (one decimal) and count per star of a product's approved reviews. */
export type RatingSummary = ReviewPage["summary"];
export type ReviewSort = NonNullable<QueryOf<"/api/store/products/{productId}/reviews">["sort"]>;
/** A review photo: the original and a 320 px WebP thumbnail. */
export type ReviewPhoto = ResponseOf<"/api/store/review-photos", "post">;
/** `GET .../reviews/mine`: the customer's review, and whether they may write one / would be verified. */
export type OwnReviewState = ResponseOf<"/api/store/products/{productId}/reviews/mine">;
/** The signed-in customer's own review (any moderation state). */
export type OwnReview = ResponseOf<"/api/store/products/{productId}/reviews/mine", "put">;
/** Body of `PUT .../reviews/mine`. */
export type ReviewInput = BodyOf<"/api/store/products/{productId}/reviews/mine", "put">;
/** A review in the staff moderation queue. */
export type AdminReview = Item<ResponseOf<"/api/admin/reviews">>;

// ---------------------------------------------------------------------------------------------------
// Recommendations

/** `GET /api/store/recommendations/for-you`: personal picks, or popular products (`personal` false). */
export type ForYou = ResponseOf<"/api/store/recommendations/for-you">;
export type RecommendationKind = NonNullable<QueryOf<"/api/store/products/{id}/recommendations">["kind"]>;
