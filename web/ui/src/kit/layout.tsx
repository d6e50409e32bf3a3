import { type ReactNode, type Ref, useId } from "react";
import { cn } from "../cn";

/** An error; role="alert" announces it as soon as it appears. */
export function Alert({
  children,
  className,
  ref,
}: {
  children: ReactNode;
  className?: string;
  ref?: Ref<HTMLDivElement>;
}) {
  return (
    <div
      ref={ref}
      role="alert"
      className={cn("rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800", className)}
    >
      {children}
    </div>
  );
}

export type NoticeTone = "success" | "info" | "warning";

export interface NoticeProps {
  children: ReactNode;
  className?: string;
  tone?: NoticeTone;
  /** The notice can take focus (tabIndex -1), so a page may move focus to it after an action. */
  ref?: Ref<HTMLDivElement>;
  "data-testid"?: string;
}

/** A success or information message, announced politely (role="status"). */
export function Notice({ children, className, tone = "success", ref, ...rest }: NoticeProps) {
  return (
    <div
      ref={ref}
      role="status"
      tabIndex={-1}
      className={cn(
        "rounded-lg border px-4 py-3 text-sm outline-none",
        tone === "success" && "border-green-200 bg-green-50 text-green-900",
        tone === "info" && "border-accent-200 bg-accent-50 text-accent-900",
        tone === "warning" && "border-amber-300 bg-amber-50 text-amber-900",
        className,
      )}
      {...rest}
    >
      {children}
    </div>
  );
}

/** A white panel with an h2, for a form or a list on a page. */
export function Section({
  title,
  description,
  children,
  actions,
  className,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      className={cn("rounded-xl border border-neutral-200 bg-white p-5 shadow-sm sm:p-6", className)}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 id={headingId} className="text-lg font-semibold text-neutral-900">
            {title}
          </h2>
          {description && <p className="mt-1 text-sm text-neutral-600">{description}</p>}
        </div>
        {actions}
      </div>
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** The narrow centred card of the sign-in, sign-up and password pages. */
export function AuthCard({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-md px-4 py-12 sm:px-6 sm:py-16">
      <h1 className="text-3xl font-bold tracking-tight text-neutral-900">{title}</h1>
      {intro && <div className="mt-2 text-neutral-600">{intro}</div>}
      <div className="mt-8 rounded-2xl border border-neutral-200 bg-white p-6 shadow-sm sm:p-8">
        {children}
      </div>
    </div>
  );
}

/** The classes of an inline text link in the accent colour. */
export const textLink =
  "rounded-sm font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

/** The classes of a plain HTML data table and its cells (see `DataTable` for a sortable, selectable one). */
export const tableClass = "min-w-full divide-y divide-neutral-200 text-left text-sm";
export const thClass = "px-3 py-2 font-semibold text-neutral-700 whitespace-nowrap";
export const tdClass = "px-3 py-2 align-top text-neutral-800";

/**
 * The horizontal scroller around a wide table: a labelled region that keyboard users can focus to
 * scroll it.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section aria-label={label} tabIndex={0} className="relative overflow-x-auto rounded-sm">
      {children}
    </section>
  );
}

/** A column of `TableHead`: its heading, right-aligned for numbers, or read only to screen readers. */
export interface Column {
  label: string;
  align?: "right";
  srOnly?: boolean;
}

/** The header row of a plain data table: one `th scope="col"` per column. */
export function TableHead({ columns }: { columns: (string | Column)[] }) {
  return (
    <thead className="bg-neutral-50">
      <tr>
        {columns.map((c) => {
          const column = typeof c === "string" ? { label: c } : c;
          return (
            <th
              key={column.label}
              scope="col"
              className={cn(thClass, column.align === "right" && "text-right")}
            >
              {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/**
 * A same-app path from `?next=`, or the fallback: only a path on this origin ("/orders?page=2"), never
 * "//evil.example" or "/\\evil.example", which browsers read as other hosts (no open redirects).
 */
export function safeNext(next: string | null, fallback = "/"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
