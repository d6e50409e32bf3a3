import { sql } from "drizzle-orm";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPayouts } from "../src/flows/payouts/index.ts";
import { syncOrderLedger } from "../src/modules/orders/index.ts";
import { paymentsOfOrder, upsertDispute } from "../src/modules/payments/index.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { type FakeStripe, startFakeStripe, stripeEvent, stripeWebhook } from "./fakes/stripe-server.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let stripe: FakeStripe;
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};
const vendorIds: Record<string, string> = {};
let ids: Record<string, string>;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(
  method: string,
  url: string,
  who: string | null,
  payload?: object,
  headers: Record<string, string> = {},
) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}), ...headers },
    remoteAddress: `198.18.${Math.floor(n / 250) % 250}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

const sumOf = async (q: ReturnType<typeof sql>) =>
  Number((await queryRows<{ s: string | null }>(t.ctx.db, q))[0]?.s ?? 0);

beforeAll(async () => {
  stripe = await startFakeStripe();
  t = await testApp({
    adminEmail: "owner@shop.test",
    adminPassword: "correct horse battery staple",
    stripe: {
      secretKey: stripe.secretKey,
      publishableKey: "pk_test_x",
      webhookSecret: "whsec_x",
      apiBase: stripe.url,
    },
  });
  origin = t.ctx.config.publicUrl;
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  cookies.staff = cookieOf(
    await call("POST", "/api/auth/sign-in/email", null, {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    }),
  );
  for (const [key, slug] of [
    ["A", "alpine"],
    ["B", "bayside"],
  ] as const) {
    vendorIds[key] = (
      await call("POST", "/api/admin/vendors", "staff", { name: `Vendor ${key}`, slug })
    ).json().id;
    const who = key.toLowerCase();
    cookies[who] = cookieOf(
      await call("POST", "/api/auth/sign-up/email", null, {
        name: who,
        email: `${who}@v.test`,
        password: "tidy-pelican-7720",
      }),
    );
    await call("POST", `/api/admin/vendors/${vendorIds[key]}/members`, "staff", {
      email: `${who}@v.test`,
      role: "owner",
    });
    const product = await call("POST", "/api/vendor/products", who, {
      type: "simple",
      sku: `${key}-ITEM`,
      name: `Item of ${key}`,
      status: "active",
      currency: "USD",
      variants: [
        {
          sku: `${key}-ITEM`,
          priceAmount: key === "A" ? 1999 : 3450,
          weightGrams: 300,
          initialStock: 10_000,
        },
      ],
    });
    expect(product.statusCode, product.body).toBe(201);
  }
  // A is paid by bank transfer; B through Stripe Connect (onboarded).
  await t.ctx.db.execute(sql`update vendors set payout_method = 'bank_transfer' where id = ${vendorIds.A}`);
  await t.ctx.db.execute(
    sql`update vendors set payout_method = 'stripe_connect', stripe_account_id = 'acct_bayside', stripe_payouts_enabled = true where id = ${vendorIds.B}`,
  );
  ids = await variantIds(t.ctx);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await stripe?.close();
});

async function placeOrder(lines: { sku: string; quantity: number }[], key: string) {
  const shopper = new GuestShopper(t.app);
  await shopper.readyCart(
    lines.map((l) => ({ variantId: ids[l.sku]!, quantity: l.quantity })),
    `${key}@example.com`,
  );
  const res = await shopper.checkout(key);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; number: string; lines: { id: string; sku: string; quantity: number }[] };
}

/** The ledger's promises for one order, checked against the order's own figures. */
async function checkOrderInvariants(orderId: string) {
  const [order] = await queryRows<{ paid_total: string; refunded_total: string }>(
    t.ctx.db,
    sql`select paid_total, refunded_total from orders where id = ${orderId}`,
  );
  const captured = Number(order!.paid_total) + Number(order!.refunded_total);
  const refunded = Number(order!.refunded_total);
  const chargedBack = -(await sumOf(
    sql`select sum(amount) as s from ledger_entries where order_id = ${orderId} and account = 'platform:cash' and kind = 'chargeback'`,
  ));
  // Vendors' payables + commission + the shop's part (credits) + refunds + chargebacks = captured, to the unit.
  const shares = -(await sumOf(
    sql`select sum(amount) as s from ledger_entries where order_id = ${orderId} and account <> 'platform:cash'`,
  ));
  expect(shares + refunded + chargedBack).toBe(captured);
  // Every posting balances.
  const unbalanced = await queryRows<{ txn: string }>(
    t.ctx.db,
    sql`select txn from ledger_entries group by txn, currency having sum(amount) <> 0`,
  );
  expect(unbalanced).toEqual([]);
  return { captured, refunded, chargedBack };
}

describe("the ledger of a marketplace order", () => {
  it("posts the sale when paid: vendors' payables, commission and the shop's part add up to the capture", async () => {
    const order = await placeOrder(
      [
        { sku: "A-ITEM", quantity: 2 },
        { sku: "B-ITEM", quantity: 1 },
        { sku: "TEE-M", quantity: 1 },
      ],
      "sale-1",
    );
    const { captured } = await checkOrderInvariants(order.id);
    expect(captured).toBeGreaterThan(0);
    const commission = -(await sumOf(
      sql`select sum(amount) as s from ledger_entries where order_id = ${order.id} and account = 'platform:commission'`,
    ));
    const [figures] = await queryRows<{ c: string }>(
      t.ctx.db,
      sql`select sum(commission_total) as c from vendor_orders where order_id = ${order.id}`,
    );
    expect(commission).toBe(Number(figures!.c));
    // Held for the return window: nothing is available yet.
    const balance = (await call("GET", "/api/vendor/balance", "a")).json();
    expect(balance.balances[0]).toMatchObject({ currency: "USD", available: 0 });
    expect(balance.balances[0].held).toBeGreaterThan(0);
    // Syncing again (a duplicate event) posts nothing.
    const before = await sumOf(sql`select count(*) as s from ledger_entries`);
    await t.ctx.db.transaction((tx) => syncOrderLedger(tx, order.id));
    expect(await sumOf(sql`select count(*) as s from ledger_entries`)).toBe(before);
  });

  it("keeps the invariants over random carts, item and amount refunds and disputes (property)", async () => {
    let run = 0;
    let refunds = 0;
    let disputes = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            a: fc.integer({ min: 0, max: 3 }),
            b: fc.integer({ min: 0, max: 3 }),
            tee: fc.integer({ min: 0, max: 2 }),
            ops: fc.array(
              fc.oneof(
                fc.record({
                  kind: fc.constant("items" as const),
                  sku: fc.constantFrom("A-ITEM", "B-ITEM", "TEE-M"),
                  units: fc.integer({ min: 1, max: 3 }),
                }),
                fc.record({ kind: fc.constant("amount" as const), cents: fc.integer({ min: 1, max: 4000 }) }),
                fc.record({
                  kind: fc.constant("dispute" as const),
                  share: fc.integer({ min: 1, max: 100 }),
                  outcome: fc.constantFrom("needs_response", "lost", "won"),
                }),
              ),
              { maxLength: 4 },
            ),
          })
          .filter((c) => c.a + c.b > 0),
        async (c) => {
          run++;
          const lines = [
            ...(c.a ? [{ sku: "A-ITEM", quantity: c.a }] : []),
            ...(c.b ? [{ sku: "B-ITEM", quantity: c.b }] : []),
            ...(c.tee ? [{ sku: "TEE-M", quantity: c.tee }] : []),
          ];
          const order = await placeOrder(lines, `prop-${run}-${Date.now()}`);
          await checkOrderInvariants(order.id);
          let step = 0;
          for (const op of c.ops) {
            step++;
            const current = (await call("GET", `/api/admin/orders/${order.id}`, "staff")).json();
            if (op.kind === "items") {
              const line = current.lines.find((l: { sku: string }) => l.sku === op.sku);
              if (!line) continue;
              const left = line.quantity - line.refundedQuantity;
              if (left < 1) continue;
              await call(
                "POST",
                `/api/admin/orders/${order.id}/refunds`,
                "staff",
                {
                  reason: "requested_by_customer",
                  lines: [{ lineId: line.id, quantity: Math.min(op.units, left), restock: true }],
                },
                { "idempotency-key": `r-${run}-${step}` },
              );
            } else if (op.kind === "amount") {
              const left = current.totals.paidTotal;
              if (left < 1) continue;
              const r = await call(
                "POST",
                `/api/admin/orders/${order.id}/refunds`,
                "staff",
                { reason: "other", amount: Math.min(op.cents, left) },
                { "idempotency-key": `a-${run}-${step}` },
              );
              expect(r.statusCode, r.body).toBe(200);
              refunds++;
            } else {
              const [payment] = await paymentsOfOrder(t.ctx.db, order.id);
              const amount = Math.max(1, Math.floor((current.totals.paidTotal * op.share) / 100));
              // As the webhook handler does (checkout.payment-webhooks.ts), delivered twice.
              for (let i = 0; i < 2; i++)
                await t.ctx.db.transaction(async (tx) => {
                  await upsertDispute(tx, payment!, {
                    reference: `dp_${run}`,
                    status: op.outcome,
                    reason: "fraudulent",
                    amount,
                    evidenceDueBy: null,
                  });
                  await syncOrderLedger(tx, order.id);
                });
              disputes++;
            }
            await checkOrderInvariants(order.id);
          }
        },
      ),
      { numRuns: 12, seed: 20261207 },
    );
    // The runs did exercise refunds and disputes.
    expect(refunds).toBeGreaterThan(3);
    expect(disputes).toBeGreaterThan(1);
  }, 300_000);
});

describe("payout runs", () => {
  it("pays each vendor exactly its available balance once, by Stripe transfer or bank transfer, even when run twice", async () => {
    // Past the hold period: everything posted so far is available.
    const later = new Date(Date.now() + 15 * 86_400_000);
    const available = async (vendorId: string) =>
      0 -
      (await sumOf(
        sql`select sum(amount) as s from ledger_entries where vendor_id = ${vendorId} and available_at <= ${later}`,
      ));
    const dueA = await available(vendorIds.A!);
    const dueB = await available(vendorIds.B!);
    expect(dueA).toBeGreaterThan(0);
    expect(dueB).toBeGreaterThan(0);

    // The first transfer attempt gets no answer (Stripe 500): the run stays open and is resumed.
    stripe.failNext(500, { type: "api_error", message: "boom" });
    stripe.failNext(500, { type: "api_error", message: "boom" });
    stripe.failNext(500, { type: "api_error", message: "boom" });
    const first = await runPayouts(t.ctx, "test", later);
    expect(first).toMatchObject({ created: 2, awaitingBankTransfer: 1, completed: false, retryLater: 1 });
    const second = await runPayouts(t.ctx, "test", later);
    expect(second).toMatchObject({
      runId: first.runId,
      resumed: true,
      created: 0,
      transferred: 1,
      completed: true,
    });
    const third = await runPayouts(t.ctx, "test", later);
    expect(third.created).toBe(0);

    const transfers = [...stripe.state.transfers.values()];
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ amount: dueB, destination: "acct_bayside", currency: "usd" });
    const payouts = (await call("GET", "/api/admin/payouts", "staff")).json().items as {
      id: string;
      vendorId: string;
      amount: number;
      status: string;
      method: string;
    }[];
    expect(payouts.map((p) => [p.vendorId, p.amount, p.status]).sort()).toEqual(
      [
        [vendorIds.A, dueA, "pending"],
        [vendorIds.B, dueB, "paid"],
      ].sort(),
    );
    expect(await available(vendorIds.A!)).toBe(0);
    expect(await available(vendorIds.B!)).toBe(0);

    // Staff send A's bank transfer and mark it paid, once.
    const a = payouts.find((p) => p.vendorId === vendorIds.A)!;
    const marked = await call("POST", `/api/admin/payouts/${a.id}/mark-paid`, "staff", {
      reference: "SEPA-2026-12-07-001",
    });
    expect(marked.json()).toMatchObject({ status: "paid", reference: "SEPA-2026-12-07-001" });
    expect(
      (await call("POST", `/api/admin/payouts/${a.id}/mark-paid`, "staff", { reference: "again" }))
        .statusCode,
    ).toBe(409);

    // The vendor's statement ends at zero and its CSV has the same lines.
    const statement = (await call("GET", "/api/vendor/statement?currency=USD", "b")).json();
    expect(statement.closing).toBe(
      0 - (await sumOf(sql`select sum(amount) as s from ledger_entries where vendor_id = ${vendorIds.B}`)),
    );
    expect(statement.lines.at(-1).kind).toBe("payout");
    const csv = await call("GET", "/api/vendor/statement.csv?currency=USD", "b");
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.trim().split("\n")).toHaveLength(statement.lines.length + 3);
    // A never sees B's money.
    const aBalance = (await call("GET", "/api/vendor/balance", "a")).json();
    expect(aBalance.payouts.every((p: { vendorId: string }) => p.vendorId === vendorIds.A)).toBe(true);
  });

  it("a refund after a payout leaves the vendor owing, recovered from the next payout", async () => {
    const order = await placeOrder([{ sku: "A-ITEM", quantity: 1 }], "after-payout");
    const later = new Date(Date.now() + 15 * 86_400_000);
    await runPayouts(t.ctx, "test", later);
    const line = order.lines[0]!;
    const refund = await call(
      "POST",
      `/api/admin/orders/${order.id}/refunds`,
      "staff",
      { reason: "requested_by_customer", lines: [{ lineId: line.id, quantity: 1, restock: true }] },
      { "idempotency-key": "after-payout-refund" },
    );
    expect(refund.statusCode, refund.body).toBe(200);
    const balance = (await call("GET", "/api/vendor/balance", "a")).json().balances[0];
    expect(balance.balance).toBeLessThan(0);
    // Negative only through a refund after a payout: both are on the statement.
    const kinds = (await call("GET", "/api/vendor/statement?currency=USD", "a"))
      .json()
      .lines.map((l: { kind: string }) => l.kind);
    expect(kinds.lastIndexOf("refund")).toBeGreaterThan(kinds.lastIndexOf("payout"));
    // The next run pays nothing while the vendor owes.
    const next = await runPayouts(t.ctx, "test", new Date(Date.now() + 30 * 86_400_000));
    expect(next.created).toBe(0);
    await checkOrderInvariants(order.id);
  });
});

describe("Stripe Connect payouts", () => {
  const deliver = (event: object) => {
    const { body, headers } = stripeWebhook("whsec_x", event);
    return t.app.inject({ method: "POST", url: "/api/hooks/payments/stripe", headers, payload: body });
  };
  const drain = async () => {
    while ((await t.ctx.outbox.runOnce()) > 0) {
      // every queued event, including those queued by handlers
    }
  };

  it("onboards a vendor to Stripe, pays it by transfer, and takes a reversed transfer back once however often Stripe says so", async () => {
    // Vendor C: applies nothing, staff create it; its owner onboards to Stripe from the portal.
    vendorIds.C = (
      await call("POST", "/api/admin/vendors", "staff", { name: "Vendor C", slug: "cove" })
    ).json().id;
    cookies.c = cookieOf(
      await call("POST", "/api/auth/sign-up/email", null, {
        name: "c",
        email: "c@v.test",
        password: "tidy-pelican-7720",
      }),
    );
    await call("POST", `/api/admin/vendors/${vendorIds.C}/members`, "staff", {
      email: "c@v.test",
      role: "owner",
    });
    const before = (await call("GET", "/api/vendor/payouts/account", "c")).json();
    expect(before).toMatchObject({ payoutMethod: null, stripeAvailable: true, stripe: null });
    const link = await call("POST", "/api/vendor/payouts/stripe-onboarding", "c");
    expect(link.statusCode, link.body).toBe(200);
    expect(link.json().url).toMatch(/^https:\/\/connect\.stripe\.com\//);
    const again = await call("POST", "/api/vendor/payouts/stripe-onboarding", "c");
    expect(again.statusCode).toBe(200);
    expect(stripe.state.accounts.size).toBe(1); // the same account (idempotent)
    const [account] = [...stripe.state.accounts.values()];
    expect(account).toMatchObject({ type: "express", metadata: { vendorId: vendorIds.C } });
    expect((await call("GET", "/api/vendor/payouts/account", "c")).json()).toMatchObject({
      payoutMethod: "stripe_connect",
      stripe: { accountId: account!.id, payoutsEnabled: false },
    });

    // Stripe reports the onboarding finished.
    account!.payouts_enabled = true;
    account!.details_submitted = true;
    expect((await deliver(stripeEvent("account.updated", account!))).statusCode).toBe(200);
    await drain();
    expect((await call("GET", "/api/vendor/payouts/account", "c")).json().stripe).toMatchObject({
      payoutsEnabled: true,
      detailsSubmitted: true,
    });

    // C sells; past the hold period a run pays it by transfer.
    const product = await call("POST", "/api/vendor/products", "c", {
      type: "simple",
      sku: "C-ITEM",
      name: "Item of C",
      status: "active",
      currency: "USD",
      variants: [{ sku: "C-ITEM", priceAmount: 5000, weightGrams: 300, initialStock: 10 }],
    });
    expect(product.statusCode).toBe(201);
    ids = await variantIds(t.ctx);
    await placeOrder([{ sku: "C-ITEM", quantity: 1 }], "connect-1");
    const later = new Date(Date.now() + 40 * 86_400_000);
    const due = (await call("GET", "/api/vendor/balance", "c")).json().balances[0].balance;
    const run = await runPayouts(t.ctx, "test", later);
    expect(run.skipped.map((s) => s.vendorId)).not.toContain(vendorIds.C);
    const transfer = [...stripe.state.transfers.values()].find((tr) => tr.destination === account!.id)!;
    expect(transfer.amount).toBe(due);
    expect((await call("GET", "/api/vendor/balance", "c")).json().balances[0].balance).toBe(0);

    // Stripe reverses the transfer; the event is delivered 5 times (2 at once): the balance comes back once.
    const reversed = stripeEvent("transfer.reversed", {
      ...transfer,
      amount_reversed: transfer.amount,
      reversed: true,
    });
    const answers = await Promise.all([deliver(reversed), deliver(reversed)]);
    for (let i = 0; i < 3; i++) answers.push(await deliver(reversed));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    await drain();
    expect((await call("GET", "/api/vendor/balance", "c")).json().balances[0].balance).toBe(due);
    const reversals = await sumOf(
      sql`select count(*) as s from ledger_entries where kind = 'payout_reversal' and vendor_id = ${vendorIds.C}`,
    );
    expect(reversals).toBe(1);
    const payout = (await call("GET", `/api/admin/payouts?vendorId=${vendorIds.C}`, "staff")).json().items[0];
    expect(payout).toMatchObject({ status: "reversed", reference: transfer.id });
  });

  it("refuses Stripe onboarding to a vendor's staff member and to non-vendors", async () => {
    expect((await call("POST", "/api/vendor/payouts/stripe-onboarding", null)).statusCode).toBe(401);
    expect((await call("POST", "/api/vendor/payouts/stripe-onboarding", "staff")).statusCode).toBe(403);
  });
});
