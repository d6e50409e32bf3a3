import { cn } from "./cn";

export interface SwatchProps {
  /** CSS colour; null renders a neutral chip with a diagonal stripe. */
  color: string | null;
  size?: "sm" | "md" | "lg";
  className?: string;
}

const sizes = { sm: "size-4", md: "size-6", lg: "size-8" } as const;

/** A round colour chip. Decorative: give the surrounding control the colour's name. */
export function Swatch({ color, size = "md", className }: SwatchProps) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-block shrink-0 rounded-full border border-black/20 shadow-inner",
        sizes[size],
        !color && "bg-[linear-gradient(135deg,#fff_45%,#a3a3a3_45%,#a3a3a3_55%,#fff_55%)]",
        className,
      )}
      style={color ? { backgroundColor: color } : undefined}
    />
  );
}
