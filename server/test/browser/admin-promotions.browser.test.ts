import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, bootstrapOwner, saveCustomRole } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, openAdminSection, seriousViolations } from "./support.ts";

/**
 * Promotions in the admin, in Chromium: a staff member holding only catalog:read and catalog:write
 * creates a 15 % coupon WELCOME15, a shopper applies it at checkout on the storefront and sees the
 * discount in the totals, and the promotion's usage then counts the order; codes are generated and
 * downloaded, and a stale save is caught (at 390 px).
 */
const staffEmail = "promotions@shop.test";
const password = "steady-heron-9031";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
const shots = "/tmp/shots";
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

beforeAll(async () => {
  for (const app of ["admin", "storefront"])
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`)))
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Staff and shoppers open the shop at 127.0.0.1 while PUBLIC_URL names localhost.
  t = await testApp({ serveStorefront: true, publicUrl: `http://localhost:${port}` });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name: "Pia Promotions", email: staffEmail, password },
  });
  expect(signUp.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from users where email = ${staffEmail}`,
  );
  // Only what the task needs: a custom role with catalog:read and catalog:write.
  await saveCustomRole(
    t.ctx.db,
    { key: "promotions_editor", name: "Promotions editor", permissions: ["catalog:read", "catalog:write"] },
    { actorId: user!.id },
  );
  await assignRole(t.ctx.db, user!.id, "promotions_editor");
  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Waits for a value in the page (the first pages load cold). */
const poll = <T>(read: () => Promise<T> | T, timeout = 15_000) => expect.poll(read, { timeout });

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(staffEmail);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

async function openPromotions(page: Page) {
  await openAdminSection(page, "Promotions");
  await page
    .getByRole("grid", { name: "Promotions" })
    .getByRole("row")
    .filter({ hasText: "Ten percent off" })
    .waitFor();
}

/** What sticks out of the viewport's width when the page scrolls sideways (tables scroll in their own box). */
async function widerThanViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return Array.from(document.querySelectorAll("body *"))
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 10)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${(e.getAttribute("class") ?? "").slice(0, 80)} ${Math.round(e.getBoundingClientRect().right)}`,
      );
  });
}

async function promotionIdByName(name: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from promotions where name = ${name}`,
  );
  return row!.id;
}

describe("promotions in the admin, in Chromium", () => {
  it("creates a 15 % coupon WELCOME15; a shopper applies it at checkout and sees the discount", async () => {
    const context = await browser.newContext({ viewport: desktop, bypassCSP: true });
    const page = await signIn(context);
    await openPromotions(page);
    await page.screenshot({ path: `${shots}/admin-promotions-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "New promotion" }).click();
    await page.getByRole("heading", { level: 1, name: "New promotion" }).waitFor();
    // A bad percentage is refused by the server, naming the field.
    await page.getByLabel("Name", { exact: true }).fill("Welcome 15");
    await page.getByLabel("Percentage off").fill("150");
    await page.getByLabel("Code", { exact: true }).fill("welcome15");
    await page.getByRole("button", { name: "Create promotion" }).click();
    const percent = page.getByLabel("Percentage off");
    await poll(() => percent.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByText("must be a percentage between 1 and 10000 basis points").count()).toBe(1);
    await percent.fill("15");
    await page.getByLabel("Uses per customer (optional)").fill("1");
    expect(await page.getByLabel("Requires a coupon code").isChecked()).toBe(true);
    // The schedule is typed in the browser's time zone and named.
    expect(await page.getByText(/Dates are in your time zone \(.+\)/).count()).toBe(1);
    await page.screenshot({ path: `${shots}/admin-promotion-new-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Create promotion" }).click();
    await page.getByRole("heading", { level: 1, name: "Welcome 15" }).waitFor();
    const codes = page.getByRole("grid", { name: "Coupon codes" });
    await codes.getByRole("row").filter({ hasText: "WELCOME15" }).waitFor();
    await page.screenshot({ path: `${shots}/admin-promotion-edit-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    const id = await promotionIdByName("Welcome 15");
    const [stored] = await queryRows<{ type: string; value: number; requires_coupon: boolean }>(
      t.ctx.db,
      sql`select type, value::int as value, requires_coupon from promotions where id = ${id}`,
    );
    expect(stored).toEqual({ type: "percentage", value: 1500, requires_coupon: true });

    // A shopper: two mugs (2 x $12.50), the code typed in lower case, then checkout.
    const shopper = await browser.newContext({ viewport: desktop });
    const store = await shopper.newPage();
    await store.goto(`${base}/products/camp-mug`);
    await store.getByRole("heading", { level: 1, name: "Camp Mug" }).waitFor();
    await store.getByLabel("Quantity", { exact: true }).fill("2");
    await store.getByRole("button", { name: "Add to cart" }).click();
    const drawer = store.getByRole("dialog", { name: /Your cart/ });
    await drawer.waitFor();
    await drawer.getByRole("link", { name: "View cart" }).click();
    await store.waitForURL(/\/cart$/);
    await poll(() => store.getByTestId("totals-subtotal").textContent()).toBe("$25.00");
    await store.getByRole("textbox", { name: "Coupon code" }).fill("welcome15");
    await store.getByRole("button", { name: "Apply" }).click();
    await store.getByTestId("applied-coupon").waitFor();
    expect(await store.getByTestId("applied-coupon").textContent()).toContain("WELCOME15");
    await poll(() => store.getByTestId("totals-discount").textContent()).toBe("−$3.75");
    await store.screenshot({ path: `${shots}/storefront-cart-welcome15-1280.png`, fullPage: true });

    await store.getByRole("link", { name: "Checkout" }).click();
    await store.waitForURL(/\/checkout$/);
    await store.getByLabel("Email").fill("welcome@example.com");
    await store.getByRole("button", { name: "Continue", exact: true }).click();
    await store.getByLabel("First name").fill("Pat");
    await store.getByLabel("Last name").fill("Lake");
    await store.getByLabel("Street address").fill("1 Woodward Ave");
    await store.getByLabel("City").fill("Detroit");
    await store.getByLabel("State").selectOption("MI");
    await store.getByLabel("ZIP code").fill("48226");
    await store.getByRole("button", { name: "Continue to shipping" }).click();
    await store.getByRole("radio", { name: /Best Way/ }).check();
    await poll(() => store.getByTestId("totals").textContent()).toContain("Shipping (Best Way)");
    // The discount shows in the checkout's totals too: $25.00 - $3.75, 6 % tax, $15.00 shipping.
    expect(await store.getByTestId("totals-discount").textContent()).toBe("−$3.75");
    expect(await store.getByTestId("totals-tax").textContent()).toBe("$1.28");
    await store.getByRole("button", { name: "Continue to payment" }).click();
    await store.getByLabel("Card number").fill("4242 4242 4242 4242");
    await store.getByLabel("Expiry (MM / YY)").fill("12 / 34");
    await store.getByLabel("CVC").fill("123");
    await store.getByRole("button", { name: /^Place order/ }).click();
    await store.waitForURL(/\/checkout\/confirmation\/\d+$/);
    expect(await store.getByTestId("totals-discount").textContent()).toBe("−$3.75");
    await store.screenshot({ path: `${shots}/storefront-confirmation-welcome15-1280.png`, fullPage: true });
    await shopper.close();

    // The admin's usage counts the order.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Welcome 15" }).waitFor();
    const usage = page.getByRole("region", { name: "Usage" });
    await poll(() => usage.textContent()).toContain("Coupon uses1");
    expect(await usage.textContent()).toContain("Orders1");
    await codes
      .getByRole("row")
      .filter({ hasText: "WELCOME15" })
      .filter({ hasText: "1 of unlimited" })
      .waitFor();
    await page.screenshot({ path: `${shots}/admin-promotion-used-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("at 390 px: pauses from the list, generates and downloads codes, and catches a stale save", async () => {
    const context = await browser.newContext({ viewport: phone, bypassCSP: true });
    const page = await signIn(context);
    await openPromotions(page);
    const row = page
      .getByRole("grid", { name: "Promotions" })
      .getByRole("row")
      .filter({ hasText: "Ten percent off" });
    await row.getByRole("button", { name: "Pause Ten percent off" }).click();
    await row.getByText("Paused", { exact: true }).waitFor();
    expect(await widerThanViewport(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-promotions-390.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole("button", { name: "Resume Ten percent off" }).click();
    await row.getByText("Active", { exact: true }).waitFor();

    await row.getByRole("link", { name: "Ten percent off" }).click();
    await page.getByRole("heading", { level: 1, name: "Ten percent off" }).waitFor();
    await page.getByRole("button", { name: "Generate codes" }).click();
    const dialog = page.getByRole("dialog", { name: "Generate coupon codes" });
    await dialog.getByLabel("How many").fill("40");
    await dialog.getByLabel("Prefix (optional)").fill("spring-");
    await dialog.getByLabel("Random characters").fill("6");
    expect(await dialog.textContent()).toContain("SPRING-XXXXXX");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Generate", exact: true }).click();
    await poll(() => dialog.isVisible()).toBe(false);
    const codes = page.getByRole("grid", { name: "Coupon codes" });
    await poll(() =>
      codes
        .getByRole("row")
        .filter({ hasText: /SPRING-[A-Z2-9]{6}/ })
        .count(),
    ).toBe(40);
    const download = page.getByRole("link", { name: "Download CSV" });
    const csv = await (await page.request.get(`${base}${await download.getAttribute("href")}`)).text();
    expect(csv.trimEnd().split("\r\n")).toHaveLength(42); // header, TEN and 40 generated
    const [file] = await Promise.all([page.waitForEvent("download"), download.click()]);
    expect(file.suggestedFilename()).toBe("coupon-codes-ten-percent-off.csv");
    expect(await widerThanViewport(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-promotion-codes-390.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    // Someone else saves in between: this save is refused, nothing is overwritten, Reload shows theirs.
    const id = await promotionIdByName("Ten percent off");
    const other = await browser.newContext({ viewport: desktop, bypassCSP: true });
    const otherPage = await signIn(other);
    await otherPage.goto(`${base}/admin/promotions?promotion=${id}`);
    await otherPage.getByRole("heading", { level: 1, name: "Ten percent off" }).waitFor();
    await otherPage.getByLabel("Percentage off").fill("12");
    await otherPage.getByRole("button", { name: "Save", exact: true }).click();
    await otherPage.getByText("All changes saved").waitFor();
    await other.close();

    await page.getByLabel("Name", { exact: true }).fill("Ten percent off (spring)");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Someone else changed this promotion" });
    await alert.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const [row2] = await queryRows<{ name: string; value: number }>(
      t.ctx.db,
      sql`select name, value::int as value from promotions where id = ${id}`,
    );
    expect(row2).toEqual({ name: "Ten percent off", value: 1200 });
    await alert.getByRole("button", { name: "Reload the promotion" }).click();
    await poll(() => page.getByLabel("Percentage off").inputValue()).toBe("12");
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Ten percent off");
    await context.close();
  });
});
