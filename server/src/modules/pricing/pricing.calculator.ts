/**
 * Cart pricing: promotions, tax and shipping, as pure functions (no database, no HTTP, no I/O).
 *
 * Money is always an integer number of minor units of `PricingInput.currency` (e.g. cents for USD) held in a
 * JS number that is a safe integer; products such as `amount * rate` are computed with BigInt and divided
 * back with {@link divideRoundHalfUp}, so no floating point is ever used for money. Rates and percentages
 * are basis points (1 bp = 0.01 %, 10000 bp = 100 %).
 *
 * The pricing rules (Bazaar pricing rules 1-9, repeated on {@link priceCart}):
 * 1. Promotions apply in order of (priority, id); each discounts what earlier ones left of each line. A
 *    promotion limited to customer groups applies only to carts of signed-in members of one of them (as
 *    Magento's cart price rules are limited to customer groups; guests are in none).
 * 2. percentage: one rounded discount over all qualifying lines, split by largest remainder.
 * 3. fixed: "order" = one amount split over the lines; "each_item" = amount off every unit.
 * 4. buy_x_get_y: per full group of X+Y qualifying units, the Y cheapest units of the whole set are discounted.
 * 5. free_shipping: the shipping price is discounted to 0.
 * 6. maxDiscountAmount caps a promotion's item discount.
 * 7. Tax is computed per line and rounded half-up to the minor unit.
 * 8. Shipping tax uses the same formula on the discounted shipping price.
 * 9. Totals always add up exactly (see the tests' property checks).
 */
import { type FieldError, ValidationError } from "../../platform/errors.ts";

/** One cart line to price. */
export interface PricingLine {
  id: string; // cart line id
  productId: string;
  variantId: string;
  sku: string;
  categoryIds: string[]; // the product's categories INCLUDING their ancestors
  quantity: number; // whole units >= 1
  unitPrice: number; // minor units: the current catalog price (special price already applied); tax-inclusive or exclusive per PricingInput.pricesIncludeTax
  onSale: boolean; // a special (sale) price is active for this line
  taxClass: string; // e.g. "standard", "reduced", "zero"
}

/** A tax rate in a tax zone. */
export interface TaxRate {
  id: string;
  name: string; // e.g. "US-MI-*-Rate 1"
  countryCode: string; // ISO 3166-1 alpha-2, upper case
  region: string | null; // region/state code (e.g. "MI"), null = whole country
  postcodePattern: string | null; // null or "*" = any; "48*" prefix wildcard; "48000-48999" numeric range; "SW1A 1AA" exact (case/space-insensitive); several patterns comma-separated
  rateBasisPoints: number; // 825 = 8.25 %
  taxClass: string; // which product tax class it applies to ("shipping" for shipping)
}

/** The destination address tax rates are matched against. */
export interface TaxAddress {
  countryCode: string;
  region: string | null;
  postcode: string | null;
}

export type PromotionType = "percentage" | "fixed" | "free_shipping" | "buy_x_get_y";

export interface PromotionConditions {
  minSubtotal?: number | null; // minor units; compared to the cart subtotal (sum of line subtotals before any discount)
  productIds?: string[] | null; // a line qualifies if it matches ANY of the given lists (productIds, skus, categoryIds); if none of the three lists is given (null/empty), every line qualifies
  skus?: string[] | null;
  categoryIds?: string[] | null;
  excludeOnSale?: boolean; // lines with onSale=true never qualify
  excludeCategoryIds?: string[] | null; // lines in any of these categories (ancestors included) never qualify
  customerGroupIds?: string[] | null; // customer group ids (customers module): when given, only carts of signed-in customers in ANY of them get it; guests never
}

export interface Promotion {
  id: string;
  name: string;
  code: string | null; // coupon code, or null for an automatic promotion
  type: PromotionType;
  appliesTo: "order" | "each_item"; // for "fixed": "order" = one amount off the qualifying lines together; "each_item" = amount off every qualifying unit. For "percentage" both mean the same.
  value: number; // percentage: basis points (2000 = 20 %, max 10000); fixed: minor units; buy_x_get_y: basis points of discount on the "get" units (10000 = free)
  buyQuantity: number; // buy_x_get_y only: X
  getQuantity: number; // buy_x_get_y only: Y
  maxDiscountAmount?: number | null; // cap on this promotion's item discount, minor units
  conditions: PromotionConditions;
  priority: number; // lower applies first; ties by id
  stopFurtherPromotions: boolean; // when this one applies, no later promotion applies (stacking rule)
}

export interface PricingInput {
  currency: string;
  pricesIncludeTax: boolean;
  lines: PricingLine[];
  promotions: Promotion[]; // candidates; the caller already filtered by dates, entered coupon codes and usage limits
  shipping: { amount: number; taxClass: string } | null; // selected shipping method price in minor units (same tax treatment as the prices); null = none chosen / nothing to ship
  taxRates: TaxRate[]; // already matched to the destination (matchTaxRates)
  customerGroupIds?: string[]; // groups of the signed-in customer the cart belongs to; absent or [] for guests and customers in no group
}

export interface PricedLine {
  id: string;
  quantity: number;
  unitPrice: number;
  subtotal: number; // unitPrice * quantity
  discount: number; // sum of discounts on this line
  discounts: { promotionId: string; amount: number }[];
  tax: number; // tax on (subtotal - discount), rounded half-up to the minor unit for this line
  taxes: { rateId: string; name: string; rateBasisPoints: number; amount: number }[]; // sums to `tax`
  total: number; // subtotal - discount + (pricesIncludeTax ? 0 : tax)
}

export interface PricingResult {
  currency: string;
  pricesIncludeTax: boolean;
  lines: PricedLine[]; // same order as input
  subtotal: number; // sum of line subtotals
  discountTotal: number; // sum of line discounts (item discounts only)
  shippingTotal: number; // shipping price before discount (0 when none)
  shippingDiscount: number; // free-shipping promotions
  shippingTax: number;
  taxTotal: number; // line taxes + shipping tax
  total: number; // subtotal - discountTotal + shippingTotal - shippingDiscount + (pricesIncludeTax ? 0 : taxTotal)
  appliedPromotions: {
    id: string;
    name: string;
    code: string | null;
    type: PromotionType;
    amount: number;
    freeShipping: boolean;
  }[]; // amount = item discount + shipping discount given by it
  rejectedPromotions: {
    id: string;
    code: string | null;
    reason: "MIN_SUBTOTAL" | "NO_MATCHING_ITEMS" | "STOPPED_BY_OTHER" | "CUSTOMER_GROUP";
  }[];
}

/** 100 % in basis points. */
const FULL_BP = 10000n;
/** Highest accepted tax rate: 100000 bp = 1000 %. */
const MAX_TAX_RATE_BP = 100000;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const PROMOTION_TYPES: readonly string[] = ["percentage", "fixed", "free_shipping", "buy_x_get_y"];
const APPLIES_TO: readonly string[] = ["order", "each_item"];

// ---------------------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------------------

/** Exact round-half-away-from-zero division in BigInt. Throws RangeError when `denominator` is 0. */
function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("divideRoundHalfUp: denominator must not be 0");
  let n = numerator;
  let d = denominator;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const negative = n < 0n;
  const abs = negative ? -n : n;
  // floor(abs / d + 1/2) = floor((2 * abs + d) / (2 * d))
  const q = (2n * abs + d) / (2n * d);
  return negative ? -q : q;
}

function isSafeBig(value: bigint): boolean {
  return value <= MAX_SAFE && value >= -MAX_SAFE;
}

/**
 * round(numerator / denominator) half-up (away from zero for positive values), exact with BigInt.
 *
 * Shapes and units: unit-agnostic; typically `numerator = amount (minor units) * rate (basis points)` and
 * `denominator = 10000` (or `10000 + rate` to extract the tax contained in a tax-inclusive amount).
 * Rounding rule: halves round away from zero (2.5 -> 3, -2.5 -> -3; so round(-x) = -round(x)); this is
 * the "rounded half-up to the minor unit" rule of Bazaar's tax and discount calculation.
 * Either sign of the denominator is accepted.
 *
 * @returns the rounded quotient as a safe integer JS number.
 * @throws RangeError when `denominator` is 0 or the rounded quotient is not a safe integer.
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): number {
  const q = divRound(numerator, denominator);
  if (!isSafeBig(q)) throw new RangeError("divideRoundHalfUp: result is not a safe integer");
  return Number(q);
}

/** Largest remainder core on BigInt: `total >= 0`, weights >= 0. */
function allocateBig(total: bigint, weights: bigint[]): bigint[] {
  if (weights.length === 0) return [];
  let sum = weights.reduce((a, b) => a + b, 0n);
  let w = weights;
  if (sum === 0n) {
    w = weights.map(() => 1n);
    sum = BigInt(weights.length);
  }
  const parts: bigint[] = [];
  const remainders: { index: number; remainder: bigint }[] = [];
  let given = 0n;
  for (let i = 0; i < w.length; i++) {
    const product = total * w[i]!;
    const part = product / sum;
    parts.push(part);
    given += part;
    remainders.push({ index: i, remainder: product % sum });
  }
  let left = total - given; // 0 <= left < weights.length
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const r of remainders) {
    if (left === 0n) break;
    parts[r.index]! += 1n;
    left -= 1n;
  }
  return parts;
}

/**
 * Splits `total` minor units over `weights` in proportion, by the largest remainder method (Hamilton):
 * parts are integers and always sum exactly to `total`. Zero/all-zero weights: all-zero weights -> split
 * equally by largest remainder. Ties in remainder go to the earlier index.
 *
 * Shapes and units: `total` is a safe integer (minor units; a negative total is split as
 * `-allocate(-total)`); `weights` are non-negative safe integers in any common unit (e.g. remaining line
 * amounts in minor units, rates in basis points). Returns one part per weight, in the same order; each
 * part differs from its exact proportional share `total * w[i] / sum(w)` by less than 1, and a part is 0
 * when its weight is 0 (unless all weights are 0). With `0 <= total <= sum(weights)` no part exceeds its
 * weight.
 * Source: Hamilton's largest remainder method (apportionment), computed exactly with BigInt.
 *
 * @throws ValidationError (field `total` or `weights[i]`) when `total` is not a safe integer, a weight is
 *   not a non-negative safe integer, or `weights` is empty while `total` is not 0.
 */
export function allocateByLargestRemainder(total: number, weights: number[]): number[] {
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(total)) errors.push({ field: "total", message: "must be a safe integer" });
  weights.forEach((w, i) => {
    if (!Number.isSafeInteger(w) || w < 0) {
      errors.push({ field: `weights[${i}]`, message: "must be a non-negative safe integer" });
    }
  });
  if (weights.length === 0 && total !== 0) {
    errors.push({ field: "weights", message: "must not be empty when total is not 0" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const negative = total < 0;
  const parts = allocateBig(BigInt(Math.abs(total)), weights.map(BigInt));
  return parts.map((p) => (negative ? -Number(p) : Number(p)));
}

// ---------------------------------------------------------------------------------------------------------
// Tax rate matching
// ---------------------------------------------------------------------------------------------------------

function normalizePostcode(text: string): string {
  return text.toUpperCase().replace(/\s+/g, "");
}

const RANGE_PATTERN = /^(\d+)-(\d+)$/;
/** A numeric postcode, optionally with a "-extension" (US ZIP+4: "48201-1234" compares as 48201). */
const NUMERIC_POSTCODE = /^(\d+)(?:-\d+)?$/;

function postcodeMatchesOne(pattern: string, postcode: string): boolean {
  const range = RANGE_PATTERN.exec(pattern);
  if (range) {
    const numeric = NUMERIC_POSTCODE.exec(postcode);
    if (!numeric) return false;
    const a = BigInt(range[1]!);
    const b = BigInt(range[2]!);
    const n = BigInt(numeric[1]!);
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    return n >= lo && n <= hi;
  }
  if (pattern.includes("*")) {
    const source = pattern
      .split("*")
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    return new RegExp(`^${source}$`).test(postcode);
  }
  return pattern === postcode;
}

/**
 * True when a rate's postcode pattern accepts a postcode. Pattern syntax (Magento-style tax zones):
 * null, "" or "*" = any; "48*" = glob (`*` = any characters, usually a prefix wildcard); "48000-48999" =
 * inclusive numeric range (a ZIP+4 "48201-1234" compares by its 5-digit part); anything else = exact;
 * comparisons ignore case and whitespace; "a,b,c" = any of the patterns.
 */
function postcodeMatches(pattern: string | null, postcode: string | null): boolean {
  if (pattern === null) return true;
  const patterns = pattern
    .split(",")
    .map(normalizePostcode)
    .filter((p) => p !== "");
  if (patterns.length === 0 || patterns.includes("*")) return true;
  if (postcode === null) return false;
  const code = normalizePostcode(postcode);
  if (code === "") return false;
  return patterns.some((p) => postcodeMatchesOne(p, code));
}

/**
 * The rates that apply at an address: same country, region null or equal (case-insensitive), postcode
 * matching.
 *
 * Shapes: returns the subset of `rates` (same objects, input order kept) that match `address`; a null
 * address (destination unknown) matches nothing and returns []. Country codes (ISO 3166-1 alpha-2) and
 * regions compare case-insensitively, ignoring surrounding whitespace; a rate with `region: null` covers
 * the whole country, while a rate with a region never matches an address without one.
 * Postcode patterns (source: Magento tax zone syntax, as imported from Luma sample data "US-MI-*-Rate 1"):
 * null, "" or "*" = any postcode (also when the address has none); "48*" = prefix wildcard (`*` matches
 * any characters); "48000-48999" = inclusive numeric range (only numeric postcodes match; a ZIP+4
 * "48201-1234" compares as 48201); anything else = exact match ignoring case and spaces ("sw1a1aa" ==
 * "SW1A 1AA"); several patterns separated by commas match when any of them does. A non-wildcard pattern
 * never matches an address without a postcode.
 * Throws nothing.
 */
export function matchTaxRates(rates: TaxRate[], address: TaxAddress | null): TaxRate[] {
  if (address === null) return [];
  const country = address.countryCode.trim().toUpperCase();
  const region = address.region === null ? null : address.region.trim().toUpperCase();
  return rates.filter((rate) => {
    if (rate.countryCode.trim().toUpperCase() !== country) return false;
    if (rate.region !== null && rate.region.trim().toUpperCase() !== region) return false;
    return postcodeMatches(rate.postcodePattern, address.postcode);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Cart pricing
// ---------------------------------------------------------------------------------------------------------

function isMinor(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isOptionalMinor(value: number | null | undefined): boolean {
  return value === null || value === undefined || isMinor(value);
}

function isBasisPoints(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/** Collects every problem of the input (all at once) and throws them as one ValidationError. */
function validateInput(input: PricingInput): void {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  input.lines.forEach((line, i) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      add(`lines[${i}].quantity`, "must be a whole number >= 1");
    }
    if (!isMinor(line.unitPrice)) {
      add(`lines[${i}].unitPrice`, "must be a non-negative integer amount in minor units");
    }
  });
  input.promotions.forEach((p, i) => {
    const f = `promotions[${i}]`;
    if (!PROMOTION_TYPES.includes(p.type)) add(`${f}.type`, `must be one of ${PROMOTION_TYPES.join(", ")}`);
    if (!APPLIES_TO.includes(p.appliesTo)) add(`${f}.appliesTo`, `must be one of ${APPLIES_TO.join(", ")}`);
    if (typeof p.priority !== "number" || !Number.isFinite(p.priority)) {
      add(`${f}.priority`, "must be a finite number");
    }
    if (p.type === "percentage" && !isBasisPoints(p.value, 10000)) {
      add(`${f}.value`, "must be a percentage in basis points between 0 and 10000");
    }
    if (p.type === "buy_x_get_y" && !isBasisPoints(p.value, 10000)) {
      add(`${f}.value`, "must be a discount in basis points between 0 and 10000");
    }
    if (p.type === "fixed" && !isMinor(p.value)) {
      add(`${f}.value`, "must be a non-negative integer amount in minor units");
    }
    if (p.type === "buy_x_get_y") {
      if (!Number.isSafeInteger(p.buyQuantity) || p.buyQuantity < 0) {
        add(`${f}.buyQuantity`, "must be a whole number >= 0");
      }
      if (!Number.isSafeInteger(p.getQuantity) || p.getQuantity < 1) {
        add(`${f}.getQuantity`, "must be a whole number >= 1");
      }
    }
    if (!isOptionalMinor(p.maxDiscountAmount)) {
      add(`${f}.maxDiscountAmount`, "must be null or a non-negative integer amount in minor units");
    }
    if (!isOptionalMinor(p.conditions.minSubtotal)) {
      add(`${f}.conditions.minSubtotal`, "must be null or a non-negative integer amount in minor units");
    }
  });
  if (input.shipping !== null && !isMinor(input.shipping.amount)) {
    add("shipping.amount", "must be a non-negative integer amount in minor units");
  }
  input.taxRates.forEach((rate, i) => {
    if (!isBasisPoints(rate.rateBasisPoints, MAX_TAX_RATE_BP)) {
      add(
        `taxRates[${i}].rateBasisPoints`,
        `must be an integer between 0 and ${MAX_TAX_RATE_BP} basis points`,
      );
    }
  });
  if (errors.length > 0) throw new ValidationError(errors);
}

/** Converts an exact amount to a number, or throws ValidationError on `field` when it is too large. */
function toSafe(value: bigint, field: string): number {
  if (!isSafeBig(value)) {
    throw new ValidationError([{ field, message: "the amount exceeds the largest safe integer" }]);
  }
  return Number(value);
}

interface WorkLine {
  line: PricingLine;
  index: number;
  subtotal: number;
  remaining: number;
  discounts: { promotionId: string; amount: number }[];
}

function hasItems(list: string[] | null | undefined): list is string[] {
  return Array.isArray(list) && list.length > 0;
}

/**
 * Rule: a line matches when it is not excluded (on sale with `excludeOnSale`, or in an excluded
 * category) and matches ANY given list (or no list is given).
 */
function matchesConditions(line: PricingLine, c: PromotionConditions): boolean {
  if (c.excludeOnSale === true && line.onSale) return false;
  if (hasItems(c.excludeCategoryIds) && c.excludeCategoryIds.some((id) => line.categoryIds.includes(id)))
    return false;
  const byProduct = hasItems(c.productIds);
  const bySku = hasItems(c.skus);
  const byCategory = hasItems(c.categoryIds);
  if (!byProduct && !bySku && !byCategory) return true;
  if (byProduct && c.productIds!.includes(line.productId)) return true;
  if (bySku && c.skus!.includes(line.sku)) return true;
  if (byCategory && c.categoryIds!.some((id) => line.categoryIds.includes(id))) return true;
  return false;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Caps a promotion's per-line discounts at `cap`, re-splitting the cap by largest remainder (rule 6). */
function capSplit(raw: bigint[], cap: number | null | undefined): bigint[] {
  const sum = raw.reduce((a, b) => a + b, 0n);
  if (cap === null || cap === undefined || sum <= BigInt(cap)) return raw;
  return allocateBig(BigInt(cap), raw);
}

/**
 * Item discount of one promotion on each qualifying line (aligned with `lines`, each between 0 and the
 * line's remaining amount). `lines` all have remaining > 0.
 */
function itemDiscounts(p: Promotion, lines: WorkLine[]): bigint[] {
  const remaining = lines.map((l) => BigInt(l.remaining));
  const qualifyingRemaining = remaining.reduce((a, b) => a + b, 0n);
  const cap = p.maxDiscountAmount;
  switch (p.type) {
    case "percentage": {
      let d = divRound(qualifyingRemaining * BigInt(p.value), FULL_BP);
      if (cap !== null && cap !== undefined) d = minBig(d, BigInt(cap));
      return allocateBig(d, remaining);
    }
    case "fixed": {
      if (p.appliesTo === "order") {
        let d = minBig(BigInt(p.value), qualifyingRemaining);
        if (cap !== null && cap !== undefined) d = minBig(d, BigInt(cap));
        return allocateBig(d, remaining);
      }
      const raw = lines.map((l, i) => minBig(BigInt(p.value) * BigInt(l.line.quantity), remaining[i]!));
      return capSplit(raw, cap);
    }
    case "buy_x_get_y": {
      const totalUnits = lines.reduce((a, l) => a + BigInt(l.line.quantity), 0n);
      const groupSize = BigInt(p.buyQuantity) + BigInt(p.getQuantity);
      let left = (totalUnits / groupSize) * BigInt(p.getQuantity);
      // Cheapest units first; equal prices: the earlier cart line first.
      const order = lines
        .map((l, i) => ({ i, price: l.line.unitPrice, index: l.index }))
        .sort((a, b) => a.price - b.price || a.index - b.index);
      const raw = lines.map(() => 0n);
      for (const o of order) {
        if (left === 0n) break;
        const l = lines[o.i]!;
        const units = minBig(BigInt(l.line.quantity), left);
        left -= units;
        const perUnit = divRound(BigInt(l.line.unitPrice) * BigInt(p.value), FULL_BP);
        raw[o.i] = minBig(units * perUnit, remaining[o.i]!);
      }
      return capSplit(raw, cap);
    }
    case "free_shipping":
      return lines.map(() => 0n);
  }
}

function comparePromotions(a: { p: Promotion; i: number }, b: { p: Promotion; i: number }): number {
  if (a.p.priority !== b.p.priority) return a.p.priority < b.p.priority ? -1 : 1;
  if (a.p.id !== b.p.id) return a.p.id < b.p.id ? -1 : 1;
  return a.i - b.i;
}

/** Tax on `amount` at the summed rate `rateBp` (rule 7): exclusive adds, inclusive extracts. */
function taxOn(amount: number, rateBp: bigint, pricesIncludeTax: boolean): bigint {
  if (rateBp === 0n || amount === 0) return 0n;
  return divRound(BigInt(amount) * rateBp, pricesIncludeTax ? FULL_BP + rateBp : FULL_BP);
}

/**
 * Prices a cart: applies promotions, then tax per line, then shipping. Throws ValidationError for a
 * non-integer / negative amount, quantity < 1, a rate outside 0..100000 bp, a percentage > 10000 bp.
 *
 * Shapes and units: see {@link PricingInput} / {@link PricingResult}; every amount in and out is a
 * non-negative safe integer in minor units of `input.currency` (passed through unchecked); `value` of
 * percentage and buy_x_get_y promotions and all tax rates are basis points. Pure and deterministic: the
 * same input always gives the same result, whatever the order of `input.promotions` (when promotion ids
 * are unique).
 *
 * Rules (Bazaar pricing rules; the buy-X-get-Y example is Magento Luma's "Buy 3 tee shirts and get the
 * 4th free"; tax rounding is our documented rule "tax computed per line and rounded half-up to the minor
 * unit"):
 * 1. Promotions apply in order of (priority ascending, then id by UTF-16 code unit order). Each computes
 *    its discount on each qualifying line's REMAINING amount (subtotal minus discounts already given by
 *    earlier promotions), never making a line negative. A line qualifies when it matches the conditions
 *    (not on sale if `excludeOnSale`; in ANY of the given productIds / skus / categoryIds lists, or every
 *    line when no list is given) and, for item discounts, still has a remaining amount > 0.
 *    A promotion that gives nothing is reported in `rejectedPromotions`, checked in this order:
 *    STOPPED_BY_OTHER when an earlier APPLIED promotion had `stopFurtherPromotions`; CUSTOMER_GROUP when the
 *    customer is in none of a non-empty `customerGroupIds` condition (guests are in no group); MIN_SUBTOTAL when the
 *    cart subtotal (before any discount) < `minSubtotal` (equal is enough); NO_MATCHING_ITEMS when no line
 *    qualifies or the computed item discount is 0 (e.g. buy-X-get-Y without a full group, or a rounding
 *    to 0). A rejected promotion never stops later ones.
 * 2. percentage: discount = divideRoundHalfUp(qualifyingRemaining * value, 10000), computed once over all
 *    qualifying lines together, capped by `maxDiscountAmount`, then split over those lines by largest
 *    remainder weighted by each line's remaining amount. `appliesTo` does not matter.
 * 3. fixed, appliesTo "order": min(value, qualifyingRemaining, maxDiscountAmount) split by largest
 *    remainder weighted by remaining amounts. fixed, "each_item": per line min(value * quantity, remaining).
 * 4. buy_x_get_y: over all qualifying units (lines expanded into units, cheapest unitPrice first; equal
 *    prices: earlier line first), floor(totalUnits / (X + Y)) * Y of the cheapest units are discounted by
 *    divideRoundHalfUp(unitPrice * value, 10000) each (10000 = free); a line's discount is capped by its
 *    remaining amount. X may be 0; Y must be >= 1.
 * 5. free_shipping: when the conditions hold (minSubtotal reached and at least one line matching the
 *    conditions, whatever its remaining amount), it applies: shippingDiscount = shipping amount (so the
 *    taxable shipping and the shipping tax are 0). No item discount. It applies (with amount 0) even when
 *    no shipping is chosen yet or the shipping is already free, so coupon feedback and stacking do not
 *    depend on the shipping method.
 * 6. `maxDiscountAmount` caps a promotion's total item discount; for "each_item" and buy_x_get_y the cap is
 *    split over the lines by largest remainder weighted by their uncapped discounts.
 * 7. Tax per line on the taxable amount A = subtotal - discount with R = sum of the basis points of the
 *    rates whose taxClass equals the line's taxClass (exact, case-sensitive): exclusive prices
 *    tax = divideRoundHalfUp(A * R, 10000); inclusive prices tax = divideRoundHalfUp(A * R, 10000 + R)
 *    (the tax contained in A). `taxes` lists every rate of the class, the line tax split over them by
 *    largest remainder weighted by rateBasisPoints (ties to the earlier rate in `taxRates`). A class
 *    without rates has tax 0 and `taxes` [].
 * 8. Shipping tax: the same formula on (shipping.amount - shippingDiscount) with the rates whose taxClass
 *    equals shipping.taxClass.
 * 9. Always: total = subtotal - discountTotal + shippingTotal - shippingDiscount
 *    + (pricesIncludeTax ? 0 : taxTotal) = sum(line.total) + shippingTotal - shippingDiscount
 *    + (pricesIncludeTax ? 0 : shippingTax); 0 <= line.discount <= line.subtotal; sum of
 *    appliedPromotions amounts = discountTotal + shippingDiscount.
 *
 * @throws ValidationError listing every invalid field (`lines[i].quantity`, `lines[i].unitPrice`,
 *   `promotions[i].value|type|appliesTo|priority|buyQuantity|getQuantity|maxDiscountAmount`,
 *   `promotions[i].conditions.minSubtotal`, `shipping.amount`, `taxRates[i].rateBasisPoints`): amounts
 *   must be non-negative safe integers, quantity a whole number >= 1, tax rates 0..100000 bp, percentage
 *   and buy_x_get_y values 0..10000 bp, buyQuantity >= 0, getQuantity >= 1. Also throws ValidationError
 *   (field `lines[i].subtotal`, `lines[i].tax`, `lines[i].total`, `subtotal`, `shippingTax`, `taxTotal`
 *   or `total`) when a computed amount would exceed Number.MAX_SAFE_INTEGER.
 */
export function priceCart(input: PricingInput): PricingResult {
  validateInput(input);
  const incl = input.pricesIncludeTax;

  const work: WorkLine[] = input.lines.map((line, index) => {
    const subtotal = toSafe(BigInt(line.unitPrice) * BigInt(line.quantity), `lines[${index}].subtotal`);
    return { line, index, subtotal, remaining: subtotal, discounts: [] };
  });
  const subtotal = toSafe(
    work.reduce((a, l) => a + BigInt(l.subtotal), 0n),
    "subtotal",
  );
  const shippingTotal = input.shipping?.amount ?? 0;
  let shippingDiscount = 0;

  // Rules 1-6: promotions.
  const appliedPromotions: PricingResult["appliedPromotions"] = [];
  const rejectedPromotions: PricingResult["rejectedPromotions"] = [];
  const ordered = input.promotions.map((p, i) => ({ p, i })).sort(comparePromotions);
  const customerGroups = new Set(input.customerGroupIds ?? []);
  let stopped = false;
  for (const { p } of ordered) {
    const reject = (reason: PricingResult["rejectedPromotions"][number]["reason"]) =>
      rejectedPromotions.push({ id: p.id, code: p.code, reason });
    if (stopped) {
      reject("STOPPED_BY_OTHER");
      continue;
    }
    const groups = p.conditions.customerGroupIds;
    if (hasItems(groups) && !groups.some((id) => customerGroups.has(id))) {
      reject("CUSTOMER_GROUP");
      continue;
    }
    const minSubtotal = p.conditions.minSubtotal;
    if (minSubtotal !== null && minSubtotal !== undefined && subtotal < minSubtotal) {
      reject("MIN_SUBTOTAL");
      continue;
    }
    const matching = work.filter((l) => matchesConditions(l.line, p.conditions));
    if (p.type === "free_shipping") {
      if (matching.length === 0) {
        reject("NO_MATCHING_ITEMS");
        continue;
      }
      const amount = shippingTotal - shippingDiscount;
      shippingDiscount = shippingTotal;
      appliedPromotions.push({
        id: p.id,
        name: p.name,
        code: p.code,
        type: p.type,
        amount,
        freeShipping: true,
      });
    } else {
      const qualifying = matching.filter((l) => l.remaining > 0);
      const parts = qualifying.length === 0 ? [] : itemDiscounts(p, qualifying);
      const amount = parts.reduce((a, b) => a + b, 0n);
      if (amount === 0n) {
        reject("NO_MATCHING_ITEMS");
        continue;
      }
      qualifying.forEach((l, k) => {
        const part = Number(parts[k]!); // 0 <= part <= l.remaining, a safe integer
        if (part === 0) return;
        l.remaining -= part;
        l.discounts.push({ promotionId: p.id, amount: part });
      });
      appliedPromotions.push({
        id: p.id,
        name: p.name,
        code: p.code,
        type: p.type,
        amount: Number(amount), // <= subtotal, safe
        freeShipping: false,
      });
    }
    if (p.stopFurtherPromotions) stopped = true;
  }

  // Rule 7: tax per line.
  const ratesOf = (taxClass: string) => input.taxRates.filter((r) => r.taxClass === taxClass);
  let lineTaxSum = 0n;
  let discountTotal = 0;
  const lines: PricedLine[] = work.map((l) => {
    const discount = l.subtotal - l.remaining;
    discountTotal += discount;
    const rates = ratesOf(l.line.taxClass);
    const rateSum = rates.reduce((a, r) => a + BigInt(r.rateBasisPoints), 0n);
    const taxBig = taxOn(l.remaining, rateSum, incl);
    const tax = toSafe(taxBig, `lines[${l.index}].tax`);
    lineTaxSum += taxBig;
    const split = allocateBig(
      taxBig,
      rates.map((r) => BigInt(r.rateBasisPoints)),
    );
    return {
      id: l.line.id,
      quantity: l.line.quantity,
      unitPrice: l.line.unitPrice,
      subtotal: l.subtotal,
      discount,
      discounts: l.discounts,
      tax,
      taxes: rates.map((r, k) => ({
        rateId: r.id,
        name: r.name,
        rateBasisPoints: r.rateBasisPoints,
        amount: Number(split[k]!),
      })),
      total: toSafe(BigInt(l.remaining) + (incl ? 0n : taxBig), `lines[${l.index}].total`),
    };
  });

  // Rule 8: shipping tax.
  let shippingTaxBig = 0n;
  if (input.shipping !== null) {
    const rateSum = ratesOf(input.shipping.taxClass).reduce((a, r) => a + BigInt(r.rateBasisPoints), 0n);
    shippingTaxBig = taxOn(shippingTotal - shippingDiscount, rateSum, incl);
  }
  const shippingTax = toSafe(shippingTaxBig, "shippingTax");
  const taxTotalBig = lineTaxSum + shippingTaxBig;
  const taxTotal = toSafe(taxTotalBig, "taxTotal");
  const total = toSafe(
    BigInt(subtotal) -
      BigInt(discountTotal) +
      BigInt(shippingTotal) -
      BigInt(shippingDiscount) +
      (incl ? 0n : taxTotalBig),
    "total",
  );

  return {
    currency: input.currency,
    pricesIncludeTax: incl,
    lines,
    subtotal,
    discountTotal,
    shippingTotal,
    shippingDiscount,
    shippingTax,
    taxTotal,
    total,
    appliedPromotions,
    rejectedPromotions,
  };
}
