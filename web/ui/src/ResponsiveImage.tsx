import type { Image } from "@bazaar/sdk/src/types";
import { decodeEntities } from "./text";

export interface ResponsiveImageProps {
  image: Image;
  /** Used when the image has no alt text of its own. */
  fallbackAlt: string;
  /** The `sizes` attribute, e.g. "(min-width: 1024px) 25vw, 50vw". */
  sizes: string;
  /** Eager-load the image (for the largest above-the-fold image). */
  priority?: boolean;
  className?: string;
}

/** `srcset` value from an image's generated sizes, plus the original when it is wider than all of them. */
export function srcSetOf(image: Image): string | undefined {
  if (image.srcset.length === 0) return undefined;
  const entries = image.srcset.map((s) => `${s.url} ${s.width}w`);
  const widest = Math.max(...image.srcset.map((s) => s.width));
  if (image.width != null && image.width > widest) entries.push(`${image.url} ${image.width}w`);
  return entries.join(", ");
}

/** An `<img>` with srcset/sizes, intrinsic width/height against layout shift, and lazy loading. */
export function ResponsiveImage({ image, fallbackAlt, sizes, priority, className }: ResponsiveImageProps) {
  const largest = image.srcset.reduce<{ width: number; url: string } | null>(
    (best, s) => (!best || s.width > best.width ? s : best),
    null,
  );
  return (
    <img
      src={largest?.url ?? image.url}
      srcSet={srcSetOf(image)}
      sizes={sizes}
      width={image.width ?? undefined}
      height={image.height ?? undefined}
      alt={decodeEntities(image.alt.trim()) || fallbackAlt}
      loading={priority ? "eager" : "lazy"}
      fetchPriority={priority ? "high" : undefined}
      decoding="async"
      className={className ?? "h-auto max-w-full"}
    />
  );
}
