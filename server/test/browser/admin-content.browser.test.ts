import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, saveCustomRole } from "../../src/modules/staff/index.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, openAdminSection, seriousViolations } from "./support.ts";

/**
 * The content screen in Chromium: a staff member whose only role grants `cms:write` (and
 * `catalog:read`, for the category and product pickers) adds a hero banner to the home page (heading,
 * uploaded image, link) and publishes it, and the storefront's home page shows it; writes a page, sees
 * it stay out of the store while a draft, publishes it, and the storefront serves it at /pages/<slug>
 * with its title rendered by the server; a save over someone else's is refused with a Reload; the
 * announcement bar and a footer link show in the store once published. Axe-clean at 1280 and 390 px.
 */
const editor = { email: "content@shop.test", password: "Steady-heron-9031", name: "Cleo Content" };
const shots = "/tmp/shots";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let cookie: string;
let photo: string;

beforeAll(async () => {
  for (const app of ["admin", "storefront"])
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`)))
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: `http://localhost:${port}` });
  await seedShop(t.ctx);
  await saveCustomRole(
    t.ctx.db,
    { key: "content_editor", name: "Content editor", permissions: ["cms:write", "catalog:read"] },
    { actorId: "test" },
  );
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: editor,
  });
  expect(signUp.statusCode).toBe(200);
  cookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  await assignRole(t.ctx.db, signUp.json().user.id, "content_editor");
  fs.mkdirSync(shots, { recursive: true });
  photo = path.join(fs.mkdtempSync(path.join(t.ctx.config.storageDir, "photos-")), "trail.png");
  await sharp({
    create: { width: 1200, height: 620, channels: 3, background: { r: 40, g: 110, b: 90 } },
  })
    .png()
    .toFile(photo);
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(editor.email);
  await page.getByLabel("Password").fill(editor.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  await openAdminSection(page, "Content");
  return page;
}

const tab = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Content sections" }).getByRole("link", { name, exact: true });

async function checkStorefront(url: string, name: string, ready: (page: Page) => Promise<unknown>) {
  for (const viewport of [
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}${url}`);
    await ready(page);
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/store-${name}-${viewport.width}.png`, fullPage: true });
    await context.close();
  }
}

describe("the content screen in Chromium", () => {
  it("adds a hero banner with an uploaded image and a link to the home page, publishes it, and the store shows it", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page.getByRole("grid", { name: "Pages" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-content-pages-1280.png`, fullPage: true });

    await tab(page, "Home page").click();
    // Never saved: the editor starts from the store's default sections.
    const tiles = page.getByRole("group", { name: "Section 1: Featured categories" });
    await tiles.waitFor();
    expect(await page.getByTestId("publication-status").first().textContent()).toBe("Draft: not published");
    await page.getByLabel("New section").selectOption("hero");
    await page.getByRole("button", { name: "Add section" }).click();
    const added = page.getByRole("group", { name: "Section 3: Hero banner" });
    await added.getByRole("button", { name: /Move up/ }).click();
    await page
      .getByRole("group", { name: "Section 2: Hero banner" })
      .getByRole("button", { name: /Move up/ })
      .click();
    const hero = page.getByRole("group", { name: "Section 1: Hero banner" });
    await hero.getByLabel("Heading").fill("Trail season is here");
    await hero.getByLabel("Text", { exact: true }).fill("Light layers and tough gear for long days outside.");
    await hero.getByLabel("Link URL").fill("/categories/gear");
    await hero.getByLabel("Button text").fill("Shop gear");
    await hero.getByLabel("Upload image").setInputFiles(photo);
    await hero.getByRole("img", { name: "Banner: Trail season is here" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-content-home-1280.png`, fullPage: true });

    // A link the store could not follow is refused, naming the field.
    await hero.getByLabel("Link URL").fill("javascript:alert(1)");
    await page.getByRole("button", { name: "Save draft" }).click();
    await poll(() => hero.getByLabel("Link URL").getAttribute("aria-invalid")).toBe("true");
    await hero.getByLabel("Link URL").fill("/categories/gear");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await poll(() => page.getByTestId("publication-status").first().textContent()).toBe("Published");

    // At phone width the editor stays usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${shots}/admin-content-home-390.png`, fullPage: true });
    const adminOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(adminOverflow).toBeLessThanOrEqual(0);
    await context.close();

    const home = (await (await fetch(`${base}/api/store/content/home`)).json()) as {
      isDefault: boolean;
      sections: { type: string }[];
    };
    expect(home.isDefault).toBe(false);
    expect(home.sections.map((s) => s.type)).toEqual(["hero", "featured_categories", "product_carousel"]);

    await checkStorefront("/", "home", async (store) => {
      const banner = store.getByTestId("hero-banner");
      await banner.getByRole("heading", { level: 1, name: "Trail season is here" }).waitFor();
      expect(await banner.getByText("Light layers and tough gear").count()).toBe(1);
      const link = banner.getByRole("link", { name: "Shop gear" });
      expect(await link.getAttribute("href")).toBe("/categories/gear");
      const image = banner.locator("img");
      await poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
        true,
      );
      expect(await image.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(
        /\/media\/images\/.+\.webp$/,
      );
      await store.getByTestId("product-carousel").getByText("Camp Mug").waitFor();
    });
    // The shopper follows the banner's link.
    const shopper = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await shopper.goto(`${base}/`);
    await shopper.getByTestId("hero-banner").getByRole("link", { name: "Shop gear" }).click();
    await shopper.waitForURL(/\/categories\/gear$/);
    await shopper.close();
  });

  it("writes a page, keeps it out of the store while a draft, publishes it with a server-rendered title, and refuses a stale save", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page.getByRole("link", { name: "New page" }).click();
    await page.getByRole("heading", { level: 1, name: "New page" }).waitFor();
    await page.getByLabel("Title", { exact: true }).fill("Shipping and returns");
    expect(await page.getByLabel("URL slug").inputValue()).toBe("shipping-and-returns");
    await page.getByRole("textbox", { name: "Body", exact: true }).fill("We ship within two days.");
    await page.getByLabel("Meta description").fill("How and when we ship, and how to return an item.");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(/\/admin\/content\/pages\/cnt_/);
    await page.getByRole("heading", { level: 1, name: "Shipping and returns" }).waitFor();
    expect(await page.getByTestId("publication-status").textContent()).toBe("Draft: not published");
    const id = page.url().split("/").pop()!;
    // A draft is not in the store.
    expect((await fetch(`${base}/api/store/content/pages/shipping-and-returns`)).status).toBe(404);
    expect(
      (await fetch(`${base}/pages/shipping-and-returns`, { headers: { accept: "text/html" } })).status,
    ).toBe(404);
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);

    const body = page.getByRole("textbox", { name: "Body", exact: true });
    await body.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Returns are free for 30 days.");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await poll(() => page.getByTestId("publication-status").textContent()).toBe("Published");
    await page.getByRole("link", { name: /View in store/ }).waitFor();
    await page.screenshot({ path: `${shots}/admin-content-page-1280.png`, fullPage: true });

    const html = await (
      await fetch(`${base}/pages/shipping-and-returns`, { headers: { accept: "text/html" } })
    ).text();
    expect(html).toContain("<title data-ssr-head>Shipping and returns | Bazaar</title>");
    expect(html).toContain(
      '<meta data-ssr-head name="description" content="How and when we ship, and how to return an item.">',
    );
    await checkStorefront("/pages/shipping-and-returns", "page", async (store) => {
      await store.getByRole("heading", { level: 1, name: "Shipping and returns" }).waitFor();
      await store.getByText("Returns are free for 30 days.").waitFor();
      expect(await store.title()).toBe("Shipping and returns | Bazaar");
    });

    // Someone else saves the page while this editor has it open: this save is refused, Reload shows theirs.
    const current = await t.app.inject({
      method: "GET",
      url: `/api/admin/content/pages/${id}`,
      headers: { cookie },
    });
    const theirs = await t.app.inject({
      method: "PUT",
      url: `/api/admin/content/pages/${id}`,
      headers: { cookie, origin: t.ctx.config.publicUrl, "if-match": current.headers.etag as string },
      payload: { slug: "shipping-and-returns", title: "Shipping & returns", body: "<p>Theirs.</p>" },
    });
    expect(theirs.statusCode).toBe(200);
    await page.getByLabel("Title", { exact: true }).fill("Shipping, returns and exchanges");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByRole("alert").filter({ hasText: "Someone else saved the page" }).waitFor();
    await page.getByRole("button", { name: "Reload the page" }).click();
    await poll(() => page.getByLabel("Title", { exact: true }).inputValue()).toBe("Shipping & returns");
    expect(await page.getByTestId("publication-status").textContent()).toBe(
      "Published, with unpublished changes",
    );
    await context.close();
  });

  it("publishes the announcement bar and a footer link; the store shows both", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await tab(page, "Announcement bar").click();
    await page.getByLabel("Show the bar").check();
    await page.getByLabel("Text", { exact: true }).fill("Free shipping on orders over $50");
    await page.getByLabel("Link URL").fill("/pages/shipping-and-returns");
    await page.getByLabel("Colour").selectOption("promo");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await poll(() => page.getByTestId("publication-status").textContent()).toBe("Published");
    expect(await seriousViolations(page)).toEqual([]);

    await tab(page, "Menus").click();
    const footer = page.getByRole("region", { name: "Footer links" });
    await footer.getByRole("button", { name: "Add link to the footer links" }).click();
    await footer.getByLabel("Label").fill("Shipping and returns");
    await footer.getByLabel("URL").fill("/pages/shipping-and-returns");
    await footer.getByRole("button", { name: "Publish the footer links" }).click();
    await poll(() => footer.getByTestId("publication-status").textContent()).toBe("Published");
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-content-menus-1280.png`, fullPage: true });
    await context.close();

    await checkStorefront("/", "layout", async (store) => {
      const bar = store.getByRole("region", { name: "Announcement" });
      await bar.getByRole("link", { name: /Free shipping on orders over \$50/ }).waitFor();
      await store
        .getByRole("navigation", { name: "Footer" })
        .getByRole("link", { name: "Shipping and returns" })
        .waitFor();
      // No main menu is published: the header keeps the category navigation.
      // (On a phone the navigation is behind the menu button.)
      await store
        .locator('nav[aria-label="Main"] a', { hasText: "Gear" })
        .first()
        .waitFor({ state: "attached" });
    });
  });
});
