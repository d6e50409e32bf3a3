import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { getAvailability, type StockStatus } from "../inventory/index.ts";
import { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
import { type ImageRow, imageColumns, toImage } from "./catalog.queries.ts";
import {
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
  productLinkTypes,
  productOptions,
  productOptionValues,
  products,
  variantOptionValues,
  variants,
} from "./catalog.schema.ts";
import { type ProductInput, upsertProduct, type VariantInput } from "./catalog.service.ts";

/** Another product as the editor shows a reference to it (links, bundle and grouped items). */
export interface ProductRef {
  id: string;
  sku: string;
  name: string;
}

/** One variant in the editor. Amounts in minor units of the product's `currency`; weight in grams; times ISO 8601 UTC. */
export interface EditorVariant {
  id: string;
  sku: string;
  title: string;
  /** Option code -> value. */
  options: Record<string, string>;
  priceAmount: number;
  compareAtAmount: number | null;
  specialPriceAmount: number | null;
  specialFrom: string | null;
  specialTo: string | null;
  weightGrams: number | null;
  barcode: string | null;
  imageId: string | null;
  /** Units that can be sold now over every location (changed through stock adjustments, not here). */
  availableQuantity: number;
  stockStatus: StockStatus;
}

/**
 * A whole product as the staff editor reads and saves it. `version` is its ETag: a save naming an
 * older version is refused (409 STALE_VERSION).
 */
export interface ProductDocument {
  id: string;
  version: number;
  /** The vendor selling it, or null for the shop's own products. */
  vendorId: string | null;
  type: ProductType;
  sku: string;
  name: string;
  slug: string;
  /** HTML. */
  description: string;
  /** HTML. */
  shortDescription: string;
  status: ProductStatus;
  visibility: ProductVisibility;
  /** ISO 8601 UTC; a draft becomes active then. */
  publishAt: string | null;
  metaTitle: string;
  metaDescription: string;
  taxClass: string;
  /** ISO 4217 code of every variant's amounts. */
  currency: string;
  /** Category ids; the first is the main one (breadcrumbs). */
  categoryIds: string[];
  /** Attribute code -> value. */
  attributes: Record<string, AttributeValueJson>;
  options: { code: string; name: string; values: { value: string; swatch: string | null }[] }[];
  variants: EditorVariant[];
  images: { id: string; url: string; thumbnailUrl: string; alt: string }[];
  links: Record<ProductLinkType, ProductRef[]>;
  bundleOptions: {
    title: string;
    type: "radio" | "checkbox" | "select";
    required: boolean;
    items: (ProductRef & { defaultQuantity: number })[];
  }[];
  groupedItems: (ProductRef & { defaultQuantity: number })[];
  downloads: { title: string; fileName: string; bytes: number; storageKey: string }[];
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Reads a whole product for the staff editor.
 * @throws NotFoundError (PRODUCT_NOT_FOUND).
 */
export async function getProductDocument(db: Db, id: string): Promise<ProductDocument> {
  const [p] = await db.select().from(products).where(eq(products.id, id));
  if (!p) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product ${id}.`);
  const [variantRows, optionRows, valueRows, categoryRows, attributeRows, imageRows, linkRows] =
    await Promise.all([
      db.select().from(variants).where(eq(variants.productId, id)).orderBy(asc(variants.position)),
      db
        .select()
        .from(productOptions)
        .where(eq(productOptions.productId, id))
        .orderBy(asc(productOptions.position)),
      db
        .select({
          optionId: productOptionValues.optionId,
          id: productOptionValues.id,
          value: productOptionValues.value,
          swatch: productOptionValues.swatch,
        })
        .from(productOptionValues)
        .innerJoin(productOptions, eq(productOptions.id, productOptionValues.optionId))
        .where(eq(productOptions.productId, id))
        .orderBy(asc(productOptionValues.position)),
      db
        .select({ id: productCategories.categoryId })
        .from(productCategories)
        .where(eq(productCategories.productId, id))
        .orderBy(asc(productCategories.position)),
      db
        .select({ code: attributes.code, value: productAttributeValues.value })
        .from(productAttributeValues)
        .innerJoin(attributes, eq(attributes.id, productAttributeValues.attributeId))
        .where(eq(productAttributeValues.productId, id))
        .orderBy(asc(attributes.position), asc(attributes.code)),
      db
        .select({ ...imageColumns, linkAlt: productImages.alt })
        .from(productImages)
        .innerJoin(images, eq(images.id, productImages.imageId))
        .where(eq(productImages.productId, id))
        .orderBy(asc(productImages.position)),
      db
        .select({
          type: productLinks.type,
          id: products.id,
          sku: products.sku,
          name: products.name,
        })
        .from(productLinks)
        .innerJoin(products, eq(products.id, productLinks.linkedProductId))
        .where(eq(productLinks.productId, id))
        .orderBy(asc(productLinks.position)),
    ]);
  const variantIds = variantRows.map((v) => v.id);
  const [valueLinks, availability, bundleRows, groupedRows, downloadRows] = await Promise.all([
    variantIds.length
      ? db.select().from(variantOptionValues).where(inArray(variantOptionValues.variantId, variantIds))
      : Promise.resolve([]),
    getAvailability(db, variantIds),
    queryRows<{
      title: string;
      type: "radio" | "checkbox" | "select";
      required: boolean;
      bundle_id: string;
      id: string | null;
      sku: string | null;
      name: string | null;
      default_quantity: number | null;
    }>(
      db,
      sql`select bo.id as bundle_id, bo.title, bo.type, bo.required, p.id, p.sku, p.name,
            bi.default_quantity
          from ${bundleOptions} bo
          left join ${bundleOptionItems} bi on bi.bundle_option_id = bo.id
          left join ${products} p on p.id = bi.product_id
          where bo.product_id = ${id}
          order by bo.position, bi.position`,
    ),
    db
      .select({
        id: products.id,
        sku: products.sku,
        name: products.name,
        defaultQuantity: groupedItems.defaultQuantity,
      })
      .from(groupedItems)
      .innerJoin(products, eq(products.id, groupedItems.childProductId))
      .where(eq(groupedItems.productId, id))
      .orderBy(asc(groupedItems.position)),
    db
      .select()
      .from(productDownloads)
      .where(eq(productDownloads.productId, id))
      .orderBy(asc(productDownloads.position)),
  ]);
  const optionById = new Map(optionRows.map((o) => [o.id, o]));
  const valueById = new Map(valueRows.map((v) => [v.id, v]));
  const optionsOf = new Map<string, Record<string, string>>();
  for (const link of valueLinks) {
    const value = valueById.get(link.optionValueId);
    const option = value && optionById.get(value.optionId);
    if (!value || !option) continue;
    const map = optionsOf.get(link.variantId) ?? {};
    map[option.code] = value.value;
    optionsOf.set(link.variantId, map);
  }
  const bundles = new Map<string, ProductDocument["bundleOptions"][number]>();
  for (const r of bundleRows) {
    const option = bundles.get(r.bundle_id) ?? {
      title: r.title,
      type: r.type,
      required: r.required,
      items: [],
    };
    if (r.id && r.sku && r.name)
      option.items.push({
        id: r.id,
        sku: r.sku,
        name: r.name,
        defaultQuantity: Number(r.default_quantity ?? 1),
      });
    bundles.set(r.bundle_id, option);
  }
  const links = Object.fromEntries(productLinkTypes.map((t) => [t, [] as ProductRef[]])) as Record<
    ProductLinkType,
    ProductRef[]
  >;
  for (const l of linkRows) links[l.type].push({ id: l.id, sku: l.sku, name: l.name });
  return {
    id: p.id,
    version: p.version,
    vendorId: p.vendorId,
    type: p.type,
    sku: p.sku,
    name: p.name,
    slug: p.slug,
    description: p.description,
    shortDescription: p.shortDescription,
    status: p.status,
    visibility: p.visibility,
    publishAt: iso(p.publishAt),
    metaTitle: p.metaTitle,
    metaDescription: p.metaDescription,
    taxClass: p.taxClass,
    currency: variantRows[0]?.currency ?? "USD",
    categoryIds: categoryRows.map((c) => c.id),
    attributes: Object.fromEntries(attributeRows.map((a) => [a.code, a.value])),
    options: optionRows.map((o) => ({
      code: o.code,
      name: o.name,
      values: valueRows.filter((v) => v.optionId === o.id).map((v) => ({ value: v.value, swatch: v.swatch })),
    })),
    variants: variantRows.map((v) => {
      const stock = availability.get(v.id);
      return {
        id: v.id,
        sku: v.sku,
        title: v.title,
        options: optionsOf.get(v.id) ?? {},
        priceAmount: v.priceAmount,
        compareAtAmount: v.compareAtAmount,
        specialPriceAmount: v.specialPriceAmount,
        specialFrom: iso(v.specialFrom),
        specialTo: iso(v.specialTo),
        weightGrams: v.weightGrams,
        barcode: v.barcode,
        imageId: v.imageId,
        availableQuantity: stock?.availableQuantity ?? 0,
        stockStatus: stock?.stockStatus ?? "out_of_stock",
      };
    }),
    images: imageRows.map((row) => {
      const image = toImage(row as ImageRow, row.linkAlt);
      return {
        id: image.id,
        url: image.url,
        thumbnailUrl: image.srcset[0]?.url ?? image.url,
        alt: row.linkAlt,
      };
    }),
    links,
    bundleOptions: [...bundles.values()],
    groupedItems: groupedRows,
    downloads: downloadRows.map((d) => ({
      title: d.title,
      fileName: d.fileName,
      bytes: d.bytes,
      storageKey: d.storageKey,
    })),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** A variant as the editor saves it: `id` for an existing one (its SKU may change), none for a new one. */
export interface EditorVariantInput
  extends Omit<VariantInput, "stockQuantity" | "specialFrom" | "specialTo"> {
  id?: string;
  specialFrom?: string | null;
  specialTo?: string | null;
  /** Units on hand at the default location for a NEW variant; ignored for existing ones (use stock adjustments). */
  initialStock?: number;
}

/** A whole product as the editor saves it (create or replace). Amounts in minor units of `currency`. */
export interface ProductDocumentInput {
  type: ProductType;
  sku: string;
  name: string;
  slug?: string;
  description?: string;
  shortDescription?: string;
  status?: ProductStatus;
  visibility?: ProductVisibility;
  publishAt?: string | null;
  metaTitle?: string;
  metaDescription?: string;
  taxClass?: string;
  currency: string;
  categoryIds?: string[];
  attributes?: Record<string, AttributeValueJson>;
  options?: { code: string; name: string; values: { value: string; swatch?: string | null }[] }[];
  variants: EditorVariantInput[];
  images?: { imageId: string; alt?: string }[];
  links?: Partial<Record<ProductLinkType, string[]>>;
  bundleOptions?: {
    title: string;
    type: "radio" | "checkbox" | "select";
    required?: boolean;
    items: { sku: string; defaultQuantity?: number }[];
  }[];
  groupedItems?: { sku: string; defaultQuantity?: number }[];
  downloads?: { title: string; fileName: string; bytes: number; storageKey: string }[];
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message }]);
}

function parseTime(value: string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, "must be an ISO 8601 date and time");
  return date;
}

/** Checks attribute values against their definitions (type, allowed values). */
async function checkAttributeValues(db: Db, values: Record<string, AttributeValueJson>): Promise<void> {
  const codes = Object.keys(values);
  if (codes.length === 0) return;
  const defs = await db.select().from(attributes).where(inArray(attributes.code, codes));
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const [code, value] of Object.entries(values)) {
    const field = `attributes.${code}`;
    const def = byCode.get(code);
    if (!def) throw invalid(field, `unknown attribute "${code}"`);
    const ok =
      def.type === "text"
        ? typeof value === "string"
        : def.type === "number"
          ? typeof value === "number" && Number.isFinite(value)
          : def.type === "boolean"
            ? typeof value === "boolean"
            : def.type === "select"
              ? typeof value === "string" && (def.options.length === 0 || def.options.includes(value))
              : Array.isArray(value) &&
                value.every(
                  (v) => typeof v === "string" && (def.options.length === 0 || def.options.includes(v)),
                );
    if (!ok)
      throw invalid(
        field,
        def.options.length && (def.type === "select" || def.type === "multiselect")
          ? `must be one of: ${def.options.join(", ")}`
          : `must be a ${def.type} value`,
      );
  }
}

/**
 * Creates (no `id`) or replaces (with `id`) a whole product from the staff editor, in the caller's
 * transaction: row, options, variants (existing ones by id, so their stock, carts and history stay;
 * SKUs may change), categories, attributes, images, links, bundle and grouped items, downloads. New
 * variants get `initialStock` units at the default location; existing stock changes only through
 * stock adjustments. The search index and caches follow through `catalog.products.changed`.
 * @param expectedVersion from `If-Match`; undefined = unconditional.
 * @throws NotFoundError (PRODUCT_NOT_FOUND); StaleVersionError (409) when `expectedVersion` is not the
 *   stored version; ValidationError naming the field (bad values, unknown category/attribute/image, a
 *   SKU of another product, duplicate option combinations).
 */
export async function saveProductDocument(
  db: Db,
  id: string | null,
  input: ProductDocumentInput,
  expectedVersion?: number,
): Promise<string> {
  if (id) {
    const [current] = await db
      .select({ id: products.id, sku: products.sku, version: products.version })
      .from(products)
      .where(eq(products.id, id))
      .for("update");
    if (!current) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product ${id}.`);
    assertVersion("product", current.version, expectedVersion);
    if (current.sku !== input.sku) {
      const [taken] = await db.select({ id: products.id }).from(products).where(eq(products.sku, input.sku));
      if (taken) throw invalid("sku", `SKU "${input.sku}" belongs to another product`);
      await db.update(products).set({ sku: input.sku }).where(eq(products.id, id));
    }
    // Existing variants keep their ids (stock, carts, orders) when their SKU changes.
    const stored = await db
      .select({ id: variants.id, sku: variants.sku })
      .from(variants)
      .where(eq(variants.productId, id));
    const storedById = new Map(stored.map((v) => [v.id, v.sku]));
    for (const [i, v] of input.variants.entries()) {
      if (!v.id) continue;
      const before = storedById.get(v.id);
      if (before === undefined) throw invalid(`variants[${i}].id`, "is not a variant of this product");
      if (before !== v.sku) {
        const [taken] = await db
          .select({ productId: variants.productId })
          .from(variants)
          .where(eq(variants.sku, v.sku));
        if (taken && taken.productId !== id)
          throw invalid(`variants[${i}].sku`, `SKU "${v.sku}" belongs to another product`);
        // Through a placeholder, so two variants may swap SKUs.
        await db
          .update(variants)
          .set({ sku: `~${v.id}` })
          .where(eq(variants.id, v.id));
      }
    }
    for (const v of input.variants)
      if (v.id && storedById.get(v.id) !== v.sku)
        await db.update(variants).set({ sku: v.sku }).where(eq(variants.id, v.id));
  } else {
    const [taken] = await db.select({ id: products.id }).from(products).where(eq(products.sku, input.sku));
    if (taken) throw invalid("sku", `SKU "${input.sku}" belongs to another product`);
  }

  // Distinct option combinations, and every value a defined one.
  const combos = new Set<string>();
  for (const [i, v] of input.variants.entries()) {
    const key = (input.options ?? []).map((o) => v.options?.[o.code] ?? "").join("\u0000");
    if ((input.options ?? []).length && combos.has(key))
      throw invalid(`variants[${i}].options`, "another variant has the same option values");
    combos.add(key);
  }
  const categoryIds = [...new Set(input.categoryIds ?? [])];
  const categoryRows = categoryIds.length
    ? await db
        .select({ id: categories.id, slug: categories.slug })
        .from(categories)
        .where(inArray(categories.id, categoryIds))
    : [];
  const slugById = new Map(categoryRows.map((c) => [c.id, c.slug]));
  for (const c of categoryIds) if (!slugById.has(c)) throw invalid("categoryIds", `unknown category ${c}`);
  const imageIds = (input.images ?? []).map((i) => i.imageId);
  const knownImages = imageIds.length
    ? new Set(
        (await db.select({ id: images.id }).from(images).where(inArray(images.id, imageIds))).map(
          (r) => r.id,
        ),
      )
    : new Set<string>();
  for (const [i, imageId] of imageIds.entries())
    if (!knownImages.has(imageId)) throw invalid(`images[${i}].imageId`, "is not an uploaded image");
  for (const [i, v] of input.variants.entries())
    if (v.imageId && !knownImages.has(v.imageId))
      throw invalid(`variants[${i}].imageId`, "must be one of the product's images");
  await checkAttributeValues(db, input.attributes ?? {});

  const productInput: ProductInput = {
    sku: input.sku,
    type: input.type,
    name: input.name.trim(),
    slug: input.slug,
    description: input.description ?? "",
    shortDescription: input.shortDescription ?? "",
    status: input.status ?? "draft",
    visibility: input.visibility ?? "everywhere",
    publishAt: parseTime(input.publishAt, "publishAt"),
    metaTitle: input.metaTitle ?? "",
    metaDescription: input.metaDescription ?? "",
    taxClass: input.taxClass ?? "standard",
    currency: input.currency,
    categorySlugs: categoryIds.map((c) => slugById.get(c)!),
    options: input.options,
    variants: input.variants.map((v, i) => ({
      sku: v.sku,
      title: v.title,
      priceAmount: v.priceAmount,
      compareAtAmount: v.compareAtAmount ?? null,
      specialPriceAmount: v.specialPriceAmount ?? null,
      specialFrom: parseTime(v.specialFrom, `variants[${i}].specialFrom`),
      specialTo: parseTime(v.specialTo, `variants[${i}].specialTo`),
      weightGrams: v.weightGrams ?? null,
      barcode: v.barcode ?? null,
      options: v.options,
      imageId: v.imageId ?? null,
      stockQuantity: v.initialStock ?? 0,
    })),
    images: input.images,
    attributes: input.attributes,
    bundleOptions: input.bundleOptions,
    groupedItems: input.groupedItems,
    downloads: input.downloads,
  };
  const { id: productId } = await upsertProduct(db, productInput, { stock: "new" });
  await setProductLinksById(db, productId, input.links ?? {});
  // No import hash: the next save or import always writes (and bumps the version) again.
  await db.update(products).set({ sourceHash: null }).where(eq(products.id, productId));
  return productId;
}

/**
 * Replaces a product's related / up-sell / cross-sell links with the given product ids, in order
 * (types absent from `links` are cleared too).
 * @throws ValidationError (field `links.<type>`) for an unknown product or the product itself.
 */
export async function setProductLinksById(
  db: Db,
  productId: string,
  links: Partial<Record<ProductLinkType, string[]>>,
): Promise<void> {
  await db.delete(productLinks).where(eq(productLinks.productId, productId));
  for (const type of productLinkTypes) {
    const ids = [...new Set(links[type] ?? [])];
    if (ids.length === 0) continue;
    const found = new Set(
      (await db.select({ id: products.id }).from(products).where(inArray(products.id, ids))).map((r) => r.id),
    );
    for (const linked of ids) {
      if (!found.has(linked) || linked === productId)
        throw invalid(`links.${type}`, `${linked} is not another product of the catalog`);
    }
    await db
      .insert(productLinks)
      .values(ids.map((linkedProductId, position) => ({ productId, linkedProductId, type, position })));
  }
}

/**
 * Deletes products, except those order lines reference (`ordered`), which are archived instead so
 * that order history keeps its links. Announces the change for the search index.
 * @returns the ids deleted and the ids archived; unknown ids in neither.
 */
export async function deleteProducts(
  db: Db,
  ids: string[],
  ordered: Set<string>,
): Promise<{ deleted: string[]; archived: string[] }> {
  const existing = (await db.select({ id: products.id }).from(products).where(inArray(products.id, ids))).map(
    (r) => r.id,
  );
  // A product still inside another's bundle or group is kept too (archived), like an ordered one.
  const components = existing.length
    ? await queryRows<{ id: string }>(
        db,
        sql`select product_id as id from ${bundleOptionItems} where product_id = any(${sql.param(existing)}::text[])
          union select child_product_id from ${groupedItems} where child_product_id = any(${sql.param(existing)}::text[])`,
      )
    : [];
  const kept = new Set([...ordered, ...components.map((c) => c.id)]);
  const archived = existing.filter((id) => kept.has(id));
  const deleted = existing.filter((id) => !kept.has(id));
  if (archived.length)
    await db
      .update(products)
      .set({ status: "archived", version: sql`${products.version} + 1`, updatedAt: new Date() })
      .where(inArray(products.id, archived));
  if (deleted.length) await db.delete(products).where(inArray(products.id, deleted));
  if (existing.length)
    await enqueue(db, productsChangedTopic, { productIds: existing } satisfies ProductsChangedEvent);
  return { deleted, archived };
}

/**
 * Sets the status of many products at once (bulk publish / archive), bumping their versions.
 * @returns the ids changed (unknown ids are left out).
 */
export async function setProductsStatus(db: Db, ids: string[], status: ProductStatus): Promise<string[]> {
  const rows = await db
    .update(products)
    .set({ status, version: sql`${products.version} + 1`, updatedAt: new Date() })
    .where(inArray(products.id, ids))
    .returning({ id: products.id });
  const changed = rows.map((r) => r.id);
  if (changed.length)
    await enqueue(db, productsChangedTopic, { productIds: changed } satisfies ProductsChangedEvent);
  return changed;
}

/**
 * Publishes drafts whose publish time has come (the `catalog-publish-scheduled` job): status becomes
 * active and the schedule is cleared. @returns how many were published.
 */
export async function publishScheduledProducts(db: Db, now = new Date()): Promise<number> {
  const rows = await db
    .update(products)
    .set({ status: "active", publishAt: null, version: sql`${products.version} + 1`, updatedAt: now })
    .where(and(eq(products.status, "draft"), sql`${products.publishAt} <= ${now}`))
    .returning({ id: products.id });
  if (rows.length)
    await enqueue(db, productsChangedTopic, {
      productIds: rows.map((r) => r.id),
    } satisfies ProductsChangedEvent);
  return rows.length;
}
