import { AppError, NotFoundError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { payoutByReference, reversePayout } from "../ledger/index.ts";
import { addOrderEvent, applyRefundToOrder, syncOrderLedger, uncountRefundedUnits } from "../orders/index.ts";
import {
  findPaymentByReference,
  findPendingRefund,
  findRefundByReference,
  finishRefund,
  getWebhookEvent,
  markWebhookEvent,
  type ProviderWebhookEvent,
  startRefund,
  storeWebhookEvent,
  upsertDispute,
  WebhookSignatureError,
} from "../payments/index.ts";
import { updateStripeAccountStatus } from "../vendors/index.ts";
import type { CheckoutContext } from "./checkout.context.ts";
import { settlePayment } from "./checkout.service.ts";

/** Outbox topic that processes stored webhook events (retried with backoff on failure). */
export const webhookTopic = "payment.webhook";

/**
 * Receives a provider webhook: verifies its signature over the raw body, stores it once by the
 * provider's event id and queues its processing in the same transaction. A redelivery (same event id)
 * is acknowledged and not processed again.
 * @throws NotFoundError WEBHOOK_PROVIDER_UNKNOWN, AppError 400 WEBHOOK_SIGNATURE_INVALID
 */
export async function receiveWebhook(
  ctx: CheckoutContext,
  providerId: string,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
): Promise<{ eventId: string; duplicate: boolean }> {
  if (!(await ctx.payments.available(ctx.db, providerId)))
    throw new NotFoundError("WEBHOOK_PROVIDER_UNKNOWN", `No payment provider "${providerId}".`);
  let event: ProviderWebhookEvent;
  try {
    event = await (await ctx.payments.provider(ctx.db, providerId)).parseWebhook(rawBody, headers);
  } catch (error) {
    if (error instanceof WebhookSignatureError)
      throw new AppError(400, "WEBHOOK_SIGNATURE_INVALID", error.message);
    throw error;
  }
  const stored = await ctx.db.transaction(async (tx) => {
    const id = await storeWebhookEvent(tx, providerId, event);
    if (id && event.kind !== "ignored") await enqueue(tx, webhookTopic, { webhookEventId: id });
    return id;
  });
  return { eventId: event.eventId, duplicate: stored === null };
}

/** A webhook that cannot be processed yet (its payment is not recorded): the outbox retries it later. */
class NotYetError extends Error {}

/**
 * Processes one stored webhook event, exactly once in effect:
 * - payment events re-read the payment from the provider (the source of truth) and settle it, so
 *   duplicates and out-of-order deliveries (a late `failed` after `succeeded`) change nothing more;
 * - refunds made in the provider's dashboard are recorded (ours are matched by reference or amount);
 * - a pending refund that failed at the provider is marked failed and its order lines get their
 *   refunded units back;
 * - disputes are created or updated, with a timeline entry.
 */
export async function processWebhookEvent(ctx: CheckoutContext, webhookEventId: string): Promise<void> {
  const stored = await getWebhookEvent(ctx.db, webhookEventId);
  if (!stored || stored.row.status === "processed") return;
  const { row, event } = stored;
  const provider = await ctx.payments.provider(ctx.db, row.provider);
  const actor = `provider:${row.provider}`;
  try {
    // Stripe Connect: a seller's account and the transfers of its payouts (no payment involved).
    if (event.kind === "account.updated" && event.account) {
      await updateStripeAccountStatus(ctx.db, event.account);
      await markWebhookEvent(ctx.db, webhookEventId, "processed");
      return;
    }
    if (event.kind === "transfer.reversed" && event.transfer) {
      const transfer = event.transfer;
      const payout = await payoutByReference(ctx.db, transfer.id);
      // A whole reversal gives the payout back to the vendor's balance, once (a conditional status
      // change: the same event stored once, and a second delivery finds the payout reversed already).
      if (payout && transfer.amountReversed >= payout.amount)
        await ctx.db.transaction((tx) =>
          reversePayout(tx, payout.id, {
            status: "reversed",
            message: `Stripe reversed transfer ${transfer.id}`,
          }),
        );
      await markWebhookEvent(ctx.db, webhookEventId, "processed");
      return;
    }
    const payment = event.paymentReference
      ? await findPaymentByReference(ctx.db, row.provider, event.paymentReference)
      : null;
    if (!payment) throw new NotYetError(`no payment with reference ${event.paymentReference}`);
    switch (event.kind) {
      case "payment.authorized":
      case "payment.captured":
      case "payment.failed":
      case "payment.canceled": {
        const current = await provider.getPayment(payment.reference!);
        await settlePayment(ctx, payment.orderId, payment.id, current, actor);
        break;
      }
      case "refund.succeeded": {
        const refund = event.refund;
        if (!refund) break;
        if (await findRefundByReference(ctx.db, row.provider, refund.reference)) break;
        await ctx.db.transaction(async (tx) => {
          const pending =
            (await findPendingRefund(tx, payment.id, refund.amount)) ??
            (await startRefund(tx, payment, {
              amount: refund.amount,
              reason: "other",
              note: "Refunded at the payment provider",
              actor,
              requestKey: null,
            }));
          const done = await finishRefund(tx, pending.id, {
            status: "succeeded",
            reference: refund.reference,
          });
          if (done)
            await applyRefundToOrder(
              tx,
              { ...done, status: "succeeded", reference: refund.reference },
              actor,
            );
        });
        break;
      }
      case "refund.failed": {
        // A refund whose outcome was unknown (pending) failed at the provider: nothing went back to the
        // customer. The refund is marked failed, the payment's refunded amount and the lines' refunded
        // units are given back, and staff read it on the timeline.
        const refund = event.refund;
        if (!refund) break;
        await ctx.db.transaction(async (tx) => {
          const pending = await findPendingRefund(tx, payment.id, refund.amount);
          if (!pending) return;
          const failed = await finishRefund(tx, pending.id, {
            status: "failed",
            reference: refund.reference,
            failureMessage: event.failureCode ?? "refused by the payment provider",
          });
          if (!failed) return;
          await uncountRefundedUnits(tx, failed.lines);
          await addOrderEvent(
            tx,
            payment.orderId,
            "refund.failed",
            `Refund of ${failed.amount} failed at the provider`,
            actor,
            { refundId: failed.id, amount: failed.amount, failure: event.failureCode ?? null },
          );
        });
        break;
      }
      case "dispute.opened":
      case "dispute.updated":
      case "dispute.closed": {
        const dispute = event.dispute;
        if (!dispute) break;
        await ctx.db.transaction(async (tx) => {
          const { created } = await upsertDispute(tx, payment, dispute);
          // A marketplace order's chargeback comes out of the vendors' payables and the commission
          // (and goes back in when the dispute is won), posted once however often the event arrives.
          await syncOrderLedger(tx, payment.orderId);
          await addOrderEvent(
            tx,
            payment.orderId,
            created ? "dispute.opened" : `dispute.${dispute.status}`,
            `Dispute ${dispute.reference}: ${dispute.reason}, ${dispute.status}${dispute.evidenceDueBy ? `, evidence due ${dispute.evidenceDueBy.toISOString()}` : ""}`,
            actor,
            { disputeReference: dispute.reference, amount: dispute.amount, status: dispute.status },
          );
          if (created)
            await enqueue(tx, "dispute.opened", { orderId: payment.orderId, reference: dispute.reference });
        });
        break;
      }
      default:
        break;
    }
    await markWebhookEvent(ctx.db, webhookEventId, "processed");
  } catch (error) {
    await markWebhookEvent(
      ctx.db,
      webhookEventId,
      "failed",
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}

/** Connects webhook processing to the outbox dispatcher. */
export function registerWebhookProcessing(ctx: CheckoutContext): void {
  ctx.outbox.on(webhookTopic, async (event) => {
    await processWebhookEvent(ctx, (event.payload as { webhookEventId: string }).webhookEventId);
  });
}
