import fs from "node:fs";
import { decodeHTML } from "entities";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { catalogCacheNamespace, getCategoryBySlug, getProductBySlug } from "../modules/catalog/index.ts";
import { contentCacheNamespace, publishedPage, publishedSingletons } from "../modules/content/index.ts";
import { type StoreDetails, storeDetails } from "../modules/pricing/index.ts";
import type { AppContext } from "../platform/context.ts";
import { AppError, problemNotFoundHandler } from "../platform/errors.ts";
import { currencyDigits } from "../platform/money.ts";

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`,
  );
}

function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Head tags of a page: title, description, canonical URL and optional JSON-LD. */
export interface PageHead {
  title: string;
  description: string;
  canonical: string;
  jsonLd?: object;
  /** Keep the page out of search engines' indexes (search results pages). */
  noindex?: boolean;
}

/** Renders head tags, marked `data-ssr-head` so the storefront replaces them once it runs. */
export function renderHead(head: PageHead): string {
  const tags = [
    `<title data-ssr-head>${escapeHtml(head.title)}</title>`,
    `<meta data-ssr-head name="description" content="${escapeHtml(head.description)}">`,
    `<link data-ssr-head rel="canonical" href="${escapeHtml(head.canonical)}">`,
  ];
  if (head.noindex) tags.push(`<meta data-ssr-head name="robots" content="noindex">`);
  if (head.jsonLd) {
    // `<` is escaped so the JSON cannot close the script element.
    tags.push(
      `<script data-ssr-head type="application/ld+json">${JSON.stringify(head.jsonLd).replace(/</g, "\\u003c")}</script>`,
    );
  }
  return tags.join("\n    ");
}

/**
 * The shop's details as data for the storefront's first render (its header, footer and titles), in a
 * JSON script element: never executed, so no Content-Security-Policy exception; `<` is escaped.
 */
export function renderShopDetails(shop: StoreDetails): string {
  return `<script id="shop-details" type="application/json">${JSON.stringify(shop).replace(/</g, "\\u003c")}</script>`;
}

/** Formats minor units as a decimal string in major units ("5200" USD -> "52.00"), for schema.org offers. */
function decimalPrice(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  const s = String(Math.abs(amount)).padStart(digits + 1, "0");
  return `${amount < 0 ? "-" : ""}${digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s}`;
}

/**
 * Serves the storefront single-page app for every non-API GET that accepts HTML, with the page's
 * title, meta description, canonical link and (for products) schema.org Product JSON-LD rendered into
 * the HTML head, so that crawlers and link previews see them without running JavaScript. The home
 * page's and content pages' (/pages/<slug>) heads come from what staff published; a staff preview
 * (`?preview=1`) is never indexed.
 * Product JSON-LD follows https://schema.org/Product and Google's merchant listing guidelines.
 */
export function storefrontRoutes(ctx: AppContext, indexPath: string): FastifyPluginAsync {
  return async (app) => {
    const base = ctx.config.publicUrl;
    const defaultDescription = "Shop activewear, gear and training videos.";

    /** The page's head; titles end with the store name set in the admin (`storeName`). */
    async function headFor(url: string, storeName: string): Promise<{ head: PageHead; status: number }> {
      const defaultTitle = `${storeName}: sportswear, gear and training`;
      const pathname = url.split("?")[0] ?? "/";
      const query = new URLSearchParams(url.split("?")[1] ?? "");
      if (query.has("preview") && (pathname === "/" || pathname.startsWith("/pages/"))) {
        // A staff member's preview of a draft: the page renders it; search engines stay out.
        return {
          status: 200,
          head: {
            title: `Preview | ${storeName}`,
            description: "",
            canonical: `${base}${pathname}`,
            noindex: true,
          },
        };
      }
      if (pathname === "/") {
        const { home } = await publishedSingletons(ctx.db, ["home"]);
        return {
          status: 200,
          head: {
            title: home?.metaTitle ? `${home.metaTitle} | ${storeName}` : defaultTitle,
            description: home?.metaDescription || defaultDescription,
            canonical: `${base}/`,
          },
        };
      }
      if (pathname === "/search" || pathname === "/search/") {
        // Search results pages are for shoppers, not for search engines' indexes.
        return {
          status: 200,
          head: {
            title: `Search | ${storeName}`,
            description: "",
            canonical: `${base}/search`,
            noindex: true,
          },
        };
      }
      const product = /^\/products\/([a-z0-9][a-z0-9-]*)\/?$/.exec(pathname);
      const category = /^\/categories\/([a-z0-9][a-z0-9-]*)\/?$/.exec(pathname);
      const contentPage = /^\/pages\/([a-z0-9][a-z0-9-]*)\/?$/.exec(pathname);
      try {
        if (contentPage) {
          const { content } = await publishedPage(ctx.db, contentPage[1]!);
          return {
            status: 200,
            head: {
              title: `${content.metaTitle || content.title} | ${storeName}`,
              description: content.metaDescription || decodeHTML(stripTags(content.body)).slice(0, 160),
              canonical: `${base}/pages/${contentPage[1]}`,
            },
          };
        }
        if (product) {
          const p = await getProductBySlug(ctx.db, product[1]!);
          const description =
            p.metaDescription || stripTags(p.shortDescription || p.description).slice(0, 160);
          const inStock = p.variants.some((v) => v.stockStatus !== "out_of_stock");
          return {
            status: 200,
            head: {
              title: `${p.metaTitle || p.name} | ${storeName}`,
              description,
              canonical: `${base}/products/${p.slug}`,
              jsonLd: {
                "@context": "https://schema.org",
                "@type": "Product",
                name: p.name,
                sku: p.sku,
                description: stripTags(p.description).slice(0, 5000),
                image: p.images.map((i) => `${base}${i.url}`),
                url: `${base}/products/${p.slug}`,
                offers: {
                  "@type": "AggregateOffer",
                  priceCurrency: p.price.currency,
                  lowPrice: decimalPrice(p.price.amount, p.price.currency),
                  highPrice: decimalPrice(p.maxPrice.amount, p.maxPrice.currency),
                  offerCount: p.variants.length,
                  availability: inStock ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
                },
                ...(p.reviewCount > 0 && p.ratingAverage !== null
                  ? {
                      aggregateRating: {
                        "@type": "AggregateRating",
                        ratingValue: p.ratingAverage,
                        reviewCount: p.reviewCount,
                      },
                    }
                  : {}),
              },
            },
          };
        }
        if (category) {
          const c = await getCategoryBySlug(ctx.db, category[1]!);
          return {
            status: 200,
            head: {
              title: `${c.metaTitle || c.name} | ${storeName}`,
              description:
                c.metaDescription ||
                stripTags(c.description).slice(0, 160) ||
                `Shop ${c.name} at ${storeName}.`,
              canonical: `${base}/categories/${c.slug}`,
            },
          };
        }
      } catch (error) {
        if (error instanceof AppError && error.status === 404) {
          return {
            status: 404,
            head: { title: `Not found | ${storeName}`, description: "", canonical: `${base}${pathname}` },
          };
        }
        throw error;
      }
      return {
        status: 200,
        head: { title: defaultTitle, description: defaultDescription, canonical: `${base}${pathname}` },
      };
    }

    async function servePage(request: FastifyRequest, reply: FastifyReply) {
      // Search pages differ only by their query string, which the head does not use: one entry for all.
      const key = /^\/search\/?(\?|$)/.test(request.url) ? "/search" : request.url;
      // The home page's and content pages' heads are staff content: publishing drops them.
      const namespace = /^\/(pages\/|\?|$)/.test(request.url) ? contentCacheNamespace : catalogCacheNamespace;
      // The shop's name and logo as set in the admin: part of the key, so a change shows at once.
      const shop = await storeDetails(ctx.db, ctx.config);
      const page = await ctx.cache.get(namespace, `html:${shop.name}:${shop.logoUrl}:${key}`, async () => {
        const { head, status } = await headFor(request.url, shop.name);
        // Read on every cache miss, so a rebuilt storefront is served without a restart.
        const template = await fs.promises.readFile(indexPath, "utf8");
        return {
          status,
          html: template
            .replace(/<title>.*?<\/title>/s, renderHead(head))
            .replace("</head>", `${renderShopDetails(shop)}\n  </head>`),
        };
      });
      return reply
        .status(page.status)
        .header("cache-control", "no-cache")
        .type("text/html; charset=utf-8")
        .send(page.html);
    }

    app.setNotFoundHandler(async (request, reply) => {
      const pathname = request.url.split("?")[0] ?? "/";
      const wantsHtml = request.method === "GET" && (request.headers.accept ?? "").includes("text/html");
      if (
        !wantsHtml ||
        pathname.startsWith("/api/") ||
        pathname.startsWith("/media/") ||
        pathname.startsWith("/assets/")
      ) {
        return problemNotFoundHandler(request, reply);
      }
      return servePage(request, reply);
    });
    app.get("/", { schema: { hide: true } }, servePage);
  };
}
