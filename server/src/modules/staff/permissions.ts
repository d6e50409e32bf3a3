/**
 * Staff permissions and the built-in roles. Every `/api/admin/*` route declares one permission; a
 * staff member may call it when one of their roles grants it. Custom roles pick from the same list.
 */
export const permissions = [
  "catalog:read",
  "catalog:write",
  "inventory:write",
  "orders:read",
  "orders:write",
  "orders:refund",
  "customers:read",
  "customers:write",
  "customers:gdpr",
  "analytics:read",
  "support:read",
  "support:write",
  "cms:write",
  "reviews:moderate",
  "vendors:manage",
  "settings:write",
  "staff:manage",
  "audit:read",
  "jobs:manage",
] as const;

export type Permission = (typeof permissions)[number];

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}

/** The roles every shop has. Owners and Admins hold every permission; Owners alone can't be removed. */
export const builtInRoles: Record<string, { name: string; permissions: readonly Permission[] }> = {
  owner: { name: "Owner", permissions },
  admin: { name: "Admin", permissions },
  catalog_manager: {
    name: "Catalog manager",
    permissions: ["catalog:read", "catalog:write", "inventory:write", "reviews:moderate"],
  },
  order_manager: {
    name: "Order manager",
    permissions: ["orders:read", "orders:write", "orders:refund", "customers:read", "catalog:read"],
  },
  support_agent: {
    name: "Support agent",
    permissions: ["support:read", "support:write", "customers:read", "orders:read", "reviews:moderate"],
  },
  analyst: { name: "Analyst", permissions: ["analytics:read", "orders:read", "catalog:read"] },
};

/** The union of the permissions of the given roles. */
export function permissionsOf(roles: { permissions: readonly string[] }[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) for (const p of role.permissions) if (isPermission(p)) granted.add(p);
  return granted;
}
