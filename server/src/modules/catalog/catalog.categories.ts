import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { sanitizeRichText } from "../../platform/html.ts";
import { newId } from "../../platform/ids.ts";
import { thumbnailUrlOf } from "../../platform/images.ts";
import { enqueue } from "../../platform/outbox.ts";
import { assertVersion } from "../../platform/versioning.ts";
import { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
import { categories, images, productCategories, products } from "./catalog.schema.ts";
import { slugify } from "./catalog.service.ts";

/** A category as staff edit it. `version` is its ETag. */
export interface StaffCategory {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  description: string;
  /** Order among its siblings, from 0. */
  position: number;
  isActive: boolean;
  includeInMenu: boolean;
  imageId: string | null;
  imageUrl: string | null;
  metaTitle: string;
  metaDescription: string;
  /** Products linked directly to it. */
  productCount: number;
  version: number;
}

/** Fields of a category to create or change. */
export interface CategoryChanges {
  name?: string;
  slug?: string;
  description?: string;
  /** Move under another category (null: to the top level). */
  parentId?: string | null;
  /** Place among the (new) siblings, from 0; beyond the end means last. */
  position?: number;
  isActive?: boolean;
  includeInMenu?: boolean;
  imageId?: string | null;
  metaTitle?: string;
  metaDescription?: string;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message }]);
}

/** Every category, parents before children, siblings in their order, with direct product counts. */
export async function listCategoriesForStaff(db: Db): Promise<StaffCategory[]> {
  const rows = await queryRows<{
    id: string;
    parent_id: string | null;
    name: string;
    slug: string;
    description: string;
    position: number;
    is_active: boolean;
    include_in_menu: boolean;
    image_id: string | null;
    sha256: string | null;
    source_url: string | null;
    meta_title: string;
    meta_description: string;
    version: number;
    product_count: number;
  }>(
    db,
    sql`select c.id, c.parent_id, c.name, c.slug, c.description, c.position, c.is_active, c.include_in_menu,
          c.image_id, i.sha256, i.source_url, c.meta_title, c.meta_description, c.version,
          (select count(*)::int from ${productCategories} pc where pc.category_id = c.id) as product_count
        from ${categories} c left join ${images} i on i.id = c.image_id
        order by c.position, c.name`,
  );
  const children = new Map<string | null, typeof rows>();
  for (const r of rows) {
    const list = children.get(r.parent_id) ?? [];
    list.push(r);
    children.set(r.parent_id, list);
  }
  const ids = new Set(rows.map((r) => r.id));
  const ordered: StaffCategory[] = [];
  const visit = (parent: string | null) => {
    for (const r of children.get(parent) ?? []) {
      ordered.push({
        id: r.id,
        parentId: r.parent_id,
        name: r.name,
        slug: r.slug,
        description: r.description,
        position: r.position,
        isActive: r.is_active,
        includeInMenu: r.include_in_menu,
        imageId: r.image_id,
        imageUrl: r.image_id ? thumbnailUrlOf({ sha256: r.sha256, sourceUrl: r.source_url }) : null,
        metaTitle: r.meta_title,
        metaDescription: r.meta_description,
        productCount: Number(r.product_count),
        version: Number(r.version),
      });
      visit(r.id);
    }
  };
  visit(null);
  // Orphans (a parent id that no longer exists) are listed at the end rather than lost.
  for (const [parent] of children) if (parent !== null && !ids.has(parent)) visit(parent);
  return ordered;
}

/** One category for staff. @throws NotFoundError (CATEGORY_NOT_FOUND). */
export async function getCategoryForStaff(db: Db, id: string): Promise<StaffCategory> {
  const found = (await listCategoriesForStaff(db)).find((c) => c.id === id);
  if (!found) throw new NotFoundError("CATEGORY_NOT_FOUND", `No category ${id}.`);
  return found;
}

async function checkParent(db: Db, id: string | null, parentId: string | null): Promise<void> {
  if (parentId === null) return;
  if (parentId === id) throw invalid("parentId", "a category cannot be its own parent");
  // Walk up from the new parent: meeting the category itself would make a loop.
  let cursor: string | null = parentId;
  for (let depth = 0; cursor !== null; depth++) {
    const rows: { parentId: string | null }[] = await db
      .select({ parentId: categories.parentId })
      .from(categories)
      .where(eq(categories.id, cursor));
    if (rows.length === 0)
      throw invalid("parentId", depth === 0 ? "is not a category" : "is under a missing category");
    if (id !== null && rows[0]!.parentId === id)
      throw invalid("parentId", "cannot move a category under one of its own subcategories");
    if (depth > 50) throw invalid("parentId", "the tree is too deep");
    cursor = rows[0]!.parentId;
  }
}

async function checkSlug(db: Db, slug: string, id: string | null): Promise<string> {
  const clean = slugify(slug);
  if (!clean) throw invalid("slug", "must contain letters or digits");
  const clash = await db
    .select({ id: categories.id })
    .from(categories)
    .where(id ? and(eq(categories.slug, clean), ne(categories.id, id)) : eq(categories.slug, clean));
  if (clash.length) throw invalid("slug", `"${clean}" is the URL of another category`);
  return clean;
}

/** Puts `id` at `position` among the children of `parentId`, renumbering them 0..n-1. */
async function placeAmongSiblings(
  db: Db,
  id: string,
  parentId: string | null,
  position: number,
): Promise<void> {
  const siblings = await db
    .select({ id: categories.id })
    .from(categories)
    .where(parentId === null ? isNull(categories.parentId) : eq(categories.parentId, parentId))
    .orderBy(asc(categories.position), asc(categories.name));
  const order = siblings.map((s) => s.id).filter((s) => s !== id);
  order.splice(Math.max(0, Math.min(position, order.length)), 0, id);
  for (const [i, sibling] of order.entries())
    await db.update(categories).set({ position: i }).where(eq(categories.id, sibling));
}

/** @throws ValidationError (field `imageId`) unless the id is an uploaded image (or null). */
async function checkImage(db: Db, imageId: string | null | undefined): Promise<void> {
  if (!imageId) return;
  const [row] = await db.select({ id: images.id }).from(images).where(eq(images.id, imageId));
  if (!row) throw invalid("imageId", "is not an uploaded image (upload it with POST /api/admin/images)");
}

async function announceProductsOf(db: Db, categoryId: string): Promise<void> {
  const rows = await db
    .select({ id: productCategories.productId })
    .from(productCategories)
    .where(eq(productCategories.categoryId, categoryId));
  if (rows.length)
    await enqueue(db, productsChangedTopic, {
      productIds: rows.map((r) => r.id),
    } satisfies ProductsChangedEvent);
}

/**
 * Creates a category (last among its siblings unless `position` says otherwise). The slug comes from
 * the name when not given.
 * @throws ValidationError naming the field: blank name, a slug another category has, an unknown parent.
 */
export async function createCategory(db: Db, input: CategoryChanges & { name: string }): Promise<string> {
  const name = input.name.trim();
  if (!name) throw invalid("name", "is required");
  const parentId = input.parentId ?? null;
  await checkParent(db, null, parentId);
  const slug = await checkSlug(db, input.slug || name, null);
  await checkImage(db, input.imageId);
  const id = newId("cat");
  await db.insert(categories).values({
    id,
    parentId,
    name,
    slug,
    description: sanitizeRichText(input.description ?? ""),
    position: 1_000_000,
    isActive: input.isActive ?? true,
    includeInMenu: input.includeInMenu ?? true,
    imageId: input.imageId ?? null,
    metaTitle: input.metaTitle ?? "",
    metaDescription: input.metaDescription ?? "",
  });
  await placeAmongSiblings(db, id, parentId, input.position ?? Number.MAX_SAFE_INTEGER);
  return id;
}

/**
 * Changes a category: texts, URL, image, visibility, and moves it (new parent and/or position). Its
 * products are re-indexed (breadcrumbs and facets follow).
 * @throws NotFoundError (CATEGORY_NOT_FOUND); StaleVersionError (409); ValidationError naming the
 *   field (blank name, a taken slug, a parent that is itself or below it).
 */
export async function updateCategory(
  db: Db,
  id: string,
  changes: CategoryChanges,
  expectedVersion?: number,
): Promise<void> {
  const [current] = await db.select().from(categories).where(eq(categories.id, id)).for("update");
  if (!current) throw new NotFoundError("CATEGORY_NOT_FOUND", `No category ${id}.`);
  assertVersion("category", current.version, expectedVersion);
  if (changes.name !== undefined && !changes.name.trim()) throw invalid("name", "is required");
  const parentId = changes.parentId === undefined ? current.parentId : changes.parentId;
  if (changes.parentId !== undefined) await checkParent(db, id, parentId);
  const slug = changes.slug !== undefined ? await checkSlug(db, changes.slug, id) : current.slug;
  await checkImage(db, changes.imageId);
  await db
    .update(categories)
    .set({
      name: changes.name?.trim() ?? current.name,
      slug,
      description:
        changes.description === undefined ? current.description : sanitizeRichText(changes.description),
      parentId,
      isActive: changes.isActive ?? current.isActive,
      includeInMenu: changes.includeInMenu ?? current.includeInMenu,
      imageId: changes.imageId === undefined ? current.imageId : changes.imageId,
      metaTitle: changes.metaTitle ?? current.metaTitle,
      metaDescription: changes.metaDescription ?? current.metaDescription,
      version: current.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(categories.id, id));
  if (changes.parentId !== undefined || changes.position !== undefined)
    await placeAmongSiblings(
      db,
      id,
      parentId,
      changes.position ?? (parentId === current.parentId ? current.position : Number.MAX_SAFE_INTEGER),
    );
  await announceProductsOf(db, id);
}

/**
 * Deletes a category without subcategories. Its products lose the link (those whose main category it
 * was get their next category, or none) and are re-indexed.
 * @throws NotFoundError (CATEGORY_NOT_FOUND); StaleVersionError (409); ConflictError
 *   (CATEGORY_HAS_CHILDREN) while subcategories remain.
 */
export async function deleteCategory(db: Db, id: string, expectedVersion?: number): Promise<void> {
  const [current] = await db.select().from(categories).where(eq(categories.id, id)).for("update");
  if (!current) throw new NotFoundError("CATEGORY_NOT_FOUND", `No category ${id}.`);
  assertVersion("category", current.version, expectedVersion);
  const [child] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(eq(categories.parentId, id))
    .limit(1);
  if (child)
    throw new ConflictError(
      "CATEGORY_HAS_CHILDREN",
      "Move or delete its subcategories first: deleting a category never deletes others.",
    );
  await announceProductsOf(db, id);
  await db.delete(productCategories).where(eq(productCategories.categoryId, id));
  await db.execute(sql`update ${products} p set primary_category_id = (
      select pc.category_id from ${productCategories} pc where pc.product_id = p.id order by pc.position limit 1)
    where p.primary_category_id = ${id}`);
  await db.delete(categories).where(eq(categories.id, id));
}
