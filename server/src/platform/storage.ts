import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

/** Metadata of a stored object. `bytes` is its size; `modifiedAt` in UTC. */
export interface StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
}

/**
 * Where files live (original images, generated sizes, downloadable files). Keys are `/`-separated
 * relative paths such as `images/ab/ab12...ef.jpg`. The default is local disk; S3 comes later.
 */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  /** Reads an object whole. Returns null when it does not exist. */
  read(key: string): Promise<Buffer | null>;
  /** Streams an object. Returns null when it does not exist. */
  stream(key: string): Promise<{ body: Readable; object: StoredObject } | null>;
  stat(key: string): Promise<StoredObject | null>;
}

function safeKey(key: string): string {
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

  async put(key: string, data: Buffer): Promise<void> {
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
}
