import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import { Type } from "typebox";
import { type Auth, accountGuard } from "../../modules/customers/index.ts";
import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { erasePersonalData, exportPersonalData } from "./gdpr.ts";

const ExportSchema = Type.Object({
  exportedAt: Type.String({ format: "date-time" }),
  subject: Type.Object({ id: Type.String(), email: Type.String() }),
  data: Type.Record(Type.String(), Type.Array(Type.Record(Type.String(), Type.Unknown()))),
});

const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

/** The shopper's own GDPR requests, under /api/store/account (signed in; writes CSRF-checked). */
export function accountGdprRoutes(auth: Auth, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook("onRequest", accountGuard(auth));
    app.get(
      "/data-export",
      {
        schema: {
          summary: "Download my data",
          description: "Every personal field the shop holds about me, as JSON (GDPR Art. 15 and 20).",
          tags: ["account"],
          response: { 200: ExportSchema, ...errors },
        },
      },
      async (request, reply) => {
        const body = await exportPersonalData(db, request.accountId!, {
          actorId: request.accountId!,
          ipAddress: request.ip,
          userAgent: request.headers["user-agent"] ?? null,
        });
        return reply.header("content-disposition", 'attachment; filename="my-data.json"').send(body);
      },
    );
    app.post(
      "/erase",
      {
        schema: {
          summary: "Erase my account",
          description:
            "Deletes or anonymises my personal data everywhere (GDPR Art. 17) after checking my password; " +
            "orders keep their amounts and tax without my name, email or address. Errors: 400 INVALID_PASSWORD.",
          tags: ["account"],
          body: Type.Object(
            { password: Type.String({ minLength: 1, maxLength: 128 }) },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        try {
          await auth.api.verifyPassword({
            body: { password: request.body.password },
            headers: fromNodeHeaders(request.headers),
          });
        } catch {
          throw new AppError(400, "INVALID_PASSWORD", "The password is not right.", [
            { field: "password", message: "is not right" },
          ]);
        }
        await erasePersonalData(db, request.accountId!, { actorId: request.accountId! });
        return reply.status(204).send(null);
      },
    );
  };
}

/** Staff GDPR requests under /api/admin, each needing customers:gdpr; both are audited with the actor. */
export function adminGdprRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    app.get(
      "/customers/:id/data-export",
      {
        config: { permission: "customers:gdpr" },
        schema: {
          summary: "Export a customer's data",
          tags: ["admin"],
          params,
          response: { 200: ExportSchema, ...errors },
        },
      },
      async (request) =>
        exportPersonalData(db, request.params.id, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
          userAgent: request.headers["user-agent"] ?? null,
        }),
    );
    app.post(
      "/customers/:id/erase",
      {
        config: { permission: "customers:gdpr" },
        schema: {
          summary: "Erase a customer",
          tags: ["admin"],
          params,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await erasePersonalData(db, request.params.id, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
          userAgent: request.headers["user-agent"] ?? null,
        });
        return reply.status(204).send(null);
      },
    );
  };
}
