import { type Static, Type } from "typebox";
import { PostalAddressSchema } from "../../platform/address.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Minor = (description: string) =>
  Type.Integer({ description: `${description}, minor units of the cart currency` });

export const ShippingQuoteSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  type: Type.String({ description: "flat_rate, table_rate, pickup or carrier" }),
  amount: Minor("Price"),
  currency: Type.String(),
  estimatedDays: Nullable(Type.String()),
  pickupAddress: Nullable(Type.String()),
});

export const CartLineSchema = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  productId: Type.String(),
  productName: Type.String(),
  productSlug: Type.String(),
  sku: Type.String(),
  variantTitle: Type.String(),
  options: Type.Record(Type.String(), Type.String(), { description: "Option name -> value" }),
  thumbnailUrl: Nullable(Type.String()),
  quantity: Type.Integer(),
  unitPrice: Minor("Current unit price"),
  regularPrice: Minor("Regular unit price (above unitPrice while on sale)"),
  previousUnitPrice: Nullable(Minor("Unit price when added, if it changed since")),
  subtotal: Minor("unitPrice x quantity"),
  discount: Minor("Promotions on this line"),
  tax: Minor("Tax on this line (0 until the address is known)"),
  total: Minor("Line total"),
  availableQuantity: Nullable(Type.Integer({ description: "Units in stock; null when not counted" })),
  purchasable: Type.Boolean({ description: "False when the quantity cannot be ordered now" }),
  quantityRules: Type.Object({
    min: Type.Integer(),
    max: Nullable(Type.Integer()),
    increment: Type.Integer(),
  }),
  isDigital: Type.Boolean(),
  requiresShipping: Type.Boolean(),
});

export const CartTotalsSchema = Type.Object({
  subtotal: Minor("Sum of line subtotals"),
  discountTotal: Minor("Item discounts"),
  shippingTotal: Minor("Shipping before discount"),
  shippingDiscount: Minor("Free-shipping discount"),
  shippingTax: Minor("Tax on shipping"),
  taxTotal: Minor("All tax (lines and shipping)"),
  total: Minor("What the shopper pays"),
  pricesIncludeTax: Type.Boolean({ description: "True when prices already contain the tax" }),
});

export const AppliedPromotionSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  code: Nullable(Type.String()),
  type: Type.String(),
  amount: Minor("Discount given"),
  freeShipping: Type.Boolean(),
});

/** A cart as the storefront shows it; every amount computed by the server. */
export const CartSchema = Type.Object({
  id: Nullable(Type.String({ description: "Null for a shopper who has no cart yet" })),
  currency: Type.String({ description: "ISO 4217" }),
  email: Nullable(Type.String()),
  lines: Type.Array(CartLineSchema),
  couponCodes: Type.Array(Type.String()),
  couponProblems: Type.Array(Type.Object({ code: Type.String(), reason: Type.String() })),
  appliedPromotions: Type.Array(AppliedPromotionSchema),
  shippingAddress: Nullable(PostalAddressSchema),
  billingAddress: Nullable(PostalAddressSchema),
  requiresShipping: Type.Boolean(),
  shippingOptions: Type.Array(ShippingQuoteSchema),
  shippingMethod: Nullable(ShippingQuoteSchema),
  totals: CartTotalsSchema,
  itemCount: Type.Integer(),
  isCheckoutReady: Type.Boolean(),
  expiresAt: Nullable(Type.String({ format: "date-time" })),
});

export type CartDto = Static<typeof CartSchema>;
export type CartLineDto = Static<typeof CartLineSchema>;
