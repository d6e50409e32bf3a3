import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for content (pages, home page, menus, announcement) under /api/admin (being built). */
export function adminContentRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
