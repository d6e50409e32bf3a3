/** Orders: numbers, line snapshots, statuses and timeline. Other modules import only from here. */

export type {
  AppliedPromotionSnapshot,
  FulfillmentStatus,
  OrderPaymentStatus,
  OrderShippingMethod,
  OrderStatus,
} from "./orders.schema.ts";
export {
  addOrderEvent,
  expiredUnpaidOrders,
  findOrder,
  findOrderByNumberAndEmail,
  findOrderOfUser,
  getOrderWithLines,
  insertOrder,
  itemCounts,
  listOrdersOfUser,
  type NewOrder,
  nextOrderNumber,
  type OrderActor,
  type OrderChange,
  type OrderEventRow,
  type OrderLineRow,
  type OrderRow,
  transitionOrder,
} from "./orders.service.ts";
