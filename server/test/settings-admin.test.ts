import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsKey, sealCredentials } from "../src/modules/payments/payments.secrets.ts";
import { assignRole, bootstrapOwner, saveCustomRole } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { invalidateShopCache } from "../src/platform/shop-cache.ts";
import { GuestShopper, michigan, seedShop } from "./commerce-fixtures.ts";
import { type FakeStripe, startFakeStripe, stripeEvent, stripeWebhook } from "./fakes/stripe-server.ts";
import { testApp } from "./helpers.ts";

/**
 * Shop settings in the back office through the staff API: store settings, tax rates, shipping zones
 * and payment providers (each versioned, validated field by field, audited), and their effect on the
 * very next cart and checkout: tax and shipping prices, order number prefix, guest checkout, phone
 * required, payment providers switched off or given stored keys. Keys never come back out.
 */

const storedKey = "sk_test_stored51Habcdefghij4242";
const storedWebhookSecret = "whsec_storedSigningSecret7788";
const envKey = "sk_test_environmentKey00009999";
const envWebhookSecret = "whsec_environmentSecret1111";
/** Everything a staff answer or an audit row must never contain. */
const secrets = [storedKey, storedWebhookSecret, envKey, envWebhookSecret];

let t: Awaited<ReturnType<typeof testApp>>;
let stripe: FakeStripe;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
const cookies: Record<string, string> = {};
/** Every staff answer's body, to prove that no key ever appears in one. */
const answers: string[] = [];
let n = 0;

type Method = "GET" | "POST" | "PUT" | "DELETE";

async function call(
  who: string,
  method: Method,
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  n++;
  const res = await t.app.inject({
    method,
    url,
    headers: { origin: t.ctx.config.publicUrl, cookie: cookies[who]!, ...headers },
    remoteAddress: `198.51.100.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
  answers.push(res.body);
  return res;
}
const staff = (method: Method, url: string, payload?: object, headers?: Record<string, string>) =>
  call("settings", method, url, payload, headers);
const ifMatch = (version: number | string) => ({ "if-match": `"${version}"` });
const fieldsOf = (res: LightMyRequestResponse) =>
  (res.json().errors ?? []).map((e: { field: string }) => e.field) as string[];

async function staffMember(key: string, role: string) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name: key, email: `${key}@shop.test`, password: "quiet-harbor-7712" },
  });
  expect(res.statusCode).toBe(200);
  cookies[key] = res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  await assignRole(t.ctx.db, res.json().user.id, role);
}

async function auditOf(action: string) {
  return queryRows<{
    action: string;
    actor_id: string | null;
    target_id: string;
    metadata: Record<string, unknown>;
  }>(
    t.ctx.db,
    sql`select action, actor_id, target_id, metadata from audit_events where action = ${action} order by id`,
  );
}

/** A new guest cart with two mugs (subtotal 2500) to Michigan with Best Way shipping. */
async function newCart() {
  const guest = new GuestShopper(t.app);
  const cart = await guest.readyCart([{ variantId: v.MUG, quantity: 2 }], `shopper${n++}@example.com`);
  return { guest, cart };
}

beforeAll(async () => {
  stripe = await startFakeStripe({ secretKey: storedKey });
  t = await testApp({
    adminEmail: "owner@shop.test",
    adminPassword: "correct horse battery staple",
    // The environment's Stripe keys are not the ones the (fake) Stripe account accepts.
    stripe: {
      secretKey: envKey,
      publishableKey: "pk_test_environment",
      webhookSecret: envWebhookSecret,
      apiBase: stripe.url,
    },
  });
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  await saveCustomRole(
    t.ctx.db,
    { key: "settings_manager", name: "Settings manager", permissions: ["settings:write"] },
    { actorId: "system" },
  );
  await staffMember("settings", "settings_manager");
  await staffMember("catalog", "catalog_manager");
}, 120_000);

afterAll(async () => {
  await t?.close();
  await stripe?.close();
});

describe("access", () => {
  it("needs settings:write, for reads too", async () => {
    for (const url of [
      "/api/admin/settings/store",
      "/api/admin/settings/tax-rates",
      "/api/admin/settings/tax-classes",
      "/api/admin/settings/shipping-zones",
      "/api/admin/settings/payment-providers",
    ]) {
      expect((await call("catalog", "GET", url)).statusCode, url).toBe(403);
      expect((await staff("GET", url)).statusCode, url).toBe(200);
    }
    const anonymous = await t.app.inject({ method: "GET", url: "/api/admin/settings/store" });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe("store settings", () => {
  it("reads the defaults with an ETag, saves with If-Match, normalises, and refuses a stale save", async () => {
    const read = await staff("GET", "/api/admin/settings/store");
    expect(read.statusCode).toBe(200);
    const settings = read.json();
    expect(settings).toMatchObject({
      defaultCurrency: "USD",
      currencies: ["USD"],
      locales: ["en-US"],
      pricesIncludeTax: false,
      reservationMinutes: 30,
      orderNumberPrefix: "",
      guestCheckout: true,
      requirePhone: false,
    });
    expect(read.headers.etag).toBe(`"${settings.version}"`);

    const saved = await staff(
      "PUT",
      "/api/admin/settings/store",
      {
        storeName: "  Trail Supply Co. ",
        senderEmail: "hello@trail.example",
        supportPhone: "+1 313 555 0100",
        storeAddress: { ...michigan, firstName: "", lastName: "", region: "mi" },
        currencies: ["eur", "USD"],
        defaultCurrency: "usd",
        locales: ["en-us", "de-DE"],
        reservationMinutes: 45,
      },
      ifMatch(settings.version),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      storeName: "Trail Supply Co.",
      senderEmail: "hello@trail.example",
      currencies: ["USD", "EUR"],
      defaultCurrency: "USD",
      locales: ["en-US", "de-DE"],
      reservationMinutes: 45,
      storeAddress: { line1: "1 Woodward Ave", region: "MI", country: "US", company: null },
      version: settings.version + 1,
    });
    expect(saved.headers.etag).toBe(`"${settings.version + 1}"`);

    const stale = await staff(
      "PUT",
      "/api/admin/settings/store",
      { storeName: "Lost" },
      ifMatch(settings.version),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    expect((await staff("GET", "/api/admin/settings/store")).json().storeName).toBe("Trail Supply Co.");

    const [entry] = await auditOf("settings.store.update");
    expect(entry).toMatchObject({ target_id: "default" });
    expect(entry!.actor_id).toBeTruthy();
    expect(entry!.metadata.changes).toMatchObject({
      storeName: { before: "Bazaar", after: "Trail Supply Co." },
      reservationMinutes: { before: 30, after: 45 },
    });
  });

  it("answers 400 naming each wrong field", async () => {
    const cases: [object, string][] = [
      [{ currencies: ["USD", "XYZ"] }, "currencies.1"],
      [{ currencies: ["USD", "usd"] }, "currencies.1"],
      [{ defaultCurrency: "GBP" }, "defaultCurrency"],
      [{ locales: ["en-US", "not a locale!"] }, "locales.1"],
      [{ senderEmail: "not-an-address" }, "senderEmail"],
      [{ reservationMinutes: 2 }, "reservationMinutes"],
      [{ reservationMinutes: 1441 }, "reservationMinutes"],
      [{ orderNumberPrefix: "BZ_" }, "orderNumberPrefix"],
      [{ orderNumberPrefix: "WAYTOOLONGPREFIX" }, "orderNumberPrefix"],
      [
        { storeAddress: { ...michigan, firstName: "", lastName: "", phone: null, country: "XX" } },
        "storeAddress.country",
      ],
      [{ logoImageId: "img_nope" }, "logoImageId"],
      [{ shippingTaxClass: "Not A Class" }, "shippingTaxClass"],
      [{ colour: "red" }, "colour"],
    ];
    for (const [body, field] of cases) {
      const res = await staff("PUT", "/api/admin/settings/store", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toContain(field);
    }
    const bad = await staff("PUT", "/api/admin/settings/store", { storeName: "x" }, { "if-match": "three" });
    expect(fieldsOf(bad)).toContain("If-Match");
  });

  it("applies the order number prefix and the reservation time to the next order", async () => {
    const current = (await staff("GET", "/api/admin/settings/store")).json();
    const saved = await staff(
      "PUT",
      "/api/admin/settings/store",
      { orderNumberPrefix: "bz-", reservationMinutes: 45 },
      ifMatch(current.version),
    );
    expect(saved.json().orderNumberPrefix).toBe("BZ-");
    const { guest } = await newCart();
    // Paid by bank transfer: the order waits for the money, holding its stock for the reservation time.
    const placed = await guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "bank_transfer" } },
      { "idempotency-key": "prefix-1" },
    );
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    expect(order.number).toMatch(/^BZ-\d{6,}$/);
    const [row] = await queryRows<{ minutes: number }>(
      t.ctx.db,
      sql`select extract(epoch from (reservation_expires_at - placed_at)) / 60 as minutes from orders where id = ${order.id}`,
    );
    expect(Math.round(Number(row!.minutes))).toBe(45);
    // The guest finds it by its prefixed number.
    const lookup = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup",
      payload: { number: order.number, email: order.email },
    });
    expect(lookup.statusCode).toBe(200);
    // Back to no prefix: numbers as before.
    const again = await staff(
      "PUT",
      "/api/admin/settings/store",
      { orderNumberPrefix: "" },
      ifMatch(saved.json().version),
    );
    expect(again.statusCode).toBe(200);
    const next = await (await newCart()).guest.checkout("prefix-2");
    expect(next.json().number).toMatch(/^\d{6,}$/);
  });

  it("e-mails carry the store name and come from the sender set in the admin, from the next one on", async () => {
    const mailOf = async (to: string) => {
      while ((await t.ctx.outbox.runOnce()) > 0) {}
      const [mail] = await queryRows<{ from: string; subject: string; html: string }>(
        t.ctx.db,
        sql`select "from", subject, html from mail_messages where "to" = ${to} order by created_at desc limit 1`,
      );
      return mail!;
    };
    const current = (await staff("GET", "/api/admin/settings/store")).json();
    const named = await staff(
      "PUT",
      "/api/admin/settings/store",
      { storeName: 'Trail "Supply" Co.', senderEmail: "orders@trail.example" },
      ifMatch(current.version),
    );
    expect(named.statusCode, named.body).toBe(200);
    // The storefront reads the same name at once.
    const shop = await t.app.inject({ method: "GET", url: "/api/store/shop" });
    expect(shop.json()).toMatchObject({ name: 'Trail "Supply" Co.', supportPhone: "+1 313 555 0100" });
    const first = await newCart();
    const placed = (await first.guest.checkout("sender-1")).json();
    const mail = await mailOf(placed.email);
    expect(mail.from).toBe('"Trail \\"Supply\\" Co." <orders@trail.example>');
    expect(mail.html).toContain("Trail &quot;Supply&quot; Co.");

    // No sender set: the server's MAIL_FROM, still with the admin's store name in the text.
    const cleared = await staff(
      "PUT",
      "/api/admin/settings/store",
      { senderEmail: "", storeName: "Trail Supply Co." },
      ifMatch(named.json().version),
    );
    expect(cleared.statusCode, cleared.body).toBe(200);
    const second = await newCart();
    const next = (await second.guest.checkout("sender-2")).json();
    const plain = await mailOf(next.email);
    expect(plain.from).toBe(t.ctx.config.mailFrom);
    expect(plain.html).toContain("Trail Supply Co.");
    // Account e-mails too (a password reset), rendered when they are asked for.
    await t.app.inject({
      method: "POST",
      url: "/api/auth/request-password-reset",
      headers: { origin: t.ctx.config.publicUrl },
      payload: { email: "owner@shop.test", redirectTo: `${t.ctx.config.publicUrl}/reset` },
    });
    expect((await mailOf("owner@shop.test")).subject).toBe("Reset your Trail Supply Co. password");
  });

  it("refuses a guest checkout when guest checkout is off, and requires a phone when asked", async () => {
    let version = (await staff("GET", "/api/admin/settings/store")).json().version;
    const off = await staff("PUT", "/api/admin/settings/store", { guestCheckout: false }, ifMatch(version));
    version = off.json().version;
    const { guest } = await newCart();
    const refused = await guest.checkout("guest-off");
    expect(refused.statusCode).toBe(403);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(refused.json().code).toBe("GUEST_CHECKOUT_DISABLED");

    const phone = await staff(
      "PUT",
      "/api/admin/settings/store",
      { guestCheckout: true, requirePhone: true },
      ifMatch(version),
    );
    version = phone.json().version;
    const noPhone = await guest.checkout("phone-1");
    expect(noPhone.statusCode).toBe(400);
    expect(fieldsOf(noPhone)).toContain("shippingAddress.phone");
    await guest.call("PUT", "/api/store/cart/shipping-address", { ...michigan, phone: "+1 313 555 0199" });
    const cart = (await guest.call("GET", "/api/store/cart")).json();
    const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
    await guest.call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: best.id });
    const withPhone = await guest.checkout("phone-2");
    expect(withPhone.statusCode, withPhone.body).toBe(201);
    await staff("PUT", "/api/admin/settings/store", { requirePhone: false }, ifMatch(version));
  });
});

describe("tax rates", () => {
  it("creates, reads, replaces and deletes a rate with If-Match; 404 and 409 as they should", async () => {
    const list = (await staff("GET", "/api/admin/settings/tax-rates")).json().items;
    expect(list).toContainEqual(
      expect.objectContaining({ code: "US-MI", countryCode: "US", region: "MI", rateBasisPoints: 600 }),
    );
    const created = await staff("POST", "/api/admin/settings/tax-rates", {
      code: "DE-STD",
      name: "Mehrwertsteuer",
      countryCode: "de",
      postcodePattern: "10*, 20000-29999",
      rateBasisPoints: 1900,
    });
    expect(created.statusCode, created.body).toBe(201);
    const rate = created.json();
    expect(rate).toMatchObject({ countryCode: "DE", region: null, taxClass: "standard", version: 1 });
    expect(rate.postcodePattern).toBe("10*, 20000-29999");
    expect(created.headers.etag).toBe('"1"');
    expect((await staff("GET", `/api/admin/settings/tax-rates/${rate.id}`)).json().name).toBe(
      "Mehrwertsteuer",
    );

    const replaced = await staff(
      "PUT",
      `/api/admin/settings/tax-rates/${rate.id}`,
      { code: "DE-REDUCED", name: "Ermäßigt", countryCode: "DE", rateBasisPoints: 700, taxClass: "Reduced" },
      ifMatch(1),
    );
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      code: "DE-REDUCED",
      taxClass: "reduced",
      postcodePattern: null,
      version: 2,
    });
    const stale = await staff(
      "PUT",
      `/api/admin/settings/tax-rates/${rate.id}`,
      { code: "DE-REDUCED", name: "x", countryCode: "DE", rateBasisPoints: 700 },
      ifMatch(1),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");

    const classes = (await staff("GET", "/api/admin/settings/tax-classes")).json().items;
    expect(classes).toContainEqual({ code: "reduced", rateCount: 1, usedForShipping: false });
    expect(classes).toContainEqual(expect.objectContaining({ code: "standard" }));

    expect(
      (await staff("DELETE", `/api/admin/settings/tax-rates/${rate.id}`, undefined, ifMatch(1))).statusCode,
    ).toBe(409);
    expect(
      (await staff("DELETE", `/api/admin/settings/tax-rates/${rate.id}`, undefined, ifMatch(2))).statusCode,
    ).toBe(204);
    const gone = await staff("GET", `/api/admin/settings/tax-rates/${rate.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe("TAX_RATE_NOT_FOUND");
    expect(
      (
        await staff("PUT", "/api/admin/settings/tax-rates/tax_nope", {
          code: "X",
          name: "X",
          countryCode: "US",
          rateBasisPoints: 1,
        })
      ).statusCode,
    ).toBe(404);
    expect((await staff("DELETE", "/api/admin/settings/tax-rates/tax_nope")).statusCode).toBe(404);

    const actions = (
      await queryRows<{ action: string }>(
        t.ctx.db,
        sql`select action from audit_events where target_id = ${rate.id} order by id`,
      )
    ).map((r) => r.action);
    expect(actions).toEqual([
      "settings.tax_rate.create",
      "settings.tax_rate.update",
      "settings.tax_rate.delete",
    ]);
    const [update] = await auditOf("settings.tax_rate.update");
    expect(update!.metadata.changes).toMatchObject({ rateBasisPoints: { before: 1900, after: 700 } });
  });

  it("answers 400 naming each wrong field", async () => {
    const good = { code: "US-OH", name: "Ohio", countryCode: "US", region: "OH", rateBasisPoints: 575 };
    const cases: [object, string][] = [
      [{ ...good, countryCode: "XX" }, "countryCode"],
      [{ ...good, countryCode: "USA" }, "countryCode"],
      [{ ...good, rateBasisPoints: 10_001 }, "rateBasisPoints"],
      [{ ...good, rateBasisPoints: -1 }, "rateBasisPoints"],
      [{ ...good, rateBasisPoints: 5.5 }, "rateBasisPoints"],
      [{ ...good, postcodePattern: "43*,,44*" }, "postcodePattern"],
      [{ ...good, postcodePattern: "45999-43000" }, "postcodePattern"],
      [{ ...good, postcodePattern: "43[0-9]" }, "postcodePattern"],
      [{ ...good, region: "Ohio State!" }, "region"],
      [{ ...good, code: "US-MI" }, "code"],
      [{ ...good, code: "has space" }, "code"],
      [{ ...good, taxClass: "Not OK!" }, "taxClass"],
      [{ ...good, name: " " }, "name"],
    ];
    for (const [body, field] of cases) {
      const res = await staff("POST", "/api/admin/settings/tax-rates", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toContain(field);
    }
  });

  it("a changed rate changes a new cart's tax at once", async () => {
    const before = (await newCart()).cart;
    expect(before.totals).toMatchObject({ subtotal: 2500, taxTotal: 150 });
    const michiganRate = (await staff("GET", "/api/admin/settings/tax-rates?countryCode=US"))
      .json()
      .items.find((r: { code: string }) => r.code === "US-MI");
    const saved = await staff(
      "PUT",
      `/api/admin/settings/tax-rates/${michiganRate.id}`,
      { ...michiganRate, id: undefined, version: undefined, createdAt: undefined, rateBasisPoints: 825 },
      ifMatch(michiganRate.version),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const after = (await newCart()).cart;
    expect(after.totals).toMatchObject({ subtotal: 2500, taxTotal: 206 }); // 8.25 % of 25.00, half-up
    expect(after.totals.total).toBe(2500 + after.totals.shippingTotal + 206);
    // Back to 6 % for the other tests.
    await staff(
      "PUT",
      `/api/admin/settings/tax-rates/${michiganRate.id}`,
      { ...michiganRate, id: undefined, version: undefined, createdAt: undefined },
      ifMatch(saved.json().version),
    );
  });
});

describe("shipping zones", () => {
  const zoneBody = (zone: Record<string, unknown> & { methods: Record<string, unknown>[] }) => ({
    name: zone.name,
    countries: zone.countries,
    regions: zone.regions,
    methods: zone.methods.map(({ position: _p, ...m }) => m),
  });

  it("a changed table rate changes a new cart's shipping at once; rows are sorted on save", async () => {
    const before = (await newCart()).cart;
    expect(before.totals.shippingTotal).toBe(1500);
    const zones = (await staff("GET", "/api/admin/settings/shipping-zones")).json().items;
    const us = zones.find((z: { name: string }) => z.name === "United States");
    const bestWay = us.methods.find((m: { code: string }) => m.code === "best_way");
    expect(bestWay.tableRates).toEqual([
      { region: null, postcode: null, from: 0, amount: 1500 },
      { region: null, postcode: null, from: 5000, amount: 1000 },
      { region: null, postcode: null, from: 10000, amount: 500 },
    ]);
    const body = zoneBody(us);
    body.methods = body.methods.map((m) =>
      m.code === "best_way"
        ? {
            ...m,
            tableRates: [
              { region: null, postcode: null, from: 5000, amount: 800 },
              { region: "*", postcode: "", from: 0, amount: 1200 },
              { region: "mi", postcode: null, from: 0, amount: 990 },
            ],
          }
        : m,
    );
    const saved = await staff(
      "PUT",
      `/api/admin/settings/shipping-zones/${us.id}`,
      body,
      ifMatch(us.version),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    const zone = saved.json();
    expect(zone.version).toBe(us.version + 1);
    expect(zone.methods.find((m: { code: string }) => m.code === "best_way")).toMatchObject({
      id: bestWay.id,
      tableRates: [
        { region: null, postcode: null, from: 0, amount: 1200 },
        { region: null, postcode: null, from: 5000, amount: 800 },
        { region: "MI", postcode: null, from: 0, amount: 990 },
      ],
    });
    const after = (await newCart()).cart;
    expect(after.totals.shippingTotal).toBe(990); // Michigan's own row wins
    expect(after.totals.total).toBe(2500 + 990 + after.totals.taxTotal);

    const stale = await staff(
      "PUT",
      `/api/admin/settings/shipping-zones/${us.id}`,
      body,
      ifMatch(us.version),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");

    const [entry] = await auditOf("settings.shipping_zone.update");
    expect(Object.keys(entry!.metadata.changes as object)).toEqual(["methods.best_way.tableRates"]);

    // Back to the seeded rates.
    const restore = zoneBody(us);
    expect(
      (await staff("PUT", `/api/admin/settings/shipping-zones/${us.id}`, restore, ifMatch(zone.version)))
        .statusCode,
    ).toBe(200);
  });

  it("creates and deletes a zone with each method type; 404 for an unknown zone", async () => {
    const created = await staff("POST", "/api/admin/settings/shipping-zones", {
      name: "Canada",
      countries: ["ca"],
      methods: [
        {
          code: "ca_flat",
          name: "Canada Post",
          type: "flat_rate",
          currency: "usd",
          amount: 1800,
          amountPerItem: 200,
          estimatedDays: "5-8 days",
        },
        {
          code: "ca_weight",
          name: "By weight",
          type: "table_rate",
          currency: "USD",
          rateBasis: "weight",
          tableRates: [{ region: null, postcode: null, from: 0, amount: 2000 }],
          amount: 99,
        },
        {
          code: "ca_pickup",
          name: "Pickup in Windsor",
          type: "pickup",
          currency: "USD",
          pickupAddress: "1 Riverside Dr, Windsor",
        },
        {
          code: "ca_live",
          name: "Live rates",
          type: "carrier",
          currency: "USD",
          carrier: "easypost",
          isActive: false,
        },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const zone = created.json();
    expect(zone).toMatchObject({ name: "Canada", countries: ["CA"], regions: [], version: 1 });
    expect(zone.methods.map((m: { code: string }) => m.code)).toEqual([
      "ca_flat",
      "ca_weight",
      "ca_pickup",
      "ca_live",
    ]);
    expect(zone.methods[0]).toMatchObject({
      currency: "USD",
      amount: 1800,
      amountPerItem: 200,
      tableRates: [],
    });
    expect(zone.methods[1]).toMatchObject({ rateBasis: "weight", amount: 0 }); // no flat amount on a table rate
    const toCanada = new GuestShopper(t.app);
    await toCanada.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
    const cart = (
      await toCanada.call("PUT", "/api/store/cart/shipping-address", {
        ...michigan,
        region: "ON",
        city: "Windsor",
        postalCode: "N9A 1A1",
        country: "CA",
      })
    ).json();
    expect(cart.shippingOptions.map((o: { code: string }) => o.code).sort()).toEqual([
      "ca_flat",
      "ca_pickup",
      "ca_weight",
    ]);

    expect(
      (await staff("DELETE", `/api/admin/settings/shipping-zones/${zone.id}`, undefined, ifMatch(2)))
        .statusCode,
    ).toBe(409);
    expect(
      (await staff("DELETE", `/api/admin/settings/shipping-zones/${zone.id}`, undefined, ifMatch(1)))
        .statusCode,
    ).toBe(204);
    const gone = await staff("GET", `/api/admin/settings/shipping-zones/${zone.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe("SHIPPING_ZONE_NOT_FOUND");
    expect(
      (
        await staff("PUT", "/api/admin/settings/shipping-zones/shz_nope", {
          name: "X",
          countries: ["US"],
          methods: [],
        })
      ).statusCode,
    ).toBe(404);
    const afterDelete = (await toCanada.call("GET", "/api/store/cart")).json();
    expect(afterDelete.shippingOptions).toEqual([]);
    expect((await auditOf("settings.shipping_zone.delete"))[0]!.metadata).toMatchObject({
      name: "Canada",
      methods: ["ca_flat", "ca_weight", "ca_pickup", "ca_live"],
    });
  });

  it("answers 400 naming each wrong field", async () => {
    const flat = { code: "x_flat", name: "Flat", type: "flat_rate", currency: "USD", amount: 500 };
    const table = {
      code: "x_table",
      name: "Table",
      type: "table_rate",
      currency: "USD",
      tableRates: [{ region: null, postcode: null, from: 0, amount: 100 }],
    };
    const zone = (methods: object[], extra: object = {}) => ({
      name: "Elsewhere",
      countries: ["FR"],
      methods,
      ...extra,
    });
    const cases: [object, string][] = [
      [zone([flat], { countries: ["ZZ"] }), "countries.0"],
      [zone([flat], { countries: ["*", "FR"] }), "countries.0"],
      [zone([flat], { name: "United States" }), "name"],
      [zone([{ ...flat, code: "best_way" }]), "methods.0.code"],
      [zone([flat, { ...flat }]), "methods.1.code"],
      [zone([{ ...flat, amount: undefined }]), "methods.0.amount"],
      [zone([{ ...flat, amount: -5 }]), "methods.0.amount"],
      [zone([{ ...flat, currency: "ABC" }]), "methods.0.currency"],
      [zone([{ ...table, tableRates: [] }]), "methods.0.tableRates"],
      [
        zone([{ ...table, tableRates: [{ region: null, postcode: null, from: 0, amount: -1 }] }]),
        "methods.0.tableRates.0.amount",
      ],
      [
        zone([{ ...table, tableRates: [{ region: null, postcode: null, from: 1.5, amount: 1 }] }]),
        "methods.0.tableRates.0.from",
      ],
      [
        zone([
          {
            ...table,
            tableRates: [
              { region: null, postcode: null, from: 0, amount: 1 },
              { region: "*", postcode: null, from: 0, amount: 2 },
            ],
          },
        ]),
        "methods.0.tableRates.1.from",
      ],
      [zone([{ ...table, rateBasis: "volume" }]), "methods.0.rateBasis"],
      [
        zone([{ code: "x_pick", name: "Pickup", type: "pickup", currency: "USD" }]),
        "methods.0.pickupAddress",
      ],
      [zone([{ code: "x_live", name: "Live", type: "carrier", currency: "USD" }]), "methods.0.carrier"],
      [zone([{ ...flat, type: "drone" }]), "methods.0.type"],
    ];
    for (const [body, field] of cases) {
      const res = await staff("POST", "/api/admin/settings/shipping-zones", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res), JSON.stringify(body)).toContain(field);
    }
  });
});

describe("payment providers", () => {
  const methodsOffered = async () =>
    (await t.app.inject("/api/store/payment-methods")).json() as {
      id: string;
      publishableKey: string | null;
    }[];
  const provider = async (code: string) =>
    (await staff("GET", `/api/admin/settings/payment-providers/${code}`)).json();

  it("lists every provider with masked keys, from the environment until saved", async () => {
    const list = (await staff("GET", "/api/admin/settings/payment-providers")).json().items;
    expect(list.map((p: { code: string }) => p.code)).toEqual([
      "stripe",
      "paypal",
      "test",
      "bank_transfer",
      "cash_on_delivery",
    ]);
    const stripeRow = list[0];
    expect(stripeRow).toMatchObject({
      enabled: true,
      testMode: true,
      source: "environment",
      offered: true,
      version: 0,
    });
    expect(stripeRow.credentials).toContainEqual(
      expect.objectContaining({
        name: "secretKey",
        set: true,
        hint: "sk_test_…9999",
        source: "environment",
        secret: true,
      }),
    );
    expect(list[1]).toMatchObject({ code: "paypal", enabled: false, offered: false });
    expect(list.find((p: { code: string }) => p.code === "test")).toMatchObject({
      enabled: true,
      available: true,
    });
    expect((await methodsOffered()).map((m) => m.id)).toEqual([
      "stripe",
      "test",
      "bank_transfer",
      "cash_on_delivery",
    ]);
    expect((await staff("GET", "/api/admin/settings/payment-providers/nope")).statusCode).toBe(404);
  });

  it("stores sealed keys that win over the environment's, at checkout and for webhooks", async () => {
    // With the environment's keys the (fake) Stripe account refuses the payment.
    const refused = await (await newCart()).guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "stripe" } },
      { "idempotency-key": "stripe-env" },
    );
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);

    const partial = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/stripe",
      { credentials: { secretKey: storedKey } },
      ifMatch(0),
    );
    expect(partial.statusCode).toBe(400);
    expect(fieldsOf(partial)).toEqual(
      expect.arrayContaining(["credentials.publishableKey", "credentials.webhookSecret"]),
    );
    const live = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/stripe",
      {
        credentials: {
          secretKey: "sk_live_abcdefghijklmnop1234",
          publishableKey: "pk_test_storedPublishable5678",
          webhookSecret: storedWebhookSecret,
        },
      },
      ifMatch(0),
    );
    expect(fieldsOf(live)).toContain("credentials.secretKey");
    const unknown = await staff("PUT", "/api/admin/settings/payment-providers/stripe", {
      credentials: { password: "x" },
    });
    expect(fieldsOf(unknown)).toContain("credentials.password");

    const saved = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/stripe",
      {
        enabled: true,
        testMode: true,
        credentials: {
          secretKey: storedKey,
          publishableKey: "pk_test_storedPublishable5678",
          webhookSecret: storedWebhookSecret,
        },
      },
      ifMatch(0),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"1"');
    expect(saved.json()).toMatchObject({ source: "settings", version: 1, offered: true, problem: null });
    expect(saved.json().credentials).toEqual([
      expect.objectContaining({ name: "secretKey", hint: "sk_test_…4242", source: "settings", set: true }),
      expect.objectContaining({ name: "publishableKey", hint: "pk_test_…5678", source: "settings" }),
      expect.objectContaining({ name: "webhookSecret", hint: "whsec_…7788", source: "settings" }),
    ]);
    const stale = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/stripe",
      { testMode: true },
      ifMatch(0),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");

    expect(await methodsOffered()).toContainEqual({
      id: "stripe",
      name: "Card (Stripe)",
      publishableKey: "pk_test_storedPublishable5678",
    });
    const paid = await (await newCart()).guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "stripe" } },
      { "idempotency-key": "stripe-stored" },
    );
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().payment.clientSecret).toMatch(/^pi_.*_secret_/);
    const pi = paid.json().payment.clientSecret.split("_secret_")[0] as string;
    stripe.confirmClientSide(pi, "pm_card_visa");
    const event = stripeEvent("payment_intent.succeeded", stripe.paymentIntent(pi));
    const deliver = (secret: string) => {
      const { body, headers } = stripeWebhook(secret, event);
      return t.app.inject({ method: "POST", url: "/api/hooks/payments/stripe", headers, payload: body });
    };
    expect((await deliver(envWebhookSecret)).statusCode).toBe(400);
    expect((await deliver(storedWebhookSecret)).statusCode).toBe(200);

    // Changing only the switch keeps the keys; audit names the keys that changed, never a value.
    const [entry] = await auditOf("settings.payment_provider.update");
    expect(entry).toMatchObject({ target_id: "stripe" });
    expect(entry!.metadata.credentialsChanged).toEqual(["secretKey", "publishableKey", "webhookSecret"]);
    const sealed = await queryRows<{ sealed: string; hints: Record<string, string> }>(
      t.ctx.db,
      sql`select sealed_credentials as sealed, credential_hints as hints from payment_provider_settings where provider = 'stripe'`,
    );
    expect(sealed[0]!.sealed).not.toContain("sk_test");
    expect(Buffer.from(sealed[0]!.sealed, "base64").toString("latin1")).not.toContain(storedKey);
  });

  it("a provider switched off is not offered, a stale save is refused, keys are needed to switch one on", async () => {
    const current = await provider("stripe");
    const off = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/stripe",
      { enabled: false },
      ifMatch(current.version),
    );
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, offered: false });
    expect(off.json().credentials.every((c: { set: boolean }) => c.set)).toBe(true);
    expect((await methodsOffered()).map((m) => m.id)).not.toContain("stripe");
    const refused = await (await newCart()).guest.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "stripe" } },
      { "idempotency-key": "stripe-off" },
    );
    expect(refused.statusCode).toBe(400);
    expect(fieldsOf(refused)).toContain("payment.provider");

    const test = await provider("test");
    await staff(
      "PUT",
      "/api/admin/settings/payment-providers/test",
      { enabled: false },
      ifMatch(test.version),
    );
    expect((await (await newCart()).guest.checkout("test-off")).statusCode).toBe(400);
    const on = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/test",
      { enabled: true },
      ifMatch(1),
    );
    expect(on.statusCode).toBe(200);
    expect((await (await newCart()).guest.checkout("test-on")).statusCode).toBe(201);

    const paypal = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/paypal",
      { enabled: true },
      ifMatch(0),
    );
    expect(paypal.statusCode).toBe(400);
    expect(fieldsOf(paypal)).toContain("credentials.clientId");
    const cod = await staff("PUT", "/api/admin/settings/payment-providers/cash_on_delivery", {
      credentials: { key: "x" },
    });
    expect(fieldsOf(cod)).toContain("credentials.key");
    expect(
      (await staff("PUT", "/api/admin/settings/payment-providers/nope", { enabled: true })).statusCode,
    ).toBe(404);
  });

  it("reports keys sealed with another server secret instead of using them", async () => {
    const sealed = sealCredentials(credentialsKey("a secret this server never had"), "paypal", {
      clientId: "client-id-from-before-0001",
      clientSecret: "client-secret-from-before-0002",
      webhookId: "WH-BEFORE-0003",
    });
    await t.ctx.db.execute(
      sql`insert into payment_provider_settings (provider, enabled, test_mode, sealed_credentials, version)
        values ('paypal', true, true, ${sealed}, 1)`,
    );
    invalidateShopCache("settings");
    const paypal = await provider("paypal");
    expect(paypal).toMatchObject({ enabled: true, offered: false, version: 1 });
    expect(paypal.problem).toMatch(/can no longer be read/);
    expect(paypal.credentials.every((c: { set: boolean }) => !c.set)).toBe(true);
    expect((await methodsOffered()).map((m) => m.id)).not.toContain("paypal");
    const again = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/paypal",
      { testMode: true },
      ifMatch(1),
    );
    expect(again.statusCode).toBe(400);
    expect(fieldsOf(again)).toContain("credentials.clientId");
    const off = await staff(
      "PUT",
      "/api/admin/settings/payment-providers/paypal",
      { enabled: false },
      ifMatch(1),
    );
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, problem: null, version: 2 });
  });

  it("never answers or audits a key", async () => {
    const audit = await queryRows<{ row: string }>(
      t.ctx.db,
      sql`select row_to_json(a)::text as row from audit_events a`,
    );
    for (const secret of secrets) {
      for (const body of answers) expect(body).not.toContain(secret);
      for (const { row } of audit) expect(row).not.toContain(secret);
    }
    expect(answers.length).toBeGreaterThan(50);
  });
});
