/**
 * Checkout: turning a cart into an order exactly once per idempotency key, taking the payment and
 * settling its outcome (provider webhooks, returns from the provider, expiry of unpaid orders), with
 * the fraud screen. Other code imports only from here.
 */
export type { CheckoutContext } from "./checkout.context.ts";
export { sweepExpired } from "./checkout.expiry.ts";
export {
  builtInFraudRules,
  type FraudContext,
  type FraudRule,
  FraudScreen,
  type FraudSettings,
  type FraudSignal,
} from "./checkout.fraud.ts";
export { hooksRoutes } from "./checkout.hooks.routes.ts";
export {
  processWebhookEvent,
  receiveWebhook,
  registerWebhookProcessing,
  webhookTopic,
} from "./checkout.payment-webhooks.ts";
export { checkoutRoutes } from "./checkout.routes.ts";
export {
  cancelUnpaidOrder,
  completeOrderPayment,
  PaymentDeclinedError,
  type PlaceOrderInput,
  type PlaceOrderResult,
  placeOrder,
  settlePayment,
} from "./checkout.service.ts";
