import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import { assertCustomer } from "./customers.admin.ts";
import {
  addGroupMembers,
  type CustomerGroup,
  type CustomerGroupUsage,
  createCustomerGroup,
  deleteCustomerGroup,
  getCustomerGroup,
  groupsOfCustomer,
  listCustomerGroups,
  listGroupMembers,
  removeGroupMember,
  updateCustomerGroup,
} from "./customers.groups.ts";

const CustomerGroupSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  memberCount: Type.Integer({ description: "Accounts in the group" }),
  version: Type.Integer({ description: "The ETag: send it back as If-Match when saving or deleting" }),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const CustomerGroupMemberSchema = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  addedAt: Type.String({ format: "date-time" }),
});

const CustomerGroupMembershipSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  addedAt: Type.String({ format: "date-time" }),
});

const PageQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const Id = Type.String({ minLength: 1, maxLength: 64 });

/** Fields the audit log compares: the stored ones. */
function audited(g: CustomerGroup | null): Record<string, unknown> | null {
  return g ? { name: g.name, description: g.description } : null;
}

function withEtag(reply: FastifyReply, group: CustomerGroup): CustomerGroup {
  reply.header("etag", etagOf(group.version)).header("cache-control", "no-store");
  return group;
}

/**
 * Customer groups for staff under /api/admin: the list (member counts, search, keyset pages), create,
 * read, rename / describe (If-Match), delete (refused with 409 GROUP_IN_USE while a price list or
 * promotion targets the group), members (list with search, add one or many, remove) and a customer's
 * groups (list, add, remove). Reads need `customers:read`, writes `customers:write`; every write is
 * audited (targetType `customer_group`) with what changed, in the write's transaction.
 * @param usage what targets a group (the pricing module's price lists and promotions, wired by the
 *   composition root); without it a group is always deletable.
 */
export function adminCustomerGroupRoutes(db: Db, usage?: CustomerGroupUsage): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "customers"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const params = Type.Object({ id: Id });
    const memberParams = Type.Object({ id: Id, userId: Id });
    const customerGroupParams = Type.Object({ id: Id, groupId: Id });
    const GroupInput = {
      name: Type.String({ minLength: 1, maxLength: 100, description: "Unique, ignoring case" }),
      description: Type.Optional(Type.String({ maxLength: 1000 })),
    };
    const MembershipList = Type.Object({ items: Type.Array(CustomerGroupMembershipSchema) });

    app.get(
      "/customer-groups",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "List customer groups",
          description:
            "By name, `limit` per page with each group's member count; pass `nextCursor` as `cursor` for the next " +
            "page. `q` matches part of the name. Errors: 400 naming the field.",
          tags,
          querystring: PageQuery,
          response: {
            200: Type.Object({
              items: Type.Array(CustomerGroupSchema),
              nextCursor: Type.Union([Type.Null(), Type.String()]),
              total: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listCustomerGroups(db, request.query);
      },
    );

    app.post(
      "/customer-groups",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Create a customer group",
          description:
            "201 with the group and its ETag. Errors: 400 naming `name` (blank, over 100 characters) or " +
            "`description` (over 1000), 409 GROUP_NAME_TAKEN.",
          tags,
          body: Type.Object(GroupInput, { additionalProperties: false }),
          response: { 201: CustomerGroupSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const group = await db.transaction(async (tx) => {
          const created = await createCustomerGroup(tx, request.body);
          await recordStaffAction(tx, request, {
            action: "customer_group.create",
            targetType: "customer_group",
            targetId: created.id,
            metadata: { name: created.name, changes: changedFields(null, audited(created)) },
          });
          return created;
        });
        reply.status(201).header("location", `/api/admin/customer-groups/${group.id}`);
        return withEtag(reply, group);
      },
    );

    app.get(
      "/customer-groups/:id",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "Get a customer group",
          description:
            "With its member count; the `ETag` header names this version. Errors: 404 CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params,
          response: { 200: CustomerGroupSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await getCustomerGroup(db, request.params.id)),
    );

    app.patch(
      "/customer-groups/:id",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Rename or describe a customer group",
          description:
            "Changes the given fields. Send `If-Match` with the ETag you read: when someone saved in between, " +
            "nothing is written and the answer is 409 STALE_VERSION. Errors: 400 naming the field, 404 " +
            "CUSTOMER_GROUP_NOT_FOUND, 409 STALE_VERSION or GROUP_NAME_TAKEN.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: Type.Object(
            { name: Type.Optional(GroupInput.name), description: GroupInput.description },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: CustomerGroupSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const group = await db.transaction(async (tx) => {
          const { before, after } = await updateCustomerGroup(tx, request.params.id, request.body, expected);
          await recordStaffAction(tx, request, {
            action: "customer_group.update",
            targetType: "customer_group",
            targetId: after.id,
            metadata: { name: after.name, changes: changedFields(audited(before), audited(after)) },
          });
          return after;
        });
        return withEtag(reply, group);
      },
    );

    app.delete(
      "/customer-groups/:id",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Delete a customer group",
          description:
            "Deletes the group and its memberships (the accounts stay). A group still targeted by a price list or " +
            "a promotion is not deleted: 409 GROUP_IN_USE naming each of them in `errors` (field " +
            "`priceLists.<id>` or `promotions.<id>`); detach the group from them first. Honours `If-Match`. " +
            "Errors: 404 CUSTOMER_GROUP_NOT_FOUND, 409 STALE_VERSION or GROUP_IN_USE.",
          tags,
          params,
          headers: IfMatchHeaders,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        await db.transaction(async (tx) => {
          const before = await deleteCustomerGroup(tx, request.params.id, usage, expected);
          await recordStaffAction(tx, request, {
            action: "customer_group.delete",
            targetType: "customer_group",
            targetId: before.id,
            metadata: {
              name: before.name,
              memberCount: before.memberCount,
              changes: changedFields(audited(before), null),
            },
          });
        });
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/customer-groups/:id/members",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "Members of a customer group",
          description:
            "By name, `limit` per page; `q` matches part of the name or e-mail. Errors: 400 naming the field, " +
            "404 CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params,
          querystring: PageQuery,
          response: {
            200: Type.Object({
              items: Type.Array(CustomerGroupMemberSchema),
              nextCursor: Type.Union([Type.Null(), Type.String()]),
              total: Type.Integer(),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listGroupMembers(db, request.params.id, request.query);
      },
    );

    app.post(
      "/customer-groups/:id/members",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Add customers to a group",
          description:
            "Adds the accounts (those already in the group stay as they are), all or nothing. Their carts are " +
            "priced with the group's promotions and price lists from their next request. Answers the ids newly " +
            "added and the member count. Errors: 400 naming `userIds[i]` for an unknown account, 404 " +
            "CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params,
          body: Type.Object(
            { userIds: Type.Array(Id, { minItems: 1, maxItems: 500 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ added: Type.Array(Type.String()), memberCount: Type.Integer() }),
            ...errors,
          },
        },
      },
      async (request) =>
        db.transaction(async (tx) => {
          const added = await addGroupMembers(tx, request.params.id, request.body.userIds);
          const group = await getCustomerGroup(tx, request.params.id);
          if (added.length)
            await recordStaffAction(tx, request, {
              action: "customer_group.members.add",
              targetType: "customer_group",
              targetId: group.id,
              metadata: { name: group.name, userIds: added },
            });
          return { added, memberCount: group.memberCount };
        }),
    );

    app.delete(
      "/customer-groups/:id/members/:userId",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Remove a customer from a group",
          description:
            "The account leaves the group: its cart loses the group's promotions and prices at once, and an order " +
            "placed afterwards does not get them. An account not in the group changes nothing. Errors: 404 " +
            "CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params: memberParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await db.transaction(async (tx) => {
          if (await removeGroupMember(tx, request.params.id, request.params.userId))
            await recordStaffAction(tx, request, {
              action: "customer_group.members.remove",
              targetType: "customer_group",
              targetId: request.params.id,
              metadata: { userIds: [request.params.userId] },
            });
        });
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/customers/:id/groups",
      {
        config: { permission: "customers:read" },
        schema: {
          summary: "A customer's groups",
          description: "By name. Errors: 404 CUSTOMER_NOT_FOUND.",
          tags,
          params,
          response: { 200: MembershipList, ...errors },
        },
      },
      async (request, reply) => {
        await assertCustomer(db, request.params.id);
        reply.header("cache-control", "no-store");
        return { items: await groupsOfCustomer(db, request.params.id) };
      },
    );

    app.put(
      "/customers/:id/groups/:groupId",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Add a customer to a group",
          description:
            "Already in it: nothing changes. Answers the customer's groups. Errors: 404 CUSTOMER_NOT_FOUND or " +
            "CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params: customerGroupParams,
          response: { 200: MembershipList, ...errors },
        },
      },
      async (request) =>
        db.transaction(async (tx) => {
          const { id, groupId } = request.params;
          await assertCustomer(tx, id);
          const added = await addGroupMembers(tx, groupId, [id]);
          if (added.length)
            await recordStaffAction(tx, request, {
              action: "customer_group.members.add",
              targetType: "customer_group",
              targetId: groupId,
              metadata: { userIds: added },
            });
          return { items: await groupsOfCustomer(tx, id) };
        }),
    );

    app.delete(
      "/customers/:id/groups/:groupId",
      {
        config: { permission: "customers:write" },
        schema: {
          summary: "Remove a customer from a group",
          description:
            "Not in it: nothing changes. Answers the customer's groups. Errors: 404 CUSTOMER_NOT_FOUND or " +
            "CUSTOMER_GROUP_NOT_FOUND.",
          tags,
          params: customerGroupParams,
          response: { 200: MembershipList, ...errors },
        },
      },
      async (request) =>
        db.transaction(async (tx) => {
          const { id, groupId } = request.params;
          await assertCustomer(tx, id);
          if (await removeGroupMember(tx, groupId, id))
            await recordStaffAction(tx, request, {
              action: "customer_group.members.remove",
              targetType: "customer_group",
              targetId: groupId,
              metadata: { userIds: [id] },
            });
          return { items: await groupsOfCustomer(tx, id) };
        }),
    );
  };
}
