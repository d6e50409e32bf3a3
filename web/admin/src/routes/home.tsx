import { ok } from "@bazaar/sdk";
import { formatMinor } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { client } from "../api";
import { sections } from "../components/nav";
import { PageHeading } from "../components/PageHeading";
import { useMe } from "../queries";

/** Midnight of today in the browser's time zone, as UTC. */
function startOfToday(): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
}

function Tile({ to, label, value, hint }: { to: string; label: string; value: string; hint?: string }) {
  return (
    <li>
      <Link
        to={to}
        className="block h-full rounded-xl border border-neutral-200 bg-white p-4 shadow-sm hover:border-accent-300"
      >
        <span className="block text-sm text-neutral-700">{label}</span>
        <span className="mt-1 block text-2xl font-bold tabular-nums text-neutral-900">{value}</span>
        {hint && <span className="mt-1 block text-xs text-neutral-600">{hint}</span>}
      </Link>
    </li>
  );
}

/**
 * The admin home: today's orders and sales, what waits for staff (orders to ship, held orders, returns,
 * low stock, reviews), each a link to the filtered list; then the sections the staff member may open.
 */
export function HomePage() {
  const me = useMe();
  const since = startOfToday();
  const figures = useQuery({
    queryKey: ["admin", "dashboard", since],
    queryFn: ({ signal }) => ok(client.GET("/api/admin/dashboard", { params: { query: { since } }, signal })),
    staleTime: 0,
    refetchInterval: 60_000,
  });
  const allowed = sections.filter((s) => me.data?.permissions.includes(s.permission));
  const f = figures.data;
  const tiles: { to: string; label: string; value: string; hint?: string }[] = [];
  if (f?.ordersToday != null)
    tiles.push({ to: "/orders", label: "Orders today", value: String(f.ordersToday) });
  if (f?.salesToday)
    tiles.push({
      to: "/orders",
      label: "Sales today",
      value: f.salesToday.length
        ? f.salesToday.map((m) => formatMinor(m.amount, m.currency)).join(" + ")
        : "—",
    });
  if (f?.toShip != null)
    tiles.push({ to: "/orders?status=processing", label: "To ship", value: String(f.toShip) });
  if (f?.onHold != null)
    tiles.push({ to: "/orders?status=on_hold", label: "Held for review", value: String(f.onHold) });
  if (f?.returnsToHandle != null)
    tiles.push({ to: "/returns", label: "Returns to handle", value: String(f.returnsToHandle) });
  if (f?.lowStock != null)
    tiles.push({
      to: "/low-stock",
      label: "Low stock",
      value: f.lowStock >= 100 ? "100+" : String(f.lowStock),
      hint: "Variants at or below their threshold",
    });
  if (f?.reviewsToModerate != null)
    tiles.push({ to: "/reviews", label: "Reviews to moderate", value: String(f.reviewsToModerate) });
  return (
    <>
      <PageHeading
        title="Overview"
        intro={`Signed in as ${me.data?.email ?? ""}. Today is since midnight, your time.`}
      />
      {tiles.length > 0 && (
        <section aria-labelledby="today-heading" className="mb-8">
          <h2 id="today-heading" className="mb-3 text-lg font-semibold text-neutral-900">
            Today
          </h2>
          <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
            {tiles.map((tile) => (
              <Tile key={tile.label} {...tile} />
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="sections-heading">
        <h2 id="sections-heading" className="mb-3 text-lg font-semibold text-neutral-900">
          Sections
        </h2>
        {allowed.length === 0 ? (
          <p className="text-sm text-neutral-700">
            Your roles don't include any of the sections built so far.
          </p>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {allowed.map((section) => (
              <li key={section.to}>
                <Link
                  to={section.to}
                  className="block h-full rounded-xl border border-neutral-200 bg-white p-5 shadow-sm hover:border-accent-300"
                >
                  <span className="font-semibold text-neutral-900">{section.label}</span>
                  <span className="mt-1 block text-sm text-neutral-600">{section.description}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
