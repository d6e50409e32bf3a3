import fs from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { GuestShopper, seedShop, variantIds } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, openAdminSection, seriousViolations } from "./support.ts";

/**
 * Vendor payouts in Chromium. The hold is 0 days, so a sale is available at once; vendor A is paid by
 * bank transfer, vendor B chose no payout method. A sees its available balance (its vendor order's
 * payable total) and the sale on its statement; the owner sets a 12 % commission rule for B, runs
 * payouts (one bank transfer to send, B skipped for "no payout method") and marks A's payout paid
 * with the bank's reference; A then sees the payout paid and nothing left available. Axe finds
 * nothing serious on either page; the vendor's page fits a phone's width.
 */
const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const password = "tidy-pelican-7720";
const vendors = {
  a: { name: "Alpine Outfitters", slug: "alpine-outfitters", email: "a@vendors.test" },
  b: { name: "Bayside Gear", slug: "bayside-gear", email: "b@vendors.test" },
} as const;
const bankReference = "SEPA-2026-0042";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let orderNumber: string;
let payableOfA: number;
const vendorIds: Record<string, string> = {};
const cookies: Record<string, string> = {};
const shots = "/tmp/shots";
let n = 0;

const usd = (minor: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(minor / 100);

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
  // The vendor and the owner open the apps at 127.0.0.1 while PUBLIC_URL names localhost.
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
  // No hold: sales are available to pay out as soon as they are paid.
  const settings = await call("PUT", "/api/admin/marketplace/settings", "owner", { holdDays: 0 });
  expect(settings.statusCode, settings.body).toBe(200);
  expect(settings.json().holdDays).toBe(0);

  // Two vendors, each with a signed-up owner and an active product of its own.
  for (const [key, vendor] of Object.entries(vendors)) {
    const created = await call("POST", "/api/admin/vendors", "owner", {
      name: vendor.name,
      slug: vendor.slug,
    });
    expect(created.statusCode, created.body).toBeLessThan(300);
    vendorIds[key] = created.json().id;
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
  // A is paid by bank transfer; B chooses nothing.
  const method = await call("PUT", "/api/vendor/payouts/method", "a", { method: "bank_transfer" });
  expect(method.statusCode, method.body).toBe(200);
  expect(method.json().payoutMethod).toBe("bank_transfer");

  // A guest buys from both vendors in one checkout.
  const ids = await variantIds(t.ctx);
  const shopper = new GuestShopper(t.app);
  await shopper.readyCart(
    [
      { variantId: ids["ALP-BOTTLE"]!, quantity: 2 },
      { variantId: ids["BAY-CAP"]!, quantity: 1 },
    ],
    "ada@example.com",
  );
  const placed = await shopper.checkout("payouts-1");
  expect(placed.statusCode, placed.body).toBe(201);
  orderNumber = placed.json().number;
  const ofA = (await call("GET", "/api/vendor/orders?filter=all", "a")).json();
  expect(ofA.items).toHaveLength(1);
  payableOfA = ofA.items[0].payableTotal;
  expect(payableOfA).toBeGreaterThan(0);

  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Opens the vendor portal signed out, signs in and lands on its dashboard. */
async function signInVendor(context: BrowserContext, email: string): Promise<Page> {
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

async function openVendorSection(page: Page, name: string): Promise<void> {
  await page
    .getByRole("navigation", { name: "Vendor sections" })
    .getByRole("link", { name, exact: true })
    .click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

async function signInOwner(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(ownerEmail);
  await page.getByLabel("Password").fill(ownerPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

const toast = (page: Page) => page.getByRole("region", { name: "Notifications" });

describe("vendor payouts in Chromium", () => {
  it("shows a vendor its money, lets staff run payouts and mark a bank transfer paid", async () => {
    // --- Vendor A: the dashboard tile, then Payouts: available = its order's payable, the sale listed.
    const vendorContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
    });
    const vendorPage = await signInVendor(vendorContext, vendors.a.email);
    const tile = vendorPage.getByTestId("vendor-money-tile");
    await poll(() => tile.textContent()).toContain(usd(payableOfA));
    expect(await tile.textContent()).toContain("Available to pay out (USD)");
    await vendorPage.screenshot({ path: `${shots}/payouts-vendor-dashboard-1280.png`, fullPage: true });
    await openVendorSection(vendorPage, "Payouts");
    const balance = vendorPage.getByTestId("vendor-balance");
    await poll(() => balance.count()).toBe(1);
    expect(await balance.getAttribute("data-currency")).toBe("USD");
    expect(await vendorPage.getByTestId("vendor-balance-available").textContent()).toBe(usd(payableOfA));
    expect(await vendorPage.getByTestId("vendor-balance-held").textContent()).toBe("$0.00");
    expect(await vendorPage.getByTestId("vendor-balance-total").textContent()).toBe(usd(payableOfA));
    await poll(() => vendorPage.getByTestId("vendor-payout-method").textContent()).toBe("Bank transfer");
    // Stripe is not set up in this shop: the owner is offered bank transfer only, already chosen.
    expect(await vendorPage.getByRole("button", { name: "Set up payouts with Stripe" }).count()).toBe(0);
    expect(await vendorPage.getByRole("button", { name: "Get paid by bank transfer" }).count()).toBe(0);
    await vendorPage.getByTestId("vendor-payouts-empty").waitFor();
    const lines = vendorPage.getByTestId("vendor-statement-line");
    await poll(() => lines.count()).toBe(1);
    const sale = (await lines.first().textContent()) ?? "";
    expect(sale).toContain("Sale");
    expect(sale).toContain(`Order ${orderNumber}`);
    expect(sale).toContain(`+${usd(payableOfA)}`);
    expect(await vendorPage.getByTestId("vendor-statement-closing").textContent()).toBe(usd(payableOfA));
    const csv = vendorPage.getByRole("link", { name: "Download CSV" });
    expect(await csv.getAttribute("href")).toBe("/api/vendor/statement.csv?currency=USD");
    expect(await seriousViolations(vendorPage)).toEqual([]);
    await vendorPage.screenshot({ path: `${shots}/payouts-vendor-1280.png`, fullPage: true });

    // On a phone the page fits the width.
    await vendorPage.setViewportSize({ width: 390, height: 844 });
    await poll(() => horizontalOverflow(vendorPage)).toBeLessThanOrEqual(0);
    await vendorPage.screenshot({ path: `${shots}/payouts-vendor-390.png`, fullPage: true });
    await vendorPage.setViewportSize({ width: 1280, height: 900 });

    // --- The owner: a 12 % commission rule for B, then a payout run.
    const adminContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
    });
    const admin = await signInOwner(adminContext);
    await openAdminSection(admin, "Payouts");
    const addRule = admin.getByRole("form", { name: "Add a commission rule" });
    await addRule.getByLabel("Applies to").selectOption({ label: "A vendor" });
    await poll(() => addRule.getByLabel("Vendor", { exact: true }).locator("option").count()).toBe(3);
    await addRule.getByLabel("Vendor", { exact: true }).selectOption({ label: vendors.b.name });
    await addRule.getByLabel("Rate (%)").fill("12");
    await addRule.getByRole("button", { name: "Add rule" }).click();
    await poll(() => toast(admin).textContent()).toContain("Commission rule saved");
    const ruleOfB = admin.getByTestId("commission-rule-row").filter({ hasText: `Vendor: ${vendors.b.name}` });
    await poll(() => ruleOfB.count()).toBe(1);
    const ruleCells = await ruleOfB.getByRole("cell").allInnerTexts();
    expect(ruleCells.slice(0, 2)).toEqual(["12%", "$0.00"]);
    const rules = (await call("GET", "/api/admin/commission-rules", "owner")).json().items;
    expect(rules).toContainEqual(
      expect.objectContaining({
        vendorId: vendorIds.b,
        categoryId: null,
        scope: "vendor",
        rateBasisPoints: 1200,
        fixedPerUnit: 0,
      }),
    );

    await admin.getByRole("button", { name: "Run payouts now" }).click();
    await admin.getByRole("alertdialog", { name: "Run payouts now?" }).waitFor();
    await admin.getByRole("button", { name: "Run payouts", exact: true }).click();
    const summary = admin.getByTestId("payout-run-summary");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("Payout run finished");
    expect(await admin.getByTestId("payout-run-bank-transfers").textContent()).toContain(
      "1 bank transfer waiting",
    );
    expect(await admin.getByTestId("payout-run-skipped").textContent()).toBe(
      `${vendors.b.name}: no payout method`,
    );
    await poll(() => toast(admin).textContent()).toContain("Payouts run");

    // A's bank transfer waits first in the list; the owner sends it and records the reference.
    const filters = admin.getByRole("navigation", { name: "Payout status" });
    await poll(() => filters.getByRole("link", { name: /^Bank transfers to send/ }).textContent()).toBe(
      "Bank transfers to send (1)",
    );
    const row = admin.getByTestId("payout-row");
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain(vendors.a.name);
    expect(await row.textContent()).toContain(usd(payableOfA));
    expect(await row.textContent()).toContain("Pending");
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: `${shots}/payouts-admin-run-1280.png`, fullPage: true });

    const markPaid = admin.getByRole("form", {
      name: `Mark the payout of ${usd(payableOfA)} to ${vendors.a.name} paid`,
    });
    await markPaid.getByLabel("Bank reference").fill(bankReference);
    await markPaid.getByRole("button", { name: "Mark paid" }).click();
    await poll(() => toast(admin).textContent()).toContain("Payout marked paid");
    await admin.getByTestId("payouts-empty").waitFor();
    await filters.getByRole("link", { name: "Paid", exact: true }).click();
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("Paid");
    expect(await row.textContent()).toContain(bankReference);
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: `${shots}/payouts-admin-paid-1280.png`, fullPage: true });
    await admin.setViewportSize({ width: 390, height: 844 });
    await poll(() => horizontalOverflow(admin)).toBeLessThanOrEqual(0);
    await admin.screenshot({ path: `${shots}/payouts-admin-390.png`, fullPage: true });
    await adminContext.close();

    // --- A reloads: the payout is paid with its reference, nothing is left available.
    await vendorPage.reload();
    await vendorPage.getByRole("heading", { level: 1, name: "Payouts" }).waitFor();
    const payout = vendorPage.getByTestId("vendor-payout-row");
    await poll(() => payout.count()).toBe(1);
    expect(await payout.getByTestId("vendor-payout-status").textContent()).toBe("Paid");
    const payoutText = (await payout.textContent()) ?? "";
    expect(payoutText).toContain(usd(payableOfA));
    expect(payoutText).toContain("Bank transfer");
    expect(payoutText).toContain(bankReference);
    await poll(() => vendorPage.getByTestId("vendor-balance-available").textContent()).toBe("$0.00");
    expect(await vendorPage.getByTestId("vendor-balance-total").textContent()).toBe("$0.00");
    await poll(() => lines.count()).toBe(2);
    expect(await lines.nth(1).textContent()).toContain(`−${usd(payableOfA)}`);
    expect(await vendorPage.getByTestId("vendor-statement-closing").textContent()).toBe("$0.00");
    expect(await csv.getAttribute("href")).toContain("currency=USD");

    // A date range narrows the statement, and the CSV link follows it.
    const today = new Date().toLocaleDateString("en-CA");
    const period = vendorPage.getByRole("form", { name: "Statement period" });
    await period.getByLabel("From").fill(today);
    await period.getByRole("button", { name: "Show" }).click();
    await poll(() => csv.getAttribute("href")).toContain("from=");
    expect(await csv.getAttribute("href")).toContain("currency=USD");
    await poll(() => lines.count()).toBe(2);
    expect(await seriousViolations(vendorPage)).toEqual([]);
    await vendorPage.screenshot({ path: `${shots}/payouts-vendor-paid-1280.png`, fullPage: true });
    await vendorPage.setViewportSize({ width: 390, height: 844 });
    await poll(() => horizontalOverflow(vendorPage)).toBeLessThanOrEqual(0);
    await vendorPage.screenshot({ path: `${shots}/payouts-vendor-paid-390.png`, fullPage: true });
    await vendorContext.close();
  });
});
