import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { PostalAddress } from "../../platform/address.ts";

/**
 * A vendor's life: `applied` (waiting for review), `changes_requested` (staff asked the applicant to
 * change the application), `rejected`, `active` (sells), `suspended` (staff stopped the selling; the
 * vendor still fulfils and is paid for orders already placed), `closed` (left the marketplace).
 */
export const vendorStatuses = [
  "applied",
  "changes_requested",
  "rejected",
  "active",
  "suspended",
  "closed",
] as const;
export type VendorStatus = (typeof vendorStatuses)[number];

/** Payout methods: Stripe Connect transfers, or a bank transfer staff make by hand. */
export const payoutMethods = ["stripe_connect", "bank_transfer"] as const;

/** A seller in the marketplace, with the application it was admitted on. */
export const vendors = pgTable(
  "vendors",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    description: text("description").notNull().default(""),
    status: text("status", { enum: vendorStatuses }).notNull().default("active"),
    /** The registered business name (on statements and invoices). */
    legalName: text("legal_name").notNull().default(""),
    /** VAT number, EIN or the country's business registration id, as given. */
    taxId: text("tax_id").notNull().default(""),
    contactEmail: text("contact_email").notNull().default(""),
    contactPhone: text("contact_phone").notNull().default(""),
    /** The business address. */
    address: jsonb("address").$type<PostalAddress>(),
    /** ISO 3166-1 alpha-2 country of the payout bank account ("" when not given). */
    payoutCountry: text("payout_country").notNull().default(""),
    payoutMethod: text("payout_method", { enum: payoutMethods }),
    /** The vendor's Stripe connected account (`acct_...`), once payout onboarding started. */
    stripeAccountId: text("stripe_account_id"),
    /** Stripe says the account may receive payouts (`payouts_enabled`, from `account.updated`). */
    stripePayoutsEnabled: boolean("stripe_payouts_enabled").notNull().default(false),
    /** Stripe says the onboarding form was completed (`details_submitted`). */
    stripeDetailsSubmitted: boolean("stripe_details_submitted").notNull().default(false),
    /** The seller agreement version accepted, and when (UTC). */
    agreementVersion: text("agreement_version"),
    agreementAcceptedAt: timestamp("agreement_accepted_at", { withTimezone: true }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    /** Staff's last decision: the reason given with a rejection, a change request or a suspension. */
    reviewNote: text("review_note").notNull().default(""),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewedBy: text("reviewed_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("vendors_status_idx").on(t.status, t.submittedAt)],
);

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

/**
 * The platform's commission on vendors' sales: a percentage of the net line amount (subtotal less
 * discount, before tax) in basis points plus a fixed fee per unit. A rule is the platform default
 * (no vendor, no category), a vendor's, a category's, or a vendor's in a category; the most specific
 * one applies to a line (vendor in category > vendor > category > default) and is copied onto the line
 * when the order is placed, so changing a rule never changes past orders.
 */
export const commissionRules = pgTable(
  "commission_rules",
  {
    id: text("id").primaryKey(),
    vendorId: text("vendor_id").references(() => vendors.id, { onDelete: "cascade" }),
    categoryId: text("category_id"),
    rateBasisPoints: integer("rate_basis_points").notNull(),
    /** Minor units of the shop's currency, per unit sold. */
    fixedPerUnit: bigint("fixed_per_unit", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("commission_rules_scope_key").on(
      sql`coalesce(${t.vendorId}, '')`,
      sql`coalesce(${t.categoryId}, '')`,
    ),
    check("commission_rules_rate_check", sql`${t.rateBasisPoints} between 0 and 10000`),
    check("commission_rules_fixed_check", sql`${t.fixedPerUnit} >= 0`),
  ],
);
