import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { invalidateShopCache, shopCached } from "../../platform/shop-cache.ts";
import type { Promotion, TaxAddress, TaxRate } from "./pricing.calculator.ts";
import { matchTaxRates } from "./pricing.calculator.ts";
import {
  couponCodes,
  couponCustomerUsage,
  couponRedemptions,
  promotions,
  storeSettings,
  taxRates,
} from "./pricing.schema.ts";

/** Shop-wide pricing and checkout settings, as carts and the checkout read them. */
export interface StoreSettings {
  defaultCurrency: string;
  pricesIncludeTax: boolean;
  shippingTaxClass: string | null;
  reservationMinutes: number;
  cartLifetimeDays: number;
  /** Put before new order numbers ("" = none): up to 10 of A-Z, 0-9 and "-". */
  orderNumberPrefix: string;
  /** Guests may check out without an account (true by default). */
  guestCheckout: boolean;
  /** A phone number is required with the shipping address (false by default). */
  requirePhone: boolean;
}

const settingsId = "default";

/**
 * The shop's pricing settings (the defaults are written on first use: USD, tax added at checkout).
 * Cached for a few seconds per database handle (see platform/shop-cache.ts).
 */
export function getStoreSettings(db: Db): Promise<StoreSettings> {
  return shopCached(db, "settings", "", () => loadStoreSettings(db));
}

async function loadStoreSettings(db: Db): Promise<StoreSettings> {
  let [row] = await db.select().from(storeSettings).where(eq(storeSettings.id, settingsId));
  if (!row) {
    await db.insert(storeSettings).values({ id: settingsId }).onConflictDoNothing();
    [row] = await db.select().from(storeSettings).where(eq(storeSettings.id, settingsId));
  }
  return {
    defaultCurrency: row!.defaultCurrency,
    pricesIncludeTax: row!.pricesIncludeTax,
    shippingTaxClass: row!.shippingTaxClass,
    reservationMinutes: row!.reservationMinutes,
    cartLifetimeDays: row!.cartLifetimeDays,
    orderNumberPrefix: row!.orderNumberPrefix,
    guestCheckout: row!.guestCheckout,
    requirePhone: row!.requirePhone,
  };
}

/** Changes pricing settings (only the given fields), bumping their version (the admin's ETag). */
export async function updateStoreSettings(db: Db, changes: Partial<StoreSettings>): Promise<StoreSettings> {
  await getStoreSettings(db);
  await db
    .update(storeSettings)
    .set({ ...changes, version: sql`${storeSettings.version} + 1`, updatedAt: new Date() })
    .where(eq(storeSettings.id, settingsId));
  invalidateShopCache("settings");
  return getStoreSettings(db);
}

/**
 * Tax rates that apply at an address (all classes). The rates of the address's country are read with
 * one query and cached for a few seconds (platform/shop-cache.ts).
 */
export async function taxRatesFor(db: Db, address: TaxAddress | null): Promise<TaxRate[]> {
  if (!address) return [];
  const country = address.countryCode.toUpperCase();
  const rates = await shopCached(db, "tax_rates", country, async () => {
    const rows = await db.select().from(taxRates).where(eq(taxRates.countryCode, country));
    return rows.map(
      (r): TaxRate => ({
        id: r.id,
        name: r.name,
        countryCode: r.countryCode,
        region: r.region,
        postcodePattern: r.postcodePattern,
        rateBasisPoints: r.rateBasisPoints,
        taxClass: r.taxClass,
      }),
    );
  });
  return matchTaxRates(rates, address);
}

/** Coupon codes are compared without case and surrounding space. */
export function normaliseCouponCode(code: string): string {
  return code.trim().toUpperCase();
}

type PromotionRow = typeof promotions.$inferSelect;

function toPromotion(row: PromotionRow, code: string | null): Promotion {
  return {
    id: row.id,
    name: row.name,
    code,
    type: row.type,
    appliesTo: row.appliesTo,
    value: row.value,
    buyQuantity: row.buyQuantity,
    getQuantity: row.getQuantity,
    maxDiscountAmount: row.maxDiscountAmount,
    conditions: row.conditions,
    priority: row.priority,
    stopFurtherPromotions: row.stopFurtherPromotions,
  };
}

/** Why a coupon code cannot be used now. */
export type CouponProblem =
  | "COUPON_NOT_FOUND"
  | "COUPON_EXPIRED"
  | "COUPON_NOT_STARTED"
  | "COUPON_USAGE_LIMIT_REACHED";

/** Raised when a coupon code cannot be used (422 with a stable code naming why). */
export class CouponError extends AppError {
  constructor(code: CouponProblem, couponCode: string) {
    const messages: Record<CouponProblem, string> = {
      COUPON_NOT_FOUND: `The coupon code "${couponCode}" is not valid.`,
      COUPON_EXPIRED: `The coupon code "${couponCode}" has expired.`,
      COUPON_NOT_STARTED: `The coupon code "${couponCode}" is not valid yet.`,
      COUPON_USAGE_LIMIT_REACHED: `The coupon code "${couponCode}" has been used up.`,
    };
    super(422, code, messages[code], [{ field: "code", message: messages[code] }]);
  }
}

/** A coupon as a cart or an order sees it. */
export interface CouponInfo {
  couponId: string;
  code: string;
  promotionId: string;
  usageLimit: number | null;
  usageLimitPerCustomer: number | null;
}

/**
 * The promotions that may apply to a cart now: automatic ones (no coupon) plus those of the entered
 * coupon codes that exist, are active and in their dates. Fixed-amount promotions of another currency
 * are left out. Returns them with the coupons found and the problem of each code that is not usable.
 */
export async function promotionsFor(
  db: Db,
  input: { couponCodes: string[]; currency: string; customerKey: string | null; now?: Date },
): Promise<{ promotions: Promotion[]; coupons: CouponInfo[]; problems: Map<string, CouponProblem> }> {
  const now = input.now ?? new Date();
  const codes = input.couponCodes.map(normaliseCouponCode);
  // Active automatic promotions change rarely: cached a few seconds, filtered by date and currency here.
  const automatic = await shopCached(db, "promotions", "automatic", () =>
    db
      .select()
      .from(promotions)
      .where(and(eq(promotions.isActive, true), eq(promotions.requiresCoupon, false))),
  );
  const result = automatic
    .filter(
      (r) =>
        (r.currency === null || r.currency === input.currency) &&
        (r.startsAt === null || r.startsAt <= now) &&
        (r.endsAt === null || r.endsAt > now),
    )
    .map((r) => toPromotion(r, null));
  const coupons: CouponInfo[] = [];
  const problems = new Map<string, CouponProblem>();
  if (codes.length) {
    const rows = await db
      .select({ coupon: couponCodes, promotion: promotions })
      .from(couponCodes)
      .innerJoin(promotions, eq(promotions.id, couponCodes.promotionId))
      .where(inArray(couponCodes.code, codes));
    const usage = input.customerKey
      ? await db
          .select()
          .from(couponCustomerUsage)
          .where(
            and(
              eq(couponCustomerUsage.customerKey, input.customerKey),
              inArray(
                couponCustomerUsage.couponId,
                rows.map((r) => r.coupon.id),
              ),
            ),
          )
      : [];
    for (const code of codes) {
      const row = rows.find((r) => r.coupon.code === code);
      const p = row?.promotion;
      if (!row || !p?.isActive || (p.currency !== null && p.currency !== input.currency)) {
        problems.set(code, "COUPON_NOT_FOUND");
        continue;
      }
      if (p.startsAt && p.startsAt > now) {
        problems.set(code, "COUPON_NOT_STARTED");
        continue;
      }
      if (p.endsAt && p.endsAt <= now) {
        problems.set(code, "COUPON_EXPIRED");
        continue;
      }
      const used = usage.find((u) => u.couponId === row.coupon.id)?.usageCount ?? 0;
      if (
        (row.coupon.usageLimit !== null && row.coupon.usageCount >= row.coupon.usageLimit) ||
        (row.coupon.usageLimitPerCustomer !== null && used >= row.coupon.usageLimitPerCustomer)
      ) {
        problems.set(code, "COUPON_USAGE_LIMIT_REACHED");
        continue;
      }
      coupons.push({
        couponId: row.coupon.id,
        code,
        promotionId: p.id,
        usageLimit: row.coupon.usageLimit,
        usageLimitPerCustomer: row.coupon.usageLimitPerCustomer,
      });
      if (!result.some((x) => x.id === p.id)) result.push(toPromotion(p, code));
    }
  }
  return { promotions: result, coupons, problems };
}

/**
 * Records the use of coupons by an order inside the caller's transaction, enforcing the total and the
 * per-customer limits with conditional updates (the row is locked and the limit re-checked after any
 * wait, so concurrent orders can never use a coupon more often than allowed).
 * @throws CouponError COUPON_USAGE_LIMIT_REACHED when a limit is reached (the caller's transaction
 *   must roll back).
 */
export async function redeemCoupons(
  tx: Db,
  orderId: string,
  customerKey: string,
  coupons: CouponInfo[],
): Promise<void> {
  for (const coupon of [...coupons].sort((a, b) => a.couponId.localeCompare(b.couponId))) {
    const taken = await tx
      .update(couponCodes)
      .set({ usageCount: sql`${couponCodes.usageCount} + 1` })
      .where(
        and(
          eq(couponCodes.id, coupon.couponId),
          or(isNull(couponCodes.usageLimit), sql`${couponCodes.usageCount} < ${couponCodes.usageLimit}`),
        ),
      )
      .returning({ id: couponCodes.id });
    if (taken.length === 0) throw new CouponError("COUPON_USAGE_LIMIT_REACHED", coupon.code);
    const limit = coupon.usageLimitPerCustomer;
    const perCustomer = await tx
      .insert(couponCustomerUsage)
      .values({ couponId: coupon.couponId, customerKey, usageCount: 1 })
      .onConflictDoUpdate({
        target: [couponCustomerUsage.couponId, couponCustomerUsage.customerKey],
        set: { usageCount: sql`${couponCustomerUsage.usageCount} + 1` },
        setWhere: limit === null ? undefined : sql`${couponCustomerUsage.usageCount} < ${limit}`,
      })
      .returning({ usageCount: couponCustomerUsage.usageCount });
    if (perCustomer.length === 0 || (limit !== null && perCustomer[0]!.usageCount > limit)) {
      throw new CouponError("COUPON_USAGE_LIMIT_REACHED", coupon.code);
    }
    await tx.insert(couponRedemptions).values({ couponId: coupon.couponId, orderId, customerKey });
  }
}

/** Gives back an order's coupon uses (cancellation, failed payment). Idempotent. */
export async function releaseCoupons(tx: Db, orderId: string): Promise<void> {
  const released = await tx
    .update(couponRedemptions)
    .set({ releasedAt: new Date() })
    .where(and(eq(couponRedemptions.orderId, orderId), isNull(couponRedemptions.releasedAt)))
    .returning();
  for (const r of released) {
    await tx
      .update(couponCodes)
      .set({ usageCount: sql`greatest(${couponCodes.usageCount} - 1, 0)` })
      .where(eq(couponCodes.id, r.couponId));
    await tx
      .update(couponCustomerUsage)
      .set({ usageCount: sql`greatest(${couponCustomerUsage.usageCount} - 1, 0)` })
      .where(
        and(eq(couponCustomerUsage.couponId, r.couponId), eq(couponCustomerUsage.customerKey, r.customerKey)),
      );
  }
}

/** A tax rate to create or update (by `code`). */
export interface TaxRateInput {
  code: string;
  name?: string;
  countryCode: string;
  region?: string | null;
  postcodePattern?: string | null;
  rateBasisPoints: number;
  taxClass?: string;
}

/** Creates or updates tax rates by code (an update bumps its version). Rates are basis points (825 = 8.25 %). */
export async function upsertTaxRates(db: Db, rates: TaxRateInput[]): Promise<void> {
  for (const r of rates) {
    const values = {
      code: r.code,
      name: r.name ?? r.code,
      countryCode: r.countryCode.toUpperCase(),
      region: r.region ?? null,
      postcodePattern: r.postcodePattern ?? null,
      rateBasisPoints: r.rateBasisPoints,
      taxClass: r.taxClass ?? "standard",
    };
    await db
      .insert(taxRates)
      .values({ id: newId("tax"), ...values })
      .onConflictDoUpdate({
        target: taxRates.code,
        set: { ...values, version: sql`${taxRates.version} + 1` },
      });
  }
  invalidateShopCache("tax_rates");
}

/** A promotion to create or update (by `sourceKey` when given), with its coupon codes. */
export interface PromotionInput extends Omit<Promotion, "id" | "code"> {
  description?: string;
  currency?: string | null;
  requiresCoupon?: boolean;
  isActive?: boolean;
  startsAt?: Date | null;
  endsAt?: Date | null;
  sourceKey?: string | null;
  coupons?: { code: string; usageLimit?: number | null; usageLimitPerCustomer?: number | null }[];
}

/** Creates (or, by `sourceKey`, updates) a promotion and its coupon codes. Returns its id. */
export async function upsertPromotion(db: Db, input: PromotionInput): Promise<string> {
  const id = await db.transaction(async (tx) => {
    const values = {
      name: input.name,
      description: input.description ?? "",
      type: input.type,
      appliesTo: input.appliesTo,
      value: input.value,
      currency: input.currency ?? null,
      buyQuantity: input.buyQuantity,
      getQuantity: input.getQuantity,
      maxDiscountAmount: input.maxDiscountAmount ?? null,
      conditions: input.conditions,
      priority: input.priority,
      stopFurtherPromotions: input.stopFurtherPromotions,
      requiresCoupon: input.requiresCoupon ?? (input.coupons?.length ?? 0) > 0,
      isActive: input.isActive ?? true,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      sourceKey: input.sourceKey ?? null,
      updatedAt: new Date(),
    };
    let id: string;
    const existing = input.sourceKey
      ? await tx
          .select({ id: promotions.id })
          .from(promotions)
          .where(eq(promotions.sourceKey, input.sourceKey))
      : [];
    if (existing[0]) {
      id = existing[0].id;
      await tx.update(promotions).set(values).where(eq(promotions.id, id));
    } else {
      id = newId("promo");
      await tx.insert(promotions).values({ id, ...values });
    }
    for (const c of input.coupons ?? []) {
      const code = normaliseCouponCode(c.code);
      await tx
        .insert(couponCodes)
        .values({
          id: newId("cpn"),
          promotionId: id,
          code,
          usageLimit: c.usageLimit ?? null,
          usageLimitPerCustomer: c.usageLimitPerCustomer ?? null,
        })
        .onConflictDoUpdate({
          target: couponCodes.code,
          set: { usageLimit: c.usageLimit ?? null, usageLimitPerCustomer: c.usageLimitPerCustomer ?? null },
        });
    }
    return id;
  });
  invalidateShopCache("promotions");
  return id;
}
