import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { AppError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import {
  allColumns,
  insertValues,
  mapRows,
  runPart,
  type SqlPart,
  updateSet,
} from "../../platform/statements.ts";
import type { PaymentProvider, ProviderPayment, ProviderWebhookEvent } from "./payments.provider.ts";
import {
  disputes,
  type PaymentRecordStatus,
  payments,
  type RefundStatus,
  refunds,
  webhookEvents,
} from "./payments.schema.ts";

export type PaymentRow = typeof payments.$inferSelect;

/** A payment method offered at checkout: the provider's id, its name for shoppers, Stripe's publishable key. */
export interface OfferedPaymentMethod {
  id: string;
  name: string;
  /** Stripe's publishable key (for Stripe.js in the browser); null for other providers. */
  publishableKey: string | null;
}

/**
 * Where providers' switches and keys come from once staff manage them in the admin
 * (payment_provider_settings; see payments.settings.ts). Reads through `db`, cached a few seconds.
 */
export interface ProviderSettingsResolver {
  /** The providers to offer at checkout now, in order: switched on and able to run. */
  offered(db: Db): Promise<(OfferedPaymentMethod & { provider: PaymentProvider })[]>;
  /** The provider of an id with its current keys, switched on or not; null when it cannot run. */
  provider(db: Db, id: string): Promise<PaymentProvider | null>;
}

/** Names of the payment methods for shoppers. */
export const paymentMethodNames: Record<string, string> = {
  test: "Test card",
  stripe: "Card (Stripe)",
  paypal: "PayPal",
  bank_transfer: "Bank transfer",
  cash_on_delivery: "Cash on delivery",
};

/**
 * The payment providers of this shop, by id: those the environment configures (registered at start)
 * and, with a settings resolver, the switches and keys staff set in the admin, which win over the
 * environment for the providers they name. The checkout asks `offered` / `forCheckout`; payments
 * already made (capture, refund, webhooks, expiry) ask `provider`, which works for a provider switched
 * off since (its keys still settle what it took).
 */
export class PaymentProviders {
  private readonly providers = new Map<string, PaymentProvider>();

  constructor(private readonly settings: ProviderSettingsResolver | null = null) {}

  /** Adds a provider configured by the environment (one per id). */
  register(provider: PaymentProvider): this {
    this.providers.set(provider.id, provider);
    return this;
  }

  /** Ids of the providers the environment configures, in the order registered. */
  ids(): string[] {
    return [...this.providers.keys()];
  }

  /**
   * The provider the environment configures for an id (not the admin's settings: see `provider`).
   * @throws ValidationError (field `payment.provider`) for an unknown one.
   */
  get(id: string): PaymentProvider {
    const provider = this.providers.get(id);
    if (!provider) throw unknownProvider(this.ids());
    return provider;
  }

  /** Whether the environment configures a provider of this id. */
  has(id: string): boolean {
    return this.providers.has(id);
  }

  /** The payment methods to offer at checkout now (switched on, with their keys), in order. */
  async offered(db: Db): Promise<OfferedPaymentMethod[]> {
    if (!this.settings)
      return this.ids().map((id) => ({ id, name: paymentMethodNames[id] ?? id, publishableKey: null }));
    return (await this.settings.offered(db)).map(({ id, name, publishableKey }) => ({
      id,
      name,
      publishableKey,
    }));
  }

  /**
   * The provider to pay a new order with.
   * @throws ValidationError (field `payment.provider`) when it is not offered (unknown, switched off or
   *   without its keys), listing those that are.
   */
  async forCheckout(db: Db, id: string): Promise<PaymentProvider> {
    if (!this.settings) return this.get(id);
    const offered = await this.settings.offered(db);
    const found = offered.find((o) => o.id === id);
    if (!found) throw unknownProvider(offered.map((o) => o.id));
    return found.provider;
  }

  /**
   * The provider of an existing payment, with its current keys (also when switched off since).
   * @throws ValidationError (field `payment.provider`) when no such provider can run.
   */
  async provider(db: Db, id: string): Promise<PaymentProvider> {
    if (!this.settings) return this.get(id);
    const provider = await this.settings.provider(db, id);
    if (!provider) throw unknownProvider((await this.settings.offered(db)).map((o) => o.id));
    return provider;
  }

  /** Whether a provider of this id can run now (configured by the environment or the admin). */
  async available(db: Db, id: string): Promise<boolean> {
    if (!this.settings) return this.has(id);
    return (await this.settings.provider(db, id)) !== null;
  }
}

function unknownProvider(ids: string[]): ValidationError {
  return new ValidationError([
    { field: "payment.provider", message: `must be one of: ${ids.join(", ") || "(none configured)"}` },
  ]);
}

/** A payment record's fields as the checkout gives them: amount in minor units of `currency`. */
export interface NewPaymentRecord {
  orderId: string;
  provider: string;
  amount: number;
  currency: string;
  captureMethod: "automatic" | "manual";
}

/**
 * Creates the payment record of an order (status pending), as a part of the order's insert statement
 * (see platform/statements.ts): reads the new row.
 */
export function paymentRecordPart(input: NewPaymentRecord): SqlPart<PaymentRow | null> {
  const { text, params } = insertValues(payments, [{ id: newId("pay"), status: "pending", ...input }]);
  return {
    text: `${text} returning ${allColumns(payments)}`,
    params,
    read: (rows) => mapRows(payments, rows)[0] ?? null,
  };
}

const statusOf: Record<ProviderPayment["status"], PaymentRecordStatus> = {
  pending: "pending",
  requires_action: "requires_action",
  authorized: "authorized",
  captured: "captured",
  failed: "failed",
  canceled: "canceled",
};

/** Payment states that no longer change by a provider's report (a late "failed" after "captured" is ignored). */
const settled: PaymentRecordStatus[] = ["captured", "partially_refunded", "refunded", "failed", "canceled"];

/**
 * Records what the provider said about a payment, unless the payment is already settled (captured,
 * refunded, failed, canceled): meaning wins over arrival order. Returns the updated row, or null when
 * nothing changed.
 */
export async function recordProviderPayment(
  tx: Db,
  paymentId: string,
  result: ProviderPayment,
): Promise<PaymentRow | null> {
  return runPart(tx, providerPaymentPart(paymentId, result));
}

/**
 * `recordProviderPayment` as a part of another statement (the order's transition when the checkout's
 * payment settles): reads the updated row, or null when the report changed nothing.
 */
export function providerPaymentPart(paymentId: string, result: ProviderPayment): SqlPart<PaymentRow | null> {
  const status = statusOf[result.status];
  const awaiting = status === "requires_action" || status === "pending";
  const { text, params } = updateSet(
    payments,
    {
      status,
      reference: result.reference,
      authorizedAmount: result.authorizedAmount,
      capturedAmount: result.capturedAmount,
      failureCode: result.failureCode ?? null,
      failureMessage: result.failureMessage ?? null,
      riskScore: result.riskScore ?? null,
      cardFingerprint: result.cardFingerprint ?? null,
      clientSecret: awaiting ? (result.clientSecret ?? null) : null,
      redirectUrl: awaiting ? (result.redirectUrl ?? null) : null,
      updatedAt: new Date(),
    },
    `"id" = $1 and "status" = any($2::text[])`,
    [paymentId, ["pending", "requires_action", "authorized"]],
  );
  return {
    text: `${text} returning ${allColumns(payments)}`,
    params,
    read: (rows) => mapRows(payments, rows)[0] ?? null,
  };
}

/** The payments of an order, newest first. */
export async function paymentsOfOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  return db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt));
}

/** A payment by id, or null. */
export async function findPayment(db: Db, paymentId: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(eq(payments.id, paymentId));
  return row ?? null;
}

export { settled as settledPaymentStatuses };

/**
 * Stores a verified webhook event once per (provider, provider event id) in the caller's transaction.
 * Returns the stored row's id when new, or null for a redelivery.
 */
export async function storeWebhookEvent(
  tx: Db,
  provider: string,
  event: ProviderWebhookEvent,
): Promise<string | null> {
  const rows = await tx
    .insert(webhookEvents)
    .values({
      id: newId("whk"),
      provider,
      eventId: event.eventId,
      providerType: event.providerType,
      kind: event.kind,
      paymentReference: event.paymentReference,
      event: event as unknown as Record<string, unknown>,
      status: event.kind === "ignored" ? "ignored" : "received",
    })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  return rows[0]?.id ?? null;
}

/** A stored webhook event with its mapped payload (dates revived). */
export async function getWebhookEvent(
  db: Db,
  id: string,
): Promise<{ row: typeof webhookEvents.$inferSelect; event: ProviderWebhookEvent } | null> {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
  if (!row) return null;
  const raw = row.event as unknown as ProviderWebhookEvent & { occurredAt: string | Date };
  const dispute = raw.dispute
    ? {
        ...raw.dispute,
        evidenceDueBy: raw.dispute.evidenceDueBy ? new Date(raw.dispute.evidenceDueBy) : null,
      }
    : raw.dispute;
  return { row, event: { ...raw, occurredAt: new Date(raw.occurredAt), dispute } };
}

/** Records the outcome of processing a webhook event. */
export async function markWebhookEvent(
  db: Db,
  id: string,
  status: "processed" | "failed" | "received",
  error: string | null = null,
): Promise<void> {
  await db
    .update(webhookEvents)
    .set({
      status,
      lastError: error,
      attempts: sql`${webhookEvents.attempts} + 1`,
      processedAt: status === "processed" ? new Date() : null,
    })
    .where(eq(webhookEvents.id, id));
}

/** The payment a provider reference belongs to, or null. */
export async function findPaymentByReference(
  db: Db,
  provider: string,
  reference: string,
): Promise<PaymentRow | null> {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.reference, reference)));
  return row ?? null;
}

/** The captured payment of an order (the one refunds draw on), locked for the caller's transaction. */
export async function lockCapturedPayment(tx: Db, orderId: string): Promise<PaymentRow | null> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.orderId, orderId),
        inArray(payments.status, ["captured", "partially_refunded", "refunded"]),
      ),
    )
    .orderBy(desc(payments.createdAt))
    .limit(1)
    .for("update");
  return row ?? null;
}

export type RefundRow = typeof refunds.$inferSelect;

/**
 * Reserves `amount` of a payment's captured money for a refund and records the refund as pending, in
 * the caller's transaction. A conditional update keeps refunds (pending and done) never above what
 * was captured, however many run at once.
 * @throws AppError 422 REFUND_EXCEEDS_CAPTURED naming how much is left.
 */
export async function startRefund(
  tx: Db,
  payment: PaymentRow,
  input: {
    amount: number;
    reason: string;
    note: string;
    actor: string;
    requestKey: string | null;
    status?: RefundStatus;
    reference?: string | null;
    /**
     * The order lines a per-item refund is for, whether their units go back to stock, and how many of
     * them had not shipped (`cancelled`).
     */
    lines?: { lineId: string; quantity: number; restock: boolean; cancelled?: number }[];
  },
): Promise<RefundRow> {
  const [updated] = await tx
    .update(payments)
    .set({ refundedAmount: sql`${payments.refundedAmount} + ${input.amount}`, updatedAt: new Date() })
    .where(
      and(
        eq(payments.id, payment.id),
        sql`${payments.capturedAmount} - ${payments.refundedAmount} >= ${input.amount}`,
      ),
    )
    .returning();
  if (!updated) {
    const left = payment.capturedAmount - payment.refundedAmount;
    throw new AppError(
      422,
      "REFUND_EXCEEDS_CAPTURED",
      `At most ${left} (minor units) can still be refunded.`,
      [{ field: "amount", message: `at most ${left}` }],
    );
  }
  const [row] = await tx
    .insert(refunds)
    .values({
      id: newId("ref"),
      paymentId: payment.id,
      orderId: payment.orderId,
      amount: input.amount,
      currency: payment.currency,
      reason: input.reason,
      note: input.note,
      status: input.status ?? "pending",
      reference: input.reference ?? null,
      provider: payment.provider,
      actor: input.actor,
      requestKey: input.requestKey,
      lines: (input.lines ?? []).map(({ lineId, quantity, restock, cancelled }) => ({
        lineId,
        quantity,
        restock,
        ...(cancelled !== undefined && { cancelled }),
      })),
    })
    .returning();
  return row!;
}

/**
 * Settles a pending refund: succeeded (payment status becomes partially_refunded or refunded) or
 * failed (its amount is given back to the refundable balance). Only a pending refund changes.
 * Returns the refund when it changed, else null.
 */
export async function finishRefund(
  tx: Db,
  refundId: string,
  outcome: { status: "succeeded" | "failed"; reference: string | null; failureMessage?: string | null },
): Promise<RefundRow | null> {
  const [refund] = await tx
    .update(refunds)
    .set({
      status: outcome.status,
      reference: outcome.reference,
      failureMessage: outcome.failureMessage ?? null,
      updatedAt: new Date(),
    })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, "pending")))
    .returning();
  if (!refund) return null;
  if (outcome.status === "failed") {
    await tx
      .update(payments)
      .set({ refundedAmount: sql`${payments.refundedAmount} - ${refund.amount}`, updatedAt: new Date() })
      .where(eq(payments.id, refund.paymentId));
  } else {
    await tx
      .update(payments)
      .set({
        status: sql`case when ${payments.refundedAmount} >= ${payments.capturedAmount} then 'refunded' else 'partially_refunded' end`,
        updatedAt: new Date(),
      })
      .where(eq(payments.id, refund.paymentId));
  }
  return refund;
}

/** Refunds of an order, oldest first. */
export async function refundsOfOrder(db: Db, orderId: string): Promise<RefundRow[]> {
  return db.select().from(refunds).where(eq(refunds.orderId, orderId)).orderBy(asc(refunds.createdAt));
}

/** A refund by the caller's idempotency key on an order, or null. */
export async function findRefundByRequestKey(
  db: Db,
  orderId: string,
  requestKey: string,
): Promise<RefundRow | null> {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.orderId, orderId), eq(refunds.requestKey, requestKey)));
  return row ?? null;
}

/** A refund by provider reference, or null. */
export async function findRefundByReference(
  db: Db,
  provider: string,
  reference: string,
): Promise<RefundRow | null> {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.provider, provider), eq(refunds.reference, reference)));
  return row ?? null;
}

/** A pending refund of this amount on a payment (to match a provider's refund webhook to our own call). */
export async function findPendingRefund(
  db: Db,
  paymentId: string,
  amount: number,
): Promise<RefundRow | null> {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, "pending"), eq(refunds.amount, amount)))
    .orderBy(asc(refunds.createdAt))
    .limit(1);
  return row ?? null;
}

export type DisputeRow = typeof disputes.$inferSelect;

/** Creates or updates a dispute by provider reference. Returns it and whether it is new. */
export async function upsertDispute(
  tx: Db,
  payment: PaymentRow,
  dispute: NonNullable<ProviderWebhookEvent["dispute"]>,
): Promise<{ dispute: DisputeRow; created: boolean }> {
  const [existing] = await tx
    .select()
    .from(disputes)
    .where(and(eq(disputes.provider, payment.provider), eq(disputes.reference, dispute.reference)));
  if (existing) {
    const [row] = await tx
      .update(disputes)
      .set({
        status: dispute.status,
        reason: dispute.reason,
        amount: dispute.amount,
        evidenceDueBy: dispute.evidenceDueBy,
        updatedAt: new Date(),
      })
      .where(eq(disputes.id, existing.id))
      .returning();
    return { dispute: row!, created: false };
  }
  const [row] = await tx
    .insert(disputes)
    .values({
      id: newId("dsp"),
      paymentId: payment.id,
      orderId: payment.orderId,
      provider: payment.provider,
      reference: dispute.reference,
      status: dispute.status,
      reason: dispute.reason,
      amount: dispute.amount,
      currency: payment.currency,
      evidenceDueBy: dispute.evidenceDueBy,
    })
    .returning();
  return { dispute: row!, created: true };
}

/** Disputes of an order. */
export async function disputesOfOrder(db: Db, orderId: string): Promise<DisputeRow[]> {
  return db.select().from(disputes).where(eq(disputes.orderId, orderId)).orderBy(asc(disputes.createdAt));
}

/** Open disputes (not won or lost), soonest evidence deadline first, for staff. */
export async function openDisputes(db: Db, limit = 100): Promise<DisputeRow[]> {
  return db
    .select()
    .from(disputes)
    .where(sql`${disputes.status} not in ('won', 'lost', 'warning_closed', 'resolved')`)
    .orderBy(asc(disputes.evidenceDueBy))
    .limit(limit);
}

/** Marks a payment captured by staff (manual providers: the bank transfer arrived). */
export async function markCaptured(tx: Db, paymentId: string, amount: number): Promise<PaymentRow | null> {
  const [row] = await tx
    .update(payments)
    .set({ status: "captured", authorizedAmount: amount, capturedAmount: amount, updatedAt: new Date() })
    .where(and(eq(payments.id, paymentId), inArray(payments.status, ["pending", "authorized"])))
    .returning();
  return row ?? null;
}

/**
 * Payment attempts with the card of `fingerprint` since `since` for other orders than `excludeOrderId`
 * (card testing shows as many attempts), counted up to `limit`: a bounded scan of the
 * (card_fingerprint, created_at) index.
 */
export async function countRecentOrdersByCard(
  db: Db,
  fingerprint: string,
  since: Date,
  excludeOrderId: string,
  limit: number,
): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from ${payments}
          where card_fingerprint = ${fingerprint} and created_at > ${since.toISOString()}::timestamptz
            and order_id <> ${excludeOrderId} limit ${limit}) recent`,
  );
  return Number(row?.n ?? 0);
}
