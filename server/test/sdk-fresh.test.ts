import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { documentPath, generate, regenerateCommand, schemaPath } from "../../packages/sdk/scripts/openapi.ts";
import { ApiError, createBazaarClient, isApiError, ok } from "../../packages/sdk/src/client.ts";
import { fieldErrors } from "../../packages/sdk/src/errors.ts";
import { permissionList } from "../../packages/sdk/src/permissions.ts";
import { repoRoot } from "../src/config.ts";
import { permissions } from "../src/modules/staff/permissions.ts";

/** Where two texts first differ (line, generated and committed text), for the failure message. */
function firstDifference(committed: string, fresh: string): string {
  const a = committed.split("\n");
  const b = fresh.split("\n");
  const line = b.findIndex((text, i) => text !== a[i]);
  const at = line === -1 ? b.length : line;
  return `first difference at line ${at + 1}: generated ${JSON.stringify(b[at] ?? "<end>")}, committed ${JSON.stringify(a[at] ?? "<end>")}`;
}

/**
 * The committed API client (@bazaar/sdk) is generated from the server's OpenAPI document: a route
 * schema changed without regenerating it fails here, before the web apps build against stale types.
 */
describe("the generated SDK", () => {
  it("matches the OpenAPI document the server publishes", async () => {
    const { document, schema } = await generate();
    for (const [file, fresh] of [
      [documentPath, document],
      [schemaPath, schema],
    ] as const) {
      const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
      const name = path.relative(repoRoot, file);
      expect(
        committed === fresh,
        `${name} is stale: run \`${regenerateCommand}\` and commit the result (${firstDifference(committed, fresh)})`,
      ).toBe(true);
    }
  });

  it("lists the server's staff permissions", () => {
    expect(
      [...permissionList],
      "packages/sdk/src/permissions.ts differs from server/src/modules/staff/permissions.ts: copy the server's list",
    ).toEqual([...permissions]);
  });
});

describe("the SDK client", () => {
  const problem = {
    type: "https://bazaar.dev/problems/validation",
    title: "Bad Request",
    status: 400,
    detail: "The request is invalid.",
    code: "VALIDATION_FAILED",
    errors: [{ field: "body.email", message: "must be an e-mail address" }],
  };
  const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? headers : { "content-type": "application/problem+json", ...headers },
    });
  const clientAnswering = (respond: (request: Request) => Promise<Response>) =>
    createBazaarClient({ baseUrl: "http://shop.test", fetch: respond });

  it("answers JSON, sends same-origin credentials, and gives undefined for 204", async () => {
    const seen: Request[] = [];
    const api = clientAnswering(async (request) => {
      seen.push(request);
      return request.method === "DELETE"
        ? answer(204)
        : new Response(JSON.stringify({ items: [] }), { headers: { "content-type": "application/json" } });
    });
    expect(await ok(api.GET("/api/store/categories"))).toEqual({ items: [] });
    expect(await ok(api.DELETE("/api/admin/api-keys/{id}", { params: { path: { id: "key_1" } } }))).toBe(
      undefined,
    );
    expect(seen[0]?.credentials).toBe("same-origin");
    expect(seen[1]?.url).toBe("http://shop.test/api/admin/api-keys/key_1");
  });

  it("throws an ApiError carrying the problem+json body, with Retry-After", async () => {
    const api = clientAnswering(async () =>
      answer(429, { ...problem, status: 429 }, { "retry-after": "30" }),
    );
    const error = await ok(api.GET("/api/store/cart")).catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    const apiError = error as ApiError;
    expect([apiError.status, apiError.code, apiError.retryAfter]).toEqual([429, "VALIDATION_FAILED", 30]);
    expect(apiError.problem.errors).toEqual(problem.errors);
    expect(fieldErrors(apiError)).toEqual({ email: "must be an e-mail address" });
  });

  it("makes a network failure an ApiError with status 0, and leaves an abort an abort", async () => {
    const offline = clientAnswering(async () => {
      throw new TypeError("fetch failed");
    });
    const error = (await ok(offline.GET("/api/store/cart")).catch((e: unknown) => e)) as ApiError;
    expect([error instanceof ApiError, error.status, error.code]).toEqual([true, 0, "network_error"]);

    const controller = new AbortController();
    const slow = clientAnswering(
      (request) =>
        new Promise((_resolve, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
    );
    const call = ok(slow.GET("/api/store/cart", { signal: controller.signal }));
    controller.abort();
    const aborted = await call.catch((e: unknown) => e);
    expect(isApiError(aborted)).toBe(false);
    expect((aborted as Error).name).toBe("AbortError");
  });
});
