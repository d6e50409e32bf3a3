import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { PaymentsContext } from "../payments/index.ts";

/**
 * Order editing before fulfilment for staff under /api/admin (placeholder: filled in by the order
 * editing work).
 */
export function adminOrderEditRoutes(_ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
