import { createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { PostalAddress } from "../../platform/address.ts";
import type { Db } from "../../platform/db.ts";
import { AppError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { allColumns, mapRows, runSql, type SqlPart, updateSet } from "../../platform/statements.ts";
import { getSaleVariants, type SaleVariant } from "../catalog/index.ts";
import { customerGroupIdsOf, validateAddress } from "../customers/index.ts";
import { getAvailability, noStock } from "../inventory/index.ts";
import {
  CouponError,
  getStoreSettings,
  groupPricesOf,
  normaliseCouponCode,
  offeredCurrencies,
  type PricingResult,
  priceCart,
  priceListPricesOf,
  promotionsFor,
  type StoreSettings,
  taxRatesFor,
} from "../pricing/index.ts";
import { quoteShipping, type ShippingQuote } from "../shipping/index.ts";
import { cartLineItems, carts } from "./cart.schema.ts";

export type CartRow = typeof carts.$inferSelect;

/** SHA-256 (hex) of a cart token: what the database keeps. */
export function hashCartToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Raised when a cart line cannot have the requested quantity (409 CART_ITEM_OUT_OF_STOCK). */
export class CartStockError extends AppError {
  constructor(sku: string, available: number) {
    super(
      409,
      "CART_ITEM_OUT_OF_STOCK",
      available > 0 ? `Only ${available} of ${sku} in stock.` : `${sku} is out of stock.`,
      [{ field: "quantity", message: `${available} available` }],
    );
  }
}

/** Finds the active cart of an account, or of a guest by the hash of the cart token. */
export async function findCart(
  db: Db,
  by: { userId?: string | null; token?: string | null },
): Promise<CartRow | null> {
  if (by.userId) {
    const [row] = await db
      .select()
      .from(carts)
      .where(and(eq(carts.userId, by.userId), eq(carts.status, "active")));
    if (row) return row;
  }
  if (by.token) {
    const [row] = mapRows(
      carts,
      await runSql(db, `select ${allColumns(carts)} from "carts" where "token_hash" = $1`, [
        hashCartToken(by.token),
      ]),
    );
    if (row && row.status === "active" && (!row.userId || row.userId === by.userId)) return row;
  }
  return null;
}

function expiryFrom(settings: StoreSettings, now = new Date()): Date {
  return new Date(now.getTime() + settings.cartLifetimeDays * 86_400_000);
}

/**
 * Creates an active cart in the shop's default currency, for an account or a guest. Returns the cart
 * and its opaque token (256 random bits, base64url) — shown once, stored only as a hash.
 */
export async function createCart(db: Db, userId: string | null): Promise<{ cart: CartRow; token: string }> {
  const settings = await getStoreSettings(db);
  const token = randomBytes(32).toString("base64url");
  const [cart] = await db
    .insert(carts)
    .values({
      id: newId("cart"),
      tokenHash: hashCartToken(token),
      userId,
      currency: settings.defaultCurrency,
      expiresAt: expiryFrom(settings),
    })
    .onConflictDoNothing()
    .returning();
  if (!cart) {
    // A concurrent request created this account's cart first.
    const existing = await findCart(db, { userId });
    if (!existing) throw new Error("cart creation raced and lost without a winner");
    return { cart: existing, token };
  }
  return { cart, token };
}

async function touch(db: Db, cartId: string): Promise<void> {
  const settings = await getStoreSettings(db);
  await db
    .update(carts)
    .set({ updatedAt: new Date(), expiresAt: expiryFrom(settings) })
    .where(eq(carts.id, cartId));
}

/**
 * Checks a quantity against a variant's rules and stock. Untracked and backorder variants only check
 * the rules.
 * @throws ValidationError (field `quantity`) for a quantity outside min/max or off the increment;
 *   CartStockError when stock does not cover it.
 */
async function checkQuantity(db: Db, variant: SaleVariant, quantity: number): Promise<void> {
  const problems: string[] = [];
  if (quantity < variant.minQuantity) problems.push(`at least ${variant.minQuantity}`);
  if (variant.maxQuantity !== null && quantity > variant.maxQuantity)
    problems.push(`at most ${variant.maxQuantity}`);
  if (variant.quantityIncrement > 1 && quantity % variant.quantityIncrement !== 0)
    problems.push(`in steps of ${variant.quantityIncrement}`);
  if (problems.length)
    throw new ValidationError([
      { field: "quantity", message: `${variant.sku} can be ordered ${problems.join(", ")}` },
    ]);
  if (variant.isDigital) return;
  const availability =
    (await getAvailability(db, [variant.variantId])).get(variant.variantId) ?? noStock(variant.variantId);
  if (!availability.unlimited && availability.availableQuantity < quantity) {
    throw new CartStockError(variant.sku, availability.availableQuantity);
  }
}

/**
 * Variants on sale, priced in `currency` for a shopper in `customerGroupIds` ([] for a guest): the
 * catalog's own price when the variant is priced in it, else its price in that currency's active
 * general price list (explicit, never converted). Then, for a customer in groups with active price
 * lists in `currency`, the lowest applicable price wins (Magento's customer-group pricing rule, see
 * pricing's groupPricesOf): the lowest of the groups' prices replaces the general one when it is lower
 * (the line is then not "on sale": the regular price stays the general one, so the saving shows), and
 * prices a variant the general list does not. A variant with no price at all keeps its own currency,
 * so callers see it is not for sale in `currency`.
 */
export async function saleVariantsIn(
  db: Db,
  variantIds: string[],
  currency: string,
  now = new Date(),
  customerGroupIds: string[] = [],
): Promise<Map<string, SaleVariant>> {
  const sale = await getSaleVariants(db, variantIds, now);
  const foreign = [...sale.values()].filter((v) => v.currency !== currency).map((v) => v.variantId);
  const [prices, groupPrices] = await Promise.all([
    priceListPricesOf(db, currency, foreign),
    groupPricesOf(db, currency, [...sale.keys()], customerGroupIds),
  ]);
  for (const id of foreign) {
    const amount = prices.get(id);
    if (amount === undefined) continue;
    sale.set(id, { ...sale.get(id)!, currency, unitPrice: amount, regularPrice: amount, onSale: false });
  }
  for (const [id, amount] of groupPrices) {
    const v = sale.get(id);
    if (!v) continue;
    if (v.currency !== currency) {
      sale.set(id, { ...v, currency, unitPrice: amount, regularPrice: amount, onSale: false });
    } else if (amount < v.unitPrice) {
      sale.set(id, { ...v, unitPrice: amount, onSale: false });
    }
  }
  return sale;
}

/** The customer groups of the cart's account ([] for a guest cart): group promotions and prices. */
function groupsOf(db: Db, cart: CartRow): Promise<string[]> {
  return customerGroupIdsOf(db, cart.userId);
}

async function saleVariant(db: Db, cart: CartRow, variantId: string): Promise<SaleVariant> {
  const groups = await groupsOf(db, cart);
  const variant = (await saleVariantsIn(db, [variantId], cart.currency, new Date(), groups)).get(variantId);
  if (!variant?.isSellable) {
    throw new ValidationError([{ field: "variantId", message: `no variant "${variantId}" is for sale` }]);
  }
  if (variant.currency !== cart.currency) {
    throw new ValidationError([
      { field: "variantId", message: `priced in ${variant.currency}, the cart is in ${cart.currency}` },
    ]);
  }
  return variant;
}

function checkWholeQuantity(quantity: number, allowZero: boolean): void {
  if (!Number.isSafeInteger(quantity) || quantity < (allowZero ? 0 : 1) || quantity > 10_000) {
    throw new ValidationError([
      { field: "quantity", message: `must be a whole number from ${allowZero ? 0 : 1} to 10000` },
    ]);
  }
}

/**
 * Adds units of a variant to a cart (added to the line's quantity when the variant is already in it).
 * @throws ValidationError (variantId, quantity), CartStockError
 */
export async function addLine(db: Db, cart: CartRow, variantId: string, quantity: number): Promise<void> {
  checkWholeQuantity(quantity, false);
  const variant = await saleVariant(db, cart, variantId);
  const [existing] = await db
    .select()
    .from(cartLineItems)
    .where(and(eq(cartLineItems.cartId, cart.id), eq(cartLineItems.variantId, variantId)));
  const total = (existing?.quantity ?? 0) + quantity;
  await checkQuantity(db, variant, total);
  await db
    .insert(cartLineItems)
    .values({ id: newId("line"), cartId: cart.id, variantId, quantity, unitPrice: variant.unitPrice })
    .onConflictDoUpdate({
      target: [cartLineItems.cartId, cartLineItems.variantId],
      set: {
        quantity: sql`${cartLineItems.quantity} + ${quantity}`,
        unitPrice: variant.unitPrice,
        updatedAt: new Date(),
      },
    });
  await touch(db, cart.id);
}

/**
 * Sets a line's quantity; 0 removes the line.
 * @throws NotFoundError CART_LINE_NOT_FOUND, ValidationError (quantity), CartStockError
 */
export async function updateLine(db: Db, cart: CartRow, lineId: string, quantity: number): Promise<void> {
  checkWholeQuantity(quantity, true);
  const [line] = await db
    .select()
    .from(cartLineItems)
    .where(and(eq(cartLineItems.id, lineId), eq(cartLineItems.cartId, cart.id)));
  if (!line) throw new NotFoundError("CART_LINE_NOT_FOUND", "This line is not in the cart.");
  if (quantity === 0) return removeLine(db, cart, lineId);
  const variant = await saleVariant(db, cart, line.variantId);
  await checkQuantity(db, variant, quantity);
  await db
    .update(cartLineItems)
    .set({ quantity, unitPrice: variant.unitPrice, updatedAt: new Date() })
    .where(eq(cartLineItems.id, lineId));
  await touch(db, cart.id);
}

/** Removes a line. @throws NotFoundError CART_LINE_NOT_FOUND */
export async function removeLine(db: Db, cart: CartRow, lineId: string): Promise<void> {
  const removed = await db
    .delete(cartLineItems)
    .where(and(eq(cartLineItems.id, lineId), eq(cartLineItems.cartId, cart.id)))
    .returning({ id: cartLineItems.id });
  if (!removed.length) throw new NotFoundError("CART_LINE_NOT_FOUND", "This line is not in the cart.");
  await touch(db, cart.id);
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Sets the contact e-mail of a cart (orders and receipts go there). @throws ValidationError (email) */
export async function setEmail(db: Db, cart: CartRow, email: string): Promise<void> {
  const value = email.trim().toLowerCase();
  if (!emailPattern.test(value) || value.length > 254) {
    throw new ValidationError([
      { field: "email", message: "must be an e-mail address such as jane@example.com" },
    ]);
  }
  await db.update(carts).set({ email: value, updatedAt: new Date() }).where(eq(carts.id, cart.id));
}

/**
 * Switches a cart to another currency the shop offers (its default, or one with an active price list):
 * every line is re-priced from that currency's prices (explicit prices, no conversion) and the
 * shipping method is cleared, since methods are priced per currency.
 * @throws ValidationError (currency) for a currency the shop does not sell in; AppError 409
 *   CART_CURRENCY_UNAVAILABLE naming the SKUs without a price in it (nothing changes)
 */
export async function setCartCurrency(db: Db, cart: CartRow, rawCurrency: string): Promise<void> {
  const currency = rawCurrency.trim().toUpperCase();
  const settings = await getStoreSettings(db);
  const offered = await offeredCurrencies(db, settings.defaultCurrency);
  if (!offered.includes(currency)) {
    throw new ValidationError([{ field: "currency", message: `choose one of ${offered.join(", ")}` }]);
  }
  if (currency === cart.currency) return;
  const rows = await db.select().from(cartLineItems).where(eq(cartLineItems.cartId, cart.id));
  const sale = await saleVariantsIn(
    db,
    rows.map((r) => r.variantId),
    currency,
    new Date(),
    await groupsOf(db, cart),
  );
  const unpriced = rows.filter((r) => sale.get(r.variantId)?.currency !== currency);
  if (unpriced.length) {
    const skus = unpriced.map((r) => sale.get(r.variantId)?.sku ?? r.variantId);
    throw new AppError(
      409,
      "CART_CURRENCY_UNAVAILABLE",
      `Not for sale in ${currency}: ${skus.join(", ")}. Remove them to pay in ${currency}.`,
      unpriced.map((r, i) => ({ field: `lines.${r.id}`, message: `${skus[i]} has no ${currency} price` })),
    );
  }
  await db.transaction(async (tx) => {
    for (const r of rows) {
      await tx
        .update(cartLineItems)
        .set({ unitPrice: sale.get(r.variantId)!.unitPrice, updatedAt: new Date() })
        .where(eq(cartLineItems.id, r.id));
    }
    await tx
      .update(carts)
      .set({ currency, shippingMethodId: null, updatedAt: new Date() })
      .where(eq(carts.id, cart.id));
  });
}

/** Normalises and validates a postal address. @throws ValidationError naming each bad field (under `prefix`). */
export function checkAddress(input: PostalAddress, prefix: string): PostalAddress {
  const address: PostalAddress = {
    firstName: input.firstName?.trim() ?? "",
    lastName: input.lastName?.trim() ?? "",
    company: input.company?.trim() || null,
    line1: input.line1?.trim() ?? "",
    line2: input.line2?.trim() || null,
    city: input.city?.trim() ?? "",
    region: input.region?.trim().toUpperCase() || null,
    postalCode: input.postalCode?.trim() || null,
    country: (input.country ?? "").trim().toUpperCase(),
    phone: input.phone?.trim() || null,
  };
  const errors = validateAddress(address);
  if (errors.length)
    throw new ValidationError(errors.map((e) => ({ field: `${prefix}.${e.field}`, message: e.message })));
  return address;
}

/** Sets the shipping address (and the billing address too unless one was given). Clears the shipping method. */
export async function setShippingAddress(db: Db, cart: CartRow, input: PostalAddress): Promise<void> {
  const address = checkAddress(input, "shippingAddress");
  await db
    .update(carts)
    .set({ shippingAddress: address, shippingMethodId: null, updatedAt: new Date() })
    .where(eq(carts.id, cart.id));
}

/** Sets the billing address. */
export async function setBillingAddress(db: Db, cart: CartRow, input: PostalAddress): Promise<void> {
  const address = checkAddress(input, "billingAddress");
  await db.update(carts).set({ billingAddress: address, updatedAt: new Date() }).where(eq(carts.id, cart.id));
}

/**
 * Chooses a shipping method among those quoted for the cart's address.
 * @throws ValidationError (shippingMethodId) when the method does not serve this cart.
 */
export async function setShippingMethod(db: Db, cart: CartRow, methodId: string): Promise<void> {
  const view = await viewCart(db, cart);
  if (!view.shippingOptions.some((q) => q.id === methodId)) {
    throw new ValidationError([
      {
        field: "shippingMethodId",
        message: view.shippingAddress
          ? "this method does not ship to the address"
          : "enter a shipping address first",
      },
    ]);
  }
  await db
    .update(carts)
    .set({ shippingMethodId: methodId, updatedAt: new Date() })
    .where(eq(carts.id, cart.id));
}

function customerKeyOf(cart: CartRow): string | null {
  return cart.userId ?? (cart.email ? `email:${cart.email}` : null);
}

/**
 * Enters a coupon code. @throws CouponError (COUPON_NOT_FOUND, COUPON_EXPIRED, COUPON_NOT_STARTED,
 * COUPON_USAGE_LIMIT_REACHED), ValidationError (code) for an empty code.
 */
export async function applyCoupon(db: Db, cart: CartRow, rawCode: string): Promise<void> {
  const code = normaliseCouponCode(rawCode);
  if (!code || code.length > 64)
    throw new ValidationError([{ field: "code", message: "enter a coupon code" }]);
  const { problems } = await promotionsFor(db, {
    couponCodes: [code],
    currency: cart.currency,
    customerKey: customerKeyOf(cart),
  });
  const problem = problems.get(code);
  if (problem) throw new CouponError(problem, code);
  if (cart.couponCodes.includes(code)) return;
  await db
    .update(carts)
    .set({ couponCodes: [...cart.couponCodes, code], updatedAt: new Date() })
    .where(eq(carts.id, cart.id));
}

/** Removes a coupon code (no error when it was not entered). */
export async function removeCoupon(db: Db, cart: CartRow, rawCode: string): Promise<void> {
  const code = normaliseCouponCode(rawCode);
  await db
    .update(carts)
    .set({ couponCodes: cart.couponCodes.filter((c) => c !== code), updatedAt: new Date() })
    .where(eq(carts.id, cart.id));
}

/**
 * Moves a guest cart into an account at sign-in: lines of the guest cart are added to the account's
 * cart (quantities of the same variant add up); an account without a cart adopts the guest cart.
 * The guest cart ends as `merged`. Runs in one transaction.
 */
export async function mergeGuestCart(db: Db, guest: CartRow, userId: string): Promise<CartRow> {
  return db.transaction(async (tx) => {
    const [own] = await tx
      .select()
      .from(carts)
      .where(and(eq(carts.userId, userId), eq(carts.status, "active")))
      .for("update");
    if (!own) {
      const [adopted] = await tx
        .update(carts)
        .set({ userId, updatedAt: new Date() })
        .where(and(eq(carts.id, guest.id), eq(carts.status, "active")))
        .returning();
      return adopted ?? guest;
    }
    const lines = await tx.select().from(cartLineItems).where(eq(cartLineItems.cartId, guest.id));
    for (const line of lines) {
      await tx
        .insert(cartLineItems)
        .values({
          id: newId("line"),
          cartId: own.id,
          variantId: line.variantId,
          quantity: line.quantity,
          unitPrice: line.unitPrice,
        })
        .onConflictDoUpdate({
          target: [cartLineItems.cartId, cartLineItems.variantId],
          set: { quantity: sql`${cartLineItems.quantity} + ${line.quantity}`, updatedAt: new Date() },
        });
    }
    const codes = [...own.couponCodes, ...guest.couponCodes.filter((c) => !own.couponCodes.includes(c))];
    const [merged] = await tx
      .update(carts)
      .set({
        couponCodes: codes,
        email: own.email ?? guest.email,
        shippingAddress: own.shippingAddress ?? guest.shippingAddress,
        billingAddress: own.billingAddress ?? guest.billingAddress,
        updatedAt: new Date(),
      })
      .where(eq(carts.id, own.id))
      .returning();
    await tx.update(carts).set({ status: "merged", updatedAt: new Date() }).where(eq(carts.id, guest.id));
    return merged!;
  });
}

/** A line of a cart as the shopper sees it. Amounts in minor units of the cart currency. */
export interface CartLineView {
  id: string;
  variantId: string;
  productId: string;
  productName: string;
  productSlug: string;
  sku: string;
  variantTitle: string;
  options: Record<string, string>;
  thumbnailUrl: string | null;
  quantity: number;
  unitPrice: number;
  regularPrice: number;
  /**
   * The unit price the line was added (or last changed) at, when the price changed since: the shopper
   * is told until they change the line. The cart is always priced at the current price.
   */
  previousUnitPrice: number | null;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
  /** Units that can be sold now; null when stock is not counted (untracked, backorder, digital). */
  availableQuantity: number | null;
  /** False when the variant is no longer for sale or stock does not cover the quantity. */
  purchasable: boolean;
  quantityRules: { min: number; max: number | null; increment: number };
  isDigital: boolean;
  requiresShipping: boolean;
  /** Kept for order snapshots. */
  sale: SaleVariant;
}

/** A cart with current prices, stock, promotions, shipping options and totals. */
export interface CartView {
  id: string;
  currency: string;
  email: string | null;
  userId: string | null;
  lines: CartLineView[];
  couponCodes: string[];
  /** Entered codes that do not apply now, with why. */
  couponProblems: { code: string; reason: string }[];
  appliedPromotions: PricingResult["appliedPromotions"];
  shippingAddress: PostalAddress | null;
  billingAddress: PostalAddress | null;
  requiresShipping: boolean;
  shippingOptions: ShippingQuote[];
  shippingMethod: ShippingQuote | null;
  totals: {
    subtotal: number;
    discountTotal: number;
    shippingTotal: number;
    shippingDiscount: number;
    shippingTax: number;
    taxTotal: number;
    total: number;
    pricesIncludeTax: boolean;
  };
  itemCount: number;
  /** True when every line can be ordered as it is. */
  isCheckoutReady: boolean;
  pricing: PricingResult;
  /**
   * The customer groups the cart was priced for (sorted; [] for a guest): the checkout re-checks them
   * in the order's transaction.
   */
  customerGroupIds: string[];
  updatedAt: Date;
  expiresAt: Date;
}

/**
 * Reads a cart with everything re-validated: current prices (a price changed since the line was added
 * is reported on the line; a signed-in customer's group prices and group promotions from the groups
 * they are in now), stock, promotions and coupons in force, shipping options for the address, tax for the
 * destination and the totals computed server-side by the pricing calculator.
 * With `stock: false` (the checkout, whose reservation checks stock itself) stock is not read: lines
 * then report `availableQuantity` null and are purchasable when for sale.
 */
export async function viewCart(
  db: Db,
  cart: CartRow,
  now = new Date(),
  options: { stock?: boolean } = {},
): Promise<CartView> {
  const withStock = options.stock ?? true;
  const settings = await getStoreSettings(db);
  const rows = mapRows(
    cartLineItems,
    await runSql(
      db,
      `select ${allColumns(cartLineItems)} from "cart_line_items" where "cart_id" = $1 order by "created_at", "id"`,
      [cart.id],
    ),
  );
  const variantIds = rows.map((r) => r.variantId);
  const customerGroupIds = await groupsOf(db, cart);
  const [sale, stock] = await Promise.all([
    saleVariantsIn(db, variantIds, cart.currency, now, customerGroupIds),
    withStock ? getAvailability(db, variantIds) : null,
  ]);
  const lines = rows.flatMap((row) => {
    const found = sale.get(row.variantId);
    if (!found) return [];
    // Not priced in the cart's currency (its price-list price was removed): shown, not sellable, 0.
    const v =
      found.currency === cart.currency
        ? found
        : {
            ...found,
            currency: cart.currency,
            unitPrice: 0,
            regularPrice: 0,
            onSale: false,
            isSellable: false,
          };
    return [{ row, v }];
  });
  const requiresShipping = lines.some(({ v }) => !v.isDigital);
  const address = cart.shippingAddress ?? cart.billingAddress;
  const taxAddress = address
    ? { countryCode: address.country, region: address.region, postcode: address.postalCode }
    : null;
  const customerKey = cart.userId ?? (cart.email ? `email:${cart.email}` : null);
  const [{ promotions, problems }, rates] = await Promise.all([
    promotionsFor(db, { couponCodes: cart.couponCodes, currency: cart.currency, customerKey, now }),
    taxRatesFor(db, taxAddress),
  ]);
  const pricingLines = lines.map(({ row, v }) => ({
    id: row.id,
    productId: v.productId,
    variantId: v.variantId,
    sku: v.sku,
    categoryIds: v.categoryIds,
    quantity: row.quantity,
    unitPrice: v.unitPrice,
    onSale: v.onSale,
    taxClass: v.taxClass,
  }));
  // Shipping is priced on the subtotal after item discounts: price once without shipping to know it.
  const itemsOnly = priceCart({
    currency: cart.currency,
    pricesIncludeTax: settings.pricesIncludeTax,
    lines: pricingLines,
    promotions,
    shipping: null,
    taxRates: [],
    customerGroupIds,
  });
  let shippingOptions: ShippingQuote[] = [];
  if (requiresShipping && cart.shippingAddress) {
    const shippable = lines.filter(({ v }) => !v.isDigital);
    const shippableIds = new Set(shippable.map(({ row }) => row.id));
    shippingOptions = await quoteShipping(db, {
      country: cart.shippingAddress.country,
      region: cart.shippingAddress.region,
      postcode: cart.shippingAddress.postalCode,
      currency: cart.currency,
      subtotal: itemsOnly.lines
        .filter((l) => shippableIds.has(l.id))
        .reduce((s, l) => s + l.subtotal - l.discount, 0),
      weightGrams: shippable.reduce((s, { row, v }) => s + (v.weightGrams ?? 0) * row.quantity, 0),
      quantity: shippable.reduce((s, { row }) => s + row.quantity, 0),
    });
  }
  const shippingMethod = shippingOptions.find((q) => q.id === cart.shippingMethodId) ?? null;
  const pricing = priceCart({
    currency: cart.currency,
    pricesIncludeTax: settings.pricesIncludeTax,
    lines: pricingLines,
    promotions,
    shipping: shippingMethod
      ? { amount: shippingMethod.amount, taxClass: settings.shippingTaxClass ?? "__untaxed" }
      : null,
    taxRates: rates,
    customerGroupIds,
  });
  const lineViews: CartLineView[] = lines.map(({ row, v }, i) => {
    const priced = pricing.lines[i]!;
    const a = stock ? (stock.get(v.variantId) ?? noStock(v.variantId)) : null;
    const counted = a !== null && !v.isDigital && !a.unlimited;
    const purchasable =
      v.isSellable &&
      (v.isDigital || a === null || (a.purchasable && (!counted || a.availableQuantity >= row.quantity)));
    return {
      id: row.id,
      variantId: v.variantId,
      productId: v.productId,
      productName: v.productName,
      productSlug: v.productSlug,
      sku: v.sku,
      variantTitle: v.variantTitle,
      options: v.options,
      thumbnailUrl: v.thumbnailUrl,
      quantity: row.quantity,
      unitPrice: v.unitPrice,
      regularPrice: v.regularPrice,
      previousUnitPrice: row.unitPrice !== v.unitPrice ? row.unitPrice : null,
      subtotal: priced.subtotal,
      discount: priced.discount,
      tax: priced.tax,
      total: priced.total,
      availableQuantity: counted ? a.availableQuantity : null,
      purchasable,
      quantityRules: { min: v.minQuantity, max: v.maxQuantity, increment: v.quantityIncrement },
      isDigital: v.isDigital,
      requiresShipping: !v.isDigital,
      sale: v,
    };
  });
  const couponProblems = [
    ...[...problems].map(([code, reason]) => ({ code, reason })),
    ...pricing.rejectedPromotions
      .filter((r) => r.code !== null)
      .map((r) => ({ code: r.code!, reason: r.reason })),
  ];
  return {
    id: cart.id,
    currency: cart.currency,
    email: cart.email,
    userId: cart.userId,
    lines: lineViews,
    couponCodes: cart.couponCodes,
    couponProblems,
    appliedPromotions: pricing.appliedPromotions,
    shippingAddress: cart.shippingAddress,
    billingAddress: cart.billingAddress,
    requiresShipping,
    shippingOptions,
    shippingMethod,
    totals: {
      subtotal: pricing.subtotal,
      discountTotal: pricing.discountTotal,
      shippingTotal: pricing.shippingTotal,
      shippingDiscount: pricing.shippingDiscount,
      shippingTax: pricing.shippingTax,
      taxTotal: pricing.taxTotal,
      total: pricing.total,
      pricesIncludeTax: pricing.pricesIncludeTax,
    },
    itemCount: lineViews.reduce((s, l) => s + l.quantity, 0),
    isCheckoutReady: lineViews.length > 0 && lineViews.every((l) => l.purchasable),
    pricing,
    customerGroupIds,
    updatedAt: cart.updatedAt,
    expiresAt: cart.expiresAt,
  };
}

/**
 * Marks the cart of an order as having become that order, as a part of the order's transition statement
 * (see platform/statements.ts): the host names the moved order `o` (an orders row); nothing happens when
 * it did not move.
 */
export function completeCartPart(): SqlPart<void> {
  return {
    text: `update "carts" set "status" = 'completed', "order_id" = o.id, "updated_at" = now()
      from o where "carts"."id" = o.cart_id returning "carts"."id"`,
    params: [],
    read: () => undefined,
  };
}

/** Expires active carts untouched past their expiry time. Returns how many expired. */
export async function expireCarts(db: Db, now = new Date()): Promise<number> {
  const rows = await db
    .update(carts)
    .set({ status: "expired" })
    .where(and(eq(carts.status, "active"), sql`${carts.expiresAt} <= ${now}`))
    .returning({ id: carts.id });
  return rows.length;
}

/** A cart by id (any status), or null. */
export async function getCartById(db: Db, id: string): Promise<CartRow | null> {
  const [row] = await db.select().from(carts).where(eq(carts.id, id));
  return row ?? null;
}

/**
 * Claims an active cart for an order being placed (in the order's transaction): a conditional update,
 * so two concurrent checkouts of one cart cannot both create orders. False when the cart is no longer
 * active or another order holds it. A part of the order's insert statement (see platform/statements.ts).
 */
export function claimCartPart(cartId: string, orderId: string): SqlPart<boolean> {
  const { text, params } = updateSet(
    carts,
    { orderId, updatedAt: new Date() },
    `"id" = $1 and "status" = 'active' and "order_id" is null`,
    [cartId],
  );
  return { text: `${text} returning "id"`, params, read: (rows) => rows.length === 1 };
}

/** Gives a cart back to the shopper after its order's payment failed (the cart stays as it was). */
export async function releaseCartFromOrder(tx: Db, cartId: string, orderId: string): Promise<void> {
  await tx
    .update(carts)
    .set({ orderId: null, updatedAt: new Date() })
    .where(and(eq(carts.id, cartId), eq(carts.orderId, orderId), eq(carts.status, "active")));
}
