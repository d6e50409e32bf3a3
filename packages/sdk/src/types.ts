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
