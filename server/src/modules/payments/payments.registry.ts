import type { Config } from "../../config.ts";
import type { AppContext } from "../../platform/context.ts";
import { resolveAuthSecret } from "../customers/index.ts";
import { PaymentProviders } from "./payments.service.ts";
import { providerSettingsResolver } from "./payments.settings.ts";
import { ManualPaymentProvider } from "./providers/manual.ts";
import { DEFAULT_PAYPAL_CERT_HOSTS, PayPalProvider } from "./providers/paypal.ts";
import { StripeProvider } from "./providers/stripe.ts";
import { TestPaymentProvider } from "./providers/test.ts";

/**
 * The providers of a configuration: the test provider (demo and tests), Stripe and PayPal when their
 * keys are set, and the offline methods (bank transfer, cash on delivery), as the environment sets
 * them up; and the settings staff save in the admin (payment_provider_settings), which win for the
 * providers they name: switched off there, a provider is not offered at checkout; keys stored there
 * (sealed with the server's secret) replace the environment's. Without a row, a provider is exactly
 * what the environment makes it.
 */
export function paymentProvidersFor(config: Config): PaymentProviders {
  const providers: PaymentProviders = new PaymentProviders(
    providerSettingsResolver(
      config,
      () => resolveAuthSecret(config),
      (id) => (providers.has(id) ? providers.get(id) : undefined),
    ),
  );
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
