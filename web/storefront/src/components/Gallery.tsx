import type { Image } from "@bazaar/sdk";
import { cn, Icon, ResponsiveImage } from "@bazaar/ui";

export interface GalleryProps {
  images: Image[];
  activeId: string | null;
  onSelect: (id: string) => void;
  productName: string;
}

const buttonRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

/** Main image with previous/next buttons and a row of thumbnail buttons. */
export function Gallery({ images, activeId, onSelect, productName }: GalleryProps) {
  const activeIndex = Math.max(
    0,
    images.findIndex((image) => image.id === activeId),
  );
  const active = images[activeIndex];
  const count = images.length;
  const go = (step: number) => {
    const next = images[(activeIndex + step + count) % count];
    if (next) onSelect(next.id);
  };

  return (
    <section aria-label="Product images" className="flex flex-col gap-3">
      <div className="relative aspect-square overflow-hidden rounded-2xl bg-neutral-100 sm:aspect-[4/5]">
        {active ? (
          <ResponsiveImage
            key={active.id}
            image={active}
            fallbackAlt={productName}
            sizes="(min-width: 1280px) 600px, (min-width: 1024px) 50vw, 100vw"
            priority
            className="size-full object-contain mix-blend-multiply"
          />
        ) : (
          <div className="flex size-full items-center justify-center text-neutral-600">
            No image available
          </div>
        )}
        {count > 1 && (
          <>
            <button
              type="button"
              onClick={() => go(-1)}
              aria-label="Previous image"
              className={cn(
                "absolute top-1/2 left-3 inline-flex size-10 -translate-y-1/2 items-center justify-center rounded-full bg-white/90 text-neutral-900 shadow hover:bg-white",
                buttonRing,
              )}
            >
              <Icon d="M10 3L5 8l5 5" />
            </button>
            <button
              type="button"
              onClick={() => go(1)}
              aria-label="Next image"
              className={cn(
                "absolute top-1/2 right-3 inline-flex size-10 -translate-y-1/2 items-center justify-center rounded-full bg-white/90 text-neutral-900 shadow hover:bg-white",
                buttonRing,
              )}
            >
              <Icon d="M6 3l5 5-5 5" />
            </button>
          </>
        )}
      </div>
      {count > 1 && (
        <ul className="flex gap-2 overflow-x-auto p-1">
          {images.map((image, index) => {
            const current = index === activeIndex;
            return (
              <li key={image.id} className="shrink-0">
                <button
                  type="button"
                  onClick={() => onSelect(image.id)}
                  aria-label={`Show image ${index + 1} of ${count}`}
                  aria-pressed={current}
                  className={cn(
                    "block size-16 overflow-hidden rounded-lg border-2 bg-neutral-100 sm:size-20",
                    current ? "border-accent-700" : "border-transparent hover:border-neutral-400",
                    buttonRing,
                  )}
                >
                  <ResponsiveImage
                    image={image}
                    fallbackAlt=""
                    sizes="80px"
                    className="size-full object-contain mix-blend-multiply"
                  />
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
