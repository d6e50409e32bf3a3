import { and, asc, eq, ne, sql } from "drizzle-orm";
import countries from "i18n-iso-countries";
import type { Db } from "../../platform/db.ts";
import { type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { storeSettings, taxRates } from "./pricing.schema.ts";

/** A tax rate as staff edit it. `version` is its ETag; `createdAt` ISO 8601 UTC. */
export interface StaffTaxRate {
  id: string;
  /** Unique, e.g. "US-MI". */
  code: string;
  name: string;
  /** ISO 3166-1 alpha-2, upper case. */
  countryCode: string;
  /** Region code (e.g. "MI"), upper case; null = the whole country. */
  region: string | null;
  /** Null = any postcode; "48*" prefix; "48000-48999" numeric range; exact codes; comma-separated list. */
  postcodePattern: string | null;
  /** 0..10000: 600 = 6 %. */
  rateBasisPoints: number;
  /** The product tax class it applies to ("standard", "reduced", "shipping", ...). */
  taxClass: string;
  version: number;
  createdAt: string;
}

/** The fields of a tax rate to create or replace. */
export interface TaxRateFields {
  code: string;
  name: string;
  countryCode: string;
  region: string | null;
  postcodePattern: string | null;
  rateBasisPoints: number;
  taxClass: string;
}

/** A tax class in use: by tax rates, and/or as the shipping tax class of the store settings. */
export interface TaxClassInUse {
  code: string;
  /** How many tax rates apply to it. */
  rateCount: number;
  /** True when the store settings tax shipping with it. */
  usedForShipping: boolean;
}

type Row = typeof taxRates.$inferSelect;

function toStaff(row: Row): StaffTaxRate {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    countryCode: row.countryCode,
    region: row.region,
    postcodePattern: row.postcodePattern,
    rateBasisPoints: row.rateBasisPoints,
    taxClass: row.taxClass,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Checks a postcode pattern's syntax (as the tax calculator reads it: pricing.calculator.ts) and
 * returns it trimmed, or null for "any". Each comma-separated part is `*`, a glob of letters, digits,
 * spaces and "-" with `*` wildcards ("48*", "SW1A *"), or a numeric range "48000-48999" whose first
 * number is not above the second. Upper-cased; empty parts are refused.
 * @returns the message of the first problem as `{ error }`, or the normalised pattern as `{ value }`.
 */
export function checkPostcodePattern(pattern: string | null): { value: string | null } | { error: string } {
  if (pattern === null) return { value: null };
  const trimmed = pattern.trim();
  if (trimmed === "" || trimmed === "*") return { value: null };
  if (trimmed.length > 500) return { error: "use at most 500 characters" };
  const parts = trimmed.split(",").map((p) => p.trim().toUpperCase());
  for (const part of parts) {
    if (part === "") return { error: "has an empty entry between commas" };
    if (part === "*") continue;
    if (!/^[A-Z0-9 *-]{1,20}$/.test(part))
      return { error: `"${part}": use letters, digits, spaces, "-" and the wildcard "*" only` };
    const range = /^(\d+)-(\d+)$/.exec(part.replaceAll(" ", ""));
    if (range && BigInt(range[1]!) > BigInt(range[2]!))
      return { error: `"${part}": write the lower postcode of a range first` };
    if (/^-|-$/.test(part.replaceAll("*", ""))) return { error: `"${part}" is not a postcode or a range` };
  }
  return { value: parts.join(", ") };
}

/**
 * Checks and normalises a tax rate: code (letters, digits, ".", "_", "-"), name, an ISO 3166-1 alpha-2
 * country (upper-cased), an optional region code (upper-cased), a postcode pattern
 * ({@link checkPostcodePattern}), a rate of 0..10000 basis points and a tax class (lower-cased).
 * @throws ValidationError naming every wrong field.
 */
export function checkTaxRate(input: TaxRateFields): TaxRateFields {
  const errors: FieldError[] = [];
  const code = input.code.trim();
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(code))
    errors.push({ field: "code", message: "use 1-64 letters, digits, '.', '_' and '-' (e.g. US-MI)" });
  const name = input.name.trim();
  if (!name) errors.push({ field: "name", message: "enter a name shoppers see on invoices" });
  else if (name.length > 100) errors.push({ field: "name", message: "use at most 100 characters" });
  const countryCode = input.countryCode.trim().toUpperCase();
  if (countryCode.length !== 2 || !countries.isValid(countryCode))
    errors.push({
      field: "countryCode",
      message: "must be an ISO 3166-1 alpha-2 country code such as US or DE",
    });
  const region = input.region?.trim().toUpperCase() || null;
  if (region !== null && !/^[A-Z0-9-]{1,10}$/.test(region))
    errors.push({ field: "region", message: "must be a region code such as MI (letters, digits, -)" });
  const postcode = checkPostcodePattern(input.postcodePattern);
  if ("error" in postcode) errors.push({ field: "postcodePattern", message: postcode.error });
  if (
    !Number.isSafeInteger(input.rateBasisPoints) ||
    input.rateBasisPoints < 0 ||
    input.rateBasisPoints > 10_000
  )
    errors.push({
      field: "rateBasisPoints",
      message: "must be a whole number of basis points from 0 to 10000 (600 = 6 %)",
    });
  const taxClass = input.taxClass.trim().toLowerCase();
  if (!/^[a-z0-9_-]{1,40}$/.test(taxClass))
    errors.push({ field: "taxClass", message: "use up to 40 lower-case letters, digits, - and _" });
  if (errors.length) throw new ValidationError(errors);
  return {
    code,
    name,
    countryCode,
    region,
    postcodePattern: "value" in postcode ? postcode.value : null,
    rateBasisPoints: input.rateBasisPoints,
    taxClass,
  };
}

/** Every tax rate (or those of one country), by country, region, class and code. */
export async function listTaxRatesForStaff(db: Db, countryCode?: string): Promise<StaffTaxRate[]> {
  const rows = await db
    .select()
    .from(taxRates)
    .where(countryCode ? eq(taxRates.countryCode, countryCode.trim().toUpperCase()) : undefined)
    .orderBy(
      asc(taxRates.countryCode),
      sql`${taxRates.region} asc nulls first`,
      asc(taxRates.taxClass),
      asc(taxRates.code),
    );
  return rows.map(toStaff);
}

/** One tax rate. @throws NotFoundError (TAX_RATE_NOT_FOUND). */
export async function getTaxRateForStaff(db: Db, id: string): Promise<StaffTaxRate> {
  const [row] = await db.select().from(taxRates).where(eq(taxRates.id, id));
  if (!row) throw new NotFoundError("TAX_RATE_NOT_FOUND", `No tax rate ${id}.`);
  return toStaff(row);
}

async function checkCodeFree(db: Db, code: string, id: string | null): Promise<void> {
  const clash = await db
    .select({ id: taxRates.id })
    .from(taxRates)
    .where(id ? and(eq(taxRates.code, code), ne(taxRates.id, id)) : eq(taxRates.code, code));
  if (clash.length)
    throw new ValidationError([{ field: "code", message: `another tax rate has the code ${code}` }]);
}

/**
 * Creates a tax rate. After the commit, call `invalidateShopCache("tax_rates")` so new carts use it.
 * @throws ValidationError naming the field (see {@link checkTaxRate}; a code another rate has).
 */
export async function createTaxRate(db: Db, input: TaxRateFields): Promise<StaffTaxRate> {
  const values = checkTaxRate(input);
  await checkCodeFree(db, values.code, null);
  const [row] = await db
    .insert(taxRates)
    .values({ id: newId("tax"), ...values })
    .returning();
  return toStaff(row!);
}

/**
 * Replaces a tax rate's fields and bumps its version (the row is locked). After the commit, call
 * `invalidateShopCache("tax_rates")`.
 * @throws NotFoundError (TAX_RATE_NOT_FOUND); StaleVersionError (409); ValidationError naming the field.
 * @returns the rate before and after, for the audit log.
 */
export async function updateTaxRate(
  db: Db,
  id: string,
  input: TaxRateFields,
  expectedVersion?: number,
): Promise<{ before: StaffTaxRate; after: StaffTaxRate }> {
  const [current] = await db.select().from(taxRates).where(eq(taxRates.id, id)).for("update");
  if (!current) throw new NotFoundError("TAX_RATE_NOT_FOUND", `No tax rate ${id}.`);
  assertVersion("tax rate", current.version, expectedVersion);
  const values = checkTaxRate(input);
  await checkCodeFree(db, values.code, id);
  const [row] = await db
    .update(taxRates)
    .set({ ...values, version: current.version + 1 })
    .where(eq(taxRates.id, id))
    .returning();
  return { before: toStaff(current), after: toStaff(row!) };
}

/**
 * Deletes a tax rate. After the commit, call `invalidateShopCache("tax_rates")`.
 * @throws NotFoundError (TAX_RATE_NOT_FOUND); StaleVersionError (409).
 * @returns the deleted rate.
 */
export async function deleteTaxRate(db: Db, id: string, expectedVersion?: number): Promise<StaffTaxRate> {
  const [current] = await db.select().from(taxRates).where(eq(taxRates.id, id)).for("update");
  if (!current) throw new NotFoundError("TAX_RATE_NOT_FOUND", `No tax rate ${id}.`);
  assertVersion("tax rate", current.version, expectedVersion);
  await db.delete(taxRates).where(eq(taxRates.id, id));
  return toStaff(current);
}

/**
 * The tax classes in use: those of the tax rates (with how many rates each), the store settings'
 * shipping tax class, and always "standard" (every product's default), sorted by code.
 */
export async function taxClassesInUse(db: Db): Promise<TaxClassInUse[]> {
  const rows = await db
    .select({ code: taxRates.taxClass, count: sql<number>`count(*)::int` })
    .from(taxRates)
    .groupBy(taxRates.taxClass);
  const [settings] = await db.select({ shipping: storeSettings.shippingTaxClass }).from(storeSettings);
  const classes = new Map<string, TaxClassInUse>();
  const add = (code: string) => {
    const found = classes.get(code) ?? { code, rateCount: 0, usedForShipping: false };
    classes.set(code, found);
    return found;
  };
  add("standard");
  for (const r of rows) add(r.code).rateCount = Number(r.count);
  if (settings?.shipping) add(settings.shipping).usedForShipping = true;
  return [...classes.values()].sort((a, b) => a.code.localeCompare(b.code));
}
