/**
 * Promotions as staff manage them: the list (status, search, keyset pages), one promotion with its
 * usage, and create / change / pause / resume / delete-or-end. Rule types and conditions are exactly
 * the ones the cart price calculator applies (pricing.calculator.ts); anything else is refused with a
 * 400 naming the field. Functions take the caller's transaction (or the database) first; the routes
 * audit and invalidate the shop cache.
 */
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { escapeLike } from "../../platform/keyset.ts";
import { isCurrencyCode } from "../../platform/money.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { productSearchSources, searchCategories, variantIdsBySku } from "../catalog/index.ts";
import { customerGroupNames } from "../customers/index.ts";
import type { PromotionConditions, PromotionType } from "./pricing.calculator.ts";
import { couponCodes, couponRedemptions, promotions } from "./pricing.schema.ts";

/** Where a promotion stands now. `expired` wins over `paused`. */
export type PromotionStatus = "active" | "scheduled" | "expired" | "paused";

/** Conditions with every key present (empty lists, null minimum). */
export interface StaffPromotionConditions {
  /** Minor units; the cart subtotal before discounts must reach it. */
  minSubtotal: number | null;
  productIds: string[];
  skus: string[];
  categoryIds: string[];
  excludeOnSale: boolean;
  excludeCategoryIds: string[];
  /** Customer groups (any of them) whose signed-in members get it; empty: everyone. */
  customerGroupIds: string[];
}

/** A promotion as the staff API answers it. Amounts minor units of `currency`; times ISO 8601 UTC. */
export interface StaffPromotion {
  id: string;
  name: string;
  description: string;
  type: PromotionType;
  appliesTo: "order" | "each_item";
  /** Basis points (percentage, buy_x_get_y), minor units (fixed), 0 (free_shipping). */
  value: number;
  currency: string | null;
  buyQuantity: number;
  getQuantity: number;
  maxDiscountAmount: number | null;
  conditions: StaffPromotionConditions;
  priority: number;
  stopFurtherPromotions: boolean;
  requiresCoupon: boolean;
  isActive: boolean;
  startsAt: string | null;
  endsAt: string | null;
  status: PromotionStatus;
  codeCount: number;
  /** Coupon uses by orders not cancelled. */
  redemptions: number;
  sourceKey: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What may be set on a promotion (create: `name` and `type` required). Times ISO 8601. */
export interface PromotionChanges {
  name?: string;
  description?: string;
  type?: PromotionType;
  appliesTo?: "order" | "each_item";
  value?: number;
  currency?: string | null;
  buyQuantity?: number;
  getQuantity?: number;
  maxDiscountAmount?: number | null;
  conditions?: Partial<Omit<StaffPromotionConditions, "minSubtotal">> & { minSubtotal?: number | null };
  priority?: number;
  stopFurtherPromotions?: boolean;
  requiresCoupon?: boolean;
  isActive?: boolean;
  startsAt?: string | null;
  endsAt?: string | null;
}

/**
 * What the promotion screens need from where orders are kept: the orders a promotion was applied to
 * and the discount it gave, per currency. The pricing module records coupon uses only; the order
 * snapshots (with each applied promotion's amount) belong to the orders module, which implements this.
 */
export interface PromotionOrderStats {
  /** Orders not cancelled whose applied promotions include `promotionId`, and its discount on them. */
  promotionUsage(
    db: Db,
    promotionId: string,
  ): Promise<{ orders: number; discountTotals: { currency: string; amount: number }[] }>;
}

/** The usage figures of one promotion. */
export interface PromotionUsage {
  redemptions: number;
  orders: number;
  /** Null when no {@link PromotionOrderStats} is wired (only coupon uses are known then). */
  discountTotals: { currency: string; amount: number }[] | null;
  recentRedemptions: { orderId: string; code: string; redeemedAt: string; released: boolean }[];
}

type PromotionRow = typeof promotions.$inferSelect;

const PROMOTION_TYPES: readonly PromotionType[] = ["percentage", "fixed", "buy_x_get_y", "free_shipping"];
const FULL_BP = 10_000;

/** Where a promotion stands at `now`. */
export function promotionStatus(
  row: { isActive: boolean; startsAt: Date | null; endsAt: Date | null },
  now: Date,
): PromotionStatus {
  if (row.endsAt && row.endsAt <= now) return "expired";
  if (!row.isActive) return "paused";
  if (row.startsAt && row.startsAt > now) return "scheduled";
  return "active";
}

function statusCondition(status: PromotionStatus, now: Date): SQL {
  const notEnded = sql`(${promotions.endsAt} is null or ${promotions.endsAt} > ${now})`;
  switch (status) {
    case "expired":
      return sql`(${promotions.endsAt} is not null and ${promotions.endsAt} <= ${now})`;
    case "paused":
      return sql`(${notEnded} and not ${promotions.isActive})`;
    case "scheduled":
      return sql`(${notEnded} and ${promotions.isActive} and ${promotions.startsAt} > ${now})`;
    case "active":
      return sql`(${notEnded} and ${promotions.isActive} and (${promotions.startsAt} is null or ${promotions.startsAt} <= ${now}))`;
  }
}

function conditionsOf(c: PromotionConditions): StaffPromotionConditions {
  return {
    minSubtotal: c.minSubtotal ?? null,
    productIds: c.productIds ?? [],
    skus: c.skus ?? [],
    categoryIds: c.categoryIds ?? [],
    excludeOnSale: c.excludeOnSale === true,
    excludeCategoryIds: c.excludeCategoryIds ?? [],
    customerGroupIds: c.customerGroupIds ?? [],
  };
}

/** The stored form: only the conditions that say something (the calculator treats absent as none). */
function storedConditions(c: StaffPromotionConditions): PromotionConditions {
  const out: PromotionConditions = {};
  if (c.minSubtotal !== null) out.minSubtotal = c.minSubtotal;
  if (c.productIds.length) out.productIds = c.productIds;
  if (c.skus.length) out.skus = c.skus;
  if (c.categoryIds.length) out.categoryIds = c.categoryIds;
  if (c.excludeOnSale) out.excludeOnSale = true;
  if (c.excludeCategoryIds.length) out.excludeCategoryIds = c.excludeCategoryIds;
  if (c.customerGroupIds.length) out.customerGroupIds = c.customerGroupIds;
  return out;
}

/** The outer row's id inside a correlated subquery (a bare column would name the subquery's own `id`). */
const outerId = sql.raw('"promotions"."id"');
const codeCountSql = sql<number>`(select count(*)::int from ${couponCodes} c where c.promotion_id = ${outerId})`;
const redemptionsSql = sql<number>`(select coalesce(sum(c.usage_count), 0)::int from ${couponCodes} c where c.promotion_id = ${outerId})`;

function toStaff(row: PromotionRow, codeCount: number, redemptions: number, now: Date): StaffPromotion {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type,
    appliesTo: row.appliesTo,
    value: row.value,
    currency: row.currency,
    buyQuantity: row.buyQuantity,
    getQuantity: row.getQuantity,
    maxDiscountAmount: row.maxDiscountAmount,
    conditions: conditionsOf(row.conditions),
    priority: row.priority,
    stopFurtherPromotions: row.stopFurtherPromotions,
    requiresCoupon: row.requiresCoupon,
    isActive: row.isActive,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    status: promotionStatus(row, now),
    codeCount: Number(codeCount),
    redemptions: Number(redemptions),
    sourceKey: row.sourceKey,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const promotionCursor = /^promo_[0-9A-Z]{26}$/;

/** Filters of the staff promotion list. */
export interface PromotionListQuery {
  /** Words of the name (all of them), or the start of one of its codes (any case). */
  q?: string;
  status?: PromotionStatus;
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * The staff promotion list, newest first, keyset-paged by id (ids sort by creation time), with the
 * number of codes and coupon uses of each. `total` counts every match.
 * @throws ValidationError (field `cursor`) for a cursor this API did not return.
 */
export async function listPromotionsForStaff(
  db: Db,
  query: PromotionListQuery,
  now = new Date(),
): Promise<{ items: StaffPromotion[]; nextCursor: string | null; total: number }> {
  if (query.cursor !== undefined && !promotionCursor.test(query.cursor))
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  const where: SQL[] = [];
  const q = query.q?.trim();
  if (q) {
    const words = q.split(/\s+/).slice(0, 8);
    const name = sql.join(
      words.map((w) => sql`${promotions.name} ilike ${`%${escapeLike(w)}%`}`),
      sql` and `,
    );
    const code = `${escapeLike(q.toUpperCase())}%`;
    where.push(
      sql`((${name}) or exists (select 1 from ${couponCodes} c where c.promotion_id = ${outerId} and c.code like ${code}))`,
    );
  }
  if (query.status) where.push(statusCondition(query.status, now));
  const paged = query.cursor ? [...where, lt(promotions.id, query.cursor)] : where;
  const [rows, count] = await Promise.all([
    db
      .select({ row: promotions, codeCount: codeCountSql, redemptions: redemptionsSql })
      .from(promotions)
      .where(paged.length ? and(...paged) : undefined)
      .orderBy(desc(promotions.id))
      .limit(query.limit + 1),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(promotions)
      .where(where.length ? and(...where) : undefined),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((r) => toStaff(r.row, r.codeCount, r.redemptions, now)),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.row.id ?? null) : null,
    total: Number(count[0]?.total ?? 0),
  };
}

/** One promotion for staff. @throws NotFoundError (PROMOTION_NOT_FOUND). */
export async function getPromotionForStaff(db: Db, id: string, now = new Date()): Promise<StaffPromotion> {
  const [found] = await db
    .select({ row: promotions, codeCount: codeCountSql, redemptions: redemptionsSql })
    .from(promotions)
    .where(eq(promotions.id, id));
  if (!found) throw new NotFoundError("PROMOTION_NOT_FOUND", `No promotion ${id}.`);
  return toStaff(found.row, found.codeCount, found.redemptions, now);
}

/** The products of a promotion's product condition, as { id, sku, name } (unknown ids left out). */
export async function promotionProducts(
  db: Db,
  productIds: string[],
): Promise<{ id: string; sku: string; name: string }[]> {
  if (productIds.length === 0) return [];
  const found = new Map(
    (await productSearchSources(db, { ids: productIds })).map((p) => [
      p.id,
      { id: p.id, sku: p.sku, name: p.name },
    ]),
  );
  return productIds.flatMap((id) => found.get(id) ?? []);
}

/**
 * Coupon uses of a promotion (from the coupon redemptions this module keeps) and, through `stats`,
 * the orders it was applied to and the discount it gave per currency.
 * @param stats from the orders module; without it `orders` counts the orders that used a code and
 *   `discountTotals` is null.
 */
export async function promotionUsage(
  db: Db,
  promotionId: string,
  stats?: PromotionOrderStats,
): Promise<PromotionUsage> {
  const [counts] = await db
    .select({
      redemptions: sql<number>`count(*) filter (where ${couponRedemptions.releasedAt} is null)::int`,
      orders: sql<number>`count(distinct ${couponRedemptions.orderId}) filter (where ${couponRedemptions.releasedAt} is null)::int`,
    })
    .from(couponRedemptions)
    .innerJoin(couponCodes, eq(couponCodes.id, couponRedemptions.couponId))
    .where(eq(couponCodes.promotionId, promotionId));
  const recent = await db
    .select({
      orderId: couponRedemptions.orderId,
      code: couponCodes.code,
      createdAt: couponRedemptions.createdAt,
      releasedAt: couponRedemptions.releasedAt,
    })
    .from(couponRedemptions)
    .innerJoin(couponCodes, eq(couponCodes.id, couponRedemptions.couponId))
    .where(eq(couponCodes.promotionId, promotionId))
    .orderBy(desc(couponRedemptions.createdAt), desc(couponRedemptions.orderId))
    .limit(10);
  const fromOrders = stats ? await stats.promotionUsage(db, promotionId) : null;
  return {
    redemptions: Number(counts?.redemptions ?? 0),
    orders: fromOrders ? fromOrders.orders : Number(counts?.orders ?? 0),
    discountTotals: fromOrders
      ? [...fromOrders.discountTotals].sort((a, b) => a.currency.localeCompare(b.currency))
      : null,
    recentRedemptions: recent.map((r) => ({
      orderId: r.orderId,
      code: r.code,
      redeemedAt: r.createdAt.toISOString(),
      released: r.releasedAt !== null,
    })),
  };
}

/** The editable fields of a promotion, as stored. */
interface Editable {
  name: string;
  description: string;
  type: PromotionType;
  appliesTo: "order" | "each_item";
  value: number;
  currency: string | null;
  buyQuantity: number;
  getQuantity: number;
  maxDiscountAmount: number | null;
  conditions: StaffPromotionConditions;
  priority: number;
  stopFurtherPromotions: boolean;
  requiresCoupon: boolean;
  isActive: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
}

function editableOf(row: PromotionRow): Editable {
  return {
    name: row.name,
    description: row.description,
    type: row.type,
    appliesTo: row.appliesTo,
    value: row.value,
    currency: row.currency,
    buyQuantity: row.buyQuantity,
    getQuantity: row.getQuantity,
    maxDiscountAmount: row.maxDiscountAmount,
    conditions: conditionsOf(row.conditions),
    priority: row.priority,
    stopFurtherPromotions: row.stopFurtherPromotions,
    requiresCoupon: row.requiresCoupon,
    isActive: row.isActive,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
  };
}

const unique = (list: string[]) => [...new Set(list.map((s) => s.trim()).filter(Boolean))];

function parseTime(value: string | null | undefined, field: string, errors: FieldError[]): Date | null {
  if (value === null || value === undefined) return null;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    errors.push({ field, message: "must be an ISO 8601 date and time" });
    return null;
  }
  return time;
}

/**
 * Applies `changes` to `before` (null: a new promotion) and checks the result against the rules the
 * calculator applies. Values a type does not use are reset (free shipping has no value, only buy X get
 * Y has quantities, only fixed amounts tell `order` from `each_item`). Products, SKUs and categories
 * newly named must exist.
 * @throws ValidationError listing every bad field (named as in the request body).
 */
async function resolve(db: Db, before: Editable | null, changes: PromotionChanges): Promise<Editable> {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  const name = (changes.name ?? before?.name ?? "").trim();
  if (!name) add("name", "is required");
  const type = changes.type ?? before?.type;
  if (!type || !PROMOTION_TYPES.includes(type)) {
    add("type", `must be one of ${PROMOTION_TYPES.join(", ")}`);
    throw new ValidationError(errors);
  }
  const typeChanged = before !== null && before.type !== type;

  // The value: its unit depends on the type, so a new type needs its own value.
  let value: number;
  if (type === "free_shipping") value = 0;
  else if (changes.value !== undefined) value = changes.value;
  else if (before && !typeChanged) value = before.value;
  else if (type === "buy_x_get_y") value = FULL_BP;
  else {
    value = 0;
    add(
      "value",
      type === "percentage"
        ? "is required: the percentage in basis points (1500 = 15 %)"
        : "is required: the amount off in minor units of the currency",
    );
  }
  if (type === "percentage" && errors.every((e) => e.field !== "value")) {
    if (!Number.isSafeInteger(value) || value < 1 || value > FULL_BP)
      add("value", "must be a percentage between 1 and 10000 basis points (0.01 % to 100 %)");
  }
  if (type === "buy_x_get_y" && (!Number.isSafeInteger(value) || value < 1 || value > FULL_BP))
    add("value", "must be the discount on the free units, 1 to 10000 basis points (10000 = free)");
  if (type === "fixed" && errors.every((e) => e.field !== "value")) {
    if (!Number.isSafeInteger(value) || value < 1)
      add("value", "must be an amount of at least 1 in minor units of the currency");
  }

  let currency = changes.currency !== undefined ? changes.currency : (before?.currency ?? null);
  if (currency !== null) {
    currency = currency.trim().toUpperCase();
    if (!isCurrencyCode(currency)) add("currency", "must be an ISO 4217 currency code such as USD");
  }
  if (type === "fixed" && currency === null)
    add("currency", "is required for a fixed amount: the currency of the amount");

  const appliesTo = type === "fixed" ? (changes.appliesTo ?? before?.appliesTo ?? "order") : "order";

  let buyQuantity = 0;
  let getQuantity = 0;
  if (type === "buy_x_get_y") {
    buyQuantity = changes.buyQuantity ?? (typeChanged ? 0 : (before?.buyQuantity ?? 0));
    getQuantity = changes.getQuantity ?? (typeChanged ? 0 : (before?.getQuantity ?? 0));
    if (!Number.isSafeInteger(buyQuantity) || buyQuantity < 1)
      add("buyQuantity", "must be a whole number of at least 1: the units to buy");
    if (!Number.isSafeInteger(getQuantity) || getQuantity < 1)
      add("getQuantity", "must be a whole number of at least 1: the units discounted");
  }

  const maxDiscountAmount =
    type === "free_shipping"
      ? null
      : changes.maxDiscountAmount !== undefined
        ? changes.maxDiscountAmount
        : (before?.maxDiscountAmount ?? null);
  if (maxDiscountAmount !== null && (!Number.isSafeInteger(maxDiscountAmount) || maxDiscountAmount < 1))
    add("maxDiscountAmount", "must be null or an amount of at least 1 in minor units");

  // Conditions: given keys replace the stored ones.
  const c = changes.conditions ?? {};
  const old = before?.conditions;
  const conditions: StaffPromotionConditions = {
    minSubtotal: c.minSubtotal !== undefined ? c.minSubtotal : (old?.minSubtotal ?? null),
    productIds: unique(c.productIds ?? old?.productIds ?? []),
    skus: unique(c.skus ?? old?.skus ?? []),
    categoryIds: unique(c.categoryIds ?? old?.categoryIds ?? []),
    excludeOnSale: c.excludeOnSale ?? old?.excludeOnSale ?? false,
    excludeCategoryIds: unique(c.excludeCategoryIds ?? old?.excludeCategoryIds ?? []),
    customerGroupIds: unique(c.customerGroupIds ?? old?.customerGroupIds ?? []),
  };
  if (
    conditions.minSubtotal !== null &&
    (!Number.isSafeInteger(conditions.minSubtotal) || conditions.minSubtotal < 0)
  )
    add("conditions.minSubtotal", "must be null or a non-negative amount in minor units");
  const added = (list: string[], previous: string[] | undefined) =>
    list.filter((x) => !(previous ?? []).includes(x));
  const newProducts = added(conditions.productIds, old?.productIds);
  if (newProducts.length) {
    const known = new Set((await productSearchSources(db, { ids: newProducts })).map((p) => p.id));
    const missing = newProducts.filter((id) => !known.has(id));
    if (missing.length) add("conditions.productIds", `unknown products: ${missing.slice(0, 5).join(", ")}`);
  }
  const newSkus = added(conditions.skus, old?.skus);
  if (newSkus.length) {
    const known = await variantIdsBySku(db, newSkus);
    const missing = newSkus.filter((s) => !known.has(s));
    if (missing.length) add("conditions.skus", `unknown SKUs: ${missing.slice(0, 5).join(", ")}`);
  }
  const newCategories = [
    ...added(conditions.categoryIds, old?.categoryIds),
    ...added(conditions.excludeCategoryIds, old?.excludeCategoryIds),
  ];
  if (newCategories.length) {
    const known = new Set((await searchCategories(db)).map((cat) => cat.id));
    for (const field of ["categoryIds", "excludeCategoryIds"] as const) {
      const missing = added(conditions[field], old?.[field]).filter((id) => !known.has(id));
      if (missing.length) add(`conditions.${field}`, `unknown categories: ${missing.slice(0, 5).join(", ")}`);
    }
  }
  if (c.customerGroupIds) {
    // Every group named must exist: a promotion for a group nobody can join would never apply.
    const given = c.customerGroupIds.map((id) => id.trim());
    const known = await customerGroupNames(db, given);
    given.forEach((id, i) => {
      if (!known.has(id)) add(`conditions.customerGroupIds[${i}]`, `no customer group ${id}`);
    });
  }
  const overlap = conditions.categoryIds.filter((id) => conditions.excludeCategoryIds.includes(id));
  if (overlap.length) add("conditions.excludeCategoryIds", "a category cannot be both included and excluded");

  const startsAt =
    changes.startsAt !== undefined
      ? parseTime(changes.startsAt, "startsAt", errors)
      : (before?.startsAt ?? null);
  const endsAt =
    changes.endsAt !== undefined ? parseTime(changes.endsAt, "endsAt", errors) : (before?.endsAt ?? null);
  if (startsAt && endsAt && endsAt <= startsAt) add("endsAt", "must be after startsAt");

  if (errors.length) throw new ValidationError(errors);
  return {
    name,
    description: (changes.description ?? before?.description ?? "").trim(),
    type,
    appliesTo,
    value,
    currency,
    buyQuantity,
    getQuantity,
    maxDiscountAmount,
    conditions,
    priority: changes.priority ?? before?.priority ?? 0,
    stopFurtherPromotions: changes.stopFurtherPromotions ?? before?.stopFurtherPromotions ?? false,
    requiresCoupon: changes.requiresCoupon ?? before?.requiresCoupon ?? false,
    isActive: changes.isActive ?? before?.isActive ?? true,
    startsAt,
    endsAt,
  };
}

function columnsOf(e: Editable) {
  return { ...e, conditions: storedConditions(e.conditions) };
}

/**
 * Creates a promotion (active unless `isActive` is false; automatic unless `requiresCoupon`).
 * @returns its id.
 * @throws ValidationError naming the field: see {@link updatePromotion}.
 */
export async function createPromotion(
  db: Db,
  input: PromotionChanges & { name: string; type: PromotionType },
): Promise<string> {
  const values = await resolve(db, null, input);
  const id = newId("promo");
  await db.insert(promotions).values({ id, ...columnsOf(values) });
  return id;
}

/** Locks a promotion row for a change. @throws NotFoundError; StaleVersionError (409). */
async function lockPromotion(db: Db, id: string, expectedVersion: number | undefined): Promise<PromotionRow> {
  const [row] = await db.select().from(promotions).where(eq(promotions.id, id)).for("update");
  if (!row) throw new NotFoundError("PROMOTION_NOT_FOUND", `No promotion ${id}.`);
  assertVersion("promotion", row.version, expectedVersion);
  return row;
}

/**
 * Changes a promotion (only the given fields; `conditions` keys given replace the stored ones) and
 * bumps its version.
 * @throws NotFoundError (PROMOTION_NOT_FOUND); StaleVersionError (409 STALE_VERSION) when
 *   `expectedVersion` is not the stored one; ValidationError naming the field: a percentage outside 1-10000
 *   basis points, a fixed amount without a currency or below 1, a buy X get Y without quantities >= 1,
 *   an unknown currency, product, SKU or category, `endsAt` not after `startsAt`, a new type without
 *   its `value`.
 */
export async function updatePromotion(
  db: Db,
  id: string,
  changes: PromotionChanges,
  expectedVersion?: number,
): Promise<void> {
  const row = await lockPromotion(db, id, expectedVersion);
  const values = await resolve(db, editableOf(row), changes);
  await db
    .update(promotions)
    .set({ ...columnsOf(values), version: row.version + 1, updatedAt: new Date() })
    .where(eq(promotions.id, id));
}

/**
 * Pauses (`active` false) or resumes a promotion and bumps its version; nothing else changes. A
 * promotion already in that state is left alone (its version too).
 * @returns whether it changed. @throws NotFoundError; StaleVersionError (409).
 */
export async function setPromotionActive(
  db: Db,
  id: string,
  active: boolean,
  expectedVersion?: number,
): Promise<boolean> {
  const row = await lockPromotion(db, id, expectedVersion);
  if (row.isActive === active) return false;
  await db
    .update(promotions)
    .set({ isActive: active, version: row.version + 1, updatedAt: new Date() })
    .where(eq(promotions.id, id));
  return true;
}

/**
 * Deletes a promotion and its codes, unless one of its codes was ever used by an order (cancelled
 * ones included): then it is ended instead (`endsAt` = now, kept for history and reports).
 * @returns what happened. @throws NotFoundError; StaleVersionError (409).
 */
export async function deletePromotion(
  db: Db,
  id: string,
  expectedVersion?: number,
  now = new Date(),
): Promise<{ deleted: boolean; ended: boolean }> {
  const row = await lockPromotion(db, id, expectedVersion);
  const [used] = await db
    .select({ orderId: couponRedemptions.orderId })
    .from(couponRedemptions)
    .innerJoin(couponCodes, eq(couponCodes.id, couponRedemptions.couponId))
    .where(eq(couponCodes.promotionId, id))
    .limit(1);
  if (!used) {
    await db.delete(promotions).where(eq(promotions.id, id));
    return { deleted: true, ended: false };
  }
  const endsAt = row.endsAt && row.endsAt <= now ? row.endsAt : now;
  await db
    .update(promotions)
    .set({
      endsAt,
      // A start still ahead would leave the end before it.
      startsAt: row.startsAt && row.startsAt > endsAt ? endsAt : row.startsAt,
      version: row.version + 1,
      updatedAt: now,
    })
    .where(eq(promotions.id, id));
  return { deleted: false, ended: true };
}

/** The customer groups of a promotion's group condition, as { id, name } (unknown ids left out). */
export async function promotionCustomerGroups(
  db: Db,
  ids: string[],
): Promise<{ id: string; name: string }[]> {
  const names = await customerGroupNames(db, ids);
  return ids.flatMap((id) => {
    const name = names.get(id);
    return name === undefined ? [] : [{ id, name }];
  });
}

/** True when the promotion exists. */
export async function promotionExists(db: Db, id: string): Promise<boolean> {
  const rows = await db.select({ id: promotions.id }).from(promotions).where(eq(promotions.id, id));
  return rows.length > 0;
}
