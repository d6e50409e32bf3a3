import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type AuditedRequest, recordStaffAction } from "../audit/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { markCaptured, openDisputes, paymentsOfOrder, type RefundReason } from "../payments/index.ts";
import { approveHeldOrder, cancelOrder } from "./orders.cancel.ts";
import { fulfilOrder } from "./orders.fulfilment.ts";
import { refundOrder, refundReasons } from "./orders.refunds.ts";
import { decideReturn, receiveReturn } from "./orders.returns.ts";
import {
  addOrderEvent,
  findOrder,
  listOrders,
  openReturns,
  type ReturnRow,
  transitionOrder,
} from "./orders.service.ts";
import { orderStatuses, statusSchema } from "./orders.statuses.ts";
import { AdminOrderSchema, OrderSummarySchema } from "./orders.types.ts";
import { adminOrderDto, decodeOrderCursor, orderSummaryPage } from "./orders.view.ts";

/**
 * Order management for staff under /api/admin: list and search, full detail, cancel, refund, ship,
 * mark a manual payment paid, open disputes. Every change is audited with the staff member.
 */
export function adminOrderRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = {
      400: ProblemSchema,
      401: ProblemSchema,
      403: ProblemSchema,
      404: ProblemSchema,
      409: ProblemSchema,
      422: ProblemSchema,
      502: ProblemSchema,
      503: ProblemSchema,
    };
    const tags = ["admin", "orders"];
    const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const audit = (
      request: AuditedRequest,
      action: string,
      orderId: string,
      metadata: Record<string, unknown> = {},
    ) => recordStaffAction(ctx.db, request, { action, targetType: "order", targetId: orderId, metadata });

    app.get(
      "/orders",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Orders",
          description: "Newest first. `q` finds an order number or part of an e-mail.",
          tags,
          querystring: Type.Object(
            {
              status: Type.Optional(statusSchema(orderStatuses)),
              q: Type.Optional(Type.String({ maxLength: 100 })),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(OrderSummarySchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { limit, cursor, status, q } = request.query;
        const rows = await listOrders(ctx.db, { status, q }, limit + 1, decodeOrderCursor(cursor));
        return orderSummaryPage(ctx.db, rows, limit);
      },
    );

    app.get(
      "/orders/:id",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "An order in full",
          tags,
          params: Id,
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => adminOrderDto(ctx, request.params.id),
    );

    app.post(
      "/orders/:id/cancel",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Cancel an order",
          description:
            "Only before anything shipped (409 ORDER_NOT_CANCELLABLE). Releases stock and coupons, voids an authorization or refunds a capture in full.",
          tags,
          params: Id,
          body: Type.Object(
            { reason: Type.String({ minLength: 1, maxLength: 500 }) },
            { additionalProperties: false },
          ),
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        await cancelOrder(ctx, request.params.id, {
          actor: `staff:${request.staff!.userId}`,
          reason: request.body.reason,
        });
        await audit(request, "order.cancel", request.params.id, { reason: request.body.reason });
        return adminOrderDto(ctx, request.params.id);
      },
    );

    app.post(
      "/orders/:id/refunds",
      {
        config: { permission: "orders:refund" },
        schema: {
          summary: "Refund an order",
          description:
            "Full or partial, in minor units of the order currency, never more than captured (422 REFUND_EXCEEDS_CAPTURED). Send an Idempotency-Key: the same key returns the same refund. 502 REFUND_FAILED when the provider refuses.",
          tags,
          params: Id,
          headers: Type.Object({
            "idempotency-key": Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          body: Type.Object(
            {
              amount: Type.Integer({ minimum: 1, description: "Minor units" }),
              reason: Type.Union(refundReasons.map((r) => Type.Literal(r))),
              note: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        const refund = await refundOrder(ctx, request.params.id, {
          amount: request.body.amount,
          reason: request.body.reason as RefundReason,
          note: request.body.note,
          actor: `staff:${request.staff!.userId}`,
          requestKey: request.headers["idempotency-key"] ?? null,
        });
        await audit(request, "order.refund", request.params.id, {
          refundId: refund.id,
          amount: refund.amount,
          reason: refund.reason,
        });
        return adminOrderDto(ctx, request.params.id);
      },
    );

    app.post(
      "/orders/:id/fulfillments",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Ship an order (whole or part)",
          description:
            "Without `lines`, ships everything not yet shipped. The tracking URL is derived for ups, usps, fedex and dhl when not given.",
          tags,
          params: Id,
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
          response: { 201: AdminOrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const parcel = await fulfilOrder(ctx, request.params.id, {
          ...request.body,
          actor: `staff:${request.staff!.userId}`,
        });
        await audit(request, "order.fulfil", request.params.id, { fulfillmentId: parcel.id });
        reply.status(201);
        return adminOrderDto(ctx, request.params.id);
      },
    );

    app.post(
      "/orders/:id/mark-paid",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Mark a manual payment as received",
          description:
            "For bank transfer and cash on delivery: the full amount counts as captured and the order moves to processing.",
          tags,
          params: Id,
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        const orderId = request.params.id;
        const order = await findOrder(ctx.db, orderId);
        if (!order) throw new AppError(404, "ORDER_NOT_FOUND", "No such order.");
        const payment = (await paymentsOfOrder(ctx.db, orderId)).find((p) =>
          ["bank_transfer", "cash_on_delivery"].includes(p.provider),
        );
        if (!payment)
          throw new AppError(
            409,
            "NOT_A_MANUAL_PAYMENT",
            "Only bank transfer and cash on delivery payments are marked paid by hand.",
          );
        const actor = `staff:${request.staff!.userId}`;
        await ctx.db.transaction(async (tx) => {
          const captured = await markCaptured(tx, payment.id, payment.amount);
          if (!captured) throw new AppError(409, "ALREADY_PAID", "This payment is already settled.");
          await transitionOrder(tx, orderId, ["pending_payment", "on_hold", "processing"], {
            ...(order.status === "pending_payment" ? { status: "processing" as const } : {}),
            paymentStatus: "paid",
            paidTotal: payment.amount,
            reservationExpiresAt: null,
          });
          await addOrderEvent(
            tx,
            orderId,
            "payment.captured",
            `Payment of ${payment.amount} received (${payment.provider})`,
            actor,
            { paymentId: payment.id },
          );
          await enqueue(tx, "order.paid", { orderId, amount: payment.amount });
        });
        await audit(request, "order.mark_paid", orderId, { paymentId: payment.id });
        return adminOrderDto(ctx, orderId);
      },
    );

    app.post(
      "/orders/:id/approve",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Release an order held for review",
          description:
            "A held order (fraud rules) moves to processing; its authorized payment is captured in full. To refuse it, cancel it (the authorization is voided).",
          tags,
          params: Id,
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        await approveHeldOrder(ctx, request.params.id, `staff:${request.staff!.userId}`);
        await audit(request, "order.approve", request.params.id);
        return adminOrderDto(ctx, request.params.id);
      },
    );

    const ReturnSchema = Type.Object({
      id: Type.String(),
      orderId: Type.String(),
      number: Type.String(),
      status: Type.String(),
      lines: Type.Array(
        Type.Object({ lineId: Type.String(), quantity: Type.Integer(), reason: Type.String() }),
      ),
      customerNote: Type.String(),
      staffNote: Type.String(),
      restocked: Type.Union([Type.Boolean(), Type.Null()]),
      refundAmount: Type.Union([Type.Integer(), Type.Null()]),
      createdAt: Type.String({ format: "date-time" }),
    });
    const returnDto = ({ updatedAt: _updated, ...r }: ReturnRow) => ({
      ...r,
      createdAt: r.createdAt.toISOString(),
    });

    app.get(
      "/returns",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Open returns",
          description: "Requested or approved, oldest first.",
          tags,
          response: { 200: Type.Array(ReturnSchema), ...errors },
        },
      },
      async () => (await openReturns(ctx.db)).map(returnDto),
    );

    for (const decision of ["approve", "reject"] as const) {
      app.post(
        `/returns/:id/${decision}`,
        {
          config: { permission: "orders:write" },
          schema: {
            summary: decision === "approve" ? "Approve a return" : "Reject a return",
            tags,
            params: Id,
            body: Type.Object(
              { note: Type.Optional(Type.String({ maxLength: 2000 })) },
              { additionalProperties: false },
            ),
            response: { 200: ReturnSchema, ...errors },
          },
        },
        async (request) => {
          const rma = await decideReturn(ctx, request.params.id, {
            approve: decision === "approve",
            note: request.body.note,
            actor: `staff:${request.staff!.userId}`,
          });
          await audit(request, `return.${decision}`, rma.orderId, { returnId: rma.id });
          return returnDto(rma);
        },
      );
    }

    app.post(
      "/returns/:id/receive",
      {
        config: { permission: "orders:refund" },
        schema: {
          summary: "Receive a return",
          description:
            "The items arrived: count them as returned, put them back in stock (`restock`), and refund what was paid for them (`refund`, default true).",
          tags,
          params: Id,
          body: Type.Object(
            { restock: Type.Boolean(), refund: Type.Boolean({ default: true }) },
            { additionalProperties: false },
          ),
          response: { 200: ReturnSchema, ...errors },
        },
      },
      async (request) => {
        const rma = await receiveReturn(ctx, request.params.id, {
          ...request.body,
          actor: `staff:${request.staff!.userId}`,
        });
        await audit(request, "return.receive", rma.orderId, { returnId: rma.id, ...request.body });
        return returnDto(rma);
      },
    );

    app.get(
      "/disputes",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Open disputes",
          description: "Chargebacks not yet won or lost, soonest evidence deadline first.",
          tags,
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                orderId: Type.String(),
                provider: Type.String(),
                reference: Type.String(),
                status: Type.String(),
                reason: Type.String(),
                amount: Type.Integer(),
                currency: Type.String(),
                evidenceDueBy: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
              }),
            ),
            ...errors,
          },
        },
      },
      async () =>
        (await openDisputes(ctx.db)).map((d) => ({
          id: d.id,
          orderId: d.orderId,
          provider: d.provider,
          reference: d.reference,
          status: d.status,
          reason: d.reason,
          amount: d.amount,
          currency: d.currency,
          evidenceDueBy: d.evidenceDueBy?.toISOString() ?? null,
        })),
    );
  };
}
