import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/** Digital products: signed, expiring download links once the order is paid; nothing before or after. */
let t: Awaited<ReturnType<typeof testApp>>;
const pdf = Buffer.from("%PDF-1.4\n% Trail guide\n");

beforeAll(async () => {
  t = await testApp();
  await seedShop(t.ctx);
  await t.ctx.storage.put("downloads/trail-guide.pdf", pdf);
  await upsertProduct(t.ctx.db, {
    sku: "EBOOK",
    type: "digital",
    name: "Trail Cookbook (PDF)",
    currency: "USD",
    categorySlugs: ["gear"],
    variants: [{ sku: "EBOOK", priceAmount: 1500, stockQuantity: 0, manageStock: false }],
    downloads: [
      {
        title: "Cookbook",
        storageKey: "downloads/trail-guide.pdf",
        fileName: "Trail Cookbook ü.pdf",
        bytes: pdf.length,
      },
    ],
  });
});
afterAll(async () => {
  await t?.close();
});

describe("digital downloads", () => {
  it("gives a paid guest order a signed link that downloads the file; forged, expired and refunded links fail", async () => {
    const guest = new GuestShopper(t.app);
    const ebook = (await variantIds(t.ctx)).EBOOK!;
    await guest.call("POST", "/api/store/cart/lines", { variantId: ebook, quantity: 1 });
    await guest.call("PUT", "/api/store/cart/email", { email: "reader@example.com" });
    const cart = (
      await guest.call("PUT", "/api/store/cart/billing-address", {
        firstName: "Ada",
        lastName: "Reader",
        line1: "1 Main St",
        city: "Detroit",
        region: "MI",
        postalCode: "48226",
        country: "US",
      })
    ).json();
    expect(cart.requiresShipping).toBe(false);
    const order = (await guest.checkout("ebook-1")).json();
    expect(order).toMatchObject({ status: "processing", fulfillmentStatus: "not_required" });
    expect(order.downloads).toHaveLength(1);
    const link = order.downloads[0];
    expect(link).toMatchObject({ title: "Cookbook", fileName: "Trail Cookbook ü.pdf", bytes: pdf.length });
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);

    const file = await t.app.inject(link.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(file.headers["content-disposition"]).toBe(
      `attachment; filename="Trail Cookbook _.pdf"; filename*=UTF-8''Trail%20Cookbook%20%C3%BC.pdf`,
    );

    const token = link.url.split("token=")[1];
    const parts = token.split(".");
    const forged = [parts[0], parts[1], String(Number(parts[2]) + 3600), parts[3]].join(".");
    expect((await t.app.inject(`/api/store/downloads?token=${forged}`)).json().code).toBe(
      "DOWNLOAD_LINK_INVALID",
    );
    const { resolveDownload } = await import("../src/modules/orders/orders.downloads.ts");
    await expect(resolveDownload(t.ctx, token, Date.now() + 25 * 3600_000)).rejects.toMatchObject({
      code: "DOWNLOAD_LINK_EXPIRED",
    });

    const { refundOrder } = await import("../src/modules/orders/orders.refunds.ts");
    await refundOrder(t.ctx, order.id, {
      amount: order.totals.total,
      reason: "requested_by_customer",
      actor: "staff:test",
      requestKey: "ebook-refund",
    });
    const revoked = await t.app.inject(link.url);
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().code).toBe("DOWNLOAD_NOT_AVAILABLE");
  });
});
