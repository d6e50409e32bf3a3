import { type Cart, errorMessage } from "@bazaar/sdk";
import { Button, formatMinor } from "@bazaar/ui";
import { type FormEvent, useId, useState } from "react";
import { cartApi } from "../../api";
import { inputClass } from "../forms";
import { useCartWrite } from "./useCart";

const problemText: Record<string, string> = {
  MIN_SUBTOTAL: "Your cart does not reach this code's minimum amount yet.",
  NO_MATCHING_ITEMS: "No item in your cart qualifies for this code.",
  STOPPED_BY_OTHER: "Another promotion in your cart cannot be combined with this code.",
  COUPON_NOT_FOUND: "This code is not valid.",
  COUPON_EXPIRED: "This code has expired.",
  COUPON_NOT_STARTED: "This code is not valid yet.",
  COUPON_USAGE_LIMIT_REACHED: "This code has been used up.",
};

/** Why an entered code gives nothing now, in the shopper's words. */
export function couponProblemText(reason: string): string {
  return problemText[reason] ?? "This code does not apply to your cart.";
}

/** The coupon code form; a refused code shows the server's reason under the field. */
export function CouponForm({ className }: { className?: string }) {
  const [code, setCode] = useState("");
  const inputId = useId();
  const errorId = useId();
  const apply = useCartWrite(
    (value: string) => cartApi.applyCoupon(value),
    (value, cart) => {
      const upper = value.toUpperCase();
      const problem = cart.couponProblems.find((p) => p.code.toUpperCase() === upper);
      return problem
        ? `Coupon ${upper} saved, but it does not apply yet: ${couponProblemText(problem.reason)}`
        : `Coupon ${upper} applied.`;
    },
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = code.trim();
    if (!value) return;
    apply.mutate(value, { onSuccess: () => setCode("") });
  };

  return (
    <form onSubmit={onSubmit} className={className} data-testid="coupon-form">
      <label htmlFor={inputId} className="block text-sm font-medium text-neutral-900">
        Coupon code
      </label>
      <div className="flex items-end gap-2">
        <input
          id={inputId}
          name="code"
          value={code}
          onChange={(event) => {
            setCode(event.target.value);
            if (apply.isError) apply.reset();
          }}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={64}
          aria-invalid={apply.isError ? true : undefined}
          aria-describedby={apply.isError ? errorId : undefined}
          className={`${inputClass} min-w-0 flex-1 uppercase`}
        />
        <Button type="submit" variant="secondary" className="h-11 shrink-0" disabled={apply.isPending}>
          {apply.isPending ? "Applying…" : "Apply"}
        </Button>
      </div>
      <div role="alert">
        {apply.isError && (
          <p id={errorId} className="mt-1 text-sm font-medium text-red-700" data-testid="coupon-error">
            {errorMessage(apply.error)}
          </p>
        )}
      </div>
    </form>
  );
}

/**
 * The promotions applied to the cart with the amount each takes off, and each entered code with
 * a button to remove it (codes that give nothing now say why).
 */
export function Promotions({ cart, className }: { cart: Cart; className?: string }) {
  const remove = useCartWrite(
    (code: string) => cartApi.removeCoupon(code),
    (code) => `Coupon ${code} removed.`,
  );
  const automatic = cart.appliedPromotions.filter((p) => !p.code);
  if (automatic.length === 0 && cart.couponCodes.length === 0) return null;
  const money = (amount: number) => formatMinor(amount, cart.currency);

  return (
    <div className={className}>
      <h3 className="text-sm font-medium text-neutral-900">Promotions</h3>
      <ul className="mt-2 space-y-2 text-sm" data-testid="promotions">
        {automatic.map((promotion) => (
          <li key={promotion.id} className="flex items-baseline justify-between gap-3">
            <span className="text-neutral-700">{promotion.name}</span>
            <span className="shrink-0 text-green-800">
              {promotion.amount > 0
                ? `−${money(promotion.amount)}`
                : promotion.freeShipping
                  ? "Free shipping"
                  : ""}
            </span>
          </li>
        ))}
        {cart.couponCodes.map((code) => {
          const applied = cart.appliedPromotions.filter((p) => p.code?.toUpperCase() === code.toUpperCase());
          const problem = cart.couponProblems.find((p) => p.code.toUpperCase() === code.toUpperCase());
          const amount = applied.reduce((sum, p) => sum + p.amount, 0);
          return (
            <li
              key={code}
              className="rounded-lg border border-neutral-200 px-3 py-2"
              data-testid="applied-coupon"
            >
              <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1">
                <span className="font-mono font-semibold text-neutral-900">{code}</span>
                <span className="ml-auto text-green-800">
                  {amount > 0
                    ? `−${money(amount)}`
                    : applied.some((p) => p.freeShipping)
                      ? "Free shipping"
                      : ""}
                </span>
                <button
                  type="button"
                  onClick={() => remove.mutate(code)}
                  disabled={remove.isPending}
                  className="rounded-sm text-sm font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:text-neutral-500"
                  aria-label={`Remove coupon ${code}`}
                >
                  Remove
                </button>
              </div>
              {applied.map((p) => (
                <p key={p.id} className="text-neutral-600">
                  {p.name}
                </p>
              ))}
              {problem && <p className="text-amber-800">{couponProblemText(problem.reason)}</p>}
            </li>
          );
        })}
      </ul>
      {remove.isError && (
        <p role="alert" className="mt-2 text-sm font-medium text-red-700">
          {errorMessage(remove.error)}
        </p>
      )}
    </div>
  );
}
