import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { ResponseCache } from "../../platform/cache.ts";
import { groupBy } from "../../platform/collections.ts";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { imageWidths, originalUrl, sizeUrl } from "../../platform/images.ts";
import { getAvailability, noStock, purchasableVariantCondition } from "../inventory/index.ts";
import { getRatingSummaries } from "../reviews/index.ts";
import {
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

type ImageRow = {
  id: string;
  sha256: string;
  storageKey: string;
  width: number | null;
  height: number | null;
  alt: string;
};

function toImage(row: ImageRow, alt?: string): ImageDto {
  const extension = row.storageKey.split(".").pop() ?? "jpg";
  // Sizes are never upscaled: the first size at least as wide as the original is the original's width.
  const srcset: { width: number; url: string }[] = [];
  for (const w of imageWidths) {
    const actual = row.width === null ? w : Math.min(w, row.width);
    srcset.push({ width: actual, url: sizeUrl(row.sha256, w) });
    if (row.width !== null && w >= row.width) break;
  }
  return {
    id: row.id,
    url: originalUrl(row.sha256, extension),
    alt: alt || row.alt,
    width: row.width,
    height: row.height,
    srcset,
  };
}

const imageColumns = {
  id: images.id,
  sha256: images.sha256,
  storageKey: images.storageKey,
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

/** The same rule as `currentPrice`, as SQL over the `variants` table (for filtering and sorting). */
const currentPriceSql = sql`case when ${variants.specialPriceAmount} is not null
  and ${variants.specialPriceAmount} < ${variants.priceAmount}
  and (${variants.specialFrom} is null or ${variants.specialFrom} <= now())
  and (${variants.specialTo} is null or ${variants.specialTo} > now())
  then ${variants.specialPriceAmount} else ${variants.priceAmount} end`;

/** Products a shopper may see in listings: active, visible in the catalog. */
const listableSql = sql`${products.status} = 'active' and ${products.visibility} in ('everywhere', 'catalog')`;

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
  if (filter.priceMin !== undefined) conditions.push(sql`pa.min_price >= ${filter.priceMin}`);
  if (filter.priceMax !== undefined) conditions.push(sql`pa.min_price <= ${filter.priceMax}`);
  const optionFilters = Object.entries(filter.options ?? {}).filter(([, values]) => values.length > 0);
  if (optionFilters.length || filter.inStock) {
    const variantConditions: SQL[] = [sql`fv.product_id = ${products.id}`];
    for (const [code, values] of optionFilters) {
      variantConditions.push(sql`exists (select 1 from ${variantOptionValues} vov
        join ${productOptionValues} pov on pov.id = vov.option_value_id
        join ${productOptions} po on po.id = pov.option_id
        where vov.variant_id = fv.id and po.code = ${code} and pov.value in (${sql.join(
          values.map((v) => sql`${v}`),
          sql`, `,
        )}))`);
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
    queryRows<{ id: string; sort_key: string | number }>(
      db,
      sql`select ${products.id} as id, ${spec.key} as sort_key
      from ${products} ${priceLateral}
      where ${sql.join(pageConditions, sql` and `)} order by ${order} limit ${limit + 1}`,
    ),
    // The total does not depend on the cursor: later pages of the same filter reuse it.
    cache ? cache.get(catalogCacheNamespace, `count:${JSON.stringify(filter)}`, countTotal) : countTotal(),
  ]);
  const rows = pageRows;
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const summaries = await summarizeCached(
    db,
    page.map((r) => r.id),
    now,
    cache,
  );
  return {
    items: page.map((r) => summaries.get(r.id)!).filter(Boolean),
    nextCursor:
      hasMore && last
        ? encodeCursor({ k: spec.numeric ? Number(last.sort_key) : String(last.sort_key), id: last.id })
        : null,
    total,
  };
}

/** Cache namespace of catalog data (responses and pieces); catalog writes invalidate it. */
export const catalogCacheNamespace = "catalog";

/**
 * `summarize` through the cache: summaries already cached are reused, the rest built together.
 * Cached summaries follow stock and special-price windows within the cache TTL.
 */
export async function summarizeCached(
  db: Db,
  productIds: string[],
  now: Date,
  cache: ResponseCache | undefined,
): Promise<Map<string, ProductSummaryDto>> {
  if (!cache) return summarize(db, productIds, now);
  const byKey = await cache.getMany(
    catalogCacheNamespace,
    productIds.map((id) => `summary:${id}`),
    async (missing) => {
      const built = await summarize(
        db,
        missing.map((k) => k.slice("summary:".length)),
        now,
      );
      return new Map([...built].map(([id, summary]) => [`summary:${id}`, summary]));
    },
  );
  return new Map([...byKey].map(([key, summary]) => [key.slice("summary:".length), summary]));
}

/**
 * Builds list summaries (price span, thumbnail, stock, option values, rating) for products, keyed by
 * id, in six queries run together, whatever the number of products.
 */
export async function summarize(
  db: Db,
  productIds: string[],
  now = new Date(),
): Promise<Map<string, ProductSummaryDto>> {
  const result = new Map<string, ProductSummaryDto>();
  if (productIds.length === 0) return result;
  const [productRows, variantRows, optionRows, thumbRows, availability, ratings] = await Promise.all([
    db
      .select({ id: products.id, slug: products.slug, name: products.name, type: products.type })
      .from(products)
      .where(anyText(products.id, productIds)),
    db
      .select({
        id: variants.id,
        productId: variants.productId,
        priceAmount: variants.priceAmount,
        currency: variants.currency,
        compareAtAmount: variants.compareAtAmount,
        specialPriceAmount: variants.specialPriceAmount,
        specialFrom: variants.specialFrom,
        specialTo: variants.specialTo,
      })
      .from(variants)
      .where(anyText(variants.productId, productIds)),
    db
      .select({
        productId: productOptions.productId,
        code: productOptions.code,
        value: productOptionValues.value,
      })
      .from(productOptionValues)
      .innerJoin(productOptions, eq(productOptions.id, productOptionValues.optionId))
      .where(anyText(productOptions.productId, productIds))
      .orderBy(asc(productOptions.position), asc(productOptionValues.position)),
    db
      .selectDistinctOn([productImages.productId], {
        productId: productImages.productId,
        ...imageColumns,
        linkAlt: productImages.alt,
      })
      .from(productImages)
      .innerJoin(images, eq(images.id, productImages.imageId))
      .where(anyText(productImages.productId, productIds))
      .orderBy(asc(productImages.productId), asc(productImages.position)),
    getAvailability(
      db,
      sql`select ${variants.id} from ${variants} where ${anyText(variants.productId, productIds)}`,
    ),
    getRatingSummaries(db, productIds),
  ]);
  const variantsByProduct = groupBy(variantRows, (v) => v.productId);
  const optionsByProduct = groupBy(optionRows, (o) => o.productId);
  const thumbByProduct = new Map(thumbRows.map((t) => [t.productId, t]));
  for (const p of productRows) {
    const vs = variantsByProduct.get(p.id) ?? [];
    const priced = vs.map((v) => ({ v, price: currentPrice(v, now) }));
    const cheapest = priced.reduce<(typeof priced)[number] | null>(
      (min, x) => (min === null || x.price.amount < min.price.amount ? x : min),
      null,
    );
    const maxAmount = priced.reduce((max, x) => Math.max(max, x.price.amount), 0);
    const currency = vs[0]?.currency ?? "USD";
    const compareAt = cheapest
      ? cheapest.price.onSpecial
        ? cheapest.price.regular
        : cheapest.v.compareAtAmount !== null && cheapest.v.compareAtAmount > cheapest.price.amount
          ? cheapest.v.compareAtAmount
          : null
      : null;
    const optionValues: Record<string, string[]> = {};
    for (const o of optionsByProduct.get(p.id) ?? []) {
      const values = optionValues[o.code] ?? [];
      values.push(o.value);
      optionValues[o.code] = values;
    }
    const thumb = thumbByProduct.get(p.id);
    const rating = ratings.get(p.id);
    result.set(p.id, {
      id: p.id,
      slug: p.slug,
      name: p.name,
      type: p.type,
      price: { amount: cheapest?.price.amount ?? 0, currency },
      maxPrice: { amount: maxAmount, currency },
      compareAtPrice: compareAt === null ? null : { amount: compareAt, currency },
      thumbnail: thumb ? toImage(thumb, thumb.linkAlt || p.name) : null,
      inStock: vs.some((v) => availability.get(v.id)?.purchasable),
      optionValues,
      ratingAverage: rating?.average ?? null,
      reviewCount: rating?.count ?? 0,
    });
  }
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

/**
 * The product page: everything about one active product by slug, with variants, their stock and
 * current prices, images, attributes, breadcrumbs, links and components.
 * @throws NotFoundError (PRODUCT_NOT_FOUND) when no active product has the slug.
 */
export async function getProductBySlug(db: Db, slug: string, now = new Date()): Promise<ProductDetailDto> {
  const [p] = await db
    .select()
    .from(products)
    .where(and(eq(products.slug, slug), eq(products.status, "active")));
  if (!p) throw new NotFoundError("PRODUCT_NOT_FOUND", `No product with slug "${slug}"`);
  const [
    optionRows,
    variantRows,
    variantValueRows,
    imageRows,
    attributeRows,
    categoryRows,
    linkRows,
    bundleRows,
    groupedRows,
    downloadRows,
    availability,
    breadcrumbs,
  ] = await Promise.all([
    db
      .select({
        optionId: productOptions.id,
        code: productOptions.code,
        name: productOptions.name,
        valueId: productOptionValues.id,
        value: productOptionValues.value,
        swatch: productOptionValues.swatch,
      })
      .from(productOptions)
      .innerJoin(productOptionValues, eq(productOptionValues.optionId, productOptions.id))
      .where(eq(productOptions.productId, p.id))
      .orderBy(asc(productOptions.position), asc(productOptionValues.position)),
    db.select().from(variants).where(eq(variants.productId, p.id)).orderBy(asc(variants.position)),
    db
      .select({
        variantId: variantOptionValues.variantId,
        code: productOptions.code,
        value: productOptionValues.value,
      })
      .from(variantOptionValues)
      .innerJoin(productOptionValues, eq(productOptionValues.id, variantOptionValues.optionValueId))
      .innerJoin(productOptions, eq(productOptions.id, productOptionValues.optionId))
      .where(eq(productOptions.productId, p.id)),
    db
      .select({ ...imageColumns, linkAlt: productImages.alt })
      .from(productImages)
      .innerJoin(images, eq(images.id, productImages.imageId))
      .where(eq(productImages.productId, p.id))
      .orderBy(asc(productImages.position)),
    db
      .select({ code: attributes.code, label: attributes.label, value: productAttributeValues.value })
      .from(productAttributeValues)
      .innerJoin(attributes, eq(attributes.id, productAttributeValues.attributeId))
      .where(and(eq(productAttributeValues.productId, p.id), eq(attributes.isVisibleOnFront, true)))
      .orderBy(asc(attributes.position), asc(attributes.label)),
    db
      .select({ id: categories.id, name: categories.name, slug: categories.slug })
      .from(productCategories)
      .innerJoin(categories, eq(categories.id, productCategories.categoryId))
      .where(and(eq(productCategories.productId, p.id), eq(categories.isActive, true)))
      .orderBy(asc(productCategories.position)),
    db
      .select({ linkedProductId: productLinks.linkedProductId, type: productLinks.type })
      .from(productLinks)
      .innerJoin(products, eq(products.id, productLinks.linkedProductId))
      .where(and(eq(productLinks.productId, p.id), eq(products.status, "active")))
      .orderBy(asc(productLinks.position)),
    db
      .select({
        optionId: bundleOptions.id,
        title: bundleOptions.title,
        type: bundleOptions.type,
        required: bundleOptions.required,
        productId: bundleOptionItems.productId,
        defaultQuantity: bundleOptionItems.defaultQuantity,
      })
      .from(bundleOptions)
      .innerJoin(bundleOptionItems, eq(bundleOptionItems.bundleOptionId, bundleOptions.id))
      .where(eq(bundleOptions.productId, p.id))
      .orderBy(asc(bundleOptions.position), asc(bundleOptionItems.position)),
    db
      .select({ productId: groupedItems.childProductId, defaultQuantity: groupedItems.defaultQuantity })
      .from(groupedItems)
      .where(eq(groupedItems.productId, p.id))
      .orderBy(asc(groupedItems.position)),
    db
      .select({ title: productDownloads.title })
      .from(productDownloads)
      .where(eq(productDownloads.productId, p.id))
      .orderBy(asc(productDownloads.position)),
    getAvailability(db, sql`select ${variants.id} from ${variants} where ${variants.productId} = ${p.id}`),
    p.primaryCategoryId ? breadcrumbsOf(db, p.primaryCategoryId) : Promise.resolve([]),
  ]);

  const relatedIds = [
    p.id,
    ...linkRows.map((l) => l.linkedProductId),
    ...bundleRows.map((b) => b.productId),
    ...groupedRows.map((g) => g.productId),
  ];
  const summaries = await summarize(db, [...new Set(relatedIds)], now);
  const self = summaries.get(p.id)!;
  const options: ProductDetailDto["options"] = [];
  for (const row of optionRows) {
    let option = options.find((o) => o.code === row.code);
    if (!option) {
      option = { code: row.code, name: row.name, values: [] };
      options.push(option);
    }
    option.values.push({ id: row.valueId, value: row.value, swatch: row.swatch });
  }
  const valuesByVariant = groupBy(variantValueRows, (r) => r.variantId);
  const variantDtos: VariantDto[] = variantRows.map((v) => {
    const price = currentPrice(v, now);
    const stock = availability.get(v.id) ?? noStock(v.id);
    const compareAt = price.onSpecial
      ? price.regular
      : v.compareAtAmount !== null && v.compareAtAmount > price.amount
        ? v.compareAtAmount
        : null;
    return {
      id: v.id,
      sku: v.sku,
      title: v.title,
      price: { amount: price.amount, currency: v.currency },
      compareAtPrice:
        compareAt === null ? null : ({ amount: compareAt, currency: v.currency } satisfies MoneyDto),
      options: Object.fromEntries((valuesByVariant.get(v.id) ?? []).map((x) => [x.code, x.value])),
      stockStatus: stock.stockStatus,
      availableQuantity: stock.availableQuantity,
      imageId: v.imageId,
      weightGrams: v.weightGrams,
    };
  });
  const linksOf = (type: string) =>
    linkRows
      .filter((l) => l.type === type)
      .map((l) => summaries.get(l.linkedProductId))
      .filter((s): s is ProductSummaryDto => Boolean(s));
  const bundleGroups = new Map<string, ProductDetailDto["bundleOptions"][number]>();
  for (const b of bundleRows) {
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
    shortDescription: p.shortDescription,
    metaTitle: p.metaTitle,
    metaDescription: p.metaDescription,
    images: imageRows.map((r) => toImage(r, r.linkAlt || p.name)),
    options,
    variants: variantDtos,
    attributes: attributeRows.map((a) => ({ code: a.code, label: a.label, value: a.value })),
    breadcrumbs: breadcrumbs.map(({ name, slug }) => ({ name, slug })),
    categories: categoryRows.map(({ name, slug }) => ({ name, slug })),
    related: linksOf("related"),
    upsell: linksOf("upsell"),
    crossSell: linksOf("crosssell"),
    groupedItems: groupedRows
      .map((g) => ({ product: summaries.get(g.productId)!, defaultQuantity: g.defaultQuantity }))
      .filter((g) => g.product),
    bundleOptions: [...bundleGroups.values()],
    downloads: downloadRows,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
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
