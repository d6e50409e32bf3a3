import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLuma } from "../../src/importers/luma.ts";
import { trainRecommendations } from "../../src/modules/recommendations/index.ts";
import { reindexAll } from "../../src/modules/search/index.ts";
import { lumaPath, testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

/**
 * Discovery end to end on the Luma demo store: search with autocomplete, two facets, a product with
 * its reviews and recommendations, a guest's wish kept through signing in.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
const email = "finder@example.com";
const password = "Quiet-harbour-4817";

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: base });
  const summary = await importLuma(t.ctx, lumaPath);
  expect(summary.failed).toEqual([]);
  await reindexAll(t.ctx.db);
  await trainRecommendations(t.ctx.db);
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: { name: "Fran Finder", email, password },
  });
  expect(signUp.statusCode).toBe(200);
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("search and discovery in Chromium", () => {
  it("autocomplete, two facets, reviews and recommendations, a wish kept through sign-in", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);

    // Autocomplete: suggestions while typing, keyboard to the results page.
    const box = page.getByRole("combobox", { name: "Search products" });
    await box.click();
    await box.pressSequentially("jacket", { delay: 30 });
    const suggestions = page.getByRole("listbox", { name: "Search suggestions" });
    await suggestions
      .getByRole("option", { name: /Jackets/ })
      .first()
      .waitFor();
    expect(await suggestions.getByTestId("search-suggestion-product").count()).toBeGreaterThan(0);
    expect(await box.getAttribute("aria-expanded")).toBe("true");
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=jacket/);
    const total = page.getByTestId("search-total");
    await total.waitFor();
    const before = Number((await total.textContent())!.match(/\d+/)![0]);
    expect(before).toBeGreaterThanOrEqual(17);

    // Two facets from different groups narrow the results (AND), each is undoable.
    await page.getByTestId("facet-option:size").getByRole("checkbox", { name: /^M\b/ }).check();
    await page.waitForURL(/option=size%3AM/);
    await page
      .getByTestId("facet-option:color")
      .getByRole("checkbox", { name: /^Blue\b/ })
      .check();
    await page.waitForURL(/option=color%3ABlue/);
    await expect.poll(async () => Number((await total.textContent())!.match(/\d+/)![0])).toBeLessThan(before);
    await page
      .getByTestId("active-filters")
      .getByRole("button", { name: /Remove filter/ })
      .first()
      .waitFor();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);

    // A reviewed product from the results: its reviews and a recommendations row.
    const results = page.getByTestId("search-results");
    const first = results
      .getByRole("listitem")
      .filter({ has: page.getByRole("img", { name: /out of 5/ }) })
      .first()
      .getByRole("link")
      .first();
    const productName = (await first.textContent())!.trim();
    await first.click();
    await page.waitForURL(/\/products\//);
    await page.getByRole("heading", { name: "Customer reviews" }).waitFor();
    await page
      .getByRole("img", { name: /Rated \d(\.\d)? out of 5 stars/ })
      .first()
      .waitFor();
    await page.getByRole("heading", { name: "Similar products" }).waitFor({ timeout: 15_000 });

    // A guest's wish, kept in the browser, joins the account at sign-in.
    const save = page.getByRole("button", { name: "Save to wishlist" });
    await save.click();
    await expect.poll(() => save.getAttribute("aria-pressed")).toBe("true");
    await page.goto(`${base}/sign-in?next=/account/wishlists`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/account\/wishlists$/);
    await page
      .getByRole("list", { name: "Items in My wishlist" })
      .getByText(productName.split("\n")[0]!, { exact: false })
      .first()
      .waitFor({ timeout: 15_000 });
    await context.close();
  }, 120_000);
});
