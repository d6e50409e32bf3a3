import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { updateStoreSettings } from "../../src/modules/pricing/index.ts";
import { assignRole, bootstrapOwner, saveCustomRole } from "../../src/modules/staff/index.ts";
import { GuestShopper, seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

/**
 * Shop settings in the admin, in Chromium: a staff member whose only permission is settings:write
 * changes Michigan's tax rate and the Best Way table rate, and the very next cart is priced with both;
 * a save over someone else's change is refused with a reload offer. Every tab is checked with axe at
 * 1280 px and 390 px, and screenshotted to /tmp/shots.
 */
const email = "settings@shop.test";
const password = "steady-heron-9031";
const shots = "/tmp/shots";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The merchant opens the admin at 127.0.0.1 while PUBLIC_URL names localhost.
  t = await testApp({ serveStorefront: true, publicUrl: `http://localhost:${port}` });
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  // Only what the task needs: a custom role with settings:write alone.
  await saveCustomRole(
    t.ctx.db,
    { key: "settings_manager", name: "Settings manager", permissions: ["settings:write"] },
    { actorId: "system" },
  );
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name: "Sam Settings", email, password },
  });
  expect(signUp.statusCode).toBe(200);
  await assignRole(t.ctx.db, signUp.json().user.id, "settings_manager");
  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

/** A new guest cart: two mugs (subtotal $25.00) to Michigan with Best Way shipping. */
async function newCartTotals() {
  const guest = new GuestShopper(t.app);
  const cart = await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], `buyer${Date.now()}@example.com`);
  return cart.totals as { subtotal: number; shippingTotal: number; taxTotal: number; total: number };
}

const tab = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name, exact: true });

describe("shop settings in the admin", () => {
  it("changes Michigan's tax rate and the Best Way table rate, and the next cart uses both", async () => {
    expect(await newCartTotals()).toMatchObject({ subtotal: 2500, shippingTotal: 1500, taxTotal: 150 });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Settings", exact: true })
      .click();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Store details" }).waitFor();
    expect(await page.getByLabel("Store name").inputValue()).toBe("Bazaar");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-settings-store-1280.png`, fullPage: true });

    // Taxes: Michigan from 6 % to 8.25 %.
    await tab(page, "Taxes").click();
    const michigan = page.getByTestId("tax-rate-US-MI");
    await michigan.waitFor();
    expect(await michigan.textContent()).toContain("6 %");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-settings-taxes-1280.png`, fullPage: true });
    await page.getByRole("button", { name: "Edit US-MI" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit tax rate US-MI" });
    await dialog.waitFor();
    // A bad value is named next to its field.
    await dialog.getByLabel("Country").fill("XX");
    await dialog.getByRole("button", { name: "Save tax rate" }).click();
    await dialog.getByText("must be an ISO 3166-1 alpha-2 country code").first().waitFor();
    expect(await dialog.getByLabel("Country").getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: `${shots}/admin-settings-tax-error-1280.png` });
    await dialog.getByLabel("Country").fill("US");
    await dialog.getByLabel("Rate (%)").fill("8.25");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Save tax rate" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => michigan.textContent()).toContain("8.25 %");

    // Shipping: Best Way's first row from $15.00 to $12.00.
    await tab(page, "Shipping").click();
    await page.getByRole("heading", { level: 2, name: "United States" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-settings-shipping-1280.png`, fullPage: true });
    await page.getByRole("link", { name: "Edit zone United States" }).click();
    const firstRow = page.getByRole("group", { name: "Best Way, Rate row 1" });
    await firstRow.waitFor();
    expect(await firstRow.getByLabel("Price").inputValue()).toBe("15.00");
    await firstRow.getByLabel("Price").fill("12.00");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-settings-zone-1280.png`, fullPage: true });
    await page.getByRole("button", { name: "Save shipping zone" }).click();
    await page.getByText("Shipping zone saved").waitFor();

    // The very next cart: 8.25 % of $25.00 is $2.06 (half-up), shipping $12.00.
    expect(await newCartTotals()).toMatchObject({
      subtotal: 2500,
      shippingTotal: 1200,
      taxTotal: 206,
      total: 2500 + 1200 + 206,
    });
    await context.close();
  });

  it("renames the store and sets a support phone: the storefront's header, footer and titles show them at once", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page.goto(`${base}/admin/settings`);
    await page.getByRole("heading", { level: 2, name: "Store details" }).waitFor();
    await page.getByLabel("Store name").fill("Trail Supply Co.");
    await page.getByLabel("Support phone").fill("+1 313 555 0100");
    await page.getByRole("button", { name: "Save store details" }).click();
    await page.getByText("Settings saved").first().waitFor();

    // Server-rendered for crawlers and link previews ...
    const html = await (await fetch(`${base}/`, { headers: { accept: "text/html" } })).text();
    expect(html).toMatch(/<title data-ssr-head>Trail Supply Co\.[^<]*<\/title>/);
    // ... and what a shopper sees.
    const shop = await context.newPage();
    await shop.goto(`${base}/`);
    const header = shop.getByRole("banner");
    await header.getByRole("link", { name: "Trail Supply Co." }).waitFor();
    expect(await header.getByText("Bazaar", { exact: true }).count()).toBe(0);
    await shop.getByRole("contentinfo").getByRole("link", { name: "+1 313 555 0100" }).waitFor();
    await expect.poll(() => shop.title()).toContain("Trail Supply Co.");
    expect(await seriousViolations(shop)).toEqual([]);
    await context.close();
  });

  it("refuses a save over someone else's change and offers to reload", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    await page.goto(`${base}/admin/settings/checkout`);
    await page.getByRole("heading", { level: 2, name: "Checkout options" }).waitFor();
    await page.getByLabel("Order number prefix").fill("BZ-");
    // Meanwhile someone else changes the settings.
    await updateStoreSettings(t.ctx.db, { reservationMinutes: 20 });
    await page.getByRole("button", { name: "Save checkout settings" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Someone else saved the checkout settings" });
    await alert.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-settings-stale-1280.png`, fullPage: true });
    await alert.getByRole("button", { name: "Reload the checkout settings" }).click();
    await alert.waitFor({ state: "detached" });
    expect(await page.getByLabel("Stock reservation (minutes)").inputValue()).toBe("20");
    await page.getByLabel("Order number prefix").fill("BZ-");
    await page.getByRole("button", { name: "Save checkout settings" }).click();
    await page.getByText("Settings saved").waitFor();
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 1 }], "prefix@example.com");
    const order = (await guest.checkout("browser-prefix")).json();
    expect(order.number).toMatch(/^BZ-\d+$/);
    await context.close();
  });

  it("every tab is usable and axe-clean at 390 px", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await signIn(context);
    for (const [name, path, heading] of [
      ["store", "", "Store details"],
      ["taxes", "/taxes", "Tax rates"],
      ["shipping", "/shipping", "United States"],
      ["payments", "/payments", "Card (Stripe)"],
      ["checkout", "/checkout", "Checkout options"],
    ] as const) {
      await page.goto(`${base}/admin/settings${path}`);
      await page.getByRole("heading", { level: 2, name: heading }).first().waitFor();
      await page.screenshot({ path: `${shots}/admin-settings-${name}-390.png`, fullPage: true });
      expect(await seriousViolations(page), name).toEqual([]);
      const overflow = await page.evaluate(() => {
        const wide = Array.from(document.querySelectorAll("body *"))
          .filter((e) => {
            if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
            for (let p = e.parentElement; p; p = p.parentElement)
              if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return false;
            return true;
          })
          .map((e) => `${e.tagName}.${e.className}`.slice(0, 120));
        return { by: document.documentElement.scrollWidth - window.innerWidth, wide: wide.slice(0, 5) };
      });
      expect(overflow.by, `${name} scrolls sideways: ${overflow.wide.join(" | ")}`).toBeLessThanOrEqual(0);
    }
    await page.goto(`${base}/admin/settings/shipping`);
    await page.getByRole("link", { name: "Edit zone United States" }).click();
    await page.getByRole("group", { name: "Best Way, Rate row 1" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/admin-settings-zone-390.png`, fullPage: true });
    await context.close();
  });
});
