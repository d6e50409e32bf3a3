import { cn } from "./cn";

export interface RatingProps {
  /** Average rating out of 5. */
  value: number;
  count: number;
  className?: string;
}

/** Five stars filled to the average, with the review count. */
export function Rating({ value, count, className }: RatingProps) {
  const pct = Math.max(0, Math.min(100, (value / 5) * 100));
  const label = `Rated ${value.toFixed(1)} out of 5 from ${count} ${count === 1 ? "review" : "reviews"}`;
  return (
    <span className={cn("inline-flex items-center gap-1.5 text-sm text-neutral-700", className)}>
      <span role="img" aria-label={label} className="relative inline-block leading-none">
        <span aria-hidden="true" className="tracking-tight text-neutral-300">
          ★★★★★
        </span>
        <span
          aria-hidden="true"
          className="absolute inset-0 overflow-hidden tracking-tight whitespace-nowrap text-amber-500"
          style={{ width: `${pct}%` }}
        >
          ★★★★★
        </span>
      </span>
      <span aria-hidden="true">({count})</span>
    </span>
  );
}
