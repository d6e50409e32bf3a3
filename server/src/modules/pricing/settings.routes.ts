import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for store settings and tax rates under /api/admin (being built). */
export function adminSettingsRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
