import { sql } from "drizzle-orm";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerStockAlerts } from "../src/flows/stock-alerts/index.ts";
import { upsertProduct } from "../src/modules/catalog/index.ts";
import { ensureDefaultLocation, getAvailability } from "../src/modules/inventory/index.ts";
import { decideReturn, receiveReturn } from "../src/modules/orders/orders.returns.ts";
import { assignRole, bootstrapOwner } from "../src/modules/staff/index.ts";
import { queryRows } from "../src/platform/db.ts";
import { GuestShopper, seedShop, variantIds } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Inventory in the back office: stock locations (versioned), hand adjustments and transfers written to
 * the stock ledger with who made them (and concurrent ones never lose an update), the ledger also
 * recording sales, restocks and imports, and one staff e-mail per low-stock crossing.
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let origin: string;
let home: string;
let n = 0;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};

type Method = "GET" | "POST" | "PATCH" | "DELETE";
function call(
  method: Method,
  url: string,
  who: string | null,
  payload?: object,
  headers: Record<string, string> = {},
) {
  n++;
  return t.app.inject({
    method,
    url,
    headers: { origin, ...(who ? { cookie: cookies[who]! } : {}), ...headers },
    remoteAddress: `198.18.${Math.floor(n / 250)}.${n % 250}`,
    ...(payload ? { payload } : {}),
  });
}
const manager = (method: Method, url: string, payload?: object, headers?: Record<string, string>) =>
  call(method, url, "manager", payload, headers);

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");

/** Signs up (and in) a user with a staff role. */
async function staffMember(key: string, name: string, role: string) {
  const res = await call("POST", "/api/auth/sign-up/email", null, {
    name,
    email: `${key}@shop.test`,
    password: "quiet-harbor-7712",
  });
  expect(res.statusCode).toBe(200);
  cookies[key] = cookieOf(res);
  userIds[key] = res.json().user.id;
  await assignRole(t.ctx.db, userIds[key]!, role);
}

async function drainOutbox() {
  while ((await t.ctx.outbox.runOnce()) > 0) {}
}

const ledger = async (query: string) =>
  (await manager("GET", `/api/admin/inventory/adjustments?${query}`)).json();
const stockOf = async (variantId: string, locationId = home) =>
  (
    await queryRows<{ stocked: number; reserved: number }>(
      t.ctx.db,
      sql`select stocked_quantity as stocked, reserved_quantity as reserved from inventory_levels
        where variant_id = ${variantId} and location_id = ${locationId}`,
    )
  )[0];

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  ({ variants: v } = await seedShop(t.ctx));
  home = await ensureDefaultLocation(t.ctx.db);
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  // Until app.ts registers the flow itself (then this second registration is refused and skipped).
  try {
    registerStockAlerts(t.ctx.outbox, t.ctx.db, t.ctx.mailer, t.ctx.config);
  } catch {}
  const signIn = await call("POST", "/api/auth/sign-in/email", null, {
    email: "owner@shop.test",
    password: "correct horse battery staple",
  });
  cookies.owner = cookieOf(signIn);
  await staffMember("manager", "Cat Manager", "catalog_manager");
  await staffMember("analyst", "Ann Analyst", "analyst");
});
afterAll(async () => {
  await t?.close();
});

describe("stock locations", () => {
  it("creates, renames with If-Match (409 on a stale version), switches the default, and names bad fields", async () => {
    const list = await manager("GET", "/api/admin/inventory/locations");
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: home,
        isDefault: true,
        isActive: true,
        skuCount: 4,
        stockedQuantity: 200,
      }),
    ]);

    const created = await manager("POST", "/api/admin/inventory/locations", {
      code: "east",
      name: "East warehouse",
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const east = created.json();
    expect(east).toMatchObject({
      code: "east",
      name: "East warehouse",
      isDefault: false,
      isActive: true,
      version: 1,
    });

    const taken = await manager("POST", "/api/admin/inventory/locations", { code: "east", name: "Again" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: "LOCATION_CODE_TAKEN", errors: [{ field: "code" }] });
    const badCode = await manager("POST", "/api/admin/inventory/locations", {
      code: "East Wing!",
      name: "X",
    });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().errors[0].field).toBe("code");
    const noName = await manager("POST", "/api/admin/inventory/locations", { code: "west" });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors[0].field).toBe("name");
    const extra = await manager("POST", "/api/admin/inventory/locations", {
      code: "west",
      name: "W",
      colour: "red",
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors[0].field).toBe("colour");

    const renamed = await manager(
      "PATCH",
      `/api/admin/inventory/locations/${east.id}`,
      { name: "East depot" },
      { "if-match": '"1"' },
    );
    expect(renamed.statusCode).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    const stale = await manager(
      "PATCH",
      `/api/admin/inventory/locations/${east.id}`,
      { name: "East side" },
      { "if-match": '"1"' },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    const current = await manager("GET", `/api/admin/inventory/locations/${east.id}`);
    expect(current.json()).toMatchObject({ name: "East depot", version: 2 });
    expect(current.headers.etag).toBe('"2"');
    const badEtag = await manager(
      "PATCH",
      `/api/admin/inventory/locations/${east.id}`,
      { name: "E" },
      { "if-match": "2" },
    );
    expect(badEtag.statusCode).toBe(400);
    expect(badEtag.json().errors[0].field).toBe("If-Match");
    const unknown = await manager("PATCH", "/api/admin/inventory/locations/loc_nope", { name: "E" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("LOCATION_NOT_FOUND");

    // The default moves (the old default's version moves on too), and it must stay active.
    const made = await manager("PATCH", `/api/admin/inventory/locations/${east.id}`, { isDefault: true });
    expect(made.json()).toMatchObject({ isDefault: true, version: 3 });
    const old = (await manager("GET", `/api/admin/inventory/locations/${home}`)).json();
    expect(old).toMatchObject({ isDefault: false, version: 2 });
    const unset = await manager("PATCH", `/api/admin/inventory/locations/${east.id}`, { isDefault: false });
    expect(unset.statusCode).toBe(400);
    expect(unset.json().errors[0].field).toBe("isDefault");
    await manager("PATCH", `/api/admin/inventory/locations/${home}`, { isDefault: true });
    const deactivateDefault = await manager("PATCH", `/api/admin/inventory/locations/${home}`, {
      isActive: false,
    });
    expect(deactivateDefault.statusCode).toBe(409);
    expect(deactivateDefault.json()).toMatchObject({
      code: "DEFAULT_LOCATION",
      errors: [{ field: "isActive" }],
    });

    const audit = await call("GET", "/api/admin/audit-events?action=inventory.location.update", "owner");
    expect(audit.json().items.at(-1)).toMatchObject({
      actorId: userIds.manager,
      targetId: east.id,
      metadata: { changes: { name: { before: "East warehouse", after: "East depot" } } },
    });

    // An analyst reads stock but may not change it.
    expect((await call("GET", "/api/admin/inventory/locations", "analyst")).statusCode).toBe(200);
    const refused = await call("POST", "/api/admin/inventory/locations", "analyst", { code: "x", name: "X" });
    expect(refused.statusCode).toBe(403);
  });

  it("deletes a location that never held stock; one with history or the default is kept", async () => {
    const temp = (
      await manager("POST", "/api/admin/inventory/locations", { code: "pop-up", name: "Pop-up" })
    ).json();
    const gone = await manager("DELETE", `/api/admin/inventory/locations/${temp.id}`, undefined, {
      "if-match": '"1"',
    });
    expect(gone.statusCode).toBe(204);
    expect((await manager("GET", `/api/admin/inventory/locations/${temp.id}`)).statusCode).toBe(404);
    expect((await manager("DELETE", `/api/admin/inventory/locations/${temp.id}`)).statusCode).toBe(404);
    const isDefault = await manager("DELETE", `/api/admin/inventory/locations/${home}`);
    expect(isDefault.statusCode).toBe(409);
    expect(isDefault.json().code).toBe("DEFAULT_LOCATION");

    const used = (
      await manager("POST", "/api/admin/inventory/locations", { code: "kiosk", name: "Kiosk" })
    ).json();
    const adjust = (body: object) =>
      manager("POST", "/api/admin/inventory/adjustments", { variantId: v.MUG, locationId: used.id, ...body });
    expect((await adjust({ reason: "received", delta: 2 })).statusCode).toBe(201);
    const stocked = await manager("DELETE", `/api/admin/inventory/locations/${used.id}`);
    expect(stocked.json().code).toBe("LOCATION_HAS_STOCK");
    expect((await adjust({ reason: "lost", delta: -2 })).statusCode).toBe(201);
    const history = await manager("DELETE", `/api/admin/inventory/locations/${used.id}`);
    expect(history.statusCode).toBe(409);
    expect(history.json().code).toBe("LOCATION_HAS_HISTORY");
    const deactivated = await manager("PATCH", `/api/admin/inventory/locations/${used.id}`, {
      isActive: false,
    });
    expect(deactivated.json()).toMatchObject({ isActive: false });
    // An inactive location takes no new stock.
    const refused = await adjust({ reason: "received", delta: 1 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: "LOCATION_INACTIVE", errors: [{ field: "delta" }] });
  });
});

describe("stock adjustments", () => {
  it("adds by delta and sets a count, writing before/after/actor to the ledger and the audit log", async () => {
    const received = await manager("POST", "/api/admin/inventory/adjustments", {
      variantId: v.MUG,
      locationId: home,
      reason: "received",
      delta: 5,
      note: "PO 42",
    });
    expect(received.statusCode).toBe(201);
    expect(received.json()).toMatchObject({
      level: {
        variantId: v.MUG,
        sku: "MUG",
        productName: "Camp Mug",
        locationId: home,
        stockedQuantity: 105,
      },
      adjustment: {
        reason: "received",
        before: 100,
        after: 105,
        delta: 5,
        note: "PO 42",
        sku: "MUG",
        actor: { id: userIds.manager, name: "Cat Manager", email: "manager@shop.test" },
      },
    });
    const counted = await manager("POST", "/api/admin/inventory/adjustments", {
      variantId: v.MUG,
      locationId: home,
      reason: "correction",
      newQuantity: 90,
    });
    expect(counted.json().adjustment).toMatchObject({ before: 105, after: 90, delta: -15 });

    const rows = (await ledger(`variantId=${v.MUG}&locationId=${home}`)).items;
    expect(
      rows.map((r: { reason: string; before: number; after: number }) => [r.reason, r.before, r.after]),
    ).toEqual([
      ["correction", 105, 90],
      ["received", 100, 105],
      ["import", 0, 100],
    ]);
    expect(rows[2].actor).toBeNull();

    const audit = await call("GET", "/api/admin/audit-events?action=inventory.stock.adjust", "owner");
    const entry = audit
      .json()
      .items.find(
        (e: { metadata: { adjustmentId?: string } }) =>
          e.metadata.adjustmentId === received.json().adjustment.id,
      );
    expect(entry).toMatchObject({
      actorId: userIds.manager,
      targetType: "variant",
      targetId: v.MUG,
      metadata: { sku: "MUG", reason: "received", changes: { stockedQuantity: { before: 100, after: 105 } } },
    });
  });

  it("refuses bad input naming the field, unknown ids, and going below zero or below the reserved units", async () => {
    const adjust = (body: object) =>
      manager("POST", "/api/admin/inventory/adjustments", { variantId: v.MUG, locationId: home, ...body });
    const both = await adjust({ reason: "correction", delta: 1, newQuantity: 3 });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0].field).toBe("newQuantity");
    const neither = await adjust({ reason: "correction" });
    expect(neither.json().errors[0].field).toBe("delta");
    const systemReason = await adjust({ reason: "sale", delta: -1 });
    expect(systemReason.statusCode).toBe(400);
    expect(systemReason.json().errors[0].field).toBe("reason");
    const wrongWay = await adjust({ reason: "damaged", delta: 3 });
    expect(wrongWay.statusCode).toBe(400);
    expect(wrongWay.json().errors[0].field).toBe("delta");
    const fraction = await adjust({ reason: "received", delta: 1.5 });
    expect(fraction.json().errors[0].field).toBe("delta");
    const unknownVariant = await adjust({ variantId: "var_nope", reason: "received", delta: 1 });
    expect(unknownVariant.statusCode).toBe(404);
    expect(unknownVariant.json().code).toBe("VARIANT_NOT_FOUND");
    const unknownLocation = await adjust({ locationId: "loc_nope", reason: "received", delta: 1 });
    expect(unknownLocation.statusCode).toBe(404);
    expect(unknownLocation.json().code).toBe("LOCATION_NOT_FOUND");

    // A guest's order holds 3 mugs.
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v.MUG, quantity: 3 }], "holder@example.com");
    expect((await guest.checkout("hold-3")).statusCode).toBe(201);
    expect(await stockOf(v.MUG)).toEqual({ stocked: 90, reserved: 3 });
    const belowReserved = await adjust({ reason: "lost", newQuantity: 2 });
    expect(belowReserved.statusCode).toBe(409);
    expect(belowReserved.json()).toMatchObject({
      code: "STOCK_BELOW_RESERVED",
      errors: [{ field: "newQuantity" }],
    });
    const belowZero = await adjust({ reason: "damaged", delta: -91 });
    expect(belowZero.statusCode).toBe(409);
    expect(belowZero.json()).toMatchObject({ code: "STOCK_BELOW_ZERO", errors: [{ field: "delta" }] });
    expect(await stockOf(v.MUG)).toEqual({ stocked: 90, reserved: 3 });
    // Down to exactly the reserved units is fine.
    expect((await adjust({ reason: "damaged", newQuantity: 3 })).statusCode).toBe(201);
    expect((await adjust({ reason: "received", newQuantity: 90 })).statusCode).toBe(201);
  });

  it("50 concurrent +1 adjustments of one level add exactly 50, with 50 ledger rows chained before -> after", async () => {
    const start = (await stockOf(v["TEE-S"]))!.stocked;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        manager("POST", "/api/admin/inventory/adjustments", {
          variantId: v["TEE-S"],
          locationId: home,
          reason: "received",
          delta: 1,
          note: `box ${i}`,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(201));
    expect((await stockOf(v["TEE-S"]))!.stocked).toBe(start + 50);
    const rows = (await ledger(`variantId=${v["TEE-S"]}&reason=received&limit=100`)).items as {
      id: string;
      before: number;
      after: number;
    }[];
    expect(rows).toHaveLength(50);
    // Newest first: each row starts where the one before it (in time) ended.
    const chain = [...rows].reverse();
    chain.forEach((row, i) => {
      expect(row.before).toBe(start + i);
      expect(row.after).toBe(start + i + 1);
    });
  });
});

describe("transfers", () => {
  it("moves available units in one transaction: two ledger rows with one transfer id, totals conserved", async () => {
    const east = (await manager("GET", "/api/admin/inventory/locations"))
      .json()
      .items.find((l: { code: string }) => l.code === "east");
    const moved = await manager("POST", "/api/admin/inventory/transfers", {
      variantId: v["TEE-M"],
      fromLocationId: home,
      toLocationId: east.id,
      quantity: 10,
      note: "Stock the east depot",
    });
    expect(moved.statusCode).toBe(201);
    const body = moved.json();
    expect(body).toMatchObject({
      from: { locationId: home, stockedQuantity: 40 },
      to: { locationId: east.id, stockedQuantity: 10, sku: "TEE-M" },
    });
    expect(body.adjustments).toEqual([
      expect.objectContaining({ reason: "transfer_out", before: 50, after: 40, transferId: body.transferId }),
      expect.objectContaining({ reason: "transfer_in", before: 0, after: 10, transferId: body.transferId }),
    ]);
    expect((await ledger(`transferId=${body.transferId}`)).items).toHaveLength(2);
    const levels = (await manager("GET", `/api/admin/inventory/variants/${v["TEE-M"]}/levels`)).json();
    expect(levels).toMatchObject({ sku: "TEE-M", productName: "Trail Tee" });
    expect(
      levels.items.reduce((sum: number, l: { stockedQuantity: number }) => sum + l.stockedQuantity, 0),
    ).toBe(50);
    expect(levels.items[0].locationId).toBe(home);

    const tooMany = await manager("POST", "/api/admin/inventory/transfers", {
      variantId: v["TEE-M"],
      fromLocationId: east.id,
      toLocationId: home,
      quantity: 11,
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json()).toMatchObject({ code: "INSUFFICIENT_STOCK", errors: [{ field: "quantity" }] });
    const same = await manager("POST", "/api/admin/inventory/transfers", {
      variantId: v["TEE-M"],
      fromLocationId: home,
      toLocationId: home,
      quantity: 1,
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().errors[0].field).toBe("toLocationId");

    // An inactive location's stock is not for sale.
    expect((await getAvailability(t.ctx.db, [v["TEE-M"]])).get(v["TEE-M"])!.availableQuantity).toBe(50);
    await manager("PATCH", `/api/admin/inventory/locations/${east.id}`, { isActive: false });
    expect((await getAvailability(t.ctx.db, [v["TEE-M"]])).get(v["TEE-M"])!.availableQuantity).toBe(40);
    await manager("PATCH", `/api/admin/inventory/locations/${east.id}`, { isActive: true });
  });
});

describe("stock levels", () => {
  it("pages through every level by cursor, filtered by search, location and low/out of stock", async () => {
    const first = (await manager("GET", "/api/admin/inventory/levels?limit=3")).json();
    expect(first.items).toHaveLength(3);
    expect(first.total).toBeGreaterThanOrEqual(6);
    const seen = [...first.items];
    let cursor = first.nextCursor;
    while (cursor) {
      const next = (
        await manager("GET", `/api/admin/inventory/levels?limit=3&cursor=${encodeURIComponent(cursor)}`)
      ).json();
      seen.push(...next.items);
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(first.total);
    expect(new Set(seen.map((l) => `${l.variantId}|${l.locationId}`)).size).toBe(first.total);

    const tees = (await manager("GET", "/api/admin/inventory/levels?search=trail%20tee")).json();
    expect([...new Set(tees.items.map((l: { sku: string }) => l.sku))].sort()).toEqual(["TEE-M", "TEE-S"]);
    const bySku = (await manager("GET", "/api/admin/inventory/levels?search=mug")).json();
    expect(bySku.items.every((l: { sku: string }) => l.sku === "MUG")).toBe(true);
    const east = (await manager("GET", "/api/admin/inventory/locations"))
      .json()
      .items.find((l: { code: string }) => l.code === "east");
    const atEast = (await manager("GET", `/api/admin/inventory/levels?locationId=${east.id}`)).json();
    expect(atEast.items.map((l: { sku: string }) => l.sku)).toEqual(["TEE-M"]);

    await manager("POST", "/api/admin/inventory/adjustments", {
      variantId: v["TEE-M"],
      locationId: east.id,
      reason: "damaged",
      newQuantity: 0,
    });
    const out = (await manager("GET", "/api/admin/inventory/levels?status=out")).json();
    expect(out.items).toEqual([
      expect.objectContaining({
        sku: "TEE-M",
        locationId: east.id,
        stockStatus: "out_of_stock",
        availableQuantity: 0,
      }),
    ]);
    const low = (await manager("GET", "/api/admin/inventory/levels?status=low")).json();
    expect(low.items.map((l: { stockStatus: string }) => l.stockStatus)).toContain("out_of_stock");
    const badCursor = await manager("GET", "/api/admin/inventory/levels?cursor=nonsense");
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().errors[0].field).toBe("cursor");
    const badStatus = await manager("GET", "/api/admin/inventory/levels?status=empty");
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().errors[0].field).toBe("status");
  });

  it("changes a level's threshold (audited), which an import of the same stock leaves alone", async () => {
    const saved = await manager("PATCH", `/api/admin/inventory/levels/${v.MUG}/${home}`, {
      lowStockThreshold: 12,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ sku: "MUG", lowStockThreshold: 12, manageStock: true });
    const audit = await call("GET", "/api/admin/audit-events?action=inventory.level.update", "owner");
    expect(audit.json().items[0].metadata.changes).toEqual({ lowStockThreshold: { before: 5, after: 12 } });
    const empty = await manager("PATCH", `/api/admin/inventory/levels/${v.MUG}/${home}`, {});
    expect(empty.statusCode).toBe(400);
    const negative = await manager("PATCH", `/api/admin/inventory/levels/${v.MUG}/${home}`, {
      lowStockThreshold: -1,
    });
    expect(negative.json().errors[0].field).toBe("lowStockThreshold");
    expect(
      (await manager("PATCH", `/api/admin/inventory/levels/${v.MUG}/loc_nope`, { manageStock: true }))
        .statusCode,
    ).toBe(404);
    expect(
      (await manager("PATCH", `/api/admin/inventory/levels/var_nope/${home}`, { manageStock: true }))
        .statusCode,
    ).toBe(404);
    expect((await manager("GET", "/api/admin/inventory/variants/var_nope/levels")).statusCode).toBe(404);

    // Re-importing the product with the stock it has records nothing and keeps the threshold.
    const importsBefore = (await ledger(`variantId=${v.MUG}&reason=import`)).total;
    await upsertProduct(t.ctx.db, {
      sku: "MUG",
      type: "simple",
      name: "Camp Mug",
      currency: "USD",
      categorySlugs: ["gear"],
      variants: [{ sku: "MUG", priceAmount: 1250, stockQuantity: 90, weightGrams: 350 }],
    });
    expect((await ledger(`variantId=${v.MUG}&reason=import`)).total).toBe(importsBefore);
    const level = (await manager("GET", `/api/admin/inventory/variants/${v.MUG}/levels`)).json().items[0];
    expect(level).toMatchObject({ stockedQuantity: 90, lowStockThreshold: 12 });
    // A changed quantity is recorded.
    await upsertProduct(t.ctx.db, {
      sku: "MUG",
      type: "simple",
      name: "Camp Mug",
      currency: "USD",
      categorySlugs: ["gear"],
      variants: [{ sku: "MUG", priceAmount: 1250, stockQuantity: 95, weightGrams: 350 }],
    });
    expect((await ledger(`variantId=${v.MUG}&reason=import`)).items[0]).toMatchObject({
      before: 90,
      after: 95,
      actor: null,
    });
  });
});

describe("the ledger records the system's changes", () => {
  it("a shipment (sale) and a received return (restock)", async () => {
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: v["TEE-S"], quantity: 2 }], "buyer@example.com");
    const order = (await guest.checkout("sale-2")).json();
    const before = (await stockOf(v["TEE-S"]))!.stocked;
    const shipped = await call("POST", `/api/admin/orders/${order.id}/fulfillments`, "owner", {
      carrier: "ups",
      trackingNumber: "1ZLEDGER",
      lines: [{ lineId: order.lines[0].id, quantity: 2 }],
    });
    expect(shipped.statusCode).toBe(201);
    const sale = (await ledger(`variantId=${v["TEE-S"]}&reason=sale`)).items;
    expect(sale).toEqual([
      expect.objectContaining({
        before,
        after: before - 2,
        delta: -2,
        actor: null,
        note: `Order ${order.id}`,
      }),
    ]);

    const asked = await t.app.inject({
      method: "POST",
      url: "/api/store/orders/lookup/returns",
      payload: {
        number: order.number,
        email: "buyer@example.com",
        lines: [{ lineId: order.lines[0].id, quantity: 1, reason: "too small" }],
      },
    });
    expect(asked.statusCode).toBe(201);
    const rma = asked.json().returns[0];
    await decideReturn(t.ctx, rma.id, { approve: true, actor: "staff:test" });
    await receiveReturn(t.ctx, rma.id, { restock: true, refund: false, actor: "staff:test" });
    const restock = (await ledger(`variantId=${v["TEE-S"]}&reason=restock`)).items;
    expect(restock).toEqual([
      expect.objectContaining({ before: before - 2, after: before - 1, delta: 1, actor: null }),
    ]);
    // Both show in the unfiltered ledger, newest first.
    const all = (await ledger("limit=2")).items.map((r: { reason: string }) => r.reason);
    expect(all).toEqual(["restock", "sale"]);
  });
});

describe("low-stock e-mails", () => {
  it("a level taken to its threshold e-mails each inventory manager once, not again while it stays low", async () => {
    await upsertProduct(t.ctx.db, {
      sku: "LAMP",
      type: "simple",
      name: "Camp Lamp",
      currency: "USD",
      categorySlugs: ["gear"],
      variants: [{ sku: "LAMP", priceAmount: 3900, stockQuantity: 20 }],
    });
    const lamp = (await variantIds(t.ctx)).LAMP!;
    await drainOutbox();
    const lampMail = async () =>
      queryRows<{ id: string; to: string; subject: string; text: string }>(
        t.ctx.db,
        sql`select id, "to", subject, text from mail_messages where subject like 'Low stock: LAMP%' order by "to"`,
      );
    expect(await lampMail()).toEqual([]);

    const adjust = (body: object) =>
      manager("POST", "/api/admin/inventory/adjustments", { variantId: lamp, locationId: home, ...body });
    expect((await adjust({ reason: "damaged", delta: -14 })).statusCode).toBe(201); // 20 -> 6: above 5
    await drainOutbox();
    expect(await lampMail()).toEqual([]);
    expect((await adjust({ reason: "damaged", delta: -2 })).statusCode).toBe(201); // 6 -> 4: crosses 5
    await drainOutbox();
    const sent = await lampMail();
    // The owner and the catalog manager hold inventory:write; the analyst does not.
    expect(sent.map((m) => m.to)).toEqual(["manager@shop.test", "owner@shop.test"]);
    expect(sent[0]!.subject).toBe("Low stock: LAMP at Default warehouse (4 left)");
    expect(sent[0]!.text).toContain("Camp Lamp is running low at Default warehouse");
    expect(sent[0]!.text).toContain("/admin/inventory?search=LAMP");

    // Still low: more units going sends nothing more.
    expect((await adjust({ reason: "lost", delta: -1 })).statusCode).toBe(201);
    const guest = new GuestShopper(t.app);
    await guest.readyCart([{ variantId: lamp, quantity: 1 }], "lamp@example.com");
    expect((await guest.checkout("lamp-1")).statusCode).toBe(201);
    await drainOutbox();
    expect(await lampMail()).toHaveLength(2);

    // A redelivered event (at-least-once delivery) sends nothing twice.
    await t.ctx.db.execute(
      sql`update outbox_events set status = 'pending', attempts = 0 where topic = 'stock.low'`,
    );
    await drainOutbox();
    expect(await lampMail()).toHaveLength(2);

    // Back above the threshold, then down again: a new crossing, new e-mails.
    expect((await adjust({ reason: "received", delta: 10 })).statusCode).toBe(201);
    expect((await adjust({ reason: "correction", newQuantity: 2 })).statusCode).toBe(201);
    await drainOutbox();
    expect(await lampMail()).toHaveLength(4);

    // A crossing that was restocked before its event was handled is no longer news: no e-mail.
    expect((await adjust({ reason: "received", delta: 20 })).statusCode).toBe(201);
    expect((await adjust({ reason: "damaged", delta: -19 })).statusCode).toBe(201); // crosses again
    expect((await adjust({ reason: "received", delta: 30 })).statusCode).toBe(201);
    await drainOutbox();
    expect(await lampMail()).toHaveLength(4);
  });
});
