import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { PromotionConditions, PromotionType } from "./pricing.calculator.ts";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Shop-wide pricing settings: one row, id "default". */
export const storeSettings = pgTable("store_settings", {
  id: text("id").primaryKey(),
  /** ISO 4217 code of the catalog's prices and of new carts. */
  defaultCurrency: text("default_currency").notNull().default("USD"),
  /** True: catalog prices include tax (EU style); false: tax is added at checkout (US style). */
  pricesIncludeTax: boolean("prices_include_tax").notNull().default(false),
  /** Tax class applied to shipping ("shipping"), or null when shipping is not taxed. */
  shippingTaxClass: text("shipping_tax_class"),
  /** Minutes an unpaid order keeps its stock reserved before the expiry job releases it. */
  reservationMinutes: integer("reservation_minutes").notNull().default(30),
  /** Days an untouched cart lives before it expires. */
  cartLifetimeDays: integer("cart_lifetime_days").notNull().default(30),
  /** The shop's name (e-mails, page titles, invoices). */
  storeName: text("store_name").notNull().default("Bazaar"),
  /** Address e-mails to shoppers come from and replies go to; empty: MAIL_FROM. */
  senderEmail: text("sender_email").notNull().default(""),
  supportPhone: text("support_phone").notNull().default(""),
  /** The shop's postal address (invoices, pickup), a PostalAddress JSON object; null until set. */
  storeAddress: jsonb("store_address").$type<Record<string, string | null>>(),
  /** Id of the logo image (catalog images). */
  logoImageId: text("logo_image_id"),
  /** Currencies shoppers may choose (ISO 4217); the default one first. Others need a price list. */
  currencies: jsonb("currencies").$type<string[]>().notNull().default(sql`'["USD"]'::jsonb`),
  /** BCP 47 locales of the storefront; the first is the default. */
  locales: jsonb("locales").$type<string[]>().notNull().default(sql`'["en-US"]'::jsonb`),
  /** Order numbers: prefix + the sequence number, e.g. "BZ-100001". */
  orderNumberPrefix: text("order_number_prefix").notNull().default(""),
  /** Checkout options: guests may check out without an account. */
  guestCheckout: boolean("guest_checkout").notNull().default(true),
  /** Checkout options: a phone number is required with the shipping address. */
  requirePhone: boolean("require_phone").notNull().default(false),
  /** Bumped by every staff save; the admin API's ETag. */
  version: integer("version").notNull().default(1),
  updatedAt: tz("updated_at").notNull().defaultNow(),
});

/**
 * A tax rate and the zone it applies to (country, optional region, optional postcode patterns), for
 * one product tax class ("shipping" for shipping). Rates of the same class that match an address add.
 */
export const taxRates = pgTable(
  "tax_rates",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    /** ISO 3166-1 alpha-2. */
    countryCode: text("country_code").notNull(),
    /** Region code (e.g. "MI"); null = the whole country. */
    region: text("region"),
    /** Null or "*" = any; "48*" prefix; "48000-48999" range; comma-separated list. */
    postcodePattern: text("postcode_pattern"),
    /** 825 = 8.25 %. */
    rateBasisPoints: integer("rate_basis_points").notNull(),
    taxClass: text("tax_class").notNull().default("standard"),
    /** Bumped by every staff save; the admin API's ETag. */
    version: integer("version").notNull().default(1),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("tax_rates_code_key").on(t.code), index("tax_rates_country_idx").on(t.countryCode)],
);

/** A promotion (cart price rule): what it gives, to which lines, when, and how often. */
export const promotions = pgTable(
  "promotions",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    type: text("type").$type<PromotionType>().notNull(),
    appliesTo: text("applies_to").$type<"order" | "each_item">().notNull().default("order"),
    /** Basis points for percentage / buy-X-get-Y, minor units of `currency` for fixed. */
    value: bigint("value", { mode: "number" }).notNull().default(0),
    /** Currency of a fixed amount; null for percentage promotions (any currency). */
    currency: text("currency"),
    buyQuantity: integer("buy_quantity").notNull().default(0),
    getQuantity: integer("get_quantity").notNull().default(0),
    maxDiscountAmount: bigint("max_discount_amount", { mode: "number" }),
    conditions: jsonb("conditions").$type<PromotionConditions>().notNull().default(sql`'{}'::jsonb`),
    priority: integer("priority").notNull().default(0),
    stopFurtherPromotions: boolean("stop_further_promotions").notNull().default(false),
    /** True: applies only with one of its coupon codes; false: applies automatically. */
    requiresCoupon: boolean("requires_coupon").notNull().default(false),
    isActive: boolean("is_active").notNull().default(true),
    startsAt: tz("starts_at"),
    endsAt: tz("ends_at"),
    /** Where it came from, e.g. "luma:sales_rules.csv#4" (imports are idempotent by it). */
    sourceKey: text("source_key"),
    /** Bumped by every staff save; the admin API's ETag. */
    version: integer("version").notNull().default(1),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("promotions_source_key").on(t.sourceKey)],
);

/** A coupon code of a promotion with its usage limits. Codes are stored upper case; lookups ignore case. */
export const couponCodes = pgTable(
  "coupon_codes",
  {
    id: text("id").primaryKey(),
    promotionId: text("promotion_id")
      .notNull()
      .references(() => promotions.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    /** Total redemptions allowed; null = unlimited. */
    usageLimit: integer("usage_limit"),
    /** Redemptions allowed per customer (account, or e-mail for guests); null = unlimited. */
    usageLimitPerCustomer: integer("usage_limit_per_customer"),
    /** Redemptions so far (orders placed and not cancelled). */
    usageCount: integer("usage_count").notNull().default(0),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("coupon_codes_code_key").on(t.code)],
);

/** Redemptions per customer of a coupon, counted under a conditional upsert (never read-modify-write). */
export const couponCustomerUsage = pgTable(
  "coupon_customer_usage",
  {
    couponId: text("coupon_id")
      .notNull()
      .references(() => couponCodes.id, { onDelete: "cascade" }),
    /** "usr_..." for an account, "email:<lower-case address>" for a guest. */
    customerKey: text("customer_key").notNull(),
    usageCount: integer("usage_count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.couponId, t.customerKey] })],
);

/** One coupon use by one order (released when the order is cancelled). */
export const couponRedemptions = pgTable(
  "coupon_redemptions",
  {
    couponId: text("coupon_id")
      .notNull()
      .references(() => couponCodes.id, { onDelete: "cascade" }),
    orderId: text("order_id").notNull(),
    customerKey: text("customer_key").notNull(),
    releasedAt: tz("released_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.couponId, t.orderId] }),
    index("coupon_redemptions_order_idx").on(t.orderId),
  ],
);

/**
 * A price list: explicit prices of variants in one currency other than (or besides) the catalog's
 * own, e.g. EUR and GBP next to USD. One list per currency; an active list makes its currency one a
 * shopper can choose. Prices are never converted with exchange rates: a variant without a price in
 * the list is not for sale in that currency.
 */
export const priceLists = pgTable(
  "price_lists",
  {
    id: text("id").primaryKey(),
    /** ISO 4217 code, upper case. */
    currency: text("currency").notNull(),
    name: text("name").notNull(),
    /**
     * The customer group whose members get these prices (customers module's `customer_groups.id`);
     * null: everyone shopping in this currency. One list per currency and group.
     */
    customerGroupId: text("customer_group_id"),
    isActive: boolean("is_active").notNull().default(true),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("price_lists_currency_group_key").on(t.currency, t.customerGroupId).nullsNotDistinct()],
);

/** A variant's price in a price list, in minor units of the list's currency. */
export const priceListPrices = pgTable(
  "price_list_prices",
  {
    priceListId: text("price_list_id")
      .notNull()
      .references(() => priceLists.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.priceListId, t.variantId] }),
    index("price_list_prices_variant_idx").on(t.variantId),
  ],
);
