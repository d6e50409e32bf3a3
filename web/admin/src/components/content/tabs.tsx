import { cn } from "@bazaar/ui";
import { Link, useLocation } from "react-router";

const tabs = [
  {
    to: "/content",
    label: "Pages",
    current: (path: string) => path === "/content" || path.startsWith("/content/pages"),
  },
  { to: "/content/home", label: "Home page", current: (path: string) => path.startsWith("/content/home") },
  { to: "/content/menus", label: "Menus", current: (path: string) => path.startsWith("/content/menus") },
  {
    to: "/content/announcement",
    label: "Announcement bar",
    current: (path: string) => path.startsWith("/content/announcement"),
  },
];

/** The content screen's sections: pages, the home page, the menus, the announcement bar. */
export function ContentTabs() {
  const { pathname } = useLocation();
  const path = pathname.replace(/\/+$/, "");
  return (
    <nav aria-label="Content sections" className="mb-6 flex flex-wrap gap-1 border-b border-neutral-200">
      {tabs.map((tab) => {
        const current = tab.current(path);
        return (
          <Link
            key={tab.to}
            to={tab.to}
            aria-current={current ? "page" : undefined}
            className={cn(
              "-mb-px rounded-t-md border-b-2 px-3 py-2 text-sm font-medium sm:px-4",
              "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
              current
                ? "border-accent-700 text-accent-800"
                : "border-transparent text-neutral-700 hover:border-neutral-300 hover:text-neutral-900",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
