import {
  type AddressBody,
  type Address as BookAddress,
  type Cart,
  errorMessage,
  fieldErrorsAt,
  isApiError,
  type Order,
  type PaymentInput,
  type PostalAddress,
  type SessionUser,
} from "@bazaar/sdk";
import { Button, cn, formatMinor, Spinner } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { cartApi, checkoutApi } from "../api";
import { primaryLink } from "../components/cart/CartDrawer";
import { LineThumbnail, optionsText } from "../components/cart/CartLineItem";
import { Promotions } from "../components/cart/Coupons";
import { Totals } from "../components/cart/Totals";
import { lineName, useCart, useCartWrite } from "../components/cart/useCart";
import { AddressBlock, AddressFields, readAddress } from "../components/checkout/AddressFields";
import { type CardInput, cardDigits, emptyCard, validateCard } from "../components/checkout/card";
import { newIdempotencyKey, rememberOrder, rememberPendingPayment } from "../components/checkout/orderStore";
import { PaymentSection } from "../components/checkout/PaymentSection";
import type { StripeHandle } from "../components/checkout/StripePayment";
import { Alert, Checkbox, Field, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import {
  addressesQuery,
  cartQuery,
  paymentMethodsQuery,
  queryClient,
  sessionQuery,
  setCart,
} from "../queries";

type Step = "contact" | "address" | "shipping" | "payment";

const sectionClass = "rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-6";

export function Component() {
  const cart = useCart({ fresh: true });
  const session = useQuery(sessionQuery());

  return (
    <div className="mx-auto max-w-7xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Checkout" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Checkout</h1>
      {cart.isPending || session.isPending ? (
        <Spinner className="mt-8" label="Loading your cart…" />
      ) : cart.isError ? (
        <Alert className="mt-8">{errorMessage(cart.error)}</Alert>
      ) : cart.data.lines.length === 0 ? (
        <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-8 text-center">
          <p className="text-neutral-700">Your cart is empty.</p>
          <Link to="/" className={`${primaryLink} mt-6`}>
            Continue shopping
          </Link>
        </div>
      ) : (
        <CheckoutForm cart={cart.data} user={session.data?.user ?? null} />
      )}
    </div>
  );
}

/** Field errors of a refused checkout, by section. */
interface PlaceErrors {
  email?: string;
  address?: string;
  shipping?: string;
  payment?: string;
}

/** What to tell the shopper when placing the order failed (a sentence, and the lines it names). */
function placeProblem(error: unknown, cart: Cart): { text: string; items: string[] } {
  if (!isApiError(error)) {
    return {
      text: error instanceof Error ? error.message : "Something went wrong. Please try again.",
      items: [],
    };
  }
  const detail = errorMessage(error);
  switch (error.code) {
    case "PAYMENT_DECLINED":
      return { text: `${detail} Your cart is saved: try another card or payment method.`, items: [] };
    case "OUT_OF_STOCK": {
      const items = (error.problem.errors ?? []).map((e) => {
        const line = cart.lines.find((l) => `variant:${l.variantId}` === e.field);
        return line ? `${lineName(line)}: ${e.message}` : e.message;
      });
      return { text: `${detail} Change the quantities in your cart and try again.`, items };
    }
    case "VALIDATION_FAILED":
      return {
        text: "Some details are missing. Please complete the highlighted steps.",
        items: (error.problem.errors ?? []).map((e) => e.message.replace(/^./, (c) => c.toUpperCase())),
      };
    default:
      return { text: detail, items: [] };
  }
}

/** The same address (the form sends what the cart stores, so field by field). */
function sameAddress(a: PostalAddress | AddressBody | null, b: PostalAddress | AddressBody | null): boolean {
  if (!a || !b) return false;
  const keys: (keyof PostalAddress)[] = [
    "firstName",
    "lastName",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postalCode",
    "country",
    "phone",
  ];
  return keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

function CheckoutForm({ cart, user }: { cart: Cart; user: SessionUser | null }) {
  const navigate = useNavigate();
  const methods = useQuery(paymentMethodsQuery());
  const [editing, setEditing] = useState<Step | null>(null);
  const [placeErrors, setPlaceErrors] = useState<PlaceErrors>({});
  const [method, setMethod] = useState<string | null>(null);
  const [card, setCard] = useState<CardInput>(emptyCard);
  const [cardErrors, setCardErrors] = useState<Partial<Record<keyof CardInput, string>>>({});
  const stripeRef = useRef<StripeHandle>(null);
  /** This checkout attempt's Idempotency-Key: reused when retrying it, replaced after a refusal. */
  const attempt = useRef<{ key: string; provider: string } | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const steps: Step[] = cart.requiresShipping
    ? ["contact", "address", "shipping", "payment"]
    : ["contact", "address", "payment"];
  const done: Record<Step, boolean> = {
    contact: Boolean(cart.email),
    address: Boolean(cart.requiresShipping ? cart.shippingAddress : cart.billingAddress),
    shipping: !cart.requiresShipping || Boolean(cart.shippingMethod),
    payment: false,
  };
  const current: Step = editing ?? steps.find((s) => !done[s]) ?? "payment";
  const readyToPay = steps.slice(0, -1).every((s) => done[s]);
  const paymentMethods = methods.data ?? [];
  const chosenMethod = method ?? paymentMethods[0]?.id ?? null;
  const blocked = cart.lines.filter((l) => !l.purchasable);

  const place = useMutation({
    mutationFn: async (): Promise<Order | null> => {
      const provider = chosenMethod;
      if (!provider) throw new Error("Choose a payment method.");
      if (provider === "test") {
        const errors = validateCard(card);
        setCardErrors(errors);
        if (Object.keys(errors).length > 0) {
          setEditing(null);
          throw new Error("Check the card details.");
        }
      }
      if (provider === "stripe") {
        const problem = await stripeRef.current?.submit();
        if (problem) throw new Error(problem);
      }
      if (!attempt.current || attempt.current.provider !== provider) {
        attempt.current = { key: newIdempotencyKey(), provider };
      }
      const payment: PaymentInput =
        provider === "test" ? { provider, data: { cardNumber: cardDigits(card.number) } } : { provider };
      const order = await checkoutApi.placeOrder(payment, attempt.current.key);
      const status = order.payment?.status;
      if (order.payment?.redirectUrl && status !== "captured" && status !== "authorized") {
        // PayPal approval (or a bank's page): the payment continues there and comes back to /checkout/return.
        rememberPendingPayment(order);
        window.location.assign(order.payment.redirectUrl);
        return null;
      }
      if (
        provider === "stripe" &&
        order.payment?.clientSecret &&
        status !== "captured" &&
        status !== "authorized"
      ) {
        rememberPendingPayment(order);
        const problem = await stripeRef.current?.confirm(
          order.payment.clientSecret,
          `${window.location.origin}/checkout/return`,
        );
        // The same key again replays this order, so a retry confirms the same PaymentIntent.
        if (problem) throw new Error(problem);
      }
      return order;
    },
    onMutate: () => setPlaceErrors({}),
    onSuccess: (order) => {
      if (!order) return;
      attempt.current = null;
      rememberOrder(order);
      navigate(`/checkout/confirmation/${encodeURIComponent(order.number)}`, {
        state: { order },
        replace: true,
      });
    },
    onError: (error) => {
      if (isApiError(error)) {
        // An answer that refused the attempt ends it; without an answer (network) or while the
        // server is still busy with it, the same key retries the same attempt.
        const unknownOutcome =
          error.status === 0 || error.status >= 500 || error.code === "CHECKOUT_IN_PROGRESS";
        if (!unknownOutcome) attempt.current = null;
        if (error.status !== 400) void queryClient.invalidateQueries({ queryKey: cartQuery().queryKey });
        if (error.code === "VALIDATION_FAILED") {
          const fields = fieldErrorsAt(error);
          const next: PlaceErrors = {
            email: fields.email,
            address: fields.shippingAddress ?? fields.billingAddress,
            shipping: fields.shippingMethodId,
          };
          setPlaceErrors(next);
          const first = next.email ? "contact" : next.address ? "address" : next.shipping ? "shipping" : null;
          if (first) setEditing(first);
        }
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    },
  });
  // After success the page is on its way to the confirmation (or to the payment provider).
  const submitting = place.isPending || place.isSuccess;
  const problem = place.isError ? placeProblem(place.error, cart) : null;
  const cardProblem = place.isError && !isApiError(place.error) && Object.keys(cardErrors).length > 0;

  const finish = (step: Step) => {
    setPlaceErrors((errors) => ({ ...errors, [step === "contact" ? "email" : step]: undefined }));
    setEditing(null);
  };

  return (
    <div className="mt-8 grid grid-cols-1 gap-8 lg:grid-cols-[minmax(0,1fr)_26rem] lg:gap-10">
      <div className="min-w-0 space-y-6">
        {blocked.length > 0 && (
          <Alert>
            Some items in your cart are not available as they are.{" "}
            <Link to="/cart" className="font-medium underline">
              Review your cart
            </Link>{" "}
            to change or remove them.
          </Alert>
        )}
        <Section
          step={1}
          title="Contact"
          open={current === "contact"}
          done={done.contact}
          summary={cart.email}
          onChange={user ? undefined : () => setEditing("contact")}
        >
          <ContactStep cart={cart} user={user} error={placeErrors.email} onDone={() => finish("contact")} />
        </Section>

        <Section
          step={2}
          title={cart.requiresShipping ? "Shipping address" : "Billing address"}
          open={current === "address"}
          done={done.address}
          locked={!done.contact}
          summary={<AddressSummary cart={cart} />}
          onChange={() => setEditing("address")}
        >
          <AddressStep
            cart={cart}
            user={user}
            error={placeErrors.address}
            onDone={() => finish("address")}
            onCancel={done.address ? () => setEditing(null) : undefined}
          />
        </Section>

        {cart.requiresShipping && (
          <Section
            step={3}
            title="Shipping method"
            open={current === "shipping"}
            done={done.shipping}
            locked={!done.address}
            summary={
              cart.shippingMethod && (
                <p className="text-sm text-neutral-800">
                  {cart.shippingMethod.name} ·{" "}
                  {cart.totals.shippingTotal - cart.totals.shippingDiscount === 0
                    ? "Free"
                    : formatMinor(cart.totals.shippingTotal - cart.totals.shippingDiscount, cart.currency)}
                </p>
              )
            }
            onChange={() => setEditing("shipping")}
          >
            <ShippingStep
              cart={cart}
              error={placeErrors.shipping}
              onEditing={() => setEditing("shipping")}
              onDone={() => finish("shipping")}
              onChangeAddress={() => setEditing("address")}
            />
          </Section>
        )}

        <Section
          step={steps.length}
          title="Payment"
          open={readyToPay && current === "payment"}
          done={false}
          locked={!readyToPay}
          testId="payment-section"
        >
          {methods.isPending ? (
            <Spinner label="Loading payment methods…" />
          ) : methods.isError ? (
            <Alert>{errorMessage(methods.error)}</Alert>
          ) : paymentMethods.length === 0 ? (
            <Alert>This shop cannot take payments right now. Please try again later.</Alert>
          ) : (
            <PaymentSection
              methods={paymentMethods}
              method={chosenMethod ?? ""}
              onMethod={(id) => {
                setMethod(id);
                setCardErrors({});
                place.reset();
              }}
              card={card}
              onCard={(next) => {
                setCard(next);
                if (Object.keys(cardErrors).length > 0) setCardErrors({});
              }}
              cardErrors={cardErrors}
              amount={cart.totals.total}
              currency={cart.currency}
              stripeRef={stripeRef}
              disabled={submitting}
            />
          )}
        </Section>
      </div>

      <section
        aria-labelledby="review-heading"
        className="h-fit rounded-2xl border border-neutral-200 bg-neutral-50 p-5 sm:p-6 lg:sticky lg:top-6"
        data-testid="review"
      >
        <h2 id="review-heading" className="text-lg font-semibold text-neutral-900">
          Review your order
        </h2>
        <ul className="mt-4 divide-y divide-neutral-200" aria-label="Items">
          {cart.lines.map((line) => (
            <li key={line.id} className="flex gap-3 py-3" data-testid="review-line">
              <LineThumbnail url={line.thumbnailUrl} className="size-16 bg-white" />
              <div className="min-w-0 flex-1 text-sm">
                <p className="font-medium text-neutral-900">{lineName(line).replace(/ \(.*\)$/, "")}</p>
                {Object.keys(line.options).length > 0 && (
                  <p className="text-neutral-600">{optionsText(line.options)}</p>
                )}
                <p className="text-neutral-600">Qty {line.quantity}</p>
                {!line.purchasable && (
                  <p className="font-medium text-red-700">Not available in this quantity</p>
                )}
              </div>
              <p className="text-sm font-medium text-neutral-900">
                {formatMinor(line.subtotal, cart.currency)}
              </p>
            </li>
          ))}
        </ul>
        <Promotions cart={cart} className="mt-3 border-t border-neutral-200 pt-3" />
        <Totals
          className="mt-3 border-t border-neutral-200 pt-3"
          totals={cart.totals}
          currency={cart.currency}
          requiresShipping={cart.requiresShipping}
          shipping={cart.shippingMethod?.name ?? null}
          taxKnown={Boolean(cart.shippingAddress ?? cart.billingAddress)}
          shippingPending={cart.shippingAddress ? "Choose a method" : "After the address"}
          taxPending="After the address"
        />
        <div ref={errorRef} tabIndex={-1} className="outline-none" data-testid="checkout-error">
          {problem && (
            <Alert className="mt-4">
              <p>{cardProblem ? "Check the card details in the payment step." : problem.text}</p>
              {problem.items.length > 0 && (
                <ul className="mt-1 list-disc pl-5">
                  {problem.items.map((item) => (
                    <li key={item}>{item}</li>
                  ))}
                </ul>
              )}
            </Alert>
          )}
        </div>
        <Button
          size="lg"
          className="mt-5 w-full"
          onClick={() => place.mutate()}
          disabled={submitting || !chosenMethod || blocked.length > 0}
          aria-describedby={!readyToPay ? "place-order-hint" : undefined}
        >
          {submitting ? "Placing order…" : `Place order · ${formatMinor(cart.totals.total, cart.currency)}`}
        </Button>
        {!readyToPay && (
          <p id="place-order-hint" className="mt-2 text-sm text-neutral-600">
            Complete the steps above to place your order.
          </p>
        )}
        <p className="mt-3 text-xs text-neutral-600">
          Prices, tax and shipping are confirmed by the shop when you place the order.
        </p>
      </section>
    </div>
  );
}

/**
 * One checkout step: a numbered heading; its form while open, a summary with "Change" once done.
 * The heading takes focus when the step opens after another one was completed.
 */
function Section({
  step,
  title,
  open,
  done,
  locked = false,
  summary,
  onChange,
  children,
  testId,
}: {
  step: number;
  title: string;
  open: boolean;
  done: boolean;
  locked?: boolean;
  summary?: ReactNode;
  onChange?: () => void;
  children: ReactNode;
  testId?: string;
}) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open && !wasOpen.current) headingRef.current?.focus({ preventScroll: false });
    wasOpen.current = open;
  }, [open]);

  return (
    <section
      aria-labelledby={headingId}
      className={cn(sectionClass, locked && !open && "bg-neutral-50")}
      data-testid={testId}
    >
      <div className="flex items-center justify-between gap-4">
        <h2
          id={headingId}
          ref={headingRef}
          tabIndex={-1}
          className={cn(
            "flex items-center gap-3 text-lg font-semibold outline-none",
            locked && !open ? "text-neutral-600" : "text-neutral-900",
          )}
        >
          <span
            aria-hidden="true"
            className={cn(
              "inline-flex size-7 shrink-0 items-center justify-center rounded-full text-sm",
              done && !open ? "bg-green-700 text-white" : "bg-neutral-200 text-neutral-800",
            )}
          >
            {done && !open ? "✓" : step}
          </span>
          <span>
            <span className="sr-only">Step {step}: </span>
            {title}
            {done && !open && <span className="sr-only"> (done)</span>}
          </span>
        </h2>
        {done && !open && onChange && (
          <Button variant="ghost" size="sm" onClick={onChange} aria-label={`Change ${title.toLowerCase()}`}>
            Change
          </Button>
        )}
      </div>
      {open ? (
        <div className="mt-4">{children}</div>
      ) : (
        done && summary && <div className="mt-3 pl-10">{summary}</div>
      )}
    </section>
  );
}

function ContactStep({
  cart,
  user,
  error,
  onDone,
}: {
  cart: Cart;
  user: SessionUser | null;
  error?: string;
  onDone: () => void;
}) {
  const save = useCartWrite((email: string) => cartApi.setEmail(email));
  const accountEmail = user?.email.toLowerCase() ?? null;
  const mutate = save.mutate;

  // A signed-in customer's orders go to the account's address.
  useEffect(() => {
    if (accountEmail && cart.email !== accountEmail) mutate(accountEmail);
  }, [accountEmail, cart.email, mutate]);

  if (user) {
    return (
      <div className="text-sm text-neutral-800">
        {save.isError ? (
          <Alert>{errorMessage(save.error)}</Alert>
        ) : (
          <p>
            Signed in as <span className="font-medium">{user.email}</span>. We send the order confirmation
            there.
          </p>
        )}
      </div>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    save.mutate(email, { onSuccess: onDone });
  };
  const fieldError = fieldErrorsAt(save.error).email ?? (save.isError ? errorMessage(save.error) : error);
  return (
    <form onSubmit={onSubmit} noValidate>
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        defaultValue={cart.email ?? ""}
        hint="We send the order confirmation here."
        error={fieldError}
      />
      <div className="mt-4 flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Continue"}
        </Button>
        <p className="text-sm text-neutral-600">
          Have an account?{" "}
          <Link to="/sign-in?next=/checkout" className={textLink}>
            Sign in
          </Link>
        </p>
      </div>
    </form>
  );
}

function AddressSummary({ cart }: { cart: Cart }) {
  if (!cart.requiresShipping)
    return cart.billingAddress ? <AddressBlock address={cart.billingAddress} /> : null;
  if (!cart.shippingAddress) return null;
  const separateBilling = cart.billingAddress && !sameAddress(cart.billingAddress, cart.shippingAddress);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <AddressBlock address={cart.shippingAddress} />
      <div className="text-sm text-neutral-700">
        <p className="font-medium text-neutral-900">Billing address</p>
        {separateBilling && cart.billingAddress ? (
          <AddressBlock address={cart.billingAddress} />
        ) : (
          <p>Same as shipping</p>
        )}
      </div>
    </div>
  );
}

const bookToAddress = ({ isDefaultBilling: _b, isDefaultShipping: _s, id: _id, ...address }: BookAddress) =>
  address;

/** The shipping (or, for digital-only carts, billing) address, from the address book or typed in. */
function AddressStep({
  cart,
  user,
  error,
  onDone,
  onCancel,
}: {
  cart: Cart;
  user: SessionUser | null;
  error?: string;
  onDone: () => void;
  onCancel?: () => void;
}) {
  const book = useQuery({ ...addressesQuery(), enabled: Boolean(user) });
  const saved = book.data?.items ?? [];
  const current = cart.requiresShipping ? cart.shippingAddress : cart.billingAddress;
  const initialChoice = (): string => {
    const match = saved.find((a) => sameAddress(bookToAddress(a), current));
    if (match) return match.id;
    if (current) return "new";
    return (
      saved.find((a) => (cart.requiresShipping ? a.isDefaultShipping : a.isDefaultBilling))?.id ??
      saved[0]?.id ??
      "new"
    );
  };
  const [choice, setChoice] = useState<string | null>(null);
  const chosen = choice ?? (book.isPending && user ? null : initialChoice());
  const formRef = useRef<HTMLFormElement>(null);
  const [sameBilling, setSameBilling] = useState(
    () =>
      !cart.billingAddress || !cart.shippingAddress || sameAddress(cart.billingAddress, cart.shippingAddress),
  );

  const save = useMutation({
    mutationFn: async ({ primary, billing }: { primary: AddressBody; billing: AddressBody | null }) => {
      if (!cart.requiresShipping) return cartApi.setBillingAddress(primary);
      let next = await cartApi.setShippingAddress(primary);
      if (billing) next = await cartApi.setBillingAddress(billing);
      else if (next.billingAddress && !sameAddress(next.billingAddress, next.shippingAddress)) {
        next = await cartApi.setBillingAddress(primary);
      }
      return next;
    },
    onSuccess: async (next) => {
      await setCart(next);
      onDone();
    },
    // Take the shopper to the first field the server refused.
    onError: () =>
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus(),
      ),
  });
  const prefix = cart.requiresShipping ? "shippingAddress" : "billingAddress";
  const primaryErrors = fieldErrorsAt(save.error, prefix);
  const billingErrors = cart.requiresShipping ? fieldErrorsAt(save.error, "billingAddress") : {};
  const hasFieldErrors = Object.keys(primaryErrors).length + Object.keys(billingErrors).length > 0;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const fromBook = saved.find((a) => a.id === chosen);
    const primary = fromBook ? bookToAddress(fromBook) : readAddress(form, prefix);
    const billing = cart.requiresShipping && !sameBilling ? readAddress(form, "billingAddress") : null;
    // Saving the same shipping address again would drop the chosen shipping method: skip it.
    const billingUnchanged = billing
      ? sameAddress(billing, cart.billingAddress)
      : !cart.billingAddress || sameAddress(cart.billingAddress, current);
    if (current && sameAddress(primary, current) && billingUnchanged) {
      onDone();
      return;
    }
    save.mutate({ primary, billing });
  };

  if (user && book.isPending) return <Spinner label="Loading your addresses…" />;

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate>
      {(save.isError || error) && (
        <Alert className="mb-4">
          {save.isError
            ? hasFieldErrors
              ? "Please correct the address fields below."
              : errorMessage(save.error)
            : error}
        </Alert>
      )}
      {saved.length > 0 && (
        <fieldset className="mb-5">
          <legend className="text-sm font-medium text-neutral-900">Your addresses</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {saved.map((address) => (
              <label
                key={address.id}
                className="flex cursor-pointer gap-3 rounded-lg border border-neutral-300 bg-white p-3 has-[:checked]:border-accent-600 has-[:checked]:bg-accent-50"
                data-testid="saved-address"
              >
                <input
                  type="radio"
                  name="addressChoice"
                  value={address.id}
                  checked={chosen === address.id}
                  onChange={() => setChoice(address.id)}
                  className="mt-0.5 size-5 shrink-0 accent-accent-700"
                />
                <AddressBlock address={bookToAddress(address)} />
              </label>
            ))}
            <label className="flex cursor-pointer items-center gap-3 rounded-lg border border-neutral-300 bg-white p-3 has-[:checked]:border-accent-600 has-[:checked]:bg-accent-50">
              <input
                type="radio"
                name="addressChoice"
                value="new"
                checked={chosen === "new"}
                onChange={() => setChoice("new")}
                className="size-5 shrink-0 accent-accent-700"
              />
              <span className="text-sm font-medium text-neutral-900">A new address</span>
            </label>
          </div>
        </fieldset>
      )}
      {chosen === "new" && (
        <AddressFields
          prefix={prefix}
          section={cart.requiresShipping ? "shipping" : "billing"}
          defaults={current}
          errors={primaryErrors}
        />
      )}
      {cart.requiresShipping && (
        <div className="mt-5">
          <Checkbox
            label="The billing address is the same as the shipping address"
            checked={sameBilling}
            onChange={(event) => setSameBilling(event.target.checked)}
          />
          {!sameBilling && (
            <fieldset className="mt-4">
              <legend className="mb-3 text-base font-semibold text-neutral-900">Billing address</legend>
              <AddressFields
                prefix="billingAddress"
                section="billing"
                defaults={cart.billingAddress}
                errors={billingErrors}
              />
            </fieldset>
          )}
        </div>
      )}
      <div className="mt-6 flex flex-wrap gap-3">
        <Button type="submit" disabled={save.isPending}>
          {save.isPending
            ? "Saving…"
            : cart.requiresShipping
              ? "Continue to shipping"
              : "Continue to payment"}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

function ShippingStep({
  cart,
  error,
  onEditing,
  onDone,
  onChangeAddress,
}: {
  cart: Cart;
  error?: string;
  onEditing: () => void;
  onDone: () => void;
  onChangeAddress: () => void;
}) {
  const choose = useCartWrite(
    (id: string) => cartApi.setShippingMethod(id),
    (id, next) => {
      const option = next.shippingOptions.find((o) => o.id === id);
      return option
        ? `Shipping method ${option.name} chosen. Total ${formatMinor(next.totals.total, next.currency)}.`
        : null;
    },
  );
  const money = (amount: number) => formatMinor(amount, cart.currency);
  const selected = choose.isPending ? choose.variables : cart.shippingMethod?.id;

  if (cart.shippingOptions.length === 0) {
    return (
      <div>
        <Alert>We cannot ship to this address yet. Please use another address.</Alert>
        <Button variant="secondary" className="mt-4" onClick={onChangeAddress}>
          Change the address
        </Button>
      </div>
    );
  }

  return (
    <div>
      {(choose.isError || error) && (
        <Alert className="mb-4">{choose.isError ? errorMessage(choose.error) : error}</Alert>
      )}
      <fieldset aria-busy={choose.isPending}>
        <legend className="sr-only">Shipping method</legend>
        <div className="space-y-2">
          {cart.shippingOptions.map((option) => (
            <label
              key={option.id}
              className="flex cursor-pointer items-start gap-3 rounded-lg border border-neutral-300 bg-white p-3 has-[:checked]:border-accent-600 has-[:checked]:bg-accent-50"
              data-testid="shipping-option"
            >
              <input
                type="radio"
                name="shippingMethod"
                value={option.id}
                checked={selected === option.id}
                onChange={() => {
                  onEditing();
                  choose.mutate(option.id);
                }}
                className="mt-0.5 size-5 shrink-0 accent-accent-700"
              />
              <span className="min-w-0 flex-1">
                <span className="block font-medium text-neutral-900">{option.name}</span>
                {(option.description || option.estimatedDays || option.pickupAddress) && (
                  <span className="block text-sm text-neutral-600">
                    {[
                      option.description,
                      option.estimatedDays && `${option.estimatedDays} days`,
                      option.pickupAddress && `Pick up at ${option.pickupAddress}`,
                    ]
                      .filter(Boolean)
                      .join(" · ")}
                  </span>
                )}
              </span>
              <span className="shrink-0 font-medium text-neutral-900">
                {option.amount === 0 ? "Free" : money(option.amount)}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {cart.shippingMethod && cart.totals.shippingDiscount > 0 && (
        <p className="mt-3 text-sm text-green-800">
          Shipping discount: −{money(cart.totals.shippingDiscount)}
        </p>
      )}
      <Button className="mt-5" onClick={onDone} disabled={!cart.shippingMethod || choose.isPending}>
        Continue to payment
      </Button>
    </div>
  );
}
