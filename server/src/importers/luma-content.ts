import fs from "node:fs";
import path from "node:path";
import { decodeHTML } from "entities";
import { catalogCacheNamespace, productIdsBySku } from "../modules/catalog/index.ts";
import {
  type ContentImportCounts,
  contentCacheNamespace,
  type HomeSection,
  type ImportedPage,
  importContent,
  type MenuContent,
} from "../modules/content/index.ts";
import type { AppContext } from "../platform/context.ts";
import { originalUrl } from "../platform/images.ts";
import { readCsv } from "./csv-records.ts";
import type { FailedRow } from "./report.ts";

/** Nothing imported yet. */
export function emptyContentCounts(): ContentImportCounts {
  return { created: 0, updated: 0, unchanged: 0, kept: 0, homeSeeded: false };
}

/**
 * Luma's CMS pages under the slugs the store uses (`{{store url="privacy-policy"}}` links name the
 * privacy page so; Magento's own identifier is about its cookie-restriction mode). Other identifiers
 * keep theirs.
 */
const pageSlugs: Record<string, string> = {
  "privacy-policy-cookie-restriction-mode": "privacy-policy",
};

/** Blocks that become pages, by identifier. */
const blockPages: Record<string, { slug: string; title: string }> = {
  "contact-us-info": { slug: "contact", title: "Contact us" },
};

/** Top-level departments of the demo home page's category tiles, in Luma's menu order. */
const departments = ["what-is-new", "women", "men", "gear", "training", "sale"];

/** Attributes of a Magento directive's text: `url="about-us" type="x"` -> { url, type }. */
function directiveArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) args[m[1]!] = m[2]!;
  return args;
}

/** Plain text of an HTML fragment (tags dropped, entities decoded, spaces collapsed). */
function plain(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim();
}

interface Converter {
  /** HTML with Magento's `{{...}}` directives turned into this store's URLs (widgets dropped). */
  html(content: string): Promise<string>;
}

/**
 * Turns Magento directives into this store's URLs: `{{store url="x"}}` -> `/pages/x` for a page
 * (`/` for the home page, else `/x`), `{{category key="x"}}` -> `/categories/x`, `{{media url="p"}}`
 * -> the stored copy of the media file; widgets and anything else are dropped.
 */
function converter(ctx: AppContext, root: string, pageUrls: Map<string, string>): Converter {
  const media = new Map<string, string>();
  const mediaUrl = async (rel: string): Promise<string> => {
    const known = media.get(rel);
    if (known !== undefined) return known;
    const file = path.join(root, "media", rel);
    let url = "";
    if (file.startsWith(path.join(root, "media")) && fs.existsSync(file)) {
      const stored = await ctx.images.storeOriginal(fs.readFileSync(file));
      url = originalUrl(stored.sha256, stored.storageKey.slice(stored.storageKey.lastIndexOf(".") + 1));
    }
    media.set(rel, url);
    return url;
  };
  return {
    async html(content) {
      const parts: string[] = [];
      let last = 0;
      for (const m of content.matchAll(/\{\{(\w+)([^}]*)\}\}/g)) {
        parts.push(content.slice(last, m.index));
        last = m.index + m[0].length;
        const args = directiveArgs(m[2] ?? "");
        if (m[1] === "store") {
          const target = (args.url ?? args.direct_url ?? "").replace(/^\/+|\/+$/g, "");
          parts.push(target === "" ? "/" : (pageUrls.get(target) ?? `/${target}`));
        } else if (m[1] === "category" && args.key) {
          parts.push(`/categories/${args.key}`);
        } else if (m[1] === "media" && args.url) {
          parts.push(await mediaUrl(args.url));
        }
      }
      parts.push(content.slice(last));
      return parts.join("");
    },
  };
}

/** The promo tiles of a Luma block: link, image file, small text, title and button text of each. */
function promos(
  html: string,
): { href: string; image: string | null; info: string; title: string; action: string }[] {
  const found = [];
  // The href is a directive with quotes of its own: href="{{category key="women"}}".
  for (const m of html.matchAll(
    /<a href="(\{\{[^}]*\}\}|[^"]*)" class="block-promo[^"]*">([\s\S]*?)<\/a>/g,
  )) {
    const inner = m[2] ?? "";
    found.push({
      href: m[1]!,
      image: /<img src="\{\{media url="([^"]+)"\}\}"/.exec(inner)?.[1] ?? null,
      info: plain(/class="info">([\s\S]*?)<\/span>/.exec(inner)?.[1] ?? ""),
      title: plain(/class="title">([\s\S]*?)<\/strong>/.exec(inner)?.[1] ?? ""),
      action: plain(/class="action[^"]*">([\s\S]*?)<\/span>/.exec(inner)?.[1] ?? ""),
    });
  }
  return found;
}

/**
 * Imports Luma's CMS pages and blocks (CmsSampleData) through the content module: its pages (about us,
 * privacy policy, customer service) and the contact block as published pages, the footer links block
 * as the footer menu (with the links of Luma's footer), and, when the shop's home page was never
 * saved, a home page from Luma's: its main promo as the hero banner, tiles of the departments and its
 * "Hot Sellers" as a product row, then new arrivals. Magento directives become this store's URLs; the
 * HTML is sanitised by the content module. Category landing blocks (the category pages show their own
 * content) and the demo sign-in block are not imported. Idempotent: re-running updates what it imported
 * unless staff saved it since. Run after the catalog (it names categories, products and images).
 */
export async function importLumaContent(
  ctx: AppContext,
  root: string,
  catalog: {
    categoryIdBySlug: Map<string, string>;
    /** Stores a media file once and answers its image id (null when it cannot be read). */
    storeImage(file: string, alt: string): Promise<string | null>;
  },
): Promise<{ counts: ContentImportCounts; warnings: FailedRow[] }> {
  const warnings: FailedRow[] = [];
  const dir = path.join(root, "fixtures", "CmsSampleData");
  const pagesFile = path.join(dir, "pages", "pages.csv");
  const blocksFile = path.join(dir, "blocks", "categories_static_blocks.csv");
  if (!fs.existsSync(pagesFile)) return { counts: emptyContentCounts(), warnings };
  const relative = (file: string) => path.relative(root, file);
  const pageRows = readCsv(pagesFile);
  const blockRows = fs.existsSync(blocksFile) ? readCsv(blocksFile) : [];

  const pageUrls = new Map<string, string>();
  for (const { record } of pageRows) {
    const id = record.identifier ?? "";
    const slug = pageSlugs[id] ?? id;
    if (id && id !== "home") pageUrls.set(slug, `/pages/${slug}`);
  }
  for (const page of Object.values(blockPages)) pageUrls.set(page.slug, `/pages/${page.slug}`);
  const convert = converter(ctx, root, pageUrls);

  const pages: ImportedPage[] = [];
  for (const { row, record } of pageRows) {
    const id = record.identifier ?? "";
    if (id === "home") continue; // Luma's home page is its home-page block (below).
    if (record.is_active !== "1") {
      warnings.push({ file: relative(pagesFile), row, sku: null, reason: `page "${id}" is inactive` });
      continue;
    }
    pages.push({
      sourceKey: `luma:cms_page:${id}`,
      slug: pageSlugs[id] ?? id,
      title: plain(record.title ?? "") || id,
      body: await convert.html(record.content ?? ""),
      metaTitle: plain(record.title ?? ""),
      metaDescription: plain(record.meta_description ?? ""),
    });
  }
  const blocks = new Map(blockRows.map(({ record }) => [record.identifier ?? "", record.content ?? ""]));
  for (const [identifier, page] of Object.entries(blockPages)) {
    const content = blocks.get(identifier);
    if (content === undefined) continue;
    pages.push({
      sourceKey: `luma:cms_block:${identifier}`,
      slug: page.slug,
      title: page.title,
      body: await convert.html(content),
    });
  }

  // The footer: the footer links block, then the other links of Luma's footer.
  const menus: { name: "footer"; sourceKey: string; menu: MenuContent }[] = [];
  const footerBlock = blocks.get("footer_links_block");
  if (footerBlock !== undefined) {
    const html = await convert.html(footerBlock);
    const items = [...html.matchAll(/<a href="([^"]*)">([\s\S]*?)<\/a>/g)].map((m) => ({
      label: plain(m[2] ?? ""),
      url: m[1]!,
    }));
    for (const extra of [
      { label: "Privacy and Cookie Policy", url: "/pages/privacy-policy" },
      { label: "Contact us", url: "/pages/contact" },
      { label: "Orders and Returns", url: "/orders/lookup" },
    ])
      if (!items.some((i) => i.url === extra.url)) items.push(extra);
    menus.push({ name: "footer", sourceKey: "luma:cms_block:footer_links_block", menu: { items } });
  }

  // The home page: Luma's main promo, the departments, its hot sellers, then new arrivals.
  let home: { sourceKey: string; content: { sections: HomeSection[] } } | undefined;
  const homeBlock = blocks.get("home-page-block");
  if (homeBlock !== undefined) {
    const sections: HomeSection[] = [];
    const [main] = promos(homeBlock);
    if (main) {
      const category = /\{\{category key="([^"]+)"\}\}/.exec(main.href)?.[1];
      const imageId = main.image
        ? await catalog.storeImage(path.join(root, "media", main.image), main.info || main.title)
        : null;
      sections.push({
        type: "hero",
        heading: main.info || main.title,
        text: main.info ? `${main.title}.` : "",
        imageId,
        linkUrl: category && catalog.categoryIdBySlug.has(category) ? `/categories/${category}` : "",
        linkLabel: category && catalog.categoryIdBySlug.has(category) ? main.action : "",
      });
    }
    const categoryIds = departments.flatMap((slug) => {
      const id = catalog.categoryIdBySlug.get(slug);
      return id ? [id] : [];
    });
    if (categoryIds.length)
      sections.push({ type: "featured_categories", heading: "Shop by category", categoryIds });
    const skus = /`attribute`:`sku`,`operator`:`\(\)`,`value`:`([^`]*)`/.exec(homeBlock)?.[1];
    if (skus) {
      const list = skus
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const ids = await productIdsBySku(ctx.db, list);
      const productIds = list.flatMap((sku) => (ids.has(sku) ? [ids.get(sku)!] : []));
      const heading = plain(/<h2 class="title">([\s\S]*?)<\/h2>/.exec(homeBlock)?.[1] ?? "") || "Hot sellers";
      if (productIds.length)
        sections.push({
          type: "product_carousel",
          heading,
          source: "products",
          categoryId: null,
          productIds,
          limit: Math.min(24, Number(/products_count="(\d+)"/.exec(homeBlock)?.[1] ?? 8) || 8),
        });
    }
    sections.push({
      type: "product_carousel",
      heading: "New arrivals",
      source: "new",
      categoryId: null,
      productIds: [],
      limit: 8,
    });
    home = { sourceKey: "luma:cms_block:home-page-block", content: { sections } };
  }

  // The demo marketplace's seller agreement (linked from "Sell on <shop>"): a template for the shop to
  // adapt, saying what the platform's code does (commission, hold, payouts, suspension).
  pages.push({
    sourceKey: "bazaar:seller-agreement",
    slug: "seller-agreement",
    title: "Seller agreement",
    metaDescription: "The terms for selling on this shop's marketplace.",
    body: [
      "<p>This template describes how selling here works; the shop adapts it to its own terms and law.</p>",
      "<h2>Listing and selling</h2><p>You list only goods you may sell, described truthfully, with their price and stock. New or changed products may be reviewed before they appear. You ship every order of yours within the handling time you state, with tracking, and handle returns within the return window.</p>",
      "<h2>Commission</h2><p>The shop keeps a commission on each of your sales: a percentage of the item price after discounts and before tax, and possibly a fixed fee per unit, as set for your shop or your product's category when the order is placed. Refunds and chargebacks take back your share and the commission in proportion.</p>",
      "<h2>Payouts</h2><p>Your earnings are held for the return window, then paid out on the payout schedule by Stripe Connect transfer or bank transfer. A refund or chargeback after a payout is recovered from your next payouts.</p>",
      "<h2>Suspension and closing</h2><p>The shop may suspend your shop for late shipments, misdescribed goods or disputes; you keep fulfilling orders already placed and keep your balance. Either party may close the shop; what you are owed is paid out.</p>",
    ].join(""),
  });
  const counts = await ctx.db.transaction((tx) =>
    importContent(tx, { pages, menus, ...(home ? { home } : {}) }),
  );
  ctx.cache.invalidate(contentCacheNamespace);
  // The store's home answer is cached with the catalog's.
  ctx.cache.invalidate(catalogCacheNamespace);
  return { counts, warnings };
}
