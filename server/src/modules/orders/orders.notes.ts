/**
 * Staff notes on an order: internal remarks ("customer called, wants it before Friday"), written and
 * read by staff only; the shopper's API never answers them. Modelled on the customer notes of the
 * customers module (flows/customer-admin), with the author's name from the accounts.
 */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { accountSummaries } from "../customers/index.ts";
import { orderNotes } from "./orders.schema.ts";
import { findOrder } from "./orders.service.ts";

/** The longest note, in characters. */
export const maxNoteLength = 5000;

/** A staff note on an order. Times ISO 8601 UTC. */
export interface OrderNote {
  id: string;
  body: string;
  authorId: string | null;
  /** The author's name (or e-mail when they have no name); null when the account is gone. */
  authorName: string | null;
  createdAt: string;
}

/** Staff names (or e-mails) by user id, for notes and the timeline. */
export async function staffNames(db: Db, userIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(userIds)];
  const accounts = await accountSummaries(db, unique);
  return new Map([...accounts.values()].map((a) => [a.id, a.name.trim() || a.email]));
}

/** @throws NotFoundError ORDER_NOT_FOUND */
async function assertOrder(db: Db, orderId: string): Promise<void> {
  if (!(await findOrder(db, orderId))) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
}

/** An order's notes, newest first, with their authors' names. @throws NotFoundError ORDER_NOT_FOUND */
export async function orderNotesOf(db: Db, orderId: string): Promise<OrderNote[]> {
  await assertOrder(db, orderId);
  const rows = await db
    .select()
    .from(orderNotes)
    .where(eq(orderNotes.orderId, orderId))
    .orderBy(desc(orderNotes.createdAt), desc(orderNotes.id));
  const names = await staffNames(
    db,
    rows.map((r) => r.authorId).filter((id): id is string => id !== null),
  );
  return rows.map((r) => ({
    id: r.id,
    body: r.body,
    authorId: r.authorId,
    authorName: (r.authorId && names.get(r.authorId)) || null,
    createdAt: r.createdAt.toISOString(),
  }));
}

/**
 * Adds a note (trimmed; 1-5000 characters) to an order in the caller's transaction. Returns its id.
 * @throws ValidationError (field `body`) for a blank or too long note; NotFoundError ORDER_NOT_FOUND.
 */
export async function addOrderNote(
  db: Db,
  orderId: string,
  authorId: string | null,
  body: string,
): Promise<string> {
  const text = body.trim();
  if (!text) throw new ValidationError([{ field: "body", message: "must not be blank" }]);
  if (text.length > maxNoteLength)
    throw new ValidationError([{ field: "body", message: `at most ${maxNoteLength} characters` }]);
  await assertOrder(db, orderId);
  const id = newId("onote");
  await db.insert(orderNotes).values({ id, orderId, authorId, body: text });
  return id;
}

/**
 * Deletes a note of an order. Returns what it said (for the audit log).
 * @throws NotFoundError ORDER_NOT_FOUND, NOTE_NOT_FOUND (no such note on this order).
 */
export async function deleteOrderNote(db: Db, orderId: string, noteId: string): Promise<string> {
  await assertOrder(db, orderId);
  const [row] = await db
    .delete(orderNotes)
    .where(and(eq(orderNotes.id, noteId), eq(orderNotes.orderId, orderId)))
    .returning({ body: orderNotes.body });
  if (!row) throw new NotFoundError("NOTE_NOT_FOUND", `No note ${noteId} on this order.`);
  return row.body;
}
