import { isApiError } from "@bazaar/sdk";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { PageHead } from "../components/PageHead";
import { NotFoundPage } from "./not-found";

/** Error boundary of the pages: API 404s and unknown routes become the 404 page. */
export function RouteError() {
  const error = useRouteError();
  if ((isApiError(error) && error.isNotFound) || (isRouteErrorResponse(error) && error.status === 404)) {
    return <NotFoundPage />;
  }
  if (import.meta.env.DEV) console.error(error);
  const detail = isApiError(error) ? error.message : "An unexpected error occurred while showing this page.";
  return (
    <div className="mx-auto max-w-2xl px-4 py-20 text-center sm:px-6">
      <PageHead title="Something went wrong" noindex />
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">Something went wrong</h1>
      <p className="mt-4 text-neutral-600">{detail}</p>
      <div className="mt-8 flex justify-center gap-3">
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="inline-flex h-11 items-center rounded-lg bg-accent-700 px-5 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          Try again
        </button>
        <Link
          to="/"
          className="inline-flex h-11 items-center rounded-lg border border-neutral-300 px-5 text-sm font-medium text-neutral-900 hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          Home page
        </Link>
      </div>
    </div>
  );
}

/** Last-resort boundary when the layout itself fails: plain markup, no data. */
export function FatalError() {
  const error = useRouteError();
  if (import.meta.env.DEV) console.error(error);
  return (
    <main className="mx-auto max-w-2xl px-4 py-20 text-center">
      <title>Something went wrong | Bazaar</title>
      <h1 className="text-3xl font-bold text-neutral-900">Something went wrong</h1>
      <p className="mt-4 text-neutral-600">Bazaar could not be shown. Please reload the page.</p>
      <a href="/" className="mt-8 inline-block text-accent-700 underline">
        Go to the home page
      </a>
    </main>
  );
}
