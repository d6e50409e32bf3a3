import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";
import type { ProductDocumentInput } from "./catalog.editor.ts";
import { type ProductsChangedEvent, productsChangedTopic } from "./catalog.events.ts";
import { productDownloads, products } from "./catalog.schema.ts";

/**
 * Shows or hides every product of a vendor on the storefront (`products.vendor_active`), when the
 * vendors module suspends, closes or reinstates it. The products keep their own status, so
 * reinstating brings back exactly the published ones. The search index and caches follow through
 * `catalog.products.changed`. @returns how many products changed.
 */
export async function setVendorProductsActive(db: Db, vendorId: string, active: boolean): Promise<number> {
  const rows = await db
    .update(products)
    .set({ vendorActive: active, updatedAt: new Date(), version: sql`${products.version} + 1` })
    .where(and(eq(products.vendorId, vendorId), ne(products.vendorActive, active)))
    .returning({ id: products.id });
  if (rows.length)
    await enqueue(db, productsChangedTopic, {
      productIds: rows.map((r) => r.id),
    } satisfies ProductsChangedEvent);
  return rows.length;
}

/** Makes a vendor the seller of a product (a product the vendor portal just created). */
export async function assignProductVendor(db: Db, productId: string, vendorId: string): Promise<void> {
  await db.update(products).set({ vendorId }).where(eq(products.id, productId));
}

/**
 * Refuses a product that is not the vendor's: the answer is the same 404 as for a product that does
 * not exist, so a vendor learns nothing of others' products. Locks nothing.
 * @throws NotFoundError (PRODUCT_NOT_FOUND)
 */
export async function assertVendorProduct(db: Db, productId: string, vendorId: string): Promise<void> {
  const [row] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), eq(products.vendorId, vendorId)));
  if (!row) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product ${productId}.`);
}

/**
 * Checks that a product a vendor saves refers only to the vendor's own things: linked products
 * (related, up-sell, cross-sell), bundle and grouped items are the vendor's products, and digital
 * downloads are files this product already has (vendors cannot name another product's files).
 * @throws ValidationError naming the field (`links.<type>`, `bundleOptions`, `groupedItems`, `downloads`)
 */
export async function checkVendorReferences(
  db: Db,
  vendorId: string,
  productId: string | null,
  input: ProductDocumentInput,
): Promise<void> {
  const linkIds = Object.entries(input.links ?? {}).flatMap(([type, ids]) =>
    (ids ?? []).map((id) => ({ type, id })),
  );
  const bundleSkus = (input.bundleOptions ?? []).flatMap((o) => o.items.map((i) => i.sku));
  const groupedSkus = (input.groupedItems ?? []).map((i) => i.sku);
  const skus = [...bundleSkus, ...groupedSkus];
  if (linkIds.length || skus.length) {
    const conditions = [];
    if (linkIds.length)
      conditions.push(
        inArray(
          products.id,
          linkIds.map((l) => l.id),
        ),
      );
    if (skus.length) conditions.push(inArray(products.sku, skus));
    const rows = await db
      .select({ id: products.id, sku: products.sku, vendorId: products.vendorId })
      .from(products)
      .where(or(...conditions));
    const foreign = new Set(rows.filter((r) => r.vendorId !== vendorId).flatMap((r) => [r.id, r.sku]));
    const link = linkIds.find((l) => foreign.has(l.id));
    if (link) throw invalid(`links.${link.type}`, `${link.id} is not one of your products`);
    const bundled = bundleSkus.find((s) => foreign.has(s));
    if (bundled) throw invalid("bundleOptions", `SKU "${bundled}" is not one of your products`);
    const grouped = groupedSkus.find((s) => foreign.has(s));
    if (grouped) throw invalid("groupedItems", `SKU "${grouped}" is not one of your products`);
  }
  const keys = (input.downloads ?? []).map((d) => d.storageKey);
  if (keys.length) {
    const own = productId
      ? new Set(
          (
            await db
              .select({ key: productDownloads.storageKey })
              .from(productDownloads)
              .where(eq(productDownloads.productId, productId))
          ).map((r) => r.key),
        )
      : new Set<string>();
    const other = keys.find((k) => !own.has(k));
    if (other !== undefined)
      throw invalid("downloads", "keep this product's own files; new files are uploaded by the shop's staff");
  }
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message }]);
}

/**
 * The ids of the products each vendor sells now (whatever their status), by vendor id; a vendor
 * without products is absent. One query (the `products_vendor_idx` index).
 */
export async function productIdsOfVendors(db: Db, vendorIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (!vendorIds.length) return result;
  const rows = await db
    .select({ id: products.id, vendorId: products.vendorId })
    .from(products)
    .where(inArray(products.vendorId, [...new Set(vendorIds)]));
  for (const r of rows) {
    const list = result.get(r.vendorId!) ?? [];
    list.push(r.id);
    result.set(r.vendorId!, list);
  }
  return result;
}
