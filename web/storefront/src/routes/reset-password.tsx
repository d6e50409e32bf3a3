import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, AuthCard, Field, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";
import { queryClient } from "../queries";

export function Component() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get("token");
  const linkError = params.get("error");
  const [mismatch, setMismatch] = useState(false);

  const reset = useMutation({
    mutationFn: authApi.resetPassword,
    onSuccess: () => {
      // Every session was signed out by the reset.
      queryClient.setQueryData(["session"], null);
      queryClient.removeQueries({ queryKey: ["account"] });
      navigate("/sign-in?reset=1", { replace: true });
    },
  });
  const errors = fieldErrors(reset.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("newPassword"));
    if (newPassword !== String(form.get("confirmPassword"))) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    if (token) reset.mutate({ token, newPassword });
  };

  const invalidLink = !token || linkError;
  return (
    <AuthCard title="Choose a new password">
      <PageHead title="Choose a new password" noindex />
      {invalidLink ? (
        <div className="space-y-5">
          <Alert>
            {linkError === "INVALID_TOKEN" || linkError
              ? "This password reset link is invalid or has expired."
              : "This page needs the link from your password reset email."}
          </Alert>
          <Link to="/forgot-password" className={`inline-block text-sm ${textLink}`}>
            Request a new link
          </Link>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-5">
          {mismatch && <Alert>The passwords do not match.</Alert>}
          {reset.isError && (
            <Alert>
              {errorMessage(reset.error)}
              {reset.error && "code" in reset.error && reset.error.code === "INVALID_TOKEN" && (
                <>
                  {" "}
                  <Link to="/forgot-password" className="font-medium underline">
                    Request a new link
                  </Link>
                </>
              )}
            </Alert>
          )}
          <Field
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={8}
            maxLength={128}
            required
            hint="At least 8 characters. Avoid common passwords."
            error={errors.newPassword ?? errors.password}
          />
          <Field
            label="Confirm new password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            error={mismatch ? "The passwords do not match." : undefined}
          />
          <Button type="submit" size="lg" className="w-full" disabled={reset.isPending}>
            {reset.isPending ? "Saving…" : "Set new password"}
          </Button>
        </form>
      )}
    </AuthCard>
  );
}
