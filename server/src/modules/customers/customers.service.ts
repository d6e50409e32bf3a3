import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import countries from "i18n-iso-countries";
import { postcodeValidator, postcodeValidatorExistsForCountry } from "postcode-validator";
import type { PostalAddress } from "../../platform/address.ts";
import type { Db } from "../../platform/db.ts";
import { type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { addresses, customerProfiles, users } from "./customers.schema.ts";

/** A saved address of the address book as the API shows it: a postal address with its id and defaults. */
export interface Address extends PostalAddress {
  id: string;
  isDefaultShipping: boolean;
  isDefaultBilling: boolean;
}

export type AddressInput = Omit<Address, "id" | "isDefaultShipping" | "isDefaultBilling"> & {
  isDefaultShipping?: boolean;
  isDefaultBilling?: boolean;
};

/**
 * Countries whose postal addresses need a state, province or prefecture (the `S` in the "require"
 * field of Google's libaddressinput address metadata for these countries).
 */
const regionRequired = new Set(["US", "CA", "AU", "BR", "MX", "IN", "JP", "CN", "AR", "MY", "ID"]);

/**
 * Checks an address the way the destination country's post does: a known ISO country, the lines a
 * courier needs, a region where the country uses one, and a postal code in the country's format
 * where it has postal codes (postcode-validator's per-country patterns).
 * @returns the field errors (empty when the address is valid).
 */
export function validateAddress(input: AddressInput): FieldError[] {
  const errors: FieldError[] = [];
  const required = (field: keyof AddressInput, label: string) => {
    const value = input[field];
    if (typeof value !== "string" || value.trim() === "")
      errors.push({ field, message: `${label} is required` });
  };
  required("firstName", "First name");
  required("lastName", "Last name");
  required("line1", "Street address");
  required("city", "City");
  const country = (input.country ?? "").toUpperCase();
  if (!countries.isValid(country) || country.length !== 2) {
    errors.push({ field: "country", message: "must be an ISO 3166-1 alpha-2 country code such as US or DE" });
    return errors;
  }
  if (regionRequired.has(country) && !input.region?.trim()) {
    errors.push({ field: "region", message: `a state or province is required for ${country} addresses` });
  }
  const postal = input.postalCode?.trim() ?? "";
  if (postcodeValidatorExistsForCountry(country)) {
    if (!postal)
      errors.push({ field: "postalCode", message: `a postal code is required for ${country} addresses` });
    else if (!postcodeValidator(postal, country)) {
      errors.push({ field: "postalCode", message: `"${postal}" is not a valid ${country} postal code` });
    }
  }
  return errors;
}

function toAddress(row: typeof addresses.$inferSelect): Address {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    company: row.company,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    phone: row.phone,
    isDefaultShipping: row.isDefaultShipping,
    isDefaultBilling: row.isDefaultBilling,
  };
}

/** A user's addresses, defaults first. */
export async function listAddresses(db: Db, userId: string): Promise<Address[]> {
  const rows = await db
    .select()
    .from(addresses)
    .where(eq(addresses.userId, userId))
    .orderBy(asc(addresses.createdAt));
  return rows.map(toAddress);
}

async function clearOtherDefaults(
  db: Db,
  userId: string,
  keepId: string,
  shipping: boolean,
  billing: boolean,
) {
  if (shipping) {
    await db
      .update(addresses)
      .set({ isDefaultShipping: false })
      .where(and(eq(addresses.userId, userId), ne(addresses.id, keepId)));
  }
  if (billing) {
    await db
      .update(addresses)
      .set({ isDefaultBilling: false })
      .where(and(eq(addresses.userId, userId), ne(addresses.id, keepId)));
  }
}

/**
 * Adds an address; the first one becomes the default for shipping and billing. Making an address a
 * default takes the flag from the others (one transaction).
 * @throws ValidationError naming each bad field (see `validateAddress`).
 */
export async function addAddress(db: Db, userId: string, input: AddressInput): Promise<Address> {
  const errors = validateAddress(input);
  if (errors.length) throw new ValidationError(errors);
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: addresses.id })
      .from(addresses)
      .where(eq(addresses.userId, userId))
      .limit(1);
    const first = existing.length === 0;
    const id = newId("adr");
    const isDefaultShipping = input.isDefaultShipping ?? first;
    const isDefaultBilling = input.isDefaultBilling ?? first;
    const [row] = await tx
      .insert(addresses)
      .values({
        ...input,
        id,
        userId,
        country: input.country.toUpperCase(),
        isDefaultShipping,
        isDefaultBilling,
      })
      .returning();
    await clearOtherDefaults(tx, userId, id, isDefaultShipping, isDefaultBilling);
    return toAddress(row!);
  });
}

/**
 * Changes one of the user's addresses. An address of another user is answered as not found.
 * @throws NotFoundError (ADDRESS_NOT_FOUND); ValidationError naming each bad field.
 */
export async function updateAddress(
  db: Db,
  userId: string,
  id: string,
  patch: Partial<AddressInput>,
): Promise<Address> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(addresses)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
    if (!current) throw new NotFoundError("ADDRESS_NOT_FOUND", "No such address in your address book");
    const merged = { ...toAddress(current), ...patch };
    const errors = validateAddress(merged);
    if (errors.length) throw new ValidationError(errors);
    const { id: _id, ...values } = merged;
    const [row] = await tx
      .update(addresses)
      .set({ ...values, country: merged.country.toUpperCase(), updatedAt: new Date() })
      .where(eq(addresses.id, id))
      .returning();
    await clearOtherDefaults(
      tx,
      userId,
      id,
      patch.isDefaultShipping === true,
      patch.isDefaultBilling === true,
    );
    return toAddress(row!);
  });
}

/** Deletes one of the user's addresses. @throws NotFoundError (ADDRESS_NOT_FOUND) otherwise. */
export async function deleteAddress(db: Db, userId: string, id: string): Promise<void> {
  const deleted = await db
    .delete(addresses)
    .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
    .returning({ id: addresses.id });
  if (deleted.length === 0)
    throw new NotFoundError("ADDRESS_NOT_FOUND", "No such address in your address book");
}

/** The signed-in shopper's profile. */
export interface Profile {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  phone: string | null;
  marketingConsent: boolean;
  /** When consent was last given or withdrawn, ISO 8601 UTC. */
  marketingConsentAt: string | null;
}

/** Reads a user's profile. @throws NotFoundError (ACCOUNT_NOT_FOUND). */
export async function getProfile(db: Db, userId: string): Promise<Profile> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      emailVerified: users.emailVerified,
      twoFactorEnabled: users.twoFactorEnabled,
      phone: customerProfiles.phone,
      marketingConsent: customerProfiles.marketingConsent,
      marketingConsentAt: customerProfiles.marketingConsentAt,
    })
    .from(users)
    .leftJoin(customerProfiles, eq(customerProfiles.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) throw new NotFoundError("ACCOUNT_NOT_FOUND", "No such account");
  return {
    ...row,
    twoFactorEnabled: row.twoFactorEnabled === true,
    marketingConsent: row.marketingConsent === true,
    marketingConsentAt: row.marketingConsentAt?.toISOString() ?? null,
  };
}

/**
 * Changes name, phone (E.164, e.g. +4930123456) and marketing consent. A change of consent records
 * its time, as GDPR Art. 7(1) asks the shop to be able to show when consent was given.
 * @throws ValidationError naming the bad field.
 */
export async function updateProfile(
  db: Db,
  userId: string,
  patch: { name?: string; phone?: string | null; marketingConsent?: boolean },
): Promise<Profile> {
  if (patch.name !== undefined && patch.name.trim() === "") {
    throw new ValidationError([{ field: "name", message: "must not be empty" }]);
  }
  if (patch.phone && !/^\+[1-9]\d{6,14}$/.test(patch.phone)) {
    throw new ValidationError([
      { field: "phone", message: "must be in international format, e.g. +4930123456" },
    ]);
  }
  await db.transaction(async (tx) => {
    if (patch.name !== undefined)
      await tx.update(users).set({ name: patch.name.trim() }).where(eq(users.id, userId));
    const [current] = await tx.select().from(customerProfiles).where(eq(customerProfiles.userId, userId));
    const consentChanged =
      patch.marketingConsent !== undefined && patch.marketingConsent !== (current?.marketingConsent ?? false);
    const values = {
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      ...(consentChanged
        ? { marketingConsent: patch.marketingConsent!, marketingConsentAt: new Date() }
        : {}),
      updatedAt: new Date(),
    };
    await tx
      .insert(customerProfiles)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: customerProfiles.userId, set: values });
  });
  return getProfile(db, userId);
}

/** An account as the customer export lists it. */
export interface AccountListRow {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

/**
 * Every account (shoppers and staff alike: this module does not know roles), in id order, one keyset
 * page at a time for exports that walk all of them: `after` is the last id of the previous page (null
 * for the first); at most `limit` rows. A page costs one index range scan, whatever its position.
 */
export async function listAccountsPage(
  db: Db,
  after: string | null,
  limit: number,
): Promise<AccountListRow[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(after === null ? undefined : gt(users.id, after))
    .orderBy(asc(users.id))
    .limit(limit);
}

/** Name, email and 2FA state of accounts, by id (for staff lists). */
export async function accountSummaries(
  db: Db,
  ids: string[],
): Promise<Map<string, { id: string; name: string; email: string; twoFactorEnabled: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, twoFactorEnabled: users.twoFactorEnabled })
    .from(users)
    .where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, { ...r, twoFactorEnabled: r.twoFactorEnabled === true }]));
}
