import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Config } from "../config.ts";

/** Metadata of a stored object. `bytes` is its size; `modifiedAt` in UTC. */
export interface StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
  /** MIME type kept with the object (S3); absent on the local disk, which keeps none. */
  contentType?: string;
}

/**
 * Where files live (original images, generated sizes, downloadable files). Keys are `/`-separated
 * relative paths such as `images/ab/ab12...ef.jpg`; a key leaving its root (`../x`, `/x`) is refused.
 * Local disk (the default) or an S3 bucket (`STORAGE=s3`, see storage.s3.ts): both answer null, never
 * an error, for a key that does not exist, and throw for anything else that goes wrong.
 */
export interface Storage {
  /**
   * Stores an object whole, replacing any object of that key. `contentType` is kept where the
   * storage keeps metadata (S3; guessed from the key's extension when not given).
   */
  put(key: string, data: Buffer, options?: { contentType?: string }): Promise<void>;
  /** Reads an object whole. Returns null when it does not exist. */
  read(key: string): Promise<Buffer | null>;
  /** Streams an object (never buffered whole). Returns null when it does not exist. */
  stream(key: string): Promise<{ body: Readable; object: StoredObject } | null>;
  stat(key: string): Promise<StoredObject | null>;
  /** Releases connections (the S3 client's sockets); the app calls it on close. */
  close(): Promise<void>;
}

/**
 * The storage `config` selects: `LocalDiskStorage` under `storageDir` (STORAGE=local, the default), or
 * `S3Storage` on `config.s3` (STORAGE=s3). The AWS SDK is loaded only then (it takes about 0.5 s).
 */
export async function createStorage(config: Pick<Config, "storage" | "storageDir" | "s3">): Promise<Storage> {
  if (config.storage === "s3") {
    if (!config.s3) throw new Error("STORAGE=s3 needs the S3 settings (S3_BUCKET, ...)");
    const { S3Storage } = await import("./storage.s3.ts");
    return new S3Storage(config.s3, safeKey);
  }
  return new LocalDiskStorage(config.storageDir);
}

/**
 * A key as stored: normalised, and refused when it would leave the storage's root.
 * @throws Error for `..` segments leading out, absolute keys and NUL characters.
 */
export function safeKey(key: string): string {
  const normalised = path.posix.normalize(key);
  if (normalised.startsWith("..") || path.posix.isAbsolute(normalised) || normalised.includes("\0")) {
    throw new Error(`Unsafe storage key: ${key}`);
  }
  return normalised;
}

/** Files on the local disk under `root`. Writes go to a temporary file first, then rename (atomic). */
export class LocalDiskStorage implements Storage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    return path.join(this.root, safeKey(key));
  }

  async put(key: string, data: Buffer, _options?: { contentType?: string }): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(temp, data);
    await fs.rename(temp, target);
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await fs.stat(this.pathOf(key));
      return s.isFile() ? { key, bytes: s.size, modifiedAt: s.mtime } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async stream(key: string): Promise<{ body: Readable; object: StoredObject } | null> {
    const object = await this.stat(key);
    if (!object) return null;
    return { body: createReadStream(this.pathOf(key)), object };
  }

  async close(): Promise<void> {}
}
