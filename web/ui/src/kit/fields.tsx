import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useEffect,
  useId,
  useState,
} from "react";
import { cn } from "../cn";
import { formatMoneyInput, parseMoneyInput } from "./money-input";
import { useProblemField } from "./problem";

/**
 * How roomy a control is: `compact` for staff screens (40px, 14px text), `comfortable` for shoppers
 * (44px touch targets, 16px text so phones do not zoom in).
 */
export type FieldDensity = "compact" | "comfortable";

const inputBase =
  "mt-1 block w-full rounded-lg border border-neutral-300 bg-white px-3 text-neutral-900 " +
  "placeholder:text-neutral-500 focus-visible:border-accent-600 focus-visible:outline-2 focus-visible:outline-offset-0 " +
  "focus-visible:outline-accent-600 aria-[invalid=true]:border-red-600 disabled:bg-neutral-100";

/** The classes of a text control (input, select, textarea) in the compact density. */
export const inputClass = `${inputBase} h-10 text-sm`;
/** The classes of a text control in the comfortable density (the storefront's). */
export const inputClassComfortable = `${inputBase} h-11 text-base`;

/** The classes of a text control in a density. */
export function inputClassFor(density: FieldDensity = "compact"): string {
  return density === "comfortable" ? inputClassComfortable : inputClass;
}

const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;

/** What every labelled control takes besides its element's own attributes. */
export interface FieldFrameProps {
  label: string;
  /** Help text under the control (linked with aria-describedby). */
  hint?: ReactNode;
  /**
   * A message for this control. Inside a `ProblemForm` it defaults to the problem's message for the
   * control's `name`.
   */
  error?: string;
  /** Classes of the wrapper around label, control, hint and error. */
  className?: string;
  density?: FieldDensity;
}

/** Ids that tie a control to its hint and error: `<id>-hint`, `<id>-error`. */
function useFieldIds(id: string | undefined, hint: ReactNode, error: string | undefined, extra?: string) {
  const autoId = useId();
  const controlId = id ?? autoId;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  return {
    controlId,
    hintId,
    errorId,
    aria: {
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy(extra, hintId, errorId),
    },
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

export interface FieldProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, "className">,
    FieldFrameProps {
  /** Extra classes of the input itself. */
  inputClassName?: string;
  ref?: Ref<HTMLInputElement>;
}

/**
 * A labelled input (text, email, password, number, date, ...) with optional hint and error, both
 * announced with it (aria-describedby, aria-invalid).
 */
export function Field({
  label,
  hint,
  error,
  id,
  className,
  inputClassName,
  density,
  ref,
  ...rest
}: FieldProps) {
  const message = useProblemField(rest.name, error);
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, message);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error: message, errorId, className }}>
      <input
        ref={ref}
        id={controlId}
        {...aria}
        className={cn(inputClassFor(density), inputClassName)}
        {...rest}
      />
    </FieldFrame>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectFieldProps
  extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "className">,
    FieldFrameProps {
  /** The options; or pass `<option>` children. */
  options?: readonly SelectOption[];
  /** A first, empty option ("Choose a carrier"). */
  placeholder?: string;
  children?: ReactNode;
  ref?: Ref<HTMLSelectElement>;
}

/** A labelled native select, styled like `Field`, with optional hint and error. */
export function SelectField({
  label,
  hint,
  error,
  id,
  className,
  density,
  options,
  placeholder,
  children,
  ref,
  ...rest
}: SelectFieldProps) {
  const message = useProblemField(rest.name, error);
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, message);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error: message, errorId, className }}>
      <select ref={ref} id={controlId} {...aria} className={cn(inputClassFor(density), "pr-8")} {...rest}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options?.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
        {children}
      </select>
    </FieldFrame>
  );
}

export interface TextAreaFieldProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className">,
    FieldFrameProps {
  ref?: Ref<HTMLTextAreaElement>;
}

/** A labelled multi-line text field (3 rows unless `rows` says otherwise) with optional hint and error. */
export function TextAreaField({
  label,
  hint,
  error,
  id,
  className,
  density,
  ref,
  ...rest
}: TextAreaFieldProps) {
  const message = useProblemField(rest.name, error);
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, message);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error: message, errorId, className }}>
      <textarea
        ref={ref}
        id={controlId}
        rows={3}
        {...aria}
        className={cn(inputClassFor(density), "h-auto py-2")}
        {...rest}
      />
    </FieldFrame>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
  density?: FieldDensity;
  ref?: Ref<HTMLInputElement>;
}

/** A native checkbox with its label beside it, and optional hint and error below the label. */
export function Checkbox({
  label,
  hint,
  error,
  id,
  className,
  density = "compact",
  ref,
  ...rest
}: CheckboxProps) {
  const message = useProblemField(rest.name, error);
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, message);
  const comfortable = density === "comfortable";
  return (
    <div className={cn("flex", comfortable ? "gap-3" : "gap-2", className)}>
      <input
        ref={ref}
        id={controlId}
        type="checkbox"
        {...aria}
        className={cn(
          "mt-0.5 shrink-0 rounded border-neutral-400 accent-accent-700",
          comfortable ? "size-5" : "size-4",
        )}
        {...rest}
      />
      <div className="text-sm">
        <label htmlFor={controlId} className={cn("text-neutral-900", comfortable && "font-medium")}>
          {label}
        </label>
        {hint && (
          <p id={hintId} className="text-neutral-600">
            {hint}
          </p>
        )}
        {message && (
          <p id={errorId} className="font-medium text-red-700">
            {message}
          </p>
        )}
      </div>
    </div>
  );
}

export interface CheckboxGroupProps {
  legend: string;
  options: { value: string; label: ReactNode; hint?: ReactNode; disabled?: boolean }[];
  /** The checked values (controlled). */
  value: string[];
  onChange: (next: string[]) => void;
  /** The problem field this group answers for (e.g. "permissions"), for `ProblemForm`. */
  name?: string;
  error?: string;
  columns?: 1 | 2 | 3;
  density?: FieldDensity;
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
  name,
  error,
  columns = 2,
  density,
}: CheckboxGroupProps) {
  const message = useProblemField(name, error);
  const errorId = useId();
  return (
    <fieldset aria-describedby={message ? errorId : undefined}>
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
            density={density}
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
      {message && (
        <p id={errorId} className="mt-2 text-sm font-medium text-red-700">
          {message}
        </p>
      )}
    </fieldset>
  );
}

export interface MoneyFieldProps
  extends Omit<
      InputHTMLAttributes<HTMLInputElement>,
      "className" | "type" | "value" | "defaultValue" | "onChange" | "inputMode" | "name"
    >,
    FieldFrameProps {
  /** ISO 4217 code; decides the decimals ("1500" HUF is 150000 minor units, "12.5" USD is 1250). */
  currency: string;
  /** The amount in minor units (controlled); null for empty. */
  value?: number | null;
  /** The starting amount in minor units (uncontrolled). */
  defaultValue?: number | null;
  /** Called as the user types: the amount in minor units, or null while empty or not an amount. */
  onValueChange?: (minor: number | null) => void;
  /** A hidden input posts the amount in minor units under this name (for FormData). */
  name?: string;
  /** The locale whose grouping mark "1,234" uses (en-US by default). */
  locale?: string;
  inputClassName?: string;
  ref?: Ref<HTMLInputElement>;
}

/**
 * An amount typed in major units, with grouping marks ("1,234.50"), that yields integer minor units
 * of `currency` (123450 for USD). The currency code shows in the box and is read with the field. A
 * text that is not an amount shows why when the user leaves the field; on leaving, a good amount is
 * rewritten with the currency's decimals ("1500" HUF -> "1,500.00").
 */
export function MoneyField({
  label,
  hint,
  error,
  id,
  className,
  inputClassName,
  density,
  currency,
  value,
  defaultValue,
  onValueChange,
  name,
  locale = "en-US",
  onBlur,
  ref,
  ...rest
}: MoneyFieldProps) {
  const initial = value !== undefined ? value : defaultValue;
  const [text, setText] = useState(() =>
    initial == null ? "" : formatMoneyInput(initial, currency, locale),
  );
  const [typingError, setTypingError] = useState<string | undefined>();
  const parsed = text.trim() === "" ? null : parseMoneyInput(text, currency, locale);
  const minor = parsed?.ok ? parsed.minor : null;

  // A controlled amount changed from outside: show it.
  useEffect(() => {
    if (value === undefined) return;
    setText((current) => {
      const now = current.trim() === "" ? null : parseMoneyInput(current, currency, locale);
      const shownMinor = now?.ok ? now.minor : null;
      if (shownMinor === value) return current;
      return value === null ? "" : formatMoneyInput(value, currency, locale);
    });
  }, [value, currency, locale]);

  const message = useProblemField(name, error ?? typingError);
  const currencyId = `${useId()}-currency`;
  const { controlId, aria, hintId, errorId } = useFieldIds(id, hint, message, currencyId);
  return (
    <FieldFrame {...{ label, controlId, hint, hintId, error: message, errorId, className }}>
      <div className="relative">
        <input
          ref={ref}
          id={controlId}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          {...aria}
          className={cn(inputClassFor(density), "pr-14 tabular-nums", inputClassName)}
          value={text}
          onChange={(event) => {
            const next = event.currentTarget.value;
            setText(next);
            setTypingError(undefined);
            const result = next.trim() === "" ? null : parseMoneyInput(next, currency, locale);
            onValueChange?.(result?.ok ? result.minor : null);
          }}
          onBlur={(event) => {
            if (parsed && !parsed.ok) setTypingError(parsed.message);
            else if (parsed?.ok) setText(formatMoneyInput(parsed.minor, currency, locale));
            onBlur?.(event);
          }}
          {...rest}
        />
        <span
          id={currencyId}
          className="pointer-events-none absolute top-1 bottom-0 right-3 flex items-center text-sm text-neutral-600"
        >
          {currency}
        </span>
      </div>
      {name && <input type="hidden" name={name} value={minor ?? ""} />}
    </FieldFrame>
  );
}
