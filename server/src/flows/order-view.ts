import { thumbnailUrls } from "../modules/catalog/index.ts";
import { getOrderWithLines } from "../modules/orders/index.ts";
import { paymentsOfOrder } from "../modules/payments/index.ts";
import type { Db } from "../platform/db.ts";
import type { OrderDto } from "./orders.types.ts";

/** Timeline entries a shopper sees (staff notes and internal steps stay in the admin). */
const publicEvents = new Set([
  "order.placed",
  "payment.captured",
  "payment.authorized",
  "order.cancelled",
  "order.shipped",
  "order.delivered",
  "order.refunded",
]);

/** An order with its lines, latest payment and public timeline, as the shopper's API shows it. */
export async function orderDto(db: Db, orderId: string): Promise<OrderDto> {
  const [{ order, lines, events }, payments] = await Promise.all([
    getOrderWithLines(db, orderId),
    paymentsOfOrder(db, orderId),
  ]);
  const imageIds = [...new Set(lines.map((l) => l.imageId).filter((id): id is string => id !== null))];
  const thumbnails = await thumbnailUrls(db, imageIds);
  const payment = payments[0] ?? null;
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    paymentStatus: order.paymentStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    currency: order.currency,
    email: order.email,
    placedAt: order.placedAt.toISOString(),
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    shippingMethod: order.shippingMethod
      ? { code: order.shippingMethod.code, name: order.shippingMethod.name }
      : null,
    lines: lines.map((l) => ({
      id: l.id,
      variantId: l.variantId,
      productId: l.productId,
      sku: l.sku,
      productName: l.productName,
      productSlug: l.productSlug,
      variantTitle: l.variantTitle,
      options: l.options,
      thumbnailUrl: (l.imageId && thumbnails.get(l.imageId)) ?? null,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      subtotal: l.subtotal,
      discount: l.discount,
      tax: l.tax,
      total: l.total,
      isDigital: l.isDigital,
      fulfilledQuantity: l.fulfilledQuantity,
      returnedQuantity: l.returnedQuantity,
    })),
    promotions: order.promotions,
    couponCodes: order.couponCodes,
    totals: {
      subtotal: order.subtotal,
      discountTotal: order.discountTotal,
      shippingTotal: order.shippingTotal,
      shippingDiscount: order.shippingDiscount,
      shippingTax: order.shippingTax,
      taxTotal: order.taxTotal,
      total: order.total,
      paidTotal: order.paidTotal,
      refundedTotal: order.refundedTotal,
      pricesIncludeTax: order.pricesIncludeTax,
    },
    payment: payment
      ? {
          id: payment.id,
          provider: payment.provider,
          status: payment.status,
          amount: payment.amount,
          capturedAmount: payment.capturedAmount,
          refundedAmount: payment.refundedAmount,
          clientSecret: payment.clientSecret,
          redirectUrl: payment.redirectUrl,
          failureCode: payment.failureCode,
          failureMessage: payment.failureMessage,
        }
      : null,
    timeline: events
      .filter((e) => publicEvents.has(e.type))
      .map((e) => ({ type: e.type, message: e.message, at: e.createdAt.toISOString() })),
  };
}
