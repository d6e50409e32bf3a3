import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { PaymentsContext } from "../payments/index.ts";

/** PDF invoices and packing slips for staff under /api/admin (placeholder). */
export function adminOrderDocumentRoutes(_ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async () => {};
}

/** A shopper's PDF invoice of their own order under /api (placeholder). */
export function storeOrderDocumentRoutes(_ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
