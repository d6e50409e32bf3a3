import { type Static, Type } from "typebox";
// The schema file itself (not the module barrel): the SDK derives client types from these files.
import { PostalAddressSchema } from "../../platform/address.ts";
import { AppliedPromotionSchema } from "../cart/index.ts";
import {
  fulfillmentStatuses,
  orderStatuses,
  paymentStatuses,
  returnStatuses,
  statusSchema,
} from "./orders.statuses.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Minor = (description: string) =>
  Type.Integer({ description: `${description}, minor units of the order currency` });

export const OrderLineSchema = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  productId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  productSlug: Type.String(),
  variantTitle: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  thumbnailUrl: Nullable(Type.String()),
  quantity: Type.Integer(),
  unitPrice: Minor("Unit price paid"),
  subtotal: Minor("unitPrice x quantity"),
  discount: Minor("Discount on the line"),
  tax: Minor("Tax on the line"),
  total: Minor("Line total"),
  isDigital: Type.Boolean(),
  fulfilledQuantity: Type.Integer(),
  returnedQuantity: Type.Integer(),
  refundedQuantity: Type.Integer({
    description: "Units refunded item by item (per-item refunds and received returns); at most quantity",
  }),
  cancelledQuantity: Type.Integer({
    description:
      "Units refunded before they shipped (part of refundedQuantity): they never ship. Left to ship: quantity − fulfilledQuantity − cancelledQuantity",
  }),
  soldBy: Nullable(Type.String({ description: "The marketplace vendor selling the line; null: the shop" })),
});

/** A parcel of an order, with who sent it. */
export const OrderShipmentSchema = Type.Object({
  id: Type.String(),
  soldBy: Nullable(Type.String({ description: "The vendor who sent it; null: the shop" })),
  status: Type.String({ description: "pending, shipped, in_transit, out_for_delivery, delivered, ..." }),
  carrier: Type.String(),
  trackingNumber: Nullable(Type.String()),
  trackingUrl: Nullable(Type.String()),
  lines: Type.Array(Type.Object({ lineId: Type.String(), quantity: Type.Integer() })),
  shippedAt: Nullable(Type.String({ format: "date-time" })),
  deliveredAt: Nullable(Type.String({ format: "date-time" })),
});

/** A vendor's part of a marketplace order, as the shopper sees it. */
export const OrderVendorPartSchema = Type.Object({
  number: Type.String({ description: "<order number>-<n>" }),
  soldBy: Type.String({ description: "The vendor's name when the order was placed" }),
  fulfillmentStatus: Type.String({
    description:
      "unfulfilled, partially_fulfilled, fulfilled, partially_delivered, delivered, not_required, cancelled",
  }),
  lineIds: Type.Array(Type.String()),
});

export const OrderPaymentSchema = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  status: Type.String({
    description:
      "pending, requires_action, authorized, captured, partially_refunded, refunded, failed, canceled",
  }),
  amount: Minor("Amount"),
  capturedAmount: Minor("Captured"),
  refundedAmount: Minor("Refunded"),
  clientSecret: Nullable(
    Type.String({ description: "For the storefront to finish a card payment (Stripe)" }),
  ),
  redirectUrl: Nullable(Type.String({ description: "Where the shopper must go to approve the payment" })),
  failureCode: Nullable(Type.String()),
  failureMessage: Nullable(Type.String()),
});

export const OrderTimelineEntrySchema = Type.Object({
  type: Type.String({ description: "What happened, e.g. order.placed, payment.captured, order.shipped" }),
  message: Type.String({
    description:
      'In plain language with money in the order currency, e.g. "Payment of $136.00 captured by Stripe"',
  }),
  at: Type.String({ format: "date-time" }),
});

/** An order as its customer (or a guest with its number and e-mail) sees it. */
export const OrderSchema = Type.Object({
  id: Type.String(),
  number: Type.String({ description: "Human order number, sequential" }),
  status: statusSchema(orderStatuses),
  paymentStatus: statusSchema(paymentStatuses),
  fulfillmentStatus: statusSchema(fulfillmentStatuses),
  currency: Type.String({ description: "ISO 4217" }),
  email: Type.String(),
  placedAt: Type.String({ format: "date-time" }),
  shippingAddress: Nullable(PostalAddressSchema),
  billingAddress: Nullable(PostalAddressSchema),
  shippingMethod: Nullable(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      type: Type.String({ description: "flat_rate, table_rate, free, pickup or carrier" }),
      pickupAddress: Nullable(Type.String({ description: "Where a pickup order is collected" })),
    }),
  ),
  lines: Type.Array(OrderLineSchema),
  shipments: Type.Array(OrderShipmentSchema, { description: "Parcels, oldest first" }),
  vendorOrders: Type.Array(OrderVendorPartSchema, {
    description: "A marketplace order's parts, one per vendor, each shipped by its vendor (empty otherwise)",
  }),
  promotions: Type.Array(AppliedPromotionSchema),
  couponCodes: Type.Array(Type.String()),
  totals: Type.Object({
    subtotal: Minor("Sum of line subtotals"),
    discountTotal: Minor("Item discounts"),
    shippingTotal: Minor("Shipping before discount"),
    shippingDiscount: Minor("Shipping discount"),
    shippingTax: Minor("Tax on shipping"),
    taxTotal: Minor("All tax"),
    total: Minor("Order total"),
    paidTotal: Minor("Captured minus refunded"),
    refundedTotal: Minor("Refunded"),
    pricesIncludeTax: Type.Boolean(),
  }),
  payment: Nullable(OrderPaymentSchema),
  downloads: Type.Array(
    Type.Object({
      title: Type.String(),
      fileName: Type.String(),
      bytes: Type.Integer({ description: "File size in bytes" }),
      url: Type.String({ description: "Signed link, valid until expiresAt" }),
      expiresAt: Type.String({ format: "date-time" }),
    }),
    { description: "Files of digital products, once the order is paid" },
  ),
  returns: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String({ description: "RMA number" }),
      status: statusSchema(returnStatuses),
      lines: Type.Array(
        Type.Object({ lineId: Type.String(), quantity: Type.Integer(), reason: Type.String() }),
      ),
      refundAmount: Nullable(Minor("Refunded for this return")),
      createdAt: Type.String({ format: "date-time" }),
    }),
  ),
  timeline: Type.Array(OrderTimelineEntrySchema),
});

export const OrderSummarySchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: statusSchema(orderStatuses),
  paymentStatus: statusSchema(paymentStatuses),
  fulfillmentStatus: statusSchema(fulfillmentStatuses),
  currency: Type.String(),
  email: Type.String({ description: "Contact e-mail of the order" }),
  total: Minor("Order total"),
  itemCount: Type.Integer(),
  placedAt: Type.String({ format: "date-time" }),
});

/** A row of the staff order list: the summary plus the staff tags (never shown to the shopper). */
export const AdminOrderSummarySchema = Type.Object({
  ...OrderSummarySchema.properties,
  tags: Type.Array(Type.String(), { description: "Staff labels, lower case" }),
});

/** A staff note on an order (internal: the shopper's API never answers notes). */
export const OrderNoteSchema = Type.Object({
  id: Type.String(),
  body: Type.String(),
  authorId: Nullable(Type.String()),
  authorName: Nullable(Type.String({ description: "The author's name; null when the account is gone" })),
  createdAt: Type.String({ format: "date-time" }),
});

export type OrderDto = Static<typeof OrderSchema>;
export type OrderSummaryDto = Static<typeof OrderSummarySchema>;
export type AdminOrderSummaryDto = Static<typeof AdminOrderSummarySchema>;

/** An order as staff see it: everything the shopper sees plus payments, refunds, disputes, parcels and the full timeline. */
const { timeline: _shopperTimeline, ...orderProperties } = OrderSchema.properties;

export const AdminOrderSchema = Type.Object({
  ...orderProperties,
  ...{
    userId: Nullable(Type.String()),
    ipAddress: Nullable(Type.String()),
    holdReason: Nullable(Type.String()),
    tags: Type.Array(Type.String(), { description: "Staff labels, lower case" }),
    version: Type.Integer({ description: "Bumped by every staff edit; send it back as If-Match" }),
    payments: Type.Array(
      Type.Object({
        id: Type.String(),
        provider: Type.String(),
        reference: Nullable(Type.String()),
        status: Type.String(),
        amount: Minor("Amount"),
        capturedAmount: Minor("Captured"),
        refundedAmount: Minor("Refunded or being refunded"),
        riskScore: Nullable(Type.Integer()),
        failureCode: Nullable(Type.String()),
        createdAt: Type.String({ format: "date-time" }),
      }),
    ),
    refunds: Type.Array(
      Type.Object({
        id: Type.String(),
        amount: Minor("Amount"),
        reason: Type.String(),
        note: Type.String(),
        status: Type.String(),
        actor: Type.String(),
        lines: Type.Array(
          Type.Object({ lineId: Type.String(), quantity: Type.Integer(), restock: Type.Boolean() }),
          { description: "The order lines of a per-item refund; empty for an amount-only refund" },
        ),
        createdAt: Type.String({ format: "date-time" }),
      }),
    ),
    disputes: Type.Array(
      Type.Object({
        id: Type.String(),
        reference: Type.String(),
        status: Type.String(),
        reason: Type.String(),
        amount: Minor("Disputed"),
        evidenceDueBy: Nullable(Type.String({ format: "date-time" })),
      }),
    ),
    fulfillments: Type.Array(OrderShipmentSchema),
    vendorFigures: Type.Array(
      Type.Object({
        number: Type.String(),
        vendorId: Type.String(),
        soldBy: Type.String(),
        total: Minor("The vendor's lines and shipping share"),
        commissionTotal: Minor("The platform's commission"),
        payableTotal: Minor("Owed to the vendor: total − commission"),
      }),
      { description: "Per vendor order: what it is worth and how it is shared (staff only)" },
    ),
    timeline: Type.Array(
      Type.Object({
        type: Type.String({ description: "What happened, e.g. order.placed, payment.captured" }),
        message: Type.String({
          description:
            'In plain language with money in the order currency, e.g. "Refunded $20.00 (requested by customer)"; an entry of an unknown type keeps its stored text',
        }),
        actor: Type.String({
          description: '"system", "customer", "guest", "provider:<id>", "carrier:<id>", "staff:<user id>"',
        }),
        actorName: Type.String({
          description: 'Who, in words: "Ada Lovelace (staff)", "Customer", "Stripe", "UPS", "System"',
        }),
        data: Type.Record(Type.String(), Type.Unknown(), {
          description: "The stored facts; amounts in minor units of the order currency",
        }),
        at: Type.String({ format: "date-time" }),
      }),
    ),
  },
});

export type AdminOrderDto = Static<typeof AdminOrderSchema>;
