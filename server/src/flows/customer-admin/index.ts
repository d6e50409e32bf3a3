import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "drizzle-orm";
import { Type } from "typebox";
import { recordStaffAction } from "../../modules/audit/index.ts";
import {
  type AuthContext,
  activeSessionsOf,
  addNote,
  assertCustomer,
  deleteNote,
  endSessionsOf,
  getProfile,
  listAddresses,
  listCustomersForStaff,
  notesOf,
} from "../../modules/customers/index.ts";
import { hasOrderedCondition, orderStatsOfUsers, recentOrdersOfUser } from "../../modules/orders/index.ts";
import { reviewsPersonalData } from "../../modules/reviews/index.ts";
import { wishlistsPersonalData } from "../../modules/wishlists/index.ts";
import { MoneySchema } from "../../platform/money.schema.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([Type.Null(), schema]);

const StatsFields = {
  ordersCount: Type.Integer({ description: "Paid orders, not cancelled or wholly refunded" }),
  totalSpent: Type.Array(MoneySchema, { description: "Their totals, per currency" }),
  lastOrderAt: Nullable(Type.String({ format: "date-time" })),
};

const CustomerRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  marketingConsent: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
  ...StatsFields,
});

const CustomerDetailSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  phone: Nullable(Type.String()),
  marketingConsent: Type.Boolean(),
  marketingConsentAt: Nullable(Type.String({ format: "date-time" })),
  ...StatsFields,
  addresses: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  orders: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      status: Type.String(),
      total: Type.Integer({ description: "Minor units of `currency`" }),
      currency: Type.String(),
      placedAt: Type.String({ format: "date-time" }),
    }),
  ),
  reviews: Type.Array(
    Type.Object({
      id: Type.String(),
      productSku: Type.String(),
      rating: Type.Integer(),
      title: Type.String(),
      status: Type.String(),
      createdAt: Type.String(),
    }),
  ),
  wishlists: Type.Array(Type.Object({ title: Type.String(), items: Type.Integer() })),
  notes: Type.Array(
    Type.Object({
      id: Type.String(),
      body: Type.String(),
      authorId: Nullable(Type.String()),
      authorName: Nullable(Type.String()),
      createdAt: Type.String({ format: "date-time" }),
    }),
  ),
  sessions: Type.Array(
    Type.Object({
      id: Type.String(),
      ipAddress: Nullable(Type.String()),
      userAgent: Nullable(Type.String()),
      createdAt: Type.String({ format: "date-time" }),
      expiresAt: Type.String({ format: "date-time" }),
    }),
  ),
});

const emptyStats = { ordersCount: 0, totalSpent: [], lastOrderAt: null };

/**
 * Staff customer API under /api/admin: the customer list (search, filters, keyset pages, order
 * figures), a customer's whole picture (profile, addresses, orders, reviews, wishlists, notes,
 * sessions), notes, a password-reset e-mail, signing out everywhere. Reads need customers:read,
 * changes customers:write; every change is audited. (GDPR export and erasure: flows/gdpr.)
 * Lives in a flow because it joins accounts with orders, reviews and wishlists.
 */
export function adminCustomerRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "customers"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });

    app.get(
      "/customers",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "List customers",
          description:
            "Every account, newest first unless sorted otherwise, `limit` per page (pass `nextCursor` as `cursor`). " +
            "Filters: `q` (part of the name or e-mail), marketing consent, verified e-mail, has ordered. Order figures " +
            "count paid orders that were not cancelled or wholly refunded. Errors: 400 naming the field.",
          tags,
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ maxLength: 200 })),
              marketingConsent: Type.Optional(Type.Boolean()),
              emailVerified: Type.Optional(Type.Boolean()),
              hasOrdered: Type.Optional(Type.Boolean()),
              sort: Type.Union(
                [
                  Type.Literal("-created"),
                  Type.Literal("created"),
                  Type.Literal("name"),
                  Type.Literal("email"),
                ],
                { default: "-created" },
              ),
              limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
              cursor: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(CustomerRowSchema),
              nextCursor: Nullable(Type.String()),
              total: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const { hasOrdered, ...query } = request.query;
        const page = await listCustomersForStaff(ctx.db, {
          ...query,
          ...(hasOrdered !== undefined && { extra: hasOrderedCondition(sql`u.id`, hasOrdered) }),
        });
        const stats = await orderStatsOfUsers(
          ctx.db,
          page.items.map((c) => c.id),
        );
        return { ...page, items: page.items.map((c) => ({ ...c, ...(stats.get(c.id) ?? emptyStats) })) };
      },
    );

    app.get(
      "/customers/:id",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "Get a customer (staff)",
          description:
            "Profile and consent, addresses, the 20 latest orders, reviews, wishlists, staff notes and active sessions. " +
            "Errors: 404 CUSTOMER_NOT_FOUND.",
          tags,
          params,
          response: { 200: CustomerDetailSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const id = request.params.id;
        const { email } = await assertCustomer(ctx.db, id);
        const subject = { userId: id, email };
        const [profile, addresses, stats, orders, reviews, wishlists, notes, sessions] = await Promise.all([
          getProfile(ctx.db, id),
          listAddresses(ctx.db, id),
          orderStatsOfUsers(ctx.db, [id]),
          recentOrdersOfUser(ctx.db, id, 20),
          reviewsPersonalData.export(ctx.db, subject),
          wishlistsPersonalData.export(ctx.db, subject),
          notesOf(ctx.db, id),
          activeSessionsOf(ctx.db, id),
        ]);
        const reviewRows = (reviews.reviews ?? []) as Record<string, unknown>[];
        const lists = (wishlists.wishlists ?? []) as Record<string, unknown>[];
        const items = (wishlists.wishlist_items ?? []) as Record<string, unknown>[];
        return {
          ...profile,
          ...(stats.get(id) ?? emptyStats),
          addresses: addresses as unknown as Record<string, unknown>[],
          orders,
          reviews: reviewRows.map((r) => ({
            id: String(r.id),
            productSku: String(r.product_sku ?? ""),
            rating: Number(r.rating),
            title: String(r.title ?? ""),
            status: String(r.status ?? ""),
            createdAt: new Date(r.created_at as string).toISOString(),
          })),
          wishlists: lists.map((w) => ({
            title: String(w.title),
            items: items.filter((i) => i.wishlist_id === w.id).length,
          })),
          notes,
          sessions,
        };
      },
    );

    app.post(
      "/customers/:id/notes",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Add a note to a customer",
          description:
            "Internal: customers never see notes. Errors: 400 (blank `body`), 404 CUSTOMER_NOT_FOUND.",
          tags,
          params,
          body: Type.Object(
            { body: Type.String({ minLength: 1, maxLength: 5000 }) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ id: Type.String() }), ...errors },
        },
      },
      async (request, reply) => {
        const id = await ctx.db.transaction(async (tx) => {
          const noteId = await addNote(
            tx,
            request.params.id,
            request.staff?.userId ?? null,
            request.body.body,
          );
          await recordStaffAction(tx, request, {
            action: "customer.note.add",
            targetType: "customer",
            targetId: request.params.id,
            metadata: { noteId },
          });
          return noteId;
        });
        return reply.status(201).send({ id });
      },
    );

    app.delete(
      "/customers/:id/notes/:noteId",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Delete a note",
          description: "Errors: 404 NOTE_NOT_FOUND.",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }), noteId: Type.String({ maxLength: 64 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await ctx.db.transaction(async (tx) => {
          await deleteNote(tx, request.params.id, request.params.noteId);
          await recordStaffAction(tx, request, {
            action: "customer.note.delete",
            targetType: "customer",
            targetId: request.params.id,
            metadata: { noteId: request.params.noteId },
          });
        });
        return reply.status(204).send(null);
      },
    );

    app.post(
      "/customers/:id/password-reset",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "E-mail a customer a password-reset link",
          description:
            'Sends the same e-mail as "Forgot password" (a single-use link valid for an hour); staff never see or ' +
            "set the password. Errors: 404 CUSTOMER_NOT_FOUND.",
          tags,
          params,
          response: { 202: Type.Object({ sentTo: Type.String() }), ...errors },
        },
      },
      async (request, reply) => {
        const { email } = await assertCustomer(ctx.db, request.params.id);
        await ctx.auth.api.requestPasswordReset({
          body: { email, redirectTo: `${ctx.config.publicUrl}/reset-password` },
        });
        await recordStaffAction(ctx.db, request, {
          action: "customer.password_reset.send",
          targetType: "customer",
          targetId: request.params.id,
        });
        return reply.status(202).send({ sentTo: email });
      },
    );

    app.delete(
      "/customers/:id/sessions",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Sign a customer out everywhere",
          description: "Ends every session of the account (a stolen device, a shared computer). Errors: 404.",
          tags,
          params,
          response: { 200: Type.Object({ ended: Type.Integer() }), ...errors },
        },
      },
      async (request) => {
        await assertCustomer(ctx.db, request.params.id);
        const ended = await ctx.db.transaction(async (tx) => {
          const n = await endSessionsOf(tx, request.params.id);
          await recordStaffAction(tx, request, {
            action: "customer.sessions.end",
            targetType: "customer",
            targetId: request.params.id,
            metadata: { ended: n },
          });
          return n;
        });
        return { ended };
      },
    );
  };
}
