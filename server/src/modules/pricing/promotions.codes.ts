/**
 * Coupon codes of a promotion as staff manage them: list, add, generate many at once, change limits,
 * delete an unused one, export as CSV. Codes are unique across the shop (a unique index) and stored
 * normalised like {@link normaliseCouponCode} (trimmed, upper case), so shoppers may type any case.
 */
import { randomBytes } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { and, asc, desc, eq, gt, like, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { escapeLike } from "../../platform/keyset.ts";
import { couponCodes, couponRedemptions, promotions } from "./pricing.schema.ts";
import { normaliseCouponCode } from "./pricing.service.ts";

/** A coupon code as the staff API answers it. */
export interface StaffCouponCode {
  id: string;
  code: string;
  /** Uses allowed in total; null: unlimited. */
  usageLimit: number | null;
  /** Uses allowed per customer (account, or e-mail for guests); null: unlimited. */
  usageLimitPerCustomer: number | null;
  /** Uses by orders so far (cancelled orders give theirs back). */
  usageCount: number;
  createdAt: string;
}

/** A code to add, with its limits (null or absent: unlimited). */
export interface CouponCodeInput {
  code: string;
  usageLimit?: number | null;
  usageLimitPerCustomer?: number | null;
}

/**
 * The characters of generated codes: upper-case letters and digits without the look-alikes 0/O,
 * 1/I/L (31 characters, about 4.95 bits each).
 */
export const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** Most codes one generation makes. */
export const maxGeneratedCodes = 10_000;

const codePattern = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;
const prefixPattern = /^(?:[A-Z0-9][A-Z0-9_-]{0,31})?$/;
const codeCursor = /^cpn_[0-9A-Z]{26}$/;
/** Rows per INSERT statement (5 parameters each, well under PostgreSQL's 65535). */
const insertBatch = 1000;

type CouponRow = typeof couponCodes.$inferSelect;

function toStaff(row: CouponRow): StaffCouponCode {
  return {
    id: row.id,
    code: row.code,
    usageLimit: row.usageLimit,
    usageLimitPerCustomer: row.usageLimitPerCustomer,
    usageCount: row.usageCount,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * A code as stored: trimmed, upper case, 3-64 letters, digits, `-` and `_`, starting with a letter
 * or digit (so a spreadsheet never reads it as a formula).
 * @throws ValidationError naming `field`.
 */
export function checkCouponCode(text: string, field = "code"): string {
  const code = normaliseCouponCode(text);
  if (!codePattern.test(code))
    throw new ValidationError([
      {
        field,
        message:
          "must be 3 to 64 letters, digits, - or _, starting with a letter or digit (no spaces or accents)",
      },
    ]);
  return code;
}

/**
 * The promotion codes are added to, locked against concurrent deletion.
 * @throws NotFoundError (PROMOTION_NOT_FOUND); ConflictError (PROMOTION_IS_AUTOMATIC) when it applies
 *   without a code, so a code would change nothing.
 */
async function promotionForCodes(db: Db, promotionId: string): Promise<void> {
  const [row] = await db
    .select({ requiresCoupon: promotions.requiresCoupon })
    .from(promotions)
    .where(eq(promotions.id, promotionId))
    .for("update");
  if (!row) throw new NotFoundError("PROMOTION_NOT_FOUND", `No promotion ${promotionId}.`);
  if (!row.requiresCoupon)
    throw new ConflictError(
      "PROMOTION_IS_AUTOMATIC",
      "This promotion applies without a code. Make it require a coupon code first.",
    );
}

async function requirePromotion(db: Db, promotionId: string): Promise<void> {
  const [row] = await db.select({ id: promotions.id }).from(promotions).where(eq(promotions.id, promotionId));
  if (!row) throw new NotFoundError("PROMOTION_NOT_FOUND", `No promotion ${promotionId}.`);
}

/** Number of codes a promotion has. */
export async function countCouponCodes(db: Db, promotionId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(couponCodes)
    .where(eq(couponCodes.promotionId, promotionId));
  return Number(row?.n ?? 0);
}

/**
 * A promotion's codes, newest first, keyset-paged by id; `q` keeps the codes starting with it (any
 * case). `total` counts every match.
 * @throws NotFoundError (PROMOTION_NOT_FOUND); ValidationError (field `cursor`).
 */
export async function listCouponCodes(
  db: Db,
  promotionId: string,
  query: { q?: string; limit: number; cursor?: string },
): Promise<{ items: StaffCouponCode[]; nextCursor: string | null; total: number }> {
  if (query.cursor !== undefined && !codeCursor.test(query.cursor))
    throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
  await requirePromotion(db, promotionId);
  const where: SQL[] = [eq(couponCodes.promotionId, promotionId)];
  const q = query.q ? normaliseCouponCode(query.q) : "";
  if (q) where.push(like(couponCodes.code, `${escapeLike(q)}%`));
  const paged = query.cursor ? [...where, lt(couponCodes.id, query.cursor)] : where;
  const [rows, count] = await Promise.all([
    db
      .select()
      .from(couponCodes)
      .where(and(...paged))
      .orderBy(desc(couponCodes.id))
      .limit(query.limit + 1),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(couponCodes)
      .where(and(...where)),
  ]);
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(toStaff),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    total: Number(count[0]?.n ?? 0),
  };
}

/**
 * Adds codes to a promotion that requires one, all or none.
 * @param field how errors name the codes: `code` for one, `codes` for a list (`codes[2].code`).
 * @throws NotFoundError (PROMOTION_NOT_FOUND); ConflictError PROMOTION_IS_AUTOMATIC; ValidationError
 *   naming the code field (bad characters, the same code twice); 409 COUPON_CODE_TAKEN (naming the code
 *   field) when another promotion, or this one, has the code already.
 */
export async function addCouponCodes(
  db: Db,
  promotionId: string,
  inputs: CouponCodeInput[],
  field: "code" | "codes" = "code",
): Promise<StaffCouponCode[]> {
  const fieldOf = (i: number) => (field === "code" ? "code" : `codes[${i}].code`);
  const codes = inputs.map((input, i) => checkCouponCode(input.code, fieldOf(i)));
  const twice = codes.findIndex((code, i) => codes.indexOf(code) !== i);
  if (twice >= 0)
    throw new ValidationError([{ field: fieldOf(twice), message: `"${codes[twice]}" is listed twice` }]);
  if (codes.length === 0) return [];
  await promotionForCodes(db, promotionId);
  const inserted = await db
    .insert(couponCodes)
    .values(
      inputs.map((input, i) => ({
        id: newId("cpn"),
        promotionId,
        code: codes[i]!,
        usageLimit: input.usageLimit ?? null,
        usageLimitPerCustomer: input.usageLimitPerCustomer ?? null,
      })),
    )
    .onConflictDoNothing({ target: couponCodes.code })
    .returning();
  if (inserted.length < codes.length) {
    const made = new Set(inserted.map((r) => r.code));
    const i = codes.findIndex((code) => !made.has(code));
    throw new AppError(409, "COUPON_CODE_TAKEN", `The code "${codes[i]}" is already in use.`, [
      { field: fieldOf(i), message: `"${codes[i]}" is already in use (codes are unique in the shop)` },
    ]);
  }
  const order = new Map(codes.map((code, i) => [code, i]));
  return inserted.sort((a, b) => order.get(a.code)! - order.get(b.code)!).map(toStaff);
}

/** `length` random characters of {@link codeAlphabet}, unbiased (bytes >= 248 are drawn again). */
export function randomCodePart(length: number): string {
  const limit = 256 - (256 % codeAlphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += codeAlphabet[byte % codeAlphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** What a generation makes: `count` codes `prefix` + `length` random characters, with limits. */
export interface GenerateCodesInput {
  count: number;
  prefix?: string;
  length?: number;
  usageLimit?: number | null;
  usageLimitPerCustomer?: number | null;
}

/**
 * Makes `count` (1-10,000) new unique codes for a promotion in the caller's transaction: the prefix
 * (normalised like a code) followed by `length` (6-16, default 8) random characters without
 * look-alikes. Codes another promotion (or this one) already has are drawn again, so exactly `count`
 * are made; with 31^length possible endings this rarely takes a second round.
 * @returns how many were made, the promotion's code count now, and the first few new codes.
 * @throws NotFoundError; ConflictError PROMOTION_IS_AUTOMATIC; ValidationError naming `count`,
 *   `prefix` or `length`; ConflictError CODE_SPACE_EXHAUSTED when the prefix and length leave too few
 *   free codes.
 */
export async function generateCouponCodes(
  db: Db,
  promotionId: string,
  input: GenerateCodesInput,
): Promise<{ created: number; codeCount: number; sample: string[] }> {
  const prefix = normaliseCouponCode(input.prefix ?? "");
  const length = input.length ?? 8;
  const errors = [];
  if (!Number.isSafeInteger(input.count) || input.count < 1 || input.count > maxGeneratedCodes)
    errors.push({ field: "count", message: `must be a whole number from 1 to ${maxGeneratedCodes}` });
  if (!prefixPattern.test(prefix))
    errors.push({
      field: "prefix",
      message: "must be up to 32 letters, digits, - or _, starting with a letter or digit",
    });
  if (!Number.isSafeInteger(length) || length < 6 || length > 16)
    errors.push({ field: "length", message: "must be a whole number from 6 to 16" });
  if (errors.length) throw new ValidationError(errors);
  await promotionForCodes(db, promotionId);

  const made: string[] = [];
  for (let round = 0; made.length < input.count; round++) {
    if (round >= 8)
      throw new ConflictError(
        "CODE_SPACE_EXHAUSTED",
        "Too many codes with this prefix and length exist already: use a longer code or another prefix.",
      );
    const wanted = input.count - made.length;
    const batch = new Set<string>();
    while (batch.size < wanted) batch.add(prefix + randomCodePart(length));
    const candidates = [...batch];
    for (let i = 0; i < candidates.length; i += insertBatch) {
      const rows = await db
        .insert(couponCodes)
        .values(
          candidates.slice(i, i + insertBatch).map((code) => ({
            id: newId("cpn"),
            promotionId,
            code,
            usageLimit: input.usageLimit ?? null,
            usageLimitPerCustomer: input.usageLimitPerCustomer ?? null,
          })),
        )
        .onConflictDoNothing({ target: couponCodes.code })
        .returning({ code: couponCodes.code });
      made.push(...rows.map((r) => r.code));
    }
  }
  return {
    created: made.length,
    codeCount: await countCouponCodes(db, promotionId),
    sample: made.slice(0, 5),
  };
}

async function lockCode(db: Db, promotionId: string, codeId: string): Promise<CouponRow> {
  const [row] = await db
    .select()
    .from(couponCodes)
    .where(and(eq(couponCodes.id, codeId), eq(couponCodes.promotionId, promotionId)))
    .for("update");
  if (!row) throw new NotFoundError("COUPON_CODE_NOT_FOUND", `No coupon code ${codeId} in this promotion.`);
  return row;
}

/** One code of a promotion. @throws NotFoundError (COUPON_CODE_NOT_FOUND). */
export async function getCouponCode(db: Db, promotionId: string, codeId: string): Promise<StaffCouponCode> {
  const [row] = await db
    .select()
    .from(couponCodes)
    .where(and(eq(couponCodes.id, codeId), eq(couponCodes.promotionId, promotionId)));
  if (!row) throw new NotFoundError("COUPON_CODE_NOT_FOUND", `No coupon code ${codeId} in this promotion.`);
  return toStaff(row);
}

/**
 * Changes a code's limits (given fields only). A limit below the uses so far only stops further uses.
 * @throws NotFoundError (COUPON_CODE_NOT_FOUND).
 */
export async function updateCouponCode(
  db: Db,
  promotionId: string,
  codeId: string,
  patch: { usageLimit?: number | null; usageLimitPerCustomer?: number | null },
): Promise<{ before: StaffCouponCode; after: StaffCouponCode }> {
  const row = await lockCode(db, promotionId, codeId);
  const [updated] = await db
    .update(couponCodes)
    .set({
      usageLimit: patch.usageLimit !== undefined ? patch.usageLimit : row.usageLimit,
      usageLimitPerCustomer:
        patch.usageLimitPerCustomer !== undefined ? patch.usageLimitPerCustomer : row.usageLimitPerCustomer,
    })
    .where(eq(couponCodes.id, codeId))
    .returning();
  return { before: toStaff(row), after: toStaff(updated!) };
}

/**
 * Deletes a code no order ever used (a cancelled order's use counts: the code stays for history).
 * @throws NotFoundError (COUPON_CODE_NOT_FOUND); ConflictError COUPON_CODE_USED.
 */
export async function deleteCouponCode(
  db: Db,
  promotionId: string,
  codeId: string,
): Promise<StaffCouponCode> {
  const row = await lockCode(db, promotionId, codeId);
  const [used] = await db
    .select({ orderId: couponRedemptions.orderId })
    .from(couponRedemptions)
    .where(eq(couponRedemptions.couponId, codeId))
    .limit(1);
  if (used || row.usageCount > 0)
    throw new ConflictError(
      "COUPON_CODE_USED",
      `Orders used the code "${row.code}": it is kept for their history. Set a usage limit to stop further uses.`,
    );
  await db.delete(couponCodes).where(eq(couponCodes.id, codeId));
  return toStaff(row);
}

/**
 * Every code of a promotion as CSV (RFC 4180, CRLF line ends, a header row), ordered by code:
 * `code,usage_limit,usage_limit_per_customer,times_used,created_at` (empty limit: unlimited; times ISO
 * 8601 UTC). Read in pages, so large promotions do not load at once.
 * @throws NotFoundError (PROMOTION_NOT_FOUND).
 */
export async function couponCodesCsv(db: Db, promotionId: string): Promise<string> {
  await requirePromotion(db, promotionId);
  const lines: (string | number | null)[][] = [
    ["code", "usage_limit", "usage_limit_per_customer", "times_used", "created_at"],
  ];
  let after: string | null = null;
  for (;;) {
    const where = after
      ? and(eq(couponCodes.promotionId, promotionId), gt(couponCodes.code, after))
      : eq(couponCodes.promotionId, promotionId);
    const rows: CouponRow[] = await db
      .select()
      .from(couponCodes)
      .where(where)
      .orderBy(asc(couponCodes.code))
      .limit(5000);
    for (const r of rows)
      lines.push([r.code, r.usageLimit, r.usageLimitPerCustomer, r.usageCount, r.createdAt.toISOString()]);
    if (rows.length < 5000) break;
    after = rows.at(-1)!.code;
  }
  return stringify(lines, { record_delimiter: "windows" });
}
