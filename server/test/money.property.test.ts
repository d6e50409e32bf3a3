import { minorToDecimal, parseMoney } from "@bazaar/money";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refundOrder } from "../src/modules/orders/orders.refunds.ts";
import { updateStoreSettings, upsertPromotion, upsertTaxRates } from "../src/modules/pricing/index.ts";
import { formatMoney, parseMajorUnits } from "../src/platform/money.ts";
import { GuestShopper, michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Money, end to end and property-based: random carts placed as real orders through the API. The
 * order's lines + shipping + tax - discounts equal its total to the minor unit, what is captured is
 * the total, and a full refund gives back exactly what was captured (and not a minor unit more). Every
 * amount of the order, shown as e-mails show it (in several locales) or written as a decimal, reads back
 * to the same minor units.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  t = await testApp();
  ({ variants: v } = await seedShop(t.ctx));
  // Enough stock for every run (refunds do not restock; only returns do).
  await t.ctx.db.execute("update inventory_levels set stocked_quantity = 100000");
  // Odd rates and amounts make rounding matter: 6 % state + 1.25 % city in Detroit, a 7.5 % shipping tax.
  await upsertTaxRates(t.ctx.db, [
    {
      code: "US-MI-DET",
      name: "Detroit city tax",
      countryCode: "US",
      region: "MI",
      postcodePattern: "482*",
      rateBasisPoints: 125,
    },
    {
      code: "US-MI-SHIP",
      name: "Michigan shipping tax",
      countryCode: "US",
      region: "MI",
      rateBasisPoints: 750,
      taxClass: "shipping",
    },
  ]);
  await upsertPromotion(t.ctx.db, {
    name: "Three dollars off",
    type: "fixed",
    appliesTo: "order",
    value: 333,
    currency: "USD",
    buyQuantity: 0,
    getQuantity: 0,
    conditions: {},
    priority: 5,
    stopFurtherPromotions: false,
    coupons: [{ code: "THREE" }],
  });
  await upsertPromotion(t.ctx.db, {
    name: "Tee deal",
    type: "buy_x_get_y",
    appliesTo: "order",
    value: 5000,
    buyQuantity: 2,
    getQuantity: 1,
    conditions: { skus: ["TEE-S", "TEE-M"] },
    priority: 0,
    stopFurtherPromotions: false,
  });
});
afterAll(async () => {
  await t?.close();
});

let run = 0;

describe("money adds up", () => {
  it("for random carts, order totals are exact and a full refund returns exactly what was captured", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom("TEE-S", "TEE-M", "MUG", "GUIDE") as fc.Arbitrary<keyof typeof v>, {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 4, maxLength: 4 }),
        fc.subarray(["TEN", "THREE"]),
        fc.constantFrom("best_way", "pickup"),
        fc.constantFrom("MI", "OH"),
        fc.boolean(),
        async (skus, quantities, coupons, shipping, state, pricesIncludeTax) => {
          run++;
          await updateStoreSettings(t.ctx.db, { pricesIncludeTax, shippingTaxClass: "shipping" });
          const guest = new GuestShopper(t.app);
          for (const [i, sku] of skus.entries()) {
            const r = await guest.call("POST", "/api/store/cart/lines", {
              variantId: v[sku],
              quantity: quantities[i]!,
            });
            expect(r.statusCode).toBe(200);
          }
          await guest.call("PUT", "/api/store/cart/email", { email: `money${run}@example.com` });
          for (const code of coupons)
            expect((await guest.call("POST", "/api/store/cart/coupons", { code })).statusCode).toBe(200);
          const address =
            state === "MI" ? michigan : { ...michigan, region: "OH", city: "Columbus", postalCode: "43004" };
          let cart = (await guest.call("PUT", "/api/store/cart/shipping-address", address)).json();
          if (cart.requiresShipping) {
            const option = cart.shippingOptions.find((o: { code: string }) => o.code === shipping);
            cart = (
              await guest.call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: option.id })
            ).json();
          }
          const placed = await guest.checkout(`money-${run}`);
          expect(placed.statusCode).toBe(201);
          const order = placed.json();
          const tt = order.totals;
          const lineTotals = order.lines.reduce((s: number, l: { total: number }) => s + l.total, 0);
          const shippingTaxAdded = tt.pricesIncludeTax ? 0 : tt.shippingTax;
          expect(lineTotals + tt.shippingTotal - tt.shippingDiscount + shippingTaxAdded).toBe(tt.total);
          expect(
            tt.subtotal -
              tt.discountTotal +
              tt.shippingTotal -
              tt.shippingDiscount +
              (tt.pricesIncludeTax ? 0 : tt.taxTotal),
          ).toBe(tt.total);
          for (const l of order.lines) {
            expect(l.subtotal).toBe(l.unitPrice * l.quantity);
            expect(l.total).toBe(l.subtotal - l.discount + (tt.pricesIncludeTax ? 0 : l.tax));
          }
          expect(tt.total).toBe(cart.totals.total);
          expect(order.payment.capturedAmount).toBe(tt.total);
          expect(tt.paidTotal).toBe(tt.total);
          const amounts: number[] = [tt.total, tt.subtotal, tt.discountTotal, tt.taxTotal, tt.shippingTotal];
          for (const l of order.lines) amounts.push(l.unitPrice, l.subtotal, l.discount, l.tax, l.total);
          for (const amount of amounts) {
            for (const locale of ["en-US", "de-DE", "hu-HU", "ar-IQ"]) {
              const shown = formatMoney(amount, order.currency, locale);
              expect(parseMoney(shown, order.currency, locale), shown).toEqual({
                ok: true,
                amountMinor: amount,
              });
            }
            expect(parseMajorUnits(minorToDecimal(amount, order.currency), order.currency)).toBe(amount);
          }

          await refundOrder(t.ctx, order.id, {
            amount: tt.total,
            reason: "requested_by_customer",
            actor: "staff:test",
            requestKey: `all-${run}`,
          });
          await expect(
            refundOrder(t.ctx, order.id, {
              amount: 1,
              reason: "other",
              actor: "staff:test",
              requestKey: `one-more-${run}`,
            }),
          ).rejects.toMatchObject({ code: "REFUND_EXCEEDS_CAPTURED" });
          const after = (
            await t.app.inject({
              method: "POST",
              url: "/api/store/orders/lookup",
              payload: { number: order.number, email: `money${run}@example.com` },
            })
          ).json();
          expect(after.totals).toMatchObject({ refundedTotal: tt.total, paidTotal: 0 });
          expect(after.payment).toMatchObject({
            status: "refunded",
            refundedAmount: tt.total,
            capturedAmount: tt.total,
          });
        },
      ),
      { numRuns: 25 },
    );
  }, 300_000);
});
