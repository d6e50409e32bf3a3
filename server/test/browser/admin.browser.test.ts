import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const adminDist = path.join(repoRoot, "web/admin/dist");

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

async function heading(page: Page, name: string) {
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
}

async function openSection(page: Page, name: string) {
  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name, exact: true })
    .click();
  await heading(page, name);
  // Focus moves to the new page's heading after client-side navigation.
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(adminDist, "index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({
    serveStorefront: true,
    adminEmail: ownerEmail,
    adminPassword: ownerPassword,
    publicUrl: base,
  });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  await t.app.listen({ port, host: "127.0.0.1" });

  // The app serves the admin build at /admin/, with its index.html for deep links (SPA fallback).
  const probe = await fetch(`${base}/admin/staff`, { headers: { accept: "text/html" } });
  expect(probe.status).toBe(200);
  expect(await probe.text()).toContain("/admin/assets/");
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("admin dashboard in Chromium", () => {
  it("signs in, invites staff, creates a role, reads the audit log and outbox, manages API keys and vendors", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // Signed out: /admin/ goes to the sign-in page.
    await page.goto(`${base}/admin/`);
    await page.waitForURL(`${base}/admin/sign-in`);
    await heading(page, "Sign in");
    await expect.poll(() => page.title()).toBe("Sign in | Bazaar admin");

    // A wrong password is refused with an alert.
    await page.getByLabel("Email").fill(ownerEmail);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").waitFor();

    await page.getByLabel("Password").fill(ownerPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/?$/);
    await heading(page, "Overview");
    const nav = page.getByRole("navigation", { name: "Admin sections" });
    for (const name of ["Staff", "Roles", "Audit log", "Email outbox", "API keys", "Vendors"]) {
      await nav.getByRole("link", { name, exact: true }).waitFor();
    }

    // Staff: invite an Analyst and see them in the list.
    await openSection(page, "Staff");
    const staffTable = page.getByTestId("staff-table");
    await staffTable.getByRole("cell", { name: ownerEmail }).waitFor();
    await page.getByLabel("Email").fill("ana@shop.test");
    await page.getByLabel("Name").fill("Ana Analyst");
    await page.getByRole("group", { name: "Roles" }).getByLabel("Analyst", { exact: true }).check();
    await page.getByRole("button", { name: "Send invitation" }).click();
    await page.getByTestId("invite-sent").waitFor();
    const anaRow = staffTable.getByRole("row").filter({ hasText: "ana@shop.test" });
    await anaRow.waitFor();
    expect(await anaRow.textContent()).toContain("Analyst");
    expect(await seriousViolations(page)).toEqual([]);

    // Roles: built-in roles are read-only; create the custom role content_editor with cms:write.
    await openSection(page, "Roles");
    const ownerRole = page.getByTestId("role-owner");
    await ownerRole.waitFor();
    expect(await ownerRole.getByRole("button").count()).toBe(0);
    await page.getByLabel("Key").fill("content_editor");
    await page.getByLabel("Name").fill("Content editor");
    await page.getByLabel("cms:write", { exact: true }).check();
    await page.getByRole("button", { name: "Create role" }).click();
    await page.getByTestId("roles-message").waitFor();
    const customRole = page.getByTestId("role-content_editor");
    await customRole.waitFor();
    expect(await customRole.getByRole("list", { name: "Permissions of Content editor" }).textContent()).toBe(
      "cms:write",
    );

    // Audit log: the role assignment is there, and the action filter narrows the list.
    await openSection(page, "Audit log");
    const auditTable = page.getByTestId("audit-table");
    await auditTable.getByRole("cell", { name: "staff.role.assigned" }).first().waitFor();
    await page.getByLabel("Filter by action").fill("staff.role.saved");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.waitForURL(/\/admin\/audit\?action=staff\.role\.saved$/);
    await page.getByRole("heading", { name: "Events: staff.role.saved" }).waitFor();
    await expect
      .poll(async () => (await auditTable.locator("tbody tr td:nth-child(2)").allTextContents()).join(","))
      .toBe("staff.role.saved");
    await page.getByRole("button", { name: "Clear filter" }).click();
    await auditTable.getByRole("cell", { name: "staff.role.assigned" }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Email outbox: the invitation, with its text and its HTML in a sandboxed frame.
    await t.ctx.outbox.runOnce();
    await openSection(page, "Email outbox");
    const invitation = page
      .getByTestId("mail-list")
      .getByRole("button")
      .filter({ hasText: "You're invited to the Bazaar team" })
      .filter({ hasText: "ana@shop.test" });
    await invitation.click();
    const message = page.getByTestId("mail-message");
    await message.getByRole("heading", { name: "You're invited to the Bazaar team" }).waitFor();
    const frame = message.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await frame.getAttribute("srcdoc")).toContain("<");
    expect(await message.locator("pre").textContent()).toMatch(/https?:\/\//);

    // API keys: create one (the secret is shown once), see it listed, revoke it.
    await openSection(page, "API keys");
    await page.getByLabel("Name").fill("Warehouse sync");
    await page.getByLabel("catalog:read", { exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByTestId("api-key-secret");
    await secret.waitFor();
    expect(await secret.locator("code").first().textContent()).toMatch(/\S{20,}/);
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Revoke Warehouse sync" }).click();
    await page.getByRole("cell", { name: /^Revoked/ }).waitFor();
    await page.getByRole("button", { name: "I've saved it" }).click();
    expect(await secret.count()).toBe(0);

    // Vendors: create one and see it listed.
    await openSection(page, "Vendors");
    await page.getByLabel("Name").fill("Northwind Outfitters");
    expect(await page.getByLabel("Slug").inputValue()).toBe("northwind-outfitters");
    await page.getByRole("button", { name: "Create vendor" }).click();
    await page.getByRole("cell", { name: "northwind-outfitters" }).waitFor();

    // Sign out: back to the sign-in page.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/admin/sign-in`);
    await heading(page, "Sign in");

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
