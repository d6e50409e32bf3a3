import { Link } from "react-router";
import { sections } from "../components/nav";
import { PageHeading } from "../components/PageHeading";
import { useMe } from "../queries";

export function HomePage() {
  const me = useMe();
  const allowed = sections.filter((s) => me.data?.permissions.includes(s.permission));
  return (
    <>
      <PageHeading title="Overview" intro={`Signed in as ${me.data?.email ?? ""}.`} />
      {allowed.length === 0 ? (
        <p className="text-sm text-neutral-700">Your roles don't include any of the sections built so far.</p>
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
    </>
  );
}
