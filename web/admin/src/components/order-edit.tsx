import type { AdminOrder } from "@bazaar/sdk";

/**
 * Editing an order's lines before fulfilment (placeholder: filled in by the order editing work).
 * Rendered by the order page in its Items section.
 */
export function OrderEditPanel(_props: { order: AdminOrder }) {
  return null;
}
