import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertCategory, upsertProduct } from "../src/modules/catalog/index.ts";
import { type HistoricalOrder, importHistoricalOrders } from "../src/modules/orders/index.ts";
import {
  basketsByCustomer,
  type ContentItem,
  contentNeighbours,
  contentNeighboursInSlices,
  hitRateAndNdcg,
  itemNeighbours,
  lastTrainedAt,
  leaveLastOut,
  type Purchase,
  recommendForHistory,
  shrunkCosine,
  trainRecommendations,
} from "../src/modules/recommendations/index.ts";
import { testApp } from "./helpers.ts";

describe("recommendation model (pure functions)", () => {
  it("scores co-purchases with shrunk cosine: co / sqrt(nI nJ) * co / (co + λ)", () => {
    // Baskets {A,B} {A,B} {A,C} {B}: n_A = 3, n_B = 3, n_C = 1, co(A,B) = 2, co(A,C) = 1.
    // sim(A,B) = 2/sqrt(9) * 2/(2+2) = 1/3; sim(A,C) = 1/sqrt(3) * 1/(1+2) = 0.19245.
    const neighbours = itemNeighbours([["A", "B"], ["A", "B"], ["A", "C"], ["B"]], { shrinkage: 2 });
    expect(neighbours.get("A")!.map((n) => n.productId)).toEqual(["B", "C"]);
    expect(neighbours.get("A")![0]!.score).toBeCloseTo(1 / 3, 10);
    expect(neighbours.get("A")![1]!.score).toBeCloseTo(1 / Math.sqrt(3) / 3, 10);
    expect(neighbours.get("C")).toEqual([{ productId: "A", score: neighbours.get("A")![1]!.score }]);
    expect(shrunkCosine(2, 3, 3, 0)).toBeCloseTo(2 / 3, 10); // no shrinkage: plain cosine
    expect(shrunkCosine(0, 3, 3, 2)).toBe(0);
    // Shrinkage favours the pair seen together more often, at equal cosine.
    expect(shrunkCosine(10, 20, 20, 2)).toBeGreaterThan(shrunkCosine(1, 2, 2, 2));
  });

  it("builds baskets of distinct products per customer, first-bought order", () => {
    const p = (customerId: string, productId: string, at: number): Purchase => ({
      orderId: `${customerId}${at}`,
      customerId,
      productId,
      at,
    });
    const baskets = basketsByCustomer([p("x", "B", 2), p("x", "A", 1), p("x", "A", 3), p("y", "C", 1)]);
    expect(Object.fromEntries(baskets)).toEqual({ x: ["A", "B"], y: ["C"] });
  });

  it("splits leave-last-out: the last distinct product is the test item; one-product customers train only", () => {
    const purchases: Purchase[] = [
      { orderId: "o1", customerId: "x", productId: "p1", at: 1 },
      { orderId: "o2", customerId: "x", productId: "p2", at: 2 },
      { orderId: "o2", customerId: "x", productId: "p3", at: 2 }, // same order, later line
      { orderId: "o3", customerId: "y", productId: "p1", at: 5 },
      { orderId: "o4", customerId: "z", productId: "p2", at: 1 },
      { orderId: "o5", customerId: "z", productId: "p2", at: 9 }, // bought again: still one product
    ];
    const { train, test } = leaveLastOut(purchases);
    expect(test).toEqual([{ customerId: "x", history: ["p1", "p2"], target: "p3" }]);
    expect(train.map((p) => `${p.customerId}:${p.productId}`).sort()).toEqual([
      "x:p1",
      "x:p2",
      "y:p1",
      "z:p2",
      "z:p2",
    ]);
  });

  it("computes HitRate@k and NDCG@k against one relevant item", () => {
    const m = hitRateAndNdcg(
      [
        { ranked: ["a", "b", "c"], target: "a" }, // rank 1: gain 1
        { ranked: ["a", "b", "c"], target: "b" }, // rank 2: gain 1/log2(3)
        { ranked: ["a", "b", "c"], target: "z" }, // miss
        { ranked: ["a", "b", "c"], target: "c" }, // rank 3 but k = 2: miss
      ],
      2,
    );
    expect(m.hitRate).toBe(0.5);
    expect(m.ndcg).toBeCloseTo((1 + 1 / Math.log2(3)) / 4, 10);
    expect(hitRateAndNdcg([], 10)).toEqual({ hitRate: 0, ndcg: 0 });
  });

  it("recommends neighbours, then popular in the history's categories, then popular; never owned items", () => {
    const ids = recommendForHistory(
      ["A"],
      {
        neighbours: (id) => (id === "A" ? [{ productId: "B", score: 0.5 }] : []),
        categoriesOf: (id) => (id === "A" ? ["shoes"] : []),
        popularIn: (c) =>
          c === "shoes"
            ? [
                { productId: "A", score: 9 },
                { productId: "S", score: 3 },
              ]
            : [],
        popular: [
          { productId: "A", score: 9 },
          { productId: "P", score: 8 },
          { productId: "B", score: 1 },
        ],
      },
      4,
      ["X"],
    );
    expect(ids).toEqual(["B", "S", "P"]);
  });

  it("finds similar products by category and shared terms", () => {
    const similar = contentNeighbours([
      {
        id: "t1",
        name: "Trail running shoe",
        description: "",
        categoryIds: ["shoes"],
        facets: ["color=red"],
      },
      { id: "t2", name: "Road running shoe", description: "", categoryIds: ["shoes"], facets: ["color=red"] },
      { id: "t3", name: "Hiking boot", description: "", categoryIds: ["shoes"], facets: [] },
      { id: "m1", name: "Coffee mug", description: "", categoryIds: ["kitchen"], facets: [] },
      { id: "m2", name: "Tea mug", description: "", categoryIds: ["kitchen"], facets: [] },
    ]);
    expect(similar.get("t1")!.map((s) => s.productId)).toEqual(["t2", "t3"]);
    expect(similar.get("m1")!.map((s) => s.productId)).toEqual(["m2"]);
  });

  it("trains content neighbours without freezing the server: timers keep firing, same result", async () => {
    // At 100,000 products the computation took minutes in one go and the API answered nothing
    // meanwhile. 2,500 products sharing a few categories and words take long enough to tell.
    const words = ["steel", "oak", "linen", "wool", "glass", "cotton", "brass", "leather", "stone", "bamboo"];
    const items: ContentItem[] = Array.from({ length: 2500 }, (_, i) => ({
      id: `p${String(i).padStart(5, "0")}`,
      name: `${words[i % 10]} ${words[(i * 7) % 10]} chair ${i % 50}`,
      description: `${words[(i * 3) % 10]} frame with ${words[(i * 11) % 10]} seat, model ${i % 120}`,
      categoryIds: [`c${i % 4}`, `c${4 + (i % 9)}`],
      facets: [`size=${i % 6}`, `color=${i % 11}`],
    }));
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const sliced = await contentNeighboursInSlices(items, { k: 10 });
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(took).toBeGreaterThan(300);
    expect(longestGap).toBeLessThan(200);
    const whole = contentNeighbours(items, { k: 10 });
    expect(sliced.size).toBe(whole.size);
    expect(sliced.get("p00042")).toEqual(whole.get("p00042"));
  });
});

describe("recommendations API", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  const ids: Record<string, string> = {};
  let buyerCookie = "";

  beforeAll(async () => {
    t = await testApp();
    const db = t.ctx.db;
    await upsertCategory(db, { slug: "gear", name: "Gear" });
    await upsertCategory(db, { slug: "tents", name: "Tents", parentSlug: "gear" });
    await upsertCategory(db, { slug: "books", name: "Books" });
    const products = [
      ["TENT", "Dome Tent", "tents"],
      ["PEGS", "Tent Pegs", "tents"],
      ["TARP", "Tent Tarp", "tents"],
      ["LAMP", "Camp Lamp", "gear"],
      ["NOVEL", "Mountain Novel", "books"],
      ["ATLAS", "Mountain Atlas", "books"],
    ] as const;
    for (const [sku, name, category] of products) {
      const { id } = await upsertProduct(db, {
        sku,
        type: "simple",
        name,
        currency: "USD",
        categorySlugs: [category],
        variants: [{ sku, priceAmount: 1000, stockQuantity: 5 }],
      });
      ids[sku] = id;
    }
    const origin = t.ctx.config.publicUrl;
    const signUp = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-up/email",
      payload: { name: "Buyer", email: "buyer@example.com", password: "patient-otter-4821" },
      headers: { origin },
    });
    expect(signUp.statusCode).toBe(200);
    buyerCookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const buyerId = signUp.json().user.id as string;
    const variantOf = async (sku: string) =>
      (
        (await db.execute(`select id from variants where sku = '${sku}'`)) as unknown as {
          rows: { id: string }[];
        }
      ).rows[0]!.id;
    let n = 0;
    const order = async (
      email: string,
      skus: string[],
      userId: string | null = null,
    ): Promise<HistoricalOrder> => ({
      source: "test",
      externalId: `o${++n}`,
      status: "completed",
      paymentStatus: "paid",
      fulfillmentStatus: "delivered",
      currency: "USD",
      email,
      userId,
      shippingAddress: null,
      pricesIncludeTax: false,
      shippingTotal: 0,
      placedAt: new Date(Date.now() - n * 86_400_000),
      lines: await Promise.all(
        skus.map(async (sku) => ({
          productId: ids[sku]!,
          variantId: await variantOf(sku),
          sku,
          productName: sku,
          productSlug: sku.toLowerCase(),
          quantity: 1,
          unitPrice: 1000,
          weightGrams: null,
        })),
      ),
    });
    const orders = [
      await order("a@example.com", ["TENT", "PEGS"]),
      await order("b@example.com", ["TENT", "PEGS"]),
      await order("c@example.com", ["TENT", "TARP"]),
      await order("d@example.com", ["NOVEL"]),
      await order("e@example.com", ["NOVEL"]),
      await order("f@example.com", ["NOVEL", "LAMP"]),
      await order("buyer@example.com", ["TENT"], buyerId),
    ];
    expect(await importHistoricalOrders(db, orders)).toEqual({
      created: 7,
      existing: 0,
      vendorOrders: 0,
      parcels: 0,
    });
    expect(await lastTrainedAt(db)).toBeNull();
    const stats = await trainRecommendations(db);
    expect(stats).toMatchObject({ purchases: 11, orders: 7, customers: 7, products: 6 });
    expect(await lastTrainedAt(db)).toBeInstanceOf(Date);
  });
  afterAll(async () => t?.close());

  const get = (url: string, cookie?: string) =>
    t.app.inject({ method: "GET", url, headers: cookie ? { cookie } : {} });
  const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name);

  it("answers products bought together, best first", async () => {
    const res = await get(`/api/store/products/${ids.TENT}/recommendations?kind=bought_together`);
    expect(res.statusCode).toBe(200);
    // co(TENT, PEGS) = 2 beats co(TENT, TARP) = 1.
    expect(names(res.json())).toEqual(["Tent Pegs", "Tent Tarp"]);
    expect(res.json().items[0]).toMatchObject({ id: ids.PEGS, price: { amount: 1000, currency: "USD" } });
    const none = await get(`/api/store/products/${ids.ATLAS}/recommendations`);
    expect(none.json()).toEqual({ items: [] });
  });

  it("answers similar products from the catalog", async () => {
    const res = await get(`/api/store/products/${ids.NOVEL}/recommendations?kind=similar&limit=3`);
    expect(res.statusCode).toBe(200);
    expect(names(res.json())[0]).toBe("Mountain Atlas");
  });

  it("recommends for a signed-in customer from their orders, never what they bought", async () => {
    const res = await get("/api/store/recommendations/for-you?limit=4", buyerCookie);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.personal).toBe(true);
    expect(names(body)).not.toContain("Dome Tent");
    expect(names(body).slice(0, 2)).toEqual(["Tent Pegs", "Tent Tarp"]);
    expect(body.items).toHaveLength(4);
  });

  it("falls back to popular products for a guest (cold start) and per category", async () => {
    const guest = await get("/api/store/recommendations/for-you?limit=2");
    expect(guest.json().personal).toBe(false);
    // TENT is in 4 orders, NOVEL in 3.
    expect(names(guest.json())).toEqual(["Dome Tent", "Mountain Novel"]);
    const gear = await get("/api/store/recommendations/popular?category=gear&limit=10");
    expect(gear.statusCode).toBe(200);
    // Gear includes its subcategory Tents.
    expect(names(gear.json()).slice(0, 2)).toEqual(["Dome Tent", "Tent Pegs"]);
    expect(names(gear.json()).sort()).toEqual(["Camp Lamp", "Dome Tent", "Tent Pegs", "Tent Tarp"]);
    expect((await get("/api/store/recommendations/popular?category=nope")).statusCode).toBe(404);
  });

  it("answers summaries of product ids in the order asked, unknown ids left out", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/store/products/summaries",
      payload: { ids: [ids.LAMP, "prod_unknown", ids.TENT] },
    });
    expect(res.statusCode).toBe(200);
    expect(names(res.json())).toEqual(["Camp Lamp", "Dome Tent"]);
  });

  it("retrains to the same lists (the stored lists are replaced, not appended)", async () => {
    const again = await trainRecommendations(t.ctx.db);
    expect(again.boughtTogetherProducts).toBeGreaterThan(0);
    const res = await get(`/api/store/products/${ids.TENT}/recommendations`);
    expect(names(res.json())).toEqual(["Tent Pegs", "Tent Tarp"]);
  });
});
