import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfilOrder } from "../src/modules/orders/orders.fulfilment.ts";
import { decideReturn, receiveReturn } from "../src/modules/orders/orders.returns.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** Returns (RMA): a guest asks from the order page, staff approve, receive (restock) and refund. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  t = await testApp();
  ({ variants: v } = await seedShop(t.ctx));
});
afterAll(async () => {
  await t?.close();
});

async function stocked(sku: string) {
  const rows = (await t.ctx.db.execute(
    `select stocked_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = '${sku}'`,
  )) as unknown as { rows: { stocked_quantity: number }[] };
  return rows.rows[0]!.stocked_quantity;
}

const lookup = (number: string, email: string) =>
  t.app.inject({ method: "POST", url: "/api/store/orders/lookup", payload: { number, email } });

describe("returns", () => {
  it("a guest returns 2 of 3 shipped mugs: staff approve, receive with restock, and refund exactly those units", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 3 }], "returner@example.com", "TEN");
    const order = (await guest.checkout("ret-1")).json();
    const line = order.lines[0];
    const ask = (quantity: number) =>
      t.app.inject({
        method: "POST",
        url: "/api/store/orders/lookup/returns",
        payload: {
          number: order.number,
          email: "returner@example.com",
          lines: [{ lineId: line.id, quantity, reason: "too small" }],
        },
      });
    const early = await ask(1);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe("ORDER_NOT_RETURNABLE");

    await fulfilOrder(t.ctx, order.id, { carrier: "ups", trackingNumber: "1ZRET", actor: "staff:test" });
    const afterShip = await stocked("MUG");
    const tooMany = await ask(4);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0]).toMatchObject({
      field: "lines[0].quantity",
      message: "between 1 and 3",
    });
    const requested = await ask(2);
    expect(requested.statusCode).toBe(201);
    const rma = requested.json().returns[0];
    expect(rma).toMatchObject({ number: `${order.number}-R1`, status: "requested" });
    // Units being returned cannot be asked for twice.
    expect((await ask(2)).json().errors[0].message).toBe("between 1 and 1");

    await decideReturn(t.ctx, rma.id, { approve: true, actor: "staff:test" });
    const received = await receiveReturn(t.ctx, rma.id, { restock: true, refund: true, actor: "staff:test" });
    // The line total (3 mugs, 10 % off, 6 % tax) split over its 3 units by largest remainder; two shares back.
    const shares = [Math.ceil(line.total / 3), Math.floor(line.total / 3)];
    const expected = line.total % 3 === 2 ? shares[0]! * 2 : shares[0]! + shares[1]!;
    expect(received).toMatchObject({ status: "refunded", restocked: true, refundAmount: expected });
    expect(await stocked("MUG")).toBe(afterShip + 2);

    const after = (await lookup(order.number, "returner@example.com")).json();
    expect(after.lines[0].returnedQuantity).toBe(2);
    expect(after).toMatchObject({ paymentStatus: "partially_refunded", totals: { refundedTotal: expected } });
    expect(after.returns[0].status).toBe("refunded");

    while ((await t.ctx.outbox.runOnce()) > 0) {}
    const mails = (await t.ctx.db.execute(
      `select subject from mail_messages where "to" = 'returner@example.com'`,
    )) as unknown as {
      rows: { subject: string }[];
    };
    expect(mails.rows.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        `Return ${rma.number}: return approved`,
        `Return ${rma.number}: return received`,
        expect.stringMatching(/^Refund of \$/),
      ]),
    );
  });

  it("refuses to receive a return that was not approved, and a rejected return cannot be approved", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v["TEE-S"], quantity: 1 }], "reject@example.com");
    const order = (await guest.checkout("ret-2")).json();
    await fulfilOrder(t.ctx, order.id, { carrier: "usps", actor: "staff:test" });
    const asked = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup/returns",
      payload: {
        number: order.number,
        email: "reject@example.com",
        lines: [{ lineId: order.lines[0].id, quantity: 1, reason: "changed my mind" }],
      },
    });
    const rma = asked.json().returns[0];
    await expect(
      receiveReturn(t.ctx, rma.id, { restock: true, refund: true, actor: "staff:test" }),
    ).rejects.toMatchObject({ code: "RETURN_NOT_APPROVED" });
    await decideReturn(t.ctx, rma.id, {
      approve: false,
      note: "Worn items cannot be returned.",
      actor: "staff:test",
    });
    await expect(decideReturn(t.ctx, rma.id, { approve: true, actor: "staff:test" })).rejects.toMatchObject({
      code: "RETURN_NOT_REQUESTED",
    });
    expect((await lookup(order.number, "reject@example.com")).json().returns[0].status).toBe("rejected");
  });
});
