import { cn } from "./cn";

export interface SpinnerProps {
  /** Accessible label announced to screen readers. */
  label?: string;
  className?: string;
}

/** An animated loading indicator with a polite status label. */
export function Spinner({ label = "Loading…", className }: SpinnerProps) {
  return (
    <span role="status" className={cn("inline-flex items-center gap-2 text-neutral-600", className)}>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5 animate-spin">
        <circle
          cx="12"
          cy="12"
          r="9"
          fill="none"
          stroke="currentColor"
          strokeOpacity="0.25"
          strokeWidth="3"
        />
        <path
          d="M21 12a9 9 0 0 0-9-9"
          fill="none"
          stroke="currentColor"
          strokeWidth="3"
          strokeLinecap="round"
        />
      </svg>
      <span className="sr-only">{label}</span>
    </span>
  );
}
