import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError, type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { fulfilReservedStock, releaseReservedUnits, restockUnits } from "../inventory/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import {
  findRefundByRequestKey,
  finishRefund,
  lockCapturedPayment,
  ProviderError,
  type RefundReason,
  type RefundRow,
  startRefund,
} from "../payments/index.ts";
import { allocateByLargestRemainder } from "../pricing/index.ts";
import { syncOrderLedger } from "./orders.ledger.ts";
import { orderEvents, orderLineItems } from "./orders.schema.ts";
import {
  addOrderEvent,
  findOrder,
  getOrderWithLines,
  type OrderActor,
  type OrderLineRow,
  type OrderRow,
  transitionOrder,
  unitsLeftToShip,
} from "./orders.service.ts";
import { refreshVendorOrderStatuses } from "./orders.vendors.ts";

export const refundReasons = ["requested_by_customer", "duplicate", "fraudulent", "other"] as const;

/**
 * One line of a per-item refund: `quantity` whole units of the order line `lineId`, and whether they
 * go back to stock (`restock`).
 */
export interface RefundLineInput {
  lineId: string;
  quantity: number;
  restock: boolean;
  /**
   * The units are shipped ones coming back (a received return), not taken from the line's unshipped
   * units. Set by the returns flow, never by the API.
   */
  shipped?: boolean;
  /** How many of the units had not shipped (they never will); set when the refund starts. */
  cancelled?: number;
}

/**
 * The minor units each unit of a line is worth: the line total (after its discount, with its tax —
 * what the customer paid for the line) split over its units by largest remainder (DESIGN.md §5,
 * pricing's allocateByLargestRemainder). Units are refunded in order, so refunding every unit, in
 * however many refunds, gives back exactly the line total; the first units take the larger shares.
 */
export function unitShares(line: Pick<OrderLineRow, "total" | "quantity">): number[] {
  return allocateByLargestRemainder(
    line.total,
    Array.from({ length: line.quantity }, () => 1),
  );
}

/**
 * The shipping the customer paid (shipping price minus its discount, with its tax when prices exclude
 * tax), minor units of the order currency.
 */
export function shippingCharged(order: OrderRow): number {
  return order.shippingTotal - order.shippingDiscount + (order.pricesIncludeTax ? 0 : order.shippingTax);
}

/** Shipping already given back by succeeded refunds (their `order.refunded` timeline entries). */
async function shippingRefunded(db: Db, orderId: string): Promise<number> {
  const rows = await db
    .select({ data: orderEvents.data })
    .from(orderEvents)
    .where(and(eq(orderEvents.orderId, orderId), eq(orderEvents.type, "order.refunded")));
  return rows.reduce((sum, r) => {
    const shipping = r.data.shipping;
    return sum + (typeof shipping === "number" ? shipping : 0);
  }, 0);
}

/**
 * What a per-item refund is worth, checked against the order as it stands (call it with the order's
 * refunds serialised, i.e. under the captured payment's lock): each line's next `quantity` unit shares
 * (see `unitShares`) plus `shipping`.
 * @returns the amount in minor units of the order currency
 * @throws ValidationError naming `lines[i].lineId` (not a line of the order, or given twice),
 *   `lines[i].quantity` (not between 1 and quantity − refundedQuantity) or `shipping` (negative, or
 *   more than the shipping paid minus shipping already refunded).
 */
export async function priceRefundLines(
  db: Db,
  order: OrderRow,
  lines: RefundLineInput[],
  shipping: number,
): Promise<number> {
  const rows = lines.length
    ? await db
        .select()
        .from(orderLineItems)
        .where(
          and(
            eq(orderLineItems.orderId, order.id),
            inArray(
              orderLineItems.id,
              lines.map((l) => l.lineId),
            ),
          ),
        )
    : [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  let amount = 0;
  lines.forEach((l, i) => {
    const line = rows.find((r) => r.id === l.lineId);
    if (!line) {
      errors.push({ field: `lines[${i}].lineId`, message: "not a line of this order" });
      return;
    }
    if (seen.has(l.lineId)) {
      errors.push({ field: `lines[${i}].lineId`, message: "given twice; send one entry per line" });
      return;
    }
    seen.add(l.lineId);
    const left = line.quantity - line.refundedQuantity;
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > left) {
      errors.push({
        field: `lines[${i}].quantity`,
        message: left === 0 ? "every unit of this line is already refunded" : `between 1 and ${left}`,
      });
      return;
    }
    amount += unitShares(line)
      .slice(line.refundedQuantity, line.refundedQuantity + l.quantity)
      .reduce((s, x) => s + x, 0);
  });
  if (shipping !== 0) {
    const left = shippingCharged(order) - (await shippingRefunded(db, order.id));
    if (!Number.isSafeInteger(shipping) || shipping < 0 || shipping > left) {
      errors.push({
        field: "shipping",
        message: `a whole number of minor units between 0 and ${Math.max(left, 0)} (the shipping not yet refunded)`,
      });
    }
  }
  if (errors.length) throw new ValidationError(errors);
  return amount + shipping;
}

/**
 * Counts a refund's units as refunded on their lines, in the caller's transaction, each line row locked
 * so a shipment cannot take the same units meanwhile. Units are taken from the line's unshipped units
 * first (`cancelled_quantity`: they never ship), unless marked `shipped`; a line never counts more
 * refunded units than it has.
 * @returns the lines with `cancelled` set, to keep on the refund record.
 * @throws ValidationError naming `lines[i].quantity` when a concurrent refund took the units first.
 */
async function countRefundedUnits(tx: Db, lines: RefundLineInput[]): Promise<RefundLineInput[]> {
  const counted: RefundLineInput[] = new Array(lines.length);
  // Lines are locked in id order, as shipments update them (addFulfilledQuantities): no lock cycle.
  const order = [...lines.keys()].sort((a, b) =>
    lines[a]!.lineId < lines[b]!.lineId ? -1 : lines[a]!.lineId > lines[b]!.lineId ? 1 : 0,
  );
  for (const i of order) {
    const l = lines[i]!;
    const [line] = await tx
      .select()
      .from(orderLineItems)
      .where(eq(orderLineItems.id, l.lineId))
      .for("update");
    if (!line || line.refundedQuantity + l.quantity > line.quantity) {
      throw new ValidationError([
        { field: `lines[${i}].quantity`, message: "more units than are left to refund on this line" },
      ]);
    }
    const cancelled = l.shipped ? 0 : Math.min(l.quantity, unitsLeftToShip(line));
    await tx
      .update(orderLineItems)
      .set({
        refundedQuantity: line.refundedQuantity + l.quantity,
        cancelledQuantity: line.cancelledQuantity + cancelled,
      })
      .where(eq(orderLineItems.id, l.lineId));
    const { shipped: _shipped, ...kept } = l;
    counted[i] = { ...kept, cancelled };
  }
  return counted;
}

/**
 * Gives a refund's units back to their lines (refunded and cancelled units) when the provider refused
 * it, in the caller's transaction. Exported for the payment webhooks (a pending refund that failed).
 */
export async function uncountRefundedUnits(tx: Db, lines: RefundLineInput[]): Promise<void> {
  for (const l of lines) {
    await tx
      .update(orderLineItems)
      .set({
        refundedQuantity: sql`greatest(${orderLineItems.refundedQuantity} - ${l.quantity}, 0)`,
        cancelledQuantity: sql`greatest(${orderLineItems.cancelledQuantity} - ${l.cancelled ?? 0}, 0)`,
      })
      .where(eq(orderLineItems.id, l.lineId));
  }
}

/**
 * Settles the stock of a succeeded per-item refund's units, in the caller's transaction. A refund takes
 * a line's unshipped units first (those never ship, see `unitsLeftToShip`), then shipped ones:
 * - unshipped units marked `restock` release the order's reservation (back on sale);
 * - unshipped units not marked `restock` leave the stock like a sale (on hand and reserved both drop,
 *   ledger reason `written_off`), so no reservation is held for units that will not ship;
 * - shipped units marked `restock` are added back on hand (ledger reason `restock`); shipped units not
 *   marked stay with the customer.
 * Digital lines and lines without shipping hold no stock. Returns what happened per line.
 */
async function settleRefundedUnits(
  tx: Db,
  orderId: string,
  lines: RefundLineInput[],
): Promise<{ lineId: string; released: number; restocked: number; writtenOff: number }[]> {
  const wanted = lines.filter((l) => l.quantity > 0);
  if (wanted.length === 0) return [];
  const rows = await tx
    .select()
    .from(orderLineItems)
    .where(
      inArray(
        orderLineItems.id,
        wanted.map((l) => l.lineId),
      ),
    );
  const done: { lineId: string; released: number; restocked: number; writtenOff: number }[] = [];
  for (const l of wanted) {
    const line = rows.find((r) => r.id === l.lineId);
    if (!line || line.isDigital || !line.requiresShipping) continue;
    // Counted when the refund started (countRefundedUnits): the units that had not shipped.
    const unshipped = Math.min(l.cancelled ?? 0, l.quantity);
    const shipped = l.quantity - unshipped;
    let released = 0;
    let restocked = 0;
    let writtenOff = 0;
    if (l.restock) {
      released = await releaseReservedUnits(tx, orderId, line.variantId, unshipped);
      if (shipped > 0) {
        await restockUnits(tx, orderId, line.variantId, shipped);
        restocked = shipped;
      }
    } else if (unshipped > 0) {
      writtenOff = await fulfilReservedStock(tx, orderId, line.variantId, unshipped, "written_off");
    }
    done.push({ lineId: l.lineId, released, restocked, writtenOff });
  }
  return done;
}

/**
 * Once a per-item refund took the last units left to ship, a partly shipped order has shipped all it
 * will ship: it becomes `shipped` (fulfilment status `fulfilled`). In the caller's transaction.
 */
async function closeShippedOrder(tx: Db, orderId: string): Promise<void> {
  const { order, lines } = await getOrderWithLines(tx, orderId);
  if (order.status !== "partially_shipped") return;
  const shipping = lines.filter((l) => l.requiresShipping);
  if (shipping.some((l) => unitsLeftToShip(l) > 0)) return;
  await transitionOrder(tx, orderId, ["partially_shipped"], {
    status: "shipped",
    fulfillmentStatus: "fulfilled",
  });
}

/**
 * Applies a succeeded refund to its order in the caller's transaction: paid and refunded totals,
 * payment status `partially_refunded` / `refunded`, status `refunded` once everything paid is back,
 * the restock of a per-item refund's lines marked `restock` (see `refund.lines`), a timeline entry and
 * the `order.refunded` event (refund e-mail). Called by our own refunds and by the provider's webhook
 * when a pending refund settles.
 * @param details.shipping the shipping part of the amount (minor units), kept on the timeline entry so
 *   later refunds know how much shipping is left to refund.
 */
export async function applyRefundToOrder(
  tx: Db,
  refund: RefundRow,
  actor: OrderActor,
  details: { shipping?: number } = {},
): Promise<void> {
  const order = await findOrder(tx, refund.orderId);
  if (!order) return;
  const refundedTotal = order.refundedTotal + refund.amount;
  const paidTotal = Math.max(order.paidTotal - refund.amount, 0);
  const full = paidTotal === 0;
  await transitionOrder(tx, order.id, [order.status], {
    refundedTotal,
    paidTotal,
    paymentStatus: full ? "refunded" : "partially_refunded",
    // A cancelled order (or declined checkout) stays so; any other order whose money all went back is refunded.
    ...(full && order.status !== "cancelled" && order.status !== "payment_failed"
      ? { status: "refunded" as const }
      : {}),
  });
  const restocked = await settleRefundedUnits(tx, order.id, refund.lines);
  if (!full && refund.lines.length) await closeShippedOrder(tx, order.id);
  if (refund.lines.length || full) await refreshVendorOrderStatuses(tx, order.id);
  // A marketplace order's refund comes back out of the vendors' payables and the commission.
  await syncOrderLedger(tx, order.id);
  await addOrderEvent(tx, order.id, "order.refunded", `Refunded ${refund.amount} (${refund.reason})`, actor, {
    refundId: refund.id,
    amount: refund.amount,
    reason: refund.reason,
    ...(refund.lines.length ? { lines: refund.lines, restocked } : {}),
    ...(details.shipping ? { shipping: details.shipping } : {}),
  });
  await enqueue(tx, "order.refunded", { orderId: order.id, refundId: refund.id });
}

/** What to refund: an amount, or order lines (with a restock choice each) and shipping, or both. */
export interface RefundInput {
  /**
   * Minor units of the order currency. Optional with `lines` or `shipping` (then it is their worth,
   * and when given must not exceed it); required otherwise.
   */
  amount?: number;
  /** Per-item refund: units of order lines and whether they go back to stock. */
  lines?: RefundLineInput[];
  /** Shipping to give back, minor units (at most what was paid for shipping and not refunded yet). */
  shipping?: number;
  reason: RefundReason;
  note?: string;
  actor: OrderActor;
  /** The caller's idempotency key: the same key on the same order returns the first refund. */
  requestKey: string | null;
}

/**
 * Refunds an order's captured payment through its provider, idempotently: the same `requestKey` on the
 * same order returns the first refund (and changes nothing more). The amount is reserved against what
 * was captured before the provider is called (never more than captured, even concurrently); the
 * provider's idempotency key is our refund id, so a retry never refunds twice.
 *
 * A per-item refund (`lines`, optional `shipping`) is worth each line's next unit shares (the line
 * total after discount, with tax, split over its units by largest remainder, so refunding every unit
 * gives back exactly the line total) plus the shipping; an explicit `amount` may be less (never
 * more). Its units count as refunded (`refundedQuantity`) and the refund record keeps its lines in the
 * transaction that records the refund; units marked `restock` go back to stock only once the provider
 * confirms (see `applyRefundToOrder`). A refusal by the provider gives the units back to the lines,
 * so nothing but the failed refund record remains.
 * @throws ValidationError (amount, reason, lines[i].lineId, lines[i].quantity, shipping),
 *   NotFoundError ORDER_NOT_FOUND, AppError 422 NOTHING_TO_REFUND / REFUND_EXCEEDS_CAPTURED,
 *   502 REFUND_FAILED when the provider refuses, 503 REFUND_PENDING when its answer is unknown.
 */
export async function refundOrder(
  ctx: PaymentsContext,
  orderId: string,
  input: RefundInput,
): Promise<RefundRow> {
  const lines = input.lines ?? [];
  const shipping = input.shipping ?? 0;
  const perItem = lines.length > 0 || shipping > 0;
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) {
    throw new ValidationError([
      { field: "amount", message: "must be a whole number of minor units above 0" },
    ]);
  }
  if (input.amount === undefined && !perItem) {
    throw new ValidationError([
      { field: "amount", message: "give an amount, or the lines and shipping to refund" },
    ]);
  }
  if (!(refundReasons as readonly string[]).includes(input.reason)) {
    throw new ValidationError([{ field: "reason", message: `must be one of ${refundReasons.join(", ")}` }]);
  }
  if (input.requestKey) {
    const earlier = await findRefundByRequestKey(ctx.db, orderId, input.requestKey);
    if (earlier) return earlier;
  }
  const order = await findOrder(ctx.db, orderId);
  if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  const started = await ctx.db.transaction(async (tx) => {
    // The captured payment's lock serialises the order's refunds: the units priced here are still free.
    const payment = await lockCapturedPayment(tx, orderId);
    if (!payment) throw new AppError(422, "NOTHING_TO_REFUND", "This order has no captured payment.");
    let amount = input.amount ?? 0;
    if (perItem) {
      const worth = await priceRefundLines(tx, order, lines, shipping);
      if (input.amount !== undefined && input.amount > worth) {
        throw new ValidationError([
          { field: "amount", message: `at most ${worth} (what the lines and shipping refunded are worth)` },
        ]);
      }
      amount = input.amount ?? worth;
      if (amount <= 0) {
        throw new ValidationError([{ field: "amount", message: "the lines refunded are worth nothing" }]);
      }
    }
    const counted = lines.length ? await countRefundedUnits(tx, lines) : [];
    const refund = await startRefund(tx, payment, {
      amount,
      reason: input.reason,
      note: input.note ?? "",
      actor: input.actor,
      requestKey: input.requestKey,
      lines: counted,
    });
    return { refund: { ...refund, lines: counted }, payment };
  });
  const provider = await ctx.payments.provider(ctx.db, started.payment.provider);
  try {
    const result = await provider.refund(
      started.payment.reference!,
      started.refund.amount,
      input.reason,
      started.refund.id,
    );
    if (result.status === "failed")
      throw new ProviderError("refund_failed", "The provider refused the refund.");
    return await ctx.db.transaction(async (tx) => {
      const done = await finishRefund(tx, started.refund.id, {
        status: result.status === "pending" ? "succeeded" : result.status,
        reference: result.reference,
      });
      if (done)
        await applyRefundToOrder(
          tx,
          { ...done, status: "succeeded", reference: result.reference },
          input.actor,
          { shipping },
        );
      return done ?? started.refund;
    });
  } catch (error) {
    if (error instanceof ProviderError && !error.retryable) {
      await ctx.db.transaction(async (tx) => {
        const failed = await finishRefund(tx, started.refund.id, {
          status: "failed",
          reference: null,
          failureMessage: error.message,
        });
        // The units were counted as refunded with the refund: give them back to their lines.
        if (failed) await uncountRefundedUnits(tx, started.refund.lines);
      });
      throw new AppError(502, "REFUND_FAILED", `The payment provider refused the refund: ${error.message}`);
    }
    // Outcome unknown (timeout, 5xx): the refund stays pending; the provider's webhook settles it.
    throw new AppError(
      503,
      "REFUND_PENDING",
      "The payment provider did not answer; the refund is pending and will settle by webhook.",
    );
  }
}
