/** Orders: numbers, line snapshots, statuses and timeline. Other modules import only from here. */

export { adminOrderRoutes } from "./orders.admin.routes.ts";
export { approveHeldOrder, cancelOrder } from "./orders.cancel.ts";
export { type OrderDashboardFigures, orderDashboardFigures, promotionUsage } from "./orders.dashboard.ts";
export { adminOrderDocumentRoutes, storeOrderDocumentRoutes } from "./orders.documents.routes.ts";
export { type DownloadLink, downloadLinkHours, downloadLinks, resolveDownload } from "./orders.downloads.ts";
export { adminOrderEditRoutes } from "./orders.edit.routes.ts";
export { registerOrderEmails } from "./orders.emails.ts";
export {
  applyShipmentUpdate,
  type FulfilInput,
  fulfilOrder,
  type ShipmentUpdate,
  trackingUrlFor,
  verifyShipmentWebhook,
} from "./orders.fulfilment.ts";
export {
  type HistoricalImportResult,
  type HistoricalOrder,
  type HistoricalOrderLine,
  type HistoricalShipment,
  historicalOrderId,
  importHistoricalOrders,
  type PurchaseRow,
  productsBoughtBy,
  purchasedProducts,
} from "./orders.history.ts";
export { hasVendorOrders, syncOrderLedger } from "./orders.ledger.ts";
export {
  addOrderNote,
  deleteOrderNote,
  maxNoteLength,
  type OrderNote,
  orderNotesOf,
  staffNames,
} from "./orders.notes.ts";
export { adminOrderPickupRoutes } from "./orders.pickup.routes.ts";
export {
  type CustomerOrderStats,
  hasOrderedCondition,
  hasPurchasedProduct,
  type OrderFigureFilter,
  orderedProductIds,
  orderFigureConditions,
  orderStatsOfUsers,
  ordersReceivedBetween,
  recentOrdersOfUser,
} from "./orders.purchases.ts";
export {
  applyRefundToOrder,
  refundOrder,
  refundReasons,
  uncountRefundedUnits,
} from "./orders.refunds.ts";
export { decideReturn, receiveReturn, requestReturn } from "./orders.returns.ts";
export type {
  AppliedPromotionSnapshot,
  FulfillmentStatus,
  OrderPaymentStatus,
  OrderShippingMethod,
  ReturnStatus,
} from "./orders.schema.ts";
export {
  addFulfilledQuantities,
  addOrderEvent,
  addOrderEvents,
  addReturnedQuantities,
  advanceShipment,
  countRecentOrders,
  expiredUnpaidOrders,
  type FulfillmentRow,
  findIdempotencyKey,
  findOrder,
  findOrderByNumberAndEmail,
  findOrderOfUser,
  fulfillmentsOfOrder,
  getOrderAndLines,
  getOrderWithLines,
  type IdempotencyClaim,
  IdempotencyKeyTakenError,
  type InsertedOrder,
  insertFulfillment,
  insertOrder,
  insertReturn,
  itemCounts,
  listOrders,
  listOrdersOfUser,
  lockOrder,
  lockReturn,
  type NewOrder,
  type NewOrderEvent,
  type OrderActor,
  type OrderChange,
  type OrderEventRow,
  type OrderLineRow,
  type OrderListFilter,
  type OrderRow,
  openReturns,
  type ReturnRow,
  returnsOfOrder,
  transitionOrder,
  transitionOrderWithParts,
  transitionReturn,
} from "./orders.service.ts";
export {
  notPlacedStatuses,
  type OrderStatus,
  orderStatuses,
  type ShipmentStatus,
  shipmentStatuses,
} from "./orders.statuses.ts";
export { orderLookupFields, storeOrderRoutes } from "./orders.store.routes.ts";
export { orderTagsInUse, setOrderTags, type TagUse } from "./orders.tags.ts";
export {
  actorName,
  carrierName,
  describeOrderEvent,
  providerName,
  type RenderedEvent,
  renderOrderEvent,
  type TimelineAudience,
  type TimelineContext,
  type TimelineEvent,
} from "./orders.timeline.ts";
export {
  type AdminOrderDto,
  AdminOrderSchema,
  type AdminOrderSummaryDto,
  AdminOrderSummarySchema,
  type OrderDto,
  OrderLineSchema,
  OrderSchema,
  type OrderSummaryDto,
  OrderSummarySchema,
} from "./orders.types.ts";
export { vendorOrderRoutes } from "./orders.vendor.routes.ts";
export {
  type MetricsRange,
  type VendorCurrencySales,
  type VendorOrderFigures,
  type VendorRankingRow,
  vendorOrderFigures,
  vendorOrderFiguresOf,
  vendorSalesRanking,
} from "./orders.vendor-metrics.ts";
export {
  allocateLargestRemainder,
  getVendorOrder,
  insertVendorOrders,
  listVendorOrders,
  type NewVendorOrder,
  refreshVendorOrderStatuses,
  splitByVendor,
  type VendorOrderDetail,
  type VendorOrderRow,
  type VendorOrderSummary,
  vendorOrdersOf,
} from "./orders.vendors.ts";
export {
  adminOrderDto,
  adminOrderSummaryPage,
  loadOrderParts,
  type OrderParts,
  orderDto,
  orderSummaryPage,
} from "./orders.view.ts";
