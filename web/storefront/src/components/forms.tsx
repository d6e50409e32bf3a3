import { cn } from "@bazaar/ui";
import { type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, useId } from "react";

const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

export const inputClass =
  "mt-1 block h-11 w-full rounded-lg border border-neutral-300 bg-white px-3 text-base text-neutral-900 " +
  "placeholder:text-neutral-500 focus-visible:border-accent-600 focus-visible:outline-2 focus-visible:outline-offset-0 " +
  "focus-visible:outline-accent-600 aria-[invalid=true]:border-red-600 disabled:bg-neutral-100";

export interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "className"> {
  label: string;
  /** Help text under the field (linked with aria-describedby). */
  hint?: ReactNode;
  /** A message for this field from the server's validation problem. */
  error?: string;
  className?: string;
  inputClassName?: string;
  ref?: Ref<HTMLInputElement>;
}

/** A labelled text input with optional hint and error, both announced with the field. */
export function Field({ label, hint, error, id, className, inputClassName, ref, ...rest }: FieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={className}>
      <label htmlFor={inputId} className="block text-sm font-medium text-neutral-900">
        {label}
      </label>
      <input
        ref={ref}
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hintId, errorId)}
        className={cn(inputClass, inputClassName)}
        {...rest}
      />
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

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> {
  label: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactNode;
  ref?: Ref<HTMLSelectElement>;
}

/** A labelled select with optional hint and error, like `Field`. */
export function SelectField({ label, hint, error, id, className, children, ref, ...rest }: SelectFieldProps) {
  const autoId = useId();
  const selectId = id ?? autoId;
  const hintId = hint ? `${selectId}-hint` : undefined;
  const errorId = error ? `${selectId}-error` : undefined;
  return (
    <div className={className}>
      <label htmlFor={selectId} className="block text-sm font-medium text-neutral-900">
        {label}
      </label>
      <select
        ref={ref}
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hintId, errorId)}
        className={cn(inputClass, "pr-8")}
        {...rest}
      >
        {children}
      </select>
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

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
}

export function Checkbox({ label, hint, error, id, className, ...rest }: CheckboxProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={cn("flex gap-3", className)}>
      <input
        id={inputId}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hintId, errorId)}
        className="mt-0.5 size-5 shrink-0 rounded border-neutral-400 accent-accent-700"
        {...rest}
      />
      <div className="text-sm">
        <label htmlFor={inputId} className="font-medium text-neutral-900">
          {label}
        </label>
        {hint && (
          <p id={hintId} className="text-neutral-600">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} className="font-medium text-red-700">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

/** An error shown to the shopper; role="alert" announces it as soon as it appears. */
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
  ref,
  ...rest
}: {
  children: ReactNode;
  className?: string;
  tone?: "success" | "info" | "warning";
  ref?: Ref<HTMLDivElement>;
  "data-testid"?: string;
}) {
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

export const textLink =
  "rounded-sm font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

/** A same-site path from `?next=`, or the fallback (no open redirects). */
export function safeNext(next: string | null, fallback = "/account"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
