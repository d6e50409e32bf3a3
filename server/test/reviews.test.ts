import fs from "node:fs";
import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepReviewRequests } from "../src/flows/review-requests/review-requests.ts";
import { importLuma } from "../src/importers/luma.ts";
import { addReviews, reviewsPersonalData } from "../src/modules/reviews/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { michigan, seedShop } from "./commerce-fixtures.ts";
import { lumaPath, testApp } from "./helpers.ts";

/**
 * Reviews: customers write one review per product (verified when they bought it), staff moderate
 * and reply, shoppers read approved reviews with the rating summary and vote them helpful, and
 * customers are invited to review what they received.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let n = 0;
let products: Record<"TEE" | "MUG" | "GUIDE", string>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};
let buyerOrder: { id: string; number: string };

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
    remoteAddress: `198.51.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}

/** Signs up (and in); optionally gives the account a staff role. */
async function account(key: string, name: string, role?: string): Promise<void> {
  const email = `${key}@example.com`;
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name,
    email,
    password: "quiet-harbor-7712",
  });
  expect(res.statusCode).toBe(200);
  cookies[key] = cookieOf(res);
  userIds[key] = res.json().user.id;
  if (role) await assignRole(t.ctx.db, userIds[key]!, role);
}

const reviewsUrl = (productId: string, query = "") => `/api/store/products/${productId}/reviews${query}`;
const mine = (productId: string) => `/api/store/products/${productId}/reviews/mine`;
const write = (who: string, productId: string, body: object) =>
  call("PUT", mine(productId), cookies[who]!, body);
const staff = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, payload?: object) =>
  call(method, url, cookies.owner!, payload);

async function drainOutbox() {
  while ((await t.ctx.outbox.runOnce()) > 0) {}
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  ({ variants: v } = await seedShop(t.ctx));
  const rows = await queryRows<{ id: string; sku: string }>(t.ctx.db, sql`select id, sku from products`);
  products = Object.fromEntries(rows.map((r) => [r.sku, r.id])) as typeof products;
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await call("POST", "/api/auth/sign-in/email", null, {
    email: "owner@shop.test",
    password: "correct horse battery staple",
  });
  cookies.owner = cookieOf(signIn);
  await account("buyer", "Ada Buyer");
  await account("browser", "Bo Browser");
  await account("voter", "Vi Voter");
  await account("orders", "Oz Orders", "order_manager");
  await account("catalog", "Cy Catalog", "catalog_manager");

  // The buyer orders a mug and a tee, signed in, and pays.
  const shop = (method: "POST" | "PUT", url: string, payload: object, headers: Record<string, string> = {}) =>
    call(method, url, cookies.buyer!, payload, headers);
  await shop("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 });
  await shop("POST", "/api/store/cart/lines", { variantId: v["TEE-S"], quantity: 1 });
  await shop("PUT", "/api/store/cart/email", { email: "buyer@example.com" });
  const cart = (await shop("PUT", "/api/store/cart/shipping-address", michigan)).json();
  // A carrier method (the test ships the order); the cheapest option is the shop's pickup.
  const carrier = cart.shippingOptions.find((o: { type: string }) => o.type !== "pickup");
  await shop("PUT", "/api/store/cart/shipping-method", { shippingMethodId: carrier.id });
  const placed = await shop(
    "POST",
    "/api/store/checkout",
    { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
    { "idempotency-key": "reviews-buyer" },
  );
  expect(placed.statusCode).toBe(201);
  buyerOrder = placed.json();
  await drainOutbox();
});
afterAll(async () => {
  await t?.close();
});

describe("writing a review", () => {
  it("a buyer's review carries the verified badge, a non-buyer's does not; both wait for moderation", async () => {
    const state = await call("GET", mine(products.MUG), cookies.buyer!);
    expect(state.json()).toEqual({ review: null, verifiedPurchase: true, canReview: true });

    const bought = await write("buyer", products.MUG, {
      rating: 5,
      title: "  Keeps coffee hot  ",
      body: "Two hours on a cold morning.",
    });
    expect(bought.statusCode).toBe(201);
    expect(bought.json()).toMatchObject({
      productId: products.MUG,
      rating: 5,
      title: "Keeps coffee hot",
      authorName: "Ada Buyer",
      verifiedPurchase: true,
      status: "pending",
      helpfulCount: 0,
      photos: [],
      reply: null,
    });

    const browsed = await write("browser", products.MUG, {
      rating: 2,
      title: "Too small",
      body: "Holds barely a cup.",
      authorName: "Bo B.",
    });
    expect(browsed.statusCode).toBe(201);
    expect(browsed.json()).toMatchObject({ verifiedPurchase: false, authorName: "Bo B.", status: "pending" });

    expect(
      (await call("PUT", mine(products.MUG), null, { rating: 5, title: "x", body: "y" })).statusCode,
    ).toBe(401);
    const unknown = await write("browser", "prod_unknown", { rating: 4, title: "x", body: "y" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("PRODUCT_NOT_FOUND");
    const crossSite = await call(
      "PUT",
      mine(products.MUG),
      cookies.browser!,
      { rating: 4, title: "x", body: "y" },
      { origin: "https://evil.example" },
    );
    expect(crossSite.statusCode).toBe(403);
  });

  it("keeps one review per customer per product: writing again replaces it", async () => {
    const first = (await call("GET", mine(products.MUG), cookies.buyer!)).json().review;
    const again = await write("buyer", products.MUG, { rating: 4, title: "Good mug", body: "Still hot." });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, rating: 4, title: "Good mug", status: "pending" });
    const [count] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from reviews where product_id = ${products.MUG} and user_id = ${userIds.buyer!}`,
    );
    expect(count!.n).toBe(1);
  });

  it("answers 400 naming the field for a bad rating, an empty title, a too long text", async () => {
    const field = async (body: object) => {
      const res = await write("browser", products.TEE, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      return res.json().errors.map((e: { field: string }) => e.field);
    };
    expect(await field({ rating: 0, title: "t", body: "b" })).toEqual(["rating"]);
    expect(await field({ rating: 6, title: "t", body: "b" })).toEqual(["rating"]);
    expect(await field({ rating: 3.5, title: "t", body: "b" })).toEqual(["rating"]);
    expect(await field({ rating: 3, title: "", body: "b" })).toEqual(["title"]);
    expect(await field({ rating: 3, title: "   ", body: "b" })).toEqual(["title"]);
    expect(await field({ rating: 3, title: "t", body: "x".repeat(5001) })).toEqual(["body"]);
    expect(await field({ rating: 3, title: "t".repeat(121), body: "b" })).toEqual(["title"]);
    expect(await field({ rating: 3, title: "t", body: "b", photoIds: ["a", "b", "c", "d"] })).toEqual([
      "photoIds",
    ]);
    expect((await call("GET", mine(products.TEE), cookies.browser!)).json().review).toBeNull();
  });

  it("refuses non-buyers when the shop requires a purchase", async () => {
    t.ctx.config.reviews.requirePurchase = true;
    try {
      const state = (await call("GET", mine(products.GUIDE), cookies.browser!)).json();
      expect(state).toMatchObject({ verifiedPurchase: false, canReview: false });
      const res = await write("browser", products.GUIDE, { rating: 4, title: "Nice", body: "Good read." });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("REVIEW_PURCHASE_REQUIRED");
    } finally {
      t.ctx.config.reviews.requirePurchase = false;
    }
  });
});

describe("photos", () => {
  const upload = (who: string, body: Buffer, type: string) =>
    t.app.inject({
      method: "POST",
      url: "/api/store/review-photos",
      headers: { origin, cookie: cookies[who]!, "content-type": type },
      payload: body,
      remoteAddress: `198.52.0.${++n % 250}`,
    });

  it("stores JPEG, PNG or WebP photos without their metadata and attaches up to 3 to the review", async () => {
    const jpeg = await sharp({ create: { width: 3000, height: 1500, channels: 3, background: "#c00" } })
      .jpeg()
      .withExif({ IFD0: { Copyright: "Ada's camera", ImageDescription: "home" } })
      .toBuffer();
    const uploaded = await upload("buyer", jpeg, "image/jpeg");
    expect(uploaded.statusCode).toBe(201);
    const photo = uploaded.json();
    expect(photo).toMatchObject({ width: 2000, height: 1000 });
    expect(photo.url).toMatch(/^\/media\/images\/[a-f0-9]{64}\/original\.jpg$/);
    const served = await t.app.inject({ method: "GET", url: photo.url });
    expect(served.statusCode).toBe(200);
    expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    expect((await t.app.inject({ method: "GET", url: photo.thumbnailUrl })).statusCode).toBe(200);

    const png = await upload(
      "buyer",
      await sharp({ create: { width: 40, height: 30, channels: 4, background: "#0c0" } })
        .png()
        .toBuffer(),
      "image/png",
    );
    expect(png.statusCode).toBe(201);

    const notImage = await upload("buyer", Buffer.from("GIF89a not really"), "image/png");
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json().errors[0].field).toBe("photo");
    expect((await upload("buyer", Buffer.from("hello"), "text/plain")).statusCode).toBe(415);
    expect((await upload("buyer", Buffer.alloc(6 * 1024 * 1024), "image/jpeg")).statusCode).toBe(413);
    const anonymous = await t.app.inject({
      method: "POST",
      url: "/api/store/review-photos",
      headers: { origin, "content-type": "image/jpeg" },
      payload: jpeg,
    });
    expect(anonymous.statusCode).toBe(401);

    // Another customer cannot use the buyer's photo.
    const stolen = await write("browser", products.MUG, {
      rating: 2,
      title: "Too small",
      body: "Holds barely a cup.",
      photoIds: [photo.id],
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().errors[0].field).toBe("photoIds.0");

    const withPhotos = await write("buyer", products.MUG, {
      rating: 4,
      title: "Good mug",
      body: "Still hot.",
      photoIds: [png.json().id, photo.id],
    });
    expect(withPhotos.statusCode).toBe(200);
    expect(withPhotos.json().photos.map((p: { id: string }) => p.id)).toEqual([png.json().id, photo.id]);
    // Editing without the PNG removes it.
    const fewer = await write("buyer", products.MUG, {
      rating: 4,
      title: "Good mug",
      body: "Still hot.",
      photoIds: [photo.id],
    });
    expect(fewer.json().photos.map((p: { id: string }) => p.id)).toEqual([photo.id]);
  });
});

describe("moderation", () => {
  let bought: { id: string };
  let browsed: { id: string };

  it("is for staff with reviews:moderate only", async () => {
    expect((await call("GET", "/api/admin/reviews", null)).statusCode).toBe(401);
    const shopper = await call("GET", "/api/admin/reviews", cookies.browser!);
    expect(shopper.statusCode).toBe(403);
    const orderManager = await call("GET", "/api/admin/reviews", cookies.orders!);
    expect(orderManager.statusCode).toBe(403);
    expect(orderManager.json().code).toBe("PERMISSION_DENIED");
    const anyReview = (await staff("GET", "/api/admin/reviews")).json().items[0].id;
    expect(
      (await call("POST", `/api/admin/reviews/${anyReview}/approve`, cookies.orders!, {})).statusCode,
    ).toBe(403);
    expect((await call("GET", "/api/admin/reviews", cookies.catalog!)).statusCode).toBe(200);
  });

  it("lists pending reviews oldest first; shoppers see approved reviews only; the rating counts approved ones", async () => {
    const queue = await staff("GET", "/api/admin/reviews?status=pending");
    expect(queue.statusCode).toBe(200);
    const items = queue.json().items as {
      id: string;
      userId: string;
      status: string;
      verifiedPurchase: boolean;
    }[];
    expect(queue.json().total).toBe(2);
    bought = items.find((r) => r.userId === userIds.buyer)!;
    browsed = items.find((r) => r.userId === userIds.browser)!;
    expect(items.map((r) => r.id)).toEqual([bought.id, browsed.id]);
    expect(bought).toMatchObject({ status: "pending", verifiedPurchase: true });

    const before = (await call("GET", reviewsUrl(products.MUG), null)).json();
    expect(before).toMatchObject({ items: [], total: 0, nextCursor: null });
    expect(before.summary).toEqual({
      average: null,
      count: 0,
      distribution: [5, 4, 3, 2, 1].map((stars) => ({ stars, count: 0 })),
    });

    const approved = await staff("POST", `/api/admin/reviews/${bought.id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: "approved", moderatedBy: expect.any(String) });
    const rejected = await staff("POST", `/api/admin/reviews/${browsed.id}/reject`, { note: "off-topic" });
    expect(rejected.json()).toMatchObject({ status: "rejected", moderationNote: "off-topic" });

    const after = (await call("GET", reviewsUrl(products.MUG), null)).json();
    expect(after.items.map((r: { id: string }) => r.id)).toEqual([bought.id]);
    expect(after.items[0]).toMatchObject({ verifiedPurchase: true, rating: 4, photos: [expect.any(Object)] });
    expect(after.items[0]).not.toHaveProperty("status");
    expect(after.items[0]).not.toHaveProperty("email");
    expect(after.summary).toMatchObject({ average: 4, count: 1 });
    expect(after.summary.distribution).toContainEqual({ stars: 4, count: 1 });
    // Catalog listings show the same rating.
    const card = (await call("GET", "/api/store/products?limit=50", null))
      .json()
      .items.find((p: { id: string }) => p.id === products.MUG);
    expect(card).toMatchObject({ ratingAverage: 4, reviewCount: 1 });

    // The browser sees their own rejected review; shoppers never do.
    expect((await call("GET", mine(products.MUG), cookies.browser!)).json().review.status).toBe("rejected");
    expect(
      (await staff("GET", "/api/admin/reviews?status=rejected"))
        .json()
        .items.map((r: { id: string }) => r.id),
    ).toEqual([browsed.id]);

    const audit = await queryRows<{ action: string; target_id: string }>(
      t.ctx.db,
      sql`select action, target_id from audit_events where action like 'review.%' order by id`,
    );
    expect(audit).toEqual([
      { action: "review.approve", target_id: bought.id },
      { action: "review.reject", target_id: browsed.id },
    ]);
  });

  it("shows the shop's reply under the review", async () => {
    const empty = await staff("PUT", `/api/admin/reviews/${bought.id}/reply`, { text: "   " });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe("text");
    const replied = await staff("PUT", `/api/admin/reviews/${bought.id}/reply`, { text: "Thank you, Ada!" });
    expect(replied.statusCode).toBe(200);
    const shown = (await call("GET", reviewsUrl(products.MUG), null)).json().items[0];
    expect(shown.reply).toEqual({ text: "Thank you, Ada!", createdAt: expect.any(String) });
    expect(Date.parse(shown.reply.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await staff("DELETE", `/api/admin/reviews/${bought.id}/reply`)).json().reply).toBeNull();
    await staff("PUT", `/api/admin/reviews/${bought.id}/reply`, { text: "Thank you, Ada!" });
    expect(
      (await staff("POST", "/api/admin/reviews/rev_01JZZZZZZZZZZZZZZZZZZZZZZZ/approve")).statusCode,
    ).toBe(404);
  });

  it("counts helpful votes, one per shopper, toggled on and off", async () => {
    const vote = (who: string, method: "PUT" | "DELETE", id = bought.id) =>
      call(method, `/api/store/reviews/${id}/helpful`, cookies[who]!);
    expect((await vote("voter", "PUT")).json()).toEqual({ helpfulCount: 1, votedHelpful: true });
    expect((await vote("voter", "PUT")).json()).toEqual({ helpfulCount: 1, votedHelpful: true });
    expect((await vote("browser", "PUT")).json()).toEqual({ helpfulCount: 2, votedHelpful: true });
    const seen = (await call("GET", reviewsUrl(products.MUG), cookies.voter!)).json().items[0];
    expect(seen).toMatchObject({ helpfulCount: 2, votedHelpful: true });
    expect((await call("GET", reviewsUrl(products.MUG), null)).json().items[0].votedHelpful).toBe(false);
    expect((await vote("voter", "DELETE")).json()).toEqual({ helpfulCount: 1, votedHelpful: false });
    expect((await vote("voter", "DELETE")).json()).toEqual({ helpfulCount: 1, votedHelpful: false });
    expect((await vote("voter", "PUT")).json()).toEqual({ helpfulCount: 2, votedHelpful: true });

    const own = await vote("buyer", "PUT");
    expect(own.statusCode).toBe(403);
    expect(own.json().code).toBe("REVIEW_OWN");
    expect((await vote("voter", "PUT", browsed.id)).statusCode).toBe(404); // rejected
    expect((await call("PUT", `/api/store/reviews/${bought.id}/helpful`, null)).statusCode).toBe(401);
    const [stored] = await queryRows<{ helpful_count: number; votes: number }>(
      t.ctx.db,
      sql`select helpful_count, (select count(*)::int from review_votes where review_id = ${bought.id}) as votes
        from reviews where id = ${bought.id}`,
    );
    expect(stored).toEqual({ helpful_count: 2, votes: 2 });
  });

  it("an edited review goes back to the queue and leaves the rating until approved again", async () => {
    await write("buyer", products.MUG, {
      rating: 3,
      title: "Good mug",
      body: "Lid leaks a bit.",
      photoIds: [],
    });
    const page = (await call("GET", reviewsUrl(products.MUG), null)).json();
    expect(page.items).toEqual([]);
    expect(page.summary.count).toBe(0);
    await staff("POST", `/api/admin/reviews/${bought.id}/approve`);
    const back = (await call("GET", reviewsUrl(products.MUG), null)).json();
    expect(back.items[0]).toMatchObject({ rating: 3, helpfulCount: 2, reply: { text: "Thank you, Ada!" } });
  });
});

describe("listing reviews", () => {
  // Ratings in the order written (oldest first) and their helpful votes.
  const ratings = [5, 3, 1, 4, 2, 5, 3];
  const helpful = [0, 7, 2, 7, 1, 0, 3];
  let ids: string[];

  beforeAll(async () => {
    for (const [i, rating] of ratings.entries()) {
      await addReviews(t.ctx.db, [
        {
          productId: products.TEE,
          productSku: "TEE",
          userId: `usr_list${i}`,
          rating,
          title: `Review ${i}`,
          body: "Fits well.",
          authorName: `Reader ${i}`,
          status: "approved",
        },
      ]);
    }
    const rows = await queryRows<{ id: string }>(
      t.ctx.db,
      sql`select id from reviews where product_id = ${products.TEE} order by id`,
    );
    ids = rows.map((r) => r.id);
    for (const [i, id] of ids.entries())
      await t.ctx.db.execute(sql`update reviews set helpful_count = ${helpful[i]!} where id = ${id}`);
  });

  /** Every page of a sort, `limit` at a time. */
  async function walk(sort: string, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        "GET",
        reviewsUrl(products.TEE, `?sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`),
        null,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json().total).toBe(ratings.length);
      seen.push(...res.json().items.map((r: { id: string }) => r.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    return seen;
  }

  it("sorts newest, most helpful, highest and lowest rating first (ties newest first), page by page", async () => {
    const byIndex = (order: number[]) => order.map((i) => ids[i]);
    const expected: Record<string, string[]> = {
      newest: byIndex([6, 5, 4, 3, 2, 1, 0]),
      helpful: byIndex([3, 1, 6, 2, 4, 5, 0]),
      highest: byIndex([5, 0, 3, 6, 1, 4, 2]),
      lowest: byIndex([2, 4, 6, 1, 3, 5, 0]),
    } as Record<string, string[]>;
    for (const [sort, order] of Object.entries(expected)) {
      expect(await walk(sort, 50), sort).toEqual(order);
      expect(await walk(sort, 3), `${sort} by 3`).toEqual(order);
    }
    expect(await walk("newest", 1)).toEqual(expected.newest);
  });

  it("gives the average and the count per star", async () => {
    const { summary } = (await call("GET", reviewsUrl(products.TEE), null)).json();
    expect(summary).toEqual({
      average: 3.3,
      count: 7,
      distribution: [
        { stars: 5, count: 2 },
        { stars: 4, count: 1 },
        { stars: 3, count: 2 },
        { stars: 2, count: 1 },
        { stars: 1, count: 1 },
      ],
    });
  });

  it("answers 400 naming cursor for a cursor it did not issue (or issued for another sort), 404 for an unknown product", async () => {
    for (const query of ["?cursor=not-a-cursor", `?cursor=${Buffer.from("{}").toString("base64url")}`]) {
      const res = await call("GET", reviewsUrl(products.TEE, query), null);
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { field: "cursor", message: "is not a cursor returned by this API" },
      ]);
    }
    const next = (await call("GET", reviewsUrl(products.TEE, "?sort=helpful&limit=2"), null)).json()
      .nextCursor;
    expect(
      (await call("GET", reviewsUrl(products.TEE, `?sort=lowest&cursor=${next}`), null)).statusCode,
    ).toBe(400);
    expect((await call("GET", reviewsUrl(products.TEE, "?sort=best"), null)).statusCode).toBe(400);
    expect((await call("GET", reviewsUrl(products.TEE, "?limit=51"), null)).statusCode).toBe(400);
    expect((await call("GET", reviewsUrl("prod_nope"), null)).statusCode).toBe(404);
    const admin = await staff("GET", "/api/admin/reviews?cursor=garbage");
    expect(admin.statusCode).toBe(400);
    expect(admin.json().errors[0].field).toBe("cursor");
  });

  it("pages the moderation queue with its cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await staff("GET", `/api/admin/reviews?status=approved&limit=3${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(ratings.length + 1);
    expect(seen).toEqual([...seen].sort().reverse());
  });
});

describe("review requests", () => {
  it("e-mails the customer once, N days after the order was received, about what they have not reviewed", async () => {
    const shipped = await staff("POST", `/api/admin/orders/${buyerOrder.id}/fulfillments`, {
      carrier: "ups",
      trackingNumber: "1Z999AA10123456784",
    });
    expect(shipped.statusCode).toBe(201);
    const mails = () =>
      queryRows<{ subject: string; text: string }>(
        t.ctx.db,
        sql`select subject, text from mail_messages where "to" = 'buyer@example.com' and subject like 'How do you like%'`,
      );

    expect(await sweepReviewRequests(t.ctx)).toMatchObject({ sent: 0, skipped: 0 });
    const sixDays = new Date(Date.now() + 6 * 86_400_000);
    expect(await sweepReviewRequests(t.ctx, sixDays)).toMatchObject({ sent: 0 });
    const eightDays = new Date(Date.now() + 8 * 86_400_000);
    expect(await sweepReviewRequests(t.ctx, eightDays)).toMatchObject({ sent: 1 });
    await drainOutbox();
    // Again, and concurrently: nothing more.
    const again = await Promise.all([
      sweepReviewRequests(t.ctx, eightDays),
      sweepReviewRequests(t.ctx, eightDays),
    ]);
    expect(again.map((r) => r.sent + r.skipped)).toEqual([0, 0]);
    await drainOutbox();

    const sent = await mails();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe(`How do you like your order ${buyerOrder.number}?`);
    // The mug is reviewed already: only the tee is asked for.
    expect(sent[0]!.text).toContain("Review Trail Tee");
    expect(sent[0]!.text).toContain(`${t.ctx.config.publicUrl}/products/trail-tee#reviews`);
    expect(sent[0]!.text).not.toContain("Camp Mug");

    // Turned off: nothing is asked.
    t.ctx.config.reviews.requestDays = 0;
    try {
      expect(await sweepReviewRequests(t.ctx, new Date(Date.now() + 30 * 86_400_000))).toMatchObject({
        sent: 0,
      });
    } finally {
      t.ctx.config.reviews.requestDays = 7;
    }
  });
});

describe("personal data", () => {
  it("exports and erases a shopper's reviews, photos and votes; the helpful counts follow", async () => {
    const voter = { userId: userIds.voter!, email: "voter@example.com" };
    const exported = await reviewsPersonalData.export(t.ctx.db, voter);
    expect(exported.review_votes).toHaveLength(1);
    const buyer = await reviewsPersonalData.export(t.ctx.db, {
      userId: userIds.buyer!,
      email: "buyer@example.com",
    });
    expect(buyer.reviews).toHaveLength(1);
    expect(buyer.review_photos).toEqual([]);
    // A photo the voter uploaded (not used yet) is theirs too.
    const photo = await t.app.inject({
      method: "POST",
      url: "/api/store/review-photos",
      headers: { origin, cookie: cookies.voter!, "content-type": "image/png" },
      payload: await sharp({ create: { width: 8, height: 8, channels: 3, background: "#00f" } })
        .png()
        .toBuffer(),
    });
    expect(photo.statusCode).toBe(201);
    expect((await reviewsPersonalData.export(t.ctx.db, voter)).review_photos).toHaveLength(1);

    await t.ctx.db.transaction((tx) => reviewsPersonalData.erase(tx, voter));
    const [review] = await queryRows<{ helpful_count: number }>(
      t.ctx.db,
      sql`select helpful_count from reviews where user_id = ${userIds.buyer!}`,
    );
    expect(review!.helpful_count).toBe(1);
    const after = await reviewsPersonalData.export(t.ctx.db, voter);
    expect(after.review_votes).toEqual([]);
    expect(after.review_photos).toEqual([]);
  });
});

describe("Luma reviews", () => {
  let luma: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    luma = await testApp();
  });
  afterAll(async () => {
    await luma?.close();
  });

  it("are imported approved, attached to their products and shown there", async () => {
    const summary = await importLuma(luma.ctx, lumaPath);
    expect(summary.reviews.created).toBe(500);
    const csv = fs.readFileSync(`${lumaPath}/fixtures/ReviewSampleData/products_reviews.csv`, "utf8");
    const expected = csv.split("\n").filter((line) => line.startsWith("24-MB01,")).length;
    const [row] = await queryRows<{ id: string; slug: string }>(
      luma.ctx.db,
      sql`select id, slug from products where sku = '24-MB01'`,
    );
    // Every review is approved; every one whose SKU is in the catalog is attached to that product (the
    // sample data also reviews products it does not ship: those wait, unattached, for a later import).
    const [counts] = await queryRows<{
      approved: number;
      attached: number;
      attachable: number;
      orphans: number;
    }>(
      luma.ctx.db,
      sql`select count(*) filter (where r.status = 'approved')::int as approved,
        count(*) filter (where r.product_id = p.id)::int as attached,
        count(p.id)::int as attachable, count(*) filter (where p.id is null)::int as orphans
        from reviews r left join products p on p.sku = r.product_sku`,
    );
    expect(counts!.approved).toBe(500);
    expect(counts!.attached).toBe(counts!.attachable);
    expect(counts!.orphans).toBe(summary.reviews.unattached);
    expect(counts!.attached).toBeGreaterThan(300);
    const res = await luma.app.inject({
      method: "GET",
      url: `/api/store/products/${row!.id}/reviews?limit=50`,
    });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(expected).toBeGreaterThan(0);
    expect(page.total).toBe(expected);
    expect(page.items).toHaveLength(expected);
    expect(page.items[0]).toMatchObject({ productId: row!.id, verifiedPurchase: false, reply: null });
    const product = (
      await luma.app.inject({ method: "GET", url: `/api/store/products/${row!.slug}` })
    ).json();
    expect(product).toMatchObject({ reviewCount: expected, ratingAverage: page.summary.average });
  }, 240_000);
});
