import { asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { recordAudit } from "../audit/index.ts";
import { commissionRules, vendors } from "./vendors.schema.ts";

/** A commission rule. Amounts in minor units of the shop's currency; times ISO 8601 UTC. */
export interface CommissionRule {
  id: string;
  /** null: every vendor. */
  vendorId: string | null;
  /** null: every category. */
  categoryId: string | null;
  /** Percentage of the net line amount (subtotal less discount, before tax), in basis points: 1000 = 10 %. */
  rateBasisPoints: number;
  /** Fixed fee per unit sold, minor units. */
  fixedPerUnit: number;
  scope: "default" | "vendor" | "category" | "vendor_category";
  updatedAt: string;
}

type RuleRow = typeof commissionRules.$inferSelect;

const scopeOf = (r: { vendorId: string | null; categoryId: string | null }): CommissionRule["scope"] =>
  r.vendorId ? (r.categoryId ? "vendor_category" : "vendor") : r.categoryId ? "category" : "default";

const toRule = (r: RuleRow): CommissionRule => ({
  id: r.id,
  vendorId: r.vendorId,
  categoryId: r.categoryId,
  rateBasisPoints: r.rateBasisPoints,
  fixedPerUnit: r.fixedPerUnit,
  scope: scopeOf(r),
  updatedAt: r.updatedAt.toISOString(),
});

/** A line to price the commission of. */
export interface CommissionLine {
  vendorId: string;
  /** The product's categories, nearest first (its own, then their ancestors). */
  categoryIds: string[];
  quantity: number;
  /** Net amount: the line total less its tax (subtotal less discount, before tax), minor units. */
  netAmount: number;
}

/** A line's commission and the rule it came from, as the order line keeps it. */
export interface LineCommission {
  amount: number;
  rule: {
    ruleId: string;
    scope: CommissionRule["scope"];
    rateBasisPoints: number;
    fixedPerUnit: number;
  };
}

/**
 * The commission on each line: the most specific rule (the vendor's in one of the product's categories,
 * nearest category first > the vendor's > a category's > the platform default) applied as
 * round-half-up(net x rate / 10,000) + fixed fee x quantity, never more than the net amount. Lines
 * with no rule at all (the default deleted) pay none. Reads the rules once for all lines.
 */
export async function commissionsFor(db: Db, lines: CommissionLine[]): Promise<LineCommission[]> {
  if (!lines.length) return [];
  const vendorIds = [...new Set(lines.map((l) => l.vendorId))];
  const rows = await db
    .select()
    .from(commissionRules)
    .where(or(isNull(commissionRules.vendorId), inArray(commissionRules.vendorId, vendorIds)));
  const byKey = new Map(rows.map((r) => [`${r.vendorId ?? ""}|${r.categoryId ?? ""}`, r]));
  return lines.map((line) => {
    const rule =
      line.categoryIds.map((c) => byKey.get(`${line.vendorId}|${c}`)).find(Boolean) ??
      byKey.get(`${line.vendorId}|`) ??
      line.categoryIds.map((c) => byKey.get(`|${c}`)).find(Boolean) ??
      byKey.get("|");
    if (!rule)
      return { amount: 0, rule: { ruleId: "none", scope: "default", rateBasisPoints: 0, fixedPerUnit: 0 } };
    const net = BigInt(Math.max(0, line.netAmount));
    const percentage = (net * BigInt(rule.rateBasisPoints) + 5000n) / 10000n;
    const amount = Number(percentage) + rule.fixedPerUnit * line.quantity;
    return {
      amount: Math.min(amount, Number(net)),
      rule: {
        ruleId: rule.id,
        scope: scopeOf(rule),
        rateBasisPoints: rule.rateBasisPoints,
        fixedPerUnit: rule.fixedPerUnit,
      },
    };
  });
}

/** Every commission rule: the default first, then by vendor and category. */
export async function listCommissionRules(db: Db): Promise<CommissionRule[]> {
  const rows = await db
    .select()
    .from(commissionRules)
    .orderBy(
      sql`${commissionRules.vendorId} is not null`,
      sql`${commissionRules.categoryId} is not null`,
      asc(commissionRules.vendorId),
      asc(commissionRules.categoryId),
    );
  return rows.map(toRule);
}

/**
 * Sets the rule for a scope (creates it, or changes the one there): the platform default (no vendor,
 * no category), a vendor's, a category's, or a vendor's in a category. Applies to orders placed from
 * now on; placed orders keep the rule they were placed with. Audited.
 * @throws ValidationError naming `rateBasisPoints` (0..10,000), `fixedPerUnit` (a non-negative integer),
 *   `vendorId` (no such vendor)
 */
export async function setCommissionRule(
  db: Db,
  input: {
    vendorId: string | null;
    categoryId: string | null;
    rateBasisPoints: number;
    fixedPerUnit: number;
  },
  by: { actorId: string; ipAddress?: string | null },
): Promise<CommissionRule> {
  const errors = [];
  if (!Number.isInteger(input.rateBasisPoints) || input.rateBasisPoints < 0 || input.rateBasisPoints > 10000)
    errors.push({
      field: "rateBasisPoints",
      message: "a whole number of basis points from 0 to 10000 (100 %)",
    });
  if (!Number.isSafeInteger(input.fixedPerUnit) || input.fixedPerUnit < 0)
    errors.push({ field: "fixedPerUnit", message: "a non-negative amount in minor units" });
  if (errors.length) throw new ValidationError(errors);
  if (input.vendorId) {
    const [vendor] = await db.select({ id: vendors.id }).from(vendors).where(eq(vendors.id, input.vendorId));
    if (!vendor) throw new ValidationError([{ field: "vendorId", message: "no such vendor" }]);
  }
  // One statement: the scope's unique index (on the coalesced pair) decides create or change.
  const [raw] = await queryRows<Record<string, unknown>>(
    db,
    sql`insert into ${commissionRules} (id, vendor_id, category_id, rate_basis_points, fixed_per_unit)
      values (${newId("com")}, ${input.vendorId}, ${input.categoryId}, ${input.rateBasisPoints}, ${input.fixedPerUnit})
      on conflict (coalesce(vendor_id, ''), coalesce(category_id, '')) do update
        set rate_basis_points = excluded.rate_basis_points, fixed_per_unit = excluded.fixed_per_unit, updated_at = now()
      returning id`,
  );
  const [row] = await db
    .select()
    .from(commissionRules)
    .where(eq(commissionRules.id, String(raw!.id)));
  await recordAudit(db, {
    action: "vendor.commission_rule.set",
    actorId: by.actorId,
    targetType: "commission_rule",
    targetId: row!.id,
    ipAddress: by.ipAddress ?? null,
    metadata: { ...input },
  });
  return toRule(row!);
}

/**
 * Deletes a rule; lines it covered fall back to the next less specific rule. The platform default
 * cannot be deleted (set it to 0 instead). @throws NotFoundError (COMMISSION_RULE_NOT_FOUND);
 * ConflictError (COMMISSION_DEFAULT_KEPT)
 */
export async function deleteCommissionRule(
  db: Db,
  id: string,
  by: { actorId: string; ipAddress?: string | null },
): Promise<void> {
  const [row] = await db.select().from(commissionRules).where(eq(commissionRules.id, id));
  if (!row) throw new NotFoundError("COMMISSION_RULE_NOT_FOUND", "No such commission rule");
  if (!row.vendorId && !row.categoryId)
    throw new ConflictError(
      "COMMISSION_DEFAULT_KEPT",
      "The platform default stays; set its rate to 0 instead",
    );
  await db.delete(commissionRules).where(eq(commissionRules.id, id));
  await recordAudit(db, {
    action: "vendor.commission_rule.deleted",
    actorId: by.actorId,
    targetType: "commission_rule",
    targetId: id,
    ipAddress: by.ipAddress ?? null,
    metadata: { vendorId: row.vendorId, categoryId: row.categoryId },
  });
}
