import { Type } from "typebox";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

const MethodTypeSchema = Type.Union(
  [Type.Literal("flat_rate"), Type.Literal("table_rate"), Type.Literal("pickup"), Type.Literal("carrier")],
  {
    description:
      "flat_rate: `amount` per order + `amountPerItem` per unit; table_rate: `tableRates` by `rateBasis`; " +
      "pickup: collected at `pickupAddress` for `amount`; carrier: live rates from the `carrier` strategy",
  },
);
const RateBasisSchema = Type.Union(
  [Type.Literal("subtotal"), Type.Literal("weight"), Type.Literal("quantity")],
  {
    description:
      "What table rows' `from` measures: subtotal (minor units), weight (grams) or quantity (units)",
  },
);

/** A row of a table rate. */
export const TableRateRowSchema = Type.Object(
  {
    region: Nullable(Type.String({ maxLength: 10, description: "Region code; null = any" })),
    postcode: Nullable(
      Type.String({ maxLength: 21, description: 'Exact postcode or prefix "48*"; null = any' }),
    ),
    from: Type.Integer({ minimum: 0, description: "Lower bound (inclusive) of the rate basis" }),
    amount: Type.Integer({ minimum: 0, description: "Price in minor units" }),
  },
  { additionalProperties: false },
);

/** A shipping method as staff see it. Amounts are minor units of `currency`. */
export const StaffShippingMethodSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  type: MethodTypeSchema,
  currency: Type.String({ description: "ISO 4217" }),
  amount: Type.Integer(),
  amountPerItem: Type.Integer(),
  freeAbove: Nullable(Type.Integer({ description: "Free from this subtotal on; null = never" })),
  rateBasis: RateBasisSchema,
  tableRates: Type.Array(TableRateRowSchema),
  carrier: Nullable(Type.String()),
  pickupAddress: Nullable(Type.String()),
  estimatedDays: Nullable(Type.String()),
  isActive: Type.Boolean(),
  position: Type.Integer(),
});

/** A shipping zone with its methods. */
export const StaffShippingZoneSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  countries: Type.Array(Type.String(), {
    description: 'ISO 3166-1 alpha-2 codes, or ["*"] for every country',
  }),
  regions: Type.Array(Type.String(), { description: "Region codes; empty = every region" }),
  position: Type.Integer(),
  methods: Type.Array(StaffShippingMethodSchema),
  version: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
});

/** A method to save with its zone; `id` names an existing method of the zone (none: a new one). */
export const ShippingMethodInputSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    code: Type.String({ minLength: 1, maxLength: 64, description: "Unique across zones, e.g. best_way" }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    type: MethodTypeSchema,
    currency: Type.String({ minLength: 3, maxLength: 3, description: "ISO 4217" }),
    amount: Type.Optional(Type.Integer({ minimum: 0, description: "Minor units" })),
    amountPerItem: Type.Optional(Type.Integer({ minimum: 0, description: "Minor units" })),
    freeAbove: Type.Optional(Nullable(Type.Integer({ minimum: 0, description: "Minor units" }))),
    rateBasis: Type.Optional(RateBasisSchema),
    tableRates: Type.Optional(Type.Array(TableRateRowSchema, { maxItems: 1000 })),
    carrier: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    pickupAddress: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    estimatedDays: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A zone to create or replace, with all its methods. */
export const ShippingZoneInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    countries: Type.Array(Type.String({ maxLength: 2 }), { minItems: 1, maxItems: 300 }),
    regions: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 500 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    methods: Type.Array(ShippingMethodInputSchema, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
