/**
 * Benchmarks. `npm run bench -- catalog` starts the API on PostgreSQL (BENCH_DATABASE_URL, default the
 * local server's `bazaar_bench` database) with the Luma catalog, then runs autocannon against a
 * plain Fastify hello-world route (the ceiling), the product list, a product page and a category page,
 * each at 50 connections for 10 s (BENCH_SECONDS, BENCH_CONNECTIONS), with the response cache on and
 * off, and prints a table: req/s, latency p50/p95/p99 in milliseconds, errors, and req/s as a share of
 * the ceiling. `npm run bench -- checkout` measures placing orders (see checkout.ts), `search` the
 * search API's speed (search.ts), `search-quality` its relevance against judgments (search-quality.ts),
 * `recommendations` the recommendation model offline (recommendations.ts), `admin-lists` the staff
 * product and customer lists at 100,000 rows (admin-lists.ts).
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import pg from "pg";
import { buildApp } from "../server/src/app.ts";
import { loadConfig } from "../server/src/config.ts";
import { importLuma } from "../server/src/importers/luma.ts";
import { countProducts } from "../server/src/modules/catalog/index.ts";
import { adminLists } from "./admin-lists.ts";
import { checkout } from "./checkout.ts";
import { recommendations } from "./recommendations.ts";
import { search } from "./search.ts";
import { searchQuality } from "./search-quality.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const baseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface Row {
  scenario: string;
  "req/s": number;
  "p50 ms": number;
  "p97.5 ms": number;
  "p99 ms": number;
  errors: number;
  "of ceiling": string;
}

/** Runs autocannon in its own process (so it does not share the server's event loop) and reads its JSON. */
function autocannonRun(url: string, conns: number, duration: number): Promise<AutocannonJson> {
  return new Promise((resolve, reject) => {
    const bin = path.resolve(import.meta.dirname, "../node_modules/autocannon/autocannon.js");
    execFile(
      process.execPath,
      [bin, "--json", "-c", String(conns), "-d", String(duration), url],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as AutocannonJson)),
    );
  });
}

interface AutocannonJson {
  requests: { average: number };
  latency: Record<string, number>;
  errors: number;
  non2xx: number;
  timeouts: number;
}

async function measure(name: string, url: string): Promise<Omit<Row, "of ceiling">> {
  await autocannonRun(url, 10, 2); // warm-up: JIT, caches, connection pool
  const r = await autocannonRun(url, connections, seconds);
  return {
    scenario: name,
    "req/s": Math.round(r.requests.average),
    "p50 ms": r.latency.p50 ?? 0,
    // autocannon reports p97.5, not p95: the column is an upper bound of p95.
    "p97.5 ms": r.latency.p97_5 ?? 0,
    "p99 ms": r.latency.p99 ?? 0,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

async function ensureDatabase(): Promise<string> {
  const name = "bazaar_bench";
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
  if (exists.rowCount === 0) await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function catalog(): Promise<void> {
  const databaseUrl = await ensureDatabase();
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-bench-"));
  const rows: Omit<Row, "of ceiling">[] = [];

  const hello = Fastify();
  hello.get("/hello", async () => ({ hello: "world" }));
  await hello.listen({ port: 0, host: "127.0.0.1" });
  const helloPort = (hello.server.address() as { port: number }).port;
  rows.push(await measure("fastify hello-world (ceiling)", `http://127.0.0.1:${helloPort}/hello`));
  await hello.close();

  for (const cached of [true, false]) {
    const config = loadConfig(
      { NODE_ENV: "production", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: randomBytes(32).toString("hex") },
      { databaseUrl, storageDir, seedDemo: false, serveStorefront: false, cacheTtlMs: cached ? 30_000 : 0 },
    );
    const { app, ctx } = await buildApp(config);
    if ((await countProducts(ctx.db)) === 0) {
      console.log("Importing the Luma catalog into the bench database ...");
      await importLuma(ctx, path.resolve(import.meta.dirname, "../../shared/datasets/luma"));
    }
    await app.listen({ port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const suffix = cached ? "" : " (no cache)";
    rows.push(await measure(`product list${suffix}`, `${base}/api/store/products?category=women&limit=24`));
    rows.push(await measure(`product page${suffix}`, `${base}/api/store/products/chaz-kangeroo-hoodie`));
    rows.push(await measure(`category page${suffix}`, `${base}/api/store/categories/tops-men`));
    await app.close();
  }
  fs.rmSync(storageDir, { recursive: true, force: true });

  const ceiling = rows[0]!["req/s"];
  const table: Row[] = rows.map((r) => ({
    ...r,
    "of ceiling": `${((r["req/s"] / ceiling) * 100).toFixed(0)}%`,
  }));
  console.log(
    `\nCatalog benchmark: ${connections} connections, ${seconds} s each, PostgreSQL, ${os.cpus().length} cores`,
  );
  console.table(table);
}

const scenarios: Record<string, () => Promise<void>> = {
  catalog,
  "admin-lists": adminLists,
  checkout,
  search,
  "search-quality": searchQuality,
  recommendations,
};
const name = process.argv[2] ?? "catalog";
const run = scenarios[name];
if (!run) {
  console.error(`Unknown benchmark "${name}". Available: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
