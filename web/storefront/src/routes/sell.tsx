import { errorMessage, fieldErrorsAt, isApiError } from "@bazaar/sdk";
import { Button, ErrorSummary, Spinner, TextAreaField } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, type Ref, useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { primaryLink, secondaryLink } from "../components/cart/CartDrawer";
import { Alert, Checkbox, Field, SelectField, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { countries } from "../countries";
import { queryClient, sessionQuery } from "../queries";
import { signInHref } from "../session";
import { useShop } from "../shop";
import {
  type PayoutMethod,
  SELLER_AGREEMENT_URL,
  VENDOR_PORTAL_URL,
  type VendorApplication,
  type VendorApplicationInput,
  type VendorApplicationState,
  vendorApi,
  vendorApplicationQuery,
  vendorHref,
  vendorSlugOf,
} from "../vendors";

export async function loader() {
  // Signed-out visitors see the pitch; signed-in ones their application (or the form).
  const session = await queryClient.fetchQuery(sessionQuery()).catch(() => null);
  if (session) await queryClient.prefetchQuery(vendorApplicationQuery());
  return null;
}

const sectionClass = "rounded-2xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-8";
const sectionHeading = "text-xl font-semibold tracking-tight text-neutral-900 outline-none";
const legendClass = "text-base font-semibold text-neutral-900";

const formatDay = (iso: string) => new Date(iso).toLocaleDateString("en-US", { dateStyle: "long" });

/** "Sell on <shop>": the pitch, the application form, and then where the application stands. */
export function Component() {
  const shop = useShop();
  const session = useQuery(sessionQuery());
  const signedIn = Boolean(session.data);
  const application = useQuery({ ...vendorApplicationQuery(), enabled: signedIn });
  const signedOut = isApiError(application.error) && application.error.status === 401;

  // The session ended meanwhile: show the page as to a visitor.
  useEffect(() => {
    if (signedOut) queryClient.setQueryData(sessionQuery().queryKey, null);
  }, [signedOut]);

  return (
    <div className="mx-auto max-w-3xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead
        title={`Sell on ${shop.name}`}
        description={`Open your own shop on ${shop.name}: apply to sell your products to our shoppers.`}
      />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900 sm:text-4xl">Sell on {shop.name}</h1>
      <p className="mt-3 text-lg text-neutral-700">
        Open your own shop on {shop.name}. You list your products; we bring the shoppers and take care of
        checkout and payments.
      </p>
      <div className="mt-8">
        {session.isPending || (signedIn && application.isPending) ? (
          <Spinner label="Loading…" />
        ) : !signedIn || signedOut ? (
          <Pitch shopName={shop.name} />
        ) : application.isError ? (
          <Alert>{errorMessage(application.error)}</Alert>
        ) : (
          <ApplicationView state={application.data ?? null} email={session.data?.user.email ?? ""} />
        )}
      </div>
    </div>
  );
}

/** How selling works, for visitors who are not signed in. */
function Pitch({ shopName }: { shopName: string }) {
  const steps = [
    ["Apply", "Tell us about your shop and your business, and where your earnings should go."],
    ["We review", `The ${shopName} team checks your application and emails you the decision.`],
    [
      "Start selling",
      "Add your products in the vendor portal. They appear on your own shop page, sold by you.",
    ],
  ] as const;
  return (
    <section aria-labelledby="how-it-works" className={sectionClass}>
      <h2 id="how-it-works" className={sectionHeading}>
        How it works
      </h2>
      <ol className="mt-5 grid gap-5 sm:grid-cols-3">
        {steps.map(([title, text], index) => (
          <li key={title} className="flex gap-3 sm:flex-col">
            <span
              aria-hidden="true"
              className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-50 font-semibold text-accent-800"
            >
              {index + 1}
            </span>
            <div>
              <h3 className="font-semibold text-neutral-900">{title}</h3>
              <p className="mt-1 text-sm text-neutral-600">{text}</p>
            </div>
          </li>
        ))}
      </ol>
      <p className="mt-6 text-sm text-neutral-600">
        Payouts by Stripe (paid out automatically) or by bank transfer. Selling is subject to our{" "}
        <Link to={SELLER_AGREEMENT_URL} className={textLink}>
          seller agreement
        </Link>
        .
      </p>
      <Link to={signInHref("/sell")} className={`${primaryLink} mt-6 w-full text-center sm:w-auto`}>
        Sign in or create an account to apply
      </Link>
    </section>
  );
}

/** The shopper's application as it stands, with the form when there is something to send. */
function ApplicationView({ state, email }: { state: VendorApplicationState | null; email: string }) {
  // After sending, focus moves to the heading of what the page says now.
  const [sent, setSent] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const status = state?.application.status ?? null;
  useEffect(() => {
    if (sent && status) headingRef.current?.focus();
  }, [sent, status]);

  const onSent = () => setSent(true);
  if (!state) {
    return (
      <StatusSection title="Apply to sell" headingRef={headingRef}>
        <p className="text-neutral-700">
          It takes a few minutes. We review every application and email you when we have decided.
        </p>
        <ApplicationForm email={email} submitLabel="Send application" onSent={onSent} />
      </StatusSection>
    );
  }

  const { application, agreementVersion } = state;
  const note = application.reviewNote ? <ReviewNote note={application.reviewNote} /> : null;
  switch (application.status) {
    case "applied":
      return (
        <StatusSection title="Application sent" headingRef={headingRef}>
          <p className="text-neutral-700" data-testid="application-status">
            Your application is waiting for review
            {application.submittedAt && (
              <>
                {" "}
                (sent <time dateTime={application.submittedAt}>{formatDay(application.submittedAt)}</time>)
              </>
            )}
            . We will email {application.contactEmail || "you"} as soon as it has been reviewed.
          </p>
          <ApplicationSummary application={application} />
        </StatusSection>
      );
    case "changes_requested":
      return (
        <StatusSection title="Please update your application" headingRef={headingRef}>
          <p className="text-neutral-700">
            Our team looked at your application and asked for a few changes. Update it below and send it
            again.
          </p>
          {note}
          <ApplicationForm
            application={application}
            agreementVersion={agreementVersion}
            email={email}
            submitLabel="Send application again"
            onSent={onSent}
          />
        </StatusSection>
      );
    case "rejected":
      return (
        <StatusSection title="Your application was not accepted" headingRef={headingRef}>
          {note ?? <p className="text-neutral-700">Our team did not accept your application.</p>}
          <h3 className="mt-8 text-lg font-semibold text-neutral-900">Apply again</h3>
          <p className="mt-1 text-neutral-700">
            If something has changed, you can update your application and send it again.
          </p>
          <ApplicationForm
            application={application}
            agreementVersion={agreementVersion}
            email={email}
            submitLabel="Apply again"
            onSent={onSent}
          />
        </StatusSection>
      );
    case "active":
      return (
        <StatusSection title="You're a seller" headingRef={headingRef}>
          <p className="text-neutral-700">
            Your shop <strong className="text-neutral-900">{application.name}</strong> is open. Add and manage
            your products in the vendor portal.
          </p>
          <div className="mt-6 flex flex-col gap-3 sm:flex-row">
            {/* The portal is another app: a full page load. */}
            <a href={VENDOR_PORTAL_URL} className={primaryLink}>
              Open the vendor portal
            </a>
            <Link to={vendorHref(application.slug)} className={secondaryLink}>
              View your shop
            </Link>
          </div>
        </StatusSection>
      );
    case "suspended":
      return (
        <StatusSection title="Your shop is suspended" headingRef={headingRef}>
          <p className="text-neutral-700">
            Your products are hidden from the shop for now. You can still follow up orders already placed in
            the vendor portal.
          </p>
          {note}
          <a href={VENDOR_PORTAL_URL} className={`${secondaryLink} mt-6 w-full sm:w-auto`}>
            Open the vendor portal
          </a>
        </StatusSection>
      );
    case "closed":
      return (
        <StatusSection title="Your shop is closed" headingRef={headingRef}>
          <p className="text-neutral-700">Your shop {application.name} no longer sells here.</p>
          {note}
        </StatusSection>
      );
  }
}

function StatusSection({
  title,
  headingRef,
  children,
}: {
  title: string;
  headingRef: Ref<HTMLHeadingElement>;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={sectionClass} data-testid="vendor-application">
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className={`${sectionHeading} mb-3`}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Staff's reason with their last decision, shown prominently. */
function ReviewNote({ note }: { note: string }) {
  return (
    <figure
      className="mt-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950"
      data-testid="review-note"
    >
      <figcaption className="text-sm font-semibold">Note from our team</figcaption>
      <blockquote className="mt-1 whitespace-pre-line">{note}</blockquote>
    </figure>
  );
}

/** What was sent: the shop's name and address, and where the decision goes. */
function ApplicationSummary({ application }: { application: VendorApplication }) {
  const rows: [string, string][] = [
    ["Shop name", application.name],
    ["Shop address", vendorHref(application.slug)],
    ["Business", application.legalName],
    ["Contact email", application.contactEmail],
  ];
  return (
    <dl className="mt-5 grid gap-x-6 gap-y-3 rounded-lg bg-neutral-50 p-4 text-sm sm:grid-cols-2">
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <div key={label} className="min-w-0">
            <dt className="text-neutral-600">{label}</dt>
            <dd className="break-words font-medium text-neutral-900">{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The controls whose messages show beside them (the rest go to the summary above the form). */
const shownFields = [
  "name",
  "slug",
  "description",
  "legalName",
  "taxId",
  "contactEmail",
  "contactPhone",
  "address.firstName",
  "address.lastName",
  "address.company",
  "address.line1",
  "address.line2",
  "address.city",
  "address.region",
  "address.postalCode",
  "address.country",
  "payoutCountry",
  "payoutMethod",
  "agreementAccepted",
] as const;

/** The server's messages by field; a taken shop address is the slug field's. */
function formErrors(error: unknown): Record<string, string> {
  const errors = fieldErrorsAt(error);
  if (isApiError(error) && error.code === "VENDOR_SLUG_TAKEN") {
    errors.slug = `${errorMessage(error)}. Please choose another shop address.`;
  }
  return errors;
}

const payoutMethods: { value: PayoutMethod; label: string; hint: string }[] = [
  {
    value: "stripe_connect",
    label: "Stripe (paid out automatically)",
    hint: "Your earnings go to your Stripe account after each sale.",
  },
  {
    value: "bank_transfer",
    label: "Bank transfer",
    hint: "We transfer your earnings to your business bank account.",
  },
];

/** The application: a first one, or the previous one to change and send again. */
function ApplicationForm({
  application,
  agreementVersion,
  email,
  submitLabel,
  onSent,
}: {
  application?: VendorApplication;
  agreementVersion?: string;
  email: string;
  submitLabel: string;
  onSent: () => void;
}) {
  const [name, setName] = useState(application?.name ?? "");
  // The shop address follows the name until the shopper edits it.
  const [slug, setSlug] = useState<string | null>(application?.slug ?? null);
  const shownSlug = slug ?? vendorSlugOf(name);
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const payoutId = useId();

  const apply = useMutation({
    mutationFn: vendorApi.apply,
    onSuccess: (sent) => {
      queryClient.setQueryData(
        vendorApplicationQuery().queryKey,
        (previous: VendorApplicationState | null | undefined) => ({
          application: sent,
          agreementVersion: sent.agreementVersion ?? previous?.agreementVersion ?? "",
        }),
      );
      onSent();
    },
    // Take the shopper to the first field the server refused, else to the message.
    onError: () =>
      requestAnimationFrame(() =>
        (formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]") ?? summaryRef.current)?.focus(),
      ),
  });
  const errors = formErrors(apply.error);
  const address = application?.address;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? "").trim();
    const optional = (key: string) => text(key) || undefined;
    const body: VendorApplicationInput = {
      name: text("name"),
      slug: optional("slug"),
      description: text("description"),
      legalName: text("legalName"),
      taxId: optional("taxId"),
      contactEmail: text("contactEmail"),
      contactPhone: text("contactPhone"),
      address: {
        firstName: text("address.firstName"),
        lastName: text("address.lastName"),
        company: optional("address.company"),
        line1: text("address.line1"),
        line2: optional("address.line2"),
        city: text("address.city"),
        region: optional("address.region"),
        postalCode: optional("address.postalCode"),
        country: text("address.country"),
      },
      payoutCountry: text("payoutCountry"),
      payoutMethod: text("payoutMethod") as PayoutMethod,
      agreementAccepted: form.get("agreementAccepted") === "on",
    };
    apply.mutate(body);
  };

  const countryOptions = countries().map((c) => (
    <option key={c.code} value={c.code}>
      {c.name}
    </option>
  ));

  return (
    <form ref={formRef} onSubmit={onSubmit} className="mt-6 space-y-8" aria-label="Application to sell">
      {apply.isError && (
        <ErrorSummary
          ref={summaryRef}
          problem={
            isApiError(apply.error) && apply.error.code === "VENDOR_SLUG_TAKEN"
              ? { ...apply.error.problem, errors: [{ field: "slug", message: errors.slug ?? "" }] }
              : apply.error
          }
          shownFields={shownFields}
          fieldsMessage="Please correct the highlighted fields below."
          fallback={errorMessage(apply.error)}
        />
      )}

      <fieldset>
        <legend className={legendClass}>Your shop</legend>
        <div className="mt-4 grid gap-5 sm:grid-cols-2">
          <Field
            label="Shop name"
            name="name"
            required
            maxLength={100}
            value={name}
            onChange={(event) => setName(event.target.value)}
            hint="The name shoppers see."
            error={errors.name}
          />
          <Field
            label="Shop address"
            name="slug"
            maxLength={61}
            autoCapitalize="none"
            spellCheck={false}
            value={shownSlug}
            onChange={(event) => setSlug(event.target.value.toLowerCase().replace(/\s+/g, "-"))}
            hint={
              <>
                Your shop's page: <span className="break-all font-mono">/vendors/{shownSlug || "…"}</span>.
                Lower-case letters, digits and hyphens.
              </>
            }
            error={errors.slug}
          />
          <TextAreaField
            density="comfortable"
            className="sm:col-span-2"
            label="About your shop"
            name="description"
            rows={4}
            maxLength={5000}
            defaultValue={application?.description ?? ""}
            hint="What you make or sell, shown on your shop page."
            error={errors.description}
          />
        </div>
      </fieldset>

      <fieldset className="border-t border-neutral-200 pt-6">
        <legend className={`${legendClass} float-left w-full`}>Your business</legend>
        <div className="clear-left grid gap-5 pt-4 sm:grid-cols-2">
          <Field
            label="Registered business name"
            name="legalName"
            autoComplete="organization"
            required
            maxLength={200}
            defaultValue={application?.legalName ?? ""}
            hint="As on your invoices and statements."
            error={errors.legalName}
          />
          <Field
            label="VAT number or EIN (optional)"
            name="taxId"
            maxLength={50}
            autoCapitalize="characters"
            spellCheck={false}
            defaultValue={application?.taxId ?? ""}
            error={errors.taxId}
          />
          <Field
            label="Contact email"
            name="contactEmail"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            defaultValue={application?.contactEmail || email}
            hint="Where we send the decision and questions about your shop."
            error={errors.contactEmail}
          />
          <Field
            label="Contact phone"
            name="contactPhone"
            type="tel"
            autoComplete="tel"
            required
            minLength={5}
            maxLength={40}
            defaultValue={application?.contactPhone ?? ""}
            hint="International format, e.g. +4930123456."
            error={errors.contactPhone}
          />
        </div>
      </fieldset>

      <fieldset className="border-t border-neutral-200 pt-6">
        <legend className={`${legendClass} float-left w-full`}>Business address</legend>
        <div className="clear-left grid gap-5 pt-4 sm:grid-cols-2">
          <Field
            label="First name"
            name="address.firstName"
            autoComplete="given-name"
            required
            maxLength={100}
            defaultValue={address?.firstName ?? ""}
            error={errors["address.firstName"]}
          />
          <Field
            label="Last name"
            name="address.lastName"
            autoComplete="family-name"
            required
            maxLength={100}
            defaultValue={address?.lastName ?? ""}
            error={errors["address.lastName"]}
          />
          <Field
            className="sm:col-span-2"
            label="Company (optional)"
            name="address.company"
            autoComplete="organization"
            maxLength={200}
            defaultValue={address?.company ?? ""}
            error={errors["address.company"]}
          />
          <Field
            className="sm:col-span-2"
            label="Street address"
            name="address.line1"
            autoComplete="address-line1"
            required
            maxLength={200}
            defaultValue={address?.line1 ?? ""}
            error={errors["address.line1"]}
          />
          <Field
            className="sm:col-span-2"
            label="Apartment, suite, etc. (optional)"
            name="address.line2"
            autoComplete="address-line2"
            maxLength={200}
            defaultValue={address?.line2 ?? ""}
            error={errors["address.line2"]}
          />
          <Field
            label="City"
            name="address.city"
            autoComplete="address-level2"
            required
            maxLength={100}
            defaultValue={address?.city ?? ""}
            error={errors["address.city"]}
          />
          <Field
            label="State / province / region (optional)"
            name="address.region"
            autoComplete="address-level1"
            maxLength={100}
            defaultValue={address?.region ?? ""}
            error={errors["address.region"]}
          />
          <Field
            label="Postal code (optional)"
            name="address.postalCode"
            autoComplete="postal-code"
            maxLength={20}
            defaultValue={address?.postalCode ?? ""}
            error={errors["address.postalCode"]}
          />
          <SelectField
            label="Country"
            name="address.country"
            autoComplete="country"
            required
            defaultValue={address?.country ?? ""}
            placeholder="Choose a country"
            error={errors["address.country"]}
          >
            {countryOptions}
          </SelectField>
        </div>
      </fieldset>

      <fieldset className="border-t border-neutral-200 pt-6">
        <legend className={`${legendClass} float-left w-full`}>Payouts</legend>
        <div className="clear-left grid gap-5 pt-4 sm:grid-cols-2">
          <SelectField
            label="Payout country"
            name="payoutCountry"
            required
            defaultValue={application?.payoutCountry ?? ""}
            placeholder="Choose a country"
            hint="The country of the bank account your earnings go to."
            error={errors.payoutCountry}
          >
            {countryOptions}
          </SelectField>
          <fieldset
            className="sm:col-span-2"
            aria-describedby={errors.payoutMethod ? `${payoutId}-error` : undefined}
          >
            <legend className="text-sm font-medium text-neutral-900">Payout method</legend>
            <div className="mt-2 grid gap-3 sm:grid-cols-2">
              {payoutMethods.map((method) => (
                <div
                  key={method.value}
                  className="relative flex gap-3 rounded-lg border border-neutral-300 bg-white p-3 has-[:checked]:border-accent-600 has-[:checked]:bg-accent-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-accent-600"
                >
                  <input
                    id={`${payoutId}-${method.value}`}
                    type="radio"
                    name="payoutMethod"
                    value={method.value}
                    required
                    defaultChecked={application?.payoutMethod === method.value}
                    aria-describedby={`${payoutId}-${method.value}-hint`}
                    aria-invalid={errors.payoutMethod ? true : undefined}
                    className="relative z-10 mt-0.5 size-5 shrink-0 accent-accent-700 focus-visible:outline-none"
                  />
                  <div className="min-w-0 text-sm">
                    {/* The label covers the whole card, so a tap anywhere chooses it. */}
                    <label
                      htmlFor={`${payoutId}-${method.value}`}
                      className="cursor-pointer font-medium text-neutral-900 after:absolute after:inset-0"
                    >
                      {method.label}
                    </label>
                    <p id={`${payoutId}-${method.value}-hint`} className="text-neutral-600">
                      {method.hint}
                    </p>
                  </div>
                </div>
              ))}
            </div>
            {errors.payoutMethod && (
              <p id={`${payoutId}-error`} className="mt-1 text-sm font-medium text-red-700">
                {errors.payoutMethod}
              </p>
            )}
          </fieldset>
        </div>
      </fieldset>

      <fieldset className="border-t border-neutral-200 pt-6">
        <legend className={`${legendClass} float-left w-full`}>Seller agreement</legend>
        <div className="clear-left pt-4">
          {/* Not `required`: the server's message explains what is missing, beside the box. */}
          <Checkbox
            label="I accept the seller agreement"
            name="agreementAccepted"
            hint={
              <>
                Please read the{" "}
                <a href={SELLER_AGREEMENT_URL} target="_blank" rel="noopener" className={textLink}>
                  seller agreement
                  <span className="sr-only"> (opens in a new tab)</span>
                </a>
                {agreementVersion ? ` (version ${agreementVersion})` : ""} before you apply.
              </>
            }
            error={errors.agreementAccepted}
          />
        </div>
      </fieldset>

      <div className="border-t border-neutral-200 pt-6">
        <Button type="submit" size="lg" className="w-full sm:w-auto" disabled={apply.isPending}>
          {apply.isPending ? "Sending…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
