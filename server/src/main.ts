#!/usr/bin/env -S npx tsx
import cluster from "node:cluster";
import { buildApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { bootstrapOwner, createOwnerSetupLink } from "./flows/bootstrap-owner.ts";
import { startExpirySweeper } from "./flows/order-expiry.ts";
import { importCsvCatalog } from "./importers/csv.ts";
import { importLuma } from "./importers/luma.ts";
import { printSummary } from "./importers/report.ts";
import { countProducts, listImageFiles } from "./modules/catalog/index.ts";
import { endOverlongSessions } from "./modules/customers/index.ts";
import type { AppContext } from "./platform/context.ts";
import { openDatabase } from "./platform/db.ts";

const usage = `Usage: bazaar <command>

Commands:
  start                      migrate, import the Luma demo catalog when the catalog is empty, serve the shop
  migrate                    apply database migrations and exit
  import luma <folder>       import the Magento Luma sample catalog (e.g. ../shared/datasets/luma)
  import csv <file>          import products from a Bazaar product CSV (format: docs/import.md)
  warm-images                generate every missing responsive image size now

Environment: see README.md (PORT, DATABASE_URL, DATA_DIR, SEED_DEMO, LUMA_PATH, LOG_LEVEL, ...).`;

/** Once per start, before serving: the demo catalog when the catalog is empty, and the Owner account. */
async function prepareShop(config: Config, ctx: AppContext): Promise<void> {
  if (config.seedDemo && (await countProducts(ctx.db)) === 0) {
    console.log(`Empty catalog: importing the Luma demo store from ${config.lumaPath}`);
    const summary = await importLuma(ctx, config.lumaPath, { progress: true });
    printSummary(summary);
  }
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
 * listens, and runs the background jobs (outbox dispatcher, reservation expiry, session sweep; all
 * safe to run in several processes at once). Stops gracefully on SIGTERM / SIGINT.
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
  ctx.outbox.start();
  // Unpaid orders past their reservation time are settled with their provider or cancelled; old carts expire.
  startExpirySweeper(ctx, config.reservationSweepMinutes);
  // Sessions past their absolute lifetime are ended every few minutes.
  const sweep = setInterval(() => {
    void endOverlongSessions(ctx.auth, ctx.db, config.sessionMaxDays).catch((error: unknown) =>
      app.log.warn({ err: error }, "session sweep failed"),
    );
  }, 5 * 60_000);
  sweep.unref();
  if (cluster.isWorker) {
    app.log.info({ worker: workerId }, "worker serving");
    if (workerId !== 1) return;
  }
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

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case "start":
        await start();
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
        const [source, file] = args;
        if (!source || !file || !["luma", "csv"].includes(source)) {
          console.error(usage);
          return 2;
        }
        const config = loadConfig(process.env, { logLevel: "silent", serveStorefront: false });
        const { app, ctx } = await buildApp(config);
        try {
          const summary =
            source === "luma"
              ? await importLuma(ctx, file, { progress: true })
              : await importCsvCatalog(ctx, file, { progress: true });
          printSummary(summary);
          return summary.failed.length > 0 ? 1 : 0;
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
