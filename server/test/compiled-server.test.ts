import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl } from "./helpers.ts";

// `npm start` runs the server compiled to server/dist (scripts/build-server.mjs), not TypeScript
// through tsx: this starts that build as a real process, on PGlite or on PostgreSQL (TEST_DATABASE_URL).
const repoRoot = path.resolve(import.meta.dirname, "../..");
const dist = path.join(repoRoot, "server/dist");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-compiled-"));
let database: Awaited<ReturnType<typeof freshDatabaseUrl>> = null;
let child: ChildProcess | null = null;
let url = "";
let output = "";

function exitOf(process: ChildProcess): Promise<number | null> {
  if (process.exitCode !== null) return Promise.resolve(process.exitCode);
  return new Promise((resolve) => process.on("exit", (code) => resolve(code)));
}

beforeAll(async () => {
  // Builds when a source is newer than server/dist (the same check `npm start` makes).
  execFileSync(process.execPath, [path.join(repoRoot, "scripts/build-server.mjs"), "--if-stale"], {
    cwd: repoRoot,
    stdio: "pipe",
  });
  database = await freshDatabaseUrl();
  const server = spawn(process.execPath, ["--enable-source-maps", path.join(dist, "main.js"), "start"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      RECOMMENDATIONS_TRAIN_HOURS: "0",
      DATABASE_URL: database?.url ?? "",
    },
  });
  child = server;
  url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving the shop on (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", onData);
    server.on("exit", (code) =>
      reject(new Error(`compiled server exited with ${code} before listening:\n${output}`)),
    );
  });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exitOf(child);
  }
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the compiled server (server/dist/main.js)", () => {
  it("answers health, readiness, the OpenAPI document and the store API", async () => {
    expect(output).toContain(database ? "PostgreSQL" : `embedded database in ${dataDir}`);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    const openapi = await fetch(`${url}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain("/api/store/products");
    const products = await fetch(`${url}/api/store/products?limit=5`);
    expect(products.status).toBe(200);
    const list = (await products.json()) as { items: unknown[]; nextCursor: string | null; total: number };
    expect(list).toMatchObject({ items: [], nextCursor: null, total: 0 });
    const missing = await fetch(`${url}/api/store/products/no-such-product`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("finds the web apps relative to the repository root, as from the sources", async () => {
    // The storefront's index.html exists once the web apps are built (`npm run build`, `npm start`).
    if (!fs.existsSync(path.join(repoRoot, "web/storefront/dist/index.html"))) return;
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
  });

  it("loads every lazily imported chunk of the build (its npm imports resolve from server/dist)", async () => {
    const chunks = fs.readdirSync(dist).filter((f) => f.endsWith(".js") && f !== "main.js");
    for (const chunk of chunks) await import(pathToFileURL(path.join(dist, chunk)).href);
    expect(fs.existsSync(path.join(dist, "main.js.map"))).toBe(true);
  });

  it("stops cleanly on SIGTERM", async () => {
    const server = child!;
    server.kill("SIGTERM");
    expect(await exitOf(server)).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
