import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { listAudit } from "./audit.service.ts";

/** GET /api/admin/audit-events: the audit log, newest first. Needs audit:read (Owners and Admins). */
/** Names of actors by user id (the accounts module knows them); ids without a name are left out. */
export type ActorNames = (userIds: string[]) => Promise<Map<string, string>>;

/**
 * The audit log for staff under /api/admin (audit:read). Each entry names its actor (`actorName`,
 * their name or e-mail) when `actorNames` is given, so the screen never shows raw ids.
 */
export function auditRoutes(db: Db, actorNames?: ActorNames): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/audit-events",
      {
        config: { permission: "audit:read" },
        schema: {
          summary: "Audit log",
          description:
            "Staff actions and security events (sign-ins, failed sign-ins, 2FA changes, password resets, role changes), " +
            "newest first, with actor, IP address, user agent and UTC time. Needs audit:read.",
          tags: ["admin"],
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
              cursor: Type.Optional(Type.String({ maxLength: 64 })),
              action: Type.Optional(Type.String({ maxLength: 100 })),
              actorId: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  action: Type.String(),
                  actorId: Type.Union([Type.Null(), Type.String()]),
                  actorName: Type.Union([Type.Null(), Type.String()], {
                    description: "The actor's name or e-mail; null for the system or an erased account",
                  }),
                  targetType: Type.Union([Type.String(), Type.Null()]),
                  targetId: Type.Union([Type.String(), Type.Null()]),
                  ipAddress: Type.Union([Type.String(), Type.Null()]),
                  userAgent: Type.Union([Type.String(), Type.Null()]),
                  metadata: Type.Record(Type.String(), Type.Unknown()),
                  createdAt: Type.String({ format: "date-time" }),
                }),
              ),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            400: ProblemSchema,
          },
        },
      },
      async (request) => {
        const page = await listAudit(db, request.query);
        const ids = [...new Set(page.items.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
        const names = actorNames && ids.length ? await actorNames(ids) : new Map<string, string>();
        return {
          ...page,
          items: page.items.map((e) => ({
            ...e,
            actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
          })),
        };
      },
    );
  };
}
