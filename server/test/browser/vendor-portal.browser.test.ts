import fs from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const password = "tidy-pelican-7720";
const people = {
  ana: { name: "Ana Ribeiro", email: "ana@ribeira.test" },
  duarte: { name: "Duarte Melo", email: "duarte@douro.test" },
  sara: { name: "Sara Shopper", email: "sara@example.test" },
} as const;
const shopA = "Ribeira Ceramics";
const shopB = "Douro Linen";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let photos: string[];
let vendorA: string;
let productOfB: string;
const cookies: Record<string, string> = {};
const shots = "/tmp/shots";
let n = 0;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** An API call as `who` (a signed-in cookie), from an address of its own (sign-ups are rate limited). */
function call(method: string, url: string, who: string | null, payload?: object) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin: t.ctx.config.publicUrl, ...(who ? { cookie: cookies[who]! } : {}) },
    remoteAddress: `198.51.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

const application = (name: string, email: string) => ({
  name,
  description: "",
  legalName: `${name} Lda`,
  contactEmail: email,
  contactPhone: "+351 912 345 678",
  address: {
    firstName: "Ana",
    lastName: "Ribeiro",
    line1: "Rua das Flores 12",
    city: "Porto",
    country: "PT",
  },
  payoutCountry: "PT",
  payoutMethod: "bank_transfer",
  agreementAccepted: true,
});

/** Signs up, applies to sell as `shop`, and is approved by the owner: the vendor's id. */
async function approvedVendor(who: keyof typeof people, shop: string): Promise<string> {
  const applied = await call(
    "POST",
    "/api/store/account/vendor-application",
    who,
    application(shop, people[who].email),
  );
  expect(applied.statusCode, applied.body).toBe(201);
  const id = applied.json().id as string;
  const review = await call("POST", `/api/admin/vendors/${id}/review`, "owner", { decision: "approve" });
  expect(review.statusCode, review.body).toBe(200);
  return id;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The vendor opens the portal at 127.0.0.1 while PUBLIC_URL names localhost.
  t = await testApp({
    serveStorefront: true,
    publicUrl: `http://localhost:${port}`,
    adminEmail: ownerEmail,
    adminPassword: ownerPassword,
  });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  cookies.owner = cookieOf(
    await call("POST", "/api/auth/sign-in/email", null, { email: ownerEmail, password: ownerPassword }),
  );
  for (const [who, person] of Object.entries(people)) {
    const res = await call("POST", "/api/auth/sign-up/email", null, { ...person, password });
    expect(res.statusCode, res.body).toBe(200);
    cookies[who] = cookieOf(res);
  }
  vendorA = await approvedVendor("ana", shopA);
  await approvedVendor("duarte", shopB);
  const linen = await call("POST", "/api/vendor/products", "duarte", {
    type: "simple",
    sku: "DOURO-TOWEL",
    name: "Douro Linen Towel",
    status: "active",
    currency: "USD",
    variants: [{ sku: "DOURO-TOWEL", priceAmount: 3200, weightGrams: 300, initialStock: 4 }],
  });
  expect(linen.statusCode, linen.body).toBe(201);
  productOfB = linen.json().id;

  fs.mkdirSync(shots, { recursive: true });
  const dir = fs.mkdtempSync(path.join(t.ctx.config.storageDir, "photos-"));
  photos = [];
  for (const [i, colour] of [
    { r: 40, g: 90, b: 160 },
    { r: 230, g: 225, b: 210 },
  ].entries()) {
    const file = path.join(dir, `bowl-${i + 1}.png`);
    await sharp({ create: { width: 800, height: 800, channels: 3, background: colour } })
      .png()
      .toFile(file);
    photos.push(file);
  }
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

/** Opens the portal signed out, is sent to its sign-in, signs in and lands back on the portal. */
async function signIn(context: BrowserContext, email: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/vendor`);
  await page.waitForURL(/\/admin\/vendor\/sign-in$/);
  await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/vendor\/?$/);
  return page;
}

async function openSection(page: Page, name: string, heading = name): Promise<void> {
  await page
    .getByRole("navigation", { name: "Vendor sections" })
    .getByRole("link", { name, exact: true })
    .click();
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

describe("the vendor portal in Chromium", () => {
  it("lets a vendor sign in, sell a product of its own with variants and photos, and see its suspension", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context, people.ana.email);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await expect.poll(() => page.getByRole("banner").textContent()).toContain(shopA);
    await page.getByTestId("vendor-status").filter({ hasText: "Active" }).waitFor();
    const shopLink = page.getByRole("link", { name: "/vendors/ribeira-ceramics" });
    expect(await shopLink.getAttribute("href")).toBe("/vendors/ribeira-ceramics");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-portal-dashboard-1280.png`, fullPage: true });

    // A configurable product with sizes S and M and two photos, saved as a draft, then published.
    await openSection(page, "Products");
    await page.getByRole("link", { name: "Add product" }).click();
    await page.getByRole("heading", { level: 1, name: "New product" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Ribeira Bowl");
    await page.getByLabel("SKU", { exact: true }).fill("RIB-BOWL");
    await page.getByLabel("Type").selectOption("configurable");
    await page.getByRole("textbox", { name: "Description", exact: true }).fill("Glazed by hand in Porto.");
    await page.getByLabel("Choose photos").setInputFiles(photos);
    await poll(() =>
      page.getByRole("list", { name: "Photos, main photo first" }).getByRole("listitem").count(),
    ).toBe(2);
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option name").nth(0).fill("Size");
    await page.getByLabel("Values").nth(0).fill("S, M");
    await page.getByRole("button", { name: "Generate variants" }).click();
    await page.getByRole("heading", { name: "Variants (2)" }).waitFor();
    for (let i = 0; i < 2; i++) {
      await page
        .getByLabel("Price", { exact: true })
        .nth(i)
        .fill(i === 0 ? "24.00" : "28.00");
      await page.getByLabel("Units in stock").nth(i).fill("6");
    }
    await page.getByRole("button", { name: "Create product" }).click();
    await page.getByRole("heading", { level: 1, name: "Ribeira Bowl" }).waitFor();
    expect(page.url()).toMatch(/\/admin\/vendor\/products\/[^/]+$/);
    const productOfA = page.url().split("/").pop()!;
    // The "Product created" toast sits over the save bar: close it, as a person would.
    await page.getByRole("region", { name: "Notifications" }).getByRole("button", { name: "Close" }).click();
    await page.getByLabel("Status").selectOption("active");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("All changes saved").waitFor();
    await page.screenshot({ path: `${shots}/vendor-portal-product-1280.png`, fullPage: true });

    const product = await (await fetch(`${base}/api/store/products/ribeira-bowl`)).json();
    expect(product.variants).toHaveLength(2);
    expect(product.images).toHaveLength(2);
    expect(product.soldBy).toEqual({ name: shopA, slug: "ribeira-ceramics" });
    const store = await context.newPage();
    await store.goto(`${base}/products/ribeira-bowl`);
    await store.getByRole("heading", { level: 1, name: "Ribeira Bowl" }).waitFor();
    await poll(() =>
      store
        .getByText(/Sold by/)
        .first()
        .textContent(),
    ).toContain(`Sold by ${shopA}`);
    await store.close();

    // The list holds the vendor's own products only, and another vendor's product is not found.
    await page.getByRole("link", { name: "← All products" }).click();
    await page.getByRole("heading", { level: 1, name: "Products" }).waitFor();
    const grid = page.getByRole("grid", { name: "Products" });
    await grid.getByRole("row").filter({ hasText: "Ribeira Bowl" }).waitFor();
    expect(await grid.getByRole("row").filter({ hasText: "Douro Linen Towel" }).count()).toBe(0);
    expect(await grid.getByRole("row").filter({ hasText: "Camp Mug" }).count()).toBe(0);
    expect(await grid.getByRole("link", { name: "Ribeira Bowl" }).getAttribute("href")).toBe(
      `/admin/vendor/products/${productOfA}`,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-portal-products-1280.png`, fullPage: true });
    await page.goto(`${base}/admin/vendor/products/${productOfB}`);
    await page.getByRole("alert").filter({ hasText: "No product" }).waitFor();
    expect(await page.getByRole("textbox", { name: "Name", exact: true }).count()).toBe(0);

    // The dashboard counts it; the team and profile pages show the owner.
    await openSection(page, "Dashboard");
    await poll(() => page.getByRole("link", { name: /^Active/ }).textContent()).toContain("1");
    await openSection(page, "Team");
    const ana = page.getByRole("row").filter({ hasText: people.ana.email });
    await ana.waitFor();
    expect(await ana.textContent()).toContain("Owner");
    await openSection(page, "Profile");
    await page.getByLabel("Description").fill("Tableware glazed by hand in Porto.");
    await page.getByRole("button", { name: "Save profile" }).click();
    await poll(async () => (await call("GET", "/api/vendor/profile", "ana")).json().description).toBe(
      "Tableware glazed by hand in Porto.",
    );
    await page.screenshot({ path: `${shots}/vendor-portal-profile-1280.png`, fullPage: true });

    // On a phone the dashboard fits the width.
    await page.setViewportSize({ width: 390, height: 844 });
    await openSection(page, "Dashboard");
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/vendor-portal-dashboard-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Suspended by staff: every page says why, and the editor can't save.
    const suspend = await call("POST", `/api/admin/vendors/${vendorA}/status`, "owner", {
      status: "suspended",
      reason: "Late shipments",
    });
    expect(suspend.statusCode, suspend.body).toBe(200);
    await page.goto(`${base}/admin/vendor/products/${productOfA}`);
    await page.getByRole("heading", { level: 1, name: "Ribeira Bowl" }).waitFor();
    const banner = page.getByTestId("vendor-suspended");
    await banner.waitFor();
    expect(await banner.textContent()).toContain("Late shipments");
    expect(await page.getByRole("button", { name: "Save", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel("Name", { exact: true }).getAttribute("readonly")).not.toBeNull();
    await page.screenshot({ path: `${shots}/vendor-portal-suspended-1280.png`, fullPage: true });
    await openSection(page, "Products");
    expect(await page.getByRole("link", { name: "Add product" }).count()).toBe(0);
    await openSection(page, "Dashboard");
    await page.getByTestId("vendor-status").filter({ hasText: "Suspended" }).waitFor();
    expect(await page.getByTestId("vendor-suspended").textContent()).toContain("Late shipments");
    await context.close();
  });

  it("tells a signed-in shopper without a vendor that the portal is for vendors", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await signIn(context, people.sara.email);
    await page.getByRole("heading", { level: 1, name: "This area is for vendors" }).waitFor();
    expect(await page.getByRole("link", { name: "Apply to sell on Bazaar" }).getAttribute("href")).toBe(
      "/sell",
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-portal-not-vendor-390.png`, fullPage: true });
    await context.close();
  });
});
