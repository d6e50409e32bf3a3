/**
 * Outbox events of the wishlists module (delivered after commit; a later notifications module sends
 * the e-mails / pushes). Money is integer minor units of an ISO 4217 currency.
 */

interface Money {
  amount: number;
  currency: string;
}

/** A wished product (or variant) became cheaper: below the price when wished and the price last seen. */
export const wishlistPriceDroppedTopic = "wishlist.price_dropped";
export interface WishlistPriceDroppedEvent {
  customerId: string;
  productId: string;
  /** The wished variant, or null when the whole product is wished (its lowest price). */
  variantId: string | null;
  oldPrice: Money;
  newPrice: Money;
  /** The price when the customer first wished for it. */
  wishedPrice: Money;
}

/** A wished product (or variant) that could not be bought can be bought again. */
export const wishlistBackInStockTopic = "wishlist.back_in_stock";
export interface WishlistBackInStockEvent {
  customerId: string;
  productId: string;
  variantId: string | null;
  /** The current price. */
  price: Money;
}
