import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, cacheTtlMs: 0, publicUrl: base });
  await seedShop(t.ctx);
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("wishlists in Chromium", () => {
  it("guest hearts, merges at sign-up, moves to cart, shares read-only", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const heart = page.getByRole("button", { name: "Save Camp Mug to wishlist" });
    await heart.waitFor();
    expect(await heart.getAttribute("aria-pressed")).toBe("false");
    await heart.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => heart.getAttribute("aria-pressed")).toBe("true");
    await page.getByRole("link", { name: "Wishlist, 1 item" }).click();
    await page.waitForURL(/\/wishlist$/);
    await page.getByRole("list", { name: "Items in your wishlist" }).getByText("Camp Mug").waitFor();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${base}/sign-up?next=/account/wishlists`);
    await page.getByLabel("Name").fill("Wish Shopper");
    await page.getByLabel("Email").fill("wish@example.com");
    await page.getByLabel("Password").fill("Plum-orchard-2931");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/account\/wishlists$/);
    await page
      .getByRole("list", { name: "Items in My wishlist" })
      .getByText("Camp Mug")
      .waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => localStorage.getItem("bazaar.wishlist.v1"))).toBeNull();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);

    // The product page's labelled toggle, for the chosen variant.
    await page.goto(`${base}/products/trail-tee`);
    const add = page.getByRole("button", { name: "Save to wishlist" });
    await add.click();
    await expect.poll(() => add.getAttribute("aria-pressed")).toBe("true");
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${base}/account/wishlists`);
    await page.getByRole("button", { name: "Move to cart: Camp Mug" }).click();
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("1");
    await page.getByRole("link", { name: "Choose options of Trail Tee" }).waitFor();
    // The list re-renders after the move: wait for it rather than read it once.
    await expect
      .poll(() => page.getByRole("list", { name: "Items in My wishlist" }).getByText("Camp Mug").count())
      .toBe(0);
    await page.getByTestId("cart-live").getByText("Moved Camp Mug to your cart.").waitFor();

    await page.getByRole("button", { name: "Create share link" }).click();
    const url = await page.getByLabel("Share link").inputValue();
    expect(url).toMatch(/\/wishlists\/shared\//);

    const friend = await browser.newContext({ viewport: { width: 390, height: 800 }, bypassCSP: true });
    const view = await friend.newPage();
    await view.goto(url);
    await view.getByRole("heading", { name: "My wishlist" }).waitFor();
    await view.getByText("Trail Tee").first().waitFor();
    expect(await view.getByRole("button", { name: /Remove|Move/ }).count()).toBe(0);
    await view.waitForLoadState("networkidle");
    expect(await seriousViolations(view)).toEqual([]);
    const overflow = await view.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole("button", { name: "Stop sharing" }).click();
    await page.getByRole("button", { name: "Create share link" }).waitFor();
    await view.reload();
    await view.getByRole("heading", { name: "This link no longer works" }).waitFor();

    // Phone width: nothing overflows sideways on the account page.
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow2).toBeLessThanOrEqual(0);
    await context.close();
    await friend.close();
  });
});
