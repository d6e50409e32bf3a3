import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueMail, registerMailHandler, SmtpMailer } from "../src/platform/mail.ts";
import {
  newDeviceSignInEmail,
  passwordResetEmail,
  twoFactorChangedEmail,
  verificationEmail,
} from "../src/platform/mail-templates.ts";
import { mailMessages } from "../src/platform/outbox.schema.ts";
import { OutboxDispatcher } from "../src/platform/outbox.ts";
import { testApp } from "./helpers.ts";

/** A real SMTP server on a free local port that keeps every message it receives. */
function smtpSink() {
  const received: ParsedMail[] = [];
  let failNext = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, _session, callback) {
      if (failNext > 0) {
        failNext--;
        stream.resume();
        stream.on("end", () => callback(Object.assign(new Error("mailbox busy"), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  return {
    received,
    failNextDeliveries(n: number) {
      failNext = n;
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return (server.server.address() as AddressInfo).port;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const sink = smtpSink();
let t: Awaited<ReturnType<typeof testApp>>;
let smtpUrl: string;

beforeAll(async () => {
  const port = await sink.listen();
  smtpUrl = `smtp://127.0.0.1:${port}`;
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
  await sink.close();
});

describe("email delivery", () => {
  it("sends a queued email through SMTP after commit, with HTML and text parts", async () => {
    const mailer = new SmtpMailer(smtpUrl, "Bazaar <no-reply@shop.test>");
    const dispatcher = new OutboxDispatcher(t.ctx.db, { baseDelayMs: 0 });
    registerMailHandler(dispatcher, mailer);
    const mail = verificationEmail({
      storeName: "Bazaar",
      name: "Ada <script>",
      url: "https://shop.test/verify?token=abc&x=1",
      expiresInHours: 24,
    });
    const id = await t.ctx.db.transaction((tx) => queueMail(tx, { to: "ada@example.com", ...mail }));
    expect(sink.received).toHaveLength(0);
    await dispatcher.runOnce();
    expect(sink.received).toHaveLength(1);
    const got = sink.received[0]!;
    expect(got.subject).toBe("Confirm your email for Bazaar");
    expect(got.messageId).toBe(`<${id}@shop.test>`);
    expect(got.text).toContain("https://shop.test/verify?token=abc&x=1");
    expect(got.html).toContain('href="https://shop.test/verify?token=abc&amp;x=1"');
    expect(got.html).toContain("Ada &lt;script&gt;");
    expect(got.html).not.toContain("<script>");
    mailer.close();
  });

  it("retries when the mail server refuses, and delivers once it accepts", async () => {
    const mailer = new SmtpMailer(smtpUrl, "Bazaar <no-reply@shop.test>");
    const dispatcher = new OutboxDispatcher(t.ctx.db, { baseDelayMs: 0 });
    registerMailHandler(dispatcher, mailer);
    const before = sink.received.length;
    sink.failNextDeliveries(1);
    await queueMail(t.ctx.db, { to: "bob@example.com", subject: "Hello", html: "<p>Hi</p>", text: "Hi" });
    await dispatcher.runOnce();
    expect(sink.received.length).toBe(before);
    await dispatcher.runOnce();
    expect(sink.received.length).toBe(before + 1);
    expect(sink.received.at(-1)!.to).toMatchObject({ text: "bob@example.com" });
    mailer.close();
  });

  it("keeps email in the local mail outbox when no SMTP server is configured", async () => {
    // testApp has no SMTP_URL: the app's own dispatcher stores messages.
    await queueMail(t.ctx.db, { to: "carol@example.com", subject: "Stored", html: "<p>x</p>", text: "x" });
    await t.ctx.outbox.runOnce();
    const rows = await t.ctx.db.select().from(mailMessages);
    expect(rows.find((r) => r.to === "carol@example.com")).toMatchObject({ subject: "Stored", text: "x" });
  });

  it("shows the local mail outbox to staff with settings:write", async () => {
    const { bootstrapOwner } = await import("../src/modules/staff/index.ts");
    const owner = await testApp({
      adminEmail: "owner@shop.test",
      adminPassword: "correct horse battery staple",
    });
    try {
      await bootstrapOwner(owner.ctx.config, owner.ctx.auth, owner.ctx.db);
      await queueMail(owner.ctx.db, { to: "dora@example.com", subject: "Kept", html: "<p>k</p>", text: "k" });
      await owner.ctx.outbox.runOnce();
      const signIn = await owner.app.inject({
        method: "POST",
        url: "/api/auth/sign-in/email",
        headers: { origin: owner.ctx.config.publicUrl },
        payload: { email: "owner@shop.test", password: "correct horse battery staple" },
      });
      const cookie = signIn.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      const list = await owner.app.inject({
        method: "GET",
        url: "/api/admin/mail-messages?limit=5",
        headers: { cookie },
      });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((m: { subject: string }) => m.subject)).toContain("Kept");
      expect((await owner.app.inject({ method: "GET", url: "/api/admin/mail-messages" })).statusCode).toBe(
        401,
      );
    } finally {
      await owner.close();
    }
  });

  it("renders every account email as HTML and plain text", () => {
    const at = new Date("2026-11-23T15:04:00Z");
    const mails = [
      passwordResetEmail({
        storeName: "Bazaar",
        name: "Ada",
        url: "https://shop.test/reset?t=1",
        expiresInMinutes: 30,
      }),
      twoFactorChangedEmail({ storeName: "Bazaar", name: "Ada", enabled: true, at, ip: "203.0.113.9" }),
      newDeviceSignInEmail({
        storeName: "Bazaar",
        name: "Ada",
        device: "Firefox on Linux",
        ip: "203.0.113.9",
        at,
      }),
    ];
    expect(mails.map((m) => m.subject)).toEqual([
      "Reset your Bazaar password",
      "Two-factor authentication was turned on",
      "New sign-in to your Bazaar account",
    ]);
    expect(mails[0]!.text).toContain("https://shop.test/reset?t=1");
    expect(mails[0]!.text).toContain("expires in 30 minutes");
    expect(mails[1]!.text).toContain("2026-11-23 15:04 UTC");
    expect(mails[2]!.html).toContain("Firefox on Linux");
    for (const m of mails) expect(m.html).toMatch(/^<!doctype html>/);
  });
});
