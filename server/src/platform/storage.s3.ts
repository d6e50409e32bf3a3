import { createHash } from "node:crypto";
import path from "node:path";
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from "@aws-sdk/client-s3";

// This file must not import storage.ts (storage.ts imports it: no cycles, type-only ones included).
// `S3Storage` matches the `Storage` interface structurally; `createStorage` checks it.

/** Where the bucket is and how to reach it (config.ts reads these from STORAGE=s3 and S3_*). */
export interface S3StorageOptions {
  /** S3_BUCKET. */
  bucket: string;
  /** S3_ENDPOINT: an S3-compatible server (MinIO, Ceph, R2, ...); null for AWS. */
  endpoint: string | null;
  /** S3_REGION. */
  region: string;
  /** S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY; null: the SDK's default credential chain. */
  accessKeyId: string | null;
  secretAccessKey: string | null;
  /** S3_FORCE_PATH_STYLE: `endpoint/bucket/key` instead of `bucket.endpoint/key`. */
  forcePathStyle: boolean;
  /** S3_PREFIX: put before every key, empty or ending in `/` (e.g. `shop-eu/`). */
  prefix: string;
  /**
   * The SDK's additional request checksums and response validation (`requestChecksumCalculation`,
   * `responseChecksumValidation`). Default: `WHEN_SUPPORTED` (the SDK's) on AWS, `WHEN_REQUIRED` with an
   * endpoint: S3-compatible servers were reported to refuse the `x-amz-checksum-*` and
   * `x-amz-sdk-checksum-algorithm` headers the SDK sends by default since early 2025 (Backblaze B2,
   * Cloudflare R2, OVH), and others ignore them. Uploads carry Content-MD5 either way, which S3 servers
   * verify (s3rver, the tests' server, accepts both settings but verifies neither).
   */
  checksums?: "WHEN_SUPPORTED" | "WHEN_REQUIRED";
}

/**
 * A failure of the S3 storage (unreachable server, missing bucket, refused credentials, ...), with the
 * operation, key, bucket and the S3 error code. The SDK's error is its `cause`.
 */
export class S3StorageError extends Error {
  constructor(
    message: string,
    /** The S3 error code (`NoSuchBucket`, `AccessDenied`, ...) or the network error code. */
    readonly code: string,
    /** HTTP status of S3's answer; undefined when there was none. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "S3StorageError";
  }
}

const contentTypes: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  avif: "image/avif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  epub: "application/epub+zip",
  zip: "application/zip",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  txt: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json",
};

/** MIME type of a key from its extension; `application/octet-stream` when unknown. */
export function contentTypeOfKey(key: string): string {
  const ext = path.posix.extname(key).slice(1).toLowerCase();
  return contentTypes[ext] ?? "application/octet-stream";
}

/** What `stat` and `stream` tell of an object (the `StoredObject` of storage.ts). */
export interface S3StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
  contentType?: string;
}

/** The S3 error code of an SDK error (`NoSuchKey`, `NotFound`, ...) or a network error's code. */
function codeOf(error: unknown): string {
  if (error instanceof S3ServiceException) return error.name;
  const e = error as { code?: unknown; name?: unknown };
  return typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "Error";
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * Objects in an S3 bucket (AWS or an S3-compatible server), through the official AWS SDK v3: the
 * `Storage` of several API processes sharing their files. Objects are written whole with their
 * Content-Type and Content-MD5 (the server refuses a body that arrived altered); downloads stream from
 * S3 without being buffered. A missing key is null, as on the local disk; every other failure throws
 * `S3StorageError` naming the operation, the key and the bucket.
 */
export class S3Storage {
  readonly client: S3Client;
  /** Set once the bucket answered: a 404 of HeadObject is then a missing key, not a missing bucket. */
  private bucketSeen = false;

  constructor(
    readonly options: S3StorageOptions,
    /** Normalises a key and refuses unsafe ones (the local disk's rule: `safeKey` of storage.ts). */
    private readonly normaliseKey: (key: string) => string = (key) => key,
  ) {
    const checksums = options.checksums ?? (options.endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED");
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      // Fail fast on an unreachable server; no overall request timeout: a download streams to a slow
      // client for as long as it takes.
      requestHandler: { connectionTimeout: 5_000 },
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    }
    this.client = new S3Client(config);
  }

  /** The object key in the bucket: the prefix, then the normalised key. */
  private objectKey(key: string): string {
    return `${this.options.prefix}${this.normaliseKey(key)}`;
  }

  private fail(operation: string, key: string, error: unknown, code = codeOf(error)): S3StorageError {
    const status = statusOf(error);
    const hint = this.explain(code, status) ?? (error instanceof Error ? error.message : String(error));
    return new S3StorageError(
      `S3 storage: ${operation} "${key}" in bucket "${this.options.bucket}" failed: ${hint} [${code}${status ? ` ${status}` : ""}]`,
      code,
      status,
      { cause: error },
    );
  }

  /** What an S3 or network error code means for whoever sets the S3_* variables. */
  private explain(code: string, status: number | undefined): string | null {
    const { bucket, endpoint, region } = this.options;
    switch (code) {
      case "NoSuchBucket":
        return `the bucket "${bucket}" does not exist (S3_BUCKET)`;
      case "InvalidAccessKeyId":
      case "SignatureDoesNotMatch":
        return "the credentials were refused (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)";
      case "CredentialsProviderError":
        return "no credentials: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or the AWS default chain";
      case "PermanentRedirect":
      case "AuthorizationHeaderMalformed":
        return `the bucket is not in region "${region}" (S3_REGION)`;
      case "ECONNREFUSED":
      case "ECONNRESET":
      case "ENOTFOUND":
      case "EAI_AGAIN":
      case "ETIMEDOUT":
      case "TimeoutError":
        return `cannot reach ${endpoint ? `${endpoint} (S3_ENDPOINT)` : `AWS S3 in ${region} (S3_REGION)`}`;
    }
    if (code === "AccessDenied" || status === 403)
      return "access denied: the credentials need s3:GetObject, s3:PutObject and s3:ListBucket on the bucket";
    return null;
  }

  /** After a 404 of HeadObject (which has no body to say which): throws when the bucket is missing. */
  private async assertBucket(operation: string, key: string): Promise<void> {
    if (this.bucketSeen) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      this.bucketSeen = true;
    } catch (error) {
      const status = statusOf(error);
      // HeadBucket needs s3:ListBucket; a policy without it answers 403 although the bucket exists.
      if (status === 403) return;
      throw this.fail(operation, key, error, status === 404 ? "NoSuchBucket" : codeOf(error));
    }
  }

  async put(key: string, data: Buffer, options: { contentType?: string } = {}): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key,
          Body: data,
          ContentLength: data.length,
          ContentType: options.contentType ?? contentTypeOfKey(key),
          ContentMD5: createHash("md5").update(data).digest("base64"),
        }),
      );
      this.bucketSeen = true;
    } catch (error) {
      throw this.fail("put", key, error);
    }
  }

  async stat(key: string): Promise<S3StoredObject | null> {
    const Key = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key }));
      this.bucketSeen = true;
      return {
        key,
        bytes: head.ContentLength ?? 0,
        modifiedAt: head.LastModified ?? new Date(0),
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
      };
    } catch (error) {
      if (statusOf(error) === 404) {
        await this.assertBucket("stat", key);
        return null;
      }
      throw this.fail("stat", key, error);
    }
  }

  /** Opens a GetObject; null for a missing key. */
  private async get(operation: string, key: string) {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      this.bucketSeen = true;
      return object;
    } catch (error) {
      if (codeOf(error) === "NoSuchKey") return null;
      throw this.fail(operation, key, error);
    }
  }

  async read(key: string): Promise<Buffer | null> {
    const object = await this.get("read", key);
    if (!object) return null;
    let bytes: Uint8Array;
    try {
      bytes = await object.Body!.transformToByteArray();
    } catch (error) {
      throw this.fail("read", key, error);
    }
    if (object.ContentLength !== undefined && bytes.byteLength !== object.ContentLength) {
      throw new S3StorageError(
        `S3 storage: read "${key}" in bucket "${this.options.bucket}" failed: got ${bytes.byteLength} of ${object.ContentLength} bytes`,
        "IncompleteBody",
        undefined,
      );
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async stream(key: string): Promise<{ body: Readable; object: S3StoredObject } | null> {
    const object = await this.get("stream", key);
    if (!object) return null;
    const body = object.Body;
    if (!(body instanceof Readable) || object.ContentLength === undefined) {
      (body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new S3StorageError(
        `S3 storage: stream "${key}" in bucket "${this.options.bucket}" failed: the answer has no Node.js stream or no length`,
        "UnexpectedBody",
        undefined,
      );
    }
    return {
      body,
      object: {
        key,
        bytes: object.ContentLength,
        modifiedAt: object.LastModified ?? new Date(0),
        ...(object.ContentType ? { contentType: object.ContentType } : {}),
      },
    };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
