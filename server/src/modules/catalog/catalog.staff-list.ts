import { type SQL, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../platform/db.ts";
import { thumbnailUrlOf } from "../../platform/images.ts";
import { decodeKeysetCursor, encodeKeysetCursor, escapeLike } from "../../platform/keyset.ts";
import { countCap, getAvailability, type StockStatus } from "../inventory/index.ts";
import {
  categories,
  images,
  type ProductStatus,
  type ProductType,
  productCategories,
  productImages,
  products,
  variants,
} from "./catalog.schema.ts";
import { refreshSellableFlags } from "./catalog.sellable.ts";

/** Sort orders of the staff product list. */
export const staffProductSorts = ["updated", "created", "name", "-name", "sku"] as const;
export type StaffProductSort = (typeof staffProductSorts)[number];

/** Filters of the staff product list; every one optional. */
export interface StaffProductQuery {
  /** Words of the name, or the start of a product or variant SKU (case-insensitive). */
  q?: string;
  status?: ProductStatus;
  type?: ProductType;
  /** Products in this category (directly linked). */
  categoryId?: string;
  /** `available`: at least one variant can be sold now; `sold_out`: none can. */
  stock?: "available" | "sold_out";
  /** A vendor's products only (`ven_...`), or `platform` for the shop's own (no vendor). */
  vendorId?: string;
  sort: StaffProductSort;
  limit: number;
  cursor?: string;
}

/** One row of the staff product list. Amounts in minor units of `currency`; times ISO 8601 UTC. */
export interface StaffProductRow {
  id: string;
  sku: string;
  name: string;
  type: ProductType;
  status: ProductStatus;
  thumbnailUrl: string | null;
  minPriceAmount: number | null;
  maxPriceAmount: number | null;
  currency: string | null;
  variantCount: number;
  /** Units that can be sold now, over all variants and locations. */
  availableQuantity: number;
  stockStatus: StockStatus;
  /** Some variant is not counted (no stock kept, e.g. digital goods) or may be backordered. */
  unlimitedStock: boolean;
  categoryName: string | null;
  /** The vendor selling it, or null for the shop's own products. */
  vendorId: string | null;
  publishAt: string | null;
  updatedAt: string;
  version: number;
}

interface SortSpec {
  column: SQL;
  descending: boolean;
  kind: "time" | "text";
}

const sortSpecs: Record<StaffProductSort, SortSpec> = {
  updated: { column: sql`p.updated_at`, descending: true, kind: "time" },
  created: { column: sql`p.created_at`, descending: true, kind: "time" },
  name: { column: sql`p.name`, descending: false, kind: "text" },
  "-name": { column: sql`p.name`, descending: true, kind: "text" },
  sku: { column: sql`p.sku`, descending: false, kind: "text" },
};

/** Above this many matches in one of its three lookups, a search term counts as broad. */
const narrowSearchLimit = 500;

/**
 * How the list finds the products matching `q`: the words of the name (each `%word%`) or the start of
 * the product or a variant SKU.
 * - `ids`: a narrow term (a SKU, a rare word): its few matches, found by three trigram-index lookups
 *   (product names, product SKUs, variant SKUs), each stopped after `narrowSearchLimit` rows.
 * - `broad`: a common word ("black" in 11,000 names): the page walks the sort order's index testing
 *   each product (51 matches come after a few hundred rows), and the count reads the index lookups.
 */
type SearchPlan = { kind: "ids"; ids: string[] } | { kind: "broad"; match: SQL; any: SQL; matches: SQL };

async function planSearch(db: Db, q: string): Promise<SearchPlan> {
  const words = q.split(/\s+/).slice(0, 8);
  const nameMatch = (alias: SQL) =>
    sql.join(
      words.map((w) => sql`${alias}.name ilike ${`%${escapeLike(w)}%`}`),
      sql` and `,
    );
  // lower(sku) like 'gen09%': a range of the text_pattern_ops indexes on lower(sku).
  const skuPrefix = `${escapeLike(q.toLowerCase())}%`;
  const rows = await queryRows<{ branch: number; id: string }>(
    db,
    sql`(select 1 as branch, n.id from ${products} n where ${nameMatch(sql`n`)} limit ${narrowSearchLimit + 1})
      union all (select 2, s.id from ${products} s where lower(s.sku) like ${skuPrefix} limit ${narrowSearchLimit + 1})
      union all (select 3, v.product_id from ${variants} v where lower(v.sku) like ${skuPrefix} limit ${narrowSearchLimit + 1})`,
  );
  const perBranch = [0, 0, 0, 0];
  for (const r of rows) perBranch[Number(r.branch)]!++;
  if (perBranch.every((n) => n <= narrowSearchLimit)) {
    return { kind: "ids", ids: [...new Set(rows.map((r) => r.id))] };
  }
  return {
    kind: "broad",
    match: sql`(${nameMatch(sql`p`)} or lower(p.sku) like ${skuPrefix}
      or exists (select 1 from ${variants} v where v.product_id = p.id and lower(v.sku) like ${skuPrefix}))`,
    any: sql`p.id in (select n.id from ${products} n where ${nameMatch(sql`n`)}
      union all select s.id from ${products} s where lower(s.sku) like ${skuPrefix}
      union all select v.product_id from ${variants} v where lower(v.sku) like ${skuPrefix})`,
    // The matching ids once each, without reading the products again (for a count with no other filter).
    matches: sql`select n.id from ${products} n where ${nameMatch(sql`n`)}
      union select s.id from ${products} s where lower(s.sku) like ${skuPrefix}
      union select v.product_id from ${variants} v where lower(v.sku) like ${skuPrefix}`,
  };
}

/** The filters other than `q`, on products aliased `p`. */
function conditions(query: StaffProductQuery): SQL[] {
  const where: SQL[] = [];
  if (query.status) where.push(sql`p.status = ${query.status}`);
  if (query.type) where.push(sql`p.type = ${query.type}`);
  if (query.categoryId)
    where.push(
      sql`exists (select 1 from ${productCategories} pc where pc.product_id = p.id and pc.category_id = ${query.categoryId})`,
    );
  // The kept flag (catalog.sellable.ts, refreshed just before): "sold out" at 100,000 products read
  // each product's variants and levels, 2.9 s at p95 with 10 staff.
  if (query.stock) where.push(query.stock === "available" ? sql`p.sellable` : sql`not p.sellable`);
  if (query.vendorId)
    where.push(
      query.vendorId === "platform" ? sql`p.vendor_id is null` : sql`p.vendor_id = ${query.vendorId}`,
    );
  return where;
}

/**
 * The staff product list: filtered, sorted, keyset-paged (`cursor` from the previous page; no OFFSET,
 * so page 1,000 costs what page 1 does), with each product's price range, variant count, stock and
 * main category. `total` counts the matches up to 10,001 (read it as "over 10,000").
 * @throws ValidationError (field `cursor`) for a cursor this API did not return.
 */
export async function listProductsForStaff(
  db: Db,
  query: StaffProductQuery,
): Promise<{ items: StaffProductRow[]; nextCursor: string | null; total: number }> {
  const spec = sortSpecs[query.sort];
  if (query.stock) await refreshSellableFlags(db);
  const q = query.q?.trim();
  const search = q ? await planSearch(db, q) : null;
  const where = conditions(query);
  // Counting: the same filters, a broad search by its index lookups (cheaper than testing every name).
  const counted = [...where];
  const paged = [...where];
  if (search?.kind === "ids") {
    const ids = sql`p.id = any(${sql.param(search.ids)}::text[])`;
    counted.push(ids);
    paged.push(ids);
  } else if (search) {
    counted.push(search.any);
    paged.push(search.match);
  }
  const filtered = counted.length ? sql`where ${sql.join(counted, sql` and `)}` : sql``;
  if (query.cursor) {
    const [key, id] = decodeKeysetCursor(query.cursor);
    const keyValue = spec.kind === "time" ? sql`${key}::timestamptz` : sql`${key}`;
    paged.push(
      spec.descending
        ? sql`(${spec.column}, p.id) < (${keyValue}, ${id})`
        : sql`(${spec.column}, p.id) > (${keyValue}, ${id})`,
    );
  }
  const direction = spec.descending ? sql`desc` : sql`asc`;
  const [rows, count] = await Promise.all([
    queryRows<{
      id: string;
      sku: string;
      name: string;
      type: ProductType;
      status: ProductStatus;
      publish_at: Date | string | null;
      vendor_id: string | null;
      updated_at: Date | string;
      version: number;
      sort_key: string;
      min_price: string | number | null;
      max_price: string | number | null;
      currency: string | null;
      variant_count: number;
      variant_ids: string[] | null;
      category_name: string | null;
      thumb_sha256: string | null;
      thumb_url: string | null;
    }>(
      db,
      sql`select p.id, p.sku, p.name, p.type, p.status, p.publish_at, p.vendor_id, p.updated_at, p.version,
          ${spec.kind === "time" ? sql`to_char(${spec.column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : spec.column} as sort_key,
          vs.min_price, vs.max_price, vs.currency, vs.variant_count, vs.variant_ids,
          (select c.name from ${categories} c where c.id = p.primary_category_id) as category_name,
          th.sha256 as thumb_sha256, th.source_url as thumb_url
        from ${products} p
        left join lateral (
          select min(v.price_amount) as min_price, max(v.price_amount) as max_price, min(v.currency) as currency,
            count(*)::int as variant_count, array_agg(v.id) as variant_ids
          from ${variants} v where v.product_id = p.id) vs on true
        left join lateral (
          select i.sha256, i.source_url from ${productImages} pi join ${images} i on i.id = pi.image_id
          where pi.product_id = p.id order by pi.position limit 1) th on true
        ${paged.length ? sql`where ${sql.join(paged, sql` and `)}` : sql``}
        order by ${spec.column} ${direction}, p.id ${direction}
        limit ${query.limit + 1}`,
    ),
    // Counting stops at countCap (10,001, read "over 10,000"): an exact count of a broad filter at
    // 100,000 products costs more than the page itself.
    queryRows<{ n: number }>(
      db,
      search?.kind === "broad" && where.length === 0
        ? sql`select least(count(*), ${countCap})::int as n from (${search.matches}) matched`
        : sql`select count(*)::int as n from (select 1 from ${products} p ${filtered} limit ${countCap}) capped`,
    ),
  ]);
  const page = rows.slice(0, query.limit);
  const availability = await getAvailability(
    db,
    page.flatMap((r) => r.variant_ids ?? []),
  );
  const items = page.map((r): StaffProductRow => {
    let available = 0;
    let sellable = false;
    let low = false;
    let unlimited = false;
    for (const id of r.variant_ids ?? []) {
      const a = availability.get(id);
      if (!a) continue;
      available += a.availableQuantity;
      sellable ||= a.purchasable;
      low ||= a.stockStatus === "low_stock";
      unlimited ||= a.unlimited;
    }
    return {
      id: r.id,
      sku: r.sku,
      name: r.name,
      type: r.type,
      status: r.status,
      thumbnailUrl: thumbnailUrlOf({ sha256: r.thumb_sha256, sourceUrl: r.thumb_url }),
      minPriceAmount: r.min_price === null ? null : Number(r.min_price),
      maxPriceAmount: r.max_price === null ? null : Number(r.max_price),
      currency: r.currency,
      variantCount: Number(r.variant_count ?? 0),
      availableQuantity: available,
      stockStatus: !sellable ? "out_of_stock" : low ? "low_stock" : "in_stock",
      unlimitedStock: unlimited,
      categoryName: r.category_name,
      vendorId: r.vendor_id,
      publishAt: r.publish_at ? new Date(r.publish_at).toISOString() : null,
      updatedAt: new Date(r.updated_at).toISOString(),
      version: Number(r.version),
    };
  });
  const last = page.at(-1);
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(String(last.sort_key), last.id) : null,
    total: Number(count[0]?.n ?? 0),
  };
}
