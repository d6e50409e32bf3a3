import { createHash } from "node:crypto";
import sharp from "sharp";
import type { Storage } from "./storage.ts";

/** Widths, in CSS pixels, of the WebP sizes generated from every original image. */
export const imageWidths = [320, 640, 1280] as const;
export type ImageWidth = (typeof imageWidths)[number];

const extensionsByMime: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
};
export const mimeByExtension: Record<string, string> = Object.fromEntries(
  Object.entries(extensionsByMime).map(([mime, ext]) => [ext, mime]),
);

/** What `storeOriginal` learned about an image file. Width and height in pixels. */
export interface StoredImage {
  sha256: string;
  storageKey: string;
  mimeType: string;
  width: number | null;
  height: number | null;
  bytes: number;
}

/** Storage key of an original: content-addressed by its SHA-256, so the same file is stored once. */
export function originalKey(sha256: string, extension: string): string {
  return `images/${sha256.slice(0, 2)}/${sha256}.${extension}`;
}

function derivedKey(sha256: string, width: ImageWidth): string {
  return `images/${sha256.slice(0, 2)}/${sha256}-w${width}.webp`;
}

/** Public URL of an original image. */
export function originalUrl(sha256: string, extension: string): string {
  return `/media/images/${sha256}/original.${extension}`;
}

/** Public URL of a generated WebP size. */
export function sizeUrl(sha256: string, width: ImageWidth): string {
  return `/media/images/${sha256}/w${width}.webp`;
}

/** True when `url` is an absolute http(s) URL (at most 2048 characters), as an external image needs. */
export function isExternalImageUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && url.length <= 2048 && URL.canParse(url);
}

/** MIME type of an external image guessed from its URL's file extension; `image/jpeg` when unknown. */
export function externalImageMimeType(url: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return mimeByExtension[ext === "jpeg" ? "jpg" : (ext ?? "")] ?? "image/jpeg";
}

/**
 * URL of an image's 320 px thumbnail: the generated WebP size of a stored image, or the external
 * image's own URL (external images are never fetched or resized). Null when there is neither.
 */
export function thumbnailUrlOf(image: { sha256: string | null; sourceUrl: string | null }): string | null {
  if (image.sourceUrl) return image.sourceUrl;
  return image.sha256 ? sizeUrl(image.sha256, 320) : null;
}

/**
 * Keeps original images and makes their responsive WebP sizes (sharp/libvips) on first request or
 * in the background, each size once: concurrent requests for the same size share one resize.
 */
export class ImageService {
  private readonly inFlight = new Map<string, Promise<Buffer | null>>();

  constructor(private readonly storage: Storage) {}

  /**
   * Stores an original image, content-addressed.
   * @throws Error when the bytes are not an image sharp can read (JPEG, PNG, WebP, GIF, AVIF).
   */
  async storeOriginal(data: Buffer): Promise<StoredImage> {
    const sha256 = createHash("sha256").update(data).digest("hex");
    const meta = await sharp(data).metadata();
    const mimeType = meta.format === "jpeg" ? "image/jpeg" : `image/${meta.format}`;
    const extension = extensionsByMime[mimeType];
    if (!extension) throw new Error(`Unsupported image format: ${meta.format}`);
    const storageKey = originalKey(sha256, extension);
    if (!(await this.storage.stat(storageKey))) await this.storage.put(storageKey, data);
    return {
      sha256,
      storageKey,
      mimeType,
      width: meta.width ?? null,
      height: meta.height ?? null,
      bytes: data.length,
    };
  }

  /** Reads an original, or null when no such file is stored. */
  original(sha256: string, extension: string) {
    return this.storage.stream(originalKey(sha256, extension));
  }

  /**
   * Returns the WebP of `width` pixels (never upscaled) for the original `sha256.extension`, making and
   * storing it when missing. Null when the original does not exist.
   */
  async size(sha256: string, extension: string, width: ImageWidth): Promise<Buffer | null> {
    const key = derivedKey(sha256, width);
    const existing = await this.storage.read(key);
    if (existing) return existing;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const job = (async () => {
      const original = await this.storage.read(originalKey(sha256, extension));
      if (!original) return null;
      const webp = await sharp(original)
        .rotate()
        .resize({ width, withoutEnlargement: true })
        .webp({ quality: 80, effort: 4 })
        .toBuffer();
      await this.storage.put(key, webp);
      return webp;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  /**
   * Generates every missing size of the given originals, one image at a time so that serving traffic
   * keeps the other core. Resolves with the number of originals processed.
   */
  async warm(originals: { sha256: string; extension: string }[], signal?: AbortSignal): Promise<number> {
    let done = 0;
    for (const { sha256, extension } of originals) {
      if (signal?.aborted) break;
      for (const width of imageWidths) await this.size(sha256, extension, width);
      done++;
    }
    return done;
  }
}
