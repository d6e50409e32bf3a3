import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for payment provider settings under /api/admin (being built). */
export function adminPaymentSettingsRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
