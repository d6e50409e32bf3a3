import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let staffCookie: string;
let variants: Awaited<ReturnType<typeof seedShop>>["variants"];

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function expectFieldProblem(res: LightMyRequestResponse, field: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.json().errors?.map((e: { field: string }) => e.field)).toContain(field);
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  ({ variants } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  staffCookie = cookieOf(
    await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { origin },
      payload: { email: "owner@shop.test", password: "correct horse battery staple" },
    }),
  );
});

afterAll(async () => {
  await t?.close();
});

describe("hostile input is refused at the edge with 400 naming the field", () => {
  it("NUL bytes in bodies, path parameters and query strings", async () => {
    const inject = (method: "GET" | "POST", url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { origin }, ...(payload ? { payload } : {}) });
    expectFieldProblem(await inject("POST", "/api/store/cart/lines", { variantId: "\u0000" }), "variantId");
    expectFieldProblem(await inject("GET", "/api/store/products/%00/recommendations"), "id");
    expectFieldProblem(await inject("GET", "/api/store/wishlists/preview?items=a%00"), "items");
    expectFieldProblem(await inject("POST", "/api/store/products/summaries", { ids: ["\u0000"] }), "ids.0");
    expectFieldProblem(await inject("GET", "/api/store/search?q=jack%00et"), "q");
  });

  it("NUL bytes in staff operations", async () => {
    const staff = (method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { origin, cookie: staffCookie },
        ...(payload ? { payload } : {}),
      });
    expectFieldProblem(await staff("GET", "/api/admin/orders/%00"), "id");
    expectFieldProblem(await staff("GET", "/api/admin/orders?q=%00"), "q");
    expectFieldProblem(await staff("GET", "/api/admin/audit?action=a%00"), "action");
    expectFieldProblem(await staff("POST", "/api/admin/vendors", { name: "A\u0000", slug: "a" }), "name");
  });

  it("NUL bytes in the bodies passed through to the authentication endpoints", async () => {
    const signIn = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { origin },
      payload: { email: "a\u0000@example.com", password: "x\u0000" },
    });
    expectFieldProblem(signIn, "email");
    const form = await t.app.inject({
      method: "POST",
      url: "/api/auth/request-password-reset",
      headers: { origin, "content-type": "application/x-www-form-urlencoded" },
      payload: "email=a%00%40example.com",
    });
    expectFieldProblem(form, "email");
  });

  it("numbers beyond range, in any spelling", async () => {
    for (const url of [
      "/api/store/products?priceMax=1e%2B21",
      "/api/store/products?priceMax=99999999999999999999",
      "/api/store/products?priceMin=1e309",
    ]) {
      expectFieldProblem(await t.app.inject({ url }), url.includes("priceMin") ? "priceMin" : "priceMax");
    }
    const limit = await t.app.inject({ url: "/api/store/products?limit=1e309" });
    expectFieldProblem(limit, "limit");
    const body = await t.app.inject({
      method: "POST",
      url: "/api/store/cart/lines",
      headers: { origin, "content-type": "application/json" },
      payload: `{"variantId":"${variants.MUG}","quantity":1e309}`,
    });
    expect(body.statusCode).toBe(400);
  });

  it("a deeply nested body is refused, not a crash", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/store/products/summaries",
      headers: { "content-type": "application/json" },
      payload: `{"ids":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("answers of the HTTP layer are problem+json too", () => {
  it("431 for oversized headers, 414 for an oversized path parameter", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const big = await fetch(`${address}/api/store/products`, { headers: { "x-big": "a".repeat(20_000) } });
    expect(big.status).toBe(431);
    expect(big.headers.get("content-type")).toBe("application/problem+json");
    expect(((await big.json()) as { code: string }).code).toBe("HEADERS_TOO_LARGE");
    const long = await fetch(`${address}/api/store/products/${"a".repeat(300)}`);
    expect(long.status).toBe(414);
    expect(long.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("the OpenAPI document declares the problem answers every operation can give", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
    const addLine = doc.paths["/api/store/cart/lines"].post.responses;
    for (const status of ["400", "403", "413", "415", "4XX"]) expect(addLine).toHaveProperty(status);
    const adminOrder = doc.paths["/api/admin/orders/{id}"].get.responses;
    for (const status of ["400", "401", "403", "404"]) expect(adminOrder).toHaveProperty(status);
  });
});

describe("a JSON null is taken as null", () => {
  it("no nullable request field lets type coercion turn a null into 0 or a 0 into null", async () => {
    const doc = (await t.app.inject({ url: "/api/openapi.json" })).json();
    const late: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== "object") return;
      // A nullable scalar must be one schema with `type: [T, "null"]` (coercion only when neither
      // matches); an anyOf of a scalar and null coerces whichever way its order says.
      const anyOf = (node as { anyOf?: { type?: string; enum?: unknown }[] }).anyOf;
      const scalar = (b: { type?: string; enum?: unknown }) =>
        ["string", "integer", "number", "boolean"].includes(b.type ?? "") && b.enum === undefined;
      if (anyOf && anyOf.length === 2 && anyOf.some((b) => b.type === "null") && anyOf.some(scalar))
        late.push(path);
      if (anyOf && anyOf.findIndex((b) => b.type === "null") > 0) late.push(path);
      for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key}`);
    };
    for (const [url, operations] of Object.entries(doc.paths as Record<string, Record<string, object>>))
      for (const [method, operation] of Object.entries(operations)) {
        const { requestBody, parameters } = operation as { requestBody?: object; parameters?: object };
        walk(requestBody, `${method} ${url} body`);
        walk(parameters, `${method} ${url} parameters`);
      }
    expect(late).toEqual([]);
  });
});

describe("Idempotency-Key stands for the whole request", () => {
  it("the same key with another card answers 409; the same request replays the order", async () => {
    const shopper = new GuestShopper(t.app);
    await shopper.readyCart([{ variantId: variants.MUG, quantity: 1 }]);
    const pay = (cardNumber: string) => shopper.checkout("order-key-1", cardNumber);
    const first = await pay("4242424242424242");
    expect(first.statusCode, first.body).toBe(201);
    const replay = await pay("4242424242424242");
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(first.json().id);
    const otherCard = await pay("4000000000000002");
    expect(otherCard.statusCode).toBe(409);
    expect(otherCard.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});
