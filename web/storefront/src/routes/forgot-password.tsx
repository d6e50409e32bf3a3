import { errorMessage } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { authApi } from "../api";
import { Alert, AuthCard, Field, Notice, textLink } from "../components/forms";
import { PageHead } from "../components/PageHead";

export function Component() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const request = useMutation({
    mutationFn: authApi.requestPasswordReset,
    onSuccess: (_data, email) => setSentTo(email),
  });

  useEffect(() => {
    if (sentTo) noticeRef.current?.focus();
  }, [sentTo]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate(String(new FormData(event.currentTarget).get("email")).trim());
  };

  return (
    <AuthCard
      title="Reset your password"
      intro="Enter the email address of your account and we'll send you a link to choose a new password."
    >
      <PageHead title="Reset your password" noindex />
      {sentTo ? (
        <div className="space-y-5">
          <Notice ref={noticeRef} data-testid="reset-sent">
            If an account exists for <strong>{sentTo}</strong>, we've sent it a link to reset the password.
            The link expires soon, so use it shortly.
          </Notice>
          <p className="text-sm text-neutral-600">
            Didn't get it? Check your spam folder or{" "}
            <button type="button" className={textLink} onClick={() => setSentTo(null)}>
              try again
            </button>
            .
          </p>
          <Link to="/sign-in" className={`text-sm ${textLink}`}>
            Back to sign in
          </Link>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="space-y-5">
          {request.isError && <Alert>{errorMessage(request.error)}</Alert>}
          <Field label="Email" name="email" type="email" autoComplete="email" required />
          <Button type="submit" size="lg" className="w-full" disabled={request.isPending}>
            {request.isPending ? "Sending…" : "Send reset link"}
          </Button>
          <Link to="/sign-in" className={`inline-block text-sm ${textLink}`}>
            Back to sign in
          </Link>
        </form>
      )}
    </AuthCard>
  );
}
