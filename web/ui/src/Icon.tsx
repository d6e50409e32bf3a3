/** A decorative stroked line icon (hidden from assistive technology; label its control instead). */
export function Icon({
  d,
  viewBox = 16,
  className = "size-4",
  strokeWidth = 2,
}: {
  /** SVG path data, drawn as a stroke in the current text colour. */
  d: string;
  /** Side of the square viewBox. */
  viewBox?: number;
  className?: string;
  strokeWidth?: number;
}) {
  return (
    <svg
      aria-hidden="true"
      viewBox={`0 0 ${viewBox} ${viewBox}`}
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
    >
      <path d={d} />
    </svg>
  );
}
