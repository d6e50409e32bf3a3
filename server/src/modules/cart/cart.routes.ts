import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { PostalAddressInputSchema } from "../../platform/address.ts";
import { AppError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import type { AuthContext } from "../customers/index.ts";
import { getStoreSettings, offeredCurrencies, storeDetails } from "../pricing/index.ts";
import {
  addLine,
  applyCoupon,
  type CartRow,
  type CartView,
  createCart,
  findCart,
  getCartById,
  mergeGuestCart,
  removeCoupon,
  removeLine,
  setBillingAddress,
  setCartCurrency,
  setEmail,
  setShippingAddress,
  setShippingMethod,
  updateLine,
  viewCart,
} from "./cart.service.ts";
import { type CartDto, CartSchema, ShippingQuoteSchema } from "./cart.types.ts";

/** Name of the guest cart cookie (httpOnly, SameSite=Lax, path /api/store). */
export const cartCookie = "bazaar_cart";
/** Header carrying the cart token for API clients that do not keep cookies. */
export const cartTokenHeader = "x-cart-token";

/** The shopper behind a request: the signed-in account (if any) and the guest cart token (if any). */
export interface Shopper {
  userId: string | null;
  token: string | null;
  /** The token came in a cookie (cookie-authenticated writes need the CSRF origin check). */
  viaCookie: boolean;
}

/** Reads the shopper from the session cookie and the cart cookie or `X-Cart-Token` header. */
export async function shopperOf(ctx: AuthContext, request: FastifyRequest): Promise<Shopper> {
  const header = request.headers[cartTokenHeader];
  const headerToken = typeof header === "string" && header.length <= 100 ? header : null;
  const cookieToken = request.cookies?.[cartCookie] ?? null;
  const cookies = request.headers.cookie ?? "";
  let userId: string | null = null;
  if (cookies.includes("session_token")) {
    const session = await ctx.auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
    userId = session?.user.id ?? null;
  }
  return {
    userId,
    token: headerToken ?? cookieToken,
    viaCookie: headerToken === null && (cookieToken !== null || userId !== null),
  };
}

function setCartCookie(ctx: AuthContext, reply: FastifyReply, token: string): void {
  reply.setCookie(cartCookie, token, {
    path: "/api/store",
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.config.publicUrl.startsWith("https://"),
    maxAge: 365 * 86_400,
  });
  reply.header(cartTokenHeader, token);
}

/**
 * The shopper's active cart (merging a guest cart into the account's at the first request after
 * sign-in), or a new one when `create` is set. Null when there is none and `create` is false.
 */
export async function resolveCart(
  ctx: AuthContext,
  request: FastifyRequest,
  reply: FastifyReply,
  create: boolean,
): Promise<CartRow | null> {
  const shopper = await shopperOf(ctx, request);
  if (shopper.userId && shopper.token) {
    const guest = await findCart(ctx.db, { token: shopper.token });
    if (guest && guest.userId === null) {
      const merged = await mergeGuestCart(ctx.db, guest, shopper.userId);
      reply.clearCookie(cartCookie, { path: "/api/store" });
      return merged;
    }
  }
  const found = await findCart(ctx.db, shopper);
  if (found || !create) return found;
  const { cart, token } = await createCart(ctx.db, shopper.userId);
  if (!shopper.userId) setCartCookie(ctx, reply, token);
  return cart;
}

/** Turns a cart view into its API shape. */
export function cartDto(view: CartView): CartDto {
  return {
    id: view.id,
    currency: view.currency,
    email: view.email,
    lines: view.lines.map(({ sale: _sale, ...line }) => line),
    couponCodes: view.couponCodes,
    couponProblems: view.couponProblems,
    appliedPromotions: view.appliedPromotions,
    shippingAddress: view.shippingAddress,
    billingAddress: view.billingAddress,
    requiresShipping: view.requiresShipping,
    shippingOptions: view.shippingOptions,
    shippingMethod: view.shippingMethod,
    totals: view.totals,
    itemCount: view.itemCount,
    isCheckoutReady: view.isCheckoutReady,
    expiresAt: view.expiresAt.toISOString(),
  };
}

async function emptyCart(ctx: AuthContext): Promise<CartDto> {
  const settings = await getStoreSettings(ctx.db);
  return {
    id: null,
    currency: settings.defaultCurrency,
    email: null,
    lines: [],
    couponCodes: [],
    couponProblems: [],
    appliedPromotions: [],
    shippingAddress: null,
    billingAddress: null,
    requiresShipping: false,
    shippingOptions: [],
    shippingMethod: null,
    totals: {
      subtotal: 0,
      discountTotal: 0,
      shippingTotal: 0,
      shippingDiscount: 0,
      shippingTax: 0,
      taxTotal: 0,
      total: 0,
      pricesIncludeTax: settings.pricesIncludeTax,
    },
    itemCount: 0,
    isCheckoutReady: false,
    expiresAt: null,
  };
}

/**
 * The shopper's cart under /api/store/cart. A guest's cart is created by the first line added and
 * found again by the `bazaar_cart` cookie (or the `X-Cart-Token` header, returned when the cart is
 * created); a signed-in customer's by the account, with the guest cart merged in after sign-in.
 * Every answer is the whole cart, re-priced by the server.
 */
export function cartRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const errors = {
      400: ProblemSchema,
      403: ProblemSchema,
      404: ProblemSchema,
      409: ProblemSchema,
      422: ProblemSchema,
    };
    const tags = ["cart"];

    /** Re-reads the cart after a change and answers it. */
    const answer = async (cart: CartRow) =>
      cartDto(await viewCart(ctx.db, (await getCartById(ctx.db, cart.id)) ?? cart));
    const need = async (request: FastifyRequest, reply: FastifyReply, create = false) => {
      const cart = await resolveCart(ctx, request, reply, create);
      if (!cart) throw new AppError(404, "CART_NOT_FOUND", "There is no cart yet: add a product first.");
      return cart;
    };

    app.get(
      "/cart",
      {
        schema: {
          summary: "My cart",
          description:
            "The current cart with prices, stock and totals re-validated now. A shopper without a cart gets an empty one (id null).",
          tags,
          response: { 200: CartSchema },
        },
      },
      async (request, reply) => {
        const cart = await resolveCart(ctx, request, reply, false);
        reply.header("cache-control", "no-store");
        return cart ? cartDto(await viewCart(ctx.db, cart)) : emptyCart(ctx);
      },
    );

    app.post(
      "/cart/lines",
      {
        schema: {
          summary: "Add to cart",
          description:
            "Adds units of a variant (added to its line when already in the cart). Checks quantity rules and stock: 409 CART_ITEM_OUT_OF_STOCK when stock does not cover the new quantity.",
          tags,
          body: Type.Object(
            {
              variantId: Type.String({ maxLength: 64 }),
              quantity: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply, true);
        await addLine(ctx.db, cart, request.body.variantId, request.body.quantity);
        return answer(cart);
      },
    );

    app.patch(
      "/cart/lines/:lineId",
      {
        schema: {
          summary: "Change a line's quantity",
          description: "0 removes the line.",
          tags,
          params: Type.Object({ lineId: Type.String({ maxLength: 64 }) }),
          body: Type.Object(
            { quantity: Type.Integer({ minimum: 0, maximum: 10000 }) },
            { additionalProperties: false },
          ),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await updateLine(ctx.db, cart, request.params.lineId, request.body.quantity);
        return answer(cart);
      },
    );

    app.delete(
      "/cart/lines/:lineId",
      {
        schema: {
          summary: "Remove a line",
          tags,
          params: Type.Object({ lineId: Type.String({ maxLength: 64 }) }),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await removeLine(ctx.db, cart, request.params.lineId);
        return answer(cart);
      },
    );

    app.post(
      "/cart/coupons",
      {
        schema: {
          summary: "Enter a coupon code",
          description:
            "422 with COUPON_NOT_FOUND, COUPON_EXPIRED, COUPON_NOT_STARTED or COUPON_USAGE_LIMIT_REACHED when the code cannot be used. A valid code whose conditions the cart does not meet yet is kept and listed in couponProblems.",
          tags,
          body: Type.Object(
            { code: Type.String({ minLength: 1, maxLength: 64 }) },
            { additionalProperties: false },
          ),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await applyCoupon(ctx.db, cart, request.body.code);
        return answer(cart);
      },
    );

    app.delete(
      "/cart/coupons/:code",
      {
        schema: {
          summary: "Remove a coupon code",
          tags,
          params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await removeCoupon(ctx.db, cart, request.params.code);
        return answer(cart);
      },
    );

    app.get(
      "/shop",
      {
        schema: {
          summary: "The shop's public details",
          description:
            "Name, logo and support phone as set in the admin's store settings, for the storefront's header, footer and page titles (also embedded in every storefront page as JSON, id `shop-details`).",
          tags,
          response: {
            200: Type.Object({
              name: Type.String(),
              logoUrl: Type.Union([Type.String(), Type.Null()], { description: "A WebP size of the logo" }),
              supportPhone: Type.String({ description: '"" when not set' }),
            }),
          },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "public, max-age=60");
        return storeDetails(ctx.db, ctx.config);
      },
    );

    app.get(
      "/currencies",
      {
        schema: {
          summary: "Currencies a shopper may pay in",
          description:
            "The shop's default currency first, then those with an active price list (explicit prices, never converted).",
          tags,
          response: {
            200: Type.Object({
              default: Type.String({ description: "ISO 4217 code of the catalog's prices" }),
              currencies: Type.Array(Type.String(), { description: "ISO 4217 codes" }),
            }),
          },
        },
      },
      async () => {
        const settings = await getStoreSettings(ctx.db);
        return {
          default: settings.defaultCurrency,
          currencies: await offeredCurrencies(ctx.db, settings.defaultCurrency),
        };
      },
    );

    app.put(
      "/cart/currency",
      {
        schema: {
          summary: "Pay in another currency",
          description:
            "Re-prices every line from that currency's price list (or the catalog prices for the default currency) and clears the shipping method, which is priced per currency. 400 naming `currency` for a currency the shop does not sell in; 409 CART_CURRENCY_UNAVAILABLE naming the lines without a price in it (the cart is left as it was).",
          tags,
          body: Type.Object(
            { currency: Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217 code" }) },
            { additionalProperties: false },
          ),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply, true);
        await setCartCurrency(ctx.db, cart, request.body.currency);
        return answer(cart);
      },
    );

    app.put(
      "/cart/email",
      {
        schema: {
          summary: "Set the contact e-mail",
          tags,
          body: Type.Object({ email: Type.String({ maxLength: 254 }) }, { additionalProperties: false }),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await setEmail(ctx.db, cart, request.body.email);
        return answer(cart);
      },
    );

    app.put(
      "/cart/shipping-address",
      {
        schema: {
          summary: "Set the shipping address",
          description:
            "Validated for the destination country (region, postal code format). Clears the chosen shipping method; the billing address follows unless set separately.",
          tags,
          body: PostalAddressInputSchema,
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await setShippingAddress(ctx.db, cart, {
          company: null,
          line2: null,
          region: null,
          postalCode: null,
          phone: null,
          ...request.body,
        });
        return answer(cart);
      },
    );

    app.put(
      "/cart/billing-address",
      {
        schema: {
          summary: "Set the billing address",
          tags,
          body: PostalAddressInputSchema,
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await setBillingAddress(ctx.db, cart, {
          company: null,
          line2: null,
          region: null,
          postalCode: null,
          phone: null,
          ...request.body,
        });
        return answer(cart);
      },
    );

    app.get(
      "/cart/shipping-options",
      {
        schema: {
          summary: "Shipping methods for the cart's address",
          tags,
          response: { 200: Type.Array(ShippingQuoteSchema), ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        return (await viewCart(ctx.db, cart)).shippingOptions;
      },
    );

    app.put(
      "/cart/shipping-method",
      {
        schema: {
          summary: "Choose a shipping method",
          tags,
          body: Type.Object(
            { shippingMethodId: Type.String({ maxLength: 64 }) },
            { additionalProperties: false },
          ),
          response: { 200: CartSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await need(request, reply);
        await setShippingMethod(ctx.db, cart, request.body.shippingMethodId);
        return answer(cart);
      },
    );
  };
}
