import { Type } from "typebox";

/** Wire schemas of the staff catalog API (products, images, categories). */

// Null first: the validator coerces types ("array" mode), and would turn a null into "" or 0 when the
// other branch came first (a special price of 0 instead of none).
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([Type.Null(), schema]);
const NullableInt = (options: Parameters<typeof Type.Integer>[0] = {}) =>
  Type.Union([Type.Null(), Type.Integer(options)]);

export const ProductStatusSchema = Type.Union(
  [Type.Literal("draft"), Type.Literal("active"), Type.Literal("archived")],
  { description: "draft: not shown; active: on sale; archived: kept for history, not shown" },
);
export const ProductTypeSchema = Type.Union([
  Type.Literal("simple"),
  Type.Literal("configurable"),
  Type.Literal("bundle"),
  Type.Literal("grouped"),
  Type.Literal("digital"),
]);
export const VisibilitySchema = Type.Union([
  Type.Literal("everywhere"),
  Type.Literal("catalog"),
  Type.Literal("search"),
  Type.Literal("hidden"),
]);
const StockStatusSchema = Type.Union([
  Type.Literal("in_stock"),
  Type.Literal("low_stock"),
  Type.Literal("out_of_stock"),
]);
const LinkIds = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 });
const AttributeValueSchema = Type.Union([
  Type.String({ maxLength: 2000 }),
  Type.Number(),
  Type.Boolean(),
  Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100 }),
]);
const DateTime = (description: string) =>
  Type.Union([Type.Null(), Type.String({ format: "date-time", description })]);
const Sku = Type.String({ minLength: 1, maxLength: 64, pattern: "^\\S(.*\\S)?$" });
const Amount = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: 1_000_000_000_000,
    description: `${description}, in minor units of the product's currency`,
  });

const ProductRefSchema = Type.Object({ id: Type.String(), sku: Type.String(), name: Type.String() });

export const StaffProductRowSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  type: ProductTypeSchema,
  status: ProductStatusSchema,
  thumbnailUrl: Nullable(Type.String()),
  minPriceAmount: NullableInt({ description: "Lowest variant price, minor units of `currency`" }),
  maxPriceAmount: NullableInt({ description: "Highest variant price, minor units of `currency`" }),
  currency: Nullable(Type.String()),
  variantCount: Type.Integer(),
  availableQuantity: Type.Integer({ description: "Units that can be sold now, all variants and locations" }),
  stockStatus: StockStatusSchema,
  unlimitedStock: Type.Boolean({
    description: "Some variant is not counted (e.g. digital) or may be backordered",
  }),
  categoryName: Nullable(Type.String()),
  vendorId: Nullable(Type.String({ description: "The vendor selling it; null for the shop's own products" })),
  publishAt: DateTime("When a draft is published (UTC)"),
  updatedAt: Type.String({ format: "date-time" }),
  version: Type.Integer(),
});

export const StaffProductListSchema = Type.Object({
  items: Type.Array(StaffProductRowSchema),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer({
    description: "Matching products; counting stops at 10,001 (read it as “over 10,000”)",
  }),
});

export const StaffProductQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: "Name words, or the start of a SKU" })),
    status: Type.Optional(ProductStatusSchema),
    type: Type.Optional(ProductTypeSchema),
    categoryId: Type.Optional(Type.String({ maxLength: 64 })),
    stock: Type.Optional(Type.Union([Type.Literal("available"), Type.Literal("sold_out")])),
    vendorId: Type.Optional(
      Type.String({
        maxLength: 64,
        description: "A vendor's products (`ven_...`), or `platform` for the shop's own",
      }),
    ),
    sort: Type.Union(
      [
        Type.Literal("updated"),
        Type.Literal("created"),
        Type.Literal("name"),
        Type.Literal("-name"),
        Type.Literal("sku"),
      ],
      { default: "updated" },
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const EditorVariantSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  priceAmount: Type.Integer({ description: "Regular price, minor units of the product's currency" }),
  compareAtAmount: NullableInt({ description: "Struck-through 'was' price, minor units" }),
  specialPriceAmount: NullableInt({ description: "Sale price inside the special window, minor units" }),
  specialFrom: DateTime("Start of the special price (UTC); open when null"),
  specialTo: DateTime("End of the special price (UTC, exclusive); open when null"),
  weightGrams: NullableInt({ description: "Shipping weight in grams" }),
  barcode: Nullable(Type.String()),
  imageId: Nullable(Type.String()),
  availableQuantity: Type.Integer({
    description: "Units sellable now over all locations (change via stock adjustments)",
  }),
  stockStatus: StockStatusSchema,
});

const BundleOptionTypeSchema = Type.Union([
  Type.Literal("radio"),
  Type.Literal("checkbox"),
  Type.Literal("select"),
]);

export const ProductDocumentSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer({ description: "The ETag: send it back as If-Match when saving" }),
  vendorId: Nullable(Type.String({ description: "The vendor selling it; null for the shop's own products" })),
  type: ProductTypeSchema,
  sku: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String({ description: "HTML" }),
  shortDescription: Type.String({ description: "HTML" }),
  status: ProductStatusSchema,
  visibility: VisibilitySchema,
  publishAt: DateTime("A draft becomes active then (UTC)"),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  taxClass: Type.String(),
  currency: Type.String({ description: "ISO 4217 code of every amount" }),
  categoryIds: Type.Array(Type.String(), { description: "The first is the main category" }),
  attributes: Type.Record(Type.String(), AttributeValueSchema),
  options: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      values: Type.Array(Type.Object({ value: Type.String(), swatch: Nullable(Type.String()) })),
    }),
  ),
  variants: Type.Array(EditorVariantSchema),
  images: Type.Array(
    Type.Object({ id: Type.String(), url: Type.String(), thumbnailUrl: Type.String(), alt: Type.String() }),
  ),
  links: Type.Object({
    related: Type.Array(ProductRefSchema),
    upsell: Type.Array(ProductRefSchema),
    crosssell: Type.Array(ProductRefSchema),
  }),
  bundleOptions: Type.Array(
    Type.Object({
      title: Type.String(),
      type: BundleOptionTypeSchema,
      required: Type.Boolean(),
      items: Type.Array(Type.Object({ ...ProductRefSchema.properties, defaultQuantity: Type.Integer() })),
    }),
  ),
  groupedItems: Type.Array(Type.Object({ ...ProductRefSchema.properties, defaultQuantity: Type.Integer() })),
  downloads: Type.Array(
    Type.Object({
      title: Type.String(),
      fileName: Type.String(),
      bytes: Type.Integer(),
      storageKey: Type.String(),
    }),
  ),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const OptionCode = Type.String({ minLength: 1, maxLength: 40, pattern: "^[a-z0-9_]+$" });

export const ProductDocumentInputSchema = Type.Object(
  {
    type: ProductTypeSchema,
    sku: Sku,
    name: Type.String({ minLength: 1, maxLength: 255 }),
    slug: Type.Optional(Type.String({ maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 100_000, description: "HTML" })),
    shortDescription: Type.Optional(Type.String({ maxLength: 10_000, description: "HTML" })),
    status: Type.Optional(ProductStatusSchema),
    visibility: Type.Optional(VisibilitySchema),
    publishAt: Type.Optional(DateTime("A draft becomes active then (UTC)")),
    metaTitle: Type.Optional(Type.String({ maxLength: 255 })),
    metaDescription: Type.Optional(Type.String({ maxLength: 1000 })),
    taxClass: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    currency: Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code of every amount" }),
    categoryIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), AttributeValueSchema)),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          {
            code: OptionCode,
            name: Type.String({ minLength: 1, maxLength: 80 }),
            values: Type.Array(
              Type.Object(
                {
                  value: Type.String({ minLength: 1, maxLength: 80 }),
                  swatch: Type.Optional(
                    Type.Union([Type.Null(), Type.String({ pattern: "^#[0-9a-fA-F]{6}$" })]),
                  ),
                },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 5 },
      ),
    ),
    variants: Type.Array(
      Type.Object(
        {
          id: Type.Optional(
            Type.String({ maxLength: 64, description: "An existing variant (omit for a new one)" }),
          ),
          sku: Sku,
          title: Type.Optional(Type.String({ maxLength: 255 })),
          options: Type.Optional(Type.Record(OptionCode, Type.String({ minLength: 1, maxLength: 80 }))),
          priceAmount: Amount("Regular price"),
          compareAtAmount: Type.Optional(Type.Union([Type.Null(), Amount("Struck-through 'was' price")])),
          specialPriceAmount: Type.Optional(Type.Union([Type.Null(), Amount("Sale price")])),
          specialFrom: Type.Optional(DateTime("Start of the special price (UTC)")),
          specialTo: Type.Optional(DateTime("End of the special price (UTC, exclusive)")),
          weightGrams: Type.Optional(
            Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 10_000_000 })]),
          ),
          barcode: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 14 })])),
          imageId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
          initialStock: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 100_000_000,
              description: "Units on hand at the default location, for a NEW variant only",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
    images: Type.Optional(
      Type.Array(
        Type.Object(
          { imageId: Type.String({ maxLength: 64 }), alt: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: "In display order; upload files first with POST /api/admin/images" },
      ),
    ),
    links: Type.Optional(
      Type.Object(
        {
          related: Type.Optional(LinkIds),
          upsell: Type.Optional(LinkIds),
          crosssell: Type.Optional(LinkIds),
        },
        {
          additionalProperties: false,
          description: "Product ids of related, up-sell and cross-sell products",
        },
      ),
    ),
    bundleOptions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 255 }),
            type: BundleOptionTypeSchema,
            required: Type.Optional(Type.Boolean()),
            items: Type.Array(
              Type.Object(
                { sku: Sku, defaultQuantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: 100 },
            ),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    groupedItems: Type.Optional(
      Type.Array(
        Type.Object(
          { sku: Sku, defaultQuantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    downloads: Type.Optional(
      Type.Array(
        Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 255 }),
            fileName: Type.String({ minLength: 1, maxLength: 255 }),
            bytes: Type.Integer({ minimum: 0 }),
            storageKey: Type.String({ minLength: 1, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const UploadedImageSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  thumbnailUrl: Type.String(),
  width: NullableInt(),
  height: NullableInt(),
});

export const BulkProductActionSchema = Type.Object(
  {
    productIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 }),
    action: Type.Union([
      Type.Literal("publish"),
      Type.Literal("unpublish"),
      Type.Literal("archive"),
      Type.Literal("delete"),
    ]),
  },
  { additionalProperties: false },
);

export const BulkProductResultSchema = Type.Object({
  changed: Type.Array(Type.String(), { description: "Products whose status changed (or that were deleted)" }),
  archived: Type.Array(Type.String(), {
    description: "Products kept and archived because orders or bundles use them",
  }),
  notFound: Type.Array(Type.String()),
});

export const StaffCategorySchema = Type.Object({
  id: Type.String(),
  parentId: Nullable(Type.String()),
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  position: Type.Integer(),
  isActive: Type.Boolean(),
  includeInMenu: Type.Boolean(),
  imageId: Nullable(Type.String()),
  imageUrl: Nullable(Type.String()),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  productCount: Type.Integer(),
  version: Type.Integer(),
});

const categoryFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  slug: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.String({ maxLength: 100_000, description: "HTML" }),
  parentId: Type.Union([Type.Null(), Type.String({ maxLength: 64 })]),
  position: Type.Integer({ minimum: 0, maximum: 100_000, description: "Place among its siblings, from 0" }),
  isActive: Type.Boolean(),
  includeInMenu: Type.Boolean(),
  imageId: Type.Union([Type.Null(), Type.String({ maxLength: 64 })]),
  metaTitle: Type.String({ maxLength: 255 }),
  metaDescription: Type.String({ maxLength: 1000 }),
};

const optionalCategoryFields = {
  slug: Type.Optional(categoryFields.slug),
  description: Type.Optional(categoryFields.description),
  parentId: Type.Optional(categoryFields.parentId),
  position: Type.Optional(categoryFields.position),
  isActive: Type.Optional(categoryFields.isActive),
  includeInMenu: Type.Optional(categoryFields.includeInMenu),
  imageId: Type.Optional(categoryFields.imageId),
  metaTitle: Type.Optional(categoryFields.metaTitle),
  metaDescription: Type.Optional(categoryFields.metaDescription),
};

export const CategoryCreateSchema = Type.Object(
  { name: categoryFields.name, ...optionalCategoryFields },
  { additionalProperties: false },
);

export const CategoryPatchSchema = Type.Object(
  { name: Type.Optional(categoryFields.name), ...optionalCategoryFields },
  { additionalProperties: false, minProperties: 1 },
);
