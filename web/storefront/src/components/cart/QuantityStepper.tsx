import { cn } from "@bazaar/ui";
import { useEffect, useId, useState } from "react";

const stepButton =
  "inline-flex size-10 shrink-0 items-center justify-center text-neutral-800 hover:bg-neutral-100 " +
  "aria-disabled:cursor-not-allowed aria-disabled:text-neutral-400 aria-disabled:hover:bg-transparent " +
  "focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-accent-600";

export interface QuantityStepperProps {
  value: number;
  /** Called with a new quantity within min..max on the step (after a button or a typed entry). */
  onChange: (quantity: number) => void;
  min?: number;
  max?: number | null;
  step?: number;
  disabled?: boolean;
  /** Names the product in the controls' labels ("Quantity of Trail Tee"). */
  itemName: string;
  className?: string;
}

/** Rounds `n` to the step grid starting at `min` and keeps it within min..max. */
export function clampQuantity(n: number, min: number, max: number | null | undefined, step: number): number {
  let value = Number.isFinite(n) ? Math.round(n) : min;
  if (step > 1) value = min + Math.round((value - min) / step) * step;
  if (max != null && value > max) value = max - ((max - min) % step);
  return Math.max(min, value);
}

/**
 * A quantity field with − and + buttons. Typing commits on blur or Enter; the buttons commit at once.
 */
export function QuantityStepper({
  value,
  onChange,
  min = 1,
  max,
  step = 1,
  disabled,
  itemName,
  className,
}: QuantityStepperProps) {
  const [text, setText] = useState(String(value));
  const inputId = useId();
  useEffect(() => setText(String(value)), [value]);

  const commit = (n: number) => {
    if (disabled) return;
    const next = clampQuantity(n, min, max, step);
    setText(String(next));
    if (next !== value) onChange(next);
  };

  return (
    <div
      className={cn(
        "inline-flex h-10 items-center overflow-hidden rounded-lg border border-neutral-300 bg-white",
        className,
      )}
    >
      <button
        type="button"
        className={stepButton}
        onClick={() => {
          if (value - step >= min) commit(value - step);
        }}
        // aria-disabled rather than disabled: a button that is focused must keep focus.
        aria-disabled={disabled || value - step < min || undefined}
        aria-label={`Decrease quantity of ${itemName}`}
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className="size-4"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M3 8h10" />
        </svg>
      </button>
      <label htmlFor={inputId} className="sr-only">
        Quantity of {itemName}
      </label>
      <input
        id={inputId}
        type="number"
        inputMode="numeric"
        min={min}
        max={max ?? undefined}
        step={step}
        value={text}
        readOnly={disabled}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => commit(Number(text))}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            commit(Number(text));
          }
        }}
        className="h-full w-12 border-x border-neutral-300 bg-white text-center text-base text-neutral-900 [appearance:textfield] focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-accent-600 disabled:bg-neutral-50 [&::-webkit-inner-spin-button]:appearance-none [&::-webkit-outer-spin-button]:appearance-none"
      />
      <button
        type="button"
        className={stepButton}
        onClick={() => {
          if (max == null || value + step <= max) commit(value + step);
        }}
        aria-disabled={disabled || (max != null && value + step > max) || undefined}
        aria-label={`Increase quantity of ${itemName}`}
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 16 16"
          className="size-4"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M3 8h10M8 3v10" />
        </svg>
      </button>
    </div>
  );
}
