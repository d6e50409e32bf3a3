import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveHeldOrder, cancelOrder } from "../src/flows/cancel-order.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** Fraud rules: risky orders are only authorized and held for review; staff release or refuse them. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  t = await testApp({ fraud: { velocityPerHour: 4, reviewAmount: 20_000, riskScore: 75 } });
  ({ variants: v } = await seedShop(t.ctx));
});
afterAll(async () => {
  await t?.close();
});

async function order(email: string, quantity: number, key: string) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart([{ variantId: v.MUG, quantity }], email);
  const response = await guest.checkout(key);
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function detail(id: string) {
  const { adminOrderDto } = await import("../src/flows/order-view.ts");
  return adminOrderDto(t.ctx, id);
}

describe("fraud screening", () => {
  it("holds an order above the amount threshold with its payment only authorized; approval captures it", async () => {
    const big = await order("big@example.com", 20, "big-1");
    expect(big).toMatchObject({
      status: "on_hold",
      paymentStatus: "authorized",
      payment: { status: "authorized", capturedAmount: 0 },
    });
    const held = await detail(big.id);
    expect(held.holdReason).toMatch(/above the review threshold 20000/);
    expect(held.timeline.map((e) => e.type)).toContain("order.held");
    await approveHeldOrder(t.ctx, big.id, "staff:test");
    const released = await detail(big.id);
    expect(released).toMatchObject({ status: "processing", paymentStatus: "paid", holdReason: null });
    expect(released.payments[0]).toMatchObject({ status: "captured", capturedAmount: big.totals.total });
  });

  it("holds an order past the hourly velocity (per e-mail or IP); refusing it voids the authorization", async () => {
    // All test requests come from one IP, which already placed the large order above.
    for (let i = 0; i < 3; i++)
      expect((await order("fast@example.com", 1, `fast-${i}`)).status).toBe("processing");
    const fourth = await order("fast@example.com", 1, "fast-3");
    expect(fourth.status).toBe("on_hold");
    expect((await detail(fourth.id)).holdReason).toMatch(/4 orders in the last hour from the same ip/);
    await cancelOrder(t.ctx, fourth.id, { actor: "staff:test", reason: "suspected fraud" });
    expect(await detail(fourth.id)).toMatchObject({ status: "cancelled", paymentStatus: "voided" });
  });
});
