import type { FastifyBaseLogger } from "fastify";
import {
  completeRun,
  createPayout,
  getLedgerSettings,
  lastCompletedRun,
  markPayoutPaid,
  payableVendors,
  pendingPayouts,
  reversePayout,
  startOrResumeRun,
} from "../../modules/ledger/index.ts";
import { canTransfer, type PaymentsContext, ProviderError } from "../../modules/payments/index.ts";
import { payoutDetailsOf } from "../../modules/vendors/index.ts";
import type { Db } from "../../platform/db.ts";

/** What a payout run did. Amounts are minor units, per currency. */
export interface PayoutRunSummary {
  runId: string;
  /** Whether the run resumed one a stopped process left running. */
  resumed: boolean;
  /** Payouts created by this pass. */
  created: number;
  /** Stripe transfers sent (or found sent: a resumed run's earlier transfers answer with their id). */
  transferred: number;
  /** Bank transfers waiting for staff to send them and mark them paid. */
  awaitingBankTransfer: number;
  failed: number;
  /** Vendors owed money who cannot be paid yet, and why. */
  skipped: { vendorId: string; reason: string }[];
  /** Left pending for the next pass (the provider did not answer). */
  retryLater: number;
  paid: Record<string, number>;
  completed: boolean;
}

/**
 * Pays every vendor its available balance (past the hold period, at least the minimum payout):
 * 1. the running run is resumed, or a run started (one at a time);
 * 2. per vendor and currency, in its own transaction: a payout for the whole available balance, taken
 *    off the balance in the ledger at once (so nothing can pay it twice);
 * 3. the run's pending Stripe Connect payouts are sent as transfers whose idempotency key is the
 *    payout id: a run resumed after a crash (even between Stripe's answer and our write) asks for the
 *    same transfer again and Stripe answers the first one, so nobody is paid twice. A refusal fails the
 *    payout and gives the amount back to the balance; no answer leaves it pending for the next pass.
 *    Bank transfer payouts wait for staff to send the money and mark them paid.
 * Vendors whose Stripe account cannot receive payouts yet (onboarding not finished) or who chose no
 * method are skipped and named. The run completes when nothing is left to send.
 */
export async function runPayouts(
  ctx: PaymentsContext,
  startedBy: string,
  now = new Date(),
  log?: FastifyBaseLogger,
): Promise<PayoutRunSummary> {
  const db = ctx.db;
  const { run, resumed } = await startOrResumeRun(db, startedBy, now);
  const summary: PayoutRunSummary = {
    runId: run.id,
    resumed,
    created: 0,
    transferred: 0,
    awaitingBankTransfer: 0,
    failed: 0,
    skipped: [],
    retryLater: 0,
    paid: {},
    completed: false,
  };
  const { minimumPayout } = await getLedgerSettings(db);
  const due = await payableVendors(db, Math.max(minimumPayout, 1), now);
  const details = await payoutDetailsOf(
    db,
    due.map((d) => d.vendorId),
  );
  for (const d of due) {
    const vendor = details.get(d.vendorId);
    const method = vendor?.payoutMethod ?? null;
    if (!vendor || !method) {
      summary.skipped.push({ vendorId: d.vendorId, reason: "no payout method" });
      continue;
    }
    if (method === "stripe_connect" && (!vendor.stripeAccountId || !vendor.stripePayoutsEnabled)) {
      summary.skipped.push({ vendorId: d.vendorId, reason: "Stripe payout onboarding not finished" });
      continue;
    }
    const payout = await db.transaction((tx: Db) =>
      createPayout(
        tx,
        { runId: run.id, vendorId: d.vendorId, currency: d.currency, method, minimum: minimumPayout },
        now,
      ),
    );
    if (payout) summary.created++;
  }

  const toSend = await pendingPayouts(db, run.id, "stripe_connect");
  if (toSend.length) {
    const provider = ctx.payments.has("stripe") ? await ctx.payments.provider(db, "stripe") : null;
    const accounts = await payoutDetailsOf(
      db,
      toSend.map((p) => p.vendorId),
    );
    for (const payout of toSend) {
      const destination = accounts.get(payout.vendorId)?.stripeAccountId;
      if (!provider || !canTransfer(provider) || !destination) {
        summary.retryLater++;
        continue;
      }
      try {
        const transfer = await provider.createTransfer(
          {
            amount: payout.amount,
            currency: payout.currency,
            destination,
            description: `Payout ${payout.id}`,
            metadata: { payoutId: payout.id, vendorId: payout.vendorId, runId: run.id },
          },
          payout.id,
        );
        if (await markPayoutPaid(db, payout.id, transfer.id, now)) {
          summary.transferred++;
          summary.paid[payout.currency] = (summary.paid[payout.currency] ?? 0) + payout.amount;
        }
      } catch (error) {
        if (error instanceof ProviderError && !error.retryable) {
          await db.transaction((tx: Db) =>
            reversePayout(
              tx,
              payout.id,
              { status: "failed", message: `${error.code}: ${error.message}` },
              now,
            ),
          );
          summary.failed++;
        } else {
          log?.warn({ err: error, payoutId: payout.id }, "payout transfer not answered; retried next pass");
          summary.retryLater++;
        }
      }
    }
  }
  summary.awaitingBankTransfer = (await pendingPayouts(db, run.id, "bank_transfer")).length;
  if (summary.retryLater === 0) {
    await completeRun(db, run.id, now);
    summary.completed = true;
  }
  return summary;
}

/**
 * Whether a scheduled payout run is due: a run is still running (resume it), or the last one finished
 * at least `payoutIntervalDays` ago (or never ran).
 */
export async function payoutRunDue(db: Db, now = new Date()): Promise<boolean> {
  const { payoutIntervalDays } = await getLedgerSettings(db);
  const last = await lastCompletedRun(db);
  if (!last?.finishedAt) return true;
  return now.getTime() - last.finishedAt.getTime() >= payoutIntervalDays * 86_400_000;
}
