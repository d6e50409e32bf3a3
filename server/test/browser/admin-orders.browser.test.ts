import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { upsertProduct } from "../../src/modules/catalog/index.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { GuestShopper, seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const adminDist = path.join(repoRoot, "web/admin/dist");

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

interface PlacedOrder {
  id: string;
  number: string;
  email: string;
  currency: string;
  totals: { total: number };
  lines: { id: string; sku: string; total: number }[];
}

let order: PlacedOrder;
let other: PlacedOrder;

/** Dollars from cents by their digits (USD, below $1,000): 7473 -> "$74.73". */
const usd = (cents: number) => `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

/** Waits for a value in the page (longer than expect.poll's default: the first pages load cold). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

async function heading(page: Page, name: string) {
  await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
}

async function openSection(page: Page, name: string) {
  await page
    .getByRole("navigation", { name: "Admin sections" })
    .getByRole("link", { name, exact: true })
    .click();
  await heading(page, name);
}

async function placeOrder(email: string, lines: { variantId: string; quantity: number }[]) {
  const guest = new GuestShopper(t.app);
  await guest.readyCart(lines, email);
  const response = await guest.checkout(`browser-${email}`);
  expect(response.statusCode).toBe(201);
  return response.json() as PlacedOrder;
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
  const { variants } = await seedShop(t.ctx);
  // Two lanterns left: below the default low-stock threshold of 5.
  await upsertProduct(t.ctx.db, {
    sku: "LANTERN",
    type: "simple",
    name: "Camp Lantern",
    currency: "USD",
    categorySlugs: ["gear"],
    variants: [{ sku: "LANTERN", priceAmount: 3500, stockQuantity: 2, weightGrams: 400 }],
  });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  order = await placeOrder("ada.orders@example.com", [
    { variantId: variants["TEE-S"], quantity: 2 },
    { variantId: variants.MUG, quantity: 1 },
  ]);
  other = await placeOrder("someone.else@example.com", [{ variantId: variants.MUG, quantity: 1 }]);
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("orders in the admin dashboard (Chromium)", () => {
  it("finds an order, ships part of it, refunds part of it, handles a return, lists low stock and prices variants in a second currency", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // Sign in as the owner.
    await page.goto(`${base}/admin/orders`);
    await page.waitForURL(/\/admin\/sign-in/);
    await page.getByLabel("Email").fill(ownerEmail);
    await page.getByLabel("Password").fill(ownerPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/orders$/);
    await heading(page, "Orders");
    const nav = page.getByRole("navigation", { name: "Admin sections" });
    for (const name of ["Orders", "Returns", "Disputes"]) {
      await nav.getByRole("link", { name, exact: true }).waitFor();
    }

    // The list: newest first, totals formatted from minor units, statuses as badges.
    const table = page.getByTestId("orders-table");
    const rowOf = (o: PlacedOrder) => table.getByRole("row").filter({ hasText: `#${o.number}` });
    await rowOf(order).waitFor();
    await rowOf(other).waitFor();
    expect(await table.locator("tbody tr").first().textContent()).toContain(`#${other.number}`);
    const row = rowOf(order);
    expect(await row.textContent()).toContain(usd(order.totals.total));
    expect(await row.textContent()).toContain(order.email);
    expect(await row.textContent()).toContain("Processing");
    expect(await row.textContent()).toContain("Paid");
    expect(await row.textContent()).toContain("Unfulfilled");
    expect(await seriousViolations(page)).toEqual([]);

    // Search by part of the e-mail: only that order is left.
    await page.getByLabel("Search orders").fill("ada.orders");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/\/admin\/orders\?q=ada\.orders$/);
    await poll(() => table.locator("tbody tr").count()).toBe(1);
    await rowOf(order).waitFor();
    // Status filter: nothing has shipped yet.
    await page.getByLabel("Status").selectOption("shipped");
    await page.waitForURL(/status=shipped/);
    await page.getByText("No orders match.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await rowOf(other).waitFor();

    // Open the order by its number.
    await page.getByLabel("Search orders").fill(order.number);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await poll(() => table.locator("tbody tr").count()).toBe(1);
    await rowOf(order)
      .getByRole("link", { name: `Order #${order.number}` })
      .click();
    await page.waitForURL(new RegExp(`/admin/orders/${order.id}$`));
    await heading(page, `Order #${order.number}`);
    const lines = page.getByTestId("order-lines");
    await lines.getByRole("cell", { name: "TEE-S" }).waitFor();
    expect(await lines.textContent()).toContain("Size: S");
    const teeLine = order.lines.find((l) => l.sku === "TEE-S")!;
    expect(await lines.getByRole("row").filter({ hasText: "TEE-S" }).textContent()).toContain(
      usd(teeLine.total),
    );
    expect(await page.getByTestId("order-total").textContent()).toBe(usd(order.totals.total));
    expect(await page.getByTestId("order-email").textContent()).toBe(order.email);
    expect(
      await page.getByTestId("order-timeline").locator('li[data-type="order.placed"]').textContent(),
    ).toContain(`Order ${order.number} placed`);
    expect(await seriousViolations(page)).toEqual([]);

    // Ship the two tees, not the mug. A malformed tracking link comes back as a field error.
    await page.getByRole("button", { name: "Create shipment" }).click();
    const shipForm = page.getByRole("form", { name: `Create a shipment for order #${order.number}` });
    await shipForm.waitFor();
    await shipForm.getByRole("checkbox", { name: /^Ship Camp Mug/ }).uncheck();
    await shipForm.getByRole("spinbutton", { name: /^Quantity of Trail Tee/ }).fill("2");
    await shipForm.getByLabel("Carrier").fill("ups");
    await shipForm.getByLabel("Tracking number").fill("1Z999AA10123456784");
    const trackingLink = shipForm.getByLabel("Tracking link (optional)");
    await trackingLink.fill("not a link");
    expect(await seriousViolations(page)).toEqual([]);
    await shipForm.getByRole("button", { name: "Ship these items" }).click();
    await shipForm.getByRole("alert").waitFor();
    await poll(() => trackingLink.getAttribute("aria-invalid")).toBe("true");
    await trackingLink.fill("");
    await shipForm.getByRole("button", { name: "Ship these items" }).click();
    await poll(() => page.getByTestId("action-done").textContent()).toContain(
      "Shipment created with ups (1Z999AA10123456784)",
    );
    const shipments = page.getByTestId("order-shipments");
    const tracking = shipments.getByRole("link", { name: /1Z999AA10123456784/ });
    await tracking.waitFor();
    expect(await tracking.getAttribute("href")).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(await shipments.textContent()).toContain("2 × Trail Tee");
    expect(await shipments.textContent()).not.toContain("Camp Mug");
    expect(await page.getByTestId("order-status").textContent()).toBe("Partially shipped");
    expect(await page.getByTestId("order-fulfillment-status").textContent()).toBe("Partially fulfilled");
    // Shipped lines can no longer be cancelled.
    expect(await page.getByRole("button", { name: "Cancel order" }).count()).toBe(0);

    // Refund $12.34 of it: typed in dollars, sent as 1234 cents.
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const refundForm = page.getByRole("form", { name: `Refund order #${order.number}` });
    const amount = refundForm.getByLabel("Amount (USD)");
    await amount.fill("12.345");
    await refundForm.getByRole("button", { name: "Issue refund" }).click();
    await poll(() => refundForm.textContent()).toContain("USD amounts have at most 2 decimal places.");
    expect(await amount.getAttribute("aria-invalid")).toBe("true");
    await amount.fill("12.34");
    await refundForm.getByLabel("Reason").selectOption("other");
    await refundForm.getByLabel("Note (optional)").fill("Scuffed box");
    expect(await seriousViolations(page)).toEqual([]);
    await refundForm.getByRole("button", { name: "Issue refund" }).click();
    await poll(() => page.getByTestId("action-done").textContent()).toContain("Refund of $12.34 issued.");
    const refunds = page.getByTestId("order-refunds");
    const refundRow = refunds.getByRole("row").filter({ hasText: "$12.34" });
    await refundRow.waitFor();
    expect(await refundRow.textContent()).toContain("Scuffed box");
    expect(await refundRow.textContent()).toContain("Succeeded");
    expect(await refundRow.textContent()).toContain(`You (${ownerEmail})`);
    expect(await page.getByTestId("refunded-total").textContent()).toBe("$12.34");
    expect(await page.getByTestId("order-payment-status").textContent()).toBe("Partially refunded");
    expect(await page.getByTestId("order-payments").textContent()).toContain("$12.34");

    // The timeline names both, with who did them.
    const timeline = page.getByTestId("order-timeline");
    const shipped = timeline.locator('li[data-type="order.shipped"]');
    await shipped.waitFor();
    expect(await shipped.textContent()).toContain(
      "Partly shipped 2 items with UPS, tracking 1Z999AA10123456784",
    );
    expect(await shipped.textContent()).toContain(`You (${ownerEmail})`);
    const refunded = timeline.locator('li[data-type="order.refunded"]');
    await refunded.waitFor();
    expect(await refunded.textContent()).toContain("$12.34");
    expect(await refunded.textContent()).toContain(`You (${ownerEmail})`);
    expect(await seriousViolations(page)).toEqual([]);

    // The API agrees: 1234 minor units refunded.
    const api = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: order.number, email: order.email },
    });
    expect(api.json()).toMatchObject({
      status: "partially_shipped",
      paymentStatus: "partially_refunded",
      totals: { refundedTotal: 1234 },
    });

    // The guest asks to return one tee; staff approve it, then receive it (restock and refund).
    const asked = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup/returns",
      payload: {
        number: order.number,
        email: order.email,
        lines: [{ lineId: teeLine.id, quantity: 1, reason: "too small" }],
      },
    });
    expect(asked.statusCode).toBe(201);
    const rmaNumber = `${order.number}-R1`;
    await openSection(page, "Returns");
    const returnRow = page.getByTestId("returns-table").getByRole("row").filter({ hasText: rmaNumber });
    await returnRow.waitFor();
    expect(await returnRow.textContent()).toContain("too small");
    expect(await seriousViolations(page)).toEqual([]);
    await returnRow.getByRole("button", { name: `Approve return ${rmaNumber}` }).click();
    await poll(() => returnRow.textContent()).toContain("Approved");
    await returnRow.getByRole("button", { name: `Mark received (return ${rmaNumber})` }).click();
    await page.getByText("No open returns.").waitFor();

    // Back on the order: the return was refunded and the timeline says so.
    await page.goto(`${base}/admin/orders/${order.id}`);
    await heading(page, `Order #${order.number}`);
    const returns = page.getByTestId("order-returns");
    await poll(() => returns.getByRole("row").filter({ hasText: rmaNumber }).textContent()).toContain(
      "Refunded",
    );
    expect(await timeline.textContent()).toContain(`Return ${rmaNumber} received and restocked`);
    const perUnit = Math.ceil(teeLine.total / 2);
    expect(await page.getByTestId("refunded-total").textContent()).toBe(usd(1234 + perUnit));

    // Disputes: none open.
    await openSection(page, "Disputes");
    await page.getByText("No open disputes.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Low stock: the lanterns, with what is on the shelf, reserved and available.
    await openSection(page, "Low stock");
    const lantern = page.getByTestId("low-stock-table").getByRole("row").filter({ hasText: "LANTERN" });
    await lantern.waitFor();
    expect((await lantern.getByRole("cell").allTextContents()).map((c) => c.trim())).toEqual([
      "Camp Lantern",
      "Default warehouse",
      "2",
      "0",
      "2",
      "5",
    ]);
    expect(await seriousViolations(page)).toEqual([]);

    // Price lists: open a EUR list, price the mug, refuse a price that is not an amount.
    await openSection(page, "Price lists");
    await page.getByText("No price lists yet").waitFor();
    const listForm = page.getByRole("form", { name: "Add or change a price list" });
    await listForm.getByLabel("Currency", { exact: true }).fill("eur");
    await listForm.getByLabel("Name", { exact: true }).fill("Euro");
    await listForm.getByRole("button", { name: "Save price list" }).click();
    await page.getByText("Saved the EUR price list for everyone (on sale).").waitFor();
    const mugPrice = page.getByLabel("Price of MUG in EUR");
    await mugPrice.fill("11.50");
    await page.getByLabel("Price of TEE-S in EUR").fill("twelve");
    await page.getByRole("button", { name: "Save 2 changes" }).click();
    await page.getByText("Some prices are not amounts").waitFor();
    await page.getByText("Enter an amount in digits, e.g. 12.50.").waitFor();
    await page.getByLabel("Price of TEE-S in EUR").fill("");
    await page.getByRole("button", { name: "Save 2 changes" }).click();
    await page.getByText("Saved: 1 price set, 1 removed.").waitFor();
    const stored = await t.app.inject({ method: "GET", url: "/api/store/currencies" });
    expect(stored.json()).toEqual({ default: "USD", currencies: ["USD", "EUR"] });
    await poll(async () => (await mugPrice.inputValue()).trim()).toBe("11.50");
    await page.getByLabel("Find by SKU or product name").fill("lantern");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await poll(async () => page.getByTestId("price-grid").getByRole("row").count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
