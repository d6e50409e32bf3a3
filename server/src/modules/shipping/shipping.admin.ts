import { and, asc, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import countries from "i18n-iso-countries";
import type { Db } from "../../platform/db.ts";
import { type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { isCurrencyCode } from "../../platform/money.ts";
import { assertVersion } from "../../platform/versioning.ts";
import {
  type ShippingMethodType,
  shippingMethods,
  shippingMethodTypes,
  shippingZones,
  type TableRateRow,
} from "./shipping.schema.ts";

/** What a table rate's thresholds measure: minor units of the subtotal, grams, or units. */
export type RateBasis = "subtotal" | "weight" | "quantity";

/**
 * A shipping method as staff edit it. Amounts are integer minor units of `currency`. Fields that do not
 * belong to the method's type are stored at their defaults (e.g. no table rows for a flat rate).
 */
export interface StaffShippingMethod {
  id: string;
  code: string;
  name: string;
  description: string;
  type: ShippingMethodType;
  /** ISO 4217. */
  currency: string;
  /** Flat rate: per order; pickup: the fee (usually 0). */
  amount: number;
  /** Flat rate: added per unit shipped. */
  amountPerItem: number;
  /** Free from this cart subtotal on (after discounts); null = never. */
  freeAbove: number | null;
  /** Table rate: what the rows' `from` measures. */
  rateBasis: RateBasis;
  /** Table rate: rows sorted by region, postcode and `from`. */
  tableRates: TableRateRow[];
  /** Carrier: the carrier-rate strategy id. */
  carrier: string | null;
  /** Pickup: where the shopper collects the order. */
  pickupAddress: string | null;
  /** Shown to shoppers, e.g. "3-5 business days". */
  estimatedDays: string | null;
  isActive: boolean;
  /** Order within the zone, from 0. */
  position: number;
}

/** A shipping zone with its methods as staff edit it. `version` is its ETag (zone and methods). */
export interface StaffShippingZone {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2 codes, or ["*"] for every country. */
  countries: string[];
  /** Region codes inside those countries; empty = every region. */
  regions: string[];
  position: number;
  methods: StaffShippingMethod[];
  version: number;
  createdAt: string;
}

/** A method to save with its zone: `id` names an existing one of the zone; without it, one is created. */
export interface ShippingMethodInput {
  id?: string;
  code: string;
  name: string;
  description?: string;
  type: ShippingMethodType;
  currency: string;
  amount?: number;
  amountPerItem?: number;
  freeAbove?: number | null;
  rateBasis?: RateBasis;
  tableRates?: TableRateRow[];
  carrier?: string | null;
  pickupAddress?: string | null;
  estimatedDays?: string | null;
  isActive?: boolean;
}

/** A zone to create or replace with all its methods (methods left out are deleted). */
export interface ShippingZoneFields {
  name: string;
  countries: string[];
  regions?: string[];
  position?: number;
  methods: ShippingMethodInput[];
}

type ZoneRow = typeof shippingZones.$inferSelect;
type MethodRow = typeof shippingMethods.$inferSelect;

/** The largest amount a method may charge or a threshold may name (10^12 minor units / grams / units). */
const maxAmount = 1e12;

function toMethod(row: MethodRow): StaffShippingMethod {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    type: row.type,
    currency: row.currency,
    amount: row.amount,
    amountPerItem: row.amountPerItem,
    freeAbove: row.freeAbove,
    rateBasis: row.rateBasis,
    tableRates: row.tableRates,
    carrier: row.carrier,
    pickupAddress: row.pickupAddress,
    estimatedDays: row.estimatedDays,
    isActive: row.isActive,
    position: row.position,
  };
}

function toZone(row: ZoneRow, methods: MethodRow[]): StaffShippingZone {
  return {
    id: row.id,
    name: row.name,
    countries: row.countries,
    regions: row.regions,
    position: row.position,
    methods: methods
      .filter((m) => m.zoneId === row.id)
      .sort((a, b) => a.position - b.position || a.code.localeCompare(b.code))
      .map(toMethod),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Every zone with its methods, in zone order. */
export async function listShippingZonesForStaff(db: Db): Promise<StaffShippingZone[]> {
  const zones = await db
    .select()
    .from(shippingZones)
    .orderBy(asc(shippingZones.position), asc(shippingZones.name));
  const methods = await db.select().from(shippingMethods);
  return zones.map((z) => toZone(z, methods));
}

/** One zone with its methods. @throws NotFoundError (SHIPPING_ZONE_NOT_FOUND). */
export async function getShippingZoneForStaff(db: Db, id: string): Promise<StaffShippingZone> {
  const [zone] = await db.select().from(shippingZones).where(eq(shippingZones.id, id));
  if (!zone) throw new NotFoundError("SHIPPING_ZONE_NOT_FOUND", `No shipping zone ${id}.`);
  const methods = await db.select().from(shippingMethods).where(eq(shippingMethods.zoneId, id));
  return toZone(zone, methods);
}

const isMinor = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= maxAmount;

/** A table-rate destination: null/"*"/"" = any, else trimmed (regions upper-cased). */
function destination(value: string | null | undefined, upper: boolean): string | null {
  const text = (value ?? "").trim();
  if (text === "" || text === "*") return null;
  return upper ? text.toUpperCase() : text;
}

/**
 * Checks a table rate's rows: each `from` and `amount` a whole, non-negative number (minor units, grams
 * or units; amounts minor units), regions letters/digits, postcodes exact or a "48*" prefix; no two
 * rows for the same destination and threshold. Returns them sorted by region, postcode and `from` (any
 * destination first).
 */
function checkTableRates(rows: TableRateRow[], field: string, errors: FieldError[]): TableRateRow[] {
  if (rows.length === 0) errors.push({ field, message: "add at least one row" });
  if (rows.length > 1000) errors.push({ field, message: "use at most 1000 rows" });
  const clean: (TableRateRow & { index: number })[] = [];
  rows.forEach((row, index) => {
    const at = `${field}.${index}`;
    const region = destination(row.region, true);
    const postcode = destination(row.postcode, true);
    if (region !== null && !/^[A-Z0-9-]{1,10}$/.test(region))
      errors.push({ field: `${at}.region`, message: "must be a region code such as MI, or empty for any" });
    if (postcode !== null && !/^[A-Z0-9 -]{1,20}\*?$/.test(postcode))
      errors.push({
        field: `${at}.postcode`,
        message: 'must be a postcode, a prefix such as "48*", or empty',
      });
    if (!isMinor(row.from)) errors.push({ field: `${at}.from`, message: "must be a whole number from 0" });
    if (!isMinor(row.amount))
      errors.push({ field: `${at}.amount`, message: "must be a whole amount of minor units from 0" });
    clean.push({ region, postcode, from: row.from, amount: row.amount, index });
  });
  const key = (r: TableRateRow) => `${r.region ?? ""}\u0000${r.postcode ?? ""}\u0000${r.from}`;
  const seen = new Map<string, number>();
  for (const row of clean) {
    const first = seen.get(key(row));
    if (first !== undefined)
      errors.push({
        field: `${field}.${row.index}.from`,
        message: `row ${first + 1} already starts at ${row.from} for this destination`,
      });
    else seen.set(key(row), row.index);
  }
  return clean
    .sort(
      (a, b) =>
        (a.region ?? "").localeCompare(b.region ?? "") ||
        (a.postcode ?? "").localeCompare(b.postcode ?? "") ||
        a.from - b.from,
    )
    .map(({ region, postcode, from, amount }) => ({ region, postcode, from, amount }));
}

type MethodValues = Omit<MethodRow, "id" | "zoneId" | "createdAt">;

/** Checks one method by its type; the fields of other types are reset to their defaults. */
function checkMethod(input: ShippingMethodInput, position: number, errors: FieldError[]): MethodValues {
  const at = `methods.${position}`;
  const add = (field: string, message: string) => errors.push({ field: `${at}.${field}`, message });
  const code = input.code.trim();
  if (!/^[a-z0-9_-]{1,64}$/.test(code))
    add("code", "use 1-64 lower-case letters, digits, '_' and '-' (e.g. best_way)");
  const name = input.name.trim();
  if (!name) add("name", "enter the name shoppers see");
  else if (name.length > 100) add("name", "use at most 100 characters");
  if (!(shippingMethodTypes as readonly string[]).includes(input.type))
    add("type", `must be one of ${shippingMethodTypes.join(", ")}`);
  const currency = input.currency.trim().toUpperCase();
  if (!isCurrencyCode(currency)) add("currency", "must be an ISO 4217 currency code such as USD");
  const freeAbove = input.freeAbove ?? null;
  if (freeAbove !== null && !isMinor(freeAbove))
    add("freeAbove", "must be a whole amount of minor units from 0");
  const estimatedDays = input.estimatedDays?.trim() || null;
  if (estimatedDays && estimatedDays.length > 40) add("estimatedDays", "use at most 40 characters");
  const values: MethodValues = {
    code,
    name,
    description: (input.description ?? "").trim(),
    type: input.type,
    currency,
    amount: 0,
    amountPerItem: 0,
    freeAbove,
    rateBasis: "subtotal",
    tableRates: [],
    carrier: null,
    pickupAddress: null,
    estimatedDays,
    isActive: input.isActive ?? true,
    position,
  };
  if (values.description.length > 500) add("description", "use at most 500 characters");
  const amount = (field: "amount" | "amountPerItem", required: boolean) => {
    const value = input[field];
    if (value === undefined && !required) return 0;
    if (!isMinor(value)) {
      add(field, "must be a whole amount of minor units from 0");
      return 0;
    }
    return value;
  };
  switch (input.type) {
    case "flat_rate":
      values.amount = amount("amount", true);
      values.amountPerItem = amount("amountPerItem", false);
      break;
    case "table_rate":
      values.rateBasis = input.rateBasis ?? "subtotal";
      if (!["subtotal", "weight", "quantity"].includes(values.rateBasis))
        add("rateBasis", "must be subtotal, weight or quantity");
      values.tableRates = checkTableRates(input.tableRates ?? [], `${at}.tableRates`, errors);
      break;
    case "pickup":
      values.amount = amount("amount", false);
      values.pickupAddress = input.pickupAddress?.trim() || null;
      if (!values.pickupAddress) add("pickupAddress", "enter where shoppers collect their orders");
      else if (values.pickupAddress.length > 300) add("pickupAddress", "use at most 300 characters");
      break;
    case "carrier":
      values.carrier = input.carrier?.trim() || null;
      if (!values.carrier || !/^[a-z0-9_-]{1,40}$/.test(values.carrier))
        add("carrier", "enter the carrier-rate strategy id (lower-case letters, digits, - and _)");
      break;
  }
  return values;
}

/**
 * Checks and normalises a zone with its methods: a name, ISO 3166-1 alpha-2 countries (upper-cased,
 * or "*" alone for every country), region codes, and each method by its type (see `checkMethod`:
 * flat rate needs `amount`; table rate needs rows with whole, non-negative `from` and `amount`, sorted
 * on save; pickup an address; carrier a strategy id). Method codes are unique within the zone.
 * @throws ValidationError naming every wrong field (`methods.<i>.tableRates.<j>.amount`, ...).
 */
export function checkShippingZone(input: ShippingZoneFields): {
  zone: { name: string; countries: string[]; regions: string[]; position: number | undefined };
  methods: (MethodValues & { id?: string })[];
} {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name) errors.push({ field: "name", message: "enter a name, e.g. United States" });
  else if (name.length > 100) errors.push({ field: "name", message: "use at most 100 characters" });
  const zoneCountries: string[] = [];
  if (input.countries.length === 0)
    errors.push({ field: "countries", message: 'list at least one country, or "*"' });
  input.countries.forEach((raw, i) => {
    const code = raw.trim().toUpperCase();
    if (code === "*") {
      if (input.countries.length > 1)
        errors.push({ field: `countries.${i}`, message: '"*" (every country) stands alone' });
    } else if (code.length !== 2 || !countries.isValid(code)) {
      errors.push({ field: `countries.${i}`, message: `"${raw}" is not an ISO 3166-1 alpha-2 country code` });
    }
    if (zoneCountries.includes(code))
      errors.push({ field: `countries.${i}`, message: `${code} is listed twice` });
    else zoneCountries.push(code);
  });
  const regions: string[] = [];
  (input.regions ?? []).forEach((raw, i) => {
    const code = raw.trim().toUpperCase();
    if (!/^[A-Z0-9-]{1,10}$/.test(code))
      errors.push({ field: `regions.${i}`, message: `"${raw}" is not a region code such as MI` });
    else if (!regions.includes(code)) regions.push(code);
  });
  if (input.methods.length > 100) errors.push({ field: "methods", message: "use at most 100 methods" });
  const methods = input.methods.map((m, i) => ({
    ...(m.id ? { id: m.id } : {}),
    ...checkMethod(m, i, errors),
  }));
  const codes = new Map<string, number>();
  methods.forEach((m, i) => {
    if (!m.code) return;
    if (codes.has(m.code))
      errors.push({
        field: `methods.${i}.code`,
        message: `method ${codes.get(m.code)! + 1} has this code too`,
      });
    else codes.set(m.code, i);
  });
  if (errors.length) throw new ValidationError(errors);
  return { zone: { name, countries: zoneCountries, regions, position: input.position }, methods };
}

/** Refuses a zone name or method codes that other zones use (400 naming the field). */
async function checkUnique(
  db: Db,
  zoneId: string | null,
  name: string,
  methods: { code: string }[],
): Promise<void> {
  const errors: FieldError[] = [];
  const sameName = await db
    .select({ id: shippingZones.id })
    .from(shippingZones)
    .where(
      zoneId ? and(eq(shippingZones.name, name), ne(shippingZones.id, zoneId)) : eq(shippingZones.name, name),
    );
  if (sameName.length) errors.push({ field: "name", message: `another zone is called ${name}` });
  const codes = methods.map((m) => m.code);
  if (codes.length) {
    const taken = await db
      .select({ code: shippingMethods.code })
      .from(shippingMethods)
      .where(
        zoneId
          ? and(inArray(shippingMethods.code, codes), ne(shippingMethods.zoneId, zoneId))
          : inArray(shippingMethods.code, codes),
      );
    for (const t of taken)
      errors.push({
        field: `methods.${codes.indexOf(t.code)}.code`,
        message: `a method of another zone has the code ${t.code}`,
      });
  }
  if (errors.length) throw new ValidationError(errors);
}

/** Writes a zone's methods: updates those named by id, creates the others, deletes the ones left out. */
async function writeMethods(
  db: Db,
  zoneId: string,
  methods: (MethodValues & { id?: string })[],
  existing: MethodRow[],
): Promise<void> {
  const known = new Set(existing.map((m) => m.id));
  const unknown = methods.findIndex((m) => m.id !== undefined && !known.has(m.id));
  if (unknown >= 0)
    throw new ValidationError([{ field: `methods.${unknown}.id`, message: "is not a method of this zone" }]);
  const kept = methods.flatMap((m) => (m.id ? [m.id] : []));
  await db
    .delete(shippingMethods)
    .where(
      kept.length
        ? and(eq(shippingMethods.zoneId, zoneId), notInArray(shippingMethods.id, kept))
        : eq(shippingMethods.zoneId, zoneId),
    );
  // Codes are unique across methods: park the kept ones on temporary codes first, so that two methods
  // of this zone may swap codes in one save.
  for (const id of kept)
    await db
      .update(shippingMethods)
      .set({ code: sql`'~' || ${shippingMethods.id}` })
      .where(eq(shippingMethods.id, id));
  for (const { id, ...values } of methods) {
    if (id) await db.update(shippingMethods).set(values).where(eq(shippingMethods.id, id));
    else await db.insert(shippingMethods).values({ id: newId("shm"), zoneId, ...values });
  }
}

/**
 * Creates a zone with its methods. After the commit, call `invalidateShopCache("shipping_methods")`.
 * @throws ValidationError naming the field (see {@link checkShippingZone}; a zone name or a method code
 *   in use elsewhere).
 */
export async function createShippingZone(db: Db, input: ShippingZoneFields): Promise<StaffShippingZone> {
  const { zone, methods } = checkShippingZone({
    ...input,
    methods: input.methods.map(({ id: _id, ...m }) => m),
  });
  await checkUnique(db, null, zone.name, methods);
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${shippingZones.position}), -1)::int` })
    .from(shippingZones);
  const id = newId("shz");
  await db.insert(shippingZones).values({
    id,
    name: zone.name,
    countries: zone.countries,
    regions: zone.regions,
    position: zone.position ?? Number(last?.position ?? -1) + 1,
  });
  await writeMethods(db, id, methods, []);
  return getShippingZoneForStaff(db, id);
}

/**
 * Replaces a zone and all its methods (methods named by `id` are updated, new ones created, those left
 * out deleted; carts that chose a deleted one choose again) and bumps the zone's version (the row is
 * locked). After the commit, call `invalidateShopCache("shipping_methods")`.
 * @throws NotFoundError (SHIPPING_ZONE_NOT_FOUND); StaleVersionError (409); ValidationError naming the
 *   field.
 * @returns the zone before and after, for the audit log.
 */
export async function updateShippingZone(
  db: Db,
  id: string,
  input: ShippingZoneFields,
  expectedVersion?: number,
): Promise<{ before: StaffShippingZone; after: StaffShippingZone }> {
  const [current] = await db.select().from(shippingZones).where(eq(shippingZones.id, id)).for("update");
  if (!current) throw new NotFoundError("SHIPPING_ZONE_NOT_FOUND", `No shipping zone ${id}.`);
  assertVersion("shipping zone", current.version, expectedVersion);
  const before = await getShippingZoneForStaff(db, id);
  const { zone, methods } = checkShippingZone(input);
  await checkUnique(db, id, zone.name, methods);
  await db
    .update(shippingZones)
    .set({
      name: zone.name,
      countries: zone.countries,
      regions: zone.regions,
      position: zone.position ?? current.position,
      version: current.version + 1,
    })
    .where(eq(shippingZones.id, id));
  const existing = await db.select().from(shippingMethods).where(eq(shippingMethods.zoneId, id));
  await writeMethods(db, id, methods, existing);
  return { before, after: await getShippingZoneForStaff(db, id) };
}

/**
 * Deletes a zone and its methods (orders keep their copy of the method; carts that chose one choose
 * again). After the commit, call `invalidateShopCache("shipping_methods")`.
 * @throws NotFoundError (SHIPPING_ZONE_NOT_FOUND); StaleVersionError (409).
 * @returns the zone as it was.
 */
export async function deleteShippingZone(
  db: Db,
  id: string,
  expectedVersion?: number,
): Promise<StaffShippingZone> {
  const [current] = await db.select().from(shippingZones).where(eq(shippingZones.id, id)).for("update");
  if (!current) throw new NotFoundError("SHIPPING_ZONE_NOT_FOUND", `No shipping zone ${id}.`);
  assertVersion("shipping zone", current.version, expectedVersion);
  const before = await getShippingZoneForStaff(db, id);
  await db.delete(shippingMethods).where(eq(shippingMethods.zoneId, id));
  await db.delete(shippingZones).where(eq(shippingZones.id, id));
  return before;
}

/**
 * A zone flattened for the audit log: its fields, and per method (by code) each field, so
 * `changedFields` names exactly what moved (`methods.best_way.tableRates`).
 */
export function zoneAuditView(zone: StaffShippingZone | null): Record<string, unknown> | null {
  if (!zone) return null;
  const { methods, version: _v, createdAt: _c, id: _id, ...rest } = zone;
  const out: Record<string, unknown> = { ...rest };
  for (const m of methods) {
    const { id: _mid, code, ...fields } = m;
    for (const [key, value] of Object.entries(fields)) out[`methods.${code}.${key}`] = value;
  }
  return out;
}
