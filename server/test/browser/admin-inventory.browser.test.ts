import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { listStockLocations, updateStockLocation } from "../../src/modules/inventory/index.ts";
import { assignRole, ensureBuiltInRoles } from "../../src/modules/staff/index.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const managerEmail = "cat.manager@shop.test";
const managerPassword = "steady-heron-9031";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

async function heading(page: Page, name: string) {
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
}

beforeAll(async () => {
  for (const app of ["admin", "storefront"]) {
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`))) {
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
    }
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The catalog's answers are cached here (as in production), so the storefront showing the change at
  // once proves that a stock adjustment clears them.
  t = await testApp({ serveStorefront: true, publicUrl: base, cacheTtlMs: 60_000 });
  await seedShop(t.ctx);
  // A staff member whose only role is the built-in Catalog manager (catalog:read, inventory:write, ...).
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: { name: "Cat Manager", email: managerEmail, password: managerPassword },
  });
  expect(signUp.statusCode).toBe(200);
  await ensureBuiltInRoles(t.ctx.db);
  await assignRole(t.ctx.db, signUp.json().user.id, "catalog_manager");
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("inventory in the admin dashboard (Chromium)", () => {
  it("a catalog manager writes off stock as damaged (the storefront sells it no more, the ledger shows who), and a stale location save offers a reload", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // The storefront sells the mug (and caches the product page's answer).
    await page.goto(`${base}/products/camp-mug`);
    await page.getByRole("heading", { level: 1, name: "Camp Mug" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Add to cart" }).isEnabled()).toBe(true);

    await page.goto(`${base}/admin`);
    await page.waitForURL(/\/admin\/sign-in/);
    await page.getByLabel("Email").fill(managerEmail);
    await page.getByLabel("Password").fill(managerPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/?$/);

    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Inventory", exact: true })
      .click();
    await heading(page, "Inventory");
    const levels = page.getByRole("grid", { name: "Stock levels" });
    await levels.getByRole("row").filter({ hasText: "TEE-S" }).waitFor();

    await page.getByLabel("SKU or product").fill("mug");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/search=mug/);
    const mug = levels.getByRole("row").filter({ hasText: "Camp Mug" });
    await mug.waitFor();
    await expect.poll(() => levels.getByRole("row").count()).toBe(2); // the header and the mug
    expect(await mug.textContent()).toContain("Default warehouse");
    expect(await seriousViolations(page)).toEqual([]);

    await mug.getByRole("button", { name: "Adjust MUG at Default warehouse" }).click();
    const dialog = page.getByRole("dialog", { name: "Adjust stock" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("100 on hand");
    await dialog.getByLabel("Reason").selectOption("damaged");
    await dialog.getByLabel("Set the count on hand").check();
    // A count above the current one is not "damaged": the message shows next to the field.
    await dialog.getByLabel("New quantity on hand").fill("120");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await dialog.getByText(/"damaged" removes units/).waitFor();
    expect(await dialog.getByLabel("New quantity on hand").getAttribute("aria-invalid")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByLabel("New quantity on hand").fill("0");
    await dialog.getByLabel("Note (optional)").fill("Dropped pallet");
    await dialog.getByRole("button", { name: "Save adjustment" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("MUG at Default warehouse: 100 → 0 on hand.").waitFor();
    await expect.poll(async () => mug.textContent()).toContain("Out of stock");

    // The storefront shows it out of stock at once: it cannot be added to the cart.
    const shop = await context.newPage();
    await shop.goto(`${base}/products/camp-mug`);
    await shop.getByRole("heading", { level: 1, name: "Camp Mug" }).waitFor();
    await shop.getByText("This product is out of stock.").waitFor();
    expect(await shop.getByRole("button", { name: "Add to cart" }).isDisabled()).toBe(true);
    await shop.close();

    // The ledger: who, what, before -> after, why.
    await page
      .getByRole("navigation", { name: "Inventory sections" })
      .getByRole("link", { name: "Ledger" })
      .click();
    const ledger = page.getByRole("grid", { name: "Stock ledger" });
    const entry = ledger.getByRole("row").filter({ hasText: "Damaged" });
    await entry.waitFor();
    const text = (await entry.textContent()) ?? "";
    expect(text).toContain("MUG");
    expect(text).toContain("100 → 0");
    expect(text).toContain("Cat Manager");
    expect(text).toContain("Dropped pallet");
    // The seeded stock came from the import, recorded as the system's.
    await ledger.getByRole("row").filter({ hasText: "Import" }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    fs.mkdirSync("/tmp/shots", { recursive: true });
    await page.screenshot({ path: "/tmp/shots/admin-inventory-ledger.png", fullPage: true });

    // Locations: the default is listed with what it holds.
    await page
      .getByRole("navigation", { name: "Inventory sections" })
      .getByRole("link", { name: "Locations" })
      .click();
    const locations = page.getByRole("grid", { name: "Stock locations" });
    await locations.getByRole("row").filter({ hasText: "Default warehouse" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: "/tmp/shots/admin-inventory-locations.png", fullPage: true });

    // Add a location; then someone else renames it while this screen still shows the old version.
    await page.getByRole("button", { name: "Add location", exact: true }).click();
    const add = page.getByRole("dialog", { name: "Add a location" });
    await add.getByLabel("Name").fill("East depot");
    await add.getByLabel("Code").fill("east");
    await add.getByRole("button", { name: "Add location" }).click();
    await add.waitFor({ state: "hidden" });
    await locations.getByRole("row").filter({ hasText: "East depot" }).waitFor();
    const east = (await listStockLocations(t.ctx.db)).find((l) => l.code === "east")!;
    await t.ctx.db.transaction((tx) => updateStockLocation(tx, east.id, { name: "East side" }, undefined));
    await page.getByRole("button", { name: "Edit East depot" }).click();
    const edit = page.getByRole("dialog", { name: "Edit East depot" });
    await edit.getByLabel("Name").fill("East wing");
    await edit.getByRole("button", { name: "Save location" }).click();
    await edit.getByText("Someone else changed this location").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await edit.getByRole("button", { name: "Reload" }).click();
    // The form now shows their change (and its version); saving again goes through.
    const reloaded = page.getByRole("dialog", { name: "Edit East side" });
    await expect.poll(() => reloaded.getByLabel("Name").inputValue()).toBe("East side");
    await reloaded.getByLabel("Name").fill("East wing");
    await reloaded.getByRole("button", { name: "Save location" }).click();
    await reloaded.waitFor({ state: "hidden" });
    await locations.getByRole("row").filter({ hasText: "East wing" }).waitFor();

    // Every level, for the screenshot.
    await page.goto(`${base}/admin/inventory`);
    await heading(page, "Inventory");
    await levels.getByRole("row").filter({ hasText: "Camp Mug" }).waitFor({ timeout: 60_000 });
    await levels.getByRole("row").filter({ hasText: "TEE-S" }).waitFor();
    await page.screenshot({ path: "/tmp/shots/admin-inventory.png", fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
