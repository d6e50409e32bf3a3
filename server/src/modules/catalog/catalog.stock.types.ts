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

const id = (description?: string) =>
  Type.String({ minLength: 1, maxLength: 64, ...(description && { description }) });
const note = Type.String({ maxLength: 500, description: "Why, for the ledger (free text)" });
const units = (description: string, options: { minimum?: number; maximum?: number } = {}) =>
  Type.Integer({ description, ...options });

/** A place stock is kept, with what it holds. Quantities in units, summed over every variant. */
export const StockLocationSchema = Type.Object({
  id: Type.String(),
  code: Type.String({ description: "Short unique code: lower-case letters, digits, - and _" }),
  name: Type.String(),
  isDefault: Type.Boolean({ description: "Imports and restocks without a location go here" }),
  isActive: Type.Boolean({
    description: "An inactive location keeps its history but takes and sells no stock",
  }),
  version: Type.Integer({ description: "Bumped by every save; also the ETag" }),
  createdAt: Type.String({ format: "date-time" }),
  skuCount: units("Variants with a stock level here"),
  stockedQuantity: units("Units on the shelf here"),
  reservedQuantity: units("Units held here for unshipped orders"),
});

const codeSchema = Type.String({
  minLength: 1,
  maxLength: 40,
  description: "1-40 lower-case letters, digits, - and _ (starting with a letter or digit)",
});
const nameSchema = Type.String({ minLength: 1, maxLength: 100 });

export const StockLocationCreateSchema = Type.Object(
  {
    code: codeSchema,
    name: nameSchema,
    isActive: Type.Optional(Type.Boolean({ default: true })),
    isDefault: Type.Optional(
      Type.Boolean({ description: "Make it the default (the current one stops being)" }),
    ),
  },
  { additionalProperties: false },
);

export const StockLocationPatchSchema = Type.Object(
  {
    code: Type.Optional(codeSchema),
    name: Type.Optional(nameSchema),
    isActive: Type.Optional(Type.Boolean()),
    isDefault: Type.Optional(
      Type.Boolean({ description: "true makes it the default; the default cannot be unset, only replaced" }),
    ),
  },
  { additionalProperties: false },
);

export const StockLocationListSchema = Type.Object({ items: Type.Array(StockLocationSchema) });

const stockStatus = Type.Union(
  [Type.Literal("in_stock"), Type.Literal("low_stock"), Type.Literal("out_of_stock")],
  {
    description:
      "out_of_stock: counted, no backorders, nothing available; low_stock: available at or below the threshold",
  },
);

/** A variant's stock at one location, with the variant's SKU and product. Quantities in units. */
export const StockLevelSchema = Type.Object({
  variantId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  locationId: Type.String(),
  locationName: Type.String(),
  locationActive: Type.Boolean(),
  stockedQuantity: units("Units on the shelf"),
  reservedQuantity: units("Units held for unshipped orders"),
  availableQuantity: units("stocked − reserved; negative for backorders"),
  lowStockThreshold: units("Available units at or below which the level counts as low"),
  manageStock: Type.Boolean({ description: "Off: not counted (always available)" }),
  allowBackorder: Type.Boolean(),
  stockStatus,
  updatedAt: Type.String({ format: "date-time" }),
});

export const StockLevelQuerySchema = Type.Object(
  {
    locationId: Type.Optional(id("Only this location")),
    search: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "SKU or product name contains (any case)" }),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal("low"), Type.Literal("out")], {
        description: "low: at or below the threshold (out of stock included); out: nothing available to sell",
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: "`nextCursor` of the previous page" })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export const StockLevelPageSchema = Type.Object({
  items: Type.Array(StockLevelSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({
    description: "Matching levels; counting stops at 10,001 (read it as “over 10,000”)",
  }),
});

export const VariantStockSchema = Type.Object({
  variantId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  items: Type.Array(StockLevelSchema, { description: "Its level at every location that has one" }),
});

const staffReason = Type.Union(
  [
    Type.Literal("received"),
    Type.Literal("correction"),
    Type.Literal("damaged"),
    Type.Literal("lost"),
    Type.Literal("returned"),
  ],
  { description: "received/returned add units, damaged/lost remove them, correction either way" },
);

const anyReason = Type.Union(
  [
    Type.Literal("received"),
    Type.Literal("correction"),
    Type.Literal("damaged"),
    Type.Literal("lost"),
    Type.Literal("returned"),
    Type.Literal("transfer_out"),
    Type.Literal("transfer_in"),
    Type.Literal("sale"),
    Type.Literal("restock"),
    Type.Literal("import"),
    Type.Literal("written_off"),
  ],
  {
    description:
      "Staff's reasons, and the system's: sale, restock, transfer_out/in, import, written_off (reserved units refunded without restock)",
  },
);

export const StockAdjustmentBodySchema = Type.Object(
  {
    variantId: id(),
    locationId: id(),
    reason: staffReason,
    delta: Type.Optional(
      units("Units to add (negative: to remove). Give this or newQuantity", {
        minimum: -1_000_000_000,
        maximum: 1_000_000_000,
      }),
    ),
    newQuantity: Type.Optional(
      units("The counted units on hand. Give this or delta", { minimum: 0, maximum: 1_000_000_000 }),
    ),
    note: Type.Optional(note),
  },
  { additionalProperties: false },
);

const actor = Type.Union(
  [
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Type.String({ description: "Empty for an API key" }),
    }),
    Type.Null(),
  ],
  { description: "The staff member (or API key); null for the system (orders, imports)" },
);

/** One row of the stock ledger. `delta` = `after` − `before`, in units. */
export const StockAdjustmentSchema = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  locationId: Type.String(),
  locationName: Type.String(),
  reason: anyReason,
  delta: Type.Integer(),
  before: units("Units on hand before"),
  after: units("Units on hand after"),
  note: Type.String(),
  actor,
  transferId: Type.Union([Type.String(), Type.Null()], { description: "Pairs the two rows of a transfer" }),
  createdAt: Type.String({ format: "date-time" }),
});

export const StockAdjustmentResultSchema = Type.Object({
  level: StockLevelSchema,
  adjustment: StockAdjustmentSchema,
});

export const LedgerQuerySchema = Type.Object(
  {
    variantId: Type.Optional(id()),
    locationId: Type.Optional(id()),
    reason: Type.Optional(anyReason),
    transferId: Type.Optional(id()),
    cursor: Type.Optional(Type.String({ maxLength: 64, description: "`nextCursor` of the previous page" })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);

export const LedgerPageSchema = Type.Object({
  items: Type.Array(StockAdjustmentSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({ description: "Matching rows; counting stops at 10,001 (read it as “over 10,000”)" }),
});

export const StockTransferBodySchema = Type.Object(
  {
    variantId: id(),
    fromLocationId: id(),
    toLocationId: id(),
    quantity: units("Units to move (at most those available at the source)", {
      minimum: 1,
      maximum: 1_000_000_000,
    }),
    note: Type.Optional(note),
  },
  { additionalProperties: false },
);

export const StockTransferResultSchema = Type.Object({
  transferId: Type.String(),
  from: StockLevelSchema,
  to: StockLevelSchema,
  adjustments: Type.Array(StockAdjustmentSchema, { description: "transfer_out, then transfer_in" }),
});

export const StockLevelSettingsSchema = Type.Object(
  {
    lowStockThreshold: Type.Optional(
      units("Low at or below this many available", { minimum: 0, maximum: 1_000_000 }),
    ),
    manageStock: Type.Optional(Type.Boolean()),
    allowBackorder: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
