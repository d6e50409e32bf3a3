/**
 * Shapes of the cart, checkout and order answers of the store API (/api/store/cart, /checkout,
 * /orders): derived in @bazaar/sdk from the server's own TypeBox schemas, so they cannot drift.
 */
export type {
  AppliedPromotion,
  Cart,
  CartLine,
  CartTotals,
  Order,
  OrderLine,
  OrderPayment,
  OrderSummary,
  OrderTotals,
  PostalAddress,
  ShippingQuote,
} from "@bazaar/sdk/src/types";

/** A payment method offered at checkout (GET /api/store/payment-methods). */
export interface PaymentMethod {
  /** test, stripe, paypal, bank_transfer, cash_on_delivery */
  id: string;
  name: string;
  /** Stripe's publishable key (for the Payment Element), else null. */
  publishableKey: string | null;
}

/** What POST /api/store/checkout sends as `payment`. */
export interface PaymentInput {
  provider: string;
  data?: Record<string, string | number | boolean>;
}
