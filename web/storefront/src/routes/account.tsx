import { type AccountProfile, errorMessage, fieldErrors, isApiError } from "@bazaar/sdk";
import { Button, Spinner } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useLocation, useSearchParams } from "react-router";
import { accountApi, authApi } from "../api";
import { Addresses } from "../components/account/Addresses";
import { Security } from "../components/account/Security";
import { Alert, Checkbox, Field, Notice } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { accountQuery, queryClient, sessionQuery } from "../queries";
import { requireSession, signInHref } from "../session";

export async function loader(args: { request: Request }) {
  await requireSession(args);
  await queryClient.prefetchQuery(accountQuery());
  return null;
}

export const sectionClass = "rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8";
export const sectionHeading = "text-xl font-semibold tracking-tight text-neutral-900";

export function Component() {
  const account = useQuery(accountQuery());
  const location = useLocation();

  if (account.isError && isApiError(account.error) && account.error.status === 401) {
    queryClient.setQueryData(sessionQuery().queryKey, null);
    return <Navigate to={signInHref(location.pathname)} replace />;
  }

  return (
    <div className="mx-auto max-w-4xl px-4 py-10 sm:px-6 sm:py-14 lg:px-8">
      <PageHead title="Your account" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Your account</h1>
      {account.isPending ? (
        <Spinner className="mt-8" label="Loading your account…" />
      ) : account.isError ? (
        <Alert className="mt-8">{errorMessage(account.error)}</Alert>
      ) : (
        <>
          <p className="mt-2 text-neutral-600">
            Signed in as{" "}
            <span className="font-medium text-neutral-900" data-testid="account-email">
              {account.data.email}
            </span>
          </p>
          <VerificationBanner profile={account.data} />
          <nav aria-label="Account sections" className="mt-6">
            <ul className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
              <li>
                <Link to="/account/orders" className="font-medium text-accent-700 hover:underline">
                  Orders
                </Link>
              </li>
              {[
                ["#profile", "Profile"],
                ["#addresses", "Addresses"],
                ["#security", "Security"],
              ].map(([href, label]) => (
                <li key={href}>
                  <a href={href} className="font-medium text-accent-700 hover:underline">
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="mt-8 space-y-8">
            <Profile profile={account.data} />
            <Addresses />
            <Security profile={account.data} />
          </div>
        </>
      )}
    </div>
  );
}

/** "Please verify your email" with a resend button, or the result of opening the emailed link. */
function VerificationBanner({ profile }: { profile: AccountProfile }) {
  const [params] = useSearchParams();
  const resend = useMutation({ mutationFn: () => authApi.sendVerificationEmail(profile.email) });
  const linkError = params.get("error");

  return (
    <div className="mt-6 space-y-3">
      {params.get("verified") === "1" && linkError && (
        <Alert>This verification link is invalid or has expired. Send yourself a new one below.</Alert>
      )}
      {params.get("verified") === "1" && !linkError && profile.emailVerified && (
        <Notice data-testid="email-verified">Email verified. Thank you for confirming your address.</Notice>
      )}
      {!profile.emailVerified && (
        <div
          className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          data-testid="verify-email-banner"
        >
          <p>
            <strong>Please verify your email.</strong> We sent a link to {profile.email}.
          </p>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => resend.mutate()}
            disabled={resend.isPending || resend.isSuccess}
          >
            {resend.isPending ? "Sending…" : resend.isSuccess ? "Sent" : "Resend"}
          </Button>
        </div>
      )}
      {resend.isSuccess && <Notice>We've sent a new verification link to {profile.email}.</Notice>}
      {resend.isError && <Alert>{errorMessage(resend.error)}</Alert>}
    </div>
  );
}

function Profile({ profile }: { profile: AccountProfile }) {
  const [saved, setSaved] = useState(false);
  const update = useMutation({
    mutationFn: accountApi.updateProfile,
    onMutate: () => setSaved(false),
    onSuccess: (data) => {
      queryClient.setQueryData(accountQuery().queryKey, data);
      void queryClient.invalidateQueries({ queryKey: ["session"] });
      setSaved(true);
    },
  });
  const errors = fieldErrors(update.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const phone = String(form.get("phone")).trim();
    update.mutate({
      name: String(form.get("name")).trim(),
      phone: phone || null,
      marketingConsent: form.get("marketingConsent") === "on",
    });
  };

  return (
    <section aria-labelledby="profile" className={sectionClass}>
      <h2 id="profile" className={sectionHeading}>
        Profile
      </h2>
      <form onSubmit={onSubmit} className="mt-6 grid gap-5 sm:grid-cols-2">
        {update.isError && (
          <Alert className="sm:col-span-2">
            {Object.keys(errors).length > 0 ? "Please correct the fields below." : errorMessage(update.error)}
          </Alert>
        )}
        <Field
          label="Name"
          name="name"
          autoComplete="name"
          required
          maxLength={100}
          defaultValue={profile.name}
          error={errors.name}
        />
        <Field label="Email" name="email" type="email" autoComplete="email" value={profile.email} readOnly />
        <Field
          label="Phone"
          name="phone"
          type="tel"
          autoComplete="tel"
          defaultValue={profile.phone ?? ""}
          hint="International format, e.g. +4930123456."
          error={errors.phone}
        />
        <Checkbox
          className="sm:col-span-2"
          label="Email me offers and news"
          name="marketingConsent"
          defaultChecked={profile.marketingConsent}
          hint={
            profile.marketingConsent && profile.marketingConsentAt
              ? `You agreed on ${new Date(profile.marketingConsentAt).toLocaleDateString()}. You can withdraw at any time.`
              : "You can unsubscribe at any time."
          }
          error={errors.marketingConsent}
        />
        <div className="flex items-center gap-4 sm:col-span-2">
          <Button type="submit" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save profile"}
          </Button>
          {saved && <Notice className="py-2">Profile saved.</Notice>}
        </div>
      </form>
    </section>
  );
}
