import { and, eq, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { enqueue } from "../../platform/outbox.ts";
import {
  type WishlistBackInStockEvent,
  type WishlistPriceDroppedEvent,
  wishlistBackInStockTopic,
  wishlistPriceDroppedTopic,
} from "./wishlists.events.ts";
import { wishlistItems, wishlistWatches } from "./wishlists.schema.ts";
import { currentStates, type WishKey } from "./wishlists.service.ts";

interface WatchRow {
  user_id: string;
  product_id: string;
  variant_key: string;
  /** Null when the wished key has no watch yet (e.g. lost to a concurrent removal). */
  currency: string | null;
  wished_price: string | number | null;
  last_price: string | number | null;
  in_stock: boolean | null;
}

/** What one sweep did. */
export interface WishlistSweepResult {
  /** Wished products / variants (per customer) looked at. */
  checked: number;
  priceDrops: number;
  backInStock: number;
}

/**
 * The price-drop and back-in-stock sweep: every product or variant a customer wishes for (once,
 * whatever the number of their lists it is in) is compared with what was last seen of it
 * (`wishlist_watches`):
 * - its current price (the variant's, or the product's lowest) below both the price last seen and
 *   the price when first wished emits `wishlist.price_dropped` (old = last seen, new = current);
 * - it can be bought again after it could not emits `wishlist.back_in_stock`.
 * What is seen is recorded with a conditional update in the same transaction as the event, so each
 * drop and each restock is notified once, even with sweeps running in several processes. A price
 * that went up is recorded silently (a later drop is a new drop); so is going out of stock and a
 * change of currency. Products gone from the catalog are left alone. Watches of products no longer
 * wished are removed. Reads in batches of `batchSize` in a constant number of queries per batch.
 */
export async function sweepWishlistAlerts(
  db: Db,
  options: { batchSize?: number; now?: Date } = {},
): Promise<WishlistSweepResult> {
  const batchSize = options.batchSize ?? 500;
  const result: WishlistSweepResult = { checked: 0, priceDrops: 0, backInStock: 0 };
  let after: [string, string, string] = ["", "", ""];
  for (;;) {
    const rows = await queryRows<WatchRow>(
      db,
      sql`select k.user_id, k.product_id, k.variant_key, w.currency, w.wished_price, w.last_price, w.in_stock
        from (select distinct i.user_id, i.product_id, coalesce(i.variant_id, '') as variant_key
          from ${wishlistItems} i
          where (i.user_id, i.product_id, coalesce(i.variant_id, '')) > (${after[0]}, ${after[1]}, ${after[2]})
          order by 1, 2, 3 limit ${batchSize}) k
        left join ${wishlistWatches} w on w.user_id = k.user_id and w.product_id = k.product_id
          and w.variant_key = k.variant_key
        order by 1, 2, 3`,
    );
    if (rows.length === 0) break;
    const last = rows[rows.length - 1]!;
    after = [last.user_id, last.product_id, last.variant_key];
    result.checked += rows.length;
    const keyOfRow = (r: WatchRow): WishKey => ({
      productId: r.product_id,
      variantId: r.variant_key || null,
    });
    const states = await currentStates(db, rows.map(keyOfRow), options.now);
    for (const row of rows) {
      const key = keyOfRow(row);
      const state = states.get(`${key.productId}\u0000${row.variant_key}`);
      if (!state) continue; // gone from the catalog: nothing to tell
      const price = state.price;
      if (row.currency === null) {
        // Not watched yet: start from what it is now.
        await db
          .insert(wishlistWatches)
          .values({
            userId: row.user_id,
            productId: row.product_id,
            variantKey: row.variant_key,
            currency: price.currency,
            wishedPrice: price.amount,
            lastPrice: price.amount,
            inStock: state.inStock,
          })
          .onConflictDoNothing();
        continue;
      }
      const lastPrice = Number(row.last_price);
      const wishedPrice = Number(row.wished_price);
      const sameCurrency = row.currency === price.currency;
      if (sameCurrency && lastPrice === price.amount && row.in_stock === state.inStock) continue;
      const dropped = sameCurrency && price.amount < lastPrice && price.amount < wishedPrice;
      const restocked = state.inStock && !row.in_stock;
      const outcome = await db.transaction(async (tx) => {
        const updated = await tx
          .update(wishlistWatches)
          .set({
            currency: price.currency,
            lastPrice: price.amount,
            inStock: state.inStock,
            checkedAt: new Date(),
            ...(!sameCurrency && { wishedPrice: price.amount }),
          })
          .where(
            and(
              eq(wishlistWatches.userId, row.user_id),
              eq(wishlistWatches.productId, row.product_id),
              eq(wishlistWatches.variantKey, row.variant_key),
              eq(wishlistWatches.currency, row.currency!),
              eq(wishlistWatches.lastPrice, lastPrice),
              eq(wishlistWatches.inStock, row.in_stock!),
            ),
          )
          .returning({ userId: wishlistWatches.userId });
        // Another sweep recorded this change (and told the customer) first.
        if (updated.length === 0) return { dropped: false, restocked: false };
        if (dropped) {
          const event: WishlistPriceDroppedEvent = {
            customerId: row.user_id,
            productId: key.productId,
            variantId: key.variantId,
            oldPrice: { amount: lastPrice, currency: price.currency },
            newPrice: price,
            wishedPrice: { amount: wishedPrice, currency: price.currency },
          };
          await enqueue(tx, wishlistPriceDroppedTopic, event);
        }
        if (restocked) {
          const event: WishlistBackInStockEvent = {
            customerId: row.user_id,
            productId: key.productId,
            variantId: key.variantId,
            price,
          };
          await enqueue(tx, wishlistBackInStockTopic, event);
        }
        return { dropped, restocked };
      });
      if (outcome.dropped) result.priceDrops++;
      if (outcome.restocked) result.backInStock++;
    }
    if (rows.length < batchSize) break;
  }
  await db.execute(sql`delete from ${wishlistWatches} w where not exists (select 1 from ${wishlistItems} i
    where i.user_id = w.user_id and i.product_id = w.product_id and coalesce(i.variant_id, '') = w.variant_key)`);
  return result;
}
