import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { AppError, type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { saleVariantsIn } from "../cart/index.ts";
import { listVariantsBySku } from "../catalog/index.ts";
import { customerGroupIdsOf } from "../customers/index.ts";
import { getAvailability, OutOfStockError, releaseReservedUnits, reserveStock } from "../inventory/index.ts";
import type { PaymentsContext, RefundRow } from "../payments/index.ts";
import {
  getStoreSettings,
  type PricingLine,
  type Promotion,
  priceCart,
  promotionsFor,
  taxRatesFor,
} from "../pricing/index.ts";
import { refundOrder } from "./orders.refunds.ts";
import { type AppliedPromotionSnapshot, orderEvents, orderLineItems, orders } from "./orders.schema.ts";
import {
  addOrderEvent,
  getOrderWithLines,
  lockOrder,
  type OrderActor,
  type OrderLineRow,
  type OrderRow,
} from "./orders.service.ts";

/**
 * Order editing before fulfilment: staff add variants, change quantities and remove lines of an order
 * nothing of which has shipped; the order is re-priced with the cart's pricing engine, its stock
 * reservation follows the new quantities, and the payment difference is settled (refund) or shown
 * (balance due).
 */

/**
 * Statuses in which an order's lines may be edited: `processing` (paid, or a manual payment awaited)
 * and `on_hold` (held for review). Not `pending_payment` (the provider is charging the placed total and
 * the reservation may expire), not `cancelled` / `refunded` (closed), not a failed payment (the order
 * is cancelled then), not `ready_for_pickup` (already picked and packed), and never once anything
 * shipped (`partially_shipped` and after): every line's fulfilledQuantity must be 0.
 */
export const editableStatuses = ["processing", "on_hold"] as const;

/** Most units one line may hold after an edit (the cart's own limit). */
const maxQuantity = 10_000;

/**
 * One change of an order edit:
 * - `add`: `variantId` and `quantity` (a variant not on the order yet, at today's price);
 * - `set_quantity`: `lineId` and the new `quantity` (1 or more; use `remove` for 0);
 * - `remove`: `lineId`.
 */
export interface OrderEditChange {
  type: "add" | "set_quantity" | "remove";
  lineId?: string;
  variantId?: string;
  quantity?: number;
}

/** A line as it is, or would be after an edit. Amounts in minor units of the order currency. */
export interface EditLine {
  /** The order line id; null for a line the edit adds. */
  lineId: string | null;
  variantId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}

/** An order's totals, minor units of its currency. */
export interface EditTotals {
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  shippingDiscount: number;
  shippingTax: number;
  taxTotal: number;
  total: number;
}

/** Stock the edit reserves (positive) or releases (negative), per variant. */
export interface EditStockChange {
  variantId: string;
  sku: string;
  quantity: number;
}

/** Added units the stock does not cover now (the save would answer 409 OUT_OF_STOCK). */
export interface EditShortage {
  field: string;
  variantId: string;
  sku: string;
  requested: number;
  available: number;
}

/**
 * What an edit does, as the preview answers it and the save applies it. Amounts in minor units of
 * `currency` (ISO 4217).
 * - `difference`: after.total − before.total;
 * - `paidTotal`: what the customer has paid and not been refunded (captured − refunded);
 * - `refundDue`: captured − after.total when positive, refunded by the save through `refundOrder`;
 * - `balanceDue`: after.total − captured when positive, for staff to collect.
 * "Captured" is paidTotal + refundedTotal: money already given back (a line refunded, a goodwill
 * amount) neither reduces what the order costs nor is owed again, so it counts on both sides.
 */
export interface OrderEditPlan {
  orderId: string;
  currency: string;
  pricesIncludeTax: boolean;
  /** The order's version the plan was computed from. */
  version: number;
  before: { lines: EditLine[]; totals: EditTotals };
  after: { lines: EditLine[]; totals: EditTotals };
  promotions: AppliedPromotionSnapshot[];
  difference: number;
  paidTotal: number;
  refundDue: number;
  balanceDue: number;
  stock: EditStockChange[];
  shortages: EditShortage[];
}

/** The rows an edit writes, next to its public plan. */
interface EditWrites {
  removed: string[];
  kept: { id: string; values: Partial<OrderLineRow> }[];
  added: { change: number; values: Omit<OrderLineRow, "id" | "orderId" | "position"> }[];
  /** Units per variant to reserve (added units), with the change that asked for them. */
  reserve: { variantId: string; sku: string; quantity: number; change: number }[];
  release: { variantId: string; quantity: number }[];
  fulfillmentStatus: OrderRow["fulfillmentStatus"];
}

const totalsOf = (o: EditTotals): EditTotals => ({
  subtotal: o.subtotal,
  discountTotal: o.discountTotal,
  shippingTotal: o.shippingTotal,
  shippingDiscount: o.shippingDiscount,
  shippingTax: o.shippingTax,
  taxTotal: o.taxTotal,
  total: o.total,
});

const lineOf = (l: OrderLineRow): EditLine => ({
  lineId: l.id,
  variantId: l.variantId,
  sku: l.sku,
  productName: l.productName,
  variantTitle: l.variantTitle,
  quantity: l.quantity,
  unitPrice: l.unitPrice,
  subtotal: l.subtotal,
  discount: l.discount,
  tax: l.tax,
  total: l.total,
});

/**
 * Refuses an edit of an order that is not editable.
 * @throws AppError 409 ORDER_NOT_EDITABLE (status outside `editableStatuses`, or something shipped),
 *   409 ORDER_PAYMENT_NOT_CAPTURED (an authorization waiting for capture: approving the held order
 *   captures the authorized amount in full, so the edit would not change what is taken; approve or
 *   cancel it first — re-authorizing is out of scope).
 *   409 ORDER_SPLIT_BY_VENDOR for a marketplace order (lines sold by vendors): its vendor orders,
 *   commissions and payables were fixed at checkout; cancel or refund items instead.
 */
export function assertEditable(order: OrderRow, lines: OrderLineRow[]): void {
  if (!(editableStatuses as readonly string[]).includes(order.status)) {
    throw new AppError(
      409,
      "ORDER_NOT_EDITABLE",
      `An order that is ${order.status.replaceAll("_", " ")} cannot be edited; only ${editableStatuses.join(" or ").replaceAll("_", " ")} orders can.`,
    );
  }
  if (
    lines.some((l) => l.fulfilledQuantity > 0) ||
    !["unfulfilled", "not_required"].includes(order.fulfillmentStatus)
  ) {
    throw new AppError(
      409,
      "ORDER_NOT_EDITABLE",
      "Part of this order has shipped; it can no longer be edited. Refund or return items instead.",
    );
  }
  if (lines.some((l) => l.vendorId !== null)) {
    throw new AppError(
      409,
      "ORDER_SPLIT_BY_VENDOR",
      "Vendors sell items of this order, each with its own vendor order; it cannot be edited. Refund or cancel items instead.",
    );
  }
  if (order.paymentStatus === "authorized") {
    throw new AppError(
      409,
      "ORDER_PAYMENT_NOT_CAPTURED",
      "The payment of this order is authorized but not captured; approve the order (capture) or cancel it before editing.",
    );
  }
}

function checkQuantity(errors: FieldError[], i: number, quantity: unknown): quantity is number {
  if (
    typeof quantity !== "number" ||
    !Number.isSafeInteger(quantity) ||
    quantity < 1 ||
    quantity > maxQuantity
  ) {
    errors.push({
      field: `changes[${i}].quantity`,
      message: `must be a whole number from 1 to ${maxQuantity}${quantity === 0 ? " (to drop a line, remove it)" : ""}`,
    });
    return false;
  }
  return true;
}

/**
 * Computes an edit without writing anything: checks the changes against the order, prices the
 * would-be lines with the cart's engine (pricing's priceCart) and works out stock and money.
 *
 * Pricing rules (and why):
 * - lines already on the order keep the unit price the customer agreed to (`unitPrice` as ordered);
 * - added variants take today's price in the order's currency (the catalog's, or the currency's
 *   price list; cart's saleVariantsIn), with the customer's group prices, as a new cart line would;
 * - tax is recomputed per line by the engine with today's rates for the order's shipping address (its
 *   billing address when nothing ships), as the checkout does; the order's `pricesIncludeTax` is kept;
 * - promotions: those the order got are re-evaluated by the engine against the new lines, as they
 *   stood when the order was placed (pricing's promotionsFor at `placedAt`, with the order's coupon
 *   codes; per-customer limits are not counted again, the order already holds its use). So a minimum
 *   subtotal no longer reached drops its discount, and an order-wide percentage covers added lines.
 *   No new promotion is added. A promotion the engine can no longer load (switched off, deleted, or its
 *   code used up — by this very order for single-use codes) keeps the discount it gave each remaining
 *   line, in proportion to the line's new quantity (rounded half-up), and gives nothing to added lines;
 * - shipping keeps the price charged at checkout (the method was chosen and quoted for the shopper;
 *   re-quoting could change or remove it); its tax and a free-shipping promotion are re-evaluated.
 * @throws ValidationError naming `changes[i].lineId` (not a line of the order, changed twice, has
 *   refunded units), `changes[i].variantId` (unknown or not for sale, not priced in the order currency,
 *   already on the order, ships but the order has no shipping address), `changes[i].quantity` (not
 *   1-10000), `changes` (empty, or no line left: cancel the order instead).
 */
export async function planOrderEdit(
  db: Db,
  order: OrderRow,
  lines: OrderLineRow[],
  changes: OrderEditChange[],
  now = new Date(),
): Promise<{ plan: OrderEditPlan; writes: EditWrites }> {
  const errors: FieldError[] = [];
  if (changes.length === 0) errors.push({ field: "changes", message: "list at least one change" });
  const byId = new Map(lines.map((l) => [l.id, l]));
  const quantities = new Map(lines.map((l) => [l.id, l.quantity]));
  const touched = new Set<string>();
  const adds: { change: number; variantId: string; quantity: number }[] = [];
  const addIds = changes.flatMap((c) =>
    c.type === "add" && typeof c.variantId === "string" ? [c.variantId] : [],
  );
  // Added items take the price the customer would get in a cart today: their groups' prices apply.
  const sale = await saleVariantsIn(
    db,
    [...new Set([...lines.map((l) => l.variantId), ...addIds])],
    order.currency,
    now,
    await customerGroupIdsOf(db, order.userId),
  );

  changes.forEach((c, i) => {
    if (c.type === "add") {
      if (!c.variantId) {
        errors.push({ field: `changes[${i}].variantId`, message: "name the variant to add" });
        return;
      }
      const okQuantity = checkQuantity(errors, i, c.quantity);
      const variant = sale.get(c.variantId);
      if (!variant?.isSellable) {
        errors.push({ field: `changes[${i}].variantId`, message: `no variant "${c.variantId}" is for sale` });
      } else if (variant.vendorId !== null) {
        errors.push({
          field: `changes[${i}].variantId`,
          message: `${variant.sku} is sold by a marketplace vendor: the shopper orders it through the checkout`,
        });
      } else if (variant.currency !== order.currency) {
        errors.push({
          field: `changes[${i}].variantId`,
          message: `${variant.sku} has no price in ${order.currency}, the order's currency`,
        });
      } else if (
        lines.some((l) => l.variantId === c.variantId) ||
        adds.some((a) => a.variantId === c.variantId)
      ) {
        errors.push({
          field: `changes[${i}].variantId`,
          message: `${variant.sku} is already on the order; change that line's quantity instead`,
        });
      } else if (!variant.isDigital && !order.shippingAddress) {
        errors.push({
          field: `changes[${i}].variantId`,
          message: `${variant.sku} ships, and this order has no shipping address`,
        });
      } else if (okQuantity) {
        adds.push({ change: i, variantId: c.variantId, quantity: c.quantity! });
      }
      return;
    }
    const line = c.lineId ? byId.get(c.lineId) : undefined;
    if (!line) {
      errors.push({
        field: `changes[${i}].lineId`,
        message: c.lineId ? "not a line of this order" : "name the line to change",
      });
      return;
    }
    if (touched.has(line.id)) {
      errors.push({
        field: `changes[${i}].lineId`,
        message: "this line is changed twice; send one change per line",
      });
      return;
    }
    touched.add(line.id);
    if (line.refundedQuantity > 0) {
      errors.push({
        field: `changes[${i}].lineId`,
        message: `${line.sku} has refunded units; it can no longer be changed`,
      });
      return;
    }
    if (c.type === "remove") quantities.set(line.id, 0);
    else if (checkQuantity(errors, i, c.quantity)) quantities.set(line.id, c.quantity!);
  });
  if (errors.length) throw new ValidationError(errors);
  const kept = lines.filter((l) => quantities.get(l.id)! > 0);
  if (kept.length + adds.length === 0) {
    throw new ValidationError([
      { field: "changes", message: "an order keeps at least one line; cancel the order instead" },
    ]);
  }

  // Pricing lines: kept lines at their agreed unit price, added ones at today's.
  const pricingLines: PricingLine[] = [
    ...kept.map((l) => {
      const current = sale.get(l.variantId);
      return {
        id: l.id,
        productId: l.productId,
        variantId: l.variantId,
        sku: l.sku,
        categoryIds: current?.categoryIds ?? [],
        quantity: quantities.get(l.id)!,
        unitPrice: l.unitPrice,
        onSale: current?.onSale ?? false,
        taxClass: l.taxClass,
      };
    }),
    ...adds.map((a) => {
      const v = sale.get(a.variantId)!;
      return {
        id: `add:${a.change}`,
        productId: v.productId,
        variantId: v.variantId,
        sku: v.sku,
        categoryIds: v.categoryIds,
        quantity: a.quantity,
        unitPrice: v.unitPrice,
        onSale: v.onSale,
        taxClass: v.taxClass,
      };
    }),
  ];
  const promotions = await orderPromotions(db, order, kept, quantities);
  const settings = await getStoreSettings(db);
  const address = order.shippingAddress ?? order.billingAddress;
  const rates = await taxRatesFor(
    db,
    address ? { countryCode: address.country, region: address.region, postcode: address.postalCode } : null,
  );
  const priced = priceCart({
    currency: order.currency,
    pricesIncludeTax: order.pricesIncludeTax,
    lines: pricingLines,
    promotions,
    shipping: order.shippingMethod
      ? { amount: order.shippingTotal, taxClass: settings.shippingTaxClass ?? "__untaxed" }
      : null,
    taxRates: rates,
  });

  const writes: EditWrites = {
    removed: lines.filter((l) => quantities.get(l.id) === 0).map((l) => l.id),
    kept: [],
    added: [],
    reserve: [],
    release: [],
    fulfillmentStatus: "not_required",
  };
  const after: EditLine[] = [];
  priced.lines.forEach((p, k) => {
    const amounts = {
      quantity: p.quantity,
      unitPrice: p.unitPrice,
      subtotal: p.subtotal,
      discount: p.discount,
      tax: p.tax,
      total: p.total,
      taxes: p.taxes,
      discounts: mergeDiscounts(p.discounts),
    };
    if (k < kept.length) {
      const l = kept[k]!;
      writes.kept.push({ id: l.id, values: amounts });
      after.push({ ...lineOf(l), ...pick(amounts) });
      return;
    }
    const a = adds[k - kept.length]!;
    const v = sale.get(a.variantId)!;
    writes.added.push({
      change: a.change,
      values: {
        variantId: v.variantId,
        productId: v.productId,
        sku: v.sku,
        productName: v.productName,
        variantTitle: v.variantTitle,
        options: v.options,
        productSlug: v.productSlug,
        imageId: v.imageId,
        taxClass: v.taxClass,
        weightGrams: v.weightGrams,
        requiresShipping: !v.isDigital,
        isDigital: v.isDigital,
        vendorId: null,
        commissionAmount: 0,
        commissionRule: null,
        fulfilledQuantity: 0,
        returnedQuantity: 0,
        refundedQuantity: 0,
        cancelledQuantity: 0,
        ...amounts,
      },
    });
    after.push({
      lineId: null,
      variantId: v.variantId,
      sku: v.sku,
      productName: v.productName,
      variantTitle: v.variantTitle,
      ...pick(amounts),
    });
  });
  const ships = kept.some((l) => l.requiresShipping) || writes.added.some((a) => a.values.requiresShipping);
  writes.fulfillmentStatus = ships ? "unfulfilled" : "not_required";

  // Stock follows the physical units: more units reserve, fewer release (digital lines hold none).
  for (const l of lines) {
    if (l.isDigital) continue;
    const delta = quantities.get(l.id)! - l.quantity;
    if (delta > 0) {
      const change = changes.findIndex((c) => c.lineId === l.id);
      writes.reserve.push({ variantId: l.variantId, sku: l.sku, quantity: delta, change });
    } else if (delta < 0) writes.release.push({ variantId: l.variantId, quantity: -delta });
  }
  for (const a of writes.added) {
    if (!a.values.isDigital)
      writes.reserve.push({
        variantId: a.values.variantId,
        sku: a.values.sku,
        quantity: a.values.quantity,
        change: a.change,
      });
  }
  const availability = await getAvailability(
    db,
    writes.reserve.map((r) => r.variantId),
  );
  const shortages: EditShortage[] = writes.reserve.flatMap((r) => {
    const a = availability.get(r.variantId);
    if (a?.unlimited || (a && a.availableQuantity >= r.quantity)) return [];
    return [
      {
        field: `changes[${r.change}]`,
        variantId: r.variantId,
        sku: r.sku,
        requested: r.quantity,
        available: a?.availableQuantity ?? 0,
      },
    ];
  });

  const beforeTotals = totalsOf(order);
  const afterTotals = totalsOf(priced);
  const paidTotal = order.paidTotal;
  const captured = order.paidTotal + order.refundedTotal;
  return {
    plan: {
      orderId: order.id,
      currency: order.currency,
      pricesIncludeTax: order.pricesIncludeTax,
      version: order.version,
      before: { lines: lines.map(lineOf), totals: beforeTotals },
      after: { lines: after, totals: afterTotals },
      promotions: mergeApplied(priced.appliedPromotions).map((p) => ({
        ...p,
        type: order.promotions.find((o) => o.id === p.id)?.type ?? p.type,
      })),
      difference: afterTotals.total - beforeTotals.total,
      paidTotal,
      refundDue: Math.max(captured - afterTotals.total, 0),
      balanceDue: Math.max(afterTotals.total - captured, 0),
      stock: [
        ...writes.reserve.map((r) => ({ variantId: r.variantId, sku: r.sku, quantity: r.quantity })),
        ...writes.release.map((r) => ({
          variantId: r.variantId,
          sku: lines.find((l) => l.variantId === r.variantId)!.sku,
          quantity: -r.quantity,
        })),
      ],
      shortages,
    },
    writes,
  };
}

const pick = (a: {
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}) => ({
  quantity: a.quantity,
  unitPrice: a.unitPrice,
  subtotal: a.subtotal,
  discount: a.discount,
  tax: a.tax,
  total: a.total,
});

/** A line's discounts with one entry per promotion (frozen promotions may give several). */
function mergeDiscounts(discounts: { promotionId: string; amount: number }[]) {
  const merged = new Map<string, number>();
  for (const d of discounts) merged.set(d.promotionId, (merged.get(d.promotionId) ?? 0) + d.amount);
  return [...merged].map(([promotionId, amount]) => ({ promotionId, amount }));
}

/** Applied promotions with one entry per promotion id, as the order keeps them. */
function mergeApplied(applied: AppliedPromotionSnapshot[]): AppliedPromotionSnapshot[] {
  const merged = new Map<string, AppliedPromotionSnapshot>();
  for (const p of applied) {
    const seen = merged.get(p.id);
    merged.set(p.id, seen ? { ...seen, amount: seen.amount + p.amount } : { ...p });
  }
  return [...merged.values()];
}

/**
 * The promotions to re-evaluate an edited order with (see `planOrderEdit`): the order's promotions as
 * the engine loads them at the order's placement time, and for each one it can no longer load, a
 * fixed discount per remaining line (what it gave the line, in proportion to the new quantity).
 */
async function orderPromotions(
  db: Db,
  order: OrderRow,
  kept: OrderLineRow[],
  quantities: Map<string, number>,
): Promise<Promotion[]> {
  if (order.promotions.length === 0) return [];
  const ids = new Set(order.promotions.map((p) => p.id));
  const { promotions } = await promotionsFor(db, {
    couponCodes: order.couponCodes,
    currency: order.currency,
    customerKey: null,
    now: order.placedAt,
  });
  const live = promotions.filter((p) => ids.has(p.id));
  const frozen = order.promotions.filter((p) => !live.some((l) => l.id === p.id));
  const fixed: Promotion[] = [];
  for (const p of frozen) {
    for (const line of kept) {
      const given = line.discounts.filter((d) => d.promotionId === p.id).reduce((s, d) => s + d.amount, 0);
      if (given === 0) continue;
      const scaled = Math.floor((2 * given * quantities.get(line.id)! + line.quantity) / (2 * line.quantity));
      if (scaled === 0) continue;
      fixed.push({
        id: p.id,
        name: p.name,
        code: p.code,
        type: "fixed",
        appliesTo: "order",
        value: scaled,
        buyQuantity: 0,
        getQuantity: 1,
        maxDiscountAmount: null,
        conditions: { skus: [line.sku] },
        // Kept amounts come first: they are what the customer was given.
        priority: -1_000_000,
        stopFurtherPromotions: false,
      });
    }
  }
  return [...fixed, ...live];
}

/** The outcome of a saved edit. Amounts in minor units of the order currency. */
export interface OrderEditOutcome {
  /** The order's version after the edit (its new ETag). */
  version: number;
  difference: number;
  refundDue: number;
  balanceDue: number;
  /** The refund of `refundDue`, when one was made (or had been, for a replay). */
  refund: Pick<RefundRow, "id" | "amount" | "status"> | null;
  /** Why the refund of `refundDue` failed, when it did (the edit itself is saved). */
  refundError: string | null;
  /** True when the Idempotency-Key named an edit already saved: nothing was changed again. */
  replayed: boolean;
}

/** What the saved edit's timeline entry keeps (`order.edited` event data). */
interface EditRecord {
  version: number;
  difference: number;
  refundDue: number;
  balanceDue: number;
  requestKey: string | null;
}

async function findEditByKey(db: Db, orderId: string, requestKey: string): Promise<EditRecord | null> {
  const [row] = await db
    .select({ data: orderEvents.data })
    .from(orderEvents)
    .where(
      and(
        eq(orderEvents.orderId, orderId),
        eq(orderEvents.type, "order.edited"),
        sql`${orderEvents.data}->>'requestKey' = ${requestKey}`,
      ),
    )
    .limit(1);
  return row ? (row.data as unknown as EditRecord) : null;
}

/**
 * Saves an edit of an order's lines (see `planOrderEdit` for the pricing rules) in ONE transaction:
 * the order is locked and its version checked; lines are rewritten and totals recomputed; stock is
 * reserved for added units with the checkout's conditional reservation (inventory's reserveStock:
 * never oversells) and released for removed units; the version is bumped; the timeline gets
 * `order.edited` (before/after lines and totals, difference, currency); `audit` records the staff
 * action in the same transaction; `order.edited` goes to the outbox.
 *
 * After commit, the payment difference: when the new total is below what was paid (captured −
 * refunded) the difference is refunded through `refundOrder` with the request key
 * `order-edit:v<new version>`, so a retry never refunds twice; when it is above, the order shows a
 * balance due (total − paid) for staff to collect (a manual payment's "mark paid", or outside the
 * shop). A refund the provider refuses leaves the edit saved and is reported in `refundError`.
 *
 * Idempotent by `requestKey` (the Idempotency-Key): a key that already saved an edit of this order
 * changes nothing and answers that edit (retrying its refund with the same request key).
 * @param expectedVersion from If-Match; undefined saves unconditionally.
 * @throws NotFoundError ORDER_NOT_FOUND, StaleVersionError 409 STALE_VERSION, the errors of
 *   `assertEditable` and `planOrderEdit`, AppError 409 OUT_OF_STOCK naming the change (`changes[i]`)
 *   whose units are not available (nothing is saved).
 */
export async function editOrder(
  ctx: PaymentsContext,
  orderId: string,
  input: {
    changes: OrderEditChange[];
    note?: string;
    expectedVersion: number | undefined;
    actor: OrderActor;
    requestKey: string | null;
    audit: (
      tx: Db,
      entry: { before: Record<string, unknown>; after: Record<string, unknown>; plan: OrderEditPlan },
    ) => Promise<void>;
  },
): Promise<OrderEditOutcome> {
  const saved = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (input.requestKey) {
      const earlier = await findEditByKey(tx, orderId, input.requestKey);
      if (earlier) return { record: earlier, replayed: true };
    }
    assertVersion("order", order.version, input.expectedVersion);
    const { lines } = await getOrderWithLines(tx, orderId);
    assertEditable(order, lines);
    const { plan, writes } = await planOrderEdit(tx, order, lines, input.changes);

    try {
      await reserveStock(
        tx,
        orderId,
        writes.reserve.map((r) => ({ variantId: r.variantId, quantity: r.quantity })),
      );
    } catch (error) {
      if (!(error instanceof OutOfStockError)) throw error;
      throw new AppError(
        409,
        "OUT_OF_STOCK",
        error.message,
        error.lines.map((short) => {
          const r = writes.reserve.find((x) => x.variantId === short.variantId)!;
          return {
            field: `changes[${r.change}]`,
            message: `${r.sku}: ${short.available} available, ${short.requested} more requested`,
          };
        }),
      );
    }
    for (const r of writes.release) await releaseReservedUnits(tx, orderId, r.variantId, r.quantity);

    if (writes.removed.length)
      await tx.delete(orderLineItems).where(inArray(orderLineItems.id, writes.removed));
    for (const k of writes.kept)
      await tx.update(orderLineItems).set(k.values).where(eq(orderLineItems.id, k.id));
    const nextPosition = lines.reduce((max, l) => Math.max(max, l.position), -1) + 1;
    if (writes.added.length) {
      await tx.insert(orderLineItems).values(
        writes.added.map((a, k) => ({
          ...a.values,
          id: newId("oli"),
          orderId,
          position: nextPosition + k,
        })),
      );
    }
    const version = order.version + 1;
    const [updated] = await tx
      .update(orders)
      .set({
        ...plan.after.totals,
        promotions: plan.promotions,
        fulfillmentStatus: writes.fulfillmentStatus,
        version,
        updatedAt: new Date(),
      })
      .where(and(eq(orders.id, orderId), eq(orders.version, order.version)))
      .returning({ id: orders.id });
    if (!updated)
      throw new AppError(409, "CONCURRENT_UPDATE", "The order changed while it was edited; retry.");

    const record: EditRecord = {
      version,
      difference: plan.difference,
      refundDue: plan.refundDue,
      balanceDue: plan.balanceDue,
      requestKey: input.requestKey,
    };
    await addOrderEvent(tx, orderId, "order.edited", editMessage(plan, input.note), input.actor, {
      ...record,
      currency: plan.currency,
      before: plan.before,
      after: plan.after,
      changes: input.changes,
      note: input.note ?? "",
    });
    await input.audit(tx, {
      before: { lines: plan.before.lines, ...plan.before.totals },
      after: { lines: plan.after.lines, ...plan.after.totals },
      plan,
    });
    await enqueue(tx, "order.edited", {
      orderId,
      version,
      difference: plan.difference,
      currency: plan.currency,
    });
    return { record, replayed: false };
  });

  const { record } = saved;
  let refund: OrderEditOutcome["refund"] = null;
  let refundError: string | null = null;
  if (record.refundDue > 0) {
    try {
      const row = await refundOrder(ctx, orderId, {
        amount: record.refundDue,
        reason: "other",
        note: `Order edited (version ${record.version}): the new total is lower than what was paid`,
        actor: input.actor,
        requestKey: `order-edit:v${record.version}`,
      });
      refund = { id: row.id, amount: row.amount, status: row.status };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refundError = error.message;
    }
  }
  return {
    version: record.version,
    difference: record.difference,
    refundDue: record.refundDue,
    balanceDue: record.balanceDue,
    refund,
    refundError,
    replayed: saved.replayed,
  };
}

/** The timeline's words for an edit: what the total became, and the staff note. */
function editMessage(plan: OrderEditPlan, note: string | undefined): string {
  const sign = plan.difference > 0 ? "+" : "";
  return `Items edited: total ${plan.before.totals.total} → ${plan.after.totals.total} (${sign}${plan.difference} ${plan.currency})${note ? `: ${note}` : ""}`;
}

/**
 * Previews an edit: the would-be lines, totals, promotions, stock and payment difference, nothing
 * saved (see `planOrderEdit`). Added units the stock does not cover now are listed in `shortages`.
 * @throws NotFoundError ORDER_NOT_FOUND, the errors of `assertEditable` and `planOrderEdit`.
 */
export async function previewOrderEdit(
  db: Db,
  orderId: string,
  changes: OrderEditChange[],
): Promise<OrderEditPlan> {
  const { order, lines } = await getOrderWithLines(db, orderId);
  assertEditable(order, lines);
  return (await planOrderEdit(db, order, lines, changes)).plan;
}

/** A variant staff may add to an order, priced as the edit would price it. */
export interface ItemToAdd {
  variantId: string;
  productName: string;
  variantTitle: string;
  sku: string;
  /** Today's unit price in the order's currency (minor units), or null when it has none there. */
  unitPrice: number | null;
  /** The regular price, when `unitPrice` is a special price (minor units of the order currency). */
  regularPrice: number | null;
  /** Units that can be sold now; null when stock is not counted (digital, backorders). */
  availableQuantity: number | null;
  /** Already a line of the order (change that line's quantity instead). */
  onOrder: boolean;
  /** Needs shipping (the order must have a shipping address). */
  ships: boolean;
}

/**
 * Variants on sale whose SKU or product name contains `q` (case-insensitive, at least 2 characters),
 * for the order desk's "Add an item": each priced as the edit would price it (today's price in the
 * order's currency, price lists applied; see planOrderEdit) with its stock. Needs only the order
 * permission, not the catalog's. At most `limit` (20), in SKU order.
 * @throws NotFoundError ORDER_NOT_FOUND; ValidationError (field `q`) below 2 characters.
 */
export async function itemsToAdd(db: Db, orderId: string, q: string, limit = 20): Promise<ItemToAdd[]> {
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  const search = q.trim();
  if (search.length < 2)
    throw new ValidationError([{ field: "q", message: "at least 2 letters of a product name or SKU" }]);
  const found = await listVariantsBySku(db, { search, limit: limit * 3 });
  const active = found.items.filter((v) => v.productStatus === "active");
  const ids = active.map((v) => v.variantId);
  const [sale, stock, lines] = await Promise.all([
    saleVariantsIn(db, ids, order.currency, new Date(), await customerGroupIdsOf(db, order.userId)),
    getAvailability(db, ids),
    db
      .select({ variantId: orderLineItems.variantId })
      .from(orderLineItems)
      .where(eq(orderLineItems.orderId, orderId)),
  ]);
  const onOrder = new Set(lines.map((l) => l.variantId));
  const items: ItemToAdd[] = [];
  for (const v of active) {
    const variant = sale.get(v.variantId);
    if (!variant?.isSellable) continue;
    const priced = variant.currency === order.currency;
    const available = stock.get(v.variantId);
    items.push({
      variantId: v.variantId,
      productName: v.productName,
      variantTitle: v.variantTitle,
      sku: v.sku,
      unitPrice: priced ? variant.unitPrice : null,
      regularPrice: priced && variant.onSale ? variant.regularPrice : null,
      availableQuantity:
        variant.isDigital || !available || available.unlimited ? null : available.availableQuantity,
      onOrder: onOrder.has(v.variantId),
      ships: !variant.isDigital,
    });
    if (items.length === limit) break;
  }
  return items;
}
