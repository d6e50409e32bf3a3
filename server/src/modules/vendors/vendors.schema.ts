import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const vendorStatuses = ["active", "suspended"] as const;

/** A seller in the marketplace. Products, orders and payouts will point at it (marketplace issue). */
export const vendors = pgTable("vendors", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  description: text("description").notNull().default(""),
  status: text("status", { enum: vendorStatuses }).notNull().default("active"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Users working for a vendor. A user belongs to at most one vendor (`userId` is the key). */
export const vendorMembers = pgTable(
  "vendor_members",
  {
    userId: text("user_id").primaryKey(),
    vendorId: text("vendor_id")
      .notNull()
      .references(() => vendors.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "staff"] })
      .notNull()
      .default("staff"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("vendor_members_vendor_idx").on(t.vendorId)],
);
