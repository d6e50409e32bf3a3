import { and, eq, type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { decodeKeysetCursor, encodeKeysetCursor, escapeLike } from "../../platform/keyset.ts";
import { maxTags, normaliseTag } from "../../platform/tags.ts";
import { customerNotes, customerProfiles, sessions, users } from "./customers.schema.ts";

/** Sort orders of the staff customer list. */
export const customerSorts = ["created", "-created", "name", "email"] as const;
export type CustomerSort = (typeof customerSorts)[number];

/** Filters of the staff customer list; every one optional. */
export interface CustomerQuery {
  /** Part of the name or e-mail (case-insensitive). */
  q?: string;
  marketingConsent?: boolean;
  emailVerified?: boolean;
  /** A staff tag (normalised, see platform/tags.ts): customers carrying it. */
  tag?: string;
  sort: CustomerSort;
  limit: number;
  cursor?: string;
  /** A condition over `u.id` from another module (e.g. "has ordered"), embedded as is. */
  extra?: SQL;
}

/** A row of the staff customer list (order figures are added by the caller). Times ISO 8601 UTC. */
export interface CustomerRow {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  marketingConsent: boolean;
  /** Staff labels, lower case. */
  tags: string[];
  createdAt: string;
}

const sortSpecs: Record<CustomerSort, { column: SQL; descending: boolean; time: boolean }> = {
  created: { column: sql`u.created_at`, descending: false, time: true },
  "-created": { column: sql`u.created_at`, descending: true, time: true },
  name: { column: sql`u.name`, descending: false, time: false },
  email: { column: sql`u.email`, descending: false, time: false },
};

/**
 * The staff customer list: every account, searched by name or e-mail, filtered, sorted and
 * keyset-paged (no OFFSET). `total` counts the matches up to 10,001 (read it as "over 10,000").
 * @throws ValidationError (field `cursor`) for a cursor this API did not return.
 */
export async function listCustomersForStaff(
  db: Db,
  query: CustomerQuery,
): Promise<{ items: CustomerRow[]; nextCursor: string | null; total: number }> {
  const spec = sortSpecs[query.sort];
  const where: SQL[] = [];
  const q = query.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    where.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern})`);
  }
  if (query.marketingConsent !== undefined) {
    // A semi-join on the partial index of subscribers (no profile row means not subscribed).
    const subscribed = sql`u.id in (select s.user_id from ${customerProfiles} s where s.marketing_consent)`;
    where.push(query.marketingConsent ? subscribed : sql`not ${subscribed}`);
  }
  if (query.emailVerified !== undefined) where.push(sql`u.email_verified = ${query.emailVerified}`);
  if (query.tag !== undefined) where.push(sql`cp.tags @> ${JSON.stringify([query.tag])}::jsonb`);
  if (query.extra) where.push(query.extra);
  const paged = [...where];
  if (query.cursor) {
    const [key, id] = decodeKeysetCursor(query.cursor);
    const value = spec.time ? sql`${key}::timestamptz` : sql`${key}`;
    paged.push(
      spec.descending
        ? sql`(${spec.column}, u.id) < (${value}, ${id})`
        : sql`(${spec.column}, u.id) > (${value}, ${id})`,
    );
  }
  const direction = spec.descending ? sql`desc` : sql`asc`;
  const from = sql`from ${users} u left join ${customerProfiles} cp on cp.user_id = u.id`;
  const whereSql = (list: SQL[]) => (list.length ? sql`where ${sql.join(list, sql` and `)}` : sql``);
  const [rows, count] = await Promise.all([
    queryRows<{
      id: string;
      name: string;
      email: string;
      email_verified: boolean;
      marketing_consent: boolean | null;
      tags: string[] | null;
      created_at: Date | string;
      sort_key: string;
    }>(
      db,
      sql`select u.id, u.name, u.email, u.email_verified, cp.marketing_consent, cp.tags, u.created_at,
          ${spec.time ? sql`to_char(${spec.column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : spec.column} as sort_key
        ${from} ${whereSql(paged)}
        order by ${spec.column} ${direction}, u.id ${direction}
        limit ${query.limit + 1}`,
    ),
    // Counting stops at 10,001 (read "over 10,000"): an exact count of 100,000 accounts on every page
    // costs more than the page.
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from (select 1 ${from} ${whereSql(where)} limit 10001) capped`,
    ),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      emailVerified: r.email_verified,
      marketingConsent: r.marketing_consent === true,
      tags: r.tags ?? [],
      createdAt: new Date(r.created_at).toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(String(last.sort_key), last.id) : null,
    total: Number(count[0]?.n ?? 0),
  };
}

/** A signed-in session of an account, as staff see it. Times ISO 8601 UTC. */
export interface CustomerSession {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
}

/** The account's sessions that have not expired, newest first. */
export async function activeSessionsOf(db: Db, userId: string): Promise<CustomerSession[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} > now()`))
    .orderBy(sql`${sessions.createdAt} desc`);
  return rows.map((s) => ({
    id: s.id,
    ipAddress: s.ipAddress,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
  }));
}

/** Signs the account out everywhere: deletes its sessions. @returns how many were ended. */
export async function endSessionsOf(db: Db, userId: string): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return rows.length;
}

/** A staff note on a customer. */
export interface CustomerNote {
  id: string;
  body: string;
  authorId: string | null;
  /** The author's name (or e-mail), when the author still exists. */
  authorName: string | null;
  createdAt: string;
}

/** The customer's notes, oldest first. */
export async function notesOf(db: Db, userId: string): Promise<CustomerNote[]> {
  const rows = await queryRows<{
    id: string;
    body: string;
    author_id: string | null;
    author: string | null;
    created_at: Date | string;
  }>(
    db,
    sql`select n.id, n.body, n.author_id, coalesce(nullif(a.name, ''), a.email) as author, n.created_at
      from ${customerNotes} n left join ${users} a on a.id = n.author_id
      where n.user_id = ${userId} order by n.created_at, n.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    authorId: r.author_id,
    authorName: r.author,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/**
 * Adds a staff note to a customer.
 * @throws NotFoundError (CUSTOMER_NOT_FOUND); ValidationError (field `body`) for a blank note.
 */
export async function addNote(
  db: Db,
  userId: string,
  authorId: string | null,
  body: string,
): Promise<string> {
  if (!body.trim()) throw new ValidationError([{ field: "body", message: "is required" }]);
  await assertCustomer(db, userId);
  const id = newId("cnote");
  await db.insert(customerNotes).values({ id, userId, authorId, body: body.trim() });
  return id;
}

/** Deletes a note. @throws NotFoundError (NOTE_NOT_FOUND). */
export async function deleteNote(db: Db, userId: string, noteId: string): Promise<string> {
  const [row] = await db
    .delete(customerNotes)
    .where(and(eq(customerNotes.id, noteId), eq(customerNotes.userId, userId)))
    .returning({ body: customerNotes.body });
  if (!row) throw new NotFoundError("NOTE_NOT_FOUND", `No note ${noteId} on this customer.`);
  return row.body;
}

/** @throws NotFoundError (CUSTOMER_NOT_FOUND) when there is no such account. */
export async function assertCustomer(db: Db, userId: string): Promise<{ email: string; name: string }> {
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw new NotFoundError("CUSTOMER_NOT_FOUND", `No customer ${userId}.`);
  return row;
}

/** A customer's staff tags, lower case (none when they have no profile row yet). */
export async function customerTags(db: Db, userId: string): Promise<string[]> {
  const [row] = await db
    .select({ tags: customerProfiles.tags })
    .from(customerProfiles)
    .where(eq(customerProfiles.userId, userId));
  return row?.tags ?? [];
}

/** A customer's tags before and after a change. */
export interface TagChange {
  before: string[];
  after: string[];
}

/**
 * Adds one tag (normalised: trimmed, lower case, see platform/tags.ts) to a customer, atomically:
 * ONE statement upserts the profile row (a customer may not have one yet) and appends the tag unless
 * it is already there, so two staff adding different tags at the same time both keep theirs. Adding a
 * tag the customer has changes nothing.
 * @throws ValidationError (field `tag`) for a bad tag or when the customer has 20 tags already;
 *   NotFoundError CUSTOMER_NOT_FOUND.
 */
export async function addCustomerTag(db: Db, userId: string, raw: string): Promise<TagChange> {
  const tag = normaliseTag(raw, "tag");
  await assertCustomer(db, userId);
  const one = JSON.stringify([tag]);
  const [row] = await queryRows<{ before: string[] | null; after: string[] }>(
    db,
    sql`with old as (select tags from ${customerProfiles} where user_id = ${userId})
      insert into ${customerProfiles} as cp (user_id, tags) values (${userId}, ${one}::jsonb)
      on conflict (user_id) do update
        set tags = case when cp.tags @> ${one}::jsonb then cp.tags else cp.tags || ${one}::jsonb end,
            updated_at = now()
        where cp.tags @> ${one}::jsonb or jsonb_array_length(cp.tags) < ${maxTags}
      returning (select tags from old) as before, cp.tags as after`,
  );
  if (!row) throw new ValidationError([{ field: "tag", message: `a customer has at most ${maxTags} tags` }]);
  return { before: row.before ?? [], after: row.after };
}

/**
 * Removes one tag from a customer, atomically (ONE statement: jsonb `tags - tag`). Removing a tag the
 * customer does not have changes nothing.
 * @throws ValidationError (field `tag`) for a bad tag; NotFoundError CUSTOMER_NOT_FOUND.
 */
export async function removeCustomerTag(db: Db, userId: string, raw: string): Promise<TagChange> {
  const tag = normaliseTag(raw, "tag");
  await assertCustomer(db, userId);
  const [row] = await queryRows<{ before: string[]; after: string[] }>(
    db,
    sql`with old as (select tags from ${customerProfiles} where user_id = ${userId})
      update ${customerProfiles} as cp set tags = cp.tags - ${tag}::text, updated_at = now()
      where cp.user_id = ${userId} and cp.tags @> ${JSON.stringify([tag])}::jsonb
      returning (select tags from old) as before, cp.tags as after`,
  );
  if (!row) {
    const tags = await customerTags(db, userId);
    return { before: tags, after: tags };
  }
  return row;
}
