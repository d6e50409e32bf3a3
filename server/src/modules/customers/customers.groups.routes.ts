import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Db } from "../../platform/db.ts";

/** Customer groups for staff under /api/admin (placeholder). */
export function adminCustomerGroupRoutes(_db: Db): FastifyPluginAsyncTypebox {
  return async () => {};
}
