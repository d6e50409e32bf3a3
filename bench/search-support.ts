/**
 * What the search benchmarks share: catalog databases imported once and cached between runs (each run
 * works on a copy), the app opened in-process on one of them, the search index brought up to date, and
 * the API started in its own process tree.
 *
 * Storage: PostgreSQL when BENCH_DATABASE_URL is set (a server URL, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres: cached catalogs are databases `bazaar_bench_<name>_<key>`,
 * each run clones one with `CREATE DATABASE ... TEMPLATE` into `bazaar_bench_run_<name>_<pid>` and drops
 * it afterwards); otherwise PGlite data directories under BENCH_CACHE_DIR (default
 * `<tmp>/bazaar-bench-cache/<name>-<key>`), copied to a temporary directory per run. The key hashes
 * what the cached data depends on (migrations, importer and catalog code, the dataset), so a change to
 * any of them imports afresh; stale caches of the same name are removed.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import pg from "pg";
import { buildApp } from "../server/src/app.ts";
import { loadConfig } from "../server/src/config.ts";
import { importLuma } from "../server/src/importers/luma.ts";
import { reindexAll } from "../server/src/modules/search/index.ts";
import type { AppContext } from "../server/src/platform/context.ts";
import { migrationsFolder, queryRows } from "../server/src/platform/db.ts";

export const repoRoot = path.resolve(import.meta.dirname, "..");
export const datasetsDir = path.resolve(repoRoot, "../shared/datasets");
const postgresUrl = process.env.BENCH_DATABASE_URL?.trim() || null;
const cacheRoot = process.env.BENCH_CACHE_DIR ?? path.join(os.tmpdir(), "bazaar-bench-cache");
export const authSecret = randomBytes(32).toString("hex");

/** "PostgreSQL (host:port)" or "PGlite" for the report. */
export function storageLabel(): string {
  if (!postgresUrl) return "PGlite";
  const u = new URL(postgresUrl);
  return `PostgreSQL (${u.host})`;
}

/** Where a catalog database lives: PostgreSQL URL, or null for PGlite in `dataDir/db`. */
export interface DbTarget {
  databaseUrl: string | null;
  /** The app's data folder (PGlite database in `db/`, storage in `storage/`). */
  dataDir: string;
}

/** A cached catalog: a database name (PostgreSQL) or a data folder (PGlite). */
export interface CacheRef {
  name: string;
  database: string | null;
  dir: string | null;
}

export const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Hash of files and folders (recursively; small files by content, files over 4 MB by name, size and
 * modification time) plus extra strings.
 */
export function inputsKey(paths: string[], extra: string[] = []): string {
  const hash = createHash("sha256");
  const visit = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(p).sort()) visit(path.join(p, entry));
      return;
    }
    hash.update(`${path.relative(repoRoot, p)}\u0000${stat.size}\u0000`);
    if (stat.size > 4 * 1024 * 1024) hash.update(String(stat.mtimeMs));
    else hash.update(fs.readFileSync(p));
  };
  for (const p of paths) visit(p);
  for (const e of extra) hash.update(`\u0000${e}`);
  return hash.digest("hex").slice(0, 12);
}

function databaseUrl(name: string): string {
  const u = new URL(postgresUrl!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl! });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const safeName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "_");

/**
 * Returns the cached catalog `name` with inputs `key`, building it when missing: `build` fills a fresh
 * target (an empty database, or a copy of `from`). Other cached versions of `name` are removed.
 */
export async function cachedCatalog(
  name: string,
  key: string,
  build: (target: DbTarget) => Promise<void>,
  from?: CacheRef,
): Promise<CacheRef> {
  if (postgresUrl) {
    const prefix = `bazaar_bench_${safeName(name)}_`;
    const database = `${prefix}${key}`;
    const existing = await admin(
      async (c) =>
        (
          await c.query<{ datname: string }>(
            "select datname from pg_database where starts_with(datname, $1)",
            [prefix],
          )
        ).rows,
    );
    for (const { datname } of existing) {
      if (datname !== database && /^[0-9a-f]{12}(_tmp)?$/.test(datname.slice(prefix.length)))
        await admin((c) => c.query(`drop database if exists "${datname}" with (force)`));
    }
    if (!existing.some((e) => e.datname === database)) {
      const building = `${database}_tmp`;
      await admin(async (c) => {
        await c.query(`drop database if exists "${building}" with (force)`);
        await c.query(`create database "${building}"${from ? ` template "${from.database}"` : ""}`);
      });
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bazaar-bench-${name}-`));
      try {
        await build({ databaseUrl: databaseUrl(building), dataDir });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
      await admin((c) => c.query(`alter database "${building}" rename to "${database}"`));
    }
    return { name, database, dir: null };
  }
  const dir = path.join(cacheRoot, `${name}-${key}`);
  fs.mkdirSync(cacheRoot, { recursive: true });
  for (const entry of fs.readdirSync(cacheRoot)) {
    if (
      entry.startsWith(`${name}-`) &&
      entry !== `${name}-${key}` &&
      /^[0-9a-f]{12}(\.tmp-\d+)?$/.test(entry.slice(name.length + 1))
    )
      fs.rmSync(path.join(cacheRoot, entry), { recursive: true, force: true });
  }
  if (!fs.existsSync(path.join(dir, "db"))) {
    const building = `${dir}.tmp-${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    fs.mkdirSync(building, { recursive: true });
    if (from) fs.cpSync(path.join(from.dir!, "db"), path.join(building, "db"), { recursive: true });
    await build({ databaseUrl: null, dataDir: building });
    // Product images and other files are not needed by search: only the database is kept.
    for (const entry of fs.readdirSync(building))
      if (entry !== "db") fs.rmSync(path.join(building, entry), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(building, dir);
  }
  return { name, database: null, dir };
}

/** The Luma sample store imported in-process (the server's importer), cached as "luma". */
export async function lumaCatalog(lumaPath: string) {
  const key = inputsKey([
    migrationsFolder,
    path.join(repoRoot, "server/src/importers"),
    path.join(repoRoot, "server/src/modules/catalog"),
    path.join(lumaPath, "fixtures"),
    path.join(lumaPath, "media"),
  ]);
  return cachedCatalog("luma", key, async (target) => {
    console.log("Importing the Luma catalog (cached for the next runs) ...");
    const started = performance.now();
    const { app, ctx } = await openApp(target);
    try {
      const summary = await importLuma(ctx, lumaPath);
      console.log(`  imported ${summary.created} products in ${seconds(started)}`);
    } finally {
      await app.close();
    }
  });
}

/** A throw-away copy of a cached catalog for one run; `dispose` removes it. */
export async function runCopy(ref: CacheRef): Promise<DbTarget & { dispose(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bazaar-bench-${ref.name}-run-`));
  if (postgresUrl) {
    const database = `bazaar_bench_run_${safeName(ref.name)}_${process.pid}`;
    await admin(async (c) => {
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.query(`create database "${database}" template "${ref.database}"`);
    });
    return {
      databaseUrl: databaseUrl(database),
      dataDir,
      async dispose() {
        await admin((c) => c.query(`drop database if exists "${database}" with (force)`));
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  fs.cpSync(path.join(ref.dir!, "db"), path.join(dataDir, "db"), { recursive: true });
  return {
    databaseUrl: null,
    dataDir,
    async dispose() {
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Builds the app in this process on a catalog database (production settings, quiet logs). */
export async function openApp(target: DbTarget) {
  const config = loadConfig(
    { NODE_ENV: "production", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: authSecret },
    {
      databaseUrl: target.databaseUrl,
      dataDir: target.dataDir,
      storageDir: path.join(target.dataDir, "storage"),
      seedDemo: false,
      serveStorefront: false,
    },
  );
  return buildApp(config);
}

/** Number of products in the catalog, and of those search may show (active, visible in search). */
export async function productCounts(ctx: AppContext): Promise<{ products: number; searchable: number }> {
  const [row] = await queryRows<{ products: number; searchable: number }>(
    ctx.db,
    sql`select count(*)::int as products,
      count(*) filter (where status = 'active' and visibility in ('everywhere', 'search'))::int as searchable
      from products`,
  );
  return { products: Number(row?.products ?? 0), searchable: Number(row?.searchable ?? 0) };
}

/**
 * Rebuilds the search index from the catalog (the current search code decides what it holds). The
 * rebuild settles the per-product `catalog.products.changed` events written before it, so the API
 * does not re-index the catalog one product at a time while it is being measured.
 */
export async function rebuildSearchIndex(ctx: AppContext, label: string): Promise<void> {
  const started = performance.now();
  let last = 0;
  const result = await reindexAll(ctx.db, {
    onProgress: (p) => {
      if (p.done - last >= 10_000) {
        last = p.done;
        console.log(`  ${label}: indexed ${p.done.toLocaleString("en-US")} products (${seconds(started)})`);
      }
    },
  });
  console.log(
    `  ${label}: search index rebuilt in ${seconds(started)} (${result.indexed.toLocaleString("en-US")} documents, ` +
      `${result.terms.toLocaleString("en-US")} terms; ${result.superseded.toLocaleString("en-US")} product-change events superseded)`,
  );
}

/** Runs `main.ts <args>` (e.g. an import) in a child process on `target`, echoing its output. */
export function runCli(args: string[], target: DbTarget, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...serverEnv(target), LOG_LEVEL: "warn" },
    });
    let tail = "";
    const echo = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      tail = (tail + text).slice(-4000);
      for (const line of text.split(/[\r\n]+/))
        if (line.trim()) console.log(`  [${label}] ${line.trimEnd()}`);
    };
    child.stdout.on("data", echo);
    child.stderr.on("data", echo);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`main.ts ${args.join(" ")} exited with ${code}; last output:\n${tail}`)),
    );
  });
}

function serverEnv(target: DbTarget): Record<string, string> {
  return {
    NODE_ENV: "production",
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : { DATABASE_URL: "" }),
    DATA_DIR: target.dataDir,
    STORAGE_DIR: path.join(target.dataDir, "storage"),
    SEED_DEMO: "false",
    SERVE_STOREFRONT: "false",
    BETTER_AUTH_SECRET: authSecret,
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Server {
  base: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the API (`main.ts start`, production mode) in a child process on `target` with `workers`
 * worker processes and any further environment `env`, and resolves once /ready answers 200.
 */
export async function startServer(
  target: DbTarget,
  workers: number,
  env: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(target.dataDir, "server.log");
  const log = fs.openSync(logFile, "a");
  const extra = process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, "--import", "tsx", "server/src/main.ts", "start"], {
    cwd: repoRoot,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      ...serverEnv(target),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      WEB_CONCURRENCY: String(workers),
      ...env,
    },
  });
  fs.closeSync(log);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  let exited: number | null = null;
  child.once("exit", (code) => {
    exited = code ?? -1;
  });
  for (;;) {
    if (exited !== null) throw new Error(`The API exited with ${exited} on start; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`The API did not become ready in 180 s; see ${logFile}`);
    }
    try {
      const r = await fetch(`${base}/ready`);
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    child,
    logFile,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Command-line options after the benchmark's name: `--name value` pairs and bare `--flag`s. */
export function cliOptions(argv = process.argv.slice(3)): Map<string, string | true> {
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) options.set(name, inline);
    else if (next !== undefined && !next.startsWith("--")) {
      options.set(name, next);
      i++;
    } else options.set(name, true);
  }
  return options;
}

/** A path given on the command line, relative to where `npm run` was started (npm runs us in bench/). */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
