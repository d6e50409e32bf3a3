/**
 * Wishlists: customers' named lists of wished products (or variants), private share links, the merge
 * of a guest's browser-kept list, and price-drop / back-in-stock events. Other code imports only from here.
 */

export {
  sweepWishlistAlerts,
  type WishlistSweepResult,
} from "./wishlists.alerts.ts";
export { moveWishlistItemToCart, wishlistCartRoutes } from "./wishlists.cart.routes.ts";
export {
  type WishlistBackInStockEvent,
  type WishlistPriceDroppedEvent,
  wishlistBackInStockTopic,
  wishlistPriceDroppedTopic,
} from "./wishlists.events.ts";
export { wishlistsPersonalData } from "./wishlists.personal-data.ts";
export { wishlistRoutes } from "./wishlists.routes.ts";
export {
  addItem,
  createWishlist,
  defaultWishlistTitle,
  deleteWishlist,
  getWishlist,
  listWishlists,
  mergeGuestWishlist,
  removeItem,
  resolveList,
  variantToBuy,
  type WishKey,
  type WishlistItemRow,
  type WishlistRow,
  wishlistLimits,
} from "./wishlists.service.ts";
export {
  type MergeResultDto,
  MoveToCartSchema,
  type SharedWishlistDto,
  type WishlistDto,
  type WishlistItemDto,
  type WishlistSummaryDto,
} from "./wishlists.types.ts";
