import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { GuestShopper, michigan, seedShop } from "./commerce-fixtures.ts";
import { testApp } from "./helpers.ts";

/**
 * Customer groups: staff manage them and their members; promotions can be limited to groups (only
 * signed-in members' carts get them, re-checked when the order is placed) and a price list can give a
 * group its own prices (the lowest applicable price wins).
 */
let t: Awaited<ReturnType<typeof testApp>>;
let v: Awaited<ReturnType<typeof seedShop>>["variants"];
let owner: string;
let origin: string;
let n = 0;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

beforeAll(async () => {
  t = await testApp({ adminEmail: "owner@shop.test", adminPassword: "correct horse battery staple" });
  origin = t.ctx.config.publicUrl;
  ({ variants: v } = await seedShop(t.ctx));
  await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
  const signIn = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-in/email",
    headers: { origin },
    payload: { email: "owner@shop.test", password: "correct horse battery staple" },
  });
  owner = cookieOf(signIn);
});
afterAll(async () => {
  await t?.close();
});

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

const staff = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/admin${url}`,
    headers: { cookie: owner, origin, ...headers },
    ...(payload ? { payload } : {}),
  });

/** A signed-in shopper: its cart is the account's. */
class Customer {
  constructor(
    readonly id: string,
    readonly cookie: string,
    readonly email: string,
  ) {}

  call(method: Method, url: string, payload?: object, headers: Record<string, string> = {}) {
    return t.app.inject({
      method,
      url: `/api/store${url}`,
      headers: { cookie: this.cookie, origin, ...headers },
      ...(payload ? { payload } : {}),
    });
  }

  /** Puts one line in the cart and readies it for checkout (e-mail, Michigan, Best Way). */
  async readyCart(variantId: string, quantity: number) {
    expect((await this.call("POST", "/cart/lines", { variantId, quantity })).statusCode).toBe(200);
    await this.call("PUT", "/cart/email", { email: this.email });
    const cart = (await this.call("PUT", "/cart/shipping-address", michigan)).json();
    const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
    const ready = await this.call("PUT", "/cart/shipping-method", { shippingMethodId: best.id });
    expect(ready.statusCode).toBe(200);
    return ready.json();
  }

  checkout(key: string) {
    return this.call(
      "POST",
      "/checkout",
      { payment: { provider: "test", data: { cardNumber: "4242424242424242" } } },
      { "idempotency-key": key },
    );
  }
}

async function signUp(name: string): Promise<Customer> {
  n++;
  const email = `${name.toLowerCase()}@groups.test`;
  const res = await t.app.inject({
    method: "POST",
    url: "/api/auth/sign-up/email",
    payload: { name, email, password: "patient-otter-4821" },
    headers: { origin },
    remoteAddress: `198.18.7.${n}`,
  });
  expect(res.statusCode).toBe(200);
  return new Customer(res.json().user.id, cookieOf(res), email);
}

async function createGroup(name: string, description = ""): Promise<string> {
  const res = await staff("POST", "/customer-groups", { name, description });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

async function addMembers(groupId: string, ...customers: Customer[]) {
  const res = await staff("POST", `/customer-groups/${groupId}/members`, {
    userIds: customers.map((c) => c.id),
  });
  expect(res.statusCode).toBe(200);
}

async function lastAudit(action: string) {
  const res = await staff("GET", `/audit-events?action=${action}&limit=1`);
  expect(res.statusCode).toBe(200);
  return res.json().items[0];
}

describe("customer groups (staff)", () => {
  it("create, read, rename with If-Match, delete; bad input names the field; audited with before/after", async () => {
    const created = await staff("POST", "/customer-groups", {
      name: " Wholesale ",
      description: "Trade buyers",
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const group = created.json();
    expect(group).toMatchObject({
      id: expect.stringMatching(/^cgrp_/),
      name: "Wholesale",
      description: "Trade buyers",
      memberCount: 0,
      version: 1,
    });
    expect((await lastAudit("customer_group.create")).metadata.changes).toEqual({
      name: { before: null, after: "Wholesale" },
      description: { before: null, after: "Trade buyers" },
    });

    const blank = await staff("POST", "/customer-groups", { name: "   " });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ field: "name", message: "is required" }]);
    const long = await staff("POST", "/customer-groups", { name: "Long", description: "x".repeat(1001) });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].field).toBe("description");
    const taken = await staff("POST", "/customer-groups", { name: "WHOLESALE" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe("GROUP_NAME_TAKEN");

    const read = await staff("GET", `/customer-groups/${group.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(group);
    const missing = await staff("GET", "/customer-groups/cgrp_nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe("CUSTOMER_GROUP_NOT_FOUND");
    expect((await staff("PATCH", "/customer-groups/cgrp_nope", { name: "X" })).statusCode).toBe(404);

    const renamed = await staff(
      "PATCH",
      `/customer-groups/${group.id}`,
      { name: "Trade" },
      { "if-match": '"1"' },
    );
    expect(renamed.statusCode).toBe(200);
    expect(renamed.headers.etag).toBe('"2"');
    expect(renamed.json()).toMatchObject({ name: "Trade", description: "Trade buyers", version: 2 });
    const update = await lastAudit("customer_group.update");
    expect(update.targetId).toBe(group.id);
    expect(update.metadata.changes).toEqual({ name: { before: "Wholesale", after: "Trade" } });

    const stale = await staff(
      "PATCH",
      `/customer-groups/${group.id}`,
      { description: "" },
      { "if-match": '"1"' },
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("STALE_VERSION");
    expect((await staff("GET", `/customer-groups/${group.id}`)).json().description).toBe("Trade buyers");
    const blankRename = await staff("PATCH", `/customer-groups/${group.id}`, { name: " " });
    expect(blankRename.statusCode).toBe(400);
    expect(blankRename.json().errors[0].field).toBe("name");

    const staleDelete = await staff("DELETE", `/customer-groups/${group.id}`, undefined, {
      "if-match": '"1"',
    });
    expect(staleDelete.statusCode).toBe(409);
    expect(staleDelete.json().code).toBe("STALE_VERSION");
    const deleted = await staff("DELETE", `/customer-groups/${group.id}`, undefined, { "if-match": '"2"' });
    expect(deleted.statusCode).toBe(204);
    expect((await staff("GET", `/customer-groups/${group.id}`)).statusCode).toBe(404);
    const removal = await lastAudit("customer_group.delete");
    expect(removal.metadata.changes).toEqual({
      name: { before: "Trade", after: null },
      description: { before: "Trade buyers", after: null },
    });
  });

  it("lists groups by name with member counts, searched and paged by cursor", async () => {
    const a = await createGroup("List Alpha");
    await createGroup("List Beta");
    await createGroup("List Gamma");
    const member = await signUp("Lister");
    await addMembers(a, member);
    const first = await staff("GET", "/customer-groups?q=list&limit=2");
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.total).toBe(3);
    expect(page.items.map((g: { name: string; memberCount: number }) => [g.name, g.memberCount])).toEqual([
      ["List Alpha", 1],
      ["List Beta", 0],
    ]);
    const rest = (await staff("GET", `/customer-groups?q=list&limit=2&cursor=${page.nextCursor}`)).json();
    expect(rest.items.map((g: { name: string }) => g.name)).toEqual(["List Gamma"]);
    expect(rest.nextCursor).toBeNull();
    const bad = await staff("GET", "/customer-groups?cursor=nonsense");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("cursor");
  });

  it("adds members (all or nothing, unknown ids named), lists them searchably, removes them, from both sides", async () => {
    const group = await createGroup("Members Club");
    const ada = await signUp("Ada");
    const bob = await signUp("Bob");
    const cleo = await signUp("Cleo");

    const unknown = await staff("POST", `/customer-groups/${group}/members`, {
      userIds: [ada.id, "usr_missing"],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ field: "userIds[1]", message: "no customer usr_missing" }]);
    expect((await staff("GET", `/customer-groups/${group}`)).json().memberCount).toBe(0);

    const added = await staff("POST", `/customer-groups/${group}/members`, { userIds: [ada.id, bob.id] });
    expect(added.json()).toEqual({ added: [ada.id, bob.id], memberCount: 2 });
    const again = await staff("POST", `/customer-groups/${group}/members`, { userIds: [ada.id] });
    expect(again.json()).toEqual({ added: [], memberCount: 2 });
    expect((await lastAudit("customer_group.members.add")).metadata.userIds).toEqual([ada.id, bob.id]);
    expect(
      (await staff("POST", "/customer-groups/cgrp_nope/members", { userIds: [ada.id] })).statusCode,
    ).toBe(404);

    const members = (await staff("GET", `/customer-groups/${group}/members?limit=1`)).json();
    expect(members.total).toBe(2);
    expect(members.items).toEqual([
      { userId: ada.id, name: "Ada", email: ada.email, addedAt: expect.any(String) },
    ]);
    const next = (
      await staff("GET", `/customer-groups/${group}/members?limit=1&cursor=${members.nextCursor}`)
    ).json();
    expect(next.items.map((m: { name: string }) => m.name)).toEqual(["Bob"]);
    const found = (await staff("GET", `/customer-groups/${group}/members?q=BOB@groups`)).json();
    expect(found.items.map((m: { userId: string }) => m.userId)).toEqual([bob.id]);

    const removed = await staff("DELETE", `/customer-groups/${group}/members/${bob.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await lastAudit("customer_group.members.remove")).metadata.userIds).toEqual([bob.id]);
    expect((await staff("GET", `/customer-groups/${group}`)).json().memberCount).toBe(1);

    // From the customer's side.
    expect((await staff("GET", `/customers/${cleo.id}/groups`)).json()).toEqual({ items: [] });
    const joined = await staff("PUT", `/customers/${cleo.id}/groups/${group}`);
    expect(joined.statusCode).toBe(200);
    expect(joined.json().items).toEqual([
      { id: group, name: "Members Club", description: "", addedAt: expect.any(String) },
    ]);
    expect((await staff("GET", `/customer-groups/${group}`)).json().memberCount).toBe(2);
    const left = await staff("DELETE", `/customers/${cleo.id}/groups/${group}`);
    expect(left.json()).toEqual({ items: [] });
    expect((await staff("PUT", `/customers/usr_nope/groups/${group}`)).json().code).toBe(
      "CUSTOMER_NOT_FOUND",
    );
    expect((await staff("PUT", `/customers/${cleo.id}/groups/cgrp_nope`)).json().code).toBe(
      "CUSTOMER_GROUP_NOT_FOUND",
    );
    expect((await staff("GET", "/customers/usr_nope/groups")).statusCode).toBe(404);

    // Deleting the group ends its memberships; the accounts stay.
    expect((await staff("DELETE", `/customer-groups/${group}`)).statusCode).toBe(204);
    expect((await staff("GET", `/customers/${ada.id}/groups`)).json()).toEqual({ items: [] });
  });

  it("a group targeted by a price list or a promotion is not deleted: 409 GROUP_IN_USE naming them", async () => {
    const group = await createGroup("VIP");
    const unknown = await staff("POST", "/promotions", {
      name: "VIP five off",
      type: "percentage",
      value: 500,
      conditions: { customerGroupIds: [group, "cgrp_nope"] },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { field: "conditions.customerGroupIds[1]", message: "no customer group cgrp_nope" },
    ]);
    const promotion = await staff("POST", "/promotions", {
      name: "VIP five off",
      type: "percentage",
      value: 500,
      conditions: { customerGroupIds: [group] },
    });
    expect(promotion.statusCode).toBe(201);
    expect(promotion.json().conditions.customerGroupIds).toEqual([group]);
    expect(promotion.json().customerGroups).toEqual([{ id: group, name: "VIP" }]);
    const list = await staff("POST", "/price-lists", {
      currency: "USD",
      name: "VIP prices",
      customerGroupId: group,
    });
    expect(list.statusCode).toBe(201);

    const refused = await staff("DELETE", `/customer-groups/${group}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("GROUP_IN_USE");
    expect(
      refused
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual([`priceLists.${list.json().id}`, `promotions.${promotion.json().id}`].sort());
    expect(refused.json().detail).toContain('"VIP five off"');
    expect((await staff("GET", `/customer-groups/${group}`)).statusCode).toBe(200);

    // Detached from the promotion, the price list still holds it.
    const detached = await staff("PATCH", `/promotions/${promotion.json().id}`, {
      conditions: { customerGroupIds: [] },
    });
    expect(detached.statusCode).toBe(200);
    const still = await staff("DELETE", `/customer-groups/${group}`);
    expect(still.json().errors).toEqual([
      { field: `priceLists.${list.json().id}`, message: 'price list "VIP prices (USD)" targets this group' },
    ]);
    // Not leaking into other tests: the promotion goes away.
    expect((await staff("DELETE", `/promotions/${promotion.json().id}`)).statusCode).toBe(200);
  });
});

describe("a promotion limited to a customer group", () => {
  it("only signed-in members' carts get it; a member removed before checkout does not get it on the order", async () => {
    const group = await createGroup("Club Members");
    const member = await signUp("Mia");
    const other = await signUp("Noah");
    const leaver = await signUp("Liam");
    await addMembers(group, member, leaver);
    const created = await staff("POST", "/promotions", {
      name: "Club 20 % off",
      type: "percentage",
      value: 2000,
      conditions: { customerGroupIds: [group] },
    });
    expect(created.statusCode).toBe(201);
    const promotionId = created.json().id;

    // 2 mugs: 2500; 20 % = 500.
    const memberCart = await member.readyCart(v.MUG, 2);
    expect(memberCart.totals).toMatchObject({ subtotal: 2500, discountTotal: 500 });
    expect(memberCart.appliedPromotions.map((p: { id: string }) => p.id)).toEqual([promotionId]);
    const otherCart = (await other.call("POST", "/cart/lines", { variantId: v.MUG, quantity: 2 })).json();
    expect(otherCart.totals).toMatchObject({ subtotal: 2500, discountTotal: 0 });
    expect(otherCart.appliedPromotions).toEqual([]);
    const guest = new GuestShopper(t.app);
    const guestCart = (
      await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 2 })
    ).json();
    expect(guestCart.totals.discountTotal).toBe(0);

    const placed = await member.checkout("club-member-1");
    expect(placed.statusCode).toBe(201);
    expect(placed.json().totals).toMatchObject({ subtotal: 2500, discountTotal: 500 });
    expect(placed.json().promotions.map((p: { id: string }) => p.id)).toEqual([promotionId]);

    // Liam fills a cart as a member, then staff take him out of the group before he pays.
    const leaverCart = await leaver.readyCart(v.MUG, 2);
    expect(leaverCart.totals.discountTotal).toBe(500);
    expect((await staff("DELETE", `/customer-groups/${group}/members/${leaver.id}`)).statusCode).toBe(204);
    const order = await leaver.checkout("club-leaver-1");
    expect(order.statusCode).toBe(201);
    expect(order.json().totals).toMatchObject({ subtotal: 2500, discountTotal: 0 });
    expect(order.json().promotions).toEqual([]);
    expect(order.json().payment.amount).toBe(order.json().totals.total);

    // Paused so later tests price without it.
    expect((await staff("POST", `/promotions/${promotionId}/pause`)).statusCode).toBe(200);
  });
});

describe("price lists per customer group", () => {
  it("members pay their group's price (the lowest of their groups', or the general one when lower); others the general price", async () => {
    const trade = await createGroup("Trade");
    const gold = await createGroup("Gold");
    const dana = await signUp("Dana");
    const eve = await signUp("Eve");
    const finn = await signUp("Finn");
    await addMembers(trade, dana, eve);
    await addMembers(gold, eve);

    const tradeList = await staff("POST", "/price-lists", {
      currency: "usd",
      name: "Trade prices",
      customerGroupId: trade,
    });
    expect(tradeList.statusCode).toBe(201);
    expect(tradeList.json()).toMatchObject({
      currency: "USD",
      customerGroupId: trade,
      customerGroupName: "Trade",
      isActive: true,
    });
    const duplicate = await staff("POST", "/price-lists", {
      currency: "USD",
      name: "Again",
      customerGroupId: trade,
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().code).toBe("PRICE_LIST_EXISTS");
    const unknown = await staff("POST", "/price-lists", {
      currency: "USD",
      name: "?",
      customerGroupId: "cgrp_nope",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([
      { field: "customerGroupId", message: "no customer group cgrp_nope" },
    ]);
    const general = await staff("POST", "/price-lists", { currency: "USD", name: "Dollars" });
    expect(general.statusCode).toBe(400);
    expect(general.json().errors[0].field).toBe("currency");
    const upserted = await staff("PUT", "/price-lists/USD", {
      name: "Gold prices",
      customerGroupId: gold,
    });
    expect(upserted.statusCode).toBe(200);
    expect(upserted.json()).toMatchObject({ currency: "USD", customerGroupId: gold, name: "Gold prices" });

    const setTrade = await staff("PUT", `/price-lists/USD/prices?customerGroupId=${trade}`, {
      prices: [{ sku: "MUG", amount: 1000 }],
    });
    expect(setTrade.json()).toEqual({ set: 1, removed: 0 });
    // Gold: a lower mug, and a tee above the general price (the general one wins there).
    await staff("PUT", `/price-lists/USD/prices?customerGroupId=${gold}`, {
      prices: [
        { sku: "MUG", amount: 900 },
        { sku: "TEE-S", amount: 3500 },
      ],
    });
    const grid = (await staff("GET", `/price-lists/USD/prices?customerGroupId=${gold}&search=mug`)).json();
    expect(grid.items).toEqual([expect.objectContaining({ sku: "MUG", price: 900 })]);
    expect((await staff("GET", "/price-lists/USD/prices")).json().code).toBe("PRICE_LIST_NOT_FOUND");
    const lists: { name: string; customerGroupName: string | null }[] = (
      await staff("GET", "/price-lists")
    ).json().items;
    expect(lists.filter((l) => l.name !== "VIP prices").map((l) => [l.name, l.customerGroupName])).toEqual([
      ["Gold prices", "Gold"],
      ["Trade prices", "Trade"],
    ]);
    // A group's list re-prices; it does not add a currency.
    expect((await t.app.inject({ method: "GET", url: "/api/store/currencies" })).json().currencies).toEqual([
      "USD",
    ]);

    // Dana (Trade): the mug at 1000, regular 1250; her order keeps it.
    const danaCart = await dana.readyCart(v.MUG, 2);
    expect(danaCart.lines[0]).toMatchObject({
      sku: "MUG",
      unitPrice: 1000,
      regularPrice: 1250,
      subtotal: 2000,
    });
    expect(danaCart.totals.subtotal).toBe(2000);
    const danaOrder = await dana.checkout("trade-dana-1");
    expect(danaOrder.statusCode).toBe(201);
    expect(danaOrder.json().lines[0]).toMatchObject({ sku: "MUG", unitPrice: 1000 });
    expect(danaOrder.json().totals.subtotal).toBe(2000);

    // Eve (Trade and Gold): the lower of 1000 and 900 for the mug; the general 2900 for the tee.
    await eve.call("POST", "/cart/lines", { variantId: v.MUG, quantity: 1 });
    const eveCart = (await eve.call("POST", "/cart/lines", { variantId: v["TEE-S"], quantity: 1 })).json();
    const prices = Object.fromEntries(
      eveCart.lines.map((l: { sku: string; unitPrice: number }) => [l.sku, l.unitPrice]),
    );
    expect(prices).toEqual({ MUG: 900, "TEE-S": 2900 });
    await eve.call("PUT", "/cart/email", { email: eve.email });
    const address = (await eve.call("PUT", "/cart/shipping-address", michigan)).json();
    await eve.call("PUT", "/cart/shipping-method", {
      shippingMethodId: address.shippingOptions.find((o: { code: string }) => o.code === "best_way").id,
    });
    const eveOrder = await eve.checkout("gold-eve-1");
    expect(eveOrder.statusCode).toBe(201);
    expect(eveOrder.json().totals.subtotal).toBe(3800);

    // Finn (no group) and a guest pay the general price.
    const finnCart = (await finn.call("POST", "/cart/lines", { variantId: v.MUG, quantity: 2 })).json();
    expect(finnCart.lines[0]).toMatchObject({ unitPrice: 1250, subtotal: 2500 });
    const guest = new GuestShopper(t.app);
    const guestCart = (
      await guest.call("POST", "/api/store/cart/lines", { variantId: v.MUG, quantity: 1 })
    ).json();
    expect(guestCart.lines[0].unitPrice).toBe(1250);

    // Leaving the group gives the general price back, on the cart and on the order.
    const danaAgain = await dana.readyCart(v.MUG, 1);
    expect(danaAgain.lines[0].unitPrice).toBe(1000);
    await staff("DELETE", `/customers/${dana.id}/groups/${trade}`);
    const repriced = (await dana.call("GET", "/cart")).json();
    expect(repriced.lines[0]).toMatchObject({ unitPrice: 1250, previousUnitPrice: 1000 });
    const later = await dana.checkout("trade-dana-2");
    expect(later.statusCode).toBe(201);
    expect(later.json().lines[0].unitPrice).toBe(1250);
  });

  it("an item staff add to a member's order takes the group's price, as in the member's cart", async () => {
    const silver = await createGroup("Silver");
    const gus = await signUp("Gus");
    await addMembers(silver, gus);
    const list = await staff("POST", "/price-lists", {
      currency: "USD",
      name: "Silver",
      customerGroupId: silver,
    });
    expect(list.statusCode).toBe(201);
    await staff("PUT", `/price-lists/USD/prices?customerGroupId=${silver}`, {
      prices: [{ sku: "TEE-M", amount: 2500 }],
    });
    await gus.readyCart(v.MUG, 1);
    const placed = await gus.checkout("silver-gus-1");
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    const found = (await staff("GET", `/orders/${order.id}/items-to-add?q=TEE-M`)).json();
    expect(found.items).toEqual([expect.objectContaining({ sku: "TEE-M", unitPrice: 2500 })]);
    const preview = await staff("POST", `/orders/${order.id}/edit/preview`, {
      changes: [{ type: "add", variantId: v["TEE-M"], quantity: 1 }],
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().after.lines).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: "TEE-M", unitPrice: 2500 })]),
    );
  });
});
