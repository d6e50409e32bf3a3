import { errorMessage, isApiError } from "@bazaar/sdk";
import { Button, cn, Notice, Spinner, textLink } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useMemo } from "react";
import { Link, Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from "react-router";
import { authApi } from "../api";
import { Alert } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { queryClient } from "../queries";
import { ProductEditorPage } from "../routes/product-editor";
import { ProductsPage } from "../routes/products";
import { CatalogApiProvider } from "../routes/products.api";
import { VendorDashboardPage } from "./dashboard";
import { VendorOrderDetailPage } from "./order-detail";
import { VendorOrdersPage } from "./orders";
import { VendorPayoutsPage } from "./payouts";
import { VendorProfilePage } from "./profile";
import { PortalName, VendorSignInPage } from "./sign-in";
import { VendorTeamPage } from "./team";
import { useVendorProfile, vendorCatalog } from "./vendor.api";

/**
 * The vendor portal (/admin/vendor/*), for the people who work for a marketplace seller (not staff):
 * its own sign-in, then the vendor's dashboard, orders (to ship, with tracking), payouts (balance, how
 * it's paid, payouts and statement), products (the staff product list and editor on the vendor's own
 * catalog), profile and team.
 */
export function VendorPortal() {
  return (
    <Routes>
      <Route path="sign-in" element={<VendorSignInPage />} />
      <Route element={<VendorLayout />}>
        <Route index element={<VendorDashboardPage />} />
        <Route path="orders" element={<VendorOrdersPage />} />
        <Route path="orders/:id" element={<VendorOrderDetailPage />} />
        <Route path="payouts" element={<VendorPayoutsPage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="products/new" element={<ProductEditorPage />} />
        <Route path="products/:id" element={<ProductEditorPage />} />
        <Route path="profile" element={<VendorProfilePage />} />
        <Route path="team" element={<VendorTeamPage />} />
        <Route path="*" element={<VendorNotFoundPage />} />
      </Route>
    </Routes>
  );
}

const sections = [
  { to: "/vendor", label: "Dashboard", end: true },
  { to: "/vendor/orders", label: "Orders" },
  { to: "/vendor/payouts", label: "Payouts" },
  { to: "/vendor/products", label: "Products" },
  { to: "/vendor/profile", label: "Profile" },
  { to: "/vendor/team", label: "Team" },
];

function useSignOut() {
  const navigate = useNavigate();
  return useMutation({
    mutationFn: authApi.signOut,
    onSettled: () => {
      queryClient.clear();
      navigate("/vendor/sign-in", { replace: true });
    },
  });
}

/** Signed in, but the portal is not open to this person: why, and where to go from here. */
function Refused({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const signOut = useSignOut();
  const code = isApiError(error) ? error.code : "";
  const sell = (label: string) => (
    <p className="mt-4 text-sm text-neutral-700">
      <a href="/sell" className={textLink}>
        {label}
      </a>
    </p>
  );
  let title: string;
  let body: ReactNode;
  if (code === "NOT_VENDOR_MEMBER") {
    title = "This area is for vendors";
    body = (
      <>
        <p className="text-sm text-neutral-700">
          The vendor portal is for people who sell their products on Bazaar, and your account doesn't belong
          to a vendor.
        </p>
        {sell("Apply to sell on Bazaar")}
      </>
    );
  } else if (code === "VENDOR_NOT_APPROVED") {
    title = "Your application isn't approved yet";
    body = (
      <>
        <Notice tone="info">{errorMessage(error)}</Notice>
        {sell("See your application")}
      </>
    );
  } else if (code === "VENDOR_CLOSED") {
    title = "This shop is closed";
    body = (
      <Notice tone="warning">{errorMessage(error)} If you have questions, contact the shop's staff.</Notice>
    );
  } else {
    title = "The vendor portal can't be opened";
    body = (
      <>
        <Alert>{errorMessage(error)}</Alert>
        <Button className="mt-4" onClick={onRetry}>
          Try again
        </Button>
      </>
    );
  }
  return (
    <main className="mx-auto max-w-lg px-4 py-12 sm:py-16">
      <p className="mb-6">
        <PortalName />
      </p>
      <PageHeading title={title} />
      {body}
      <Button className="mt-6" variant="secondary" onClick={() => signOut.mutate()}>
        Sign out
      </Button>
    </main>
  );
}

/**
 * The signed-in portal: skip link, header with the vendor's name and Sign out, the sections, a banner
 * while the vendor is suspended, and the page. The profile decides who gets in (GET /api/vendor/profile
 * answers the guard's refusals): signed out goes to the sign-in, others are told why not.
 */
function VendorLayout() {
  const profile = useVendorProfile();
  const location = useLocation();
  const signOut = useSignOut();
  const status = profile.data?.status;
  const catalog = useMemo(() => vendorCatalog(status ?? "active"), [status]);

  if (profile.isPending) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner label="Loading the vendor portal…" />
      </div>
    );
  }
  if (profile.isError) {
    if (isApiError(profile.error) && profile.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      return (
        <Navigate
          to={next === "/vendor" ? "/vendor/sign-in" : `/vendor/sign-in?next=${encodeURIComponent(next)}`}
          replace
        />
      );
    }
    return <Refused error={profile.error} onRetry={() => void profile.refetch()} />;
  }
  const vendor = profile.data;

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-neutral-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 pt-3 sm:px-6">
          <Link to="/vendor" className="min-w-0">
            <span className="block truncate text-lg font-bold tracking-tight text-neutral-900">
              {vendor.name}
            </span>
            <span className="block text-xs text-neutral-600">Bazaar vendor portal</span>
          </Link>
          <Button variant="secondary" size="sm" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </Button>
        </div>
        <nav aria-label="Vendor sections" className="mx-auto mt-2 max-w-7xl px-4 sm:px-6">
          <ul className="-mb-px flex gap-1 overflow-x-auto">
            {sections.map((s) => (
              <li key={s.to} className="shrink-0">
                <NavLink
                  to={s.to}
                  end={s.end}
                  className={({ isActive }) =>
                    cn(
                      "block border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-accent-600",
                      isActive
                        ? "border-accent-700 text-accent-800"
                        : "border-transparent text-neutral-700 hover:border-neutral-300 hover:text-neutral-900",
                    )
                  }
                >
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
        {vendor.status === "suspended" && (
          <Notice tone="warning" className="mb-6" data-testid="vendor-suspended">
            <p className="font-semibold">Your shop is suspended.</p>
            {vendor.reviewNote && (
              <p className="mt-1">Reason given by the shop's staff: {vendor.reviewNote}</p>
            )}
            <p className="mt-1">
              Your products are hidden from the storefront and your shop can't be changed; you can still see
              everything here. Contact the shop's staff to be reinstated.
            </p>
          </Notice>
        )}
        <CatalogApiProvider value={catalog}>
          <Outlet />
        </CatalogApiProvider>
      </main>
    </div>
  );
}

function VendorNotFoundPage() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p className="text-sm text-neutral-700">
        There is no vendor portal page at this address.{" "}
        <Link to="/vendor" className={textLink}>
          Back to the dashboard
        </Link>
      </p>
    </>
  );
}
