import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import type { AuthContext } from "../customers/index.ts";
import { accountGuard } from "../customers/index.ts";
import {
  addItem,
  createWishlist,
  deleteWishlist,
  getSharedWishlist,
  getWishlist,
  listWishlists,
  mergeGuestWishlist,
  previewItems,
  removeItem,
  removeProduct,
  shareWishlist,
  unshareWishlist,
  updateWishlist,
  type WishKey,
  wishedProductIds,
} from "./wishlists.service.ts";
import {
  MergeResultSchema,
  MergeSchema,
  NewItemSchema,
  NewWishlistSchema,
  PreviewQuerySchema,
  SharedWishlistSchema,
  ShareLinkSchema,
  WishlistItemSchema,
  WishlistListSchema,
  WishlistPatchSchema,
  WishlistPreviewSchema,
  WishlistSchema,
} from "./wishlists.types.ts";

const tags = ["wishlists"];
const ListParams = Type.Object({
  wishlistId: Type.String({ maxLength: 64, description: 'A list id, or "default" for the default list' }),
});
const ItemParams = Type.Object({
  wishlistId: Type.String({ maxLength: 64, description: 'A list id, or "default"' }),
  itemId: Type.String({ maxLength: 64 }),
});

/** Parses `productId` / `productId:variantId` entries of the preview query. @throws ValidationError (items) */
function parseEntries(text: string): WishKey[] {
  const entries = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length > 100) throw new ValidationError([{ field: "items", message: "at most 100 entries" }]);
  return entries.map((entry) => {
    const [productId = "", variantId, extra] = entry.split(":");
    if (!productId || productId.length > 64 || (variantId ?? "").length > 64 || extra !== undefined) {
      throw new ValidationError([
        { field: "items", message: `"${entry.slice(0, 80)}" is not productId[:variantId]` },
      ]);
    }
    return { productId, variantId: variantId || null };
  });
}

/**
 * The wishlist API under /api/store.
 * Public: `GET /wishlists/shared/:token` (a list shared by its private link, read-only) and
 * `GET /wishlists/preview` (a guest's browser-kept entries as they are now).
 * Signed-in customers only (401 UNAUTHENTICATED otherwise; writes must come from the shop's own
 * pages, 403 CSRF_ORIGIN_MISMATCH): their lists, items, share links and the merge of a guest list.
 * Another customer's list answers 404 WISHLIST_NOT_FOUND. Money is minor units + ISO 4217 currency.
 */
export function wishlistRoutes(ctx: AuthContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/wishlists/shared/:token",
      {
        schema: {
          summary: "A shared wishlist (read-only)",
          description:
            "The list behind a private share link: title and items with product card data, nothing about its owner. 404 WISHLIST_NOT_FOUND for an unknown, revoked or regenerated link.",
          tags,
          params: Type.Object({ token: Type.String({ maxLength: 100 }) }),
          response: { 200: SharedWishlistSchema, 404: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "private, no-store");
        return getSharedWishlist(ctx.db, request.params.token);
      },
    );

    app.get(
      "/wishlists/preview",
      {
        schema: {
          summary: "A guest wishlist as it is now",
          description:
            "For the wishes a guest keeps in the browser: product card data, current price and stock of each `productId` or `productId:variantId` entry (comma-separated, at most 100). Unknown products are left out. 400 naming `items` for a malformed entry.",
          tags,
          querystring: PreviewQuerySchema,
          response: { 200: WishlistPreviewSchema, 400: ProblemSchema },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await previewItems(ctx.db, parseEntries(request.query.items)) };
      },
    );

    const ownLists: FastifyPluginAsyncTypebox = async (own) => {
      own.addHook("onRequest", accountGuard(ctx.auth));
      const errors = {
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        404: ProblemSchema,
        409: ProblemSchema,
      };
      const noStore = { "cache-control": "no-store" };

      own.get(
        "/wishlists",
        {
          schema: {
            summary: "My wishlists",
            description:
              "The signed-in customer's lists (the default first), with item counts; all of them on one page.",
            tags,
            response: { 200: WishlistListSchema, ...errors },
          },
        },
        async (request, reply) => {
          reply.headers(noStore);
          const items = await listWishlists(ctx.db, request.accountId!);
          return { items, nextCursor: null, total: items.length };
        },
      );

      own.post(
        "/wishlists",
        {
          schema: {
            summary: "Create a wishlist",
            description:
              "A new named list (the first one becomes the default). 400 naming `title`; 409 WISHLIST_LIMIT_REACHED past 20 lists.",
            tags,
            body: NewWishlistSchema,
            response: { 201: WishlistSchema, ...errors },
          },
        },
        async (request, reply) => {
          reply.status(201);
          return createWishlist(ctx.db, request.accountId!, request.body.title);
        },
      );

      own.get(
        "/wishlists/:wishlistId",
        {
          schema: {
            summary: "A wishlist with its items",
            description:
              "Items newest first, each with product card data, the price when added, the current price and stock. `default` names the default list (404 WISHLIST_NOT_FOUND when there is none yet).",
            tags,
            params: ListParams,
            response: { 200: WishlistSchema, ...errors },
          },
        },
        async (request, reply) => {
          reply.headers(noStore);
          return getWishlist(ctx.db, request.accountId!, request.params.wishlistId);
        },
      );

      own.patch(
        "/wishlists/:wishlistId",
        {
          schema: {
            summary: "Rename a wishlist or make it the default",
            description: "400 naming `title`; 404 WISHLIST_NOT_FOUND.",
            tags,
            params: ListParams,
            body: WishlistPatchSchema,
            response: { 200: WishlistSchema, ...errors },
          },
        },
        async (request) =>
          updateWishlist(ctx.db, request.accountId!, request.params.wishlistId, request.body),
      );

      own.delete(
        "/wishlists/:wishlistId",
        {
          schema: {
            summary: "Delete a wishlist",
            description:
              "With its items; its share link stops working. Deleting the default list makes the oldest remaining list the default. 404 WISHLIST_NOT_FOUND.",
            tags,
            params: ListParams,
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          await deleteWishlist(ctx.db, request.accountId!, request.params.wishlistId);
          return reply.status(204).send(null);
        },
      );

      own.post(
        "/wishlists/:wishlistId/items",
        {
          schema: {
            summary: "Add to a wishlist",
            description:
              'Adds a product, or one variant of it, at its current price (recorded as the price when added). `default` is the default list, created ("My wishlist") on the first add. Already in the list: 200 with the existing item, nothing changes; added: 201. 400 naming `productId` (unknown product) or `variantId` (not a variant of it); 409 WISHLIST_FULL past 500 items.',
            tags,
            params: ListParams,
            body: NewItemSchema,
            response: { 200: WishlistItemSchema, 201: WishlistItemSchema, ...errors },
          },
        },
        async (request, reply) => {
          const { item, created } = await addItem(ctx.db, request.accountId!, request.params.wishlistId, {
            productId: request.body.productId,
            variantId: request.body.variantId ?? null,
          });
          reply.status(created ? 201 : 200);
          return item;
        },
      );

      own.delete(
        "/wishlists/:wishlistId/items/:itemId",
        {
          schema: {
            summary: "Remove an item from a wishlist",
            description: "404 WISHLIST_NOT_FOUND or WISHLIST_ITEM_NOT_FOUND.",
            tags,
            params: ItemParams,
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          await removeItem(ctx.db, request.accountId!, request.params.wishlistId, request.params.itemId);
          return reply.status(204).send(null);
        },
      );

      own.get(
        "/wishlists/:wishlistId/products",
        {
          schema: {
            summary: "Ids of the products in a wishlist",
            description:
              'For "wished" marks on product cards. `default` answers an empty list when there is no default list yet.',
            tags,
            params: ListParams,
            response: { 200: Type.Object({ productIds: Type.Array(Type.String()) }), ...errors },
          },
        },
        async (request, reply) => {
          reply.headers(noStore);
          return {
            productIds: await wishedProductIds(ctx.db, request.accountId!, request.params.wishlistId),
          };
        },
      );

      own.delete(
        "/wishlists/:wishlistId/products/:productId",
        {
          schema: {
            summary: "Remove a product from a wishlist",
            description:
              "Removes the product and every variant of it from the list (the heart button's un-wish); 204 also when it was not there. 404 WISHLIST_NOT_FOUND.",
            tags,
            params: Type.Object({
              wishlistId: Type.String({ maxLength: 64 }),
              productId: Type.String({ maxLength: 64 }),
            }),
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          await removeProduct(
            ctx.db,
            request.accountId!,
            request.params.wishlistId,
            request.params.productId,
          );
          return reply.status(204).send(null);
        },
      );

      own.post(
        "/wishlists/:wishlistId/share",
        {
          schema: {
            summary: "Make (or remake) a private share link",
            description:
              "A new random link to a read-only view of the list; an earlier link stops working. The token is shown only in this answer (the shop keeps only its SHA-256). 404 WISHLIST_NOT_FOUND.",
            tags,
            params: ListParams,
            response: { 201: ShareLinkSchema, ...errors },
          },
        },
        async (request, reply) => {
          const { token, sharedAt } = await shareWishlist(
            ctx.db,
            request.accountId!,
            request.params.wishlistId,
          );
          reply.status(201).headers(noStore);
          return {
            token,
            url: `${ctx.config.publicUrl}/wishlists/shared/${token}`,
            sharedAt: sharedAt.toISOString(),
          };
        },
      );

      own.delete(
        "/wishlists/:wishlistId/share",
        {
          schema: {
            summary: "Stop sharing a wishlist",
            description: "The share link stops working (404 from then on). 404 WISHLIST_NOT_FOUND.",
            tags,
            params: ListParams,
            response: { 204: Type.Null(), ...errors },
          },
        },
        async (request, reply) => {
          await unshareWishlist(ctx.db, request.accountId!, request.params.wishlistId);
          return reply.status(204).send(null);
        },
      );

      own.post(
        "/wishlists/merge",
        {
          schema: {
            summary: "Merge a guest wishlist at sign-in",
            description:
              "Adds the entries a guest kept in the browser to the default list (created if needed) at their current prices. Idempotent: entries already in the list are skipped (`duplicate`), as are unknown products (`unknown_product`) and entries past the list's size (`list_full`). Up to 200 entries; 400 naming the bad field.",
            tags,
            body: MergeSchema,
            response: { 200: MergeResultSchema, ...errors },
          },
        },
        async (request) =>
          mergeGuestWishlist(
            ctx.db,
            request.accountId!,
            request.body.items.map((item) => ({
              productId: item.productId,
              variantId: item.variantId ?? null,
              ...(item.addedAt && { addedAt: new Date(item.addedAt) }),
            })),
          ),
      );
    };
    await app.register(ownLists);
  };
}
