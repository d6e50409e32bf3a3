import {
  type CreatePaymentInput,
  type PaymentProvider,
  ProviderError,
  type ProviderPayment,
  type ProviderRefund,
  type ProviderWebhookEvent,
  WebhookSignatureError,
} from "../payments.provider.ts";

/**
 * Payment outside any processor: bank transfer (id "bank_transfer") or cash on delivery
 * (id "cash_on_delivery"). The order is placed with its payment pending; staff mark it paid when the
 * money arrives, and refund it by hand (recorded here as succeeded).
 */
export class ManualPaymentProvider implements PaymentProvider {
  constructor(readonly id: "bank_transfer" | "cash_on_delivery") {}

  async createPayment(input: CreatePaymentInput): Promise<ProviderPayment> {
    return { status: "pending", reference: `man_${input.paymentId}`, authorizedAmount: 0, capturedAmount: 0 };
  }

  async getPayment(reference: string): Promise<ProviderPayment> {
    return { status: "pending", reference, authorizedAmount: 0, capturedAmount: 0 };
  }

  completePayment(reference: string): Promise<ProviderPayment> {
    return this.getPayment(reference);
  }

  /** Staff confirm the money arrived: `amount` minor units count as captured. */
  async capture(reference: string, amount: number): Promise<ProviderPayment> {
    return { status: "captured", reference, authorizedAmount: amount, capturedAmount: amount };
  }

  async void(reference: string): Promise<ProviderPayment> {
    return { status: "canceled", reference, authorizedAmount: 0, capturedAmount: 0 };
  }

  async refund(
    _reference: string,
    amount: number,
    _reason: string,
    idempotencyKey: string,
  ): Promise<ProviderRefund> {
    if (amount <= 0) throw new ProviderError("invalid_amount", "A refund must be more than zero.");
    return { reference: `mre_${idempotencyKey}`, status: "succeeded", amount };
  }

  async parseWebhook(): Promise<ProviderWebhookEvent> {
    throw new WebhookSignatureError("Manual payments have no webhooks.");
  }
}
