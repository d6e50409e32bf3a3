import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * The Origin (CSRF) check on cookie-authenticated writes: the shop works at whatever host name it is
 * reached by (the request's own origin), PUBLIC_URL and TRUSTED_ORIGINS; a foreign origin gets 403;
 * X-Forwarded-Host counts only behind a trusted proxy (TRUST_PROXY).
 */

type App = Awaited<ReturnType<typeof testApp>>;
let plain: App;
let proxied: App;
let variantId: string;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Starts a guest cart with its cookie (as a browser would), addressed to `host`. */
async function cartCookie(t: App, host: string): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/store/cart/lines",
    headers: { host, origin: `http://${host}` },
    payload: { variantId, quantity: 1 },
  });
  expect(res.statusCode, res.body).toBe(200);
  return cookieOf(res);
}

beforeAll(async () => {
  plain = await testApp({ publicUrl: "http://localhost:3000", trustedOrigins: ["https://shop.example"] });
  ({
    variants: { MUG: variantId },
  } = await seedShop(plain.ctx));
  proxied = await testApp({ publicUrl: "http://localhost:3000", trustProxy: true });
  await seedShop(proxied.ctx);
});

afterAll(async () => {
  await plain?.close();
  await proxied?.close();
});

describe("cookie-authenticated writes", () => {
  it("pass from the host the shop is reached by, PUBLIC_URL and TRUSTED_ORIGINS", async () => {
    const cookie = await cartCookie(plain, "127.0.0.1:3000");
    for (const origin of ["http://127.0.0.1:3000", "http://localhost:3000", "https://shop.example"]) {
      const res = await plain.app.inject({
        method: "PUT",
        url: "/api/store/cart/email",
        headers: { host: "127.0.0.1:3000", origin, cookie },
        payload: { email: "ada@example.com" },
      });
      expect(res.statusCode, `${origin}: ${res.body}`).toBe(200);
    }
  });

  it("from a foreign origin answer 403 CSRF_ORIGIN_MISMATCH, in every scope", async () => {
    const cookie = await cartCookie(plain, "127.0.0.1:3000");
    for (const [method, url, payload] of [
      ["PUT", "/api/store/cart/email", { email: "x@example.com" }],
      ["POST", "/api/store/checkout", { payment: { provider: "test" } }],
      ["PATCH", "/api/store/account", { name: "x" }],
      ["POST", "/api/admin/vendors", { name: "x", slug: "x" }],
      ["PATCH", "/api/vendor/profile", { name: "x" }],
    ] as const) {
      for (const origin of ["https://evil.example", "http://127.0.0.1:3001", "null"]) {
        const res = await plain.app.inject({
          method,
          url,
          headers: { host: "127.0.0.1:3000", origin, cookie, "idempotency-key": "k1" },
          payload,
        });
        expect(res.statusCode, `${method} ${url} from ${origin}`).toBe(403);
        expect(res.json().code).toBe("CSRF_ORIGIN_MISMATCH");
      }
    }
  });

  it("with no Origin and no Referer are refused; a Referer from the shop passes", async () => {
    const cookie = await cartCookie(plain, "127.0.0.1:3000");
    const none = await plain.app.inject({
      method: "PUT",
      url: "/api/store/cart/email",
      headers: { host: "127.0.0.1:3000", cookie },
      payload: { email: "ada@example.com" },
    });
    expect(none.statusCode).toBe(403);
    const referer = await plain.app.inject({
      method: "PUT",
      url: "/api/store/cart/email",
      headers: { host: "127.0.0.1:3000", cookie, referer: "http://127.0.0.1:3000/checkout" },
      payload: { email: "ada@example.com" },
    });
    expect(referer.statusCode).toBe(200);
  });

  it("believe X-Forwarded-Host only from a trusted proxy", async () => {
    const untrustedCookie = await cartCookie(plain, "127.0.0.1:3000");
    const forged = await plain.app.inject({
      method: "PUT",
      url: "/api/store/cart/email",
      headers: {
        host: "127.0.0.1:3000",
        "x-forwarded-host": "evil.example",
        origin: "http://evil.example",
        cookie: untrustedCookie,
      },
      payload: { email: "ada@example.com" },
    });
    expect(forged.statusCode).toBe(403);

    const res = await proxied.app.inject({
      method: "POST",
      url: "/api/store/cart/lines",
      headers: {
        host: "10.0.0.5:3000",
        "x-forwarded-host": "shop.example",
        "x-forwarded-proto": "https",
        origin: "https://shop.example",
      },
      payload: {
        variantId: (
          (await proxied.ctx.db.execute("select id from variants where sku = 'MUG'")) as unknown as {
            rows: { id: string }[];
          }
        ).rows[0]!.id,
        quantity: 1,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const behindProxy = await proxied.app.inject({
      method: "PUT",
      url: "/api/store/cart/email",
      headers: {
        host: "10.0.0.5:3000",
        "x-forwarded-host": "shop.example",
        "x-forwarded-proto": "https",
        origin: "https://shop.example",
        cookie: cookieOf(res),
      },
      payload: { email: "ada@example.com" },
    });
    expect(behindProxy.statusCode, behindProxy.body).toBe(200);
  });

  it("writes that do not ride on cookies (X-Cart-Token, no cookie) need no Origin", async () => {
    const res = await plain.app.inject({
      method: "POST",
      url: "/api/store/cart/lines",
      payload: { variantId, quantity: 1 },
    });
    expect(res.statusCode).toBe(200);
    const token = String(res.headers["x-cart-token"]);
    const withToken = await plain.app.inject({
      method: "PUT",
      url: "/api/store/cart/email",
      headers: { "x-cart-token": token, origin: "https://evil.example" },
      payload: { email: "ada@example.com" },
    });
    expect(withToken.statusCode).toBe(200);
  });
});
