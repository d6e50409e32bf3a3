import { Elements, PaymentElement, useElements, useStripe } from "@stripe/react-stripe-js";
import type { Stripe } from "@stripe/stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";
import { type Ref, useImperativeHandle, useState } from "react";

/** What the checkout asks of the Payment Element when the shopper places the order. */
export interface StripeHandle {
  /** Validates the Payment Element's fields; answers an error message for the shopper, or null. */
  submit: () => Promise<string | null>;
  /**
   * Confirms the order's PaymentIntent with the entered details (3-D Secure shows Stripe's own
   * dialog; redirect-based methods go to `returnUrl`). Answers an error message, or null when paid.
   */
  confirm: (clientSecret: string, returnUrl: string) => Promise<string | null>;
}

const loaders = new Map<string, Promise<Stripe | null>>();

/** Stripe.js, loaded from js.stripe.com only when a shopper chooses to pay by card through Stripe. */
function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let loader = loaders.get(publishableKey);
  if (!loader) {
    loader = loadStripe(publishableKey);
    loaders.set(publishableKey, loader);
  }
  return loader;
}

function PaymentFields({ handleRef }: { handleRef: Ref<StripeHandle> }) {
  const stripe = useStripe();
  const elements = useElements();
  const [loadError, setLoadError] = useState<string | null>(null);

  useImperativeHandle(
    handleRef,
    () => ({
      submit: async () => {
        if (!stripe || !elements) return "The card form is still loading. Please try again in a moment.";
        const { error } = await elements.submit();
        return error ? (error.message ?? "Check your payment details.") : null;
      },
      confirm: async (clientSecret, returnUrl) => {
        if (!stripe || !elements) return "The card form is still loading. Please try again in a moment.";
        const { error } = await stripe.confirmPayment({
          elements,
          clientSecret,
          confirmParams: { return_url: returnUrl },
          redirect: "if_required",
        });
        return error ? (error.message ?? "Your payment could not be completed.") : null;
      },
    }),
    [stripe, elements],
  );

  return (
    <>
      <PaymentElement
        options={{ layout: "tabs" }}
        onLoadError={(event) => setLoadError(event.error.message ?? "The card form could not be loaded.")}
      />
      {loadError && (
        <p role="alert" className="mt-2 text-sm font-medium text-red-700">
          {loadError}
        </p>
      )}
    </>
  );
}

/**
 * Stripe's Payment Element (card fields hosted by Stripe: card data never reaches our server) in
 * deferred mode: the PaymentIntent is created with the order, then confirmed here.
 */
export default function StripePayment({
  publishableKey,
  amount,
  currency,
  handleRef,
}: {
  publishableKey: string;
  amount: number;
  currency: string;
  handleRef: Ref<StripeHandle>;
}) {
  return (
    <Elements
      stripe={stripeFor(publishableKey)}
      options={{
        mode: "payment",
        amount,
        currency: currency.toLowerCase(),
        appearance: { theme: "stripe", variables: { borderRadius: "8px" } },
      }}
    >
      <PaymentFields handleRef={handleRef} />
    </Elements>
  );
}
