import { fieldErrors, isApiError } from "@bazaar/sdk";

/**
 * Field messages of a problem, keyed by the last segment of the field path ("amount", "carrier"),
 * plus the codes that name a field without a validation `errors[]` (e.g. REFUND_EXCEEDS_CAPTURED).
 */
export function problemFields(
  error: unknown,
  codeFields: Record<string, string> = {},
): Record<string, string> {
  const fields = fieldErrors(error);
  if (isApiError(error)) {
    const field = codeFields[error.code];
    if (field && !fields[field]) fields[field] = error.problem.detail || error.message;
  }
  return fields;
}

/**
 * Messages of a problem about items of an array body field, by index: `lines[2].quantity` (service
 * checks) and `lines.2.quantity` (schema validation) both give 2 -> message.
 */
export function indexedErrors(error: unknown, array: string): Map<number, string> {
  const result = new Map<number, string>();
  if (!isApiError(error)) return result;
  const pattern = new RegExp(`^/?${array}(?:\\[(\\d+)\\]|[./](\\d+))`);
  for (const item of error.problem.errors ?? []) {
    const match = pattern.exec(item.field);
    const index = Number(match?.[1] ?? match?.[2] ?? Number.NaN);
    if (Number.isInteger(index) && !result.has(index)) result.set(index, item.message);
  }
  return result;
}
