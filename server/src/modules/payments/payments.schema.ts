import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

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
    index("payments_card_idx").on(t.cardFingerprint, t.createdAt),
    uniqueIndex("payments_provider_reference_key").on(t.provider, t.reference),
  ],
);

/**
 * Provider webhook deliveries, stored once per provider event id (a redelivery finds the row and is
 * acknowledged without being processed again). Processing runs from the outbox, retried on failure.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    /** The provider's event id (Stripe `evt_...`, PayPal `WH-...`). */
    eventId: text("event_id").notNull(),
    providerType: text("provider_type").notNull(),
    kind: text("kind").notNull(),
    paymentReference: text("payment_reference"),
    /** The verified, mapped event (ProviderWebhookEvent). */
    event: jsonb("event").$type<Record<string, unknown>>().notNull(),
    status: text("status")
      .$type<"received" | "processed" | "ignored" | "failed">()
      .notNull()
      .default("received"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    receivedAt: tz("received_at").notNull().defaultNow(),
    processedAt: tz("processed_at"),
  },
  (t) => [uniqueIndex("webhook_events_provider_event_key").on(t.provider, t.eventId)],
);

export const refundStatuses = ["pending", "succeeded", "failed"] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** Money given back on a payment. Minor units of the payment's currency. */
export const refunds = pgTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id").notNull(),
    orderId: text("order_id").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    note: text("note").notNull().default(""),
    status: text("status").$type<RefundStatus>().notNull(),
    /** The provider's refund id; unique per provider so a webhook and our own call record it once. */
    reference: text("reference"),
    provider: text("provider").notNull(),
    /** Who asked: "staff:usr_...", "provider:stripe" (refunded in the provider's dashboard), "system". */
    actor: text("actor").notNull(),
    /** The caller's Idempotency-Key: the same key on the same order returns the same refund. */
    requestKey: text("request_key"),
    failureMessage: text("failure_message"),
    /**
     * The order lines a per-item refund is for, whether their units went back to stock, and how many
     * of them had not shipped (`cancelled`: they never ship).
     */
    lines: jsonb("lines")
      .$type<{ lineId: string; quantity: number; restock: boolean; cancelled?: number }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("refunds_order_idx").on(t.orderId),
    uniqueIndex("refunds_provider_reference_key").on(t.provider, t.reference),
    uniqueIndex("refunds_order_request_key").on(t.orderId, t.requestKey),
  ],
);

/** A chargeback opened by the card holder's bank, as the provider reports it. Minor units. */
export const disputes = pgTable(
  "disputes",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id").notNull(),
    orderId: text("order_id").notNull(),
    provider: text("provider").notNull(),
    reference: text("reference").notNull(),
    status: text("status").notNull(),
    reason: text("reason").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    evidenceDueBy: tz("evidence_due_by"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("disputes_provider_reference_key").on(t.provider, t.reference),
    index("disputes_order_idx").on(t.orderId),
  ],
);

/**
 * A payment provider's settings as staff set them in the admin: on or off, test mode, and its
 * credentials sealed with the server's secret (AES-256-GCM; never returned whole by the API, shown
 * masked). Without a row, the provider's environment variables decide (the set-up before the admin).
 */
export const paymentProviderSettings = pgTable("payment_provider_settings", {
  /** The provider's code: `stripe`, `paypal`, `manual`, ... */
  provider: text("provider").primaryKey(),
  enabled: boolean("enabled").notNull().default(false),
  testMode: boolean("test_mode").notNull().default(true),
  /** Sealed JSON of the credentials (base64 of IV + tag + ciphertext); null when none were given. */
  sealedCredentials: text("sealed_credentials"),
  /** The last 4 characters of each credential, for the masked display. */
  credentialHints: jsonb("credential_hints")
    .$type<Record<string, string>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  version: integer("version").notNull().default(1),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
