#!/usr/bin/env -S npx tsx
import cluster from "node:cluster";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildApp, type ShopContext } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { importBestBuy } from "./importers/bestbuy.ts";
import { importCsvCatalog } from "./importers/csv.ts";
import { importLuma } from "./importers/luma.ts";
import { importMappedFile, parseMapping } from "./importers/mapped.ts";
import { importOlist, printOlistSummary } from "./importers/olist.ts";
import { printSummary, progressBar } from "./importers/report.ts";
import { countProducts, listImageFiles } from "./modules/catalog/index.ts";
import { trainRecommendations } from "./modules/recommendations/index.ts";
import { countDocuments, ensureSearchIndex, reindexAll } from "./modules/search/index.ts";
import { bootstrapOwner, createOwnerSetupLink } from "./modules/staff/index.ts";
import { openDatabase } from "./platform/db.ts";

const usage = `Usage: bazaar <command>

Commands:
  start                      migrate, import the Luma demo catalog when the catalog is empty, serve the shop
  worker                     run the background jobs (server/src/jobs.ts) and the outbox dispatcher, apart
                             from the API (PostgreSQL; set WORKER=separate for the API processes)
  migrate                    apply database migrations and exit
  import luma <folder>       import the Magento Luma sample catalog (e.g. ../shared/datasets/luma)
  import csv <file>          import products from a Bazaar product CSV (format: docs/import.md)
  import csv <file> --map sku=<column>,name=<column>,price=<column>[,category=..,brand=..,image=..,...]
                             import any CSV, TSV, JSON array or JSON Lines file through a column mapping
                             (one simple product per row; keys and syntax: docs/import.md); options:
                             --currency <ISO 4217> (default USD), --default-qty <units> (default 0)
  import bestbuy <folder>    import the Best Buy catalog (e.g. ../shared/datasets/bestbuy: products.json)
  import olist <folder>      import the Olist marketplace (e.g. ../shared/datasets/olist): categories, products (BRL),
                             sellers as vendors, and its orders as historical orders (docs/import.md)
  train-recommendations      train the recommendation model from the orders and the catalog now (nightly in start)
  reindex                    rebuild the search index from the catalog
  warm-images                generate every missing responsive image size now

Environment: see README.md (PORT, DATABASE_URL, DATA_DIR, SEED_DEMO, LUMA_PATH, LOG_LEVEL, ...).`;

/** Once per start, before serving: the demo catalog when the catalog is empty, and the Owner account. */
async function prepareShop(config: Config, ctx: ShopContext): Promise<void> {
  if (config.seedDemo && (await countProducts(ctx.db)) === 0) {
    console.log(`Empty catalog: importing the Luma demo store from ${config.lumaPath}`);
    const summary = await importLuma(ctx, config.lumaPath, { progress: true });
    printSummary(summary);
  }
  const indexed = await ensureSearchIndex(ctx.db, await countProducts(ctx.db));
  if (indexed) console.log(`Built the search index: ${indexed} products.`);
  const owner = await bootstrapOwner(config, ctx.auth, ctx.db);
  if (owner === "created") console.log(`Created the Owner account ${config.adminEmail}.`);
  if (owner === "no-owner") {
    const link = await createOwnerSetupLink(config, ctx.auth);
    console.log(`No Owner account yet. Create it with this one-time link (valid 24 hours): ${link}`);
    console.log("(Or set ADMIN_EMAIL and ADMIN_PASSWORD and start again.)");
  }
}

/** Worker number of this process under `WEB_CONCURRENCY` > 1 (1, 2, ...), or 0 when it serves alone. */
const workerId = cluster.isWorker ? Number(process.env.BAZAAR_WORKER_ID ?? 0) : 0;

/**
 * Serves the shop from this process: migrates (idempotent), prepares the shop unless a primary did,
 * listens, and runs the background jobs (outbox dispatcher, the jobs of server/src/jobs.ts) unless
 * WORKER=separate leaves them to `bazaar worker`. Stops gracefully on SIGTERM / SIGINT.
 */
async function start(): Promise<void> {
  const config = loadConfig();
  if (cluster.isPrimary && config.workers > 1) return startWorkers(config);
  const startedAt = Date.now();
  const { app, ctx } = await buildApp(config);
  if (!cluster.isWorker) await prepareShop(config, ctx);
  let shuttingDown = false;
  const warmAbort = new AbortController();
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    app.log.info({ signal }, "shutting down: no new connections, finishing in-flight requests");
    warmAbort.abort();
    const timer = setTimeout(() => {
      app.log.error("graceful shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ port: config.port, host: config.host });
  // Background work runs here unless `bazaar worker` processes run it (WORKER=separate): the outbox
  // dispatcher in every API process, the jobs of server/src/jobs.ts (sweeps, stock sync, training) in
  // one of them (worker #1 under WEB_CONCURRENCY).
  const inline = config.worker === "inline";
  if (inline) ctx.outbox.start();
  if (cluster.isWorker) {
    app.log.info({ worker: workerId }, "worker serving");
    if (workerId !== 1) return;
  }
  if (inline) await ctx.jobs.work();
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  if (!cluster.isWorker)
    console.log(
      `Bazaar is serving the shop on http://localhost:${port} (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
        `${ctx.database.kind === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"}). API docs: /api/docs`,
    );
  // Generate responsive image sizes in the background; requests make any missing size on demand.
  void listImageFiles(ctx.db)
    .then((files) => ctx.images.warm(files, warmAbort.signal))
    .then((n) => app.log.info({ images: n }, "image sizes ready"))
    .catch((error: unknown) => app.log.warn({ err: error }, "image size generation stopped"));
}

/**
 * `bazaar worker`: runs the background jobs and the outbox dispatcher without serving HTTP, until
 * SIGTERM / SIGINT (jobs in hand get SHUTDOWN_TIMEOUT_MS to finish; pg-boss retries the rest). Any
 * number may run against one PostgreSQL database: pg-boss hands each job to one of them.
 */
async function runWorker(): Promise<void> {
  const config = loadConfig(process.env, { serveStorefront: false });
  if (!config.databaseUrl)
    throw new ConfigError(
      "DATABASE_URL",
      "is required by `bazaar worker`: the embedded database belongs to the API process, which runs the jobs itself",
    );
  const { app, ctx } = await buildApp(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "worker stopping: finishing the jobs in hand");
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000);
    timer.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "error while stopping the worker");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  ctx.outbox.start();
  await ctx.jobs.work();
  console.log(
    `Bazaar worker ${process.pid} is running ${ctx.jobs.list().length} jobs (${ctx.jobs
      .list()
      .map((j) => j.name)
      .join(", ")}) and the outbox dispatcher.`,
  );
}

/**
 * `start` with WEB_CONCURRENCY > 1: this (primary) process migrates and prepares the shop once, then
 * forks that many worker processes that share the port (node:cluster hands connections out in turn)
 * and restarts one that dies. SIGTERM / SIGINT stop the workers gracefully, then this process.
 */
async function startWorkers(config: Config): Promise<void> {
  const startedAt = Date.now();
  const { app, ctx } = await buildApp(config);
  try {
    await prepareShop(config, ctx);
  } finally {
    await app.close();
  }
  let shuttingDown = false;
  const fork = (id: number) => {
    const worker = cluster.fork({ BAZAAR_WORKER_ID: String(id) });
    worker.on("exit", (code, signal) => {
      if (shuttingDown) return;
      console.error(`Worker ${id} exited (${signal ?? `code ${code}`}); starting another.`);
      setTimeout(() => fork(id), 1000).unref();
    });
  };
  let listening = 0;
  cluster.on("listening", (_worker, address) => {
    if (++listening !== config.workers) return;
    console.log(
      `Bazaar is serving the shop on http://localhost:${address.port} from ${config.workers} worker processes ` +
        `(ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; PostgreSQL). API docs: /api/docs`,
    );
  });
  for (let id = 1; id <= config.workers; id++) fork(id);
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 2_000);
    timer.unref();
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once("exit", () => {
        if (--left === 0) process.exit(0);
      });
      worker.process.kill(signal);
    }
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/**
 * Arguments of `import <source> <path> [--map ...] [--currency ...] [--default-qty ...]`. The path is
 * resolved against the folder the command was typed in (npm runs workspace scripts in server/).
 * @throws Error for an unknown source or option, a missing path, or mapping options without `--map`.
 */
function parseImportArgs(args: string[]) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      map: { type: "string" },
      currency: { type: "string" },
      "default-qty": { type: "string" },
    },
  });
  const [source, file, ...extra] = positionals;
  if (!source || !["luma", "csv", "bestbuy", "olist"].includes(source))
    throw new Error("import: unknown source");
  if (!file || extra.length) throw new Error("import: give one file or folder");
  const mappingOptions =
    values.map !== undefined || values.currency !== undefined || values["default-qty"] !== undefined;
  if (mappingOptions && (source !== "csv" || values.map === undefined))
    throw new Error("import: --map, --currency and --default-qty go with `import csv <file> --map ...`");
  const qty = values["default-qty"];
  if (qty !== undefined && !/^\d+$/.test(qty))
    throw new Error("import: --default-qty takes a whole number of units");
  return {
    source,
    file: path.resolve(process.env.INIT_CWD || process.cwd(), file),
    mapping: values.map === undefined ? null : parseMapping(values.map),
    currency: values.currency,
    defaultQty: qty === undefined ? undefined : Number(qty),
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "start":
        await start();
        return -1; // keep running
      case "worker":
        await runWorker();
        return -1; // keep running
      case "migrate": {
        const config = loadConfig();
        const database = await openDatabase(config);
        await database.migrate();
        await database.close();
        console.log("Migrations applied.");
        return 0;
      }
      case "import": {
        let parsed: ReturnType<typeof parseImportArgs>;
        try {
          parsed = parseImportArgs(args);
        } catch (error) {
          console.error(`${(error as Error).message}\n\n${usage}`);
          return 2;
        }
        const { source, file, mapping, currency, defaultQty } = parsed;
        const config = loadConfig(process.env, { logLevel: "silent", serveStorefront: false });
        const { app, ctx } = await buildApp(config);
        try {
          if (source === "olist") {
            const olist = await importOlist(ctx, file, { progress: true });
            printOlistSummary(olist);
            return olist.products.failed.length > 0 ? 1 : 0;
          }
          const summary =
            source === "luma"
              ? await importLuma(ctx, file, { progress: true })
              : source === "bestbuy"
                ? await importBestBuy(ctx, file, { progress: true })
                : mapping
                  ? await importMappedFile(ctx, file, mapping, {
                      progress: true,
                      currency,
                      defaultQty,
                    })
                  : await importCsvCatalog(ctx, file, { progress: true });
          printSummary(summary);
          const written = summary.created + summary.updated + summary.unchanged;
          console.log(`${Math.round((written / Math.max(summary.durationMs, 1)) * 1000)} products/s`);
          return summary.failed.length > 0 ? 1 : 0;
        } finally {
          await app.close();
        }
      }
      case "reindex": {
        const config = loadConfig(process.env, { logLevel: "silent", serveStorefront: false });
        const { app, ctx } = await buildApp(config);
        try {
          const startedAt = Date.now();
          const bar = progressBar(true, "Reindex", await countProducts(ctx.db));
          let shown = 0;
          const result = await reindexAll(ctx.db, {
            onProgress: ({ done }) => {
              for (; shown < done; shown++) bar.increment();
            },
          });
          bar.stop();
          console.log(
            `Search index rebuilt in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${result.indexed} products ` +
              `indexed, ${result.removed} removed, ${result.terms} vocabulary terms; ${await countDocuments(ctx.db)} ` +
              "documents in the index.",
          );
          return 0;
        } finally {
          await app.close();
        }
      }
      case "train-recommendations": {
        const config = loadConfig(process.env, { logLevel: "silent", serveStorefront: false });
        const { app, ctx } = await buildApp(config);
        try {
          const bars = new Map<string, ReturnType<typeof progressBar>>();
          const shown = new Map<string, number>();
          const stats = await trainRecommendations(ctx.db, {
            onProgress: ({ stage, done, total }) => {
              let bar = bars.get(stage);
              if (!bar) {
                for (const b of bars.values()) b.stop();
                bar = progressBar(true, stage[0]!.toUpperCase() + stage.slice(1), total);
                bars.set(stage, bar);
              }
              for (let n = shown.get(stage) ?? 0; n < done; n++) bar.increment();
              shown.set(stage, Math.max(done, shown.get(stage) ?? 0));
            },
          });
          for (const b of bars.values()) b.stop();
          console.log(
            `Recommendations trained in ${(stats.durationMs / 1000).toFixed(1)} s from ${stats.purchases} order lines ` +
              `(${stats.orders} orders, ${stats.customers} customers) and ${stats.products} products: ` +
              `${stats.boughtTogetherProducts} products with "bought together" lists, ${stats.similarProducts} with ` +
              `"similar" lists, ${stats.popularScopes} popular lists (overall and per category).`,
          );
          return 0;
        } finally {
          await app.close();
        }
      }
      case "warm-images": {
        const config = loadConfig(process.env, { logLevel: "silent", serveStorefront: false });
        const { app, ctx } = await buildApp(config);
        const files = await listImageFiles(ctx.db);
        const n = await ctx.images.warm(files);
        console.log(`Generated the sizes of ${n} images.`);
        await app.close();
        return 0;
      }
      default:
        console.log(usage);
        return command === undefined || command === "help" || command === "--help" ? 0 : 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78; // EX_CONFIG
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
