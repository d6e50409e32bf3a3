import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { downloadsOfProducts, type ProductDownload } from "../catalog/index.ts";
import { resolveAuthSecret } from "../customers/index.ts";
import { getOrderWithLines, type OrderLineRow, type OrderRow } from "./orders.service.ts";

/** How long a download link works after it was shown, in hours. */
export const downloadLinkHours = 24;

/** Order states in which bought files may be downloaded (paid, not cancelled or refunded). */
const downloadable = ["processing", "partially_shipped", "shipped", "delivered", "completed"];

/** A link to a bought file. */
export interface DownloadLink {
  title: string;
  fileName: string;
  bytes: number;
  /** `/api/store/downloads?token=<token>`; works until `expiresAt`. */
  url: string;
  expiresAt: string;
}

function sign(secret: string, payload: string): string {
  return createHmac("sha256", `downloads:${secret}`).update(payload).digest("base64url");
}

/**
 * Signed, expiring links to the files of an order's digital lines, once the order is paid. The token
 * is `<orderId>.<downloadId>.<expiry unix seconds>.<HMAC-SHA256>`: nothing is stored, a changed
 * part breaks the signature, and the order's state is checked again on every download.
 */
export async function downloadLinks(
  ctx: AppContext,
  order: OrderRow,
  lines: OrderLineRow[],
  now = Date.now(),
): Promise<DownloadLink[]> {
  if (!downloadable.includes(order.status) || order.paymentStatus !== "paid") return [];
  const productIds = [...new Set(lines.filter((l) => l.isDigital).map((l) => l.productId))];
  const files = await downloadsOfProducts(ctx.db, productIds);
  const expires = Math.floor(now / 1000) + downloadLinkHours * 3600;
  const secret = resolveAuthSecret(ctx.config);
  return files.map((f) => {
    const payload = `${order.id}.${f.id}.${expires}`;
    return {
      title: f.title,
      fileName: f.fileName,
      bytes: f.bytes,
      url: `/api/store/downloads?token=${payload}.${sign(secret, payload)}`,
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  });
}

/**
 * Checks a download token and returns the file it grants.
 * @throws AppError 403 DOWNLOAD_LINK_INVALID (forged or malformed), 410 DOWNLOAD_LINK_EXPIRED,
 *   403 DOWNLOAD_NOT_AVAILABLE (order no longer paid).
 */
export async function resolveDownload(
  ctx: AppContext,
  token: string,
  now = Date.now(),
): Promise<ProductDownload> {
  const parts = token.split(".");
  if (parts.length !== 4)
    throw new AppError(403, "DOWNLOAD_LINK_INVALID", "This download link is not valid.");
  const [orderId, downloadId, expires, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(resolveAuthSecret(ctx.config), `${orderId}.${downloadId}.${expires}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError(403, "DOWNLOAD_LINK_INVALID", "This download link is not valid.");
  }
  if (Number(expires) * 1000 < now) {
    throw new AppError(
      410,
      "DOWNLOAD_LINK_EXPIRED",
      "This download link has expired. Open your order again for a new one.",
    );
  }
  const { order, lines } = await getOrderWithLines(ctx.db, orderId);
  if (!downloadable.includes(order.status) || order.paymentStatus !== "paid") {
    throw new AppError(403, "DOWNLOAD_NOT_AVAILABLE", "Files of this order can no longer be downloaded.");
  }
  const files = await downloadsOfProducts(
    ctx.db,
    lines.filter((l) => l.isDigital).map((l) => l.productId),
  );
  const file = files.find((f) => f.id === downloadId);
  if (!file) throw new AppError(403, "DOWNLOAD_LINK_INVALID", "This download link is not valid.");
  return file;
}
