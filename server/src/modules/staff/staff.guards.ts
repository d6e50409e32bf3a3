import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { Db } from "../../platform/db.ts";
import { sendProblem } from "../../platform/errors.ts";
import type { Auth } from "../customers/index.ts";
import { authenticateApiKey } from "./api-keys.service.ts";
import { isPermission, type Permission } from "./permissions.ts";
import { staffAccess } from "./staff.service.ts";

/** What an admin route requires: one permission, or `"staff"` for any staff member. */
export type RouteRequirement = Permission | "staff";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Required on every /api/admin route (checked when the route is added). */
    permission?: RouteRequirement;
  }
  interface FastifyRequest {
    staff?: { userId: string; email: string; roles: string[]; permissions: Set<Permission> };
  }
}

/** Refuses, when the route is added, an /api/admin route that does not declare its permission. */
export function assertAdminRouteDeclaresPermission(route: RouteOptions): void {
  if (!route.url.startsWith("/api/admin")) return;
  const permission = (route.config as { permission?: string } | undefined)?.permission;
  if (permission !== "staff" && !(permission && isPermission(permission))) {
    throw new Error(`Admin route ${route.method} ${route.url} must declare config.permission`);
  }
}

/**
 * Authorises /api/admin requests: either an API key (`Authorization: Bearer`, scoped) or a signed-in
 * user (401 otherwise) who is staff (403), has two-factor authentication on when the shop requires it
 * of staff (403 TWO_FACTOR_REQUIRED), and holds the route's permission (403 PERMISSION_DENIED naming
 * it). Cookie-authenticated writes pass the scope's Origin check first (platform/csrf.ts
 * `originCheck`, 403 CSRF_ORIGIN_MISMATCH), as the session cookie alone proves nothing about intent.
 */
export function adminGuard(auth: Auth, db: Db, options: { requireTwoFactor?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const required = request.routeOptions.config.permission;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (bearer) {
      // An integration's API key: no cookie, so no CSRF concern; its own scopes apply.
      const key = await authenticateApiKey(db, bearer.trim());
      if (!key)
        return sendProblem(reply, 401, "INVALID_API_KEY", "The API key is unknown, revoked or expired.");
      if (required !== "staff" && (!required || !key.permissions.has(required))) {
        return sendProblem(reply, 403, "PERMISSION_DENIED", `This needs the ${required} permission.`);
      }
      request.staff = { userId: key.id, email: "", roles: [], permissions: key.permissions };
      return;
    }
    const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
    if (!session) return sendProblem(reply, 401, "UNAUTHENTICATED", "Sign in first.");
    const access = await staffAccess(db, session.user.id);
    if (!access.isStaff) return sendProblem(reply, 403, "NOT_STAFF", "This area is for staff.");
    const twoFactor = (session.user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled === true;
    if (options.requireTwoFactor && !twoFactor) {
      return sendProblem(
        reply,
        403,
        "TWO_FACTOR_REQUIRED",
        "Staff must turn on two-factor authentication first.",
      );
    }
    if (required !== "staff" && (!required || !access.permissions.has(required))) {
      return sendProblem(reply, 403, "PERMISSION_DENIED", `This needs the ${required} permission.`);
    }
    request.staff = { userId: session.user.id, email: session.user.email, ...access };
  };
}
