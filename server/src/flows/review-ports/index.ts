import {
  catalogCacheNamespace,
  getProductBySlug,
  type ProductsChangedEvent,
  productsChangedTopic,
  summarize,
} from "../../modules/catalog/index.ts";
import { hasPurchasedProduct } from "../../modules/orders/index.ts";
import type { ReviewPorts } from "../../modules/reviews/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { enqueue } from "../../platform/outbox.ts";

/**
 * The review routes' view of the catalog and of orders (`ReviewPorts`): reviews sit below the catalog,
 * which shows their ratings, so the app joins them here.
 */
export function reviewPorts(ctx: AppContext): ReviewPorts {
  return {
    async productExists(productId) {
      return (await summarize(ctx.db, [productId])).has(productId);
    },
    async activeProduct(productId) {
      const summary = (await summarize(ctx.db, [productId])).get(productId);
      if (!summary) return null;
      // The product page answers active products only (404 otherwise), with the SKU.
      try {
        const page = await getProductBySlug(ctx.db, summary.slug);
        return { id: page.id, sku: page.sku };
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
    hasPurchased(userId, productId) {
      return hasPurchasedProduct(ctx.db, userId, productId);
    },
    async productLabels(productIds) {
      const summaries = await summarize(ctx.db, productIds);
      return new Map([...summaries].map(([id, p]) => [id, { name: p.name, slug: p.slug }]));
    },
    /**
     * Ratings show in cached catalog answers (lists, product pages) and in the search index (sort by
     * rating): drop the cached answers and have the products re-indexed (one event for them all). The
     * event is written after the reviews (a lost event leaves only the index's rating stale until the
     * product's next change or a reindex).
     */
    async ratingsChanged(productIds) {
      ctx.cache.invalidate(catalogCacheNamespace);
      if (productIds.length)
        await enqueue(ctx.db, productsChangedTopic, { productIds } satisfies ProductsChangedEvent);
    },
  };
}
