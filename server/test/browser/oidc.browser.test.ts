import type { Server } from "node:http";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers.ts";
import { freePort, launchChromium } from "./support.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let browser: Browser;
let base: string;
let issuerServer: Server;

beforeAll(async () => {
  const [appPort, issuerPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${appPort}`;
  const issuer = `http://127.0.0.1:${issuerPort}`;
  // A real OpenID Connect provider (node-oidc-provider) on this machine: any login name is accepted
  // by its development login form, and its account claims say the email is verified.
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "bazaar",
        client_secret: "bazaar-test-secret",
        redirect_uris: [`${base}/api/auth/callback/local`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, name: `OIDC ${id.split("@")[0]}` }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["oidc-test-cookie-key"] },
  });
  issuerServer = provider.listen(issuerPort);
  t = await testApp({
    serveStorefront: true,
    publicUrl: base,
    oidc: {
      providerId: "local",
      name: "Local SSO",
      issuer,
      clientId: "bazaar",
      clientSecret: "bazaar-test-secret",
    },
  });
  await t.app.listen({ port: appPort, host: "127.0.0.1" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise<void>((resolve) => (issuerServer ? issuerServer.close(() => resolve()) : resolve()));
});

/** Signs in through the OIDC provider in the browser and returns the session the shop then has. */
async function signInWithOidc(login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The shop's sign-in page offers the provider configured by OIDC_* variables.
  await page.goto(`${base}/sign-in`);
  await page.getByRole("button", { name: "Continue with Local SSO" }).click();
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', "anything");
  await page.click('button[type="submit"]');
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${base}/account**`);
  const session = await page.evaluate(async () => (await fetch("/api/auth/get-session")).json());
  await context.close();
  return session as { user: { id: string; email: string; emailVerified: boolean; name: string } } | null;
}

describe("OpenID Connect sign-in against a local provider", () => {
  it("creates an account for a new person, with the provider's verified email", async () => {
    const session = await signInWithOidc("newcomer@oidc.test");
    expect(session?.user).toMatchObject({
      email: "newcomer@oidc.test",
      emailVerified: true,
      name: "OIDC newcomer",
    });
  });

  it("links to the existing account with the same verified email", async () => {
    const signUp = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      headers: { origin: base },
      payload: { name: "Linda", email: "linda@example.com", password: "quiet-harbor-6641" },
    });
    const userId = signUp.json().user.id as string;
    const context = await t.ctx.auth.$context;
    await context.internalAdapter.updateUser(userId, { emailVerified: true });

    const session = await signInWithOidc("linda@example.com");
    expect(session?.user.id).toBe(userId);
    const accounts = await context.internalAdapter.findAccounts(userId);
    expect(accounts.map((a) => a.providerId).sort()).toEqual(["credential", "local"]);
  });
});
