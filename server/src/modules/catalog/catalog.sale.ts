import { sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { thumbnailUrlOf } from "../../platform/images.ts";
import { shopCached } from "../../platform/shop-cache.ts";
import { runSql } from "../../platform/statements.ts";
import { currentPrice } from "./catalog.queries.ts";
import { images, type ProductType, productDownloads } from "./catalog.schema.ts";

/** What a cart or an order needs to know about a variant on sale. Amounts in minor units. */
export interface SaleVariant {
  variantId: string;
  productId: string;
  productType: ProductType;
  productName: string;
  productSlug: string;
  sku: string;
  variantTitle: string;
  /** Option name -> value, e.g. { Size: "M", Color: "Blue" }. */
  options: Record<string, string>;
  /** Current price (special price applied when open), minor units of `currency`. */
  unitPrice: number;
  /** Regular price, minor units. */
  regularPrice: number;
  onSale: boolean;
  currency: string;
  taxClass: string;
  /** The product's categories and all their ancestors. */
  categoryIds: string[];
  weightGrams: number | null;
  imageId: string | null;
  /** 320 px WebP thumbnail URL (an external image's own URL), or null when the product has no image. */
  thumbnailUrl: string | null;
  minQuantity: number;
  maxQuantity: number | null;
  quantityIncrement: number;
  /** Digital products have no stock and need no shipping. */
  isDigital: boolean;
  /** Active product (of a vendor that sells now, if any): may be put in a cart and ordered. */
  isSellable: boolean;
  /** The vendor selling it, or null for the platform's own products. */
  vendorId: string | null;
}

interface SaleRow {
  variant_id: string;
  product_id: string;
  product_type: ProductType;
  product_name: string;
  product_slug: string;
  sku: string;
  variant_title: string;
  price_amount: string | number;
  special_price_amount: string | number | null;
  special_from: string | Date | null;
  special_to: string | Date | null;
  currency: string;
  tax_class: string;
  weight_grams: number | null;
  min_quantity: number;
  max_quantity: number | null;
  quantity_increment: number;
  status: string;
  vendor_active: boolean;
  vendor_id: string | null;
  image_id: string | null;
  image_sha: string | null;
  image_url: string | null;
  options: Record<string, string> | null;
  category_ids: string[] | null;
}

const toDate = (v: string | Date | null) => (v === null ? null : v instanceof Date ? v : new Date(v));

/**
 * $1: variant ids (text[]). Fixed text: prepared once per connection (see platform/statements.ts).
 * The ids go through `array(select unnest($1))` so the planner cannot see how many there are: the
 * statement then settles on one generic plan instead of being planned again on every call, which
 * cost PostgreSQL three times the execution. The product is a per-variant index lookup (`offset 0`
 * keeps the planner from hashing the whole products table for a cart of three lines, which it
 * otherwise prefers on a small catalog, at about twice the cost). Image and categories are per-row index lookups;
 * categories come back as the product's own, their ancestors are added from the cached tree.
 */
const saleVariantsSql = `
  select v.id as variant_id, p.id as product_id, p.type as product_type, p.name as product_name,
    p.slug as product_slug, v.sku, v.title as variant_title, v.price_amount, v.special_price_amount,
    v.special_from, v.special_to, v.currency, p.tax_class, v.weight_grams, v.min_quantity,
    v.max_quantity, v.quantity_increment, p.status, p.vendor_active, p.vendor_id, x.image_id,
    (select i.sha256 from "images" i where i.id = x.image_id) as image_sha,
    (select i.source_url from "images" i where i.id = x.image_id) as image_url,
    (select jsonb_object_agg(o.name, ov.value) from "variant_option_values" vov
      join "product_option_values" ov on ov.id = vov.option_value_id
      join "product_options" o on o.id = ov.option_id where vov.variant_id = v.id) as options,
    (select array_agg(pc.category_id) from "product_categories" pc where pc.product_id = p.id) as category_ids
  from "variants" v
  cross join lateral (select * from "products" p where p.id = v.product_id offset 0) p
  cross join lateral (select coalesce(v.image_id, (select pi.image_id from "product_images" pi
      where pi.product_id = p.id order by pi.position limit 1)) as image_id) x
  where v.id = any(array(select unnest($1::text[])))`;

/** Parent of every category (null at the top), cached a few seconds (platform/shop-cache.ts). */
function categoryParents(db: Db): Promise<Map<string, string | null>> {
  return shopCached(db, "category_tree", "parents", async () => {
    const rows = await runSql<{ id: string; parent_id: string | null }>(
      db,
      `select id, parent_id from "categories"`,
      [],
    );
    return new Map(rows.map((r) => [r.id, r.parent_id]));
  });
}

/** The categories and all their ancestors, each once (a cycle in bad data stops at the repeat). */
function withAncestors(ids: string[], parents: Map<string, string | null>): string[] {
  const all = new Set<string>();
  for (const id of ids) {
    let current: string | null | undefined = id;
    while (current && !all.has(current)) {
      all.add(current);
      current = parents.get(current);
    }
  }
  return [...all];
}

/**
 * Loads variants for a cart or an order in one query: product, current price at `now`, tax class,
 * categories (with ancestors, for promotion conditions), options, thumbnail and quantity rules.
 * Unknown ids are absent from the map.
 */
export async function getSaleVariants(
  db: Db,
  variantIds: string[],
  now = new Date(),
): Promise<Map<string, SaleVariant>> {
  const result = new Map<string, SaleVariant>();
  if (variantIds.length === 0) return result;
  const [rows, parents] = await Promise.all([
    runSql<SaleRow>(db, saleVariantsSql, [variantIds]),
    categoryParents(db),
  ]);
  for (const r of rows) {
    const price = currentPrice(
      {
        priceAmount: Number(r.price_amount),
        specialPriceAmount: r.special_price_amount === null ? null : Number(r.special_price_amount),
        specialFrom: toDate(r.special_from),
        specialTo: toDate(r.special_to),
      },
      now,
    );
    result.set(r.variant_id, {
      variantId: r.variant_id,
      productId: r.product_id,
      productType: r.product_type,
      productName: r.product_name,
      productSlug: r.product_slug,
      sku: r.sku,
      variantTitle: r.variant_title,
      options: r.options ?? {},
      unitPrice: price.amount,
      regularPrice: price.regular,
      onSale: price.onSpecial,
      currency: r.currency,
      taxClass: r.tax_class,
      categoryIds: withAncestors(r.category_ids ?? [], parents),
      weightGrams: r.weight_grams,
      imageId: r.image_id,
      thumbnailUrl: thumbnailUrlOf({ sha256: r.image_sha, sourceUrl: r.image_url }),
      minQuantity: r.min_quantity,
      maxQuantity: r.max_quantity,
      quantityIncrement: r.quantity_increment,
      isDigital: r.product_type === "digital",
      isSellable: r.status === "active" && r.vendor_active,
      vendorId: r.vendor_id,
    });
  }
  return result;
}

/** 320 px WebP thumbnail URLs of images by id (an external image's own URL; unknown ids are absent). */
export async function thumbnailUrls(db: Db, imageIds: string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (imageIds.length === 0) return result;
  const rows = await db
    .select({ id: images.id, sha256: images.sha256, sourceUrl: images.sourceUrl })
    .from(images)
    .where(sql`${images.id} = any(${sql.param(imageIds)}::text[])`);
  for (const r of rows) {
    const url = thumbnailUrlOf(r);
    if (url) result.set(r.id, url);
  }
  return result;
}

/** A file of a digital product, delivered after purchase. */
export interface ProductDownload {
  id: string;
  productId: string;
  title: string;
  storageKey: string;
  fileName: string;
  /** Size in bytes. */
  bytes: number;
}

/** The downloadable files of products, in their display order. */
export async function downloadsOfProducts(db: Db, productIds: string[]): Promise<ProductDownload[]> {
  if (productIds.length === 0) return [];
  return db
    .select({
      id: productDownloads.id,
      productId: productDownloads.productId,
      title: productDownloads.title,
      storageKey: productDownloads.storageKey,
      fileName: productDownloads.fileName,
      bytes: productDownloads.bytes,
    })
    .from(productDownloads)
    .where(sql`${productDownloads.productId} = any(${sql.param(productIds)}::text[])`)
    .orderBy(productDownloads.productId, productDownloads.position);
}
