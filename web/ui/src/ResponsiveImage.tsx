import type { Image } from "@bazaar/sdk";
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

/**
 * A neutral placeholder picture (light grey square with a faint landscape icon), inline so that it
 * always loads (the Content-Security-Policy allows `data:` images).
 */
export const imagePlaceholderSrc = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" fill="#f5f5f5"/>' +
    '<path d="M28 68l14-18 10 12 8-9 12 15z" fill="#d4d4d4"/><circle cx="62" cy="38" r="6" fill="#d4d4d4"/></svg>',
)}`;

/**
 * `onError` handler of product images: swaps an image that cannot be loaded (an external URL that is
 * unreachable, e.g. an imported supplier's CDN offline) for {@link imagePlaceholderSrc}, once.
 */
export function showImagePlaceholder(event: { currentTarget: HTMLImageElement }): void {
  const img = event.currentTarget;
  if (img.getAttribute("src") === imagePlaceholderSrc) return;
  img.removeAttribute("srcset");
  img.src = imagePlaceholderSrc;
}

/**
 * An `<img>` with srcset/sizes, intrinsic width/height against layout shift, and lazy loading; a
 * neutral placeholder when it cannot be loaded.
 */
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
      onError={showImagePlaceholder}
      className={className ?? "h-auto max-w-full"}
    />
  );
}
