import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { openPostgres } from "../src/platform/db.ts";
import { seedShop, variantIds } from "./commerce-fixtures.ts";
import { startS3Server } from "./fakes/s3-server.ts";
import { freshDatabaseUrl, startServerProcess, testDatabaseUrl } from "./helpers.ts";

/**
 * Two real API processes (`bazaar start`), each with its own data folder, sharing one PostgreSQL
 * database and one S3 bucket (s3rver, a local S3-compatible server), as two machines behind a load
 * balancer would: a photo uploaded through one is served by the other, and a digital product's file
 * is downloaded from either. PostgreSQL only: an embedded PGlite cannot be shared by two processes.
 */

const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-s3-processes-"));
const bucket = "shop-files";
let s3rver: Awaited<ReturnType<typeof startS3Server>>;
let database: Awaited<ReturnType<typeof freshDatabaseUrl>> = null;
const servers: { child: ChildProcess; url: string }[] = [];
let guideVariantId = "";
const guide = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(2 * 1024 * 1024)]);

function sharedEnv(endpoint: string, databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    STORAGE: "s3",
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_PREFIX: "shop",
    // Several machines sign sessions and download links with one secret.
    BETTER_AUTH_SECRET: "two-process-secret-0123456789abcdefghij",
  };
}

/** Starts `bazaar start` with its own data folder; resolves once it listens. */
function startServer(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(temp, "data-"));
  return startServerProcess({ ...env, DATA_DIR: dataDir, RECOMMENDATIONS_TRAIN_HOURS: "0" });
}

async function stopServer(server: { child: ChildProcess }): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

describe.skipIf(!testDatabaseUrl)("two API processes sharing one bucket and one database", () => {
  beforeAll(async () => {
    s3rver = await startS3Server(path.join(temp, "s3rver"), bucket);
    const endpoint = s3rver.endpoint;
    database = await freshDatabaseUrl();
    const env = sharedEnv(endpoint, database!.url);
    // The catalog, with a digital product whose file is stored in the bucket.
    {
      const setupDir = fs.mkdtempSync(path.join(temp, "setup-"));
      const config = loadConfig(env, {
        dataDir: setupDir,
        storageDir: path.join(setupDir, "storage"),
        seedDemo: false,
      });
      const { app, ctx } = await buildApp(config, {
        database: await openPostgres(database!.url, 2),
        ownsDatabase: true,
      });
      await app.ready();
      await seedShop(ctx);
      await ctx.storage.put("downloads/field-guide.pdf", guide);
      await upsertProduct(ctx.db, {
        sku: "FIELD-GUIDE",
        type: "digital",
        name: "Field Guide (PDF)",
        currency: "USD",
        categorySlugs: ["gear"],
        variants: [{ sku: "FIELD-GUIDE", priceAmount: 900, stockQuantity: 0, manageStock: false }],
        downloads: [
          {
            title: "Field guide",
            storageKey: "downloads/field-guide.pdf",
            fileName: "Field Guide.pdf",
            bytes: guide.length,
          },
        ],
      });
      guideVariantId = (await variantIds(ctx))["FIELD-GUIDE"]!;
      await app.close();
    }
    servers.push(await startServer(env), await startServer(env));
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) await stopServer(server);
    await s3rver?.close();
    await database?.drop();
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it("serves a photo uploaded through one process from the other, and a download from either", async () => {
    const [a, b] = servers as [(typeof servers)[number], (typeof servers)[number]];
    // A customer signs up and uploads a review photo through process A.
    const signUp = await fetch(`${a.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: a.url },
      body: JSON.stringify({ name: "Ada", email: "ada.two@example.com", password: "quiet-harbor-7712" }),
    });
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: "#c63" } })
      .jpeg()
      .toBuffer();
    const uploaded = await fetch(`${a.url}/api/store/review-photos`, {
      method: "POST",
      headers: { "content-type": "image/jpeg", origin: a.url, cookie },
      body: jpeg,
    });
    expect(uploaded.status).toBe(201);
    const photo = (await uploaded.json()) as { url: string };

    // Process B serves it, and a responsive size B makes is then served by A from the bucket.
    const fromB = await fetch(`${b.url}${photo.url}`);
    expect(fromB.status).toBe(200);
    const original = Buffer.from(await fromB.arrayBuffer());
    expect(await sharp(original).metadata()).toMatchObject({ format: "jpeg", width: 1200 });
    const fromA = Buffer.from(await (await fetch(`${a.url}${photo.url}`)).arrayBuffer());
    expect(fromA.equals(original)).toBe(true);
    const sizeUrl = photo.url.replace(/original\.jpg$/, "w640.webp");
    const sizeFromB = Buffer.from(await (await fetch(`${b.url}${sizeUrl}`)).arrayBuffer());
    const sizeFromA = Buffer.from(await (await fetch(`${a.url}${sizeUrl}`)).arrayBuffer());
    expect(await sharp(sizeFromA).metadata()).toMatchObject({ format: "webp", width: 640 });
    expect(sizeFromA.equals(sizeFromB)).toBe(true);

    // A guest buys the digital guide through B and downloads it through A and B, byte for byte.
    const variantId = guideVariantId;
    let token = "";
    const call = async (
      method: string,
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const response = await fetch(`${b.url}${url}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(token ? { "x-cart-token": token } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      token = response.headers.get("x-cart-token") ?? token;
      return response;
    };
    expect((await call("POST", "/api/store/cart/lines", { variantId, quantity: 1 })).status).toBe(200);
    await call("PUT", "/api/store/cart/email", { email: "reader@example.com" });
    await call("PUT", "/api/store/cart/billing-address", {
      firstName: "Ada",
      lastName: "Reader",
      line1: "1 Main St",
      city: "Detroit",
      region: "MI",
      postalCode: "48226",
      country: "US",
    });
    const placed = await call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
      { "idempotency-key": "two-process-guide" },
    );
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { downloads: { url: string }[] };
    expect(order.downloads).toHaveLength(1);
    for (const server of [a, b]) {
      const download = await fetch(`${server.url}${order.downloads[0]!.url}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(guide)).toBe(true);
    }
  }, 120_000);
});
