/**
 * Checkout benchmark: `npm run bench -- checkout`.
 *
 * Creates a fresh PostgreSQL database `bazaar_bench_checkout` (on BENCH_DATABASE_URL's server, default
 * postgres://postgres@127.0.0.1:5432/postgres), imports the Luma catalog into it, gives every sellable
 * variant a stock of 1,000,000 and makes sure US shipping ("Best Way") and Michigan tax exist. The API
 * then runs in a child process (`node --import tsx server/src/main.ts start`, production mode, test
 * payment provider on, WEB_CONCURRENCY = BENCH_WORKERS worker processes, default one per core), so
 * the load generator here does not share the server's event loop. The API's CPU is that of the whole
 * process tree.
 *
 * Per scenario, shoppers first fill carts over HTTP with the `X-Cart-Token` header (3 lines of different
 * variants, e-mail, a Michigan address, the "Best Way" shipping method; timed per step but not part of
 * the checkout figures), then BENCH_CONNECTIONS (default 50) workers each take a ready cart and POST
 * /api/store/checkout with a fresh Idempotency-Key and the test card, for BENCH_SECONDS (default 10) or
 * until the carts run out. Scenarios:
 * - `uniform`: 3 random variants per cart, closed loop (every shopper orders again as soon as answered):
 *   the throughput at saturation;
 * - `paced`: uniform carts arriving at a constant BENCH_RATE (default 200) orders per second, at most
 *   50 in flight: the latency at the target throughput (see `placeOrders`);
 * - `contended`: every cart holds the SAME variant plus 2 random ones (one hot inventory row), closed loop.
 * BENCH_SCENARIOS picks some (default `uniform,contended`). A short unmeasured warm-up before each
 * scenario also sizes the number of carts to prepare (BENCH_CARTS overrides).
 *
 * Prints a table (requests, successful requests per second, latency p50/p95/p99/max, errors), the
 * CPU used by the load generator, the API process and PostgreSQL, what PostgreSQL backends were doing
 * (sampled from pg_stat_activity), consistency checks (orders = 201 answers, none left pending, stock
 * reserved = units ordered), and an in-process probe counting SQL statements and Node CPU per request.
 * BENCH_SERVER_NODE_OPTIONS passes Node flags to the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
 * On a shared machine, read the "everything else on the machine" CPU figure before the rates.
 */

import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { buildApp } from "../server/src/app.ts";
import { loadConfig } from "../server/src/config.ts";
import { importLuma } from "../server/src/importers/luma.ts";
import { upsertTaxRates } from "../server/src/modules/pricing/index.ts";
import { upsertShippingZone } from "../server/src/modules/shipping/index.ts";
import { michigan } from "../server/test/commerce-fixtures.ts";
import { authSecret, type Server, startServer as startApi } from "./search-support.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
/** Scenarios to run, comma-separated (default all three). */
const scenarios = (process.env.BENCH_SCENARIOS ?? "uniform,paced,contended").split(",").map((s) => s.trim());
/** Arrival rate of the `paced` scenario, orders per second (the target throughput). */
const rate = Number(process.env.BENCH_RATE ?? 200);
const shoppers = Number(process.env.BENCH_CONNECTIONS ?? 50);
const fixedCarts = process.env.BENCH_CARTS ? Number(process.env.BENCH_CARTS) : null;
/** API worker processes (WEB_CONCURRENCY of the server): one per core unless BENCH_WORKERS says otherwise. */
const workers = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());
const baseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const repoRoot = path.resolve(import.meta.dirname, "..");
const lumaPath = path.resolve(repoRoot, "../shared/datasets/luma");
const dbName = "bazaar_bench_checkout";
const bigStock = 1_000_000;
const warmupCarts = Math.max(100, shoppers * 5);
const card = { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } };

interface Row {
  scenario: string;
  requests: number;
  "ok/s": number;
  "p50 ms": number;
  "p95 ms": number;
  "p99 ms": number;
  "max ms": number;
  errors: number;
}

/**
 * Latencies and outcomes of one batch of requests. The rate counts successes inside the measurement
 * window, which closes (`stopAt`) when the first worker stops (time is up or the work ran out): the
 * requests still in flight then finish at falling concurrency, so they count in the latencies only.
 */
class Stats {
  latencies: number[] = [];
  ok = 0;
  okInWindow = 0;
  errors = new Map<string, number>();
  started = performance.now();
  ended = this.started;
  stopAt: number | null = null;

  record(ms: number, status: number, okStatus: number, code: string | null): void {
    this.latencies.push(ms);
    this.ended = performance.now();
    if (status === okStatus) {
      this.ok++;
      if (this.stopAt === null || this.ended <= this.stopAt) this.okInWindow++;
    } else {
      const key = `${status} ${code ?? ""}`.trim();
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
  }

  /** Length of the measurement window in seconds. */
  get seconds(): number {
    return ((this.stopAt ?? this.ended) - this.started) / 1000;
  }

  get errorCount(): number {
    return this.latencies.length - this.ok;
  }

  row(scenario: string): Row {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (p: number) =>
      sorted.length ? round1(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!) : 0;
    return {
      scenario,
      requests: sorted.length,
      "ok/s": Math.round(this.okInWindow / Math.max(this.seconds, 1e-9)),
      "p50 ms": at(0.5),
      "p95 ms": at(0.95),
      "p99 ms": at(0.99),
      "max ms": round1(sorted.at(-1) ?? 0),
      errors: this.errorCount,
    };
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------------
// Database and server

async function freshDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/**
 * Imports Luma, adds US shipping and Michigan tax when the import made none, and gives every sellable,
 * stock-managed variant of a simple or configurable product a large stock. Returns those variant ids.
 */
async function seed(databaseUrl: string, dataDir: string): Promise<string[]> {
  const config = loadConfig(
    { NODE_ENV: "production", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: authSecret },
    { databaseUrl, dataDir, storageDir: path.join(dataDir, "import-storage"), seedDemo: false },
  );
  const { app, ctx } = await buildApp(config);
  try {
    const started = performance.now();
    await importLuma(ctx, lumaPath);
    console.log(`Imported the Luma catalog in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    const q = async <T>(text: string, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(text, values)).rows as T[];
      } finally {
        await client.end();
      }
    };

    const [tax] = await q<{ n: number }>(
      "select count(*)::int as n from tax_rates where country_code = 'US' and (region = 'MI' or region is null)",
    );
    if (tax!.n === 0) {
      await upsertTaxRates(ctx.db, [
        { code: "US-MI", name: "Michigan sales tax", countryCode: "US", region: "MI", rateBasisPoints: 600 },
      ]);
      console.log("No Michigan tax rate after the import: created US-MI 6%.");
    }
    const [shipping] = await q<{ n: number }>(
      `select count(*)::int as n from shipping_methods m join shipping_zones z on z.id = m.zone_id
        where z.countries ? 'US'`,
    );
    if (shipping!.n === 0) {
      await upsertShippingZone(ctx.db, {
        name: "United States",
        countries: ["US"],
        methods: [
          {
            code: "best_way",
            name: "Best Way",
            type: "table_rate",
            currency: "USD",
            rateBasis: "subtotal",
            tableRates: [
              { region: null, postcode: null, from: 0, amount: 1500 },
              { region: null, postcode: null, from: 5000, amount: 1000 },
              { region: null, postcode: null, from: 10000, amount: 500 },
            ],
          },
        ],
      });
      console.log('No US shipping method after the import: created table-rate "Best Way".');
    }
    const variants = await q<{ id: string }>(
      `select v.id from variants v
        join products p on p.id = v.product_id
        where p.status = 'active' and p.type in ('simple', 'configurable') and v.currency = 'USD'
          and v.min_quantity <= 1 and v.quantity_increment = 1
          and exists (select 1 from inventory_levels il where il.variant_id = v.id and il.manage_stock)
        order by v.id`,
    );
    const ids = variants.map((v) => v.id);
    await q(
      "update inventory_levels set stocked_quantity = $1, reserved_quantity = 0 where variant_id = any($2::text[])",
      [bigStock, ids],
    );
    return ids;
  } finally {
    await app.close();
  }
}

/** Starts `main.ts start` in a child process and resolves once /ready answers 200. */
function startServer(databaseUrl: string, dataDir: string): Promise<Server> {
  return startApi({ databaseUrl, dataDir }, workers, {
    // An empty storage folder: the start-up image warm-up then has nothing to resize during the run.
    STORAGE_DIR: path.join(dataDir, "server-storage"),
    PAYMENT_TEST_PROVIDER: "true",
    // 50 shoppers on one address would trip the fraud velocity rule; the bench measures checkout itself.
    FRAUD_IP_VELOCITY_PER_HOUR: "0",
    FRAUD_CARD_VELOCITY_PER_HOUR: "0",
    FRAUD_REVIEW_AMOUNT: "1000000000000",
  });
}

// ---------------------------------------------------------------------------------------------------
// HTTP shoppers

interface Answer {
  status: number;
  json: Record<string, unknown>;
  token: string | null;
  ms: number;
}

/**
 * Each shopper has its own keep-alive connection, as a browser does (node:http costs less CPU per
 * request than fetch). With one shared pool, the busiest sockets would be reused first and the API
 * worker processes (each owning the connections node:cluster handed it) would get uneven shares.
 */
const agents: http.Agent[] = [];
const agentOf = (shopper: number) => (agents[shopper] ??= new http.Agent({ keepAlive: true, maxSockets: 1 }));

/** One request; a network failure is answered as status 0 with the error code. */
function call(
  shopper: number,
  base: string,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException) =>
      resolve({
        status: 0,
        json: { code: error.code ?? "NETWORK_ERROR" },
        token,
        ms: performance.now() - started,
      });
    const request = http.request(
      `${base}${url}`,
      {
        method,
        agent: agentOf(shopper),
        headers: {
          ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          ...(token ? { "x-cart-token": token } : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", failed);
        response.on("end", () => {
          const ms = performance.now() - started;
          let json: Record<string, unknown>;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          } catch {
            json = { code: "NOT_JSON" };
          }
          const next = response.headers["x-cart-token"];
          resolve({
            status: response.statusCode ?? 0,
            json,
            token: typeof next === "string" ? next : token,
            ms,
          });
        });
      },
    );
    request.on("error", failed);
    request.end(payload ?? undefined);
  });
}

const codeOf = (a: Answer) => (typeof a.json.code === "string" ? a.json.code : null);

/**
 * Runs `work` over `items` with `concurrency` workers, until the items run out or `deadline` passes;
 * `onFirstStop` is called when the first worker finds either.
 */
async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, shopper: number) => Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
  onFirstStop?: () => void,
): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async (_: unknown, shopper: number) => {
    while (next < items.length && performance.now() < deadline) await work(items[next++]!, shopper);
    if (!stopped) {
      stopped = true;
      onFirstStop?.();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface Cart {
  token: string | null;
  variantIds: string[];
  email: string;
  ready: boolean;
}

interface PrepStats {
  addLine: Stats;
  email: Stats;
  address: Stats;
  shippingMethod: Stats;
}

/** Fills carts over HTTP, one step at a time across all carts (so each step is timed on its own). */
async function prepareCarts(base: string, lines: string[][], tag: string): Promise<[Cart[], PrepStats]> {
  const carts: Cart[] = lines.map((variantIds, i) => ({
    token: null,
    variantIds,
    email: `${tag.replace(/[^a-z0-9]+/gi, "-")}-${i}-${randomBytes(3).toString("hex")}@example.com`,
    ready: true,
  }));
  const stats: PrepStats = {
    addLine: new Stats(),
    email: new Stats(),
    address: new Stats(),
    shippingMethod: new Stats(),
  };
  const step = async (s: Stats, fn: (cart: Cart, shopper: number) => Promise<Answer | null>) => {
    s.started = performance.now();
    await runPool(carts, shoppers, async (cart, shopper) => {
      if (!cart.ready) return;
      const a = await fn(cart, shopper);
      if (a && a.status !== 200) cart.ready = false;
    });
    s.ended = performance.now();
  };
  await step(stats.addLine, async (cart, shopper) => {
    let last: Answer | null = null;
    for (const variantId of cart.variantIds) {
      last = await call(shopper, base, "POST", "/api/store/cart/lines", cart.token, {
        variantId,
        quantity: 1,
      });
      stats.addLine.record(last.ms, last.status, 200, codeOf(last));
      cart.token = last.token;
      if (last.status !== 200) break;
    }
    return last;
  });
  await step(stats.email, async (cart, shopper) => {
    const a = await call(shopper, base, "PUT", "/api/store/cart/email", cart.token, { email: cart.email });
    stats.email.record(a.ms, a.status, 200, codeOf(a));
    return a;
  });
  let shippingMethodId: string | null = null;
  await step(stats.address, async (cart, shopper) => {
    const a = await call(shopper, base, "PUT", "/api/store/cart/shipping-address", cart.token, michigan);
    stats.address.record(a.ms, a.status, 200, codeOf(a));
    const options = (a.json.shippingOptions ?? []) as { id: string; code: string }[];
    shippingMethodId ??= (options.find((o) => o.code === "best_way") ?? options[0])?.id ?? null;
    return a;
  });
  if (!shippingMethodId) {
    const errors = Object.entries(stats).map(
      ([k, v]) => `${k}: ${JSON.stringify(Object.fromEntries(v.errors))}`,
    );
    throw new Error(`The cart offers no shipping method for the Michigan address (${errors.join("; ")}).`);
  }
  await step(stats.shippingMethod, async (cart, shopper) => {
    const a = await call(shopper, base, "PUT", "/api/store/cart/shipping-method", cart.token, {
      shippingMethodId,
    });
    stats.shippingMethod.record(a.ms, a.status, 200, codeOf(a));
    if (a.status === 200 && a.json.isCheckoutReady !== true) return { ...a, status: 0 };
    return a;
  });
  return [carts.filter((c) => c.ready), stats];
}

/** GET /health with `shoppers` workers for `duration` s: the HTTP stack and load generator alone. */
async function ceiling(base: string, duration: number): Promise<Stats> {
  const stats = new Stats();
  const deadline = performance.now() + duration * 1000;
  stats.stopAt = deadline;
  const worker = async (_: unknown, shopper: number) => {
    while (performance.now() < deadline) {
      const a = await call(shopper, base, "GET", "/health", null);
      stats.record(a.ms, a.status, 200, codeOf(a));
    }
  };
  await Promise.all(Array.from({ length: shoppers }, worker));
  return stats;
}

/**
 * Places one order per cart with `shoppers` concurrent workers until `deadline`: back to back (closed
 * loop: each shopper places its next order as soon as the last one is answered), or, with `rate`, at a
 * constant arrival rate of `rate` orders per second (order i is due at start + i / rate, like k6's
 * constant-arrival-rate executor or wrk2), with at most `shoppers` in flight. A paced order that finds
 * every shopper busy starts late, and its latency counts from when it was due, not from when it was
 * sent (no coordinated omission).
 */
async function placeOrders(base: string, carts: Cart[], deadline: number, rate?: number): Promise<Stats> {
  const stats = new Stats();
  let sequence = 0;
  await runPool(
    carts,
    shoppers,
    async (cart, shopper) => {
      const due = rate ? stats.started + (sequence++ * 1000) / rate : performance.now();
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const a = await call(shopper, base, "POST", "/api/store/checkout", cart.token, card, {
        "idempotency-key": randomUUID(),
      });
      stats.record(performance.now() - due, a.status, 201, codeOf(a));
    },
    deadline,
    () => {
      stats.stopAt = performance.now();
    },
  );
  return stats;
}

// ---------------------------------------------------------------------------------------------------
// Where the time goes: CPU per process group, PostgreSQL backend states

const userHz = 100; // clock ticks per second in /proc on Linux

/** CPU seconds used so far by process `pid` (0 once it is gone). */
function processCpu(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / userHz; // utime + stime
  } catch {
    return 0;
  }
}

/** CPU seconds used by a process and its child processes (the API's workers under WEB_CONCURRENCY). */
function processTreeCpu(pid: number): number {
  let total = processCpu(pid);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) total += processCpu(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** CPU seconds all processes of the machine have used so far (busy time of every core). */
function machineCpu(): number {
  const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / userHz;
}

interface ProbeResult {
  /** CPU seconds over the phase by the load generator, the API, this database's backends, the rest. */
  cpu: { client: number; server: number; postgres: number; other: number; elapsed: number };
  /** Average number of this database's backends in each state (pg_stat_activity, every 50 ms). */
  pg: Record<string, string>;
}

interface Probe {
  stop(): Promise<ProbeResult>;
}

/**
 * Samples, while a phase runs, what this database's PostgreSQL backends are doing (every 50 ms), and
 * measures the CPU used by the load generator, the API process, those backends and everything else
 * on the machine (other work running on a shared machine skews the figures: it is reported).
 */
function startProbe(databaseUrl: string, serverPid: number): Probe {
  const client0 = process.cpuUsage();
  const server0 = processTreeCpu(serverPid);
  const machine0 = machineCpu();
  const started = performance.now();
  const backends = new Map<number, number>(); // pid -> CPU seconds when first seen
  const client = new pg.Client({ connectionString: databaseUrl });
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ pid: number; state: string | null; wait: string | null }>(
        `select pid, state, case when wait_event_type is null then null else wait_event_type || ':' || wait_event end as wait
          from pg_stat_activity where datname = current_database()`,
      );
      samples++;
      for (const r of rows) {
        if (r.pid === (client as unknown as { processID: number }).processID) continue; // this sampler
        if (!backends.has(r.pid)) backends.set(r.pid, processCpu(r.pid));
        const key =
          r.state === "active" ? `active${r.wait ? ` (waiting ${r.wait})` : " (running)"}` : (r.state ?? "?");
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const elapsed = (performance.now() - started) / 1000;
      const used = process.cpuUsage(client0);
      const clientCpu = (used.user + used.system) / 1e6;
      const serverCpu = processTreeCpu(serverPid) - server0;
      let pgCpu = 0;
      for (const [pid, before] of backends) pgCpu += Math.max(0, processCpu(pid) - before);
      const machine = machineCpu() - machine0;
      await client.end();
      const pgStates: Record<string, string> = {};
      for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]))
        pgStates[k] = (v / Math.max(samples, 1)).toFixed(1);
      return {
        cpu: {
          client: clientCpu,
          server: serverCpu,
          postgres: pgCpu,
          other: Math.max(0, machine - clientCpu - serverCpu - pgCpu),
          elapsed,
        },
        pg: pgStates,
      };
    },
  };
}

/** "API process 12.3 s = 1.02 cores, 45.60 ms/order; ..." for each process group. */
function cpuReport(cpu: ProbeResult["cpu"], count: number, unit = "order"): string {
  const one = (label: string, s: number, perOrder = true) =>
    `${label} ${s.toFixed(1)} s = ${(s / cpu.elapsed).toFixed(2)} cores` +
    (perOrder && count ? `, ${((s * 1000) / count).toFixed(2)} ms/${unit}` : "");
  return [
    one("API process", cpu.server),
    one("PostgreSQL (bench database backends)", cpu.postgres),
    one("load generator", cpu.client),
    one("everything else on the machine", cpu.other, false),
  ].join("; ");
}

// ---------------------------------------------------------------------------------------------------
// Scenarios

function pickDistinct(pool: string[], n: number, first?: string): string[] {
  const chosen = new Set<string>(first ? [first] : []);
  while (chosen.size < n) chosen.add(pool[Math.floor(Math.random() * pool.length)]!);
  return [...chosen];
}

interface ScenarioResult {
  rows: Row[];
  stats: Stats;
  warmup: Stats;
  carts: number;
  notes: string[];
}

async function scenario(
  name: string,
  base: string,
  databaseUrl: string,
  server: Server,
  lines: () => string[],
  rate?: number,
): Promise<ScenarioResult> {
  const notes: string[] = [];
  // Warm-up (not measured): JIT, connection pools, plan caches; its rate sizes the measured batch.
  const [warmCarts] = await prepareCarts(base, Array.from({ length: warmupCarts }, lines), `${name}-warm`);
  const warmup = await placeOrders(base, warmCarts, Number.POSITIVE_INFINITY);
  const warmRate = warmup.ok / warmup.seconds;
  const wanted = fixedCarts ?? Math.max(200, Math.ceil((rate ?? warmRate) * seconds * (rate ? 1.2 : 2.5)));
  const started = performance.now();
  const [carts, prep] = await prepareCarts(base, Array.from({ length: wanted }, lines), name);
  notes.push(
    `${name}: warm-up ${warmup.ok} orders at ${Math.round(warmRate)}/s; prepared ${carts.length} of ${wanted} carts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const probe = startProbe(databaseUrl, server.child.pid!);
  const stats = await placeOrders(base, carts, performance.now() + seconds * 1000, rate);
  const { cpu, pg: pgStates } = await probe.stop();
  if (stats.latencies.length >= carts.length && stats.seconds < seconds * 0.99)
    notes.push(`${name}: the carts ran out after ${stats.seconds.toFixed(1)} s (of ${seconds} s)`);
  notes.push(`${name}: CPU over ${cpu.elapsed.toFixed(1)} s of place-order: ${cpuReport(cpu, stats.ok)}`);
  notes.push(`${name}: PostgreSQL backends of the bench database, average count ${JSON.stringify(pgStates)}`);
  if (stats.errors.size) notes.push(`${name}: errors ${JSON.stringify(Object.fromEntries(stats.errors))}`);
  for (const [label, s] of Object.entries(prep)) {
    if (s.errors.size)
      notes.push(`${name}: cart prep ${label} errors ${JSON.stringify(Object.fromEntries(s.errors))}`);
  }
  return {
    rows: [
      stats.row(`place order: ${name} (orders/s)`),
      prep.addLine.row(`  cart prep: add line (${name})`),
      prep.email.row(`  cart prep: set e-mail (${name})`),
      prep.address.row(`  cart prep: set address (${name})`),
      prep.shippingMethod.row(`  cart prep: set shipping method (${name})`),
    ],
    stats,
    warmup,
    carts: carts.length,
    notes,
  };
}

/** Consistency after the run, straight from the database. */
async function verify(databaseUrl: string, created: number, usedVariants: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const one = async <T>(text: string, values: unknown[] = []) =>
      (await client.query(text, values)).rows[0] as T;
    const orders = await one<{ n: number; pending: number; statuses: Record<string, number> }>(
      `select count(*)::int as n, count(*) filter (where status = 'pending_payment')::int as pending,
          coalesce((select jsonb_object_agg(status, c) from
            (select status, count(*)::int as c from orders group by status) s), '{}'::jsonb) as statuses
        from orders`,
    );
    const stock = await one<{ reserved: number; ordered: number; active: number; mismatched: number }>(
      `with ordered as (
          select li.variant_id, sum(li.quantity)::int as qty from order_line_items li
            join orders o on o.id = li.order_id where o.status <> 'cancelled' group by li.variant_id
        ), levels as (
          select variant_id, sum(reserved_quantity)::int as reserved from inventory_levels
            where variant_id = any($1::text[]) group by variant_id
        )
        select coalesce(sum(l.reserved), 0)::int as reserved, coalesce(sum(o.qty), 0)::int as ordered,
          (select coalesce(sum(quantity), 0)::int from reservations
            where status = 'active' and variant_id = any($1::text[])) as active,
          count(*) filter (where l.reserved is distinct from coalesce(o.qty, 0))::int as mismatched
        from levels l full join ordered o on o.variant_id = l.variant_id`,
      [usedVariants],
    );
    const mark = (ok: boolean) => (ok ? "OK  " : "FAIL");
    return [
      `${mark(orders.n === created)} orders in the database: ${orders.n}, 201 answers: ${created} (by status ${JSON.stringify(orders.statuses)})`,
      `${mark(orders.pending === 0)} orders left in pending_payment: ${orders.pending}`,
      `${mark(stock.reserved === stock.ordered && stock.active === stock.ordered && stock.mismatched === 0)} stock reserved on the used variants: ${stock.reserved} units, active reservations ${stock.active}, units ordered ${stock.ordered}, variants that differ ${stock.mismatched}`,
    ];
  } finally {
    await client.end();
  }
}

/**
 * In-process probe on the same database: SQL statements sent per request (the app's QueryCounter) and
 * Node CPU per request, for one shopper at a time (no concurrency), through app.inject.
 */
async function statementProbe(databaseUrl: string, dataDir: string, pool: string[]): Promise<string[]> {
  const config = loadConfig(
    { NODE_ENV: "production", LOG_LEVEL: "silent", BETTER_AUTH_SECRET: authSecret },
    {
      databaseUrl,
      dataDir,
      storageDir: path.join(dataDir, "probe-storage"),
      seedDemo: false,
      serveStorefront: false,
      testPayments: true,
    },
  );
  const { app, ctx } = await buildApp(config);
  const counter = ctx.database.queries;
  const per = new Map<string, { statements: number; cpuMs: number; wallMs: number; n: number }>();
  let created = 0;
  const measure = async <R>(label: string, fn: () => Promise<R>): Promise<R> => {
    const before = counter.count;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const r = await fn();
    const wall = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const entry = per.get(label) ?? { statements: 0, cpuMs: 0, wallMs: 0, n: 0 };
    entry.statements += counter.count - before;
    entry.cpuMs += (used.user + used.system) / 1000;
    entry.wallMs += wall;
    entry.n++;
    per.set(label, entry);
    return r;
  };
  try {
    const rounds = 60;
    for (let i = 0; i < rounds; i++) {
      let token: string | null = null;
      const send = async (method: "POST" | "PUT", url: string, payload: object, headers = {}) => {
        const r = await app.inject({
          method,
          url,
          payload,
          headers: { ...(token ? { "x-cart-token": token } : {}), ...headers },
        });
        const t = r.headers["x-cart-token"];
        if (typeof t === "string") token = t;
        return r;
      };
      for (const variantId of pickDistinct(pool, 3))
        await measure("add line", () => send("POST", "/api/store/cart/lines", { variantId, quantity: 1 }));
      await measure("set e-mail", () =>
        send("PUT", "/api/store/cart/email", { email: `probe-${i}@example.com` }),
      );
      const address = await measure("set address", () =>
        send("PUT", "/api/store/cart/shipping-address", michigan),
      );
      const options = (address.json() as { shippingOptions: { id: string; code: string }[] }).shippingOptions;
      const shippingMethodId = (options.find((o) => o.code === "best_way") ?? options[0])!.id;
      await measure("set shipping method", () =>
        send("PUT", "/api/store/cart/shipping-method", { shippingMethodId }),
      );
      // The first rounds warm up the JIT: start counting afresh.
      if (i === 9) per.clear();
      const r = await measure("place order", () =>
        send("POST", "/api/store/checkout", card, { "idempotency-key": randomUUID() }),
      );
      if (r.statusCode === 201) created++;
      else throw new Error(`probe checkout: ${r.statusCode} ${r.body}`);
    }
    const order = ["add line", "set e-mail", "set address", "set shipping method", "place order"];
    const lines = [...per]
      .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
      .map(
        ([label, e]) =>
          `${label.padEnd(20)} ${(e.statements / e.n).toFixed(1).padStart(5)} SQL statements, ` +
          `${(e.cpuMs / e.n).toFixed(2).padStart(6)} ms Node CPU, ${(e.wallMs / e.n).toFixed(2).padStart(6)} ms wall (one at a time, ${e.n} requests)`,
      );
    return [...lines, `(${created} probe orders placed)`];
  } finally {
    await app.close();
  }
}

export async function checkout(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-bench-checkout-"));
  const databaseUrl = await freshDatabase();
  console.log(`Fresh database ${dbName}; importing the Luma catalog ...`);
  const pool = await seed(databaseUrl, dataDir);
  if (pool.length < 3) throw new Error(`Only ${pool.length} sellable variants after the import.`);
  console.log(
    `${pool.length} sellable variants, each stocked with ${bigStock.toLocaleString("en-US")} units.`,
  );
  const hot = pool[Math.floor(Math.random() * pool.length)]!;

  const server = await startServer(databaseUrl, dataDir);
  const rows: Row[] = [];
  const notes: string[] = [];
  let created = 0;
  try {
    console.log(
      `API started on ${server.base} (child process ${server.child.pid}, ${workers} worker process${workers === 1 ? "" : "es"}).`,
    );
    await ceiling(server.base, 1); // warm-up
    const probe = startProbe(databaseUrl, server.child.pid!);
    const health = await ceiling(server.base, Math.min(seconds, 5));
    const { cpu } = await probe.stop();
    rows.push(health.row("GET /health (HTTP ceiling)"));
    notes.push(`ceiling: CPU over ${cpu.elapsed.toFixed(1)} s: ${cpuReport(cpu, health.ok, "request")}`);
    const runs = [];
    if (scenarios.includes("uniform"))
      runs.push(await scenario("uniform", server.base, databaseUrl, server, () => pickDistinct(pool, 3)));
    if (scenarios.includes("paced"))
      runs.push(
        await scenario(
          `paced ${rate}/s`,
          server.base,
          databaseUrl,
          server,
          () => pickDistinct(pool, 3),
          rate,
        ),
      );
    if (scenarios.includes("contended"))
      runs.push(
        await scenario("contended", server.base, databaseUrl, server, () => pickDistinct(pool, 3, hot)),
      );
    for (const s of runs) {
      rows.push(...s.rows);
      notes.push(...s.notes);
      created += s.warmup.ok + s.stats.ok;
    }
  } finally {
    await server.stop();
  }
  const serverLog = fs.readFileSync(server.logFile, "utf8").split("\n");
  const warnings = serverLog.filter((l) => /"level":(40|50|60)/.test(l));

  // The outbox may still be sending order e-mails; orders and stock are settled at the 201 already.
  const checks = await verify(databaseUrl, created, pool);
  const probe = await statementProbe(databaseUrl, dataDir, pool);

  const uniformRow = rows.find((r) => r.scenario.startsWith("place order: uniform"));
  console.log(
    `\nCheckout benchmark: ${shoppers} concurrent shoppers, ${seconds} s per scenario, carts of 3 lines, ` +
      `PostgreSQL, API in a child process with ${workers} worker process${workers === 1 ? "" : "es"} (BENCH_WORKERS), ` +
      `${os.cpus().length} cores`,
  );
  console.log(
    "ok/s: place-order rows count orders placed (201) per second; the other rows count 200s per second.",
  );
  console.table(rows);
  const pacedRow = rows.find((r) => r.scenario.startsWith("place order: paced"));
  if (uniformRow?.scenario.includes("uniform")) {
    console.log(
      `Target throughput >= 200 orders/s (uniform, closed loop): ${uniformRow["ok/s"] >= 200 ? "MET" : "NOT MET"} ` +
        `(${uniformRow["ok/s"]} orders/s; p95 at that saturation ${uniformRow["p95 ms"]} ms)`,
    );
  }
  if (pacedRow) {
    const pass =
      rate >= 200 && pacedRow["ok/s"] >= rate * 0.98 && pacedRow["p95 ms"] < 200 && pacedRow.errors === 0;
    console.log(
      `Target p95 < 200 ms at 200 orders/s (paced, at most ${shoppers} shoppers in flight): ${pass ? "MET" : "NOT MET"} ` +
        `(${pacedRow["ok/s"]} orders/s, p95 ${pacedRow["p95 ms"]} ms)`,
    );
  }
  console.log("\nRun details:");
  for (const n of notes) console.log(`  ${n}`);
  console.log(
    `  API log: ${warnings.length} warning/error lines${warnings.length ? `, first: ${warnings[0]!.slice(0, 300)}` : ""}`,
  );
  console.log("\nChecks:");
  for (const c of checks) console.log(`  ${c}`);
  console.log("\nPer request, one shopper at a time, in-process (app.inject) on the same database:");
  for (const p of probe) console.log(`  ${p}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
