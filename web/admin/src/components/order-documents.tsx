import type { AdminOrder } from "@bazaar/sdk";

/** Links to an order's PDF invoice and packing slip (placeholder). Rendered in the order page's header. */
export function OrderDocumentLinks(_props: { order: AdminOrder }) {
  return null;
}
