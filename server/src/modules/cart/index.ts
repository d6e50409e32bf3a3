/** Cart: persistent carts (guest by token, customer by account), lines, coupons, addresses. */

export {
  cartCookie,
  cartDto,
  cartRoutes,
  cartTokenHeader,
  resolveCart,
  type Shopper,
  shopperOf,
} from "./cart.routes.ts";
export type { CartStatus } from "./cart.schema.ts";
export {
  addLine,
  applyCoupon,
  type CartLineView,
  type CartRow,
  CartStockError,
  type CartView,
  checkAddress,
  claimCartPart,
  completeCartPart,
  createCart,
  expireCarts,
  findCart,
  getCartById,
  hashCartToken,
  mergeGuestCart,
  releaseCartFromOrder,
  removeCoupon,
  removeLine,
  saleVariantsIn,
  setBillingAddress,
  setCartCurrency,
  setEmail,
  setShippingAddress,
  setShippingMethod,
  updateLine,
  viewCart,
} from "./cart.service.ts";
export { AppliedPromotionSchema, type CartDto, CartSchema } from "./cart.types.ts";
