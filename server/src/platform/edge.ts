import type { FastifyRequest, RouteOptions } from "fastify";
import { type FieldError, ValidationError } from "./errors.ts";
import { ProblemSchema } from "./problem.schema.ts";

/**
 * The first input value no operation accepts, as a field error, or null when every value is fine.
 * Two rules hold for every operation, checked once at the edge rather than per route:
 * - no string may contain U+0000 (PostgreSQL's text types cannot store it: "invalid byte sequence
 *   for encoding UTF8: 0x00");
 * - every number is finite and a safe integer in magnitude (|n| <= 2^53 - 1, ECMA-262
 *   Number.MAX_SAFE_INTEGER): JSON and query strings can spell 1e309 (Infinity) or
 *   99999999999999999999, which no amount, quantity, limit or price ever is, and which a bigint
 *   column would refuse.
 * `value` is a parsed request part (params, query or JSON body); `root` names it when the offending
 * value is the part itself. Field names use dots for nesting and indexes (`ids.0`, `payment.data.card`).
 * The walk is iterative, so a deeply nested body cannot overflow the stack.
 */
export function hostileInput(value: unknown, root = "body"): FieldError | null {
  const stack: [unknown, string][] = [[value, ""]];
  let visited = 0;
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (++visited > 100_000) return { field: root, message: "has too many values" };
    if (typeof current === "string") {
      if (current.includes("\u0000"))
        return { field: path || root, message: "must not contain NUL characters" };
    } else if (typeof current === "number") {
      if (!Number.isFinite(current) || Math.abs(current) > Number.MAX_SAFE_INTEGER) {
        return {
          field: path || root,
          message: `must be a finite number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
        };
      }
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], path ? `${path}.${i}` : `${i}`]);
    } else if (current !== null && typeof current === "object" && !Buffer.isBuffer(current)) {
      // Pushed last to first, so the first offending field in the client's order is the one named.
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (key.includes("\u0000"))
          return { field: path || root, message: "must not contain NUL characters" };
        stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return null;
}

/**
 * Fastify `preHandler` hook for every route: after schema validation (so coerced query numbers are
 * numbers), refuses a request whose path parameters, query or body hold a NUL character or a number
 * out of range. @throws ValidationError (400 VALIDATION_FAILED naming the field).
 */
export async function rejectHostileInput(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ["params", request.params],
    ["query", request.query],
    ["body", request.body],
  ] as const) {
    const problem = hostileInput(value, part);
    if (problem) throw new ValidationError([problem]);
  }
}

const guardedPrefixes = ["/api/admin", "/api/vendor", "/api/store/account"];

/**
 * Fastify `onRoute` hook: every documented operation declares the problem+json answers that the
 * platform's shared mechanisms can give it, so the OpenAPI document lists them and the generated
 * client types them: 400 (validation, the edge rules above) when it takes input, 401 and 403 in the
 * signed-in scopes, 403 for a foreign Origin on writes, 404 when it has path parameters, 413 and 415
 * when it takes a body, 429 when rate-limited, and `4XX` for any other client error. An operation's
 * own declarations win.
 */
export function declareProblemResponses(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { hide?: boolean }) | undefined;
  if (!schema || schema.hide) return;
  const methods = [route.method].flat().map((m) => m.toUpperCase());
  const writes = methods.some((m) => !["GET", "HEAD", "OPTIONS"].includes(m));
  const statuses: string[] = ["4xx"];
  if (schema.params || schema.querystring || schema.body || schema.headers || route.url.includes(":"))
    statuses.push("400");
  if (guardedPrefixes.some((p) => route.url.startsWith(p))) statuses.push("401", "403");
  else if (writes) statuses.push("403");
  if (route.url.includes(":") || route.url.includes("*")) statuses.push("404");
  if (schema.body) statuses.push("413", "415");
  if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit) statuses.push("429");
  const response = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  for (const status of statuses) response[status] ??= ProblemSchema;
  // Problems are sent as application/problem+json (RFC 9457 section 3): documented as such.
  for (const [status, answer] of Object.entries(response)) {
    if (answer === ProblemSchema) response[status] = problemContent;
  }
  schema.response = response;
  documentDefaultsAsOptional(schema.querystring);
  for (const part of ["body", "querystring", "params", "headers"]) nullFirst(schema[part]);
}

/**
 * Makes nullable request fields take JSON null and every other value as sent. The validator coerces
 * types (`coerceTypes: "array"`) and tries `anyOf` branches in order, so `[integer, null]` turned a
 * null into 0 (a special price of 0 instead of none) and `[null, integer]` turned a 0 into null (a
 * usage limit of 0 into "unlimited"). A nullable scalar (`anyOf: [{ type: "integer", ... }, { type:
 * "null" }]`) becomes one schema with `type: ["integer", "null"]`: the validator coerces only a value
 * that matches neither type, so null, 0, "" and false stay what they are. Other nullable shapes
 * (objects, arrays, enums) get their null branch first. Mutates the schema (idempotent).
 */
export function nullFirst(schema: unknown, seen = new Set<object>()): void {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return;
  seen.add(schema);
  const node = schema as Record<string, unknown> & { anyOf?: Record<string, unknown>[] };
  if (Array.isArray(node.anyOf)) {
    const index = node.anyOf.findIndex((branch) => branch?.type === "null");
    const others = node.anyOf.filter((_, i) => i !== index);
    const only = others.length === 1 ? others[0]! : null;
    if (
      index >= 0 &&
      only &&
      typeof only.type === "string" &&
      ["string", "integer", "number", "boolean"].includes(only.type) &&
      only.enum === undefined &&
      only.const === undefined
    ) {
      const { anyOf: _anyOf, ...rest } = node;
      for (const key of Object.keys(node)) delete node[key];
      Object.assign(node, { ...only, ...rest, type: [only.type, "null"] });
    } else if (index > 0) node.anyOf.unshift(...node.anyOf.splice(index, 1));
  }
  for (const value of Object.values(schema)) nullFirst(value, seen);
}

const problemContent = {
  description: "Problem details (RFC 9457)",
  content: { "application/problem+json": { schema: ProblemSchema } },
};

/**
 * A query parameter with a default need not be sent (Ajv fills the default in before it checks
 * `required`), so the document lists it as optional and the generated client does not demand it.
 */
function documentDefaultsAsOptional(querystring: unknown): void {
  const object = querystring as { properties?: Record<string, { default?: unknown }>; required?: string[] };
  if (!object?.properties || !Array.isArray(object.required)) return;
  const withDefault = new Set(
    Object.keys(object.properties).filter((k) => object.properties![k]!.default !== undefined),
  );
  if (withDefault.size > 0) object.required = object.required.filter((name) => !withDefault.has(name));
}
