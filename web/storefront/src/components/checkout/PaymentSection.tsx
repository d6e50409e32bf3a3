import type { PaymentMethod } from "@bazaar/sdk";
import { Spinner } from "@bazaar/ui";
import { lazy, type Ref, Suspense } from "react";
import { Field } from "../forms";
import { type CardInput, formatCardNumber, formatExpiry } from "./card";
import type { StripeHandle } from "./StripePayment";

const StripePayment = lazy(() => import("./StripePayment"));

const descriptions: Record<string, string> = {
  test: "Pay with a test card. No real payment is made.",
  stripe: "Credit or debit card, processed securely by Stripe.",
  paypal: "You will approve the payment on PayPal's site.",
  bank_transfer: "We e-mail you our bank details. Your order ships when the transfer arrives.",
  cash_on_delivery: "Pay the courier when your order arrives.",
};

/** The payment method list and the chosen method's fields (the test card form, or Stripe's). */
export function PaymentSection({
  methods,
  method,
  onMethod,
  card,
  onCard,
  cardErrors,
  amount,
  currency,
  stripeRef,
  disabled,
}: {
  methods: PaymentMethod[];
  method: string;
  onMethod: (id: string) => void;
  card: CardInput;
  onCard: (card: CardInput) => void;
  cardErrors: Partial<Record<keyof CardInput, string>>;
  amount: number;
  currency: string;
  stripeRef: Ref<StripeHandle>;
  disabled?: boolean;
}) {
  const chosen = methods.find((m) => m.id === method);
  return (
    <div>
      <fieldset disabled={disabled}>
        <legend className="text-sm font-medium text-neutral-900">Payment method</legend>
        <div className="mt-2 space-y-2">
          {methods.map((m) => (
            <label
              key={m.id}
              className="flex cursor-pointer gap-3 rounded-lg border border-neutral-300 bg-white p-3 has-[:checked]:border-accent-600 has-[:checked]:bg-accent-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent-600"
            >
              <input
                type="radio"
                name="paymentMethod"
                value={m.id}
                checked={method === m.id}
                onChange={() => onMethod(m.id)}
                className="mt-0.5 size-5 shrink-0 accent-accent-700 focus:outline-none"
              />
              <span className="min-w-0">
                <span className="block font-medium text-neutral-900">{m.name}</span>
                {descriptions[m.id] && (
                  <span className="block text-sm text-neutral-600">{descriptions[m.id]}</span>
                )}
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      {method === "test" && (
        <fieldset className="mt-5 rounded-xl border border-neutral-200 bg-neutral-50 p-4" disabled={disabled}>
          <legend className="px-1 text-sm font-medium text-neutral-900">Test card</legend>
          <p className="text-sm text-neutral-700" data-testid="test-card-note">
            This is a test payment form: no card is charged. Use <strong>4242 4242 4242 4242</strong> to pay
            or <strong>4000 0000 0000 0002</strong> to see a declined card, with any future expiry date and
            any CVC.
          </p>
          <div className="mt-4 grid gap-4 sm:grid-cols-[2fr_1fr_1fr]">
            <Field
              label="Card number"
              name="cardNumber"
              inputMode="numeric"
              autoComplete="cc-number"
              placeholder="1234 1234 1234 1234"
              value={card.number}
              onChange={(event) => onCard({ ...card, number: formatCardNumber(event.target.value) })}
              error={cardErrors.number}
            />
            <Field
              label="Expiry (MM / YY)"
              name="cardExpiry"
              inputMode="numeric"
              autoComplete="cc-exp"
              placeholder="MM / YY"
              value={card.expiry}
              onChange={(event) => onCard({ ...card, expiry: formatExpiry(event.target.value) })}
              error={cardErrors.expiry}
            />
            <Field
              label="CVC"
              name="cardCvc"
              inputMode="numeric"
              autoComplete="cc-csc"
              maxLength={4}
              value={card.cvc}
              onChange={(event) => onCard({ ...card, cvc: event.target.value.replace(/\D/g, "") })}
              error={cardErrors.cvc}
            />
          </div>
        </fieldset>
      )}

      {method === "stripe" && chosen?.publishableKey && (
        <div className="mt-5">
          <Suspense fallback={<Spinner label="Loading the card form…" />}>
            <StripePayment
              publishableKey={chosen.publishableKey}
              amount={amount}
              currency={currency}
              handleRef={stripeRef}
            />
          </Suspense>
        </div>
      )}
    </div>
  );
}
