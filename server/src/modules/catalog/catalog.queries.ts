import { asc, eq, type SQL, sql } from "drizzle-orm";
import type { ResponseCache } from "../../platform/cache.ts";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { imageWidths, originalUrl, sizeUrl } from "../../platform/images.ts";
import { getAvailability, noStock, purchasableVariantCondition } from "../inventory/index.ts";
import { getRatingSummaries } from "../reviews/index.ts";
import {
  type AttributeValueJson,
  attributes,
  bundleOptionItems,
  bundleOptions,
  categories,
  groupedItems,
  images,
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
import type {
  CategoryDetailDto,
  CategoryDto,
  ImageDto,
  MoneyDto,
  ProductDetailDto,
  ProductPageDto,
  ProductSort,
  ProductSummaryDto,
  VariantDto,
} from "./catalog.types.ts";

export type ImageRow = {
  id: string;
  /** Null for an external image. */
  sha256: string | null;
  storageKey: string | null;
  /** The URL of an external image (shown as is: no /media URL, no generated sizes). */
  sourceUrl: string | null;
  width: number | null;
  height: number | null;
  alt: string;
};

export function toImage(row: ImageRow, alt?: string): ImageDto {
  if (row.sourceUrl || !row.sha256 || !row.storageKey)
    return {
      id: row.id,
      url: row.sourceUrl ?? "",
      alt: alt || row.alt,
      width: row.width,
      height: row.height,
      srcset: [],
    };
  const sha256 = row.sha256;
  const extension = row.storageKey.split(".").pop() ?? "jpg";
  // Sizes are never upscaled: the first size at least as wide as the original is the original's width.
  const srcset: { width: number; url: string }[] = [];
  for (const w of imageWidths) {
    const actual = row.width === null ? w : Math.min(w, row.width);
    srcset.push({ width: actual, url: sizeUrl(sha256, w) });
    if (row.width !== null && w >= row.width) break;
  }
  return {
    id: row.id,
    url: originalUrl(sha256, extension),
    alt: alt || row.alt,
    width: row.width,
    height: row.height,
    srcset,
  };
}

export const imageColumns = {
  id: images.id,
  sha256: images.sha256,
  storageKey: images.storageKey,
  sourceUrl: images.sourceUrl,
  width: images.width,
  height: images.height,
  alt: images.alt,
};

/**
 * Current price of a variant at `now`: its special price while the special window is open and the
 * special price is below the regular price, otherwise the regular price. Minor units.
 */
export function currentPrice(
  v: {
    priceAmount: number;
    specialPriceAmount: number | null;
    specialFrom: Date | null;
    specialTo: Date | null;
  },
  now: Date,
): { amount: number; regular: number; onSpecial: boolean } {
  const open =
    v.specialPriceAmount !== null &&
    v.specialPriceAmount < v.priceAmount &&
    (v.specialFrom === null || v.specialFrom <= now) &&
    (v.specialTo === null || v.specialTo > now);
  return { amount: open ? v.specialPriceAmount! : v.priceAmount, regular: v.priceAmount, onSpecial: open };
}

/** Prices of a variant as the JSON aggregates carry them (bigints may arrive as strings, dates as text). */
interface JsonVariantPrices {
  priceAmount: number | string;
  compareAtAmount: number | string | null;
  specialPriceAmount: number | string | null;
  specialFrom: string | null;
  specialTo: string | null;
}

/**
 * Current price of a variant from JSON, and the price to show struck through: the regular price while
 * a special price applies, else an explicit compare-at price above the current price. Minor units.
 */
function pricesOf(v: JsonVariantPrices, now: Date): { amount: number; compareAt: number | null } {
  const price = currentPrice(
    {
      priceAmount: Number(v.priceAmount),
      specialPriceAmount: v.specialPriceAmount === null ? null : Number(v.specialPriceAmount),
      specialFrom: v.specialFrom === null ? null : new Date(v.specialFrom),
      specialTo: v.specialTo === null ? null : new Date(v.specialTo),
    },
    now,
  );
  const explicit = v.compareAtAmount === null ? null : Number(v.compareAtAmount);
  const compareAt = price.onSpecial
    ? price.regular
    : explicit !== null && explicit > price.amount
      ? explicit
      : null;
  return { amount: price.amount, compareAt };
}

/** The same rule as `currentPrice`, as SQL over the `variants` table (for filtering and sorting). */
export const currentPriceSql = sql`case when ${variants.specialPriceAmount} is not null
  and ${variants.specialPriceAmount} < ${variants.priceAmount}
  and (${variants.specialFrom} is null or ${variants.specialFrom} <= now())
  and (${variants.specialTo} is null or ${variants.specialTo} > now())
  then ${variants.specialPriceAmount} else ${variants.priceAmount} end`;

/** Products a shopper may see in listings: active, visible in the catalog, of a vendor that sells now. */
const listableSql = sql`${products.status} = 'active' and ${products.visibility} in ('everywhere', 'catalog') and ${products.vendorActive}`;

/** Ids of a category and all its descendants, as a subquery (Magento "anchor" categories). */
function categorySubtreeSql(slug: string): SQL {
  return sql`(with recursive tree as (
      select id from ${categories} where slug = ${slug} and is_active
      union all
      select c.id from ${categories} c join tree on c.parent_id = tree.id where c.is_active
    ) select id from tree)`;
}

/** Filters of the product list. Prices in minor units. */
export interface ProductListFilter {
  category?: string;
  /** One vendor's products (`ven_...`). */
  vendorId?: string;
  priceMin?: number;
  priceMax?: number;
  inStock?: boolean;
  /** Option code -> accepted values; a product matches when one variant matches every code. */
  options?: Record<string, string[]>;
}

interface CursorValue {
  k: string | number;
  id: string;
}

function encodeCursor(value: CursorValue): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeCursor(cursor: string): CursorValue {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CursorValue;
    if (typeof value.id === "string" && (typeof value.k === "string" || typeof value.k === "number"))
      return value;
  } catch {
    // reported below
  }
  throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
}

/**
 * Per product (as `pa`): lowest and highest current variant price and the currency. A lateral join, so
 * that only the products left by the other filters have their variants aggregated.
 */
const priceLateral = sql`join lateral (select min(${currentPriceSql}) as min_price, max(${currentPriceSql}) as max_price,
  min(${variants.currency}) as currency from ${variants} where ${variants.productId} = ${products.id}) pa on true`;

function filterConditions(filter: ProductListFilter): SQL[] {
  const conditions: SQL[] = [listableSql];
  if (filter.category) {
    conditions.push(
      sql`exists (select 1 from ${productCategories} pc where pc.product_id = ${products.id}
        and pc.category_id in ${categorySubtreeSql(filter.category)})`,
    );
  }
  if (filter.vendorId) conditions.push(sql`${products.vendorId} = ${filter.vendorId}`);
  if (filter.priceMin !== undefined) conditions.push(sql`pa.min_price >= ${filter.priceMin}`);
  if (filter.priceMax !== undefined) conditions.push(sql`pa.min_price <= ${filter.priceMax}`);
  const optionFilters = Object.entries(filter.options ?? {}).filter(([, values]) => values.length > 0);
  if (optionFilters.length || filter.inStock) {
    const variantConditions: SQL[] = [sql`fv.product_id = ${products.id}`];
    for (const [code, values] of optionFilters) {
      variantConditions.push(sql`exists (select 1 from ${variantOptionValues} vov
        join ${productOptionValues} pov on pov.id = vov.option_value_id
        join ${productOptions} po on po.id = pov.option_id
        where vov.variant_id = fv.id and po.code = ${code} and ${anyText(sql.raw("pov.value"), values)})`);
    }
    if (filter.inStock) variantConditions.push(purchasableVariantCondition(sql.raw("fv.id")));
    conditions.push(
      sql`exists (select 1 from ${variants} fv where ${sql.join(variantConditions, sql` and `)})`,
    );
  }
  return conditions;
}

const sortSpecs: Record<ProductSort, { key: SQL; dir: "asc" | "desc"; numeric: boolean }> = {
  // Until search ranks results (issue: search and discovery), relevance lists the newest first.
  relevance: { key: sql`extract(epoch from ${products.createdAt})`, dir: "desc", numeric: true },
  newest: { key: sql`extract(epoch from ${products.createdAt})`, dir: "desc", numeric: true },
  price_asc: { key: sql`pa.min_price`, dir: "asc", numeric: true },
  price_desc: { key: sql`pa.min_price`, dir: "desc", numeric: true },
  name: { key: sql`lower(${products.name})`, dir: "asc", numeric: false },
};

/**
 * One page of listable products, keyset-paginated (stable under inserts) by the sort key and id.
 * Costs a constant number of queries whatever the page size: ids + count, then one query each for
 * variants, option values, thumbnails, availability and ratings.
 * @throws ValidationError (field `cursor`) for a cursor this API did not issue.
 */
export async function listProducts(
  db: Db,
  filter: ProductListFilter,
  sort: ProductSort,
  limit: number,
  cursor: string | undefined,
  options: { now?: Date; cache?: ResponseCache } = {},
): Promise<ProductPageDto> {
  const now = options.now ?? new Date();
  const cache = options.cache;
  const spec = sortSpecs[sort];
  const conditions = filterConditions(filter);
  const where = sql.join(conditions, sql` and `);
  const pageConditions = [...conditions];
  if (cursor) {
    const c = decodeCursor(cursor);
    const k = spec.numeric ? sql`${Number(c.k)}::numeric` : sql`${String(c.k)}`;
    pageConditions.push(
      spec.dir === "asc"
        ? sql`(${spec.key} > ${k} or (${spec.key} = ${k} and ${products.id} > ${c.id}))`
        : sql`(${spec.key} < ${k} or (${spec.key} = ${k} and ${products.id} < ${c.id}))`,
    );
  }
  const order =
    spec.dir === "asc"
      ? sql`${spec.key} asc, ${products.id} asc`
      : sql`${spec.key} desc, ${products.id} desc`;
  const countTotal = async () => {
    const rows = await queryRows<{ total: number }>(
      db,
      sql`select count(*)::int as total from ${products}
      ${filter.priceMin !== undefined || filter.priceMax !== undefined ? priceLateral : sql``} where ${where}`,
    );
    return Number(rows[0]?.total ?? 0);
  };
  const [pageRows, total] = await Promise.all([
    // The page's ids first (materialised, so the summaries are built for these rows only).
    queryRows<SummaryRow & { sort_key: string | number }>(
      db,
      sql`with page as materialized (
        select ${products.id} as id, ${spec.key} as sort_key from ${products} ${priceLateral}
        where ${sql.join(pageConditions, sql` and `)} order by ${order} limit ${limit + 1})
      select page.sort_key, ${summaryColumns} from page join ${products} on ${products.id} = page.id
      order by page.sort_key ${sql.raw(spec.dir)}, page.id ${sql.raw(spec.dir)}`,
    ),
    // The total does not depend on the cursor: later pages of the same filter reuse it.
    cache ? cache.get(catalogCacheNamespace, `count:${JSON.stringify(filter)}`, countTotal) : countTotal(),
  ]);
  const hasMore = pageRows.length > limit;
  const page = pageRows.slice(0, limit);
  const last = page[page.length - 1];
  const ids = page.map((r) => r.id);
  const [availability, ratings] = await Promise.all([
    ids.length ? getAvailability(db, variantIdsOf(ids)) : Promise.resolve(new Map()),
    getRatingSummaries(db, ids),
  ]);
  return {
    items: page.map((row) => buildSummary(row, availability, ratings, now)),
    nextCursor:
      hasMore && last
        ? encodeCursor({ k: spec.numeric ? Number(last.sort_key) : String(last.sort_key), id: last.id })
        : null,
    total,
  };
}

/** Cache namespace of catalog data (responses and pieces); catalog writes invalidate it. */
export const catalogCacheNamespace = "catalog";

/** The catalog side of a product summary: one row per product, variants and options as JSON. */
interface SummaryRow {
  id: string;
  slug: string;
  name: string;
  type: ProductSummaryDto["type"];
  variants: {
    id: string;
    priceAmount: number;
    currency: string;
    compareAtAmount: number | null;
    specialPriceAmount: number | null;
    specialFrom: string | null;
    specialTo: string | null;
  }[];
  /** `[code, value]` pairs in option and value order. */
  option_values: [string, string][];
  thumb: (ImageRow & { linkAlt: string }) | null;
}

/**
 * Select list producing a `SummaryRow` from the `products` table: the variants' prices, the option
 * values and the first image come as JSON aggregates, so a page of summaries is one query.
 */
const summaryColumns = sql`${products.id} as id, ${products.slug} as slug, ${products.name} as name,
  ${products.type} as type,
  (select coalesce(json_agg(json_build_object('id', v.id, 'priceAmount', v.price_amount, 'currency', v.currency,
      'compareAtAmount', v.compare_at_amount, 'specialPriceAmount', v.special_price_amount,
      'specialFrom', v.special_from, 'specialTo', v.special_to) order by v.position), '[]'::json)
    from ${variants} v where v.product_id = ${products.id}) as variants,
  (select coalesce(json_agg(json_build_array(po.code, pov.value) order by po.position, pov.position), '[]'::json)
    from ${productOptions} po join ${productOptionValues} pov on pov.option_id = po.id
    where po.product_id = ${products.id}) as option_values,
  (select json_build_object('id', i.id, 'sha256', i.sha256, 'storageKey', i.storage_key,
      'sourceUrl', i.source_url, 'width', i.width,
      'height', i.height, 'alt', i.alt, 'linkAlt', pi.alt)
    from ${productImages} pi join ${images} i on i.id = pi.image_id
    where pi.product_id = ${products.id} order by pi.position limit 1) as thumb`;

/** Variant ids of the given products, as a subquery for the inventory module. */
function variantIdsOf(productIds: string[]): SQL {
  return sql`select ${variants.id} from ${variants} where ${anyText(variants.productId, productIds)}`;
}

/** Completes catalog rows into summaries with stock (inventory) and ratings (reviews). */
function buildSummary(
  row: SummaryRow,
  availability: Map<string, { purchasable: boolean }>,
  ratings: Map<string, { average: number; count: number }>,
  now: Date,
): ProductSummaryDto {
  const priced = row.variants.map((v) => pricesOf(v, now));
  const cheapest = priced.reduce<(typeof priced)[number] | null>(
    (min, x) => (min === null || x.amount < min.amount ? x : min),
    null,
  );
  const maxAmount = priced.reduce((max, x) => Math.max(max, x.amount), 0);
  const currency = row.variants[0]?.currency ?? "USD";
  const compareAt = cheapest?.compareAt ?? null;
  const optionValues: Record<string, string[]> = {};
  for (const [code, value] of row.option_values) {
    const values = optionValues[code] ?? [];
    values.push(value);
    optionValues[code] = values;
  }
  const rating = ratings.get(row.id);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    type: row.type,
    price: { amount: cheapest?.amount ?? 0, currency },
    maxPrice: { amount: maxAmount, currency },
    compareAtPrice: compareAt === null ? null : { amount: compareAt, currency },
    thumbnail: row.thumb ? toImage(row.thumb, row.thumb.linkAlt || row.name) : null,
    inStock: row.variants.some((v) => availability.get(v.id)?.purchasable),
    optionValues,
    ratingAverage: rating?.average ?? null,
    reviewCount: rating?.count ?? 0,
  };
}

/**
 * Builds list summaries (price span, thumbnail, stock, option values, rating) for products, keyed by
 * id, in three queries run together (catalog, inventory, reviews), whatever the number of products.
 */
export async function summarize(
  db: Db,
  productIds: string[],
  now = new Date(),
): Promise<Map<string, ProductSummaryDto>> {
  const result = new Map<string, ProductSummaryDto>();
  if (productIds.length === 0) return result;
  const [rows, availability, ratings] = await Promise.all([
    queryRows<SummaryRow>(
      db,
      sql`select ${summaryColumns} from ${products} where ${anyText(products.id, productIds)}`,
    ),
    getAvailability(db, variantIdsOf(productIds)),
    getRatingSummaries(db, productIds),
  ]);
  for (const row of rows) result.set(row.id, buildSummary(row, availability, ratings, now));
  return result;
}

async function breadcrumbsOf(
  db: Db,
  categoryId: string,
): Promise<{ id: string; name: string; slug: string }[]> {
  const rows = await queryRows<{ id: string; name: string; slug: string; depth: number }>(
    db,
    sql`with recursive trail as (
      select id, parent_id, name, slug, 0 as depth from ${categories} where id = ${categoryId}
      union all
      select c.id, c.parent_id, c.name, c.slug, trail.depth + 1 from ${categories} c join trail on c.id = trail.parent_id
    ) select id, name, slug, depth from trail order by depth desc`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug }));
}

/** The catalog side of the product page, as one row with JSON aggregates (see `getProductBySlug`). */
interface ProductPageRow {
  id: string;
  sku: string;
  name: string;
  slug: string;
  description: string;
  short_description: string;
  meta_title: string;
  meta_description: string;
  primary_category_id: string | null;
  vendor_id: string | null;
  created_at: string;
  updated_at: string;
  options: { code: string; name: string; valueId: string; value: string; swatch: string | null }[];
  variants: {
    id: string;
    sku: string;
    title: string;
    priceAmount: number;
    currency: string;
    compareAtAmount: number | null;
    specialPriceAmount: number | null;
    specialFrom: string | null;
    specialTo: string | null;
    weightGrams: number | null;
    imageId: string | null;
    options: Record<string, string>;
  }[];
  images: (ImageRow & { linkAlt: string })[];
  attributes: { code: string; label: string; value: AttributeValueJson }[];
  categories: { name: string; slug: string }[];
  links: { linkedProductId: string; type: string }[];
  bundle: {
    optionId: string;
    title: string;
    type: "radio" | "checkbox" | "select";
    required: boolean;
    productId: string;
    defaultQuantity: number;
  }[];
  grouped: { productId: string; defaultQuantity: number }[];
  downloads: { title: string }[];
}

/** Names a vendor for "sold by" (the vendors module answers; null for a vendor not selling now). */
export type VendorNameLookup = (db: Db, vendorId: string) => Promise<{ name: string; slug: string } | null>;

/**
 * The product page: everything about one active product (of a vendor that sells now) by slug, with
 * variants, their stock and current prices, images, attributes, breadcrumbs, links, components, and
 * who sells it (`soldBy`, named through `vendorName`; null without it).
 * @throws NotFoundError (PRODUCT_NOT_FOUND) when no such product has the slug.
 */
export async function getProductBySlug(
  db: Db,
  slug: string,
  now = new Date(),
  vendorName?: VendorNameLookup,
): Promise<ProductDetailDto> {
  // One query gathers the catalog side as JSON; stock of its variants is asked for in parallel.
  const [[p], availability] = await Promise.all([
    queryRows<ProductPageRow>(
      db,
      sql`select p.id, p.sku, p.name, p.slug, p.description, p.short_description, p.meta_title,
        p.meta_description, p.primary_category_id, p.vendor_id,
        to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
        to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at,
        (select coalesce(json_agg(json_build_object('code', po.code, 'name', po.name, 'valueId', pov.id,
            'value', pov.value, 'swatch', pov.swatch) order by po.position, pov.position), '[]'::json)
          from ${productOptions} po join ${productOptionValues} pov on pov.option_id = po.id
          where po.product_id = p.id) as options,
        (select coalesce(json_agg(json_build_object('id', v.id, 'sku', v.sku, 'title', v.title,
            'priceAmount', v.price_amount, 'currency', v.currency, 'compareAtAmount', v.compare_at_amount,
            'specialPriceAmount', v.special_price_amount, 'specialFrom', v.special_from, 'specialTo', v.special_to,
            'weightGrams', v.weight_grams, 'imageId', v.image_id,
            'options', (select coalesce(json_object_agg(po.code, pov.value), '{}'::json)
              from ${variantOptionValues} vov join ${productOptionValues} pov on pov.id = vov.option_value_id
              join ${productOptions} po on po.id = pov.option_id where vov.variant_id = v.id))
            order by v.position), '[]'::json)
          from ${variants} v where v.product_id = p.id) as variants,
        (select coalesce(json_agg(json_build_object('id', i.id, 'sha256', i.sha256, 'storageKey', i.storage_key,
            'sourceUrl', i.source_url, 'width', i.width, 'height', i.height, 'alt', i.alt, 'linkAlt', pi.alt) order by pi.position), '[]'::json)
          from ${productImages} pi join ${images} i on i.id = pi.image_id where pi.product_id = p.id) as images,
        (select coalesce(json_agg(json_build_object('code', a.code, 'label', a.label, 'value', pav.value)
            order by a.position, a.label), '[]'::json)
          from ${productAttributeValues} pav join ${attributes} a on a.id = pav.attribute_id
          where pav.product_id = p.id and a.is_visible_on_front) as attributes,
        (select coalesce(json_agg(json_build_object('name', c.name, 'slug', c.slug) order by pc.position), '[]'::json)
          from ${productCategories} pc join ${categories} c on c.id = pc.category_id
          where pc.product_id = p.id and c.is_active) as categories,
        (select coalesce(json_agg(json_build_object('linkedProductId', l.linked_product_id, 'type', l.type)
            order by l.position), '[]'::json)
          from ${productLinks} l join ${products} lp on lp.id = l.linked_product_id
          where l.product_id = p.id and lp.status = 'active' and lp.vendor_active) as links,
        (select coalesce(json_agg(json_build_object('optionId', bo.id, 'title', bo.title, 'type', bo.type,
            'required', bo.required, 'productId', boi.product_id, 'defaultQuantity', boi.default_quantity)
            order by bo.position, boi.position), '[]'::json)
          from ${bundleOptions} bo join ${bundleOptionItems} boi on boi.bundle_option_id = bo.id
          where bo.product_id = p.id) as bundle,
        (select coalesce(json_agg(json_build_object('productId', g.child_product_id,
            'defaultQuantity', g.default_quantity) order by g.position), '[]'::json)
          from ${groupedItems} g where g.product_id = p.id) as grouped,
        (select coalesce(json_agg(json_build_object('title', d.title) order by d.position), '[]'::json)
          from ${productDownloads} d where d.product_id = p.id) as downloads
      from ${products} p where p.slug = ${slug} and p.status = 'active' and p.vendor_active`,
    ),
    getAvailability(
      db,
      sql`select v.id from ${variants} v join ${products} p on p.id = v.product_id
        where p.slug = ${slug} and p.status = 'active' and p.vendor_active`,
    ),
  ]);
  if (!p) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product with slug "${slug}"`);
  const relatedIds = [
    p.id,
    ...p.links.map((l) => l.linkedProductId),
    ...p.bundle.map((b) => b.productId),
    ...p.grouped.map((g) => g.productId),
  ];
  const [summaries, breadcrumbs] = await Promise.all([
    summarize(db, [...new Set(relatedIds)], now),
    p.primary_category_id ? breadcrumbsOf(db, p.primary_category_id) : Promise.resolve([]),
  ]);
  const self = summaries.get(p.id)!;
  const options: ProductDetailDto["options"] = [];
  for (const row of p.options) {
    let option = options.find((o) => o.code === row.code);
    if (!option) {
      option = { code: row.code, name: row.name, values: [] };
      options.push(option);
    }
    option.values.push({ id: row.valueId, value: row.value, swatch: row.swatch });
  }
  const variantDtos: VariantDto[] = p.variants.map((v) => {
    const price = pricesOf(v, now);
    const stock = availability.get(v.id) ?? noStock(v.id);
    return {
      id: v.id,
      sku: v.sku,
      title: v.title,
      price: { amount: price.amount, currency: v.currency },
      compareAtPrice:
        price.compareAt === null
          ? null
          : ({ amount: price.compareAt, currency: v.currency } satisfies MoneyDto),
      options: v.options,
      stockStatus: stock.stockStatus,
      availableQuantity: stock.availableQuantity,
      imageId: v.imageId,
      weightGrams: v.weightGrams,
    };
  });
  const linksOf = (type: string) =>
    p.links
      .filter((l) => l.type === type)
      .map((l) => summaries.get(l.linkedProductId))
      .filter((s): s is ProductSummaryDto => Boolean(s));
  const bundleGroups = new Map<string, ProductDetailDto["bundleOptions"][number]>();
  for (const b of p.bundle) {
    const group = bundleGroups.get(b.optionId) ?? {
      title: b.title,
      type: b.type,
      required: b.required,
      items: [],
    };
    const product = summaries.get(b.productId);
    if (product) group.items.push({ product, defaultQuantity: b.defaultQuantity });
    bundleGroups.set(b.optionId, group);
  }
  const { thumbnail: _thumbnail, ...summaryFields } = self;
  return {
    ...summaryFields,
    sku: p.sku,
    description: p.description,
    shortDescription: p.short_description,
    metaTitle: p.meta_title,
    metaDescription: p.meta_description,
    images: p.images.map((r) => toImage(r, r.linkAlt || p.name)),
    options,
    variants: variantDtos,
    attributes: p.attributes,
    breadcrumbs: breadcrumbs.map(({ name, slug }) => ({ name, slug })),
    categories: p.categories,
    related: linksOf("related"),
    upsell: linksOf("upsell"),
    crossSell: linksOf("crosssell"),
    groupedItems: p.grouped
      .map((g) => ({ product: summaries.get(g.productId)!, defaultQuantity: g.defaultQuantity }))
      .filter((g) => g.product),
    bundleOptions: [...bundleGroups.values()],
    downloads: p.downloads,
    soldBy: p.vendor_id && vendorName ? await vendorName(db, p.vendor_id) : null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

/** Apparel sizes in wearing order; other values sort numerically ("28" < "30"), then alphabetically. */
const sizeRank = new Map(
  ["XXS", "XS", "S", "M", "L", "XL", "XXL", "2XL", "XXXL", "3XL", "4XL", "5XL"].map(
    (s, i) => [s, i] as const,
  ),
);

/** Orders option values the way shoppers expect: XS < S < M < L, 28 < 30 < 32, then A to Z. */
export function compareOptionValues(a: string, b: string): number {
  const ra = sizeRank.get(a.toUpperCase());
  const rb = sizeRank.get(b.toUpperCase());
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  const na = Number.parseFloat(a);
  const nb = Number.parseFloat(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
  return a.localeCompare(b, "en", { numeric: true });
}

type CategoryRow = {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  description: string;
  position: number;
  metaTitle: string;
  metaDescription: string;
  includeInMenu: boolean;
  image: ImageRow | null;
};

/** All active categories with the number of listable products in each subtree (two queries). */
async function loadCategories(db: Db): Promise<{ rows: CategoryRow[]; counts: Map<string, number> }> {
  const [rows, counts] = await Promise.all([
    db
      .select({
        id: categories.id,
        parentId: categories.parentId,
        name: categories.name,
        slug: categories.slug,
        description: categories.description,
        position: categories.position,
        metaTitle: categories.metaTitle,
        metaDescription: categories.metaDescription,
        includeInMenu: categories.includeInMenu,
        image: imageColumns,
      })
      .from(categories)
      .leftJoin(images, eq(images.id, categories.imageId))
      .where(eq(categories.isActive, true))
      .orderBy(asc(categories.position), asc(categories.name)),
    queryRows<{ id: string; n: number }>(
      db,
      sql`with recursive tree as (
        select id as ancestor, id from ${categories} where is_active
        union all
        select tree.ancestor, c.id from ${categories} c join tree on c.parent_id = tree.id where c.is_active
      ) select tree.ancestor as id, count(distinct pc.product_id)::int as n from tree
        join ${productCategories} pc on pc.category_id = tree.id
        join ${products} on ${products.id} = pc.product_id and ${listableSql}
        group by tree.ancestor`,
    ),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, image: r.image?.id ? (r.image as ImageRow) : null })),
    counts: new Map(counts.map((r) => [r.id, Number(r.n)])),
  };
}

function buildTree(rows: CategoryRow[], counts: Map<string, number>): Map<string | null, CategoryDto[]> {
  const slugById = new Map(rows.map((r) => [r.id, r.slug]));
  const byParent = new Map<string | null, CategoryDto[]>();
  const nodes = new Map<string, CategoryDto>();
  for (const r of rows) {
    nodes.set(r.id, {
      id: r.id,
      slug: r.slug,
      name: r.name,
      description: r.description,
      parentSlug: r.parentId ? (slugById.get(r.parentId) ?? null) : null,
      productCount: counts.get(r.id) ?? 0,
      image: r.image ? toImage(r.image, r.name) : null,
      children: [],
    });
  }
  for (const r of rows) {
    // A category under an inactive parent is hidden from the tree (still reachable by its slug);
    // top-level categories appear only when they belong in the menu.
    if (r.parentId && !nodes.has(r.parentId)) continue;
    if (!r.parentId && !r.includeInMenu) continue;
    const parentKey = r.parentId;
    const list = byParent.get(parentKey) ?? [];
    list.push(nodes.get(r.id)!);
    byParent.set(parentKey, list);
    if (parentKey) nodes.get(parentKey)!.children.push(nodes.get(r.id)!);
  }
  return byParent;
}

/** The active category tree, top-level categories first by position, with product counts per subtree. */
export async function getCategoryTree(db: Db): Promise<CategoryDto[]> {
  const { rows, counts } = await loadCategories(db);
  return buildTree(rows, counts).get(null) ?? [];
}

/**
 * One category with its breadcrumbs, children and facets (option values with product counts, and the
 * span of current prices) over the listable products of its subtree.
 * @throws NotFoundError (CATEGORY_NOT_FOUND) for an unknown or inactive slug.
 */
export async function getCategoryBySlug(db: Db, slug: string): Promise<CategoryDetailDto> {
  const { rows, counts } = await loadCategories(db);
  const row = rows.find((r) => r.slug === slug);
  if (!row) throw new NotFoundError("CATEGORY_NOT_FOUND", `No category with slug "${slug}"`);
  const tree = buildTree(rows, counts);
  const subtree = categorySubtreeSql(slug);
  const inCategory = sql`${listableSql} and exists (select 1 from ${productCategories} pc
    where pc.product_id = ${products.id} and pc.category_id in ${subtree})`;
  const [facetRows, priceRows, breadcrumbs] = await Promise.all([
    queryRows<{
      code: string;
      name: string;
      value: string;
      swatch: string | null;
      count: number;
      pos: number;
      opos: number;
    }>(
      db,
      sql`
      select po.code, max(po.name) as name, pov.value, max(pov.swatch) as swatch, count(distinct ${products.id})::int as count,
        min(pov.position) as pos, min(po.position) as opos
      from ${products}
      join ${productOptions} po on po.product_id = ${products.id}
      join ${productOptionValues} pov on pov.option_id = po.id
      where ${inCategory}
      group by po.code, pov.value
      order by opos, po.code`,
    ),
    queryRows<{ min: number | null; max: number | null; currency: string | null }>(
      db,
      sql`
      select min(pa.min_price)::bigint as min, max(pa.max_price)::bigint as max, min(pa.currency) as currency
      from ${products} ${priceLateral}
      where ${inCategory}`,
    ),
    breadcrumbsOf(db, row.id),
  ]);
  const facetOptions: CategoryDetailDto["facets"]["options"] = [];
  for (const f of facetRows) {
    let option = facetOptions.find((o) => o.code === f.code);
    if (!option) {
      option = { code: f.code, name: f.name, values: [] };
      facetOptions.push(option);
    }
    option.values.push({ value: f.value, swatch: f.swatch, count: Number(f.count) });
  }
  for (const option of facetOptions) option.values.sort((a, b) => compareOptionValues(a.value, b.value));
  const price = priceRows[0];
  const parent = row.parentId ? rows.find((r) => r.id === row.parentId) : undefined;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    parentSlug: parent?.slug ?? null,
    productCount: counts.get(row.id) ?? 0,
    image: row.image ? toImage(row.image, row.name) : null,
    breadcrumbs: breadcrumbs.map(({ name, slug: s }) => ({ name, slug: s })),
    children: tree.get(row.id) ?? [],
    metaTitle: row.metaTitle,
    metaDescription: row.metaDescription,
    facets: {
      options: facetOptions,
      price:
        price && price.min !== null && price.max !== null && price.currency
          ? {
              min: { amount: Number(price.min), currency: price.currency },
              max: { amount: Number(price.max), currency: price.currency },
            }
          : null,
    },
  };
}
