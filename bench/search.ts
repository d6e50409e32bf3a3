/**
 * Search speed benchmark: `npm run bench -- search`.
 *
 * Shopper queries: the 2,120 real queries of ../shared/datasets/bestbuy/query-suggestions.json, each
 * drawn with probability proportional to its popularity + 1 (the +1 lets the many queries of
 * popularity 0 appear now and then; "cooktop" alone is about a sixth of the traffic), from a seeded PRNG.
 *
 * Catalogs (BENCH_SEARCH_CATALOGS, default `bestbuy,generated`):
 * - `bestbuy`: ../shared/datasets/bestbuy/products.json through `main.ts import bestbuy <folder>`;
 * - `generated`: BENCH_SEARCH_PRODUCTS (default 100,000) products recombined from the Best Buy data
 *   (search-catalog.ts: real category paths, brands, name words and description sentences), written as
 *   a CSV to a temporary folder and imported with the generic mapped importer
 *   (`main.ts import csv <file> --map sku=item_id,name=title,...`);
 * - `luma` (not in the default list): the Luma sample store, shared with the search-quality cache.
 * Each catalog is imported once and cached with its search index (search-support.ts: PGlite data
 * folders, or PostgreSQL databases when BENCH_DATABASE_URL is set); the cache key covers the migrations,
 * the importer, catalog and search code and the data, so a change there imports or re-indexes afresh.
 * Each run works on a copy.
 *
 * Per catalog, the API runs in its own process tree (`main.ts start`, production mode, recommendation
 * training off), once per worker count of BENCH_WORKERS (on PostgreSQL a list, default 1 and one per
 * core; on PGlite one process, as PGlite allows), and
 * BENCH_CONNECTIONS (default 50) shoppers, each on its own keep-alive connection, send
 * `GET /api/store/search?q=<query>` (default page size 24) back to back for BENCH_SECONDS (default
 * 10) after an unmeasured warm-up of 3 s. Prints a table: catalog, products, API processes, requests per second,
 * latency p50/p95/p99 in ms, errors (non-200 or network), and the zero-result rate (share of answers
 * with `total` 0), then the most frequent zero-result queries.
 */

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { migrationsFolder } from "../server/src/platform/db.ts";
import {
  categorySeparator,
  generatedColumns,
  weightedPicker,
  writeGeneratedCatalog,
} from "./search-catalog.ts";
import {
  type CacheRef,
  cachedCatalog,
  type DbTarget,
  datasetsDir,
  seconds as elapsed,
  inputsKey,
  lumaCatalog,
  openApp,
  productCounts,
  rebuildSearchIndex,
  repoRoot,
  runCli,
  runCopy,
  startServer,
  storageLabel,
} from "./search-support.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const generatedSize = Number(process.env.BENCH_SEARCH_PRODUCTS ?? 100_000);
const catalogs = (process.env.BENCH_SEARCH_CATALOGS ?? "bestbuy,generated").split(",").map((s) => s.trim());
const onPostgres = Boolean(process.env.BENCH_DATABASE_URL?.trim());
/**
 * API worker processes per run (BENCH_WORKERS, a comma-separated list; default 1 and one per core on
 * PostgreSQL, 1 on PGlite). Each process keeps its own copy of the search index and its own answer
 * cache, and shares the cores with PostgreSQL and this load generator: both counts are measured.
 */
const workerCounts = onPostgres
  ? [
      ...new Set(
        (process.env.BENCH_WORKERS ?? `1,${os.availableParallelism()}`)
          .split(",")
          .map((w) => Number(w.trim()))
          .filter((w) => Number.isInteger(w) && w > 0),
      ),
    ]
  : [1];
const bestbuyDir = path.join(datasetsDir, "bestbuy");
const warmupSeconds = 3;

interface Query {
  query: string;
  popularity: number;
}

interface Row {
  catalog: string;
  products: number;
  "API processes": number;
  "req/s": number;
  "p50 ms": number;
  "p95 ms": number;
  "p99 ms": number;
  errors: number;
  "zero-result rate": string;
}

/** mulberry32: a small seeded PRNG, so every run sends the same query sequence per shopper. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadQueries(): Query[] {
  const raw = JSON.parse(fs.readFileSync(path.join(bestbuyDir, "query-suggestions.json"), "utf8")) as {
    query: string;
    popularity: number;
  }[];
  return raw
    .map((q) => ({ query: q.query.trim(), popularity: Number(q.popularity) || 0 }))
    .filter((q) => q.query.length > 0 && q.query.length <= 256);
}

/** Inputs of an imported catalog: schema, importers, catalog code and the files the catalog comes from. */
function importKey(files: string[]): string {
  return inputsKey([
    migrationsFolder,
    path.join(repoRoot, "server/src/importers"),
    path.join(repoRoot, "server/src/modules/catalog"),
    ...files,
  ]);
}

/** A catalog imported once and cached: `luma`, `bestbuy` or `generated` (BENCH_SEARCH_PRODUCTS products). */
export async function importedCatalog(name: string): Promise<CacheRef> {
  if (name === "luma") return lumaCatalog(path.join(datasetsDir, "luma"));
  if (name === "bestbuy") {
    return cachedCatalog("search-bestbuy", importKey([bestbuyDir]), async (target) => {
      console.log("Importing the Best Buy catalog (cached for the next runs) ...");
      const started = performance.now();
      await runCli(["import", "bestbuy", bestbuyDir], target, "import bestbuy");
      console.log(`  imported in ${elapsed(started)}`);
    });
  }
  if (name === "generated") {
    const generator = path.join(repoRoot, "bench/search-catalog.ts");
    return cachedCatalog(
      `search-generated-${generatedSize}`,
      importKey([bestbuyDir, generator]),
      async (target: DbTarget) => {
        const file = path.join(target.dataDir, `generated-${generatedSize}.csv`);
        let started = performance.now();
        writeGeneratedCatalog(bestbuyDir, file, generatedSize);
        console.log(
          `Generated ${generatedSize.toLocaleString("en-US")} products (${(fs.statSync(file).size / 1e6).toFixed(0)} MB CSV) in ${elapsed(started)}; importing (cached for the next runs) ...`,
        );
        started = performance.now();
        const map = Object.entries(generatedColumns)
          .map(([field, column]) => `${field}=${column}`)
          .join(",");
        await runCli(["import", "csv", file, "--map", map], target, "import csv");
        console.log(`  imported in ${elapsed(started)}`);
        fs.rmSync(file, { force: true });
      },
    );
  }
  throw new Error(`Unknown catalog "${name}" in BENCH_SEARCH_CATALOGS (bestbuy, generated, luma)`);
}

/** The imported catalog with its search index built by the current search code (cached too). */
export async function indexedCatalog(name: string): Promise<CacheRef> {
  const imported = await importedCatalog(name);
  const key = inputsKey(
    [path.join(repoRoot, "server/src/modules/search")],
    [imported.database ?? imported.dir!],
  );
  return cachedCatalog(
    `${imported.name}-indexed`,
    key,
    async (target) => {
      const { app, ctx } = await openApp(target);
      try {
        await rebuildSearchIndex(ctx, name);
      } finally {
        await app.close();
      }
    },
    imported,
  );
}

class Stats {
  latencies: number[] = [];
  errors = new Map<string, number>();
  zero = 0;
  ok = 0;
  zeroQueries = new Map<string, number>();

  record(ms: number, status: number, total: number | null, query: string, code?: string): void {
    this.latencies.push(ms);
    if (status !== 200 || total === null) {
      const key = code ?? String(status);
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
      return;
    }
    this.ok++;
    if (total === 0) {
      this.zero++;
      this.zeroQueries.set(query, (this.zeroQueries.get(query) ?? 0) + 1);
    }
  }

  percentile(p: number): number {
    const sorted = Float64Array.from(this.latencies).sort();
    if (!sorted.length) return 0;
    return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! * 10) / 10;
  }
}

/** One search over `agent`; resolves with the status and the answer's `total` (null when unreadable). */
function searchOnce(
  agent: http.Agent,
  base: string,
  query: string,
): Promise<{ status: number; total: number | null; ms: number; code?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get(
      `${base}/api/store/search?q=${encodeURIComponent(query)}`,
      { agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("error", (e: NodeJS.ErrnoException) =>
          resolve({ status: 0, total: null, ms: performance.now() - started, code: e.code ?? "NETWORK" }),
        );
        response.on("end", () => {
          const ms = performance.now() - started;
          let total: number | null = null;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { total?: unknown };
            total = typeof body.total === "number" ? body.total : null;
          } catch {
            // counted as an error below
          }
          resolve({ status: response.statusCode ?? 0, total, ms });
        });
      },
    );
    request.on("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: 0, total: null, ms: performance.now() - started, code: e.code ?? "NETWORK" }),
    );
  });
}

/** `connections` shoppers, each on its own keep-alive connection, searching back to back for `duration` s. */
async function drive(
  base: string,
  queries: Query[],
  duration: number,
  seed: number,
): Promise<Stats & { seconds: number }> {
  const stats = new Stats();
  const started = performance.now();
  const deadline = started + duration * 1000;
  let lastAnswer = started;
  await Promise.all(
    Array.from({ length: connections }, async (_, shopper) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const next = weightedPicker(queries, (q) => q.popularity + 1, seeded(seed * 1000 + shopper));
      try {
        while (performance.now() < deadline) {
          const { query } = next();
          const r = await searchOnce(agent, base, query);
          stats.record(r.ms, r.status, r.total, query, r.code);
          lastAnswer = performance.now();
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return Object.assign(stats, { seconds: (Math.max(lastAnswer, deadline) - started) / 1000 });
}

export async function search(): Promise<void> {
  const queries = loadQueries();
  const totalPopularity = queries.reduce((s, q) => s + q.popularity + 1, 0);
  console.log(
    `Search speed: ${queries.length.toLocaleString("en-US")} shopper queries weighted by popularity + 1; ` +
      `catalogs ${catalogs.join(", ")}; ${storageLabel()}; ${connections} connections, ${seconds} s each`,
  );
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const [i, name] of catalogs.entries()) {
    for (const workers of workerCounts) {
      const started = performance.now();
      const cached = await indexedCatalog(name);
      const run = await runCopy(cached);
      try {
        const { app, ctx } = await openApp(run);
        const counts = await productCounts(ctx);
        await app.close();
        console.log(
          `${name}: ${counts.products.toLocaleString("en-US")} products ready in ${elapsed(started)}; starting the API ...`,
        );
        // Search alone is measured: the API does not train recommendations (it would 5 s after start).
        const server = await startServer(run, workers, { RECOMMENDATIONS_TRAIN_HOURS: "0" });
        try {
          console.log(
            `${name}: API on ${server.base} (${workers} process${workers === 1 ? "" : "es"}); warming up ${warmupSeconds} s, then measuring ${seconds} s ...`,
          );
          await drive(server.base, queries, warmupSeconds, 1);
          const stats = await drive(server.base, queries, seconds, 2 + i);
          rows.push({
            catalog:
              name === "generated" ? `generated (CSV, ${generatedSize.toLocaleString("en-US")})` : name,
            products: counts.products,
            "API processes": workers,
            "req/s": Math.round(stats.latencies.length / stats.seconds),
            "p50 ms": stats.percentile(0.5),
            "p95 ms": stats.percentile(0.95),
            "p99 ms": stats.percentile(0.99),
            errors: stats.latencies.length - stats.ok,
            "zero-result rate": `${((stats.zero / Math.max(stats.ok, 1)) * 100).toFixed(1)}%`,
          });
          const label = `${name} (${workers} process${workers === 1 ? "" : "es"})`;
          if (stats.errors.size)
            notes.push(`${label}: errors ${JSON.stringify(Object.fromEntries(stats.errors))}`);
          const topZero = [...stats.zeroQueries]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 10)
            .map(([q, n]) => `${JSON.stringify(q)} ${n}x`);
          if (topZero.length && workers === workerCounts[0])
            notes.push(`${name}: most frequent zero-result queries: ${topZero.join(", ")}`);
          const log = fs.readFileSync(server.logFile, "utf8").split("\n");
          const warnings = log.filter((l) => /"level":(40|50|60)/.test(l));
          if (warnings.length)
            notes.push(
              `${label}: API log has ${warnings.length} warning/error lines, first: ${warnings[0]!.slice(0, 300)}`,
            );
        } finally {
          await server.stop();
        }
      } finally {
        await run.dispose();
      }
    }
  }
  console.log(
    `\nSearch benchmark: GET /api/store/search?q=<query> (page of 24), ${connections} connections each on its own ` +
      `keep-alive socket, ${seconds} s per run after ${warmupSeconds} s of warm-up, ${storageLabel()}, API in a ` +
      `child process tree with the number of worker processes shown, ${os.cpus().length} cores shared with the ` +
      "database and this load generator. " +
      `Queries drawn by popularity + 1 (total weight ${totalPopularity.toLocaleString("en-US")}); zero-result rate ` +
      `over the answered requests. Category paths in the generated CSV are separated by "${categorySeparator.trim()}".`,
  );
  console.table(rows);
  for (const n of notes) console.log(`  ${n}`);
}
