import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** Product types: simple (one variant), configurable (variants by options), bundle, grouped, digital. */
export const productTypes = ["simple", "configurable", "bundle", "grouped", "digital"] as const;
export type ProductType = (typeof productTypes)[number];
export const productStatuses = ["draft", "active", "archived"] as const;
export type ProductStatus = (typeof productStatuses)[number];
/** Where a product is shown: in listings and search, or only reachable by link / as part of another product. */
export const productVisibilities = ["everywhere", "catalog", "search", "hidden"] as const;
export type ProductVisibility = (typeof productVisibilities)[number];

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const categories = pgTable(
  "categories",
  {
    id: text("id").primaryKey(),
    parentId: text("parent_id"),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    position: integer("position").notNull().default(0),
    isActive: boolean("is_active").notNull().default(true),
    includeInMenu: boolean("include_in_menu").notNull().default(true),
    imageId: text("image_id"),
    metaTitle: text("meta_title").notNull().default(""),
    metaDescription: text("meta_description").notNull().default(""),
    /** Bumped by every staff save; the admin API's ETag (a stale `If-Match` gets 409). */
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("categories_slug_key").on(t.slug), index("categories_parent_idx").on(t.parentId)],
);

export const products = pgTable(
  "products",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: productTypes }).notNull(),
    /** The product's own SKU (a configurable parent's SKU; equals the variant SKU for a simple product). */
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    shortDescription: text("short_description").notNull().default(""),
    status: text("status", { enum: productStatuses }).notNull().default("active"),
    visibility: text("visibility", { enum: productVisibilities }).notNull().default("everywhere"),
    metaTitle: text("meta_title").notNull().default(""),
    metaDescription: text("meta_description").notNull().default(""),
    /** Main category for breadcrumbs. */
    primaryCategoryId: text("primary_category_id"),
    attributeSet: text("attribute_set").notNull().default(""),
    /** Tax class for tax rate matching ("standard", "reduced", "zero", ...). */
    taxClass: text("tax_class").notNull().default("standard"),
    /**
     * A sales-rank style popularity signal, higher = more popular (a unitless score, not a count);
     * imported (e.g. Best Buy's popularity) or computed from orders. 0 when unknown.
     */
    popularity: real("popularity").notNull().default(0),
    /** Hash of the last imported or saved input: an identical re-import changes nothing. */
    sourceHash: text("source_hash"),
    /** A draft with a publish time becomes active at that time (UTC), by the `catalog.publish-scheduled` job. */
    publishAt: timestamp("publish_at", { withTimezone: true, mode: "date" }),
    /** Bumped by every save; the admin API's ETag (a stale `If-Match` gets 409). */
    version: integer("version").notNull().default(1),
    /**
     * Some variant can be sold now (inventory's purchasable condition), for the staff list's stock
     * filter. Kept by triggers and `refreshSellableFlags` (catalog.sellable.ts): a stock change that
     * flips a level's sellability notes the product in `product_stock_changes`, drained before every
     * filtered read and every minute.
     */
    sellable: boolean("sellable").notNull().default(false),
    /** The vendor selling it (a marketplace seller, vendors module), or null for the platform's own products. */
    vendorId: text("vendor_id"),
    /**
     * The vendor may sell now: false while its vendor is suspended or closed (the vendors module switches
     * it), which hides the product from the storefront whatever its status. Always true without a vendor.
     */
    vendorActive: boolean("vendor_active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("products_sku_key").on(t.sku),
    // "Sold out" is the rare case: a small partial index finds them all.
    index("products_sold_out_idx").on(t.id).where(sql`not ${t.sellable}`),
    uniqueIndex("products_slug_key").on(t.slug),
    index("products_listing_idx").on(t.status, t.visibility, t.createdAt),
    index("products_name_idx").on(t.name),
    index("products_updated_idx").on(t.updatedAt, t.id),
    // The staff product list searches inside names ("%word%").
    index("products_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    // ... and finds SKUs by their start ("GEN0042%", case-insensitive).
    index("products_sku_trgm_idx").using("gin", sql`${t.sku} gin_trgm_ops`),
    // A SKU's start as a range of this index ("gen09%" among 100,000: no scan, whatever the match count).
    index("products_sku_prefix_idx").using("btree", sql`lower(${t.sku}) text_pattern_ops`),
    index("products_publish_at_idx").on(t.publishAt),
    index("products_vendor_idx").on(t.vendorId, t.updatedAt).where(sql`${t.vendorId} is not null`),
  ],
);

export const productOptions = pgTable(
  "product_options",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("product_options_product_code_key").on(t.productId, t.code)],
);

export const productOptionValues = pgTable(
  "product_option_values",
  {
    id: text("id").primaryKey(),
    optionId: text("option_id")
      .notNull()
      .references(() => productOptions.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
    /** CSS colour of a colour swatch, e.g. `#000000`. */
    swatch: text("swatch"),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("product_option_values_option_value_key").on(t.optionId, t.value)],
);

export const variants = pgTable(
  "variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    /** Regular price in minor units of `currency`. */
    priceAmount: bigint("price_amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** Explicit "was" price shown struck through, in minor units. */
    compareAtAmount: bigint("compare_at_amount", { mode: "number" }),
    /** Special (sale) price in minor units, active inside [specialFrom, specialTo). */
    specialPriceAmount: bigint("special_price_amount", { mode: "number" }),
    specialFrom: timestamp("special_from", { withTimezone: true, mode: "date" }),
    specialTo: timestamp("special_to", { withTimezone: true, mode: "date" }),
    weightGrams: integer("weight_grams"),
    /** GTIN / EAN / UPC barcode printed on the item, digits only. */
    barcode: text("barcode"),
    imageId: text("image_id"),
    /** Quantity rules of a cart line: at least `minQuantity`, at most `maxQuantity`, in steps of `quantityIncrement`. */
    minQuantity: integer("min_quantity").notNull().default(1),
    maxQuantity: integer("max_quantity"),
    quantityIncrement: integer("quantity_increment").notNull().default(1),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("variants_sku_key").on(t.sku),
    index("variants_product_idx").on(t.productId),
    // The staff product list and stock screens find variants by SKU start, case-insensitive.
    index("variants_sku_trgm_idx").using("gin", sql`${t.sku} gin_trgm_ops`),
    index("variants_sku_prefix_idx").using("btree", sql`lower(${t.sku}) text_pattern_ops`),
  ],
);

export const variantOptionValues = pgTable(
  "variant_option_values",
  {
    variantId: text("variant_id")
      .notNull()
      .references(() => variants.id, { onDelete: "cascade" }),
    optionValueId: text("option_value_id")
      .notNull()
      .references(() => productOptionValues.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.variantId, t.optionValueId] }),
    index("variant_option_values_value_idx").on(t.optionValueId),
  ],
);

export const productCategories = pgTable(
  "product_categories",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.categoryId] }),
    // With the product id, a category's products are counted from the index alone (staff list).
    index("product_categories_category_idx").on(t.categoryId, t.productId),
  ],
);

export const attributeTypes = ["text", "number", "boolean", "select", "multiselect"] as const;
export type AttributeType = (typeof attributeTypes)[number];

export const attributes = pgTable(
  "attributes",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull(),
    label: text("label").notNull(),
    type: text("type", { enum: attributeTypes }).notNull(),
    /** Allowed values of select / multiselect attributes. */
    options: jsonb("options").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    isFilterable: boolean("is_filterable").notNull().default(false),
    isVisibleOnFront: boolean("is_visible_on_front").notNull().default(true),
    position: integer("position").notNull().default(0),
    /** Bumped by every staff save; the admin API's ETag. */
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("attributes_code_key").on(t.code)],
);

export type AttributeValueJson = string | number | boolean | string[];

export const productAttributeValues = pgTable(
  "product_attribute_values",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    attributeId: text("attribute_id")
      .notNull()
      .references(() => attributes.id, { onDelete: "cascade" }),
    value: jsonb("value").$type<AttributeValueJson>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.attributeId] })],
);

export const productLinkTypes = ["related", "upsell", "crosssell"] as const;
export type ProductLinkType = (typeof productLinkTypes)[number];

export const productLinks = pgTable(
  "product_links",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    linkedProductId: text("linked_product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    type: text("type", { enum: productLinkTypes }).notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.productId, t.type, t.linkedProductId] })],
);

/**
 * Images: a stored file (`storageKey`, `sha256`, `bytes` set; sizes are derived from the original), or
 * an external URL (`sourceUrl` set, the file columns null): shown as is, never fetched or resized.
 */
export const images = pgTable(
  "images",
  {
    id: text("id").primaryKey(),
    /** Storage key of the stored original; null for an external image. */
    storageKey: text("storage_key"),
    /** SHA-256 of the original bytes (hex): re-imports of the same file reuse the row. Null for an external image. */
    sha256: text("sha256"),
    /** `image/jpeg`, ...; for an external image, guessed from the URL's file extension. */
    mimeType: text("mime_type").notNull(),
    width: integer("width"),
    height: integer("height"),
    /** Size of the stored original in bytes; null for an external image. */
    bytes: integer("bytes"),
    /** http(s) URL of an external image (e.g. a supplier's CDN); re-imports of the same URL reuse the row. */
    sourceUrl: text("source_url"),
    alt: text("alt").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("images_sha256_key").on(t.sha256),
    uniqueIndex("images_source_url_key").on(t.sourceUrl),
    check(
      "images_file_or_url",
      sql`(${t.storageKey} is not null and ${t.sha256} is not null and ${t.bytes} is not null) or ${t.sourceUrl} is not null`,
    ),
  ],
);

export const productImages = pgTable(
  "product_images",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    imageId: text("image_id")
      .notNull()
      .references(() => images.id, { onDelete: "restrict" }),
    alt: text("alt").notNull().default(""),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.productId, t.imageId] })],
);

export const bundleOptions = pgTable(
  "bundle_options",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    type: text("type", { enum: ["radio", "checkbox", "select"] }).notNull(),
    required: boolean("required").notNull().default(true),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("bundle_options_product_idx").on(t.productId)],
);

export const bundleOptionItems = pgTable(
  "bundle_option_items",
  {
    bundleOptionId: text("bundle_option_id")
      .notNull()
      .references(() => bundleOptions.id, { onDelete: "cascade" }),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    defaultQuantity: integer("default_quantity").notNull().default(1),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bundleOptionId, t.productId] })],
);

export const groupedItems = pgTable(
  "grouped_items",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    childProductId: text("child_product_id")
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    defaultQuantity: integer("default_quantity").notNull().default(1),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.productId, t.childProductId] })],
);

/** Files of digital products, delivered after purchase. */
export const productDownloads = pgTable(
  "product_downloads",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    storageKey: text("storage_key").notNull(),
    fileName: text("file_name").notNull(),
    bytes: integer("bytes").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [uniqueIndex("product_downloads_product_title_key").on(t.productId, t.title)],
);

/**
 * Products whose sellability may have changed (append-only, no key: writers never wait on each other).
 * Written by triggers on inventory levels, variants and stock locations (migration 0024); drained by
 * `refreshSellableFlags`.
 */
export const productStockChanges = pgTable("product_stock_changes", {
  productId: text("product_id").notNull(),
});
