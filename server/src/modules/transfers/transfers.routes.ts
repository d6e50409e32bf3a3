import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for imports and exports under /api/admin (being built). */
export function adminTransferRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
