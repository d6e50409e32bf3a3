import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, bootstrapOwner } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const password = "steady-heron-9031";
let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
const shots = "/tmp/shots";

async function signUp(email: string, name: string): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name, email, password },
  });
  expect(res.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from users where email = ${email}`);
  return user!.id;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: `http://localhost:${port}` });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  // A support agent reads customers (read-only); an admin writes notes and sends resets.
  const agent = await signUp("agent@shop.test", "Sam Support");
  await assignRole(t.ctx.db, agent, "support_agent");
  await assignRole(t.ctx.db, await signUp("lead@shop.test", "Lee Lead"), "admin");
  for (const [email, name] of [
    ["ada@example.com", "Ada Byron"],
    ["grace@example.com", "Grace Hopper"],
  ])
    await signUp(email!, name!);
  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
}

describe("customers in the admin", () => {
  it("finds a customer and opens their page, read-only for a support agent", async () => {
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page, "agent@shop.test");
      await page.goto(`${base}/admin/customers`);
      await page.getByRole("heading", { level: 1, name: "Customers" }).waitFor();
      await page.getByLabel("Search").fill("hopper");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      const grid = page.getByRole("grid", { name: "Customers" });
      await grid.getByRole("row").filter({ hasText: "grace@example.com" }).waitFor();
      await expect
        .poll(() => grid.getByRole("row").filter({ hasText: "ada@example.com" }).count(), {
          message: "ada row",
        })
        .toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/admin-customers-${viewport.width}.png`, fullPage: true });
      await grid.getByRole("link", { name: "Grace Hopper" }).click();
      await page.getByRole("heading", { level: 1, name: "Grace Hopper" }).waitFor();
      await page.getByText("1 active session").waitFor();
      // Read-only: no note form, no reset or sign-out buttons, no GDPR section.
      expect(await page.getByLabel("New note").count(), "note").toBe(0);
      expect(await page.getByRole("button", { name: "Send password reset" }).count(), "reset").toBe(0);
      expect(await page.getByRole("button", { name: "Erase customer" }).count(), "erase").toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: `${shots}/admin-customer-${viewport.width}.png`, fullPage: true });
      await context.close();
    }
  });

  it("filters by orders count and amount spent, with the error next to the field", async () => {
    // Ada bought for $120.00 (an imported order: the figures come from the orders table).
    await t.ctx.db.execute(sql`insert into orders (id, number, status, payment_status, fulfillment_status, currency,
        email, user_id, prices_include_tax, subtotal, discount_total, shipping_total, shipping_discount, shipping_tax,
        tax_total, total, paid_total)
      select 'ord_ada_1', 'A-1', 'completed', 'paid', 'fulfilled', 'USD', email, id, false, 12000, 0, 0, 0, 0, 0,
        12000, 12000 from users where email = 'ada@example.com'`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, "agent@shop.test");
    await page.goto(`${base}/admin/customers?q=example.com`);
    const grid = page.getByRole("grid", { name: "Customers" });
    await grid.getByRole("row").filter({ hasText: "grace@example.com" }).waitFor();
    await page.getByLabel("Orders, at least").fill("1");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => grid.getByRole("row").filter({ hasText: "grace@example.com" }).count()).toBe(0);
    await grid
      .getByRole("row")
      .filter({ hasText: "ada@example.com" })
      .filter({ hasText: "$120.00" })
      .waitFor();

    await page.getByLabel("Spent, at least (USD)").fill("abc");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page
      .getByText(/not a number|amount/i)
      .first()
      .waitFor();
    await page.getByLabel("Spent, at least (USD)").fill("150");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.url()).toContain("minSpent=15000");
    await page.getByText("No customer matches.").waitFor();
    await page.getByLabel("Spent, at least (USD)").fill("100.00");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await grid.getByRole("row").filter({ hasText: "ada@example.com" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("shows today's figures on the home page and folds the navigation away on a phone", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, "lead@shop.test");
    const today = page.getByRole("region", { name: "Today" });
    await today.getByRole("link", { name: /Orders today/ }).waitFor();
    await today.getByRole("link", { name: /Reviews to moderate/ }).waitFor();
    const nav = page.getByRole("navigation", { name: "Admin sections" });
    const menu = nav.getByRole("button", { name: "Menu" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await nav.getByRole("link", { name: "Customers", exact: true }).isVisible()).toBe(false);
    await menu.click();
    await nav.getByRole("link", { name: "Customers", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Customers" }).waitFor();
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await page.goto(`${base}/admin/`);
    await today.getByRole("link", { name: /To ship/ }).click();
    await page.getByRole("heading", { level: 1, name: "Orders" }).waitFor();
    expect(page.url()).toContain("status=processing");
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(`${base}/admin/`);
    await today.waitFor();
    await page.screenshot({ path: `${shots}/admin-home-390.png`, fullPage: true });
    await context.close();
  });

  it("lets an admin add a note and send a password reset", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, "lead@shop.test");
    await page.goto(`${base}/admin/customers?q=byron`);
    await page.getByRole("grid", { name: "Customers" }).getByRole("link", { name: "Ada Byron" }).click();
    await page.getByRole("heading", { level: 1, name: "Ada Byron" }).waitFor();
    await page.getByLabel("New note").fill("Asked for gift wrapping on every order.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByText("Asked for gift wrapping on every order.").waitFor();
    await page.getByText("Lee Lead ·").waitFor();
    await page.getByRole("button", { name: "Send password reset" }).click();
    await page.getByText("A password-reset link was e-mailed to ada@example.com.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
