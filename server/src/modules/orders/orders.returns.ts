import { AppError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { restockUnits } from "../inventory/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { type RefundLineInput, refundOrder, unitShares } from "./orders.refunds.ts";
import {
  addOrderEvent,
  addReturnedQuantities,
  getOrderWithLines,
  insertReturn,
  lockOrder,
  lockReturn,
  type OrderActor,
  type ReturnRow,
  returnsOfOrder,
  transitionReturn,
} from "./orders.service.ts";

/** Statuses of an order from which its shipped units may be returned. */
const returnable = ["partially_shipped", "shipped", "delivered", "completed", "refunded"];

/**
 * A customer asks to return shipped units (an RMA). Under the order's lock, each line's units must
 * not exceed what shipped minus what is already returned or being returned.
 * @throws ValidationError (lines[i].lineId / quantity), AppError 409 ORDER_NOT_RETURNABLE.
 */
export async function requestReturn(
  ctx: PaymentsContext,
  orderId: string,
  input: { lines: { lineId: string; quantity: number; reason: string }[]; note?: string; actor: OrderActor },
): Promise<ReturnRow> {
  if (input.lines.length === 0)
    throw new ValidationError([{ field: "lines", message: "choose at least one item to return" }]);
  return ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!returnable.includes(order.status)) {
      throw new AppError(409, "ORDER_NOT_RETURNABLE", "Items can be returned once they have shipped.");
    }
    const { lines } = await getOrderWithLines(tx, orderId);
    const pending = (await returnsOfOrder(tx, orderId)).filter((r) =>
      ["requested", "approved"].includes(r.status),
    );
    input.lines.forEach((wanted, i) => {
      const line = lines.find((l) => l.id === wanted.lineId);
      if (!line)
        throw new ValidationError([{ field: `lines[${i}].lineId`, message: "not a line of this order" }]);
      const inFlight = pending
        .flatMap((r) => r.lines)
        .filter((l) => l.lineId === line.id)
        .reduce((s, l) => s + l.quantity, 0);
      const left = line.fulfilledQuantity - line.returnedQuantity - inFlight;
      if (!Number.isSafeInteger(wanted.quantity) || wanted.quantity < 1 || wanted.quantity > left) {
        throw new ValidationError([
          {
            field: `lines[${i}].quantity`,
            message: left > 0 ? `between 1 and ${left}` : "nothing left to return on this line",
          },
        ]);
      }
    });
    const rma = await insertReturn(tx, {
      orderId,
      orderNumber: order.number,
      lines: input.lines,
      customerNote: input.note ?? "",
    });
    await addOrderEvent(tx, orderId, "return.requested", `Return ${rma.number} requested`, input.actor, {
      returnId: rma.id,
    });
    await enqueue(tx, "return.requested", { orderId, returnId: rma.id });
    return rma;
  });
}

/** Staff accept (the customer may send the items) or refuse a requested return. */
export async function decideReturn(
  ctx: PaymentsContext,
  returnId: string,
  input: { approve: boolean; note?: string; actor: OrderActor },
): Promise<ReturnRow> {
  return ctx.db.transaction(async (tx) => {
    const rma = await lockReturn(tx, returnId);
    const updated = await transitionReturn(tx, returnId, ["requested"], {
      status: input.approve ? "approved" : "rejected",
      staffNote: input.note ?? "",
    });
    if (!updated) throw new AppError(409, "RETURN_NOT_REQUESTED", `Return ${rma.number} is ${rma.status}.`);
    const topic = input.approve ? "return.approved" : "return.rejected";
    await addOrderEvent(
      tx,
      rma.orderId,
      topic,
      `Return ${rma.number} ${input.approve ? "approved" : "rejected"}`,
      input.actor,
      { returnId },
    );
    await enqueue(tx, topic, { orderId: rma.orderId, returnId });
    return updated;
  });
}

/**
 * Staff receive an approved return: the order's lines count the units as returned, the units go back
 * on the shelf when `restock` is set, and (unless `refund` is false) the customer is refunded what they
 * paid for those units: each line's total (after discounts, with tax) split by largest remainder over
 * its units, so returning every unit refunds exactly the line total. Units already refunded (item by
 * item) are not paid again: a return pays for at most the line's units not yet refunded.
 * @throws AppError 409 RETURN_NOT_APPROVED, and the refund's errors.
 */
export async function receiveReturn(
  ctx: PaymentsContext,
  returnId: string,
  input: { restock: boolean; refund: boolean; actor: OrderActor },
): Promise<ReturnRow> {
  const received = await ctx.db.transaction(async (tx) => {
    const rma = await lockReturn(tx, returnId);
    await lockOrder(tx, rma.orderId);
    const { lines } = await getOrderWithLines(tx, rma.orderId);
    let amount = 0;
    const paid: RefundLineInput[] = [];
    for (const r of rma.lines) {
      const line = lines.find((l) => l.id === r.lineId)!;
      // Units refunded before (item by item, or by an earlier return) are not paid twice: the return
      // pays for at most the line's units not refunded yet, taking their next shares (unitShares).
      const units = Math.min(r.quantity, Math.max(line.quantity - line.refundedQuantity, 0));
      if (units > 0) {
        amount += unitShares(line)
          .slice(line.refundedQuantity, line.refundedQuantity + units)
          .reduce((s, x) => s + x, 0);
        paid.push({ lineId: line.id, quantity: units, restock: false, shipped: true });
      }
      if (input.restock) await restockUnits(tx, rma.orderId, line.variantId, r.quantity);
    }
    const updated = await transitionReturn(tx, returnId, ["approved"], {
      status: "received",
      restocked: input.restock,
      refundAmount: input.refund ? amount : 0,
    });
    if (!updated)
      throw new AppError(
        409,
        "RETURN_NOT_APPROVED",
        `Return ${rma.number} is ${rma.status}; approve it first.`,
      );
    await addReturnedQuantities(tx, rma.lines);
    await addOrderEvent(
      tx,
      rma.orderId,
      "return.received",
      `Return ${rma.number} received${input.restock ? " and restocked" : ""}`,
      input.actor,
      {
        returnId,
      },
    );
    await enqueue(tx, "return.received", { orderId: rma.orderId, returnId });
    return { rma: updated, amount, paid };
  });
  if (!input.refund || received.amount === 0) return received.rma;
  // Refunded by its lines, so the units count as refunded and a later refund cannot pay for them again.
  await refundOrder(ctx, received.rma.orderId, {
    lines: received.paid,
    reason: "requested_by_customer",
    note: `Return ${received.rma.number}`,
    actor: input.actor,
    requestKey: `return_${returnId}`,
  });
  return ctx.db.transaction(async (tx) => {
    const done = await transitionReturn(tx, returnId, ["received"], { status: "refunded" });
    return done ?? received.rma;
  });
}
