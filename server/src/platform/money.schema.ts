import { Type } from "typebox";

/**
 * Money on the wire: integer minor units of an ISO 4217 currency (USD 52.00 -> { amount: 5200,
 * currency: "USD" }), DESIGN section 5.
 */
export const MoneySchema = Type.Object(
  {
    amount: Type.Integer({ description: "Integer amount in minor units of the currency" }),
    currency: Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 currency code" }),
  },
  { description: "Money in integer minor units of an ISO 4217 currency" },
);
