import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.service.ts";
import { roles } from "./staff.schema.ts";

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

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

    app.post(
      "/api-keys",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Create an API key",
          description:
            "A key for an integration, scoped to permissions you hold. The secret is in this answer only; " +
            "send it as `Authorization: Bearer <secret>`. Needs staff:manage.",
          tags: ["admin"],
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              permissions: Type.Array(Type.String(), { minItems: 1, maxItems: 50 }),
              expiresAt: Type.Optional(Type.String({ format: "date-time" })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ key: ApiKeySchema, secret: Type.String() }) },
        },
      },
      async (request, reply) => {
        const created = await createApiKey(
          db,
          {
            name: request.body.name,
            permissions: request.body.permissions,
            expiresAt: request.body.expiresAt ? new Date(request.body.expiresAt) : null,
          },
          { userId: request.staff!.userId, permissions: request.staff!.permissions, ipAddress: request.ip },
        );
        return reply.status(201).send(created);
      },
    );
    app.get(
      "/api-keys",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "List API keys",
          tags: ["admin"],
          response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }) },
        },
      },
      async () => ({ items: await listApiKeys(db) }),
    );
    app.delete(
      "/api-keys/:id",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Revoke an API key",
          tags: ["admin"],
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await revokeApiKey(db, request.params.id, { userId: request.staff!.userId, ipAddress: request.ip });
        return reply.status(204).send(null);
      },
    );
  };
}
