/** Sentences and per-field messages for the user from an `ApiError` (both web apps show them alike). */
import { isApiError } from "./client.ts";

/** A sentence for the user from an API error (the problem's detail, plus when to retry a 429). */
export function errorMessage(error: unknown): string {
  if (!isApiError(error)) return "Something went wrong. Please try again.";
  const detail = error.problem.detail || error.message || "The request was refused.";
  if (error.status === 429 && error.retryAfter != null && !/\d/.test(detail)) {
    const wait =
      error.retryAfter >= 120 ? `${Math.ceil(error.retryAfter / 60)} minutes` : `${error.retryAfter} seconds`;
    return `${detail} Try again in ${wait}.`;
  }
  return detail;
}

/** Per-field messages of a 400 validation problem, keyed by the last segment of the field path. */
export function fieldErrors(error: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isApiError(error)) return result;
  for (const item of error.problem.errors ?? []) {
    const key = item.field.split(/[./]/).filter(Boolean).pop() ?? item.field;
    result[key] ??= item.message;
  }
  return result;
}

/**
 * Per-field messages of a validation problem for the fields under `prefix` ("shippingAddress"),
 * keyed by the rest of the path: `shippingAddress.postalCode` -> `postalCode` (a plain `postalCode`,
 * as the request schema names it, counts too). Without a prefix, the whole field path is the key.
 */
export function fieldErrorsAt(error: unknown, prefix?: string): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isApiError(error)) return result;
  for (const item of error.problem.errors ?? []) {
    const field = item.field.replace(/^\/?body[./]/, "").replaceAll("/", ".");
    // Shown as a sentence under the field: "A postal code is required ...".
    const message = item.message.charAt(0).toUpperCase() + item.message.slice(1);
    if (prefix === undefined) {
      result[field] ??= message;
    } else if (field.startsWith(`${prefix}.`)) {
      result[field.slice(prefix.length + 1)] ??= message;
    } else if (!field.includes(".")) {
      result[field] ??= message;
    }
  }
  return result;
}
