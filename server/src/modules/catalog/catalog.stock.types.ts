import { Type } from "typebox";

/** A stock level at or below its low-stock threshold, as staff see it. Quantities in units. */
export const LowStockSchema = Type.Object({
  variantId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  locationId: Type.String(),
  locationName: Type.String(),
  stockedQuantity: Type.Integer({ description: "Units on the shelf" }),
  reservedQuantity: Type.Integer({ description: "Units held for unshipped orders" }),
  availableQuantity: Type.Integer({ description: "stocked − reserved; negative for backorders" }),
  lowStockThreshold: Type.Integer(),
  allowBackorder: Type.Boolean(),
});
