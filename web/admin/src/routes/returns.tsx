import type { ReturnRecord } from "@bazaar/sdk";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { adminApi, formatDateTime } from "../api";
import { Section, TableScroll, tableClass, tdClass, textLink, thClass } from "../components/forms";
import { StatusBadge } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { ReturnActions, returnsKey } from "../components/return-actions";

function units(rma: ReturnRecord): number {
  return rma.lines.reduce((sum, line) => sum + line.quantity, 0);
}

function ReturnRow({ rma }: { rma: ReturnRecord }) {
  const reasons = [...new Set(rma.lines.map((l) => l.reason).filter(Boolean))];
  return (
    <tr>
      <th scope="row" className={`${tdClass} whitespace-nowrap font-mono text-xs`}>
        {rma.number}
      </th>
      <td className={tdClass}>
        <Link
          to={`/orders/${encodeURIComponent(rma.orderId)}`}
          className={`${textLink} relative inline-block`}
        >
          View order<span className="sr-only"> of return {rma.number}</span>
        </Link>
      </td>
      <td className={tdClass}>
        <StatusBadge value={rma.status} />
      </td>
      <td className={tdClass}>
        {units(rma)} {units(rma) === 1 ? "unit" : "units"}
        {reasons.length > 0 && <span className="block text-xs text-neutral-600">{reasons.join("; ")}</span>}
      </td>
      <td className={`${tdClass} max-w-xs break-words`}>{rma.customerNote || "—"}</td>
      <td className={`${tdClass} whitespace-nowrap`}>
        <time dateTime={rma.createdAt}>{formatDateTime(rma.createdAt)}</time>
      </td>
      <td className={tdClass}>
        <ReturnActions rma={rma} />
      </td>
    </tr>
  );
}

/** Returns waiting for staff: requested (to approve or reject) and approved (to receive). */
export function ReturnsPage() {
  const returns = useQuery({
    queryKey: returnsKey,
    queryFn: ({ signal }) => adminApi.openReturns(signal),
    staleTime: 0,
  });
  const rows = returns.data ?? [];
  return (
    <>
      <PageHeading
        title="Returns"
        intro="Open returns, oldest first: approve or reject requests, then receive the parcels."
      />
      <Section title="Open returns">
        <QueryState query={returns} label="returns" />
        {returns.data &&
          (rows.length === 0 ? (
            <p className="text-sm text-neutral-600">No open returns.</p>
          ) : (
            <TableScroll label="Open returns">
              <table className={tableClass} data-testid="returns-table">
                <caption className="sr-only">Open returns, oldest first</caption>
                <thead className="bg-neutral-50">
                  <tr>
                    <th scope="col" className={thClass}>
                      Return
                    </th>
                    <th scope="col" className={thClass}>
                      Order
                    </th>
                    <th scope="col" className={thClass}>
                      Status
                    </th>
                    <th scope="col" className={thClass}>
                      Items
                    </th>
                    <th scope="col" className={thClass}>
                      Customer note
                    </th>
                    <th scope="col" className={thClass}>
                      Requested
                    </th>
                    <th scope="col" className={thClass}>
                      Actions
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-neutral-100">
                  {rows.map((rma) => (
                    <ReturnRow key={rma.id} rma={rma} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ))}
      </Section>
    </>
  );
}
