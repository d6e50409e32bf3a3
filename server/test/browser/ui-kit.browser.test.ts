import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { launchChromium, seriousViolations } from "./support.ts";

/**
 * The UI kit of web/ui rendered on its own in Chromium: a small page is bundled with Vite (and
 * tailwind, with the apps' theme) from the entry below, served from a local port, and used the way
 * a person would.
 */

const entry = `
import { useState } from "react";
import { createRoot } from "react-dom/client";
import {
  Button, Checkbox, ConfirmDialog, type DataColumn, DataTable, Field, formatMinor, MoneyField,
  ProblemForm, SelectField, TextAreaField, ToastProvider, useCursorPager, useToast,
} from "@bazaar/ui";
import "./kit.css";

const problem = {
  type: "about:blank",
  title: "Your request has invalid fields.",
  status: 400,
  code: "VALIDATION_FAILED",
  detail: "Invalid body: email is taken; taxId is invalid",
  errors: [
    { field: "/body/email", message: "That email is already in use." },
    { field: "body.taxId", message: "is not a valid VAT number" },
  ],
};

function Money() {
  const [usd, setUsd] = useState<number | null>(null);
  const [huf, setHuf] = useState<number | null>(null);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div>
        <MoneyField label="Price" currency="USD" name="price" onValueChange={setUsd} />
        <p>USD minor units: <output data-testid="usd-minor">{usd ?? ""}</output></p>
      </div>
      <div>
        <MoneyField label="Price in forints" currency="HUF" onValueChange={setHuf} />
        <p>HUF minor units: <output data-testid="huf-minor">{huf ?? ""}</output></p>
      </div>
    </div>
  );
}

interface Product { id: string; name: string; price: number; stock: number }
const products: Product[] = [
  { id: "p1", name: "Mug", price: 1200, stock: 4 },
  { id: "p2", name: "Apron", price: 2900, stock: 0 },
  { id: "p3", name: "Kettle", price: 4500, stock: 12 },
  { id: "p4", name: "Bowl", price: 900, stock: 7 },
  { id: "p5", name: "Teapot", price: 3900, stock: 2 },
  { id: "p6", name: "Cup", price: 800, stock: 30 },
  { id: "p7", name: "Zester", price: 1500, stock: 1 },
];
const columns: DataColumn<Product>[] = [
  { id: "name", header: "Name", cell: (p) => p.name, sortValue: (p) => p.name },
  { id: "price", header: "Price", align: "right", cell: (p) => formatMinor(p.price, "USD"), sortValue: (p) => p.price },
  { id: "stock", header: "In stock", align: "right", cell: (p) => p.stock },
];

function Products() {
  const [loaded, setLoaded] = useState(3);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const toast = useToast();
  return (
    <section aria-labelledby="products-heading" className="rounded-xl border border-neutral-200 bg-white p-5">
      <h2 id="products-heading" className="text-lg font-semibold">Products</h2>
      <div className="my-3 flex gap-3">
        <Button onClick={() => toast.success("Product saved", "It is live in the shop.")}>Save product</Button>
        <Button variant="danger" onClick={() => setConfirming(true)}>Delete products</Button>
      </div>
      <DataTable
        aria-label="Products"
        columns={columns}
        rows={products.slice(0, loaded)}
        rowKey={(p) => p.id}
        selectionMode="multiple"
        selectedKeys={selected}
        onSelectionChange={setSelected}
        isLoading={loading}
        paging={{
          mode: "loadMore",
          hasMore: loaded < products.length,
          isLoadingMore: loading,
          total: products.length,
          onLoadMore: () => {
            setLoading(true);
            setTimeout(() => { setLoaded((n) => Math.min(n + 3, products.length)); setLoading(false); }, 50);
          },
        }}
      />
      <ConfirmDialog
        isOpen={confirming}
        onOpenChange={setConfirming}
        title={"Delete " + selected.size + " products?"}
        confirmLabel="Delete"
        tone="danger"
        onConfirm={() => new Promise((resolve) => setTimeout(resolve, 50))}
      >
        They leave the shop at once. Orders that have them keep their lines.
      </ConfirmDialog>
    </section>
  );
}

const orderPages: Record<string, { items: { id: string; number: string }[]; nextCursor: string | null }> = {
  first: { items: [{ id: "o1", number: "1001" }, { id: "o2", number: "1002" }], nextCursor: "c2" },
  c2: { items: [{ id: "o3", number: "1003" }, { id: "o4", number: "1004" }], nextCursor: "c3" },
  c3: { items: [{ id: "o5", number: "1005" }], nextCursor: null },
};

function Orders() {
  const pager = useCursorPager();
  const page = orderPages[pager.cursor ?? "first"]!;
  return (
    <DataTable
      aria-label="Orders"
      columns={[{ id: "number", header: "Order", cell: (o) => "#" + o.number }]}
      rows={page.items}
      rowKey={(o) => o.id}
      paging={{
        mode: "pages",
        page: pager.page,
        hasPrevious: pager.hasPrevious,
        hasNext: page.nextCursor !== null,
        onPrevious: pager.previous,
        onNext: () => pager.next(page.nextCursor),
      }}
    />
  );
}

function App() {
  return (
    <main className="mx-auto max-w-4xl space-y-8 p-6">
      <h1 className="text-2xl font-bold">UI kit</h1>
      <ProblemForm problem={problem} aria-label="Account" className="space-y-4" onSubmit={(e) => e.preventDefault()}>
        <Field label="Email" name="email" type="email" hint="We send receipts here." defaultValue="taken@shop.test" />
        <Field label="Shop name" name="shopName" defaultValue="Mugs & more" />
        <SelectField label="Country" name="country" placeholder="Choose a country"
          options={[{ value: "HU", label: "Hungary" }, { value: "US", label: "United States" }]} />
        <TextAreaField label="About the shop" name="about" />
        <Checkbox label="Send me the weekly report" name="weekly" />
        <Button type="submit">Save</Button>
      </ProblemForm>
      <Money />
      <Products />
      <section aria-labelledby="orders-heading">
        <h2 id="orders-heading" className="text-lg font-semibold">Orders</h2>
        <Orders />
      </section>
      <section aria-labelledby="returns-heading">
        <h2 id="returns-heading" className="text-lg font-semibold">Returns</h2>
        <DataTable aria-label="Returns" columns={columns} rows={[]} rowKey={(p) => p.id} emptyState="No returns yet." />
      </section>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(<ToastProvider><App /></ToastProvider>);
`;

let browser: Browser;
let server: http.Server;
let base: string;
let outDir: string;

/** Bundles the entry with the kit and tailwind (the apps' theme) into a temp folder. */
async function bundle(): Promise<string> {
  // Inside the repository's node_modules so that the entry's bare imports resolve as the apps' do.
  const cache = path.join(repoRoot, "node_modules/.cache");
  fs.mkdirSync(cache, { recursive: true });
  const srcDir = fs.mkdtempSync(path.join(cache, "ui-kit-test-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "ui-kit-dist-"));
  try {
    const ui = path.relative(srcDir, path.join(repoRoot, "web/ui/src"));
    fs.writeFileSync(path.join(srcDir, "entry.tsx"), entry);
    fs.writeFileSync(
      path.join(srcDir, "kit.css"),
      `@import "tailwindcss";\n@import "${ui}/theme.css";\n@source "${ui}";\n@source "./entry.tsx";\n`,
    );
    // A production bundle: Vite reads the mode from NODE_ENV, which vitest sets to "test".
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    const { build } = await import("vite");
    const react = (await import("@vitejs/plugin-react")).default;
    const tailwindcss = (await import("@tailwindcss/vite")).default;
    await build({
      configFile: false,
      root: srcDir,
      mode: "production",
      logLevel: "error",
      plugins: [react(), tailwindcss()],
      build: {
        chunkSizeWarningLimit: 2000,
        outDir: out,
        emptyOutDir: true,
        rolldownOptions: {
          input: path.join(srcDir, "entry.tsx"),
          output: { entryFileNames: "kit.js", assetFileNames: "kit[extname]" },
        },
      },
    }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
  } finally {
    fs.rmSync(srcDir, { recursive: true, force: true });
  }
  fs.writeFileSync(
    path.join(out, "index.html"),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>UI kit</title>' +
      '<link rel="icon" href="data:,">' +
      '<link rel="stylesheet" href="/kit.css"></head><body class="bg-neutral-50 text-neutral-900">' +
      '<div id="root"></div><script type="module" src="/kit.js"></script></body></html>',
  );
  return out;
}

const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

beforeAll(async () => {
  outDir = await bundle();
  server = http.createServer((req, res) => {
    const name = (req.url ?? "/").split("?")[0] === "/" ? "index.html" : path.basename(req.url ?? "");
    const file = path.join(outDir, name);
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

/** What Chromium's accessibility tree says about an element: name, description, invalid. */
async function announced(page: Page, selector: string) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: 0 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { nodeId, fetchRelatives: false });
    const node = nodes[0];
    return {
      role: node?.role?.value as string | undefined,
      name: node?.name?.value as string | undefined,
      description: node?.description?.value as string | undefined,
      invalid: node?.properties?.find((p) => p.name === "invalid")?.value.value as string | undefined,
    };
  } finally {
    await cdp.detach();
  }
}

/** The row headers of a table, top to bottom. */
function rowNames(page: Page, table: string) {
  return page.getByRole("grid", { name: table }).getByRole("rowheader").allTextContents();
}

const activeInside = (page: Page, selector: string) =>
  page.evaluate((s) => Boolean(document.activeElement?.closest(s)), selector);

describe("UI kit in Chromium", () => {
  it("shows fields with problem+json errors, money in minor units, dialogs, toasts and a data table", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
    await page.goto(base);
    await page
      .getByRole("heading", { level: 1, name: "UI kit" })
      .waitFor({ timeout: 10_000 })
      .catch((error: Error) => {
        throw new Error(`The kit page did not render: ${pageErrors.join("\n") || error.message}`);
      });

    // A field shows its label and hint, and the problem's message for its name ("/body/email").
    const email = page.getByRole("textbox", { name: "Email" });
    await expect.poll(() => email.getAttribute("aria-invalid")).toBe("true");
    const emailId = await email.getAttribute("id");
    expect(await page.locator(`[id="${emailId}-hint"]`).textContent()).toBe("We send receipts here.");
    expect(await page.locator(`[id="${emailId}-error"]`).textContent()).toBe("That email is already in use.");
    expect((await email.getAttribute("aria-describedby"))?.split(" ")).toEqual([
      `${emailId}-hint`,
      `${emailId}-error`,
    ]);
    const a11y = await announced(page, `[id="${emailId}"]`);
    expect(a11y.name).toBe("Email");
    expect(a11y.description).toBe("We send receipts here. That email is already in use.");
    expect(a11y.invalid).toBe("true");
    // Focus went to the first field the problem marks invalid.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
    // A field the problem does not name stays valid.
    expect(await page.getByRole("textbox", { name: "Shop name" }).getAttribute("aria-invalid")).toBeNull();
    // The summary points to the fields and lists the message tied to no shown field.
    const summary = page.getByRole("alert").filter({ hasText: "highlighted fields" });
    await expect.poll(() => summary.textContent()).toContain("Tax id: is not a valid VAT number");
    expect(await summary.textContent()).not.toContain("already in use");

    // Money typed in major units yields integer minor units of the currency.
    const usd = page.getByRole("textbox", { name: "Price", exact: true });
    await usd.fill("1,234.50");
    await expect.poll(() => page.getByTestId("usd-minor").textContent()).toBe("123450");
    expect(await page.locator('input[type="hidden"][name="price"]').inputValue()).toBe("123450");
    expect((await announced(page, `[id="${await usd.getAttribute("id")}"]`)).description).toBe("USD");
    const huf = page.getByRole("textbox", { name: "Price in forints" });
    await huf.fill("1500");
    await expect.poll(() => page.getByTestId("huf-minor").textContent()).toBe("150000");
    await huf.blur();
    await expect.poll(() => huf.inputValue()).toBe("1,500.00");
    // Not an amount: nothing comes out, and leaving the field says why.
    await usd.fill("12,34,5");
    await expect.poll(() => page.getByTestId("usd-minor").textContent()).toBe("");
    await usd.blur();
    await expect.poll(() => usd.getAttribute("aria-invalid")).toBe("true");
    await usd.fill("19.99");
    await expect.poll(() => page.getByTestId("usd-minor").textContent()).toBe("1999");
    await expect.poll(() => usd.getAttribute("aria-invalid")).toBeNull();

    // The data table: first page, sorting, select all, load more.
    const products = page.getByRole("grid", { name: "Products" });
    expect(await rowNames(page, "Products")).toEqual(["Mug", "Apron", "Kettle"]);
    const nameHeader = products.getByRole("columnheader", { name: "Name" });
    await nameHeader.click();
    await expect.poll(() => rowNames(page, "Products")).toEqual(["Apron", "Kettle", "Mug"]);
    expect(await nameHeader.getAttribute("aria-sort")).toBe("ascending");
    await nameHeader.click();
    await expect.poll(() => rowNames(page, "Products")).toEqual(["Mug", "Kettle", "Apron"]);
    expect(await nameHeader.getAttribute("aria-sort")).toBe("descending");
    await products.getByRole("columnheader", { name: "Price" }).click();
    await expect.poll(() => rowNames(page, "Products")).toEqual(["Mug", "Apron", "Kettle"]);

    const selectAll = products.getByRole("checkbox", { name: "Select All" });
    // The checkbox is drawn by a box over the visually hidden input: click it as a person would.
    await products.locator("label", { has: page.getByRole("checkbox", { name: "Select All" }) }).click();
    expect(await selectAll.isChecked()).toBe(true);
    await expect.poll(() => products.locator('[role="row"][aria-selected="true"]').count()).toBe(3);
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "selected" }).textContent())
      .toBe("Showing 3 of 7, 3 selected");
    // Row checkboxes are named by their row.
    expect(await products.getByRole("checkbox", { name: /Kettle/ }).isChecked()).toBe(true);

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rowNames(page, "Products")).toHaveLength(6);
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "selected" }).textContent())
      .toBe("Showing 6 of 7, 3 selected");
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rowNames(page, "Products")).toHaveLength(7);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);

    // Previous / next by cursor.
    const orders = page.getByRole("navigation", { name: "Orders pages" });
    expect(await rowNames(page, "Orders")).toEqual(["#1001", "#1002"]);
    expect(await orders.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);
    await orders.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => rowNames(page, "Orders")).toEqual(["#1003", "#1004"]);
    await orders.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => rowNames(page, "Orders")).toEqual(["#1005"]);
    expect(await orders.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await orders.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => rowNames(page, "Orders")).toEqual(["#1003", "#1004"]);

    // The empty state.
    expect(await page.getByRole("grid", { name: "Returns" }).textContent()).toContain("No returns yet.");

    // A toast appears in the notifications region, announced, and can be closed.
    await page.getByRole("button", { name: "Save product" }).click();
    const region = page.getByRole("region", { name: "Notifications" });
    const toast = region.getByRole("alertdialog", { name: "Product saved" });
    await toast.waitFor();
    expect(await toast.textContent()).toContain("It is live in the shop.");

    // UI_KIT_SCREENSHOT=/tmp/kit.png keeps a picture of the page for a look at the styles.
    if (process.env.UI_KIT_SCREENSHOT)
      await page.screenshot({ path: process.env.UI_KIT_SCREENSHOT, fullPage: true });

    // axe finds nothing serious with the page in these states.
    expect(await seriousViolations(page)).toEqual([]);

    await toast.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => region.count()).toBe(0);

    // A confirm dialog traps focus, closes on Escape and gives focus back.
    const opener = page.getByRole("button", { name: "Delete products" });
    await opener.click();
    const dialog = page.getByRole("alertdialog", { name: "Delete 3 products?" });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    for (const key of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
      await page.keyboard.press(key);
      expect(await activeInside(page, '[role="alertdialog"]')).toBe(true);
    }
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Delete products");

    // Confirming runs the action with the button pending, then closes.
    await opener.click();
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => dialog.count()).toBe(0);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
