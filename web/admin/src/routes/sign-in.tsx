import { errorMessage } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, Checkbox, Field, safeNext } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { meKey, queryClient, useMe } from "../queries";

type Step = "password" | "totp";

/** Staff sign-in: email and password, then the authenticator code when two-factor is on. */
export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [step, setStep] = useState<Step>("password");
  const codeRef = useRef<HTMLInputElement>(null);
  const me = useMe();

  const finish = async () => {
    await queryClient.resetQueries({ queryKey: meKey });
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

  // Already signed in as staff: straight to the dashboard.
  if (me.isSuccess && !signIn.isPending && !verify.isPending) return <Navigate to={next} replace />;

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
      <p className="mb-6 text-lg font-bold tracking-tight text-neutral-900">
        Bazaar <span className="font-normal text-neutral-600">admin</span>
      </p>
      <PageHeading title={step === "password" ? "Sign in" : "Two-factor authentication"} />
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
    </main>
  );
}
