import type { AuthContext } from "../customers/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import type { FraudScreen } from "./checkout.fraud.ts";

/**
 * What checkout needs: the platform, who is asking (sessions), the payment providers and the fraud
 * screen that holds risky orders for review.
 */
export interface CheckoutContext extends AuthContext, PaymentsContext {
  fraud: FraudScreen;
}
