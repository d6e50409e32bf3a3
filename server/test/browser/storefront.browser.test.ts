import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { importLuma } from "../../src/importers/luma.ts";
import type { ProductDetailDto } from "../../src/modules/catalog/index.ts";
import { testApp } from "../helpers.ts";
import { launchChromium, seriousViolations } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/storefront/dist/index.html"))) {
    throw new Error("Build the storefront first: npm run build");
  }
  t = await testApp({ serveStorefront: true, cacheTtlMs: 30_000 });
  const summary = await importLuma(t.ctx, t.ctx.config.lumaPath);
  expect(summary.failed).toEqual([]);
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("storefront in Chromium", () => {
  it("opens a category, filters by size, opens a product, picks a variant and sees its price and stock", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/categories/tops-men`);
    await expect.poll(() => page.getByTestId("product-card").count()).toBeGreaterThan(10);
    const countBefore = await page.getByTestId("product-count").textContent();

    await page.getByRole("group", { name: "Size" }).getByLabel("XS", { exact: true }).check();
    await expect.poll(() => page.url()).toContain("option.size=XS");
    await expect.poll(() => page.getByTestId("product-card").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("product-count").textContent()).toMatch(/\d+ products?/);
    expect(countBefore).toMatch(/\d+ products?/);

    // The first card's image is a WebP size that really loads.
    const firstImage = page.getByTestId("product-card").first().locator("img");
    await expect
      .poll(() => firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    expect(await firstImage.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(/\.webp$/);

    await page.getByTestId("product-card").first().getByRole("link").first().click();
    await page.waitForURL(/\/products\//);
    const slug = new URL(page.url()).pathname.split("/").pop()!;
    const product = (await (await fetch(`${base}/api/store/products/${slug}`)).json()) as ProductDetailDto;
    const variant = product.variants.find((v) => v.options.size === "M" && v.stockStatus !== "out_of_stock")!;
    expect(variant).toBeTruthy();

    await page
      .getByRole("radiogroup", { name: "Size" })
      .getByRole("radio", { name: "M", exact: true })
      .click();
    await page
      .getByRole("radiogroup", { name: "Color" })
      .getByRole("radio", { name: variant.options.color!, exact: true })
      .click();

    await expect.poll(() => page.getByTestId("variant-sku").textContent()).toContain(variant.sku);
    const dollars = `$${(variant.price.amount / 100).toFixed(2)}`;
    expect(await page.getByTestId("product-price").textContent()).toContain(dollars);
    expect(await page.getByTestId("stock-status").textContent()).toMatch(/In stock|Only \d+ left/);
    await expect.poll(() => page.getByRole("button", { name: "Add to cart" }).isEnabled()).toBe(true);
    await page.close();
  });

  it("renders title, description and Product JSON-LD for a product page without JavaScript", async () => {
    const html = await (
      await fetch(`${base}/products/chaz-kangeroo-hoodie`, { headers: { accept: "text/html" } })
    ).text();
    expect(html).toContain("<title data-ssr-head>Chaz Kangeroo Hoodie | Bazaar</title>");
    expect(html).toMatch(/<meta data-ssr-head name="description" content="[^"]+">/);
    const jsonLd = JSON.parse(
      /<script data-ssr-head type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect(jsonLd).toMatchObject({ "@type": "Product", name: "Chaz Kangeroo Hoodie", sku: "MH01" });
    expect(jsonLd.offers).toMatchObject({
      priceCurrency: "USD",
      lowPrice: "52.00",
      availability: "https://schema.org/InStock",
    });

    const page = await browser.newPage();
    await page.goto(`${base}/products/chaz-kangeroo-hoodie`);
    await expect.poll(() => page.title()).toContain("Chaz Kangeroo Hoodie");
    expect(await page.locator('script[type="application/ld+json"]').count()).toBeGreaterThan(0);
    await page.close();
    const missing = await fetch(`${base}/products/no-such-thing`, { headers: { accept: "text/html" } });
    expect(missing.status).toBe(404);
  });

  it.each([
    ["home", "/"],
    ["category", "/categories/women"],
    ["product", "/products/chaz-kangeroo-hoodie"],
  ])(
    "has no serious or critical accessibility violations on the %s page (desktop and phone)",
    async (_name, url) => {
      for (const viewport of [
        { width: 1280, height: 900 },
        { width: 375, height: 812 },
      ]) {
        const page = await browser.newPage({ viewport, bypassCSP: true }); // only so the test can inject axe-core
        await page.goto(`${base}${url}`);
        await page.locator("h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        expect(await seriousViolations(page)).toEqual([]);
        // Nothing overflows sideways on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.close();
      }
    },
  );

  it("is keyboard operable: skip link, then the variant picker by keys", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/products/chaz-kangeroo-hoodie`);
    await page.locator("h1").first().waitFor();
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused.toLowerCase()).toContain("skip");
    const xs = page.getByRole("radiogroup", { name: "Size" }).getByRole("radio", { name: "XS", exact: true });
    await xs.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => xs.getAttribute("aria-checked")).toBe("true");
    await page.close();
  });
});
