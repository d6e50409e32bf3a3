import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, bootstrapOwner } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { GuestShopper, seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const managerEmail = "catalog@shop.test";
const password = "steady-heron-9031";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let photos: string[];
const shots = "/tmp/shots";

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The merchant opens the admin at 127.0.0.1 while PUBLIC_URL names localhost.
  t = await testApp({ serveStorefront: true, publicUrl: `http://localhost:${port}` });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name: "Cat Manager", email: managerEmail, password },
  });
  expect(signUp.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from users where email = ${managerEmail}`,
  );
  // Only what the task needs: the built-in catalog manager role (catalog, inventory, reviews).
  await assignRole(t.ctx.db, user!.id, "catalog_manager");
  fs.mkdirSync(shots, { recursive: true });
  const dir = fs.mkdtempSync(path.join(t.ctx.config.storageDir, "photos-"));
  photos = [];
  for (const [i, colour] of [
    { r: 30, g: 30, b: 30 },
    { r: 190, g: 170, b: 120 },
  ].entries()) {
    const file = path.join(dir, `hoodie-${i + 1}.png`);
    await sharp({ create: { width: 800, height: 800, channels: 3, background: colour } })
      .png()
      .toFile(file);
    photos.push(file);
  }
  t.ctx.outbox.start();
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.ctx.outbox.stop();
  await t?.close();
});

const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(managerEmail);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

async function productId(sku: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from products where sku = ${sku}`);
  return row!.id;
}

describe("the product editor in Chromium", () => {
  it("creates a configurable product with 2 options x 3 values and two photos, publishes it, and a shopper buys it", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Products", exact: true })
      .click();
    await page.getByRole("heading", { level: 1, name: "Products" }).waitFor();
    await page
      .getByRole("grid", { name: "Products" })
      .getByRole("row")
      .filter({ hasText: "Camp Mug" })
      .waitFor();
    await page.screenshot({ path: `${shots}/admin-products-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "Add product" }).click();
    await page.getByRole("heading", { level: 1, name: "New product" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Ridge Hoodie");
    await page.getByLabel("SKU", { exact: true }).fill("RIDGE");
    await page.getByLabel("Type").selectOption("configurable");
    await page
      .getByRole("textbox", { name: "Description", exact: true })
      .fill("Warm fleece for cold ridges.");
    await page.getByLabel("Choose photos").setInputFiles(photos);
    await poll(() =>
      page.getByRole("list", { name: "Photos, main photo first" }).getByRole("listitem").count(),
    ).toBe(2);

    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option name").nth(0).fill("Size");
    await page.getByLabel("Values").nth(0).fill("S, M, L");
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option name").nth(1).fill("Colour");
    await page.getByLabel("Values").nth(1).fill("Black, Sand");
    await page.getByRole("button", { name: "Generate variants" }).click();
    await page.getByRole("heading", { name: "Variants (6)" }).waitFor();
    const prices = page.getByLabel("Price", { exact: true });
    expect(await prices.count()).toBe(6);
    for (let i = 0; i < 6; i++) {
      await prices.nth(i).fill("59.00");
      await page.getByLabel("Units in stock").nth(i).fill("8");
    }
    await page.getByRole("checkbox", { name: "Tees" }).check();
    await page.getByLabel("Status").selectOption("active");
    await page.screenshot({ path: `${shots}/admin-product-new-1280.png`, fullPage: true });
    const started = Date.now();
    await page.getByRole("button", { name: "Create product" }).click();
    await page.getByRole("heading", { level: 1, name: "Ridge Hoodie" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-product-edit-1280.png`, fullPage: true });

    const product = await (await fetch(`${base}/api/store/products/ridge-hoodie`)).json();
    expect(product.variants).toHaveLength(6);
    expect(product.images).toHaveLength(2);
    expect(product.price.amount).toBe(5900);
    // In search and in its category within 5 s.
    await poll(async () => {
      const hits = await (await fetch(`${base}/api/store/search?q=ridge%20hoodie`)).json();
      return hits.items.some((h: { name: string }) => h.name === "Ridge Hoodie");
    }, 5_000).toBe(true);
    await poll(async () => {
      const listing = await (await fetch(`${base}/api/store/products?category=tees`)).json();
      return listing.items.some((p: { name: string }) => p.name === "Ridge Hoodie");
    }, 5_000).toBe(true);
    expect(Date.now() - started).toBeLessThan(8_000);

    // A shopper sees it on the storefront and buys it.
    const shopper = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const store = await shopper.newPage();
    await store.goto(`${base}/products/ridge-hoodie`);
    await store.getByRole("heading", { level: 1, name: "Ridge Hoodie" }).waitFor();
    await store
      .getByRole("radiogroup", { name: "Size" })
      .getByRole("radio", { name: "M", exact: true })
      .click();
    await store
      .getByRole("radiogroup", { name: "Colour" })
      .getByRole("radio", { name: "Sand", exact: true })
      .click();
    await store.getByRole("button", { name: "Add to cart" }).click();
    await store.getByRole("dialog", { name: /Your cart/ }).waitFor();
    await shopper.close();
    const api = new GuestShopper(t.app);
    const variant = product.variants.find(
      (v: { options: Record<string, string> }) => v.options.size === "M" && v.options.colour === "Sand",
    );
    await api.readyCart([{ variantId: variant.id, quantity: 1 }]);
    const order = await api.checkout(`ridge-${Date.now()}`);
    expect(order.statusCode, order.body).toBe(201);
    await context.close();
  });

  it("changes a variant's price and a special price with dates; the storefront and a new cart show them", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page.goto(`${base}/admin/products/${await productId("TEE")}`);
    await page.getByRole("heading", { level: 1, name: "Trail Tee" }).waitFor();
    const sizeS = page.getByRole("group", { name: "S", exact: true });
    await sizeS.getByLabel("Price", { exact: true }).fill("31.00");
    const sizeM = page.getByRole("group", { name: "M", exact: true });
    await sizeM.getByLabel("Special price").fill("19.50");
    const now = new Date(Date.now() - 60 * 60_000);
    const later = new Date(Date.now() + 2 * 24 * 60 * 60_000);
    const local = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    await sizeM.getByLabel("Special from").fill(local(now));
    await sizeM.getByLabel("Special until").fill(local(later));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("All changes saved").waitFor();

    const tee = await (await fetch(`${base}/api/store/products/trail-tee`)).json();
    const s = tee.variants.find((v: { sku: string }) => v.sku === "TEE-S");
    const m = tee.variants.find((v: { sku: string }) => v.sku === "TEE-M");
    expect(s.price.amount).toBe(3100);
    expect(m.price.amount).toBe(1950);
    expect(m.compareAtPrice.amount).toBe(2900);
    const shopper = new GuestShopper(t.app);
    const cart = (
      await shopper.call("POST", "/api/store/cart/lines", { variantId: m.id, quantity: 2 })
    ).json();
    expect(cart.lines[0].unitPrice).toBe(1950);

    const store = await context.newPage();
    await store.goto(`${base}/products/trail-tee`);
    await store
      .getByRole("radiogroup", { name: "Size" })
      .getByRole("radio", { name: "M", exact: true })
      .click();
    await poll(() => store.getByTestId("product-price").textContent()).toContain("$19.50");
    await context.close();
  });

  it("refuses the second of two concurrent saves and offers to reload", async () => {
    const id = await productId("MUG");
    const first = await signIn(
      await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }),
    );
    const second = await signIn(
      await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }),
    );
    for (const page of [first, second]) {
      await page.goto(`${base}/admin/products/${id}`);
      await page.getByRole("heading", { level: 1, name: "Camp Mug" }).waitFor();
    }
    await first.getByLabel("Name", { exact: true }).fill("Camp Mug (enamel)");
    await first.getByRole("button", { name: "Save", exact: true }).click();
    await first.getByText("All changes saved").waitFor();

    await second.getByLabel("Short description").fill("Holds 350 ml.");
    await second.getByRole("button", { name: "Save", exact: true }).click();
    const alert = second.getByRole("alert").filter({ hasText: "Someone else saved this product" });
    await alert.waitFor();
    expect(JSON.stringify(await seriousViolations(second))).toBe("[]");
    const [row] = await queryRows<{ name: string; short_description: string }>(
      t.ctx.db,
      sql`select name, short_description from products where id = ${id}`,
    );
    expect(row).toEqual({ name: "Camp Mug (enamel)", short_description: "" });
    await alert.getByRole("button", { name: "Reload the product" }).click();
    await second.getByRole("heading", { level: 1, name: "Camp Mug (enamel)" }).waitFor();
    expect(await second.getByLabel("Name", { exact: true }).inputValue()).toBe("Camp Mug (enamel)");
    await first.context().close();
    await second.context().close();
  });
});
