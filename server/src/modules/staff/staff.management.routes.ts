import { randomBytes } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type Auth, accountSummaries, inviteToSetPassword } from "../customers/index.ts";
import { deleteCustomRole, listStaffRoles, saveCustomRole, setStaffRoles } from "./staff.service.ts";

const StaffMemberSchema = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  twoFactorEnabled: Type.Boolean(),
  roles: Type.Array(Type.String()),
});
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

/**
 * Staff management under /api/admin (each needs staff:manage): the staff list, inviting a member
 * (an account is made if needed and emailed a link to choose a password), changing a member's roles
 * (at least one Owner always remains), and custom roles.
 */
export function staffManagementRoutes(config: Config, auth: Auth, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    const listStaff = async () => {
      const byUser = await listStaffRoles(db);
      const accounts = await accountSummaries(db, [...byUser.keys()]);
      return [...byUser].flatMap(([userId, roleKeys]) => {
        const a = accounts.get(userId);
        return a
          ? [{ userId, name: a.name, email: a.email, twoFactorEnabled: a.twoFactorEnabled, roles: roleKeys }]
          : [];
      });
    };

    app.get(
      "/staff",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "List staff",
          tags: ["admin"],
          response: { 200: Type.Object({ items: Type.Array(StaffMemberSchema) }), ...errors },
        },
      },
      async () => ({ items: await listStaff() }),
    );

    app.post(
      "/staff/invitations",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Invite a staff member",
          description:
            "Gives the roles to the account with this email, creating it when needed; a new account is emailed a " +
            "single-use link to choose a password. Errors: 400 VALIDATION_FAILED (unknown role).",
          tags: ["admin"],
          body: Type.Object(
            {
              email: Type.String({ format: "email", maxLength: 254 }),
              name: Type.String({ minLength: 1, maxLength: 100 }),
              roles: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: 10 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: StaffMemberSchema, ...errors },
        },
      },
      async (request, reply) => {
        const context = await auth.$context;
        const email = request.body.email.trim().toLowerCase();
        let userId = (await context.internalAdapter.findUserByEmail(email))?.user.id;
        const isNew = !userId;
        if (!userId) {
          // A random password nobody knows; the invitee chooses theirs through the emailed link.
          const created = await auth.api.signUpEmail({
            body: { name: request.body.name, email, password: randomBytes(24).toString("base64url") },
          });
          userId = created.user.id;
          await context.internalAdapter.updateUser(userId, { emailVerified: true });
        }
        const current = (await listStaffRoles(db)).get(userId) ?? [];
        await setStaffRoles(db, userId, [...current, ...request.body.roles], {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
        });
        if (isNew) await inviteToSetPassword(auth, email, `${config.publicUrl}/reset-password`);
        const member = (await listStaff()).find((m) => m.userId === userId)!;
        return reply.status(201).send(member);
      },
    );

    app.put(
      "/staff/:userId/roles",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Set a staff member's roles",
          description:
            "Replaces the roles; an empty list removes the person from staff. The last Owner cannot lose the role.",
          tags: ["admin"],
          params: Type.Object({ userId: Type.String({ maxLength: 64 }) }),
          body: Type.Object(
            { roles: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 }) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ roles: Type.Array(Type.String()) }), ...errors },
        },
      },
      async (request) => ({
        roles: await setStaffRoles(db, request.params.userId, request.body.roles, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
        }),
      }),
    );

    app.put(
      "/roles/:key",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Create or change a custom role",
          description: "Built-in roles cannot be changed. Errors: 400 naming key or permissions.",
          tags: ["admin"],
          params: Type.Object({ key: Type.String({ maxLength: 50 }) }),
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              permissions: Type.Array(Type.String(), { maxItems: 50 }),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await saveCustomRole(
          db,
          { key: request.params.key, ...request.body },
          { actorId: request.staff!.userId, ipAddress: request.ip },
        );
        return reply.status(204).send(null);
      },
    );

    app.delete(
      "/roles/:key",
      {
        config: { permission: "staff:manage" },
        schema: {
          summary: "Delete a custom role",
          tags: ["admin"],
          params: Type.Object({ key: Type.String({ maxLength: 50 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteCustomRole(db, request.params.key, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
        });
        return reply.status(204).send(null);
      },
    );
  };
}
