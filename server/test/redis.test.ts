import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "./helpers.ts";

/** Redis to test against (CI sets it: the machine runs Redis on 127.0.0.1:6379). */
const redisUrl = process.env.TEST_REDIS_URL ?? null;
const prefix = `bazaar-test:${randomBytes(6).toString("hex")}:`;

describe.skipIf(!redisUrl)("sessions and rate limits in Redis", () => {
  let one: Awaited<ReturnType<typeof testApp>>;
  let two: Awaited<ReturnType<typeof testApp>>;
  let redis: Redis;

  beforeAll(async () => {
    // Two API processes of one shop: same database, same Redis.
    one = await testApp({ redisUrl, redisPrefix: prefix, authSecret: "x".repeat(40) });
    const shared = one.database;
    const { buildApp } = await import("../src/app.ts");
    const built = await buildApp(one.ctx.config, { database: shared, ownsDatabase: false });
    await built.app.ready();
    two = { ...one, app: built.app, ctx: built.ctx, close: () => built.app.close() };
    redis = new Redis(redisUrl!, { keyPrefix: prefix });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys.map((k) => k.slice(prefix.length)));
    await redis.quit();
  });

  const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

  it("keeps sessions in Redis, valid on every process, and revokes them everywhere", async () => {
    const origin = one.ctx.config.publicUrl;
    const signUp = await one.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      headers: { origin },
      payload: { name: "Rae", email: "rae@example.com", password: "copper-meadow-3391" },
    });
    expect(signUp.statusCode).toBe(200);
    expect((await redis.keys("*")).length).toBeGreaterThan(0);
    const onTwo = await two.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(signUp) },
    });
    expect(onTwo.json().user.email).toBe("rae@example.com");
    const signOut = await two.app.inject({
      method: "POST",
      url: "/api/auth/sign-out",
      headers: { origin, cookie: cookieOf(signUp) },
      payload: {},
    });
    expect(signOut.statusCode).toBe(200);
    const onOne = await one.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: cookieOf(signUp) },
    });
    expect(onOne.json()).toBeNull();
    expect((await one.app.inject({ method: "GET", url: "/ready" })).json().status).toBe("ready");
  });

  it("counts one address's sign-in attempts across processes", async () => {
    const origin = one.ctx.config.publicUrl;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const app = i % 2 === 0 ? one.app : two.app;
      const res = await app.inject({
        method: "POST",
        url: "/api/auth/sign-in/email",
        headers: { origin },
        remoteAddress: "203.0.113.77",
        payload: { email: `nobody${i}@example.com`, password: "whatever-it-is-1" },
      });
      statuses.push(res.statusCode);
    }
    // The limit is 10 a minute per address, whichever process answers.
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
