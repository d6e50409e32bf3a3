import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Staff edit an order's items before it ships (re-pricing, stock, payment difference) and refund items
 * one by one with a restock choice, through the admin API on real orders placed by the checkout.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Record<string, string>;
let owner: string;
let n = 0;

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  await seedShop(t.ctx);
  await upsertProduct(t.ctx.db, {
    sku: "LAMP",
    type: "simple",
    name: "Camp Lamp",
    currency: "USD",
    categorySlugs: ["gear"],
    variants: [{ sku: "LAMP", priceAmount: 4000, stockQuantity: 2, weightGrams: 500 }],
  });
  v = await variantIds(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const staff = (method: "GET" | "POST", url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: owner, origin: t.ctx.config.publicUrl, ...headers },
    ...(payload ? { payload } : {}),
  });

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const level = async (sku: string) => {
  const [row] = await rows<{ stocked_quantity: number; reserved_quantity: number }>(
    `select stocked_quantity, reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = '${sku}'`,
  );
  return { stocked: Number(row!.stocked_quantity), reserved: Number(row!.reserved_quantity) };
};

async function paidOrder(lines: { variantId: string; quantity: number }[]) {
  n++;
  const guest = new GuestShopper(t.app);
  await guest.readyCart(lines, `editor${n}@example.com`);
  const response = await guest.checkout(`edit-${n}`);
  expect(response.statusCode, response.body).toBe(201);
  return (await staff("GET", `/api/admin/orders/${response.json().id}`)).json();
}

type Line = { id: string; sku: string; total: number; quantity: number; refundedQuantity: number };
const lineOf = (order: { lines: Line[] }, sku: string) => order.lines.find((l) => l.sku === sku)!;
const preview = (id: string, changes: object[]) =>
  staff("POST", `/api/admin/orders/${id}/edit/preview`, { changes });
const save = (id: string, changes: object[], version: number, headers: Record<string, string> = {}) =>
  staff(
    "POST",
    `/api/admin/orders/${id}/edit`,
    { changes, note: "customer called" },
    {
      "if-match": `"${version}"`,
      ...headers,
    },
  );

describe("editing an order before it ships", () => {
  it("adds a variant at today's price with tax, reserves its stock; the preview is what the save gives; a higher total is a balance due; audited", async () => {
    const order = await paidOrder([{ variantId: v.MUG!, quantity: 1 }]);
    // 1250 + 6 % Michigan tax 75 + shipping 1500 (table rate under 5000).
    expect(order.totals).toMatchObject({ subtotal: 1250, taxTotal: 75, shippingTotal: 1500, total: 2825 });
    const tee = await level("TEE-S");
    const changes = [{ type: "add", variantId: v["TEE-S"], quantity: 2 }];

    const previewed = await preview(order.id, changes);
    expect(previewed.statusCode, previewed.body).toBe(200);
    const plan = previewed.json();
    expect(plan.after.lines.find((l: { sku: string }) => l.sku === "TEE-S")).toMatchObject({
      lineId: null,
      quantity: 2,
      unitPrice: 2900,
      subtotal: 5800,
      tax: 348,
      total: 6148,
    });
    expect(plan.after.totals).toMatchObject({
      subtotal: 7050,
      taxTotal: 423,
      shippingTotal: 1500,
      total: 8973,
    });
    expect(plan).toMatchObject({ difference: 6148, paidTotal: 2825, refundDue: 0, balanceDue: 6148 });
    expect(plan.stock).toEqual([{ variantId: v["TEE-S"], sku: "TEE-S", quantity: 2 }]);
    // Nothing saved by the preview.
    expect(await level("TEE-S")).toEqual(tee);

    const saved = await save(order.id, changes, order.version);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe(`"${order.version + 1}"`);
    const { order: after, edit } = saved.json();
    expect(edit).toMatchObject({
      version: order.version + 1,
      difference: 6148,
      balanceDue: 6148,
      refund: null,
    });
    expect(after.version).toBe(order.version + 1);
    expect(after.totals).toMatchObject({ ...plan.after.totals, paidTotal: 2825 });
    expect(after.totals.total - after.totals.paidTotal).toBe(6148);
    expect(lineOf(after, "TEE-S")).toMatchObject({ quantity: 2, unitPrice: 2900, tax: 348, total: 6148 });
    expect(after.refunds).toHaveLength(0);
    expect(await level("TEE-S")).toEqual({ stocked: tee.stocked, reserved: tee.reserved + 2 });

    const entry = after.timeline.find((e: { type: string }) => e.type === "order.edited");
    expect(entry.data).toMatchObject({
      currency: "USD",
      difference: 6148,
      before: { totals: { total: 2825 } },
      after: { totals: { total: 8973 } },
    });
    const [audit] = await rows<{
      metadata: { changes: Record<string, { before: unknown; after: unknown }> };
    }>(`select metadata from audit_events where action = 'order.edit' and target_id = '${order.id}'`);
    expect(audit!.metadata.changes.total).toEqual({ before: 2825, after: 8973 });
    expect(audit!.metadata.changes.lines!.before).toHaveLength(1);
    expect(audit!.metadata.changes.lines!.after).toHaveLength(2);
    const events = await rows<{ payload: { orderId: string } }>(
      `select payload from outbox_events where topic = 'order.edited'`,
    );
    expect(events.map((e) => e.payload.orderId)).toContain(order.id);
  });

  it("changes a quantity and removes a line (stock released); the lower total is refunded once, however often the edit is retried", async () => {
    const order = await paidOrder([
      { variantId: v.MUG!, quantity: 3 },
      { variantId: v["TEE-M"]!, quantity: 1 },
    ]);
    const mug = await level("MUG");
    const tee = await level("TEE-M");
    const changes = [
      { type: "set_quantity", lineId: lineOf(order, "MUG").id, quantity: 1 },
      { type: "remove", lineId: lineOf(order, "TEE-M").id },
    ];
    const plan = (await preview(order.id, changes)).json();
    // One mug and its tax, shipping kept as charged.
    const newTotal = 1250 + 75 + order.totals.shippingTotal;
    expect(plan.after.totals.total).toBe(newTotal);
    expect(plan.refundDue).toBe(order.totals.total - newTotal);

    const first = await save(order.id, changes, order.version, { "idempotency-key": "edit-once" });
    expect(first.statusCode, first.body).toBe(200);
    const { order: after, edit } = first.json();
    expect(edit.refund).toMatchObject({ amount: plan.refundDue, status: "succeeded" });
    expect(after.lines).toHaveLength(1);
    expect(after.totals).toMatchObject({ ...plan.after.totals, paidTotal: newTotal });
    expect(after.refunds).toHaveLength(1);
    expect(await level("MUG")).toEqual({ stocked: mug.stocked, reserved: mug.reserved - 2 });
    expect(await level("TEE-M")).toEqual({ stocked: tee.stocked, reserved: tee.reserved - 1 });

    // The same request again (a retry after a lost answer): the saved edit is answered, nothing twice.
    const again = await save(order.id, changes, order.version, { "idempotency-key": "edit-once" });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().edit).toMatchObject({ replayed: true, refund: { id: edit.refund.id } });
    expect(again.json().order.refunds).toHaveLength(1);
    expect(again.json().order.totals.paidTotal).toBe(newTotal);
    // Without the key, the old version is stale: still one refund.
    const stale = await save(order.id, changes, order.version);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    const final = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(final.refunds).toHaveLength(1);
    expect(await level("MUG")).toEqual({ stocked: mug.stocked, reserved: mug.reserved - 2 });
  });

  it("re-evaluates the order's coupon: an order-wide 10 % also covers an added item", async () => {
    n++;
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG!, quantity: 1 }], `coupon${n}@example.com`, "TEN");
    const placed = await guest.checkout(`edit-coupon-${n}`);
    expect(placed.statusCode, placed.body).toBe(201);
    const order = (await staff("GET", `/api/admin/orders/${placed.json().id}`)).json();
    expect(order.totals.discountTotal).toBe(125);
    const saved = await save(order.id, [{ type: "add", variantId: v["TEE-S"], quantity: 1 }], order.version);
    expect(saved.statusCode, saved.body).toBe(200);
    const after = saved.json().order;
    expect(lineOf(after, "TEE-S")).toMatchObject({ unitPrice: 2900, discount: 290, tax: 157, total: 2767 });
    expect(lineOf(after, "MUG")).toMatchObject({ discount: 125 });
    expect(after.totals.discountTotal).toBe(415);
    expect(after.promotions).toMatchObject([{ code: "TEN", amount: 415 }]);
  });

  it("finds items to add through the order: priced in its currency, with stock, marking what is on it", async () => {
    const order = await paidOrder([{ variantId: v["TEE-S"]!, quantity: 1 }]);
    const found = await staff("GET", `/api/admin/orders/${order.id}/items-to-add?q=tee`);
    expect(found.statusCode, found.body).toBe(200);
    const items = found.json().items as {
      sku: string;
      onOrder: boolean;
      unitPrice: number;
      availableQuantity: number;
    }[];
    expect(items.map((i) => i.sku)).toEqual(expect.arrayContaining(["TEE-S", "TEE-M"]));
    expect(items.find((i) => i.sku === "TEE-S")).toMatchObject({ onOrder: true, unitPrice: 2900 });
    const m = items.find((i) => i.sku === "TEE-M")!;
    expect(m).toMatchObject({ onOrder: false, unitPrice: 2900 });
    expect(m.availableQuantity).toBe((await level("TEE-M")).stocked - (await level("TEE-M")).reserved);
    const bySku = (await staff("GET", `/api/admin/orders/${order.id}/items-to-add?q=lamp`)).json();
    expect(bySku.items.map((i: { sku: string }) => i.sku)).toEqual(["LAMP"]);
    const short = await staff("GET", `/api/admin/orders/${order.id}/items-to-add?q=t`);
    expect(short.statusCode).toBe(400);
    expect(short.json().errors[0].field).toBe("q");
    const unknown = await staff("GET", "/api/admin/orders/ord_nope/items-to-add?q=tee");
    expect(unknown.statusCode).toBe(404);
  });

  it("refuses bad input naming the field, unknown orders, stale versions and shipped orders", async () => {
    const order = await paidOrder([{ variantId: v.MUG!, quantity: 2 }]);
    const mugLine = lineOf(order, "MUG").id;
    const field = async (changes: object[]) => {
      const r = await save(order.id, changes, order.version);
      expect(r.statusCode, r.body).toBe(400);
      return r.json().errors[0];
    };
    expect(await field([{ type: "add", variantId: "var_nope", quantity: 1 }])).toMatchObject({
      field: "changes[0].variantId",
    });
    expect(await field([{ type: "set_quantity", lineId: mugLine, quantity: 0 }])).toMatchObject({
      field: "changes[0].quantity",
    });
    expect(await field([{ type: "add", variantId: v["TEE-S"], quantity: -2 }])).toMatchObject({
      field: "changes[0].quantity",
    });
    expect(await field([{ type: "remove", lineId: "oli_not_on_this_order" }])).toMatchObject({
      field: "changes[0].lineId",
    });
    expect(await field([{ type: "remove", lineId: mugLine }])).toMatchObject({ field: "changes" });
    expect(
      (await preview(order.id, [{ type: "add", variantId: v.MUG, quantity: 1 }])).json().errors[0],
    ).toMatchObject({
      field: "changes[0].variantId",
    });

    const unknown = await save("ord_missing", [{ type: "remove", lineId: mugLine }], 1);
    expect(unknown.statusCode).toBe(404);
    expect((await preview("ord_missing", [{ type: "remove", lineId: mugLine }])).statusCode).toBe(404);

    const stale = await save(
      order.id,
      [{ type: "set_quantity", lineId: mugLine, quantity: 3 }],
      order.version + 5,
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");

    const shipped = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    expect(shipped.statusCode, shipped.body).toBe(201);
    const refused = await save(
      order.id,
      [{ type: "set_quantity", lineId: mugLine, quantity: 3 }],
      order.version,
    );
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("ORDER_NOT_EDITABLE");
    const after = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(after.version).toBe(order.version);
    expect(lineOf(after, "MUG").quantity).toBe(2);
  });

  it("refuses to add more than is in stock with 409 OUT_OF_STOCK naming the change, and changes nothing", async () => {
    const order = await paidOrder([{ variantId: v.MUG!, quantity: 1 }]);
    const lamp = await level("LAMP");
    const mug = await level("MUG");
    const changes = [
      { type: "set_quantity", lineId: lineOf(order, "MUG").id, quantity: 4 },
      { type: "add", variantId: v.LAMP, quantity: 3 },
    ];
    expect((await preview(order.id, changes)).json().shortages).toEqual([
      { field: "changes[1]", variantId: v.LAMP, sku: "LAMP", requested: 3, available: 2 },
    ]);
    const refused = await save(order.id, changes, order.version);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: "OUT_OF_STOCK",
      errors: [{ field: "changes[1]", message: "LAMP: 2 available, 3 more requested" }],
    });
    const after = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(after).toMatchObject({ version: order.version, totals: order.totals });
    expect(after.lines).toHaveLength(1);
    expect(await level("LAMP")).toEqual(lamp);
    expect(await level("MUG")).toEqual(mug);
  });
});

describe("refunding items one by one", () => {
  const refund = (id: string, body: object, key: string) =>
    staff(
      "POST",
      `/api/admin/orders/${id}/refunds`,
      { reason: "requested_by_customer", ...body },
      {
        "idempotency-key": key,
      },
    );

  it("an unshipped unit refunded with restock releases its reservation; the amount is its share of the line total", async () => {
    const order = await paidOrder([{ variantId: v["TEE-S"]!, quantity: 2 }]);
    const line = lineOf(order, "TEE-S");
    const before = await level("TEE-S");
    const r = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: true }] }, "u1");
    expect(r.statusCode, r.body).toBe(200);
    const after = r.json();
    expect(after.refunds[0]).toMatchObject({
      amount: Math.ceil(line.total / 2),
      status: "succeeded",
      lines: [{ lineId: line.id, quantity: 1, restock: true }],
    });
    expect(lineOf(after, "TEE-S").refundedQuantity).toBe(1);
    expect(await level("TEE-S")).toEqual({ stocked: before.stocked, reserved: before.reserved - 1 });
    const [audit] = await rows<{ metadata: { changes: Record<string, unknown> } }>(
      `select metadata from audit_events where action = 'order.refund' and target_id = '${order.id}'`,
    );
    expect(audit!.metadata.changes.refundedQuantities).toEqual({
      before: { [line.id]: 0 },
      after: { [line.id]: 1 },
    });
  });

  it("a refunded unit is not a balance due: editing afterwards asks only for what was added", async () => {
    const order = await paidOrder([{ variantId: v["TEE-S"]!, quantity: 2 }]);
    const line = lineOf(order, "TEE-S");
    const refunded = await refund(
      order.id,
      { lines: [{ lineId: line.id, quantity: 1, restock: true }] },
      "u-bal",
    );
    expect(refunded.statusCode, refunded.body).toBe(200);
    const plan = (await preview(order.id, [{ type: "add", variantId: v.MUG, quantity: 1 }])).json();
    // The mug's line (1250 + 6 % tax) is all that is owed; the refunded tee is not asked for again.
    expect(plan).toMatchObject({ difference: 1325, refundDue: 0, balanceDue: 1325 });
  });

  it("shipped units: one back on the shelf with a ledger entry, the other not; the two refunds add up to the line total exactly; no over-refund", async () => {
    const order = await paidOrder([{ variantId: v.MUG!, quantity: 3 }]);
    const line = lineOf(order, "MUG");
    await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    const shipped = await level("MUG");

    const one = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: true }] }, "s1");
    expect(one.statusCode, one.body).toBe(200);
    expect(await level("MUG")).toEqual({ stocked: shipped.stocked + 1, reserved: shipped.reserved });
    const ledger = await rows<{ reason: string; delta: number }>(
      `select reason, delta from stock_adjustments where variant_id = '${v.MUG}' and note = 'Order ${order.id}' order by id`,
    );
    expect(ledger.at(-1)).toMatchObject({ reason: "restock", delta: 1 });

    const tooMany = await refund(
      order.id,
      { lines: [{ lineId: line.id, quantity: 3, restock: false }] },
      "s2",
    );
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0]).toMatchObject({
      field: "lines[0].quantity",
      message: "between 1 and 2",
    });
    const tooMuch = await refund(
      order.id,
      { lines: [{ lineId: line.id, quantity: 1, restock: false }], amount: line.total },
      "s3",
    );
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().errors[0].field).toBe("amount");

    const rest = await refund(
      order.id,
      { lines: [{ lineId: line.id, quantity: 2, restock: false }], shipping: order.totals.shippingTotal },
      "s4",
    );
    expect(rest.statusCode, rest.body).toBe(200);
    const after = rest.json();
    expect(await level("MUG")).toEqual({ stocked: shipped.stocked + 1, reserved: shipped.reserved });
    expect(lineOf(after, "MUG").refundedQuantity).toBe(3);
    const amounts = after.refunds.map((x: { amount: number }) => x.amount);
    expect(amounts[0] + amounts[1] - order.totals.shippingTotal).toBe(line.total);
    expect(after.totals.refundedTotal).toBe(order.totals.total);
    expect(after.paymentStatus).toBe("refunded");

    const over = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: true }] }, "s5");
    expect(over.statusCode).toBe(400);
    expect(over.json().errors[0].field).toBe("lines[0].quantity");
    const noShipping = await refund(order.id, { shipping: 1 }, "s6");
    expect(noShipping.statusCode).toBe(400);
    expect(noShipping.json().errors[0].field).toBe("shipping");
  });

  it("a unit refunded before it ships never ships: written off without restock, and shipping sends only the rest", async () => {
    const order = await paidOrder([{ variantId: v["TEE-M"]!, quantity: 2 }]);
    const line = lineOf(order, "TEE-M");
    const before = await level("TEE-M");
    const r = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: false }] }, "w1");
    expect(r.statusCode, r.body).toBe(200);
    expect(lineOf(r.json(), "TEE-M")).toMatchObject({ refundedQuantity: 1, cancelledQuantity: 1 });
    // Not restocked: the unit leaves the stock (no reservation is held for a unit that will not ship).
    expect(await level("TEE-M")).toEqual({ stocked: before.stocked - 1, reserved: before.reserved - 1 });
    const ledger = await rows<{ reason: string; delta: number }>(
      `select reason, delta from stock_adjustments where variant_id = '${v["TEE-M"]}' and note = 'Order ${order.id}' order by id`,
    );
    expect(ledger.at(-1)).toMatchObject({ reason: "written_off", delta: -1 });

    const shipped = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    expect(shipped.statusCode, shipped.body).toBe(201);
    const after = shipped.json();
    expect(after.status).toBe("shipped");
    expect(after.fulfillments.at(-1).lines).toEqual([{ lineId: line.id, quantity: 1 }]);
    expect(lineOf(after, "TEE-M")).toMatchObject({ fulfilledQuantity: 1, refundedQuantity: 1 });
    expect(await level("TEE-M")).toEqual({ stocked: before.stocked - 2, reserved: before.reserved - 2 });
  });

  it("refunding the units left to ship of a partly shipped order (restocked) completes its shipping", async () => {
    const order = await paidOrder([{ variantId: v["TEE-M"]!, quantity: 3 }]);
    const line = lineOf(order, "TEE-M");
    const part = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, {
      carrier: "ups",
      lines: [{ lineId: line.id, quantity: 1 }],
    });
    expect(part.json().status).toBe("partially_shipped");
    const before = await level("TEE-M");
    const tooMany = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, {
      carrier: "ups",
      lines: [{ lineId: line.id, quantity: 3 }],
    });
    expect(tooMany.json().errors[0]).toMatchObject({
      field: "lines[0].quantity",
      message: "between 1 and 2",
    });

    const r = await refund(order.id, { lines: [{ lineId: line.id, quantity: 2, restock: true }] }, "p1");
    expect(r.statusCode, r.body).toBe(200);
    // The two unshipped units go back on sale (reservation released); the order has shipped all it will.
    expect(await level("TEE-M")).toEqual({ stocked: before.stocked, reserved: before.reserved - 2 });
    expect(r.json()).toMatchObject({ status: "shipped", fulfillmentStatus: "fulfilled" });
    const again = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    expect(again.statusCode).toBe(409);
  });

  it("a return pays only for units not refunded before, so no unit is refunded twice", async () => {
    const order = await paidOrder([{ variantId: v.MUG!, quantity: 2 }]);
    const line = lineOf(order, "MUG");
    await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    // A goodwill refund of one shipped mug, which the customer keeps for now.
    const goodwill = await refund(
      order.id,
      { lines: [{ lineId: line.id, quantity: 1, restock: false }] },
      "g1",
    );
    expect(goodwill.statusCode, goodwill.body).toBe(200);
    expect(lineOf(goodwill.json(), "MUG")).toMatchObject({ refundedQuantity: 1, cancelledQuantity: 0 });
    const { decideReturn, receiveReturn, requestReturn } = await import(
      "../src/modules/orders/orders.returns.ts"
    );
    const rma = await requestReturn(t.ctx, order.id, {
      lines: [{ lineId: line.id, quantity: 2, reason: "changed my mind" }],
      actor: "customer",
    });
    await decideReturn(t.ctx, rma.id, { approve: true, actor: "staff:test" });
    const received = await receiveReturn(t.ctx, rma.id, { restock: true, refund: true, actor: "staff:test" });
    const shares = [Math.ceil(line.total / 2), Math.floor(line.total / 2)];
    // Only the second mug's share is paid: the first was refunded already.
    expect(received).toMatchObject({ status: "refunded", refundAmount: shares[1] });
    const after = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(lineOf(after, "MUG")).toMatchObject({ refundedQuantity: 2, returnedQuantity: 2 });
    expect(after.totals.refundedTotal).toBe(line.total);
    const more = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: false }] }, "g2");
    expect(more.statusCode).toBe(400);
    expect(more.json().errors[0]).toMatchObject({
      field: "lines[0].quantity",
      message: "every unit of this line is already refunded",
    });
  });

  it("a refund the provider refuses leaves refunded quantities and stock untouched", async () => {
    const order = await paidOrder([{ variantId: v["TEE-M"]!, quantity: 2 }]);
    const line = lineOf(order, "TEE-M");
    // Refunded in the provider's dashboard without telling us: the provider has nothing left to refund.
    const provider = await t.ctx.payments.provider(t.ctx.db, "test");
    await provider.refund(order.payments[0].reference, order.totals.total, "other", "outside-the-shop");
    const before = await level("TEE-M");

    const r = await refund(order.id, { lines: [{ lineId: line.id, quantity: 1, restock: true }] }, "f1");
    expect(r.statusCode).toBe(502);
    expect(r.json().code).toBe("REFUND_FAILED");
    const after = (await staff("GET", `/api/admin/orders/${order.id}`)).json();
    expect(lineOf(after, "TEE-M").refundedQuantity).toBe(0);
    expect(after.refunds).toMatchObject([{ status: "failed" }]);
    expect(after.totals).toMatchObject({ paidTotal: order.totals.total, refundedTotal: 0 });
    expect(await level("TEE-M")).toEqual(before);
  });
});
