/** The dashboard's sections and the permission each needs (the API checks it too). */
export const sections = [
  {
    to: "/orders",
    label: "Orders",
    permission: "orders:read",
    description: "Find, ship, refund and cancel orders.",
  },
  {
    to: "/returns",
    label: "Returns",
    permission: "orders:read",
    description: "Approve and receive returns.",
  },
  {
    to: "/disputes",
    label: "Disputes",
    permission: "orders:read",
    description: "Open chargebacks and deadlines.",
  },
  {
    to: "/products",
    label: "Products",
    permission: "catalog:read",
    description: "Create and edit products, variants, prices and photos.",
  },
  {
    to: "/categories",
    label: "Categories",
    permission: "catalog:read",
    description: "The category tree of the storefront.",
  },
  {
    to: "/inventory",
    label: "Inventory",
    permission: "catalog:read",
    description: "Stock per location, adjustments and transfers.",
  },
  {
    to: "/reviews",
    label: "Reviews",
    permission: "reviews:moderate",
    description: "Approve, reject and answer reviews.",
  },
  {
    to: "/low-stock",
    label: "Low stock",
    permission: "catalog:read",
    description: "Variants to reorder.",
  },
  {
    to: "/price-lists",
    label: "Price lists",
    permission: "catalog:read",
    description: "Prices in other currencies.",
  },
  { to: "/staff", label: "Staff", permission: "staff:manage", description: "Invite people and set roles." },
  { to: "/roles", label: "Roles", permission: "staff:manage", description: "Built-in and custom roles." },
  { to: "/audit", label: "Audit log", permission: "audit:read", description: "Who did what, and when." },
  {
    to: "/outbox",
    label: "Email outbox",
    permission: "settings:write",
    description: "Emails the shop has sent.",
  },
  { to: "/api-keys", label: "API keys", permission: "staff:manage", description: "Keys for integrations." },
  {
    to: "/jobs",
    label: "Background jobs",
    permission: "jobs:manage",
    description: "Queues, failed jobs and retries.",
  },
  { to: "/vendors", label: "Vendors", permission: "vendors:manage", description: "Marketplace sellers." },
] as const;
