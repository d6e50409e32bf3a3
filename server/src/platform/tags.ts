import { ValidationError } from "./errors.ts";

/**
 * Staff labels ("tags") on orders and customers: free text chosen by staff, kept normalised so that
 * "VIP", " vip " and "vip" are one tag and a filter finds them all.
 *
 * Rule: trimmed, inner runs of white space made one space, lower case; then 1-40 characters, each a
 * letter or digit (any script), a space, "-" or "_". At most {@link maxTags} per resource.
 */

/** The most tags one order or customer may carry. */
export const maxTags = 20;

/** The longest tag, in characters. */
export const maxTagLength = 40;

const allowed = /^[\p{L}\p{N} _-]+$/u;

/**
 * One tag as stored: " Gift  Wrap " -> "gift wrap".
 * @throws ValidationError naming `field` when the result is empty, longer than 40 characters or holds
 *   another character than letters, digits, space, "-" and "_".
 */
export function normaliseTag(raw: string, field = "tag"): string {
  const tag = raw.trim().replace(/\s+/g, " ").toLowerCase();
  const problem =
    tag.length === 0
      ? "must not be blank"
      : [...tag].length > maxTagLength
        ? `at most ${maxTagLength} characters`
        : !allowed.test(tag)
          ? 'only letters, digits, spaces, "-" and "_"'
          : null;
  if (problem) throw new ValidationError([{ field, message: problem }]);
  return tag;
}

/**
 * A list of tags as stored: each normalised (see {@link normaliseTag}), duplicates dropped (the first
 * kept, order otherwise kept).
 * @throws ValidationError naming `<field>[i]` for the first bad tag, or `field` for more than 20 tags.
 */
export function normaliseTags(raw: readonly string[], field = "tags"): string[] {
  const tags: string[] = [];
  raw.forEach((t, i) => {
    const tag = normaliseTag(t, `${field}[${i}]`);
    if (!tags.includes(tag)) tags.push(tag);
  });
  if (tags.length > maxTags)
    throw new ValidationError([{ field, message: `at most ${maxTags} different tags` }]);
  return tags;
}
