import { Type } from "typebox";
import { AppError, ValidationError } from "./errors.ts";

/**
 * Optimistic concurrency for staff edits (RFC 9110 §8.8.3 ETag, §13.1.1 If-Match). Every editable
 * resource carries an integer `version`, bumped by each save. Reads answer it as the strong ETag
 * `"<version>"` (and in the body); a write may send `If-Match: "<version>"`: when the resource has moved
 * on since, the write changes nothing and answers 409 `STALE_VERSION` with the current version, so the
 * screen can offer to reload. (RFC 9110 would answer 412; the admin contract is 409 for every
 * conflict, which clients already handle.) A write without `If-Match` is unconditional.
 */

/** A save refused because the resource changed since the client read it. */
export class StaleVersionError extends AppError {
  constructor(
    readonly resource: string,
    readonly currentVersion: number,
  ) {
    super(
      409,
      "STALE_VERSION",
      `This ${resource} was changed by someone else since you opened it (now version ${currentVersion}). Reload it and apply your change again.`,
    );
  }
}

/** The `If-Match` request header, documented on every conditional write. */
export const IfMatchHeaders = Type.Object({
  "if-match": Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'The ETag of the version being edited, e.g. `"3"`. A stale one gets 409 STALE_VERSION.',
    }),
  ),
});

/**
 * The version an `If-Match` header names, or undefined when the header is absent or `*`.
 * @throws ValidationError (field `If-Match`) for anything but one ETag of this API (`"3"` or `W/"3"`).
 */
export function expectedVersion(headers: Record<string, unknown>): number | undefined {
  const raw = headers["if-match"];
  if (raw === undefined || raw === "*") return undefined;
  const match = typeof raw === "string" ? /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(raw) : null;
  if (!match)
    throw new ValidationError([{ field: "If-Match", message: 'must be an ETag of this API, such as "3"' }]);
  return Number(match[1]);
}

/** The strong ETag of a version: `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Raises StaleVersionError when the client expected another version than the stored one.
 * @param expected from {@link expectedVersion}; undefined means unconditional.
 */
export function assertVersion(resource: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) throw new StaleVersionError(resource, current);
}
