import { createHash } from "node:crypto";
import type { Db } from "../../platform/db.ts";
import { AppError, ConflictError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import {
  type CartRow,
  type CartView,
  claimCartPart,
  completeCartPart,
  releaseCartFromOrder,
  viewCart,
} from "../cart/index.ts";
import { customerGroupIdsOf } from "../customers/index.ts";
import { checkReservation, releaseReservations, reserveStockPart } from "../inventory/index.ts";
import {
  addOrderEvent,
  findIdempotencyKey,
  findOrder,
  hasVendorOrders,
  IdempotencyKeyTakenError,
  insertOrder,
  insertVendorOrders,
  type NewOrderEvent,
  type OrderActor,
  type OrderEventRow,
  type OrderParts,
  type OrderRow,
  refundOrder,
  splitByVendor,
  syncOrderLedger,
  transitionOrder,
  transitionOrderWithParts,
} from "../orders/index.ts";
import {
  findPayment,
  type PaymentRow,
  ProviderError,
  type ProviderPayment,
  paymentRecordPart,
  paymentsOfOrder,
  providerPaymentPart,
  recordProviderPayment,
} from "../payments/index.ts";
import {
  CouponError,
  type CouponInfo,
  getStoreSettings,
  promotionsFor,
  redeemCoupons,
  releaseCoupons,
  type StoreSettings,
} from "../pricing/index.ts";
import { activeVendorNames, commissionsFor } from "../vendors/index.ts";
import type { CheckoutContext } from "./checkout.context.ts";
import {
  type FraudContext,
  type FraudSignal,
  recentOrderCounts,
  recentOrdersByCard,
} from "./checkout.fraud.ts";

/** What the shopper asks for when placing an order. Prices are never sent: totals are the server's. */
export interface PlaceOrderInput {
  /** The shopper's active cart; null when there is none (then only a replay can succeed). */
  cart: CartRow | null;
  /**
   * Who the idempotency key belongs to: the account id, or `guest:<cart token hash>`. Keys are
   * remembered per scope, so a replay still finds its order after the cart became that order.
   */
  scope: string;
  /** Client-chosen key (1-255 visible ASCII characters): the same key returns the same order. */
  idempotencyKey: string;
  payment: { provider: string; data: Record<string, unknown> };
  actor: { userId: string | null };
  ipAddress: string | null;
  /** Absolute URLs the provider may send the shopper back to (off-site approval, 3-D Secure). */
  returnUrl: string;
  cancelUrl: string;
}

/** Result of placing an order: the order and where its payment stands. */
export interface PlaceOrderResult {
  orderId: string;
  /** True when this call created the order; false when the idempotency key replayed an earlier one. */
  created: boolean;
  payment: PaymentRow;
  /**
   * The order as this call wrote it (for the response, without reading it back); null for a replay or
   * when the payment did not settle in this call.
   */
  parts: OrderParts | null;
}

/** The payment was declined: 402 PAYMENT_DECLINED with the provider's reason. The cart is kept. */
export class PaymentDeclinedError extends AppError {
  constructor(
    readonly failureCode: string,
    message: string,
    readonly orderNumber: string,
  ) {
    super(402, "PAYMENT_DECLINED", message, [{ field: "payment", message: failureCode }]);
  }
}

/** A JSON text of a value with object keys sorted at every depth, so equal requests hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 of the whole request an idempotency key stands for (the payment method and every field of
 * its data, keys in canonical order): the same key sent with another card or other payment data is
 * refused with 409 IDEMPOTENCY_KEY_REUSED, as Stripe's API does for a key reused with other
 * parameters (https://docs.stripe.com/api/idempotent_requests).
 */
function requestHash(input: PlaceOrderInput): string {
  return createHash("sha256")
    .update(canonicalJson({ payment: { provider: input.payment.provider, data: input.payment.data } }))
    .digest("hex");
}

/**
 * Checks that a cart can become an order as it is.
 * @throws ValidationError naming what is missing (email, shippingAddress, shippingAddress.phone when
 *   the shop requires a phone, shippingMethodId, lines), AppError 409 CART_ITEM_UNAVAILABLE for a line
 *   whose product is no longer for sale, CouponError for an entered code that no longer works.
 */
function checkReady(view: CartView, settings: StoreSettings): void {
  const errors: { field: string; message: string }[] = [];
  if (view.lines.length === 0) errors.push({ field: "lines", message: "the cart is empty" });
  if (!view.email) errors.push({ field: "email", message: "enter an e-mail address" });
  if (view.requiresShipping && !view.shippingAddress)
    errors.push({ field: "shippingAddress", message: "enter a shipping address" });
  if (
    settings.requirePhone &&
    view.requiresShipping &&
    view.shippingAddress &&
    !view.shippingAddress.phone?.trim()
  )
    errors.push({ field: "shippingAddress.phone", message: "enter a phone number for the delivery" });
  if (view.requiresShipping && view.shippingAddress && !view.shippingMethod)
    errors.push({ field: "shippingMethodId", message: "choose a shipping method" });
  if (!view.requiresShipping && !view.billingAddress && !view.shippingAddress)
    errors.push({ field: "billingAddress", message: "enter a billing address" });
  if (errors.length) throw new ValidationError(errors);
  const unavailable = view.lines.filter((l) => !l.sale.isSellable);
  if (unavailable.length) {
    throw new AppError(
      409,
      "CART_ITEM_UNAVAILABLE",
      `No longer for sale: ${unavailable.map((l) => l.sku).join(", ")}. Remove it from the cart to check out.`,
      unavailable.map((l) => ({ field: `lines.${l.id}`, message: `${l.sku} is no longer for sale` })),
    );
  }
  const invalid = view.couponProblems.find((p) => p.reason.startsWith("COUPON_"));
  if (invalid)
    throw new CouponError(invalid.reason as ConstructorParameters<typeof CouponError>[0], invalid.code);
}

/** The order an idempotency key already made for this cart, or null. @throws ConflictError on reuse with another request. */
async function replay(db: Db, input: PlaceOrderInput): Promise<string | null> {
  const row = await findIdempotencyKey(db, input.scope, input.idempotencyKey);
  if (!row) return null;
  if (row.requestHash !== requestHash(input)) {
    throw new ConflictError(
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was used for a different request.",
    );
  }
  return row.orderId;
}

/**
 * Places an order from a cart, exactly once per idempotency key:
 * 1. one transaction records the key, writes the order (status pending_payment, prices as the server
 *    computed them), claims the cart, writes its payment record and reserves its stock (conditional
 *    updates), all in ONE statement, then redeems coupons (conditional updates); any failure rolls all
 *    of it back;
 * 2. after commit the provider is asked to pay (its idempotency key is our payment id, so a retry
 *    never charges twice);
 * 3. the outcome is recorded: paid/authorized orders become `processing` and their cart completes (one
 *    statement); a declined payment cancels the order, releases stock and coupons and gives the
 *    cart back; a payment needing the shopper (3-D Secure, PayPal approval) stays pending until its
 *    webhook or the shopper's return, or until the reservation expires.
 * Concurrent calls with one key: the key's primary key lets one transaction win; the others wait for
 * it and replay its order.
 * The shop's settings apply as they are now: the payment provider must be offered (switched on),
 * guests may be refused (403 GUEST_CHECKOUT_DISABLED), a phone may be required, and the order number
 * takes the shop's prefix.
 * @throws ValidationError (cart not ready, provider not offered), CouponError, OutOfStockError (409
 *   OUT_OF_STOCK), ConflictError CHECKOUT_IN_PROGRESS / IDEMPOTENCY_KEY_REUSED / CART_PRICES_CHANGED (the
 *   customer's groups, hence group prices and promotions, changed while placing), PaymentDeclinedError.
 */
export async function placeOrder(ctx: CheckoutContext, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  if (!/^[\x21-\x7e]{1,255}$/.test(input.idempotencyKey)) {
    throw new ValidationError([
      { field: "Idempotency-Key", message: "send 1-255 visible ASCII characters, e.g. a UUID" },
    ]);
  }
  const provider = await ctx.payments.forCheckout(ctx.db, input.payment.provider);
  const cart = input.cart;
  if (!cart) {
    // The cart became an order (or went away): only a replay of a key can answer.
    const existing = await replay(ctx.db, input);
    if (existing) return replayResult(ctx, existing, input);
    throw new AppError(404, "CART_NOT_FOUND", "There is no cart to check out.");
  }
  // With an active cart the key is checked when it is claimed in the order's transaction; a key that
  // already has an order (a replay while the cart is held, or after a declined payment) answers there.
  // Stock is not read here: the reservation checks it with the row locked.
  const settings = await getStoreSettings(ctx.db);
  if (!input.actor.userId && !settings.guestCheckout) {
    throw new AppError(
      403,
      "GUEST_CHECKOUT_DISABLED",
      "This shop asks you to sign in or create an account to check out.",
    );
  }
  const view = await viewCart(ctx.db, cart, new Date(), { stock: false });
  try {
    checkReady(view, settings);
  } catch (error) {
    // A retry whose key already made an order answers with that order even if the cart changed since.
    const existing = await replay(ctx.db, input);
    if (existing) return replayResult(ctx, existing, input);
    throw error;
  }
  const orderId = newId("ord");
  const email = view.email!;
  const actor: OrderActor = input.actor.userId ? "customer" : "guest";
  // Orders that already look risky are only authorized, so staff can review them before money moves.
  const billing = view.billingAddress ?? view.shippingAddress;
  const screened: ScreenedOrder = {
    email,
    ipAddress: input.ipAddress,
    amount: view.totals.total,
    currency: view.currency,
    billingCountry: billing?.country ?? null,
    shippingCountry: view.shippingAddress?.country ?? null,
    recent: await recentOrderCounts(ctx.db, ctx.fraud, {
      email,
      ipAddress: input.ipAddress,
      excludeOrderId: null,
    }),
  };
  const early = ctx.fraud.assess({ ...screened, cardFingerprint: null, providerRiskScore: null });
  const captureMethod = early.length > 0 ? ("manual" as const) : ("automatic" as const);
  // Marketplace lines: the commission rule in force now and the vendors' names are fixed on the order.
  const vendorLines = view.lines.filter((l) => l.sale.vendorId !== null);
  const commissions = new Map(
    (
      await commissionsFor(
        ctx.db,
        vendorLines.map((l) => ({
          vendorId: l.sale.vendorId!,
          categoryIds: l.sale.categoryIds,
          quantity: l.quantity,
          netAmount: l.total - l.tax,
        })),
      )
    ).map((c, i) => [vendorLines[i]!.id, c]),
  );
  const vendorNames = new Map(
    [
      ...(
        await activeVendorNames(
          ctx.db,
          vendorLines.map((l) => l.sale.vendorId!),
        )
      ).values(),
    ].map((v) => [v.id, v.name]),
  );

  const placed = await ctx.db
    .transaction(async (tx) => {
      const appliedIds = new Set(view.appliedPromotions.map((p) => p.id));
      const customerKey = input.actor.userId ?? `email:${email}`;
      // Group promotions and group prices: the cart was priced (just now) for the customer's groups as
      // they were; re-read them locked, so a removal from a group either lands before (and the order is
      // refused, to be re-priced) or waits for this order.
      const groupsNow = await customerGroupIdsOf(tx, view.userId, { lock: true });
      if (groupsNow.join(",") !== view.customerGroupIds.join(",")) {
        throw new ConflictError(
          "CART_PRICES_CHANGED",
          "Your prices changed while you were checking out. Review your cart and place the order again.",
        );
      }
      let coupons: CouponInfo[] = [];
      if (view.couponCodes.length) {
        const { coupons: entered, problems } = await promotionsFor(tx, {
          couponCodes: view.couponCodes,
          currency: view.currency,
          customerKey,
        });
        // A code that stopped working since the cart was priced refuses the order (its discount is in the
        // totals); the conditional updates in redeemCoupons settle the races this read cannot see.
        for (const [code, problem] of problems) throw new CouponError(problem, code);
        coupons = entered.filter((c) => appliedIds.has(c.promotionId));
      }
      const address = view.shippingAddress;
      const stockRequests = view.lines
        .filter((l) => !l.isDigital)
        .map((l) => ({ variantId: l.variantId, quantity: l.quantity }));
      // The idempotency key is written with the order: a concurrent request with the same key waits on
      // it until this one commits, then fails here (IdempotencyKeyTakenError below) and replays this
      // order; whatever it wrote rolls back, and it never reaches the coupon redemption.
      const inserted = await insertOrder(
        tx,
        {
          id: orderId,
          numberPrefix: settings.orderNumberPrefix,
          status: "pending_payment",
          paymentStatus: "pending",
          fulfillmentStatus: view.requiresShipping ? "unfulfilled" : "not_required",
          currency: view.currency,
          email,
          userId: input.actor.userId,
          cartId: cart.id,
          shippingAddress: view.requiresShipping ? address : null,
          billingAddress: view.billingAddress ?? address,
          shippingMethod: view.shippingMethod
            ? {
                id: view.shippingMethod.id,
                code: view.shippingMethod.code,
                name: view.shippingMethod.name,
                type: view.shippingMethod.type,
                pickupAddress: view.shippingMethod.pickupAddress,
              }
            : null,
          pricesIncludeTax: view.totals.pricesIncludeTax,
          subtotal: view.totals.subtotal,
          discountTotal: view.totals.discountTotal,
          shippingTotal: view.totals.shippingTotal,
          shippingDiscount: view.totals.shippingDiscount,
          shippingTax: view.totals.shippingTax,
          taxTotal: view.totals.taxTotal,
          total: view.totals.total,
          couponCodes: view.couponCodes.filter((code) => coupons.some((c) => c.code === code)),
          promotions: view.appliedPromotions,
          ipAddress: input.ipAddress,
          reservationExpiresAt: new Date(Date.now() + settings.reservationMinutes * 60_000),
          lines: view.lines.map((l) => ({
            variantId: l.variantId,
            productId: l.productId,
            sku: l.sku,
            productName: l.productName,
            variantTitle: l.variantTitle,
            options: l.options,
            productSlug: l.productSlug,
            imageId: l.sale.imageId,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            subtotal: l.subtotal,
            discount: l.discount,
            tax: l.tax,
            total: l.total,
            taxes: view.pricing.lines.find((p) => p.id === l.id)?.taxes ?? [],
            discounts: view.pricing.lines.find((p) => p.id === l.id)?.discounts ?? [],
            taxClass: l.sale.taxClass,
            weightGrams: l.sale.weightGrams,
            requiresShipping: l.requiresShipping,
            isDigital: l.isDigital,
            vendorId: l.sale.vendorId,
            commissionAmount: commissions.get(l.id)?.amount ?? 0,
            commissionRule: commissions.get(l.id)?.rule ?? null,
          })),
        },
        actor,
        { scope: input.scope, key: input.idempotencyKey, requestHash: requestHash(input) },
        // The cart claim, the payment record and the stock reservation travel in the order's statement
        // (one round trip while the stock rows are locked).
        {
          claim: claimCartPart(cart.id, orderId),
          payment: paymentRecordPart({
            orderId,
            provider: provider.id,
            amount: view.totals.total,
            currency: view.currency,
            captureMethod,
          }),
          stock: reserveStockPart(orderId, stockRequests),
        },
      );
      if (!inserted.parts.claim) {
        throw new ConflictError(
          "CHECKOUT_IN_PROGRESS",
          "This cart is already being checked out. Wait for that payment to finish or reload the cart.",
        );
      }
      await checkReservation(tx, stockRequests, inserted.parts.stock);
      // One vendor order per vendor (one more statement, for marketplace orders only).
      if (vendorLines.length)
        await insertVendorOrders(tx, splitByVendor(inserted.order, inserted.lines, vendorNames));
      const payment = inserted.parts.payment!;
      if (coupons.length) await redeemCoupons(tx, orderId, customerKey, coupons);
      return { ...inserted, payment };
    })
    .catch((error: unknown) => {
      if (error instanceof IdempotencyKeyTakenError) return null;
      throw error;
    });
  if (!placed) {
    // Another request with this key won the race: its transaction has committed (we waited on its key).
    const winner = await replay(ctx.db, input);
    if (!winner) throw new ConflictError("CHECKOUT_IN_PROGRESS", "Retry the request.");
    return replayResult(ctx, winner, input);
  }

  const settled = await attemptPayment(
    ctx,
    input,
    {
      orderId,
      number: placed.order.number,
      payment: placed.payment,
      email,
      marketplace: vendorLines.length > 0,
    },
    screened,
  );
  const thumbnails = new Map(
    view.lines.flatMap((l) => (l.sale.imageId && l.thumbnailUrl ? [[l.sale.imageId, l.thumbnailUrl]] : [])),
  );
  return {
    orderId,
    created: true,
    payment: settled.payment,
    parts: settled.order
      ? {
          order: settled.order,
          lines: placed.lines,
          events: [...placed.events, ...settled.events],
          payments: [settled.payment],
          returns: [],
          fulfillments: [],
          thumbnails,
        }
      : null,
  };
}

/**
 * Asks the provider to pay for a placed order and records the outcome. The provider's idempotency key
 * is our payment id, so calling this again for the same payment (a retry after a crash) never charges
 * twice. A call whose outcome is unknown (network error, provider 5xx) leaves the order pending for the
 * webhook or the expiry job.
 * @throws PaymentDeclinedError when the provider declines.
 */
async function attemptPayment(
  ctx: CheckoutContext,
  input: PlaceOrderInput,
  placed: { orderId: string; number: string; payment: PaymentRow; email: string; marketplace?: boolean },
  screened?: ScreenedOrder,
): Promise<Settled> {
  const provider = await ctx.payments.provider(ctx.db, placed.payment.provider);
  let outcome: ProviderPayment;
  try {
    outcome = await provider.createPayment(
      {
        paymentId: placed.payment.id,
        orderId: placed.orderId,
        orderNumber: placed.number,
        amount: placed.payment.amount,
        currency: placed.payment.currency,
        captureMethod: placed.payment.captureMethod,
        customerEmail: placed.email,
        paymentData: input.payment.data,
        returnUrl: input.returnUrl,
        cancelUrl: input.cancelUrl,
      },
      placed.payment.id,
    );
  } catch (error) {
    if (!(error instanceof ProviderError) || error.retryable) {
      ctx.log.warn(
        { err: error, orderId: placed.orderId },
        "payment provider call failed; order left pending",
      );
      return { payment: (await findPayment(ctx.db, placed.payment.id))!, order: null, events: [] };
    }
    outcome = {
      status: "failed",
      reference: `failed_${placed.payment.id}`,
      authorizedAmount: 0,
      capturedAmount: 0,
      failureCode: error.code,
      failureMessage: error.message,
    };
  }
  const settled = await settle(
    ctx,
    placed.orderId,
    placed.payment.id,
    outcome,
    `provider:${provider.id}`,
    screened,
    { marketplace: placed.marketplace },
  );
  const payment = settled.payment;
  if (payment.status === "failed") {
    throw new PaymentDeclinedError(
      payment.failureCode ?? "declined",
      payment.failureMessage ?? "The payment was declined.",
      placed.number,
    );
  }
  return settled;
}

/** After this long without a provider answer, a payment attempt counts as abandoned (its process died). */
const abandonedAttemptMs = 10_000;

async function replayResult(
  ctx: CheckoutContext,
  orderId: string,
  input: PlaceOrderInput,
): Promise<PlaceOrderResult> {
  // A replay while the first call still talks to the provider waits for its outcome; when that call
  // was abandoned (the process handling it died), the replay resumes it with the same provider key.
  for (let i = 0; ; i++) {
    const [payment] = await paymentsOfOrder(ctx.db, orderId);
    if (!payment)
      throw new ConflictError("CHECKOUT_IN_PROGRESS", "The order is still being placed. Retry shortly.");
    if (payment.status === "failed") {
      const order = await findOrder(ctx.db, orderId);
      throw new PaymentDeclinedError(
        payment.failureCode ?? "declined",
        payment.failureMessage ?? "The payment was declined.",
        order?.number ?? "",
      );
    }
    if (payment.reference !== null) return { orderId, created: false, payment, parts: null };
    if (Date.now() - payment.createdAt.getTime() > abandonedAttemptMs) {
      const order = await findOrder(ctx.db, orderId);
      if (order?.status !== "pending_payment") return { orderId, created: false, payment, parts: null };
      const resumed = await attemptPayment(ctx, input, {
        orderId,
        number: order.number,
        payment,
        email: order.email,
      });
      return { orderId, created: false, payment: resumed.payment, parts: null };
    }
    await new Promise((r) => setTimeout(r, Math.min(50 * (i + 1), 500)));
  }
}

/**
 * Applies a provider's report of a payment to the payment and its order, in one transaction, once:
 * - captured: order `processing`, payment status `paid`, stock stays reserved for fulfilment, cart
 *   completed; events `order.placed` and `order.paid`;
 * - authorized: order `processing`, payment status `authorized`; event `order.placed`;
 * - failed / canceled: order `payment_failed` (a declined checkout, not a cancellation), stock and
 *   coupons released, cart given back (the shopper may try again);
 * - pending / requires_action: recorded, order unchanged.
 * A report about a payment already settled changes nothing (a late `failed` after `captured`).
 * Returns the payment as it stands afterwards.
 */
export async function settlePayment(
  ctx: CheckoutContext,
  orderId: string,
  paymentId: string,
  outcome: ProviderPayment,
  actor: OrderActor,
): Promise<PaymentRow> {
  return (await settle(ctx, orderId, paymentId, outcome, actor)).payment;
}

/** An order as the fraud rules see it before its payment (amounts in minor units of `currency`). */
type ScreenedOrder = Omit<FraudContext, "cardFingerprint" | "providerRiskScore">;

/** What settling a payment changed: the payment, and the order and timeline entries when it moved. */
interface Settled {
  payment: PaymentRow;
  order: OrderRow | null;
  events: OrderEventRow[];
}

/**
 * `settlePayment`, for a caller that already screened the order before paying (`screened`: the
 * checkout) or not (webhooks, the expiry job, returns from the provider).
 */
async function settle(
  ctx: CheckoutContext,
  orderId: string,
  paymentId: string,
  outcome: ProviderPayment,
  actor: OrderActor,
  screened?: ScreenedOrder,
  hints: { marketplace?: boolean } = {},
): Promise<Settled> {
  const taken = outcome.status === "captured" || outcome.status === "authorized";
  const result = taken
    ? await settleTaken(
        ctx,
        orderId,
        paymentId,
        outcome,
        actor,
        await screen(ctx, orderId, outcome, screened),
        hints,
      )
    : await settleUntaken(ctx, orderId, paymentId, outcome, actor);
  if (!result.orphaned || !result.payment.reference) return result;
  const orphaned = result.payment;
  const provider = await ctx.payments.provider(ctx.db, orphaned.provider);
  if (outcome.status === "authorized") {
    await recordVoid(ctx, orphaned.id, await provider.void(orphaned.reference!, `void_${orphaned.id}`));
  } else {
    await refundOrder(ctx, orderId, {
      amount: outcome.capturedAmount,
      reason: "other",
      note: "Paid after the order was cancelled",
      actor: "system",
      requestKey: `after_cancel_${orphaned.id}`,
    });
    // A declined checkout stays one after its late payment went back, as a cancelled order stays
    // cancelled (the refund marks a wholly refunded order `refunded` unless it is cancelled).
    await ctx.db.transaction((tx) =>
      transitionOrder(tx, orderId, ["refunded"], { status: "payment_failed" }).then(() => undefined),
    );
  }
  return { payment: (await findPayment(ctx.db, paymentId))!, order: null, events: [] };
}

/**
 * Records a payment report that took no money, in one transaction: failed / canceled moves the
 * unpaid order to `payment_failed` (stock, coupons and cart given back); requires_action marks the
 * order's payment status.
 */
async function settleUntaken(
  ctx: CheckoutContext,
  orderId: string,
  paymentId: string,
  outcome: ProviderPayment,
  actor: OrderActor,
): Promise<Settled & { orphaned: boolean }> {
  return ctx.db.transaction(async (tx) => {
    const payment = await recordProviderPayment(tx, paymentId, outcome);
    if (!payment)
      return { payment: (await findPayment(tx, paymentId))!, order: null, events: [], orphaned: false };
    if (outcome.status === "failed" || outcome.status === "canceled") {
      const order = await findOrder(tx, orderId);
      if (order) {
        await cancelUnpaidOrder(
          tx,
          order,
          outcome.failureMessage ?? "Payment failed",
          actor,
          {
            paymentId,
            failureCode: outcome.failureCode ?? null,
            failureMessage: outcome.failureMessage ?? null,
            amount: order.total,
            currency: order.currency,
          },
          "payment_failed",
        );
      }
    } else if (outcome.status === "requires_action") {
      await transitionOrder(tx, orderId, ["pending_payment"], { paymentStatus: "requires_action" });
    }
    return { payment, order: null, events: [], orphaned: false };
  });
}

/**
 * Records a captured or authorized payment and moves its order to `processing` (or `on_hold` when the
 * fraud rules raised `signals`), with its timeline entries, its `order.placed` / `order.paid` events
 * and its cart's completion, in ONE statement: the order moves only if the payment record took the
 * report. A payment that arrives for an order already cancelled or declined (`payment_failed`) is
 * flagged `orphaned` (the caller gives the money back).
 */
async function settleTaken(
  ctx: CheckoutContext,
  orderId: string,
  paymentId: string,
  outcome: ProviderPayment,
  actor: OrderActor,
  signals: FraudSignal[],
  hints: { marketplace?: boolean } = {},
): Promise<Settled & { orphaned: boolean }> {
  const paid = outcome.status === "captured";
  const held = signals.length > 0;
  const entries: NewOrderEvent[] = held
    ? [{ type: "order.held", message: "Held for review", actor: "system", data: { signals } }]
    : [];
  entries.push({
    type: paid ? "payment.captured" : "payment.authorized",
    message: paid
      ? `Payment of ${outcome.capturedAmount} captured`
      : `Payment of ${outcome.authorizedAmount} authorized`,
    actor,
    data: { paymentId, amount: paid ? outcome.capturedAmount : outcome.authorizedAmount },
  });
  const move = (db: Db) =>
    transitionOrderWithParts(
      db,
      orderId,
      ["pending_payment"],
      {
        status: held ? "on_hold" : "processing",
        paymentStatus: paid ? "paid" : "authorized",
        paidTotal: outcome.capturedAmount,
        reservationExpiresAt: null,
        holdReason: held ? signals.map((x) => x.message).join("; ") : null,
      },
      entries,
      [
        { topic: "order.placed", payload: { orderId } },
        ...(paid ? [{ topic: "order.paid", payload: { orderId, amount: outcome.capturedAmount } }] : []),
      ],
      { guard: providerPaymentPart(paymentId, outcome), after: { cart: completeCartPart() } },
    );
  // A marketplace order's capture is posted to the ledger in the same transaction (vendors' payables,
  // commission); the shop's own orders keep their single statement.
  const marketplace = paid && (hints.marketplace ?? (await hasVendorOrders(ctx.db, orderId)));
  const { guard: payment, moved } = marketplace
    ? await ctx.db.transaction(async (tx) => {
        const result = await move(tx);
        if (result.moved) await syncOrderLedger(tx, orderId);
        return result;
      })
    : await move(ctx.db);
  if (!payment)
    return { payment: (await findPayment(ctx.db, paymentId))!, order: null, events: [], orphaned: false };
  if (moved) return { payment, order: moved.order, events: moved.events, orphaned: false };
  const order = await findOrder(ctx.db, orderId);
  if (order?.status !== "cancelled" && order?.status !== "payment_failed")
    return { payment, order: null, events: [], orphaned: false };
  // Paid after the order was cancelled (e.g. its reservation expired) or after an earlier attempt was
  // declined (a retry on the same provider payment): give the money back.
  const amount = paid ? outcome.capturedAmount : outcome.authorizedAmount;
  await addOrderEvent(
    ctx.db,
    orderId,
    "payment.after_cancellation",
    "Payment arrived after cancellation; returning it",
    actor,
    { paymentId, amount, currency: order.currency, status: order.status },
  );
  return { payment, order: null, events: [], orphaned: true };
}

/**
 * Fraud screening of a paid or authorized order (velocity, amount, countries, provider risk). The
 * checkout passes what it screened before paying; otherwise the order is read and its velocity counted.
 */
async function screen(
  ctx: CheckoutContext,
  orderId: string,
  outcome: ProviderPayment,
  screened?: ScreenedOrder,
): Promise<FraudSignal[]> {
  let before = screened;
  if (!before) {
    const order = await findOrder(ctx.db, orderId);
    if (!order) return [];
    before = {
      email: order.email,
      ipAddress: order.ipAddress,
      amount: order.total,
      currency: order.currency,
      billingCountry: order.billingAddress?.country ?? null,
      shippingCountry: order.shippingAddress?.country ?? null,
      recent: await recentOrderCounts(ctx.db, ctx.fraud, {
        email: order.email,
        ipAddress: order.ipAddress,
        excludeOrderId: orderId,
      }),
    };
  }
  const cardFingerprint = outcome.cardFingerprint ?? null;
  const byCard = await recentOrdersByCard(ctx.db, ctx.fraud, cardFingerprint, orderId);
  return ctx.fraud.assess({
    ...before,
    recent: { ...before.recent, byCard },
    cardFingerprint,
    providerRiskScore: outcome.riskScore ?? null,
  });
}

async function recordVoid(ctx: CheckoutContext, paymentId: string, voided: ProviderPayment): Promise<void> {
  await ctx.db.transaction((tx) => recordProviderPayment(tx, paymentId, voided));
}

/**
 * Closes an order that was never paid, in the caller's transaction: releases its stock reservations
 * and coupon uses and gives its cart back. Does nothing unless the order is `pending_payment`.
 * - `cancelled` (the default): nobody paid in time (the reservation expiry job); timeline entry
 *   `order.cancelled`;
 * - `payment_failed`: the payment attempt failed or was declined; timeline entry
 *   `order.payment_failed`. Not a cancellation: no cancellation time, kept out of order lists and
 *   figures (see orders' `notPlacedStatuses`); the shopper may try again with the cart.
 * Returns whether the order was closed by this call.
 */
export async function cancelUnpaidOrder(
  tx: Db,
  order: OrderRow,
  reason: string,
  actor: OrderActor,
  data: Record<string, unknown> = {},
  status: "cancelled" | "payment_failed" = "cancelled",
): Promise<boolean> {
  const declined = status === "payment_failed";
  const closed = await transitionOrder(tx, order.id, ["pending_payment"], {
    status,
    paymentStatus: "failed",
    reservationExpiresAt: null,
    ...(declined ? {} : { cancelledAt: new Date() }),
  });
  if (!closed) return false;
  const released = await releaseReservations(tx, order.id);
  await releaseCoupons(tx, order.id);
  if (order.cartId) await releaseCartFromOrder(tx, order.cartId, order.id);
  await addOrderEvent(
    tx,
    order.id,
    declined ? "order.payment_failed" : "order.cancelled",
    declined ? `Payment failed: ${reason}` : `Order cancelled: ${reason}`,
    actor,
    { ...data, ...(declined ? {} : { reason }), unitsReleased: released },
  );
  return true;
}

/**
 * Finishes a payment the shopper completed off-site (PayPal approval, Stripe 3-D Secure or redirect
 * methods) when they come back: asks the provider (PayPal captures or authorizes the approved order,
 * idempotently) and records the outcome like a webhook would. A payment already settled is left alone.
 */
export async function completeOrderPayment(
  ctx: CheckoutContext,
  orderId: string,
): Promise<PaymentRow | null> {
  const [payment] = await paymentsOfOrder(ctx.db, orderId);
  if (!payment?.reference || !["pending", "requires_action"].includes(payment.status)) return payment ?? null;
  const provider = await ctx.payments.provider(ctx.db, payment.provider);
  let outcome: ProviderPayment;
  try {
    outcome = await provider.completePayment(payment.reference, `complete_${payment.id}`);
  } catch (error) {
    if (error instanceof ProviderError && !error.retryable) {
      outcome = { ...(await provider.getPayment(payment.reference)) };
    } else {
      throw new AppError(
        503,
        "PAYMENT_PROVIDER_UNAVAILABLE",
        "The payment provider did not answer. Try again in a moment.",
      );
    }
  }
  return settlePayment(ctx, orderId, payment.id, outcome, `provider:${provider.id}`);
}
