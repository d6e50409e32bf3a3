import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { purchasableVariantCondition } from "../inventory/index.ts";
import { productStockChanges, products, variants } from "./catalog.schema.ts";

/**
 * Brings `products.sellable` up to date: drains `product_stock_changes` (products noted by the triggers
 * of migration 0024 when a stock level's sellability flipped, a variant moved or went, or a stock
 * location was switched on or off) and recomputes the flag of those products only, in one statement.
 * Concurrent calls are safe: a row is drained by one of them; a change committed after the statement's
 * snapshot stays for the next call. Run before every staff list read filtered by stock, and every
 * minute by the `catalog-sellable-flags` job.
 * @returns how many products changed their flag.
 */
export async function refreshSellableFlags(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with drained as (delete from ${productStockChanges} returning product_id),
      noted as (select distinct product_id from drained),
      fresh as (
        select noted.product_id, exists (select 1 from ${variants} v
          where v.product_id = noted.product_id and ${purchasableVariantCondition(sql`v.id`)}) as sellable
        from noted),
      changed as (
        update ${products} p set sellable = fresh.sellable from fresh
        where p.id = fresh.product_id and p.sellable is distinct from fresh.sellable
        returning p.id)
      select count(*)::int as n from changed`,
  );
  return Number(rows[0]?.n ?? 0);
}
