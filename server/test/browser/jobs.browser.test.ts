import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { bootstrapOwner } from "../../src/modules/staff/index.ts";
import { JobRuntime } from "../../src/platform/jobs.ts";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium, seriousViolations } from "./support.ts";

const ownerEmail = "owner@shop.test";
const ownerPassword = "correct horse battery staple";

let t: Awaited<ReturnType<typeof testApp>>;
let runtime: JobRuntime;
let browser: Browser;
let base: string;
let attempts = 0;

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, "web/admin/dist/index.html"))) {
    throw new Error("Build the admin first: npm run build -w web/admin");
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await testApp({ serveStorefront: true, adminEmail: ownerEmail, adminPassword: ownerPassword });
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  // A job that always fails, with no retries: its first failure makes it dead.
  const failing = {
    name: "test-carrier-sync",
    description: "Asks a carrier that is down for tracking updates",
    retryLimit: 0,
    retryDelaySeconds: 1,
    retryBackoff: false,
    expireInSeconds: 30,
    handler: async () => {
      attempts++;
      throw new Error("carrier API answered 503 Service Unavailable");
    },
  };
  // Declared in the app's registry (the admin API describes it) and worked by a runtime of its own.
  t.ctx.jobs.define(failing);
  runtime = new JobRuntime(t.database).define(failing);
  await runtime.work({ pollingIntervalSeconds: 0.5 });
  await runtime.send("test-carrier-sync", { carrier: "ups" });
  for (let waited = 0; ; waited += 250) {
    const queue = (await runtime.queues()).find((q) => q.name === "test-carrier-sync");
    if (queue?.failed === 1) break;
    if (waited > 30_000) throw new Error(`the failing job did not end dead: ${JSON.stringify(queue)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await t.app.listen({ port, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop(2_000);
  await t?.close();
});

describe("background jobs in the admin", () => {
  it("shows a dead job with its error and sends it back for another attempt", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    // The shop is opened at 127.0.0.1 while its PUBLIC_URL names localhost: staff sign-in works too.
    await page.goto(`${base}/admin/sign-in`);
    await page.getByLabel("Email").fill(ownerEmail);
    await page.getByLabel("Password").fill(ownerPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/admin\/?$/);

    await page
      .getByRole("navigation", { name: "Admin sections" })
      .getByRole("link", { name: "Background jobs", exact: true })
      .click();
    await page.getByRole("heading", { level: 1, name: "Background jobs" }).waitFor();
    const queues = page.getByRole("grid", { name: "Job queues" });
    const row = queues.getByRole("row").filter({ hasText: "test-carrier-sync" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Asks a carrier that is down");
    // The shop's own scheduled jobs are listed too.
    await queues.getByRole("row").filter({ hasText: "reservations-expire" }).waitFor();

    await row.getByRole("rowheader").click();
    const dead = page.getByRole("grid", { name: "Failed jobs of test-carrier-sync" });
    const job = dead.getByRole("row").filter({ hasText: "carrier API answered 503" });
    await job.waitFor();
    expect(await job.textContent()).toMatch(/carrier.{0,4}ups/);
    expect(await seriousViolations(page)).toEqual([]);

    const before = attempts;
    await job.getByRole("button", { name: /^Retry job/ }).click();
    await page.getByText(/will run again/).waitFor();
    // The job really ran again (and, the carrier still being down, failed again).
    await expect.poll(() => attempts, { timeout: 30_000 }).toBe(before + 1);
    await context.close();
  });
});
