import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../platform/errors.ts";
import {
  allocateByLargestRemainder,
  divideRoundHalfUp,
  matchTaxRates,
  type PricingInput,
  type PricingLine,
  type PricingResult,
  type Promotion,
  priceCart,
  type TaxRate,
} from "./pricing.calculator.ts";

// ---------------------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------------------

let lineSeq = 0;
function line(unitPrice: number, quantity = 1, over: Partial<PricingLine> = {}): PricingLine {
  lineSeq += 1;
  return {
    id: `l${lineSeq}`,
    productId: `p${lineSeq}`,
    variantId: `v${lineSeq}`,
    sku: `SKU-${lineSeq}`,
    categoryIds: [],
    quantity,
    unitPrice,
    onSale: false,
    taxClass: "standard",
    ...over,
  };
}

function promo(over: Partial<Promotion> & Pick<Promotion, "id" | "type">): Promotion {
  return {
    name: over.id,
    code: null,
    appliesTo: "order",
    value: 0,
    buyQuantity: 0,
    getQuantity: 0,
    maxDiscountAmount: null,
    conditions: {},
    priority: 0,
    stopFurtherPromotions: false,
    ...over,
  };
}

function rate(over: Partial<TaxRate> & Pick<TaxRate, "id" | "rateBasisPoints">): TaxRate {
  return {
    name: over.id,
    countryCode: "US",
    region: null,
    postcodePattern: null,
    taxClass: "standard",
    ...over,
  };
}

function cart(over: Partial<PricingInput>): PricingInput {
  return {
    currency: "USD",
    pricesIncludeTax: false,
    lines: [],
    promotions: [],
    shipping: null,
    taxRates: [],
    ...over,
  };
}

const michigan = rate({ id: "mi", name: "US-MI-*-Rate 1", region: "MI", rateBasisPoints: 825 });

/** Every invariant of rule 9, checked on any result. */
function checkInvariants(input: PricingInput, r: PricingResult): void {
  const numbers = [
    r.subtotal,
    r.discountTotal,
    r.shippingTotal,
    r.shippingDiscount,
    r.shippingTax,
    r.taxTotal,
    r.total,
    ...r.appliedPromotions.map((a) => a.amount),
    ...r.lines.flatMap((l) => [
      l.subtotal,
      l.discount,
      l.tax,
      l.total,
      ...l.discounts.map((d) => d.amount),
      ...l.taxes.map((t) => t.amount),
    ]),
  ];
  for (const n of numbers) {
    expect(Number.isSafeInteger(n)).toBe(true);
    expect(n).toBeGreaterThanOrEqual(0);
  }
  const incl = input.pricesIncludeTax;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  expect(r.lines.map((l) => l.id)).toEqual(input.lines.map((l) => l.id));
  expect(r.subtotal).toBe(sum(r.lines.map((l) => l.subtotal)));
  expect(r.discountTotal).toBe(sum(r.lines.map((l) => l.discount)));
  expect(r.taxTotal).toBe(sum(r.lines.map((l) => l.tax)) + r.shippingTax);
  expect(
    sum(r.lines.map((l) => l.total)) + r.shippingTotal - r.shippingDiscount + (incl ? 0 : r.shippingTax),
  ).toBe(r.total);
  expect(r.subtotal - r.discountTotal + r.shippingTotal - r.shippingDiscount + (incl ? 0 : r.taxTotal)).toBe(
    r.total,
  );
  expect(sum(r.appliedPromotions.map((a) => a.amount))).toBe(r.discountTotal + r.shippingDiscount);
  expect(r.shippingDiscount).toBeLessThanOrEqual(r.shippingTotal);
  expect(r.shippingTotal).toBe(input.shipping?.amount ?? 0);
  r.lines.forEach((l, i) => {
    const src = input.lines[i]!;
    expect(l.subtotal).toBe(src.unitPrice * src.quantity);
    expect(l.discount).toBeLessThanOrEqual(l.subtotal);
    expect(sum(l.discounts.map((d) => d.amount))).toBe(l.discount);
    expect(sum(l.taxes.map((t) => t.amount))).toBe(l.tax);
    expect(l.total).toBe(l.subtotal - l.discount + (incl ? 0 : l.tax));
    if (incl) expect(l.tax).toBeLessThanOrEqual(l.subtotal - l.discount);
  });
  // Each promotion is reported exactly once, applied or rejected.
  const reported = [...r.appliedPromotions.map((a) => a.id), ...r.rejectedPromotions.map((x) => x.id)].sort();
  expect(reported).toEqual(input.promotions.map((p) => p.id).sort());
}

// ---------------------------------------------------------------------------------------------------------
// Arithmetic helpers
// ---------------------------------------------------------------------------------------------------------

describe("divideRoundHalfUp", () => {
  it("rounds halves up, everything else to nearest", () => {
    expect(divideRoundHalfUp(5n, 2n)).toBe(3);
    expect(divideRoundHalfUp(7n, 2n)).toBe(4);
    expect(divideRoundHalfUp(7n, 3n)).toBe(2);
    expect(divideRoundHalfUp(8n, 3n)).toBe(3);
    expect(divideRoundHalfUp(0n, 7n)).toBe(0);
    expect(divideRoundHalfUp(37125n, 10000n)).toBe(4); // 3.7125
  });

  it("is symmetric for negative values (half away from zero)", () => {
    expect(divideRoundHalfUp(-5n, 2n)).toBe(-3);
    expect(divideRoundHalfUp(5n, -2n)).toBe(-3);
    expect(divideRoundHalfUp(-7n, 3n)).toBe(-2);
  });

  it("is exact beyond 2^53 intermediate products", () => {
    // (2^53 - 1) * 825 / 10000 is far beyond float precision in the product.
    const n = BigInt(Number.MAX_SAFE_INTEGER) * 825n;
    expect(divideRoundHalfUp(n, 10000n)).toBe(Number((n * 2n + 10000n) / 20000n));
  });

  it("throws RangeError on a zero denominator or an unsafe result", () => {
    expect(() => divideRoundHalfUp(1n, 0n)).toThrow(RangeError);
    expect(() => divideRoundHalfUp(BigInt(Number.MAX_SAFE_INTEGER) * 2n, 1n)).toThrow(RangeError);
  });

  it("property: |n/d - result| <= 1/2, halves away from zero", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.boolean(),
        (n, d0, flip) => {
          const d = flip ? -d0 : d0;
          const absN = n < 0n ? -n : n;
          // results beyond 2^53 - 1 throw: only when |n / d| >= MAX_SAFE_INTEGER + 1/2
          const unsafe = 2n * absN >= (2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n) * d0;
          if (unsafe) {
            expect(() => divideRoundHalfUp(n, d)).toThrow(RangeError);
            return;
          }
          const q = divideRoundHalfUp(n, d);
          expect(Number.isSafeInteger(q)).toBe(true);
          if (q !== 0) expect(q < 0).toBe(n < 0n !== flip);
          const diff2 = 2n * (n - BigInt(q) * d); // 2 * remainder, in units of 1/|d|
          const absDiff2 = diff2 < 0n ? -diff2 : diff2;
          expect(absDiff2 <= d0).toBe(true);
          if (absDiff2 === d0) {
            // exact half: rounded away from zero, i.e. |q| > |n / d|
            expect(BigInt(Math.abs(q)) * d0 > absN).toBe(true);
          }
        },
      ),
    );
  });
});

describe("allocateByLargestRemainder", () => {
  it("splits 1000 over three equal weights as 334, 333, 333 (tie to the earlier index)", () => {
    expect(allocateByLargestRemainder(1000, [1000, 1000, 1000])).toEqual([334, 333, 333]);
    expect(allocateByLargestRemainder(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it("gives the extra units to the largest remainders", () => {
    // shares: 100 * 1/6 = 16.67, 100 * 2/6 = 33.33, 100 * 3/6 = 50
    expect(allocateByLargestRemainder(100, [1, 2, 3])).toEqual([17, 33, 50]);
  });

  it("splits equally when all weights are zero, and gives 0 to zero weights otherwise", () => {
    expect(allocateByLargestRemainder(5, [0, 0, 0])).toEqual([2, 2, 1]);
    expect(allocateByLargestRemainder(5, [0, 3, 0])).toEqual([0, 5, 0]);
  });

  it("handles empty, zero and negative totals", () => {
    expect(allocateByLargestRemainder(0, [])).toEqual([]);
    expect(allocateByLargestRemainder(0, [1, 2])).toEqual([0, 0]);
    expect(allocateByLargestRemainder(-1000, [1, 1, 1])).toEqual([-334, -333, -333]);
  });

  it("rejects invalid input with ValidationError", () => {
    expect(() => allocateByLargestRemainder(1, [])).toThrow(ValidationError);
    expect(() => allocateByLargestRemainder(1.5, [1])).toThrow(ValidationError);
    expect(() => allocateByLargestRemainder(1, [-1, 2])).toThrow(ValidationError);
    expect(() => allocateByLargestRemainder(1, [0.5])).toThrow(ValidationError);
  });

  it("property: parts sum to total and each is within 1 of its exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), {
          minLength: 1,
          maxLength: 12,
        }),
        (total, weights) => {
          const parts = allocateByLargestRemainder(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + BigInt(b), 0n)).toBe(BigInt(total));
          const sumW = weights.reduce((a, b) => a + BigInt(b), 0n);
          const w = sumW === 0n ? weights.map(() => 1n) : weights.map(BigInt);
          const W = sumW === 0n ? BigInt(weights.length) : sumW;
          parts.forEach((p, i) => {
            expect(Number.isSafeInteger(p)).toBe(true);
            // |p - total * w / W| < 1  <=>  |p * W - total * w| < W
            const diff = BigInt(p) * W - BigInt(total) * w[i]!;
            expect((diff < 0n ? -diff : diff) < W).toBe(true);
          });
          expect(allocateByLargestRemainder(total, weights)).toEqual(parts);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Tax rate matching
// ---------------------------------------------------------------------------------------------------------

describe("matchTaxRates", () => {
  const any = rate({ id: "any", rateBasisPoints: 100, postcodePattern: "*" });
  const nullPattern = rate({ id: "null", rateBasisPoints: 100 });
  const prefix = rate({ id: "prefix", rateBasisPoints: 100, postcodePattern: "48*" });
  const range = rate({ id: "range", rateBasisPoints: 100, postcodePattern: "48000-48999" });
  const list = rate({ id: "list", rateBasisPoints: 100, postcodePattern: "10001, 49*,50000-50010" });
  const mi = rate({ id: "mi", rateBasisPoints: 600, region: "MI" });
  const gb = rate({ id: "gb", countryCode: "GB", rateBasisPoints: 2000, postcodePattern: "SW1A 1AA" });
  const all = [any, nullPattern, prefix, range, list, mi, gb];
  const ids = (address: Parameters<typeof matchTaxRates>[1]) => matchTaxRates(all, address).map((r) => r.id);

  it("returns [] for a null address", () => {
    expect(matchTaxRates(all, null)).toEqual([]);
  });

  it("matches '*' and null everywhere in the country, region null vs 'MI'", () => {
    expect(ids({ countryCode: "US", region: "MI", postcode: "48201" })).toEqual([
      "any",
      "null",
      "prefix",
      "range",
      "mi",
    ]);
    expect(ids({ countryCode: "US", region: "OH", postcode: "43004" })).toEqual(["any", "null"]);
    expect(ids({ countryCode: "US", region: null, postcode: null })).toEqual(["any", "null"]);
    expect(ids({ countryCode: "us", region: "mi", postcode: null })).toEqual(["any", "null", "mi"]);
  });

  it("matches a prefix wildcard and a numeric range (ZIP+4 compares by its 5 digits)", () => {
    expect(ids({ countryCode: "US", region: "OH", postcode: "48999-1234" })).toContain("range");
    expect(ids({ countryCode: "US", region: "OH", postcode: "48999-1234" })).toContain("prefix");
    expect(ids({ countryCode: "US", region: "OH", postcode: "49000" })).not.toContain("range");
    expect(ids({ countryCode: "US", region: "OH", postcode: "47999" })).not.toContain("range");
    expect(ids({ countryCode: "US", region: "OH", postcode: "47999" })).not.toContain("prefix");
    expect(ids({ countryCode: "US", region: "OH", postcode: "48000" })).toContain("range");
  });

  it("matches any of a comma-separated list", () => {
    expect(ids({ countryCode: "US", region: null, postcode: "10001" })).toContain("list");
    expect(ids({ countryCode: "US", region: null, postcode: "49123" })).toContain("list");
    expect(ids({ countryCode: "US", region: null, postcode: "50010" })).toContain("list");
    expect(ids({ countryCode: "US", region: null, postcode: "50011" })).not.toContain("list");
    expect(ids({ countryCode: "US", region: null, postcode: "10002" })).not.toContain("list");
  });

  it("matches exact postcodes ignoring case and spaces, and never another country", () => {
    expect(ids({ countryCode: "GB", region: null, postcode: "sw1a1aa" })).toEqual(["gb"]);
    expect(ids({ countryCode: "GB", region: null, postcode: "SW1A 2AA" })).toEqual([]);
    expect(ids({ countryCode: "CA", region: "MI", postcode: "48201" })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// priceCart: examples
// ---------------------------------------------------------------------------------------------------------

describe("priceCart: promotions", () => {
  it("$10.00 x 3 with 20 % off the order gives 600 off", () => {
    const input = cart({
      lines: [line(1000, 3)],
      promotions: [promo({ id: "p20", type: "percentage", value: 2000, code: "TWENTY" })],
    });
    const r = priceCart(input);
    expect(r.subtotal).toBe(3000);
    expect(r.discountTotal).toBe(600);
    expect(r.total).toBe(2400);
    expect(r.lines[0]!.discounts).toEqual([{ promotionId: "p20", amount: 600 }]);
    expect(r.appliedPromotions).toEqual([
      { id: "p20", name: "p20", code: "TWENTY", type: "percentage", amount: 600, freeShipping: false },
    ]);
    checkInvariants(input, r);
  });

  it("computes a percentage once over the qualifying lines, then splits it", () => {
    // 10 % of (333 + 333 + 334) = 100 exactly; per line 33.3 + 33.3 + 33.4 would round to 33 + 33 + 33 = 99.
    const input = cart({
      lines: [line(333), line(333), line(334)],
      promotions: [promo({ id: "p10", type: "percentage", value: 1000 })],
    });
    const r = priceCart(input);
    expect(r.discountTotal).toBe(100);
    expect(r.lines.map((l) => l.discount)).toEqual([33, 33, 34]);
    checkInvariants(input, r);
  });

  it("splits a fixed 1000 order discount over 3 x 1000 as 334, 333, 333", () => {
    const input = cart({
      lines: [line(1000), line(1000), line(1000)],
      promotions: [promo({ id: "f", type: "fixed", appliesTo: "order", value: 1000 })],
    });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([334, 333, 333]);
    expect(r.discountTotal).toBe(1000);
    checkInvariants(input, r);
  });

  it("never discounts a fixed order amount beyond the qualifying lines", () => {
    const input = cart({
      lines: [line(300), line(200)],
      promotions: [promo({ id: "f", type: "fixed", value: 10_000 })],
    });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([300, 200]);
    expect(r.total).toBe(0);
  });

  it("takes a fixed each_item amount off every unit, capped by the line", () => {
    const input = cart({
      lines: [line(1000, 3), line(150, 2)],
      promotions: [promo({ id: "e", type: "fixed", appliesTo: "each_item", value: 200 })],
    });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([600, 300]);
    checkInvariants(input, r);
  });

  it("caps a promotion at maxDiscountAmount", () => {
    const input = cart({
      lines: [line(10_000), line(30_000)],
      promotions: [promo({ id: "p50", type: "percentage", value: 5000, maxDiscountAmount: 1000 })],
    });
    const r = priceCart(input);
    expect(r.discountTotal).toBe(1000);
    expect(r.lines.map((l) => l.discount)).toEqual([250, 750]);
    const each = priceCart(
      cart({
        lines: [line(1000, 1), line(1000, 2)],
        promotions: [
          promo({ id: "e", type: "fixed", appliesTo: "each_item", value: 500, maxDiscountAmount: 1000 }),
        ],
      }),
    );
    // uncapped 500 + 1000 = 1500, cap 1000 split 1:2 -> 333.3 / 666.7
    expect(each.lines.map((l) => l.discount)).toEqual([333, 667]);
  });

  it("applies promotions on what earlier ones left, in (priority, id) order", () => {
    const input = cart({
      lines: [line(10_000)],
      promotions: [
        promo({ id: "b", type: "percentage", value: 5000, priority: 1 }),
        promo({ id: "a", type: "fixed", value: 1000, priority: 1 }),
        promo({ id: "z", type: "percentage", value: 1000, priority: 0 }),
      ],
    });
    const r = priceCart(input);
    // z: 10 % of 10000 = 1000; a: 1000 off 9000; b: 50 % of 8000 = 4000
    expect(r.lines[0]!.discounts).toEqual([
      { promotionId: "z", amount: 1000 },
      { promotionId: "a", amount: 1000 },
      { promotionId: "b", amount: 4000 },
    ]);
    expect(r.appliedPromotions.map((a) => a.id)).toEqual(["z", "a", "b"]);
    expect(r.total).toBe(4000);
    checkInvariants(input, r);
  });

  it("stops later promotions after one with stopFurtherPromotions", () => {
    const input = cart({
      lines: [line(10_000)],
      promotions: [
        promo({ id: "first", type: "percentage", value: 1000, priority: 1, stopFurtherPromotions: true }),
        promo({ id: "later", type: "fixed", value: 500, priority: 2, code: "LATER" }),
        promo({ id: "shipfree", type: "free_shipping", priority: 3 }),
      ],
      shipping: { amount: 500, taxClass: "shipping" },
    });
    const r = priceCart(input);
    expect(r.appliedPromotions.map((a) => a.id)).toEqual(["first"]);
    expect(r.rejectedPromotions).toEqual([
      { id: "later", code: "LATER", reason: "STOPPED_BY_OTHER" },
      { id: "shipfree", code: null, reason: "STOPPED_BY_OTHER" },
    ]);
    expect(r.discountTotal).toBe(1000);
    expect(r.shippingDiscount).toBe(0);
    checkInvariants(input, r);
  });

  it("does not let a rejected promotion stop the others", () => {
    const r = priceCart(
      cart({
        lines: [line(1000)],
        promotions: [
          promo({
            id: "a",
            type: "fixed",
            value: 100,
            stopFurtherPromotions: true,
            conditions: { minSubtotal: 5000 },
          }),
          promo({ id: "b", type: "fixed", value: 100, priority: 1 }),
        ],
      }),
    );
    expect(r.appliedPromotions.map((a) => a.id)).toEqual(["b"]);
    expect(r.rejectedPromotions).toEqual([{ id: "a", code: null, reason: "MIN_SUBTOTAL" }]);
  });

  it("excludes lines on sale when excludeOnSale is set", () => {
    const input = cart({
      lines: [line(2000, 1, { onSale: true }), line(1000)],
      promotions: [promo({ id: "p", type: "percentage", value: 5000, conditions: { excludeOnSale: true } })],
    });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([0, 500]);
    const onlySale = priceCart(
      cart({
        lines: [line(2000, 1, { onSale: true })],
        promotions: [
          promo({ id: "p", type: "percentage", value: 5000, conditions: { excludeOnSale: true } }),
        ],
      }),
    );
    expect(onlySale.rejectedPromotions).toEqual([{ id: "p", code: null, reason: "NO_MATCHING_ITEMS" }]);
    expect(onlySale.discountTotal).toBe(0);
  });

  it("qualifies lines matching ANY of productIds, skus or categoryIds (ancestors included)", () => {
    const a = line(1000, 1, { productId: "prod-a" });
    const b = line(1000, 1, { sku: "TEE-B" });
    const c = line(1000, 1, { categoryIds: ["men", "men-tops", "men-tees"] });
    const d = line(1000, 1, { categoryIds: ["women"] });
    const r = priceCart(
      cart({
        lines: [a, b, c, d],
        promotions: [
          promo({
            id: "p",
            type: "percentage",
            value: 1000,
            conditions: { productIds: ["prod-a"], skus: ["TEE-B"], categoryIds: ["men-tops"] },
          }),
        ],
      }),
    );
    expect(r.lines.map((l) => l.discount)).toEqual([100, 100, 100, 0]);
    const none = priceCart(
      cart({
        lines: [d],
        promotions: [promo({ id: "p", type: "fixed", value: 1, conditions: { skus: ["X"] } })],
      }),
    );
    expect(none.rejectedPromotions).toEqual([{ id: "p", code: null, reason: "NO_MATCHING_ITEMS" }]);
  });

  it("rejects a promotion whose discount is 0 (e.g. rounds to nothing) as NO_MATCHING_ITEMS", () => {
    const r = priceCart(
      cart({ lines: [line(4)], promotions: [promo({ id: "p", type: "percentage", value: 1000 })] }),
    );
    // 10 % of 4 = 0.4 -> 0
    expect(r.appliedPromotions).toEqual([]);
    expect(r.rejectedPromotions).toEqual([{ id: "p", code: null, reason: "NO_MATCHING_ITEMS" }]);
  });
});

describe("priceCart: buy X get Y (Luma: buy 3 tee shirts and get the 4th free)", () => {
  const b3g1 = promo({
    id: "tees",
    type: "buy_x_get_y",
    buyQuantity: 3,
    getQuantity: 1,
    value: 10000,
    conditions: { categoryIds: ["tees"] },
  });
  const tee = (price: number, qty = 1) => line(price, qty, { categoryIds: ["men", "tees"] });

  it("4 tees at 2900, 2900, 3200, 2400: the 2400 one is free", () => {
    const input = cart({ lines: [tee(2900), tee(2900), tee(3200), tee(2400)], promotions: [b3g1] });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([0, 0, 0, 2400]);
    expect(r.total).toBe(2900 + 2900 + 3200);
    checkInvariants(input, r);
  });

  it("3 tees: no full group, rejected", () => {
    const r = priceCart(cart({ lines: [tee(2900), tee(2900), tee(3200)], promotions: [b3g1] }));
    expect(r.discountTotal).toBe(0);
    expect(r.rejectedPromotions).toEqual([{ id: "tees", code: null, reason: "NO_MATCHING_ITEMS" }]);
  });

  it("8 tees: the 2 cheapest are free", () => {
    const prices = [2900, 2900, 3200, 2400, 2200, 3100, 2800, 2600];
    const input = cart({ lines: prices.map((p) => tee(p)), promotions: [b3g1] });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.discount)).toEqual([0, 0, 0, 2400, 2200, 0, 0, 0]);
    expect(r.discountTotal).toBe(4600);
    checkInvariants(input, r);
  });

  it("expands quantities into units: 7 of 3000 + 1 of 2000 -> 2000 and one 3000 unit free", () => {
    const r = priceCart(cart({ lines: [tee(3000, 7), tee(2000)], promotions: [b3g1] }));
    expect(r.lines.map((l) => l.discount)).toEqual([3000, 2000]);
  });

  it("discounts the get units by value basis points (50 % off the 4th)", () => {
    const r = priceCart(cart({ lines: [tee(2999, 4)], promotions: [{ ...b3g1, value: 5000 }] }));
    // 2999 * 5000 / 10000 = 1499.5 -> 1500
    expect(r.discountTotal).toBe(1500);
  });

  it("ignores lines outside the conditions", () => {
    const r = priceCart(cart({ lines: [tee(2900), tee(2900), tee(3200), line(100, 5)], promotions: [b3g1] }));
    expect(r.discountTotal).toBe(0);
  });
});

describe("priceCart: free shipping", () => {
  const freeShip = promo({
    id: "fs",
    type: "free_shipping",
    code: "SHIPFREE",
    conditions: { minSubtotal: 5000 },
  });
  const shipping = { amount: 700, taxClass: "shipping" };
  const shipRate = rate({ id: "ship", taxClass: "shipping", rateBasisPoints: 1000 });

  it("is rejected with MIN_SUBTOTAL at 4999", () => {
    const input = cart({ lines: [line(4999)], promotions: [freeShip], shipping, taxRates: [shipRate] });
    const r = priceCart(input);
    expect(r.rejectedPromotions).toEqual([{ id: "fs", code: "SHIPFREE", reason: "MIN_SUBTOTAL" }]);
    expect(r.shippingTotal).toBe(700);
    expect(r.shippingDiscount).toBe(0);
    expect(r.shippingTax).toBe(70);
    expect(r.total).toBe(4999 + 700 + 70);
    checkInvariants(input, r);
  });

  it("applies at exactly 5000: shipping discounted and its tax 0", () => {
    const input = cart({ lines: [line(5000)], promotions: [freeShip], shipping, taxRates: [shipRate] });
    const r = priceCart(input);
    expect(r.appliedPromotions).toEqual([
      { id: "fs", name: "fs", code: "SHIPFREE", type: "free_shipping", amount: 700, freeShipping: true },
    ]);
    expect(r.shippingTotal).toBe(700);
    expect(r.shippingDiscount).toBe(700);
    expect(r.shippingTax).toBe(0);
    expect(r.discountTotal).toBe(0);
    expect(r.total).toBe(5000);
    checkInvariants(input, r);
  });

  it("compares minSubtotal to the subtotal before discounts", () => {
    const r = priceCart(
      cart({
        lines: [line(5000)],
        promotions: [promo({ id: "a", type: "percentage", value: 5000 }), { ...freeShip, priority: 1 }],
        shipping,
      }),
    );
    expect(r.appliedPromotions.map((a) => a.id)).toEqual(["a", "fs"]);
    expect(r.shippingDiscount).toBe(700);
  });

  it("applies with amount 0 when no shipping is chosen", () => {
    const r = priceCart(cart({ lines: [line(5000)], promotions: [freeShip] }));
    expect(r.appliedPromotions).toEqual([
      { id: "fs", name: "fs", code: "SHIPFREE", type: "free_shipping", amount: 0, freeShipping: true },
    ]);
    expect(r.shippingTotal).toBe(0);
  });
});

describe("priceCart: tax", () => {
  const taxOf = (amount: number, rates: TaxRate[], pricesIncludeTax = false) =>
    priceCart(cart({ pricesIncludeTax, lines: [line(amount)], taxRates: rates })).lines[0]!;

  it("Michigan 8.25 % exclusive, rounded half-up per line", () => {
    expect(taxOf(4500, [michigan]).tax).toBe(371); // 371.25
    expect(taxOf(4550, [michigan]).tax).toBe(375); // 375.375
    expect(taxOf(2000, [michigan]).tax).toBe(165); // exactly 165
    expect(taxOf(200, [michigan]).tax).toBe(17); // 16.5 -> 17
    expect(taxOf(600, [michigan]).tax).toBe(50); // 49.5 -> 50
    expect(taxOf(4500, [michigan]).total).toBe(4871);
  });

  it("inclusive: 10825 at 8.25 % contains 825", () => {
    const l = taxOf(10_825, [michigan], true);
    expect(l.tax).toBe(825);
    expect(l.total).toBe(10_825);
    expect(l.taxes).toEqual([{ rateId: "mi", name: "US-MI-*-Rate 1", rateBasisPoints: 825, amount: 825 }]);
  });

  it("taxes the discounted amount", () => {
    const r = priceCart(
      cart({
        lines: [line(1000, 3)],
        promotions: [promo({ id: "p20", type: "percentage", value: 2000 })],
        taxRates: [michigan],
      }),
    );
    expect(r.lines[0]!.tax).toBe(198); // 2400 * 8.25 % = 198
    expect(r.total).toBe(2598);
  });

  it("splits a line's tax over its rates by largest remainder weighted by rate", () => {
    const state = rate({ id: "state", rateBasisPoints: 600 });
    const county = rate({ id: "county", rateBasisPoints: 225 });
    const l = taxOf(4550, [state, county]);
    // 4550 * 825 / 10000 = 375.375 -> 375; shares 375 * 600/825 = 272.73, 375 * 225/825 = 102.27
    expect(l.tax).toBe(375);
    expect(l.taxes.map((t) => [t.rateId, t.amount])).toEqual([
      ["state", 273],
      ["county", 102],
    ]);
  });

  it("uses only the rates of the line's tax class; a class without rates has no tax", () => {
    const reduced = rate({ id: "reduced", taxClass: "reduced", rateBasisPoints: 500 });
    const zero = rate({ id: "zero", taxClass: "zero", rateBasisPoints: 0 });
    const input = cart({
      lines: [
        line(1000),
        line(1000, 1, { taxClass: "reduced" }),
        line(1000, 1, { taxClass: "zero" }),
        line(1000, 1, { taxClass: "exempt" }),
      ],
      taxRates: [michigan, reduced, zero],
      shipping: { amount: 1000, taxClass: "standard" },
    });
    const r = priceCart(input);
    expect(r.lines.map((l) => l.tax)).toEqual([83, 50, 0, 0]);
    expect(r.lines[2]!.taxes).toEqual([{ rateId: "zero", name: "zero", rateBasisPoints: 0, amount: 0 }]);
    expect(r.lines[3]!.taxes).toEqual([]);
    expect(r.shippingTax).toBe(83);
    expect(r.taxTotal).toBe(83 + 50 + 83);
    expect(r.total).toBe(4000 + 1000 + 216);
    checkInvariants(input, r);
  });

  it("inclusive prices: totals do not add the tax", () => {
    const input = cart({
      pricesIncludeTax: true,
      lines: [line(10_825)],
      shipping: { amount: 1082, taxClass: "standard" },
      taxRates: [michigan],
    });
    const r = priceCart(input);
    expect(r.taxTotal).toBe(825 + 82); // 1082 * 825 / 10825 = 82.46
    expect(r.total).toBe(10_825 + 1082);
    checkInvariants(input, r);
  });
});

describe("priceCart: validation", () => {
  const bad = (over: Partial<PricingInput>) => () => priceCart(cart({ lines: [line(100)], ...over }));

  it("rejects non-integer, negative or unsafe amounts and quantities < 1, naming the field", () => {
    expect(bad({ lines: [line(10.5)] })).toThrow(ValidationError);
    expect(bad({ lines: [line(-1)] })).toThrow(ValidationError);
    expect(bad({ lines: [line(100, 0)] })).toThrow(/lines\[0\]\.quantity/);
    expect(bad({ lines: [line(100, 1.5)] })).toThrow(/lines\[0\]\.quantity/);
    expect(bad({ shipping: { amount: -5, taxClass: "shipping" } })).toThrow(/shipping\.amount/);
    expect(bad({ lines: [line(Number.MAX_SAFE_INTEGER, 2)] })).toThrow(ValidationError);
    expect(bad({ lines: [line(Number.MAX_SAFE_INTEGER), line(1)] })).toThrow(/subtotal/);
  });

  it("rejects rates outside 0..100000 bp and percentages above 10000 bp", () => {
    expect(bad({ taxRates: [rate({ id: "r", rateBasisPoints: 100_001 })] })).toThrow(/taxRates\[0\]/);
    expect(bad({ taxRates: [rate({ id: "r", rateBasisPoints: -1 })] })).toThrow(ValidationError);
    expect(bad({ taxRates: [rate({ id: "r", rateBasisPoints: 8.25 })] })).toThrow(ValidationError);
    expect(bad({ promotions: [promo({ id: "p", type: "percentage", value: 10_001 })] })).toThrow(
      /promotions\[0\]\.value/,
    );
    expect(bad({ promotions: [promo({ id: "p", type: "fixed", value: 1.5 })] })).toThrow(ValidationError);
    expect(
      bad({
        promotions: [promo({ id: "p", type: "buy_x_get_y", buyQuantity: 3, getQuantity: 0, value: 10000 })],
      }),
    ).toThrow(/getQuantity/);
    expect(bad({ promotions: [promo({ id: "p", type: "fixed", value: 1, maxDiscountAmount: -1 })] })).toThrow(
      /maxDiscountAmount/,
    );
  });

  it("accepts the boundaries 100000 bp and 10000 bp", () => {
    const r = priceCart(
      cart({
        lines: [line(100)],
        promotions: [promo({ id: "p", type: "percentage", value: 10_000 })],
        taxRates: [rate({ id: "r", rateBasisPoints: 100_000 })],
      }),
    );
    expect(r.total).toBe(0);
    expect(
      priceCart(cart({ lines: [line(100)], taxRates: [rate({ id: "r", rateBasisPoints: 100_000 })] })).total,
    ).toBe(1100);
  });
});

// ---------------------------------------------------------------------------------------------------------
// priceCart: properties over random carts
// ---------------------------------------------------------------------------------------------------------

const PRODUCTS = ["p1", "p2", "p3", "p4"];
const CATEGORIES = ["c1", "c2", "c3"];
const TAX_CLASSES = ["standard", "reduced", "zero", "exempt"];

const lineArb = fc.record({
  productId: fc.constantFrom(...PRODUCTS),
  categoryIds: fc.subarray(CATEGORIES),
  quantity: fc.integer({ min: 1, max: 20 }),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 5000 })),
  onSale: fc.boolean(),
  taxClass: fc.constantFrom(...TAX_CLASSES),
});

const optionalList = <T>(values: T[]) => fc.option(fc.subarray(values), { nil: null });

const promotionArb = fc
  .record({
    type: fc.constantFrom("percentage", "fixed", "free_shipping", "buy_x_get_y") as fc.Arbitrary<
      Promotion["type"]
    >,
    appliesTo: fc.constantFrom("order", "each_item") as fc.Arbitrary<Promotion["appliesTo"]>,
    bp: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 825, 1000, 5000, 10_000)),
    fixed: fc.integer({ min: 0, max: 20_000_000 }),
    buyQuantity: fc.integer({ min: 0, max: 4 }),
    getQuantity: fc.integer({ min: 1, max: 3 }),
    maxDiscountAmount: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: null }),
    minSubtotal: fc.option(fc.integer({ min: 0, max: 20_000_000 }), { nil: null }),
    productIds: optionalList(PRODUCTS),
    skus: optionalList(["SKU-p1", "SKU-p2"]),
    categoryIds: optionalList(CATEGORIES),
    excludeOnSale: fc.boolean(),
    priority: fc.integer({ min: 0, max: 3 }),
    stopFurtherPromotions: fc.boolean(),
    hasCode: fc.boolean(),
  })
  .map(
    (p): Omit<Promotion, "id" | "name"> => ({
      code: p.hasCode ? "CODE" : null,
      type: p.type,
      appliesTo: p.appliesTo,
      value: p.type === "fixed" ? p.fixed : p.bp,
      buyQuantity: p.buyQuantity,
      getQuantity: p.getQuantity,
      maxDiscountAmount: p.maxDiscountAmount,
      conditions: {
        minSubtotal: p.minSubtotal,
        productIds: p.productIds,
        skus: p.skus,
        categoryIds: p.categoryIds,
        excludeOnSale: p.excludeOnSale,
      },
      priority: p.priority,
      stopFurtherPromotions: p.stopFurtherPromotions,
    }),
  );

const rateArb = fc.record({
  taxClass: fc.constantFrom("standard", "reduced", "zero", "shipping"),
  rateBasisPoints: fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 600, 825, 2000)),
});

const inputArb: fc.Arbitrary<PricingInput> = fc
  .record({
    pricesIncludeTax: fc.boolean(),
    lines: fc.array(lineArb, { maxLength: 8 }),
    promotions: fc.array(promotionArb, { maxLength: 6 }),
    shipping: fc.option(
      fc.record({
        amount: fc.integer({ min: 0, max: 1_000_000 }),
        taxClass: fc.constantFrom("shipping", "standard"),
      }),
      { nil: null },
    ),
    taxRates: fc.array(rateArb, { maxLength: 5 }),
  })
  .map((x) => ({
    currency: "USD",
    pricesIncludeTax: x.pricesIncludeTax,
    lines: x.lines.map((l, i) => ({
      ...l,
      id: `line-${i}`,
      variantId: `${l.productId}-v`,
      sku: `SKU-${l.productId}`,
    })),
    promotions: x.promotions.map((p, i) => ({ ...p, id: `promo-${i}`, name: `Promotion ${i}` })),
    shipping: x.shipping,
    taxRates: x.taxRates.map((r, i) => ({
      ...r,
      id: `rate-${i}`,
      name: `Rate ${i}`,
      countryCode: "US",
      region: null,
      postcodePattern: null,
    })),
  }));

describe("priceCart: properties", () => {
  it("all invariants hold for random carts, promotions and rates in both tax modes", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        checkInvariants(input, priceCart(input));
      }),
      { numRuns: 300 },
    );
  });

  it("the random carts exercise every promotion type, rejection reason and tax mode", () => {
    const seen = new Set<string>();
    for (const input of fc.sample(inputArb, { numRuns: 500, seed: 42 })) {
      const r = priceCart(input);
      for (const a of r.appliedPromotions) seen.add(`applied:${a.type}`);
      for (const x of r.rejectedPromotions) seen.add(`rejected:${x.reason}`);
      if (r.shippingDiscount > 0) seen.add("shippingDiscount");
      if (r.taxTotal > 0) seen.add(`tax:${input.pricesIncludeTax}`);
    }
    expect([...seen].sort()).toEqual([
      "applied:buy_x_get_y",
      "applied:fixed",
      "applied:free_shipping",
      "applied:percentage",
      "rejected:MIN_SUBTOTAL",
      "rejected:NO_MATCHING_ITEMS",
      "rejected:STOPPED_BY_OTHER",
      "shippingDiscount",
      "tax:false",
      "tax:true",
    ]);
  });

  it("is deterministic and independent of the order of the promotion candidates", () => {
    fc.assert(
      fc.property(
        inputArb.chain((input) =>
          fc
            .shuffledSubarray(input.promotions, {
              minLength: input.promotions.length,
              maxLength: input.promotions.length,
            })
            .map((shuffled) => [input, { ...input, promotions: shuffled }] as const),
        ),
        ([input, shuffled]) => {
          const r = priceCart(input);
          expect(priceCart(structuredClone(input))).toEqual(r);
          expect(priceCart(shuffled)).toEqual(r);
        },
      ),
    );
  });

  it("does not mutate its input", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy = structuredClone(input);
        priceCart(input);
        expect(input).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });

  it("a lone unconditional percentage gives round(subtotal * value / 10000), capped", () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
        (lines, value, cap) => {
          const input = cart({
            lines: lines.map((l, i) => ({ ...l, id: `l${i}`, variantId: "v", sku: "s" })),
            promotions: [promo({ id: "p", type: "percentage", value, maxDiscountAmount: cap })],
          });
          const r = priceCart(input);
          const subtotal = lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0);
          const expected = Math.min(
            divideRoundHalfUp(BigInt(subtotal) * BigInt(value), 10000n),
            cap ?? Infinity,
          );
          expect(r.discountTotal).toBe(expected);
          // split in proportion to the line subtotals, each within 1 of its share
          r.lines.forEach((l) => {
            if (subtotal === 0) return;
            // |discount - expected * lineSubtotal / subtotal| < 1, exactly in BigInt
            const diff = BigInt(l.discount) * BigInt(subtotal) - BigInt(expected) * BigInt(l.subtotal);
            expect((diff < 0n ? -diff : diff) < BigInt(subtotal)).toBe(true);
          });
          checkInvariants(input, r);
        },
      ),
    );
  });

  it("a lone free buy_x_get_y discounts exactly the cheapest floor(n / (X+Y)) * Y units", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 6 }),
            unitPrice: fc.integer({ min: 1, max: 10_000 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (specs, x, y) => {
          const input = cart({
            lines: specs.map((s) => line(s.unitPrice, s.quantity)),
            promotions: [
              promo({ id: "b", type: "buy_x_get_y", buyQuantity: x, getQuantity: y, value: 10_000 }),
            ],
          });
          const r = priceCart(input);
          const units = specs
            .flatMap((s) => Array.from({ length: s.quantity }, () => s.unitPrice))
            .sort((a, b) => a - b);
          const free = Math.floor(units.length / (x + y)) * y;
          expect(r.discountTotal).toBe(units.slice(0, free).reduce((a, b) => a + b, 0));
          checkInvariants(input, r);
        },
      ),
    );
  });

  it("line tax follows the exclusive / inclusive formula on the discounted amount", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = priceCart(input);
        r.lines.forEach((l, i) => {
          const R = input.taxRates
            .filter((t) => t.taxClass === input.lines[i]!.taxClass)
            .reduce((a, t) => a + BigInt(t.rateBasisPoints), 0n);
          const A = BigInt(l.subtotal - l.discount);
          const expected =
            R === 0n ? 0 : divideRoundHalfUp(A * R, input.pricesIncludeTax ? 10000n + R : 10000n);
          expect(l.tax).toBe(expected);
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe("excluded categories", () => {
  it("never discounts a line in an excluded category, even when it matches otherwise", () => {
    const line = (id: string, categoryIds: string[]) => ({
      id,
      productId: `p-${id}`,
      variantId: `v-${id}`,
      sku: id,
      categoryIds,
      quantity: 1,
      unitPrice: 10_000,
      onSale: false,
      taxClass: "standard",
    });
    const result = priceCart({
      currency: "USD",
      pricesIncludeTax: false,
      lines: [line("watch", ["gear", "watches"]), line("bag", ["gear", "bags"])],
      promotions: [
        {
          id: "p20",
          name: "20 % off gear, not watches",
          code: null,
          type: "percentage",
          appliesTo: "order",
          value: 2000,
          buyQuantity: 0,
          getQuantity: 0,
          conditions: { categoryIds: ["gear"], excludeCategoryIds: ["watches"] },
          priority: 0,
          stopFurtherPromotions: false,
        },
      ],
      shipping: null,
      taxRates: [],
    });
    expect(result.lines.map((l) => l.discount)).toEqual([0, 2000]);
  });
});

describe("customer group condition", () => {
  const limited = promo({
    id: "club",
    type: "percentage",
    value: 1000,
    conditions: { customerGroupIds: ["cgrp_a", "cgrp_b"] },
  });

  it("applies to a customer in any of the groups", () => {
    const input = cart({
      lines: [line(2000)],
      promotions: [limited],
      customerGroupIds: ["cgrp_x", "cgrp_b"],
    });
    const r = priceCart(input);
    expect(r.discountTotal).toBe(200);
    checkInvariants(input, r);
  });

  it("is rejected with CUSTOMER_GROUP for a guest or a customer in none of them; later promotions still apply", () => {
    const next = promo({ id: "zz", type: "fixed", value: 100, priority: 1 });
    for (const customerGroupIds of [undefined, [], ["cgrp_x"]]) {
      const input = cart({ lines: [line(2000)], promotions: [limited, next], customerGroupIds });
      const r = priceCart(input);
      expect(r.rejectedPromotions).toEqual([{ id: "club", code: null, reason: "CUSTOMER_GROUP" }]);
      expect(r.appliedPromotions.map((p) => p.id)).toEqual(["zz"]);
      checkInvariants(input, r);
    }
  });

  it("an empty group list limits nothing", () => {
    const open = promo({ id: "open", type: "percentage", value: 1000, conditions: { customerGroupIds: [] } });
    expect(priceCart(cart({ lines: [line(2000)], promotions: [open] })).discountTotal).toBe(200);
  });
});
