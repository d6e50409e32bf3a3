import { sql } from "drizzle-orm";
import { anyText, type Db, queryRows } from "../../platform/db.ts";
import { purchasableVariantCondition } from "../inventory/index.ts";
import { currentPriceSql } from "./catalog.queries.ts";
import {
  type AttributeValueJson,
  attributes,
  categories,
  productAttributeValues,
  productCategories,
  productOptions,
  productOptionValues,
  products,
  variants,
} from "./catalog.schema.ts";

/** A category as the search index sees it: its ancestors come from `parentId`. */
export interface SearchCategory {
  id: string;
  parentId: string | null;
  name: string;
  slug: string;
  isActive: boolean;
}

/**
 * What the search index needs to know of one product (read by the search module, which keeps its own
 * index table). Prices are the current prices (special prices applied at read time) in minor units
 * of `currency`; `null` when the product has no variant.
 */
export interface ProductSearchSource {
  id: string;
  sku: string;
  /** Every variant's SKU (the product's own SKU included). */
  skus: string[];
  name: string;
  slug: string;
  /** HTML as stored (the index strips the tags). */
  description: string;
  shortDescription: string;
  /** True when the product is active and visible in search ("everywhere" or "search"). */
  searchable: boolean;
  createdAt: Date;
  /** The product's sales-rank style popularity (higher is more popular). */
  popularity: number;
  /** Ids of the categories the product is placed in (not their ancestors). */
  categoryIds: string[];
  /** Option values offered by the product's variants, e.g. `{ code: "color", name: "Color", value: "Red" }`. */
  options: { code: string; name: string; value: string }[];
  attributes: {
    code: string;
    label: string;
    value: AttributeValueJson;
    filterable: boolean;
    visible: boolean;
  }[];
  priceMin: number | null;
  priceMax: number | null;
  currency: string | null;
  /** At least one variant can be sold now (stock, untracked or backorder). */
  inStock: boolean;
}

interface SourceRow {
  id: string;
  sku: string;
  skus: string[] | null;
  name: string;
  slug: string;
  description: string;
  short_description: string;
  searchable: boolean;
  created_at: string | Date;
  popularity: number | string | null;
  category_ids: string[] | null;
  options: { code: string; name: string; value: string }[] | null;
  attributes: SearchAttributeJson[] | null;
  price_min: string | number | null;
  price_max: string | number | null;
  currency: string | null;
  in_stock: boolean;
}

type SearchAttributeJson = {
  code: string;
  label: string;
  value: AttributeValueJson;
  filterable: boolean;
  visible: boolean;
};

/**
 * The search sources of products: of the given ids, or one page of all products in id order after
 * `after` (for a full reindex). One query whatever the number of products.
 */
export async function productSearchSources(
  db: Db,
  selection: { ids: string[] } | { after: string | null; limit: number },
): Promise<ProductSearchSource[]> {
  const where =
    "ids" in selection
      ? anyText(sql.raw("p.id"), selection.ids)
      : selection.after === null
        ? sql`true`
        : sql`p.id > ${selection.after}`;
  const limit = "ids" in selection ? sql`` : sql`order by p.id limit ${selection.limit}`;
  if ("ids" in selection && selection.ids.length === 0) return [];
  const rows = await queryRows<SourceRow>(
    db,
    sql`select p.id, p.sku, p.name, p.slug, p.description, p.short_description, p.created_at,
      p.popularity,
      (p.status = 'active' and p.visibility in ('everywhere', 'search') and p.vendor_active) as searchable,
      (select array_agg(v.sku order by v.position) from ${variants} v where v.product_id = p.id) as skus,
      (select array_agg(pc.category_id) from ${productCategories} pc where pc.product_id = p.id) as category_ids,
      (select json_agg(json_build_object('code', po.code, 'name', po.name, 'value', pov.value)
          order by po.position, pov.position)
        from ${productOptions} po join ${productOptionValues} pov on pov.option_id = po.id
        where po.product_id = p.id) as options,
      (select json_agg(json_build_object('code', a.code, 'label', a.label, 'value', pav.value,
          'filterable', a.is_filterable, 'visible', a.is_visible_on_front) order by a.position, a.code)
        from ${productAttributeValues} pav join ${attributes} a on a.id = pav.attribute_id
        where pav.product_id = p.id) as attributes,
      pr.price_min, pr.price_max, pr.currency,
      exists (select 1 from ${variants} sv where sv.product_id = p.id
        and ${purchasableVariantCondition(sql.raw("sv.id"))}) as in_stock
    from ${products} p
    left join lateral (select min(${currentPriceSql}) as price_min, max(${currentPriceSql}) as price_max,
      min(${variants.currency}) as currency from ${variants} where ${variants.productId} = p.id) pr on true
    where ${where} ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    sku: r.sku,
    skus: r.skus ?? [],
    name: r.name,
    slug: r.slug,
    description: r.description,
    shortDescription: r.short_description,
    searchable: r.searchable,
    createdAt: new Date(r.created_at),
    popularity: Number(r.popularity ?? 0),
    categoryIds: r.category_ids ?? [],
    options: r.options ?? [],
    attributes: r.attributes ?? [],
    priceMin: r.price_min === null ? null : Number(r.price_min),
    priceMax: r.price_max === null ? null : Number(r.price_max),
    currency: r.currency,
    inStock: r.in_stock,
  }));
}

/** Every category (active or not) with its parent, for the search index's category paths and facets. */
export async function searchCategories(db: Db): Promise<SearchCategory[]> {
  return db
    .select({
      id: categories.id,
      parentId: categories.parentId,
      name: categories.name,
      slug: categories.slug,
      isActive: categories.isActive,
    })
    .from(categories);
}

/**
 * For the products of the given variants: whether at least one of their variants can be sold now
 * (stock, untracked or backorder). One query.
 */
export async function productStockFlags(db: Db, variantIds: string[]): Promise<Map<string, boolean>> {
  if (variantIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; in_stock: boolean }>(
    db,
    sql`select x.product_id as id, exists (select 1 from ${variants} sv where sv.product_id = x.product_id
        and ${purchasableVariantCondition(sql.raw("sv.id"))}) as in_stock
      from (select distinct v.product_id from ${variants} v where ${anyText(sql.raw("v.id"), variantIds)}) x`,
  );
  return new Map(rows.map((r) => [r.id, r.in_stock]));
}

/**
 * Display names of option codes (e.g. `color` -> "Color", the most used name) and attribute codes
 * (their label), for facet headings.
 */
export async function facetLabels(
  db: Db,
): Promise<{ options: Map<string, string>; attributes: Map<string, string> }> {
  const [options, attrs] = await Promise.all([
    queryRows<{ code: string; name: string }>(
      db,
      sql`select distinct on (code) code, name from (select code, name, count(*) as n from ${productOptions}
        group by code, name) o order by code, n desc`,
    ),
    db.select({ code: attributes.code, label: attributes.label }).from(attributes),
  ]);
  return {
    options: new Map(options.map((o) => [o.code, o.name])),
    attributes: new Map(attrs.map((a) => [a.code, a.label])),
  };
}
