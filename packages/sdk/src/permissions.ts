/**
 * Staff permissions (one source for the admin dashboard's role editor and API-key form). The OpenAPI
 * document does not carry them (the server's schemas say `string[]`), so the list lives here and
 * server/test/sdk-fresh.test.ts fails when it differs from the server's own
 * (server/src/modules/staff/permissions.ts).
 */
export const permissionList = [
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

export type Permission = (typeof permissionList)[number];

export function isPermission(value: string): value is Permission {
  return (permissionList as readonly string[]).includes(value);
}
