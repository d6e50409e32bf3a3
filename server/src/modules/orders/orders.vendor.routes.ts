import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { PostalAddressSchema } from "../../platform/address.ts";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { vendorScope } from "../../platform/vendor-scope.ts";
import { recordStaffAction } from "../audit/index.ts";
import { fulfilOrder } from "./orders.fulfilment.ts";
import { unitsLeftToShip } from "./orders.service.ts";
import { OrderShipmentSchema } from "./orders.types.ts";
import { getVendorOrder, listVendorOrders, type VendorOrderDetail } from "./orders.vendors.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Minor = (description: string) =>
  Type.Integer({ description: `${description}, minor units of currency` });

const VendorOrderSummarySchema = Type.Object({
  id: Type.String(),
  number: Type.String({ description: "<order number>-<n>" }),
  orderStatus: Type.String(),
  fulfillmentStatus: Type.String(),
  toShip: Type.Boolean({ description: "Paid, not on hold, with units left to ship: ship it now" }),
  shipTo: Nullable(Type.String({ description: "Recipient's name, city and country" })),
  itemCount: Type.Integer(),
  currency: Type.String({ description: "ISO 4217" }),
  total: Minor("The vendor's lines and shipping share"),
  commissionTotal: Minor("The platform's commission"),
  payableTotal: Minor("Owed to the vendor"),
  placedAt: Type.String({ format: "date-time" }),
});

const VendorOrderSchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  orderNumber: Type.String({ description: "The shopper's order number" }),
  orderStatus: Type.String(),
  fulfillmentStatus: Type.String(),
  placedAt: Type.String({ format: "date-time" }),
  currency: Type.String(),
  subtotal: Minor("Lines before discounts"),
  discountTotal: Minor("Discounts on the lines"),
  taxTotal: Minor("Tax on the lines and the shipping share"),
  shippingTotal: Minor("The vendor's share of the shipping charge"),
  total: Minor("Lines and shipping share"),
  commissionTotal: Minor("The platform's commission"),
  payableTotal: Minor("Owed to the vendor: total − commission"),
  shippingAddress: Nullable(PostalAddressSchema),
  shippingMethod: Nullable(Type.Object({ name: Type.String(), type: Type.String() })),
  canShip: Type.Boolean({ description: "The order is paid and something of the vendor's is left to ship" }),
  lines: Type.Array(
    Type.Object({
      id: Type.String(),
      sku: Type.String(),
      productName: Type.String(),
      variantTitle: Type.String(),
      options: Type.Record(Type.String(), Type.String()),
      quantity: Type.Integer(),
      unitPrice: Minor("Unit price paid"),
      total: Minor("Line total"),
      commissionAmount: Minor("Commission on the line"),
      fulfilledQuantity: Type.Integer(),
      cancelledQuantity: Type.Integer({ description: "Refunded before shipping: never ship" }),
      refundedQuantity: Type.Integer(),
      returnedQuantity: Type.Integer(),
      leftToShip: Type.Integer(),
      requiresShipping: Type.Boolean(),
    }),
  ),
  shipments: Type.Array(OrderShipmentSchema),
});

const errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};

function vendorOrderDto(d: VendorOrderDetail) {
  const v = d.vendorOrder;
  const shippable = ["processing", "partially_shipped"].includes(d.order.status);
  const lines = d.lines.map((l) => ({
    id: l.id,
    sku: l.sku,
    productName: l.productName,
    variantTitle: l.variantTitle,
    options: l.options,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    total: l.total,
    commissionAmount: l.commissionAmount,
    fulfilledQuantity: l.fulfilledQuantity,
    cancelledQuantity: l.cancelledQuantity,
    refundedQuantity: l.refundedQuantity,
    returnedQuantity: l.returnedQuantity,
    leftToShip: l.requiresShipping ? unitsLeftToShip(l) : 0,
    requiresShipping: l.requiresShipping,
  }));
  return {
    id: v.id,
    number: v.number,
    orderNumber: d.order.number,
    orderStatus: d.order.status,
    fulfillmentStatus: v.fulfillmentStatus,
    placedAt: v.placedAt.toISOString(),
    currency: v.currency,
    subtotal: v.subtotal,
    discountTotal: v.discountTotal,
    taxTotal: v.taxTotal,
    shippingTotal: v.shippingTotal,
    total: v.total,
    commissionTotal: v.commissionTotal,
    payableTotal: v.payableTotal,
    shippingAddress: d.order.shippingAddress,
    shippingMethod: d.order.shippingMethod
      ? { name: d.order.shippingMethod.name, type: d.order.shippingMethod.type }
      : null,
    canShip: shippable && lines.some((l) => l.leftToShip > 0),
    lines,
    shipments: d.fulfillments.map((f) => ({
      id: f.id,
      soldBy: v.vendorName,
      status: f.status,
      carrier: f.carrier,
      trackingNumber: f.trackingNumber,
      trackingUrl: f.trackingUrl,
      lines: f.lines,
      shippedAt: f.shippedAt?.toISOString() ?? null,
      deliveredAt: f.deliveredAt?.toISOString() ?? null,
    })),
  };
}

/**
 * The vendor portal's orders under /api/vendor: the vendor's vendor orders (paid orders only), each
 * with only its own lines, the address to ship to and its own parcels, and shipping them with
 * tracking. Another vendor's order answers 404. Shipping stays allowed while the vendor is suspended
 * (orders already placed are followed up).
 */
export function vendorOrderRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["vendor", "orders"];
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    app.get(
      "/orders",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "My orders",
          description:
            "The vendor's orders, newest first, keyset-paged; `filter=to_ship` keeps those to ship now. Errors: 400 " +
            "naming the field.",
          tags,
          querystring: Type.Object(
            {
              filter: Type.Union([Type.Literal("to_ship"), Type.Literal("all")], { default: "all" }),
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
              cursor: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(VendorOrderSummarySchema),
              nextCursor: Nullable(Type.String()),
              total: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listVendorOrders(ctx.db, vendorScope(request).id, request.query);
      },
    );
    app.get(
      "/orders/:id",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "One of my orders",
          description:
            "The vendor order: its lines, the shipping address and method, its parcels, and what the vendor is owed. " +
            "Errors: 404 VENDOR_ORDER_NOT_FOUND (also for another vendor's order).",
          tags,
          params,
          response: { 200: VendorOrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return vendorOrderDto(await getVendorOrder(ctx.db, vendorScope(request).id, request.params.id));
      },
    );
    app.post(
      "/orders/:id/fulfillments",
      {
        config: { vendorRole: "member", vendorWhileSuspended: true },
        schema: {
          summary: "Ship my order (whole or part)",
          description:
            "Without `lines`, ships everything of the vendor's left to ship; `lines` names the vendor's own lines " +
            "and units. The tracking URL is derived for ups, usps, fedex and dhl when not given. The shopper is " +
            "e-mailed the tracking. 201 with the vendor order. Errors: 400 naming the field (another vendor's " +
            "line, too many units), 404 VENDOR_ORDER_NOT_FOUND, 409 ORDER_NOT_SHIPPABLE (unpaid, on hold, " +
            "cancelled, or nothing left), 409 LINE_CHANGED (units refunded meanwhile).",
          tags,
          params,
          body: Type.Object(
            {
              carrier: Type.String({ minLength: 1, maxLength: 40 }),
              trackingNumber: Type.Optional(Type.String({ maxLength: 100 })),
              trackingUrl: Type.Optional(Type.String({ maxLength: 500, format: "uri" })),
              lines: Type.Optional(
                Type.Array(
                  Type.Object({
                    lineId: Type.String({ maxLength: 64 }),
                    quantity: Type.Integer({ minimum: 1 }),
                  }),
                  { minItems: 1 },
                ),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: VendorOrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const scope = vendorScope(request);
        const before = await getVendorOrder(ctx.db, scope.id, request.params.id);
        const parcel = await fulfilOrder(ctx, before.order.id, {
          ...request.body,
          vendorId: scope.id,
          actor: `vendor:${scope.userId}`,
        });
        await recordStaffAction(ctx.db, request, {
          action: "order.fulfil",
          targetType: "order",
          targetId: before.order.id,
          metadata: { fulfillmentId: parcel.id, vendorOrderId: before.vendorOrder.id },
        });
        reply.status(201);
        return vendorOrderDto(await getVendorOrder(ctx.db, scope.id, request.params.id));
      },
    );
  };
}
