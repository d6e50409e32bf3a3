import { type Static, Type } from "typebox";
import { MoneySchema } from "../../platform/money.schema.ts";

export const ImageSchema = Type.Object({
  id: Type.String(),
  url: Type.String({
    description:
      "URL of the original file; for an external image (e.g. an imported supplier's CDN), its absolute http(s) URL, which may fail to load",
  }),
  alt: Type.String(),
  width: Type.Union([Type.Integer(), Type.Null()], { description: "Original width in pixels" }),
  height: Type.Union([Type.Integer(), Type.Null()], { description: "Original height in pixels" }),
  srcset: Type.Array(Type.Object({ width: Type.Integer(), url: Type.String() }), {
    description:
      "WebP sizes, 320, 640 and 1280 pixels wide (never wider than the original); empty for an external image",
  }),
});

const ProductTypeSchema = Type.Union([
  Type.Literal("simple"),
  Type.Literal("configurable"),
  Type.Literal("bundle"),
  Type.Literal("grouped"),
  Type.Literal("digital"),
]);

const StockStatusSchema = Type.Union([
  Type.Literal("in_stock"),
  Type.Literal("low_stock"),
  Type.Literal("out_of_stock"),
]);

const summaryFields = {
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  type: ProductTypeSchema,
  price: MoneySchema,
  maxPrice: MoneySchema,
  compareAtPrice: Type.Union([MoneySchema, Type.Null()]),
  inStock: Type.Boolean(),
  optionValues: Type.Record(Type.String(), Type.Array(Type.String())),
  ratingAverage: Type.Union([Type.Number(), Type.Null()]),
  reviewCount: Type.Integer(),
};

export const ProductSummarySchema = Type.Object({
  ...summaryFields,
  thumbnail: Type.Union([ImageSchema, Type.Null()]),
});

export const ProductPageSchema = Type.Object({
  items: Type.Array(ProductSummarySchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer(),
});

const BreadcrumbSchema = Type.Object({ name: Type.String(), slug: Type.String() });

export const VariantSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  price: MoneySchema,
  compareAtPrice: Type.Union([MoneySchema, Type.Null()]),
  options: Type.Record(Type.String(), Type.String()),
  stockStatus: StockStatusSchema,
  availableQuantity: Type.Integer({ minimum: 0 }),
  imageId: Type.Union([Type.String(), Type.Null()]),
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
});

const ItemWithQuantitySchema = Type.Object({
  product: ProductSummarySchema,
  defaultQuantity: Type.Integer(),
});

export const ProductDetailSchema = Type.Object({
  ...summaryFields,
  sku: Type.String(),
  description: Type.String(),
  shortDescription: Type.String(),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  images: Type.Array(ImageSchema),
  options: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      values: Type.Array(
        Type.Object({
          id: Type.String(),
          value: Type.String(),
          swatch: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
  ),
  variants: Type.Array(VariantSchema),
  attributes: Type.Array(
    Type.Object({
      code: Type.String(),
      label: Type.String(),
      value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]),
    }),
  ),
  breadcrumbs: Type.Array(BreadcrumbSchema),
  categories: Type.Array(BreadcrumbSchema),
  related: Type.Array(ProductSummarySchema),
  upsell: Type.Array(ProductSummarySchema),
  crossSell: Type.Array(ProductSummarySchema),
  groupedItems: Type.Array(ItemWithQuantitySchema),
  bundleOptions: Type.Array(
    Type.Object({
      title: Type.String(),
      type: Type.Union([Type.Literal("radio"), Type.Literal("checkbox"), Type.Literal("select")]),
      required: Type.Boolean(),
      items: Type.Array(ItemWithQuantitySchema),
    }),
  ),
  downloads: Type.Array(Type.Object({ title: Type.String() })),
  soldBy: Type.Union(
    [
      Type.Object({
        name: Type.String(),
        slug: Type.String({ description: "The vendor's shop: /vendors/<slug>" }),
      }),
      Type.Null(),
    ],
    { description: "The marketplace vendor selling it; null when the shop sells it itself" },
  ),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const categoryFields = {
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  parentSlug: Type.Union([Type.String(), Type.Null()]),
  productCount: Type.Integer(),
  image: Type.Union([ImageSchema, Type.Null()]),
};

export const CategorySchema = Type.Cyclic(
  {
    Category: Type.Object({ ...categoryFields, children: Type.Array(Type.Ref("Category")) }),
  },
  "Category",
);

export const CategoryTreeSchema = Type.Object({ items: Type.Array(CategorySchema) });

export const CategoryDetailSchema = Type.Object({
  ...categoryFields,
  breadcrumbs: Type.Array(BreadcrumbSchema),
  children: Type.Array(CategorySchema),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  facets: Type.Object({
    options: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        values: Type.Array(
          Type.Object({
            value: Type.String(),
            swatch: Type.Union([Type.String(), Type.Null()]),
            count: Type.Integer({ description: "Listable products in the category with this value" }),
          }),
        ),
      }),
    ),
    price: Type.Union([Type.Object({ min: MoneySchema, max: MoneySchema }), Type.Null()]),
  }),
});

export const productSorts = ["relevance", "price_asc", "price_desc", "newest", "name"] as const;
export type ProductSort = (typeof productSorts)[number];

/** Query string of `GET /api/store/products`. Option filters are `option.<code>=value1,value2`. */
export const ProductListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 24, description: "Page size, 1 to 100" }),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: "nextCursor of the previous page" })),
    category: Type.Optional(Type.String({ pattern: "^[a-z0-9][a-z0-9-]*$", maxLength: 200 })),
    vendorId: Type.Optional(
      Type.String({
        maxLength: 64,
        description: "A vendor's products only (its shop page): the vendor's id",
      }),
    ),
    priceMin: Type.Optional(Type.Integer({ minimum: 0, description: "Minimum price in minor units" })),
    priceMax: Type.Optional(Type.Integer({ minimum: 0, description: "Maximum price in minor units" })),
    inStock: Type.Optional(Type.Boolean({ description: "Only products with a variant in stock" })),
    sort: Type.Union(
      productSorts.map((s) => Type.Literal(s)),
      { default: "relevance" },
    ),
  },
  {
    patternProperties: {
      "^option\\.[a-z0-9_]{1,50}$": Type.String({
        maxLength: 500,
        description: "Comma-separated option values, any of which matches: option.size=XS,S",
      }),
    },
    additionalProperties: false,
  },
);

export const SlugParamsSchema = Type.Object({
  slug: Type.String({ pattern: "^[a-z0-9][a-z0-9-]*$", maxLength: 200 }),
});

export type MoneyDto = Static<typeof MoneySchema>;
export type ImageDto = Static<typeof ImageSchema>;
export type ProductSummaryDto = Static<typeof ProductSummarySchema>;
export type ProductDetailDto = Static<typeof ProductDetailSchema>;
export type VariantDto = Static<typeof VariantSchema>;
export type CategoryDto = Static<typeof CategorySchema>;
export type CategoryDetailDto = Static<typeof CategoryDetailSchema>;
export type ProductPageDto = Static<typeof ProductPageSchema>;
