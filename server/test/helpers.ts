import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { buildApp } from "../src/app.ts";
import { type Config, loadConfig } from "../src/config.ts";
import { type Database, openPglite, openPostgres } from "../src/platform/db.ts";

/** Folder of the Luma sample data (../shared/datasets/luma beside the repository). */
export const lumaPath = path.resolve(import.meta.dirname, "../../../shared/datasets/luma");

/** URL of the PostgreSQL server the suites also run on, when set (e.g. postgres://postgres@127.0.0.1:5432/postgres). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || null;

export const templateDatabase = "bazaar_test_template";

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test file: a PGlite in memory, or on PostgreSQL a new database
 * created from the migrated template (made by the global setup).
 */
export async function freshDatabase(): Promise<Database> {
  if (!testDatabaseUrl) {
    const database = await openPglite(null);
    await database.migrate();
    return database;
  }
  const name = `bazaar_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${templateDatabase}"`);
  } finally {
    await admin.end();
  }
  const database = await openPostgres(withDatabase(testDatabaseUrl, name), 10);
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    const a = new pg.Client({ connectionString: testDatabaseUrl });
    await a.connect();
    await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await a.end();
  };
  return database;
}

/**
 * A fresh migrated PostgreSQL database for a separate server process (URL plus a drop function), or
 * null when the suites run on PGlite.
 */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  if (!testDatabaseUrl) return null;
  const name = `bazaar_proc_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}" template "${templateDatabase}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(testDatabaseUrl, name),
    async drop() {
      const a = new pg.Client({ connectionString: testDatabaseUrl });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`).catch(() => {});
      await a.end();
    },
  };
}

/** Creates (or re-creates) the migrated template database on PostgreSQL. */
export async function prepareTemplate(): Promise<void> {
  if (!testDatabaseUrl) return;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`update pg_database set datistemplate = false where datname = '${templateDatabase}'`);
    await admin.query(`drop database if exists "${templateDatabase}" with (force)`);
    await admin.query(`create database "${templateDatabase}"`);
  } finally {
    await admin.end();
  }
  const database = await openPostgres(withDatabase(testDatabaseUrl, templateDatabase), 2);
  await database.migrate();
  await database.close();
}

/** A test app on a fresh database with its own storage folder; `close()` removes both. */
export async function testApp(overrides: Partial<Config> = {}) {
  const database = await freshDatabase();
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-test-"));
  const config = loadConfig(
    { NODE_ENV: "test" },
    {
      storageDir,
      dataDir: storageDir,
      lumaPath,
      seedDemo: false,
      cacheTtlMs: 0,
      searchCacheTtlMs: 0,
      searchSyncMs: 0,
      serveStorefront: false,
      // Suites look orders up many times from one address; the rate-limit test sets its own.
      orderLookupPerMinute: 100_000,
      // Suites place many orders from one address; fraud tests set their own thresholds.
      fraud: {
        velocity: { email: 0, ip: 0, card: 0 },
        reviewAmount: Number.MAX_SAFE_INTEGER,
        riskScore: 101,
      },
      ...overrides,
    },
  );
  const { app, ctx } = await buildApp(config, { database, ownsDatabase: true });
  await app.ready();
  return {
    app,
    ctx,
    database,
    async close() {
      await app.close();
      fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `bazaar start` (through tsx) as a child process on a free port of 127.0.0.1, with `env` on top
 * of this process's environment (no demo seed, warnings only, the test card provider, no storefront).
 * Resolves with the child and its base URL once it listens; rejects when it exits before, with its
 * output (a SIGKILL sent by the test is not an error).
 */
export function startServerProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "start"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "warn",
      PAYMENT_TEST_PROVIDER: "true",
      SERVE_STOREFRONT: "false",
      ...env,
    },
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving the shop on (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]!.replace("localhost", "127.0.0.1") });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
}
