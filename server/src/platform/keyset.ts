import { ValidationError } from "./errors.ts";

/**
 * Keyset paging of staff lists: a page's cursor holds the sort key and the id of its last row, so
 * the next page is `(sort key, id) > (cursor)` on an index, whatever its depth (no OFFSET).
 */

/** The opaque cursor of a row: base64url of `[sortKey, id]`. */
export function encodeKeysetCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString("base64url");
}

/**
 * The sort key and id a cursor of {@link encodeKeysetCursor} holds.
 * @throws ValidationError (field `cursor`) for anything else.
 */
export function decodeKeysetCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string"))
      return value as [string, string];
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
}

/** `text` with `\`, `%` and `_` escaped, to be taken literally inside a LIKE / ILIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
