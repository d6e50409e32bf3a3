import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { personalDataSources } from "../src/flows/gdpr/gdpr.ts";
import { addReviews } from "../src/modules/reviews/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;

const person = {
  name: "Zebulon Quixote",
  email: "zebulon.quixote@example.com",
  password: "winding-canal-5512",
  phone: "+4930998877",
  line1: "Quixotestrasse 42",
};

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(method: "GET" | "POST" | "PATCH", url: string, cookie: string, payload?: object) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { cookie, origin, "user-agent": "GdprTest" },
    remoteAddress: `198.19.0.${n}`,
    ...(payload ? { payload } : {}),
  });
}

async function signIn(email: string, password: string): Promise<string> {
  return cookieOf(await call("POST", "/api/auth/sign-in/email", "", { email, password }));
}

/** Every (table, column) of text or JSON type whose values mention `needle`. */
async function rowsMentioning(needle: string): Promise<string[]> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    t.ctx.db,
    sql`select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and data_type in ('text', 'jsonb', 'character varying')
        and table_name not like '%drizzle%'`,
  );
  const hits: string[] = [];
  for (const c of columns) {
    const [row] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)}::text ilike ${`%${needle}%`}`,
    );
    if (row!.n > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

let userId: string;
let order: {
  id: string;
  number: string;
  totals: Record<string, number>;
  lines: { tax: number; total: number }[];
};

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signUp = await call("POST", "/api/auth/sign-up/email", "", {
    name: person.name,
    email: person.email,
    password: person.password,
  });
  userId = signUp.json().user.id;
  const cookie = cookieOf(signUp);
  await call("PATCH", "/api/store/account", cookie, { phone: person.phone, marketingConsent: true });
  await call("POST", "/api/store/account/addresses", cookie, {
    firstName: "Zebulon",
    lastName: "Quixote",
    line1: person.line1,
    city: "Berlin",
    postalCode: "10117",
    country: "DE",
    phone: person.phone,
  });
  await addReviews(t.ctx.db, [
    {
      productId: null,
      productSku: "MH01",
      userId,
      rating: 5,
      title: "Great",
      body: "Warm and soft",
      authorName: person.name,
      email: person.email,
      status: "approved",
    },
  ]);
  // An order (and a second, open cart) of the person: erasure must keep the order's amounts and tax.
  const { variants } = await seedShop(t.ctx);
  const shop = (method: "POST" | "PUT", url: string, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { cookie, origin, ...headers }, payload });
  await shop("POST", "/api/store/cart/lines", { variantId: variants.MUG, quantity: 2 });
  // A wishlist (the titles and wishes are the person's).
  const [mug] = await queryRows<{ product_id: string }>(
    t.ctx.db,
    sql`select product_id from variants where id = ${variants.MUG}`,
  );
  const wished = await shop("POST", "/api/store/wishlists/default/items", { productId: mug!.product_id });
  expect(wished.statusCode).toBe(201);
  // An application to sell: contact details and a business address are the person's.
  const applied = await shop("POST", "/api/store/account/vendor-application", {
    name: "Quixote Ceramics",
    description: "Pots",
    legalName: "Quixote Ceramics GmbH",
    contactEmail: person.email,
    contactPhone: person.phone,
    address: {
      firstName: "Zebulon",
      lastName: "Quixote",
      line1: person.line1,
      city: "Berlin",
      country: "DE",
    },
    payoutCountry: "DE",
    payoutMethod: "bank_transfer",
    agreementAccepted: true,
  });
  expect(applied.statusCode, applied.body).toBe(201);
  await shop("PUT", "/api/store/cart/email", { email: person.email });
  const address = {
    ...michigan,
    firstName: "Zebulon",
    lastName: "Quixote",
    line1: person.line1,
    phone: person.phone,
  };
  const cart = (await shop("PUT", "/api/store/cart/shipping-address", address)).json();
  await shop("PUT", "/api/store/cart/shipping-method", { shippingMethodId: cart.shippingOptions[0].id });
  const placed = await shop(
    "POST",
    "/api/store/checkout",
    { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
    { "idempotency-key": "gdpr-order" },
  );
  expect(placed.statusCode).toBe(201);
  order = placed.json();
  await shop("POST", "/api/store/cart/lines", { variantId: variants["TEE-S"], quantity: 1 });
  await shop("PUT", "/api/store/cart/email", { email: person.email });
  // A staff note about the person is their personal data too.
  await t.ctx.db.execute(sql`insert into customer_notes (id, user_id, body)
    select 'cnote_gdpr', id, 'Called about a late parcel; Zebulon prefers e-mail.' from users where email = ${person.email}`);
  // Staff put the person in a customer group and tagged them: profiling, so theirs to read too.
  await t.ctx.db.execute(sql`insert into customer_groups (id, name) values ('cgrp_gdpr', 'Wholesale')`);
  await t.ctx.db.execute(
    sql`insert into customer_group_members (group_id, user_id) values ('cgrp_gdpr', ${userId})`,
  );
  await t.ctx.db.execute(
    sql`update customer_profiles set tags = '["late payer"]'::jsonb where user_id = ${userId}`,
  );
  await call("POST", "/api/auth/sign-in/email", "", { email: person.email, password: "not-my-password-1" });
  while ((await t.ctx.outbox.runOnce()) > 0) {}
});
afterAll(async () => {
  await t?.close();
});

describe("GDPR", () => {
  it("exports every personal column the database holds for the customer", async () => {
    const cookie = await signIn(person.email, person.password);
    const res = await call("GET", "/api/store/account/data-export", cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-disposition"]).toContain("attachment");
    const { data } = res.json() as { data: Record<string, Record<string, unknown>[]> };
    for (const source of personalDataSources) {
      for (const [table, columns] of Object.entries(source.columns)) {
        expect(data[table]?.length, `${table} rows`).toBeGreaterThan(0);
        for (const column of columns)
          expect(Object.keys(data[table]![0]!), `${table}.${column}`).toContain(column);
      }
    }
    expect(data.users![0]).toMatchObject({ name: person.name, email: person.email });
    expect(data.customer_profiles![0]).toMatchObject({
      phone: person.phone,
      marketing_consent: true,
      tags: ["late payer"],
    });
    expect(data.customer_group_members).toMatchObject([{ group_id: "cgrp_gdpr", group_name: "Wholesale" }]);
    expect(JSON.stringify(data)).not.toMatch(/\$argon2id|session_token/);
  });

  it("declares every personal-looking column of the schema as personal data", async () => {
    const columns = await queryRows<{ table_name: string; column_name: string }>(
      t.ctx.db,
      sql`select table_name, column_name from information_schema.columns where table_schema = current_schema()`,
    );
    const personal =
      /^(email|name|phone|first_name|last_name|author_name|company|line1|line2|city|postal_code|ip_address|user_agent|image)$/;
    // Shop data that merely shares a column name with personal data.
    const notPersonal = new Set([
      "products.name",
      "categories.name",
      "product_options.name",
      "stock_locations.name",
      "roles.name",
      "api_keys.name",
      "vendors.name",
      "sign_in_throttles.email",
      "reviews.product_sku",
      "promotions.name",
      "tax_rates.name",
      "shipping_zones.name",
      "shipping_methods.name",
      "price_lists.name",
      "search_documents.name",
      // A staff member's label for a list filter ("Drafts in Jackets").
      "saved_views.name",
      // A customer group's label ("Wholesale").
      "customer_groups.name",
    ]);
    const declared = new Set(
      personalDataSources.flatMap((s) =>
        Object.entries(s.columns).flatMap(([tb, cols]) => cols.map((c) => `${tb}.${c}`)),
      ),
    );
    const missing = columns
      .map((c) => `${c.table_name}.${c.column_name}`)
      .filter((name) => personal.test(name.split(".")[1]!) && !notPersonal.has(name) && !declared.has(name));
    expect(missing).toEqual([]);
  });

  it("erases the customer on request with their password: nothing in any table mentions them after", async () => {
    const cookie = await signIn(person.email, person.password);
    const wrong = await call("POST", "/api/store/account/erase", cookie, { password: "nope-nope-nope" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe("INVALID_PASSWORD");
    expect(await rowsMentioning(person.email)).not.toEqual([]);

    const erase = await call("POST", "/api/store/account/erase", cookie, { password: person.password });
    expect(erase.statusCode).toBe(204);
    for (const needle of [person.email, person.name, person.phone, person.line1, "late payer"]) {
      expect(await rowsMentioning(needle), needle).toEqual([]);
    }
    const [groups] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from customer_group_members where user_id = ${userId}`,
    );
    expect(groups!.n).toBe(0);
    const again = await call("POST", "/api/auth/sign-in/email", "", {
      email: person.email,
      password: person.password,
    });
    expect(again.statusCode).toBe(401);
    const [review] = await queryRows<{ rating: number; author_name: string }>(
      t.ctx.db,
      sql`select rating, author_name from reviews where product_sku = 'MH01'`,
    );
    expect(review).toEqual({ rating: 5, author_name: "Anonymous" });
    // The order stays, with the same amounts and tax, but no longer names the person.
    const [kept] = await queryRows<{
      email: string;
      total: number;
      tax_total: number;
      subtotal: number;
      country: string;
    }>(
      t.ctx.db,
      sql`select email, total::int, tax_total::int, subtotal::int, shipping_address->>'country' as country from orders where id = ${order.id}`,
    );
    expect(kept).toEqual({
      email: `erased+${order.id}@erased.invalid`,
      total: order.totals.total,
      tax_total: order.totals.taxTotal,
      subtotal: order.totals.subtotal,
      country: "US",
    });
    const lines = await queryRows<{ tax: number; total: number }>(
      t.ctx.db,
      sql`select tax::int, total::int from order_line_items where order_id = ${order.id} order by position`,
    );
    expect(lines).toEqual(order.lines.map((l) => ({ tax: l.tax, total: l.total })));
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where action like 'gdpr.%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(["gdpr.export", "gdpr.erase"]);
  });

  it("lets staff with customers:gdpr export and erase a customer; others may not", async () => {
    const signUp = await call("POST", "/api/auth/sign-up/email", "", {
      name: "Otto Other",
      email: "otto@example.com",
      password: "meadow-lark-7788",
    });
    const ottoId = signUp.json().user.id as string;
    const owner = await signIn("owner@shop.test", "correct horse battery staple");
    const exported = await call("GET", `/api/admin/customers/${ottoId}/data-export`, owner);
    expect(exported.statusCode).toBe(200);
    expect(exported.json().data.users[0].email).toBe("otto@example.com");

    await call("POST", "/api/auth/sign-up/email", "", {
      name: "Sue",
      email: "sue@shop.test",
      password: "orchard-finch-3345",
    });
    const [sue] = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from users where email = 'sue@shop.test'`,
    );
    await assignRole(t.ctx.db, sue!.id, "support_agent");
    const agent = await signIn("sue@shop.test", "orchard-finch-3345");
    expect((await call("GET", `/api/admin/customers/${ottoId}/data-export`, agent)).statusCode).toBe(403);
    expect((await call("POST", `/api/admin/customers/${ottoId}/erase`, agent)).statusCode).toBe(403);

    expect((await call("POST", `/api/admin/customers/${ottoId}/erase`, owner)).statusCode).toBe(204);
    expect(await rowsMentioning("otto@example.com")).toEqual([]);
    expect((await call("GET", "/api/admin/customers/usr_nobody/data-export", owner)).statusCode).toBe(404);
  });
});
