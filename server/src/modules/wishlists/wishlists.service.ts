import { createHash, randomBytes } from "node:crypto";
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { queryRows } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { getProductBySlug, getSaleVariants, type ProductSummaryDto, summarize } from "../catalog/index.ts";
import { getAvailability } from "../inventory/index.ts";
import { wishlistItems, wishlists, wishlistWatches } from "./wishlists.schema.ts";
import type {
  MergeResultDto,
  SharedWishlistDto,
  WishlistDto,
  WishlistItemDto,
  WishlistPreviewItemDto,
  WishlistSummaryDto,
} from "./wishlists.types.ts";

export type WishlistRow = typeof wishlists.$inferSelect;
export type WishlistItemRow = typeof wishlistItems.$inferSelect;

/** Title of the list created by a customer's first "Add to wishlist". */
export const defaultWishlistTitle = "My wishlist";
/** Lists per customer and items per list. */
export const wishlistLimits = { lists: 20, itemsPerList: 500 } as const;

/** What a wished product or variant is. `variantId` null: the product as a whole. */
export interface WishKey {
  productId: string;
  variantId: string | null;
}

/** SHA-256 (hex) of a share token: what the database keeps. */
export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const keyOf = (k: WishKey) => `${k.productId}\u0000${k.variantId ?? ""}`;

// ---------------------------------------------------------------------------------------------------
// What wished products are now (catalog and inventory, through their modules' exports)

/** A wished product or variant as it is now. Prices in minor units. */
export interface WishState {
  product: ProductSummaryDto;
  variant: { id: string; sku: string; title: string; options: Record<string, string> } | null;
  /** The variant's current price, or the product's lowest current price. */
  price: { amount: number; currency: string };
  /** The variant (or any variant of the product) can be bought now. */
  inStock: boolean;
}

/**
 * Current card data, price and stock of wished products / variants, keyed by `keyOf`, in a constant
 * number of queries (product summaries, sale variants, availability). Unknown products, and variants
 * that do not exist or belong to another product, are absent.
 */
export async function currentStates(
  db: Db,
  keys: WishKey[],
  now = new Date(),
): Promise<Map<string, WishState>> {
  const result = new Map<string, WishState>();
  if (keys.length === 0) return result;
  const productIds = [...new Set(keys.map((k) => k.productId))];
  const variantIds = [...new Set(keys.flatMap((k) => (k.variantId ? [k.variantId] : [])))];
  const [summaries, sale, stock] = await Promise.all([
    summarize(db, productIds, now),
    getSaleVariants(db, variantIds, now),
    getAvailability(db, variantIds),
  ]);
  for (const k of keys) {
    const product = summaries.get(k.productId);
    if (!product) continue;
    if (k.variantId === null) {
      result.set(keyOf(k), { product, variant: null, price: product.price, inStock: product.inStock });
      continue;
    }
    const v = sale.get(k.variantId);
    if (!v || v.productId !== k.productId) continue;
    result.set(keyOf(k), {
      product,
      variant: { id: v.variantId, sku: v.sku, title: v.variantTitle, options: v.options },
      price: { amount: v.unitPrice, currency: v.currency },
      inStock: v.isSellable && (v.isDigital || (stock.get(v.variantId)?.purchasable ?? false)),
    });
  }
  return result;
}

function itemDto(row: WishlistItemRow, state: WishState | undefined): WishlistItemDto {
  const current = state?.price ?? null;
  return {
    id: row.id,
    productId: row.productId,
    variantId: row.variantId,
    addedAt: row.addedAt.toISOString(),
    priceWhenAdded: { amount: row.priceAmount, currency: row.currency },
    currentPrice: current,
    priceDropped: current !== null && current.currency === row.currency && current.amount < row.priceAmount,
    inStock: state?.inStock ?? false,
    product: state?.product ?? null,
    variant: state?.variant ?? null,
  };
}

async function itemDtos(db: Db, rows: WishlistItemRow[]): Promise<WishlistItemDto[]> {
  const states = await currentStates(db, rows);
  return rows.map((row) => itemDto(row, states.get(keyOf(row))));
}

// ---------------------------------------------------------------------------------------------------
// Lists

function summaryDto(row: WishlistRow, itemCount: number): WishlistSummaryDto {
  return {
    id: row.id,
    title: row.title,
    isDefault: row.isDefault,
    itemCount,
    shared: row.shareTokenHash !== null,
    sharedAt: row.sharedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function notFound(): NotFoundError {
  return new NotFoundError("WISHLIST_NOT_FOUND", "There is no such wishlist.");
}

function checkTitle(title: string): string {
  const value = title.trim();
  if (value.length === 0 || value.length > 100) {
    throw new ValidationError([{ field: "title", message: "must be 1 to 100 characters" }]);
  }
  return value;
}

/** The customer's default list, created ("My wishlist") when they have none. */
async function ensureDefaultList(db: Db, userId: string): Promise<WishlistRow> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [found] = await db
      .select()
      .from(wishlists)
      .where(and(eq(wishlists.userId, userId), eq(wishlists.isDefault, true)));
    if (found) return found;
    // Concurrent first adds: the partial unique index lets one insert win; the others read it.
    const [created] = await db
      .insert(wishlists)
      .values({ id: newId("wl"), userId, title: defaultWishlistTitle, isDefault: true })
      .onConflictDoNothing()
      .returning();
    if (created) return created;
  }
  throw new Error("could not create the default wishlist");
}

/**
 * One of the customer's lists by id, or their default list for `"default"` (created when `create`).
 * @throws NotFoundError WISHLIST_NOT_FOUND: no such list of this customer (another customer's list
 *   answers the same).
 */
export async function resolveList(db: Db, userId: string, ref: string, create = false): Promise<WishlistRow> {
  if (ref === "default") {
    if (create) return ensureDefaultList(db, userId);
    const [found] = await db
      .select()
      .from(wishlists)
      .where(and(eq(wishlists.userId, userId), eq(wishlists.isDefault, true)));
    if (!found) throw notFound();
    return found;
  }
  const [found] = await db
    .select()
    .from(wishlists)
    .where(and(eq(wishlists.id, ref), eq(wishlists.userId, userId)));
  if (!found) throw notFound();
  return found;
}

async function itemRows(db: Db, wishlistId: string): Promise<WishlistItemRow[]> {
  return db
    .select()
    .from(wishlistItems)
    .where(eq(wishlistItems.wishlistId, wishlistId))
    .orderBy(desc(wishlistItems.addedAt), desc(wishlistItems.id));
}

async function detail(db: Db, list: WishlistRow): Promise<WishlistDto> {
  const rows = await itemRows(db, list.id);
  return { ...summaryDto(list, rows.length), items: await itemDtos(db, rows) };
}

/** The customer's lists (default first, then oldest first), with item counts. */
export async function listWishlists(db: Db, userId: string): Promise<WishlistSummaryDto[]> {
  const [rows, counts] = await Promise.all([
    db
      .select()
      .from(wishlists)
      .where(eq(wishlists.userId, userId))
      .orderBy(desc(wishlists.isDefault), asc(wishlists.createdAt), asc(wishlists.id)),
    db
      .select({ wishlistId: wishlistItems.wishlistId, n: count() })
      .from(wishlistItems)
      .where(eq(wishlistItems.userId, userId))
      .groupBy(wishlistItems.wishlistId),
  ]);
  const byList = new Map(counts.map((c) => [c.wishlistId, Number(c.n)]));
  return rows.map((row) => summaryDto(row, byList.get(row.id) ?? 0));
}

/**
 * A list with its items (newest first), each with product card data, current price and stock.
 * `ref` is a list id or `"default"`. @throws NotFoundError WISHLIST_NOT_FOUND
 */
export async function getWishlist(db: Db, userId: string, ref: string): Promise<WishlistDto> {
  return detail(db, await resolveList(db, userId, ref));
}

/**
 * Creates a named list (the customer's first list becomes the default).
 * @throws ValidationError (title); ConflictError WISHLIST_LIMIT_REACHED past `wishlistLimits.lists`.
 */
export async function createWishlist(db: Db, userId: string, title: string): Promise<WishlistDto> {
  const value = checkTitle(title);
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(wishlists)
    .where(eq(wishlists.userId, userId));
  if (Number(n) >= wishlistLimits.lists) {
    throw new ConflictError(
      "WISHLIST_LIMIT_REACHED",
      `You can keep up to ${wishlistLimits.lists} wishlists. Delete one first.`,
    );
  }
  const [created] = await db
    .insert(wishlists)
    .values({ id: newId("wl"), userId, title: value, isDefault: Number(n) === 0 })
    .onConflictDoNothing()
    .returning();
  // A concurrent request made the default list first: this one is an ordinary list.
  const row =
    created ??
    (
      await db
        .insert(wishlists)
        .values({ id: newId("wl"), userId, title: value })
        .returning()
    )[0]!;
  return detail(db, row);
}

/**
 * Renames a list and/or makes it the default one.
 * @throws NotFoundError WISHLIST_NOT_FOUND, ValidationError (title)
 */
export async function updateWishlist(
  db: Db,
  userId: string,
  ref: string,
  patch: { title?: string; isDefault?: true },
): Promise<WishlistDto> {
  const title = patch.title === undefined ? undefined : checkTitle(patch.title);
  const list = await resolveList(db, userId, ref);
  await db.transaction(async (tx) => {
    if (patch.isDefault && !list.isDefault) {
      await tx
        .update(wishlists)
        .set({ isDefault: false, updatedAt: new Date() })
        .where(and(eq(wishlists.userId, userId), eq(wishlists.isDefault, true)));
    }
    await tx
      .update(wishlists)
      .set({
        ...(title !== undefined && { title }),
        ...(patch.isDefault && { isDefault: true }),
        updatedAt: new Date(),
      })
      .where(eq(wishlists.id, list.id));
  });
  return getWishlist(db, userId, list.id);
}

/**
 * Deletes a list and its items (its share link stops working). When it was the default list, the
 * oldest remaining list becomes the default. @throws NotFoundError WISHLIST_NOT_FOUND
 */
export async function deleteWishlist(db: Db, userId: string, ref: string): Promise<void> {
  const list = await resolveList(db, userId, ref);
  await db.transaction(async (tx) => {
    const deleted = await tx
      .delete(wishlists)
      .where(and(eq(wishlists.id, list.id), eq(wishlists.userId, userId)))
      .returning({ isDefault: wishlists.isDefault });
    if (deleted[0]?.isDefault) {
      await tx.execute(sql`update ${wishlists} set is_default = true, updated_at = now()
        where id = (select id from ${wishlists} where user_id = ${userId} order by created_at, id limit 1)
          and not exists (select 1 from ${wishlists} where user_id = ${userId} and is_default)`);
    }
    await dropOrphanWatches(tx, userId);
  });
}

// ---------------------------------------------------------------------------------------------------
// Items

/** Starts watching a wished product / variant for a customer (kept when already watched). */
async function watch(db: Db, userId: string, key: WishKey, state: WishState): Promise<void> {
  await db
    .insert(wishlistWatches)
    .values({
      userId,
      productId: key.productId,
      variantKey: key.variantId ?? "",
      currency: state.price.currency,
      wishedPrice: state.price.amount,
      lastPrice: state.price.amount,
      inStock: state.inStock,
    })
    .onConflictDoNothing();
}

/** Forgets what is watched for a customer but no longer in any of their lists. */
async function dropOrphanWatches(db: Db, userId: string): Promise<void> {
  await db.execute(sql`delete from ${wishlistWatches} w where w.user_id = ${userId}
    and not exists (select 1 from ${wishlistItems} i where i.user_id = w.user_id
      and i.product_id = w.product_id and coalesce(i.variant_id, '') = w.variant_key)`);
}

async function touchList(db: Db, wishlistId: string): Promise<void> {
  await db.update(wishlists).set({ updatedAt: new Date() }).where(eq(wishlists.id, wishlistId));
}

/**
 * Inserts wished items into a list (one transaction), skipping those already in it. Records the
 * current price as the price when added, and starts watching each for price drops and restocks.
 * Returns the rows inserted, by key.
 */
async function insertItems(
  db: Db,
  list: WishlistRow,
  entries: { key: WishKey; state: WishState; addedAt?: Date }[],
): Promise<Map<string, WishlistItemRow>> {
  const inserted = new Map<string, WishlistItemRow>();
  if (entries.length === 0) return inserted;
  await db.transaction(async (tx) => {
    for (const { key, state, addedAt } of entries) {
      const [row] = await tx
        .insert(wishlistItems)
        .values({
          id: newId("wli"),
          wishlistId: list.id,
          userId: list.userId,
          productId: key.productId,
          variantId: key.variantId,
          priceAmount: state.price.amount,
          currency: state.price.currency,
          ...(addedAt && { addedAt }),
        })
        .onConflictDoNothing()
        .returning();
      if (!row) continue;
      inserted.set(keyOf(key), row);
      await watch(tx, list.userId, key, state);
    }
    if (inserted.size) await touchList(tx, list.id);
  });
  return inserted;
}

async function itemCount(db: Db, wishlistId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(wishlistItems)
    .where(eq(wishlistItems.wishlistId, wishlistId));
  return Number(row?.n ?? 0);
}

/**
 * Adds a product (optionally one variant of it) to a list, at its current price; `ref` `"default"`
 * is the default list, created on the first add. Adding what is already in the list changes nothing
 * (`created` false, the existing item answered).
 * @throws ValidationError (productId: no such product; variantId: not a variant of it),
 *   NotFoundError WISHLIST_NOT_FOUND, ConflictError WISHLIST_FULL past `wishlistLimits.itemsPerList`.
 */
export async function addItem(
  db: Db,
  userId: string,
  ref: string,
  key: WishKey,
): Promise<{ item: WishlistItemDto; created: boolean }> {
  const state = (await currentStates(db, [key])).get(keyOf(key));
  if (!state) {
    const productKnown = key.variantId
      ? (await currentStates(db, [{ productId: key.productId, variantId: null }])).size > 0
      : false;
    throw new ValidationError([
      productKnown
        ? { field: "variantId", message: `no variant "${key.variantId}" of this product` }
        : { field: "productId", message: `no product "${key.productId}"` },
    ]);
  }
  const list = await resolveList(db, userId, ref, true);
  const existing = await findItem(db, list.id, key);
  if (existing) return { item: itemDto(existing, state), created: false };
  if ((await itemCount(db, list.id)) >= wishlistLimits.itemsPerList) {
    throw new ConflictError(
      "WISHLIST_FULL",
      `A wishlist holds up to ${wishlistLimits.itemsPerList} items. Remove some or use another list.`,
    );
  }
  const row =
    (await insertItems(db, list, [{ key, state }])).get(keyOf(key)) ?? (await findItem(db, list.id, key));
  if (!row) throw new Error("wishlist item vanished while being added");
  return { item: itemDto(row, state), created: true };
}

async function findItem(db: Db, wishlistId: string, key: WishKey): Promise<WishlistItemRow | null> {
  const [row] = await db
    .select()
    .from(wishlistItems)
    .where(
      and(
        eq(wishlistItems.wishlistId, wishlistId),
        eq(wishlistItems.productId, key.productId),
        sql`coalesce(${wishlistItems.variantId}, '') = ${key.variantId ?? ""}`,
      ),
    );
  return row ?? null;
}

/**
 * Removes an item from one of the customer's lists (in the caller's transaction, if any).
 * @throws NotFoundError WISHLIST_NOT_FOUND, WISHLIST_ITEM_NOT_FOUND (also when already removed)
 */
export async function removeItem(
  db: Db,
  userId: string,
  ref: string,
  itemId: string,
): Promise<WishlistItemRow> {
  const list = await resolveList(db, userId, ref);
  const [removed] = await db
    .delete(wishlistItems)
    .where(and(eq(wishlistItems.id, itemId), eq(wishlistItems.wishlistId, list.id)))
    .returning();
  if (!removed) throw new NotFoundError("WISHLIST_ITEM_NOT_FOUND", "This item is not in the wishlist.");
  await touchList(db, list.id);
  await dropOrphanWatches(db, userId);
  return removed;
}

/**
 * Removes a product (every variant of it, and the product as a whole) from a list: the heart
 * button's "un-wish". Returns how many items were removed (0 when it was not there).
 * @throws NotFoundError WISHLIST_NOT_FOUND (except for `"default"` when there is no default list: 0)
 */
export async function removeProduct(db: Db, userId: string, ref: string, productId: string): Promise<number> {
  let list: WishlistRow;
  try {
    list = await resolveList(db, userId, ref);
  } catch (error) {
    if (ref === "default" && error instanceof NotFoundError) return 0;
    throw error;
  }
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(wishlistItems)
      .where(and(eq(wishlistItems.wishlistId, list.id), eq(wishlistItems.productId, productId)))
      .returning({ id: wishlistItems.id });
    if (removed.length) {
      await touchList(tx, list.id);
      await dropOrphanWatches(tx, userId);
    }
    return removed.length;
  });
}

/** Ids of the products in a list (`"default"`: none when there is no default list yet). */
export async function wishedProductIds(db: Db, userId: string, ref: string): Promise<string[]> {
  let list: WishlistRow;
  try {
    list = await resolveList(db, userId, ref);
  } catch (error) {
    if (ref === "default" && error instanceof NotFoundError) return [];
    throw error;
  }
  const rows = await db
    .selectDistinct({ productId: wishlistItems.productId })
    .from(wishlistItems)
    .where(eq(wishlistItems.wishlistId, list.id));
  return rows.map((r) => r.productId).sort();
}

/**
 * The variant to put in the cart for an item moved there: the item's variant, else `requested`
 * (which must be a variant of the item's product), else the product's only variant.
 * @throws NotFoundError WISHLIST_NOT_FOUND, WISHLIST_ITEM_NOT_FOUND, PRODUCT_NOT_FOUND (no longer
 *   for sale); ValidationError (variantId) when a variant must be chosen or is not of the product.
 */
export async function variantToBuy(
  db: Db,
  userId: string,
  ref: string,
  itemId: string,
  requested?: string,
): Promise<{ item: WishlistItemRow; variantId: string }> {
  const list = await resolveList(db, userId, ref);
  const [item] = await db
    .select()
    .from(wishlistItems)
    .where(and(eq(wishlistItems.id, itemId), eq(wishlistItems.wishlistId, list.id)));
  if (!item) throw new NotFoundError("WISHLIST_ITEM_NOT_FOUND", "This item is not in the wishlist.");
  const variantId = requested ?? item.variantId;
  if (variantId) {
    const v = (await getSaleVariants(db, [variantId])).get(variantId);
    if (!v || v.productId !== item.productId) {
      throw new ValidationError([
        { field: "variantId", message: `no variant "${variantId}" of this product` },
      ]);
    }
    return { item, variantId };
  }
  const summary = (await summarize(db, [item.productId])).get(item.productId);
  if (!summary) throw new NotFoundError("PRODUCT_NOT_FOUND", "This product is no longer sold.");
  const product = await getProductBySlug(db, summary.slug);
  if (product.variants.length !== 1) {
    throw new ValidationError([
      {
        field: "variantId",
        message: `choose one of the ${product.variants.length} variants of this product`,
      },
    ]);
  }
  return { item, variantId: product.variants[0]!.id };
}

// ---------------------------------------------------------------------------------------------------
// Sharing

/**
 * Makes (or remakes) the private share link of a list: a new random token (256 bits, base64url),
 * shown once and stored only as its SHA-256; an earlier link stops working.
 * @throws NotFoundError WISHLIST_NOT_FOUND
 */
export async function shareWishlist(
  db: Db,
  userId: string,
  ref: string,
): Promise<{ token: string; sharedAt: Date }> {
  const list = await resolveList(db, userId, ref);
  const token = randomBytes(32).toString("base64url");
  const sharedAt = new Date();
  await db
    .update(wishlists)
    .set({ shareTokenHash: hashShareToken(token), sharedAt, updatedAt: sharedAt })
    .where(eq(wishlists.id, list.id));
  return { token, sharedAt };
}

/** Revokes a list's share link (no error when it was not shared). @throws NotFoundError WISHLIST_NOT_FOUND */
export async function unshareWishlist(db: Db, userId: string, ref: string): Promise<void> {
  const list = await resolveList(db, userId, ref);
  await db
    .update(wishlists)
    .set({ shareTokenHash: null, sharedAt: null, updatedAt: new Date() })
    .where(eq(wishlists.id, list.id));
}

/**
 * A shared list, read-only, by its link's token: title and items, nothing about the owner.
 * @throws NotFoundError WISHLIST_NOT_FOUND for an unknown, revoked or replaced token.
 */
export async function getSharedWishlist(db: Db, token: string): Promise<SharedWishlistDto> {
  if (token.length < 20 || token.length > 100) throw notFound();
  const [list] = await db
    .select()
    .from(wishlists)
    .where(eq(wishlists.shareTokenHash, hashShareToken(token)));
  if (!list) throw notFound();
  const rows = await itemRows(db, list.id);
  return { title: list.title, itemCount: rows.length, items: await itemDtos(db, rows) };
}

// ---------------------------------------------------------------------------------------------------
// Guests

/**
 * Merges a guest's (browser-kept) wishlist into the customer's default list, created if needed:
 * each entry is added at its current price, unless already there (`duplicate`), unknown to the
 * catalog (`unknown_product`, also for a variant of another product) or past the list's size
 * (`list_full`). Idempotent: merging the same entries again adds nothing. `addedAt` (when the
 * guest wished for it) is kept when it is in the past.
 */
export async function mergeGuestWishlist(
  db: Db,
  userId: string,
  entries: (WishKey & { addedAt?: Date })[],
): Promise<MergeResultDto> {
  const keys = entries.map((e) => ({ productId: e.productId, variantId: e.variantId ?? null }));
  const states = await currentStates(db, keys);
  const list = await ensureDefaultList(db, userId);
  const present = new Set((await itemRows(db, list.id)).map(keyOf));
  let room = wishlistLimits.itemsPerList - present.size;
  const skipped: MergeResultDto["skipped"] = [];
  const toAdd: { key: WishKey; state: WishState; addedAt?: Date }[] = [];
  const now = Date.now();
  for (const [i, entry] of entries.entries()) {
    const key = keys[i]!;
    const state = states.get(keyOf(key));
    const reason = !state
      ? "unknown_product"
      : present.has(keyOf(key))
        ? "duplicate"
        : room <= 0
          ? "list_full"
          : null;
    if (reason || !state) {
      skipped.push({
        productId: key.productId,
        variantId: key.variantId,
        reason: reason ?? "unknown_product",
      });
      continue;
    }
    present.add(keyOf(key));
    room--;
    const addedAt = entry.addedAt && entry.addedAt.getTime() <= now ? entry.addedAt : undefined;
    toAdd.push({ key, state, ...(addedAt && { addedAt }) });
  }
  const inserted = await insertItems(db, list, toAdd);
  // Entries a concurrent merge inserted first are duplicates too.
  for (const { key } of toAdd) {
    if (!inserted.has(keyOf(key))) skipped.push({ ...key, reason: "duplicate" });
  }
  return { added: inserted.size, skipped, wishlist: await detail(db, list) };
}

/** What a guest's wished entries are now (unknown products left out), for the guest wishlist page. */
export async function previewItems(db: Db, keys: WishKey[]): Promise<WishlistPreviewItemDto[]> {
  const states = await currentStates(db, keys);
  return keys.flatMap((key) => {
    const state = states.get(keyOf(key));
    if (!state) return [];
    return [
      {
        productId: key.productId,
        variantId: key.variantId,
        currentPrice: state.price,
        inStock: state.inStock,
        product: state.product,
        variant: state.variant,
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------------
// Personal data

/** A customer's lists and items (GDPR export). */
export async function wishlistsOf(db: Db, userId: string) {
  const [lists, items] = await Promise.all([
    queryRows<Record<string, unknown>>(
      db,
      sql`select id, title, is_default, shared_at, created_at, updated_at from ${wishlists}
        where user_id = ${userId} order by created_at`,
    ),
    queryRows<Record<string, unknown>>(
      db,
      sql`select id, wishlist_id, product_id, variant_id, price_amount, currency, added_at from ${wishlistItems}
        where user_id = ${userId} order by added_at`,
    ),
  ]);
  return { wishlists: lists, wishlist_items: items };
}

/** Deletes a customer's lists, items and watches (GDPR erasure). */
export async function deleteWishlistsOf(db: Db, userId: string): Promise<void> {
  await db.delete(wishlists).where(eq(wishlists.userId, userId));
  await db.delete(wishlistWatches).where(eq(wishlistWatches.userId, userId));
}
