import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { openPostgres } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { freshDatabaseUrl, lumaPath } from "./helpers.ts";

/**
 * WEB_CONCURRENCY: `start` serves from several worker processes on one port (PostgreSQL only), keeps
 * that many alive, and stops them all gracefully.
 */
const serverDir = path.resolve(import.meta.dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-workers-"));
let pgDatabase: Awaited<ReturnType<typeof freshDatabaseUrl>> = null;
let server: ChildProcess | null = null;

afterAll(async () => {
  if (server?.exitCode === null) server.kill("SIGKILL");
  await pgDatabase?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Pids of the worker processes of the primary `pid` (its children running main.ts, not tsx's esbuild). */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        return (
          Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid &&
          fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("main.ts")
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("worker processes", () => {
  it("refuses more than one worker on the embedded database", () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: "2" })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ WEB_CONCURRENCY: "2", DATABASE_URL: "postgres://x@127.0.0.1/db" }),
    ).not.toThrow();
  });

  it("serves from two workers, replaces one that dies, and stops both on SIGTERM (PostgreSQL)", async (test) => {
    pgDatabase = await freshDatabaseUrl();
    if (!pgDatabase) return test.skip();
    {
      const database = await openPostgres(pgDatabase.url, 2);
      await database.migrate();
      const config = loadConfig(
        { NODE_ENV: "test" },
        {
          dataDir,
          storageDir: path.join(dataDir, "storage"),
          lumaPath,
          seedDemo: false,
          serveStorefront: false,
        },
      );
      const { app, ctx } = await buildApp(config, { database, ownsDatabase: true });
      await app.ready();
      await seedShop(ctx);
      await app.close();
    }
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "start"], {
      cwd: serverDir,
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: pgDatabase.url,
        WEB_CONCURRENCY: "2",
        PORT: "0",
        HOST: "127.0.0.1",
        SEED_DEMO: "false",
        LOG_LEVEL: "warn",
        PAYMENT_TEST_PROVIDER: "true",
        SERVE_STOREFRONT: "false",
        DATA_DIR: dataDir,
      },
    });
    server = child;
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const base = await until(
      "the workers to listen",
      () => /serving the shop on http:\/\/localhost:(\d+) from 2 worker processes/.exec(output)?.[1],
      (port) => Boolean(port),
    ).then((port) => `http://127.0.0.1:${port}`);
    const workers = childrenOf(child.pid!);
    expect(workers).toHaveLength(2);

    // A whole guest checkout through the shared port (requests land on either worker).
    const call = async (method: string, url: string, token: string | null, body?: unknown, headers = {}) => {
      const r = await fetch(`${base}${url}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(token ? { "x-cart-token": token } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: r.status,
        json: (await r.json()) as Record<string, unknown>,
        token: r.headers.get("x-cart-token"),
      };
    };
    const product = await call("GET", "/api/store/products/camp-mug", null);
    const variantId = (product.json.variants as { id: string }[])[0]!.id;
    const added = await call("POST", "/api/store/cart/lines", null, { variantId, quantity: 1 });
    const token = added.token;
    await call("PUT", "/api/store/cart/email", token, { email: "workers@example.com" });
    const address = await call("PUT", "/api/store/cart/shipping-address", token, michigan);
    const methodId = (address.json.shippingOptions as { id: string }[])[0]!.id;
    await call("PUT", "/api/store/cart/shipping-method", token, { shippingMethodId: methodId });
    const placed = await call(
      "POST",
      "/api/store/checkout",
      token,
      { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
      { "idempotency-key": randomUUID() },
    );
    expect(placed.status).toBe(201);
    expect(placed.json.status).toBe("processing");

    // A worker that dies is replaced; the shop keeps answering meanwhile.
    process.kill(workers[0]!, "SIGKILL");
    const replaced = await until(
      "a replacement worker",
      () => childrenOf(child.pid!),
      (pids) => pids.length === 2 && !pids.includes(workers[0]!),
    );
    expect(replaced).toContain(workers[1]);
    expect((await fetch(`${base}/ready`)).status).toBe(200);

    // SIGTERM stops the workers gracefully, then the primary, with exit code 0.
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of replaced) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  }, 120_000);
});
