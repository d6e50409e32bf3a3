import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { invalidateShopCache, shopCached } from "../../platform/shop-cache.ts";
import { priceListPrices, priceLists } from "./pricing.schema.ts";

/** A price list as staff see it. */
export interface PriceList {
  id: string;
  /** ISO 4217 code. */
  currency: string;
  name: string;
  isActive: boolean;
  /** Variants priced in this list. */
  priceCount: number;
  updatedAt: Date;
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

/** Every price list, by currency, with how many variants each prices. */
export async function listPriceLists(db: Db): Promise<PriceList[]> {
  const rows = await db
    .select({
      id: priceLists.id,
      currency: priceLists.currency,
      name: priceLists.name,
      isActive: priceLists.isActive,
      updatedAt: priceLists.updatedAt,
      priceCount: sql<number>`(select count(*)::int from ${priceListPrices} p where p.price_list_id = ${priceLists.id})`,
    })
    .from(priceLists)
    .orderBy(asc(priceLists.currency));
  return rows.map((r) => ({ ...r, priceCount: Number(r.priceCount) }));
}

/**
 * Creates or updates the price list of a currency. The shop's default currency needs none (the
 * catalog's own prices are in it).
 * @throws ValidationError (currency, name)
 */
export async function upsertPriceList(
  db: Db,
  input: { currency: string; name: string; isActive?: boolean },
  defaultCurrency: string,
): Promise<PriceList> {
  const currency = checkCurrency(input.currency);
  if (currency === defaultCurrency) {
    throw new ValidationError([
      {
        field: "currency",
        message: `${currency} is the shop's default currency: the catalog prices are in it`,
      },
    ]);
  }
  const name = input.name.trim();
  if (!name) throw new ValidationError([{ field: "name", message: "enter a name" }]);
  await db
    .insert(priceLists)
    .values({ id: newId("plist"), currency, name, isActive: input.isActive ?? true })
    .onConflictDoUpdate({
      target: priceLists.currency,
      set: { name, isActive: input.isActive ?? true, updatedAt: new Date() },
    });
  invalidateShopCache("price_lists");
  return (await listPriceLists(db)).find((l) => l.currency === currency)!;
}

/**
 * Sets (amount) or removes (null) variants' prices in the price list of `currency`, in one
 * transaction. Amounts are whole minor units of that currency, 0 to 10^12.
 * @throws NotFound-style ValidationError (currency) when the list does not exist; ValidationError
 *   naming `prices.<i>.amount` for a bad amount
 */
export async function setPriceListPrices(
  db: Db,
  currency: string,
  prices: { variantId: string; amount: number | null }[],
): Promise<{ set: number; removed: number }> {
  const code = checkCurrency(currency);
  const errors = prices.flatMap((p, i) =>
    p.amount !== null && (!Number.isSafeInteger(p.amount) || p.amount < 0 || p.amount > 1e12)
      ? [{ field: `prices.${i}.amount`, message: "must be a whole number of minor units from 0" }]
      : [],
  );
  if (errors.length) throw new ValidationError(errors);
  return db.transaction(async (tx) => {
    const [list] = await tx.select().from(priceLists).where(eq(priceLists.currency, code));
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

/**
 * The currencies a shopper may choose: the shop's default first, then those of active price lists
 * (cached a few seconds, see platform/shop-cache.ts).
 */
export async function offeredCurrencies(db: Db, defaultCurrency: string): Promise<string[]> {
  const listed = await shopCached(db, "price_lists", "active", () =>
    db
      .select({ currency: priceLists.currency })
      .from(priceLists)
      .where(eq(priceLists.isActive, true))
      .orderBy(asc(priceLists.currency)),
  );
  return [defaultCurrency, ...listed.map((l) => l.currency).filter((c) => c !== defaultCurrency)];
}

/**
 * Prices of variants in the active price list of `currency` (minor units), by variant id; variants
 * without a price there are absent. `includeInactive` reads a list that is switched off too (staff).
 */
export async function priceListPricesOf(
  db: Db,
  currency: string,
  variantIds: string[],
  options: { includeInactive?: boolean } = {},
): Promise<Map<string, number>> {
  if (variantIds.length === 0) return new Map();
  const rows = await db
    .select({ variantId: priceListPrices.variantId, amount: priceListPrices.amount })
    .from(priceListPrices)
    .innerJoin(priceLists, eq(priceLists.id, priceListPrices.priceListId))
    .where(
      and(
        eq(priceLists.currency, currency),
        options.includeInactive ? undefined : eq(priceLists.isActive, true),
        sql`${priceListPrices.variantId} = any(${sql.param(variantIds)}::text[])`,
      ),
    );
  return new Map(rows.map((r) => [r.variantId, Number(r.amount)]));
}
