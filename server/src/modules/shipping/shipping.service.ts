import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { newId } from "../../platform/ids.ts";
import { invalidateShopCache, shopCached } from "../../platform/shop-cache.ts";
import {
  type ShippingMethodType,
  shippingMethods,
  shippingZones,
  type TableRateRow,
} from "./shipping.schema.ts";

/** Where and what is shipped, as the rate calculation needs it. */
export interface ShipmentDraft {
  /** ISO 3166-1 alpha-2 destination country, region code and postcode. */
  country: string;
  region: string | null;
  postcode: string | null;
  currency: string;
  /** Subtotal of the shippable lines after item discounts, minor units. */
  subtotal: number;
  /** Total weight of the shippable lines in grams (lines without a weight count 0). */
  weightGrams: number;
  /** Units to ship. */
  quantity: number;
}

/** A shipping method the shopper can choose, with its price for the draft. Minor units. */
export interface ShippingQuote {
  id: string;
  code: string;
  name: string;
  description: string;
  type: ShippingMethodType;
  amount: number;
  currency: string;
  estimatedDays: string | null;
  pickupAddress: string | null;
}

/**
 * Live rates from a carrier (FedEx, UPS, USPS, EasyPost adapters plug in here). Returns the price in
 * minor units, or null when the carrier does not serve the draft.
 */
export interface CarrierRateStrategy {
  readonly id: string;
  quote(method: { code: string; carrier: string }, draft: ShipmentDraft): Promise<number | null>;
}

type MethodRow = typeof shippingMethods.$inferSelect;

function anyPattern(pattern: string | null): boolean {
  return pattern === null || pattern.trim() === "" || pattern.trim() === "*";
}

/** Postcode pattern of a table rate row: "*" any, "48*" prefix, otherwise exact (case and spaces ignored). */
function postcodeMatches(pattern: string | null, postcode: string | null): boolean {
  if (anyPattern(pattern)) return true;
  const norm = (s: string) => s.replaceAll(" ", "").toUpperCase();
  const p = norm(pattern!);
  const code = norm(postcode ?? "");
  return p.endsWith("*") ? code.startsWith(p.slice(0, -1)) : code === p;
}

/**
 * Price of a table-rate method: among the rows matching the destination, the most specific
 * destination wins (region and postcode given beats "*"), and within it the row with the highest
 * threshold not above the draft's subtotal / weight / quantity (Magento's table rates work this way).
 * Null when no row applies.
 */
export function tableRate(
  rows: TableRateRow[],
  basis: "subtotal" | "weight" | "quantity",
  draft: ShipmentDraft,
): number | null {
  const value =
    basis === "subtotal" ? draft.subtotal : basis === "weight" ? draft.weightGrams : draft.quantity;
  let best: { specificity: number; from: number; amount: number } | null = null;
  for (const row of rows) {
    const regionAny = anyPattern(row.region);
    if (!regionAny && row.region!.toUpperCase() !== (draft.region ?? "").toUpperCase()) continue;
    if (!postcodeMatches(row.postcode, draft.postcode)) continue;
    if (row.from > value) continue;
    const specificity = (regionAny ? 0 : 2) + (anyPattern(row.postcode) ? 0 : 1);
    if (
      !best ||
      specificity > best.specificity ||
      (specificity === best.specificity && row.from > best.from)
    ) {
      best = { specificity, from: row.from, amount: row.amount };
    }
  }
  return best?.amount ?? null;
}

/** Price of a method for a draft in minor units, or null when it does not serve it. */
async function priceOf(
  method: MethodRow,
  draft: ShipmentDraft,
  carriers: Map<string, CarrierRateStrategy>,
): Promise<number | null> {
  if (method.currency !== draft.currency) return null;
  let amount: number | null;
  switch (method.type) {
    case "flat_rate":
      amount = method.amount + method.amountPerItem * draft.quantity;
      break;
    case "table_rate":
      amount = tableRate(method.tableRates, method.rateBasis, draft);
      break;
    case "pickup":
      amount = method.amount;
      break;
    case "carrier": {
      const strategy = method.carrier ? carriers.get(method.carrier) : undefined;
      amount = strategy ? await strategy.quote({ code: method.code, carrier: method.carrier! }, draft) : null;
      break;
    }
    default:
      amount = null;
  }
  if (amount === null) return null;
  if (method.freeAbove !== null && draft.subtotal >= method.freeAbove) return 0;
  return amount;
}

/**
 * The shipping methods that serve a destination, priced for the draft, cheapest first. A zone serves
 * the draft when its countries include the destination (or "*") and its regions are empty or include it.
 */
export async function quoteShipping(
  db: Db,
  draft: ShipmentDraft,
  carriers: Map<string, CarrierRateStrategy> = new Map(),
): Promise<ShippingQuote[]> {
  // The active methods change rarely: cached a few seconds per database handle (platform/shop-cache.ts).
  const rows = await shopCached(db, "shipping_methods", "active", () =>
    db
      .select({ method: shippingMethods, zone: shippingZones })
      .from(shippingMethods)
      .innerJoin(shippingZones, eq(shippingZones.id, shippingMethods.zoneId))
      .where(eq(shippingMethods.isActive, true))
      .orderBy(asc(shippingZones.position), asc(shippingMethods.position)),
  );
  const country = draft.country.toUpperCase();
  const region = (draft.region ?? "").toUpperCase();
  const quotes: ShippingQuote[] = [];
  for (const { method, zone } of rows) {
    if (!zone.countries.includes("*") && !zone.countries.includes(country)) continue;
    if (zone.regions.length && !zone.regions.map((r) => r.toUpperCase()).includes(region)) continue;
    const amount = await priceOf(method, draft, carriers);
    if (amount === null) continue;
    quotes.push({
      id: method.id,
      code: method.code,
      name: method.name,
      description: method.description,
      type: method.type,
      amount,
      currency: method.currency,
      estimatedDays: method.estimatedDays,
      pickupAddress: method.pickupAddress,
    });
  }
  return quotes.sort((a, b) => a.amount - b.amount);
}

/** A shipping zone with its methods, to create or update (by method code). */
export interface ShippingZoneInput {
  name: string;
  countries: string[];
  regions?: string[];
  methods: {
    code: string;
    name: string;
    description?: string;
    type: ShippingMethodType;
    currency: string;
    amount?: number;
    amountPerItem?: number;
    freeAbove?: number | null;
    rateBasis?: "subtotal" | "weight" | "quantity";
    tableRates?: TableRateRow[];
    carrier?: string | null;
    pickupAddress?: string | null;
    estimatedDays?: string | null;
  }[];
}

/**
 * Creates a zone (or reuses one of the same name, bumping its version) and creates or updates its
 * methods by code.
 */
export async function upsertShippingZone(db: Db, input: ShippingZoneInput): Promise<string> {
  const zone = await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(shippingZones).where(eq(shippingZones.name, input.name));
    const zoneId = existing?.id ?? newId("shz");
    if (existing) {
      await tx
        .update(shippingZones)
        .set({
          countries: input.countries,
          regions: input.regions ?? [],
          version: sql`${shippingZones.version} + 1`,
        })
        .where(eq(shippingZones.id, zoneId));
    } else {
      await tx
        .insert(shippingZones)
        .values({ id: zoneId, name: input.name, countries: input.countries, regions: input.regions ?? [] });
    }
    for (const [position, m] of input.methods.entries()) {
      const values = {
        zoneId,
        code: m.code,
        name: m.name,
        description: m.description ?? "",
        type: m.type,
        currency: m.currency,
        amount: m.amount ?? 0,
        amountPerItem: m.amountPerItem ?? 0,
        freeAbove: m.freeAbove ?? null,
        rateBasis: m.rateBasis ?? "subtotal",
        tableRates: m.tableRates ?? [],
        carrier: m.carrier ?? null,
        pickupAddress: m.pickupAddress ?? null,
        estimatedDays: m.estimatedDays ?? null,
        position,
      };
      await tx
        .insert(shippingMethods)
        .values({ id: newId("shm"), ...values })
        .onConflictDoUpdate({ target: shippingMethods.code, set: values });
    }
    return zoneId;
  });
  invalidateShopCache("shipping_methods");
  return zone;
}

/** A method by id when it is active, else null. */
export async function getShippingMethod(db: Db, id: string): Promise<MethodRow | null> {
  const [row] = await db
    .select()
    .from(shippingMethods)
    .where(and(eq(shippingMethods.id, id), eq(shippingMethods.isActive, true)));
  return row ?? null;
}
