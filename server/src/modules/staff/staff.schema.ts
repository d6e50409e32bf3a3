import { boolean, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/** Staff roles: the built-in ones (key such as `owner`) and custom ones, each a set of permissions. */
export const roles = pgTable("roles", {
  id: text("id").primaryKey(),
  /** Stable key of a built-in role (`owner`, `admin`, ...), or a slug of a custom role's name. */
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  permissions: jsonb("permissions").$type<string[]>().notNull(),
  builtIn: boolean("built_in").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Which users are staff, through which roles. `userId` is the accounts module's user id. */
export const staffRoles = pgTable(
  "staff_roles",
  {
    userId: text("user_id").notNull(),
    roleId: text("role_id")
      .notNull()
      .references(() => roles.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] })],
);

/**
 * API keys for integrations calling the admin API. Only a SHA-256 hash of the secret is kept; the
 * secret is shown once at creation. `permissions` scope the key (a subset of the permission list).
 */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** First characters of the secret, to recognise a key in lists and logs. */
  prefix: text("prefix").notNull(),
  secretHash: text("secret_hash").notNull().unique(),
  permissions: jsonb("permissions").$type<string[]>().notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

/**
 * A staff member's saved view of an admin list: a name and the list's query (filters, sort), e.g. the
 * product list's "Drafts in Jackets". Private to its owner.
 */
export const savedViews = pgTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    /** The list it belongs to: `products`, `customers`, `orders`, ... */
    resource: text("resource").notNull(),
    name: text("name").notNull(),
    query: jsonb("query").$type<Record<string, string>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("saved_views_user_resource_name_key").on(t.userId, t.resource, t.name)],
);
