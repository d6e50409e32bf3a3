import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, AuthCard, Field, safeNext, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { refreshSession } from "../queries";

export function Component() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));

  const signUp = useMutation({
    mutationFn: authApi.signUp,
    onSuccess: async () => {
      await refreshSession();
      navigate(next, { replace: true });
    },
  });
  const errors = fieldErrors(signUp.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signUp.mutate({
      name: String(form.get("name")).trim(),
      email: String(form.get("email")).trim(),
      password: String(form.get("password")),
    });
  };

  return (
    <AuthCard
      title="Create an account"
      intro={
        <>
          Already have one?{" "}
          <Link to={next === "/account" ? "/sign-in" : `/sign-in?next=${next}`} className={textLink}>
            Sign in
          </Link>
        </>
      }
    >
      <PageHead title="Create an account" noindex />
      <form onSubmit={onSubmit} className="space-y-5">
        {signUp.isError && <Alert>{errorMessage(signUp.error)}</Alert>}
        <Field label="Name" name="name" autoComplete="name" required maxLength={100} error={errors.name} />
        <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          required
          hint="At least 8 characters. Avoid common passwords."
          error={errors.password}
        />
        <Button type="submit" size="lg" className="w-full" disabled={signUp.isPending}>
          {signUp.isPending ? "Creating account…" : "Create account"}
        </Button>
        <p className="text-sm text-neutral-600">We'll email you a link to confirm your address.</p>
      </form>
    </AuthCard>
  );
}
