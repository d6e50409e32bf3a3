import { formatMinor, Section, textLink } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { PageHeading } from "../components/PageHeading";
import { useCatalogApi } from "../routes/products.api";
import {
  useOrdersToShipCount,
  useVendorMoney,
  useVendorProfile,
  type VendorBalance,
  type VendorProfile,
} from "./vendor.api";

const statusText: Record<string, { label: string; tone: string; meaning: string }> = {
  active: {
    label: "Active",
    tone: "bg-green-100 text-green-900",
    meaning: "Your published products are on sale in the storefront.",
  },
  suspended: {
    label: "Suspended",
    tone: "bg-amber-100 text-amber-900",
    meaning:
      "Your products are hidden from the storefront and your shop can't be changed until the shop's staff reinstate it.",
  },
};

/** How many of the vendor's products have a status (the list's `total`, one row fetched). */
function useProductCount(status: "active" | "draft") {
  const { api, productsKey } = useCatalogApi();
  return useQuery({
    queryKey: [...productsKey, "count", status],
    queryFn: ({ signal }) => api.list({ status, limit: 1 }, signal),
    select: (list) => list.total,
    staleTime: 0,
  });
}

function CountTile({ to, label, count }: { to: string; label: string; count: number | null | undefined }) {
  return (
    <li>
      <Link
        to={to}
        className="block h-full rounded-xl border border-neutral-200 bg-white p-4 shadow-sm hover:border-accent-300"
      >
        <span className="block text-sm text-neutral-700">{label}</span>
        <span className="mt-1 block text-2xl font-bold tabular-nums text-neutral-900">
          {count === undefined
            ? "…"
            : count === null
              ? "—"
              : count > 10_000
                ? "10,000+"
                : count.toLocaleString()}
        </span>
      </Link>
    </li>
  );
}

/** What the vendor may be paid now, and what is still held for the return window, in one currency. */
function MoneyTile({ balance }: { balance: VendorBalance | null | undefined }) {
  const money = (amount: number) => (balance ? formatMinor(amount, balance.currency) : "");
  return (
    <li>
      <Link
        to="/vendor/payouts"
        className="block h-full rounded-xl border border-neutral-200 bg-white p-4 shadow-sm hover:border-accent-300"
        data-testid="vendor-money-tile"
      >
        <span className="block text-sm text-neutral-700">
          Available to pay out{balance ? ` (${balance.currency})` : ""}
        </span>
        <span className="mt-1 block text-2xl font-bold tabular-nums text-neutral-900">
          {balance === undefined ? "…" : balance === null ? "—" : money(balance.available)}
        </span>
        {balance && (
          <span className="mt-1 block text-sm tabular-nums text-neutral-700">
            {money(balance.held)} held for the return window
          </span>
        )}
        {balance && balance.balance < 0 && (
          <span className="mt-1 block text-sm font-medium text-amber-900">
            You owe {money(-balance.balance)}: taken from your next sales
          </span>
        )}
      </Link>
    </li>
  );
}

function NextSteps({
  vendor,
  drafts,
  toShip,
}: {
  vendor: VendorProfile;
  drafts: number | undefined;
  toShip: number | undefined;
}) {
  const { canWrite } = useCatalogApi();
  const steps: { key: string; content: ReactNode }[] = [];
  if (toShip)
    steps.push({
      key: "ship",
      content: (
        <>
          <Link to="/vendor/orders" className={textLink}>
            Ship your orders
          </Link>{" "}
          ({toShip}): shoppers are waiting for them.
        </>
      ),
    });
  if (vendor.status === "suspended")
    steps.push({
      key: "suspended",
      content: "Read the reason for the suspension above, and contact the shop's staff to be reinstated.",
    });
  if (canWrite)
    steps.push({
      key: "add",
      content: (
        <>
          <Link to="/vendor/products/new" className={textLink}>
            Add a product
          </Link>
          : its photos, price and stock, and variants (sizes, colours). Save it as a draft, then make it
          active to sell it.
        </>
      ),
    });
  if (canWrite && drafts)
    steps.push({
      key: "drafts",
      content: (
        <>
          <Link to="/vendor/products?status=draft" className={textLink}>
            Publish your drafts
          </Link>{" "}
          ({drafts}) when they are ready.
        </>
      ),
    });
  if (!vendor.payoutMethod)
    steps.push({
      key: "payouts",
      content: (
        <>
          <Link to="/vendor/payouts" className={textLink}>
            Choose how you're paid
          </Link>
          , so the shop can pay you for your sales.
        </>
      ),
    });
  if (!vendor.description.trim())
    steps.push({
      key: "describe",
      content: (
        <>
          <Link to="/vendor/profile" className={textLink}>
            Describe your shop
          </Link>{" "}
          for shoppers on your shop page.
        </>
      ),
    });
  steps.push({
    key: "page",
    content: (
      <>
        <a href={`/vendors/${encodeURIComponent(vendor.slug)}`} className={textLink}>
          Look at your shop page
        </a>{" "}
        as shoppers see it.
      </>
    ),
  });
  return (
    <ol className="list-decimal space-y-2 pl-5 text-sm text-neutral-800">
      {steps.map((step) => (
        <li key={step.key}>{step.content}</li>
      ))}
    </ol>
  );
}

/**
 * The vendor's home: the shop's status, the orders to ship, the money available to pay out and held,
 * its products by status, its public page, and what to do next.
 */
export function VendorDashboardPage() {
  const profile = useVendorProfile();
  const active = useProductCount("active");
  const drafts = useProductCount("draft");
  const toShip = useOrdersToShipCount();
  const money = useVendorMoney();
  const vendor = profile.data;
  if (!vendor) return null;
  const status = statusText[vendor.status] ?? {
    label: vendor.status,
    tone: "bg-neutral-200 text-neutral-800",
    meaning: "",
  };
  const shopPath = `/vendors/${encodeURIComponent(vendor.slug)}`;

  return (
    <>
      <PageHeading title="Dashboard" intro={`${vendor.name} at a glance.`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Your shop">
          <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="font-medium text-neutral-700">Name</dt>
            <dd className="text-neutral-900">{vendor.name}</dd>
            <dt className="font-medium text-neutral-700">Status</dt>
            <dd className="text-neutral-900">
              <span
                className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${status.tone}`}
                data-testid="vendor-status"
              >
                {status.label}
              </span>
              {status.meaning && <span className="mt-1 block text-neutral-700">{status.meaning}</span>}
              {vendor.status === "suspended" && vendor.reviewNote && (
                <span className="mt-1 block text-neutral-700">Staff's note: {vendor.reviewNote}</span>
              )}
            </dd>
            <dt className="font-medium text-neutral-700">Shop page</dt>
            <dd className="min-w-0 break-words">
              <a href={shopPath} className={textLink}>
                {shopPath}
              </a>
            </dd>
          </dl>
        </Section>
        <Section title="Next steps">
          <NextSteps vendor={vendor} drafts={drafts.data} toShip={toShip.data} />
        </Section>
      </div>
      <section aria-labelledby="orders-heading" className="mt-8">
        <h2 id="orders-heading" className="mb-3 text-lg font-semibold text-neutral-900">
          Orders
        </h2>
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          <CountTile to="/vendor/orders" label="Orders to ship" count={toShip.isError ? null : toShip.data} />
        </ul>
      </section>
      <section aria-labelledby="money-heading" className="mt-8">
        <h2 id="money-heading" className="mb-3 text-lg font-semibold text-neutral-900">
          Money
        </h2>
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {money.data && money.data.balances.length > 0 ? (
            money.data.balances.map((b) => <MoneyTile key={b.currency} balance={b} />)
          ) : (
            <MoneyTile balance={money.isError || money.data ? null : undefined} />
          )}
        </ul>
      </section>
      <section aria-labelledby="products-heading" className="mt-8">
        <h2 id="products-heading" className="mb-3 text-lg font-semibold text-neutral-900">
          Products
        </h2>
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
          <CountTile
            to="/vendor/products?status=active"
            label="Active"
            count={active.isError ? null : active.data}
          />
          <CountTile
            to="/vendor/products?status=draft"
            label="Drafts"
            count={drafts.isError ? null : drafts.data}
          />
        </ul>
      </section>
    </>
  );
}
