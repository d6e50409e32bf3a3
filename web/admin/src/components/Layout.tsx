import { errorMessage, isApiError } from "@bazaar/sdk";
import { Button, cn, Spinner } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { authApi } from "../api";
import { queryClient, useMe } from "../queries";
import { Alert } from "./forms";
import { sections } from "./nav";
import { PageHeading } from "./PageHeading";

function useSignOut() {
  const navigate = useNavigate();
  return useMutation({
    mutationFn: authApi.signOut,
    onSettled: () => {
      queryClient.clear();
      navigate("/sign-in", { replace: true });
    },
  });
}

function Loading() {
  return (
    <div className="flex min-h-screen items-center justify-center">
      <Spinner />
    </div>
  );
}

/** Signed in but not allowed into the admin (not staff, or two-factor authentication still off). */
function Refused({ code, message }: { code: string; message: string }) {
  const signOut = useSignOut();
  const twoFactor = code === "TWO_FACTOR_REQUIRED";
  return (
    <main className="mx-auto max-w-lg px-4 py-16">
      <PageHeading title={twoFactor ? "Turn on two-factor authentication" : "No access to the admin"} />
      <Alert>{message}</Alert>
      {twoFactor && (
        <p className="mt-4 text-sm text-neutral-700">
          Turn it on in your{" "}
          <a href="/account" className="font-medium text-accent-700 underline">
            account settings
          </a>
          , then sign in again.
        </p>
      )}
      <Button className="mt-6" variant="secondary" onClick={() => signOut.mutate()}>
        Sign out
      </Button>
    </main>
  );
}

/** The signed-in shell: skip link, header, navigation of the sections the user may open, and the page. */
export function Layout() {
  const me = useMe();
  const location = useLocation();
  const signOut = useSignOut();
  // On a phone the section list folds away behind a Menu button; it folds again after a choice.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);

  if (me.isPending) return <Loading />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      return (
        <Navigate to={next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`} replace />
      );
    }
    const code = isApiError(me.error) ? me.error.code : "";
    return <Refused code={code} message={errorMessage(me.error)} />;
  }
  const allowed = sections.filter((s) => me.data.permissions.includes(s.permission));

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-neutral-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3 sm:px-6">
          <NavLink to="/" className="text-lg font-bold tracking-tight text-neutral-900">
            Bazaar <span className="font-normal text-neutral-600">admin</span>
          </NavLink>
          <div className="flex items-center gap-3 text-sm">
            <span className="hidden text-neutral-700 sm:inline" data-testid="signed-in-as">
              {me.data.email}
            </span>
            <Button
              variant="secondary"
              size="sm"
              onClick={() => signOut.mutate()}
              disabled={signOut.isPending}
            >
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:px-6 md:flex-row">
        <nav aria-label="Admin sections" className="md:w-52 md:shrink-0">
          <button
            type="button"
            className="inline-flex h-10 items-center gap-2 rounded-lg border border-neutral-300 bg-white px-3 text-sm font-medium md:hidden"
            aria-expanded={menuOpen}
            aria-controls="admin-sections"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span> Menu
          </button>
          <ul
            id="admin-sections"
            className={`${menuOpen ? "mt-2 grid grid-cols-2 gap-1" : "hidden"} md:mt-0 md:flex md:flex-col md:gap-1`}
          >
            <li>
              <NavItem to="/" end>
                Overview
              </NavItem>
            </li>
            {allowed.map((section) => (
              <li key={section.to}>
                <NavItem to={section.to}>{section.label}</NavItem>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="min-w-0 flex-1">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function NavItem({ to, end, children }: { to: string; end?: boolean; children: ReactNode }) {
  return (
    <NavLink
      to={to}
      end={end}
      className={({ isActive }) =>
        cn(
          "block rounded-lg px-3 py-2 text-sm font-medium",
          isActive ? "bg-accent-50 text-accent-800" : "text-neutral-700 hover:bg-neutral-100",
        )
      }
    >
      {children}
    </NavLink>
  );
}

/** Shows the page only to staff holding `permission` (the API refuses the calls anyway). */
export function RequirePermission({
  permission,
  title,
  children,
}: {
  permission: string;
  title: string;
  children: ReactNode;
}) {
  const me = useMe();
  if (me.data?.permissions.includes(permission)) return children;
  return (
    <>
      <PageHeading title={title} />
      <Alert>You don't have permission to open this page ({permission}).</Alert>
    </>
  );
}
