import fs from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { GuestShopper, seedShop, variantIds } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const password = "tidy-pelican-7720";
const shopperEmail = "ada@example.com";
const vendors = {
  a: { name: "Alpine Outfitters", slug: "alpine-outfitters", email: "a@vendors.test" },
  b: { name: "Bayside Gear", slug: "bayside-gear", email: "b@vendors.test" },
} as const;
const trackingNumber = "1Z999AA10123456784";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let orderNumber: string;
let shopOnlyNumber: string;
let vendorOrderOfB: string;
let shopName: string;
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

const product = (sku: string, name: string, priceAmount: number) => ({
  type: "simple",
  sku,
  name,
  status: "active",
  currency: "USD",
  variants: [{ sku, priceAmount, weightGrams: 300, initialStock: 20 }],
});

beforeAll(async () => {
  for (const app of ["admin", "storefront"]) {
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`))) {
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
    }
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The vendor and the shopper open the apps at 127.0.0.1 while PUBLIC_URL names localhost.
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

  // Two vendors, each with a signed-up owner and an active product of its own.
  for (const [key, vendor] of Object.entries(vendors)) {
    const created = await call("POST", "/api/admin/vendors", "owner", {
      name: vendor.name,
      slug: vendor.slug,
    });
    expect(created.statusCode, created.body).toBeLessThan(300);
    const signUp = await call("POST", "/api/auth/sign-up/email", null, {
      name: `${vendor.name} owner`,
      email: vendor.email,
      password,
    });
    expect(signUp.statusCode, signUp.body).toBe(200);
    cookies[key] = cookieOf(signUp);
    const member = await call("POST", `/api/admin/vendors/${created.json().id}/members`, "owner", {
      email: vendor.email,
      role: "owner",
    });
    expect(member.statusCode, member.body).toBeLessThan(300);
  }
  for (const [who, body] of [
    ["a", product("ALP-BOTTLE", "Alpine Water Bottle", 1999)],
    ["b", product("BAY-CAP", "Bayside Cap", 2500)],
  ] as const) {
    const res = await call("POST", "/api/vendor/products", who, body);
    expect(res.statusCode, res.body).toBe(201);
  }

  // A guest buys from both vendors and the shop in one checkout.
  const ids = await variantIds(t.ctx);
  const shopper = new GuestShopper(t.app);
  await shopper.readyCart(
    [
      { variantId: ids["ALP-BOTTLE"]!, quantity: 2 },
      { variantId: ids["BAY-CAP"]!, quantity: 1 },
      { variantId: ids["TEE-M"]!, quantity: 1 },
    ],
    shopperEmail,
  );
  const placed = await shopper.checkout("vendor-orders-1");
  expect(placed.statusCode, placed.body).toBe(201);
  orderNumber = placed.json().number;
  const ofB = (await call("GET", "/api/vendor/orders?filter=all", "b")).json();
  expect(ofB.items).toHaveLength(1);
  vendorOrderOfB = ofB.items[0].id;
  shopName = (await call("GET", "/api/store/shop", null)).json().name;

  // A second order, of the shop's own tee only, shipped by staff with USPS.
  const again = new GuestShopper(t.app);
  await again.readyCart([{ variantId: ids["TEE-S"]!, quantity: 1 }], shopperEmail);
  const shopOnly = await again.checkout("vendor-orders-2");
  expect(shopOnly.statusCode, shopOnly.body).toBe(201);
  shopOnlyNumber = shopOnly.json().number;
  const shipped = await call("POST", `/api/admin/orders/${shopOnly.json().id}/fulfillments`, "owner", {
    carrier: "usps",
    trackingNumber: "9400111899223197428490",
  });
  expect(shipped.statusCode, shipped.body).toBeLessThan(300);

  fs.mkdirSync(shots, { recursive: true });
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
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/vendor\/?$/);
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  return page;
}

async function openSection(page: Page, name: string): Promise<void> {
  await page
    .getByRole("navigation", { name: "Vendor sections" })
    .getByRole("link", { name, exact: true })
    .click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe("marketplace orders in Chromium", () => {
  it("lets a vendor ship its part of an order, and shows the shopper each seller's parcels", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context, vendors.a.email);

    // The dashboard counts the order to ship and links to the list.
    const tile = page.getByRole("link", { name: /^Orders to ship/ });
    await poll(() => tile.textContent()).toContain("1");
    await page.getByText("Ship your orders").waitFor();
    await page.screenshot({ path: `${shots}/vendor-orders-dashboard-1280.png`, fullPage: true });
    await tile.click();
    await page.getByRole("heading", { level: 1, name: "Orders" }).waitFor();

    // To ship: exactly the vendor's one order, "100001-1", with its payout.
    const lists = page.getByRole("navigation", { name: "Order lists" });
    await poll(() => lists.getByRole("link", { name: /^To ship/ }).textContent()).toBe("To ship (1)");
    expect(await lists.getByRole("link", { name: /^To ship/ }).getAttribute("aria-current")).toBe("page");
    const rows = page.getByTestId("vendor-order-row");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.textContent()).toContain(`${orderNumber}-1`);
    expect(await row.textContent()).toContain("Ada Byron, Detroit, US");
    expect(await row.textContent()).toContain("To ship");
    expect(await page.getByTestId("vendor-orders-table").textContent()).not.toContain(`${orderNumber}-2`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-orders-list-1280.png`, fullPage: true });

    // The order: only the vendor's line, the Detroit address, the money it is paid.
    await row.getByRole("link", { name: `Order ${orderNumber}-1` }).click();
    await page.getByRole("heading", { level: 1, name: `Order ${orderNumber}-1` }).waitFor();
    const lines = page.getByTestId("vendor-order-line");
    expect(await lines.count()).toBe(1);
    expect(await lines.first().textContent()).toContain("Alpine Water Bottle");
    const detail = (await page.getByRole("main").textContent()) ?? "";
    expect(detail).not.toContain("Bayside Cap");
    expect(detail).not.toContain("Trail Tee");
    const shipTo = (await page.getByTestId("vendor-order-ship-to").textContent()) ?? "";
    expect(shipTo).toContain("Ada Byron");
    expect(shipTo).toContain("1 Woodward Ave");
    expect(shipTo).toContain("Detroit");
    expect(shipTo).toContain("Best Way");
    expect(await page.getByTestId("vendor-order-money").textContent()).toContain("Your payout");
    expect(await page.getByTestId("vendor-order-payout").textContent()).toMatch(/^\$\d+\.\d\d$/);
    expect(await page.getByTestId("vendor-order-status").textContent()).toBe("To ship");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-orders-detail-1280.png`, fullPage: true });

    // On a phone the order fits the width.
    await page.setViewportSize({ width: 390, height: 844 });
    await poll(() => horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/vendor-orders-detail-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Shipping more than is left: the server's message shows under the line's units.
    const form = page.getByRole("form", { name: `Ship order ${orderNumber}-1` });
    const units = form.getByLabel("Alpine Water Bottle");
    expect(await units.inputValue()).toBe("2");
    await form.getByRole("button", { name: "Ship items" }).click();
    await form.getByText("Choose the carrier that takes the parcel.").waitFor();
    expect(await form.getByLabel("Carrier", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await form.getByLabel("Carrier", { exact: true }).selectOption({ label: "UPS" });
    await form.getByLabel("Tracking number").fill(trackingNumber);
    await units.fill("3");
    await form.getByRole("button", { name: "Ship items" }).click();
    await poll(() => units.getAttribute("aria-invalid")).toBe("true");
    const unitsError = await units.getAttribute("aria-describedby");
    expect(unitsError).toBeTruthy();
    const message = page.locator(`[id="${unitsError!.split(" ").pop()}"]`);
    expect(await message.textContent()).toBe("Between 1 and 2.");
    expect(await form.getByRole("alert").textContent()).toContain("correct the highlighted fields");
    await page.screenshot({ path: `${shots}/vendor-orders-ship-error-1280.png`, fullPage: true });
    expect((await call("GET", "/api/vendor/orders?filter=to_ship", "a")).json().total).toBe(1);

    // Both units ship with UPS: the parcel shows with its tracking link, and nothing is left to ship.
    await units.fill("2");
    await form.getByRole("button", { name: "Ship items" }).click();
    const toast = page.getByRole("region", { name: "Notifications" });
    await poll(() => toast.textContent()).toContain("Shipment saved");
    const shipment = page.getByTestId("vendor-order-shipment");
    await shipment.waitFor();
    expect(await shipment.textContent()).toContain("UPS");
    const tracking = shipment.getByRole("link", { name: new RegExp(trackingNumber) });
    expect(await tracking.getAttribute("href")).toContain(trackingNumber);
    expect(await page.getByRole("form", { name: `Ship order ${orderNumber}-1` }).count()).toBe(0);
    expect(await page.getByTestId("vendor-order-status").textContent()).toBe("Shipped");
    // Unit price, ordered, shipped, left, total (with Michigan tax).
    expect(await lines.first().getByRole("cell").allTextContents()).toEqual([
      "$19.99",
      "2",
      "2",
      "0",
      "$42.38",
    ]);
    await page.screenshot({ path: `${shots}/vendor-orders-shipped-1280.png`, fullPage: true });

    // The list: nothing left to ship; All still holds the order, shipped.
    await openSection(page, "Orders");
    await poll(() => lists.getByRole("link", { name: /^To ship/ }).textContent()).toBe("To ship (0)");
    await page.getByTestId("vendor-orders-empty").waitFor();
    await lists.getByRole("link", { name: "All", exact: true }).click();
    await poll(() => page.getByTestId("vendor-order-row").count()).toBe(1);
    await poll(() => page.getByTestId("vendor-order-row").first().textContent()).toContain("Shipped");
    await page.screenshot({ path: `${shots}/vendor-orders-all-1280.png`, fullPage: true });

    // Another vendor's order is not found.
    await page.goto(`${base}/admin/vendor/orders/${vendorOrderOfB}`);
    await page.getByRole("heading", { level: 1, name: "Order not found" }).waitFor();
    expect(await page.getByText("Bayside Cap").count()).toBe(0);
    await context.close();

    // The shopper looks the order up: each seller's part, A's parcel with its tracking.
    const shopperContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
    });
    const store = await shopperContext.newPage();
    await store.goto(`${base}/orders/lookup?number=${orderNumber}`);
    await store.getByLabel("Email").fill(shopperEmail);
    await store.getByRole("button", { name: "Find order" }).click();
    await poll(() => store.getByTestId("found-order-number").textContent()).toBe(orderNumber);
    const sellers = store.getByTestId("order-seller");
    expect(await sellers.count()).toBe(3);
    const alpine = sellers.filter({
      has: store.getByRole("heading", { name: `Sold and shipped by ${vendors.a.name}` }),
    });
    const alpineText = (await alpine.textContent()) ?? "";
    expect(alpineText).toContain("Alpine Water Bottle");
    expect(alpineText).toContain("Shipped");
    expect(alpineText).toContain("UPS");
    const parcel = alpine.getByRole("link", { name: new RegExp(trackingNumber) });
    expect(await parcel.getAttribute("href")).toContain(trackingNumber);
    const bayside = sellers.filter({
      has: store.getByRole("heading", { name: `Sold and shipped by ${vendors.b.name}` }),
    });
    const baysideText = (await bayside.textContent()) ?? "";
    expect(baysideText).toContain("Bayside Cap");
    expect(baysideText).toContain("Not shipped yet");
    expect(baysideText).toContain("when Bayside Gear ships it");
    expect(await bayside.getByTestId("order-shipment").count()).toBe(0);
    const ours = sellers.filter({ has: store.getByRole("heading", { name: `Sold by ${shopName}` }) });
    const oursText = (await ours.textContent()) ?? "";
    expect(oursText).toContain("Trail Tee");
    expect(oursText).toContain("Not shipped yet");
    expect(await store.getByTestId("order-line").count()).toBe(3);
    expect(await seriousViolations(store)).toEqual([]);
    await store.screenshot({ path: `${shots}/vendor-orders-storefront-1280.png`, fullPage: true });
    await store.setViewportSize({ width: 390, height: 844 });
    await poll(() => horizontalOverflow(store)).toBeLessThanOrEqual(0);
    await store.screenshot({ path: `${shots}/vendor-orders-storefront-390.png`, fullPage: true });

    // An order of the shop's own products keeps one list of items, and lists its parcel with tracking.
    await store.setViewportSize({ width: 1280, height: 900 });
    await store.getByLabel("Order number").fill(shopOnlyNumber);
    await store.getByRole("button", { name: "Find order" }).click();
    await poll(() => store.getByTestId("found-order-number").textContent()).toBe(shopOnlyNumber);
    expect(await store.getByTestId("order-seller").count()).toBe(0);
    await store.getByRole("heading", { name: "Shipment", exact: true }).waitFor();
    const usps = store.getByTestId("order-shipment");
    expect(await usps.count()).toBe(1);
    expect(await usps.textContent()).toContain("USPS");
    expect(await usps.getByRole("link", { name: /9400111899223197428490/ }).getAttribute("href")).toContain(
      "9400111899223197428490",
    );
    expect(await seriousViolations(store)).toEqual([]);
    await store.screenshot({ path: `${shots}/vendor-orders-storefront-shop-only-1280.png`, fullPage: true });
    await shopperContext.close();
  });
});
