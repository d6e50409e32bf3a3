import type { Dispute } from "@bazaar/sdk";
import { formatMinor } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { adminApi, formatDateTime } from "../api";
import { Section, TableScroll, tableClass, tdClass, textLink, thClass } from "../components/forms";
import { humanize, StatusBadge } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";

function DisputeRow({ dispute, now }: { dispute: Dispute; now: number }) {
  const due = dispute.evidenceDueBy ? Date.parse(dispute.evidenceDueBy) : null;
  const overdue = due !== null && due < now;
  return (
    <tr>
      <th scope="row" className={`${tdClass} break-all font-mono text-xs`}>
        {dispute.reference}
      </th>
      <td className={tdClass}>
        <Link
          to={`/orders/${encodeURIComponent(dispute.orderId)}`}
          className={`${textLink} relative inline-block`}
        >
          View order<span className="sr-only"> of dispute {dispute.reference}</span>
        </Link>
      </td>
      <td className={tdClass}>{humanize(dispute.provider)}</td>
      <td className={tdClass}>
        <StatusBadge value={dispute.status} />
      </td>
      <td className={tdClass}>{humanize(dispute.reason)}</td>
      <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
        {formatMinor(dispute.amount, dispute.currency)}
      </td>
      <td className={`${tdClass} whitespace-nowrap`}>
        {dispute.evidenceDueBy ? (
          <time dateTime={dispute.evidenceDueBy} className={overdue ? "font-medium text-red-700" : undefined}>
            {formatDateTime(dispute.evidenceDueBy)}
            {overdue && " (passed)"}
          </time>
        ) : (
          "—"
        )}
      </td>
    </tr>
  );
}

/** Chargebacks not yet won or lost, soonest evidence deadline first (read-only: evidence goes to the provider). */
export function DisputesPage() {
  const disputes = useQuery({
    queryKey: ["admin", "disputes"],
    queryFn: ({ signal }) => adminApi.openDisputes(signal),
    staleTime: 0,
  });
  const rows = disputes.data ?? [];
  const now = Date.now();
  return (
    <>
      <PageHeading
        title="Disputes"
        intro="Open chargebacks, soonest evidence deadline first. Answer them in the payment provider's dashboard."
      />
      <Section title="Open disputes">
        <QueryState query={disputes} label="disputes" />
        {disputes.data &&
          (rows.length === 0 ? (
            <p className="text-sm text-neutral-600">No open disputes.</p>
          ) : (
            <TableScroll label="Open disputes">
              <table className={tableClass} data-testid="disputes-table">
                <caption className="sr-only">Open disputes, soonest evidence deadline first</caption>
                <thead className="bg-neutral-50">
                  <tr>
                    <th scope="col" className={thClass}>
                      Reference
                    </th>
                    <th scope="col" className={thClass}>
                      Order
                    </th>
                    <th scope="col" className={thClass}>
                      Provider
                    </th>
                    <th scope="col" className={thClass}>
                      Status
                    </th>
                    <th scope="col" className={thClass}>
                      Reason
                    </th>
                    <th scope="col" className={`${thClass} text-right`}>
                      Amount
                    </th>
                    <th scope="col" className={thClass}>
                      Evidence due
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-neutral-100">
                  {rows.map((dispute) => (
                    <DisputeRow key={dispute.id} dispute={dispute} now={now} />
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ))}
      </Section>
    </>
  );
}
