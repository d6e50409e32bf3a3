import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { authApi } from "../api";
import { Alert, Field, Notice, textLink } from "../components/forms";
import { PageHeading } from "../components/PageHeading";

/** First-run setup: creates the shop's first Owner with the one-time link `npm start` printed. */
export function SetupPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const setup = useMutation({ mutationFn: authApi.setupOwner });
  const errors = setup.isError ? fieldErrors(setup.error) : {};

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setup.mutate({
      token,
      name: String(form.get("name")).trim(),
      email: String(form.get("email")).trim(),
      password: String(form.get("password")),
    });
  };

  return (
    <main className="mx-auto max-w-md px-4 py-12 sm:py-16">
      <p className="mb-6 text-lg font-bold tracking-tight text-neutral-900">
        Bazaar <span className="font-normal text-neutral-600">admin</span>
      </p>
      <PageHeading title="Create the Owner account" />
      <div className="rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8">
        {!token ? (
          <Alert>This page needs the setup link printed when the shop started.</Alert>
        ) : setup.isSuccess ? (
          <Notice>
            The Owner account is ready.{" "}
            <Link to="/sign-in" className={textLink}>
              Sign in
            </Link>
          </Notice>
        ) : (
          <form onSubmit={onSubmit} className="space-y-5">
            {setup.isError && <Alert>{errorMessage(setup.error)}</Alert>}
            <Field label="Your name" name="name" autoComplete="name" required error={errors.name} />
            <Field
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              required
              error={errors.email}
            />
            <Field
              label="Password"
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={8}
              required
              hint="At least 8 characters, not a common password."
              error={errors.password}
            />
            <Button type="submit" size="lg" className="w-full" disabled={setup.isPending}>
              {setup.isPending ? "Creating…" : "Create Owner account"}
            </Button>
          </form>
        )}
      </div>
    </main>
  );
}
