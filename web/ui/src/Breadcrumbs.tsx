import { cn } from "./cn";
import { DefaultLink, type LinkComponent } from "./link";

export interface BreadcrumbLink {
  label: string;
  /** Omit for the current page (the last item). */
  href?: string;
}

export interface BreadcrumbsProps {
  items: BreadcrumbLink[];
  linkComponent?: LinkComponent;
  className?: string;
}

/** A breadcrumb trail in a `nav` landmark labelled "Breadcrumb"; the last item is the current page. */
export function Breadcrumbs({ items, linkComponent: Link = DefaultLink, className }: BreadcrumbsProps) {
  return (
    <nav aria-label="Breadcrumb" className={cn("text-sm text-neutral-600", className)}>
      <ol className="flex flex-wrap items-center gap-x-1 gap-y-1">
        {items.map((item, index) => {
          const last = index === items.length - 1;
          return (
            <li key={`${item.label}-${index}`} className="flex items-center gap-x-1">
              {last || !item.href ? (
                <span aria-current={last ? "page" : undefined} className={cn(last && "text-neutral-900")}>
                  {item.label}
                </span>
              ) : (
                <Link
                  href={item.href}
                  className="rounded-sm underline-offset-4 hover:text-neutral-900 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                >
                  {item.label}
                </Link>
              )}
              {!last && (
                <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 shrink-0 text-neutral-400">
                  <path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="1.5" />
                </svg>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
