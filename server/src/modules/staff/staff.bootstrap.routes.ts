import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import type { Auth } from "../customers/index.ts";
import { completeOwnerSetup } from "./staff.bootstrap.ts";

/** POST /api/setup/owner: creates the first Owner with the one-time link printed at start. */
export function ownerSetupRoutes(auth: Auth, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      "/api/setup/owner",
      {
        schema: {
          summary: "Create the first Owner",
          description:
            "With the one-time token of the setup link that `npm start` prints when the shop has no Owner. " +
            "Works once, only while there is no Owner. Errors: 403 SETUP_NOT_ALLOWED; 400 for a weak password.",
          tags: ["account"],
          body: Type.Object(
            {
              token: Type.String({ minLength: 20, maxLength: 200 }),
              name: Type.String({ minLength: 1, maxLength: 100 }),
              email: Type.String({ format: "email", maxLength: 254 }),
              password: Type.String({ minLength: 8, maxLength: 128 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ userId: Type.String() }), 400: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await completeOwnerSetup(auth, db, request.body, request.ip)),
    );
  };
}
