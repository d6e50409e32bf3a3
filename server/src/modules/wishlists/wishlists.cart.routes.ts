import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import {
  addLine,
  type CartRow,
  CartSchema,
  cartDto,
  getCartById,
  resolveCart,
  viewCart,
} from "../cart/index.ts";
import type { AuthContext } from "../customers/index.ts";
import { accountGuard } from "../customers/index.ts";
import { removeItem, variantToBuy } from "./wishlists.service.ts";
import { MoveToCartSchema } from "./wishlists.types.ts";

/**
 * Moves a wishlist item to a cart in one transaction: the item leaves the list and `quantity` units
 * of its variant are added to the cart, or neither happens (a variant out of stock, or an item a
 * concurrent move already took). The variant is the item's, else `variantId` (a variant of the
 * item's product), else the product's only variant.
 * @throws NotFoundError WISHLIST_NOT_FOUND, WISHLIST_ITEM_NOT_FOUND, PRODUCT_NOT_FOUND;
 *   ValidationError (variantId, quantity); CartStockError (409 CART_ITEM_OUT_OF_STOCK).
 */
export async function moveWishlistItemToCart(
  db: Db,
  cart: CartRow,
  userId: string,
  wishlistRef: string,
  itemId: string,
  options: { variantId?: string; quantity: number },
): Promise<void> {
  const { variantId } = await variantToBuy(db, userId, wishlistRef, itemId, options.variantId);
  await db.transaction(async (tx) => {
    // Removed first: a concurrent move of the same item waits on the row and then finds it gone.
    await removeItem(tx, userId, wishlistRef, itemId);
    await addLine(tx, cart, variantId, options.quantity);
  });
}

/**
 * `POST /api/store/wishlists/:wishlistId/items/:itemId/move-to-cart` (signed-in customers; writes
 * from the shop's own pages only). Answers the whole cart, like the cart API.
 */
export function wishlistCartRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook("onRequest", accountGuard(ctx.auth));
    app.post(
      "/wishlists/:wishlistId/items/:itemId/move-to-cart",
      {
        schema: {
          summary: "Move a wishlist item to the cart",
          description:
            "Adds `quantity` (default 1) of the item's variant to the cart and removes the item from the list, atomically. An item for a whole product needs `variantId` unless the product has one variant (400 naming `variantId`). 409 CART_ITEM_OUT_OF_STOCK (the item stays); 404 WISHLIST_NOT_FOUND / WISHLIST_ITEM_NOT_FOUND.",
          tags: ["wishlists"],
          params: Type.Object({
            wishlistId: Type.String({ maxLength: 64, description: 'A list id, or "default"' }),
            itemId: Type.String({ maxLength: 64 }),
          }),
          body: MoveToCartSchema,
          response: {
            200: CartSchema,
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
            404: ProblemSchema,
            409: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const cart = await resolveCart(ctx, request, reply, true);
        if (!cart) throw new Error("resolveCart(create) returned no cart");
        await moveWishlistItemToCart(
          ctx.db,
          cart,
          request.accountId!,
          request.params.wishlistId,
          request.params.itemId,
          {
            quantity: request.body.quantity,
            ...(request.body.variantId !== undefined && { variantId: request.body.variantId }),
          },
        );
        reply.header("cache-control", "no-store");
        return cartDto(await viewCart(ctx.db, (await getCartById(ctx.db, cart.id)) ?? cart));
      },
    );
  };
}
