/** Payments: provider strategy, payment records, the built-in test and manual providers. */
export {
  type CreatePaymentInput,
  type PaymentProvider,
  ProviderError,
  type ProviderPayment,
  type ProviderRefund,
  type ProviderWebhookEvent,
  type RefundReason,
  WebhookSignatureError,
} from "./payments.provider.ts";
export { paymentProvidersFor } from "./payments.registry.ts";
export {
  createPaymentRecord,
  findPayment,
  PaymentProviders,
  type PaymentRow,
  paymentsOfOrder,
  recordProviderPayment,
  settledPaymentStatuses,
} from "./payments.service.ts";
export { ManualPaymentProvider } from "./providers/manual.ts";
export { TestPaymentProvider, testCards } from "./providers/test.ts";
