import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { GuestShopper, michigan, seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

/**
 * Every screen of the admin as the owner sees it, in Chromium, on a small shop with data on each:
 * at 1280×800 every section of the navigation and the detail pages (an order, a customer, the product
 * editor new and existing, a category, a customer group's members, the settings tabs); at 390×844 the
 * order, the orders list, the customer and the customer groups. Each screen is checked for serious or
 * critical axe-core violations, sideways scrolling, console errors and failed requests, and saved as
 * a full-page screenshot to ADMIN_SCREENSHOTS_DIR (default: <tmp>/bazaar-admin-screens) for review.
 */
const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const shopperPassword = "Tidal-meadow-5523";
const shots = process.env.ADMIN_SCREENSHOTS_DIR ?? path.join(os.tmpdir(), "bazaar-admin-screens");

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

const ids = {
  paidOrder: "",
  pickupOrder: "",
  declinedOrder: "",
  customer: "",
  group: "",
  mug: "",
  tee: "",
};

/** A shopper with an account: the cart travels with their session cookie as well as the cart token. */
class SignedInShopper extends GuestShopper {
  constructor(
    app: FastifyInstance,
    private readonly cookie: string,
  ) {
    super(app);
  }
  override call(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return super.call(method, url, body, { cookie: this.cookie, origin: base, ...headers });
  }
}

const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

async function signUp(name: string, email: string) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: { name, email, password: shopperPassword },
  });
  expect(res.statusCode).toBe(200);
  return { id: res.json().user.id as string, cookie: cookieOf(res) };
}

/** An admin API call as the owner (through inject, with the owner's session cookie). */
let ownerCookie = "";
async function admin(method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: { origin: base, cookie: ownerCookie },
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Fills a cart and picks the shipping option `code`, then pays with `card`. */
async function placeOrder(
  shopper: GuestShopper,
  email: string,
  lines: { variantId: string; quantity: number }[],
  code: "best_way" | "pickup",
  card = "4242424242424242",
) {
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
  return shopper.checkout(`screens-${email}-${code}-${card}`, card);
}

beforeAll(async () => {
  for (const app of ["admin", "storefront"]) {
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`))) {
      throw new Error(`Build the ${app} first: npm run build`);
    }
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
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: base },
    payload: { email: ownerEmail, password: ownerPassword },
  });
  expect(signIn.statusCode).toBe(200);
  ownerCookie = cookieOf(signIn);
  const products = await queryRows<{ id: string; sku: string }>(
    t.ctx.db,
    sql`select id, sku from products where sku in ('MUG', 'TEE')`,
  );
  ids.mug = products.find((p) => p.sku === "MUG")!.id;
  ids.tee = products.find((p) => p.sku === "TEE")!.id;

  // A customer with an account, an order, a note, a tag, a group and a pending review.
  const ada = await signUp("Ada Byron", "ada@example.com");
  ids.customer = ada.id;
  const paid = await placeOrder(
    new SignedInShopper(t.app, ada.cookie),
    "ada@example.com",
    [
      { variantId: variants["TEE-S"], quantity: 2 },
      { variantId: variants.MUG, quantity: 1 },
    ],
    "best_way",
  );
  expect(paid.statusCode, paid.body).toBe(201);
  ids.paidOrder = paid.json().id;
  await admin("PUT", `/api/admin/orders/${ids.paidOrder}/tags`, { tags: ["gift", "vip"] });
  await admin("POST", `/api/admin/orders/${ids.paidOrder}/notes`, { body: "Wrap the mug separately." });
  await admin("POST", `/api/admin/customers/${ada.id}/notes`, { body: "Prefers e-mail over phone calls." });
  await admin("POST", `/api/admin/customers/${ada.id}/tags`, { tag: "wholesale" });
  const review = await t.app.inject({
    method: "PUT",
    url: `/api/store/products/${ids.mug}/reviews/mine`,
    headers: { origin: base, cookie: ada.cookie },
    payload: { rating: 5, title: "Keeps coffee hot", body: "Two hours on a cold morning, still hot." },
  });
  expect(review.statusCode, review.body).toBe(201);

  const group = await admin("POST", "/api/admin/customer-groups", {
    name: "Wholesale",
    description: "Trade customers buying by the case.",
  });
  ids.group = group.id;
  await admin("POST", `/api/admin/customer-groups/${ids.group}/members`, { userIds: [ada.id] });
  await admin("POST", "/api/admin/promotions", {
    name: "Wholesale five off",
    type: "fixed",
    value: 500,
    currency: "USD",
    appliesTo: "order",
    conditions: { customerGroupIds: [ids.group] },
  });
  await admin("POST", "/api/admin/price-lists", {
    currency: "USD",
    name: "Wholesale prices",
    customerGroupId: ids.group,
  });
  await admin("PUT", `/api/admin/price-lists/USD/prices?customerGroupId=${ids.group}`, {
    prices: [{ sku: "MUG", amount: 1000 }],
  });

  // A pickup order and a declined checkout, both from guests.
  const pickup = await placeOrder(
    new GuestShopper(t.app),
    "grace@example.com",
    [{ variantId: variants.MUG, quantity: 2 }],
    "pickup",
  );
  expect(pickup.statusCode, pickup.body).toBe(201);
  ids.pickupOrder = pickup.json().id;
  const declined = await placeOrder(
    new GuestShopper(t.app),
    "declined@example.com",
    [{ variantId: variants["TEE-M"], quantity: 1 }],
    "best_way",
    "4000000000000002",
  );
  expect(declined.statusCode, declined.body).toBeGreaterThanOrEqual(400);
  const [failed] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from orders where status = 'payment_failed' limit 1`,
  );
  ids.declinedOrder = failed?.id ?? "";

  await admin("POST", "/api/admin/content/pages", {
    slug: "shipping-and-returns",
    title: "Shipping and returns",
    body: "<p>We ship within two working days.</p>",
  });

  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

interface Watch {
  problems: string[];
}

/** Console errors, page errors and failed requests (4xx/5xx) of the page, collected as they happen. */
function watch(page: Page): Watch {
  const w: Watch = { problems: [] };
  page.on("console", (message) => {
    if (message.type() === "error") w.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => w.problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) w.problems.push(`${response.status()} ${response.url()}`);
  });
  page.on("requestfailed", (request) => {
    // Requests the page itself gives up on (a query superseded by navigation) are not failures.
    if (request.failure()?.errorText !== "net::ERR_ABORTED") {
      w.problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`);
    }
  });
  return w;
}

/**
 * Opens `url`, waits for the h1 `heading` and for every loading spinner to go, then checks axe, the
 * absence of sideways scrolling and of errors, and saves a full-page screenshot as `<name>.png`.
 */
async function visit(page: Page, w: Watch, name: string, url: string, heading: string | RegExp) {
  await page.goto(`${base}/admin${url}`);
  await check(page, w, name, heading);
}

async function check(page: Page, w: Watch, name: string, heading: string | RegExp) {
  await page.getByRole("heading", { level: 1, name: heading }).first().waitFor();
  await page.waitForFunction(() => !document.body.textContent?.includes("Loading"), undefined, {
    timeout: 15_000,
  });
  await page.waitForLoadState("networkidle");
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(overflow.scrollWidth, `sideways scrolling on ${name}`).toBeLessThanOrEqual(overflow.innerWidth);
  expect(w.problems, `errors on ${name}`).toEqual([]);
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function signedIn(context: BrowserContext): Promise<{ page: Page; w: Watch }> {
  const page = await context.newPage();
  const w = watch(page);
  await page.goto(`${base}/admin/sign-in`);
  await page.getByLabel("Email").fill(ownerEmail);
  await page.getByLabel("Password").fill(ownerPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/admin\/?$/);
  // Before signing in the admin asks who is there and is told 401: expected.
  w.problems.length = 0;
  return { page, w };
}

/** The sections of web/admin/src/components/nav.ts, with the h1 each shows. */
const sections: { url: string; name: string; heading: string }[] = [
  { url: "/orders", name: "orders", heading: "Orders" },
  { url: "/customers", name: "customers", heading: "Customers" },
  { url: "/customer-groups", name: "customer-groups", heading: "Customer groups" },
  { url: "/returns", name: "returns", heading: "Returns" },
  { url: "/disputes", name: "disputes", heading: "Disputes" },
  { url: "/products", name: "products", heading: "Products" },
  { url: "/categories", name: "categories", heading: "Categories" },
  { url: "/inventory", name: "inventory", heading: "Inventory" },
  { url: "/reviews", name: "reviews", heading: "Reviews" },
  { url: "/promotions", name: "promotions", heading: "Promotions" },
  { url: "/content", name: "content", heading: "Content" },
  { url: "/transfers", name: "transfers", heading: "Import and export" },
  { url: "/settings", name: "settings", heading: "Settings" },
  { url: "/low-stock", name: "low-stock", heading: "Low stock" },
  { url: "/price-lists", name: "price-lists", heading: "Price lists" },
  { url: "/staff", name: "staff", heading: "Staff" },
  { url: "/roles", name: "roles", heading: "Roles" },
  { url: "/audit", name: "audit", heading: "Audit log" },
  { url: "/outbox", name: "outbox", heading: "Email outbox" },
  { url: "/api-keys", name: "api-keys", heading: "API keys" },
  { url: "/jobs", name: "jobs", heading: "Background jobs" },
  { url: "/vendors", name: "vendors", heading: "Vendors" },
];

describe("every admin screen, as the owner sees it", () => {
  it("every section of the navigation at 1280×800: axe clean, no sideways scrolling, no errors", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const { page, w } = await signedIn(context);
    await check(page, w, "home", "Overview");
    for (const s of sections) await visit(page, w, s.name, s.url, s.heading);
    await context.close();
  }, 180_000);

  it("the detail pages and tabs at 1280×800: axe clean, no sideways scrolling, no errors", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const { page, w } = await signedIn(context);
    await visit(page, w, "order-paid", `/orders/${ids.paidOrder}`, /^Order #/);
    await page.getByText("Wrap the mug separately.").waitFor();
    await visit(page, w, "order-pickup", `/orders/${ids.pickupOrder}`, /^Order #/);
    await page.getByRole("button", { name: "Ready for pickup" }).waitFor();
    expect(ids.declinedOrder, "a declined checkout was recorded").not.toBe("");
    await visit(page, w, "order-declined", `/orders/${ids.declinedOrder}`, /^Order #/);
    await page.getByTestId("declined-checkout").waitFor();
    await visit(page, w, "orders-declined", "/orders?status=payment_failed", "Orders");
    await visit(page, w, "orders-tagged", "/orders?tag=vip", "Orders");

    // The paid order's forms, open: edit items and the per-line refund.
    await visit(page, w, "order-paid-refund", `/orders/${ids.paidOrder}`, /^Order #/);
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    await page.getByRole("form", { name: /^Refund order/ }).waitFor();
    await check(page, w, "order-paid-refund", /^Order #/);
    await visit(page, w, "order-paid-edit", `/orders/${ids.paidOrder}`, /^Order #/);
    await page.getByRole("button", { name: "Edit items" }).click();
    await check(page, w, "order-paid-edit", /^Order #/);

    await visit(page, w, "customer", `/customers/${ids.customer}`, "Ada Byron");
    await page.getByText("Prefers e-mail over phone calls.").waitFor();
    await visit(page, w, "customer-group-members", `/customer-groups?group=${ids.group}`, "Customer groups");
    await page.getByText("ada@example.com").first().waitFor();
    await visit(page, w, "product-new", "/products/new", "New product");
    await visit(page, w, "product-configurable", `/products/${ids.tee}`, "Trail Tee");
    await visit(page, w, "product-simple", `/products/${ids.mug}`, "Camp Mug");
    await visit(page, w, "categories-tees", "/categories", "Categories");
    await page.getByRole("button", { name: "Tees", exact: true }).click();
    await page.getByTestId("category-editor").waitFor();
    await check(page, w, "category-tees", "Categories");
    await visit(page, w, "promotion-group", "/promotions", "Promotions");
    await page.getByRole("link", { name: "Wholesale five off" }).click();
    await check(page, w, "promotion-group", /Wholesale five off|Promotion/);
    await visit(page, w, "content-home", "/content/home", "Content");
    await visit(page, w, "content-menus", "/content/menus", "Content");
    await visit(page, w, "content-announcement", "/content/announcement", "Content");
    await visit(page, w, "content-page-new", "/content/pages/new", "New page");
    await visit(page, w, "inventory-ledger", "/inventory?tab=ledger", "Inventory");
    await visit(page, w, "inventory-locations", "/inventory?tab=locations", "Inventory");
    for (const tab of ["taxes", "shipping", "payments", "checkout"]) {
      await visit(page, w, `settings-${tab}`, `/settings/${tab}`, "Settings");
    }
    await visit(page, w, "settings-shipping-zone-new", "/settings/shipping/new", "Settings");
    await context.close();
  }, 180_000);

  it("the order, the orders list, the customer and the customer groups at 390×844", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const { page, w } = await signedIn(context);
    await visit(page, w, "phone-orders", "/orders", "Orders");
    // Each row shows its status and total on the screen, without scrolling the table sideways.
    const rows = page.getByTestId("orders-table").locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(1);
    for (const row of await rows.all()) {
      for (const cell of [row.locator("td").nth(3), row.locator("td").last()]) {
        const box = await cell.boundingBox();
        expect(box, "status and total cells are shown").not.toBeNull();
        expect(box!.x + box!.width, "within the screen").toBeLessThanOrEqual(390);
        expect((await cell.textContent())?.trim()).not.toBe("");
      }
    }
    expect(await rows.first().locator("td").last().textContent()).toMatch(/^\$\d+\.\d\d$/);
    await visit(page, w, "phone-order", `/orders/${ids.paidOrder}`, /^Order #/);
    await visit(page, w, "phone-order-pickup", `/orders/${ids.pickupOrder}`, /^Order #/);
    await visit(page, w, "phone-customer", `/customers/${ids.customer}`, "Ada Byron");
    await visit(page, w, "phone-customer-groups", "/customer-groups", "Customer groups");
    await visit(
      page,
      w,
      "phone-customer-group-members",
      `/customer-groups?group=${ids.group}`,
      "Customer groups",
    );
    await context.close();
  });
});
