import { Link } from "react-router";
import { PageHead } from "../components/PageHead";

export function NotFoundPage({ what = "page" }: { what?: string }) {
  return (
    <div className="mx-auto max-w-2xl px-4 py-20 text-center sm:px-6">
      <PageHead title="Not found" noindex />
      <p className="text-sm font-semibold text-accent-700">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-neutral-900 sm:text-4xl">
        {what === "page" ? "Page not found" : `This ${what} could not be found`}
      </h1>
      <p className="mt-4 text-neutral-600">
        The {what} you are looking for does not exist or is no longer available.
      </p>
      <Link
        to="/"
        className="mt-8 inline-flex h-11 items-center rounded-lg bg-accent-700 px-5 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
      >
        Back to the home page
      </Link>
    </div>
  );
}

export function Component() {
  return <NotFoundPage />;
}
