import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const paymentRecordStatuses = [
  "pending",
  "requires_action",
  "authorized",
  "captured",
  "partially_refunded",
  "refunded",
  "failed",
  "canceled",
] as const;
export type PaymentRecordStatus = (typeof paymentRecordStatuses)[number];

/**
 * One payment attempt for an order at one provider. Amounts are minor units of `currency`;
 * `capturedAmount - refundedAmount` is what the shop holds.
 */
export const payments = pgTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    provider: text("provider").notNull(),
    /** The provider's id (PaymentIntent, PayPal order, ...); null until the provider answered. */
    reference: text("reference"),
    status: text("status").$type<PaymentRecordStatus>().notNull(),
    captureMethod: text("capture_method").$type<"automatic" | "manual">().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    authorizedAmount: bigint("authorized_amount", { mode: "number" }).notNull().default(0),
    capturedAmount: bigint("captured_amount", { mode: "number" }).notNull().default(0),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull().default(0),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    riskScore: integer("risk_score"),
    cardFingerprint: text("card_fingerprint"),
    /** For the storefront to finish a client-side step (Stripe client secret); cleared when settled. */
    clientSecret: text("client_secret"),
    redirectUrl: text("redirect_url"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("payments_order_idx").on(t.orderId),
    uniqueIndex("payments_provider_reference_key").on(t.provider, t.reference),
  ],
);
