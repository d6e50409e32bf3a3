import type { AdminOrder } from "@bazaar/sdk";

const linkClass =
  "inline-flex h-8 items-center gap-1.5 rounded-lg border border-neutral-300 bg-white px-3 text-sm font-medium " +
  "text-neutral-900 hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-offset-2 " +
  "focus-visible:outline-accent-600";

/**
 * Links to an order's PDF invoice and packing slip (GET /api/admin/orders/{id}/invoice.pdf and
 * /packing-slip.pdf, permission orders:read), each opening in a new tab. Plain links: the admin is
 * served from the API's origin, so the session cookie authenticates them. Rendered in the order
 * page's header; not for a declined checkout.
 */
export function OrderDocumentLinks({ order }: { order: AdminOrder }) {
  // A declined checkout was never an order the shop took: nothing to invoice or pack.
  if (order.status === "payment_failed") return null;
  const base = `/api/admin/orders/${encodeURIComponent(order.id)}`;
  return (
    <nav aria-label="Order documents" className="flex flex-wrap gap-2">
      <a
        href={`${base}/invoice.pdf`}
        target="_blank"
        rel="noopener"
        className={linkClass}
        data-testid="order-invoice-link"
      >
        Invoice (PDF)
        <span className="sr-only"> (opens in a new tab)</span>
      </a>
      <a
        href={`${base}/packing-slip.pdf`}
        target="_blank"
        rel="noopener"
        className={linkClass}
        data-testid="order-packing-slip-link"
      >
        Packing slip (PDF)
        <span className="sr-only"> (opens in a new tab)</span>
      </a>
    </nav>
  );
}
