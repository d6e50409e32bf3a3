import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "drizzle-orm";
import { Type } from "typebox";
import { type AuditedRequest, changedFields, recordStaffAction } from "../../modules/audit/index.ts";
import {
  type AuthContext,
  activeSessionsOf,
  addCustomerTag,
  addNote,
  assertCustomer,
  customerTags,
  deleteNote,
  endSessionsOf,
  getProfile,
  listAddresses,
  listCustomersForStaff,
  notesOf,
  removeCustomerTag,
  type TagChange,
} from "../../modules/customers/index.ts";
import {
  hasOrderedCondition,
  orderFigureConditions,
  orderStatsOfUsers,
  recentOrdersOfUser,
} from "../../modules/orders/index.ts";
import { reviewsPersonalData } from "../../modules/reviews/index.ts";
import { wishlistsPersonalData } from "../../modules/wishlists/index.ts";
import type { Db } from "../../platform/db.ts";
import { MoneySchema } from "../../platform/money.schema.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { maxTagLength, maxTags, normaliseTag } from "../../platform/tags.ts";

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([Type.Null(), schema]);

const StatsFields = {
  ordersCount: Type.Integer({ description: "Paid orders, not cancelled or wholly refunded" }),
  totalSpent: Type.Array(MoneySchema, { description: "Their totals, per currency" }),
  lastOrderAt: Nullable(Type.String({ format: "date-time" })),
};

const TagsSchema = Type.Array(Type.String(), { description: "Staff labels, lower case" });

const CustomerRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  marketingConsent: Type.Boolean(),
  tags: TagsSchema,
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
  tags: TagsSchema,
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

/** Audits a change of a customer's tags (nothing when the tags did not change). */
async function auditTags(
  request: AuditedRequest,
  customerId: string,
  action: string,
  change: TagChange,
  db: Db,
): Promise<void> {
  const changes = changedFields({ tags: change.before }, { tags: change.after });
  if (Object.keys(changes).length === 0) return;
  await recordStaffAction(db, request, {
    action,
    targetType: "customer",
    targetId: customerId,
    metadata: { changes },
  });
}

/**
 * Staff customer API under /api/admin: the customer list (search, filters, keyset pages, order
 * figures, tag filter), a customer's whole picture (profile, tags, addresses, orders, reviews,
 * wishlists, notes, sessions), notes, tags, a password-reset e-mail, signing out everywhere. Reads need customers:read,
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
            "Filters: `q` (part of the name or e-mail), marketing consent, verified e-mail, has ordered, `tag` (a " +
            "staff tag, normalised: trimmed, lower case), orders count (`minOrders`, `maxOrders`), amount spent " +
            "(`minSpent`, `maxSpent` in minor units of `spentCurrency`, an ISO 4217 code; accounts that spent " +
            "nothing in it match a maximum), last order placed (`lastOrderAfter`, `lastOrderBefore`, UTC). Order " +
            "figures count paid orders that were not cancelled or wholly refunded; spent is their totals minus " +
            "refunds. Errors: 400 naming the field (`spentCurrency` missing with an amount, a maximum below its minimum).",
          tags,
          querystring: Type.Object(
            {
              q: Type.Optional(Type.String({ maxLength: 200 })),
              marketingConsent: Type.Optional(Type.Boolean()),
              emailVerified: Type.Optional(Type.Boolean()),
              hasOrdered: Type.Optional(Type.Boolean()),
              tag: Type.Optional(Type.String({ maxLength: 100 })),
              minOrders: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
              maxOrders: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
              minSpent: Type.Optional(
                Type.Integer({ minimum: 0, maximum: 1e15, description: "Minor units of spentCurrency" }),
              ),
              maxSpent: Type.Optional(
                Type.Integer({ minimum: 0, maximum: 1e15, description: "Minor units of spentCurrency" }),
              ),
              spentCurrency: Type.Optional(
                Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217, e.g. USD" }),
              ),
              lastOrderAfter: Type.Optional(Type.String({ format: "date-time" })),
              lastOrderBefore: Type.Optional(Type.String({ format: "date-time" })),
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
              total: Type.Integer({
                description: "Matching customers; counting stops at 10,001 (read it as “over 10,000”)",
              }),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const {
          hasOrdered,
          tag,
          minOrders,
          maxOrders,
          minSpent,
          maxSpent,
          spentCurrency,
          lastOrderAfter,
          lastOrderBefore,
          ...query
        } = request.query;
        const figures = [
          ...(hasOrdered !== undefined ? [hasOrderedCondition(sql`u.id`, hasOrdered)] : []),
          ...orderFigureConditions(sql`u.id`, {
            minOrders,
            maxOrders,
            minSpent,
            maxSpent,
            spentCurrency,
            ...(lastOrderAfter && { lastOrderAfter: new Date(lastOrderAfter) }),
            ...(lastOrderBefore && { lastOrderBefore: new Date(lastOrderBefore) }),
          }),
        ];
        const page = await listCustomersForStaff(ctx.db, {
          ...query,
          ...(tag !== undefined && { tag: normaliseTag(tag, "tag") }),
          ...(figures.length && { extra: sql.join(figures, sql` and `) }),
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
            "Profile and consent, staff tags, addresses, the 20 latest orders, reviews, wishlists, staff notes and active sessions. " +
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
        const [profile, tags, addresses, stats, orders, reviews, wishlists, notes, sessions] =
          await Promise.all([
            getProfile(ctx.db, id),
            customerTags(ctx.db, id),
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
          tags,
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

    const tagRule =
      `Tags are trimmed and lower-cased, then 1-${maxTagLength} letters, digits, spaces, "-" or "_"; a customer ` +
      `has at most ${maxTags}.`;
    const TagsAnswer = Type.Object({ tags: TagsSchema });

    app.post(
      "/customers/:id/tags",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Tag a customer",
          description:
            `Adds one staff tag, atomically (two staff adding different tags at once both keep theirs); a tag the ` +
            `customer has already changes nothing. ${tagRule} Answers the customer's tags. Audited with the tags ` +
            "before and after. Errors: 400 (field `tag`), 404 CUSTOMER_NOT_FOUND.",
          tags,
          params,
          body: Type.Object({ tag: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
          response: { 200: TagsAnswer, ...errors },
        },
      },
      async (request) => {
        const id = request.params.id;
        const change = await addCustomerTag(ctx.db, id, request.body.tag);
        await auditTags(request, id, "customer.tag.add", change, ctx.db);
        return { tags: change.after };
      },
    );

    app.delete(
      "/customers/:id/tags/:tag",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Remove a tag from a customer",
          description:
            "Removes one staff tag, atomically; a tag the customer does not have changes nothing. Answers the " +
            "customer's tags. Audited with the tags before and after. Errors: 400 (field `tag`), 404 CUSTOMER_NOT_FOUND.",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }), tag: Type.String({ maxLength: 200 }) }),
          response: { 200: TagsAnswer, ...errors },
        },
      },
      async (request) => {
        const id = request.params.id;
        const change = await removeCustomerTag(ctx.db, id, request.params.tag);
        await auditTags(request, id, "customer.tag.remove", change, ctx.db);
        return { tags: change.after };
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
