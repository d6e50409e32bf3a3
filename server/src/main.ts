#!/usr/bin/env -S npx tsx
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { bootstrapOwner, createOwnerSetupLink } from "./flows/bootstrap-owner.ts";
import { startExpirySweeper } from "./flows/order-expiry.ts";
import { importCsvCatalog } from "./importers/csv.ts";
import { importLuma } from "./importers/luma.ts";
import { printSummary } from "./importers/report.ts";
import { countProducts, listImageFiles } from "./modules/catalog/index.ts";
import { endOverlongSessions } from "./modules/customers/index.ts";
import { openDatabase } from "./platform/db.ts";

const usage = `Usage: bazaar <command>

Commands:
  start                      migrate, import the Luma demo catalog when the catalog is empty, serve the shop
  migrate                    apply database migrations and exit
  import luma <folder>       import the Magento Luma sample catalog (e.g. ../shared/datasets/luma)
  import csv <file>          import products from a Bazaar product CSV (format: docs/import.md)
  warm-images                generate every missing responsive image size now

Environment: see README.md (PORT, DATABASE_URL, DATA_DIR, SEED_DEMO, LUMA_PATH, LOG_LEVEL, ...).`;

async function start(): Promise<void> {
  const config = loadConfig();
  const startedAt = Date.now();
  const { app, ctx } = await buildApp(config);
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
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
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
