import { errorMessage, fieldErrorsAt } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef } from "react";
import { Link, useSearchParams } from "react-router";
import { checkoutApi } from "../api";
import { Alert, Field, textLink } from "../components/forms";
import { OrderDetail } from "../components/orders/OrderDetail";
import { PageHead } from "../components/PageHead";

/** Guests find an order by its number and the e-mail it was placed with. */
export function Component() {
  const [params] = useSearchParams();
  const resultRef = useRef<HTMLHeadingElement>(null);
  const lookup = useMutation({
    mutationFn: ({ number, email }: { number: string; email: string }) =>
      checkoutApi.lookupOrder(number, email),
  });
  const errors = fieldErrorsAt(lookup.error);

  useEffect(() => {
    if (lookup.data) resultRef.current?.focus();
  }, [lookup.data]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    lookup.mutate({
      number: String(form.get("number") ?? "")
        .trim()
        .replace(/^#/, ""),
      email: String(form.get("email") ?? "").trim(),
    });
  };

  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Find your order" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Find your order</h1>
      <p className="mt-2 text-neutral-600">
        Enter the order number from your confirmation e-mail and the e-mail address you ordered with. Have an
        account?{" "}
        <Link to="/sign-in?next=/account/orders" className={textLink}>
          Sign in
        </Link>{" "}
        to see all your orders.
      </p>
      <form
        onSubmit={onSubmit}
        className="mt-6 grid gap-4 rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:grid-cols-[1fr_2fr_auto] sm:items-start sm:p-6"
        aria-label="Find your order"
      >
        <Field
          label="Order number"
          name="number"
          required
          maxLength={20}
          autoComplete="off"
          defaultValue={params.get("number") ?? ""}
          error={errors.number}
        />
        <Field
          label="Email"
          name="email"
          type="email"
          required
          maxLength={254}
          autoComplete="email"
          error={errors.email}
        />
        <Button type="submit" size="lg" className="sm:mt-6" disabled={lookup.isPending}>
          {lookup.isPending ? "Looking…" : "Find order"}
        </Button>
      </form>
      {lookup.isError && Object.keys(errors).length === 0 && (
        <Alert className="mt-6">{errorMessage(lookup.error)}</Alert>
      )}
      {lookup.data && (
        <section
          aria-labelledby="found-order"
          className="mt-8 rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-6"
        >
          <h2
            id="found-order"
            ref={resultRef}
            tabIndex={-1}
            className="text-2xl font-semibold text-neutral-900 outline-none"
          >
            Order <span data-testid="found-order-number">{lookup.data.number}</span>
          </h2>
          <div className="mt-6">
            <OrderDetail order={lookup.data} showTimeline />
          </div>
        </section>
      )}
    </div>
  );
}
