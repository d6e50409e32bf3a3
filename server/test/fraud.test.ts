import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  builtInFraudRules,
  type FraudContext,
  FraudScreen,
  recentOrderCounts,
} from "../src/modules/checkout/checkout.fraud.ts";
import { approveHeldOrder, cancelOrder } from "../src/modules/orders/orders.cancel.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** Fraud rules: risky orders are only authorized and held for review; staff release or refuse them. */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  t = await testApp({
    fraud: { velocity: { email: 4, ip: 4, card: 4 }, reviewAmount: 20_000, riskScore: 75 },
  });
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
  const { adminOrderDto } = await import("../src/modules/orders/orders.view.ts");
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
    expect((await detail(fourth.id)).holdReason).toMatch(
      /4 orders in the last hour from the same IP address/,
    );
    await cancelOrder(t.ctx, fourth.id, { actor: "staff:test", reason: "suspected fraud" });
    expect(await detail(fourth.id)).toMatchObject({ status: "cancelled", paymentStatus: "voided" });
  });

  it("counts recent orders only up to the thresholds, per e-mail and IP", async () => {
    // fast@example.com placed 4 orders above, all from the test IP (with the large order: 5).
    const bounded = new FraudScreen([], { email: 2, ip: 3, card: 0 });
    const input = { email: "fast@example.com", ipAddress: "127.0.0.1", excludeOrderId: null };
    expect(await recentOrderCounts(t.ctx.db, bounded, input)).toEqual({ byEmail: 2, byIp: 3, byCard: 0 });
    const wide = new FraudScreen([], { email: 50, ip: 50, card: 0 });
    expect(await recentOrderCounts(t.ctx.db, wide, input)).toEqual({ byEmail: 4, byIp: 5, byCard: 0 });
    const off = new FraudScreen([], { email: 0, ip: 0, card: 0 });
    expect(await recentOrderCounts(t.ctx.db, off, input)).toEqual({ byEmail: 0, byIp: 0, byCard: 0 });
  });
});

describe("velocity rule", () => {
  const base: FraudContext = {
    email: "a@example.com",
    ipAddress: "10.0.0.1",
    amount: 1000,
    currency: "USD",
    billingCountry: "US",
    shippingCountry: "US",
    cardFingerprint: "fp",
    providerRiskScore: null,
    recent: { byEmail: 0, byIp: 0, byCard: 0 },
  };
  const rules = (velocity: { email: number; ip: number; card: number }) =>
    new FraudScreen(builtInFraudRules({ velocity, reviewAmount: 1_000_000, riskScore: 101 }));

  it("holds at each threshold, names which one, and treats 0 as off", () => {
    const screen = rules({ email: 5, ip: 20, card: 3 });
    expect(screen.assess({ ...base, recent: { byEmail: 4, byIp: 19, byCard: 2 } })).toEqual([]);
    expect(screen.assess({ ...base, recent: { byEmail: 5, byIp: 0, byCard: 0 } })[0]?.message).toBe(
      "5 orders in the last hour from the same e-mail",
    );
    expect(screen.assess({ ...base, recent: { byEmail: 0, byIp: 0, byCard: 3 } })[0]?.message).toBe(
      "3 orders in the last hour from the same card",
    );
    const ipOff = rules({ email: 5, ip: 0, card: 3 });
    expect(ipOff.assess({ ...base, recent: { byEmail: 0, byIp: 10_000, byCard: 0 } })).toEqual([]);
  });
});
