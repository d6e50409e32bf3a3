import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { importLuma } from "../../src/importers/luma.ts";
import type { ProductDetailDto } from "../../src/modules/catalog/index.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

/** The Luma tee bought in two sizes, in a colour that has both S and M in stock. */
const teeSlug = "strike-endurance-tee";
let teeColor: string;
const bottleSlug = "affirm-water-bottle"; // SKU 24-UG06, 70 % off with coupon H20

const desktop = { width: 1280, height: 900 };
const phone = { width: 375, height: 812 };

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/storefront/dist/index.html"))) {
    throw new Error("Build the storefront first: npm run build");
  }
  // The shopper opens the shop at 127.0.0.1 while its PUBLIC_URL names localhost: every write must
  // still pass the Origin check (the request's own origin is the shop's), sign-in included.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, cacheTtlMs: 0, publicUrl: `http://localhost:${port}` });
  const summary = await importLuma(t.ctx, t.ctx.config.lumaPath);
  expect(summary.failed).toEqual([]);
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();

  const tee = (await (await fetch(`${base}/api/store/products/${teeSlug}`)).json()) as ProductDetailDto;
  const inStock = (size: string, color: string) =>
    tee.variants.some(
      (v) => v.options.size === size && v.options.color === color && v.stockStatus !== "out_of_stock",
    );
  teeColor = tee.options
    .find((o) => o.code === "color")!
    .values.map((v) => v.value)
    .find((color) => inStock("S", color) && inStock("M", color))!;
  expect(teeColor).toBeTruthy();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Waits for a value in the page (longer than expect.poll's default: the first pages load cold). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 });

const cartDrawer = (page: Page) => page.getByRole("dialog", { name: /Your cart/ });

/** Picks a size (and the tee's colour) on the tee's page and adds `quantity` to the cart. */
async function addTee(page: Page, size: string, quantity = 1) {
  if (!page.url().endsWith(`/products/${teeSlug}`)) await page.goto(`${base}/products/${teeSlug}`);
  await page
    .getByRole("radiogroup", { name: "Size" })
    .getByRole("radio", { name: size, exact: true })
    .click();
  await page
    .getByRole("radiogroup", { name: "Color" })
    .getByRole("radio", { name: teeColor, exact: true })
    .click();
  await page.getByLabel("Quantity", { exact: true }).fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await cartDrawer(page).waitFor();
}

async function addBottle(page: Page) {
  await page.goto(`${base}/products/${bottleSlug}`);
  await page.locator("h1").first().waitFor();
  await page.getByRole("button", { name: "Add to cart" }).click();
  await cartDrawer(page).waitFor();
}

/** Fills the checkout's contact, Michigan address and shipping steps (Best Way). */
async function fillCheckout(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await page.getByLabel("First name").fill("Pat");
  await page.getByLabel("Last name").fill("Lake");
  await page.getByLabel("Street address").fill("1 Woodward Ave");
  await page.getByLabel("City").fill("Detroit");
  await page.getByLabel("State").selectOption("MI");
  await page.getByLabel("ZIP code").fill("48226");
  await page.getByRole("button", { name: "Continue to shipping" }).click();
  await page.getByRole("radio", { name: /Best Way/ }).check();
  await poll(() => page.getByTestId("totals").textContent()).toContain("Shipping (Best Way)");
  await page.getByRole("button", { name: "Continue to payment" }).click();
}

async function payWithTestCard(page: Page, cardNumber: string) {
  await page.getByLabel("Card number").fill(cardNumber);
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Place order/ }).click();
}

describe("cart and checkout in Chromium", () => {
  it("adds two sizes of a tee and the water bottle, applies H20, checks out as a guest, gets the e-mail and looks the order up", async () => {
    const email = `guest-${Date.now()}@example.com`;
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();

    // Add to cart opens the drawer: a labelled modal dialog; Esc closes it and focus goes back.
    await addTee(page, "S");
    const drawer = cartDrawer(page);
    expect(await drawer.getByTestId("cart-line").count()).toBe(1);
    expect(await drawer.getByRole("status").textContent()).toContain(`Added 1 × Strike Endurance Tee`);
    await page.keyboard.press("Escape");
    await poll(() => drawer.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Add to cart");
    expect(await page.getByTestId("cart-button").getAttribute("aria-label")).toBe("Cart, 1 item");

    // The second size, then one more of it with the drawer's stepper.
    await addTee(page, "M");
    expect(await drawer.getByTestId("cart-line").count()).toBe(2);
    await drawer
      .getByRole("button", { name: `Increase quantity of Strike Endurance Tee (M, ${teeColor})` })
      .click();
    const mLine = drawer.getByTestId("cart-line").filter({ hasText: "Size: M" });
    await poll(() => mLine.getByRole("spinbutton").inputValue()).toBe("2");
    await poll(() => page.getByTestId("cart-button").getAttribute("aria-label")).toBe("Cart, 3 items");
    await drawer
      .getByRole("button", { name: `Decrease quantity of Strike Endurance Tee (M, ${teeColor})` })
      .click();
    await poll(() => page.getByTestId("cart-button").getAttribute("aria-label")).toBe("Cart, 2 items");
    // Focus stays inside the dialog while it is open.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      const inside = await page.evaluate(() => {
        const active = document.activeElement;
        return !active || active === document.body || Boolean(active.closest("dialog[open]"));
      });
      expect(inside).toBe(true);
    }
    await drawer.getByRole("button", { name: "Close cart" }).click();

    // The water bottle, then on to the cart page from the drawer.
    await addBottle(page);
    await drawer.getByRole("link", { name: "View cart" }).click();
    await page.waitForURL(/\/cart$/);
    await poll(() => page.getByTestId("cart-line").count()).toBe(3);
    const subtotal = await page.getByTestId("totals-subtotal").textContent();
    expect(subtotal).toBe("$85.00"); // 2 × $39 tee + $7 bottle

    // An unknown code shows the server's reason; H20 takes 70 % off the bottle.
    const coupon = page.getByRole("textbox", { name: "Coupon code" });
    await coupon.fill("NOPE");
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => page.getByTestId("coupon-error").textContent()).toContain('"NOPE" is not valid');
    await coupon.fill("h20");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByTestId("applied-coupon").waitFor();
    expect(await page.getByTestId("applied-coupon").textContent()).toContain("H20");
    expect(await page.getByTestId("totals-discount").textContent()).toBe("−$4.90");
    await poll(() => page.getByTestId("cart-live").textContent()).toContain("Coupon H20 applied");

    // Checkout as a guest with a Michigan address and the test card.
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout$/);
    await fillCheckout(page, email);
    expect(await page.getByTestId("test-card-note").textContent()).toContain("test payment form");
    // Michigan's 8.25 % on the discounted items; Best Way is free over $50.
    expect(await page.getByTestId("totals-tax").textContent()).toBe("$6.61");
    expect(await page.getByTestId("totals-shipping").textContent()).toContain("Free");
    const total = await page.getByTestId("totals-total").textContent();
    expect(total).toBe("$86.71");
    await payWithTestCard(page, "4242 4242 4242 4242");

    await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
    const number = (await page.getByTestId("order-number").textContent())!;
    expect(page.url()).toMatch(new RegExp(`/checkout/confirmation/${number}$`));
    expect(await page.getByTestId("confirmation-email").textContent()).toBe(email);
    expect(await page.getByTestId("order-line").count()).toBe(3);
    expect(await page.getByTestId("order-detail").textContent()).toContain("Affirm Water Bottle");
    expect(await page.getByTestId("totals-total").textContent()).toBe(total);
    // The order used up the cart.
    await poll(() => page.getByTestId("cart-button").getAttribute("aria-label")).toBe("Cart, 0 items");
    // A reload keeps the confirmation (the order is kept for this tab).
    await page.reload();
    expect(await page.getByTestId("order-number").textContent()).toBe(number);

    // The confirmation e-mail names the order and its lines (the outbox also holds the import's
    // catalog events for the search index: deliver everything).
    while ((await t.ctx.outbox.runOnce()) > 0) {}
    const mail = (await t.ctx.db.execute(
      sql`select subject, text from mail_messages where "to" = ${email}`,
    )) as unknown as { rows: { subject: string; text: string }[] };
    expect(mail.rows).toHaveLength(1);
    expect(mail.rows[0]!.subject).toContain(number);
    expect(mail.rows[0]!.text).toContain(number);
    expect(mail.rows[0]!.text).toContain("Affirm Water Bottle");
    expect(mail.rows[0]!.text).toMatch(new RegExp(`Strike Endurance Tee \\(M\\W+${teeColor}\\)`));
    await context.close();

    // Another browser (no cookies): the guest looks the order up by number and e-mail.
    const other = await browser.newPage({ viewport: desktop });
    await other.goto(`${base}/orders/lookup?number=${number}`);
    expect(await other.getByLabel("Order number").inputValue()).toBe(number);
    await other.getByLabel("Email").fill("someone-else@example.com");
    await other.getByRole("button", { name: "Find order" }).click();
    await poll(() => other.getByRole("alert").first().textContent()).toContain("No order matches");
    await other.getByLabel("Email").fill(email.toUpperCase());
    await other.getByRole("button", { name: "Find order" }).click();
    await poll(() => other.getByTestId("found-order-number").textContent()).toBe(number);
    expect(await other.getByTestId("order-line").count()).toBe(3);
    expect(await other.getByTestId("order-detail").textContent()).toContain("Processing");
    expect(await other.getByTestId("order-timeline").textContent()).toContain("Payment received");
    await other.close();
  });

  it("a declined card shows a clear message and keeps the cart; another card then pays", async () => {
    const email = `declined-${Date.now()}@example.com`;
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await addTee(page, "S", 2);
    await cartDrawer(page).getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout$/);
    await fillCheckout(page, email);

    // Every checkout request's Idempotency-Key; the first one is lost on the way (network error).
    const keys: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/api/store/checkout")) keys.push(request.headers()["idempotency-key"]!);
    });
    let dropNext = true;
    await page.route("**/api/store/checkout", async (route) => {
      if (dropNext) {
        dropNext = false;
        await route.abort("connectionfailed");
      } else {
        await route.continue();
      }
    });
    await payWithTestCard(page, "4000 0000 0000 0002");
    const error = page.getByTestId("checkout-error");
    await poll(() => error.textContent()).toContain("could not be reached");
    // Retrying the same attempt sends the same key.
    await page.getByRole("button", { name: /^Place order/ }).click();
    await poll(() => error.textContent()).toContain("Your card was declined.");
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await error.textContent()).toContain("try another card");
    expect(page.url()).toMatch(/\/checkout$/);
    // The cart is kept, lines and all, and the button can be used again.
    expect(await page.getByTestId("review-line").count()).toBe(1);
    expect(await page.getByTestId("review-line").textContent()).toContain("Qty 2");
    expect(await page.getByRole("button", { name: /^Place order/ }).isEnabled()).toBe(true);
    const cart = await page.evaluate(async () => (await fetch("/api/store/cart")).json());
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0].quantity).toBe(2);
    await page.goto(`${base}/cart`);
    await poll(() => page.getByTestId("cart-line").count()).toBe(1);

    // Another card: a new attempt (new Idempotency-Key) that pays.
    await page.getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByRole("heading", { name: /Payment/ }).waitFor();
    await payWithTestCard(page, "4242 4242 4242 4242");
    await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
    await page.getByTestId("order-number").waitFor();
    expect(await page.getByTestId("order-line").count()).toBe(1);
    // After the decline, the new attempt had a new key.
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    await context.close();
  });

  it("a signed-in customer checks out with the address book and finds the order in the account", async () => {
    const email = `customer-${Date.now()}@example.com`;
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    // An account with a saved address (through the API, in the browser so that it keeps the session).
    const status = await page.evaluate(async (address) => {
      const signUp = await fetch("/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Casey Customer", email: address, password: "Amber-harbor-5521" }),
      });
      const saved = await fetch("/api/store/account/addresses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          firstName: "Casey",
          lastName: "Customer",
          line1: "500 Monroe St",
          city: "Detroit",
          region: "MI",
          postalCode: "48226",
          country: "US",
          isDefaultShipping: true,
          isDefaultBilling: true,
        }),
      });
      return [signUp.status, saved.status];
    }, email);
    expect(status).toEqual([200, 201]);

    await addBottle(page);
    await cartDrawer(page).getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout$/);
    // The e-mail is the account's; the saved address is offered and chosen.
    await poll(() => page.getByRole("main").textContent()).toContain(email);
    const saved = page.getByTestId("saved-address");
    await poll(() => saved.count()).toBe(1);
    expect(await saved.getByRole("radio").isChecked()).toBe(true);
    expect(await page.getByLabel("First name").count()).toBe(0);
    await page.getByRole("button", { name: "Continue to shipping" }).click();
    await page.getByRole("radio", { name: /Flat Rate/ }).check();
    await poll(() => page.getByTestId("totals").textContent()).toContain("Shipping (Flat Rate)");
    await page.getByRole("button", { name: "Continue to payment" }).click();
    await payWithTestCard(page, "4242424242424242");
    await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
    const number = (await page.getByTestId("order-number").textContent())!;
    expect(await page.getByTestId("confirmation-email").textContent()).toBe(email);

    // The account's order list and the order's page.
    await page.getByRole("link", { name: "View in your account" }).click();
    await page.waitForURL(new RegExp(`/account/orders/${number}$`));
    await poll(() => page.getByTestId("order-line").count()).toBe(1);
    expect(await page.getByTestId("order-detail").textContent()).toContain("500 Monroe St");
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.waitForURL(/\/account\/orders$/);
    await poll(() => page.getByTestId("order-list").textContent()).toContain(`Order ${number}`);
    await context.close();
  });

  it("a digital-only cart skips shipping: contact, billing address, payment", async () => {
    const email = `digital-${Date.now()}@example.com`;
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await page.goto(`${base}/products/luma-yoga-for-life`);
    await page
      .getByRole("radiogroup", { name: "Download" })
      .getByRole("radio", { name: "Episode 1", exact: true })
      .click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await cartDrawer(page).getByRole("link", { name: "Checkout" }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    await page.getByRole("heading", { name: /Billing address/ }).waitFor();
    expect(await page.getByRole("heading", { name: /Shipping/ }).count()).toBe(0);
    await page.getByLabel("First name").fill("Dee");
    await page.getByLabel("Last name").fill("Gital");
    await page.getByLabel("Street address").fill("2 Grand River Ave");
    await page.getByLabel("City").fill("Lansing");
    await page.getByLabel("State").selectOption("MI");
    await page.getByLabel("ZIP code").fill("48933");
    await page.getByRole("button", { name: "Continue to payment" }).click();
    expect(await page.getByTestId("totals-shipping").count()).toBe(0);
    await payWithTestCard(page, "4242 4242 4242 4242");
    await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
    await page.getByTestId("order-number").waitFor();
    expect(await page.getByTestId("order-detail").textContent()).toContain("Luma Yoga For Life");
    await context.close();
  });

  it("tells the shopper when a price changed or an item ran out since it was added", async () => {
    const sku = `MS08-L-${teeColor}`;
    const context = await browser.newContext({ viewport: desktop });
    const page = await context.newPage();
    await addTee(page, "L", 2);
    await page.keyboard.press("Escape");
    try {
      await t.ctx.db.execute(sql`update variants set price_amount = 4500 where sku = ${sku}`);
      await page.goto(`${base}/cart`);
      const notice = page.getByTestId("price-changed");
      await poll(() => notice.textContent()).toContain("changed from $39.00 to $45.00");
      expect(await page.getByTestId("line-subtotal").textContent()).toContain("$90.00");

      await t.ctx.db.execute(
        sql`update inventory_levels set stocked_quantity = reserved_quantity + 1
            where variant_id = (select id from variants where sku = ${sku})`,
      );
      await page.reload();
      await poll(() => page.getByTestId("stock-problem").textContent()).toContain("Only 1 left");
      expect(await page.getByRole("link", { name: "Checkout" }).count()).toBe(0);
      // Lowering the quantity to what is left makes the cart orderable again.
      await page.getByRole("button", { name: /^Decrease quantity of Strike Endurance Tee \(L/ }).click();
      await poll(() => page.getByTestId("stock-problem").count()).toBe(0);
      await page.getByRole("link", { name: "Checkout" }).waitFor();
    } finally {
      await t.ctx.db.execute(sql`update variants set price_amount = 3900 where sku = ${sku}`);
    }
    await context.close();
  });

  it.each([
    ["cart", "/cart"],
    ["checkout", "/checkout"],
  ])(
    "has no serious or critical accessibility violations on the %s page (desktop and phone)",
    async (name, url) => {
      const context = await browser.newContext({ viewport: desktop, bypassCSP: true }); // only to inject axe-core
      const page = await context.newPage();
      await addBottle(page);
      await page.keyboard.press("Escape");
      const check = async () => {
        await page.waitForLoadState("networkidle");
        expect(await seriousViolations(page)).toEqual([]);
        // Nothing overflows sideways on a phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      };
      for (const viewport of [desktop, phone]) {
        await page.setViewportSize(viewport);
        await page.goto(`${base}${url}`);
        await page.locator("h1").first().waitFor();
        await expect
          .poll(() => page.locator("main form, main [data-testid=cart-line]").count())
          .toBeGreaterThan(0);
        await check();
      }
      if (name === "checkout") {
        // The later steps, on the phone: the address form, then shipping and the test card form.
        await page.getByLabel("Email").fill(`axe-${Date.now()}@example.com`);
        await page.getByRole("button", { name: "Continue", exact: true }).click();
        await page.getByLabel("First name").waitFor();
        await check();
        await page.getByLabel("First name").fill("Alex");
        await page.getByLabel("Last name").fill("Axe");
        await page.getByLabel("Street address").fill("1 Woodward Ave");
        await page.getByLabel("City").fill("Detroit");
        await page.getByLabel("State").selectOption("MI");
        await page.getByLabel("ZIP code").fill("48226");
        await page.getByRole("button", { name: "Continue to shipping" }).click();
        await page.getByRole("radio", { name: /Best Way/ }).check();
        await expect
          .poll(() => page.getByRole("button", { name: "Continue to payment" }).isEnabled())
          .toBe(true);
        await check();
        await page.getByRole("button", { name: "Continue to payment" }).click();
        await page.getByLabel("Card number").waitFor();
        await check();
      }
      // The open drawer too.
      await page.getByTestId("cart-button").click();
      await cartDrawer(page).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    },
  );
});
