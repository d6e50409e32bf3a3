import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, ensureBuiltInRoles, saveCustomRole } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, openAdminSection, seriousViolations } from "./support.ts";

/**
 * The category tree editor in the admin, in Chromium: a staff member whose only role is the built-in
 * catalog_manager creates a subcategory of Gear with an uploaded image, renames it, moves it to the top
 * level and up one place (the store API and the storefront follow); a second session that edited the
 * same category is told its save is stale and Reload brings the newer version; deleting a category with
 * subcategories is refused with the API's reason; a staff member with catalog:read only sees no editing.
 */
const manager = { email: "cat@shop.test", password: "Steady-heron-9031", name: "Cat Manager" };
const viewer = { email: "viewer@shop.test", password: "Quiet-lantern-2284", name: "Vi Viewer" };

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

/** Signs up through the API; returns the user id. */
async function signUp(person: { name: string; email: string; password: string }) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: person,
  });
  expect(res.statusCode).toBe(200);
  return res.json().user.id as string;
}

async function signIn(context: BrowserContext, person: { email: string; password: string }) {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  await openAdminSection(page, "Categories");
  return page;
}

const tree = (page: Page) => page.getByTestId("category-tree");
const editor = (page: Page) => page.getByTestId("category-editor");
/** The button that opens a category in the editor (its name starts with the category's). */
const node = (page: Page, name: string) => tree(page).getByRole("button", { name, exact: true });
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim());

async function category(slug: string) {
  const [row] = await queryRows<{
    id: string;
    name: string;
    parent_id: string | null;
    position: number;
    image_id: string | null;
    description: string;
    version: number;
  }>(
    t.ctx.db,
    sql`select id, name, parent_id, position, image_id, description, version from categories where slug = ${slug}`,
  );
  return row;
}

interface StoreCategory {
  slug: string;
  name: string;
  image: { url: string } | null;
  children: StoreCategory[];
}

beforeAll(async () => {
  for (const app of ["admin", "storefront"]) {
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`))) {
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
    }
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: base });
  await seedShop(t.ctx);
  await ensureBuiltInRoles(t.ctx.db);
  const managerId = await signUp(manager);
  await assignRole(t.ctx.db, managerId, "catalog_manager");
  const viewerId = await signUp(viewer);
  await saveCustomRole(
    t.ctx.db,
    { key: "catalog_viewer", name: "Catalog viewer", permissions: ["catalog:read"] },
    { actorId: managerId },
  );
  await assignRole(t.ctx.db, viewerId, "catalog_viewer");
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("category tree editor in the admin", () => {
  it("creates, renames, moves and reorders a category; a stale save is refused with a reload", async () => {
    fs.mkdirSync("/tmp/shots", { recursive: true });
    const gear = await category("gear");
    const first = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(first, manager);

    // The tree, indented: Tees inside Gear, with product counts.
    await node(page, "Gear").waitFor();
    const gearItem = tree(page).getByTestId("category-gear");
    expect(await gearItem.getByTestId("category-tees").count()).toBe(1);
    expect(await gearItem.getByText("2 products").count()).toBe(1);
    // Fold and unfold Gear's subcategories.
    const fold = page.getByRole("button", { name: "Subcategories of Gear" });
    expect(await fold.getAttribute("aria-expanded")).toBe("true");
    await fold.click();
    await node(page, "Tees").waitFor({ state: "detached" });
    expect(await fold.getAttribute("aria-expanded")).toBe("false");
    await fold.click();
    await node(page, "Tees").waitFor();

    // Open Gear: focus goes to the editor's heading.
    await node(page, "Gear").click();
    await editor(page).getByRole("heading", { level: 2, name: "Gear" }).waitFor();
    await expect.poll(() => focusedText(page)).toBe("Gear");
    expect(await node(page, "Gear").getAttribute("aria-current")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);

    // A subcategory of Gear with an image uploaded from a file.
    await editor(page).getByRole("button", { name: "Add subcategory" }).click();
    await editor(page).getByRole("heading", { level: 2, name: "New subcategory of Gear" }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("name");
    expect(await editor(page).getByLabel("Parent category").inputValue()).toBe(gear!.id);
    await editor(page).getByLabel("Name").fill("Backpacks");
    // A URL another category has: the API's message shows next to the field, which takes focus.
    const slug = editor(page).getByLabel("URL slug");
    await slug.fill("tees");
    await editor(page).getByRole("button", { name: "Create category" }).click();
    await editor(page).getByText('"tees" is the URL of another category').waitFor();
    expect(await slug.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("slug");
    await slug.fill("");
    const png = await sharp({
      create: { width: 96, height: 64, channels: 3, background: { r: 30, g: 110, b: 70 } },
    })
      .png()
      .toBuffer();
    await editor(page)
      .getByLabel("Upload an image")
      .setInputFiles({ name: "backpacks.png", mimeType: "image/png", buffer: png });
    await editor(page).getByText("Image uploaded.").waitFor();
    const preview = editor(page).getByRole("img", { name: "Preview for the Backpacks category" });
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await editor(page).getByRole("button", { name: "Create category" }).click();
    await page.getByText("Category created").first().waitFor();
    await editor(page).getByRole("heading", { level: 2, name: "Backpacks" }).waitFor();
    await gearItem.getByTestId("category-backpacks").waitFor();
    const created = await category("backpacks");
    expect(created).toMatchObject({ name: "Backpacks", parent_id: gear!.id, position: 1 });
    expect(created!.image_id).toMatch(/^img_/);
    expect(await editor(page).getByTestId("category-place").textContent()).toBe("2 of 2 under Gear.");

    // Rename it.
    await editor(page).getByLabel("Name").fill("Trail Backpacks");
    await editor(page).getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Category saved").first().waitFor();
    await editor(page).getByRole("heading", { level: 2, name: "Trail Backpacks" }).waitFor();
    await node(page, "Trail Backpacks").waitFor();
    expect((await category("backpacks"))?.name).toBe("Trail Backpacks");

    // Move it to the top level (it goes last), then up one place.
    const parentSelect = editor(page).getByLabel("Parent category");
    const parents = await parentSelect.locator("option").allTextContents();
    expect(parents).toEqual(["Top level", "Gear", "Gear / Tees"]); // not itself
    await parentSelect.selectOption({ label: "Top level" });
    await editor(page).getByRole("button", { name: "Move", exact: true }).click();
    await editor(page).getByTestId("category-place").getByText("2 of 2 at the top level.").waitFor();
    expect(await gearItem.getByTestId("category-backpacks").count()).toBe(0);
    await editor(page).getByRole("button", { name: "Move up" }).click();
    await editor(page).getByTestId("category-place").getByText("1 of 2 at the top level.").waitFor();
    // Move up is now disabled: focus went to Move down rather than being lost.
    expect(await editor(page).getByRole("button", { name: "Move up" }).isDisabled()).toBe(true);
    await expect.poll(() => focusedText(page)).toBe("Move down");
    const roots = await tree(page)
      .locator("ul")
      .first()
      .locator(":scope > li")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-testid")));
    expect(roots).toEqual(["category-backpacks", "category-gear"]);
    expect(await category("backpacks")).toMatchObject({ parent_id: null, position: 0 });

    // The shop follows: the store API's tree and the category page.
    const store = await first.request.get(`${base}/api/store/categories`);
    expect(store.status()).toBe(200);
    const items = ((await store.json()) as { items: StoreCategory[] }).items;
    expect(items.map((c) => c.slug)).toEqual(["backpacks", "gear"]);
    expect(items[0]).toMatchObject({ name: "Trail Backpacks" });
    expect(items[0]!.image).not.toBeNull();
    expect(items[1]!.children.map((c) => c.slug)).toEqual(["tees"]);
    const shop = await first.newPage();
    await shop.goto(`${base}/categories/backpacks`);
    await shop.getByRole("heading", { level: 1, name: "Trail Backpacks" }).waitFor();
    await shop.close();

    expect(await seriousViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0)); // the tree panel is sticky: shoot it in place
    await page.screenshot({ path: "/tmp/shots/admin-categories-1280.png", fullPage: true });

    // A second session, on a phone, opens the same category and starts editing it...
    const second = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
    });
    const phone = await signIn(second, manager);
    await node(phone, "Trail Backpacks").click();
    await editor(phone).getByRole("heading", { level: 2, name: "Trail Backpacks" }).waitFor();
    await editor(phone).getByLabel("Description", { exact: true }).fill("Packs for day hikes.");

    // ...while the first one saves a new name.
    await editor(page).getByLabel("Name").fill("Summit Backpacks");
    await editor(page).getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Category saved").first().waitFor();
    await editor(page).getByRole("heading", { level: 2, name: "Summit Backpacks" }).waitFor();

    // The second save is refused: nothing is overwritten, and Reload shows the newer version.
    await editor(phone).getByRole("button", { name: "Save changes" }).click();
    const stale = editor(phone).getByTestId("stale-notice");
    await stale.getByText("someone else changed this category").waitFor();
    await expect
      .poll(() => phone.evaluate(() => document.activeElement?.getAttribute("role")))
      .toBe("status");
    expect(await category("backpacks")).toMatchObject({ name: "Summit Backpacks", description: "" });
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: "/tmp/shots/admin-categories-390.png", fullPage: true });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await stale.getByRole("button", { name: "Reload" }).click();
    await stale.waitFor({ state: "detached" });
    expect(await editor(phone).getByLabel("Name").inputValue()).toBe("Summit Backpacks");
    expect(await editor(phone).getByLabel("Description", { exact: true }).inputValue()).toBe("");
    await editor(phone).getByRole("heading", { level: 2, name: "Summit Backpacks" }).waitFor();
    // Applied again on the new version, the change saves.
    await editor(phone).getByLabel("Description", { exact: true }).fill("Packs for day hikes.");
    await editor(phone).getByRole("button", { name: "Save changes" }).click();
    await phone.getByText("Category saved").first().waitFor();
    expect((await category("backpacks"))?.description).toBe("Packs for day hikes.");
    await second.close();

    // Deleting Gear is refused while it has subcategories; the dialog says why.
    await node(page, "Gear").click();
    await editor(page).getByRole("heading", { level: 2, name: "Gear" }).waitFor();
    await editor(page).getByRole("button", { name: "Delete category" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Delete Gear?" });
    await confirm.getByRole("button", { name: "Delete category" }).click();
    await confirm.getByText("Move or delete its subcategories first").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await category("gear")).toBeDefined();

    // Summit Backpacks has none: it goes, and focus returns to the tree.
    await node(page, "Summit Backpacks").click();
    await editor(page).getByRole("heading", { level: 2, name: "Summit Backpacks" }).waitFor();
    // Opening it read the tree again: the form shows the other session's save (nothing was typed here).
    await expect
      .poll(() => editor(page).getByLabel("Description", { exact: true }).inputValue())
      .toBe("Packs for day hikes.");
    await editor(page).getByRole("button", { name: "Delete category" }).click();
    const confirmBags = page.getByRole("alertdialog", { name: "Delete Summit Backpacks?" });
    await confirmBags.getByRole("button", { name: "Delete category" }).click();
    await page.getByText("Category deleted").first().waitFor();
    await node(page, "Summit Backpacks").waitFor({ state: "detached" });
    await expect.poll(() => focusedText(page)).toBe("Category tree");
    expect(await category("backpacks")).toBeUndefined();
    await first.close();
  });

  it("is read-only for staff without catalog:write", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context, viewer);
    await node(page, "Gear").click();
    await editor(page).getByRole("heading", { level: 2, name: "Gear" }).waitFor();
    await editor(page).getByText("changing them needs the").waitFor();
    expect(await editor(page).getByLabel("Name").isDisabled()).toBe(true);
    for (const name of ["Save changes", "Move up", "Delete category", "Add subcategory"])
      expect(await page.getByRole("button", { name }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "New category" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
