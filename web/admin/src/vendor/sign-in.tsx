import { errorMessage } from "@bazaar/sdk";
import { Button, textLink } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, Checkbox, Field, safeNext } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { queryClient } from "../queries";
import { useVendorProfile, vendorKey } from "./vendor.api";

/** The portal's name above the pages outside its layout. */
export function PortalName() {
  return (
    <span className="text-lg font-bold tracking-tight text-neutral-900">
      Bazaar <span className="font-normal text-neutral-600">vendor portal</span>
    </span>
  );
}

/**
 * The vendor portal's sign-in (/admin/vendor/sign-in): the account's email and password (the same
 * auth API as staff use), then the authenticator code when two-factor is on; back to `next` after.
 */
export function VendorSignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"), "/vendor");
  const [step, setStep] = useState<"password" | "totp">("password");
  const codeRef = useRef<HTMLInputElement>(null);
  const profile = useVendorProfile();

  const finish = async () => {
    // Whoever was signed in before, the portal's answers are now someone else's.
    await queryClient.resetQueries({ queryKey: vendorKey });
    navigate(next, { replace: true });
  };
  const signIn = useMutation({
    mutationFn: authApi.signIn,
    onSuccess: async (result) => {
      if (result?.twoFactorRedirect) setStep("totp");
      else await finish();
    },
  });
  const verify = useMutation({ mutationFn: authApi.verifyTotp, onSuccess: finish });

  useEffect(() => {
    if (step === "totp") codeRef.current?.focus();
  }, [step]);

  // Already signed in as a vendor member: straight to the portal.
  if (profile.isSuccess && !signIn.isPending && !verify.isPending) return <Navigate to={next} replace />;

  const onPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ email: String(form.get("email")).trim(), password: String(form.get("password")) });
  };
  const onCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    verify.mutate({
      code: String(form.get("code")).replace(/\s+/g, ""),
      trustDevice: form.get("trustDevice") === "on",
    });
  };

  return (
    <main className="mx-auto max-w-md px-4 py-12 sm:py-16">
      <p className="mb-6">
        <PortalName />
      </p>
      <PageHeading
        title={step === "password" ? "Sign in" : "Two-factor authentication"}
        intro={
          step === "password"
            ? "For people who sell on Bazaar: the account you use for your shop."
            : undefined
        }
      />
      <div className="rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8">
        {step === "password" ? (
          <form onSubmit={onPassword} className="space-y-5">
            {signIn.isError && <Alert>{errorMessage(signIn.error)}</Alert>}
            <Field label="Email" name="email" type="email" autoComplete="username" required />
            <Field
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
            />
            <Button type="submit" size="lg" className="w-full" disabled={signIn.isPending}>
              {signIn.isPending ? "Signing in…" : "Sign in"}
            </Button>
          </form>
        ) : (
          <form onSubmit={onCode} className="space-y-5">
            <p className="text-sm text-neutral-600">Enter the 6-digit code from your authenticator app.</p>
            {verify.isError && <Alert>{errorMessage(verify.error)}</Alert>}
            <Field
              ref={codeRef}
              label="Authentication code"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              required
            />
            <Checkbox label="Trust this device for 30 days" name="trustDevice" />
            <Button type="submit" size="lg" className="w-full" disabled={verify.isPending}>
              {verify.isPending ? "Verifying…" : "Verify"}
            </Button>
            <button
              type="button"
              className="text-sm font-medium text-accent-700 hover:underline"
              onClick={() => {
                verify.reset();
                signIn.reset();
                setStep("password");
              }}
            >
              Start over
            </button>
          </form>
        )}
      </div>
      <p className="mt-6 text-sm text-neutral-700">
        Not selling on Bazaar yet?{" "}
        <a href="/sell" className={textLink}>
          Apply to sell
        </a>
      </p>
    </main>
  );
}
