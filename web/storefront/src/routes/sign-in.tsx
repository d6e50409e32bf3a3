import { errorMessage } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, AuthCard, Checkbox, Field, Notice, safeNext, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { refreshSession } from "../queries";
import { mergeGuestWishlist } from "../wishlist";

type Step = "password" | "totp" | "backup";

export function Component() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [step, setStep] = useState<Step>("password");
  const codeRef = useRef<HTMLInputElement>(null);

  const finish = async () => {
    await refreshSession();
    // A guest's wishlist (kept in this browser) joins the account's default list.
    await mergeGuestWishlist().catch(() => null);
    navigate(next, { replace: true });
  };

  const signIn = useMutation({
    mutationFn: authApi.signIn,
    onSuccess: async (result) => {
      if (result.twoFactorRedirect) setStep("totp");
      else await finish();
    },
  });
  const verify = useMutation({
    mutationFn: ({ code, trustDevice, backup }: { code: string; trustDevice: boolean; backup: boolean }) =>
      backup ? authApi.verifyBackupCode({ code, trustDevice }) : authApi.verifyTotp({ code, trustDevice }),
    onSuccess: finish,
  });

  // Move focus to the code field whenever the second step (or its variant) appears.
  useEffect(() => {
    if (step !== "password") codeRef.current?.focus();
  }, [step]);

  const onPassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({
      email: String(form.get("email")).trim(),
      password: String(form.get("password")),
      rememberMe: form.get("rememberMe") === "on",
    });
  };

  const onCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    verify.mutate({
      code: String(form.get("code")).replace(/\s+/g, ""),
      trustDevice: form.get("trustDevice") === "on",
      backup: step === "backup",
    });
  };

  const switchTo = (to: Step) => {
    verify.reset();
    setStep(to);
  };

  return (
    <AuthCard
      title="Sign in"
      intro={
        step === "password" ? (
          <>
            New here?{" "}
            <Link to={next === "/account" ? "/sign-up" : `/sign-up?next=${next}`} className={textLink}>
              Create an account
            </Link>
          </>
        ) : undefined
      }
    >
      <PageHead title={step === "password" ? "Sign in" : "Two-factor authentication"} noindex />
      {params.get("reset") === "1" && step === "password" && (
        <Notice className="mb-6">Your password has been changed. Sign in with your new password.</Notice>
      )}
      {step === "password" ? (
        <form onSubmit={onPassword} className="space-y-5">
          {signIn.isError && <Alert>{errorMessage(signIn.error)}</Alert>}
          <Field label="Email" name="email" type="email" autoComplete="email" required />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          <div className="flex items-center justify-between gap-4">
            <Checkbox label="Keep me signed in" name="rememberMe" defaultChecked />
            <Link to="/forgot-password" className={`text-sm ${textLink}`}>
              Forgot password?
            </Link>
          </div>
          <Button type="submit" size="lg" className="w-full" disabled={signIn.isPending}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </Button>
          <SocialSignIn next={next} />
        </form>
      ) : (
        <form key={step} onSubmit={onCode} className="space-y-5" aria-labelledby="second-step-heading">
          <div>
            <h2 id="second-step-heading" className="text-lg font-semibold text-neutral-900">
              Two-factor authentication
            </h2>
            <p className="mt-1 text-sm text-neutral-600">
              {step === "totp"
                ? "Enter the 6-digit code from your authenticator app."
                : "Enter one of the backup codes you saved when you turned on two-factor authentication. Each code works once."}
            </p>
          </div>
          {verify.isError && <Alert>{errorMessage(verify.error)}</Alert>}
          {step === "totp" ? (
            <Field
              ref={codeRef}
              label="Authentication code"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={7}
              required
            />
          ) : (
            <Field
              ref={codeRef}
              label="Backup code"
              name="code"
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              required
            />
          )}
          <Checkbox
            label="Trust this device for 30 days"
            name="trustDevice"
            hint="Don't ask for a code again on this browser."
          />
          <Button type="submit" size="lg" className="w-full" disabled={verify.isPending}>
            {verify.isPending ? "Verifying…" : "Verify"}
          </Button>
          <div className="flex flex-wrap justify-between gap-3 text-sm">
            {step === "totp" ? (
              <button type="button" className={textLink} onClick={() => switchTo("backup")}>
                Use a backup code
              </button>
            ) : (
              <button type="button" className={textLink} onClick={() => switchTo("totp")}>
                Use your authenticator app
              </button>
            )}
            <button
              type="button"
              className={textLink}
              onClick={() => {
                verify.reset();
                signIn.reset();
                setStep("password");
              }}
            >
              Start over
            </button>
          </div>
        </form>
      )}
    </AuthCard>
  );
}

/** "Continue with ..." buttons for the shop's social and single-sign-on providers, when it has any. */
function SocialSignIn({ next }: { next: string }) {
  const providers = useQuery({
    queryKey: ["auth-providers"],
    queryFn: ({ signal }) => authApi.providers(signal),
  });
  const start = useMutation({
    mutationFn: (provider: string) => authApi.signInSocial(provider, `${window.location.origin}${next}`),
    onSuccess: (result) => {
      if (result?.url) window.location.assign(result.url);
    },
  });
  const items = providers.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="space-y-3 border-t border-neutral-200 pt-5">
      {start.isError && <Alert>{errorMessage(start.error)}</Alert>}
      {items.map((p) => (
        <Button
          key={p.id}
          type="button"
          variant="secondary"
          size="lg"
          className="w-full"
          disabled={start.isPending}
          onClick={() => start.mutate(p.id)}
        >
          Continue with {p.name}
        </Button>
      ))}
    </div>
  );
}
