/**
 * Customer groups (e.g. "Wholesale", "VIP") and their members. Promotions can be limited to groups and
 * a price list can give a group's members their own prices; those live in the pricing module, which
 * asks this one which groups a customer is in ({@link customerGroupIdsOf}) and whether a group exists
 * ({@link customerGroupNames}). Deleting a group that pricing still targets is refused: the pricing
 * module answers what targets it through {@link CustomerGroupUsage}, wired by the composition root
 * (pricing sits above customers in the module graph, so this module cannot ask it directly).
 * Functions take the caller's transaction (or the database) first; the routes audit.
 */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import {
  AppError,
  ConflictError,
  type FieldError,
  NotFoundError,
  ValidationError,
} from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor, escapeLike } from "../../platform/keyset.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { customerGroupMembers, customerGroups, users } from "./customers.schema.ts";

/** A customer group as staff see it. Times ISO 8601 UTC. */
export interface CustomerGroup {
  id: string;
  name: string;
  description: string;
  /** Accounts in the group. */
  memberCount: number;
  /** Bumped by every save of name or description (the ETag); membership changes do not bump it. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A member of a group. `addedAt` ISO 8601 UTC. */
export interface CustomerGroupMember {
  userId: string;
  name: string;
  email: string;
  addedAt: string;
}

/** A group an account is in, as the customer page shows it. */
export interface CustomerGroupMembership {
  id: string;
  name: string;
  description: string;
  addedAt: string;
}

/** Something that targets a customer group (a price list or a promotion), named for staff. */
export interface CustomerGroupUse {
  type: "price_list" | "promotion";
  id: string;
  name: string;
}

/**
 * What targets a customer group elsewhere (implemented by the pricing module: its price lists and
 * promotions), so that a group in use is not deleted from under them.
 */
export interface CustomerGroupUsage {
  usesOfCustomerGroup(db: Db, groupId: string): Promise<CustomerGroupUse[]>;
}

/** Refused delete: 409 GROUP_IN_USE naming each price list and promotion that targets the group. */
export class GroupInUseError extends AppError {
  constructor(uses: CustomerGroupUse[]) {
    const label = (u: CustomerGroupUse) =>
      `${u.type === "price_list" ? "price list" : "promotion"} "${u.name}"`;
    super(
      409,
      "GROUP_IN_USE",
      `This group is still targeted by ${uses.map(label).join(", ")}. Change or delete ${uses.length === 1 ? "it" : "them"} first.`,
      uses.map((u) => ({
        field: `${u.type === "price_list" ? "priceLists" : "promotions"}.${u.id}`,
        message: `${label(u)} targets this group`,
      })),
    );
  }
}

const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;

type GroupRow = typeof customerGroups.$inferSelect;

function toGroup(row: GroupRow, memberCount: number): CustomerGroup {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    memberCount: Number(memberCount),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const memberCountSql = sql<number>`(select count(*)::int from ${customerGroupMembers} m where m.group_id = ${sql.raw('"customer_groups"."id"')})`;

/** Filters and page of the staff group list. */
export interface CustomerGroupQuery {
  /** Part of the name (any case). */
  q?: string;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The staff group list by name (then id), keyset-paged, with each group's member count. `total` counts
 * every match.
 * @throws ValidationError (field `cursor`) for a cursor this API did not return.
 */
export async function listCustomerGroups(
  db: Db,
  query: CustomerGroupQuery,
): Promise<{ items: CustomerGroup[]; nextCursor: string | null; total: number }> {
  const where: SQL[] = [];
  const q = query.q?.trim();
  if (q) where.push(sql`${customerGroups.name} ilike ${`%${escapeLike(q)}%`}`);
  const paged = [...where];
  if (query.cursor) {
    const [name, id] = decodeKeysetCursor(query.cursor);
    paged.push(sql`(${customerGroups.name}, ${customerGroups.id}) > (${name}, ${id})`);
  }
  const [rows, count] = await Promise.all([
    db
      .select({ row: customerGroups, memberCount: memberCountSql })
      .from(customerGroups)
      .where(paged.length ? and(...paged) : undefined)
      .orderBy(customerGroups.name, customerGroups.id)
      .limit(query.limit + 1),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(customerGroups)
      .where(where.length ? and(...where) : undefined),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1)?.row;
  return {
    items: page.map((r) => toGroup(r.row, r.memberCount)),
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last.name, last.id) : null,
    total: Number(count[0]?.total ?? 0),
  };
}

/** One group with its member count. @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND). */
export async function getCustomerGroup(db: Db, id: string): Promise<CustomerGroup> {
  const [found] = await db
    .select({ row: customerGroups, memberCount: memberCountSql })
    .from(customerGroups)
    .where(eq(customerGroups.id, id));
  if (!found) throw new NotFoundError("CUSTOMER_GROUP_NOT_FOUND", `No customer group ${id}.`);
  return toGroup(found.row, found.memberCount);
}

/** The given group ids that exist, with their names (unknown ids are absent). */
export async function customerGroupNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: customerGroups.id, name: customerGroups.name })
    .from(customerGroups)
    .where(inArray(customerGroups.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Checks name and description; returns them trimmed. @throws ValidationError (name, description). */
function checkFields(name: string, description: string): { name: string; description: string } {
  const errors: FieldError[] = [];
  const n = name.trim();
  const d = description.trim();
  if (!n) errors.push({ field: "name", message: "is required" });
  else if (n.length > NAME_MAX)
    errors.push({ field: "name", message: `must be at most ${NAME_MAX} characters` });
  if (d.length > DESCRIPTION_MAX)
    errors.push({ field: "description", message: `must be at most ${DESCRIPTION_MAX} characters` });
  if (errors.length) throw new ValidationError(errors);
  return { name: n, description: d };
}

/** @throws ConflictError GROUP_NAME_TAKEN when another group has this name (names compare without case). */
async function assertNameFree(db: Db, name: string, exceptId: string | null): Promise<void> {
  const [taken] = await db
    .select({ id: customerGroups.id })
    .from(customerGroups)
    .where(
      and(
        sql`lower(${customerGroups.name}) = lower(${name})`,
        exceptId ? sql`${customerGroups.id} <> ${exceptId}` : undefined,
      ),
    )
    .limit(1);
  if (taken) throw new ConflictError("GROUP_NAME_TAKEN", `A customer group is already called "${name}".`);
}

/**
 * Creates a group.
 * @throws ValidationError (name: blank or over 100 characters; description: over 1000);
 *   ConflictError GROUP_NAME_TAKEN (409) when the name is taken (ignoring case).
 */
export async function createCustomerGroup(
  db: Db,
  input: { name: string; description?: string },
): Promise<CustomerGroup> {
  const fields = checkFields(input.name, input.description ?? "");
  await assertNameFree(db, fields.name, null);
  const id = newId("cgrp");
  await db.insert(customerGroups).values({ id, ...fields });
  return getCustomerGroup(db, id);
}

/**
 * Renames or re-describes a group (the given fields only) and bumps its version.
 * @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND); StaleVersionError (409 STALE_VERSION) when
 *   `expectedVersion` is not the stored one; ValidationError (name, description); ConflictError
 *   GROUP_NAME_TAKEN.
 */
export async function updateCustomerGroup(
  db: Db,
  id: string,
  changes: { name?: string; description?: string },
  expectedVersion?: number,
): Promise<{ before: CustomerGroup; after: CustomerGroup }> {
  const [row] = await db.select().from(customerGroups).where(eq(customerGroups.id, id)).for("update");
  if (!row) throw new NotFoundError("CUSTOMER_GROUP_NOT_FOUND", `No customer group ${id}.`);
  assertVersion("customer group", row.version, expectedVersion);
  const before = await getCustomerGroup(db, id);
  const fields = checkFields(changes.name ?? row.name, changes.description ?? row.description);
  if (fields.name.toLowerCase() !== row.name.toLowerCase()) await assertNameFree(db, fields.name, id);
  await db
    .update(customerGroups)
    .set({ ...fields, version: row.version + 1, updatedAt: new Date() })
    .where(eq(customerGroups.id, id));
  return { before, after: await getCustomerGroup(db, id) };
}

/**
 * Deletes a group and its memberships, unless a price list or promotion still targets it (asked
 * through `usage`): then nothing changes and it answers 409 GROUP_IN_USE naming them. Staff detach
 * the group from those first (explicitly, so no price list or promotion silently changes audience).
 * @returns the group as it was.
 * @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND); StaleVersionError (409); GroupInUseError (409).
 */
export async function deleteCustomerGroup(
  db: Db,
  id: string,
  usage: CustomerGroupUsage | undefined,
  expectedVersion?: number,
): Promise<CustomerGroup> {
  const [row] = await db.select().from(customerGroups).where(eq(customerGroups.id, id)).for("update");
  if (!row) throw new NotFoundError("CUSTOMER_GROUP_NOT_FOUND", `No customer group ${id}.`);
  assertVersion("customer group", row.version, expectedVersion);
  const uses = usage ? await usage.usesOfCustomerGroup(db, id) : [];
  if (uses.length) throw new GroupInUseError(uses);
  const before = await getCustomerGroup(db, id);
  await db.delete(customerGroups).where(eq(customerGroups.id, id));
  return before;
}

/** @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND); locks the group row against a concurrent delete. */
async function lockGroup(db: Db, id: string): Promise<GroupRow> {
  const [row] = await db.select().from(customerGroups).where(eq(customerGroups.id, id)).for("share");
  if (!row) throw new NotFoundError("CUSTOMER_GROUP_NOT_FOUND", `No customer group ${id}.`);
  return row;
}

/**
 * A group's members by name (then id), keyset-paged; `q` matches part of the name or e-mail (any
 * case). `total` counts every match.
 * @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND); ValidationError (cursor).
 */
export async function listGroupMembers(
  db: Db,
  groupId: string,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: CustomerGroupMember[]; nextCursor: string | null; total: number }> {
  await getCustomerGroup(db, groupId);
  const where: SQL[] = [sql`m.group_id = ${groupId}`];
  const q = query.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    where.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern})`);
  }
  const paged = [...where];
  if (query.cursor) {
    const [name, id] = decodeKeysetCursor(query.cursor);
    paged.push(sql`(u.name, u.id) > (${name}, ${id})`);
  }
  const from = sql`from ${customerGroupMembers} m join ${users} u on u.id = m.user_id`;
  const [rows, count] = await Promise.all([
    queryRows<{ id: string; name: string; email: string; created_at: Date | string }>(
      db,
      sql`select u.id, u.name, u.email, m.created_at ${from} where ${sql.join(paged, sql` and `)}
        order by u.name, u.id limit ${query.limit + 1}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n ${from} where ${sql.join(where, sql` and `)}`),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      userId: r.id,
      name: r.name,
      email: r.email,
      addedAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last.name, last.id) : null,
    total: Number(count[0]?.n ?? 0),
  };
}

/**
 * Adds accounts to a group (those already in it are left as they are), all or nothing.
 * @param field how the ids are named in errors: `userIds` gives `userIds[i]`.
 * @returns the ids newly added, in the given order.
 * @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND); ValidationError naming `userIds[i]` for each
 *   unknown account (nothing is added).
 */
export async function addGroupMembers(
  db: Db,
  groupId: string,
  userIds: string[],
  field = "userIds",
): Promise<string[]> {
  await lockGroup(db, groupId);
  const wanted = [...new Set(userIds)];
  const known = new Set(
    wanted.length
      ? (await db.select({ id: users.id }).from(users).where(inArray(users.id, wanted))).map((u) => u.id)
      : [],
  );
  const errors = userIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ field: `${field}[${i}]`, message: `no customer ${id}` }],
  );
  if (errors.length) throw new ValidationError(errors);
  if (wanted.length === 0) return [];
  const added = await db
    .insert(customerGroupMembers)
    .values(wanted.map((userId) => ({ groupId, userId })))
    .onConflictDoNothing()
    .returning({ userId: customerGroupMembers.userId });
  const addedIds = new Set(added.map((a) => a.userId));
  return wanted.filter((id) => addedIds.has(id));
}

/**
 * Takes an account out of a group. Idempotent: an account not in the group changes nothing.
 * @returns whether it was a member. @throws NotFoundError (CUSTOMER_GROUP_NOT_FOUND).
 */
export async function removeGroupMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  await lockGroup(db, groupId);
  const removed = await db
    .delete(customerGroupMembers)
    .where(and(eq(customerGroupMembers.groupId, groupId), eq(customerGroupMembers.userId, userId)))
    .returning({ userId: customerGroupMembers.userId });
  return removed.length > 0;
}

/** The groups an account is in, by name. */
export async function groupsOfCustomer(db: Db, userId: string): Promise<CustomerGroupMembership[]> {
  const rows = await db
    .select({
      id: customerGroups.id,
      name: customerGroups.name,
      description: customerGroups.description,
      addedAt: customerGroupMembers.createdAt,
    })
    .from(customerGroupMembers)
    .innerJoin(customerGroups, eq(customerGroups.id, customerGroupMembers.groupId))
    .where(eq(customerGroupMembers.userId, userId))
    .orderBy(customerGroups.name, customerGroups.id);
  return rows.map((r) => ({ ...r, addedAt: r.addedAt.toISOString() }));
}

/**
 * Ids of the groups an account is in, sorted; [] for null (a guest). The cart and the checkout pass
 * them to pricing (group promotions and group price lists). With `lock` (inside the checkout's
 * transaction) the membership rows are share-locked, so a concurrent removal waits for the order.
 */
export async function customerGroupIdsOf(
  db: Db,
  userId: string | null,
  options: { lock?: boolean } = {},
): Promise<string[]> {
  if (!userId) return [];
  const query = db
    .select({ groupId: customerGroupMembers.groupId })
    .from(customerGroupMembers)
    .where(eq(customerGroupMembers.userId, userId))
    .orderBy(customerGroupMembers.groupId);
  const rows = options.lock ? await query.for("share") : await query;
  return rows.map((r) => r.groupId);
}
