import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { AppContext } from "../../platform/context.ts";

/** Staff API for promotions and coupon codes under /api/admin (being built). */
export function adminPromotionRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
