import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { sendProblem } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { type Auth, accountSummaries } from "../customers/index.ts";
import {
  addVendorMember,
  createVendor,
  getVendor,
  listVendors,
  membershipOf,
  updateVendor,
  vendorMemberList,
} from "./vendors.service.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller's vendor (set by the vendor guard): every /api/vendor route acts on this vendor only. */
    vendor?: { id: string; role: "owner" | "staff"; userId: string };
  }
}

const VendorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  status: Type.Union([Type.Literal("active"), Type.Literal("suspended")]),
  createdAt: Type.String({ format: "date-time" }),
});
const errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};

/**
 * /api/vendor guard: a signed-in member (401 otherwise) of an active vendor (403 NOT_VENDOR_MEMBER,
 * 403 VENDOR_SUSPENDED); the scope's Origin check (platform/csrf.ts) guards cookie writes. Routes then act on that vendor
 * alone, so no vendor can name another's data.
 */
export function vendorGuard(auth: Auth, db: Db) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
    if (!session) return sendProblem(reply, 401, "UNAUTHENTICATED", "Sign in first.");
    const membership = await membershipOf(db, session.user.id);
    if (!membership) return sendProblem(reply, 403, "NOT_VENDOR_MEMBER", "This area is for vendors.");
    if (membership.status !== "active")
      return sendProblem(reply, 403, "VENDOR_SUSPENDED", "This vendor is suspended.");
    const vendorRole = request.routeOptions.config.vendorRole;
    if (vendorRole === "owner" && membership.role !== "owner") {
      return sendProblem(reply, 403, "VENDOR_OWNER_ONLY", "Only the vendor's owners may do this.");
    }
    request.vendor = { id: membership.vendorId, role: membership.role, userId: session.user.id };
  };
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Vendor routes: `owner` for vendor owners only, otherwise any member. */
    vendorRole?: "owner" | "member";
  }
}

/** Refuses, when the route is added, a /api/vendor route that does not declare `config.vendorRole`. */
export function assertVendorRouteDeclaresRole(route: {
  url: string;
  method: string | string[];
  config?: unknown;
}): void {
  if (!route.url.startsWith("/api/vendor")) return;
  const role = (route.config as { vendorRole?: string } | undefined)?.vendorRole;
  if (role !== "owner" && role !== "member") {
    throw new Error(`Vendor route ${route.method} ${route.url} must declare config.vendorRole`);
  }
}

/** The vendor portal API under /api/vendor: the vendor's own profile and members. */
export function vendorRoutes(db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/profile",
      {
        config: { vendorRole: "member" },
        schema: { summary: "My vendor", tags: ["vendor"], response: { 200: VendorSchema, ...errors } },
      },
      async (request) => getVendor(db, request.vendor!.id),
    );
    app.patch(
      "/profile",
      {
        config: { vendorRole: "owner" },
        schema: {
          summary: "Change my vendor's profile",
          description: "Name and description shown to shoppers. Vendor owners only.",
          tags: ["vendor"],
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              description: Type.Optional(Type.String({ maxLength: 5000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: VendorSchema, ...errors },
        },
      },
      async (request) =>
        updateVendor(db, request.vendor!.id, request.body, {
          actorId: request.vendor!.userId,
          ipAddress: request.ip,
        }),
    );
    app.get(
      "/members",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "My vendor's members",
          tags: ["vendor"],
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  userId: Type.String(),
                  name: Type.String(),
                  email: Type.String(),
                  role: Type.String(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const members = await vendorMemberList(db, request.vendor!.id);
        const accounts = await accountSummaries(
          db,
          members.map((m) => m.userId),
        );
        return {
          items: members.flatMap((m) => {
            const a = accounts.get(m.userId);
            return a ? [{ userId: m.userId, name: a.name, email: a.email, role: m.role }] : [];
          }),
        };
      },
    );
  };
}

/** Vendor administration for staff under /api/admin (vendors:manage). */
export function adminVendorRoutes(auth: Auth, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/vendors",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "List vendors",
          tags: ["admin"],
          response: { 200: Type.Object({ items: Type.Array(VendorSchema) }), ...errors },
        },
      },
      async () => ({ items: await listVendors(db) }),
    );
    app.post(
      "/vendors",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Create a vendor",
          description: "Errors: 400 (slug format), 409 VENDOR_SLUG_TAKEN.",
          tags: ["admin"],
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              slug: Type.String({ maxLength: 61 }),
              description: Type.Optional(Type.String({ maxLength: 5000 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: VendorSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await createVendor(db, request.body, { actorId: request.staff!.userId, ipAddress: request.ip }),
          ),
    );
    app.post(
      "/vendors/:id/members",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Add a member to a vendor",
          description:
            "The account (by email) must exist. A person works for one vendor only (409 ALREADY_VENDOR_MEMBER).",
          tags: ["admin"],
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object(
            {
              email: Type.String({ format: "email", maxLength: 254 }),
              role: Type.Union([Type.Literal("owner"), Type.Literal("staff")]),
            },
            { additionalProperties: false },
          ),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        const context = await auth.$context;
        const found = await context.internalAdapter.findUserByEmail(request.body.email.toLowerCase());
        if (!found) {
          return sendProblem(
            reply,
            404,
            "ACCOUNT_NOT_FOUND",
            "No account with this email; ask them to sign up first.",
          );
        }
        await addVendorMember(db, request.params.id, found.user.id, request.body.role, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
        });
        return reply.status(204).send(null);
      },
    );
  };
}
