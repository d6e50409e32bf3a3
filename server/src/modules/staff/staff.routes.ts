import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { roles } from "./staff.schema.ts";

/** Staff API under /api/admin: who am I, and the roles. Every route declares its permission. */
export function staffRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/me",
      {
        config: { permission: "staff" },
        schema: {
          summary: "The signed-in staff member",
          description: "Roles and permissions of the caller. Errors: 401 UNAUTHENTICATED, 403 NOT_STAFF.",
          tags: ["admin"],
          response: {
            200: Type.Object({
              userId: Type.String(),
              email: Type.String(),
              roles: Type.Array(Type.String()),
              permissions: Type.Array(Type.String()),
            }),
          },
        },
      },
      async (request) => {
        const staff = request.staff!;
        return {
          userId: staff.userId,
          email: staff.email,
          roles: staff.roles,
          permissions: [...staff.permissions].sort(),
        };
      },
    );

    app.get(
      "/roles",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "List staff roles",
          description: "Built-in and custom roles with their permissions. Needs staff:manage.",
          tags: ["admin"],
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  key: Type.String(),
                  name: Type.String(),
                  builtIn: Type.Boolean(),
                  permissions: Type.Array(Type.String()),
                }),
              ),
            }),
          },
        },
      },
      async () => {
        const rows = await db.select().from(roles).orderBy(roles.createdAt);
        return {
          items: rows.map((r) => ({
            key: r.key,
            name: r.name,
            builtIn: r.builtIn,
            permissions: r.permissions,
          })),
        };
      },
    );
  };
}
