import { inArray } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productIdsBySku, setSpecialPrices } from "../src/modules/catalog/index.ts";
import { ensureDefaultLocation, setStockLevels } from "../src/modules/inventory/index.ts";
import {
  sweepWishlistAlerts,
  type WishlistBackInStockEvent,
  type WishlistDto,
  type WishlistPriceDroppedEvent,
  type WishlistSummaryDto,
} from "../src/modules/wishlists/index.ts";
import { outboxEvents } from "../src/platform/outbox.schema.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let origin: string;
let variants: Record<"TEE-S" | "TEE-M" | "MUG" | "GUIDE", string>;
let products: Record<"TEE" | "MUG" | "GUIDE", string>;
let n = 0;

type Method = "GET" | "POST" | "PATCH" | "DELETE";

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
    remoteAddress: `198.18.1.${n}`,
  });
  expect(res.statusCode).toBe(200);
  return cookieOf(res);
}

/** A call as a signed-in customer from the shop's own pages (cookie: "" for a guest). */
function call(method: Method, url: string, cookie: string, payload?: object) {
  return t.app.inject({
    method,
    url: `/api/store${url}`,
    headers: { origin, ...(cookie ? { cookie } : {}) },
    ...(payload ? { payload } : {}),
  });
}

async function lists(cookie: string): Promise<WishlistSummaryDto[]> {
  const res = await call("GET", "/wishlists", cookie);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

async function list(cookie: string, id: string): Promise<WishlistDto> {
  const res = await call("GET", `/wishlists/${id}`, cookie);
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function wish(cookie: string, listId: string, productId: string, variantId?: string) {
  return call("POST", `/wishlists/${listId}/items`, cookie, { productId, ...(variantId && { variantId }) });
}

async function setStock(variantId: string, quantity: number) {
  const locationId = await ensureDefaultLocation(t.ctx.db);
  await setStockLevels(t.ctx.db, [{ variantId, locationId, stockedQuantity: quantity }]);
}

async function events<P>(topic: string): Promise<P[]> {
  const rows = await t.ctx.db
    .select()
    .from(outboxEvents)
    .where(inArray(outboxEvents.topic, [topic]))
    // Ids are time-ordered: the order the events were written in (rows come in any order otherwise).
    .orderBy(outboxEvents.id);
  return rows.map((r) => r.payload as P);
}

beforeAll(async () => {
  t = await testApp();
  origin = t.ctx.config.publicUrl;
  ({ variants } = await seedShop(t.ctx));
  const ids = await productIdsBySku(t.ctx.db, ["TEE", "MUG", "GUIDE"]);
  products = { TEE: ids.get("TEE")!, MUG: ids.get("MUG")!, GUIDE: ids.get("GUIDE")! };
});
afterAll(async () => {
  await t?.close();
});

describe("wishlists of a signed-in customer", () => {
  let ada: string;
  beforeAll(async () => {
    ada = await signUp("ada@example.com");
  });

  it("creates the default list on the first add, with the product card and the price when added", async () => {
    expect(await lists(ada)).toEqual([]);
    expect((await call("GET", "/wishlists/default", ada)).statusCode).toBe(404);
    const added = await wish(ada, "default", products.MUG);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      productId: products.MUG,
      variantId: null,
      priceWhenAdded: { amount: 1250, currency: "USD" },
      currentPrice: { amount: 1250, currency: "USD" },
      priceDropped: false,
      inStock: true,
      product: { name: "Camp Mug", slug: "camp-mug" },
    });
    const [only] = await lists(ada);
    expect(only).toMatchObject({ title: "My wishlist", isDefault: true, itemCount: 1, shared: false });
    const detail = await list(ada, "default");
    expect(detail.id).toBe(only!.id);
    expect(detail.items.map((i) => i.product?.name)).toEqual(["Camp Mug"]);
  });

  it("keeps a product once per list: adding it again changes nothing", async () => {
    const again = await wish(ada, "default", products.MUG);
    expect(again.statusCode).toBe(200);
    expect((await list(ada, "default")).items).toHaveLength(1);
    // A specific variant of a product is a separate wish.
    const tee = await wish(ada, "default", products.TEE, variants["TEE-M"]);
    expect(tee.statusCode).toBe(201);
    expect(tee.json().variant).toMatchObject({ sku: "TEE-M", options: { Size: "M" } });
    expect((await wish(ada, "default", products.TEE, variants["TEE-M"])).statusCode).toBe(200);
    const items = (await list(ada, "default")).items;
    expect(items.map((i) => i.variant?.sku ?? i.product?.name)).toEqual(["TEE-M", "Camp Mug"]);
    const ids = await call("GET", "/wishlists/default/products", ada);
    expect(ids.json().productIds.sort()).toEqual([products.MUG, products.TEE].sort());
  });

  it("keeps several named lists: create, rename, make default, delete", async () => {
    const created = await call("POST", "/wishlists", ada, { title: "  Birthday  " });
    expect(created.statusCode).toBe(201);
    const birthday = created.json() as WishlistDto;
    expect(birthday).toMatchObject({ title: "Birthday", isDefault: false, itemCount: 0, items: [] });
    // The same product may be in several lists.
    expect((await wish(ada, birthday.id, products.MUG)).statusCode).toBe(201);
    expect((await wish(ada, birthday.id, products.GUIDE)).statusCode).toBe(201);
    expect((await lists(ada)).map((l) => [l.title, l.itemCount])).toEqual([
      ["My wishlist", 2],
      ["Birthday", 2],
    ]);

    const renamed = await call("PATCH", `/wishlists/${birthday.id}`, ada, { title: "Ada's birthday" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().title).toBe("Ada's birthday");

    // Making it the default: the heart button now fills this list.
    await call("PATCH", `/wishlists/${birthday.id}`, ada, { isDefault: true });
    expect((await lists(ada)).map((l) => [l.title, l.isDefault])).toEqual([
      ["Ada's birthday", true],
      ["My wishlist", false],
    ]);
    expect((await list(ada, "default")).id).toBe(birthday.id);

    // Deleting the default list: the remaining list becomes the default.
    expect((await call("DELETE", `/wishlists/${birthday.id}`, ada)).statusCode).toBe(204);
    expect((await call("GET", `/wishlists/${birthday.id}`, ada)).statusCode).toBe(404);
    expect((await lists(ada)).map((l) => [l.title, l.isDefault, l.itemCount])).toEqual([
      ["My wishlist", true, 2],
    ]);
  });

  it("removes an item, and a product from the heart button", async () => {
    const detail = await list(ada, "default");
    const mug = detail.items.find((i) => i.productId === products.MUG)!;
    expect((await call("DELETE", `/wishlists/${detail.id}/items/${mug.id}`, ada)).statusCode).toBe(204);
    expect((await list(ada, "default")).items.map((i) => i.productId)).toEqual([products.TEE]);
    const again = await call("DELETE", `/wishlists/${detail.id}/items/${mug.id}`, ada);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe("WISHLIST_ITEM_NOT_FOUND");

    expect((await call("DELETE", `/wishlists/default/products/${products.TEE}`, ada)).statusCode).toBe(204);
    expect((await list(ada, "default")).items).toEqual([]);
  });

  it("answers 400 naming the field for bad input", async () => {
    const fieldOf = async (res: Promise<LightMyRequestResponse>) => {
      const r = await res;
      expect(r.statusCode).toBe(400);
      expect(r.headers["content-type"]).toContain("application/problem+json");
      return (r.json().errors as { field: string }[]).map((e) => e.field);
    };
    expect(await fieldOf(call("POST", "/wishlists/default/items", ada, {}))).toContain("productId");
    expect(await fieldOf(wish(ada, "default", "prod_unknown"))).toEqual(["productId"]);
    expect(await fieldOf(wish(ada, "default", products.MUG, variants["TEE-S"]))).toEqual(["variantId"]);
    expect(await fieldOf(call("POST", "/wishlists", ada, { title: "" }))).toEqual(["title"]);
    expect(await fieldOf(call("POST", "/wishlists", ada, { title: "   " }))).toEqual(["title"]);
    expect(await fieldOf(call("POST", "/wishlists", ada, { title: "x".repeat(101) }))).toEqual(["title"]);
    expect(await fieldOf(call("POST", "/wishlists/merge", ada, { items: [{ variantId: "x" }] }))).toEqual([
      "items.0.productId",
    ]);
  });
});

describe("moving an item to the cart", () => {
  let bea: string;
  beforeAll(async () => {
    bea = await signUp("bea@example.com");
  });

  it("puts a line in the cart and takes the item off the list", async () => {
    const item = (await wish(bea, "default", products.MUG)).json();
    const moved = await call("POST", `/wishlists/default/items/${item.id}/move-to-cart`, bea, {
      quantity: 2,
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().lines.map((l: { sku: string; quantity: number }) => [l.sku, l.quantity])).toEqual([
      ["MUG", 2],
    ]);
    expect((await list(bea, "default")).items).toEqual([]);
    const cart = await call("GET", "/cart", bea);
    expect(cart.json().lines.map((l: { sku: string }) => l.sku)).toEqual(["MUG"]);
    // Moving it again: it is no longer in the list, and the cart does not change.
    const again = await call("POST", `/wishlists/default/items/${item.id}/move-to-cart`, bea, {});
    expect(again.statusCode).toBe(404);
    expect((await call("GET", "/cart", bea)).json().itemCount).toBe(2);
  });

  it("needs a variant for a product with several; the item stays until one is chosen", async () => {
    const item = (await wish(bea, "default", products.TEE)).json();
    const vague = await call("POST", `/wishlists/default/items/${item.id}/move-to-cart`, bea, {});
    expect(vague.statusCode).toBe(400);
    expect(vague.json().errors[0].field).toBe("variantId");
    expect((await list(bea, "default")).items).toHaveLength(1);
    const chosen = await call("POST", `/wishlists/default/items/${item.id}/move-to-cart`, bea, {
      variantId: variants["TEE-S"],
    });
    expect(chosen.statusCode).toBe(200);
    expect(
      chosen
        .json()
        .lines.map((l: { sku: string }) => l.sku)
        .sort(),
    ).toEqual(["MUG", "TEE-S"]);
    expect((await list(bea, "default")).items).toEqual([]);
  });

  it("leaves the item in the list when the cart refuses it (out of stock)", async () => {
    await setStock(variants["TEE-M"], 0);
    const item = (await wish(bea, "default", products.TEE, variants["TEE-M"])).json();
    const refused = await call("POST", `/wishlists/default/items/${item.id}/move-to-cart`, bea, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("CART_ITEM_OUT_OF_STOCK");
    expect((await list(bea, "default")).items.map((i) => i.id)).toEqual([item.id]);
    expect(
      (await call("GET", "/cart", bea)).json().lines.some((l: { sku: string }) => l.sku === "TEE-M"),
    ).toBe(false);
    await setStock(variants["TEE-M"], 50);
  });
});

describe("sharing a list by a private link", () => {
  let cleo: string;
  let listId: string;
  beforeAll(async () => {
    cleo = await signUp("cleo@example.com");
    listId = (await call("POST", "/wishlists", cleo, { title: "Wedding" })).json().id;
    await wish(cleo, listId, products.MUG);
  });

  it("shows the list read-only to anyone with the link, nothing about its owner", async () => {
    const share = await call("POST", `/wishlists/${listId}/share`, cleo);
    expect(share.statusCode).toBe(201);
    const { token, url } = share.json();
    expect(url).toBe(`${origin}/wishlists/shared/${token}`);
    const seen = await t.app.inject({ method: "GET", url: `/api/store/wishlists/shared/${token}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ title: "Wedding", itemCount: 1 });
    expect(seen.json().items[0].product.name).toBe("Camp Mug");
    expect(seen.body).not.toContain("cleo");
    expect((await lists(cleo))[0]).toMatchObject({ shared: true });
    // Nothing can be written through the link.
    for (const method of ["POST", "PATCH", "DELETE"] as const) {
      const write = await t.app.inject({ method, url: `/api/store/wishlists/shared/${token}`, payload: {} });
      expect(write.statusCode).toBe(404);
    }
    // The token itself is not stored.
    const stored = await t.ctx.db.execute(`select share_token_hash from wishlists where id = '${listId}'`);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("regenerating replaces the link; revoking ends it (old links 404)", async () => {
    const first = (await call("POST", `/wishlists/${listId}/share`, cleo)).json().token;
    const second = (await call("POST", `/wishlists/${listId}/share`, cleo)).json().token;
    const open = (token: string) =>
      t.app.inject({ method: "GET", url: `/api/store/wishlists/shared/${token}` });
    expect((await open(first)).statusCode).toBe(404);
    expect((await open(second)).statusCode).toBe(200);
    expect((await call("DELETE", `/wishlists/${listId}/share`, cleo)).statusCode).toBe(204);
    const revoked = await open(second);
    expect(revoked.statusCode).toBe(404);
    expect(revoked.json().code).toBe("WISHLIST_NOT_FOUND");
    expect((await lists(cleo))[0]).toMatchObject({ shared: false, sharedAt: null });
  });
});

describe("a guest's wishlist", () => {
  it("is refused by the account API (401), and previewed from the browser's entries", async () => {
    expect((await call("GET", "/wishlists", "")).statusCode).toBe(401);
    const add = await call("POST", "/wishlists/default/items", "", { productId: products.MUG });
    expect(add.statusCode).toBe(401);
    expect(add.json().code).toBe("UNAUTHENTICATED");
    const preview = await t.app.inject({
      method: "GET",
      url: `/api/store/wishlists/preview?items=${products.MUG},prod_gone,${products.TEE}:${variants["TEE-S"]}`,
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().items.map((i: { product: { name: string } }) => i.product.name)).toEqual([
      "Camp Mug",
      "Trail Tee",
    ]);
    const bad = await t.app.inject({ method: "GET", url: "/api/store/wishlists/preview?items=a:b:c" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("items");
  });

  it("merges into the default list at sign-in: unknown products and duplicates skipped, idempotent", async () => {
    const dan = await signUp("dan@example.com");
    await wish(dan, "default", products.MUG);
    const guest = {
      items: [
        { productId: products.MUG, addedAt: "2024-01-01T00:00:00.000Z" },
        { productId: "prod_gone" },
        { productId: products.TEE, variantId: variants["TEE-S"], addedAt: "2024-02-01T00:00:00.000Z" },
        { productId: products.GUIDE },
        { productId: products.GUIDE, variantId: null },
        { productId: products.MUG, variantId: variants["TEE-M"] },
      ],
    };
    const merged = await call("POST", "/wishlists/merge", dan, guest);
    expect(merged.statusCode).toBe(200);
    expect(merged.json().added).toBe(2);
    expect(
      merged
        .json()
        .skipped.map((s: { reason: string }) => s.reason)
        .sort(),
    ).toEqual(["duplicate", "duplicate", "unknown_product", "unknown_product"]);
    const items = (await list(dan, "default")).items;
    expect(items.map((i) => i.variant?.sku ?? i.product?.name).sort()).toEqual([
      "Camp Mug",
      "TEE-S",
      "Trail Guide (PDF)",
    ]);
    expect(items.find((i) => i.variant?.sku === "TEE-S")!.addedAt).toBe("2024-02-01T00:00:00.000Z");

    const again = await call("POST", "/wishlists/merge", dan, guest);
    expect(again.json().added).toBe(0);
    expect((await list(dan, "default")).items).toHaveLength(3);
  });
});

describe("another customer's lists", () => {
  it("cannot be read or changed by someone else (404), nor written cross-site (403)", async () => {
    const eve = await signUp("eve@example.com");
    const fay = await signUp("fay@example.com");
    const item = (await wish(fay, "default", products.MUG)).json();
    const fayList = (await lists(fay))[0]!.id;
    const attempts: [Method, string, object?][] = [
      ["GET", `/wishlists/${fayList}`],
      ["GET", `/wishlists/${fayList}/products`],
      ["PATCH", `/wishlists/${fayList}`, { title: "Mine now" }],
      ["DELETE", `/wishlists/${fayList}`],
      ["POST", `/wishlists/${fayList}/items`, { productId: products.TEE }],
      ["DELETE", `/wishlists/${fayList}/items/${item.id}`],
      ["DELETE", `/wishlists/${fayList}/products/${products.MUG}`],
      ["POST", `/wishlists/${fayList}/items/${item.id}/move-to-cart`, {}],
      ["POST", `/wishlists/${fayList}/share`],
      ["DELETE", `/wishlists/${fayList}/share`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(method, url, eve, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe("WISHLIST_NOT_FOUND");
    }
    // Eve's own item id under her (new) default list does not reach Fay's item either.
    await wish(eve, "default", products.GUIDE);
    expect((await call("DELETE", `/wishlists/default/items/${item.id}`, eve)).statusCode).toBe(404);
    expect(await lists(eve)).toHaveLength(1);
    const fays = await list(fay, fayList);
    expect(fays).toMatchObject({ title: "My wishlist", itemCount: 1, shared: false });

    const crossSite = await t.app.inject({
      method: "POST",
      url: "/api/store/wishlists/default/items",
      headers: { cookie: fay, origin: "https://evil.example" },
      payload: { productId: products.TEE },
    });
    expect(crossSite.statusCode).toBe(403);
    expect((await list(fay, fayList)).items).toHaveLength(1);
  });
});

describe("price-drop and back-in-stock events", () => {
  it("emits each drop and each restock once per customer, whatever the number of lists", async () => {
    await sweepWishlistAlerts(t.ctx.db); // settle what earlier tests wished for
    const gusCookie = await signUp("gus@example.com");
    const session = await t.app.inject({
      method: "GET",
      url: "/api/auth/get-session",
      headers: { cookie: gusCookie },
    });
    const gus = session.json().user.id as string;
    const drops = async () =>
      (await events<WishlistPriceDroppedEvent>("wishlist.price_dropped")).filter((e) => e.customerId === gus);
    const restocks = async () =>
      (await events<WishlistBackInStockEvent>("wishlist.back_in_stock")).filter((e) => e.customerId === gus);

    await setStock(variants["TEE-S"], 0);
    await wish(gusCookie, "default", products.MUG);
    await wish(gusCookie, "default", products.TEE, variants["TEE-S"]);
    const second = (await call("POST", "/wishlists", gusCookie, { title: "Camping" })).json().id;
    await wish(gusCookie, second, products.MUG);
    expect((await list(gusCookie, "default")).items.find((i) => i.variantId)!.inStock).toBe(false);

    expect(await sweepWishlistAlerts(t.ctx.db)).toMatchObject({ priceDrops: 0, backInStock: 0 });

    // The mug goes on sale and the small tee comes back.
    await setSpecialPrices(t.ctx.db, [{ variantId: variants.MUG, amount: 999 }]);
    await setStock(variants["TEE-S"], 5);
    const swept = await sweepWishlistAlerts(t.ctx.db);
    expect(swept.priceDrops).toBeGreaterThanOrEqual(1);
    expect(await drops()).toEqual([
      {
        customerId: gus,
        productId: products.MUG,
        variantId: null,
        oldPrice: { amount: 1250, currency: "USD" },
        newPrice: { amount: 999, currency: "USD" },
        wishedPrice: { amount: 1250, currency: "USD" },
      },
    ]);
    expect(await restocks()).toEqual([
      {
        customerId: gus,
        productId: products.TEE,
        variantId: variants["TEE-S"],
        price: { amount: 2900, currency: "USD" },
      },
    ]);
    const mug = (await list(gusCookie, "default")).items.find((i) => i.productId === products.MUG)!;
    expect(mug).toMatchObject({
      priceDropped: true,
      currentPrice: { amount: 999 },
      priceWhenAdded: { amount: 1250 },
    });

    // Nothing new: nothing more to tell.
    await sweepWishlistAlerts(t.ctx.db);
    expect(await drops()).toHaveLength(1);
    expect(await restocks()).toHaveLength(1);

    // Up a little (silent), then down again: a new drop, told once.
    await setSpecialPrices(t.ctx.db, [{ variantId: variants.MUG, amount: 1100 }]);
    await sweepWishlistAlerts(t.ctx.db);
    expect(await drops()).toHaveLength(1);
    await setSpecialPrices(t.ctx.db, [{ variantId: variants.MUG, amount: 1000 }]);
    await sweepWishlistAlerts(t.ctx.db);
    await sweepWishlistAlerts(t.ctx.db);
    expect((await drops()).map((e) => [e.oldPrice.amount, e.newPrice.amount])).toEqual([
      [1250, 999],
      [1100, 1000],
    ]);

    // Sold out (silent), then restocked: told once more.
    await setStock(variants["TEE-S"], 0);
    await sweepWishlistAlerts(t.ctx.db);
    expect(await restocks()).toHaveLength(1);
    await setStock(variants["TEE-S"], 3);
    await Promise.all([sweepWishlistAlerts(t.ctx.db), sweepWishlistAlerts(t.ctx.db)]);
    expect(await restocks()).toHaveLength(2);

    // A product no longer wished is not followed any more.
    await call("DELETE", `/wishlists/default/products/${products.TEE}`, gusCookie);
    await setStock(variants["TEE-S"], 0);
    await sweepWishlistAlerts(t.ctx.db);
    await setStock(variants["TEE-S"], 9);
    await sweepWishlistAlerts(t.ctx.db);
    expect(await restocks()).toHaveLength(2);
  });
});
