/**
 * Luma pricing: the Magento 2 sample store's tax rates and rules, table-rate shipping, cart price rules
 * (promotions and the H20 coupon) and price settings, mapped onto Bazaar's pricing and shipping services.
 * Re-running changes nothing: tax rates are matched by code, the shipping zone by name and its methods by
 * code, promotions by source key (`luma:sales_rules.csv#<row>`) and coupons by code.
 */
import path from "node:path";
import { decodeHTML } from "entities";
import { getCategoryBySlug, setSpecialPrices, variantPricingMatching } from "../modules/catalog/index.ts";
import {
  type PromotionInput,
  type TaxRateInput,
  updateStoreSettings,
  upsertPromotion,
  upsertTaxRates,
} from "../modules/pricing/index.ts";
import { type ShippingZoneInput, type TableRateRow, upsertShippingZone } from "../modules/shipping/index.ts";
import type { AppContext } from "../platform/context.ts";
import { AppError, NotFoundError, ValidationError } from "../platform/errors.ts";
import { parseMajorUnits } from "../platform/money.ts";
import { readCsv } from "./csv-records.ts";
import type { FailedRow } from "./report.ts";

/** The sample store sells in US dollars. */
const currency = "USD";

/** Magento's sample store address (Luma's "store information"), used for the pickup method. */
const lumaStoreAddress = "Luma Store, 6146 Honey Bluff Parkway, Calder, MI 49628";

/** What the pricing part of the Luma import wrote. */
export interface LumaPricingCounts {
  taxRates: number;
  shippingZones: number;
  shippingMethods: number;
  promotions: number;
  coupons: number;
  /** Catalog price rules applied, and the variants whose sale price is a rule's. */
  catalogRules: number;
  catalogRulePrices: number;
}

export interface LumaPricingSummary extends LumaPricingCounts {
  /** Rows imported with a caveat, and source rows deliberately not imported. */
  warnings: FailedRow[];
  /** Rows that could not be imported. */
  failed: FailedRow[];
}

export function emptyPricingCounts(): LumaPricingCounts {
  return {
    taxRates: 0,
    shippingZones: 0,
    shippingMethods: 0,
    promotions: 0,
    coupons: 0,
    catalogRules: 0,
    catalogRulePrices: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// US states and territories
// ---------------------------------------------------------------------------------------------------------

/**
 * USPS codes of the US states, DC, the territories, the freely associated states and the armed forces
 * regions, by the names Magento's directory uses (plus common variants).
 */
const usRegions: Record<string, string> = {
  Alabama: "AL",
  Alaska: "AK",
  Arizona: "AZ",
  Arkansas: "AR",
  California: "CA",
  Colorado: "CO",
  Connecticut: "CT",
  Delaware: "DE",
  Florida: "FL",
  Georgia: "GA",
  Hawaii: "HI",
  Idaho: "ID",
  Illinois: "IL",
  Indiana: "IN",
  Iowa: "IA",
  Kansas: "KS",
  Kentucky: "KY",
  Louisiana: "LA",
  Maine: "ME",
  Maryland: "MD",
  Massachusetts: "MA",
  Michigan: "MI",
  Minnesota: "MN",
  Mississippi: "MS",
  Missouri: "MO",
  Montana: "MT",
  Nebraska: "NE",
  Nevada: "NV",
  "New Hampshire": "NH",
  "New Jersey": "NJ",
  "New Mexico": "NM",
  "New York": "NY",
  "North Carolina": "NC",
  "North Dakota": "ND",
  Ohio: "OH",
  Oklahoma: "OK",
  Oregon: "OR",
  Pennsylvania: "PA",
  "Rhode Island": "RI",
  "South Carolina": "SC",
  "South Dakota": "SD",
  Tennessee: "TN",
  Texas: "TX",
  Utah: "UT",
  Vermont: "VT",
  Virginia: "VA",
  Washington: "WA",
  "West Virginia": "WV",
  Wisconsin: "WI",
  Wyoming: "WY",
  "District of Columbia": "DC",
  "Washington DC": "DC",
  "Washington D.C.": "DC",
  "American Samoa": "AS",
  Guam: "GU",
  "Northern Mariana Islands": "MP",
  "Puerto Rico": "PR",
  "Virgin Islands": "VI",
  "U.S. Virgin Islands": "VI",
  "US Virgin Islands": "VI",
  "United States Virgin Islands": "VI",
  "Federated States of Micronesia": "FM",
  Micronesia: "FM",
  "Marshall Islands": "MH",
  Palau: "PW",
  "Armed Forces Americas": "AA",
  "Armed Forces Africa": "AE",
  "Armed Forces Canada": "AE",
  "Armed Forces Europe": "AE",
  "Armed Forces Middle East": "AE",
  "Armed Forces Pacific": "AP",
};

const nameKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z]+/g, " ")
    .trim();
const usCodeByName = new Map(Object.entries(usRegions).map(([name, code]) => [nameKey(name), code]));
const usCodes = new Set(Object.values(usRegions));

/** USPS code of a US state or territory by name ("Michigan" -> "MI") or code ("mi" -> "MI"); null when unknown. */
export function usRegionCode(nameOrCode: string): string | null {
  const text = nameOrCode.trim();
  if (usCodes.has(text.toUpperCase())) return text.toUpperCase();
  return usCodeByName.get(nameKey(text)) ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------

interface Run {
  ctx: AppContext;
  root: string;
  summary: LumaPricingSummary;
  categoryId: (slug: string) => Promise<string | null>;
}

function fixture(run: Run, ...parts: string[]): string {
  return path.join(run.root, "fixtures", ...parts);
}

function note(run: Run, list: "warnings" | "failed", file: string, row: number, reason: string): void {
  run.summary[list].push({ file: path.relative(run.root, file), row, sku: null, reason });
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError) {
    return error.errors.length
      ? error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** "*" and "" mean "any" in Magento's tax and table-rate files. */
function anyToNull(text: string | undefined): string | null {
  const value = (text ?? "").trim();
  return value === "" || value === "*" ? null : value;
}

/** Exact percentage text ("8.25") to basis points (825); more than two decimals are rounded half-up. */
function percentToBasisPoints(text: string | undefined, field: string): { bp: number; exact: boolean } {
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec((text ?? "").trim());
  if (!match) throw new ValidationError([{ field, message: `"${text ?? ""}" is not a percentage` }]);
  const frac = match[2] ?? "";
  let bp = Number(match[1]) * 100 + Number(`${frac}00`.slice(0, 2));
  const rest = frac.slice(2);
  if (rest !== "" && Number(rest[0]) >= 5) bp++;
  return { bp, exact: /^0*$/.test(rest) };
}

function wholeNumber(text: string | undefined, field: string, min: number): number {
  const value = Number((text ?? "").trim() || "0");
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ValidationError([{ field, message: `"${text ?? ""}" must be a whole number >= ${min}` }]);
  }
  return value;
}

/** Region code of a tax or table-rate row: null for any; US state names become USPS codes. */
function regionCode(
  country: string,
  text: string | undefined,
  warn: (reason: string) => void,
): string | null {
  const value = anyToNull(text);
  if (value === null) return null;
  if (country === "US") {
    const code = usRegionCode(value);
    if (!code)
      throw new ValidationError([{ field: "region", message: `"${value}" is not a US state or territory` }]);
    return code;
  }
  warn(`region "${value}" of ${country} is kept as written: Bazaar matches region codes`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Tax
// ---------------------------------------------------------------------------------------------------------

/** Magento product tax classes of the sample data and the Bazaar tax class of our products. */
const productTaxClasses: Record<string, string> = { "2": "standard" }; // 2 = "Taxable Goods"
/** Magento customer tax class 3 = "Retail Customer": every shopper (Bazaar has no customer tax classes). */
const retailCustomerClass = "3";

const list = (text: string | undefined) =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

async function importTax(run: Run): Promise<void> {
  const ruleFile = fixture(run, "TaxSampleData", "tax_rule.csv");
  const rateFile = fixture(run, "TaxSampleData", "tax_rate.csv");
  // Which Bazaar product tax class each rate is for, from the tax rules.
  const classOfRate = new Map<string, string>();
  for (const { row, record: r } of readCsv(ruleFile)) {
    const warn = (reason: string) => note(run, "warnings", ruleFile, row, reason);
    for (const cc of list(r.tax_customer_class)) {
      if (cc !== retailCustomerClass) {
        warn(
          `customer tax class ${cc}: Bazaar has no customer tax classes, the rule's rates apply to everyone`,
        );
      }
    }
    const classes: string[] = [];
    for (const pc of list(r.tax_product_class)) {
      const ours = productTaxClasses[pc];
      if (ours) classes.push(ours);
      else warn(`product tax class ${pc} has no Bazaar tax class: rule "${r.code}" is not applied to it`);
    }
    for (const rate of list(r.tax_rate)) {
      for (const taxClass of classes) {
        const known = classOfRate.get(rate);
        if (known && known !== taxClass) {
          warn(`tax rate "${rate}" is imported for tax class "${known}" only, not also for "${taxClass}"`);
        } else classOfRate.set(rate, taxClass);
      }
    }
  }
  const inputs: TaxRateInput[] = [];
  for (const { row, record: r } of readCsv(rateFile)) {
    const warnings: string[] = [];
    try {
      const code = (r.code ?? "").trim();
      if (!code) throw new ValidationError([{ field: "code", message: "is required" }]);
      const taxClass = classOfRate.get(code);
      if (!taxClass) {
        note(
          run,
          "warnings",
          rateFile,
          row,
          `tax rate "${code}" is in no tax rule of our products: not imported`,
        );
        continue;
      }
      const country = (r.tax_country_id ?? "").trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) {
        throw new ValidationError([
          { field: "tax_country_id", message: `"${country}" is not a country code` },
        ]);
      }
      const region = regionCode(country, r.tax_region_name, (w) => warnings.push(w));
      // Magento stores a postcode range as zip_is_range + zip_from/zip_to (not in the sample data).
      const postcode =
        r.zip_is_range === "1" && r.zip_from && r.zip_to
          ? `${r.zip_from.trim()}-${r.zip_to.trim()}`
          : anyToNull(r.tax_postcode);
      const { bp, exact } = percentToBasisPoints(r.rate, "rate");
      if (!exact) warnings.push(`rate ${r.rate} % is rounded to ${bp} basis points`);
      inputs.push({
        code,
        name: code,
        countryCode: country,
        region,
        postcodePattern: postcode,
        rateBasisPoints: bp,
        taxClass,
      });
      for (const w of warnings) note(run, "warnings", rateFile, row, w);
    } catch (error) {
      note(run, "failed", rateFile, row, reasonOf(error));
    }
  }
  await upsertTaxRates(run.ctx.db, inputs);
  run.summary.taxRates += inputs.length;
}

// ---------------------------------------------------------------------------------------------------------
// Shipping
// ---------------------------------------------------------------------------------------------------------

async function importShipping(run: Run): Promise<void> {
  const file = fixture(run, "OfflineShippingSampleData", "tablerate.csv");
  const rows: TableRateRow[] = [];
  for (const { row, record: r } of readCsv(file)) {
    const warnings: string[] = [];
    try {
      const country = (r.country ?? "").trim().toUpperCase();
      if (country !== "US") {
        note(
          run,
          "warnings",
          file,
          row,
          `table rate for "${country}" not imported: the zone is the United States`,
        );
        continue;
      }
      if (r.order_subtotal === undefined) {
        throw new ValidationError([
          { field: "order_subtotal", message: "is required (subtotal-based rates)" },
        ]);
      }
      rows.push({
        region: regionCode(country, r.region, (w) => warnings.push(w)),
        postcode: anyToNull(r.zip),
        from: parseMajorUnits(r.order_subtotal, currency, "order_subtotal"),
        amount: parseMajorUnits(r.price ?? "", currency, "price"),
      });
      for (const w of warnings) note(run, "warnings", file, row, w);
    } catch (error) {
      note(run, "failed", file, row, reasonOf(error));
    }
  }
  const methods: ShippingZoneInput["methods"] = [
    ...(rows.length
      ? [
          {
            // Magento's table-rate carrier, method "bestway", titled "Best Way".
            code: "tablerate_bestway",
            name: "Best Way",
            type: "table_rate" as const,
            currency,
            rateBasis: "subtotal" as const,
            tableRates: rows,
          },
        ]
      : []),
    // Magento's default flat rate: $5.00 per item. (Magento's "Free Shipping" carrier is the
    // "Spend $50 or more" promotion here.)
    {
      code: "flatrate_flatrate",
      name: "Flat Rate",
      type: "flat_rate",
      currency,
      amount: 0,
      amountPerItem: 500,
    },
    {
      code: "pickup",
      name: "Store pickup",
      type: "pickup",
      currency,
      amount: 0,
      pickupAddress: lumaStoreAddress,
    },
  ];
  await upsertShippingZone(run.ctx.db, { name: "United States", countries: ["US"], methods });
  run.summary.shippingZones += 1;
  run.summary.shippingMethods += methods.length;
}

// ---------------------------------------------------------------------------------------------------------
// Cart price rules
// ---------------------------------------------------------------------------------------------------------

/** One node of Magento's serialized rule conditions (conditions_serialized / actions_serialized). */
export interface MagentoCondition {
  type?: string;
  attribute?: string | null;
  operator?: string | null;
  value?: unknown;
  aggregator?: string | null;
  conditions?: MagentoCondition[];
}

/**
 * Parses Magento's serialized rule conditions. The sample data writes category references as bare
 * placeholders (`"value":%url_key=tees-women,url_key=tees-men%`) that its installer replaces with
 * category ids; here each placeholder becomes a JSON string ("url_key=tees-women,url_key=tees-men").
 * @throws SyntaxError when the text is not JSON.
 */
export function parseMagentoConditions(text: string): MagentoCondition {
  const json = text.replace(
    /([:[,]\s*)%([a-z_]+=[^%"]*)%/g,
    (_m, before: string, inner: string) => `${before}${JSON.stringify(inner)}`,
  );
  return JSON.parse(json) as MagentoCondition;
}

/** One list of items a rule is for: a line matches when its SKU or one of its categories is listed. */
interface ItemFilter {
  skus: string[];
  /** Category references as written: "url_key=tees-men" or a Magento category id. */
  categories: string[];
  text: string;
}

interface MappedConditions {
  minSubtotal: number | null;
  /** Item filters that must all hold (Bazaar can express one). */
  filters: ItemFilter[];
  excludeOnSale: boolean;
  /** Category references (url_key=...) whose items never qualify. */
  excludeCategories: string[];
}

interface Walk {
  out: MappedConditions;
  warn: (reason: string) => void;
}

/** "Magento\SalesRule\Model\Rule\Condition\Product\Found" -> "Product\Found". */
function kindOf(node: MagentoCondition): string {
  return (node.type ?? "").replace(/^.*\\Condition\\/, "");
}

function valuesOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const parts = Array.isArray(value) ? value.map(String) : String(value).split(",");
  return parts.map((s) => s.trim()).filter(Boolean);
}

const categoryRef = (ref: string) => ref.replace(/^url_key=/, "");

function describe(node: MagentoCondition): string {
  if (node.attribute) {
    const values = valuesOf(node.value).map(categoryRef).join(", ");
    return `${node.attribute} ${node.operator ?? "=="} ${values}`;
  }
  const truth = String(node.value ?? "1") === "0" ? "false" : "true";
  return `${kindOf(node) || "?"}: ${(node.aggregator ?? "all").toUpperCase()} of these conditions are ${truth}`;
}

const positiveOperators = ["==", "()"];
const negativeOperators = ["!=", "!()"];

/** A combination of conditions ("If ALL/ANY of these conditions are TRUE/FALSE"). */
function walkCombine(node: MagentoCondition, w: Walk): void {
  const children = node.conditions ?? [];
  if (children.length === 0) return; // an empty combination always holds
  const isTrue = String(node.value ?? "1") !== "0";
  const all = (node.aggregator ?? "all") === "all" || children.length === 1;
  if (all) {
    // ALL true: every child holds; ALL false: every child is negated.
    for (const child of children) walkNode(child, w, !isTrue);
    return;
  }
  if (isTrue) {
    // ANY true: one filter with the union of the item lists (Bazaar matches ANY of its lists).
    const union: ItemFilter = { skus: [], categories: [], text: describe(node) };
    for (const child of children) {
      const attribute = child.attribute ?? "";
      if (
        kindOf(child) === "Product" &&
        ["sku", "category_ids"].includes(attribute) &&
        positiveOperators.includes(child.operator ?? "==")
      ) {
        (attribute === "sku" ? union.skus : union.categories).push(...valuesOf(child.value));
      } else {
        w.warn(
          `condition "${describe(child)}" (one of ANY) is not mapped: only SKU or category lists can be`,
        );
      }
    }
    if (union.skus.length + union.categories.length > 0) w.out.filters.push(union);
    return;
  }
  w.warn(`conditions "${describe(node)}" are not mapped: Bazaar has no "any of these is false" test`);
}

function walkNode(node: MagentoCondition, w: Walk, negated: boolean): void {
  const kind = kindOf(node);
  switch (kind) {
    case "Combine":
    case "Product\\Combine":
      if (negated) w.warn(`conditions "${describe(node)}" are not mapped inside a negated group`);
      else walkCombine(node, w);
      return;
    case "Product\\Found":
      if (negated || String(node.value ?? "1") === "0") {
        w.warn(`condition "${describe(node)}" is not mapped: Bazaar has no "no such item in the cart" test`);
        return;
      }
      // "If an item is FOUND in the cart with these conditions": Bazaar has no cart-level item test, so
      // the item conditions restrict the lines the promotion applies to (Luma's "Buy 3 tee shirts and
      // get the 4th free" then counts and discounts tees only).
      walkCombine({ ...node, value: "1" }, w);
      return;
    case "Address":
      addressCondition(node, w, negated);
      return;
    case "Product":
      productCondition(node, w, negated);
      return;
    default:
      w.warn(`condition "${describe(node)}" (${kind || "unknown type"}) is not mapped`);
  }
}

function addressCondition(node: MagentoCondition, w: Walk, negated: boolean): void {
  const op = node.operator ?? "";
  if (node.attribute === "base_subtotal" && !negated && (op === ">=" || op === ">")) {
    try {
      // Minor units are whole, so "> 50" is ">= 50.01".
      const amount =
        parseMajorUnits(String(node.value ?? ""), currency, "base_subtotal") + (op === ">" ? 1 : 0);
      w.out.minSubtotal = Math.max(w.out.minSubtotal ?? 0, amount);
      return;
    } catch (error) {
      w.warn(`condition "${describe(node)}" is not mapped: ${reasonOf(error)}`);
      return;
    }
  }
  w.warn(`condition "${describe(node)}" is not mapped: Bazaar promotions test only a minimum subtotal`);
}

function productCondition(node: MagentoCondition, w: Walk, negated: boolean): void {
  const op = node.operator ?? "==";
  const positive = positiveOperators.includes(op);
  if (!positive && !negativeOperators.includes(op)) {
    w.warn(`condition "${describe(node)}" is not mapped: operator "${op}" is not supported`);
    return;
  }
  const excluded = negated === positive; // "is not", or "is" inside "ALL of these are FALSE"
  const values = valuesOf(node.value);
  switch (node.attribute) {
    case "sku":
    case "category_ids": {
      const what = node.attribute === "sku" ? "SKUs" : "categories";
      if (excluded && node.attribute === "category_ids") {
        w.out.excludeCategories.push(...values);
        return;
      }
      if (excluded) {
        // PromotionConditions has no SKU exclusion list (an `excludeSkus` would map it).
        w.warn(
          `condition "${describe(node)}" (excluded) is not mapped: Bazaar promotions cannot exclude ${what}, ` +
            `so the promotion also applies to ${values.map(categoryRef).join(", ")}`,
        );
        return;
      }
      w.out.filters.push({
        skus: node.attribute === "sku" ? values : [],
        categories: node.attribute === "sku" ? [] : values,
        text: describe(node),
      });
      return;
    }
    case "sale": {
      const flagged = values[0] === "1";
      if (excluded === flagged) {
        // Magento's "sale" is a product flag (Luma: the products of the "Sale" category); Bazaar's
        // excludeOnSale leaves out lines whose special price is active. Close, not the same.
        w.out.excludeOnSale = true;
        w.warn(
          `condition "${describe(node)}" (excluded) is mapped to "not on sale" (an active special price): ` +
            `products flagged "sale" in Luma without a special price are not excluded`,
        );
      } else {
        w.warn(
          `condition "${describe(node)}" is not mapped: Bazaar cannot restrict a promotion to sale items`,
        );
      }
      return;
    }
    default:
      w.warn(`condition "${describe(node)}" is not mapped: attribute "${node.attribute}" is not supported`);
  }
}

/** Columns of sales_rules.csv this import reads; any other non-empty column is reported. */
const salesRuleColumns = new Set([
  "name",
  "description",
  "simple_action",
  "discount_amount",
  "discount_step",
  "is_active",
  "stop_rules_processing",
  "is_rss",
  "apply_to_shipping",
  "simple_free_shipping",
  "coupon_type",
  "coupon_code",
  "uses_per_customer",
  "uses_per_coupon",
  "conditions_serialized",
  "actions_serialized",
]);

async function salesRuleToPromotion(
  run: Run,
  r: Record<string, string>,
  row: number,
  warn: (reason: string) => void,
): Promise<PromotionInput> {
  const name = decodeHTML(r.name ?? "").trim();
  if (!name) throw new ValidationError([{ field: "name", message: "is required" }]);
  for (const [column, value] of Object.entries(r)) {
    if (!salesRuleColumns.has(column) && value.trim() !== "")
      warn(`column ${column} ("${value}") is not imported`);
  }

  // What it gives.
  const action = (r.simple_action ?? "").trim();
  const freeShipping = r.simple_free_shipping === "1" || r.simple_free_shipping === "2";
  let type: PromotionInput["type"];
  let value: number;
  let appliesTo: PromotionInput["appliesTo"] = "order";
  let fixedCurrency: string | null = null;
  let buyQuantity = 0;
  let getQuantity = 0;
  switch (action) {
    case "by_percent": {
      const { bp, exact } = percentToBasisPoints(r.discount_amount || "0", "discount_amount");
      if (bp > 10000) throw new ValidationError([{ field: "discount_amount", message: "exceeds 100 %" }]);
      if (!exact) warn(`discount ${r.discount_amount} % is rounded to ${bp} basis points`);
      type = "percentage";
      value = bp;
      break;
    }
    case "by_fixed":
    case "cart_fixed":
      type = "fixed";
      appliesTo = action === "by_fixed" ? "each_item" : "order";
      value = parseMajorUnits(r.discount_amount || "0", currency, "discount_amount");
      fixedCurrency = currency;
      break;
    case "buy_x_get_y":
      // Magento: discount_step = X bought, discount_amount = Y free.
      type = "buy_x_get_y";
      buyQuantity = wholeNumber(r.discount_step, "discount_step", 0);
      getQuantity = wholeNumber(r.discount_amount, "discount_amount", 1);
      value = 10000;
      break;
    default:
      throw new ValidationError([{ field: "simple_action", message: `"${action}" is not a Magento action` }]);
  }
  if (type !== "buy_x_get_y" && wholeNumber(r.discount_step, "discount_step", 0) > 0) {
    warn(`discount_step ${r.discount_step} is not imported: Bazaar discounts every qualifying unit`);
  }
  if (value === 0) {
    if (!freeShipping)
      throw new ValidationError([{ field: "discount_amount", message: "the rule gives nothing" }]);
    type = "free_shipping";
    appliesTo = "order";
    fixedCurrency = null;
  } else if (freeShipping) {
    warn("its free shipping is not imported: a Bazaar promotion gives a discount or free shipping, not both");
  }
  if (type === "free_shipping" && r.simple_free_shipping === "1") {
    warn('free shipping "for matching items only" is imported as free shipping of the whole order');
  }
  if (r.apply_to_shipping === "1" && type !== "free_shipping") {
    warn("apply_to_shipping is not imported: Bazaar discounts apply to items only");
  }

  // When and to what: walk both condition trees.
  const mapped: MappedConditions = {
    minSubtotal: null,
    filters: [],
    excludeOnSale: false,
    excludeCategories: [],
  };
  const walk: Walk = { out: mapped, warn };
  for (const column of ["conditions_serialized", "actions_serialized"]) {
    const text = (r[column] ?? "").trim();
    if (!text) continue;
    let tree: MagentoCondition;
    try {
      tree = parseMagentoConditions(text);
    } catch (error) {
      throw new ValidationError([{ field: column, message: `is not valid JSON (${reasonOf(error)})` }]);
    }
    walkNode(tree, walk, false);
  }
  const conditions: PromotionInput["conditions"] = {};
  if (mapped.minSubtotal !== null) conditions.minSubtotal = mapped.minSubtotal;
  if (mapped.excludeOnSale) conditions.excludeOnSale = true;
  const excludedIds: string[] = [];
  for (const ref of mapped.excludeCategories) {
    const id = ref.startsWith("url_key=") ? await run.categoryId(categoryRef(ref)) : null;
    if (id) excludedIds.push(id);
    else warn(`excluded category "${categoryRef(ref)}" is not in the catalog`);
  }
  if (excludedIds.length) conditions.excludeCategoryIds = [...new Set(excludedIds)];
  const [filter, ...others] = mapped.filters;
  for (const other of others) {
    warn(
      `condition "${other.text}" is not mapped: a Bazaar promotion has one item list; "${filter!.text}" is kept`,
    );
  }
  if (filter) {
    if (filter.skus.length) conditions.skus = [...new Set(filter.skus)];
    const ids: string[] = [];
    for (const ref of filter.categories) {
      const id = ref.startsWith("url_key=") ? await run.categoryId(categoryRef(ref)) : null;
      if (id) ids.push(id);
      else warn(`category "${categoryRef(ref)}" of condition "${filter.text}" is not in the catalog`);
    }
    if (ids.length) conditions.categoryIds = [...new Set(ids)];
    if (!conditions.skus && !conditions.categoryIds) {
      // Without its items the rule would apply to every item: do not import it.
      throw new ValidationError([
        { field: "conditions", message: `none of the items of "${filter.text}" is in the catalog` },
      ]);
    }
  }

  // Coupons: 1 = none (automatic), 2 = one specific code, 3 = generated codes.
  const couponType = (r.coupon_type ?? "").trim() || "1";
  const perCustomer = wholeNumber(r.uses_per_customer, "uses_per_customer", 0) || null;
  const perCoupon = wholeNumber(r.uses_per_coupon, "uses_per_coupon", 0) || null;
  let coupons: NonNullable<PromotionInput["coupons"]> = [];
  if (couponType === "2") {
    const code = (r.coupon_code ?? "").trim();
    if (!code)
      throw new ValidationError([{ field: "coupon_code", message: "is required for coupon_type 2" }]);
    coupons = [{ code, usageLimit: perCoupon, usageLimitPerCustomer: perCustomer }];
  } else if (couponType === "3") {
    warn("its generated coupon codes are not in the sample data: the promotion applies once codes are added");
  } else if (couponType !== "1") {
    throw new ValidationError([{ field: "coupon_type", message: `"${couponType}" is not 1, 2 or 3` }]);
  } else if (perCustomer !== null) {
    warn(
      `uses_per_customer ${perCustomer} is not imported: Bazaar limits uses per customer for coupons only`,
    );
  }

  return {
    name,
    description: decodeHTML(r.description ?? "").trim(),
    type,
    appliesTo,
    value,
    currency: fixedCurrency,
    buyQuantity,
    getQuantity,
    conditions,
    // Magento applies rules of equal sort order by rule id, i.e. in file order.
    priority: row - 1,
    stopFurtherPromotions: r.stop_rules_processing === "1",
    isActive: r.is_active === "1",
    requiresCoupon: couponType !== "1",
    coupons,
    sourceKey: `luma:sales_rules.csv#${row}`,
  };
}

async function importSalesRules(run: Run): Promise<void> {
  const file = fixture(run, "SalesRuleSampleData", "sales_rules.csv");
  for (const { row, record } of readCsv(file)) {
    const warnings: string[] = [];
    try {
      const input = await salesRuleToPromotion(run, record, row, (reason) => warnings.push(reason));
      await upsertPromotion(run.ctx.db, input);
      run.summary.promotions++;
      run.summary.coupons += input.coupons?.length ?? 0;
      for (const reason of warnings) note(run, "warnings", file, row, `"${input.name}": ${reason}`);
    } catch (error) {
      note(run, "failed", file, row, reasonOf(error));
    }
  }
}

/**
 * A catalog price rule's price for a regular price, in minor units, rounded half-up (Magento's
 * catalog rule actions): by_percent takes d% off, by_fixed takes d off, to_percent makes it d% of the
 * price, to_fixed makes it d. `percentBasisPoints` is d for the percent actions (20% = 2000), `amount`
 * the minor units for the fixed ones. Never below 0.
 */
export function catalogRulePrice(
  price: number,
  action: "by_percent" | "by_fixed" | "to_percent" | "to_fixed",
  percentBasisPoints: number,
  amount: number,
): number {
  // In BigInt: price × basis points can pass 2^53 for large prices.
  const percentOf = (bp: number) => Number((2n * BigInt(price) * BigInt(bp) + 10_000n) / 20_000n);
  switch (action) {
    case "by_percent":
      return Math.max(0, price - percentOf(Math.min(bp100, percentBasisPoints)));
    case "to_percent":
      return percentOf(Math.min(bp100, percentBasisPoints));
    case "by_fixed":
      return Math.max(0, price - amount);
    case "to_fixed":
      return Math.min(price, amount);
  }
}

const bp100 = 10_000;
const catalogActions = ["by_percent", "by_fixed", "to_percent", "to_fixed"] as const;

/**
 * Imports the catalog price rules as what Magento's catalog rule index makes of them: a sale price on
 * every matching variant (its special price, kept when it is already lower), so the reduced price
 * shows on the product pages and in listings, filters and carts. Conditions name categories or SKUs;
 * a rule with anything else, or switched off, is reported and skipped. The prices are set once: a
 * product added to the category later does not get the reduction.
 */
async function importCatalogRules(run: Run): Promise<void> {
  const file = fixture(run, "CatalogRuleSampleData", "catalog_rules.csv");
  for (const { row, record: r } of readCsv(file)) {
    const name = decodeHTML(r.name ?? "").trim();
    try {
      if (String(r.is_active ?? "1").trim() !== "1") {
        note(run, "warnings", file, row, `catalog price rule "${name}" is inactive and not imported`);
        continue;
      }
      const action = (r.simple_action ?? "").trim() as (typeof catalogActions)[number];
      if (!catalogActions.includes(action)) {
        throw new ValidationError([
          { field: "simple_action", message: `"${action}" is not a catalog rule action` },
        ]);
      }
      const discount = String(r.discount_amount ?? "").trim();
      // Percentages with two decimals are basis points; amounts are major units of the store currency.
      const value = parseMajorUnits(discount, currency, "discount_amount");
      const problems: string[] = [];
      const mapped: MappedConditions = {
        minSubtotal: null,
        filters: [],
        excludeOnSale: false,
        excludeCategories: [],
      };
      const text = (r.conditions_serialized ?? "").trim();
      if (text)
        walkNode(
          parseMagentoConditions(text),
          { out: mapped, warn: (reason) => problems.push(reason) },
          false,
        );
      if (mapped.minSubtotal !== null)
        problems.push("a subtotal condition has no meaning for a product price");
      if (mapped.excludeOnSale || mapped.excludeCategories.length)
        problems.push("exclusions are not supported");
      if (mapped.filters.length !== 1) problems.push("it must name one list of categories or SKUs");
      if (problems.length) {
        throw new ValidationError([{ field: "conditions_serialized", message: problems.join("; ") }]);
      }
      const filter = mapped.filters[0]!;
      const categoryIds: string[] = [];
      for (const ref of filter.categories) {
        const id = ref.startsWith("url_key=") ? await run.categoryId(categoryRef(ref)) : null;
        if (id) categoryIds.push(id);
        else
          note(run, "warnings", file, row, `"${name}": category "${categoryRef(ref)}" is not in the catalog`);
      }
      const matching = await variantPricingMatching(run.ctx.db, { categoryIds, skus: filter.skus });
      const now = Date.now();
      // Variants whose sale price is the rule's (an active special price below it wins), and of those
      // the ones not at it yet (a second import finds them all there).
      let ruled = 0;
      const prices = matching.flatMap((v) => {
        const rulePrice = catalogRulePrice(v.priceAmount, action, value, value);
        const special =
          v.specialPriceAmount !== null &&
          (v.specialFrom === null || v.specialFrom.getTime() <= now) &&
          (v.specialTo === null || v.specialTo.getTime() > now)
            ? v.specialPriceAmount
            : null;
        if (special !== null && special < rulePrice) return [];
        ruled++;
        return special === rulePrice && v.specialFrom === null && v.specialTo === null
          ? []
          : [{ variantId: v.variantId, amount: rulePrice }];
      });
      await setSpecialPrices(run.ctx.db, prices);
      run.summary.catalogRules++;
      run.summary.catalogRulePrices += ruled;
    } catch (error) {
      note(run, "failed", file, row, `catalog price rule "${name}": ${reasonOf(error)}`);
    }
  }
}

/**
 * Imports the Luma sample store's pricing from its folder (`fixtures/`): store price settings (USD,
 * prices without tax, untaxed shipping), tax rates with their product tax class from the tax rules
 * (US state names become USPS codes), a "United States" shipping zone (Magento's table rate "Best Way",
 * flat rate $5.00 per item, store pickup), the cart price rules as promotions and coupons, and the
 * catalog price rules as sale prices of the variants they match. Conditions Bazaar cannot express are reported as warnings
 * (file, row, reason); a rule that cannot be imported is reported as failed and skipped. The catalog's
 * categories must exist (rules name them by url key = our category slug).
 * @param options.categoryIdBySlug category ids known to the caller (the catalog import); other slugs are
 *   looked up in the catalog.
 */
export async function importLumaPricing(
  ctx: AppContext,
  root: string,
  options: { categoryIdBySlug?: ReadonlyMap<string, string> } = {},
): Promise<LumaPricingSummary> {
  const run: Run = {
    ctx,
    root,
    summary: { ...emptyPricingCounts(), warnings: [], failed: [] },
    categoryId: async (slug) => {
      const known = options.categoryIdBySlug?.get(slug);
      if (known) return known;
      try {
        return (await getCategoryBySlug(ctx.db, slug)).id;
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
  };
  await updateStoreSettings(ctx.db, {
    defaultCurrency: currency,
    pricesIncludeTax: false,
    shippingTaxClass: null,
  });
  await importTax(run);
  await importShipping(run);
  await importSalesRules(run);
  await importCatalogRules(run);
  return run.summary;
}
