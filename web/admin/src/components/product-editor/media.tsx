import { Button, cn } from "@bazaar/ui";
import { type DragEvent, useId, useRef, useState } from "react";
import { useCatalogApi } from "../../routes/products.api";

/** An image of the product being edited. */
export interface DraftImage {
  id: string;
  url: string;
  thumbnailUrl: string;
  alt: string;
}

const accepted = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];

/**
 * The product's photos: drop files or pick them to upload, set each one's alt text, reorder (the
 * first is the main photo), remove.
 */
export function MediaEditor({
  images,
  onChange,
  readOnly,
  productName,
}: {
  images: DraftImage[];
  onChange: (images: DraftImage[]) => void;
  readOnly: boolean;
  productName: string;
}) {
  const { api } = useCatalogApi();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState(0);
  const [errors, setErrors] = useState<string[]>([]);
  const [over, setOver] = useState(false);
  const latest = useRef(images);
  latest.current = images;

  const upload = async (files: File[]) => {
    setErrors([]);
    const problems: string[] = [];
    for (const file of files) {
      if (!accepted.includes(file.type)) {
        problems.push(`${file.name}: not a JPEG, PNG, WebP, GIF or AVIF image`);
        continue;
      }
      setUploading((n) => n + 1);
      try {
        const image = await api.uploadImage(file);
        if (!latest.current.some((i) => i.id === image.id))
          onChange([
            ...latest.current,
            { id: image.id, url: image.url, thumbnailUrl: image.thumbnailUrl, alt: productName },
          ]);
      } catch (error) {
        problems.push(`${file.name}: ${error instanceof Error ? error.message : "upload failed"}`);
      } finally {
        setUploading((n) => n - 1);
      }
    }
    setErrors(problems);
  };

  const move = (from: number, to: number) => {
    const next = [...images];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    if (!readOnly) void upload([...event.dataTransfer.files]);
  };

  return (
    <div>
      {images.length === 0 && <p className="mb-3 text-sm text-neutral-600">No photos yet.</p>}
      {images.length > 0 && (
        <ol
          className="mb-4 grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4"
          aria-label="Photos, main photo first"
        >
          {images.map((image, index) => (
            <li key={image.id} className="rounded-lg border border-neutral-200 bg-white p-2">
              <img
                src={image.thumbnailUrl}
                alt={image.alt || `Photo ${index + 1}`}
                className="aspect-square w-full rounded object-contain bg-neutral-50"
              />
              <p className="mt-1 text-xs text-neutral-600">
                {index === 0 ? "Main photo" : `Photo ${index + 1}`}
              </p>
              <label className="mt-1 block text-xs font-medium text-neutral-800">
                Alt text
                <input
                  className="mt-1 block h-8 w-full rounded border border-neutral-300 px-2 text-sm"
                  value={image.alt}
                  readOnly={readOnly}
                  maxLength={500}
                  onChange={(e) =>
                    onChange(
                      images.map((i) => (i.id === image.id ? { ...i, alt: e.currentTarget.value } : i)),
                    )
                  }
                />
              </label>
              {!readOnly && (
                <div className="mt-2 flex flex-wrap gap-1">
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={index === 0}
                    onClick={() => move(index, index - 1)}
                  >
                    <span aria-hidden="true">←</span> Earlier
                    <span className="sr-only"> (photo {index + 1})</span>
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={index === images.length - 1}
                    onClick={() => move(index, index + 1)}
                  >
                    Later <span aria-hidden="true">→</span>
                    <span className="sr-only"> (photo {index + 1})</span>
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => onChange(images.filter((i) => i.id !== image.id))}
                  >
                    Remove<span className="sr-only"> photo {index + 1}</span>
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {!readOnly && (
        // The drop zone is a convenience; the labelled file input beside it does the same for everyone.
        // biome-ignore lint/a11y/noStaticElementInteractions: drag-and-drop target; the file button is the accessible path
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          className={cn(
            "flex flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-6 text-sm text-neutral-700",
            over ? "border-accent-600 bg-accent-50" : "border-neutral-300",
          )}
        >
          <p>Drop photos here, or</p>
          <label
            htmlFor={inputId}
            className="cursor-pointer rounded-lg border border-neutral-300 bg-white px-3 py-1.5 font-medium hover:bg-neutral-50 focus-within:outline-2 focus-within:outline-accent-600"
          >
            Choose photos
            <input
              ref={input}
              id={inputId}
              type="file"
              accept={accepted.join(",")}
              multiple
              className="sr-only"
              onChange={(e) => {
                const files = [...(e.currentTarget.files ?? [])];
                e.currentTarget.value = "";
                void upload(files);
              }}
            />
          </label>
          <p className="text-xs text-neutral-600">JPEG, PNG, WebP, GIF or AVIF, up to 20 MB each.</p>
        </div>
      )}
      <p role="status" className="mt-2 text-sm text-neutral-700">
        {uploading > 0 ? `Uploading ${uploading} photo${uploading > 1 ? "s" : ""}…` : ""}
      </p>
      {errors.length > 0 && (
        <ul role="alert" className="mt-2 list-disc pl-5 text-sm text-red-700">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
