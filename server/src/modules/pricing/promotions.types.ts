import { Type } from "typebox";

/**
 * Wire schemas of the staff promotions API (/api/admin/promotions). Amounts are integer minor units
 * of `currency`; percentages are basis points (1500 = 15 %); times are ISO 8601 UTC.
 */

// Null first: the validator coerces types ("array" mode) and would turn a null into 0 or "" when the
// other branch came first.
const NullableInt = (options: Parameters<typeof Type.Integer>[0] = {}) =>
  Type.Union([Type.Null(), Type.Integer(options)]);
const NullableDateTime = (description: string) =>
  Type.Union([Type.Null(), Type.String({ format: "date-time", description })]);
const Amount = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description });
const IdList = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 500, description });

export const PromotionTypeSchema = Type.Union(
  [
    Type.Literal("percentage"),
    Type.Literal("fixed"),
    Type.Literal("buy_x_get_y"),
    Type.Literal("free_shipping"),
  ],
  {
    description:
      "percentage: `value` basis points off the qualifying items; fixed: `value` minor units of `currency` off " +
      "(the order's qualifying items together, or each unit with appliesTo each_item); buy_x_get_y: per full " +
      "group of buyQuantity + getQuantity qualifying units, the getQuantity cheapest get `value` basis points " +
      "off (10000 = free); free_shipping: the shipping price is discounted to 0",
  },
);

export const PromotionStatusSchema = Type.Union(
  [Type.Literal("active"), Type.Literal("scheduled"), Type.Literal("expired"), Type.Literal("paused")],
  {
    description:
      "expired: its end has passed (paused or not); paused: switched off by staff; scheduled: starts later; " +
      "active: applies now",
  },
);

export const AppliesToSchema = Type.Union([Type.Literal("order"), Type.Literal("each_item")], {
  description:
    "For fixed amounts: `order` = one amount off the qualifying items together; `each_item` = the amount off " +
    "every qualifying unit. Other types ignore it.",
});

/** The conditions as stored and answered: every key present. */
export const PromotionConditionsSchema = Type.Object({
  minSubtotal: NullableInt({
    description: "The cart subtotal (before discounts) must reach this, minor units; null: no minimum",
  }),
  productIds: Type.Array(Type.String(), { description: "Lines of these products qualify" }),
  skus: Type.Array(Type.String(), { description: "Lines of these variant SKUs qualify" }),
  categoryIds: Type.Array(Type.String(), {
    description:
      "Lines in these categories (or below them) qualify. With no product, SKU or category, every line does",
  }),
  excludeOnSale: Type.Boolean({ description: "Lines at a special (sale) price never qualify" }),
  excludeCategoryIds: Type.Array(Type.String(), {
    description: "Lines in these categories (or below them) never qualify",
  }),
  customerGroupIds: Type.Array(Type.String(), {
    description:
      "Only carts of signed-in customers in any of these customer groups get it (guests never); empty: everyone",
  }),
});

export const PromotionConditionsInputSchema = Type.Object(
  {
    minSubtotal: Type.Optional(
      Type.Union([Type.Null(), Amount("Minimum cart subtotal before discounts, minor units")]),
    ),
    productIds: Type.Optional(IdList("Products whose lines qualify")),
    skus: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 500,
        description: "Variant SKUs whose lines qualify",
      }),
    ),
    categoryIds: Type.Optional(IdList("Categories whose lines (subcategories included) qualify")),
    excludeOnSale: Type.Optional(Type.Boolean()),
    excludeCategoryIds: Type.Optional(IdList("Categories whose lines never qualify")),
    customerGroupIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 100,
        description:
          "Customer groups (any of them) whose signed-in members get it; guests never do. Empty: everyone",
      }),
    ),
  },
  { additionalProperties: false },
);

const ProductRefSchema = Type.Object({ id: Type.String(), sku: Type.String(), name: Type.String() });

const promotionFields = {
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  type: PromotionTypeSchema,
  appliesTo: AppliesToSchema,
  value: Type.Integer({
    description:
      "percentage and buy_x_get_y: basis points (1500 = 15 %); fixed: minor units of `currency`; free_shipping: 0",
  }),
  currency: Type.Union([Type.Null(), Type.String()], {
    description:
      "ISO 4217 code: carts in other currencies do not get it. Null (not for fixed amounts): any currency, " +
      "and minSubtotal / maxDiscountAmount are minor units of the cart's currency",
  }),
  buyQuantity: Type.Integer({ description: "buy_x_get_y: X" }),
  getQuantity: Type.Integer({ description: "buy_x_get_y: Y" }),
  maxDiscountAmount: NullableInt({ description: "Cap on the discount it gives one cart, minor units" }),
  conditions: PromotionConditionsSchema,
  priority: Type.Integer({ description: "Lower applies first" }),
  stopFurtherPromotions: Type.Boolean({
    description: "When it applies, promotions after it (by priority) do not",
  }),
  requiresCoupon: Type.Boolean({
    description: "True: applies only with one of its coupon codes; false: applies automatically",
  }),
  isActive: Type.Boolean({ description: "False: paused" }),
  startsAt: NullableDateTime("Applies from then (UTC); null: at once"),
  endsAt: NullableDateTime("Applies until then, exclusive (UTC); null: no end"),
  status: PromotionStatusSchema,
  codeCount: Type.Integer({ description: "Coupon codes it has" }),
  redemptions: Type.Integer({ description: "Coupon uses by orders (cancelled orders give theirs back)" }),
  sourceKey: Type.Union([Type.Null(), Type.String()], {
    description: "Where an imported promotion came from",
  }),
  version: Type.Integer({ description: "The ETag: send it back as If-Match when saving" }),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
};

export const PromotionRowSchema = Type.Object(promotionFields);

export const PromotionListSchema = Type.Object({
  items: Type.Array(PromotionRowSchema),
  nextCursor: Type.Union([Type.Null(), Type.String()]),
  total: Type.Integer(),
});

export const PromotionListQuerySchema = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: "Words of the name, or the start of one of its codes" }),
    ),
    status: Type.Optional(PromotionStatusSchema),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CouponCodeSchema = Type.Object({
  id: Type.String(),
  code: Type.String({ description: "Upper case; shoppers may type it in any case" }),
  usageLimit: NullableInt({ description: "Uses allowed in total; null: unlimited" }),
  usageLimitPerCustomer: NullableInt({
    description: "Uses allowed per customer (account, or e-mail for guests); null: unlimited",
  }),
  usageCount: Type.Integer({ description: "Uses by orders so far (cancelled orders give theirs back)" }),
  createdAt: Type.String({ format: "date-time" }),
});

export const CouponCodeListSchema = Type.Object({
  items: Type.Array(CouponCodeSchema),
  nextCursor: Type.Union([Type.Null(), Type.String()]),
  total: Type.Integer(),
});

export const CouponCodeListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64, description: "The start of a code" })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PromotionUsageSchema = Type.Object({
  redemptions: Type.Integer({ description: "Coupon uses by orders not cancelled" }),
  orders: Type.Integer({ description: "Orders it was applied to (not cancelled)" }),
  discountTotals: Type.Union(
    [
      Type.Null(),
      Type.Array(
        Type.Object({
          currency: Type.String({ description: "ISO 4217 code" }),
          amount: Type.Integer({ description: "Discount given, minor units of `currency`" }),
        }),
      ),
    ],
    { description: "Discount given by it on orders not cancelled, per currency; null when not known" },
  ),
  recentRedemptions: Type.Array(
    Type.Object({
      orderId: Type.String(),
      code: Type.String(),
      redeemedAt: Type.String({ format: "date-time" }),
      released: Type.Boolean({ description: "The order was cancelled: the use was given back" }),
    }),
    { description: "The last 10 coupon uses, newest first" },
  ),
});

export const PromotionDetailSchema = Type.Object({
  ...promotionFields,
  products: Type.Array(ProductRefSchema, { description: "The products of conditions.productIds" }),
  customerGroups: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), {
    description: "The customer groups of conditions.customerGroupIds that exist",
  }),
  usage: PromotionUsageSchema,
  codes: Type.Object(CouponCodeListSchema.properties, {
    description: "The newest codes; GET /promotions/{id}/codes pages through all of them",
  }),
});

const CodeText = Type.String({
  minLength: 3,
  maxLength: 64,
  description: "Letters, digits, - and _ (stored upper case; surrounding spaces are dropped)",
});
const UsageLimit = (description: string) =>
  Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: 1_000_000_000, description })]));

export const CouponCodeInputSchema = Type.Object(
  {
    code: CodeText,
    usageLimit: UsageLimit("Uses allowed in total; null or absent: unlimited"),
    usageLimitPerCustomer: UsageLimit("Uses allowed per customer; null or absent: unlimited"),
  },
  { additionalProperties: false },
);

export const CouponCodePatchSchema = Type.Object(
  {
    usageLimit: UsageLimit("Uses allowed in total; null: unlimited"),
    usageLimitPerCustomer: UsageLimit("Uses allowed per customer; null: unlimited"),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const GenerateCodesSchema = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 10_000, description: "How many codes, at most 10,000" }),
    prefix: Type.String({
      maxLength: 32,
      default: "",
      description: 'Put before each code, e.g. "SPRING-" (letters, digits, - and _; may be empty)',
    }),
    length: Type.Integer({
      minimum: 6,
      maximum: 16,
      default: 8,
      description:
        "Random characters after the prefix, from an alphabet without look-alikes (no 0, O, 1, I, L)",
    }),
    usageLimit: UsageLimit("Uses allowed per code in total; null or absent: unlimited"),
    usageLimitPerCustomer: UsageLimit("Uses allowed per code and customer; null or absent: unlimited"),
  },
  { additionalProperties: false },
);

export const GeneratedCodesSchema = Type.Object({
  created: Type.Integer({ description: "Codes made" }),
  codeCount: Type.Integer({ description: "Codes the promotion has now" }),
  sample: Type.Array(Type.String(), { description: "The first few new codes" }),
});

const promotionInputFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  type: PromotionTypeSchema,
  appliesTo: Type.Optional(AppliesToSchema),
  value: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description:
        "percentage: basis points 1-10000 (1500 = 15 %); buy_x_get_y: basis points off the free units, 1-10000 " +
        "(10000 = free, the default); fixed: minor units of `currency`, at least 1; free_shipping: leave out",
    }),
  ),
  currency: Type.Optional(
    Type.Union([Type.Null(), Type.String({ pattern: "^[A-Za-z]{3}$", description: "ISO 4217 code" })]),
  ),
  buyQuantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  getQuantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  maxDiscountAmount: Type.Optional(Type.Union([Type.Null(), Amount("Cap per cart, minor units")])),
  conditions: Type.Optional(PromotionConditionsInputSchema),
  priority: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
  stopFurtherPromotions: Type.Optional(Type.Boolean()),
  requiresCoupon: Type.Optional(Type.Boolean()),
  isActive: Type.Optional(Type.Boolean()),
  startsAt: Type.Optional(NullableDateTime("Applies from then (UTC); null: at once")),
  endsAt: Type.Optional(NullableDateTime("Applies until then, exclusive (UTC); null: no end")),
};

export const PromotionCreateSchema = Type.Object(
  {
    ...promotionInputFields,
    codes: Type.Optional(
      Type.Array(CouponCodeInputSchema, {
        maxItems: 100,
        description: "Coupon codes made with it (needs requiresCoupon); more can be added or generated later",
      }),
    ),
  },
  { additionalProperties: false },
);

export const PromotionPatchSchema = Type.Object(
  {
    ...promotionInputFields,
    name: Type.Optional(promotionInputFields.name),
    type: Type.Optional(PromotionTypeSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
