import { cn } from "@bazaar/ui";
import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";

const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

export const inputClass =
  "mt-1 block h-10 w-full rounded-lg border border-neutral-300 bg-white px-3 text-sm text-neutral-900 " +
  "placeholder:text-neutral-500 focus-visible:border-accent-600 focus-visible:outline-2 focus-visible:outline-offset-0 " +
  "focus-visible:outline-accent-600 aria-[invalid=true]:border-red-600 disabled:bg-neutral-100";

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "className"> {
  label: string;
  /** Help text under the field (linked with aria-describedby). */
  hint?: ReactNode;
  /** A message for this field from the server's validation problem. */
  error?: string;
  className?: string;
  ref?: Ref<HTMLInputElement>;
}

/** Ids that tie a control to its hint and error, and the frame that shows them around it. */
function useFieldIds(id: string | undefined, hint: ReactNode, error: string | undefined) {
  const autoId = useId();
  const controlId = id ?? autoId;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  return {
    controlId,
    aria: { "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(hintId, errorId) },
    hintId,
    errorId,
  };
}

/** Label above a control, hint and error below it. */
function FieldFrame({
  label,
  controlId,
  hint,
  hintId,
  error,
  errorId,
  className,
  children,
}: {
  label: string;
  controlId: string;
  hint: ReactNode;
  hintId: string | undefined;
  error: string | undefined;
  errorId: string | undefined;
  className: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={controlId} className="block text-sm font-medium text-neutral-900">
        {label}
      </label>
      {children}
      {hint && (
        <p id={hintId} className="mt-1 text-sm text-neutral-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled text input with optional hint and error, both announced with the field. */
export function Field({ label, hint, error, id, className, ref, ...rest }: FieldProps) {
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, error);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error, errorId, className }}>
      <input ref={ref} id={controlId} {...aria} className={inputClass} {...rest} />
    </FieldFrame>
  );
}

interface FrameProps {
  label: string;
  error?: string;
  hint?: ReactNode;
  className?: string;
}

/** A labelled select, styled like `Field`, with optional hint and error announced with it. */
export function SelectField({
  label,
  error,
  hint,
  className,
  id,
  children,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> & FrameProps) {
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, error);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error, errorId, className }}>
      <select id={controlId} {...aria} className={inputClass} {...rest}>
        {children}
      </select>
    </FieldFrame>
  );
}

/** A labelled multi-line text field with optional hint and error. */
export function TextAreaField({
  label,
  error,
  hint,
  className,
  id,
  ...rest
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className"> & FrameProps) {
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, error);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error, errorId, className }}>
      <textarea id={controlId} rows={3} {...aria} className={cn(inputClass, "h-auto py-2")} {...rest} />
    </FieldFrame>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> {
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
}

export function Checkbox({ label, hint, id, className, ...rest }: CheckboxProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className={cn("flex gap-2", className)}>
      <input
        id={inputId}
        type="checkbox"
        aria-describedby={hintId}
        className="mt-0.5 size-4 shrink-0 rounded border-neutral-400 accent-accent-700"
        {...rest}
      />
      <div className="text-sm">
        <label htmlFor={inputId} className="text-neutral-900">
          {label}
        </label>
        {hint && (
          <p id={hintId} className="text-neutral-600">
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}

/**
 * A group of checkboxes in a fieldset with a legend (roles of a member, permissions of a role or key).
 * Controlled: `value` is the checked keys.
 */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  error,
  columns = 2,
}: {
  legend: string;
  options: { value: string; label: ReactNode; hint?: ReactNode; disabled?: boolean }[];
  value: string[];
  onChange: (next: string[]) => void;
  error?: string;
  columns?: 1 | 2 | 3;
}) {
  const errorId = useId();
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend className="text-sm font-medium text-neutral-900">{legend}</legend>
      <div
        className={cn(
          "mt-2 grid gap-2",
          columns === 2 && "sm:grid-cols-2",
          columns === 3 && "sm:grid-cols-2 lg:grid-cols-3",
        )}
      >
        {options.map((option) => (
          <Checkbox
            key={option.value}
            label={option.label}
            hint={option.hint}
            disabled={option.disabled}
            checked={value.includes(option.value)}
            onChange={(event) =>
              onChange(
                event.currentTarget.checked
                  ? [...value, option.value]
                  : value.filter((item) => item !== option.value),
              )
            }
          />
        ))}
      </div>
      {error && (
        <p id={errorId} className="mt-2 text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** An error; role="alert" announces it as soon as it appears. */
export function Alert({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div
      role="alert"
      className={cn("rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800", className)}
    >
      {children}
    </div>
  );
}

/** A success or information message, announced politely. */
export function Notice({
  children,
  className,
  tone = "success",
  ...rest
}: {
  children: ReactNode;
  className?: string;
  tone?: "success" | "info" | "warning";
  "data-testid"?: string;
}) {
  return (
    <div
      role="status"
      className={cn(
        "rounded-lg border px-4 py-3 text-sm",
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

export const textLink =
  "rounded-sm font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

export const tableClass = "min-w-full divide-y divide-neutral-200 text-left text-sm";
export const thClass = "px-3 py-2 font-semibold text-neutral-700 whitespace-nowrap";
export const tdClass = "px-3 py-2 align-top text-neutral-800";

/** A same-app path from `?next=`, or the fallback (no open redirects). */
export function safeNext(next: string | null, fallback = "/"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

/**
 * The horizontal scroller around a wide table: a labelled region that keyboard users can focus to
 * scroll it.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
    <section aria-label={label} tabIndex={0} className="overflow-x-auto rounded-sm">
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

/** The header row of a data table: one `th scope="col"` per column. */
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
