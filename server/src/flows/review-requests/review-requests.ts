import type { Config } from "../../config.ts";
import { getOrderAndLines, type OrderRow, ordersReceivedBetween } from "../../modules/orders/index.ts";
import { storeIdentity } from "../../modules/pricing/index.ts";
import {
  claimReviewRequest,
  deleteUnusedPhotos,
  requestedOrderIds,
  reviewedProductIds,
} from "../../modules/reviews/index.ts";
import type { AppContext } from "../../platform/context.ts";
import { queueMail } from "../../platform/mail.ts";
import { layout, type RenderedMail } from "../../platform/mail-templates.ts";

/** Orders that count from longer ago than the delay plus this are never asked (e.g. after a long outage). */
const lookbackDays = 30;
const dayMs = 86_400_000;
/** At most this many products get a button in the e-mail. */
const maxProducts = 5;

/** A product of an order, as the invitation names and links it. */
export interface ReviewableProduct {
  productId: string;
  name: string;
  slug: string;
}

/** "How was your order?": one button per product (to its reviews on the product page). */
export function reviewRequestEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  products: ReviewableProduct[],
): RenderedMail {
  const name = order.shippingAddress?.firstName ?? order.billingAddress?.firstName ?? "there";
  const shown = products.slice(0, maxProducts);
  return layout(config.storeName, `How do you like your order ${order.number}?`, [
    { p: `Hello ${name},` },
    {
      p:
        shown.length === 1
          ? `We hope you enjoy ${shown[0]!.name}. Would you tell other shoppers what you think of it? It takes a minute.`
          : "We hope you enjoy what you bought. Would you tell other shoppers what you think? It takes a minute.",
    },
    ...shown.map((p) => ({
      button: {
        label: `Review ${p.name}`,
        url: `${config.publicUrl}/products/${encodeURIComponent(p.slug)}#reviews`,
      },
    })),
    {
      small: order.userId
        ? "Sign in with this e-mail address to write your review. Reviews of products you bought from us carry a verified-purchase badge."
        : "Create an account or sign in to write your review.",
    },
  ]);
}

/** What one sweep did: invitations queued, and orders recorded without one (nothing left to review). */
export interface ReviewRequestSweepResult {
  sent: number;
  skipped: number;
  photosRemoved: number;
}

/**
 * The review-request job: every order the customer has had for `REVIEW_REQUEST_DAYS` (delivered, or
 * shipped in full when no delivery is reported, or placed when nothing ships; see the orders module)
 * gets one e-mail inviting them to review its products, leaving out products the account already
 * reviewed (no e-mail when none is left). The request row (reviews module) and the queued e-mail
 * (outbox) are written in one transaction, and the row is claimed first-come, so an order is asked
 * once however many sweeps or processes run. Orders older than the delay plus 30 days are left
 * alone. Also removes review photos uploaded more than a day ago that no review uses.
 */
export async function sweepReviewRequests(
  ctx: AppContext,
  now = new Date(),
): Promise<ReviewRequestSweepResult> {
  const result: ReviewRequestSweepResult = {
    sent: 0,
    skipped: 0,
    photosRemoved: await deleteUnusedPhotos(ctx.db, new Date(now.getTime() - dayMs)),
  };
  const days = ctx.config.reviews.requestDays;
  if (days === 0) return result;
  const shop = { ...ctx.config, storeName: (await storeIdentity(ctx.db, ctx.config)).name };
  const to = new Date(now.getTime() - days * dayMs);
  const from = new Date(to.getTime() - lookbackDays * dayMs);
  let afterId: string | undefined;
  for (;;) {
    const ids = await ordersReceivedBetween(ctx.db, { from, to, afterId, limit: 200 });
    if (ids.length === 0) break;
    afterId = ids[ids.length - 1];
    const done = await requestedOrderIds(ctx.db, ids);
    for (const orderId of ids) {
      if (done.has(orderId)) continue;
      const { order, lines } = await getOrderAndLines(ctx.db, orderId);
      const products = [
        ...new Map(
          lines.map(
            (l) =>
              [l.productId, { productId: l.productId, name: l.productName, slug: l.productSlug }] as const,
          ),
        ).values(),
      ];
      const reviewed = order.userId
        ? await reviewedProductIds(
            ctx.db,
            order.userId,
            products.map((p) => p.productId),
          )
        : new Set<string>();
      const left = products.filter((p) => !reviewed.has(p.productId));
      // An erased customer's order keeps an undeliverable placeholder address.
      const send = left.length > 0 && !order.email.endsWith(".invalid");
      const claimed = await ctx.db.transaction(async (tx) => {
        if (!(await claimReviewRequest(tx, orderId, send ? "sent" : "skipped"))) return false;
        if (send) await queueMail(tx, { to: order.email, ...reviewRequestEmail(shop, order, left) });
        return true;
      });
      if (claimed) result[send ? "sent" : "skipped"]++;
    }
    if (ids.length < 200) break;
  }
  return result;
}
