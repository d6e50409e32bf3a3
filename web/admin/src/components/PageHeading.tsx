import { type ReactNode, useEffect, useRef } from "react";

let firstPage = true;

/**
 * The page's single h1 and document title. After a client-side navigation it takes focus, so screen
 * reader and keyboard users start at the new page's heading (the first page load keeps default focus).
 */
export function PageHeading({ title, intro }: { title: string; intro?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} | Bazaar admin`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus();
  }, [title]);
  return (
    <div className="mb-6">
      <h1 ref={ref} tabIndex={-1} className="text-2xl font-bold tracking-tight text-neutral-900 outline-none">
        {title}
      </h1>
      {intro && <p className="mt-1 text-sm text-neutral-600">{intro}</p>}
    </div>
  );
}
