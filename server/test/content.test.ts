import fs from "node:fs";
import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importLumaContent } from "../src/importers/luma-content.ts";
import { saveImage } from "../src/modules/catalog/index.ts";
import { assignRole, bootstrapOwner, saveCustomRole } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;
let editor: string;
let editorId: string;
let catalogManager: string;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

function as(
  cookie: string,
  method: Method,
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url,
    headers: { cookie, origin: t.ctx.config.publicUrl, ...headers },
    ...(payload ? { payload } : {}),
  });
}
const staff = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
  as(editor, method, url, payload, headers);
const store = (url: string) => t.app.inject({ method: "GET", url });
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

function fieldOf(res: LightMyRequestResponse): string | undefined {
  return res.json().errors?.[0]?.field;
}

async function signUp(name: string, email: string): Promise<{ cookie: string; id: string }> {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    headers: { origin: t.ctx.config.publicUrl },
    payload: { name, email, password: "steady-heron-9031" },
  });
  expect(res.statusCode).toBe(200);
  const [user] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from users where email = ${email}`);
  return { cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join("; "), id: user!.id };
}

async function id(table: "categories" | "products", column: "slug" | "sku", value: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    t.ctx.db,
    sql`select id from ${sql.raw(table)} where ${sql.raw(column)} = ${value}`,
  );
  return row!.id;
}

async function auditActions(
  targetId: string,
): Promise<{ action: string; actor_id: string | null; metadata: { changes?: Record<string, unknown> } }[]> {
  return queryRows(
    t.ctx.db,
    sql`select action, actor_id, metadata from audit_events where target_id = ${targetId} order by created_at, id`,
  );
}

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  await seedShop(t.ctx);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  await saveCustomRole(
    t.ctx.db,
    { key: "content_editor", name: "Content editor", permissions: ["cms:write"] },
    { actorId: "test" },
  );
  const e = await signUp("Cleo Content", "content@shop.test");
  await assignRole(t.ctx.db, e.id, "content_editor");
  editor = e.cookie;
  editorId = e.id;
  const m = await signUp("Cat Manager", "catalog@shop.test");
  await assignRole(t.ctx.db, m.id, "catalog_manager");
  catalogManager = m.cookie;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("pages", () => {
  it("creates a draft, invisible to shoppers until published; saves with If-Match; refuses a stale save", async () => {
    const created = await staff("POST", "/api/admin/content/pages", {
      slug: "shipping-info",
      title: "Shipping information",
      body: '<h2>Rates</h2><p>Free over $50.</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><img src="/x.png" onerror="alert(2)">',
      metaDescription: "How we ship.",
    });
    expect(created.statusCode, created.body).toBe(201);
    const page = created.json();
    expect(created.headers.etag).toBe('"1"');
    expect(page).toMatchObject({ slug: "shipping-info", status: "draft", published: null, version: 1 });
    // Sanitised before it is stored.
    expect(page.draft.body).toContain("<h2>Rates</h2>");
    expect(page.draft.body).not.toMatch(/script|javascript:|onerror/);
    const [stored] = await queryRows<{ body: string }>(
      t.ctx.db,
      sql`select draft->>'body' as body from content_entries where id = ${page.id}`,
    );
    expect(stored!.body).not.toMatch(/script|onerror/);

    // A draft is not in the store, nor its server-rendered page.
    expect((await store("/api/store/content/pages/shipping-info")).statusCode).toBe(404);
    expect((await store("/api/store/content/pages/shipping-info")).json().code).toBe("PAGE_NOT_FOUND");
    // ... but staff can preview it.
    const preview = await staff("GET", "/api/admin/content/preview/pages/shipping-info");
    expect(preview.statusCode).toBe(200);
    expect(preview.json().title).toBe("Shipping information");

    const published = await staff(
      "POST",
      `/api/admin/content/pages/${page.id}/publish`,
      undefined,
      ifMatch(1),
    );
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ status: "published", version: 2 });
    const shown = await store("/api/store/content/pages/shipping-info");
    expect(shown.statusCode).toBe(200);
    expect(shown.headers["cache-control"]).toMatch(/public/);
    expect(shown.json()).toMatchObject({ title: "Shipping information", metaDescription: "How we ship." });

    // A draft change is not shown until published again.
    const saved = await staff(
      "PUT",
      `/api/admin/content/pages/${page.id}`,
      { slug: "shipping-info", title: "Shipping and delivery", body: "<p>Free over $50.</p>" },
      ifMatch(2),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ status: "changed", version: 3 });
    expect((await store("/api/store/content/pages/shipping-info")).json().title).toBe("Shipping information");

    // Someone else's save in between: 409, nothing written.
    const stale = await staff(
      "PUT",
      `/api/admin/content/pages/${page.id}`,
      { slug: "shipping-info", title: "Overwritten?" },
      ifMatch(2),
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    expect((await staff("GET", `/api/admin/content/pages/${page.id}`)).json().draft.title).toBe(
      "Shipping and delivery",
    );

    await staff("POST", `/api/admin/content/pages/${page.id}/publish`, undefined, ifMatch(3));
    expect((await store("/api/store/content/pages/shipping-info")).json().title).toBe(
      "Shipping and delivery",
    );
    const unpublished = await staff("POST", `/api/admin/content/pages/${page.id}/unpublish`);
    expect(unpublished.json()).toMatchObject({ status: "draft", published: null });
    expect((await store("/api/store/content/pages/shipping-info")).statusCode).toBe(404);

    // Every write is audited with what changed, by whom.
    const audit = await auditActions(page.id);
    expect(audit.map((a) => a.action)).toEqual([
      "content.page.create",
      "content.page.publish",
      "content.page.update",
      "content.page.publish",
      "content.page.unpublish",
    ]);
    expect(audit.every((a) => a.actor_id === editorId)).toBe(true);
    expect(audit[2]!.metadata.changes).toMatchObject({
      title: { before: "Shipping information", after: "Shipping and delivery" },
    });

    const listed = await staff("GET", "/api/admin/content/pages?q=delivery");
    expect(listed.json()).toMatchObject({ total: 1, nextCursor: null, items: [{ slug: "shipping-info" }] });

    const removed = await staff("DELETE", `/api/admin/content/pages/${page.id}`, undefined, ifMatch(5));
    expect(removed.statusCode).toBe(204);
    expect((await staff("GET", `/api/admin/content/pages/${page.id}`)).statusCode).toBe(404);
    expect((await auditActions(page.id)).at(-1)!.action).toBe("content.page.delete");
  });

  it("answers 400 naming the field, 404 for an unknown page, and a taken slug", async () => {
    const bad = async (body: object, field: string) => {
      const res = await staff("POST", "/api/admin/content/pages", body);
      expect(res.statusCode, res.body).toBe(400);
      expect(fieldOf(res)).toBe(field);
    };
    await bad({ slug: "Not A Slug", title: "x" }, "slug");
    await bad({ slug: "ok", title: "" }, "title");
    await bad({ slug: "ok", title: "   " }, "title");
    await bad({ slug: "ok", title: "x", colour: "red" }, "colour");
    await bad({ slug: "ok", title: "x", metaTitle: "m".repeat(300) }, "metaTitle");
    const first = await staff("POST", "/api/admin/content/pages", { slug: "faq", title: "FAQ" });
    expect(first.statusCode).toBe(201);
    await bad({ slug: "faq", title: "Another FAQ" }, "slug");

    expect((await staff("GET", "/api/admin/content/pages/cnt_nope")).statusCode).toBe(404);
    expect(
      (await staff("PUT", "/api/admin/content/pages/cnt_nope", { slug: "x", title: "x" })).statusCode,
    ).toBe(404);
    expect((await staff("POST", "/api/admin/content/pages/cnt_nope/publish")).statusCode).toBe(404);
    expect((await staff("DELETE", "/api/admin/content/pages/cnt_nope")).statusCode).toBe(404);
    expect((await store("/api/store/content/pages/no-such-page")).statusCode).toBe(404);
    const badIfMatch = await staff(
      "PUT",
      `/api/admin/content/pages/${first.json().id}`,
      { slug: "faq", title: "FAQ" },
      { "if-match": "yesterday" },
    );
    expect(badIfMatch.statusCode).toBe(400);
    expect(fieldOf(badIfMatch)).toBe("If-Match");
  });

  it("is for staff with cms:write only", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/admin/content/pages" })).statusCode).toBe(401);
    expect((await as(catalogManager, "GET", "/api/admin/content/pages")).statusCode).toBe(403);
    expect((await as(catalogManager, "PUT", "/api/admin/content/announcement", {})).statusCode).toBe(403);
  });
});

describe("the home page", () => {
  async function png(): Promise<Buffer> {
    return sharp({ create: { width: 900, height: 400, channels: 3, background: { r: 20, g: 90, b: 160 } } })
      .png()
      .toBuffer();
  }

  it("shows the default sections until staff publish theirs, with categories and products resolved", async () => {
    const before = await store("/api/store/content/home");
    expect(before.statusCode).toBe(200);
    const defaults = before.json();
    expect(defaults.isDefault).toBe(true);
    expect(defaults.sections.map((s: { type: string }) => s.type)).toEqual([
      "featured_categories",
      "product_carousel",
    ]);
    expect(defaults.sections[1].products.map((p: { name: string }) => p.name)).toContain("Camp Mug");

    const draft = await staff("GET", "/api/admin/content/home");
    expect(draft.json()).toMatchObject({ id: null, version: 0, status: "draft" });
    expect(draft.headers.etag).toBe('"0"');

    const upload = await t.app.inject({
      method: "POST",
      url: "/api/admin/content/images",
      headers: { cookie: editor, origin: t.ctx.config.publicUrl, "content-type": "image/png" },
      payload: await png(),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const imageId = upload.json().id;
    const gear = await id("categories", "slug", "gear");
    const tees = await id("categories", "slug", "tees");
    const mug = await id("products", "sku", "MUG");
    const tee = await id("products", "sku", "TEE");
    const sections = [
      {
        type: "hero",
        heading: "Summer on the trail",
        text: "New gear for long days.",
        imageId,
        linkUrl: "/categories/gear",
        linkLabel: "Shop gear",
      },
      { type: "featured_categories", heading: "Shop by category", categoryIds: [tees, gear] },
      {
        type: "product_carousel",
        heading: "Picked for you",
        source: "products",
        productIds: [mug, tee],
        limit: 8,
      },
      { type: "product_carousel", heading: "Tees", source: "category", categoryId: tees, limit: 4 },
      { type: "product_carousel", heading: "Best sellers", source: "bestsellers", limit: 4 },
      {
        type: "rich_text",
        body: '<p>Hello <strong>trail</strong><iframe src="https://evil.example"></iframe></p>',
      },
    ];
    const saved = await staff(
      "PUT",
      "/api/admin/content/home",
      { sections, metaTitle: "Trail gear", metaDescription: "Gear for the trail." },
      ifMatch(0),
    );
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, status: "draft" });
    expect(saved.json().draft.sections[5].body).toBe("<p>Hello <strong>trail</strong></p>");
    // Saved but not published: shoppers still see the defaults; staff preview the draft.
    expect((await store("/api/store/content/home")).json().isDefault).toBe(true);
    const preview = (await staff("GET", "/api/admin/content/preview/home")).json();
    expect(preview.sections[0]).toMatchObject({ type: "hero", heading: "Summer on the trail" });

    const published = await staff("POST", "/api/admin/content/home/publish", undefined, ifMatch(1));
    expect(published.statusCode, published.body).toBe(200);
    const home = (await store("/api/store/content/home")).json();
    expect(home).toMatchObject({ isDefault: false, metaTitle: "Trail gear" });
    const [hero, tiles, picked, teeRow, best, text] = home.sections;
    expect(hero).toMatchObject({ type: "hero", linkUrl: "/categories/gear", linkLabel: "Shop gear" });
    expect(hero.image.url).toMatch(/^\/media\/images\/[0-9a-f]{64}\/w1280\.webp$/);
    expect(hero.image.srcset).toHaveLength(3);
    expect(tiles.categories.map((c: { slug: string }) => c.slug)).toEqual(["tees", "gear"]);
    expect(picked.products.map((p: { name: string }) => p.name)).toEqual(["Camp Mug", "Trail Tee"]);
    expect(teeRow).toMatchObject({ linkUrl: "/categories/tees" });
    expect(teeRow.products.map((p: { name: string }) => p.name)).toEqual(["Trail Tee"]);
    expect(best.products.length).toBeGreaterThan(0); // no orders yet: the newest
    expect(text.body).toBe("<p>Hello <strong>trail</strong></p>");

    const audit = await auditActions(published.json().id);
    expect(audit.map((a) => a.action)).toEqual(["content.home.update", "content.home.publish"]);
    expect(Object.keys(audit[0]!.metadata.changes ?? {})).toEqual(
      expect.arrayContaining(["sections", "metaTitle", "metaDescription"]),
    );
  });

  it("names the wrong field of a section", async () => {
    const current = (await staff("GET", "/api/admin/content/home")).json();
    const save = (sections: object[]) =>
      staff("PUT", "/api/admin/content/home", { sections }, ifMatch(current.version));
    const hero = { type: "hero", heading: "Hi", text: "", imageId: null, linkUrl: "", linkLabel: "" };
    const cases: [object[], string][] = [
      [[{ ...hero, heading: "" }], "sections.0.heading"],
      [[hero, { ...hero, linkUrl: "javascript:alert(1)", linkLabel: "Go" }], "sections.1.linkUrl"],
      [[{ ...hero, linkUrl: "//evil.example/x", linkLabel: "Go" }], "sections.0.linkUrl"],
      [[{ ...hero, linkLabel: "Go" }], "sections.0.linkUrl"],
      [[{ ...hero, imageId: "img_missing" }], "sections.0.imageId"],
      [[{ ...hero, colour: "red" }], "sections.0.colour"],
      [[{ type: "banner" }], "sections.0.type"],
      [
        [{ type: "featured_categories", heading: "x", categoryIds: ["cat_nope"] }],
        "sections.0.categoryIds.0",
      ],
      [[{ type: "product_carousel", heading: "x", source: "category", limit: 4 }], "sections.0.categoryId"],
      [
        [{ type: "product_carousel", heading: "x", source: "products", productIds: [], limit: 4 }],
        "sections.0.productIds",
      ],
      [
        [{ type: "product_carousel", heading: "x", source: "products", productIds: ["prod_nope"], limit: 4 }],
        "sections.0.productIds.0",
      ],
      [[{ type: "product_carousel", heading: "x", source: "new", limit: 0 }], "sections.0.limit"],
      [[{ type: "product_carousel", heading: "x", source: "hot", limit: 4 }], "sections.0.source"],
    ];
    for (const [sections, field] of cases) {
      const res = await save(sections);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(fieldOf(res), res.body).toBe(field);
    }
    expect((await staff("GET", "/api/admin/content/home")).json().version).toBe(current.version);
  });
});

describe("menus and the announcement bar", () => {
  it("are published in one layout call; drafts stay out of the store", async () => {
    expect((await store("/api/store/content/layout")).json()).toEqual({
      mainMenu: null,
      footerMenu: null,
      announcement: null,
    });
    const menu = {
      items: [
        { label: "Gear", url: "/categories/gear", children: [{ label: "Tees", url: "/categories/tees" }] },
        { label: "Blog", url: "https://blog.example.com/" },
      ],
    };
    const saved = await staff("PUT", "/api/admin/content/menus/main", menu, ifMatch(0));
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await store("/api/store/content/layout")).json().mainMenu).toBeNull();
    expect((await staff("POST", "/api/admin/content/menus/footer/publish")).statusCode).toBe(404);
    await staff("POST", "/api/admin/content/menus/main/publish", undefined, ifMatch(1));
    expect((await store("/api/store/content/layout")).json().mainMenu).toEqual(menu);

    const badMenu = await staff("PUT", "/api/admin/content/menus/main", {
      items: [
        { label: "Home", url: "/" },
        { label: "Bad", url: "data:text/html,x" },
      ],
    });
    expect(badMenu.statusCode).toBe(400);
    expect(fieldOf(badMenu)).toBe("items.1.url");
    expect((await staff("GET", "/api/admin/content/menus/sidebar")).statusCode).toBe(400);

    const bar = await staff("PUT", "/api/admin/content/announcement", {
      text: "",
      enabled: true,
      tone: "promo",
    });
    expect(bar.statusCode).toBe(400);
    expect(fieldOf(bar)).toBe("text");
    const ok = await staff("PUT", "/api/admin/content/announcement", {
      text: "Free shipping over $50",
      linkUrl: "/pages/shipping",
      enabled: true,
      tone: "promo",
    });
    expect(ok.statusCode, ok.body).toBe(200);
    await staff("POST", "/api/admin/content/announcement/publish");
    expect((await store("/api/store/content/layout")).json().announcement).toEqual({
      text: "Free shipping over $50",
      linkUrl: "/pages/shipping",
      tone: "promo",
    });
    const off = await staff("PUT", "/api/admin/content/announcement", {
      text: "Free shipping over $50",
      enabled: false,
      tone: "promo",
    });
    await staff("POST", "/api/admin/content/announcement/publish", undefined, ifMatch(off.json().version));
    expect((await store("/api/store/content/layout")).json().announcement).toBeNull();
    const actions = (await auditActions(ok.json().id)).map((a) => a.action);
    expect(actions).toEqual([
      "content.announcement.update",
      "content.announcement.publish",
      "content.announcement.update",
      "content.announcement.publish",
    ]);
  });
});

describe("Luma CMS import", () => {
  const storeImage = async (file: string, alt: string) => {
    const stored = await t.ctx.images.storeOriginal(fs.readFileSync(file));
    return saveImage(t.ctx.db, stored, alt);
  };

  it("imports pages (published, sanitised) and the footer, keeps the home page staff saved, and is idempotent", async () => {
    const catalog = {
      categoryIdBySlug: new Map([["gear", await id("categories", "slug", "gear")]]),
      storeImage,
    };
    const first = await importLumaContent(t.ctx, t.ctx.config.lumaPath, catalog);
    // Luma's four pages and footer menu, and the demo marketplace's seller agreement.
    expect(first.counts).toMatchObject({ created: 6, updated: 0, kept: 0, homeSeeded: false });
    expect((await store("/api/store/content/pages/seller-agreement")).json().title).toBe("Seller agreement");
    const about = await store("/api/store/content/pages/about-us");
    expect(about.statusCode).toBe(200);
    expect(about.json().title).toBe("About us");
    expect(about.json().body).toContain('href="/pages/customer-service"');
    expect(about.json().body).toContain('href="/pages/contact"');
    expect(about.json().body).not.toMatch(/\{\{|style=/);
    expect((await store("/api/store/content/pages/privacy-policy")).statusCode).toBe(200);
    expect((await store("/api/store/content/pages/contact")).json().body).toContain("1-800-403-8838");
    const footer = (await store("/api/store/content/layout")).json().footerMenu;
    expect(footer.items.map((i: { label: string }) => i.label)).toEqual([
      "About us",
      "Customer Service",
      "Privacy and Cookie Policy",
      "Contact us",
      "Orders and Returns",
    ]);

    // Staff change one imported page; a re-import keeps it and changes nothing else.
    const pages = (await staff("GET", "/api/admin/content/pages?q=customer")).json().items;
    const service = pages[0];
    await staff(
      "PUT",
      `/api/admin/content/pages/${service.id}`,
      { slug: "customer-service", title: "Help" },
      ifMatch(service.version),
    );
    const second = await importLumaContent(t.ctx, t.ctx.config.lumaPath, catalog);
    expect(second.counts).toMatchObject({ created: 0, updated: 0, unchanged: 5, kept: 1, homeSeeded: false });
    expect((await staff("GET", `/api/admin/content/pages/${service.id}`)).json().draft.title).toBe("Help");
    const [imported] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from content_entries where source_key like 'luma:%'`,
    );
    expect(imported!.n).toBe(5);
  });

  it("seeds a published home page when none was ever saved", async () => {
    const fresh = await testApp();
    try {
      await seedShop(fresh.ctx);
      const storeImageFresh = async (file: string, alt: string) =>
        saveImage(fresh.ctx.db, await fresh.ctx.images.storeOriginal(fs.readFileSync(file)), alt);
      const gear = await queryRows<{ id: string }>(
        fresh.ctx.db,
        sql`select id from categories where slug = 'gear'`,
      );
      const catalog = { categoryIdBySlug: new Map([["gear", gear[0]!.id]]), storeImage: storeImageFresh };
      const first = await importLumaContent(fresh.ctx, fresh.ctx.config.lumaPath, catalog);
      expect(first.counts.homeSeeded).toBe(true);
      const home = (await fresh.app.inject({ method: "GET", url: "/api/store/content/home" })).json();
      expect(home.isDefault).toBe(false);
      expect(home.sections[0]).toMatchObject({ type: "hero", heading: "New Luma Yoga Collection" });
      expect(home.sections[0].image).not.toBeNull();
      expect(home.sections.map((s: { type: string }) => s.type)).toContain("featured_categories");
      const again = await importLumaContent(fresh.ctx, fresh.ctx.config.lumaPath, catalog);
      expect(again.counts).toMatchObject({ created: 0, homeSeeded: false, unchanged: 6 });
    } finally {
      await fresh.close();
    }
  });
});
