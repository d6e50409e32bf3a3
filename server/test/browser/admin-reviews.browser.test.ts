import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { assignRole, saveCustomRole } from "../../src/modules/staff/index.ts";
import { queryRows } from "../../src/platform/db.ts";
import { seedShop } from "../commerce-fixtures.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

/**
 * Review moderation in the admin, in Chromium: a staff member whose only role is a custom one with
 * just `reviews:moderate` approves a shopper's pending review, rejects another with a reason,
 * approves two together and turns an auto-approve setting on; the approved review then shows on the
 * product page of the storefront.
 */
const moderator = { email: "mo@shop.test", password: "Quiet-harbour-4817", name: "Mo Moderator" };
const shopperPassword = "Tidal-meadow-5523";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let mug: string;

/** Signs up through the API; returns the user id and the session cookie. */
async function signUp(name: string, email: string, password: string) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: base },
    payload: { name, email, password },
  });
  expect(res.statusCode).toBe(200);
  return {
    id: res.json().user.id as string,
    cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join("; "),
  };
}

/** A shopper's review of the mug, written through the store API (it waits as pending). */
async function review(name: string, body: { rating: number; title?: string; body?: string }) {
  const shopper = await signUp(name, `${name.split(" ")[0]!.toLowerCase()}@example.com`, shopperPassword);
  const res = await t.app.inject({
    method: "PUT",
    url: `/api/store/products/${mug}/reviews/mine`,
    headers: { origin: base, cookie: shopper.cookie },
    payload: body,
  });
  expect(res.statusCode).toBe(201);
  expect(res.json().status).toBe("pending");
  return res.json().id as string;
}

const statusOf = async (id: string) =>
  (
    await queryRows<{ status: string; moderation_note: string | null }>(
      t.ctx.db,
      sql`select status, moderation_note from reviews where id = ${id}`,
    )
  )[0];

beforeAll(async () => {
  for (const app of ["admin", "storefront"]) {
    if (!fs.existsSync(path.join(repoRoot, `web/${app}/dist/index.html`))) {
      throw new Error(`Build the ${app} first: npm run build -w web/${app}`);
    }
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, publicUrl: base });
  await seedShop(t.ctx);
  const [row] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from products where sku = 'MUG'`);
  mug = row!.id;
  const staff = await signUp(moderator.name, moderator.email, moderator.password);
  await saveCustomRole(
    t.ctx.db,
    { key: "review_moderator", name: "Review moderator", permissions: ["reviews:moderate"] },
    { actorId: staff.id },
  );
  await assignRole(t.ctx.db, staff.id, "review_moderator");
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("review moderation in the admin", () => {
  it("a moderator approves a pending review, which then shows on the product page", async () => {
    const approvedId = await review("Ada Shopper", {
      rating: 5,
      title: "Keeps coffee hot",
      body: "Two hours on a cold morning, still hot.",
    });
    const rejectedId = await review("Bo Spammer", {
      rating: 1,
      title: "Cheap watches",
      body: "Visit my site for cheap watches.",
    });
    const quietIds = [await review("Cy Quiet", { rating: 4 }), await review("Di Quiet", { rating: 3 })];

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel("Email").fill(moderator.email);
    await page.getByLabel("Password").fill(moderator.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/?$/);

    // Only what the role allows shows in the navigation.
    const nav = page.getByRole("navigation", { name: "Admin sections" });
    await nav.getByRole("link", { name: "Reviews", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Reviews" }).waitFor();
    expect(await nav.getByRole("link", { name: "Orders", exact: true }).count()).toBe(0);
    expect(
      await page
        .getByRole("navigation", { name: "Review status" })
        .getByRole("link", { name: "Pending" })
        .getAttribute("aria-current"),
    ).toBe("page");

    const queue = page.getByRole("grid", { name: "Pending reviews" });
    const adaRow = queue.getByRole("row").filter({ hasText: "Keeps coffee hot" });
    await adaRow.waitFor();
    expect(await adaRow.textContent()).toContain("Camp Mug");
    expect(await adaRow.textContent()).toContain("Ada Shopper");
    await queue.getByRole("row").filter({ hasText: "Di Quiet" }).waitFor();
    await page.getByRole("heading", { name: "Auto-approve" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    fs.mkdirSync("/tmp/shots", { recursive: true });
    await page.screenshot({ path: "/tmp/shots/admin-reviews.png", fullPage: true });

    // Approve one.
    await adaRow.getByRole("button", { name: "Approve Ada Shopper's review of Camp Mug" }).click();
    await page.getByText("Review approved").waitFor();
    await adaRow.waitFor({ state: "detached" });
    expect((await statusOf(approvedId))?.status).toBe("approved");

    // Reject one with a reason, in a dialog.
    const boRow = queue.getByRole("row").filter({ hasText: "Cheap watches" });
    await boRow.getByRole("button", { name: "Reject Bo Spammer's review of Camp Mug" }).click();
    const dialog = page.getByRole("dialog", { name: "Reject this review?" });
    await dialog.getByLabel("Reason (optional)").fill("Advertising");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Reject review" }).click();
    await dialog.waitFor({ state: "detached" });
    await boRow.waitFor({ state: "detached" });
    expect(await statusOf(rejectedId)).toEqual({ status: "rejected", moderation_note: "Advertising" });

    // Approve the two ratings without text together.
    // The checkbox is drawn by a box over the visually hidden input: click it as a person would.
    for (const name of ["Cy Quiet", "Di Quiet"]) {
      const row = queue.getByRole("row").filter({ hasText: name });
      await row.locator("label", { has: page.getByRole("checkbox") }).click();
      expect(await row.getByRole("checkbox").isChecked()).toBe(true);
    }
    await page.getByRole("button", { name: "Approve 2 selected" }).click();
    await page.getByText("Approved 2 reviews.").waitFor();
    await queue.getByText("No reviews wait for moderation.").waitFor();
    for (const id of quietIds) expect((await statusOf(id))?.status).toBe("approved");

    // Turn on auto-approval of ratings without text.
    await page.getByLabel("Approve ratings without text").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Auto-approve settings saved").waitFor();
    const [settings] = await queryRows<{ auto_approve_without_text: boolean }>(
      t.ctx.db,
      sql`select auto_approve_without_text from review_settings`,
    );
    expect(settings?.auto_approve_without_text).toBe(true);

    // The approved tab lists them; the storefront shows the review on the product page.
    await page
      .getByRole("navigation", { name: "Review status" })
      .getByRole("link", { name: "Approved" })
      .click();
    await page
      .getByRole("grid", { name: "Approved reviews" })
      .getByRole("row")
      .filter({ hasText: "Keeps coffee hot" })
      .waitFor();

    const shop = await context.newPage();
    await shop.goto(`${base}/products/camp-mug`);
    await shop.getByRole("heading", { name: "Customer reviews" }).waitFor();
    await shop.getByText("Two hours on a cold morning, still hot.").waitFor();
    expect(await shop.getByText("Visit my site for cheap watches.").count()).toBe(0);
    await context.close();
  });
});
