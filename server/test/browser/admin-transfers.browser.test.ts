import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { transferImporters } from "../../src/importers/transfers.ts";
import { assignRole, bootstrapOwner } from "../../src/modules/staff/index.ts";
import {
  dataTransferJob,
  runDataTransfer,
  type TransferImporters,
} from "../../src/modules/transfers/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { JobRuntime } from "../../src/platform/jobs.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const managerEmail = "catalog@shop.test";
const password = "steady-heron-9031";

let t: Awaited<ReturnType<typeof testApp>>;
let runtime: JobRuntime;
let browser: Browser;
let base: string;
const shots = "/tmp/shots";

/**
 * The import holds after its first 500 rows until the test lets it go, so that the screen's progress
 * can be seen (and checked) while it runs.
 */
let release: () => void = () => {};
const paused = new Promise<void>((resolve) => {
  release = resolve;
});
let holding = false;
const holdingImporters: TransferImporters = {
  ...transferImporters,
  products: (ctx, input, onProgress) =>
    transferImporters.products(ctx, input, async (p) => {
      await onProgress(p);
      if (p.processed === 500) {
        holding = true;
        await paused;
        holding = false;
      }
    }),
};

/** 1,200 good products with three bad rows among them (rows 3, 5 and 8 counting the header as 1). */
function productFile(): Buffer {
  const lines = ["sku,name,price,currency,qty,category,brand"];
  for (let i = 1; i <= 1200; i++) {
    lines.push(`BULK-${i},Bulk Item ${i},${(i % 50) + 5}.50,USD,${i % 9},Bulk > Items,Acme`);
    if (i === 1) lines.push("NO-NAME,,12.00,USD,1,Bulk,Acme"); // row 3
    if (i === 2) lines.push("BAD-PRICE,Broken Price,twelve,USD,1,Bulk,Acme"); // row 5
    if (i === 4) lines.push("BAD-QTY,Half Unit,12,USD,0.5,Bulk,Acme"); // row 8
  }
  return Buffer.from(lines.join("\n"));
}

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
  // Only the built-in catalog manager role: catalog:write and inventory:write, no customers or orders.
  await assignRole(t.ctx.db, user!.id, "catalog_manager");
  fs.mkdirSync(shots, { recursive: true });
  // The registry's job (the app sends it), worked here with the pausing importers.
  const job = t.ctx.jobs.list().find((j) => j.name === dataTransferJob)!;
  runtime = new JobRuntime(t.database).define({
    ...job,
    handler: async (data) =>
      runDataTransfer(t.ctx, String((data as { transferId: string }).transferId), holdingImporters),
  });
  await runtime.work({ pollingIntervalSeconds: 0.5 });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  release();
  await browser?.close();
  await runtime?.stop(2_000);
  await t?.close();
});

async function signIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(managerEmail);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  return page;
}

describe("import and export in the admin", () => {
  it("a catalog manager imports a CSV with bad rows, follows its progress, reads the summary and the error report", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: true,
      acceptDownloads: true,
    });
    const page = await signIn(context);
    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Import and export", exact: true })
      .click();
    await page.getByRole("heading", { level: 1, name: "Import and export" }).waitFor();
    await page.getByText("No imports or exports yet.").waitFor();
    // Exports this role may run, and none it may not.
    await page.getByRole("button", { name: "Export products" }).waitFor();
    await page.getByRole("button", { name: "Export stock" }).waitFor();
    expect(await page.getByRole("button", { name: "Export customers" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Export orders" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Submitting without a file names the field.
    await page.getByRole("button", { name: "Upload and import" }).click();
    await page.getByText("Choose a file to import.").waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("file");

    await page.getByLabel("What to import").selectOption("products");
    await page
      .getByLabel("File", { exact: true })
      .setInputFiles({ name: "products.csv", mimeType: "text/csv", buffer: productFile() });
    await page.getByRole("button", { name: "Upload and import" }).click();

    const table = page.getByRole("grid", { name: "Recent imports and exports" });
    const row = table.getByRole("row").filter({ hasText: "products.csv" });
    await row.waitFor();
    // Held after 500 rows: the bar says so, from the transfer's progress in the database.
    const bar = row.getByRole("progressbar", { name: "Progress of products.csv" });
    await expect.poll(() => bar.getAttribute("aria-valuenow"), { timeout: 30_000 }).toBe("500");
    expect(holding).toBe(true);
    expect(await bar.getAttribute("aria-valuemax")).toBe("1203");
    await row.getByText("500 of 1,203 rows (42%)").waitFor();
    await row.getByText("Running").waitFor();
    await page.screenshot({ path: `${shots}/admin-transfers-running-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    release();
    await row.getByText("Done with errors").waitFor({ timeout: 30_000 });
    await row.getByText("1,200 created, 0 updated, 0 unchanged, 3 failed").waitFor();
    expect(await row.getByRole("progressbar").count()).toBe(0);
    await page.getByText("Import of products.csv finished").waitFor();
    const [count] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from products where sku like 'BULK-%'`,
    );
    expect(count!.n).toBe(1200);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("link", { name: "Download error report of products.csv" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("products-errors.csv");
    const report = fs.readFileSync((await download.path())!, "utf8");
    expect(report.split("\r\n")[0]).toBe("row,key,field,message");
    expect(parse(report, { columns: true, skip_empty_lines: true })).toEqual([
      { row: "3", key: "NO-NAME", field: "name", message: "is required" },
      { row: "5", key: "BAD-PRICE", field: "price", message: '"twelve" is not a price' },
      { row: "8", key: "BAD-QTY", field: "qty", message: '"0.5" is not a whole number of units' },
    ]);
    await page.screenshot({ path: `${shots}/admin-transfers-done-1280.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("exports products and downloads the CSV, usable on a phone-sized screen", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      bypassCSP: true,
      acceptDownloads: true,
      isMobile: true,
      hasTouch: true,
    });
    const page = await signIn(context);
    await page.goto(`${base}/admin/transfers`);
    await page.getByRole("heading", { level: 1, name: "Import and export" }).waitFor();
    await page.getByRole("button", { name: "Export products" }).click();
    const row = page
      .getByRole("grid", { name: "Recent imports and exports" })
      .getByRole("row")
      .filter({ hasText: "Export of products" });
    await row.getByRole("link", { name: /^Download file/ }).waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("link", { name: /^Download file/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^products-.*\.csv$/);
    const rows = parse(fs.readFileSync((await download.path())!, "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.find((r) => r.sku === "MUG")).toMatchObject({ price_minor: "1250", currency: "USD" });
    expect(rows.filter((r) => r.sku?.startsWith("BULK-"))).toHaveLength(1200);
    // Nothing sticks out sideways but the table's own scroll area.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/admin-transfers-390.png`, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
