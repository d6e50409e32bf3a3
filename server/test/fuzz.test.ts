import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { fromSchema, type JsonSchema } from "./fuzz/openapi-arbitraries.ts";
import { testApp } from "./helpers.ts";

/**
 * OpenAPI-driven property-based fuzzing: for every documented operation, fast-check generates path
 * parameters, query strings, headers and JSON bodies from the operation's own schemas, mixed with
 * hostile values (NUL bytes, huge numbers, wrong types, long strings), and sends them anonymously and
 * as the shop's owner. Every answer must be below 500, declared in the document for its status (or
 * its range), carry problem+json when it is an error, and match its declared schema.
 * FUZZ_REQUESTS sets the total (default 20,000); FUZZ_SEED replays a run.
 */

type Operation = {
  method: string;
  path: string;
  parameters: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  body: JsonSchema | null;
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
};

const totalRequests = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const seed = Number(process.env.FUZZ_SEED ?? 20261207);

let t: Awaited<ReturnType<typeof testApp>>;
let operations: Operation[] = [];
let ids: string[] = [];
/** The document's shared schemas, as `$defs` of every compiled response schema. */
let definitions: Record<string, unknown> = {};
let staffCookie = "";
let origin = "";
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>();
const failures: string[] = [];
const statuses = new Map<string, number>();
let sent = 0;
let n = 0;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  expect(signIn.statusCode).toBe(200);
  staffCookie = cookieOf(signIn);
  // Real ids and slugs, so that part of the requests reach past "not found" into each operation.
  const rows = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from products union all select id from variants union all select slug from categories
        union all select sku from variants union all select id from categories`,
  );
  ids = rows.map((r) => r.id);
  const document = (await t.app.inject({ url: "/api/openapi.json" })).json() as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components?: { schemas?: Record<string, unknown> };
  };
  definitions = withLocalRefs(document.components?.schemas ?? {}) as Record<string, unknown>;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const content = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Operation["parameters"]) ?? [],
        body: content?.["application/json"]?.schema ?? (content ? {} : null),
        responses: op.responses as Operation["responses"],
      });
    }
  }
  // Operations that end the staff session or remove the only owner would only fuzz 401s afterwards.
  operations = operations.filter((op) => !/sign-out|revoke/.test(op.path));
}, 300_000);

afterAll(async () => {
  await t?.close();
});

/** The declared answer for a status: its own code, then its range (4XX), then `default`. */
function declared(op: Operation, status: number) {
  return op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
}

/** The value with `#/components/schemas/X` references turned into `#/$defs/X`. */
function withLocalRefs(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'));
}

function validatorFor(op: Operation, status: string, schema: JsonSchema): ValidateFunction {
  const key = `${op.method} ${op.path} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...(withLocalRefs(schema) as object), $defs: definitions });
    validators.set(key, validate);
  }
  return validate;
}

/** A path segment as a client may send it: lone surrogates go out as invalid UTF-8 bytes (%ED%A0%80). */
function encodePathPart(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ""))}%ED%A0%80`;
  }
}

function queryString(query: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of [value].flat())
      search.append(name, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** One generated request against one operation, checked. */
async function exercise(
  op: Operation,
  who: "anonymous" | "staff",
  input: {
    path: Record<string, unknown>;
    query: Record<string, unknown>;
    headers: Record<string, unknown>;
    body: unknown;
  },
): Promise<boolean> {
  const url =
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = input.path[name];
      const text = typeof v === "object" ? JSON.stringify(v) : String(v);
      return encodePathPart(text) || "x";
    }) + queryString(input.query);
  const headers: Record<string, string> = { origin };
  for (const [name, value] of Object.entries(input.headers)) {
    // Node refuses NUL and other control characters in header values before they reach a server.
    const text = String(value);
    if (/^[\x20-\x7e]*$/.test(text)) headers[name] = text;
  }
  if (who === "staff") headers.cookie = staffCookie;
  const sendsBody = op.body !== null && input.body !== undefined;
  if (sendsBody) headers["content-type"] = "application/json";
  n++;
  const res = await t.app.inject({
    method: op.method as "GET",
    url,
    headers,
    remoteAddress: `10.${Math.floor(n / 65_000) % 250}.${Math.floor(n / 250) % 250}.${n % 250}`,
    ...(sendsBody ? { payload: JSON.stringify(input.body) } : {}),
  });
  sent++;
  statuses.set(`${who} ${res.statusCode}`, (statuses.get(`${who} ${res.statusCode}`) ?? 0) + 1);
  const where = `${who} ${op.method} ${url.slice(0, 300)}${input.body !== undefined ? ` body=${JSON.stringify(input.body).slice(0, 300)}` : ""}`;
  if (res.statusCode >= 500) {
    failures.push(`${res.statusCode} ${where}: ${res.body.slice(0, 300)}`);
    return false;
  }
  const answer = declared(op, res.statusCode);
  if (!answer) {
    failures.push(`undeclared ${res.statusCode} ${where}: ${res.body.slice(0, 200)}`);
    return false;
  }
  const type = String(res.headers["content-type"] ?? "");
  if (res.statusCode >= 400 && !type.startsWith("application/problem+json")) {
    failures.push(`${res.statusCode} is not problem+json (${type}) ${where}`);
    return false;
  }
  const schema =
    answer.content?.["application/json"]?.schema ?? answer.content?.["application/problem+json"]?.schema;
  if (schema && type.includes("json") && res.body.length > 0) {
    const validate = validatorFor(op, String(res.statusCode), schema);
    if (!validate(res.json())) {
      failures.push(
        `${res.statusCode} breaks its schema ${where}: ${ajv.errorsText(validate.errors)} in ${res.body.slice(0, 200)}`,
      );
      return false;
    }
  }
  return true;
}

/** Requests for one operation: seven in ten shaped by its schemas, three in ten with hostile values mixed in. */
function inputArbitrary(op: Operation) {
  return fc.oneof({ arbitrary: inputs(op, false), weight: 7 }, { arbitrary: inputs(op, true), weight: 3 });
}

function inputs(op: Operation, hostile: boolean) {
  const of = (place: string) =>
    Object.fromEntries(
      op.parameters
        .filter((p) => p.in === place)
        .map((p) => [p.name, fromSchema(p.schema, ids, hostile)] as const),
    );
  const required = (place: string) =>
    op.parameters.filter((p) => p.in === place && (p.required || place === "path")).map((p) => p.name);
  return fc.record({
    path: fc.record(of("path"), { requiredKeys: required("path") }),
    query: fc.record(of("query"), { requiredKeys: [] }),
    headers: fc.record(of("header"), { requiredKeys: required("header") }),
    body:
      op.body === null
        ? fc.constant(undefined)
        : fc.option(fromSchema(op.body, ids, hostile), { nil: undefined, freq: 8 }),
  });
}

describe("OpenAPI fuzzing", () => {
  it(`sends ${totalRequests} generated requests to every operation and never gets a 5xx or an undeclared answer`, async () => {
    expect(operations.length).toBeGreaterThan(100);
    const perOperation = Math.max(2, Math.ceil(totalRequests / (operations.length * 2)));
    const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
    for (const [index, op] of operations.entries()) {
      if (only && !only.test(`${op.method} ${op.path}`)) continue;
      for (const who of ["anonymous", "staff"] as const) {
        const samples = fc.sample(inputArbitrary(op), {
          numRuns: perOperation,
          seed: seed + index * 2 + (who === "staff" ? 1 : 0),
        });
        for (const input of samples) await exercise(op, who, input);
      }
    }
    const report = [...new Set(failures)].slice(0, 40).join("\n");
    console.log(
      `${sent} requests to ${operations.length} operations; answers by status:`,
      Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b))),
    );
    if (!only) expect(sent).toBeGreaterThanOrEqual(totalRequests);
    expect(failures, `${failures.length} of ${sent} requests failed (seed ${seed}):\n${report}`).toEqual([]);
  }, 1_800_000);
});
