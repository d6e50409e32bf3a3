import { Type } from "typebox";
// The schema file itself (not the module barrel): the SDK derives client types from these files.
import { MoneySchema } from "../../platform/money.schema.ts";

/**
 * A price list: explicit variant prices in one currency, never converted by exchange rate; for
 * everyone (the currency's general list) or for one customer group's members. One list per currency
 * and group.
 */
export const PriceListSchema = Type.Object({
  id: Type.String(),
  currency: Type.String({ description: "ISO 4217 code" }),
  name: Type.String(),
  customerGroupId: Type.Union([Type.Null(), Type.String()], {
    description:
      "The customer group whose signed-in members get these prices (the lowest of their groups' prices, or " +
      "the general price when lower); null: everyone shopping in this currency",
  }),
  customerGroupName: Type.Union([Type.Null(), Type.String()], {
    description: "The group's name; null for a general list",
  }),
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
