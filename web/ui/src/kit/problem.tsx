import {
  createContext,
  type FormHTMLAttributes,
  type ReactNode,
  type Ref,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { cn } from "../cn";

/** One field-level message of a validation problem. */
export interface ProblemFieldError {
  field: string;
  message: string;
}

/** An RFC 9457 application/problem+json body as the Bazaar API answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: ProblemFieldError[];
}

function isProblemShaped(value: unknown): value is Problem {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (typeof v.status === "number" || typeof v.code === "string" || typeof v.title === "string") &&
    (v.errors === undefined || Array.isArray(v.errors))
  );
}

/**
 * The problem behind a value: a problem+json body itself, or an error carrying one as `problem`
 * (both apps' `ApiError`). Anything else gives undefined.
 */
export function problemOf(value: unknown): Problem | undefined {
  if (value == null) return undefined;
  const inner = (value as { problem?: unknown }).problem;
  if (isProblemShaped(inner)) return inner;
  return isProblemShaped(value) ? value : undefined;
}

/**
 * A field path of a problem in dotted form: "/body/address/postalCode", "body.address.postalCode"
 * and "address.postalCode" all give "address.postalCode"; "lines[2].sku" gives "lines.2.sku".
 */
export function problemFieldPath(field: string): string {
  return field
    .replace(/^\/?body[./]/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .replaceAll("/", ".")
    .replace(/^\.+/, "");
}

/** Whether a problem's field path is about the control named `name` (its full path or last segment). */
function matchesName(field: string, name: string): boolean {
  const path = problemFieldPath(field);
  const wanted = problemFieldPath(name);
  return path === wanted || (!wanted.includes(".") && path.split(".").pop() === wanted);
}

/**
 * The message for the control named `name` in a problem: an error whose path equals the name wins,
 * then one whose last segment equals it ("email" matches "/body/email" and "contact.email").
 */
export function problemFieldError(problem: unknown, name: string | undefined): string | undefined {
  const errors = problemOf(problem)?.errors;
  if (!errors || !name) return undefined;
  const wanted = problemFieldPath(name);
  const exact = errors.find((e) => problemFieldPath(e.field) === wanted);
  return (exact ?? errors.find((e) => matchesName(e.field, name)))?.message;
}

/** Field messages of a problem keyed by their dotted path (the first message per path). */
export function problemFieldErrors(problem: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const error of problemOf(problem)?.errors ?? [])
    result[problemFieldPath(error.field)] ??= error.message;
  return result;
}

interface FormProblemContextValue {
  problem: Problem | undefined;
  register: (name: string) => () => void;
}

const FormProblemContext = createContext<FormProblemContextValue | null>(null);

/**
 * The message for a control from the enclosing `ProblemForm`'s problem, matched by `name`; registers
 * the name as shown, so the form's summary leaves its message to the control. `explicit` (a field's
 * own `error` prop) wins.
 */
export function useProblemField(name: string | undefined, explicit?: string): string | undefined {
  const context = useContext(FormProblemContext);
  const register = context?.register;
  useEffect(() => (register && name ? register(name) : undefined), [register, name]);
  if (explicit) return explicit;
  return context ? problemFieldError(context.problem, name) : undefined;
}

/** "postalCode" -> "Postal code", "lines.2.sku" -> "Sku", for messages not tied to a shown field. */
function humanField(field: string): string {
  const last =
    problemFieldPath(field)
      .split(".")
      .filter((s) => !/^\d+$/.test(s))
      .pop() ?? field;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export interface ErrorSummaryProps {
  /** A problem+json body, or an error carrying one (`ApiError`). Nothing renders without one. */
  problem: unknown;
  /** Names of the controls that show their own messages; their errors are left out of the list. */
  shownFields?: readonly string[];
  /** The lead sentence when some fields show their own messages. */
  fieldsMessage?: string;
  /** Said when the error carries no problem (a network failure, a bug). */
  fallback?: string;
  className?: string;
  ref?: Ref<HTMLDivElement>;
}

/**
 * What went wrong, announced at once (role="alert"): the problem's detail, or a sentence sending the
 * user to the fields that show their own messages, and a list of the messages tied to no shown field.
 */
export function ErrorSummary({
  problem,
  shownFields = [],
  fieldsMessage = "Please correct the highlighted fields.",
  fallback = "Something went wrong. Please try again.",
  className,
  ref,
}: ErrorSummaryProps) {
  if (problem == null || problem === false) return null;
  const p = problemOf(problem);
  const errors = p?.errors ?? [];
  const shown = errors.filter((e) => shownFields.some((name) => matchesName(e.field, name)));
  const unshown = errors.filter((e) => !shown.includes(e));
  const lead =
    shown.length > 0
      ? fieldsMessage
      : unshown.length > 0
        ? (p?.title ?? "Please check what you entered.")
        : (p?.detail ?? p?.title ?? fallback);
  return (
    <div
      ref={ref}
      role="alert"
      tabIndex={-1}
      className={cn(
        "rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 outline-none",
        className,
      )}
    >
      <p className="font-medium">{lead}</p>
      {unshown.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {unshown.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              {e.field ? `${humanField(e.field)}: ${e.message}` : sentence(e.message)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface ProblemFormProps extends Omit<FormHTMLAttributes<HTMLFormElement>, "children"> {
  /**
   * The answer to the last submit: a problem+json body or an error carrying one (`ApiError`), or
   * nothing. Fields inside (`Field`, `SelectField`, `TextAreaField`, `Checkbox`, `MoneyField`,
   * `CheckboxGroup`) show the message whose path matches their `name`; the rest go to the summary.
   */
  problem?: unknown;
  /** Where the summary goes: above the fields (default) or nowhere (render `ErrorSummary` yourself). */
  summary?: "top" | "none";
  children: ReactNode;
  ref?: Ref<HTMLFormElement>;
}

/**
 * A form that spreads a problem+json answer over its fields by name and sums up the rest. When a new
 * problem arrives, focus moves to the first field it marks invalid (or to the summary).
 */
export function ProblemForm({ problem, summary = "top", children, ref, ...rest }: ProblemFormProps) {
  const [shown, setShown] = useState<string[]>([]);
  const register = useCallback((name: string) => {
    setShown((names) => [...names, name]);
    return () =>
      setShown((names) => {
        const at = names.indexOf(name);
        return at < 0 ? names : [...names.slice(0, at), ...names.slice(at + 1)];
      });
  }, []);
  const parsed = problemOf(problem);
  const value = useMemo(() => ({ problem: parsed, register }), [parsed, register]);
  const formRef = useRef<HTMLFormElement | null>(null);
  const summaryRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    if (problem == null) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? summaryRef.current)?.focus();
  }, [problem]);

  return (
    <FormProblemContext.Provider value={value}>
      <form
        ref={(node) => {
          formRef.current = node;
          if (typeof ref === "function") ref(node);
          else if (ref) ref.current = node;
        }}
        {...rest}
      >
        {summary === "top" && problem != null && (
          <ErrorSummary ref={summaryRef} problem={problem} shownFields={shown} className="mb-4" />
        )}
        {children}
      </form>
    </FormProblemContext.Provider>
  );
}
