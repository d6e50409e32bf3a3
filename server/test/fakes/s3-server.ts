import { createRequire } from "node:module";

/** s3rver ships no types: the part the tests use. */
interface S3rver {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
const S3rverServer = createRequire(import.meta.url)("s3rver") as new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rver;

/**
 * Starts s3rver, a local S3-compatible server, on a free port of 127.0.0.1 with `bucket` created,
 * keeping its objects in `directory`. Resolves with its endpoint URL and a `close()`.
 */
export async function startS3Server(
  directory: string,
  bucket: string,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = new S3rverServer({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}
