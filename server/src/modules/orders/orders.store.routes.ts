import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { AppError, NotFoundError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { shopperOf } from "../cart/index.ts";
import type { AuthContext } from "../customers/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { cancelOrder } from "./orders.cancel.ts";
import { resolveDownload } from "./orders.downloads.ts";
import { requestReturn } from "./orders.returns.ts";
import { findOrderByNumberAndEmail, findOrderOfUser, listOrdersOfUser } from "./orders.service.ts";
import { OrderSchema, OrderSummarySchema } from "./orders.types.ts";
import { decodeOrderCursor, orderDto, orderSummaryPage } from "./orders.view.ts";

/** A guest's proof of an order: its number and the e-mail it was placed with. */
export const orderLookupFields = {
  number: Type.String({ maxLength: 20 }),
  email: Type.String({ maxLength: 254 }),
};

/** A return request: which shipped units, and why. */
const returnRequestFields = {
  lines: Type.Array(
    Type.Object(
      {
        lineId: Type.String({ maxLength: 64 }),
        quantity: Type.Integer({ minimum: 1 }),
        reason: Type.String({ minLength: 1, maxLength: 200 }),
      },
      { additionalProperties: false },
    ),
    { minItems: 1, maxItems: 100 },
  ),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
};

/**
 * The shopper's orders under /api/store: my orders (signed in), one order, cancelling before it
 * ships, asking for a return, digital downloads by signed link, and the guest's order lookup by number
 * and e-mail (rate-limited per IP address, as order numbers are sequential).
 */
export function storeOrderRoutes(ctx: AuthContext & PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Guest lookups by order number + e-mail are throttled per IP address (numbers are sequential).
    const lookupLimit = { max: ctx.config.orderLookupPerMinute, timeWindow: 60_000 };
    const errors = {
      400: ProblemSchema,
      401: ProblemSchema,
      403: ProblemSchema,
      404: ProblemSchema,
      409: ProblemSchema,
      422: ProblemSchema,
    };

    app.get(
      "/orders",
      {
        schema: {
          summary: "My orders",
          description: "The signed-in customer's orders, newest first.",
          tags: ["orders"],
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
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
        const shopper = await shopperOf(ctx, request);
        if (!shopper.userId) throw new AppError(401, "UNAUTHENTICATED", "Sign in first.");
        const { limit, cursor } = request.query;
        const rows = await listOrdersOfUser(ctx.db, shopper.userId, limit + 1, decodeOrderCursor(cursor));
        return orderSummaryPage(ctx.db, rows, limit);
      },
    );

    app.get(
      "/orders/:number",
      {
        schema: {
          summary: "One of my orders",
          tags: ["orders"],
          params: Type.Object({ number: Type.String({ maxLength: 20 }) }),
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request) => {
        const shopper = await shopperOf(ctx, request);
        if (!shopper.userId)
          throw new AppError(401, "UNAUTHENTICATED", "Sign in first, or look the order up with its e-mail.");
        const order = await findOrderOfUser(ctx.db, shopper.userId, request.params.number);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
        return orderDto(ctx, order.id);
      },
    );

    app.post(
      "/orders/:number/cancel",
      {
        schema: {
          summary: "Cancel one of my orders",
          description:
            "Before it ships (409 ORDER_NOT_CANCELLABLE after). The payment is voided or refunded in full.",
          tags: ["orders"],
          params: Type.Object({ number: Type.String({ maxLength: 20 }) }),
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request) => {
        const shopper = await shopperOf(ctx, request);
        if (!shopper.userId) throw new AppError(401, "UNAUTHENTICATED", "Sign in first.");
        const order = await findOrderOfUser(ctx.db, shopper.userId, request.params.number);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
        await cancelOrder(ctx, order.id, { actor: "customer", reason: "cancelled by the customer" });
        return orderDto(ctx, order.id);
      },
    );

    app.post(
      "/orders/:number/returns",
      {
        schema: {
          summary: "Ask to return items of my order",
          description:
            "Shipped units only, at most what shipped minus what is returned or being returned (400 naming the line). Staff approve the return (RMA) and refund once the items arrive.",
          tags: ["orders"],
          params: Type.Object({ number: Type.String({ maxLength: 20 }) }),
          body: Type.Object(returnRequestFields, { additionalProperties: false }),
          response: { 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const shopper = await shopperOf(ctx, request);
        if (!shopper.userId)
          throw new AppError(401, "UNAUTHENTICATED", "Sign in first, or use the order lookup.");
        const order = await findOrderOfUser(ctx.db, shopper.userId, request.params.number);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
        await requestReturn(ctx, order.id, {
          lines: request.body.lines,
          note: request.body.note,
          actor: "customer",
        });
        reply.status(201);
        return orderDto(ctx, order.id);
      },
    );

    app.post(
      "/orders/lookup/returns",
      {
        config: { rateLimit: lookupLimit },
        schema: {
          summary: "Ask to return items of a guest order",
          description:
            "Like /orders/{number}/returns, for guests: the order number and its e-mail identify the order.",
          tags: ["orders"],
          body: Type.Object(
            { ...returnRequestFields, ...orderLookupFields },
            { additionalProperties: false },
          ),
          response: { 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const order = await findOrderByNumberAndEmail(ctx.db, request.body.number, request.body.email);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No order matches this number and e-mail.");
        await requestReturn(ctx, order.id, {
          lines: request.body.lines,
          note: request.body.note,
          actor: "guest",
        });
        reply.status(201);
        return orderDto(ctx, order.id);
      },
    );

    app.get(
      "/downloads",
      {
        schema: {
          summary: "Download a bought file",
          description:
            "Signed links from an order's `downloads`. 403 DOWNLOAD_LINK_INVALID for a forged link, 410 DOWNLOAD_LINK_EXPIRED after its time, 403 DOWNLOAD_NOT_AVAILABLE when the order is no longer paid.",
          tags: ["orders"],
          querystring: Type.Object(
            { token: Type.String({ maxLength: 300 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Unknown({ description: "The file (application/octet-stream, as an attachment)" }),
            403: ProblemSchema,
            404: ProblemSchema,
            410: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const file = await resolveDownload(ctx, request.query.token);
        const stored = await ctx.storage.stream(file.storageKey);
        if (!stored) throw new NotFoundError("DOWNLOAD_FILE_MISSING", "The file is missing from storage.");
        const ascii = file.fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
        return reply
          .header("content-type", "application/octet-stream")
          .header("content-length", String(stored.object.bytes))
          .header(
            "content-disposition",
            `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          )
          .header("cache-control", "private, no-store")
          .send(stored.body);
      },
    );

    app.post(
      "/orders/lookup",
      {
        config: { rateLimit: lookupLimit },
        schema: {
          summary: "Find an order by number and e-mail",
          description:
            "For guests: the order number and the e-mail it was placed with. Both must match (404 otherwise).",
          tags: ["orders"],
          body: Type.Object(orderLookupFields, { additionalProperties: false }),
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request) => {
        const order = await findOrderByNumberAndEmail(ctx.db, request.body.number, request.body.email);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No order matches this number and e-mail.");
        return orderDto(ctx, order.id);
      },
    );
  };
}
