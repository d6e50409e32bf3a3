import { Type } from "typebox";
// The schema file itself (not the module barrel): the SDK derives client types from these files.
import { MoneySchema } from "../../platform/money.schema.ts";

/** A currency's price list: explicit variant prices, never converted by exchange rate. */
export const PriceListSchema = Type.Object({
  id: Type.String(),
  currency: Type.String({ description: "ISO 4217 code" }),
  name: Type.String(),
  isActive: Type.Boolean(),
  priceCount: Type.Integer({ description: "Variants priced in this list" }),
  updatedAt: Type.String({ format: "date-time" }),
});

/** A variant's regular price (store currency) and its price in one list (minor units; null: none). */
export const PriceListRowSchema = Type.Object({
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  regularPrice: MoneySchema,
  price: Type.Union([Type.Integer(), Type.Null()], {
    description: "Minor units of the list's currency; null: no price in this list",
  }),
});
