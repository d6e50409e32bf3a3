/**
 * Bulk catalog writes for imports of large catalogs: categories from name paths, attribute definitions
 * created when missing, and simple products written many at a time (a constant number of statements
 * per batch, rows passed as arrays through `unnest`, whatever the batch size).
 */
import { asc, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { type AppError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { enqueue } from "../../platform/outbox.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { deleteStockLevels, ensureDefaultLocation, setStockLevels } from "../inventory/index.ts";
import { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
import { attributes, categories, products, variants } from "./catalog.schema.ts";
import {
  type AttributeInput,
  attributeRow,
  hashOf,
  type ProductInput,
  saveExternalImages,
  slugify,
  type UpsertOutcome,
  validateProductInput,
} from "./catalog.service.ts";

/** Key of a category path in {@link ensureCategoryPaths}' result: the names joined by U+0000. */
export function categoryPathKey(path: string[]): string {
  return path.join("\u0000");
}

/**
 * Makes sure every category path exists and returns the slug of each path's last category, by
 * {@link categoryPathKey}. A path is a list of category names from the top level down, e.g.
 * `["Cell Phones", "Prepaid Phones"]`. A category is found under its parent by name (compared as
 * slugs: "Cell phones" is "Cell Phones"); a missing one is created, active and in the menu, with the
 * slug of its name, or `<parent slug>-<name slug>` when another category has that slug (then `-2`,
 * `-3`, ...). Existing categories are left as they are. Idempotent. Blank names are skipped. Two
 * statements whatever the number of paths (all categories are read, the missing ones inserted at once).
 */
export async function ensureCategoryPaths(
  db: Db,
  paths: string[][],
): Promise<{ slugByPath: Map<string, string>; created: number }> {
  const rows = await db
    .select({
      id: categories.id,
      parentId: categories.parentId,
      name: categories.name,
      slug: categories.slug,
    })
    .from(categories)
    .orderBy(asc(categories.createdAt), asc(categories.id));
  const nameKey = (name: string) => slugify(name) || name.trim().toLowerCase();
  const childKey = (parentId: string | null, name: string) => `${parentId ?? ""}\u0000${nameKey(name)}`;
  const byChildKey = new Map<string, { id: string; slug: string }>();
  for (const r of rows) {
    const key = childKey(r.parentId, r.name);
    if (!byChildKey.has(key)) byChildKey.set(key, r);
  }
  const takenSlugs = new Set(rows.map((r) => r.slug));
  const slugByPath = new Map<string, string>();
  const missing: { id: string; parentId: string | null; name: string; slug: string }[] = [];
  for (const raw of paths) {
    const path = raw.map((n) => n.trim()).filter(Boolean);
    if (path.length === 0) continue;
    let parent: { id: string; slug: string } | null = null;
    for (const name of path) {
      const key = childKey(parent?.id ?? null, name);
      let node = byChildKey.get(key);
      if (!node) {
        const base = slugify(name) || "category";
        let slug = base;
        if (takenSlugs.has(slug) && parent) slug = slugify(`${parent.slug}-${base}`);
        for (let n = 2; takenSlugs.has(slug); n++) slug = `${base.slice(0, 180)}-${n}`;
        node = { id: newId("cat"), slug };
        missing.push({ id: node.id, parentId: parent?.id ?? null, name, slug });
        byChildKey.set(key, node);
        takenSlugs.add(slug);
      }
      parent = node;
    }
    slugByPath.set(categoryPathKey(raw), parent!.slug);
  }
  if (missing.length) {
    await db.execute(sql`insert into ${categories} (id, parent_id, name, slug)
      select * from unnest(${sql.param(missing.map((m) => m.id))}::text[],
        ${sql.param(missing.map((m) => m.parentId))}::text[], ${sql.param(missing.map((m) => m.name))}::text[],
        ${sql.param(missing.map((m) => m.slug))}::text[])`);
    invalidateShopCache("category_tree");
  }
  return { slugByPath, created: missing.length };
}

/**
 * Defines the attributes whose code is not defined yet (one statement); existing definitions are left
 * as they are (unlike `upsertAttributes`, which overwrites them).
 */
export async function ensureAttributes(db: Db, inputs: AttributeInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await db
    .insert(attributes)
    .values(inputs.map(attributeRow))
    .onConflictDoNothing({ target: attributes.code });
}

/** What {@link upsertSimpleProducts} did with one input: written (or left unchanged), or refused. */
export type BulkOutcome = { id: string; outcome: UpsertOutcome } | { error: AppError };

/** True when {@link upsertSimpleProducts} can write the input (simple or digital, one variant, no options). */
export function isBulkWritable(input: ProductInput): boolean {
  return (
    (input.type === "simple" || input.type === "digital") &&
    input.variants.length === 1 &&
    !input.options?.length &&
    !input.bundleOptions?.length &&
    !input.groupedItems?.length &&
    !input.downloads?.length &&
    input.variants.every((v) => !v.imageId && !Object.keys(v.options ?? {}).length)
  );
}

function refuse(field: string, message: string): { error: AppError } {
  return { error: new ValidationError([{ field, message }]) };
}

/**
 * Creates or updates many simple (or digital) one-variant products by SKU, with the same result as
 * calling `upsertProduct` for each in turn, in about twenty statements per call: product rows (with
 * their vendor when the input gives `vendorId`), variants (ids kept), categories, attribute values,
 * images (stored by id, or external URLs), stock at the default location, and one
 * `catalog.products.changed` event for all of them. An input identical to the stored one is
 * "unchanged". Call inside a transaction; batches of up to a few thousand.
 *
 * Inputs are checked before anything is written, and a refused input is reported in its slot of the
 * result (a ValidationError naming the field: bad values, an unknown category or attribute, a SKU
 * that belongs to another product or comes twice in the batch), so the rest can be written. An
 * unexpected database error (a concurrent writer) rejects the whole call: roll the transaction back
 * and write the batch one product at a time.
 * @returns one outcome per input, in input order.
 * @throws Error when an input is not {@link isBulkWritable} (a programming error).
 */
export async function upsertSimpleProducts(db: Db, inputs: ProductInput[]): Promise<BulkOutcome[]> {
  const results: (BulkOutcome | undefined)[] = new Array(inputs.length).fill(undefined);
  const seen = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    if (!isBulkWritable(input))
      throw new Error(`upsertSimpleProducts: ${input.sku} is not a one-variant simple or digital product`);
    try {
      validateProductInput(input);
    } catch (error) {
      results[i] = { error: error as AppError };
      continue;
    }
    const variantSku = input.variants[0]!.sku;
    if (seen.has(input.sku) || (variantSku !== input.sku && seen.has(variantSku))) {
      results[i] = refuse("sku", `SKU "${input.sku}" comes twice in the batch`);
      continue;
    }
    seen.add(input.sku);
    seen.add(variantSku);
  }

  // Unchanged products are skipped on their hash, as upsertProduct does.
  const open = inputs.flatMap((input, i) => (results[i] ? [] : [{ i, input, hash: hashOf(input) }]));
  const existing = new Map(
    (
      await queryRows<{ id: string; sku: string; source_hash: string | null }>(
        db,
        sql`select id, sku, source_hash from ${products} where sku = any(${sql.param(open.map((o) => o.input.sku))}::text[])`,
      )
    ).map((r) => [r.sku, r]),
  );
  const todo: { i: number; input: ProductInput; hash: string; existingId: string | null }[] = [];
  for (const o of open) {
    const found = existing.get(o.input.sku);
    if (found && found.source_hash === o.hash) results[o.i] = { id: found.id, outcome: "unchanged" };
    else todo.push({ ...o, existingId: found?.id ?? null });
  }
  if (todo.length === 0) return results as BulkOutcome[];

  // Categories, attributes and variant SKUs, each with one query for the batch.
  const categorySlugs = [...new Set(todo.flatMap((t) => t.input.categorySlugs))];
  const categoryIdBySlug = new Map(
    (
      await queryRows<{ id: string; slug: string }>(
        db,
        sql`select id, slug from ${categories} where slug = any(${sql.param(categorySlugs)}::text[])`,
      )
    ).map((r) => [r.slug, r.id]),
  );
  const attributeCodes = [...new Set(todo.flatMap((t) => Object.keys(t.input.attributes ?? {})))];
  const attributeIdByCode = new Map(
    (
      await queryRows<{ id: string; code: string }>(
        db,
        sql`select id, code from ${attributes} where code = any(${sql.param(attributeCodes)}::text[])`,
      )
    ).map((r) => [r.code, r.id]),
  );
  const variantBySku = new Map(
    (
      await queryRows<{ id: string; sku: string; product_id: string }>(
        db,
        sql`select id, sku, product_id from ${variants}
          where sku = any(${sql.param(todo.map((t) => t.input.variants[0]!.sku))}::text[])`,
      )
    ).map((r) => [r.sku, r]),
  );
  const checked = todo.filter((t) => {
    const unknownCategory = t.input.categorySlugs.find((s) => !categoryIdBySlug.has(s));
    const unknownAttribute = Object.keys(t.input.attributes ?? {}).find((c) => !attributeIdByCode.has(c));
    const variant = variantBySku.get(t.input.variants[0]!.sku);
    const refused = unknownCategory
      ? refuse("categories", `unknown category "${unknownCategory}"`)
      : unknownAttribute
        ? refuse(`attributes.${unknownAttribute}`, `unknown attribute "${unknownAttribute}"`)
        : variant && variant.product_id !== t.existingId
          ? refuse("sku", `SKU "${variant.sku}" belongs to another product`)
          : null;
    if (refused) results[t.i] = refused;
    return !refused;
  });
  if (checked.length === 0) return results as BulkOutcome[];

  // Slugs: given or from the name; on a clash with another product (stored or earlier in the batch),
  // the SKU is appended, as upsertProduct does. So no product takes a slug another one holds now, and
  // the update below cannot trip over the unique index by swapping slugs.
  const baseSlugs = checked.map((t) => slugify(t.input.slug || t.input.name) || slugify(t.input.sku));
  const slugOwner = new Map(
    (
      await queryRows<{ id: string; slug: string }>(
        db,
        sql`select id, slug from ${products} where slug = any(${sql.param(baseSlugs)}::text[])`,
      )
    ).map((r) => [r.slug, r.id]),
  );
  const assigned = new Set<string>();
  const slugs = checked.map((t, k) => {
    const base = baseSlugs[k]!;
    const owner = slugOwner.get(base);
    const slug =
      (owner !== undefined && owner !== t.existingId) || assigned.has(base)
        ? `${base}-${slugify(t.input.sku)}`
        : base;
    assigned.add(slug);
    return slug;
  });

  const externalIds = await saveExternalImages(
    db,
    checked.flatMap((t) =>
      (t.input.images ?? []).flatMap((img) => ("url" in img ? [{ url: img.url, alt: t.input.name }] : [])),
    ),
  );

  const ids = checked.map((t) => t.existingId ?? newId("prod"));
  const productRows = checked.map((t, k) => ({
    id: ids[k]!,
    type: t.input.type,
    sku: t.input.sku,
    name: t.input.name,
    slug: slugs[k]!,
    description: t.input.description ?? "",
    short_description: t.input.shortDescription ?? "",
    status: t.input.status ?? "active",
    visibility: t.input.visibility ?? "everywhere",
    meta_title: t.input.metaTitle ?? "",
    meta_description: t.input.metaDescription ?? "",
    primary_category_id: t.input.categorySlugs[0] ? categoryIdBySlug.get(t.input.categorySlugs[0])! : null,
    attribute_set: t.input.attributeSet ?? "",
    source_hash: t.hash,
    popularity: t.input.popularity ?? null,
    vendor_id: t.input.vendorId ?? null,
    // The vendor is written when the input gives one (or null); absent, an existing product keeps its own.
    vendor_given: t.input.vendorId !== undefined,
  }));
  const columns = (rows: typeof productRows, name: keyof (typeof productRows)[number]) =>
    sql.param(rows.map((r) => r[name]));
  const productUnnest = (rows: typeof productRows) => sql`unnest(
      ${columns(rows, "id")}::text[], ${columns(rows, "type")}::text[], ${columns(rows, "sku")}::text[],
      ${columns(rows, "name")}::text[], ${columns(rows, "slug")}::text[], ${columns(rows, "description")}::text[],
      ${columns(rows, "short_description")}::text[], ${columns(rows, "status")}::text[],
      ${columns(rows, "visibility")}::text[], ${columns(rows, "meta_title")}::text[],
      ${columns(rows, "meta_description")}::text[], ${columns(rows, "primary_category_id")}::text[],
      ${columns(rows, "attribute_set")}::text[], ${columns(rows, "source_hash")}::text[],
      ${columns(rows, "popularity")}::real[], ${columns(rows, "vendor_id")}::text[],
      ${columns(rows, "vendor_given")}::boolean[])
    as x(id, type, sku, name, slug, description, short_description, status, visibility, meta_title,
      meta_description, primary_category_id, attribute_set, source_hash, popularity, vendor_id, vendor_given)`;
  const updatedRows = productRows.filter((_, k) => checked[k]!.existingId);
  const newRows = productRows.filter((_, k) => !checked[k]!.existingId);
  const updatedIds = updatedRows.map((r) => r.id);
  if (updatedRows.length) {
    await db.execute(sql`update ${products} p set type = x.type, name = x.name, slug = x.slug,
        description = x.description, short_description = x.short_description, status = x.status,
        visibility = x.visibility, meta_title = x.meta_title, meta_description = x.meta_description,
        primary_category_id = x.primary_category_id, attribute_set = x.attribute_set,
        source_hash = x.source_hash, popularity = coalesce(x.popularity, p.popularity),
        vendor_id = case when x.vendor_given then x.vendor_id else p.vendor_id end, updated_at = now()
      from ${productUnnest(updatedRows)} where p.id = x.id`);
    // What the new input replaces: options, links to categories, attributes and images, components.
    for (const table of [
      "product_options",
      "product_categories",
      "product_attribute_values",
      "product_images",
      "bundle_options",
      "grouped_items",
      "product_downloads",
    ]) {
      await db.execute(
        sql`delete from ${sql.raw(`"${table}"`)} where product_id = any(${sql.param(updatedIds)}::text[])`,
      );
    }
  }
  if (newRows.length) {
    await db.execute(sql`insert into ${products} (id, type, sku, name, slug, description, short_description,
        status, visibility, meta_title, meta_description, primary_category_id, attribute_set, source_hash, popularity,
        vendor_id)
      select id, type, sku, name, slug, description, short_description, status, visibility, meta_title,
        meta_description, primary_category_id, attribute_set, source_hash, coalesce(popularity, 0), vendor_id
      from ${productUnnest(newRows)}`);
  }

  // Variants: the one variant of each product, updated in place (id kept) or inserted.
  const variantRows = checked.map((t, k) => {
    const v = t.input.variants[0]!;
    return {
      id: variantBySku.get(v.sku)?.id ?? newId("var"),
      product_id: ids[k]!,
      sku: v.sku,
      title: v.title ?? t.input.name,
      price_amount: v.priceAmount,
      currency: t.input.currency,
      compare_at_amount: v.compareAtAmount ?? null,
      special_price_amount: v.specialPriceAmount ?? null,
      special_from: v.specialFrom ? v.specialFrom.toISOString() : null,
      special_to: v.specialTo ? v.specialTo.toISOString() : null,
      weight_grams: v.weightGrams ?? null,
    };
  });
  const vcol = (name: keyof (typeof variantRows)[number]) => sql.param(variantRows.map((r) => r[name]));
  const variantUnnest = sql`unnest(${vcol("id")}::text[], ${vcol("product_id")}::text[], ${vcol("sku")}::text[],
      ${vcol("title")}::text[], ${vcol("price_amount")}::bigint[], ${vcol("currency")}::text[],
      ${vcol("compare_at_amount")}::bigint[], ${vcol("special_price_amount")}::bigint[],
      ${vcol("special_from")}::timestamptz[], ${vcol("special_to")}::timestamptz[], ${vcol("weight_grams")}::int[])
    as x(id, product_id, sku, title, price_amount, currency, compare_at_amount, special_price_amount,
      special_from, special_to, weight_grams)`;
  await db.execute(sql`insert into ${variants} (id, product_id, sku, title, price_amount, currency,
      compare_at_amount, special_price_amount, special_from, special_to, weight_grams, image_id, position)
    select id, product_id, sku, title, price_amount, currency, compare_at_amount, special_price_amount,
      special_from, special_to, weight_grams, null, 0 from ${variantUnnest}
    on conflict (sku) do update set title = excluded.title, price_amount = excluded.price_amount,
      currency = excluded.currency, compare_at_amount = excluded.compare_at_amount,
      special_price_amount = excluded.special_price_amount, special_from = excluded.special_from,
      special_to = excluded.special_to, weight_grams = excluded.weight_grams, image_id = null,
      position = 0, updated_at = now()`);
  if (updatedIds.length) {
    const gone = await queryRows<{ id: string }>(
      db,
      sql`delete from ${variants} where product_id = any(${sql.param(updatedIds)}::text[])
        and not (sku = any(${sql.param(variantRows.map((v) => v.sku))}::text[])) returning id`,
    );
    await deleteStockLevels(
      db,
      gone.map((g) => g.id),
    );
  }

  // Categories (in the input's order), attribute values and images.
  const links = checked.flatMap((t, k) =>
    [...new Set(t.input.categorySlugs)].map((s, position) => ({
      product: ids[k]!,
      category: categoryIdBySlug.get(s)!,
      position,
    })),
  );
  if (links.length) {
    await db.execute(sql`insert into product_categories (product_id, category_id, position)
      select * from unnest(${sql.param(links.map((l) => l.product))}::text[],
        ${sql.param(links.map((l) => l.category))}::text[], ${sql.param(links.map((l) => l.position))}::int[])`);
  }
  const values = checked.flatMap((t, k) =>
    Object.entries(t.input.attributes ?? {}).map(([code, value]) => ({
      product: ids[k]!,
      attribute: attributeIdByCode.get(code)!,
      value: JSON.stringify(value),
    })),
  );
  if (values.length) {
    await db.execute(sql`insert into product_attribute_values (product_id, attribute_id, value)
      select p, a, v::jsonb from unnest(${sql.param(values.map((v) => v.product))}::text[],
        ${sql.param(values.map((v) => v.attribute))}::text[], ${sql.param(values.map((v) => v.value))}::text[])
        as x(p, a, v)`);
  }
  const imageLinks = checked.flatMap((t, k) => {
    const byId = new Map<string, string>();
    for (const img of t.input.images ?? []) {
      const imageId = "url" in img ? externalIds.get(img.url)! : img.imageId;
      if (!byId.has(imageId)) byId.set(imageId, img.alt ?? "");
    }
    return [...byId].map(([image, alt], position) => ({ product: ids[k]!, image, alt, position }));
  });
  if (imageLinks.length) {
    await db.execute(sql`insert into product_images (product_id, image_id, alt, position)
      select * from unnest(${sql.param(imageLinks.map((l) => l.product))}::text[],
        ${sql.param(imageLinks.map((l) => l.image))}::text[], ${sql.param(imageLinks.map((l) => l.alt))}::text[],
        ${sql.param(imageLinks.map((l) => l.position))}::int[])`);
  }

  const variantIdBySku = new Map(variantRows.map((v) => [v.sku, v.id]));
  const locationId = await ensureDefaultLocation(db);
  await setStockLevels(
    db,
    checked.map((t) => {
      const v = t.input.variants[0]!;
      return {
        variantId: variantIdBySku.get(v.sku)!,
        locationId,
        stockedQuantity: v.stockQuantity,
        manageStock: v.manageStock ?? true,
        allowBackorder: v.allowBackorder ?? false,
      };
    }),
  );
  await enqueue(db, productsChangedTopic, { productIds: ids } satisfies ProductsChangedEvent);
  checked.forEach((t, k) => {
    results[t.i] = { id: ids[k]!, outcome: t.existingId ? "updated" : "created" };
  });
  return results as BulkOutcome[];
}
