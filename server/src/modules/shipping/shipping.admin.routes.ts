import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for shipping zones and methods under /api/admin (being built). */
export function adminShippingRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
