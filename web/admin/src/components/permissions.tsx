import { permissionList } from "@bazaar/sdk";

const labels: Record<string, string> = {
  "catalog:read": "View the catalog",
  "catalog:write": "Edit the catalog",
  "inventory:write": "Adjust inventory",
  "orders:read": "View orders",
  "orders:write": "Manage orders",
  "orders:refund": "Refund orders",
  "customers:read": "View customers",
  "customers:write": "Edit customers",
  "customers:gdpr": "Export and erase customer data",
  "analytics:read": "View analytics",
  "support:read": "View support tickets",
  "support:write": "Answer support tickets",
  "cms:write": "Edit content pages",
  "vendors:manage": "Manage vendors",
  "settings:write": "Change settings and read the email outbox",
  "staff:manage": "Manage staff, roles and API keys",
  "audit:read": "Read the audit log",
};

/** The permission checkboxes: the key as the label (it is what the API and docs use), described in words. */
export function permissionOptions(only?: readonly string[]) {
  return permissionList
    .filter((p) => !only || only.includes(p))
    .map((p) => ({
      value: p,
      label: <code className="font-mono text-[0.8125rem]">{p}</code>,
      hint: labels[p],
    }));
}
