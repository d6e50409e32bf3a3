import { and, eq } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import {
  getLedgerSettings,
  type LedgerKind,
  type LedgerLine,
  orderLedgerSums,
  platformCash,
  platformCommission,
  platformSales,
  post,
  vendorAccount,
} from "../ledger/index.ts";
import { disputesOfOrder, refundsOfOrder } from "../payments/index.ts";
import { orderLineItems, orders, vendorOrders } from "./orders.schema.ts";
import { allocateLargestRemainder, vendorOrdersOf } from "./orders.vendors.ts";

/** Dispute statuses in which the disputed money is not withdrawn (won back, or an inquiry). */
const disputeKeepsMoney = (status: string) => status === "won" || status.startsWith("warning_");

/** A share of a marketplace order's money: a vendor's payable, its commission, or the shop's part. */
interface Bucket {
  account: string;
  /** The vendor whose sale it is (payable and commission buckets), or null for the shop's part. */
  owner: string | null;
  weight: number;
}

/**
 * Takes `amount` out of buckets in proportion to `weights` (largest remainder), never more than a
 * bucket has left: what one cannot take goes to the others, in proportion to what they have left.
 * Mutates `left`; returns what each bucket gave.
 */
function take(left: number[], amount: number, weights: number[]): number[] {
  const taken = left.map(() => 0);
  let due = amount;
  let w = weights.map((x, i) => (left[i]! > 0 ? Math.max(0, x) : 0));
  for (let round = 0; due > 0 && round < 10; round++) {
    if (!w.some((x) => x > 0)) w = left.map((x) => Math.max(0, x));
    if (!w.some((x) => x > 0)) break;
    const parts = allocateLargestRemainder(due, w);
    parts.forEach((p, i) => {
      const t = Math.min(p, left[i]!);
      taken[i]! += t;
      left[i]! -= t;
      due -= t;
    });
    w = left.map((x) => Math.max(0, x));
  }
  return taken;
}

/**
 * Brings a marketplace order's postings in the ledger in line with its money, in the caller's
 * transaction (the one that captured, refunded or recorded a dispute), the order row locked:
 * - sale: the captured amount (`paidTotal + refundedTotal`) shared between each vendor's payable, the
 *   platform's commission on it and the shop's own part, in proportion to the vendor orders' figures
 *   (largest remainder, to the minor unit); vendors' credits are held `holdDays` (the return window);
 * - refund: each succeeded refund taken back from whom it concerns: a per-item refund from the vendors
 *   (or the shop) whose lines it refunds, by the lines' value; an amount-only refund from everyone in
 *   proportion; within a vendor, payable and commission in proportion (so commission is reversed
 *   proportionally);
 * - chargeback: disputed amounts withdrawn by the card network (every dispute not won; inquiries
 *   excluded) taken from everyone in proportion, like an amount-only refund.
 * Only the difference with what is already posted is written, so calling it again changes nothing
 * (idempotent), and a refund or dispute delivered twice is posted once. Does nothing for an order
 * without vendors.
 */
export async function syncOrderLedger(tx: Db, orderId: string, now = new Date()): Promise<void> {
  const parts = await vendorOrdersOf(tx, orderId);
  if (!parts.length) return;
  const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  if (!order) return;
  const captured = order.paidTotal + order.refundedTotal;
  const buckets: Bucket[] = [];
  for (const v of parts) {
    buckets.push({ account: vendorAccount(v.vendorId), owner: v.vendorId, weight: v.payableTotal });
    buckets.push({ account: platformCommission, owner: v.vendorId, weight: v.commissionTotal });
  }
  const shopPart = Math.max(0, order.total - parts.reduce((s, v) => s + v.total, 0));
  buckets.push({ account: platformSales, owner: null, weight: shopPart });

  const gross =
    captured > 0
      ? allocateLargestRemainder(
          captured,
          buckets.map((b) => b.weight),
        )
      : buckets.map(() => 0);
  const left = [...gross];
  const refundTaken = buckets.map(() => 0);
  const [refunds, disputes, lines] = await Promise.all([
    refundsOfOrder(tx, orderId),
    disputesOfOrder(tx, orderId),
    tx.select().from(orderLineItems).where(eq(orderLineItems.orderId, orderId)),
  ]);
  for (const r of refunds.filter((x) => x.status === "succeeded")) {
    let weights = left.map((x) => x);
    if (r.lines.length) {
      // The refunded lines' value per owner, then each owner's buckets in proportion to their figures.
      const value = new Map<string | null, number>();
      for (const rl of r.lines) {
        const line = lines.find((l) => l.id === rl.lineId);
        if (!line || line.quantity === 0) continue;
        const owner = line.vendorId;
        value.set(owner, (value.get(owner) ?? 0) + Math.round((line.total * rl.quantity) / line.quantity));
      }
      weights = buckets.map((b) => {
        const ownerValue = value.get(b.owner) ?? 0;
        if (!ownerValue) return 0;
        const same = buckets.filter((x) => x.owner === b.owner);
        const total = same.reduce((s, x) => s + x.weight, 0);
        return total > 0 ? Math.round((ownerValue * b.weight * 1000) / total) : 0;
      });
    }
    take(left, r.amount, weights).forEach((t, i) => {
      refundTaken[i]! += t;
    });
  }
  const chargedBack = disputes
    .filter((d) => !disputeKeepsMoney(d.status))
    .reduce((s, d) => s + Math.min(d.amount, captured), 0);
  const chargebackTaken = take(
    left,
    Math.min(
      chargedBack,
      left.reduce((s, x) => s + x, 0),
    ),
    [...left],
  );

  const target = new Map<string, number>();
  const add = (account: string, kind: LedgerKind, amount: number) => {
    const key = `${account}|${kind}`;
    target.set(key, (target.get(key) ?? 0) + amount);
  };
  add(platformCash, "sale", captured);
  buckets.forEach((b, i) => {
    add(b.account, "sale", -gross[i]!);
    add(b.account, "refund", refundTaken[i]!);
    add(b.account, "chargeback", chargebackTaken[i]!);
  });
  add(platformCash, "refund", -refundTaken.reduce((s, x) => s + x, 0));
  add(platformCash, "chargeback", -chargebackTaken.reduce((s, x) => s + x, 0));

  const existing = await orderLedgerSums(tx, orderId);
  const { holdDays } = await getLedgerSettings(tx);
  const heldUntil = new Date(now.getTime() + holdDays * 86_400_000);
  for (const kind of ["sale", "refund", "chargeback"] as const) {
    const postingLines: LedgerLine[] = [];
    const accounts = new Set(
      [...target.keys(), ...existing.keys()]
        .filter((k) => k.endsWith(`|${kind}`))
        .map((k) => k.split("|")[0]!),
    );
    for (const account of accounts) {
      const key = `${account}|${kind}`;
      const diff = (target.get(key) ?? 0) - (existing.get(key) ?? 0);
      if (diff === 0) continue;
      // A vendor's new credit from a sale waits for the hold period; debits apply at once.
      const held = kind === "sale" && account.startsWith("vendor:") && diff < 0;
      postingLines.push({ account, amount: diff, ...(held ? { availableAt: heldUntil } : {}) });
    }
    await post(tx, {
      kind,
      currency: order.currency,
      orderId,
      memo: `Order ${order.number}`,
      lines: postingLines,
      now,
    });
  }
}

/** Whether an order has vendor orders (a marketplace order). */
export async function hasVendorOrders(db: Db, orderId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: vendorOrders.id })
    .from(vendorOrders)
    .where(and(eq(vendorOrders.orderId, orderId)))
    .limit(1);
  return Boolean(row);
}
