import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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
