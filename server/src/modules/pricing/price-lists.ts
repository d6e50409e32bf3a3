import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ConflictError, type FieldError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { invalidateShopCache, shopCached } from "../../platform/shop-cache.ts";
import { type CustomerGroupUse, customerGroupNames } from "../customers/index.ts";
import { priceListPrices, priceLists, promotions } from "./pricing.schema.ts";

/** A price list as staff see it. */
export interface PriceList {
  id: string;
  /** ISO 4217 code. */
  currency: string;
  name: string;
  /** The customer group whose signed-in members get these prices; null: everyone shopping in `currency`. */
  customerGroupId: string | null;
  /** The group's name (null for a general list, or when the group no longer exists). */
  customerGroupName: string | null;
  isActive: boolean;
  /** Variants priced in this list. */
  priceCount: number;
  updatedAt: Date;
}

/** What a price list is made of: its currency, name, audience and whether it is on. */
export interface PriceListInput {
  currency: string;
  name: string;
  /** A customer group id (customers module); null or absent: the currency's general list. */
  customerGroupId?: string | null;
  isActive?: boolean;
}

const currencyPattern = /^[A-Z]{3}$/;

/**
 * Reads an ISO 4217 currency code (three letters, any case) as upper case.
 * @throws ValidationError naming `field` otherwise
 */
export function checkCurrency(value: string, field = "currency"): string {
  const code = value.trim().toUpperCase();
  if (!currencyPattern.test(code)) {
    throw new ValidationError([{ field, message: "must be an ISO 4217 currency code such as EUR" }]);
  }
  return code;
}

/** Every price list, by currency (its general list first, then group lists by group name). */
export async function listPriceLists(db: Db): Promise<PriceList[]> {
  const rows = await db
    .select({
      id: priceLists.id,
      currency: priceLists.currency,
      name: priceLists.name,
      customerGroupId: priceLists.customerGroupId,
      isActive: priceLists.isActive,
      updatedAt: priceLists.updatedAt,
      priceCount: sql<number>`(select count(*)::int from ${priceListPrices} p where p.price_list_id = ${priceLists.id})`,
    })
    .from(priceLists)
    .orderBy(asc(priceLists.currency));
  const names = await customerGroupNames(
    db,
    rows.flatMap((r) => (r.customerGroupId ? [r.customerGroupId] : [])),
  );
  return rows
    .map((r) => ({
      ...r,
      customerGroupName: r.customerGroupId ? (names.get(r.customerGroupId) ?? null) : null,
      priceCount: Number(r.priceCount),
    }))
    .sort(
      (a, b) =>
        a.currency.localeCompare(b.currency) ||
        Number(a.customerGroupId !== null) - Number(b.customerGroupId !== null) ||
        (a.customerGroupName ?? "").localeCompare(b.customerGroupName ?? "") ||
        a.id.localeCompare(b.id),
    );
}

/**
 * The list of `currency` for `customerGroupId` (null: the general list), or null when there is none.
 * @throws ValidationError (currency) for a code that is not ISO 4217.
 */
export async function findPriceList(
  db: Db,
  currency: string,
  customerGroupId: string | null,
): Promise<PriceList | null> {
  const code = checkCurrency(currency);
  return (
    (await listPriceLists(db)).find((l) => l.currency === code && l.customerGroupId === customerGroupId) ??
    null
  );
}

/**
 * Checks a list's fields: an ISO 4217 currency, a name, an existing customer group. A general list
 * (no group) cannot be in the shop's default currency (the catalog's own prices are in it); a group
 * list can (e.g. wholesale prices in the shop's currency).
 * @throws ValidationError (currency, name, customerGroupId)
 */
async function checkList(db: Db, input: PriceListInput, defaultCurrency: string) {
  const currency = checkCurrency(input.currency);
  const customerGroupId = input.customerGroupId?.trim() || null;
  const errors: FieldError[] = [];
  if (currency === defaultCurrency && customerGroupId === null) {
    errors.push({
      field: "currency",
      message: `${currency} is the shop's default currency: the catalog prices are in it (a customer group's list may use it)`,
    });
  }
  const name = input.name.trim();
  if (!name) errors.push({ field: "name", message: "enter a name" });
  if (customerGroupId && !(await customerGroupNames(db, [customerGroupId])).has(customerGroupId)) {
    errors.push({ field: "customerGroupId", message: `no customer group ${customerGroupId}` });
  }
  if (errors.length) throw new ValidationError(errors);
  return { currency, name, customerGroupId, isActive: input.isActive ?? true };
}

/**
 * Creates or updates the price list of a currency and audience (`customerGroupId`, null: everyone).
 * @throws ValidationError (currency, name, customerGroupId): see {@link checkList}
 */
export async function upsertPriceList(
  db: Db,
  input: PriceListInput,
  defaultCurrency: string,
): Promise<PriceList> {
  const values = await checkList(db, input, defaultCurrency);
  await db
    .insert(priceLists)
    .values({ id: newId("plist"), ...values })
    .onConflictDoUpdate({
      target: [priceLists.currency, priceLists.customerGroupId],
      set: { name: values.name, isActive: values.isActive, updatedAt: new Date() },
    });
  invalidateShopCache("price_lists");
  return (await findPriceList(db, values.currency, values.customerGroupId))!;
}

/**
 * Creates a price list for a currency and audience.
 * @throws ValidationError (currency, name, customerGroupId): see {@link checkList}; ConflictError
 *   PRICE_LIST_EXISTS (409) when that currency already has a list for that audience (one list per
 *   currency and customer group).
 */
export async function createPriceList(
  db: Db,
  input: PriceListInput,
  defaultCurrency: string,
): Promise<PriceList> {
  const values = await checkList(db, input, defaultCurrency);
  const inserted = await db
    .insert(priceLists)
    .values({ id: newId("plist"), ...values })
    .onConflictDoNothing()
    .returning({ id: priceLists.id });
  if (inserted.length === 0) {
    throw new ConflictError(
      "PRICE_LIST_EXISTS",
      values.customerGroupId
        ? `This customer group already has a ${values.currency} price list.`
        : `There already is a general ${values.currency} price list.`,
    );
  }
  invalidateShopCache("price_lists");
  return (await findPriceList(db, values.currency, values.customerGroupId))!;
}

/**
 * The price lists and promotions that target a customer group (by name), so that the customers
 * module does not delete a group still in use (wired as its CustomerGroupUsage by the app).
 */
export async function usesOfCustomerGroup(db: Db, groupId: string): Promise<CustomerGroupUse[]> {
  const [lists, promos] = await Promise.all([
    db
      .select({ id: priceLists.id, name: priceLists.name, currency: priceLists.currency })
      .from(priceLists)
      .where(eq(priceLists.customerGroupId, groupId)),
    db
      .select({ id: promotions.id, name: promotions.name })
      .from(promotions)
      .where(
        sql`${promotions.conditions} @> jsonb_build_object('customerGroupIds', jsonb_build_array(${groupId}::text))`,
      ),
  ]);
  return [
    ...lists.map((l) => ({ type: "price_list" as const, id: l.id, name: `${l.name} (${l.currency})` })),
    ...promos.map((p) => ({ type: "promotion" as const, id: p.id, name: p.name })),
  ];
}

/**
 * Sets (amount) or removes (null) variants' prices in the price list of `currency` for
 * `customerGroupId` (null: the general list), in one transaction. Amounts are whole minor units of
 * that currency, 0 to 10^12.
 * @throws ValidationError (currency) when the list does not exist; ValidationError naming
 *   `prices.<i>.amount` for a bad amount
 */
export async function setPriceListPrices(
  db: Db,
  currency: string,
  prices: { variantId: string; amount: number | null }[],
  customerGroupId: string | null = null,
): Promise<{ set: number; removed: number }> {
  const code = checkCurrency(currency);
  const errors = prices.flatMap((p, i) =>
    p.amount !== null && (!Number.isSafeInteger(p.amount) || p.amount < 0 || p.amount > 1e12)
      ? [{ field: `prices.${i}.amount`, message: "must be a whole number of minor units from 0" }]
      : [],
  );
  if (errors.length) throw new ValidationError(errors);
  return db.transaction(async (tx) => {
    const [list] = await tx
      .select()
      .from(priceLists)
      .where(and(eq(priceLists.currency, code), audience(customerGroupId)));
    if (!list) throw new ValidationError([{ field: "currency", message: `there is no ${code} price list` }]);
    const set = prices.filter((p) => p.amount !== null);
    const removed = prices.filter((p) => p.amount === null).map((p) => p.variantId);
    if (set.length) {
      await tx
        .insert(priceListPrices)
        .values(set.map((p) => ({ priceListId: list.id, variantId: p.variantId, amount: p.amount! })))
        .onConflictDoUpdate({
          target: [priceListPrices.priceListId, priceListPrices.variantId],
          set: { amount: sql`excluded.amount`, updatedAt: new Date() },
        });
    }
    if (removed.length) {
      await tx
        .delete(priceListPrices)
        .where(and(eq(priceListPrices.priceListId, list.id), inArray(priceListPrices.variantId, removed)));
    }
    await tx.update(priceLists).set({ updatedAt: new Date() }).where(eq(priceLists.id, list.id));
    return { set: set.length, removed: removed.length };
  });
}

/** The lists of one audience: a group's (id) or the general ones (null). */
function audience(customerGroupId: string | null) {
  return customerGroupId === null
    ? isNull(priceLists.customerGroupId)
    : eq(priceLists.customerGroupId, customerGroupId);
}

/**
 * The currencies a shopper may choose: the shop's default first, then those of active general price
 * lists (cached a few seconds, see platform/shop-cache.ts). A customer group's list does not add a
 * currency: it only re-prices, for the group's members, a currency the shop already offers.
 */
export async function offeredCurrencies(db: Db, defaultCurrency: string): Promise<string[]> {
  const listed = await shopCached(db, "price_lists", "active", () =>
    db
      .select({ currency: priceLists.currency })
      .from(priceLists)
      .where(and(eq(priceLists.isActive, true), isNull(priceLists.customerGroupId)))
      .orderBy(asc(priceLists.currency)),
  );
  return [defaultCurrency, ...listed.map((l) => l.currency).filter((c) => c !== defaultCurrency)];
}

/**
 * Prices of variants in the active general price list of `currency` (or, with `customerGroupId`,
 * in that group's list), minor units by variant id; variants without a price there are absent.
 * `includeInactive` reads a list that is switched off too (staff).
 */
export async function priceListPricesOf(
  db: Db,
  currency: string,
  variantIds: string[],
  options: { includeInactive?: boolean; customerGroupId?: string | null } = {},
): Promise<Map<string, number>> {
  if (variantIds.length === 0) return new Map();
  const rows = await db
    .select({ variantId: priceListPrices.variantId, amount: priceListPrices.amount })
    .from(priceListPrices)
    .innerJoin(priceLists, eq(priceLists.id, priceListPrices.priceListId))
    .where(
      and(
        eq(priceLists.currency, currency),
        audience(options.customerGroupId ?? null),
        options.includeInactive ? undefined : eq(priceLists.isActive, true),
        sql`${priceListPrices.variantId} = any(${sql.param(variantIds)}::text[])`,
      ),
    );
  return new Map(rows.map((r) => [r.variantId, Number(r.amount)]));
}

/**
 * The customer-group price of variants in `currency` for a customer in `customerGroupIds`: for each
 * variant priced by an active list of one of those groups, the LOWEST of those groups' prices (minor
 * units), by variant id; variants no such list prices are absent; [] groups (a guest) give none.
 * Rule source: Magento's customer-group pricing, where the lowest applicable price wins (Magento 1.9
 * user guide, "Product Group Price Setup": "If, in addition to the regular price, a product has
 * promotional price(s), the lowest price appears"; Magento 2's BasePrice likewise takes the minimum of
 * the regular, special, tier / group and catalog-rule prices). The caller compares it with the
 * general price (see the cart's saleVariantsIn).
 */
export async function groupPricesOf(
  db: Db,
  currency: string,
  variantIds: string[],
  customerGroupIds: string[],
): Promise<Map<string, number>> {
  if (variantIds.length === 0 || customerGroupIds.length === 0) return new Map();
  const rows = await db
    .select({ variantId: priceListPrices.variantId, amount: sql<string>`min(${priceListPrices.amount})` })
    .from(priceListPrices)
    .innerJoin(priceLists, eq(priceLists.id, priceListPrices.priceListId))
    .where(
      and(
        eq(priceLists.currency, currency),
        eq(priceLists.isActive, true),
        sql`${priceLists.customerGroupId} = any(${sql.param(customerGroupIds)}::text[])`,
        sql`${priceListPrices.variantId} = any(${sql.param(variantIds)}::text[])`,
      ),
    )
    .groupBy(priceListPrices.variantId);
  return new Map(rows.map((r) => [r.variantId, Number(r.amount)]));
}
