import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { repoRoot } from "../../src/config.ts";

/** Flags that let Debian's Chromium run headless here (as root, with no network of its own). */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Debian's Chromium (/usr/bin/chromium), driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
}

/** A TCP port that is free right now (an app's PUBLIC_URL must be known before it listens). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const axeSource = fs.readFileSync(path.join(repoRoot, "node_modules/axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core on the page and returns its serious and critical violations. The page's context
 * needs `bypassCSP: true`, as the shop's CSP rightly refuses the injected script.
 */
export async function seriousViolations(
  page: Page,
): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Content being refreshed is dimmed on purpose (aria-busy): check the page once it has settled.
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null, undefined, {
    timeout: 10_000,
  });
  // Colours caught mid-transition (a button just enabled) would read as low contrast: settle them first.
  await page.addStyleTag({
    content: "*, *::before, *::after { transition: none !important; animation: none !important; }",
  });
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * Opens an admin section from the navigation, as a person would at any width: on a phone the list
 * sits behind the Menu button, which is pressed first. Waits for the section's heading.
 */
export async function openAdminSection(page: Page, name: string): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Admin sections" });
  const link = nav.getByRole("link", { name, exact: true });
  // Below Tailwind's md breakpoint (768 px) the list is folded away until Menu is pressed.
  if ((page.viewportSize()?.width ?? 1280) < 768) {
    const menu = nav.getByRole("button", { name: "Menu" });
    if ((await menu.getAttribute("aria-expanded")) !== "true") await menu.click();
  }
  await link.click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}
