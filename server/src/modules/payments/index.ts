/** Payments: provider strategy, payment records, refunds, disputes, webhook events, built-in providers. */

export { adminPaymentSettingsRoutes } from "./payments.admin.routes.ts";
export {
  type CreatePaymentInput,
  canTransfer,
  type PaymentProvider,
  ProviderError,
  type ProviderPayment,
  type ProviderRefund,
  type ProviderWebhookEvent,
  type RefundReason,
  type TransferCapable,
  WebhookSignatureError,
} from "./payments.provider.ts";
export { type PaymentsContext, paymentProvidersFor } from "./payments.registry.ts";
export {
  countRecentOrdersByCard,
  type DisputeRow,
  disputesOfOrder,
  findPayment,
  findPaymentByReference,
  findPendingRefund,
  findRefundByReference,
  findRefundByRequestKey,
  finishRefund,
  getWebhookEvent,
  lockCapturedPayment,
  markCaptured,
  markWebhookEvent,
  type NewPaymentRecord,
  openDisputes,
  PaymentProviders,
  type PaymentRow,
  paymentRecordPart,
  paymentsOfOrder,
  providerPaymentPart,
  type RefundRow,
  recordProviderPayment,
  refundsOfOrder,
  settledPaymentStatuses,
  startRefund,
  storeWebhookEvent,
  upsertDispute,
} from "./payments.service.ts";
export { ManualPaymentProvider } from "./providers/manual.ts";
export { TestPaymentProvider, testCards } from "./providers/test.ts";
