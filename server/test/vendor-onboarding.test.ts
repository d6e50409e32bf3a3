import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
const cookies: Record<string, string> = {};

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

function call(method: string, url: string, who: string | null, payload?: object) {
  n++;
  return t.app.inject({
    method: method as "GET",
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}) },
    remoteAddress: `198.51.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

async function account(who: string, email: string) {
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name: who,
    email,
    password: "tidy-pelican-7720",
  });
  expect(res.statusCode).toBe(200);
  cookies[who] = cookieOf(res);
}

async function mailsTo(to: string) {
  await t.ctx.outbox.runOnce();
  return queryRows<{ subject: string; text: string }>(
    t.ctx.db,
    sql`select subject, text from mail_messages where "to" = ${to} order by id`,
  );
}

const application = (name: string, email: string) => ({
  name,
  description: "Hand-made ceramics from Porto.",
  legalName: `${name} Lda`,
  taxId: "PT509999999",
  contactEmail: email,
  contactPhone: "+351 912 345 678",
  address: { firstName: "Rita", lastName: "Sousa", line1: "Rua das Flores 12", city: "Porto", country: "PT" },
  payoutCountry: "PT",
  payoutMethod: "bank_transfer",
  agreementAccepted: true,
});

const mug = (sku: string, status = "active") => ({
  type: "simple",
  sku,
  name: `Glazed Mug ${sku}`,
  status,
  currency: "USD",
  variants: [{ sku, priceAmount: 2400, weightGrams: 350, initialStock: 5 }],
});

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  cookies.staff = cookieOf(
    await call("POST", "/api/auth/sign-in/email", null, {
      email: "owner@shop.test",
      password: "correct horse battery staple",
    }),
  );
  await account("rita", "rita@example.com");
  await account("other", "other@example.com");
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("applying to sell", () => {
  let vendorId: string;

  it("refuses an application without the agreement or with bad codes, naming the field", async () => {
    const noAgreement = await call("POST", "/api/store/account/vendor-application", "rita", {
      ...application("Porto Clay", "shop@portoclay.test"),
      agreementAccepted: false,
    });
    expect(noAgreement.statusCode).toBe(400);
    expect(noAgreement.json().errors.map((e: { field: string }) => e.field)).toEqual(["agreementAccepted"]);
    const badCountry = await call("POST", "/api/store/account/vendor-application", "rita", {
      ...application("Porto Clay", "shop@portoclay.test"),
      payoutCountry: "pt",
    });
    expect(badCountry.statusCode).toBe(400);
    expect(badCountry.json().errors[0].field).toBe("payoutCountry");
    const anonymous = await call(
      "POST",
      "/api/store/account/vendor-application",
      null,
      application("Porto Clay", "x@y.test"),
    );
    expect(anonymous.statusCode).toBe(401);
    expect((await call("GET", "/api/store/account/vendor-application", "rita")).statusCode).toBe(404);
  });

  it("takes an application, e-mails a receipt, and keeps the portal shut until approved", async () => {
    const res = await call(
      "POST",
      "/api/store/account/vendor-application",
      "rita",
      application("Porto Clay", "shop@portoclay.test"),
    );
    expect(res.statusCode, res.body).toBe(201);
    const applied = res.json();
    vendorId = applied.id;
    expect(applied).toMatchObject({
      slug: "porto-clay",
      status: "applied",
      legalName: "Porto Clay Lda",
      payoutCountry: "PT",
      agreementVersion: "2026-12-01",
    });
    expect(applied.agreementAcceptedAt).toBeTruthy();
    const [receipt] = await mailsTo("shop@portoclay.test");
    expect(receipt!.subject).toBe("We received your application to sell on Bazaar");

    const portal = await call("GET", "/api/vendor/profile", "rita");
    expect(portal.statusCode).toBe(403);
    expect(portal.json().code).toBe("VENDOR_NOT_APPROVED");
    const again = await call(
      "POST",
      "/api/store/account/vendor-application",
      "rita",
      application("Porto Clay", "shop@portoclay.test"),
    );
    expect(again.json().code).toBe("APPLICATION_PENDING");
    const sameSlug = await call(
      "POST",
      "/api/store/account/vendor-application",
      "other",
      application("Porto Clay", "o@example.com"),
    );
    expect(sameSlug.statusCode).toBe(409);
    expect(sameSlug.json().code).toBe("VENDOR_SLUG_TAKEN");

    const queue = (await call("GET", "/api/admin/vendors?status=applied", "staff")).json();
    expect(queue.items.map((v: { id: string }) => v.id)).toEqual([vendorId]);
    expect(queue.counts.applied).toBe(1);
    // Only staff with vendors:manage review.
    expect((await call("GET", "/api/admin/vendors", "rita")).statusCode).toBe(403);
  });

  it("asks for changes with a reason, takes the changed application, then approves it", async () => {
    const noReason = await call("POST", `/api/admin/vendors/${vendorId}/review`, "staff", {
      decision: "request_changes",
      reason: "  ",
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe("reason");
    const asked = await call("POST", `/api/admin/vendors/${vendorId}/review`, "staff", {
      decision: "request_changes",
      reason: "Please add your VAT registration certificate number.",
    });
    expect(asked.json().status).toBe("changes_requested");
    const mail = (await mailsTo("shop@portoclay.test")).at(-1)!;
    expect(mail.subject).toBe("Please update your application to sell on Bazaar");
    expect(mail.text).toContain("Please add your VAT registration certificate number.");
    expect(mail.text).toContain(`${origin}/sell`);
    const mine = (await call("GET", "/api/store/account/vendor-application", "rita")).json();
    expect(mine.application).toMatchObject({
      status: "changes_requested",
      reviewNote: "Please add your VAT registration certificate number.",
    });

    const resent = await call("POST", "/api/store/account/vendor-application", "rita", {
      ...application("Porto Clay", "shop@portoclay.test"),
      taxId: "PT509999999 (cert. 2026/118)",
    });
    expect(resent.statusCode).toBe(201);
    expect(resent.json()).toMatchObject({
      id: vendorId,
      status: "applied",
      taxId: "PT509999999 (cert. 2026/118)",
    });

    const approved = await call("POST", `/api/admin/vendors/${vendorId}/review`, "staff", {
      decision: "approve",
    });
    expect(approved.json().status).toBe("active");
    const welcome = (await mailsTo("shop@portoclay.test")).at(-1)!;
    expect(welcome.subject).toBe('Welcome to Bazaar: "Porto Clay" can start selling');
    expect(welcome.text).toContain(`${origin}/admin/vendor`);
    const twice = await call("POST", `/api/admin/vendors/${vendorId}/review`, "staff", {
      decision: "reject",
      reason: "x",
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("VENDOR_NOT_PENDING");
    expect((await call("GET", "/api/vendor/profile", "rita")).json()).toMatchObject({
      id: vendorId,
      status: "active",
    });
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where target_id = ${vendorId} order by created_at, id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      "vendor.application.submitted",
      "vendor.application.changes_requested",
      "vendor.application.resubmitted",
      "vendor.application.approved",
    ]);
  });

  it("rejects with a reason the applicant reads, and lets them apply again", async () => {
    const res = await call(
      "POST",
      "/api/store/account/vendor-application",
      "other",
      application("Lisbon Linen", "hello@lisbonlinen.test"),
    );
    expect(res.statusCode).toBe(201);
    const rejected = await call("POST", `/api/admin/vendors/${res.json().id}/review`, "staff", {
      decision: "reject",
      reason: "We do not sell textiles yet.",
    });
    expect(rejected.json().status).toBe("rejected");
    const mail = (await mailsTo("hello@lisbonlinen.test")).at(-1)!;
    expect(mail.text).toContain("Reason: We do not sell textiles yet.");
    expect((await call("GET", "/api/vendor/products", "other")).json().code).toBe("VENDOR_NOT_APPROVED");
    // A rejected applicant cannot be reinstated by a status change: staff decide on applications.
    const reinstate = await call("POST", `/api/admin/vendors/${res.json().id}/status`, "staff", {
      status: "active",
    });
    expect(reinstate.json().code).toBe("VENDOR_STATUS_CHANGE");
    const reapplied = await call(
      "POST",
      "/api/store/account/vendor-application",
      "other",
      application("Lisbon Linen", "hello@lisbonlinen.test"),
    );
    expect(reapplied.json()).toMatchObject({ id: res.json().id, status: "applied" });
  });
});

describe("a vendor's products", () => {
  let vendorId: string;
  let productId: string;
  let slug: string;

  beforeAll(async () => {
    vendorId = (await call("GET", "/api/vendor/profile", "rita")).json().id;
    // A second, staff-created vendor with one member.
    const other = await call("POST", "/api/admin/vendors", "staff", {
      name: "Douro Wood",
      slug: "douro-wood",
    });
    await account("dora", "dora@dourowood.test");
    await call("POST", `/api/admin/vendors/${other.json().id}/members`, "staff", {
      email: "dora@dourowood.test",
      role: "owner",
    });
  });

  it("creates products with photos in the vendor portal, sold by the vendor on the storefront", async () => {
    const photo = await sharp({
      create: { width: 40, height: 40, channels: 3, background: { r: 180, g: 90, b: 40 } },
    })
      .png()
      .toBuffer();
    const uploaded = await t.app.inject({
      method: "POST",
      url: "/api/vendor/images",
      headers: { origin, cookie: cookies.rita!, "content-type": "image/png" },
      payload: photo,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const created = await call("POST", "/api/vendor/products", "rita", {
      ...mug("PC-MUG-1"),
      images: [{ imageId: uploaded.json().id, alt: "Mug" }],
    });
    expect(created.statusCode, created.body).toBe(201);
    productId = created.json().id;
    slug = created.json().slug;
    expect(created.json().vendorId).toBe(vendorId);

    const page = await call("GET", `/api/store/products/${slug}`, null);
    expect(page.json().soldBy).toEqual({ name: "Porto Clay", slug: "porto-clay" });
    // The shop's own products are sold by the shop.
    const tee = await call("GET", "/api/store/products/trail-tee", null);
    expect(tee.json().soldBy).toBeNull();
    expect((await call("GET", "/api/store/vendors/porto-clay", null)).json()).toMatchObject({
      name: "Porto Clay",
      description: "Hand-made ceramics from Porto.",
    });

    const shopPage = (await call("GET", `/api/store/products?vendorId=${vendorId}`, null)).json();
    expect(shopPage.items.map((p: { slug: string }) => p.slug)).toEqual([slug]);
    expect(shopPage.total).toBe(1);
    const mine = (await call("GET", "/api/vendor/products", "rita")).json();
    expect(mine.items.map((p: { sku: string }) => p.sku)).toEqual(["PC-MUG-1"]);
    const staffView = (await call("GET", `/api/admin/products?vendorId=${vendorId}`, "staff")).json();
    expect(staffView.items.map((p: { id: string; vendorId: string }) => [p.id, p.vendorId])).toEqual([
      [productId, vendorId],
    ]);
    const platform = (await call("GET", "/api/admin/products?vendorId=platform", "staff")).json();
    expect(platform.items.some((p: { id: string }) => p.id === productId)).toBe(false);
    expect(platform.total).toBeGreaterThan(0);

    const audit = await queryRows<{ actor_id: string; metadata: { vendorId?: string } }>(
      t.ctx.db,
      sql`select actor_id, metadata from audit_events where action = 'catalog.product.create' and target_id = ${productId}`,
    );
    expect(audit[0]!.metadata.vendorId).toBe(vendorId);
  });

  it("never shows or changes another vendor's products, nor links to them", async () => {
    expect((await call("GET", "/api/vendor/products", "dora")).json().items).toEqual([]);
    expect((await call("GET", `/api/vendor/products/${productId}`, "dora")).statusCode).toBe(404);
    const hijack = await call("PUT", `/api/vendor/products/${productId}`, "dora", mug("PC-MUG-1"));
    expect(hijack.statusCode).toBe(404);
    expect(
      (await call("PATCH", `/api/vendor/products/${productId}`, "dora", { name: "Mine" })).statusCode,
    ).toBe(404);
    expect((await call("DELETE", `/api/vendor/products/${productId}`, "dora")).statusCode).toBe(404);
    const bulk = await call("POST", "/api/vendor/products/bulk", "dora", {
      action: "unpublish",
      productIds: [productId],
    });
    expect(bulk.json()).toMatchObject({ changed: [], notFound: [productId] });
    expect((await call("GET", `/api/store/products/${slug}`, null)).statusCode).toBe(200);

    const [tee] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from products where sku = 'TEE'`);
    const linking = await call("POST", "/api/vendor/products", "dora", {
      ...mug("DW-BOARD"),
      links: { related: [tee!.id] },
    });
    expect(linking.statusCode).toBe(400);
    expect(linking.json().errors[0].field).toBe("links.related");
    const bundling = await call("POST", "/api/vendor/products", "dora", {
      ...mug("DW-SET"),
      type: "grouped",
      groupedItems: [{ sku: "PC-MUG-1" }],
    });
    expect(bundling.statusCode).toBe(400);
    expect(bundling.json().errors[0].field).toBe("groupedItems");
  });

  it("hides a suspended vendor's products and refuses its shop changes, and brings them back when reinstated", async () => {
    const shopper = new GuestShopper(t.app);
    const page = (await call("GET", `/api/store/products/${slug}`, null)).json();
    const noReason = await call("POST", `/api/admin/vendors/${vendorId}/status`, "staff", {
      status: "suspended",
    });
    expect(noReason.json().errors[0].field).toBe("reason");
    const suspended = await call("POST", `/api/admin/vendors/${vendorId}/status`, "staff", {
      status: "suspended",
      reason: "Three late shipments this month.",
    });
    expect(suspended.json().status).toBe("suspended");
    expect((await mailsTo("shop@portoclay.test")).at(-1)!.text).toContain(
      "Reason: Three late shipments this month.",
    );

    expect((await call("GET", `/api/store/products/${slug}`, null)).statusCode).toBe(404);
    const listing = (await call("GET", "/api/store/products?limit=100", null)).json();
    expect(listing.items.some((p: { slug: string }) => p.slug === slug)).toBe(false);
    expect((await call("GET", "/api/store/vendors/porto-clay", null)).statusCode).toBe(404);
    const add = await shopper.call("POST", "/api/store/cart/lines", {
      variantId: page.variants[0].id,
      quantity: 1,
    });
    expect(add.statusCode).toBe(400);

    // The vendor still reads its portal, and cannot change its shop.
    expect((await call("GET", "/api/vendor/products", "rita")).json().items).toHaveLength(1);
    const write = await call("PATCH", `/api/vendor/products/${productId}`, "rita", { name: "Sneaky" });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe("VENDOR_SUSPENDED");

    const back = await call("POST", `/api/admin/vendors/${vendorId}/status`, "staff", { status: "active" });
    expect(back.json().status).toBe("active");
    expect((await call("GET", `/api/store/products/${slug}`, null)).json().soldBy.slug).toBe("porto-clay");
    const added = await shopper.call("POST", "/api/store/cart/lines", {
      variantId: page.variants[0].id,
      quantity: 1,
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json().lines[0].sku).toBe("PC-MUG-1");

    const closed = await call("POST", `/api/admin/vendors/${vendorId}/status`, "staff", {
      status: "closed",
      reason: "The vendor asked to leave.",
    });
    expect(closed.json().status).toBe("closed");
    expect((await call("GET", "/api/vendor/profile", "rita")).json().code).toBe("VENDOR_CLOSED");
    expect((await call("GET", `/api/store/products/${slug}`, null)).statusCode).toBe(404);
  });
});
