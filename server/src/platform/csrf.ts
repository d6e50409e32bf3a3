import type { FastifyRequest } from "fastify";

/**
 * CSRF defence for cookie-authenticated writes: the browser's Origin (or, failing that, Referer) must
 * be one of the shop's own origins (OWASP CSRF Prevention Cheat Sheet: verifying origin with standard
 * headers). Safe methods (GET, HEAD, OPTIONS) always pass.
 */
export function fromTrustedOrigin(request: FastifyRequest, trustedOrigins: string[]): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return true;
  let origin = request.headers.origin ?? null;
  if (!origin && request.headers.referer) {
    try {
      origin = new URL(request.headers.referer).origin;
    } catch {
      origin = null;
    }
  }
  return origin !== null && trustedOrigins.includes(origin);
}
