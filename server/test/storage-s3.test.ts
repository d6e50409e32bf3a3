import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { FastifyInstance } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { type Config, ConfigError, loadConfig } from "../src/config.ts";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import type { AppContext } from "../src/platform/context.ts";
import { type Database, openPostgres } from "../src/platform/db.ts";
import { S3Storage, S3StorageError } from "../src/platform/storage.s3.ts";
import { createStorage, LocalDiskStorage, type Storage, safeKey } from "../src/platform/storage.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { startS3Server } from "./fakes/s3-server.ts";
import { freshDatabase, freshDatabaseUrl, lumaPath } from "./helpers.ts";

/**
 * Files in an S3 bucket (STORAGE=s3), against s3rver, a local S3-compatible server: the storage
 * contract (the same as the local disk's), then two API processes with their own data folders sharing
 * one bucket and one database, as two machines behind a load balancer would.
 */

const bucket = "bazaar-files";
let s3rver: Awaited<ReturnType<typeof startS3Server>>;
let endpoint: string;
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-s3-"));

/** The environment of an API process storing its files in the s3rver bucket. */
function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    STORAGE: "s3",
    S3_BUCKET: bucket,
    S3_ENDPOINT: endpoint,
    // s3rver's one account; it checks the key id only (it does not verify SigV4 signatures).
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    ...extra,
  };
}

/** A raw SDK client, to look at the bucket behind the storage's back. */
function rawClient(): S3Client {
  return new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
}

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  s3rver = await startS3Server(path.join(temp, "s3rver"), bucket);
  endpoint = s3rver.endpoint;
});
afterAll(async () => {
  await s3rver?.close();
  fs.rmSync(temp, { recursive: true, force: true });
});

describe("configuration", () => {
  it("keeps the local disk by default and fails fast, naming the variable, on unusable S3 settings", async () => {
    const local = loadConfig({ NODE_ENV: "test" });
    expect(local).toMatchObject({ storage: "local", s3: null });
    expect(await createStorage(local)).toBeInstanceOf(LocalDiskStorage);

    const s3 = loadConfig(s3Env({ S3_PREFIX: "/shop-eu/" }));
    expect(s3.s3).toEqual({
      bucket,
      endpoint,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
      prefix: "shop-eu/",
    });
    // Without an endpoint (AWS): virtual-hosted style and the SDK's credential chain.
    expect(loadConfig({ STORAGE: "s3", S3_BUCKET: bucket, S3_REGION: "eu-west-3" }).s3).toMatchObject({
      endpoint: null,
      region: "eu-west-3",
      accessKeyId: null,
      forcePathStyle: false,
      prefix: "",
    });

    const failure = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error("no ConfigError");
    };
    expect(failure({ STORAGE: "s3" })).toBe("Invalid configuration: S3_BUCKET is required with STORAGE=s3");
    expect(failure({ STORAGE: "disk" })).toMatch(/^Invalid configuration: STORAGE must be one of local, s3/);
    expect(failure(s3Env({ S3_ENDPOINT: "minio:9000" }))).toMatch(/^Invalid configuration: S3_ENDPOINT/);
    expect(failure(s3Env({ S3_SECRET_ACCESS_KEY: "" }))).toMatch(
      /^Invalid configuration: S3_SECRET_ACCESS_KEY/,
    );
    expect(failure(s3Env({ S3_FORCE_PATH_STYLE: "maybe" }))).toMatch(
      /^Invalid configuration: S3_FORCE_PATH_STYLE/,
    );
    expect(failure(s3Env({ S3_PREFIX: "a/../b" }))).toMatch(/^Invalid configuration: S3_PREFIX/);
  });
});

// The same contract on the local disk and on S3 (with the S3-compatible default, WHEN_REQUIRED
// checksums, and with the SDK's own default, WHEN_SUPPORTED, which s3rver accepts too).
const storages: { name: string; make: () => Storage | Promise<Storage> }[] = [
  { name: "local disk", make: () => new LocalDiskStorage(fs.mkdtempSync(path.join(temp, "disk-"))) },
  { name: "S3", make: () => createStorage(loadConfig(s3Env({ S3_PREFIX: "contract-a" }))) },
  {
    name: "S3 with the SDK's default checksums",
    make: () =>
      new S3Storage(
        { ...loadConfig(s3Env({ S3_PREFIX: "contract-b" })).s3!, checksums: "WHEN_SUPPORTED" },
        safeKey,
      ),
  },
];

describe.each(storages)("the storage contract on $name", ({ make }) => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await make();
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("gives back what was put, whole and streamed, byte for byte, with its size", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const started = Date.now();
    await storage.put("downloads/big file ü.bin", big);
    expect((await storage.read("downloads/big file ü.bin"))!.equals(big)).toBe(true);
    const stat = await storage.stat("downloads/big file ü.bin");
    expect(stat).toMatchObject({ key: "downloads/big file ü.bin", bytes: big.length });
    expect(Math.abs(stat!.modifiedAt.getTime() - started)).toBeLessThan(60_000);
    const streamed = await storage.stream("downloads/big file ü.bin");
    expect(streamed!.object.bytes).toBe(big.length);
    // Streamed as it arrives, not read whole first.
    expect(streamed!.body.readableLength).toBeLessThan(big.length);
    expect((await bytesOf(streamed!.body)).equals(big)).toBe(true);

    await storage.put("empty.txt", Buffer.alloc(0));
    expect((await storage.read("empty.txt"))!.length).toBe(0);
    expect((await storage.stat("empty.txt"))!.bytes).toBe(0);
  });

  it("answers null, not an error, for a key that does not exist", async () => {
    expect(await storage.read("images/00/missing.jpg")).toBeNull();
    expect(await storage.stat("images/00/missing.jpg")).toBeNull();
    expect(await storage.stream("images/00/missing.jpg")).toBeNull();
  });

  it("replaces an object put again under the same key", async () => {
    await storage.put("downloads/guide.pdf", Buffer.from("%PDF first edition, longer"));
    await storage.put("downloads/guide.pdf", Buffer.from("%PDF second"));
    expect((await storage.read("downloads/guide.pdf"))!.toString()).toBe("%PDF second");
    expect((await storage.stat("downloads/guide.pdf"))!.bytes).toBe(11);
    expect((await bytesOf((await storage.stream("downloads/guide.pdf"))!.body)).toString()).toBe(
      "%PDF second",
    );
  });

  it("refuses keys leaving its root", async () => {
    await expect(storage.put("../outside.txt", Buffer.from("x"))).rejects.toThrow(/Unsafe storage key/);
    await expect(storage.read("/etc/passwd")).rejects.toThrow(/Unsafe storage key/);
  });
});

describe("S3 specifics", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await createStorage(loadConfig(s3Env({ S3_PREFIX: "shop-eu/" })));
  });
  afterAll(async () => {
    await storage?.close();
  });

  it("keeps each object's content type, under the key prefix", async () => {
    await storage.put("downloads/manual.pdf", Buffer.from("%PDF-1.7"));
    await storage.put("images/ab/ab-w320.webp", Buffer.from("RIFF"));
    await storage.put("downloads/archive.bin", Buffer.from("zip"), { contentType: "application/zip" });
    const client = rawClient();
    const head = (key: string) => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect((await head("shop-eu/downloads/manual.pdf")).ContentType).toBe("application/pdf");
    expect((await head("shop-eu/images/ab/ab-w320.webp")).ContentType).toBe("image/webp");
    expect((await head("shop-eu/downloads/archive.bin")).ContentType).toBe("application/zip");
    client.destroy();
    expect((await storage.stat("downloads/manual.pdf"))?.contentType).toBe("application/pdf");
    expect((await storage.stream("downloads/archive.bin"))?.object.contentType).toBe("application/zip");
    // Another prefix is another shop: it does not see these files.
    const other = await createStorage(loadConfig(s3Env({ S3_PREFIX: "shop-us" })));
    expect(await other.stat("downloads/manual.pdf")).toBeNull();
    await other.close();
  });

  it("turns a missing bucket or an unreachable server into an error naming what to fix", async () => {
    const noBucket = await createStorage(loadConfig(s3Env({ S3_BUCKET: "no-such-bucket" })));
    for (const attempt of [
      () => noBucket.stat("images/a.jpg"),
      () => noBucket.read("images/a.jpg"),
      () => noBucket.stream("images/a.jpg"),
      () => noBucket.put("images/a.jpg", Buffer.from("x")),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(S3StorageError);
      expect((error as Error).message).toMatch(
        /^S3 storage: \w+ "images\/a\.jpg" in bucket "no-such-bucket" failed: the bucket "no-such-bucket" does not exist \(S3_BUCKET\)/,
      );
    }
    await noBucket.close();

    const down = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = await createStorage(loadConfig(s3Env({ S3_ENDPOINT: down })));
    await expect(unreachable.stat("images/a.jpg")).rejects.toThrow(
      `S3 storage: stat "images/a.jpg" in bucket "${bucket}" failed: cannot reach ${down} (S3_ENDPOINT)`,
    );
    await expect(unreachable.put("images/a.jpg", Buffer.from("x"))).rejects.toBeInstanceOf(S3StorageError);
    await unreachable.close();
  });
});

describe("two API processes sharing one bucket and one database", () => {
  const apps: { app: FastifyInstance; ctx: AppContext; dir: string }[] = [];
  const databases: Database[] = [];
  let dropDatabase: (() => Promise<void>) | null = null;
  let a: (typeof apps)[number];
  let b: (typeof apps)[number];

  beforeAll(async () => {
    // On PostgreSQL each process has its own connection pool to the one database; PGlite is in
    // memory, so the two share the one instance.
    const url = await freshDatabaseUrl();
    if (url) {
      dropDatabase = url.drop;
      databases.push(await openPostgres(url.url, 5), await openPostgres(url.url, 5));
    } else {
      const database = await freshDatabase();
      databases.push(database, database);
    }
    for (const database of databases) {
      const dir = fs.mkdtempSync(path.join(temp, "process-"));
      // Like production, both sign sessions and download links with the one secret (otherwise each
      // would make its own in its DATA_DIR).
      const env = s3Env({ S3_PREFIX: "shared", BETTER_AUTH_SECRET: "s3-shared-secret-0123456789abcdef-xyz" });
      const config: Config = loadConfig(env, {
        dataDir: dir,
        storageDir: path.join(dir, "storage"),
        lumaPath,
        seedDemo: false,
        cacheTtlMs: 0,
        searchCacheTtlMs: 0,
        searchSyncMs: 0,
        serveStorefront: false,
        orderLookupPerMinute: 100_000,
        fraud: {
          velocity: { email: 0, ip: 0, card: 0 },
          reviewAmount: Number.MAX_SAFE_INTEGER,
          riskScore: 101,
        },
      });
      const { app, ctx } = await buildApp(config, { database, ownsDatabase: false });
      await app.ready();
      apps.push({ app, ctx, dir });
    }
    [a, b] = apps as [typeof a, typeof b];
  });
  afterAll(async () => {
    for (const { app } of apps) await app.close();
    for (const database of new Set(databases)) await database.close();
    await dropDatabase?.();
  });

  it("serves a review photo uploaded through one process, original and a responsive size, from the other", async () => {
    const origin = a.ctx.config.publicUrl;
    const signUp = await a.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      headers: { origin },
      payload: { name: "Ada Photographer", email: "ada.photo@example.com", password: "quiet-harbor-7712" },
    });
    expect(signUp.statusCode).toBe(200);
    const cookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const jpeg = await sharp({ create: { width: 1600, height: 900, channels: 3, background: "#2a6" } })
      .jpeg()
      .toBuffer();
    const uploaded = await a.app.inject({
      method: "POST",
      url: "/api/store/review-photos",
      headers: { origin, cookie, "content-type": "image/jpeg" },
      payload: jpeg,
    });
    expect(uploaded.statusCode).toBe(201);
    const photo = uploaded.json() as { url: string; thumbnailUrl: string };

    const fromA = await a.app.inject(photo.url);
    const fromB = await b.app.inject(photo.url);
    expect(fromB.statusCode).toBe(200);
    expect(fromB.headers["content-type"]).toBe("image/jpeg");
    expect(Number(fromB.headers["content-length"])).toBe(fromB.rawPayload.length);
    expect(fromB.rawPayload.equals(fromA.rawPayload)).toBe(true);
    expect(await sharp(fromB.rawPayload).metadata()).toMatchObject({ format: "jpeg", width: 1600 });

    // B makes the 640 px WebP on first request and keeps it in the bucket; A then serves that file.
    const sizeUrl = photo.url.replace(/original\.jpg$/, "w640.webp");
    const sizeFromB = await b.app.inject(sizeUrl);
    expect(sizeFromB.statusCode).toBe(200);
    expect(sizeFromB.headers["content-type"]).toBe("image/webp");
    expect(await sharp(sizeFromB.rawPayload).metadata()).toMatchObject({ format: "webp", width: 640 });
    const sha = /images\/([a-f0-9]{64})\//.exec(photo.url)![1]!;
    const client = rawClient();
    const stored = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `shared/images/${sha.slice(0, 2)}/${sha}-w640.webp` }),
    );
    client.destroy();
    expect(stored).toMatchObject({ ContentType: "image/webp", ContentLength: sizeFromB.rawPayload.length });
    const sizeFromA = await a.app.inject(sizeUrl);
    expect(sizeFromA.rawPayload.equals(sizeFromB.rawPayload)).toBe(true);
    expect((await b.app.inject(photo.thumbnailUrl)).statusCode).toBe(200);
    expect((await b.app.inject(photo.url.replace(/[a-f0-9]{64}/, "0".repeat(64)))).statusCode).toBe(404);

    // Neither process wrote files to its own disk.
    for (const { dir } of apps) expect(fs.existsSync(path.join(dir, "storage"))).toBe(false);
  });

  it("downloads, byte for byte, a digital product's file stored through the other process", async () => {
    await seedShop(a.ctx);
    const file = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(5 * 1024 * 1024)]);
    await a.ctx.storage.put("downloads/field-guide.pdf", file);
    await upsertProduct(a.ctx.db, {
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
          bytes: file.length,
        },
      ],
    });
    const variantId = (await variantIds(b.ctx))["FIELD-GUIDE"]!;

    const guest = new GuestShopper(b.app);
    expect((await guest.call("POST", "/api/store/cart/lines", { variantId, quantity: 1 })).statusCode).toBe(
      200,
    );
    await guest.call("PUT", "/api/store/cart/email", { email: "reader@example.com" });
    await guest.call("PUT", "/api/store/cart/billing-address", {
      firstName: "Ada",
      lastName: "Reader",
      line1: "1 Main St",
      city: "Detroit",
      region: "MI",
      postalCode: "48226",
      country: "US",
    });
    const order = (await guest.checkout("s3-field-guide")).json();
    expect(order.downloads).toHaveLength(1);

    for (const { app } of [b, a]) {
      const download = await app.inject(order.downloads[0].url);
      expect(download.statusCode).toBe(200);
      expect(download.headers["content-type"]).toBe("application/octet-stream");
      expect(Number(download.headers["content-length"])).toBe(file.length);
      expect(download.rawPayload.equals(file)).toBe(true);
    }
  });
});
