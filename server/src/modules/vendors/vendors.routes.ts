import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { PostalAddressInputSchema, PostalAddressSchema } from "../../platform/address.ts";
import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, sendProblem } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { vendorScope } from "../../platform/vendor-scope.ts";
import { type Auth, type AuthContext, accountGuard, accountSummaries } from "../customers/index.ts";
import { storeIdentity } from "../pricing/index.ts";
import { deleteCommissionRule, listCommissionRules, setCommissionRule } from "./vendors.commissions.ts";
import type { VendorMailShop } from "./vendors.emails.ts";
import {
  activeVendorBySlug,
  addVendorMember,
  applicationOf,
  applyToSell,
  createVendor,
  getVendor,
  listVendors,
  membershipOf,
  reviewApplication,
  sellerAgreementVersion,
  setVendorStatus,
  updateVendor,
  vendorMemberList,
} from "./vendors.service.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const StatusSchema = Type.Union(
  [
    Type.Literal("applied"),
    Type.Literal("changes_requested"),
    Type.Literal("rejected"),
    Type.Literal("active"),
    Type.Literal("suspended"),
    Type.Literal("closed"),
  ],
  {
    description:
      "applied (waiting for review), changes_requested, rejected, active (sells), suspended (hidden; follows up " +
      "its orders), closed",
  },
);
const PayoutMethodSchema = Type.Union([Type.Literal("stripe_connect"), Type.Literal("bank_transfer")], {
  description: "Stripe Connect transfers, or bank transfers the shop makes by hand",
});

const VendorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  status: StatusSchema,
  createdAt: Type.String({ format: "date-time" }),
});

const VendorDetailSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  status: StatusSchema,
  createdAt: Type.String({ format: "date-time" }),
  legalName: Type.String(),
  taxId: Type.String(),
  contactEmail: Type.String(),
  contactPhone: Type.String(),
  address: Nullable(PostalAddressSchema),
  payoutCountry: Type.String({ description: "ISO 3166-1 alpha-2, or empty" }),
  payoutMethod: Nullable(PayoutMethodSchema),
  agreementVersion: Nullable(Type.String()),
  agreementAcceptedAt: Nullable(Type.String({ format: "date-time" })),
  submittedAt: Nullable(Type.String({ format: "date-time" })),
  reviewNote: Type.String({
    description: "Staff's reason with the last rejection, change request, suspension or closure",
  }),
  reviewedAt: Nullable(Type.String({ format: "date-time" })),
});

const ApplicationInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: "The shop name shoppers see" }),
    slug: Type.Optional(
      Type.String({
        maxLength: 61,
        description: "The shop's address (/vendors/<slug>); made from the name if left out",
      }),
    ),
    description: Type.String({ maxLength: 5000 }),
    legalName: Type.String({ minLength: 1, maxLength: 200, description: "Registered business name" }),
    taxId: Type.Optional(Type.String({ maxLength: 50, description: "VAT number, EIN or registration id" })),
    contactEmail: Type.String({ format: "email", maxLength: 254 }),
    contactPhone: Type.String({ minLength: 5, maxLength: 40 }),
    address: PostalAddressInputSchema,
    payoutCountry: Type.String({ minLength: 2, maxLength: 2, description: "ISO 3166-1 alpha-2" }),
    payoutMethod: PayoutMethodSchema,
    agreementAccepted: Type.Boolean({ description: "Must be true: the seller agreement is accepted" }),
  },
  { additionalProperties: false },
);

const errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};

const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * /api/vendor guard: a signed-in member (401 otherwise) of an admitted vendor. An applicant's vendor
 * (applied, changes requested, rejected) gets 403 VENDOR_NOT_APPROVED, a closed one 403 VENDOR_CLOSED,
 * a person of no vendor 403 NOT_VENDOR_MEMBER. A suspended vendor may read, and make only the writes a
 * route allows while suspended (`config.vendorWhileSuspended`: following up orders); others answer
 * 403 VENDOR_SUSPENDED. Owner-only routes refuse staff members (403 VENDOR_OWNER_ONLY). The scope's
 * Origin check (platform/csrf.ts) guards cookie writes. Routes then act on that vendor alone
 * (`request.vendor`), so no vendor can name another's data.
 */
export function vendorGuard(auth: Auth, db: Db) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
    if (!session) return sendProblem(reply, 401, "UNAUTHENTICATED", "Sign in first.");
    const membership = await membershipOf(db, session.user.id);
    if (!membership) return sendProblem(reply, 403, "NOT_VENDOR_MEMBER", "This area is for vendors.");
    const { status } = membership;
    if (status === "closed") return sendProblem(reply, 403, "VENDOR_CLOSED", "This vendor is closed.");
    if (status !== "active" && status !== "suspended")
      return sendProblem(
        reply,
        403,
        "VENDOR_NOT_APPROVED",
        `Your application is ${status.replace("_", " ")}: the vendor portal opens once it is approved.`,
      );
    const config = request.routeOptions.config;
    if (status === "suspended" && !readMethods.has(request.method) && !config.vendorWhileSuspended)
      return sendProblem(
        reply,
        403,
        "VENDOR_SUSPENDED",
        "This vendor is suspended: you can follow up orders already placed, not change your shop.",
      );
    if (config.vendorRole === "owner" && membership.role !== "owner") {
      return sendProblem(reply, 403, "VENDOR_OWNER_ONLY", "Only the vendor's owners may do this.");
    }
    request.vendor = { id: membership.vendorId, role: membership.role, userId: session.user.id, status };
  };
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

/** The shop's name (as set in the admin) and public URL, for vendor e-mails. */
async function mailShop(ctx: AppContext): Promise<VendorMailShop> {
  return { storeName: (await storeIdentity(ctx.db, ctx.config)).name, publicUrl: ctx.config.publicUrl };
}

/** The vendor portal API under /api/vendor: the vendor's own profile and members. */
export function vendorRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const { db } = ctx;
  return async (app) => {
    app.get(
      "/profile",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "My vendor",
          description: "The vendor's profile and application, with its status and staff's last note.",
          tags: ["vendor"],
          response: { 200: VendorDetailSchema, ...errors },
        },
      },
      async (request) => getVendor(db, vendorScope(request).id),
    );
    app.patch(
      "/profile",
      {
        config: { vendorRole: "owner" },
        schema: {
          summary: "Change my vendor's profile",
          description:
            "Name and description shown to shoppers, and the contact e-mail and phone. Vendor owners only.",
          tags: ["vendor"],
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              description: Type.Optional(Type.String({ maxLength: 5000 })),
              contactEmail: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
              contactPhone: Type.Optional(Type.String({ minLength: 5, maxLength: 40 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: VendorDetailSchema, ...errors },
        },
      },
      async (request) => {
        const vendor = await updateVendor(db, vendorScope(request).id, request.body, {
          actorId: vendorScope(request).userId,
          ipAddress: request.ip,
        });
        // Product pages name their vendor ("sold by").
        ctx.cache.invalidate("catalog");
        return vendor;
      },
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
        const members = await vendorMemberList(db, vendorScope(request).id);
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

/**
 * Applying to sell, under /api/store: a signed-in shopper's application ("Sell on <shop>") and its
 * state, and a vendor's public profile.
 */
export function storeVendorRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/vendors/:slug",
      {
        schema: {
          summary: "A vendor's public profile",
          description: "An active vendor's name and description. Errors: 404 VENDOR_NOT_FOUND.",
          tags: ["vendors"],
          params: Type.Object({ slug: Type.String({ maxLength: 61 }) }),
          response: { 200: Type.Omit(VendorSchema, ["status", "createdAt"]), 404: ProblemSchema },
        },
      },
      async (request) => {
        const found = await activeVendorBySlug(ctx.db, request.params.slug);
        if (!found) throw new NotFoundError("VENDOR_NOT_FOUND", "No such vendor");
        return { id: found.id, name: found.name, slug: found.slug, description: found.description };
      },
    );

    const own: FastifyPluginAsyncTypebox = async (mine) => {
      mine.addHook("onRequest", accountGuard(ctx.auth));
      mine.get(
        "/vendor-application",
        {
          schema: {
            summary: "My application to sell",
            description:
              "The signed-in person's vendor and its status (applied, changes_requested with staff's note, rejected, " +
              "active, ...), or 404 NO_APPLICATION. Also answers which seller agreement version applies.",
            tags: ["account", "vendors"],
            response: {
              200: Type.Object({ application: VendorDetailSchema, agreementVersion: Type.String() }),
              ...errors,
            },
          },
        },
        async (request, reply) => {
          reply.header("cache-control", "no-store");
          const application = await applicationOf(ctx.db, request.accountId!);
          if (!application) throw new NotFoundError("NO_APPLICATION", "You have not applied to sell");
          return { application, agreementVersion: sellerAgreementVersion };
        },
      );
      mine.post(
        "/vendor-application",
        {
          schema: {
            summary: "Apply to sell",
            description:
              "Sends the application (a new vendor in status `applied`, the caller its owner), or sends it again after " +
              "staff asked for changes or rejected it. The contact address is e-mailed a receipt. 201 with the " +
              "application. Errors: 400 naming the field (`agreementAccepted` not true, `slug`, `payoutCountry`, " +
              "`address.country`), 409 VENDOR_SLUG_TAKEN, APPLICATION_PENDING (waiting for review), " +
              "ALREADY_VENDOR_MEMBER.",
            tags: ["account", "vendors"],
            body: ApplicationInputSchema,
            response: { 201: VendorDetailSchema, ...errors },
          },
        },
        async (request, reply) => {
          const shop = await mailShop(ctx);
          const { address } = request.body;
          const input = {
            ...request.body,
            address: {
              ...address,
              company: address.company ?? null,
              line2: address.line2 ?? null,
              region: address.region ?? null,
              postalCode: address.postalCode ?? null,
              phone: address.phone ?? null,
            },
          };
          const application = await ctx.db.transaction((tx) =>
            applyToSell(tx, request.accountId!, input, shop),
          );
          return reply.status(201).send(application);
        },
      );
    };
    await app.register(own, { prefix: "/account" });
  };
}

/** Vendor administration for staff under /api/admin (vendors:manage): the review queue and statuses. */
export function adminVendorRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  const { auth, db } = ctx;
  return async (app) => {
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    app.get(
      "/vendors",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "List vendors",
          description:
            "Vendors and applications, newest first, filtered by status (`applied` is the review queue) and words " +
            "of the name, address, legal name or contact e-mail; `counts` has the number per status.",
          tags: ["admin"],
          querystring: Type.Object(
            {
              status: Type.Optional(StatusSchema),
              q: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(VendorDetailSchema),
              counts: Type.Record(Type.String(), Type.Integer()),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listVendors(db, request.query);
      },
    );
    app.get(
      "/vendors/:id",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "A vendor and its application",
          description: "With its members. Errors: 404 VENDOR_NOT_FOUND.",
          tags: ["admin"],
          params,
          response: {
            200: Type.Object({
              vendor: VendorDetailSchema,
              members: Type.Array(
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
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const vendor = await getVendor(db, request.params.id);
        const members = await vendorMemberList(db, vendor.id);
        const accounts = await accountSummaries(
          db,
          members.map((m) => m.userId),
        );
        return {
          vendor,
          members: members.flatMap((m) => {
            const a = accounts.get(m.userId);
            return a ? [{ userId: m.userId, name: a.name, email: a.email, role: m.role }] : [];
          }),
        };
      },
    );
    app.post(
      "/vendors",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Create a vendor",
          description:
            "An active vendor, without an application (e.g. a seller signed up offline). Errors: 400 (slug format), " +
            "409 VENDOR_SLUG_TAKEN.",
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
      "/vendors/:id/review",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Decide on an application",
          description:
            "`approve` (the vendor becomes active and may sign in to the vendor portal), `reject` or " +
            "`request_changes`; a reason is required for the last two. The applicant is e-mailed the decision and " +
            "the reason. Errors: 400 naming `reason`, 404 VENDOR_NOT_FOUND, 409 VENDOR_NOT_PENDING (decided already).",
          tags: ["admin"],
          params,
          body: Type.Object(
            {
              decision: Type.Union([
                Type.Literal("approve"),
                Type.Literal("reject"),
                Type.Literal("request_changes"),
              ]),
              reason: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: VendorDetailSchema, ...errors },
        },
      },
      async (request) => {
        const shop = await mailShop(ctx);
        return db.transaction((tx) =>
          reviewApplication(tx, request.params.id, request.body, shop, {
            actorId: request.staff!.userId,
            ipAddress: request.ip,
          }),
        );
      },
    );
    app.post(
      "/vendors/:id/status",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Suspend, close or reinstate a vendor",
          description:
            "`suspended`: its products leave the storefront; it still signs in to follow up its orders. `closed`: " +
            "the same, and the portal is shut. `active`: reinstated, its published products come back. A reason is " +
            "required to suspend or close, and e-mailed to the vendor. Errors: 400 naming `reason`, 404 " +
            "VENDOR_NOT_FOUND, 409 VENDOR_STATUS_CHANGE (e.g. an application: decide on it instead).",
          tags: ["admin"],
          params,
          body: Type.Object(
            {
              status: Type.Union([Type.Literal("active"), Type.Literal("suspended"), Type.Literal("closed")]),
              reason: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: VendorDetailSchema, ...errors },
        },
      },
      async (request) => {
        const shop = await mailShop(ctx);
        const vendor = await db.transaction((tx) =>
          setVendorStatus(tx, request.params.id, request.body, shop, {
            actorId: request.staff!.userId,
            ipAddress: request.ip,
          }),
        );
        ctx.cache.invalidate("catalog");
        return vendor;
      },
    );
    const RuleSchema = Type.Object({
      id: Type.String(),
      vendorId: Nullable(Type.String()),
      categoryId: Nullable(Type.String()),
      rateBasisPoints: Type.Integer({
        description: "Percentage of the net line amount in basis points (1000 = 10 %)",
      }),
      fixedPerUnit: Type.Integer({
        description: "Fixed fee per unit sold, minor units of the shop's currency",
      }),
      scope: Type.Union([
        Type.Literal("default"),
        Type.Literal("vendor"),
        Type.Literal("category"),
        Type.Literal("vendor_category"),
      ]),
      updatedAt: Type.String({ format: "date-time" }),
    });
    app.get(
      "/commission-rules",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Commission rules",
          description:
            "The platform default first, then vendors' and categories' rules. A line pays the most specific rule " +
            "(vendor in category > vendor > category > default), fixed on the line when the order is placed.",
          tags: ["admin"],
          response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...errors },
        },
      },
      async () => ({ items: await listCommissionRules(db) }),
    );
    app.put(
      "/commission-rules",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Set a commission rule",
          description:
            "Creates or changes the rule of a scope: `vendorId` and `categoryId` both null for the platform default. " +
            "Applies to orders placed from now on. Errors: 400 naming `rateBasisPoints` (0 to 10000), " +
            "`fixedPerUnit` or `vendorId`.",
          tags: ["admin"],
          body: Type.Object(
            {
              vendorId: Nullable(Type.String({ maxLength: 64 })),
              categoryId: Nullable(Type.String({ maxLength: 64 })),
              rateBasisPoints: Type.Integer({ minimum: 0, maximum: 10000 }),
              fixedPerUnit: Type.Integer({ minimum: 0 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: RuleSchema, ...errors },
        },
      },
      async (request) =>
        setCommissionRule(db, request.body, { actorId: request.staff!.userId, ipAddress: request.ip }),
    );
    app.delete(
      "/commission-rules/:id",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Delete a commission rule",
          description:
            "Lines it covered fall back to the next less specific rule. Errors: 404 COMMISSION_RULE_NOT_FOUND, 409 " +
            "COMMISSION_DEFAULT_KEPT (the platform default stays; set it to 0 instead).",
          tags: ["admin"],
          params,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteCommissionRule(db, request.params.id, {
          actorId: request.staff!.userId,
          ipAddress: request.ip,
        });
        return reply.status(204).send(null);
      },
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
          params,
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
