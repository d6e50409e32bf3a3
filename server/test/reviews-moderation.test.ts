import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReviews } from "../src/modules/reviews/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Review moderation in the back office: the auto-approve settings (and their effect on shoppers'
 * reviews, the rating and the catalog), bulk approval and rejection, the queue's filters, and the
 * audit entries of it all. On a real database, through the HTTP API.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
let products: Record<"TEE" | "MUG" | "GUIDE", string>;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};
const unknownId = "rev_01JZZZZZZZZZZZZZZZZZZZZZZZ";

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

/** A request from its own client address (routes are rate-limited per address). */
function call(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  cookie: string | null,
  payload?: object,
  headers: Record<string, string> = {},
) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { origin, ...(cookie ? { cookie } : {}), ...headers },
    remoteAddress: `198.53.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

async function account(key: string, name: string, role?: string): Promise<void> {
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name,
    email: `${key}@example.com`,
    password: "quiet-harbor-7712",
  });
  expect(res.statusCode).toBe(200);
  cookies[key] = cookieOf(res);
  userIds[key] = res.json().user.id;
  if (role) await assignRole(t.ctx.db, userIds[key]!, role);
}

const mine = (productId: string) => `/api/store/products/${productId}/reviews/mine`;
const write = (who: string, productId: string, body: object) =>
  call("PUT", mine(productId), cookies[who]!, body);
const staff = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object) =>
  call(method, url, cookies.owner!, payload);
const shopperPage = async (productId: string) =>
  (await call("GET", `/api/store/products/${productId}/reviews`, null)).json();
const fieldsOf = (res: LightMyRequestResponse) => {
  expect(res.statusCode).toBe(400);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  return (res.json().errors as { field: string }[]).map((e) => e.field);
};
const auditOf = (action: string) =>
  queryRows<{ target_id: string; actor_id: string; metadata: Record<string, unknown> }>(
    t.ctx.db,
    sql`select target_id, actor_id, metadata from audit_events where action = ${action} order by id`,
  );
/** `catalog.products.changed` events naming the product (the search index re-reads its rating). */
const changeEvents = async (productId: string) =>
  (
    await queryRows<{ payload: { productIds: string[] } }>(
      t.ctx.db,
      sql`select payload from outbox_events where topic = 'catalog.products.changed'`,
    )
  ).filter((e) => e.payload.productIds.includes(productId)).length;
const setSettings = async (autoApproveWithoutText: boolean, autoApproveVerifiedBuyers: boolean) => {
  const res = await staff("PUT", "/api/admin/reviews/settings", {
    autoApproveWithoutText,
    autoApproveVerifiedBuyers,
  });
  expect(res.statusCode).toBe(200);
  return res.json();
};

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  const { variants } = await seedShop(t.ctx);
  const rows = await queryRows<{ id: string; sku: string }>(t.ctx.db, sql`select id, sku from products`);
  products = Object.fromEntries(rows.map((r) => [r.sku, r.id])) as typeof products;
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await call("POST", "/api/auth/sign-in/email", null, {
    email: "owner@shop.test",
    password: "correct horse battery staple",
  });
  cookies.owner = cookieOf(signIn);
  userIds.owner = signIn.json().user.id;
  await account("buyer", "Ada Buyer");
  await account("browser", "Bo Browser");
  await account("talker", "Tal Talker");
  await account("orders", "Oz Orders", "order_manager");
  await account("support", "Sue Support", "support_agent");

  // The buyer orders a mug, signed in, and pays: their mug review is a verified purchase.
  const shop = (method: "POST" | "PUT", url: string, payload: object, headers: Record<string, string> = {}) =>
    call(method, url, cookies.buyer!, payload, headers);
  await shop("POST", "/api/store/cart/lines", { variantId: variants.MUG, quantity: 1 });
  await shop("PUT", "/api/store/cart/email", { email: "buyer@example.com" });
  const cart = (await shop("PUT", "/api/store/cart/shipping-address", michigan)).json();
  await shop("PUT", "/api/store/cart/shipping-method", { shippingMethodId: cart.shippingOptions[0].id });
  const placed = await shop(
    "POST",
    "/api/store/checkout",
    { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
    { "idempotency-key": "moderation-buyer" },
  );
  expect(placed.statusCode).toBe(201);
  while ((await t.ctx.outbox.runOnce()) > 0) {}
});
afterAll(async () => {
  await t?.close();
});

describe("auto-approve settings", () => {
  it("are both off until saved, for staff with reviews:moderate only", async () => {
    const res = await staff("GET", "/api/admin/reviews/settings");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      autoApproveWithoutText: false,
      autoApproveVerifiedBuyers: false,
      updatedAt: null,
    });
    expect((await call("GET", "/api/admin/reviews/settings", null)).statusCode).toBe(401);
    expect((await call("GET", "/api/admin/reviews/settings", cookies.browser!)).statusCode).toBe(403);
    const denied = await call("PUT", "/api/admin/reviews/settings", cookies.orders!, {
      autoApproveWithoutText: true,
      autoApproveVerifiedBuyers: true,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe("PERMISSION_DENIED");
    expect((await call("GET", "/api/admin/reviews/settings", cookies.support!)).statusCode).toBe(200);
  });

  it("answers 400 naming the field for a non-boolean, a missing or an unknown field", async () => {
    const put = (body: object) => staff("PUT", "/api/admin/reviews/settings", body);
    expect(fieldsOf(await put({ autoApproveWithoutText: "yes", autoApproveVerifiedBuyers: false }))).toEqual([
      "autoApproveWithoutText",
    ]);
    expect(fieldsOf(await put({ autoApproveWithoutText: true, autoApproveVerifiedBuyers: {} }))).toEqual([
      "autoApproveVerifiedBuyers",
    ]);
    expect(fieldsOf(await put({ autoApproveWithoutText: true }))).toEqual(["autoApproveVerifiedBuyers"]);
    expect(
      fieldsOf(
        await put({ autoApproveWithoutText: true, autoApproveVerifiedBuyers: true, approveEverything: true }),
      ),
    ).toEqual(["approveEverything"]);
    expect((await staff("GET", "/api/admin/reviews/settings")).json().updatedAt).toBeNull();
    expect(await auditOf("review.settings.update")).toEqual([]);
  });

  it("saves both flags and audits the change with the values before and after", async () => {
    const saved = await setSettings(true, false);
    expect(saved).toEqual({
      autoApproveWithoutText: true,
      autoApproveVerifiedBuyers: false,
      updatedAt: expect.any(String),
    });
    expect((await staff("GET", "/api/admin/reviews/settings")).json()).toEqual(saved);
    // Saving the same values again changes nothing (and the audit says so).
    await setSettings(true, false);
    const audit = await auditOf("review.settings.update");
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      target_id: "default",
      actor_id: userIds.owner,
      metadata: { changes: { autoApproveWithoutText: { before: false, after: true } } },
    });
    expect(Object.keys(audit[0]!.metadata.changes as object)).toEqual(["autoApproveWithoutText"]);
    expect(audit[1]!.metadata).toEqual({ changes: {} });
  });
});

describe("auto-approval of shoppers' reviews", () => {
  it("approves a rating alone at once when autoApproveWithoutText is on, like a manual approval", async () => {
    const eventsBefore = await changeEvents(products.MUG);
    const res = await write("browser", products.MUG, { rating: 4 });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ title: "", body: "", rating: 4, status: "approved" });
    // Shoppers see it and it counts in the rating, in the catalog list too, and the index hears of it.
    const page = await shopperPage(products.MUG);
    expect(page.items.map((r: { id: string }) => r.id)).toEqual([res.json().id]);
    expect(page.summary).toMatchObject({ average: 4, count: 1 });
    const card = (await call("GET", "/api/store/products?limit=50", null))
      .json()
      .items.find((p: { id: string }) => p.id === products.MUG);
    expect(card).toMatchObject({ ratingAverage: 4, reviewCount: 1 });
    expect(await changeEvents(products.MUG)).toBe(eventsBefore + 1);
    // Staff see who approved it: nobody (the settings), and when.
    const stored = (await staff("GET", `/api/admin/reviews/${res.json().id}`)).json();
    expect(stored).toMatchObject({ status: "approved", moderatedBy: null, moderatedAt: expect.any(String) });
  });

  it("keeps a review with text waiting, and refuses a title without a text (and a text without a title)", async () => {
    const res = await write("talker", products.MUG, { rating: 2, title: "Meh", body: "Chipped quickly." });
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe("pending");
    expect(fieldsOf(await write("talker", products.TEE, { rating: 3, title: "Only a title" }))).toEqual([
      "body",
    ]);
    expect(fieldsOf(await write("talker", products.TEE, { rating: 3, title: "  ", body: "Text" }))).toEqual([
      "title",
    ]);
    // Editing the rating alone into a written review sends it back to the queue; the rating follows.
    const edited = await write("browser", products.MUG, { rating: 5, title: "Great", body: "Love it." });
    expect(edited.json().status).toBe("pending");
    expect((await shopperPage(products.MUG)).summary.count).toBe(0);
  });

  it("approves a verified buyer's review when autoApproveVerifiedBuyers is on, not an unverified one", async () => {
    // Off: the buyer's review waits.
    const waiting = await write("buyer", products.MUG, {
      rating: 5,
      title: "Hot",
      body: "Keeps coffee hot.",
    });
    expect(waiting.json()).toMatchObject({ verifiedPurchase: true, status: "pending" });
    await setSettings(false, true);
    const approved = await write("buyer", products.MUG, { rating: 5, title: "Hot", body: "Still hot." });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ verifiedPurchase: true, status: "approved" });
    const page = await shopperPage(products.MUG);
    expect(page.items.map((r: { id: string }) => r.id)).toEqual([approved.json().id]);
    expect(page.summary).toMatchObject({ average: 5, count: 1 });

    // An unverified shopper's review with text waits, whatever the settings.
    await setSettings(true, true);
    const unverified = await write("talker", products.MUG, {
      rating: 1,
      title: "Broke",
      body: "Dropped it once.",
    });
    expect(unverified.json()).toMatchObject({ verifiedPurchase: false, status: "pending" });
    // An edit of an auto-approved review rewrites the rating at once.
    const eventsBefore = await changeEvents(products.MUG);
    await write("buyer", products.MUG, { rating: 3, title: "Hot", body: "The lid leaks." });
    expect((await shopperPage(products.MUG)).summary).toMatchObject({ average: 3, count: 1 });
    expect(await changeEvents(products.MUG)).toBe(eventsBefore + 1);
    await setSettings(false, false);
    const back = await write("buyer", products.MUG, {
      rating: 3,
      title: "Hot",
      body: "The lid leaks a lot.",
    });
    expect(back.json().status).toBe("pending");
    expect((await shopperPage(products.MUG)).summary.count).toBe(0);
  });
});

describe("the moderation queue", () => {
  let withPhoto: string;

  beforeAll(async () => {
    // A photo on the talker's tee review; a few imported pending reviews of the guide.
    const photo = await t.app.inject({
      method: "POST",
      url: "/api/store/review-photos",
      headers: { origin, cookie: cookies.talker!, "content-type": "image/png" },
      payload: await sharp({ create: { width: 16, height: 16, channels: 3, background: "#0a0" } })
        .png()
        .toBuffer(),
      remoteAddress: "198.54.0.1",
    });
    expect(photo.statusCode).toBe(201);
    const res = await write("talker", products.TEE, {
      rating: 4,
      title: "Soft",
      body: "Nice fabric.",
      photoIds: [photo.json().id],
    });
    withPhoto = res.json().id;
    await addReviews(
      t.ctx.db,
      [1, 2, 3, 4, 5].map((rating) => ({
        productId: products.GUIDE,
        productSku: "GUIDE",
        userId: `usr_guide${rating}`,
        rating,
        title: rating === 3 ? "" : `Guide ${rating}`,
        body: rating === 3 ? "" : "Useful maps.",
        authorName: `Reader ${rating}`,
      })),
    );
  });

  const queue = async (query: string) => {
    const res = await staff("GET", `/api/admin/reviews${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as {
      items: { id: string; rating: number; productSku: string; product: unknown; title: string }[];
      total: number;
      nextCursor: string | null;
    };
  };

  it("filters by rating, text, photos, verified purchase and product (id or part of the SKU)", async () => {
    const all = await queue("?status=pending&limit=100");
    expect(all.total).toBe(all.items.length);
    expect(all.items.find((r) => r.id === withPhoto)).toMatchObject({
      productSku: "TEE",
      product: { name: "Trail Tee", slug: "trail-tee" },
    });
    expect((await queue("?rating=3&product=GUIDE")).items.map((r) => r.rating)).toEqual([3]);
    const textless = await queue("?hasText=false");
    expect(textless.items.map((r) => r.title)).toEqual([""]);
    expect(textless.total).toBe(1);
    expect((await queue("?hasText=true&product=gui")).total).toBe(4);
    expect((await queue("?hasPhotos=true")).items.map((r) => r.id)).toEqual([withPhoto]);
    expect((await queue("?hasPhotos=false")).total).toBe(all.total - 1);
    const verified = await queue("?verifiedPurchase=true");
    expect(verified.items.map((r) => r.productSku)).toEqual(["MUG"]);
    expect((await queue(`?product=${products.MUG}`)).items.every((r) => r.productSku === "MUG")).toBe(true);
    // "u" is in GUIDE and MUG, not in TEE.
    const withU = await queue("?product=u&limit=100");
    expect(withU.total).toBe(all.items.filter((r) => r.productSku !== "TEE").length);
    expect(new Set(withU.items.map((r) => r.productSku))).toEqual(new Set(["GUIDE", "MUG"]));
    // Percent signs are taken literally.
    expect((await queue("?product=%25")).total).toBe(0);
    expect((await queue("?status=approved&product=GUIDE")).total).toBe(0);
  });

  it("pages a filtered queue by cursor, oldest first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await queue(`?product=GUIDE&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.total).toBe(5);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(seen).toEqual([...seen].sort());
  });

  it("answers 400 naming the parameter for a bad filter", async () => {
    for (const [query, field] of [
      ["?rating=6", "rating"],
      ["?hasText=maybe", "hasText"],
      ["?verifiedPurchase=2", "verifiedPurchase"],
      ["?status=deleted", "status"],
      ["?cursor=garbage", "cursor"],
    ] as const) {
      const res = await staff("GET", `/api/admin/reviews${query}`);
      expect(fieldsOf(res), query).toContain(field);
    }
  });

  it("answers 404 for an unknown review", async () => {
    for (const [method, url, body] of [
      ["GET", `/api/admin/reviews/${unknownId}`, undefined],
      ["POST", `/api/admin/reviews/${unknownId}/approve`, undefined],
      ["POST", `/api/admin/reviews/${unknownId}/reject`, { note: "spam" }],
      ["PUT", `/api/admin/reviews/${unknownId}/reply`, { text: "Thanks" }],
      ["DELETE", `/api/admin/reviews/${unknownId}/reply`, undefined],
    ] as const) {
      const res = await staff(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe("REVIEW_NOT_FOUND");
    }
  });
});

describe("bulk moderation", () => {
  const bulk = (body: object, who = "owner") => call("POST", "/api/admin/reviews/bulk", cookies[who]!, body);
  const guideReviews = async () =>
    queryRows<{ id: string; status: string; moderation_note: string | null; moderated_by: string | null }>(
      t.ctx.db,
      sql`select id, status, moderation_note, moderated_by from reviews where product_id = ${products.GUIDE} order by id`,
    );

  it("answers 400 naming the field for a bad body, and changes nothing", async () => {
    const ids = (await guideReviews()).map((r) => r.id);
    expect(fieldsOf(await bulk({ reviewIds: [], action: "approve" }))).toEqual(["reviewIds"]);
    expect(
      fieldsOf(
        await bulk({ reviewIds: Array.from({ length: 201 }, (_, i) => `rev_${i}`), action: "approve" }),
      ),
    ).toEqual(["reviewIds"]);
    expect(fieldsOf(await bulk({ reviewIds: ids, action: "delete" }))).toContain("action");
    expect(fieldsOf(await bulk({ reviewIds: ids }))).toEqual(["action"]);
    expect(fieldsOf(await bulk({ reviewIds: { all: true }, action: "approve" }))).toEqual(["reviewIds"]);
    expect(fieldsOf(await bulk({ reviewIds: [ids[0], ""], action: "approve" }))).toEqual(["reviewIds.1"]);
    expect(fieldsOf(await bulk({ reviewIds: [{ id: ids[0] }], action: "approve" }))).toEqual(["reviewIds.0"]);
    expect(fieldsOf(await bulk({ reviewIds: ids, action: "reject", reason: "x".repeat(501) }))).toEqual([
      "reason",
    ]);
    expect((await guideReviews()).every((r) => r.status === "pending")).toBe(true);
    expect((await bulk({ reviewIds: ids, action: "approve" }, "orders")).statusCode).toBe(403);
  });

  it("approves many in one go (unknown ids reported, repeats counted once), each audited", async () => {
    const [a, b, c] = (await guideReviews()).map((r) => r.id);
    const eventsBefore = await changeEvents(products.GUIDE);
    const res = await bulk({ reviewIds: [a, b, unknownId, "not-a-review", a, c], action: "approve" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ updated: 3, notFound: [unknownId, "not-a-review"] });
    const rows = await guideReviews();
    expect(rows.slice(0, 3).map((r) => [r.status, r.moderated_by])).toEqual([
      ["approved", userIds.owner],
      ["approved", userIds.owner],
      ["approved", userIds.owner],
    ]);
    expect(rows.slice(3).map((r) => r.status)).toEqual(["pending", "pending"]);
    // Shoppers see them and the rating counts them; the search index hears once.
    expect((await shopperPage(products.GUIDE)).summary).toMatchObject({ count: 3, average: 2 });
    expect(await changeEvents(products.GUIDE)).toBe(eventsBefore + 1);
    const audit = (await auditOf("review.approve")).filter((e) => [a, b, c].includes(e.target_id));
    expect(audit.map((e) => e.target_id)).toEqual([a, b, c]);
    expect(audit[0]).toMatchObject({
      actor_id: userIds.owner,
      metadata: { productId: products.GUIDE, from: "pending", bulk: true },
    });
  });

  it("rejects many with a reason, taking approved ones out of the rating; a support agent may", async () => {
    const [a, , , d, e] = (await guideReviews()).map((r) => r.id);
    const res = await bulk({ reviewIds: [a, d, e], action: "reject", reason: "  Spam wave  " }, "support");
    expect(res.json()).toEqual({ updated: 3, notFound: [] });
    const rows = await guideReviews();
    expect(rows.map((r) => r.status)).toEqual(["rejected", "approved", "approved", "rejected", "rejected"]);
    expect(rows[0]).toMatchObject({ moderation_note: "Spam wave", moderated_by: userIds.support });
    expect((await shopperPage(products.GUIDE)).summary.count).toBe(2);
    const audit = (await auditOf("review.reject")).filter((x) => [a, d, e].includes(x.target_id));
    expect(audit.map((x) => x.metadata)).toEqual([
      { productId: products.GUIDE, from: "approved", note: "Spam wave", bulk: true },
      { productId: products.GUIDE, from: "pending", note: "Spam wave", bulk: true },
      { productId: products.GUIDE, from: "pending", note: "Spam wave", bulk: true },
    ]);
    expect((await bulk({ reviewIds: [unknownId], action: "approve" })).json()).toEqual({
      updated: 0,
      notFound: [unknownId],
    });
  });
});
