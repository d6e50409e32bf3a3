import type { Config } from "../../config.ts";
import type { AppContext } from "../../platform/context.ts";
import { PaymentProviders } from "./payments.service.ts";
import { ManualPaymentProvider } from "./providers/manual.ts";
import { DEFAULT_PAYPAL_CERT_HOSTS, PayPalProvider } from "./providers/paypal.ts";
import { StripeProvider } from "./providers/stripe.ts";
import { TestPaymentProvider } from "./providers/test.ts";

/**
 * The providers a configuration enables: the test provider (demo and tests), Stripe and PayPal when
 * their keys are set, and the offline methods (bank transfer, cash on delivery).
 */
export function paymentProvidersFor(config: Config): PaymentProviders {
  const providers = new PaymentProviders();
  if (config.stripe) providers.register(new StripeProvider(config.stripe));
  if (config.paypal) {
    // Signing certificates come from PayPal's API hosts, or from the stand-in API when one is configured.
    const certHosts = [...DEFAULT_PAYPAL_CERT_HOSTS];
    if (config.paypal.apiBase) certHosts.push(new URL(config.paypal.apiBase).host);
    providers.register(new PayPalProvider({ ...config.paypal, certHosts }));
  }
  if (config.testPayments) providers.register(new TestPaymentProvider());
  for (const method of config.manualPaymentMethods) providers.register(new ManualPaymentProvider(method));
  return providers;
}

/** The app context with the payment providers the shop offers, for the operations that move money. */
export interface PaymentsContext extends AppContext {
  payments: PaymentProviders;
}
