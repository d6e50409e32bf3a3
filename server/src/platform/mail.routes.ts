import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { desc, lt } from "drizzle-orm";
import { Type } from "typebox";
import type { Db } from "./db.ts";
import { mailMessages } from "./outbox.schema.ts";
import { ProblemSchema } from "./problem.schema.ts";

/**
 * GET /api/admin/mail-messages: the local mail outbox (embedded mode keeps email here instead of
 * sending it), newest first. Needs settings:write.
 */
export function mailOutboxRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/mail-messages",
      {
        config: { permission: "settings:write" },
        schema: {
          summary: "Local mail outbox",
          description:
            "Emails kept instead of sent when no SMTP_URL is configured, newest first. Needs settings:write.",
          tags: ["admin"],
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
              cursor: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  from: Type.String(),
                  to: Type.String(),
                  subject: Type.String(),
                  html: Type.String(),
                  text: Type.String(),
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
        const { limit, cursor } = request.query;
        const rows = await db
          .select()
          .from(mailMessages)
          .where(cursor ? lt(mailMessages.id, cursor) : undefined)
          .orderBy(desc(mailMessages.id))
          .limit(limit + 1);
        const page = rows.slice(0, limit);
        return {
          items: page.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
          nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
        };
      },
    );
  };
}
