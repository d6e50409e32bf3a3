import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, saveCustomRole } from "../../src/modules/staff/index.ts";
import { GuestShopper, michigan, seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

/**
 * The order desk in the admin, in Chromium, as a staff member whose only role is an "Order desk" one
 * (orders:read, orders:write, orders:refund; no catalog permission, the "Add an item" picker searches
 * through the order): on a paid order placed through the checkout they tag it, write
 * a note, add a second variant of the tee, refund one unit of a line with restock, read the timeline
 * and open the invoice; on a pickup order they mark it ready, then picked up.
 */
const staff = { email: "desk@shop.test", password: "Quiet-harbour-4817", name: "Dee Desk" };

const shots = process.env.ADMIN_SCREENSHOTS_DIR ?? path.join(os.tmpdir(), "bazaar-admin-screens");

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

interface PlacedOrder {
  id: string;
  number: string;
  totals: { total: number };
}
let paid: PlacedOrder;
let pickup: PlacedOrder;

/** Dollars from cents by their digits (USD, below $1,000): 7473 -> "$74.73". */
const usd = (cents: number) => `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

async function placeOrder(
  email: string,
  lines: { variantId: string; quantity: number }[],
  code: "best_way" | "pickup",
): Promise<PlacedOrder> {
  const shopper = new GuestShopper(t.app);
  for (const line of lines) {
    const r = await shopper.call("POST", "/api/store/cart/lines", line);
    expect(r.statusCode, r.body).toBe(200);
  }
  await shopper.call("PUT", "/api/store/cart/email", { email });
  const cart = (await shopper.call("PUT", "/api/store/cart/shipping-address", michigan)).json();
  const option = cart.shippingOptions.find((o: { code: string }) => o.code === code);
  const chosen = await shopper.call("PUT", "/api/store/cart/shipping-method", {
    shippingMethodId: option.id,
  });
  expect(chosen.statusCode, chosen.body).toBe(200);
  const res = await shopper.checkout(`desk-${email}`);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as PlacedOrder;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: base });
  const { variants } = await seedShop(t.ctx);
  await saveCustomRole(
    t.ctx.db,
    {
      key: "order_desk",
      name: "Order desk",
      permissions: ["orders:read", "orders:write", "orders:refund"],
    },
    { actorId: "system" },
  );
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: { name: staff.name, email: staff.email, password: staff.password },
  });
  expect(signUp.statusCode).toBe(200);
  await assignRole(t.ctx.db, signUp.json().user.id, "order_desk");
  paid = await placeOrder(
    "ada.desk@example.com",
    [
      { variantId: variants["TEE-S"], quantity: 2 },
      { variantId: variants.MUG, quantity: 1 },
    ],
    "best_way",
  );
  pickup = await placeOrder("grace.desk@example.com", [{ variantId: variants.MUG, quantity: 2 }], "pickup");
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function openOrder(page: Page, order: PlacedOrder) {
  await page.goto(`${base}/admin/orders/${order.id}`);
  await page.getByRole("heading", { level: 1, name: `Order #${order.number}` }).waitFor();
}

describe("the order desk (Chromium)", () => {
  it("tags, notes, edits items, refunds a unit, reads the timeline, opens the invoice, hands over a pickup", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // The pickup actions ask for confirmation.
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });

    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel("Email").fill(staff.email);
    await page.getByLabel("Password").fill(staff.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/?$/);
    await openOrder(page, paid);

    // A tag and a note, still there after a reload.
    const tags = page.getByRole("form", { name: `Tag order #${paid.number}` });
    await tags.getByLabel("Add a tag").fill("Gift wrap");
    await tags.getByRole("button", { name: "Add tag" }).click();
    const chips = page.getByRole("list", { name: `Tags of order #${paid.number}` });
    await chips.getByText("gift wrap", { exact: true }).waitFor();
    await page.getByLabel("New note").fill("Customer called: wrap each item separately.");
    await page.getByRole("button", { name: "Add note" }).click();
    const notes = page.getByTestId("order-notes");
    await notes.getByText("Customer called: wrap each item separately.").waitFor();
    expect(await notes.textContent()).toContain(staff.name);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: `Order #${paid.number}` }).waitFor();
    await chips.getByText("gift wrap", { exact: true }).waitFor();
    await notes.getByText("Customer called: wrap each item separately.").waitFor();

    // Edit the items: add the tee in M. The preview shows the new total and the balance due.
    await page.getByRole("button", { name: "Edit items" }).click();
    const editor = page.getByRole("form", { name: `Edit the items of order #${paid.number}` });
    await editor.getByLabel("Add an item").fill("trail tee");
    // The tee already on the order cannot be added twice; the M is, at its price in the order's currency.
    const found = editor.getByRole("list", { name: "Items found" });
    await found
      .getByRole("listitem")
      .filter({ hasText: "TEE-S" })
      .getByRole("button", { name: /is on the order/ })
      .waitFor();
    await found.getByRole("listitem").filter({ hasText: "TEE-M" }).getByText("$29.00").waitFor();
    await editor.getByRole("button", { name: "Add Trail Tee (M)" }).click();
    const preview = editor.getByTestId("edit-preview");
    await poll(() => preview.textContent()).toContain("Balance due after saving");
    const previewText = (await preview.textContent()) ?? "";
    const newTotal = /Total(\$\d+\.\d\d)/.exec(previewText)?.[1];
    expect(newTotal, previewText).toBeDefined();
    expect(newTotal).not.toBe(usd(paid.totals.total));
    expect(await seriousViolations(page)).toEqual([]);
    await editor.getByRole("button", { name: "Save changes" }).click();
    await poll(() => page.getByTestId("order-edit").textContent()).toContain(`New total ${newTotal}`);
    const lines = page.getByTestId("order-lines");
    await lines.getByRole("row").filter({ hasText: "TEE-M" }).waitFor();
    expect(await page.getByTestId("order-total").textContent()).toBe(newTotal);
    await page.getByTestId("balance-due").waitFor();

    // Refund one tee in S, restocked, through the per-line form.
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const refundForm = page.getByRole("form", { name: `Refund order #${paid.number}` });
    await refundForm.getByLabel("Units of Trail Tee (S) to refund").fill("1");
    expect(await refundForm.getByLabel("Restock Trail Tee (S)").isChecked()).toBe(true);
    const amount = await refundForm.getByLabel("Amount (USD)").inputValue();
    expect(amount).toMatch(/^\d+\.\d\d$/);
    expect(await seriousViolations(page)).toEqual([]);
    await refundForm.getByRole("button", { name: "Issue refund" }).click();
    await poll(() => page.getByTestId("action-done").textContent()).toContain(`Refund of $${amount} issued.`);
    const refunds = page.getByTestId("order-refunds");
    await refunds
      .getByRole("row")
      .filter({ hasText: `$${amount}` })
      .waitFor();
    await poll(() => lines.getByRole("row").filter({ hasText: "TEE-S" }).textContent()).toContain(
      "1 refunded",
    );
    expect(await page.getByTestId("refunded-total").textContent()).toBe(`$${amount}`);

    // The timeline reads as sentences with formatted money.
    const timeline = page.getByTestId("order-timeline");
    await poll(() => timeline.textContent()).toContain(`Refunded $${amount}`);
    const story = (await timeline.textContent()) ?? "";
    expect(story).not.toMatch(/Refunded \d{3,}/);
    expect(story).not.toMatch(/\b(usr|ord|var|line|ref)_[0-9A-Z]{10,}/);

    // The invoice answers a PDF.
    const href = await page.getByTestId("order-invoice-link").getAttribute("href");
    expect(href).toBeTruthy();
    const invoice = await page.evaluate(async (url) => {
      const res = await fetch(url!);
      return { status: res.status, type: res.headers.get("content-type") };
    }, href);
    expect(invoice.status).toBe(200);
    expect(invoice.type).toContain("application/pdf");
    expect(await seriousViolations(page)).toEqual([]);
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "desk-order-refunded.png"), fullPage: true });

    // The pickup order: ready for pickup, then picked up, each confirmed.
    await openOrder(page, pickup);
    expect(await page.getByRole("button", { name: "Create shipment" }).count()).toBe(0);
    await page.getByRole("button", { name: "Ready for pickup" }).click();
    await poll(() => page.getByTestId("order-status").textContent()).toBe("Ready for pickup");
    expect(dialogs.at(-1)).toContain("1 Main St, Detroit");
    await page.getByRole("button", { name: "Mark as picked up" }).click();
    await poll(() => page.getByTestId("order-status").textContent()).toBe("Delivered");
    expect(dialogs).toHaveLength(2);
    await poll(() => page.getByTestId("order-fulfillment-status").textContent()).toBe("Delivered");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "desk-order-picked-up.png"), fullPage: true });

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
