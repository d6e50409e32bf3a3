import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Public content API under /api/store (being built). */
export function storeContentRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
