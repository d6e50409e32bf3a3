import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** Pickup orders: the shopper collects the order, so staff mark it ready and then collected, never ship it. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let owner: string;

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
});
afterAll(async () => {
  await t?.close();
});

const staff = (method: "GET" | "POST", url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: owner, origin: t.ctx.config.publicUrl },
    ...(payload ? { payload } : {}),
  });

async function rows<T>(query: string): Promise<T[]> {
  return ((await t.ctx.db.execute(query)) as unknown as { rows: T[] }).rows;
}
const onHand = async (sku: string) =>
  (
    await rows<{ stocked_quantity: number; reserved_quantity: number }>(
      `select stocked_quantity, reserved_quantity from inventory_levels il join variants v on v.id = il.variant_id where v.sku = '${sku}'`,
    )
  )[0]!;

/** A paid guest order; with `pickup` the shopper chooses the shop's pickup method. */
async function paidOrder(email: string, pickup: boolean) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], email);
  if (pickup) {
    const cart = (await guest.call("GET", "/api/store/cart")).json();
    const option = cart.shippingOptions.find((o: { type: string }) => o.type === "pickup");
    expect(option).toMatchObject({ pickupAddress: "1 Main St, Detroit", amount: 0 });
    const chosen = await guest.call("PUT", "/api/store/cart/shipping-method", {
      shippingMethodId: option.id,
    });
    expect(chosen.statusCode).toBe(200);
  }
  const response = await guest.checkout(`k-${email}`);
  expect(response.statusCode).toBe(201);
  return { order: response.json(), guest };
}

describe("pickup orders", () => {
  it("are made ready and collected, with e-mails saying where, and never get a carrier form", async () => {
    const before = await onHand("MUG");
    const { order, guest } = await paidOrder("collector@example.com", true);
    expect(order.shippingMethod).toMatchObject({ type: "pickup", pickupAddress: "1 Main St, Detroit" });

    // Shipping it with a carrier is refused: there is no parcel.
    const ship = await staff("POST", `/api/admin/orders/${order.id}/fulfillments`, { carrier: "ups" });
    expect(ship.statusCode).toBe(409);
    expect(ship.json().code).toBe("PICKUP_ORDER");
    // Collected before it was ready: refused.
    expect((await staff("POST", `/api/admin/orders/${order.id}/picked-up`)).statusCode).toBe(409);

    const ready = await staff("POST", `/api/admin/orders/${order.id}/ready-for-pickup`);
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready_for_pickup", fulfillmentStatus: "fulfilled" });
    expect(ready.json().fulfillments).toEqual([
      expect.objectContaining({ carrier: "pickup", status: "ready_for_pickup", trackingNumber: null }),
    ]);
    // The goods left the shelf: on hand and reserved both dropped by 2.
    const after = await onHand("MUG");
    expect(after.stocked_quantity).toBe(before.stocked_quantity - 2);
    expect(after.reserved_quantity).toBe(before.reserved_quantity);
    // Twice is refused, not done twice.
    expect((await staff("POST", `/api/admin/orders/${order.id}/ready-for-pickup`)).statusCode).toBe(409);

    // The shopper sees where to collect it.
    const seen = (
      await guest.call("POST", "/api/store/orders/lookup", {
        number: order.number,
        email: "collector@example.com",
      })
    ).json();
    expect(seen).toMatchObject({
      status: "ready_for_pickup",
      shippingMethod: { type: "pickup", pickupAddress: "1 Main St, Detroit" },
    });

    const collected = await staff("POST", `/api/admin/orders/${order.id}/picked-up`);
    expect(collected.statusCode).toBe(200);
    expect(collected.json()).toMatchObject({ status: "delivered", fulfillmentStatus: "delivered" });
    expect(collected.json().fulfillments[0]).toMatchObject({ status: "picked_up" });
    expect(collected.json().fulfillments[0].deliveredAt).toEqual(expect.any(String));
    expect(collected.json().timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["order.ready_for_pickup", "order.picked_up"]),
    );

    while ((await t.ctx.outbox.runOnce()) > 0) {}
    const mails = await rows<{ subject: string; text: string }>(
      `select subject, text from mail_messages where "to" = 'collector@example.com' order by created_at`,
    );
    const subjects = mails.map((m) => m.subject);
    expect(subjects).toEqual(
      expect.arrayContaining([
        `Order ${order.number} confirmed`,
        `Order ${order.number} is ready for pickup`,
        `Order ${order.number} collected`,
      ]),
    );
    expect(subjects.some((s) => s.includes("shipped"))).toBe(false);
    const readyMail = mails.find((m) => m.subject.endsWith("ready for pickup"))!;
    expect(readyMail.text).toContain("Pickup at: 1 Main St, Detroit");
    expect(mails.find((m) => m.subject.endsWith("confirmed"))!.text).toContain(
      "Pickup at: 1 Main St, Detroit",
    );

    const audit = await rows<{ action: string }>(
      `select action from audit_events where target_id = '${order.id}' order by created_at`,
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["order.ready_for_pickup", "order.picked_up"]),
    );
  });

  it("refuses pickup steps on an order that ships, and on an unknown order", async () => {
    const { order } = await paidOrder("shipper@example.com", false);
    const ready = await staff("POST", `/api/admin/orders/${order.id}/ready-for-pickup`);
    expect(ready.statusCode).toBe(409);
    expect(ready.json().code).toBe("NOT_A_PICKUP_ORDER");
    expect((await staff("POST", "/api/admin/orders/ord_nope/ready-for-pickup")).statusCode).toBe(404);
    expect((await staff("POST", "/api/admin/orders/ord_nope/picked-up")).statusCode).toBe(404);
  });
});
