import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { recordStaffAction } from "../audit/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { markPickedUp, markReadyForPickup } from "./orders.pickup.ts";
import { AdminOrderSchema } from "./orders.types.ts";
import { adminOrderDto } from "./orders.view.ts";

/**
 * Pickup orders for staff under /api/admin: the shopper chose a pickup method, so there is no
 * carrier form; staff mark the order ready (the shopper gets an e-mail with the address) and then
 * collected. Both answer the order in full and are audited.
 */
export function adminOrderPickupRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = { 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
    const tags = ["admin", "orders"];
    const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

    app.post(
      "/orders/:id/ready-for-pickup",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Mark a pickup order ready for collection",
          description:
            "Sets aside every unit still to hand over (stock leaves the shelf), the order becomes `ready_for_pickup` " +
            "and the customer is e-mailed the pickup address. 409 NOT_A_PICKUP_ORDER for an order that ships, " +
            "409 ORDER_NOT_READY_FOR_PICKUP unless the order is paid and processing.",
          tags,
          params: Id,
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        const fulfillment = await markReadyForPickup(
          ctx.db,
          request.params.id,
          `staff:${request.staff!.userId}`,
        );
        await recordStaffAction(ctx.db, request, {
          action: "order.ready_for_pickup",
          targetType: "order",
          targetId: request.params.id,
          metadata: {
            fulfillmentId: fulfillment.id,
            before: { status: "processing" },
            after: { status: "ready_for_pickup" },
          },
        });
        return adminOrderDto(ctx, request.params.id);
      },
    );

    app.post(
      "/orders/:id/picked-up",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Record that the customer collected a pickup order",
          description:
            "The order becomes `delivered` (collected) and the customer gets a receipt e-mail. " +
            "409 ORDER_NOT_READY_FOR_PICKUP unless it was marked ready first.",
          tags,
          params: Id,
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        const fulfillment = await markPickedUp(ctx.db, request.params.id, `staff:${request.staff!.userId}`);
        await recordStaffAction(ctx.db, request, {
          action: "order.picked_up",
          targetType: "order",
          targetId: request.params.id,
          metadata: {
            fulfillmentId: fulfillment.id,
            before: { status: "ready_for_pickup" },
            after: { status: "delivered" },
          },
        });
        return adminOrderDto(ctx, request.params.id);
      },
    );
  };
}
