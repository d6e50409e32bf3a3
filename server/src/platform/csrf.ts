import type { FastifyRequest } from "fastify";
import { AppError } from "./errors.ts";

/**
 * The origin (scheme + host[:port]) the request was addressed to, as the browser saw it: the Host
 * header and the connection's scheme, or `X-Forwarded-Host` / `X-Forwarded-Proto` when the request
 * came through a proxy that `TRUST_PROXY` trusts (Fastify's `request.host` and `request.protocol`).
 */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

/** The origin the browser says the request comes from: `Origin`, or failing that `Referer`'s origin. */
function claimedOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (origin) return origin.toLowerCase();
  if (!request.headers.referer) return null;
  try {
    return new URL(request.headers.referer).origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Whether `origin` is one of the shop's: the origin the request itself was addressed to (so the shop
 * works at any host name it is reached by: localhost, 127.0.0.1, a LAN address, a proxy's name),
 * `PUBLIC_URL`, or one of `TRUSTED_ORIGINS`.
 */
export function isShopOrigin(request: FastifyRequest, origin: string, trustedOrigins: string[]): boolean {
  const wanted = origin.toLowerCase();
  return wanted === requestOrigin(request) || trustedOrigins.some((o) => o.toLowerCase() === wanted);
}

/**
 * CSRF defence by verifying the origin with standard headers (OWASP CSRF Prevention Cheat Sheet):
 * the browser's Origin (or, failing that, Referer) must be a shop origin (`isShopOrigin`). Safe
 * methods (GET, HEAD, OPTIONS) always pass.
 */
export function fromTrustedOrigin(request: FastifyRequest, trustedOrigins: string[]): boolean {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return true;
  const origin = claimedOrigin(request);
  return origin !== null && isShopOrigin(request, origin, trustedOrigins);
}

/**
 * The one Origin check of a route scope (`scope.addHook("onRequest", originCheck(trusted))`): a write
 * (any method but GET, HEAD and OPTIONS) that a browser could send with the shopper's or staff
 * member's cookies must come from a shop origin. Requests that carry no cookie, or that authenticate
 * otherwise (`Authorization: Bearer`, the `X-Cart-Token` header: custom headers need a CORS
 * preflight, which only trusted origins pass), are not cookie-authenticated and pass.
 * `trustedOrigins` is `PUBLIC_URL` plus `TRUSTED_ORIGINS`.
 * @throws AppError 403 CSRF_ORIGIN_MISMATCH.
 */
export function originCheck(trustedOrigins: string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return;
    if (!request.headers.cookie) return;
    if (request.headers.authorization?.startsWith("Bearer ") || request.headers["x-cart-token"] !== undefined)
      return;
    if (!fromTrustedOrigin(request, trustedOrigins)) {
      throw new AppError(403, "CSRF_ORIGIN_MISMATCH", "This request must come from the shop's own pages.");
    }
  };
}

/**
 * The shop origin to send the shopper back to after an off-site step (payment approval, 3-D Secure):
 * the origin the request came from when it is a shop origin, else `PUBLIC_URL`.
 */
export function returnOrigin(request: FastifyRequest, publicUrl: string, trustedOrigins: string[]): string {
  const origin = claimedOrigin(request);
  return origin && isShopOrigin(request, origin, trustedOrigins) ? origin : publicUrl;
}
