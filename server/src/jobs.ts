import { payoutRunDue, runPayouts } from "./flows/payouts/index.ts";
import { sweepReviewRequests } from "./flows/review-requests/index.ts";
import { transferImporters } from "./importers/transfers.ts";
import {
  catalogCacheNamespace,
  publishScheduledProducts,
  refreshSellableFlags,
} from "./modules/catalog/index.ts";
import { type CheckoutContext, sweepExpired } from "./modules/checkout/index.ts";
import { endOverlongSessions } from "./modules/customers/index.ts";
import { lastTrainedAt, trainRecommendations } from "./modules/recommendations/index.ts";
import { pruneIndexChanges, syncStockFlags } from "./modules/search/index.ts";
import { dataTransferJob, runDataTransfer } from "./modules/transfers/index.ts";
import { sweepWishlistAlerts } from "./modules/wishlists/index.ts";
import type { JobDefinition } from "./platform/jobs.ts";

/**
 * Every background and scheduled job of the shop, in one place (DESIGN: jobs "all registered in one
 * place"). Each names its handler (a module's or flow's own function), its retries, backoff and expiry,
 * and its schedule. They run in the API process (`WORKER=inline`, the default; in worker #1 only under
 * WEB_CONCURRENCY) or in `bazaar worker` processes (`WORKER=separate`); see platform/jobs.ts.
 */
export function shopJobs(ctx: CheckoutContext): JobDefinition[] {
  const { config, log } = ctx;
  const minutes = 60;
  const jobs: JobDefinition[] = [
    {
      name: "reservations-expire",
      description:
        "Unpaid orders past their reservation time are settled with their provider or cancelled; old carts expire " +
        "(every RESERVATION_SWEEP_MINUTES).",
      handler: async () => {
        const result = await sweepExpired(ctx);
        if (result.cancelled || result.settled) log.info(result, "expired reservations swept");
        return result;
      },
      retryLimit: 3,
      retryDelaySeconds: 30,
      retryBackoff: true,
      expireInSeconds: 15 * minutes,
      schedule: { everySeconds: config.reservationSweepMinutes * minutes },
    },
    {
      name: "payouts-scheduled",
      description:
        "Pays vendors their available balances when a payout run is due (every payoutIntervalDays of the " +
        "marketplace settings), or resumes a run a stopped process left (checked every hour).",
      handler: async () => {
        if (!(await payoutRunDue(ctx.db))) return { due: false };
        const summary = await runPayouts(ctx, "schedule", new Date(), log);
        log.info(summary, "payout run");
        return summary;
      },
      retryLimit: 3,
      retryDelaySeconds: 300,
      retryBackoff: true,
      expireInSeconds: 30 * minutes,
      schedule: { everySeconds: 60 * minutes },
    },
    {
      name: "review-requests",
      description:
        "Orders received REVIEW_REQUEST_DAYS ago get one e-mail inviting a review (every 30 minutes).",
      handler: async () => {
        const result = await sweepReviewRequests(ctx);
        if (result.sent || result.skipped || result.photosRemoved) log.info(result, "review requests swept");
        return result;
      },
      retryLimit: 3,
      retryDelaySeconds: 60,
      retryBackoff: true,
      expireInSeconds: 30 * minutes,
      schedule: { everySeconds: 30 * minutes },
    },
    {
      name: "wishlist-alerts",
      description:
        "Wished products that got cheaper or came back in stock become notification events (every 15 minutes).",
      handler: async () => {
        const result = await sweepWishlistAlerts(ctx.db);
        if (result.priceDrops || result.backInStock) log.info(result, "wishlist alerts swept");
        return result;
      },
      retryLimit: 3,
      retryDelaySeconds: 60,
      retryBackoff: true,
      expireInSeconds: 15 * minutes,
      schedule: { everySeconds: 15 * minutes },
    },
    {
      name: "sessions-end-overlong",
      description: "Sessions past their absolute lifetime (SESSION_MAX_DAYS) are ended (every 5 minutes).",
      handler: async () => ({ ended: await endOverlongSessions(ctx.auth, ctx.db, config.sessionMaxDays) }),
      retryLimit: 2,
      retryDelaySeconds: 30,
      retryBackoff: true,
      expireInSeconds: 5 * minutes,
      schedule: { everySeconds: 5 * minutes },
    },
    stockSyncJob(ctx),
    {
      name: "catalog-publish-scheduled",
      description: "Drafts whose publish time has come go on sale (every minute).",
      handler: async () => {
        const published = await publishScheduledProducts(ctx.db);
        if (published) {
          ctx.cache.invalidate(catalogCacheNamespace);
          log.info({ published }, "scheduled products published");
        }
        return { published };
      },
      retryLimit: 3,
      retryDelaySeconds: 30,
      retryBackoff: true,
      expireInSeconds: 5 * minutes,
      schedule: { everySeconds: 60 },
    },
    {
      name: "catalog-sellable-flags",
      description:
        "Products whose stock flipped between sellable and sold out get their flag for the staff list's stock filter (every minute; a filtered read catches up first anyway).",
      handler: async () => ({ changed: await refreshSellableFlags(ctx.db) }),
      retryLimit: 1,
      retryDelaySeconds: 10,
      retryBackoff: false,
      expireInSeconds: 5 * minutes,
      schedule: { everySeconds: 60 },
    },
    {
      name: "recommendations-train",
      description:
        "Retrains recommendations from the orders when the last training is RECOMMENDATIONS_TRAIN_HOURS old or " +
        "missing (checked every hour; 0: never here, a scheduler runs `train-recommendations`).",
      handler: async () => {
        const last = await lastTrainedAt(ctx.db);
        if (last && Date.now() - last.getTime() < config.recommendationsTrainHours * 3_600_000)
          return { trained: false };
        const stats = await trainRecommendations(ctx.db);
        log.info(stats, "recommendations trained");
        return { trained: true, ...stats };
      },
      retryLimit: 2,
      retryDelaySeconds: 5 * minutes,
      retryBackoff: true,
      expireInSeconds: 4 * 60 * minutes,
      ...(config.recommendationsTrainHours > 0 ? { schedule: { everySeconds: 60 * minutes } } : {}),
    },
    {
      name: dataTransferJob,
      description:
        "Runs an import or export staff started from the admin (data: transferId): progress, error report and " +
        "summary are kept on the transfer; a retry runs it again from the start (imports are idempotent).",
      handler: async (data) =>
        runDataTransfer(ctx, String((data as { transferId?: unknown }).transferId), transferImporters),
      retryLimit: 2,
      retryDelaySeconds: 30,
      retryBackoff: true,
      // Long enough for a 50 MB upload (about 500,000 rows at 2,500 a second): an attempt that outlives
      // its expiry is retried while it may still run.
      expireInSeconds: 3 * 60 * minutes,
    },
    {
      name: "jobs-probe",
      description:
        "Does nothing for `ms` milliseconds (at most a minute) and answers which process ran it: proves that a " +
        "worker runs jobs (operators, tests).",
      handler: async (data) => {
        const ms = Math.min(60_000, Math.max(0, Number((data as { ms?: unknown }).ms) || 0));
        const startedAt = new Date().toISOString();
        await new Promise((resolve) => setTimeout(resolve, ms));
        return { pid: process.pid, startedAt };
      },
      retryLimit: 3,
      retryDelaySeconds: 1,
      retryBackoff: false,
      expireInSeconds: 2 * minutes,
    },
  ];
  return jobs;
}

/**
 * The search index's in-stock flags follow stock changes (orders, restocks) every 30 s. The first run
 * in a process looks 10 minutes back (changes made while no worker ran are picked up); later runs
 * continue from the previous one's database time. Setting a flag again is harmless.
 */
function stockSyncJob(ctx: CheckoutContext): JobDefinition {
  let since: string | null = null;
  return {
    name: "search-stock-sync",
    description: "The search index's in-stock flags follow stock changes (every 30 s).",
    handler: async () => {
      const from = since ?? new Date(Date.now() - 10 * 60_000).toISOString();
      const result = await syncStockFlags(ctx.db, from);
      since = result.until;
      await pruneIndexChanges(ctx.db);
      return { changed: result.changed };
    },
    retryLimit: 1,
    retryDelaySeconds: 5,
    retryBackoff: false,
    expireInSeconds: 5 * 60,
    schedule: { everySeconds: 30 },
  };
}
