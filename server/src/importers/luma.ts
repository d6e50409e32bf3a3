import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { decodeHTML } from "entities";
import {
  type AttributeInput,
  catalogCacheNamespace,
  lowestPriceBySku,
  type ProductInput,
  productIdsBySku,
  saveImage,
  setProductLinks,
  slugify,
  upsertAttributes,
  upsertCategory,
  upsertProduct,
  type VariantInput,
} from "../modules/catalog/index.ts";
import type { ContentImportCounts } from "../modules/content/index.ts";
import { addReviews, type ReviewInput } from "../modules/reviews/index.ts";
import type { AppContext } from "../platform/context.ts";
import { analyzeDatabase } from "../platform/db.ts";
import { AppError } from "../platform/errors.ts";
import { parseMajorUnits } from "../platform/money.ts";
import { type Row, readCsv } from "./csv-records.ts";
import { emptyContentCounts, importLumaContent } from "./luma-content.ts";
import { emptyPricingCounts, importLumaPricing, type LumaPricingCounts } from "./luma-pricing.ts";
import { emptySummary, type ImportSummary, progressBar } from "./report.ts";

/**
 * What a Luma import did: the catalog counts, plus what its pricing and content (CMS pages, footer
 * menu, first home page) parts wrote (warnings are shared).
 */
export interface LumaImportSummary extends ImportSummary {
  pricing: LumaPricingCounts;
  content: ContentImportCounts;
}

/** Plain text from the sample data's entity-encoded fields ("CoolTech&trade;" -> "CoolTech™"). */
function plainText(text: string | undefined): string {
  return decodeHTML(text ?? "").trim();
}

/** CSS colours of Luma's colour swatches (Magento sample data's swatch values). */
const swatchColours: Record<string, string> = {
  Black: "#000000",
  Blue: "#1857f7",
  Brown: "#945454",
  Gray: "#8f8f8f",
  Green: "#53a828",
  Lavender: "#ce64d4",
  Orange: "#eb6703",
  Purple: "#ef3dff",
  Red: "#ff0000",
  White: "#ffffff",
  Yellow: "#ffd500",
  Pink: "#ff69b4",
};

/** Magento weights in the sample data are pounds; 1 lb = 453.59237 g (exact, by definition). */
function poundsToGrams(text: string | undefined): number | null {
  if (!text) return null;
  const lb = Number(text);
  return Number.isFinite(lb) && lb > 0 ? Math.round(lb * 453.59237) : null;
}

const attributeTypes: Record<string, AttributeInput["type"]> = {
  select: "select",
  multiselect: "multiselect",
  boolean: "boolean",
  text: "text",
  textarea: "text",
  price: "number",
  weight: "number",
};

/** Parses Magento's `additional_attributes` (`a=1,b=x|y`): values may themselves contain commas. */
function parseAdditional(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | null = null;
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0 && /^[a-z_0-9]+$/.test(part.slice(0, eq))) {
      last = part.slice(0, eq);
      out[last] = part.slice(eq + 1);
    } else if (last) {
      out[last] += `,${part}`;
    }
  }
  return out;
}

interface Context {
  ctx: AppContext;
  root: string;
  summary: LumaImportSummary;
  /** "Men/Tops/Jackets" -> "jackets-men" */
  slugByPath: Map<string, string>;
  /** category name -> slugs having it */
  slugsByName: Map<string, string[]>;
  /** category slug -> id, as created or updated by this import */
  categoryIdBySlug: Map<string, string>;
  attributeDefs: Map<string, AttributeInput>;
  /** image path under media/catalog/product -> image id */
  imageIds: Map<string, string>;
  currency: string;
}

function fixture(c: Context, ...parts: string[]): string {
  return path.join(c.root, "fixtures", ...parts);
}

async function importCategories(c: Context): Promise<void> {
  const files = [
    "CatalogSampleData",
    "ConfigurableSampleData",
    "CmsSampleData",
    "DownloadableSampleData",
  ].map((m) => fixture(c, m, "categories.csv"));
  const entries = files.flatMap((f) => readCsv(f).map((r) => r.record));
  entries.sort((a, b) => (a.path ? a.path.split("/").length : 0) - (b.path ? b.path.split("/").length : 0));
  const banners: Record<string, string> = {
    men: "mens/mens-main.jpg",
    women: "womens/womens-main.jpg",
    gear: "gear/gear-main.jpg",
    training: "training/training-main.jpg",
    "what-is-new": "new/new-main.jpg",
    sale: "sale/sale-main.jpg",
    bags: "gear/gear-category-bags.jpg",
    "fitness-equipment": "gear/gear-category-equipment.jpg",
    watches: "gear/gear-category-watches.jpg",
    "hoodies-and-sweatshirts-men": "mens/mens-category-hoodies.jpg",
    "tees-men": "mens/mens-category-tees.jpg",
    "shorts-men": "mens/mens-category-shorts.jpg",
    "pants-women": "womens/womens-category-pants.jpg",
    "shorts-women": "womens/womens-category-shorts.jpg",
    "tanks-women": "womens/womens-category-tanks.jpg",
    "eco-friendly": "collection/collection-eco.jpg",
    "performance-fabrics": "collection/collection-performance.jpg",
  };
  const seen = new Set<string>();
  for (const e of entries) {
    const key = e.path ? `${e.path}/${e.name}` : e.name!;
    const slug = e.url_key || slugify(key);
    c.slugByPath.set(key, slug);
    c.slugsByName.set(e.name!, [...new Set([...(c.slugsByName.get(e.name!) ?? []), slug])]);
    if (seen.has(slug)) continue;
    seen.add(slug);
    const banner = banners[slug];
    const imageId = banner ? await storeImage(c, path.join(c.root, "media/wysiwyg", banner), e.name!) : null;
    const { id } = await upsertCategory(c.ctx.db, {
      slug,
      name: e.name!,
      parentSlug: e.path ? (c.slugByPath.get(e.path) ?? null) : null,
      // Explicit position, else the order of the sample files (Magento's default order of siblings).
      position: Number(e.position) || 100 + c.summary.categories,
      isActive: e.active === "1",
      includeInMenu: e.include_in_menu === "1",
      imageId,
    });
    c.categoryIdBySlug.set(slug, id);
    c.summary.categories++;
  }
}

async function storeImage(c: Context, file: string, alt: string): Promise<string | null> {
  const known = c.imageIds.get(file);
  if (known) return known;
  try {
    const stored = await c.ctx.images.storeOriginal(fs.readFileSync(file));
    const id = await saveImage(c.ctx.db, stored, alt);
    c.imageIds.set(file, id);
    c.summary.images.stored++;
    return id;
  } catch {
    c.summary.images.failed++;
    return null;
  }
}

function productImage(c: Context, rel: string): string {
  return path.join(c.root, "media/catalog/product", rel);
}

async function importAttributes(c: Context): Promise<void> {
  const defs: AttributeInput[] = [];
  for (const m of ["CatalogSampleData", "ConfigurableSampleData", "DownloadableSampleData"]) {
    for (const { record: a } of readCsv(fixture(c, m, "attributes.csv"))) {
      const code = a.attribute_code!;
      if (!code || c.attributeDefs.has(code)) continue;
      const type = attributeTypes[a.frontend_input ?? ""] ?? "text";
      const def: AttributeInput = {
        code,
        label: plainText((a.frontend_label ?? code).split("\n")[0]),
        type,
        options: (a.option ?? "")
          .split("\n")
          .map((o) => o.trim())
          .filter(Boolean),
        isFilterable: a.is_filterable === "1",
        isVisibleOnFront: true,
        position: Number(a.position) || 0,
      };
      c.attributeDefs.set(code, def);
      defs.push(def);
    }
  }
  // Yes/No flags used as attributes by the sample products.
  for (const [code, label] of [
    ["eco_collection", "Eco Collection"],
    ["performance_fabric", "Performance Fabric"],
    ["erin_recommends", "Erin Recommends"],
    ["new", "New"],
    ["sale", "Sale"],
  ] as const) {
    // Merchandising flags: they place products in "What's New" / "Sale", shoppers do not read them.
    const existing = c.attributeDefs.get(code);
    if (existing) {
      existing.type = "boolean";
      existing.isVisibleOnFront = false;
    } else {
      const def: AttributeInput = { code, label, type: "boolean", isVisibleOnFront: false };
      c.attributeDefs.set(code, def);
      defs.push(def);
    }
  }
  await upsertAttributes(c.ctx.db, defs);
}

/** Turns raw attribute text into typed values of the attributes defined; unknown codes are dropped. */
function attributeValues(
  c: Context,
  raw: Record<string, string>,
): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [code, text] of Object.entries(raw)) {
    const def = c.attributeDefs.get(code);
    if (!def || text === "" || ["size", "color"].includes(code)) continue;
    const values = text
      .split(/[|\n]/)
      .map((v) => plainText(v))
      .filter(Boolean);
    if (values.length === 0) continue;
    if (def.type === "boolean") out[code] = ["yes", "1", "true"].includes(values[0]!.toLowerCase());
    else if (def.type === "multiselect") out[code] = values;
    else if (def.type === "number" && Number.isFinite(Number(values[0]))) out[code] = Number(values[0]);
    else out[code] = values.join(", ");
  }
  return out;
}

/** Extra categories Luma expresses as flags: "What's New" holds new products, "Sale" the ones on sale. */
function flagCategories(attrs: Record<string, unknown>): string[] {
  return [...(attrs.new === true ? ["what-is-new"] : []), ...(attrs.sale === true ? ["sale"] : [])];
}

/** Resolves Magento category paths ("Default Category/Men/Tops") or newline lists of names ("Gear\nBags"). */
function resolveCategories(
  c: Context,
  paths: string[],
  onUnknown: (name: string) => void = () => {},
): string[] {
  const slugs: string[] = [];
  let previous: string | null = null;
  for (const raw of paths) {
    const p = raw.replace(/^Default Category\/?/, "").trim();
    if (!p) continue;
    let slug = c.slugByPath.get(p);
    if (!slug && previous) slug = c.slugByPath.get(`${previous}/${p}`);
    if (!slug) {
      const byName = c.slugsByName.get(p);
      if (byName?.length === 1) slug = byName[0];
    }
    if (!slug) {
      // The sample data names a few categories it never defines ("Erin Recommends New"): keep the
      // product in its other categories and report the name.
      onUnknown(p);
      continue;
    }
    slugs.push(slug);
    previous = [...c.slugByPath.entries()].find(([, s]) => s === slug)?.[0] ?? p;
  }
  return [...new Set(slugs)];
}

const unknownCategory = (warn: (reason: string) => void) => (name: string) =>
  warn(`category "${name}" is not defined in the sample data; the product is kept in its other categories`);

async function runProduct(
  c: Context,
  file: string,
  row: number,
  sku: string | null,
  build: (warn: (reason: string) => void) => Promise<ProductInput>,
): Promise<void> {
  const warnings: string[] = [];
  try {
    const input = await build((reason) => warnings.push(reason));
    const { outcome } = await c.ctx.db.transaction(async (tx) => upsertProduct(tx, input));
    c.summary[outcome]++;
    for (const reason of warnings)
      c.summary.warnings.push({ file: path.relative(c.root, file), row, sku, reason });
  } catch (error) {
    const reason =
      error instanceof AppError
        ? error.errors.length
          ? error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
          : error.message
        : error instanceof Error
          ? error.message
          : String(error);
    c.summary.failed.push({ file: path.relative(c.root, file), row, sku, reason });
  }
}

const simpleColumns = new Set([
  "category",
  "name",
  "sku",
  "price",
  "qty",
  "description",
  "short_description",
  "special_price",
  "attribute_set",
  "visibility",
  "url_key",
  "meta_description",
  "bundle_options",
  "associated_sku",
  "samples_title",
  "links_title",
  "links_purchased_separately",
]);

async function importSimpleFiles(
  c: Context,
  files: { products: string; images?: string | undefined }[],
  type: "simple" | "digital",
  bar: { increment(): void },
): Promise<void> {
  for (const { products: file, images } of files) {
    const imagesBySku = new Map<string, string[]>();
    if (images && fs.existsSync(images)) {
      for (const { record } of readCsv(images)) {
        imagesBySku.set(record.sku!, [...(imagesBySku.get(record.sku!) ?? []), record.image!]);
      }
    }
    const downloads = new Map<string, Row[]>();
    if (type === "digital") {
      for (const { record } of readCsv(
        fixture(c, "DownloadableSampleData", "downloadable_data_training_video_download.csv"),
      )) {
        downloads.set(record.product_sku!, [...(downloads.get(record.product_sku!) ?? []), record]);
      }
    }
    for (const { row, record: r } of readCsv(file)) {
      await runProduct(c, file, row, r.sku || null, async (warn) => {
        const attrs = attributeValues(
          c,
          Object.fromEntries(Object.entries(r).filter(([k]) => !simpleColumns.has(k))),
        );
        const imageIds: { imageId: string; alt: string }[] = [];
        for (const rel of imagesBySku.get(r.sku ?? "") ?? []) {
          const id = await storeImage(c, productImage(c, rel), plainText(r.name));
          if (id) imageIds.push({ imageId: id, alt: plainText(r.name) });
        }
        const fileRows = downloads.get(r.sku ?? "") ?? [];
        const productDownloads: NonNullable<ProductInput["downloads"]> = [];
        for (const d of fileRows) {
          const source = path.join(c.root, "media/downloadable/files/links", d.link_item_file!);
          const data = fs.readFileSync(source);
          const sha = createHash("sha256").update(data).digest("hex");
          const key = `downloads/${sha}${path.extname(source)}`;
          if (!(await c.ctx.storage.stat(key))) await c.ctx.storage.put(key, data);
          productDownloads.push({
            title: d.link_item_title!,
            storageKey: key,
            fileName: path.basename(source),
            bytes: data.length,
          });
        }
        const price = parseMajorUnits(r.price ?? "", c.currency, "price");
        const special = r.special_price
          ? parseMajorUnits(r.special_price, c.currency, "special_price")
          : null;
        // Downloads "purchased separately" are sold one by one (Magento's per-link prices): each is a
        // variant of a "download" option. Otherwise the product is one variant at its own price.
        const separately = type === "digital" && r.links_purchased_separately === "1" && fileRows.length > 0;
        const variants: VariantInput[] = separately
          ? fileRows.map((d, i) => ({
              sku: `${r.sku}-${i + 1}`,
              title: plainText(d.link_item_title),
              priceAmount: parseMajorUnits(d.link_item_price ?? "", c.currency, "link_item_price"),
              options: { download: plainText(d.link_item_title) },
              stockQuantity: 0,
              manageStock: false,
            }))
          : [
              {
                sku: r.sku ?? "",
                priceAmount: price,
                specialPriceAmount: special,
                stockQuantity: Number(r.qty || 0) || 0,
                manageStock: type !== "digital",
              },
            ];
        const options = separately
          ? [
              {
                code: "download",
                name: "Download",
                values: fileRows.map((d) => ({ value: plainText(d.link_item_title) })),
              },
            ]
          : [];
        return {
          sku: r.sku ?? "",
          type,
          name: plainText(r.name),
          slug: r.url_key || plainText(r.name),
          description: r.description ?? "",
          shortDescription: r.short_description ?? "",
          metaDescription: r.meta_description ?? "",
          attributeSet: r.attribute_set ?? "",
          currency: c.currency,
          categorySlugs: [
            ...resolveCategories(c, (r.category ?? "").split("\n"), unknownCategory(warn)),
            ...flagCategories(attrs),
          ],
          options,
          variants,
          images: imageIds,
          attributes: attrs,
          downloads: productDownloads,
        };
      });
      bar.increment();
    }
  }
}

async function importConfigurable(c: Context, bar: { increment(): void }): Promise<void> {
  const file = fixture(c, "ConfigurableSampleData", "products.csv");
  const rows = readCsv(file);
  const childBySku = new Map(
    rows.filter((r) => r.record.product_type === "simple").map((r) => [r.record.sku!, r]),
  );
  for (const { row, record: r } of rows) {
    if (r.product_type !== "configurable") continue;
    await runProduct(c, file, row, r.sku || null, async (warn) => {
      const additional = parseAdditional(r.additional_attributes ?? "");
      const attrs = attributeValues(c, additional);
      const variations = (r.configurable_variations ?? "")
        .split("|")
        .filter(Boolean)
        .map((v) => Object.fromEntries(v.split(",").map((kv) => kv.split("=") as [string, string])));
      const optionCodes = ["size", "color"].filter((code) => variations.some((v) => v[code]));
      const options = optionCodes.map((code) => ({
        code,
        name: code === "size" ? "Size" : "Color",
        values: [...new Set(variations.map((v) => v[code]!))].map((value) => ({
          value,
          swatch: code === "color" ? (swatchColours[value] ?? null) : null,
        })),
      }));
      const imageRefs = [r.base_image, ...(r.additional_images ?? "").split(",")].filter((x): x is string =>
        Boolean(x),
      );
      const images: { imageId: string; alt: string }[] = [];
      const addImage = async (rel: string) => {
        const id = await storeImage(c, productImage(c, rel), plainText(r.name));
        if (id && !images.some((i) => i.imageId === id)) images.push({ imageId: id, alt: plainText(r.name) });
        return id;
      };
      for (const rel of imageRefs) await addImage(rel);
      const variantInputs: VariantInput[] = [];
      for (const v of variations) {
        const child = childBySku.get(v.sku ?? "");
        if (!child) throw new AppError(400, "UNKNOWN_VARIANT", `variant SKU "${v.sku}" has no row`);
        const cr = child.record;
        const imageId = cr.base_image ? await addImage(cr.base_image) : null;
        const optionValues = Object.fromEntries(optionCodes.map((code) => [code, v[code]!]));
        variantInputs.push({
          sku: v.sku!,
          title: optionCodes.map((code) => v[code]).join(" / "),
          priceAmount: parseMajorUnits(cr.price || r.price || "", c.currency, `price (row ${child.row})`),
          specialPriceAmount: cr.special_price
            ? parseMajorUnits(cr.special_price, c.currency, "special_price")
            : null,
          specialFrom: cr.special_price_from_date
            ? new Date(`${cr.special_price_from_date}T00:00:00Z`)
            : null,
          specialTo: cr.special_price_to_date ? new Date(`${cr.special_price_to_date}T00:00:00Z`) : null,
          weightGrams: poundsToGrams(cr.weight),
          options: optionValues,
          imageId,
          stockQuantity: Number(cr.qty || 0) || 0,
          manageStock: true,
        });
      }
      const categories = (r.categories ?? "").split(",").filter((p) => p && p !== "Default Category");
      return {
        sku: r.sku ?? "",
        type: "configurable",
        name: plainText(r.name),
        slug: r.url_key || plainText(r.name),
        description: r.description ?? "",
        shortDescription: r.short_description ?? "",
        metaTitle: r.meta_title ?? "",
        metaDescription: r.meta_description ?? "",
        attributeSet: r.attribute_set_code ?? "",
        currency: c.currency,
        categorySlugs: [...resolveCategories(c, categories, unknownCategory(warn)), ...flagCategories(attrs)],
        options,
        variants: variantInputs,
        images,
        attributes: attrs,
      };
    });
    bar.increment();
  }
}

async function importComposite(c: Context, bar: { increment(): void }): Promise<void> {
  const priceOf = async (sku: string): Promise<number> => {
    const price = await lowestPriceBySku(c.ctx.db, sku);
    if (price === null) throw new AppError(400, "UNKNOWN_COMPONENT", `unknown component SKU "${sku}"`);
    return price;
  };
  const bundleFile = fixture(c, "BundleSampleData", "yoga_bundle.csv");
  const bundleImages = readCsv(fixture(c, "BundleSampleData", "images_yoga_bundle.csv")).map((x) => x.record);
  for (const { row, record: r } of readCsv(bundleFile)) {
    await runProduct(c, bundleFile, row, r.sku || null, async (warn) => {
      const bundleOptions = (r.bundle_options ?? "")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [title, rest] = line.split("|") as [string, string];
          const [type, skus] = rest.split(":") as [string, string];
          return {
            title,
            type: (["radio", "checkbox", "select"].includes(type) ? type : "radio") as
              | "radio"
              | "checkbox"
              | "select",
            required: true,
            items: skus.split(",").map((sku) => ({ sku: sku.trim(), defaultQuantity: 1 })),
          };
        });
      // A dynamically priced bundle costs the sum of its cheapest choice per required option.
      let price = 0;
      for (const option of bundleOptions) {
        const prices = await Promise.all(option.items.map((i) => priceOf(i.sku)));
        price += Math.min(...prices);
      }
      const images = [];
      for (const img of bundleImages.filter((i) => i.sku === r.sku)) {
        const id = await storeImage(c, productImage(c, img.image!), plainText(r.name));
        if (id) images.push({ imageId: id, alt: plainText(r.name) });
      }
      const attrs = attributeValues(c, {
        activity: r.activity ?? "",
        category_gear: r.category_gear ?? "",
        gender: r.gender ?? "",
        material: r.material ?? "",
      });
      return {
        sku: r.sku ?? "",
        type: "bundle",
        name: plainText(r.name),
        description: r.description ?? "",
        currency: c.currency,
        categorySlugs: resolveCategories(c, (r.category ?? "").split("\n"), unknownCategory(warn)),
        variants: [{ sku: r.sku ?? "", priceAmount: price, stockQuantity: Number(r.qty || 0) || 0 }],
        images,
        attributes: attrs,
        bundleOptions,
      };
    });
    bar.increment();
  }
  const groupedFile = fixture(c, "GroupedProductSampleData", "yoga_grouped.csv");
  const groupedImages = readCsv(fixture(c, "GroupedProductSampleData", "images_yoga_grouped.csv")).map(
    (x) => x.record,
  );
  for (const { row, record: r } of readCsv(groupedFile)) {
    await runProduct(c, groupedFile, row, r.sku || null, async (warn) => {
      const skus = (r.associated_sku ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      // A grouped product is sold as its items; it is listed "from" its cheapest item.
      const prices = await Promise.all(skus.map(priceOf));
      const images = [];
      for (const img of groupedImages.filter((i) => i.sku === r.sku)) {
        const id = await storeImage(c, productImage(c, img.image!), plainText(r.name));
        if (id) images.push({ imageId: id, alt: plainText(r.name) });
      }
      return {
        sku: r.sku ?? "",
        type: "grouped",
        name: plainText(r.name),
        description: r.description ?? "",
        currency: c.currency,
        categorySlugs: resolveCategories(c, (r.category ?? "").split("\n"), unknownCategory(warn)),
        variants: [
          { sku: r.sku ?? "", priceAmount: Math.min(...prices), stockQuantity: Number(r.qty || 0) || 0 },
        ],
        images,
        attributes: attributeValues(c, {
          activity: r.activity ?? "",
          material: r.material ?? "",
          gender: r.gender ?? "",
        }),
        groupedItems: skus.map((sku) => ({ sku, defaultQuantity: 1 })),
      };
    });
    bar.increment();
  }
}

/**
 * Stores every photo of the sample store that no product or category used (CMS banners, spare
 * product shots), so the whole media library is served and sized like the rest.
 */
async function importMediaLibrary(c: Context): Promise<void> {
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
          const full = path.join(dir, e.name);
          return e.isDirectory() ? walk(full) : /\.(jpe?g|png|webp|gif)$/i.test(e.name) ? [full] : [];
        })
      : [];
  const files = [
    ...walk(path.join(c.root, "media/catalog/product")),
    ...walk(path.join(c.root, "media/wysiwyg")),
  ];
  for (const file of files.sort()) {
    await storeImage(
      c,
      file,
      path
        .basename(file)
        .replace(/\.[a-z]+$/i, "")
        .replace(/[-_]+/g, " "),
    );
  }
  c.summary.images.files = files.length;
}

async function importLinks(c: Context): Promise<void> {
  const files: [string, "related" | "upsell" | "crosssell"][] = [];
  for (const dir of [
    "ProductLinksSampleData",
    "CatalogSampleData/Links",
    "ConfigurableSampleData/Links",
    "BundleSampleData/Links",
    "GroupedProductSampleData/Link",
    "DownloadableSampleData/Links",
  ]) {
    for (const type of ["related", "upsell", "crosssell"] as const) {
      const file = fixture(c, dir, `${type}.csv`);
      if (fs.existsSync(file)) files.push([file, type]);
    }
  }
  // Several files may list the same product: merge them, then set each product's links once.
  const merged = new Map<string, string[]>();
  for (const [file, type] of files) {
    for (const { record } of readCsv(file)) {
      const key = `${type}\u0000${record.sku}`;
      const linked = (record.linked_sku ?? "")
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
      merged.set(key, [...new Set([...(merged.get(key) ?? []), ...linked])]);
    }
  }
  for (const [key, linked] of merged) {
    const [type, sku] = key.split("\u0000") as ["related" | "upsell" | "crosssell", string];
    const { missing } = await c.ctx.db.transaction((tx) => setProductLinks(tx, sku, type, linked));
    c.summary.links += linked.length - missing.filter((m) => m !== sku).length;
  }
}

async function importReviews(c: Context): Promise<void> {
  const file = fixture(c, "ReviewSampleData", "products_reviews.csv");
  const rows = readCsv(file);
  const ids = await productIdsBySku(c.ctx.db, [...new Set(rows.map((r) => r.record.sku!))]);
  const inputs: ReviewInput[] = [];
  for (const { row, record: r } of rows) {
    const productId = ids.get(r.sku ?? "");
    const rating = Number(r.rating_value);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
      c.summary.failed.push({
        file: path.relative(c.root, file),
        row,
        sku: r.sku ?? null,
        reason: "rating_value: must be 1 to 5",
      });
      continue;
    }
    if (!productId) c.summary.reviews.unattached++;
    inputs.push({
      productId: productId ?? null,
      productSku: r.sku ?? "",
      rating,
      title: r.title ?? "",
      body: r.review ?? "",
      authorName: r.reviewer || "Anonymous",
      email: r.email || null,
      status: "approved" as const,
      importKey: `luma:${createHash("sha256").update(`${r.sku}\u0000${r.reviewer}\u0000${r.title}\u0000${r.review}`).digest("hex")}`,
    });
  }
  const created = await c.ctx.db.transaction((tx) => addReviews(tx, inputs));
  c.summary.reviews.created += created;
  c.summary.reviews.existing += inputs.length - created;
}

/**
 * Imports the Magento 2 Luma sample store from its folder (`fixtures/` + `media/`): categories (with
 * banner images), attributes, simple gear products, configurable products with every variant,
 * the bundle, the grouped product, the downloadable videos, product links and reviews; then the
 * pricing (store price settings, tax, shipping, cart price rules: see {@link importLumaPricing}) and
 * the CMS pages and blocks (pages, footer links, a first home page: see {@link importLumaContent}). Prices
 * are US dollars. Each product is one transaction; a bad row is reported (file, row number, reason) and
 * skipped. Re-running updates by SKU (pricing by code / source key) and creates no duplicates.
 * @throws Error when the folder is not a Luma sample-data folder.
 */
export async function importLuma(
  ctx: AppContext,
  root: string,
  options: { progress?: boolean } = {},
): Promise<LumaImportSummary> {
  const startedAt = Date.now();
  if (!fs.existsSync(path.join(root, "fixtures/ConfigurableSampleData/products.csv"))) {
    throw new Error(
      `${root} is not a Luma sample-data folder (no fixtures/ConfigurableSampleData/products.csv)`,
    );
  }
  const c: Context = {
    ctx,
    root,
    summary: {
      ...emptySummary(`luma (${root})`),
      pricing: emptyPricingCounts(),
      content: emptyContentCounts(),
    },
    slugByPath: new Map(),
    slugsByName: new Map(),
    categoryIdBySlug: new Map(),
    attributeDefs: new Map(),
    imageIds: new Map(),
    currency: "USD",
  };
  try {
    await importCategories(c);
    await importAttributes(c);
    const simpleDir = fixture(c, "CatalogSampleData", "SimpleProduct");
    const simpleFiles = fs
      .readdirSync(simpleDir)
      .filter((f) => f.startsWith("products_"))
      .sort()
      .map((f) => {
        const imageFile = path.join(simpleDir, f.replace(/^products_/, "images_"));
        return {
          products: path.join(simpleDir, f),
          images: fs.existsSync(imageFile) ? imageFile : undefined,
        };
      });
    const digitalFiles = [
      {
        products: fixture(c, "DownloadableSampleData", "products_training_video_download.csv"),
        images: fixture(c, "DownloadableSampleData", "images_products_training_video.csv"),
      },
    ];
    const total =
      simpleFiles.reduce((n, f) => n + readCsv(f.products).length, 0) +
      readCsv(fixture(c, "ConfigurableSampleData", "products.csv")).filter(
        (r) => r.record.product_type === "configurable",
      ).length +
      readCsv(digitalFiles[0]!.products).length +
      2;
    const bar = progressBar(options.progress ?? false, "Products", total);
    await importSimpleFiles(c, simpleFiles, "simple", bar);
    await importConfigurable(c, bar);
    await importSimpleFiles(c, digitalFiles, "digital", bar);
    await importComposite(c, bar);
    bar.stop();
    await importMediaLibrary(c);
    await importLinks(c);
    await importReviews(c);
    // Pricing last: its cart price rules name categories.
    const { warnings, failed, ...pricing } = await importLumaPricing(ctx, root, {
      categoryIdBySlug: c.categoryIdBySlug,
    });
    c.summary.pricing = pricing;
    c.summary.warnings.push(...warnings);
    c.summary.failed.push(...failed);
    // Content last: its home page names categories, products and images.
    const content = await importLumaContent(ctx, root, {
      categoryIdBySlug: c.categoryIdBySlug,
      storeImage: (file, alt) => storeImage(c, file, alt),
    });
    c.summary.content = content.counts;
    c.summary.warnings.push(...content.warnings);
    // Fresh planner statistics: until autovacuum gets to them (if it runs at all), the new tables look
    // empty and the planner picks plans that scan them whole (pg_restore advises the same after a load).
    await analyzeDatabase(ctx.db);
  } finally {
    ctx.cache.invalidate(catalogCacheNamespace);
  }
  c.summary.durationMs = Date.now() - startedAt;
  return c.summary;
}
