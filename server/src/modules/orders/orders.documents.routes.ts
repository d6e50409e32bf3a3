import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { AppError, NotFoundError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { shopperOf } from "../cart/index.ts";
import type { AuthContext } from "../customers/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { loadOrderDocument, renderInvoice, renderPackingSlip } from "./orders.documents.ts";
import { findOrderByNumberAndEmail, findOrderOfUser } from "./orders.service.ts";
import { orderLookupFields } from "./orders.store.routes.ts";

/** The PDF answer: shown in the browser (inline), never cached by shared caches or kept by the browser. */
function sendPdf(reply: FastifyReply, fileName: string, pdf: Buffer): FastifyReply {
  return reply
    .header("content-type", "application/pdf")
    .header("content-length", String(pdf.length))
    .header("content-disposition", `inline; filename="${fileName}"`)
    .header("cache-control", "private, no-store")
    .send(pdf);
}

/** The body of a PDF answer in the OpenAPI document. */
const pdfResponse = Type.String({ format: "binary", description: "The PDF document (application/pdf)" });

const layoutNote =
  "A4 portrait, 15 mm margins, fonts embedded; amounts in the order's currency, dates in UTC; long orders continue on further pages (column titles repeated, `Page x of y`). A 200-line order renders well under a second.";

const invoiceNote =
  'The invoice number is "INV-" + the order number; the invoice date is when the payment was captured (else the order date). Shows the shop (store settings: name, address, e-mail, logo), billing and shipping addresses (or the pickup address), every line (name, options, SKU, quantity, unit price, discount, tax, total), shipping, discounts with coupon codes, tax by rate, the total, whether prices include tax, amounts paid and refunded, the balance due and the payment method.';

/**
 * PDF documents of an order for staff under /api/admin (permission orders:read): the invoice and the
 * packing slip, shown inline (`Content-Disposition: inline; filename="invoice-<number>.pdf"` /
 * `packing-slip-<number>.pdf`, `Cache-Control: private, no-store`). 404 ORDER_NOT_FOUND for an unknown
 * order id.
 */
export function adminOrderDocumentRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "orders"];
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

    app.get(
      "/orders/:id/invoice.pdf",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "An order's invoice (PDF)",
          description: `${invoiceNote} ${layoutNote} Errors: 404 ORDER_NOT_FOUND.`,
          tags,
          params,
          produces: ["application/pdf"],
          response: { 200: pdfResponse, ...errors },
        },
      },
      async (request, reply) => {
        const data = await loadOrderDocument(ctx, request.params.id);
        return sendPdf(reply, `invoice-${data.order.number}.pdf`, await renderInvoice(data));
      },
    );

    app.get(
      "/orders/:id/packing-slip.pdf",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "An order's packing slip (PDF)",
          description: `The shop's name, the order number and date, the address to ship to (or the pickup address), the shipping method and the lines to pack (name, options, SKU, units ordered / already shipped / to ship; digital lines say "no shipping"), with room for a note. No prices. ${layoutNote} Errors: 404 ORDER_NOT_FOUND.`,
          tags,
          params,
          produces: ["application/pdf"],
          response: { 200: pdfResponse, ...errors },
        },
      },
      async (request, reply) => {
        const data = await loadOrderDocument(ctx, request.params.id);
        return sendPdf(reply, `packing-slip-${data.order.number}.pdf`, await renderPackingSlip(data));
      },
    );
  };
}

/**
 * A shopper's PDF invoice of their own order under /api/store, authorized exactly like the order
 * itself (orders.store.routes.ts): signed in, `GET /orders/{number}/invoice.pdf` finds only the
 * account's own orders (401 UNAUTHENTICATED without a session, 404 ORDER_NOT_FOUND for another
 * person's order: its existence is never revealed); a guest posts the order number and the e-mail it
 * was placed with to `/orders/lookup/invoice.pdf` (both must match, else 404; rate-limited per IP
 * address like the order lookup).
 */
export function storeOrderDocumentRoutes(ctx: AuthContext & PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const lookupLimit = { max: ctx.config.orderLookupPerMinute, timeWindow: 60_000 };
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema };

    app.get(
      "/orders/:number/invoice.pdf",
      {
        schema: {
          summary: "The invoice of one of my orders (PDF)",
          description: `Signed in: the account's own order (401 UNAUTHENTICATED without a session; 404 ORDER_NOT_FOUND for an order of someone else). ${invoiceNote} ${layoutNote}`,
          tags: ["orders"],
          params: Type.Object({ number: Type.String({ maxLength: 20 }) }),
          produces: ["application/pdf"],
          response: { 200: pdfResponse, ...errors },
        },
      },
      async (request, reply) => {
        const shopper = await shopperOf(ctx, request);
        if (!shopper.userId)
          throw new AppError(401, "UNAUTHENTICATED", "Sign in first, or look the order up with its e-mail.");
        const order = await findOrderOfUser(ctx.db, shopper.userId, request.params.number);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
        const data = await loadOrderDocument(ctx, order.id);
        return sendPdf(reply, `invoice-${order.number}.pdf`, await renderInvoice(data));
      },
    );

    app.post(
      "/orders/lookup/invoice.pdf",
      {
        config: { rateLimit: lookupLimit },
        schema: {
          summary: "The invoice of a guest order (PDF)",
          description: `For guests, like /orders/lookup: the order number and the e-mail it was placed with identify the order (404 ORDER_NOT_FOUND unless both match). ${invoiceNote} ${layoutNote}`,
          tags: ["orders"],
          body: Type.Object(orderLookupFields, { additionalProperties: false }),
          produces: ["application/pdf"],
          response: { 200: pdfResponse, ...errors },
        },
      },
      async (request, reply) => {
        const order = await findOrderByNumberAndEmail(ctx.db, request.body.number, request.body.email);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No order matches this number and e-mail.");
        const data = await loadOrderDocument(ctx, order.id);
        return sendPdf(reply, `invoice-${order.number}.pdf`, await renderInvoice(data));
      },
    );
  };
}
