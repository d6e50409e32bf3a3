import { type Static, Type } from "typebox";
// Schemas only (no runtime code), like flows/price-lists.types.ts: the SDK derives client types from
// this file, so it must not pull the catalog module's implementation in.
import { MoneySchema } from "../../platform/money.schema.ts";
import { ProductSummarySchema } from "../catalog/index.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Id = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });

/** What a wished product (or variant) is now: card data, current price and stock. */
const itemCardFields = {
  productId: Type.String(),
  variantId: Nullable(
    Type.String({ description: "The wished variant (SKU); null for the product as a whole" }),
  ),
  currentPrice: Nullable(MoneySchema),
  inStock: Type.Boolean({ description: "Can be bought now (the variant, or any variant of the product)" }),
  product: Nullable(ProductSummarySchema),
  variant: Nullable(
    Type.Object({
      id: Type.String(),
      sku: Type.String(),
      title: Type.String(),
      options: Type.Record(Type.String(), Type.String(), { description: "Option name -> value" }),
    }),
  ),
};

/** A wished product (or one variant of it) with its card data and what changed since it was added. */
export const WishlistItemSchema = Type.Object({
  id: Type.String(),
  addedAt: Type.String({ format: "date-time" }),
  priceWhenAdded: MoneySchema,
  priceDropped: Type.Boolean({ description: "The current price is below the price when added" }),
  ...itemCardFields,
});

/** A guest's (local) wishlist entry as the server sees it now. */
export const WishlistPreviewItemSchema = Type.Object(itemCardFields);

export const WishlistPreviewSchema = Type.Object({ items: Type.Array(WishlistPreviewItemSchema) });

/** A list without its items (GET /api/store/wishlists). */
export const WishlistSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  isDefault: Type.Boolean(),
  itemCount: Type.Integer({ minimum: 0 }),
  shared: Type.Boolean({ description: "A private share link is active" }),
  sharedAt: Nullable(Type.String({ format: "date-time" })),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

/** A list with its items, newest first. */
export const WishlistSchema = Type.Object({
  ...WishlistSummarySchema.properties,
  items: Type.Array(WishlistItemSchema),
});

export const WishlistListSchema = Type.Object({
  items: Type.Array(WishlistSummarySchema),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer(),
});

/** A list as the holder of its share link sees it: read-only, nothing about the owner. */
export const SharedWishlistSchema = Type.Object({
  title: Type.String(),
  itemCount: Type.Integer({ minimum: 0 }),
  items: Type.Array(WishlistItemSchema),
});

export const ShareLinkSchema = Type.Object({
  token: Type.String({ description: "Shown once: only its SHA-256 is kept" }),
  url: Type.String({ description: "The storefront page of the shared list" }),
  sharedAt: Type.String({ format: "date-time" }),
});

export const WishlistTitleSchema = Type.String({ minLength: 1, maxLength: 100 });

export const NewWishlistSchema = Type.Object({ title: WishlistTitleSchema }, { additionalProperties: false });

export const WishlistPatchSchema = Type.Object(
  {
    title: Type.Optional(WishlistTitleSchema),
    isDefault: Type.Optional(Type.Literal(true, { description: "Make this the default list" })),
  },
  { additionalProperties: false },
);

export const NewItemSchema = Type.Object(
  { productId: Id("Product id"), variantId: Type.Optional(Nullable(Id("Variant id"))) },
  { additionalProperties: false },
);

export const MergeSchema = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Id("Product id"),
          variantId: Type.Optional(Nullable(Id("Variant id"))),
          addedAt: Type.Optional(Type.String({ format: "date-time" })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

export const MergeResultSchema = Type.Object({
  added: Type.Integer({ description: "Items added to the default list" }),
  skipped: Type.Array(
    Type.Object({
      productId: Type.String(),
      variantId: Nullable(Type.String()),
      reason: Type.Union([
        Type.Literal("duplicate"),
        Type.Literal("unknown_product"),
        Type.Literal("list_full"),
      ]),
    }),
  ),
  wishlist: WishlistSchema,
});

export const MoveToCartSchema = Type.Object(
  {
    variantId: Type.Optional(
      Id("The variant to buy; needed for an item without one when the product has several"),
    ),
    quantity: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
  },
  { additionalProperties: false },
);

export type WishlistItemDto = Static<typeof WishlistItemSchema>;
export type WishlistPreviewItemDto = Static<typeof WishlistPreviewItemSchema>;
export type WishlistSummaryDto = Static<typeof WishlistSummarySchema>;
export type WishlistDto = Static<typeof WishlistSchema>;
export type SharedWishlistDto = Static<typeof SharedWishlistSchema>;
export type MergeResultDto = Static<typeof MergeResultSchema>;

export const PreviewQuerySchema = Type.Object(
  {
    items: Type.String({
      maxLength: 13_400,
      description: "Comma-separated `productId` or `productId:variantId` entries, at most 100",
    }),
  },
  { additionalProperties: false },
);
