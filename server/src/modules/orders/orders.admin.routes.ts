import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AppError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { maxTagLength, maxTags, normaliseTag } from "../../platform/tags.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { type AuditedRequest, changedFields, recordStaffAction } from "../audit/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { markCaptured, openDisputes, paymentsOfOrder, type RefundReason } from "../payments/index.ts";
import { approveHeldOrder, cancelOrder } from "./orders.cancel.ts";
import { fulfilOrder } from "./orders.fulfilment.ts";
import { syncOrderLedger } from "./orders.ledger.ts";
import { addOrderNote, deleteOrderNote, orderNotesOf } from "./orders.notes.ts";
import { refundOrder, refundReasons } from "./orders.refunds.ts";
import { decideReturn, receiveReturn } from "./orders.returns.ts";
import {
  addOrderEvent,
  findOrder,
  getOrderAndLines,
  listOrders,
  openReturns,
  type ReturnRow,
  transitionOrder,
} from "./orders.service.ts";
import { orderStatuses, statusSchema } from "./orders.statuses.ts";
import { orderTagsInUse, setOrderTags } from "./orders.tags.ts";
import { AdminOrderSchema, AdminOrderSummarySchema, OrderNoteSchema } from "./orders.types.ts";
import { adminOrderDto, adminOrderSummaryPage, decodeOrderCursor } from "./orders.view.ts";

/**
 * Order management for staff under /api/admin: list and search (by status, number, e-mail or tag),
 * full detail with a plain-language timeline, internal notes, tags, cancel, refund, ship, mark a
 * manual payment paid, open disputes. Every change is audited with the staff member.
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
    /** What a refund changes on an order, for the audit entry's before/after. */
    const refundAuditSnapshot = async (orderId: string): Promise<Record<string, unknown> | null> => {
      const found = await getOrderAndLines(ctx.db, orderId).catch(() => null);
      if (!found) return null;
      const { order, lines } = found;
      return {
        status: order.status,
        paymentStatus: order.paymentStatus,
        paidTotal: order.paidTotal,
        refundedTotal: order.refundedTotal,
        refundedQuantities: Object.fromEntries(lines.map((l) => [l.id, l.refundedQuantity])),
      };
    };

    app.get(
      "/orders",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Orders",
          description:
            "Newest first. `q` finds an order number or part of an e-mail; `tag` the orders carrying a staff tag " +
            "(normalised like the tags: trimmed, lower case). Declined checkouts (status `payment_failed`: the " +
            "payment failed or was declined, nothing was taken) are listed only when `status=payment_failed` is " +
            "asked for. Errors: 400 naming the field.",
          tags,
          querystring: Type.Object(
            {
              status: Type.Optional(statusSchema(orderStatuses)),
              q: Type.Optional(Type.String({ maxLength: 100 })),
              tag: Type.Optional(Type.String({ maxLength: 100 })),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
              cursor: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(AdminOrderSummarySchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { limit, cursor, status, q } = request.query;
        const tag = request.query.tag === undefined ? undefined : normaliseTag(request.query.tag, "tag");
        const rows = await listOrders(ctx.db, { status, q, tag }, limit + 1, decodeOrderCursor(cursor));
        return adminOrderSummaryPage(ctx.db, rows, limit);
      },
    );

    app.get(
      "/order-tags",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Order tags in use",
          description:
            "The tags on orders, most used first (then A-Z), at most 100: suggestions for the tag editor.",
          tags,
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ tag: Type.String(), orders: Type.Integer() })),
            }),
            ...errors,
          },
        },
      },
      async () => ({ items: await orderTagsInUse(ctx.db) }),
    );

    app.put(
      "/orders/:id/tags",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Set an order's tags",
          description:
            `Replaces the order's staff tags. Each is trimmed and lower-cased, then 1-${maxTagLength} letters, digits, ` +
            `spaces, "-" or "_"; duplicates are dropped; at most ${maxTags}. Send \`If-Match\` with the order's ` +
            "version (its ETag): when someone changed the order since, nothing is saved and the answer is 409 " +
            "STALE_VERSION. A change bumps `version`. Audited with the tags before and after. Errors: 400 naming " +
            "`tags[i]`, 404 ORDER_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params: Id,
          headers: IfMatchHeaders,
          body: Type.Object(
            { tags: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 }) },
            { additionalProperties: false },
          ),
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const orderId = request.params.id;
        const expected = expectedVersion(request.headers);
        const { before, order } = await setOrderTags(ctx.db, orderId, request.body.tags, expected);
        const changes = changedFields({ tags: before }, { tags: order.tags });
        if (Object.keys(changes).length > 0)
          await audit(request, "order.tags.set", orderId, { changes, version: order.version });
        const dto = await adminOrderDto(ctx, orderId);
        reply.header("etag", etagOf(dto.version)).header("cache-control", "no-store");
        return dto;
      },
    );

    const NoteList = Type.Object({ items: Type.Array(OrderNoteSchema) });

    app.get(
      "/orders/:id/notes",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "An order's notes",
          description:
            "Internal staff notes, newest first, with their authors' names. Shoppers never see them. Errors: 404 ORDER_NOT_FOUND.",
          tags,
          params: Id,
          response: { 200: NoteList, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await orderNotesOf(ctx.db, request.params.id) };
      },
    );

    app.post(
      "/orders/:id/notes",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Add a note to an order",
          description:
            "Internal: only staff see notes. `body` is trimmed, 1-5000 characters. Answers the order's notes, newest " +
            "first. Audited. Errors: 400 (field `body`), 404 ORDER_NOT_FOUND.",
          tags,
          params: Id,
          body: Type.Object(
            { body: Type.String({ minLength: 1, maxLength: 5000 }) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ id: Type.String(), ...NoteList.properties }), ...errors },
        },
      },
      async (request, reply) => {
        const orderId = request.params.id;
        const id = await ctx.db.transaction(async (tx) => {
          const noteId = await addOrderNote(tx, orderId, request.staff?.userId ?? null, request.body.body);
          await recordStaffAction(tx, request, {
            action: "order.note.add",
            targetType: "order",
            targetId: orderId,
            metadata: { noteId, changes: changedFields(null, { note: request.body.body.trim() }) },
          });
          return noteId;
        });
        return reply.status(201).send({ id, items: await orderNotesOf(ctx.db, orderId) });
      },
    );

    app.delete(
      "/orders/:id/notes/:noteId",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Delete a note of an order",
          description:
            "Answers the notes left, newest first. Audited with what the note said. Errors: 404 ORDER_NOT_FOUND, NOTE_NOT_FOUND.",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }), noteId: Type.String({ maxLength: 64 }) }),
          response: { 200: NoteList, ...errors },
        },
      },
      async (request) => {
        const { id: orderId, noteId } = request.params;
        await ctx.db.transaction(async (tx) => {
          const body = await deleteOrderNote(tx, orderId, noteId);
          await recordStaffAction(tx, request, {
            action: "order.note.delete",
            targetType: "order",
            targetId: orderId,
            metadata: { noteId, changes: changedFields({ note: body }, null) },
          });
        });
        return { items: await orderNotesOf(ctx.db, orderId) };
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
      async (request, reply) => {
        const dto = await adminOrderDto(ctx, request.params.id);
        reply.header("etag", etagOf(dto.version)).header("cache-control", "no-store");
        return dto;
      },
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
          summary: "Refund an order (an amount, or items with a restock choice)",
          description:
            "Minor units of the order currency. Either `amount` alone (full or partial), or `lines` (units of order lines, each with `restock`) and/or `shipping`: the amount is then computed — each line's total (after its discount, with its tax) split over its units by largest remainder, so refunding every unit gives back exactly the line total, plus the shipping — and an `amount` sent with them may lower it, never raise it. " +
            "`restock: true` puts the units back once the provider confirms: unshipped units release their reservation, shipped ones go back on hand with a `restock` ledger entry. Never more than captured (422 REFUND_EXCEEDS_CAPTURED). " +
            "Send an Idempotency-Key: the same key returns the same refund. Errors: 400 naming the field (`amount`, `lines[i].lineId`, `lines[i].quantity` above quantity − refundedQuantity, `shipping`), 404 ORDER_NOT_FOUND, 422 NOTHING_TO_REFUND, 502 REFUND_FAILED when the provider refuses (nothing else changes), 503 REFUND_PENDING.",
          tags,
          params: Id,
          headers: Type.Object({
            "idempotency-key": Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          body: Type.Object(
            {
              amount: Type.Optional(
                Type.Integer({
                  minimum: 1,
                  description: "Minor units; required without `lines` and `shipping`",
                }),
              ),
              lines: Type.Optional(
                Type.Array(
                  Type.Object(
                    {
                      lineId: Type.String({ maxLength: 64 }),
                      quantity: Type.Integer({ description: "Units of the line to refund" }),
                      restock: Type.Boolean({ description: "Put these units back in stock" }),
                    },
                    { additionalProperties: false },
                  ),
                  { maxItems: 500 },
                ),
              ),
              shipping: Type.Optional(
                Type.Integer({ minimum: 0, description: "Shipping to give back, minor units" }),
              ),
              reason: Type.Union(refundReasons.map((r) => Type.Literal(r))),
              note: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: AdminOrderSchema, ...errors },
        },
      },
      async (request) => {
        const orderId = request.params.id;
        const before = await refundAuditSnapshot(orderId);
        const refund = await refundOrder(ctx, orderId, {
          amount: request.body.amount,
          lines: request.body.lines,
          shipping: request.body.shipping,
          reason: request.body.reason as RefundReason,
          note: request.body.note,
          actor: `staff:${request.staff!.userId}`,
          requestKey: request.headers["idempotency-key"] ?? null,
        });
        await audit(request, "order.refund", orderId, {
          refundId: refund.id,
          amount: refund.amount,
          reason: refund.reason,
          lines: refund.lines,
          shipping: request.body.shipping ?? 0,
          changes: changedFields(before, await refundAuditSnapshot(orderId)),
        });
        return adminOrderDto(ctx, orderId);
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
          await syncOrderLedger(tx, orderId);
          await addOrderEvent(
            tx,
            orderId,
            "payment.captured",
            `Payment of ${payment.amount} received (${payment.provider})`,
            actor,
            {
              paymentId: payment.id,
              amount: payment.amount,
              currency: order.currency,
              provider: payment.provider,
            },
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
