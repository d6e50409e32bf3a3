import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { ledgerEntries, ledgerSettings } from "./ledger.schema.ts";

/** The platform's accounts; a vendor's is `vendorAccount(id)`. */
export const platformCash = "platform:cash";
export const platformCommission = "platform:commission";
export const platformSales = "platform:sales";

/** The ledger account of what the platform owes a vendor. */
export function vendorAccount(vendorId: string): string {
  return `vendor:${vendorId}`;
}

/** What a posting records. */
export type LedgerKind = "sale" | "refund" | "chargeback" | "payout" | "payout_reversal" | "adjustment";

/** One entry of a posting: debit positive, credit negative, minor units. */
export interface LedgerLine {
  account: string;
  amount: number;
  /** For vendor accounts: when the credit may be paid out (default: now). */
  availableAt?: Date;
}

/**
 * Writes one posting (entries summing to zero) in the caller's transaction. Zero lines are left out;
 * a posting of nothing writes nothing. @returns the posting id, or null when nothing was written.
 * @throws Error when the entries do not balance (a programming error, never the caller's input)
 */
export async function post(
  tx: Db,
  posting: {
    kind: LedgerKind;
    currency: string;
    orderId?: string | null;
    payoutId?: string | null;
    memo?: string;
    lines: LedgerLine[];
    now?: Date;
  },
): Promise<string | null> {
  const lines = posting.lines.filter((l) => l.amount !== 0);
  if (!lines.length) return null;
  const sum = lines.reduce((s, l) => s + l.amount, 0);
  if (sum !== 0 || lines.some((l) => !Number.isSafeInteger(l.amount)))
    throw new Error(`unbalanced ledger posting (${posting.kind}): ${JSON.stringify(lines)}`);
  const txn = newId("ltx");
  const now = posting.now ?? new Date();
  await tx.insert(ledgerEntries).values(
    lines.map((l) => ({
      id: newId("led"),
      txn,
      account: l.account,
      vendorId: l.account.startsWith("vendor:") ? l.account.slice(7) : null,
      kind: posting.kind,
      amount: l.amount,
      currency: posting.currency,
      orderId: posting.orderId ?? null,
      payoutId: posting.payoutId ?? null,
      availableAt: l.availableAt ?? now,
      memo: posting.memo ?? "",
      // The real time of writing (statements are in this order); `now` may be a chosen clock.
      createdAt: new Date(),
    })),
  );
  return txn;
}

/** The sums an order's postings left on each account, by kind: key `<account>|<kind>`. */
export async function orderLedgerSums(db: Db, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({
      account: ledgerEntries.account,
      kind: ledgerEntries.kind,
      amount: sql<string>`sum(${ledgerEntries.amount})`,
    })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.orderId, orderId))
    .groupBy(ledgerEntries.account, ledgerEntries.kind);
  return new Map(rows.map((r) => [`${r.account}|${r.kind}`, Number(r.amount)]));
}

/** A vendor's money in one currency, minor units: what it is owed, and what of it may be paid out now. */
export interface VendorBalance {
  currency: string;
  /** Owed to the vendor (negative: the vendor owes the platform, e.g. a refund after a payout). */
  balance: number;
  /** Owed and past the hold period: what the next payout run pays. */
  available: number;
  /** Still held (balance - available). */
  held: number;
}

/** A vendor's balances, one per currency it has entries in. */
export async function vendorBalances(db: Db, vendorId: string, now = new Date()): Promise<VendorBalance[]> {
  const rows = await queryRows<{ currency: string; balance: string; available: string }>(
    db,
    sql`select currency, -sum(amount) as balance,
        -coalesce(sum(amount) filter (where available_at <= ${now}), 0) as available
      from ${ledgerEntries} where vendor_id = ${vendorId} group by currency order by currency`,
  );
  return rows.map((r) => ({
    currency: r.currency,
    balance: Number(r.balance),
    available: Number(r.available),
    held: Number(r.balance) - Number(r.available),
  }));
}

/** Vendors with a positive available balance of at least `minimum` (minor units), per currency. */
export async function payableVendors(
  db: Db,
  minimum: number,
  now = new Date(),
): Promise<{ vendorId: string; currency: string; available: number }[]> {
  const rows = await queryRows<{ vendor_id: string; currency: string; available: string }>(
    db,
    sql`select vendor_id, currency, -sum(amount) as available from ${ledgerEntries}
      where vendor_id is not null and available_at <= ${now}
      group by vendor_id, currency having -sum(amount) > 0 and -sum(amount) >= ${minimum}
      order by vendor_id, currency`,
  );
  return rows.map((r) => ({ vendorId: r.vendor_id, currency: r.currency, available: Number(r.available) }));
}

/** Every account's balance per currency (debit positive), for reports and the ledger's invariants. */
export async function accountBalances(
  db: Db,
): Promise<{ account: string; currency: string; amount: number }[]> {
  const rows = await queryRows<{ account: string; currency: string; amount: string }>(
    db,
    sql`select account, currency, sum(amount) as amount from ${ledgerEntries}
      group by account, currency order by account, currency`,
  );
  return rows.map((r) => ({ account: r.account, currency: r.currency, amount: Number(r.amount) }));
}

/** One line of a vendor's statement. Amounts in minor units: positive = owed to the vendor. */
export interface StatementLine {
  at: string;
  kind: string;
  orderId: string | null;
  payoutId: string | null;
  memo: string;
  /** Credit to the vendor (a sale) positive; refunds, chargebacks and payouts negative. */
  amount: number;
  /** The balance after this line. */
  balance: number;
  availableAt: string;
}

/**
 * A vendor's statement in one currency between two UTC times (inclusive; default: all): the opening
 * balance, every entry with the running balance, and the closing balance.
 */
export async function vendorStatement(
  db: Db,
  vendorId: string,
  query: { currency: string; from?: Date; to?: Date },
): Promise<{ currency: string; opening: number; lines: StatementLine[]; closing: number }> {
  const [opening] = query.from
    ? await queryRows<{ amount: string | null }>(
        db,
        sql`select -sum(amount) as amount from ${ledgerEntries}
          where vendor_id = ${vendorId} and currency = ${query.currency} and created_at < ${query.from}`,
      )
    : [{ amount: "0" }];
  const where = [eq(ledgerEntries.vendorId, vendorId), eq(ledgerEntries.currency, query.currency)];
  if (query.from) where.push(gte(ledgerEntries.createdAt, query.from));
  if (query.to) where.push(lte(ledgerEntries.createdAt, query.to));
  const rows = await db
    .select()
    .from(ledgerEntries)
    .where(and(...where))
    .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
  let balance = Number(opening?.amount ?? 0);
  const open = balance;
  const lines = rows.map((r) => {
    balance += -r.amount;
    return {
      at: r.createdAt.toISOString(),
      kind: r.kind,
      orderId: r.orderId,
      payoutId: r.payoutId,
      memo: r.memo,
      amount: -r.amount,
      balance,
      availableAt: r.availableAt.toISOString(),
    };
  });
  return { currency: query.currency, opening: open, lines, closing: balance };
}

/** The marketplace money settings. */
export interface LedgerSettings {
  /** Days a sale is held before it may be paid out (the return window). */
  holdDays: number;
  /** Days between scheduled payout runs. */
  payoutIntervalDays: number;
  /** Minimum payout, minor units of the payout currency. */
  minimumPayout: number;
}

/** The settings (defaults until staff change them: 14 days' hold, weekly payouts, no minimum). */
export async function getLedgerSettings(db: Db): Promise<LedgerSettings> {
  const [row] = await db.select().from(ledgerSettings).where(eq(ledgerSettings.id, 1));
  return {
    holdDays: row?.holdDays ?? 14,
    payoutIntervalDays: row?.payoutIntervalDays ?? 7,
    minimumPayout: row?.minimumPayout ?? 0,
  };
}

/**
 * Changes the settings. @throws ValidationError naming `holdDays` (0-365), `payoutIntervalDays` (1-90)
 * or `minimumPayout` (non-negative)
 */
export async function setLedgerSettings(db: Db, patch: Partial<LedgerSettings>): Promise<LedgerSettings> {
  const errors = [];
  if (
    patch.holdDays !== undefined &&
    !(Number.isInteger(patch.holdDays) && patch.holdDays >= 0 && patch.holdDays <= 365)
  )
    errors.push({ field: "holdDays", message: "whole days from 0 to 365" });
  if (
    patch.payoutIntervalDays !== undefined &&
    !(
      Number.isInteger(patch.payoutIntervalDays) &&
      patch.payoutIntervalDays >= 1 &&
      patch.payoutIntervalDays <= 90
    )
  )
    errors.push({ field: "payoutIntervalDays", message: "whole days from 1 to 90" });
  if (
    patch.minimumPayout !== undefined &&
    !(Number.isSafeInteger(patch.minimumPayout) && patch.minimumPayout >= 0)
  )
    errors.push({ field: "minimumPayout", message: "a non-negative amount in minor units" });
  if (errors.length) throw new ValidationError(errors);
  const next = { ...(await getLedgerSettings(db)), ...patch };
  await db
    .insert(ledgerSettings)
    .values({ id: 1, ...next })
    .onConflictDoUpdate({ target: ledgerSettings.id, set: { ...next, updatedAt: new Date() } });
  return next;
}
