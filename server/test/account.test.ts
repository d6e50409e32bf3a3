import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateAddress } from "../src/modules/customers/index.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

async function signUp(email: string): Promise<string> {
  n++;
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    payload: { name: email.split("@")[0], email, password: "patient-otter-4821" },
    headers: { origin },
    remoteAddress: `198.18.0.${n}`,
  });
  expect(res.statusCode).toBe(200);
  return cookieOf(res);
}

function call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, cookie: string, payload?: object) {
  return t.app.inject({ method, url, headers: { cookie, origin }, ...(payload ? { payload } : {}) });
}

const berlin = {
  firstName: "Ada",
  lastName: "Lovelace",
  line1: "Unter den Linden 1",
  city: "Berlin",
  postalCode: "10117",
  country: "DE",
};

beforeAll(async () => {
  t = await testApp();
  origin = t.ctx.config.publicUrl;
});
afterAll(async () => {
  await t?.close();
});

describe("address validation by country", () => {
  it("requires what the destination's post requires", () => {
    expect(validateAddress({ ...berlin, company: null, line2: null, region: null, phone: null })).toEqual([]);
    const us = validateAddress({
      ...berlin,
      country: "US",
      postalCode: "1011",
      region: null,
      company: null,
      line2: null,
      phone: null,
    });
    expect(us.map((e) => e.field).sort()).toEqual(["postalCode", "region"]);
    const hk = validateAddress({
      ...berlin,
      country: "HK",
      postalCode: null,
      company: null,
      line2: null,
      region: null,
      phone: null,
    });
    expect(hk).toEqual([]); // Hong Kong has no postal codes
    expect(
      validateAddress({
        ...berlin,
        country: "XX",
        company: null,
        line2: null,
        region: null,
        phone: null,
        postalCode: null,
      })[0]!.field,
    ).toBe("country");
  });
});

describe("my account", () => {
  it("keeps a profile with marketing consent and its time", async () => {
    const cookie = await signUp("peg@example.com");
    const before = (await call("GET", "/api/store/account", cookie)).json();
    expect(before).toMatchObject({
      email: "peg@example.com",
      marketingConsent: false,
      marketingConsentAt: null,
    });
    const changed = await call("PATCH", "/api/store/account", cookie, {
      name: "Peg Bundy",
      phone: "+4930123456",
      marketingConsent: true,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ name: "Peg Bundy", phone: "+4930123456", marketingConsent: true });
    expect(Date.parse(changed.json().marketingConsentAt)).toBeGreaterThan(Date.now() - 60_000);
    const badPhone = await call("PATCH", "/api/store/account", cookie, { phone: "030 123" });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().errors[0].field).toBe("phone");
  });

  it("keeps an address book with one default each for shipping and billing", async () => {
    const cookie = await signUp("al@example.com");
    const first = await call("POST", "/api/store/account/addresses", cookie, berlin);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ isDefaultShipping: true, isDefaultBilling: true });
    const second = await call("POST", "/api/store/account/addresses", cookie, {
      firstName: "Al",
      lastName: "Bundy",
      line1: "9764 Jeopardy Lane",
      city: "Chicago",
      region: "IL",
      postalCode: "60601",
      country: "us",
      isDefaultShipping: true,
    });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ country: "US", isDefaultShipping: true, isDefaultBilling: false });
    const list = (await call("GET", "/api/store/account/addresses", cookie)).json().items;
    expect(list.filter((a: { isDefaultShipping: boolean }) => a.isDefaultShipping)).toHaveLength(1);
    expect(list.find((a: { id: string }) => a.id === first.json().id).isDefaultBilling).toBe(true);

    const bad = await call("POST", "/api/store/account/addresses", cookie, {
      ...berlin,
      country: "US",
      postalCode: "ABCDE",
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["postalCode", "region"]);
    const missing = await call("POST", "/api/store/account/addresses", cookie, { country: "DE" });
    expect(missing.statusCode).toBe(400);

    const edited = await call("PATCH", `/api/store/account/addresses/${second.json().id}`, cookie, {
      line2: "Apt 2",
    });
    expect(edited.json().line2).toBe("Apt 2");
    expect(
      (await call("DELETE", `/api/store/account/addresses/${second.json().id}`, cookie)).statusCode,
    ).toBe(204);
  });

  it("never shows or changes another customer's addresses or sessions", async () => {
    const a = await signUp("kelly@example.com");
    const b = await signUp("bud@example.com");
    const own = (await call("POST", "/api/store/account/addresses", a, berlin)).json();
    expect((await call("GET", "/api/store/account/addresses", b)).json().items).toEqual([]);
    const edit = await call("PATCH", `/api/store/account/addresses/${own.id}`, b, { city: "Hamburg" });
    expect(edit.statusCode).toBe(404);
    expect((await call("DELETE", `/api/store/account/addresses/${own.id}`, b)).statusCode).toBe(404);
    expect((await call("GET", "/api/store/account/addresses", a)).json().items[0].city).toBe("Berlin");
    const sessionsOfB = await t.app.inject({
      method: "GET",
      url: "/api/auth/list-sessions",
      headers: { cookie: b },
    });
    for (const s of sessionsOfB.json() as { userId: string }[]) expect(s.userId).not.toBe(own.userId);
  });

  it("refuses anonymous calls and cross-site writes", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/store/account" })).statusCode).toBe(401);
    const cookie = await signUp("marcy@example.com");
    const forged = await t.app.inject({
      method: "POST",
      url: "/api/store/account/addresses",
      headers: { cookie, origin: "https://evil.example" },
      payload: berlin,
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe("CSRF_ORIGIN_MISMATCH");
    const noOrigin = await t.app.inject({
      method: "POST",
      url: "/api/store/account/addresses",
      headers: { cookie },
      payload: berlin,
    });
    expect(noOrigin.statusCode).toBe(403);
  });
});
