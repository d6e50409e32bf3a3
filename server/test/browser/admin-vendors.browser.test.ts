import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, openAdminSection, seriousViolations } from "./support.ts";

/**
 * The vendor screens of the admin, in Chromium: two shoppers apply to sell; staff find both in the
 * Applications tab, ask one for changes (a reason is required: the server's message shows next to the
 * field), approve the other, add a member to it, suspend it with a reason and reinstate it. The
 * applicants are e-mailed the decisions with the reasons. Axe finds nothing serious on the list, the
 * detail page or the dialog; the detail page does not scroll sideways on a phone.
 */
const owner = { email: "owner@shop.test", password: "correct horse battery staple" };
const shopperPassword = "Tidal-meadow-5523";
const shots = "/tmp/shots";
const changesReason = "Please describe how you make your pieces and add a photo of your workshop.";
const suspendReason = "Three orders shipped over two weeks late: please catch up before selling again.";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
const applicants: Record<string, { cookie: string; vendorId: string }> = {};

/** Signs up through the API; returns the session cookie. */
async function signUp(name: string, email: string): Promise<string> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name, email, password: shopperPassword },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** A shopper applies to sell through the store API; the application waits for review. */
async function apply(person: string, shop: string, contactEmail: string) {
  const cookie = await signUp(person, `${person.split(" ")[0]!.toLowerCase()}@example.com`);
  const res = await t.app.inject({
    method: "POST",
    url: "/api/store/account/vendor-application",
    headers: { origin: t.ctx.config.publicUrl, cookie },
    payload: {
      name: shop,
      description: `${shop}: made by hand in Portugal.`,
      legalName: `${shop} Lda`,
      taxId: "PT509999999",
      contactEmail,
      contactPhone: "+351 912 345 678",
      address: {
        firstName: person.split(" ")[0],
        lastName: person.split(" ")[1],
        line1: "Rua das Flores 12",
        city: "Porto",
        country: "PT",
      },
      payoutCountry: "PT",
      payoutMethod: "bank_transfer",
      agreementAccepted: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().status).toBe("applied");
  applicants[shop] = { cookie, vendorId: res.json().id };
}

async function mailsTo(to: string) {
  await t.ctx.outbox.runOnce();
  return queryRows<{ subject: string; text: string }>(
    t.ctx.db,
    sql`select subject, text from mail_messages where "to" = ${to} order by id`,
  );
}

const statusOf = async (id: string) =>
  (
    await queryRows<{ status: string; review_note: string }>(
      t.ctx.db,
      sql`select status, review_note from vendors where id = ${id}`,
    )
  )[0];

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

const toast = (page: Page, text: string) =>
  page.getByRole("region", { name: "Notifications" }).getByText(text, { exact: true });
const statusSection = (page: Page) => page.getByRole("region", { name: "Status", exact: true });

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({
    serveStorefront: true,
    publicUrl: base,
    adminEmail: owner.email,
    adminPassword: owner.password,
  });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  await apply("Rita Sousa", "Porto Clay", "shop@portoclay.test");
  await apply("Joao Lima", "Lisbon Linen", "hello@lisbonlinen.test");
  await signUp("Ana Costa", "ana@lisbonlinen.test");
  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("vendors in the admin", () => {
  it("reviews applications, then suspends and reinstates a vendor, e-mailing the reasons", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await signIn(context);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await openAdminSection(page, "Vendors");

    // The review queue is the default tab while it has entries, with its count.
    const tabs = page.getByRole("navigation", { name: "Vendor status" });
    const applications = tabs.getByRole("link", { name: "Applications (2)" });
    await applications.waitFor();
    expect(await applications.getAttribute("aria-current")).toBe("page");
    expect(await tabs.getByRole("link", { name: "Active (0)" }).count()).toBe(1);
    const table = page.getByRole("table", { name: /Applications to review/ });
    for (const shop of ["Porto Clay", "Lisbon Linen"]) {
      const row = table.getByRole("row").filter({ hasText: shop });
      await row.waitFor();
      expect(await row.textContent()).toContain(`${shop} Lda`);
      expect(await row.textContent()).toContain("Applied");
    }
    expect(await table.getByRole("row").filter({ hasText: "portoclay.test" }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-vendors-list.png`, fullPage: true });

    // Search narrows the list.
    await page.getByLabel("Search").fill("linen");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => table.getByRole("row").filter({ hasText: "Porto Clay" }).count()).toBe(0);
    await table.getByRole("row").filter({ hasText: "Lisbon Linen" }).waitFor();
    await page.getByRole("button", { name: "Clear search" }).click();
    await table.getByRole("row").filter({ hasText: "Porto Clay" }).waitFor();

    // Open Porto Clay: the application in full.
    await table.getByRole("link", { name: "Porto Clay" }).click();
    await page.getByRole("heading", { level: 1, name: "Porto Clay" }).waitFor();
    const application = page.getByRole("region", { name: "Application", exact: true });
    for (const text of [
      "Porto Clay Lda",
      "PT509999999",
      "shop@portoclay.test",
      "+351 912 345 678",
      "Rua das Flores 12",
      "Bank transfer",
      "Country: PT",
      "Version 2026-12-01",
    ])
      await application.getByText(text).first().waitFor();
    await page.getByRole("region", { name: "Members", exact: true }).getByText("rita@example.com").waitFor();
    await page.getByRole("region", { name: "Products", exact: true }).getByText("No products yet.").waitFor();
    expect(await statusSection(page).getByRole("button").allTextContents()).toEqual([
      "Approve…",
      "Request changes…",
      "Reject…",
    ]);

    // Request changes without a reason: the server's message shows next to the field.
    await statusSection(page).getByRole("button", { name: "Request changes…" }).click();
    const dialog = page.getByRole("dialog", { name: "Ask Porto Clay for changes" });
    await dialog.getByRole("button", { name: "Request changes", exact: true }).click();
    const reason = dialog.getByLabel("What to change");
    await expect.poll(() => reason.getAttribute("aria-invalid")).toBe("true");
    await dialog.getByText("tell the applicant why").waitFor();
    expect(await dialog.getByRole("alert").textContent()).toContain("Please correct the highlighted fields.");
    expect(await reason.getAttribute("aria-describedby")).toMatch(/-error/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-vendors-reason-error.png` });
    expect((await statusOf(applicants["Porto Clay"]!.vendorId))?.status).toBe("applied");

    // With a reason.
    await reason.fill(changesReason);
    await dialog.getByRole("button", { name: "Request changes", exact: true }).click();
    await toast(page, "Changes requested").waitFor();
    await dialog.waitFor({ state: "detached" });
    await statusSection(page).getByText(changesReason).waitFor();
    await statusSection(page).getByText("Changes requested", { exact: true }).waitFor();
    expect(await statusOf(applicants["Porto Clay"]!.vendorId)).toEqual({
      status: "changes_requested",
      review_note: changesReason,
    });
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-vendors-detail.png`, fullPage: true });

    // Back to the list: one application left; approve Lisbon Linen.
    await page.getByRole("link", { name: "← All vendors" }).click();
    await tabs.getByRole("link", { name: "Applications (1)" }).waitFor();
    await tabs.getByRole("link", { name: "Changes requested (1)" }).waitFor();
    await page
      .getByRole("table", { name: /Applications to review/ })
      .getByRole("link", { name: "Lisbon Linen" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Lisbon Linen" }).waitFor();
    await statusSection(page).getByRole("button", { name: "Approve…" }).click();
    const approve = page.getByRole("dialog", { name: "Approve Lisbon Linen?" });
    await approve.getByRole("button", { name: "Approve vendor" }).click();
    await toast(page, "Application approved").waitFor();
    await statusSection(page).getByRole("button", { name: "Suspend…" }).waitFor();
    expect(await statusSection(page).getByRole("button").allTextContents()).toEqual(["Suspend…", "Close…"]);
    const linen = applicants["Lisbon Linen"]!;
    expect((await statusOf(linen.vendorId))?.status).toBe("active");

    // Its products show once the vendor adds one (first 20, linking to the product editor).
    const created = await t.app.inject({
      method: "POST",
      url: "/api/vendor/products",
      headers: { origin: t.ctx.config.publicUrl, cookie: linen.cookie },
      payload: {
        type: "simple",
        sku: "LL-TOWEL",
        name: "Linen Tea Towel",
        status: "active",
        currency: "USD",
        variants: [{ sku: "LL-TOWEL", priceAmount: 1800, weightGrams: 100, initialStock: 5 }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    await page.reload();
    const product = page
      .getByRole("region", { name: "Products", exact: true })
      .getByRole("link", { name: "Linen Tea Towel" });
    await product.waitFor();
    expect(await product.getAttribute("href")).toBe(`/admin/products/${created.json().id}`);

    // Add a member: an unknown e-mail is refused next to the field, an existing account is added.
    const members = page.getByRole("region", { name: "Members", exact: true });
    const addForm = members.getByRole("form", { name: "Add a member" });
    await addForm.getByLabel("E-mail").fill("nobody@lisbonlinen.test");
    await addForm.getByRole("button", { name: "Add member" }).click();
    await addForm.getByText("No account with this email; ask them to sign up first.").waitFor();
    expect(await addForm.getByLabel("E-mail").getAttribute("aria-invalid")).toBe("true");
    await addForm.getByLabel("E-mail").fill("ana@lisbonlinen.test");
    await addForm.getByLabel("Role").selectOption("staff");
    await addForm.getByRole("button", { name: "Add member" }).click();
    await toast(page, "Member added").waitFor();
    const anaRow = members.getByRole("row").filter({ hasText: "ana@lisbonlinen.test" });
    await anaRow.waitFor();
    expect(await anaRow.textContent()).toContain("Staff");

    // Suspend with a reason (required), then reinstate.
    await statusSection(page).getByRole("button", { name: "Suspend…" }).click();
    const suspend = page.getByRole("dialog", { name: "Suspend Lisbon Linen?" });
    await suspend.getByRole("button", { name: "Suspend vendor" }).click();
    await suspend.getByText("tell the vendor why").waitFor();
    await suspend.getByLabel("Reason").fill(suspendReason);
    await suspend.getByRole("button", { name: "Suspend vendor" }).click();
    await toast(page, "Vendor suspended").waitFor();
    await statusSection(page).getByText(suspendReason).waitFor();
    expect(await statusSection(page).getByRole("button").allTextContents()).toEqual(["Reinstate…", "Close…"]);
    expect((await statusOf(linen.vendorId))?.status).toBe("suspended");
    await page.screenshot({ path: `${shots}/admin-vendors-suspended.png`, fullPage: true });

    await statusSection(page).getByRole("button", { name: "Reinstate…" }).click();
    const reinstate = page.getByRole("dialog", { name: "Reinstate Lisbon Linen?" });
    await reinstate.getByRole("button", { name: "Reinstate vendor" }).click();
    await toast(page, "Vendor reinstated").waitFor();
    await statusSection(page).getByRole("button", { name: "Suspend…" }).waitFor();
    expect((await statusOf(linen.vendorId))?.status).toBe("active");

    // The list follows: no application waits, so the default tab shows every vendor.
    await openAdminSection(page, "Vendors");
    await tabs.getByRole("link", { name: "Applications (0)" }).waitFor();
    expect(await tabs.getByRole("link", { name: "All (2)" }).getAttribute("aria-current")).toBe("page");
    const all = page.getByRole("table", { name: /All vendors/ });
    expect(await all.getByRole("row").filter({ hasText: "Lisbon Linen" }).textContent()).toContain("Active");
    expect(await all.getByRole("row").filter({ hasText: "Porto Clay" }).textContent()).toContain(
      "Changes requested",
    );
    await tabs.getByRole("link", { name: "Active (1)" }).click();
    await page
      .getByRole("table", { name: /Active vendors/ })
      .getByRole("link", { name: "Lisbon Linen" })
      .waitFor();

    // Staff still create an active vendor directly, without an application.
    await page.getByLabel("Name").fill("Northwind Outfitters");
    expect(await page.getByLabel("Slug").inputValue()).toBe("northwind-outfitters");
    await page.getByRole("button", { name: "Create vendor" }).click();
    await page.getByRole("cell", { name: "northwind-outfitters" }).waitFor();
    await tabs.getByRole("link", { name: "Active (2)" }).waitFor();
    await page.getByRole("status").getByRole("link", { name: "Northwind Outfitters" }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();

    // The applicants were e-mailed the decisions with the reasons.
    const porto = await mailsTo("shop@portoclay.test");
    expect(porto.map((m) => m.subject)).toEqual([
      "We received your application to sell on Bazaar",
      "Please update your application to sell on Bazaar",
    ]);
    expect(porto[1]!.text).toContain(changesReason);
    const lisbon = await mailsTo("hello@lisbonlinen.test");
    expect(lisbon.map((m) => m.subject)).toEqual([
      "We received your application to sell on Bazaar",
      'Welcome to Bazaar: "Lisbon Linen" can start selling',
      '"Lisbon Linen" is suspended on Bazaar',
      '"Lisbon Linen" is selling again on Bazaar',
    ]);
    expect(lisbon[2]!.text).toContain(suspendReason);
  });

  it("the vendor page fits a phone: no sideways scrolling, axe clean", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await signIn(context);
    await openAdminSection(page, "Vendors");
    await page
      .getByRole("table", { name: /All vendors/ })
      .getByRole("link", { name: "Porto Clay" })
      .click();
    await page.getByRole("heading", { level: 1, name: "Porto Clay" }).waitFor();
    await page.getByRole("region", { name: "Products", exact: true }).getByText("No products yet.").waitFor();
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/admin-vendors-detail-390.png`, fullPage: true });
    await statusSection(page).getByRole("button", { name: "Reject…" }).click();
    await page.getByRole("dialog", { name: "Reject Porto Clay?" }).getByLabel("Reason").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/admin-vendors-dialog-390.png` });
    await page.keyboard.press("Escape");
    await openAdminSection(page, "Vendors");
    await page.getByRole("table", { name: /All vendors/ }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/admin-vendors-list-390.png`, fullPage: true });
    await context.close();
  });
});
