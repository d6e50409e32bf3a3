import { boolean, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

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
