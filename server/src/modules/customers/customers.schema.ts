import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Accounts (shoppers and staff alike), their sessions, sign-in methods and one-time tokens. The shape
 * is the one better-auth's Drizzle adapter expects (its `user`, `session`, `account`, `verification`
 * and `twoFactor` models); the tables carry our names.
 */
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull().unique(),
    emailVerified: boolean("email_verified").notNull().default(false),
    image: text("image"),
    twoFactorEnabled: boolean("two_factor_enabled").default(false),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // The staff customer list: newest first by keyset, and search inside names and e-mails.
    index("users_created_idx").on(t.createdAt, t.id),
    index("users_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("users_email_trgm_idx").using("gin", sql`${t.email} gin_trgm_ops`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    /** The secret the session cookie carries (signed). */
    token: text("token").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: tz("expires_at").notNull(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Sign-in methods of a user: `credential` (password, argon2id hash) or an OAuth / OIDC provider. */
export const accounts = pgTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: tz("access_token_expires_at"),
    refreshTokenExpiresAt: tz("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index("accounts_user_idx").on(t.userId)],
);

/** One-time tokens (password reset, ...), stored until used or expired. */
export const verifications = pgTable(
  "verifications",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: tz("expires_at").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index("verifications_identifier_idx").on(t.identifier)],
);

/** TOTP secrets (encrypted by better-auth) and hashed backup codes. */
export const twoFactors = pgTable(
  "two_factors",
  {
    id: text("id").primaryKey(),
    secret: text("secret").notNull(),
    backupCodes: text("backup_codes").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    verified: boolean("verified").default(true),
    failedVerificationCount: integer("failed_verification_count").default(0),
    lockedUntil: tz("locked_until"),
  },
  (t) => [index("two_factors_user_idx").on(t.userId), index("two_factors_secret_idx").on(t.secret)],
);

/** The tables under the model names better-auth's adapter looks up. */
export const authModels = {
  user: users,
  session: sessions,
  account: accounts,
  verification: verifications,
  twoFactor: twoFactors,
};

/**
 * Failed sign-ins per account (by normalised email, known or not, so that answers do not reveal
 * which emails have accounts), for progressive lockout across every API process.
 */
export const signInThrottles = pgTable("sign_in_throttles", {
  email: text("email").primaryKey(),
  failures: integer("failures").notNull().default(0),
  lockedUntil: tz("locked_until"),
  updatedAt: tz("updated_at").notNull().defaultNow(),
});

/** A shopper's profile beyond name and email: phone, and marketing consent with when it was given. */
export const customerProfiles = pgTable(
  "customer_profiles",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    phone: text("phone"),
    marketingConsent: boolean("marketing_consent").notNull().default(false),
    /** When consent was last given or withdrawn (UTC); null when never asked. */
    marketingConsentAt: tz("marketing_consent_at"),
    /** Staff labels, lower case, e.g. ["wholesale", "vip"]; the staff customer list filters by them. */
    tags: jsonb("tags").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // The subscribed accounts (a quarter of 100,000 in the benchmark), read from the index alone.
    index("customer_profiles_subscribed_idx").on(t.userId).where(sql`${t.marketingConsent}`),
  ],
);

/** A shopper's saved addresses. `country` is ISO 3166-1 alpha-2. */
export const addresses = pgTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    company: text("company"),
    line1: text("line1").notNull(),
    line2: text("line2"),
    city: text("city").notNull(),
    /** State, province or prefecture, where the country uses one. */
    region: text("region"),
    postalCode: text("postal_code"),
    country: text("country").notNull(),
    phone: text("phone"),
    isDefaultShipping: boolean("is_default_shipping").notNull().default(false),
    isDefaultBilling: boolean("is_default_billing").notNull().default(false),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [index("addresses_user_idx").on(t.userId)],
);

/** Staff notes on a customer (internal, never shown to the customer), newest last. */
export const customerNotes = pgTable(
  "customer_notes",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The staff member who wrote it. */
    authorId: text("author_id"),
    body: text("body").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [index("customer_notes_user_idx").on(t.userId, t.createdAt)],
);

/**
 * A customer group (e.g. "Wholesale", "VIP"): promotions can be limited to it and a price list can
 * give its members their own prices.
 */
export const customerGroups = pgTable("customer_groups", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** Bumped by every staff save; the admin API's ETag. */
  version: integer("version").notNull().default(1),
  createdAt: tz("created_at").notNull().defaultNow(),
  updatedAt: tz("updated_at").notNull().defaultNow(),
});

/** Which accounts belong to which customer group. */
export const customerGroupMembers = pgTable(
  "customer_group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => customerGroups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("customer_group_members_user_idx").on(t.userId),
  ],
);
