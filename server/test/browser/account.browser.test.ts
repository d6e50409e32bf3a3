import fs from "node:fs";
import path from "node:path";
import * as OTPAuth from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { mailMessages } from "../../src/platform/outbox.schema.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;

/** The first link in the newest email sent to `to` (after delivering the outbox). */
async function linkFromLatestMail(to: string, subject?: RegExp): Promise<string> {
  await t.ctx.outbox.runOnce();
  const rows = await t.ctx.db.select().from(mailMessages);
  const mine = rows
    .filter((row) => row.to === to && (!subject || subject.test(row.subject)))
    .sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  const latest = mine.at(-1);
  expect(latest, `an email to ${to}`).toBeTruthy();
  const url = /https?:\/\/[^\s<>"')\]]+/.exec(latest!.text)?.[0];
  expect(url, "a link in the email").toBeTruthy();
  return url!;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/storefront/dist/index.html"))) {
    throw new Error("Build the storefront first: npm run build");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, cacheTtlMs: 0, publicUrl: base });
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("shopper account in Chromium", () => {
  it("signs up, verifies the email, resets the password, turns on two-factor and signs in with it", async () => {
    const email = `shopper-${Date.now()}@example.com`;
    const firstPassword = "Plum-orchard-2931";
    const newPassword = "Teal-lantern-8842";
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    // Unauthenticated /account goes to sign-in and back.
    await page.goto(`${base}/account`);
    await page.waitForURL(/\/sign-in\?next=\/account$/);
    await expect.poll(() => page.title()).toBe("Sign in | Bazaar");

    // Sign up.
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up$/);
    await page.getByLabel("Name").fill("Pat Shopper");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(firstPassword);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/account$/);
    await page.getByTestId("verify-email-banner").waitFor();
    expect(await page.getByTestId("account-email").textContent()).toBe(email);
    await page.getByRole("link", { name: "Account", exact: true }).waitFor();

    // Verify the email with the emailed link.
    const verifyLink = await linkFromLatestMail(email);
    expect(verifyLink.startsWith(`${base}/api/auth/verify-email?`)).toBe(true);
    await page.goto(verifyLink);
    await page.waitForURL(/\/account\?verified=1$/);
    await page.getByTestId("email-verified").waitFor();
    expect(await page.getByTestId("verify-email-banner").count()).toBe(0);

    // Sign out.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("link", { name: "Sign in", exact: true }).waitFor();

    // Forgotten password: request the link, open it, choose a new password.
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByTestId("reset-sent").waitFor();
    const resetLink = await linkFromLatestMail(email);
    expect(resetLink.startsWith(`${base}/api/auth/reset-password/`)).toBe(true);
    await page.goto(resetLink);
    await page.waitForURL(/\/reset-password\?token=/);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Confirm new password").fill(newPassword);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/\/sign-in\?reset=1$/);

    // The old password no longer works; the new one does.
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(firstPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/account$/);
    expect(await page.getByTestId("account-email").textContent()).toBe(email);

    // Turn on two-factor with the key shown on the page.
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByTestId("two-factor").getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Continue" }).click();
    // The QR code for the authenticator app renders (an SVG image made in the page).
    const qr = page.getByTestId("totp-qr");
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const secretElement = page.getByTestId("totp-secret");
    await secretElement.waitFor();
    const key = ((await secretElement.textContent()) ?? "").replace(/\s+/g, "");
    expect(key).toMatch(/^[A-Z2-7]+=*$/);
    const totp = () => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) }).generate();
    const enrolmentCode = totp();
    await page.getByTestId("two-factor").getByLabel("Authentication code").fill(enrolmentCode);
    await page.getByRole("button", { name: "Turn on", exact: true }).click();
    await page.getByTestId("backup-codes").waitFor();
    expect(await page.getByTestId("backup-codes").locator("li").count()).toBe(10);
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect.poll(() => page.getByTestId("two-factor-status").textContent()).toBe("On");

    // Sign out, then sign in with the password and a code.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(newPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const codeField = page.getByLabel("Authentication code");
    await codeField.waitFor();
    expect(await codeField.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await codeField.getAttribute("autocomplete")).toBe("one-time-code");
    // A fresh code, not the one used to turn two-factor on (servers may refuse a replayed code).
    while (totp() === enrolmentCode) await new Promise((resolve) => setTimeout(resolve, 1000));
    await codeField.fill(totp());
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(/\/account$/);
    await page.getByTestId("account-email").waitFor();
    expect(await page.getByTestId("account-email").textContent()).toBe(email);
    await expect.poll(() => page.getByTestId("two-factor-status").textContent()).toBe("On");
    await context.close();
  });

  it("has no serious or critical accessibility violations on sign-in, sign-up and account", async () => {
    // Sign up through the API (same origin) in a fresh context so /account is reachable.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true }); // only so the test can inject axe-core
    const page = await context.newPage();
    for (const url of ["/sign-in", "/sign-up"]) {
      await page.goto(`${base}${url}`);
      await page.locator("h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.locator("h1").count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    }
    await page.getByLabel("Name").fill("Axe Tester");
    await page.getByLabel("Email").fill(`axe-${Date.now()}@example.com`);
    await page.getByLabel("Password").fill("Saffron-harbor-5120");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/account$/);
    await page.getByTestId("account-email").waitFor();
    await page.waitForLoadState("networkidle");
    await expect.poll(() => page.title()).toBe("Your account | Bazaar");
    expect(await page.locator("h1").count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    // The address form and the two-factor password step are checked too.
    await page.getByRole("button", { name: "Add address" }).click();
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
