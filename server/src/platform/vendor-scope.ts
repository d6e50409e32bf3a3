import type { FastifyRequest } from "fastify";

/**
 * The vendor an /api/vendor request acts for, set by the vendors module's guard before any route runs.
 * Declared here (not in the vendors module) so every module's vendor-portal routes can read it.
 */
export interface VendorScope {
  /** The vendor's id (`ven_...`). */
  id: string;
  /** The caller's role at the vendor. */
  role: "owner" | "staff";
  /** The signed-in member's user id (the audit log's actor). */
  userId: string;
  /** The vendor's status: `active`, or `suspended` (then only reads and order follow-up pass the guard). */
  status: "active" | "suspended";
}

declare module "fastify" {
  interface FastifyRequest {
    /** The caller's vendor (set by the vendor guard): every /api/vendor route acts on this vendor only. */
    vendor?: VendorScope;
  }
  interface FastifyContextConfig {
    /** Vendor routes: `owner` for vendor owners only, otherwise any member. */
    vendorRole?: "owner" | "member";
    /**
     * A write a suspended vendor may still make (following up orders already placed: shipping,
     * cancelling, returns). Other writes answer 403 VENDOR_SUSPENDED while suspended.
     */
    vendorWhileSuspended?: boolean;
  }
}

/**
 * The request's vendor scope. @throws Error when called outside /api/vendor (a programming error: the
 * guard sets it for every vendor route).
 */
export function vendorScope(request: FastifyRequest): VendorScope {
  if (!request.vendor) throw new Error("vendorScope() outside the /api/vendor routes");
  return request.vendor;
}
