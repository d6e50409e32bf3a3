/**
 * Deterministic generator of a large product catalog for the search speed benchmark, recombined from
 * the Best Buy data in ../shared/datasets/bestbuy (nothing here is committed data):
 * - category paths: the real Best Buy paths the 2,120 shopper queries land in
 *   (`query-suggestions.json`, facet `hierarchicalCategories`, deepest level), and the paths of
 *   `products.json`; each path gets products in proportion to its hit count;
 * - names: `<brand> - <series> <product type> <model> - <colour>`: brands of `products.json` (by
 *   frequency), series words taken from real product names, the product type from a query that lands
 *   in the path (title-cased) or else the path's leaf, a new model code, a colour from real names;
 * - descriptions: an opening sentence naming the type, brand and category, then 2-4 sentences of real
 *   Best Buy descriptions;
 * - prices: a level per path times 0.5-2, ending in .99; stock 0-60 units (about 1 in 10 sold out);
 *   a popularity score spread like sales ranks (most products near 0, a few high).
 * The same `count` and data always give the same CSV (a seeded PRNG, mulberry32).
 */

import fs from "node:fs";
import path from "node:path";

interface BestBuyProduct {
  name: string;
  description: string;
  brand: string;
  categories: string[];
  price: number;
  popularity: number;
}

interface QuerySuggestion {
  query: string;
  popularity: number;
  instant_search?: { facets?: { exact_matches?: Record<string, { value: string; count: number }[]> } };
}

/** The generated CSV's columns, named unlike Bazaar's own so the import exercises `--map`. */
export const generatedColumns = {
  sku: "item_id",
  name: "title",
  description: "body",
  price: "list_price",
  category: "department",
  brand: "manufacturer",
  qty: "on_hand",
  popularity: "sales_score",
} as const;

/** Separator of the category path in the `department` column. */
export const categorySeparator = " > ";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from items by weight (cumulative weights and a binary search). */
export function weightedPicker<T>(
  items: readonly T[],
  weight: (item: T) => number,
  random: () => number,
): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) {
    total += Math.max(0, weight(item));
    cumulative.push(total);
  }
  if (total <= 0) throw new Error("weightedPicker: every weight is 0");
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const titleCase = (s: string) => s.replace(/\b([a-z])/g, (c) => c.toUpperCase());

/** Writes a catalog of `count` products as CSV to `file`; returns the number of rows written. */
export function writeGeneratedCatalog(
  bestbuyDir: string,
  file: string,
  count: number,
  seed = 20_240_601,
): number {
  const products = JSON.parse(
    fs.readFileSync(path.join(bestbuyDir, "products.json"), "utf8"),
  ) as BestBuyProduct[];
  const queries = JSON.parse(
    fs.readFileSync(path.join(bestbuyDir, "query-suggestions.json"), "utf8"),
  ) as QuerySuggestion[];
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

  // Category paths with their weight and the queries that land in them.
  const paths = new Map<string, { weight: number; types: string[] }>();
  const addPath = (p: string, weight: number, type?: string) => {
    const entry = paths.get(p) ?? { weight: 0, types: [] };
    entry.weight += weight;
    if (type && !entry.types.includes(type)) entry.types.push(type);
    paths.set(p, entry);
  };
  for (const q of queries) {
    const facets = q.instant_search?.facets?.exact_matches ?? {};
    const level = [
      "hierarchicalCategories.lvl2",
      "hierarchicalCategories.lvl1",
      "hierarchicalCategories.lvl0",
    ]
      .map((l) => facets[l])
      .find((values) => values?.length);
    for (const v of level ?? []) addPath(v.value, v.count, q.query.trim().toLowerCase());
  }
  for (const p of products) addPath(p.categories.join(categorySeparator), 1);
  const pathList = [...paths].map(([p, e]) => ({ path: p, ...e }));
  const pickPath = weightedPicker(pathList, (p) => p.weight, random);

  const brandCounts = new Map<string, number>();
  for (const p of products) brandCounts.set(p.brand, (brandCounts.get(p.brand) ?? 0) + 1);
  const pickBrand = weightedPicker([...brandCounts], ([, n]) => n, random);

  // Series words: the first one or two words after "Brand - " in real names, without digits.
  const series = [
    ...new Set(
      products
        .map((p) => p.name.split(" - ")[1] ?? "")
        .map((rest) =>
          rest
            .split(/\s+/)
            .slice(0, 1 + Math.floor(rest.length % 2))
            .join(" "),
        )
        .filter((s) => s.length > 2 && !/\d|®|™|for$/i.test(s)),
    ),
  ];
  const colours = [
    ...new Set(
      products
        .filter((p) => p.name.split(" - ").length >= 3)
        .map((p) => p.name.split(" - ").at(-1)!)
        .filter((c) => c.length < 20 && !/\(|\d/.test(c)),
    ),
  ];
  const sentences = [
    ...new Set(
      products.flatMap((p) =>
        p.description
          .split(/(?<=[.!?])\s+/)
          .map((s) => s.trim())
          .filter((s) => s.length > 30 && s.length < 260),
      ),
    ),
  ];
  const letters = "ABCDEFGHJKLMNPRSTUVWXZ";

  const out = fs.openSync(file, "w");
  try {
    const columns = generatedColumns;
    fs.writeSync(
      out,
      `${[columns.sku, columns.name, columns.description, columns.price, columns.category, columns.brand, columns.qty, columns.popularity].join(",")}\n`,
    );
    let buffer = "";
    for (let i = 0; i < count; i++) {
      const category = pickPath();
      const [brand] = pickBrand();
      const leaf = category.path.split(categorySeparator).at(-1)!;
      const type = category.types.length && random() < 0.8 ? titleCase(pick(category.types)) : leaf;
      const model = `${pick([...letters])}${pick([...letters])}-${100 + Math.floor(random() * 9900)}`;
      const colour = random() < 0.6 ? ` - ${pick(colours)}` : "";
      const name = `${brand} - ${pick(series)} ${type} ${model}${colour}`;
      const body = [
        `The ${brand} ${type.toLowerCase()} ${model} is part of our ${leaf} range.`,
        ...Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)),
      ].join(" ");
      const hash = [...category.path].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
      const base = 10 * 1.8 ** (hash % 8);
      const price = Math.max(4, Math.round(base * (0.5 + random() * 1.5))) - 0.01;
      buffer += `${[
        `GEN${String(i + 1).padStart(6, "0")}`,
        csvField(name),
        csvField(body),
        price.toFixed(2),
        csvField(category.path),
        csvField(brand),
        random() < 0.1 ? 0 : 1 + Math.floor(random() * 60),
        Math.floor(1000 * random() ** 6),
      ].join(",")}\n`;
      if (buffer.length > 1 << 20) {
        fs.writeSync(out, buffer);
        buffer = "";
      }
    }
    fs.writeSync(out, buffer);
  } finally {
    fs.closeSync(out);
  }
  return count;
}
