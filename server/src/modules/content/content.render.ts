import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { imageWidths, sizeUrl } from "../../platform/images.ts";
import {
  getCategoryBySlug,
  getCategoryTree,
  listProducts,
  type ProductSummaryDto,
  productSearchSources,
  searchCategories,
  summarize,
  thumbnailUrls,
} from "../catalog/index.ts";
import { popularProducts } from "../recommendations/index.ts";
import type { SingletonContent } from "./content.service.ts";
import type {
  AnnouncementContent,
  ContentImage,
  HomeContent,
  MenuContent,
  PageContent,
  ProductCarouselSection,
  StoreHome,
  StoreHomeSection,
  StoreLayout,
  StorePage,
} from "./content.types.ts";

/**
 * What shoppers see of content: a page, the home page with the categories and products its sections
 * name (resolved through the catalog, and the recommendations for best sellers), and the layout
 * (menus, announcement bar). Sections that resolve to nothing (a row without products, tiles of
 * categories since deactivated) are left out.
 */

type Tile = StoreHome["sections"][number] & { type: "featured_categories" };
type CategoryTile = Tile["categories"][number];

/** The page as the store API answers it. */
export function storePage(slug: string, content: PageContent, publishedAt: string | null): StorePage {
  return { slug, ...content, publishedAt };
}

/**
 * An uploaded image from its 320 px thumbnail URL: a stored image's WebP sizes are named by its
 * SHA-256, so the other sizes follow; an external image is its own URL, unsized.
 */
function imageFromThumbnail(id: string, thumbnail: string): ContentImage {
  const stored = /^\/media\/images\/([0-9a-f]{64})\/w320\.webp$/.exec(thumbnail);
  if (!stored) return { id, url: thumbnail, alt: "", width: null, height: null, srcset: [] };
  const sha256 = stored[1]!;
  return {
    id,
    url: sizeUrl(sha256, 1280),
    alt: "",
    width: null,
    height: null,
    srcset: imageWidths.map((width) => ({ width, url: sizeUrl(sha256, width) })),
  };
}

/** Of these summaries, those of products shoppers may see (active and visible), in the same order. */
async function visibleOnly(db: Db, summaries: ProductSummaryDto[]): Promise<ProductSummaryDto[]> {
  if (summaries.length === 0) return [];
  const sources = await productSearchSources(db, { ids: summaries.map((s) => s.id) });
  const visible = new Set(sources.filter((s) => s.searchable).map((s) => s.id));
  return summaries.filter((s) => visible.has(s.id));
}

async function carouselProducts(
  db: Db,
  section: ProductCarouselSection,
  categorySlugs: Map<string, string>,
): Promise<{ products: ProductSummaryDto[]; linkUrl: string | null }> {
  const newest = async (category?: string) =>
    (await listProducts(db, category ? { category } : {}, "newest", section.limit, undefined)).items;
  switch (section.source) {
    case "new":
      return { products: await newest(), linkUrl: null };
    case "category": {
      const slug = section.categoryId ? categorySlugs.get(section.categoryId) : undefined;
      if (!slug) return { products: [], linkUrl: null };
      const page = await listProducts(db, { category: slug }, "relevance", section.limit, undefined);
      return { products: page.items, linkUrl: `/categories/${slug}` };
    }
    case "bestsellers": {
      // Popular products (recent orders); a shop without orders yet shows its newest instead.
      const popular = await visibleOnly(db, (await popularProducts(db, section.limit * 2)) ?? []);
      return {
        products: popular.length ? popular.slice(0, section.limit) : await newest(),
        linkUrl: null,
      };
    }
    case "products": {
      const ids = section.productIds ?? [];
      const found = await summarize(db, ids);
      const inOrder = ids.map((id) => found.get(id)).filter((p): p is ProductSummaryDto => !!p);
      return { products: (await visibleOnly(db, inOrder)).slice(0, section.limit), linkUrl: null };
    }
  }
}

/** Category tiles by id: from the active tree, else (a category outside the menu) by its slug. */
async function categoryTiles(
  db: Db,
  ids: string[],
  categorySlugs: Map<string, string>,
): Promise<Map<string, CategoryTile>> {
  const tiles = new Map<string, CategoryTile>();
  if (ids.length === 0) return tiles;
  const wanted = new Set(ids);
  const walk = (nodes: Awaited<ReturnType<typeof getCategoryTree>>) => {
    for (const c of nodes) {
      if (wanted.has(c.id))
        tiles.set(c.id, {
          id: c.id,
          slug: c.slug,
          name: c.name,
          productCount: c.productCount,
          image: c.image,
        });
      walk(c.children as typeof nodes);
    }
  };
  walk(await getCategoryTree(db));
  for (const id of ids) {
    const slug = categorySlugs.get(id);
    if (tiles.has(id) || !slug) continue;
    try {
      const c = await getCategoryBySlug(db, slug);
      tiles.set(id, { id: c.id, slug: c.slug, name: c.name, productCount: c.productCount, image: c.image });
    } catch (error) {
      if (!(error instanceof AppError && error.status === 404)) throw error;
    }
  }
  return tiles;
}

/**
 * The home page as the store shows it: each section with its image, categories and products.
 * `isDefault` says these are the store's default sections (nothing published yet).
 */
export async function resolveHome(db: Db, content: HomeContent, isDefault: boolean): Promise<StoreHome> {
  const imageIds = content.sections.flatMap((s) => (s.type === "hero" && s.imageId ? [s.imageId] : []));
  const needsCategories = content.sections.some(
    (s) => s.type === "featured_categories" || (s.type === "product_carousel" && s.source === "category"),
  );
  const [thumbnails, categories] = await Promise.all([
    thumbnailUrls(db, imageIds),
    needsCategories ? searchCategories(db) : Promise.resolve([]),
  ]);
  // Only active categories are shown.
  const categorySlugs = new Map(categories.filter((c) => c.isActive).map((c) => [c.id, c.slug]));
  const tiles = await categoryTiles(
    db,
    content.sections.flatMap((s) => (s.type === "featured_categories" ? s.categoryIds : [])),
    categorySlugs,
  );
  const sections = await Promise.all(
    content.sections.map(async (s): Promise<StoreHomeSection | null> => {
      switch (s.type) {
        case "hero": {
          const thumbnail = s.imageId ? thumbnails.get(s.imageId) : undefined;
          return {
            type: "hero",
            heading: s.heading,
            text: s.text,
            image: s.imageId && thumbnail ? imageFromThumbnail(s.imageId, thumbnail) : null,
            linkUrl: s.linkUrl,
            linkLabel: s.linkLabel,
          };
        }
        case "featured_categories": {
          const list = s.categoryIds.map((id) => tiles.get(id)).filter((t): t is CategoryTile => !!t);
          return list.length ? { type: s.type, heading: s.heading, categories: list } : null;
        }
        case "product_carousel": {
          const { products, linkUrl } = await carouselProducts(db, s, categorySlugs);
          return products.length
            ? { type: s.type, heading: s.heading, source: s.source, linkUrl, products }
            : null;
        }
        case "rich_text":
          return s.body ? { type: s.type, body: s.body } : null;
      }
    }),
  );
  return {
    sections: sections.filter((s): s is StoreHomeSection => s !== null),
    metaTitle: content.metaTitle,
    metaDescription: content.metaDescription,
    isDefault,
  };
}

/**
 * The home page of a shop that has published none: tiles of its top-level categories (those with
 * products, at most 8) and a row of its newest products. Also the draft staff start from.
 */
export async function defaultHome(db: Db): Promise<HomeContent> {
  const tree = await getCategoryTree(db);
  const categoryIds = tree
    .filter((c) => c.productCount > 0 || c.children.length > 0)
    .slice(0, 8)
    .map((c) => c.id);
  return {
    sections: [
      ...(categoryIds.length
        ? [{ type: "featured_categories" as const, heading: "Shop by category", categoryIds }]
        : []),
      {
        type: "product_carousel",
        heading: "New arrivals",
        source: "new",
        categoryId: null,
        productIds: [],
        limit: 8,
      },
    ],
    metaTitle: "",
    metaDescription: "",
  };
}

/** The store's layout from the published (or, for a preview, draft) menus and announcement bar. */
export function storeLayout(
  content: Partial<{ [K in keyof SingletonContent]: SingletonContent[K] }>,
): StoreLayout {
  const menu = (m: MenuContent | undefined) => (m?.items.length ? m : null);
  const bar: AnnouncementContent | undefined = content.announcement;
  return {
    mainMenu: menu(content["menu:main"]),
    footerMenu: menu(content["menu:footer"]),
    announcement:
      bar?.enabled && bar.text ? { text: bar.text, linkUrl: bar.linkUrl || null, tone: bar.tone } : null,
  };
}
