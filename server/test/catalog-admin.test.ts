import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishScheduledProducts } from "../src/modules/catalog/index.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let manager: string;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

function staff(method: Method, url: string, payload?: object, headers: Record<string, string> = {}) {
  return t.app.inject({
    method,
    url,
    headers: { cookie: manager, origin: t.ctx.config.publicUrl, ...headers },
    ...(payload ? { payload } : {}),
  });
}

function fieldOf(res: LightMyRequestResponse): string | undefined {
  return res.json().errors?.[0]?.field;
}

async function png(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

async function upload(bytes: Buffer, type = "image/png") {
  return t.app.inject({
    method: "POST",
    url: "/api/admin/images",
    headers: {
      cookie: manager,
      origin: t.ctx.config.publicUrl,
      "content-type": type,
      "x-alt-text": "Front%20view",
    },
    payload: bytes,
  });
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signUp = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name: "Cat Manager", email: "catalog@shop.test", password: "steady-heron-9031" },
  });
  expect(signUp.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from users where email = 'catalog@shop.test'`,
  );
  await assignRole(t.ctx.db, user!.id, "catalog_manager");
  manager = signUp.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function categoryId(slug: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from categories where slug = ${slug}`,
  );
  return row!.id;
}

function hoodie(categoryIds: string[], imageIds: string[]) {
  const sizes = ["S", "M", "L"];
  const colours = ["Black", "Sand"];
  return {
    type: "configurable",
    sku: "HOODIE",
    name: "Ridge Hoodie",
    description:
      '<p>Warm <strong>fleece</strong>.</p><script>fetch("/steal")</script><img src="/x.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a>',
    status: "draft",
    currency: "USD",
    categoryIds,
    options: [
      { code: "size", name: "Size", values: sizes.map((value) => ({ value })) },
      { code: "color", name: "Colour", values: colours.map((value) => ({ value })) },
    ],
    variants: sizes.flatMap((size) =>
      colours.map((color) => ({
        sku: `HOODIE-${size}-${color.toUpperCase()}`,
        priceAmount: 5900,
        weightGrams: 600,
        options: { size, color },
        initialStock: 10,
      })),
    ),
    images: imageIds.map((imageId) => ({ imageId, alt: "Ridge Hoodie" })),
  };
}

describe("product editor API", () => {
  it("creates a configurable product with photos, saves it with If-Match, and refuses a stale save", async () => {
    const first = await upload(await png({ r: 20, g: 20, b: 20 }));
    expect(first.statusCode).toBe(201);
    const second = await upload(await png({ r: 200, g: 180, b: 140 }));
    const again = await upload(await png({ r: 20, g: 20, b: 20 }));
    expect(again.json().id).toBe(first.json().id); // the same file is one image
    const imageIds = [first.json().id, second.json().id];
    const tees = await categoryId("tees");

    const created = await staff("POST", "/api/admin/products", hoodie([tees], imageIds));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const product = created.json();
    expect(product.variants).toHaveLength(6);
    expect(product.variants[0]).toMatchObject({
      availableQuantity: 10,
      options: { size: "S", color: "Black" },
    });
    expect(product.images.map((i: { id: string }) => i.id)).toEqual(imageIds);
    expect(product.status).toBe("draft");
    // Rich text keeps its formatting and loses anything that could run in a browser.
    expect(product.description).toContain("<strong>fleece</strong>");
    expect(product.description).not.toMatch(/script|onerror|javascript:/);

    // The storefront does not show a draft.
    const hidden = await t.app.inject({ method: "GET", url: `/api/store/products/${product.slug}` });
    expect(hidden.statusCode).toBe(404);

    // Publish with a new price on one variant, a special price with a window, a renamed SKU.
    const body = {
      ...hoodie([tees], [...imageIds].reverse()),
      status: "active",
      variants: product.variants.map(
        (v: { id: string; sku: string; options: Record<string, string> }, i: number) => ({
          id: v.id,
          sku: i === 0 ? "HOODIE-S-BLK" : v.sku,
          options: v.options,
          priceAmount: i === 0 ? 6500 : 5900,
          ...(i === 1 && {
            specialPriceAmount: 4900,
            specialFrom: new Date(Date.now() - 3_600_000).toISOString(),
            specialTo: new Date(Date.now() + 86_400_000).toISOString(),
          }),
          initialStock: 999, // ignored for existing variants
        }),
      ),
    };
    const saved = await staff("PUT", `/api/admin/products/${product.id}`, body, { "if-match": '"1"' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.headers.etag).toBe('"2"');
    const after = saved.json();
    expect(after.variants[0]).toMatchObject({
      id: product.variants[0].id,
      sku: "HOODIE-S-BLK",
      priceAmount: 6500,
    });
    expect(after.variants[0].availableQuantity).toBe(10); // stock unchanged by the editor
    expect(after.images.map((i: { id: string }) => i.id)).toEqual([...imageIds].reverse());

    const page = await t.app.inject({ method: "GET", url: `/api/store/products/${after.slug}` });
    expect(page.statusCode).toBe(200);
    const onSale = page.json().variants.find((v: { sku: string }) => v.sku === after.variants[1].sku);
    expect(onSale.price.amount).toBe(4900);
    expect(onSale.compareAtPrice?.amount).toBe(5900);

    // A second editor still holding version 1 is refused and nothing changes.
    const stale = await staff(
      "PUT",
      `/api/admin/products/${product.id}`,
      { ...body, name: "Overwritten" },
      {
        "if-match": '"1"',
      },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.headers["content-type"]).toContain("application/problem+json");
    expect(stale.json().code).toBe("STALE_VERSION");
    const reread = await staff("GET", `/api/admin/products/${product.id}`);
    expect(reread.json().name).toBe("Ridge Hoodie");
    const stalePatch = await staff(
      "PATCH",
      `/api/admin/products/${product.id}`,
      { name: "X" },
      { "if-match": '"1"' },
    );
    expect(stalePatch.statusCode).toBe(409);
    const badEtag = await staff(
      "PATCH",
      `/api/admin/products/${product.id}`,
      { name: "X" },
      { "if-match": "v1" },
    );
    expect(badEtag.statusCode).toBe(400);
    expect(fieldOf(badEtag)).toBe("If-Match");

    // The audit log holds who changed what, before and after.
    const [entry] = await queryRows<{
      metadata: { changes: Record<string, { before: unknown; after: unknown }> };
    }>(
      t.ctx.db,
      sql`select metadata from audit_events where action = 'catalog.product.update' and target_id = ${product.id}`,
    );
    expect(entry!.metadata.changes.status).toEqual({ before: "draft", after: "active" });
    expect(entry!.metadata.changes["variants.HOODIE-S-BLK.priceAmount"]).toEqual({
      before: null,
      after: 6500,
    });

    // The shopper can buy it.
    const shopper = new GuestShopper(t.app);
    await shopper.readyCart([{ variantId: after.variants[0].id, quantity: 1 }]);
    const order = await shopper.checkout("hoodie-1");
    expect(order.statusCode, order.body).toBe(201);
  });

  it("answers bad input with 400 naming the field, and unknown ids with 404", async () => {
    const tees = await categoryId("tees");
    const cases: [object, string][] = [
      [{ ...hoodie([tees], []), sku: "TEE" }, "sku"],
      [{ ...hoodie(["cat_missing"], []), sku: "H2" }, "categoryIds"],
      [{ ...hoodie([tees], ["img_missing"]), sku: "H3" }, "images[0].imageId"],
      [
        {
          ...hoodie([tees], []),
          sku: "H4",
          variants: [
            { sku: "H4-A", priceAmount: 100, options: { size: "S", color: "Black" } },
            { sku: "H4-B", priceAmount: 100, options: { size: "S", color: "Black" } },
          ],
        },
        "variants[1].options",
      ],
      [
        { ...hoodie([tees], []), sku: "H5", variants: [{ sku: "H5-A", priceAmount: -1 }] },
        "variants/0/priceAmount",
      ],
      [
        {
          ...hoodie([tees], []),
          sku: "H6",
          variants: [
            { sku: "H6-A", priceAmount: 100, options: { size: "S", color: "Black" }, barcode: "12AB" },
          ],
        },
        "variants[0].barcode",
      ],
      [
        {
          ...hoodie([tees], []),
          sku: "H7",
          variants: [
            {
              sku: "H7-A",
              priceAmount: 100,
              options: { size: "S", color: "Black" },
              specialPriceAmount: 50,
              specialFrom: "2026-02-01T00:00:00Z",
              specialTo: "2026-01-01T00:00:00Z",
            },
          ],
        },
        "variants[0].specialTo",
      ],
    ];
    for (const [body, field] of cases) {
      const res = await staff("POST", "/api/admin/products", body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(JSON.stringify(res.json().errors)).toContain(field.split("/").at(-1)!);
    }
    expect((await staff("GET", "/api/admin/products/prod_missing")).statusCode).toBe(404);
    expect((await staff("PUT", "/api/admin/products/prod_missing", hoodie([tees], []))).statusCode).toBe(404);
    expect((await staff("DELETE", "/api/admin/products/prod_missing")).statusCode).toBe(404);
    const notImage = await upload(Buffer.from("not an image at all"));
    expect(notImage.statusCode).toBe(400);
    expect(fieldOf(notImage)).toBe("image");
  });

  it("lists products with filters and cursor pages", async () => {
    const all = await staff("GET", "/api/admin/products?limit=2&sort=sku");
    expect(all.statusCode).toBe(200);
    const first = all.json();
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThanOrEqual(4);
    const seen = [...first.items.map((i: { sku: string }) => i.sku)];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = (await staff("GET", `/api/admin/products?limit=2&sort=sku&cursor=${cursor}`)).json();
      seen.push(...next.items.map((i: { sku: string }) => i.sku));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen.length).toBe(first.total);
    const hoodies = (await staff("GET", "/api/admin/products?q=hood")).json();
    expect(hoodies.items.map((i: { sku: string }) => i.sku)).toEqual(["HOODIE"]);
    expect(hoodies.items[0]).toMatchObject({ variantCount: 6, minPriceAmount: 5900, maxPriceAmount: 6500 });
    const bySku = (await staff("GET", "/api/admin/products?q=HOODIE-S-B")).json();
    expect(bySku.items.map((i: { sku: string }) => i.sku)).toEqual(["HOODIE"]);
    const digital = (await staff("GET", "/api/admin/products?type=digital")).json();
    expect(digital.items.map((i: { sku: string }) => i.sku)).toEqual(["GUIDE"]);
    const tees = await categoryId("tees");
    const inTees = (await staff("GET", `/api/admin/products?categoryId=${tees}&sort=name`)).json();
    expect(inTees.items.map((i: { sku: string }) => i.sku)).toEqual(["HOODIE", "TEE"]);
    const badCursor = await staff("GET", "/api/admin/products?cursor=nonsense");
    expect(badCursor.statusCode).toBe(400);
    expect(fieldOf(badCursor)).toBe("cursor");
    const badStatus = await staff("GET", "/api/admin/products?status=gone");
    expect(badStatus.statusCode).toBe(400);
  });

  it("searches a common word (more than 500 matches) by walking the sort order, and counts every match", async () => {
    await t.ctx.db.execute(sql`insert into products (id, type, sku, name, slug, status, updated_at)
      select 'prod_lantern' || i, 'simple', 'LANTERN-' || lpad(i::text, 4, '0'), 'Storm Lantern ' || i,
        'storm-lantern-' || i, case when i % 10 = 0 then 'draft' else 'active' end,
        now() - (i || ' seconds')::interval
      from generate_series(1, 620) as i`);
    const first = (await staff("GET", "/api/admin/products?q=lantern&limit=50")).json();
    expect(first.total).toBe(620);
    expect(first.items.map((i: { sku: string }) => i.sku).slice(0, 3)).toEqual([
      "LANTERN-0001",
      "LANTERN-0002",
      "LANTERN-0003",
    ]);
    const seen = new Set<string>(first.items.map((i: { sku: string }) => i.sku));
    let cursor = first.nextCursor;
    while (cursor) {
      const next = (await staff("GET", `/api/admin/products?q=lantern&limit=200&cursor=${cursor}`)).json();
      for (const i of next.items as { sku: string }[]) seen.add(i.sku);
      cursor = next.nextCursor;
    }
    expect(seen.size).toBe(620);
    // The same word with another filter; a SKU start among them; two words.
    expect((await staff("GET", "/api/admin/products?q=lantern&status=draft")).json().total).toBe(62);
    expect((await staff("GET", "/api/admin/products?q=lantern-00")).json().total).toBe(99);
    const two = (await staff("GET", "/api/admin/products?q=storm%20lantern%2061")).json();
    // Names with "storm", "lantern" and "61" in them: 61, 161 ... 561 and 610-619.
    expect(two.items.map((i: { sku: string }) => i.sku).sort()).toEqual([
      "LANTERN-0061",
      "LANTERN-0161",
      "LANTERN-0261",
      "LANTERN-0361",
      "LANTERN-0461",
      "LANTERN-0561",
      "LANTERN-0610",
      "LANTERN-0611",
      "LANTERN-0612",
      "LANTERN-0613",
      "LANTERN-0614",
      "LANTERN-0615",
      "LANTERN-0616",
      "LANTERN-0617",
      "LANTERN-0618",
      "LANTERN-0619",
    ]);
    await t.ctx.db.execute(sql`delete from products where id like 'prod_lantern%'`);
  });

  it("filters by stock; sold out follows stock at once: the last unit sold, a restock, a location switched off", async () => {
    const skus = async (stock: "sold_out" | "available") =>
      ((await staff("GET", `/api/admin/products?stock=${stock}&limit=100`)).json().items as { sku: string }[])
        .map((i) => i.sku)
        .sort();
    const exec = (statement: ReturnType<typeof sql>) => t.ctx.db.execute(statement);
    const mug = sql`(select id from variants where sku = 'MUG')`;
    expect(await skus("available")).toContain("MUG");
    expect(await skus("sold_out")).not.toContain("MUG");
    // A digital guide keeps no stock: always available.
    expect(await skus("available")).toContain("GUIDE");

    await exec(
      sql`update inventory_levels set stocked_quantity = reserved_quantity + 1 where variant_id = ${mug}`,
    );
    expect(await skus("sold_out")).not.toContain("MUG");
    const [mugId] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from variants where sku = 'MUG'`);
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: mugId!.id, quantity: 1 }], "last-mug@example.com");
    expect((await guest.checkout("last-mug")).statusCode).toBe(201);
    // The last mug is reserved by the order: sold out, at once (no waiting for the 10-second job).
    expect(await skus("sold_out")).toContain("MUG");
    expect(await skus("available")).not.toContain("MUG");
    const soldOut = (await staff("GET", "/api/admin/products?stock=sold_out&q=MUG")).json();
    expect(soldOut).toMatchObject({ total: 1, items: [{ sku: "MUG", stockStatus: "out_of_stock" }] });

    await exec(
      sql`update inventory_levels set stocked_quantity = stocked_quantity + 5 where variant_id = ${mug}`,
    );
    expect(await skus("sold_out")).not.toContain("MUG");

    await exec(sql`update stock_locations set is_active = false
      where id in (select location_id from inventory_levels where variant_id = ${mug})`);
    expect(await skus("sold_out")).toContain("MUG");
    await exec(sql`update stock_locations set is_active = true`);
    expect(await skus("sold_out")).not.toContain("MUG");
    // Every noted change was drained by the reads.
    const [left] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from product_stock_changes`,
    );
    expect(left!.n).toBe(0);
  });

  it("archives instead of deleting what orders reference, and bulk-publishes", async () => {
    const list = (await staff("GET", "/api/admin/products?q=hood")).json();
    const ordered = list.items[0].id;
    const res = await staff("DELETE", `/api/admin/products/${ordered}`);
    expect(res.json()).toEqual({ deleted: false, archived: true });
    expect((await staff("GET", `/api/admin/products/${ordered}`)).json().status).toBe("archived");

    const draft = await staff("POST", "/api/admin/products", {
      type: "simple",
      sku: "SOCKS",
      name: "Wool Socks",
      currency: "USD",
      variants: [{ sku: "SOCKS", priceAmount: 1500, initialStock: 5 }],
    });
    expect(draft.statusCode).toBe(201);
    // A JSON null is no price at all (the validator once coerced it to 0: a special price of 0.00).
    const socks = (await staff("GET", `/api/admin/products/${draft.json().id}`)).json();
    const noPrices = await staff("PUT", `/api/admin/products/${socks.id}`, {
      type: "simple",
      sku: "SOCKS",
      name: "Wool Socks",
      currency: "USD",
      publishAt: null,
      variants: [
        {
          id: socks.variants[0].id,
          sku: "SOCKS",
          priceAmount: 1500,
          compareAtAmount: null,
          specialPriceAmount: null,
          weightGrams: null,
          barcode: null,
        },
      ],
    });
    expect(noPrices.statusCode, noPrices.body).toBe(200);
    // ... and a 0 stays 0 (the null-first order once coerced it into null: no weight instead of 0 g).
    const zero = await staff("PUT", `/api/admin/products/${socks.id}`, {
      type: "simple",
      sku: "SOCKS",
      name: "Wool Socks",
      currency: "USD",
      variants: [
        { id: socks.variants[0].id, sku: "SOCKS", priceAmount: 0, compareAtAmount: 0, weightGrams: 0 },
      ],
    });
    expect(zero.json().variants[0]).toMatchObject({ priceAmount: 0, compareAtAmount: 0, weightGrams: 0 });
    expect(noPrices.json().variants[0]).toMatchObject({
      compareAtAmount: null,
      specialPriceAmount: null,
      weightGrams: null,
      barcode: null,
    });
    const bulk = await staff("POST", "/api/admin/products/bulk", {
      productIds: [draft.json().id, "prod_missing"],
      action: "publish",
    });
    expect(bulk.json()).toEqual({ changed: [draft.json().id], archived: [], notFound: ["prod_missing"] });
    const gone = await staff("POST", "/api/admin/products/bulk", {
      productIds: [draft.json().id],
      action: "delete",
    });
    expect(gone.json().changed).toEqual([draft.json().id]);
    expect((await staff("GET", `/api/admin/products/${draft.json().id}`)).statusCode).toBe(404);
    const actions = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where target_id = ${draft.json().id} order by id`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      "catalog.product.create",
      "catalog.product.update",
      "catalog.product.update",
      "catalog.product.bulk_publish",
      "catalog.product.bulk_delete",
    ]);
  });
});

describe("publish schedule", () => {
  it("a draft with a publish time goes on sale when the job runs after that time, not before", async () => {
    const at = new Date(Date.now() + 3_600_000);
    const created = await staff("POST", "/api/admin/products", {
      type: "simple",
      sku: "LANTERN",
      name: "Camp Lantern",
      status: "draft",
      publishAt: at.toISOString(),
      currency: "USD",
      variants: [{ sku: "LANTERN", priceAmount: 3500, initialStock: 3 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().publishAt).toBe(at.toISOString());
    expect(await publishScheduledProducts(t.ctx.db, new Date(at.getTime() - 1000))).toBe(0);
    expect((await t.app.inject({ url: "/api/store/products/camp-lantern" })).statusCode).toBe(404);
    expect(await publishScheduledProducts(t.ctx.db, new Date(at.getTime() + 1000))).toBe(1);
    const after = (await staff("GET", `/api/admin/products/${created.json().id}`)).json();
    expect(after).toMatchObject({ status: "active", publishAt: null, version: 2 });
    t.ctx.cache.invalidate("catalog");
    expect((await t.app.inject({ url: "/api/store/products/camp-lantern" })).statusCode).toBe(200);
  });
});

describe("category tree API", () => {
  it("creates, renames, moves, reorders and deletes categories", async () => {
    const gear = await categoryId("gear");
    const bags = await staff("POST", "/api/admin/categories", {
      name: "Bags & Packs",
      parentId: gear,
      position: 0,
    });
    expect(bags.statusCode, bags.body).toBe(201);
    expect(bags.json()).toMatchObject({ slug: "bags-packs", parentId: gear, position: 0, version: 1 });
    const noImage = await staff("POST", "/api/admin/categories", { name: "Tents", imageId: "img_missing" });
    expect(noImage.statusCode).toBe(400);
    expect(fieldOf(noImage)).toBe("imageId");
    const taken = await staff("POST", "/api/admin/categories", { name: "Bags", slug: "bags-packs" });
    expect(taken.statusCode).toBe(400);
    expect(fieldOf(taken)).toBe("slug");

    const renamed = await staff(
      "PATCH",
      `/api/admin/categories/${bags.json().id}`,
      { name: "Backpacks", position: 5 },
      { "if-match": '"1"' },
    );
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "Backpacks", slug: "bags-packs", version: 2, position: 1 });
    const stale = await staff(
      "PATCH",
      `/api/admin/categories/${bags.json().id}`,
      { name: "X" },
      { "if-match": '"1"' },
    );
    expect(stale.statusCode).toBe(409);

    // Moving Gear under its own subcategory would make a loop.
    const loop = await staff("PATCH", `/api/admin/categories/${gear}`, { parentId: bags.json().id });
    expect(loop.statusCode).toBe(400);
    expect(fieldOf(loop)).toBe("parentId");
    const top = await staff("PATCH", `/api/admin/categories/${bags.json().id}`, { parentId: null });
    expect(top.json().parentId, top.body).toBeNull();

    const tree = (await staff("GET", "/api/admin/categories")).json().items as {
      id: string;
      parentId: string | null;
    }[];
    const index = new Map(tree.map((c, i) => [c.id, i]));
    for (const c of tree) if (c.parentId) expect(index.get(c.parentId)!).toBeLessThan(index.get(c.id)!);

    const withChildren = await staff("DELETE", `/api/admin/categories/${gear}`);
    expect(withChildren.statusCode).toBe(409);
    expect(withChildren.json().code).toBe("CATEGORY_HAS_CHILDREN");
    expect((await staff("DELETE", `/api/admin/categories/${bags.json().id}`)).statusCode).toBe(204);
    expect((await staff("PATCH", `/api/admin/categories/${bags.json().id}`, { name: "Y" })).statusCode).toBe(
      404,
    );
    const audit = await queryRows<{ action: string }>(
      t.ctx.db,
      sql`select action from audit_events where target_id = ${bags.json().id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      "catalog.category.create",
      "catalog.category.update",
      "catalog.category.update",
      "catalog.category.delete",
    ]);
  });
});
