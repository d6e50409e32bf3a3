import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { PaymentProvider, ProviderPayment } from "./payments.provider.ts";
import { type PaymentRecordStatus, payments } from "./payments.schema.ts";

export type PaymentRow = typeof payments.$inferSelect;

/** The payment providers this shop offers, by id. */
export class PaymentProviders {
  private readonly providers = new Map<string, PaymentProvider>();

  /** Adds a provider (one per id). */
  register(provider: PaymentProvider): this {
    this.providers.set(provider.id, provider);
    return this;
  }

  /** Provider ids, in the order registered. */
  ids(): string[] {
    return [...this.providers.keys()];
  }

  /** The provider of an id. @throws ValidationError (field `payment.provider`) for an unknown one. */
  get(id: string): PaymentProvider {
    const provider = this.providers.get(id);
    if (!provider) {
      throw new ValidationError([
        {
          field: "payment.provider",
          message: `must be one of: ${this.ids().join(", ") || "(none configured)"}`,
        },
      ]);
    }
    return provider;
  }

  has(id: string): boolean {
    return this.providers.has(id);
  }
}

/** Creates the payment record of an order (status pending) in the caller's transaction. */
export async function createPaymentRecord(
  tx: Db,
  input: {
    orderId: string;
    provider: string;
    amount: number;
    currency: string;
    captureMethod: "automatic" | "manual";
  },
): Promise<PaymentRow> {
  const [row] = await tx
    .insert(payments)
    .values({ id: newId("pay"), status: "pending", ...input })
    .returning();
  return row!;
}

const statusOf: Record<ProviderPayment["status"], PaymentRecordStatus> = {
  pending: "pending",
  requires_action: "requires_action",
  authorized: "authorized",
  captured: "captured",
  failed: "failed",
  canceled: "canceled",
};

/** Payment states that no longer change by a provider's report (a late "failed" after "captured" is ignored). */
const settled: PaymentRecordStatus[] = ["captured", "partially_refunded", "refunded", "failed", "canceled"];

/**
 * Records what the provider said about a payment, unless the payment is already settled (captured,
 * refunded, failed, canceled): meaning wins over arrival order. Returns the updated row, or null when
 * nothing changed.
 */
export async function recordProviderPayment(
  tx: Db,
  paymentId: string,
  result: ProviderPayment,
): Promise<PaymentRow | null> {
  const status = statusOf[result.status];
  const [row] = await tx
    .update(payments)
    .set({
      status,
      reference: result.reference,
      authorizedAmount: result.authorizedAmount,
      capturedAmount: result.capturedAmount,
      failureCode: result.failureCode ?? null,
      failureMessage: result.failureMessage ?? null,
      riskScore: result.riskScore ?? null,
      cardFingerprint: result.cardFingerprint ?? null,
      clientSecret:
        status === "requires_action" || status === "pending" ? (result.clientSecret ?? null) : null,
      redirectUrl: status === "requires_action" || status === "pending" ? (result.redirectUrl ?? null) : null,
      updatedAt: new Date(),
    })
    .where(
      and(eq(payments.id, paymentId), inArray(payments.status, ["pending", "requires_action", "authorized"])),
    )
    .returning();
  return row ?? null;
}

/** The payments of an order, newest first. */
export async function paymentsOfOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  return db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt));
}

/** A payment by id, or null. */
export async function findPayment(db: Db, paymentId: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(eq(payments.id, paymentId));
  return row ?? null;
}

export { settled as settledPaymentStatuses };
