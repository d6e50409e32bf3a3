import { createHash } from "node:crypto";
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { sanitizeRichText } from "../../platform/html.ts";
import { newId } from "../../platform/ids.ts";
import { externalImageMimeType, isExternalImageUrl } from "../../platform/images.ts";
import { escapeLike } from "../../platform/keyset.ts";
import { assertMinorUnits, isCurrencyCode } from "../../platform/money.ts";
import { enqueue } from "../../platform/outbox.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { deleteStockLevels, ensureDefaultLocation, setStockLevels } from "../inventory/index.ts";
import { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
import {
  type AttributeType,
  type AttributeValueJson,
  attributes,
  bundleOptionItems,
  bundleOptions,
  categories,
  groupedItems,
  images,
  type ProductLinkType,
  type ProductStatus,
  type ProductType,
  type ProductVisibility,
  productAttributeValues,
  productCategories,
  productDownloads,
  productImages,
  productLinks,
  productOptions,
  productOptionValues,
  products,
  variantOptionValues,
  variants,
} from "./catalog.schema.ts";

/** Makes a URL slug: lower-case ASCII letters, digits and single hyphens ("Men's Tops & Tees" -> "men-s-tops-tees"). */
export function slugify(text: string): string {
  return text
    .replace(/[™®©℠]/g, "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 190);
}

/** A category to create or update, matched by `slug`. */
export interface CategoryInput {
  slug: string;
  name: string;
  parentSlug?: string | null;
  description?: string;
  position?: number;
  isActive?: boolean;
  includeInMenu?: boolean;
  imageId?: string | null;
  metaTitle?: string;
  metaDescription?: string;
}

/**
 * Creates or updates a category by slug. The parent must exist.
 * @throws ValidationError (field `parent`) when the parent slug is unknown.
 */
export async function upsertCategory(
  db: Db,
  input: CategoryInput,
): Promise<{ id: string; created: boolean }> {
  let parentId: string | null = null;
  if (input.parentSlug) {
    const parent = await db
      .select({ id: categories.id })
      .from(categories)
      .where(eq(categories.slug, input.parentSlug));
    if (!parent[0])
      throw new ValidationError([{ field: "parent", message: `unknown category "${input.parentSlug}"` }]);
    parentId = parent[0].id;
  }
  const values = {
    parentId,
    name: input.name,
    description: input.description ?? "",
    position: input.position ?? 0,
    isActive: input.isActive ?? true,
    includeInMenu: input.includeInMenu ?? true,
    imageId: input.imageId ?? null,
    metaTitle: input.metaTitle ?? "",
    metaDescription: input.metaDescription ?? "",
  };
  const existing = await db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.slug, input.slug));
  if (existing[0]) {
    await db
      .update(categories)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(categories.id, existing[0].id));
    invalidateShopCache("category_tree");
    return { id: existing[0].id, created: false };
  }
  const id = newId("cat");
  await db.insert(categories).values({ id, slug: input.slug, ...values });
  invalidateShopCache("category_tree");
  return { id, created: true };
}

/** An attribute definition to create or update, matched by `code`. */
export interface AttributeInput {
  code: string;
  label: string;
  type: AttributeType;
  options?: string[];
  isFilterable?: boolean;
  isVisibleOnFront?: boolean;
  position?: number;
}

/** The `attributes` row of a new definition, with the defaults filled in. */
export function attributeRow(a: AttributeInput): typeof attributes.$inferInsert {
  return {
    id: newId("attr"),
    code: a.code,
    label: a.label,
    type: a.type,
    options: a.options ?? [],
    isFilterable: a.isFilterable ?? false,
    isVisibleOnFront: a.isVisibleOnFront ?? true,
    position: a.position ?? 0,
  };
}

/** Creates or updates attribute definitions by code (one statement). */
export async function upsertAttributes(db: Db, inputs: AttributeInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await db
    .insert(attributes)
    .values(inputs.map(attributeRow))
    .onConflictDoUpdate({
      target: attributes.code,
      set: {
        label: sql`excluded.label`,
        type: sql`excluded.type`,
        options: sql`excluded.options`,
        isFilterable: sql`excluded.is_filterable`,
        isVisibleOnFront: sql`excluded.is_visible_on_front`,
        position: sql`excluded.position`,
      },
    });
}

/** One variant of a product input. Prices in minor units of the product's currency; weight in grams. */
export interface VariantInput {
  sku: string;
  title?: string;
  priceAmount: number;
  compareAtAmount?: number | null;
  specialPriceAmount?: number | null;
  /** Special price window, UTC; open-ended when null. */
  specialFrom?: Date | null;
  specialTo?: Date | null;
  weightGrams?: number | null;
  /** GTIN / EAN / UPC barcode (8, 12, 13 or 14 digits). */
  barcode?: string | null;
  /** Option code -> value, e.g. `{ size: "XS", color: "Black" }`; every product option must be set. */
  options?: Record<string, string>;
  /** Id of a stored image (one of the product's) that shows this variant. */
  imageId?: string | null;
  /** Units on hand at the default stock location. */
  stockQuantity: number;
  manageStock?: boolean;
  allowBackorder?: boolean;
}

/** A whole product to create or update, matched by its `sku`. */
export interface ProductInput {
  sku: string;
  type: ProductType;
  name: string;
  slug?: string;
  description?: string;
  shortDescription?: string;
  status?: ProductStatus;
  visibility?: ProductVisibility;
  metaTitle?: string;
  metaDescription?: string;
  /** A draft with a publish time becomes active then (UTC); null or absent: no schedule. */
  publishAt?: Date | null;
  /** Tax class for tax rate matching ("standard" when absent). */
  taxClass?: string;
  attributeSet?: string;
  /** ISO 4217 code of every variant price. */
  currency: string;
  /** Category slugs; the first is the main one (breadcrumbs). */
  categorySlugs: string[];
  options?: { code: string; name: string; values: { value: string; swatch?: string | null }[] }[];
  variants: VariantInput[];
  /** Images in display order: stored images by id, or external http(s) URLs (shown as is, never fetched). */
  images?: ProductImageInput[];
  /**
   * Sales-rank style popularity, higher = more popular (finite, 0 or more). When absent, a new product
   * gets 0 and an existing product keeps its value.
   */
  popularity?: number;
  /** Attribute code -> value. Attributes must be defined first. */
  attributes?: Record<string, AttributeValueJson>;
  /**
   * The marketplace vendor selling it (a vendors module id, `ven_...`), or null for the shop's own
   * product. Written on insert and on update when given; when absent, a new product is the shop's and
   * an existing one keeps its vendor (so saves that do not know about vendors never take it away).
   */
  vendorId?: string | null;
  bundleOptions?: {
    title: string;
    type: "radio" | "checkbox" | "select";
    required?: boolean;
    items: { sku: string; defaultQuantity?: number }[];
  }[];
  groupedItems?: { sku: string; defaultQuantity?: number }[];
  downloads?: { title: string; storageKey: string; fileName: string; bytes: number }[];
}

/** A product image: a stored image by id, or an external image by its http(s) URL. */
export type ProductImageInput = { imageId: string; alt?: string } | { url: string; alt?: string };

export type UpsertOutcome = "created" | "updated" | "unchanged";

/** How {@link upsertProduct} treats stock. */
export interface UpsertOptions {
  /**
   * `all` (imports): every variant's units on hand at the default location become its `stockQuantity`.
   * `new` (the staff editor): only variants the product did not have yet get their `stockQuantity`;
   * existing levels change through stock adjustments (the ledger) only.
   */
  stock?: "all" | "new";
}

function check(condition: boolean, field: string, message: string): void {
  if (!condition) throw new ValidationError([{ field, message }]);
}

/** Validates a product input's own fields; raises a ValidationError naming the first bad field. */
export function validateProductInput(input: ProductInput): void {
  check(input.sku.trim().length > 0 && input.sku.length <= 64, "sku", "is required (at most 64 characters)");
  check(input.name.trim().length > 0, "name", "is required");
  check(isCurrencyCode(input.currency), "currency", "must be an ISO 4217 code such as USD");
  check(input.variants.length > 0, "variants", "a product needs at least one variant");
  check(
    input.popularity === undefined || (Number.isFinite(input.popularity) && input.popularity >= 0),
    "popularity",
    "must be a number, 0 or more",
  );
  for (const image of input.images ?? []) {
    if ("url" in image)
      check(isExternalImageUrl(image.url), "images", `"${image.url}" is not an http(s) URL`);
  }
  check(
    input.type !== "configurable" || (input.options?.length ?? 0) > 0,
    "options",
    "a configurable product needs options",
  );
  const skus = new Set<string>();
  const optionCodes = (input.options ?? []).map((o) => o.code);
  input.variants.forEach((v, i) => {
    const field = `variants[${i}]`;
    check(
      v.sku.trim().length > 0 && v.sku.length <= 64,
      `${field}.sku`,
      "is required (at most 64 characters)",
    );
    check(!skus.has(v.sku), `${field}.sku`, `duplicate SKU "${v.sku}"`);
    skus.add(v.sku);
    assertMinorUnits(v.priceAmount, `${field}.price`);
    check(v.priceAmount >= 0, `${field}.price`, "must not be negative");
    if (v.specialPriceAmount != null) assertMinorUnits(v.specialPriceAmount, `${field}.specialPrice`);
    if (v.compareAtAmount != null) assertMinorUnits(v.compareAtAmount, `${field}.compareAtPrice`);
    if (v.compareAtAmount != null)
      check(v.compareAtAmount >= 0, `${field}.compareAtPrice`, "must not be negative");
    if (v.specialPriceAmount != null)
      check(v.specialPriceAmount >= 0, `${field}.specialPrice`, "must not be negative");
    if (v.specialFrom && v.specialTo)
      check(v.specialFrom < v.specialTo, `${field}.specialTo`, "must be after the special price's start");
    if (v.weightGrams != null)
      check(
        Number.isSafeInteger(v.weightGrams) && v.weightGrams >= 0,
        `${field}.weightGrams`,
        "must be a whole number of grams, 0 or more",
      );
    if (v.barcode)
      check(
        /^(\d{8}|\d{12,14})$/.test(v.barcode),
        `${field}.barcode`,
        "must be a GTIN: 8, 12, 13 or 14 digits",
      );
    check(
      Number.isSafeInteger(v.stockQuantity) && v.stockQuantity >= 0,
      `${field}.qty`,
      "must be a whole number, 0 or more",
    );
    for (const code of optionCodes) {
      check(
        Boolean(v.options?.[code]),
        `${field}.options.${code}`,
        `variant ${v.sku} has no value for option ${code}`,
      );
    }
  });
}

/** Hash of a product input (hex SHA-256 of its JSON), stored as `sourceHash` to detect unchanged re-imports. */
export function hashOf(input: ProductInput): string {
  return createHash("sha256").update(JSON.stringify(input)).digest("hex");
}

/**
 * Creates or updates a whole product by SKU: its row, options and values, variants (by SKU, ids kept),
 * category links, attribute values, images, bundle options, grouped items, downloads, and the stock
 * of its variants at the default location. Call inside a transaction: a failure leaves nothing half
 * written. An input identical to the last one stored is skipped ("unchanged").
 * @throws ValidationError naming the field: bad values, unknown category or attribute, a variant SKU
 *   that belongs to another product, a bundle/grouped component SKU that does not exist.
 */
export async function upsertProduct(
  db: Db,
  input: ProductInput,
  options: UpsertOptions = {},
): Promise<{ id: string; outcome: UpsertOutcome }> {
  validateProductInput(input);
  const sourceHash = hashOf(input);
  const existing = (
    await db
      .select({ id: products.id, sourceHash: products.sourceHash })
      .from(products)
      .where(eq(products.sku, input.sku))
  )[0];
  if (existing && existing.sourceHash === sourceHash) return { id: existing.id, outcome: "unchanged" };

  // Categories (by slug) must exist.
  const categoryRows = input.categorySlugs.length
    ? await db
        .select({ id: categories.id, slug: categories.slug })
        .from(categories)
        .where(inArray(categories.slug, input.categorySlugs))
    : [];
  const categoryIdBySlug = new Map(categoryRows.map((c) => [c.slug, c.id]));
  for (const slug of input.categorySlugs) {
    check(categoryIdBySlug.has(slug), "categories", `unknown category "${slug}"`);
  }

  // Variant SKUs must not belong to another product.
  const variantSkus = input.variants.map((v) => v.sku);
  const takenVariants = await db
    .select({ sku: variants.sku, productId: variants.productId, id: variants.id })
    .from(variants)
    .where(inArray(variants.sku, variantSkus));
  for (const v of takenVariants) {
    check(existing?.id === v.productId, "sku", `SKU "${v.sku}" belongs to another product`);
  }

  // Slug: given or from the name; on a clash with another product, suffix the SKU.
  let slug = slugify(input.slug || input.name) || slugify(input.sku);
  const clash = await db.select({ id: products.id }).from(products).where(eq(products.slug, slug));
  if (clash[0] && clash[0].id !== existing?.id) slug = `${slug}-${slugify(input.sku)}`;

  const row = {
    type: input.type,
    sku: input.sku,
    name: input.name,
    slug,
    description: sanitizeRichText(input.description ?? ""),
    shortDescription: sanitizeRichText(input.shortDescription ?? ""),
    status: input.status ?? "active",
    visibility: input.visibility ?? "everywhere",
    metaTitle: input.metaTitle ?? "",
    metaDescription: input.metaDescription ?? "",
    publishAt: input.publishAt ?? null,
    ...(input.taxClass !== undefined && { taxClass: input.taxClass }),
    primaryCategoryId: input.categorySlugs[0] ? categoryIdBySlug.get(input.categorySlugs[0])! : null,
    attributeSet: input.attributeSet ?? "",
    ...(input.popularity !== undefined && { popularity: input.popularity }),
    ...(input.vendorId !== undefined && { vendorId: input.vendorId }),
    sourceHash,
  };
  const productId = existing?.id ?? newId("prod");
  if (existing)
    await db
      .update(products)
      .set({ ...row, version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(eq(products.id, productId));
  else await db.insert(products).values({ id: productId, ...row });

  // Options and their values: upserted by code / value so their ids stay stable.
  const optionValueIds = new Map<string, string>(); // `${code}\u0000${value}` -> id
  const keptOptionIds: string[] = [];
  for (const [position, option] of (input.options ?? []).entries()) {
    const [opt] = await db
      .insert(productOptions)
      .values({ id: newId("opt"), productId, code: option.code, name: option.name, position })
      .onConflictDoUpdate({
        target: [productOptions.productId, productOptions.code],
        set: { name: option.name, position },
      })
      .returning({ id: productOptions.id });
    keptOptionIds.push(opt!.id);
    if (option.values.length === 0) continue;
    const values = await db
      .insert(productOptionValues)
      .values(
        option.values.map((v, i) => ({
          id: newId("optval"),
          optionId: opt!.id,
          value: v.value,
          swatch: v.swatch ?? null,
          position: i,
        })),
      )
      .onConflictDoUpdate({
        target: [productOptionValues.optionId, productOptionValues.value],
        set: { swatch: sql`excluded.swatch`, position: sql`excluded.position` },
      })
      .returning({ id: productOptionValues.id, value: productOptionValues.value });
    for (const v of values) optionValueIds.set(`${option.code}\u0000${v.value}`, v.id);
    await db.delete(productOptionValues).where(
      and(
        eq(productOptionValues.optionId, opt!.id),
        notInArray(
          productOptionValues.id,
          values.map((v) => v.id),
        ),
      ),
    );
  }
  await db
    .delete(productOptions)
    .where(
      keptOptionIds.length
        ? and(eq(productOptions.productId, productId), notInArray(productOptions.id, keptOptionIds))
        : eq(productOptions.productId, productId),
    );

  // Variants: upsert by SKU, then drop the product's variants that are gone.
  const hadVariants = new Set(takenVariants.map((v) => v.sku));
  const variantRows = await db
    .insert(variants)
    .values(
      input.variants.map((v, position) => ({
        id: newId("var"),
        productId,
        sku: v.sku,
        title: v.title ?? (Object.values(v.options ?? {}).join(" / ") || input.name),
        priceAmount: v.priceAmount,
        currency: input.currency,
        compareAtAmount: v.compareAtAmount ?? null,
        specialPriceAmount: v.specialPriceAmount ?? null,
        specialFrom: v.specialFrom ?? null,
        specialTo: v.specialTo ?? null,
        weightGrams: v.weightGrams ?? null,
        barcode: v.barcode || null,
        imageId: v.imageId ?? null,
        position,
      })),
    )
    .onConflictDoUpdate({
      target: variants.sku,
      set: {
        title: sql`excluded.title`,
        priceAmount: sql`excluded.price_amount`,
        currency: sql`excluded.currency`,
        compareAtAmount: sql`excluded.compare_at_amount`,
        specialPriceAmount: sql`excluded.special_price_amount`,
        specialFrom: sql`excluded.special_from`,
        specialTo: sql`excluded.special_to`,
        weightGrams: sql`excluded.weight_grams`,
        barcode: sql`excluded.barcode`,
        imageId: sql`excluded.image_id`,
        position: sql`excluded.position`,
        updatedAt: sql`now()`,
      },
    })
    .returning({ id: variants.id, sku: variants.sku });
  const variantIdBySku = new Map(variantRows.map((v) => [v.sku, v.id]));
  const gone = await db
    .delete(variants)
    .where(and(eq(variants.productId, productId), notInArray(variants.sku, variantSkus)))
    .returning({ id: variants.id });
  await deleteStockLevels(
    db,
    gone.map((g) => g.id),
  );

  const variantIds = [...variantIdBySku.values()];
  await db.delete(variantOptionValues).where(inArray(variantOptionValues.variantId, variantIds));
  const links = input.variants.flatMap((v) =>
    Object.entries(v.options ?? {}).map(([code, value]) => {
      const optionValueId = optionValueIds.get(`${code}\u0000${value}`);
      check(
        Boolean(optionValueId),
        "options",
        `variant ${v.sku}: "${value}" is not a value of option ${code}`,
      );
      return { variantId: variantIdBySku.get(v.sku)!, optionValueId: optionValueId! };
    }),
  );
  if (links.length) await db.insert(variantOptionValues).values(links);

  // Category links.
  await db.delete(productCategories).where(eq(productCategories.productId, productId));
  if (input.categorySlugs.length) {
    await db.insert(productCategories).values(
      [...new Set(input.categorySlugs)].map((s, position) => ({
        productId,
        categoryId: categoryIdBySlug.get(s)!,
        position,
      })),
    );
  }

  // Attribute values.
  await db.delete(productAttributeValues).where(eq(productAttributeValues.productId, productId));
  const attributeEntries = Object.entries(input.attributes ?? {});
  if (attributeEntries.length) {
    const defs = await db
      .select({ id: attributes.id, code: attributes.code })
      .from(attributes)
      .where(
        inArray(
          attributes.code,
          attributeEntries.map(([code]) => code),
        ),
      );
    const idByCode = new Map(defs.map((d) => [d.code, d.id]));
    await db.insert(productAttributeValues).values(
      attributeEntries.map(([code, value]) => {
        check(idByCode.has(code), `attributes.${code}`, `unknown attribute "${code}"`);
        return { productId, attributeId: idByCode.get(code)!, value };
      }),
    );
  }

  // Images.
  await db.delete(productImages).where(eq(productImages.productId, productId));
  const externalIds = await saveExternalImages(
    db,
    (input.images ?? []).flatMap((i) => ("url" in i ? [{ url: i.url, alt: i.alt ?? input.name }] : [])),
  );
  const imageInputs = [
    ...new Map(
      (input.images ?? []).map((i) => {
        const imageId = "url" in i ? externalIds.get(i.url)! : i.imageId;
        return [imageId, { imageId, alt: i.alt }];
      }),
    ).values(),
  ];
  if (imageInputs.length) {
    await db.insert(productImages).values(
      imageInputs.map((img, position) => ({
        productId,
        imageId: img.imageId,
        alt: img.alt ?? "",
        position,
      })),
    );
  }

  // Bundle options and grouped items reference other products by SKU.
  const componentSkus = [
    ...(input.bundleOptions ?? []).flatMap((o) => o.items.map((i) => i.sku)),
    ...(input.groupedItems ?? []).map((i) => i.sku),
  ];
  const componentIdBySku = new Map<string, string>();
  if (componentSkus.length) {
    const rows = await db
      .select({ id: products.id, sku: products.sku })
      .from(products)
      .where(inArray(products.sku, componentSkus));
    for (const r of rows) componentIdBySku.set(r.sku, r.id);
    for (const s of componentSkus)
      check(componentIdBySku.has(s), "components", `unknown component SKU "${s}"`);
  }
  await db.delete(bundleOptions).where(eq(bundleOptions.productId, productId));
  for (const [position, option] of (input.bundleOptions ?? []).entries()) {
    const id = newId("bopt");
    await db.insert(bundleOptions).values({
      id,
      productId,
      title: option.title,
      type: option.type,
      required: option.required ?? true,
      position,
    });
    await db.insert(bundleOptionItems).values(
      option.items.map((item, i) => ({
        bundleOptionId: id,
        productId: componentIdBySku.get(item.sku)!,
        defaultQuantity: item.defaultQuantity ?? 1,
        position: i,
      })),
    );
  }
  await db.delete(groupedItems).where(eq(groupedItems.productId, productId));
  if (input.groupedItems?.length) {
    await db.insert(groupedItems).values(
      input.groupedItems.map((item, position) => ({
        productId,
        childProductId: componentIdBySku.get(item.sku)!,
        defaultQuantity: item.defaultQuantity ?? 1,
        position,
      })),
    );
  }

  await db.delete(productDownloads).where(eq(productDownloads.productId, productId));
  if (input.downloads?.length) {
    await db
      .insert(productDownloads)
      .values(input.downloads.map((d, position) => ({ id: newId("dl"), productId, ...d, position })));
  }

  const locationId = await ensureDefaultLocation(db);
  const stocked =
    options.stock === "new" ? input.variants.filter((v) => !hadVariants.has(v.sku)) : input.variants;
  await setStockLevels(
    db,
    stocked.map((v) => ({
      variantId: variantIdBySku.get(v.sku)!,
      locationId,
      stockedQuantity: v.stockQuantity,
      manageStock: v.manageStock ?? true,
      allowBackorder: v.allowBackorder ?? false,
    })),
  );
  await enqueue(db, productsChangedTopic, { productIds: [productId] } satisfies ProductsChangedEvent);
  return { id: productId, outcome: existing ? "updated" : "created" };
}

/**
 * Replaces a product's links of one type (related, up-sell, cross-sell) with the given SKUs, in order.
 * Unknown SKUs are returned (and skipped) so that an import can report them.
 */
export async function setProductLinks(
  db: Db,
  productSku: string,
  type: ProductLinkType,
  linkedSkus: string[],
): Promise<{ missing: string[] }> {
  const skus = [...new Set([productSku, ...linkedSkus])];
  const rows = await db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(inArray(products.sku, skus));
  const idBySku = new Map(rows.map((r) => [r.sku, r.id]));
  const productId = idBySku.get(productSku);
  if (!productId) return { missing: [productSku] };
  const missing = linkedSkus.filter((s) => !idBySku.has(s));
  await db
    .delete(productLinks)
    .where(and(eq(productLinks.productId, productId), eq(productLinks.type, type)));
  const linked = [...new Set(linkedSkus.filter((s) => idBySku.has(s) && s !== productSku))];
  if (linked.length) {
    await db
      .insert(productLinks)
      .values(linked.map((s, position) => ({ productId, linkedProductId: idBySku.get(s)!, type, position })));
  }
  return { missing };
}

/**
 * Records a stored image file (see ImageService.storeOriginal) as an image row, reusing the row of an
 * identical file. Returns the image id.
 */
export async function saveImage(
  db: Db,
  file: {
    sha256: string;
    storageKey: string;
    mimeType: string;
    width: number | null;
    height: number | null;
    bytes: number;
  },
  alt = "",
): Promise<string> {
  const [row] = await db
    .insert(images)
    .values({ id: newId("img"), ...file, alt })
    .onConflictDoUpdate({ target: images.sha256, set: { storageKey: file.storageKey } })
    .returning({ id: images.id });
  return row!.id;
}

/**
 * Records external images (absolute http(s) URLs; never fetched) as image rows, reusing the row of a
 * URL already recorded (its alt text is kept). Two statements whatever the number of URLs. Returns
 * image ids by URL. The MIME type is guessed from the URL's file extension (`image/jpeg` otherwise).
 * @throws ValidationError (field `images`) for a URL that is not an absolute http(s) URL.
 */
export async function saveExternalImages(
  db: Db,
  inputs: { url: string; alt?: string }[],
): Promise<Map<string, string>> {
  const byUrl = new Map(inputs.map((i) => [i.url, i]));
  if (byUrl.size === 0) return new Map();
  for (const url of byUrl.keys()) check(isExternalImageUrl(url), "images", `"${url}" is not an http(s) URL`);
  const urls = [...byUrl.keys()];
  const found = async () =>
    db
      .select({ id: images.id, url: images.sourceUrl })
      .from(images)
      .where(sql`${images.sourceUrl} = any(${sql.param(urls)}::text[])`);
  const ids = new Map((await found()).map((r) => [r.url!, r.id]));
  const missing = [...byUrl.values()].filter((i) => !ids.has(i.url));
  if (missing.length) {
    await db
      .insert(images)
      .values(
        missing.map((i) => ({
          id: newId("img"),
          sourceUrl: i.url,
          mimeType: externalImageMimeType(i.url),
          alt: i.alt ?? "",
        })),
      )
      .onConflictDoNothing();
    // Rows written by a concurrent import are picked up here.
    for (const r of await found()) ids.set(r.url!, r.id);
  }
  return ids;
}

/** Looks up image rows by SHA-256 (hex), for importers that skip re-processing known files. */
export async function findImagesBySha(db: Db, shas: string[]): Promise<Map<string, string>> {
  if (shas.length === 0) return new Map();
  const rows = await db
    .select({ id: images.id, sha256: images.sha256 })
    .from(images)
    .where(inArray(images.sha256, shas));
  return new Map(rows.map((r) => [r.sha256!, r.id]));
}

/** Number of products in the catalog (any status). */
export async function countProducts(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(products);
  return Number(row?.n ?? 0);
}

/**
 * Every stored original image (SHA-256 and file extension), for background size generation. External
 * images (URL only) are not listed: they are never fetched or resized.
 */
export async function listImageFiles(db: Db): Promise<{ sha256: string; extension: string }[]> {
  const rows = await db
    .select({ sha256: images.sha256, storageKey: images.storageKey })
    .from(images)
    .where(sql`${images.sha256} is not null and ${images.storageKey} is not null`);
  return rows.map((r) => ({ sha256: r.sha256!, extension: r.storageKey!.split(".").pop() ?? "jpg" }));
}

/** Product ids by product SKU (unknown SKUs are absent from the map). */
export async function productIdsBySku(db: Db, skus: string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .select({ id: products.id, sku: products.sku })
    .from(products)
    .where(inArray(products.sku, skus));
  return new Map(rows.map((r) => [r.sku, r.id]));
}

/** Variant ids by variant SKU (unknown SKUs are absent from the map). */
export async function variantIdsBySku(db: Db, skus: string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .select({ id: variants.id, sku: variants.sku })
    .from(variants)
    .where(sql`${variants.sku} = any(${sql.param(skus)}::text[])`);
  return new Map(rows.map((r) => [r.sku, r.id]));
}

/** A variant as staff price lists show it: regular price in minor units of `currency`. */
export interface VariantPriceRow {
  variantId: string;
  sku: string;
  /** The product's own SKU (a configurable parent's; the variant's for a simple product). */
  productSku: string;
  productName: string;
  productStatus: ProductStatus;
  variantTitle: string;
  priceAmount: number;
  currency: string;
}

/**
 * Variants of every product in SKU order, for staff screens and exports that go through the whole
 * catalog (price lists, the product CSV export): `search` keeps those whose SKU or product name
 * contains it (case-insensitive), `after` is the last SKU of the previous page. Returns up to `limit`
 * rows and the cursor of the next page.
 */
export async function listVariantsBySku(
  db: Db,
  options: { search?: string; after?: string; limit: number },
): Promise<{ items: VariantPriceRow[]; nextCursor: string | null }> {
  const pattern = options.search ? `%${escapeLike(options.search)}%` : null;
  const rows = await db
    .select({
      variantId: variants.id,
      sku: variants.sku,
      productSku: products.sku,
      productName: products.name,
      productStatus: products.status,
      variantTitle: variants.title,
      priceAmount: variants.priceAmount,
      currency: variants.currency,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(
      and(
        options.after ? sql`${variants.sku} > ${options.after}` : undefined,
        pattern ? sql`(${variants.sku} ilike ${pattern} or ${products.name} ilike ${pattern})` : undefined,
      ),
    )
    .orderBy(variants.sku)
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit).map((r) => ({ ...r, priceAmount: Number(r.priceAmount) }));
  return { items, nextCursor: rows.length > options.limit ? items.at(-1)!.sku : null };
}

/** A variant's regular and special price (minor units of `currency`), as catalog price rules read them. */
export interface VariantPricing {
  variantId: string;
  sku: string;
  priceAmount: number;
  specialPriceAmount: number | null;
  specialFrom: Date | null;
  specialTo: Date | null;
  currency: string;
}

/**
 * Variants of the products directly in any of `categoryIds`, or whose product or variant SKU is one
 * of `skus`, with their prices (each variant once, in SKU order).
 */
export async function variantPricingMatching(
  db: Db,
  match: { categoryIds: string[]; skus: string[] },
): Promise<VariantPricing[]> {
  if (match.categoryIds.length === 0 && match.skus.length === 0) return [];
  const rows = await db
    .select({
      variantId: variants.id,
      sku: variants.sku,
      priceAmount: variants.priceAmount,
      specialPriceAmount: variants.specialPriceAmount,
      specialFrom: variants.specialFrom,
      specialTo: variants.specialTo,
      currency: variants.currency,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(
      sql`(${products.sku} = any(${sql.param(match.skus)}::text[]) or ${variants.sku} = any(${sql.param(match.skus)}::text[])
        or exists (select 1 from ${productCategories} pc where pc.product_id = ${products.id}
          and pc.category_id = any(${sql.param(match.categoryIds)}::text[])))`,
    )
    .orderBy(variants.sku);
  return rows.map((r) => ({
    ...r,
    priceAmount: Number(r.priceAmount),
    specialPriceAmount: r.specialPriceAmount === null ? null : Number(r.specialPriceAmount),
  }));
}

/**
 * Sets variants' special (sale) prices in minor units, always active (no date window), in one
 * statement. Returns how many variants changed.
 * @throws ValidationError when an amount is not a non-negative integer.
 */
export async function setSpecialPrices(
  db: Db,
  prices: { variantId: string; amount: number }[],
): Promise<number> {
  if (prices.length === 0) return 0;
  for (const p of prices) {
    assertMinorUnits(p.amount, "specialPrice");
    if (p.amount < 0) throw new ValidationError([{ field: "specialPrice", message: "must be 0 or more" }]);
  }
  const rows = await db.execute(sql`
    update ${variants} v set special_price_amount = x.amount, special_from = null, special_to = null,
      updated_at = now()
    from unnest(${sql.param(prices.map((p) => p.variantId))}::text[], ${sql.param(prices.map((p) => p.amount))}::bigint[])
      as x(variant_id, amount)
    where v.id = x.variant_id
    returning v.id, v.product_id`);
  const changed = (rows as unknown as { rows: { product_id: string }[] }).rows;
  const productIds = [...new Set(changed.map((r) => r.product_id))];
  if (productIds.length)
    await enqueue(db, productsChangedTopic, { productIds } satisfies ProductsChangedEvent);
  return changed.length;
}

/** Lowest regular variant price of a product, by product SKU, in minor units; null for an unknown SKU. */
export async function lowestPriceBySku(db: Db, sku: string): Promise<number | null> {
  const [row] = await db
    .select({ price: sql<number | null>`min(${variants.priceAmount})` })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(eq(products.sku, sku));
  return row?.price === null || row?.price === undefined ? null : Number(row.price);
}

/** A product as staff edit it (texts, status, visibility). Timestamps are ISO 8601 UTC. */
export interface StaffProduct {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  shortDescription: string;
  status: ProductStatus;
  visibility: ProductVisibility;
  metaTitle: string;
  metaDescription: string;
  updatedAt: string;
}

const staffProductColumns = {
  id: products.id,
  sku: products.sku,
  slug: products.slug,
  name: products.name,
  description: products.description,
  shortDescription: products.shortDescription,
  status: products.status,
  visibility: products.visibility,
  metaTitle: products.metaTitle,
  metaDescription: products.metaDescription,
  updatedAt: products.updatedAt,
};

/** A product by id for staff. @throws NotFoundError (PRODUCT_NOT_FOUND). */
export async function getProductForStaff(db: Db, id: string): Promise<StaffProduct> {
  const [row] = await db.select(staffProductColumns).from(products).where(eq(products.id, id));
  if (!row) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product ${id}.`);
  return { ...row, updatedAt: row.updatedAt.toISOString() };
}

/**
 * Changes a product's texts, status or visibility (only the fields given) and announces the change
 * (`catalog.products.changed`, in the caller's transaction) so the search index re-reads it. The
 * stored import hash is cleared: the next import of the product writes it again.
 * @throws NotFoundError (PRODUCT_NOT_FOUND); ValidationError (field `name`) for a blank name.
 */
export async function updateProductDetails(
  db: Db,
  id: string,
  patch: Partial<
    Pick<
      StaffProduct,
      "name" | "description" | "shortDescription" | "status" | "visibility" | "metaTitle" | "metaDescription"
    >
  >,
): Promise<StaffProduct> {
  if (patch.name !== undefined && patch.name.trim() === "")
    throw new ValidationError([{ field: "name", message: "is required" }]);
  const [row] = await db
    .update(products)
    .set({
      ...patch,
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.description !== undefined && { description: sanitizeRichText(patch.description) }),
      ...(patch.shortDescription !== undefined && {
        shortDescription: sanitizeRichText(patch.shortDescription),
      }),
      sourceHash: null,
      version: sql`${products.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(products.id, id))
    .returning(staffProductColumns);
  if (!row) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product ${id}.`);
  await enqueue(db, productsChangedTopic, { productIds: [id] } satisfies ProductsChangedEvent);
  return { ...row, updatedAt: row.updatedAt.toISOString() };
}
