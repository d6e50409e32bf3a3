/**
 * Shapes of the cart, checkout and order answers of the store API (/api/store/cart, /checkout,
 * /orders), as the server's TypeBox schemas define them (server/src/modules/cart/cart.types.ts and
 * server/src/flows/orders.types.ts). Every amount is an integer in minor units of the cart's or
 * order's `currency`. These belong in @bazaar/sdk beside the catalog types; until they move there
 * they are kept in step with the schemas by hand.
 */

/** A postal address; `country` is ISO 3166-1 alpha-2, `region` a state or province code ("MI"). */
export interface PostalAddress {
  firstName: string;
  lastName: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  phone: string | null;
}

/** A shipping method quoted for the cart's address. */
export interface ShippingQuote {
  id: string;
  code: string;
  name: string;
  description: string;
  /** flat_rate, table_rate, pickup or carrier */
  type: string;
  amount: number;
  currency: string;
  estimatedDays: string | null;
  pickupAddress: string | null;
}

export interface CartLine {
  id: string;
  variantId: string;
  productId: string;
  productName: string;
  productSlug: string;
  sku: string;
  variantTitle: string;
  /** Option name -> value ("Size" -> "M"). */
  options: Record<string, string>;
  thumbnailUrl: string | null;
  quantity: number;
  unitPrice: number;
  /** Regular unit price (above unitPrice while on sale). */
  regularPrice: number;
  /** The unit price when the line was added, when it has changed since. */
  previousUnitPrice: number | null;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
  /** Units in stock; null when stock is not counted. */
  availableQuantity: number | null;
  /** False when the quantity cannot be ordered now. */
  purchasable: boolean;
  quantityRules: { min: number; max: number | null; increment: number };
  isDigital: boolean;
  requiresShipping: boolean;
}

export interface CartTotals {
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  shippingDiscount: number;
  shippingTax: number;
  taxTotal: number;
  total: number;
  pricesIncludeTax: boolean;
}

export interface AppliedPromotion {
  id: string;
  name: string;
  code: string | null;
  type: string;
  amount: number;
  freeShipping: boolean;
}

/** The shopper's cart, every amount computed by the server; `id` null when there is none yet. */
export interface Cart {
  id: string | null;
  currency: string;
  email: string | null;
  lines: CartLine[];
  couponCodes: string[];
  couponProblems: { code: string; reason: string }[];
  appliedPromotions: AppliedPromotion[];
  shippingAddress: PostalAddress | null;
  billingAddress: PostalAddress | null;
  requiresShipping: boolean;
  shippingOptions: ShippingQuote[];
  shippingMethod: ShippingQuote | null;
  totals: CartTotals;
  itemCount: number;
  isCheckoutReady: boolean;
  expiresAt: string | null;
}

/** A payment method offered at checkout (GET /api/store/payment-methods). */
export interface PaymentMethod {
  /** test, stripe, paypal, bank_transfer, cash_on_delivery */
  id: string;
  name: string;
  /** Stripe's publishable key (for the Payment Element), else null. */
  publishableKey: string | null;
}

export interface OrderLine {
  id: string;
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  productSlug: string;
  variantTitle: string;
  options: Record<string, string>;
  thumbnailUrl: string | null;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
  isDigital: boolean;
  fulfilledQuantity: number;
  returnedQuantity: number;
}

export interface OrderPayment {
  id: string;
  provider: string;
  /** pending, requires_action, authorized, captured, partially_refunded, refunded, failed, canceled */
  status: string;
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  /** For the storefront to finish a card payment (Stripe). */
  clientSecret: string | null;
  /** Where the shopper must go to approve the payment (PayPal). */
  redirectUrl: string | null;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface OrderTotals extends CartTotals {
  paidTotal: number;
  refundedTotal: number;
}

/** An order as its customer (or a guest with its number and e-mail) sees it. */
export interface Order {
  id: string;
  number: string;
  /** pending_payment, on_hold, processing, partially_shipped, shipped, delivered, completed, cancelled, refunded */
  status: string;
  paymentStatus: string;
  fulfillmentStatus: string;
  currency: string;
  email: string;
  placedAt: string;
  shippingAddress: PostalAddress | null;
  billingAddress: PostalAddress | null;
  shippingMethod: { code: string; name: string } | null;
  lines: OrderLine[];
  promotions: AppliedPromotion[];
  couponCodes: string[];
  totals: OrderTotals;
  payment: OrderPayment | null;
  timeline: { type: string; message: string; at: string }[];
}

/** A row of the customer's order list. */
export interface OrderSummary {
  id: string;
  number: string;
  status: string;
  paymentStatus: string;
  fulfillmentStatus: string;
  currency: string;
  email: string;
  total: number;
  itemCount: number;
  placedAt: string;
}

/** What POST /api/store/checkout sends as `payment`. */
export interface PaymentInput {
  provider: string;
  data?: Record<string, string | number | boolean>;
}
