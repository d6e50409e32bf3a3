import fs from "node:fs";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let staffCookie: string;

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";
const shots = "/tmp/shots";
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

/** A call of the API as `cookie`'s holder, from the shop's own origin (as the admin app makes it). */
function call(method: "GET" | "POST", url: string, cookie: string, payload?: object) {
  return t.app.inject({
    method,
    url,
    headers: { origin: t.ctx.config.publicUrl, cookie },
    ...(payload ? { payload } : {}),
  });
}

/** The cookies the browser holds for the shop, as a Cookie header. */
async function browserCookie(context: BrowserContext): Promise<string> {
  return (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Signs up a new shopper through the API in the browser's context (its cookie jar), signed in. */
async function signedInContext(viewport: { width: number; height: number }, email: string) {
  // bypassCSP only so that the test can inject axe-core.
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const res = await context.request.post(`${base}/api/auth/sign-up/email`, {
    headers: { origin: base },
    data: { name: "Nia Potter", email, password: "Glaze-kiln-4471" },
  });
  expect(res.status()).toBe(200);
  return context;
}

/** Fills in the application's business, address and payout fields (not the name or the agreement). */
async function fillApplication(form: Locator) {
  await form.getByLabel("About your shop").fill("Hand-made ceramics from Porto.");
  await form.getByLabel("Registered business name").fill("Porto Clay Lda");
  await form.getByLabel("VAT number or EIN (optional)").fill("PT509999999");
  await form.getByLabel("Contact phone").fill("+351 912 345 678");
  await form.getByLabel("First name").fill("Rita");
  await form.getByLabel("Last name").fill("Sousa");
  await form.getByLabel("Street address").fill("Rua das Flores 12");
  await form.getByLabel("City").fill("Porto");
  await form.getByLabel("Postal code (optional)").fill("4050-262");
  await form.getByLabel("Country", { exact: true }).selectOption("PT");
  await form.getByLabel("Payout country").selectOption("PT");
  await form.getByLabel("Bank transfer").check();
}

/** Nothing overflows sideways. */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/storefront/dist/index.html"))) {
    throw new Error("Build the storefront first: npm run build -w web/storefront");
  }
  // The shopper opens the shop at 127.0.0.1 while its PUBLIC_URL names localhost.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({
    serveStorefront: true,
    cacheTtlMs: 0,
    publicUrl: `http://localhost:${port}`,
    adminEmail: ownerEmail,
    adminPassword: ownerPassword,
  });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { email: ownerEmail, password: ownerPassword },
  });
  expect(signIn.statusCode, signIn.body).toBe(200);
  staffCookie = cookieOf(signIn);
  fs.mkdirSync(shots, { recursive: true });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("selling on the shop (Chromium)", () => {
  it("applies to sell, is asked for changes, sends it again, is approved, and sells a mug on its own shop page", async () => {
    const email = `nia-${Date.now()}@example.com`;
    const context = await browser.newContext({ viewport: desktop, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // From the footer to the pitch, then sign up and come back.
    await page.goto(`${base}/`);
    await page.getByRole("contentinfo").getByRole("link", { name: "Sell on Bazaar" }).click();
    await page.waitForURL(/\/sell$/);
    await page.getByRole("heading", { level: 1, name: "Sell on Bazaar" }).waitFor();
    await expect.poll(() => page.title()).toBe("Sell on Bazaar | Bazaar");
    await page.getByRole("link", { name: "Sign in or create an account to apply" }).click();
    await page.waitForURL(/\/sign-in\?next=\/sell$/);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up\?next=\/sell$/);
    await page.getByLabel("Name").fill("Nia Potter");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("Glaze-kiln-4471");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/sell$/);

    // The form: the shop address follows the name; the contact e-mail is the account's.
    const form = page.getByRole("form", { name: "Application to sell" });
    await form.waitFor();
    await form.getByLabel("Shop name").fill("Porto Clay");
    expect(await form.getByLabel("Shop address").inputValue()).toBe("porto-clay");
    await expect.poll(() => form.getByText("/vendors/porto-clay").count()).toBe(1);
    expect(await form.getByLabel("Contact email").inputValue()).toBe(email);
    await fillApplication(form);
    await page.screenshot({ path: `${shots}/vendor-sell-form-1280.png`, fullPage: true });

    // Without the agreement: the server's message beside the checkbox, which gets the focus.
    await form.getByRole("button", { name: "Send application" }).click();
    const agreement = form.getByLabel("I accept the seller agreement");
    await expect.poll(() => agreement.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await agreement.getAttribute("aria-describedby")) ?? "";
    const messages = await Promise.all(
      describedBy.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(messages).toContain("Accept the seller agreement to apply");
    expect(await agreement.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByRole("alert").textContent()).toContain("Please correct the highlighted fields");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-sell-error-1280.png`, fullPage: true });

    // With it: the application waits for review.
    await agreement.check();
    await form.getByRole("button", { name: "Send application" }).click();
    const waiting = page.getByRole("heading", { level: 2, name: "Application sent" });
    await waiting.waitFor();
    await expect.poll(() => waiting.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByTestId("application-status").textContent()).toMatch(
      /Your application is waiting for review \(sent \w+ \d+, \d{4}\)/,
    );
    await page.screenshot({ path: `${shots}/vendor-sell-applied-1280.png`, fullPage: true });

    const queue = await call("GET", "/api/admin/vendors?status=applied", staffCookie);
    expect(queue.statusCode, queue.body).toBe(200);
    const vendor = (queue.json().items as { id: string; slug: string; name: string }[]).find(
      (v) => v.slug === "porto-clay",
    )!;
    expect(vendor).toMatchObject({ name: "Porto Clay" });

    // Staff ask for changes: the shopper reads the reason and finds the form filled in.
    const reason = "Please add your VAT registration certificate number.";
    const asked = await call("POST", `/api/admin/vendors/${vendor.id}/review`, staffCookie, {
      decision: "request_changes",
      reason,
    });
    expect(asked.statusCode, asked.body).toBe(200);
    await page.reload();
    await page.getByRole("heading", { level: 2, name: "Please update your application" }).waitFor();
    expect(await page.getByTestId("review-note").textContent()).toContain(reason);
    expect(await form.getByLabel("Shop name").inputValue()).toBe("Porto Clay");
    expect(await form.getByLabel("Shop address").inputValue()).toBe("porto-clay");
    expect(await form.getByLabel("Registered business name").inputValue()).toBe("Porto Clay Lda");
    expect(await form.getByLabel("City").inputValue()).toBe("Porto");
    expect(await form.getByLabel("Country", { exact: true }).inputValue()).toBe("PT");
    expect(await form.getByLabel("Payout country").inputValue()).toBe("PT");
    expect(await form.getByLabel("Bank transfer").isChecked()).toBe(true);
    expect(await form.getByLabel("I accept the seller agreement").isChecked()).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-sell-changes-1280.png`, fullPage: true });

    await form.getByLabel("VAT number or EIN (optional)").fill("PT509999999 (cert. 2026/118)");
    await form.getByLabel("I accept the seller agreement").check();
    await form.getByRole("button", { name: "Send application again" }).click();
    await waiting.waitFor();
    expect(await page.getByTestId("application-status").textContent()).toContain(
      "Your application is waiting for review",
    );
    const resent = await call("GET", `/api/admin/vendors/${vendor.id}`, staffCookie);
    expect(resent.json().vendor).toMatchObject({ status: "applied", taxId: "PT509999999 (cert. 2026/118)" });

    // Approved: the page says so and leads to the vendor portal (another app: a plain link).
    const approved = await call("POST", `/api/admin/vendors/${vendor.id}/review`, staffCookie, {
      decision: "approve",
    });
    expect(approved.statusCode, approved.body).toBe(200);
    await page.reload();
    await page.getByRole("heading", { level: 2, name: "You're a seller" }).waitFor();
    expect(await page.getByRole("link", { name: "Open the vendor portal" }).getAttribute("href")).toBe(
      "/admin/vendor",
    );
    await page.screenshot({ path: `${shots}/vendor-sell-active-1280.png`, fullPage: true });

    // The new vendor lists a mug through the vendor API, with the shopper's session.
    const created = await call("POST", "/api/vendor/products", await browserCookie(context), {
      type: "simple",
      sku: "PC-MUG-1",
      name: "Glazed Mug",
      status: "active",
      currency: "USD",
      variants: [{ sku: "PC-MUG-1", priceAmount: 2400, initialStock: 5 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const slug = created.json().slug as string;

    // Its page says who sells it, and leads to the vendor's shop, which lists it.
    await page.goto(`${base}/products/${slug}`);
    await page.getByRole("heading", { level: 1, name: "Glazed Mug" }).waitFor();
    const soldBy = page.getByTestId("sold-by");
    expect(await soldBy.textContent()).toBe("Sold by Porto Clay");
    await page.screenshot({ path: `${shots}/vendor-product-1280.png` });
    await soldBy.getByRole("link", { name: "Porto Clay" }).click();
    await page.waitForURL(/\/vendors\/porto-clay$/);
    await page.getByRole("heading", { level: 1, name: "Porto Clay" }).waitFor();
    await expect.poll(() => page.title()).toBe("Porto Clay | Bazaar");
    expect(await page.getByTestId("vendor-description").textContent()).toBe("Hand-made ceramics from Porto.");
    await expect.poll(() => page.getByTestId("product-card").count()).toBe(1);
    expect(await page.getByTestId("product-card").getByRole("heading").textContent()).toBe("Glazed Mug");
    expect(await page.getByTestId("product-count").textContent()).toBe("1 product");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${shots}/vendor-shop-1280.png`, fullPage: true });

    // A shop that does not exist is the 404 page.
    await page.goto(`${base}/vendors/no-such-shop`);
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();

    // The shop's own products name no vendor.
    await page.goto(`${base}/products/camp-mug`);
    await page.getByRole("heading", { level: 1, name: "Camp Mug" }).waitFor();
    expect(await page.getByTestId("sold-by").count()).toBe(0);

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("shows a shop address another vendor has beside its field, and takes another one", async () => {
    const taken = await call("POST", "/api/admin/vendors", staffCookie, {
      name: "Douro Wood",
      slug: "douro-wood",
    });
    expect(taken.statusCode, taken.body).toBe(201);
    const context = await signedInContext(desktop, `dora-${Date.now()}@example.com`);
    const page = await context.newPage();
    await page.goto(`${base}/sell`);
    const form = page.getByRole("form", { name: "Application to sell" });
    await form.getByLabel("Shop name").fill("Douro Wood");
    await fillApplication(form);
    await form.getByLabel("I accept the seller agreement").check();
    await form.getByRole("button", { name: "Send application" }).click();

    const slug = form.getByLabel("Shop address");
    await expect.poll(() => slug.getAttribute("aria-invalid")).toBe("true");
    const errorId = (await slug.getAttribute("aria-describedby"))!
      .split(" ")
      .find((id) => id.endsWith("-error"))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe(
      'Another shop uses the address "douro-wood". Please choose another shop address.',
    );
    expect(await slug.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByRole("alert").textContent()).toContain("Please correct the highlighted fields");

    await slug.fill("douro-wood-porto");
    await form.getByRole("button", { name: "Send application" }).click();
    await page.getByRole("heading", { level: 2, name: "Application sent" }).waitFor();
    expect(await page.getByTestId("application-status").textContent()).toContain("waiting for review");
    expect(await page.getByText("/vendors/douro-wood-porto").count()).toBe(1);
    await context.close();
  });

  it("has no serious accessibility violations on /sell, and the form fits a phone", async () => {
    for (const viewport of [desktop, phone]) {
      // Signed out: the pitch.
      const visitor = await browser.newContext({ viewport, bypassCSP: true });
      const pitchPage = await visitor.newPage();
      await pitchPage.goto(`${base}/sell`);
      await pitchPage.getByRole("link", { name: "Sign in or create an account to apply" }).waitFor();
      await pitchPage.waitForLoadState("networkidle");
      expect(await seriousViolations(pitchPage)).toEqual([]);
      expect(await overflow(pitchPage)).toBeLessThanOrEqual(0);
      await pitchPage.screenshot({
        path: `${shots}/vendor-sell-pitch-${viewport.width}.png`,
        fullPage: true,
      });
      await visitor.close();

      // Signed in, not applied yet: the form.
      const context = await signedInContext(viewport, `a11y-${viewport.width}-${Date.now()}@example.com`);
      const page = await context.newPage();
      await page.goto(`${base}/sell`);
      const form = page.getByRole("form", { name: "Application to sell" });
      await form.waitFor();
      await page.waitForLoadState("networkidle");
      expect(await form.getByLabel("Shop name").isVisible()).toBe(true);
      expect(await form.getByRole("button", { name: "Send application" }).isVisible()).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // Every control is within the screen's width.
      const widest = await form.evaluate((el) =>
        Math.max(
          ...Array.from(
            el.querySelectorAll("input, select, textarea, button"),
            (c) => c.getBoundingClientRect().right,
          ),
        ),
      );
      expect(widest).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${shots}/vendor-sell-${viewport.width}.png`, fullPage: true });
      await context.close();
    }
  });
});
