import { type Static, type TSchema, Type } from "typebox";
import { ProductSummarySchema } from "../catalog/index.ts";

/**
 * TypeBox schemas of the content API: the JSON shapes staff edit (a page, the home page's sections,
 * a menu, the announcement bar), what the staff API answers about an entry (draft and published), and
 * what the store API answers (published content with the categories and products it names resolved).
 */

const text = (maxLength: number, description?: string, minLength = 0) =>
  Type.String({ minLength, maxLength, ...(description ? { description } : {}) });

/** A link target: a path on this site or an absolute http(s) URL (checked by the service). */
const UrlSchema = (minLength = 0) =>
  Type.String({
    minLength,
    maxLength: 2048,
    description:
      "A path on this site (`/categories/women`, `/pages/about-us`) or an absolute http(s) URL" +
      (minLength === 0 ? "; empty for none" : ""),
  });

export const slugPattern = "^[a-z0-9][a-z0-9-]*$";

export const PageSlugSchema = Type.String({
  pattern: slugPattern,
  maxLength: 200,
  description: "URL slug: the page is at /pages/<slug> (lower-case letters, digits and hyphens)",
});

// ---------------------------------------------------------------------------------------------------
// What staff edit

/** A page: title, HTML body (sanitised when saved) and its SEO texts. */
export const PageContentSchema = Type.Object(
  {
    title: text(200, "The page's heading (and title, unless `metaTitle` says otherwise)", 1),
    body: text(200_000, "HTML; only safe HTML is kept (see the rich-text rules)"),
    metaTitle: text(255, "The browser and search-engine title; empty: the title"),
    metaDescription: text(1000, "The search-engine snippet; empty: the body's first words"),
  },
  { additionalProperties: false },
);

export const HeroSectionSchema = Type.Object(
  {
    type: Type.Literal("hero"),
    heading: text(200, "The banner's heading", 1),
    text: text(1000, "A sentence under the heading"),
    imageId: Type.Union([Type.Null(), Type.String({ maxLength: 64 })], {
      description: "An uploaded image (POST /api/admin/content/images), or null",
    }),
    linkUrl: UrlSchema(),
    linkLabel: text(100, "The button's text; empty: no button"),
  },
  { additionalProperties: false, description: "A banner with an image, a heading and a link" },
);

export const FeaturedCategoriesSectionSchema = Type.Object(
  {
    type: Type.Literal("featured_categories"),
    heading: text(200),
    categoryIds: Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 24,
      description: "In display order",
    }),
  },
  { additionalProperties: false, description: "Tiles of chosen categories, each with its image" },
);

export const carouselSources = ["category", "new", "bestsellers", "products"] as const;

export const ProductCarouselSectionSchema = Type.Object(
  {
    type: Type.Literal("product_carousel"),
    heading: text(200),
    source: Type.Union(
      [Type.Literal("category"), Type.Literal("new"), Type.Literal("bestsellers"), Type.Literal("products")],
      {
        description:
          "category: products of `categoryId` (and its subcategories); new: newest first; bestsellers: most " +
          "ordered lately (newest while there are no orders); products: the `productIds`, in that order",
      },
    ),
    categoryId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
    productIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 48 })),
    limit: Type.Integer({ minimum: 1, maximum: 24, description: "At most this many products" }),
  },
  { additionalProperties: false, description: "A row of products" },
);

export const RichTextSectionSchema = Type.Object(
  {
    type: Type.Literal("rich_text"),
    body: text(100_000, "HTML; only safe HTML is kept"),
  },
  { additionalProperties: false, description: "Free text" },
);

export const homeSectionTypes = ["hero", "featured_categories", "product_carousel", "rich_text"] as const;
export type HomeSectionType = (typeof homeSectionTypes)[number];

/** Each section type's schema, for validating a section by its `type`. */
export const sectionSchemas: Record<HomeSectionType, TSchema> = {
  hero: HeroSectionSchema,
  featured_categories: FeaturedCategoriesSectionSchema,
  product_carousel: ProductCarouselSectionSchema,
  rich_text: RichTextSectionSchema,
};

export const HomeSectionSchema = Type.Union([
  HeroSectionSchema,
  FeaturedCategoriesSectionSchema,
  ProductCarouselSectionSchema,
  RichTextSectionSchema,
]);

export const HomeContentSchema = Type.Object(
  {
    sections: Type.Array(HomeSectionSchema, { maxItems: 30, description: "Top to bottom" }),
    metaTitle: text(255, "The browser and search-engine title of the home page; empty: the store's"),
    metaDescription: text(1000, "The search-engine snippet of the home page"),
  },
  { additionalProperties: false },
);

export const MenuLinkSchema = Type.Object(
  { label: text(100, undefined, 1), url: UrlSchema(1) },
  { additionalProperties: false },
);

export const MenuItemSchema = Type.Object(
  {
    label: text(100, undefined, 1),
    url: UrlSchema(1),
    children: Type.Optional(
      Type.Array(MenuLinkSchema, { maxItems: 30, description: "A dropdown under the item (one level)" }),
    ),
  },
  { additionalProperties: false },
);

export const MenuContentSchema = Type.Object(
  { items: Type.Array(MenuItemSchema, { maxItems: 30, description: "In display order" }) },
  { additionalProperties: false },
);

export const announcementTones = ["info", "promo", "success", "warning"] as const;

export const AnnouncementContentSchema = Type.Object(
  {
    text: text(300, "One line at the top of every page; required when enabled"),
    linkUrl: Type.Optional(UrlSchema()),
    enabled: Type.Boolean({ description: "Shown only when enabled (and published)" }),
    tone: Type.Union(
      [Type.Literal("info"), Type.Literal("promo"), Type.Literal("success"), Type.Literal("warning")],
      { description: "Colour: info (dark), promo (accent), success (green), warning (amber)" },
    ),
  },
  { additionalProperties: false },
);

export type PageContent = Static<typeof PageContentSchema>;
export type HeroSection = Static<typeof HeroSectionSchema>;
export type FeaturedCategoriesSection = Static<typeof FeaturedCategoriesSectionSchema>;
export type ProductCarouselSection = Static<typeof ProductCarouselSectionSchema>;
export type RichTextSection = Static<typeof RichTextSectionSchema>;
export type HomeSection = Static<typeof HomeSectionSchema>;
export type HomeContent = Static<typeof HomeContentSchema>;
export type MenuContent = Static<typeof MenuContentSchema>;
export type MenuItem = Static<typeof MenuItemSchema>;
export type AnnouncementContent = Static<typeof AnnouncementContentSchema>;

/** The menus staff edit, by name (`main`: the header; `footer`: the footer's links). */
export const menuNames = ["main", "footer"] as const;
export type MenuName = (typeof menuNames)[number];

// ---------------------------------------------------------------------------------------------------
// Staff API

export const PageInputSchema = Type.Object(
  {
    slug: PageSlugSchema,
    title: PageContentSchema.properties.title,
    body: Type.Optional(PageContentSchema.properties.body),
    metaTitle: Type.Optional(PageContentSchema.properties.metaTitle),
    metaDescription: Type.Optional(PageContentSchema.properties.metaDescription),
  },
  { additionalProperties: false },
);
export type PageInput = Static<typeof PageInputSchema>;

export const HomeInputSchema = Type.Object(
  {
    sections: HomeContentSchema.properties.sections,
    metaTitle: Type.Optional(HomeContentSchema.properties.metaTitle),
    metaDescription: Type.Optional(HomeContentSchema.properties.metaDescription),
  },
  { additionalProperties: false },
);
export type HomeInput = Static<typeof HomeInputSchema>;

const publication = {
  status: Type.Union([Type.Literal("draft"), Type.Literal("published"), Type.Literal("changed")], {
    description:
      "draft: never published (or unpublished); published: shoppers see the draft as it is; changed: " +
      "published, and the draft has changes shoppers do not see yet",
  }),
  publishedAt: Type.Union([Type.Null(), Type.String({ format: "date-time" })]),
  sourceKey: Type.Union([Type.Null(), Type.String()], {
    description: "Where an imported entry came from, e.g. `luma:cms_page:about-us`",
  }),
  updatedBy: Type.Union([Type.Null(), Type.String()], {
    description: "The staff member who saved it last; null for an import",
  }),
  updatedAt: Type.Union([Type.Null(), Type.String({ format: "date-time" })]),
  version: Type.Integer({
    description: "The ETag: send it as If-Match when saving; 0 before the first save",
  }),
};

/** What the staff API answers about one entry: its draft, what is published, and the version. */
function entryProperties<T extends TSchema>(content: T) {
  return {
    id: Type.Union([Type.Null(), Type.String()], { description: "null until first saved" }),
    key: Type.String(),
    slug: Type.Union([Type.Null(), Type.String()]),
    draft: content,
    published: Type.Union([Type.Null(), content]),
    ...publication,
  };
}
const entrySchema = <T extends TSchema>(content: T, description: string) =>
  Type.Object(entryProperties(content), { description });

export const PageEntrySchema = entrySchema(PageContentSchema, "A page (its URL is /pages/<slug>)");
export const HomeEntrySchema = Type.Object(
  {
    ...entryProperties(HomeContentSchema),
    imageUrls: Type.Record(Type.String(), Type.String(), {
      description: "320 px thumbnail URL of each image the draft and published sections name, by image id",
    }),
  },
  { description: "The home page's sections" },
);
export const MenuEntrySchema = entrySchema(MenuContentSchema, "A navigation menu");
export const AnnouncementEntrySchema = entrySchema(AnnouncementContentSchema, "The announcement bar");

export const PageListItemSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  ...publication,
});

export const PageListSchema = Type.Object({
  items: Type.Array(PageListItemSchema),
  nextCursor: Type.Union([Type.Null(), Type.String()]),
  total: Type.Integer(),
});

export const PageListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: "nextCursor of the previous page" })),
    q: Type.Optional(Type.String({ maxLength: 200, description: "Words of the title or the slug" })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------------
// Store API

export const ContentImageSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  alt: Type.String(),
  width: Type.Union([Type.Null(), Type.Integer()]),
  height: Type.Union([Type.Null(), Type.Integer()]),
  srcset: Type.Array(Type.Object({ width: Type.Integer(), url: Type.String() }), {
    description: "WebP sizes, 320, 640 and 1280 pixels wide; empty for an external image",
  }),
});
export type ContentImage = Static<typeof ContentImageSchema>;

export const StorePageSchema = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  body: Type.String({ description: "Safe HTML" }),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  publishedAt: Type.Union([Type.Null(), Type.String({ format: "date-time" })]),
});
export type StorePage = Static<typeof StorePageSchema>;

export const StoreHeroSchema = Type.Object({
  type: Type.Literal("hero"),
  heading: Type.String(),
  text: Type.String(),
  image: Type.Union([Type.Null(), ContentImageSchema]),
  linkUrl: Type.String(),
  linkLabel: Type.String(),
});

export const StoreCategoryTileSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  productCount: Type.Integer(),
  image: Type.Union([Type.Null(), ContentImageSchema]),
});

export const StoreFeaturedCategoriesSchema = Type.Object({
  type: Type.Literal("featured_categories"),
  heading: Type.String(),
  categories: Type.Array(StoreCategoryTileSchema),
});

export const StoreProductCarouselSchema = Type.Object({
  type: Type.Literal("product_carousel"),
  heading: Type.String(),
  source: ProductCarouselSectionSchema.properties.source,
  linkUrl: Type.Union([Type.Null(), Type.String()], {
    description: "The category's page, for a category row",
  }),
  products: Type.Array(ProductSummarySchema),
});

export const StoreRichTextSchema = Type.Object({
  type: Type.Literal("rich_text"),
  body: Type.String({ description: "Safe HTML" }),
});

export const StoreHomeSchema = Type.Object({
  sections: Type.Array(
    Type.Union([
      StoreHeroSchema,
      StoreFeaturedCategoriesSchema,
      StoreProductCarouselSchema,
      StoreRichTextSchema,
    ]),
  ),
  metaTitle: Type.String(),
  metaDescription: Type.String(),
  isDefault: Type.Boolean({
    description: "True while no home page is published: these are the store's default sections",
  }),
});
export type StoreHome = Static<typeof StoreHomeSchema>;
export type StoreHomeSection = StoreHome["sections"][number];

export const StoreAnnouncementSchema = Type.Object({
  text: Type.String(),
  linkUrl: Type.Union([Type.Null(), Type.String()]),
  tone: AnnouncementContentSchema.properties.tone,
});

export const StoreLayoutSchema = Type.Object({
  mainMenu: Type.Union([Type.Null(), MenuContentSchema], {
    description: "The header's links; null: none published (show the category navigation)",
  }),
  footerMenu: Type.Union([Type.Null(), MenuContentSchema], {
    description: "The footer's links; null: none published",
  }),
  announcement: Type.Union([Type.Null(), StoreAnnouncementSchema], {
    description: "null when none is published or it is disabled",
  }),
});
export type StoreLayout = Static<typeof StoreLayoutSchema>;
