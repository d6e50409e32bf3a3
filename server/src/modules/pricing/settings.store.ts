import { eq, sql } from "drizzle-orm";
import countries from "i18n-iso-countries";
import type { PostalAddress } from "../../platform/address.ts";
import type { Db } from "../../platform/db.ts";
import { type FieldError, ValidationError } from "../../platform/errors.ts";
import { isCurrencyCode } from "../../platform/money.ts";
import { shopCached } from "../../platform/shop-cache.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { thumbnailUrls } from "../catalog/index.ts";
import { storeSettings } from "./pricing.schema.ts";
import { getStoreSettings } from "./pricing.service.ts";

/**
 * The shop's settings as staff edit them in the admin (one row, id "default"): store details,
 * currencies and locales, tax display, checkout options. `version` is the ETag; `updatedAt` ISO 8601 UTC.
 */
export interface StaffStoreSettings {
  storeName: string;
  /** The address shop e-mails come from; "" = the server's MAIL_FROM. */
  senderEmail: string;
  supportPhone: string;
  /** The shop's postal address (invoices, pickup); null until set. */
  storeAddress: PostalAddress | null;
  /** Id of the uploaded logo image (POST /api/admin/images), and its thumbnail URL. */
  logoImageId: string | null;
  logoUrl: string | null;
  /** ISO 4217 code of the catalog's prices and of new carts; always the first of `currencies`. */
  defaultCurrency: string;
  /** ISO 4217 codes shoppers may choose, the default first (others need a price list). */
  currencies: string[];
  /** Canonical BCP 47 tags of the storefront, the default first. */
  locales: string[];
  /** True: catalog prices include tax; false: tax is added at checkout. */
  pricesIncludeTax: boolean;
  /** Tax class applied to shipping, or null when shipping is not taxed. */
  shippingTaxClass: string | null;
  /** Minutes an unpaid order holds its stock (5..1440). */
  reservationMinutes: number;
  /** Days an untouched cart lives (1..365). */
  cartLifetimeDays: number;
  /** Put before every new order number: up to 10 of A-Z, 0-9 and "-" ("" = none). */
  orderNumberPrefix: string;
  /** Guests may check out without an account. */
  guestCheckout: boolean;
  /** A phone number is required with the shipping address. */
  requirePhone: boolean;
  version: number;
  updatedAt: string;
}

/** A postal address as given: the optional parts (company, line2, region, postalCode, phone) may be left out. */
export type AddressInput = Omit<PostalAddress, "company" | "line2" | "region" | "postalCode" | "phone"> &
  Partial<Pick<PostalAddress, "company" | "line2" | "region" | "postalCode" | "phone">>;

/** Fields of the store settings to change; the ones left out keep their value. */
export type StoreSettingsChanges = Partial<
  Omit<StaffStoreSettings, "version" | "updatedAt" | "logoUrl" | "storeAddress"> & {
    storeAddress: AddressInput | null;
  }
>;

const settingsId = "default";

/** Limits of the settings, shared by the API schema and the checks here. */
export const storeSettingsLimits = {
  reservationMinutes: { minimum: 5, maximum: 1440 },
  cartLifetimeDays: { minimum: 1, maximum: 365 },
  orderNumberPrefix: /^[A-Z0-9-]{0,10}$/,
  taxClass: /^[a-z0-9_-]{1,40}$/,
  maxCurrencies: 20,
  maxLocales: 20,
} as const;

/** A simple, strict enough e-mail check: one @, a dot in the domain, no spaces. */
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The shop's name and e-mail sender as e-mails show them. */
export interface StoreIdentity {
  /** The store name set in the admin; the server's STORE_NAME while staff keep the default. */
  name: string;
  /** The From header: `"<name>" <sender e-mail>` when the admin sets a sender, else MAIL_FROM. */
  from: string;
}

/** The column default of `store_name`: a shop that never named itself in the admin. */
const defaultStoreName = "Bazaar";

/**
 * The shop's name and sender for e-mails, from the store settings (cached a few seconds, refreshed on
 * every settings save), falling back to the server's configuration (`STORE_NAME`, `MAIL_FROM`).
 * The display name is quoted per RFC 5322 (quotes and backslashes escaped).
 */
export function storeIdentity(
  db: Db,
  fallback: { storeName: string; mailFrom: string },
): Promise<StoreIdentity> {
  return shopCached(db, "settings", "identity", async () => {
    const row = await loadRow(db);
    const name = row.storeName && row.storeName !== defaultStoreName ? row.storeName : fallback.storeName;
    const display = `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    return { name, from: row.senderEmail ? `${display} <${row.senderEmail}>` : fallback.mailFrom };
  });
}

/** What the storefront shows of the shop: its name, logo and support phone. */
export interface StoreDetails {
  /** As storeIdentity names it. */
  name: string;
  /** The logo's URL (a WebP size of the uploaded image), or null. */
  logoUrl: string | null;
  /** "" when not set. */
  supportPhone: string;
}

/**
 * The shop's public details for the storefront (header, footer, page titles), from the store settings
 * (cached a few seconds, refreshed on every settings save).
 */
export function storeDetails(
  db: Db,
  fallback: { storeName: string; mailFrom: string },
): Promise<StoreDetails> {
  return shopCached(db, "settings", "details", async () => {
    const [identity, row] = await Promise.all([storeIdentity(db, fallback), loadRow(db)]);
    const logoUrl = row.logoImageId
      ? ((await thumbnailUrls(db, [row.logoImageId])).get(row.logoImageId) ?? null)
      : null;
    return { name: identity.name, logoUrl, supportPhone: row.supportPhone };
  });
}

/** The settings row (written with its defaults on first use). */
async function loadRow(db: Db) {
  await getStoreSettings(db);
  const [row] = await db.select().from(storeSettings).where(eq(storeSettings.id, settingsId));
  return row!;
}

async function toStaff(db: Db, row: typeof storeSettings.$inferSelect): Promise<StaffStoreSettings> {
  const logoUrl = row.logoImageId
    ? ((await thumbnailUrls(db, [row.logoImageId])).get(row.logoImageId) ?? null)
    : null;
  return {
    storeName: row.storeName,
    senderEmail: row.senderEmail,
    supportPhone: row.supportPhone,
    storeAddress: (row.storeAddress as PostalAddress | null) ?? null,
    logoImageId: row.logoImageId,
    logoUrl,
    defaultCurrency: row.defaultCurrency,
    currencies: row.currencies,
    locales: row.locales,
    pricesIncludeTax: row.pricesIncludeTax,
    shippingTaxClass: row.shippingTaxClass,
    reservationMinutes: row.reservationMinutes,
    cartLifetimeDays: row.cartLifetimeDays,
    orderNumberPrefix: row.orderNumberPrefix,
    guestCheckout: row.guestCheckout,
    requirePhone: row.requirePhone,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The store settings as staff see them (read fresh, never from the cache). */
export async function getStoreSettingsForStaff(db: Db): Promise<StaffStoreSettings> {
  return toStaff(db, await loadRow(db));
}

/** A list of codes without blanks and duplicates, each checked by `check`; errors name `field.<i>`. */
function checkList(
  values: string[],
  field: string,
  errors: FieldError[],
  normalise: (value: string) => string | null,
  message: (value: string) => string,
  max: number,
): string[] {
  if (values.length === 0) errors.push({ field, message: "list at least one" });
  if (values.length > max) errors.push({ field, message: `list at most ${max}` });
  const result: string[] = [];
  values.forEach((value, i) => {
    const code = normalise(value);
    if (code === null) errors.push({ field: `${field}.${i}`, message: message(value) });
    else if (result.includes(code))
      errors.push({ field: `${field}.${i}`, message: `${code} is listed twice` });
    else result.push(code);
  });
  return result;
}

/** The canonical BCP 47 form of a tag ("en-us" -> "en-US"), or null when it is not one. */
export function canonicalLocale(tag: string): string | null {
  const trimmed = tag.trim();
  if (!trimmed) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(trimmed);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** The shop's address, checked: street, city and an ISO 3166-1 alpha-2 country are required. */
function checkAddress(address: AddressInput, errors: FieldError[]): PostalAddress {
  const text = (value: string | null | undefined) => (value ?? "").trim();
  const optional = (value: string | null | undefined) => text(value) || null;
  const country = text(address.country).toUpperCase();
  if (!text(address.line1)) errors.push({ field: "storeAddress.line1", message: "enter the street address" });
  if (!text(address.city)) errors.push({ field: "storeAddress.city", message: "enter the city" });
  if (country.length !== 2 || !countries.isValid(country))
    errors.push({
      field: "storeAddress.country",
      message: "must be an ISO 3166-1 alpha-2 country code such as US or DE",
    });
  return {
    firstName: text(address.firstName),
    lastName: text(address.lastName),
    company: optional(address.company),
    line1: text(address.line1),
    line2: optional(address.line2),
    city: text(address.city),
    region: optional(address.region)?.toUpperCase() ?? null,
    postalCode: optional(address.postalCode),
    country,
    phone: optional(address.phone),
  };
}

/**
 * Checks and normalises settings changes against the current settings: currencies are ISO 4217 codes
 * with a minor unit (upper-cased), the default currency is one of them and moves first; locales are
 * BCP 47 tags (canonicalised); the sender e-mail is an address or empty; the order number prefix is up
 * to 10 of A-Z, 0-9 and "-" (upper-cased); minutes and days in their ranges; the logo an uploaded image.
 * @throws ValidationError naming every field that is wrong (all at once).
 */
export async function checkStoreSettings(
  db: Db,
  current: StaffStoreSettings,
  changes: StoreSettingsChanges,
): Promise<StoreSettingsChanges> {
  const errors: FieldError[] = [];
  const out: StoreSettingsChanges = {};
  if (changes.storeName !== undefined) {
    out.storeName = changes.storeName.trim();
    if (!out.storeName) errors.push({ field: "storeName", message: "enter the shop's name" });
    else if (out.storeName.length > 100)
      errors.push({ field: "storeName", message: "use at most 100 characters" });
  }
  if (changes.senderEmail !== undefined) {
    out.senderEmail = changes.senderEmail.trim();
    if (out.senderEmail && (!emailPattern.test(out.senderEmail) || out.senderEmail.length > 254))
      errors.push({ field: "senderEmail", message: "must be an e-mail address such as shop@example.com" });
  }
  if (changes.supportPhone !== undefined) {
    out.supportPhone = changes.supportPhone.trim();
    if (out.supportPhone && !/^\+?[0-9 ().-]{3,40}$/.test(out.supportPhone))
      errors.push({ field: "supportPhone", message: "use digits, spaces, +, -, ( and ) only" });
  }
  if (changes.storeAddress !== undefined)
    out.storeAddress = changes.storeAddress === null ? null : checkAddress(changes.storeAddress, errors);
  if (changes.logoImageId !== undefined) {
    out.logoImageId = changes.logoImageId?.trim() || null;
    if (out.logoImageId && !(await thumbnailUrls(db, [out.logoImageId])).has(out.logoImageId))
      errors.push({ field: "logoImageId", message: "is not an uploaded image" });
  }
  if (changes.currencies !== undefined) {
    out.currencies = checkList(
      changes.currencies,
      "currencies",
      errors,
      (value) => {
        const code = value.trim().toUpperCase();
        return isCurrencyCode(code) ? code : null;
      },
      (value) => `"${value}" is not an ISO 4217 currency code`,
      storeSettingsLimits.maxCurrencies,
    );
  }
  if (changes.defaultCurrency !== undefined) {
    out.defaultCurrency = changes.defaultCurrency.trim().toUpperCase();
    if (!isCurrencyCode(out.defaultCurrency))
      errors.push({ field: "defaultCurrency", message: "must be an ISO 4217 currency code such as USD" });
  }
  if (out.currencies !== undefined || out.defaultCurrency !== undefined) {
    const currencies = out.currencies ?? current.currencies;
    const preferred = out.defaultCurrency ?? current.defaultCurrency;
    if (isCurrencyCode(preferred) && currencies.length > 0) {
      if (!currencies.includes(preferred)) {
        errors.push({
          field: "defaultCurrency",
          message: `${preferred} must be one of the shop's currencies`,
        });
      } else {
        // The default currency comes first (the storefront and carts take the first as the default).
        out.currencies = [preferred, ...currencies.filter((c) => c !== preferred)];
        out.defaultCurrency = preferred;
      }
    }
  }
  if (changes.locales !== undefined) {
    out.locales = checkList(
      changes.locales,
      "locales",
      errors,
      canonicalLocale,
      (value) => `"${value}" is not a BCP 47 language tag such as en-US`,
      storeSettingsLimits.maxLocales,
    );
  }
  if (changes.pricesIncludeTax !== undefined) out.pricesIncludeTax = changes.pricesIncludeTax;
  if (changes.shippingTaxClass !== undefined) {
    out.shippingTaxClass = changes.shippingTaxClass?.trim().toLowerCase() || null;
    if (out.shippingTaxClass && !storeSettingsLimits.taxClass.test(out.shippingTaxClass))
      errors.push({
        field: "shippingTaxClass",
        message: "use up to 40 lower-case letters, digits, - and _ (e.g. shipping)",
      });
  }
  const range = (field: "reservationMinutes" | "cartLifetimeDays", unit: string) => {
    const value = changes[field];
    if (value === undefined) return;
    const { minimum, maximum } = storeSettingsLimits[field];
    if (!Number.isSafeInteger(value) || value < minimum || value > maximum)
      errors.push({ field, message: `must be a whole number of ${unit} from ${minimum} to ${maximum}` });
    else out[field] = value;
  };
  range("reservationMinutes", "minutes");
  range("cartLifetimeDays", "days");
  if (changes.orderNumberPrefix !== undefined) {
    out.orderNumberPrefix = changes.orderNumberPrefix.trim().toUpperCase();
    if (!storeSettingsLimits.orderNumberPrefix.test(out.orderNumberPrefix))
      errors.push({
        field: "orderNumberPrefix",
        message: "use up to 10 capital letters, digits and hyphens (e.g. BZ-)",
      });
  }
  if (changes.guestCheckout !== undefined) out.guestCheckout = changes.guestCheckout;
  if (changes.requirePhone !== undefined) out.requirePhone = changes.requirePhone;
  if (errors.length) throw new ValidationError(errors);
  return out;
}

/**
 * Saves changes to the store settings (fields left out keep their value) and bumps the version, in the
 * caller's transaction (the row is locked). After the commit, call `invalidateShopCache("settings")`
 * so that new carts and checkouts of this process see the change at once (others within the shop
 * cache's 5 s TTL).
 * @throws StaleVersionError (409) when `expectedVersion` is not the stored one; ValidationError naming
 *   the field (see {@link checkStoreSettings}).
 * @returns the settings before and after, for the audit log.
 */
export async function saveStoreSettings(
  db: Db,
  changes: StoreSettingsChanges,
  expectedVersion?: number,
): Promise<{ before: StaffStoreSettings; after: StaffStoreSettings }> {
  await getStoreSettings(db);
  const [locked] = await db
    .select()
    .from(storeSettings)
    .where(eq(storeSettings.id, settingsId))
    .for("update");
  const before = await toStaff(db, locked!);
  assertVersion("store settings", before.version, expectedVersion);
  const { storeAddress, ...values } = await checkStoreSettings(db, before, changes);
  await db
    .update(storeSettings)
    .set({
      ...values,
      ...(storeAddress !== undefined && {
        storeAddress: storeAddress as unknown as Record<string, string | null> | null,
      }),
      version: sql`${storeSettings.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(storeSettings.id, settingsId));
  return { before, after: await getStoreSettingsForStaff(db) };
}
