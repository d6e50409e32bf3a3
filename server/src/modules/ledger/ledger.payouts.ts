import { and, desc, eq, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { AppError, NotFoundError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { ledgerEntries, payoutRuns, payouts } from "./ledger.schema.ts";
import { platformCash, post, vendorAccount } from "./ledger.service.ts";

export type PayoutRow = typeof payouts.$inferSelect;
export type PayoutRunRow = typeof payoutRuns.$inferSelect;

/**
 * The running payout run, or a new one. A run left `running` by a process that died is returned (and
 * resumed by the caller): two runs never exist at once (a partial unique index), so two processes
 * starting a run at the same moment share it.
 */
export async function startOrResumeRun(
  db: Db,
  startedBy: string,
  now = new Date(),
): Promise<{ run: PayoutRunRow; resumed: boolean }> {
  const [created] = await db
    .insert(payoutRuns)
    .values({ id: newId("prun"), status: "running", startedBy, startedAt: now })
    .onConflictDoNothing()
    .returning();
  if (created) return { run: created, resumed: false };
  const [running] = await db.select().from(payoutRuns).where(eq(payoutRuns.status, "running"));
  if (!running) throw new AppError(409, "PAYOUT_RUN_BUSY", "A payout run is being started; try again.");
  return { run: running, resumed: true };
}

/** Marks a run completed. */
export async function completeRun(db: Db, runId: string, now = new Date()): Promise<void> {
  await db
    .update(payoutRuns)
    .set({ status: "completed", finishedAt: now })
    .where(and(eq(payoutRuns.id, runId), eq(payoutRuns.status, "running")));
}

/** The last completed run, or null. */
export async function lastCompletedRun(db: Db): Promise<PayoutRunRow | null> {
  const [row] = await db
    .select()
    .from(payoutRuns)
    .where(eq(payoutRuns.status, "completed"))
    .orderBy(desc(payoutRuns.finishedAt))
    .limit(1);
  return row ?? null;
}

/**
 * Creates a vendor's payout of a run for its whole available balance in `currency`, in the caller's
 * transaction, and takes it off the balance in the ledger (vendor debited, platform cash credited) in
 * the same transaction, the vendor's balance locked meanwhile (an advisory lock per vendor), so a
 * payout never exceeds the available balance and a vendor is never paid twice by one run.
 * @returns the payout, or null when nothing is available (or the run already has one for the vendor)
 */
export async function createPayout(
  tx: Db,
  input: { runId: string; vendorId: string; currency: string; method: string; minimum: number },
  now = new Date(),
): Promise<PayoutRow | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`payout:${input.vendorId}`}))`);
  const [row] = await queryRows<{ available: string | null }>(
    tx,
    sql`select -sum(amount) as available from ${ledgerEntries}
      where vendor_id = ${input.vendorId} and currency = ${input.currency} and available_at <= ${now}`,
  );
  const available = Number(row?.available ?? 0);
  if (available <= 0 || available < input.minimum) return null;
  const [payout] = await tx
    .insert(payouts)
    .values({
      id: newId("po"),
      runId: input.runId,
      vendorId: input.vendorId,
      amount: available,
      currency: input.currency,
      method: input.method,
      status: "pending",
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!payout) return null;
  await post(tx, {
    kind: "payout",
    currency: input.currency,
    payoutId: payout.id,
    memo: `Payout ${payout.id}`,
    lines: [
      { account: vendorAccount(input.vendorId), amount: available },
      { account: platformCash, amount: -available },
    ],
    now,
  });
  return payout;
}

/** A run's payouts still to send (`pending`), of a method. */
export async function pendingPayouts(db: Db, runId: string, method?: string): Promise<PayoutRow[]> {
  return db
    .select()
    .from(payouts)
    .where(
      and(
        eq(payouts.runId, runId),
        eq(payouts.status, "pending"),
        method ? eq(payouts.method, method) : undefined,
      ),
    )
    .orderBy(payouts.id);
}

/**
 * Marks a pending payout paid (the Stripe transfer id, or the bank transfer's reference). Conditional:
 * a payout already settled is left alone. @returns whether it changed
 */
export async function markPayoutPaid(
  db: Db,
  payoutId: string,
  reference: string,
  now = new Date(),
): Promise<boolean> {
  const rows = await db
    .update(payouts)
    .set({ status: "paid", reference, paidAt: now })
    .where(and(eq(payouts.id, payoutId), eq(payouts.status, "pending")))
    .returning({ id: payouts.id });
  return rows.length > 0;
}

/**
 * A payout that did not reach the vendor (the provider refused it, or Stripe reversed the transfer):
 * `pending` or `paid` -> `failed` / `reversed`, and the amount goes back to the vendor's balance (a
 * `payout_reversal` posting), in the caller's transaction, once: a second report changes nothing.
 * @returns whether it changed
 */
export async function reversePayout(
  tx: Db,
  payoutId: string,
  outcome: { status: "failed" | "reversed"; message: string },
  now = new Date(),
): Promise<boolean> {
  const [payout] = await tx
    .update(payouts)
    .set({ status: outcome.status, failureMessage: outcome.message })
    .where(
      and(
        eq(payouts.id, payoutId),
        outcome.status === "failed" ? eq(payouts.status, "pending") : eq(payouts.status, "paid"),
      ),
    )
    .returning();
  if (!payout) return false;
  await post(tx, {
    kind: "payout_reversal",
    currency: payout.currency,
    payoutId: payout.id,
    memo: `Payout ${payout.id} ${outcome.status}: ${outcome.message}`,
    lines: [
      { account: platformCash, amount: payout.amount },
      { account: vendorAccount(payout.vendorId), amount: -payout.amount },
    ],
    now,
  });
  return true;
}

/** A payout by its provider reference (a Stripe transfer id), or null. */
export async function payoutByReference(db: Db, reference: string): Promise<PayoutRow | null> {
  const [row] = await db.select().from(payouts).where(eq(payouts.reference, reference));
  return row ?? null;
}

/** A payout by id. @throws NotFoundError (PAYOUT_NOT_FOUND) */
export async function getPayout(db: Db, payoutId: string): Promise<PayoutRow> {
  const [row] = await db.select().from(payouts).where(eq(payouts.id, payoutId));
  if (!row) throw new NotFoundError("PAYOUT_NOT_FOUND", "No such payout");
  return row;
}

/** Payouts, newest first, of a vendor or a run or in a status (at most 200). */
export async function listPayouts(
  db: Db,
  filter: { vendorId?: string; runId?: string; status?: string } = {},
): Promise<PayoutRow[]> {
  const where = [];
  if (filter.vendorId) where.push(eq(payouts.vendorId, filter.vendorId));
  if (filter.runId) where.push(eq(payouts.runId, filter.runId));
  if (filter.status) where.push(eq(payouts.status, filter.status));
  return db
    .select()
    .from(payouts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(payouts.createdAt), desc(payouts.id))
    .limit(200);
}
