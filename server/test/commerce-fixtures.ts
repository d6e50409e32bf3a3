import type { FastifyInstance } from "fastify";
import { upsertCategory, upsertProduct } from "../src/modules/catalog/index.ts";
import { upsertPromotion, upsertTaxRates } from "../src/modules/pricing/index.ts";
import { upsertShippingZone } from "../src/modules/shipping/index.ts";
import type { AppContext } from "../src/platform/context.ts";

/** A small shop: a tee in two sizes, a mug, a digital guide, Michigan tax, table-rate shipping, coupons. */
export async function seedShop(
  ctx: AppContext,
  options: { mugStock?: number; couponLimit?: number | null } = {},
) {
  const db = ctx.db;
  await upsertCategory(db, { slug: "gear", name: "Gear" });
  await upsertCategory(db, { slug: "tees", name: "Tees", parentSlug: "gear" });
  await upsertProduct(db, {
    sku: "TEE",
    type: "configurable",
    name: "Trail Tee",
    currency: "USD",
    categorySlugs: ["tees"],
    options: [{ code: "size", name: "Size", values: [{ value: "S" }, { value: "M" }] }],
    variants: [
      { sku: "TEE-S", priceAmount: 2900, stockQuantity: 50, weightGrams: 200, options: { size: "S" } },
      { sku: "TEE-M", priceAmount: 2900, stockQuantity: 50, weightGrams: 220, options: { size: "M" } },
    ],
  });
  await upsertProduct(db, {
    sku: "MUG",
    type: "simple",
    name: "Camp Mug",
    currency: "USD",
    categorySlugs: ["gear"],
    variants: [{ sku: "MUG", priceAmount: 1250, stockQuantity: options.mugStock ?? 100, weightGrams: 350 }],
  });
  await upsertProduct(db, {
    sku: "GUIDE",
    type: "digital",
    name: "Trail Guide (PDF)",
    currency: "USD",
    categorySlugs: ["gear"],
    variants: [{ sku: "GUIDE", priceAmount: 900, stockQuantity: 0, manageStock: false }],
  });
  await upsertTaxRates(db, [
    { code: "US-MI", name: "Michigan sales tax", countryCode: "US", region: "MI", rateBasisPoints: 600 },
  ]);
  await upsertShippingZone(db, {
    name: "United States",
    countries: ["US"],
    methods: [
      {
        code: "best_way",
        name: "Best Way",
        type: "table_rate",
        currency: "USD",
        rateBasis: "subtotal",
        tableRates: [
          { region: null, postcode: null, from: 0, amount: 1500 },
          { region: null, postcode: null, from: 5000, amount: 1000 },
          { region: null, postcode: null, from: 10000, amount: 500 },
        ],
      },
      {
        code: "pickup",
        name: "Store pickup",
        type: "pickup",
        currency: "USD",
        pickupAddress: "1 Main St, Detroit",
      },
    ],
  });
  await upsertPromotion(db, {
    name: "Ten percent off",
    type: "percentage",
    appliesTo: "order",
    value: 1000,
    buyQuantity: 0,
    getQuantity: 0,
    conditions: {},
    priority: 1,
    stopFurtherPromotions: false,
    coupons: [{ code: "TEN", usageLimit: options.couponLimit ?? null }],
  });
  const variants = (await variantIds(ctx)) as Record<"TEE-S" | "TEE-M" | "MUG" | "GUIDE", string>;
  return { variants };
}

/** Variant ids by SKU. */
export async function variantIds(ctx: AppContext): Promise<Record<string, string>> {
  const rows = (await ctx.db.execute("select id, sku from variants")) as unknown as {
    rows: { id: string; sku: string }[];
  };
  return Object.fromEntries(rows.rows.map((r) => [r.sku, r.id]));
}

export const michigan = {
  firstName: "Ada",
  lastName: "Byron",
  line1: "1 Woodward Ave",
  city: "Detroit",
  region: "MI",
  postalCode: "48226",
  country: "US",
};

/** A guest shopper talking to the API with a cart token header (no cookies). */
export class GuestShopper {
  token: string | null = null;
  constructor(private readonly app: FastifyInstance) {}

  async call(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await this.app.inject({
      method,
      url,
      headers: { ...(this.token ? { "x-cart-token": this.token } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const token = response.headers["x-cart-token"];
    if (typeof token === "string") this.token = token;
    return response;
  }

  /** Fills a cart ready for checkout: lines, e-mail, Michigan address, the first shipping option. */
  async readyCart(
    lines: { variantId: string; quantity: number }[],
    email = "ada@example.com",
    coupon?: string,
  ) {
    for (const line of lines) {
      const r = await this.call("POST", "/api/store/cart/lines", line);
      if (r.statusCode !== 200) throw new Error(`add line: ${r.statusCode} ${r.body}`);
    }
    await this.call("PUT", "/api/store/cart/email", { email });
    if (coupon) {
      const r = await this.call("POST", "/api/store/cart/coupons", { code: coupon });
      if (r.statusCode !== 200) throw new Error(`coupon: ${r.statusCode} ${r.body}`);
    }
    const cart = (await this.call("PUT", "/api/store/cart/shipping-address", michigan)).json();
    if (cart.requiresShipping) {
      const best = cart.shippingOptions.find((o: { code: string }) => o.code === "best_way");
      const r = await this.call("PUT", "/api/store/cart/shipping-method", { shippingMethodId: best.id });
      if (r.statusCode !== 200) throw new Error(`shipping: ${r.statusCode} ${r.body}`);
      return r.json();
    }
    return cart;
  }

  checkout(key: string, cardNumber = "4242424242424242") {
    return this.call(
      "POST",
      "/api/store/checkout",
      { payment: { provider: "test", data: { cardNumber } } },
      { "idempotency-key": key },
    );
  }
}
