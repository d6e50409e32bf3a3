import type { AuditEntry } from "@bazaar/sdk";
import { Button } from "@bazaar/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { adminApi, formatDateTime } from "../api";
import { Field, Section, TableScroll, tableClass, tdClass, thClass } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";

function target(event: AuditEntry): string {
  if (!event.targetType && !event.targetId) return "—";
  return [event.targetType, event.targetId].filter(Boolean).join(" ");
}

function AuditRow({ event }: { event: AuditEntry }) {
  const metadata = Object.keys(event.metadata ?? {}).length ? JSON.stringify(event.metadata) : "";
  return (
    <tr>
      <td className={`${tdClass} whitespace-nowrap`}>
        <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
      </td>
      <td className={`${tdClass} font-mono text-xs`}>{event.action}</td>
      <td className={tdClass}>
        {event.actorName ??
          (event.actorId ? <span className="font-mono text-xs">{event.actorId}</span> : "System")}
      </td>
      <td className={`${tdClass} font-mono text-xs`}>{target(event)}</td>
      <td className={tdClass}>{event.ipAddress ?? "—"}</td>
      <td className={`${tdClass} max-w-xs break-words font-mono text-xs text-neutral-700`}>
        {metadata || "—"}
      </td>
    </tr>
  );
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const action = params.get("action") ?? "";
  const [draft, setDraft] = useState(action);
  const events = useInfiniteQuery({
    queryKey: ["admin", "audit", action],
    queryFn: ({ pageParam, signal }) => adminApi.audit({ cursor: pageParam, action }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = draft.trim();
    setParams(next ? { action: next } : {});
  };

  return (
    <>
      <PageHeading
        title="Audit log"
        intro="Staff actions and security events, newest first. Times are in your browser's time zone."
      />
      <div className="space-y-6">
        <form onSubmit={onFilter} className="flex flex-wrap items-end gap-3">
          <Field
            label="Filter by action"
            name="action"
            value={draft}
            onChange={(event) => setDraft(event.currentTarget.value)}
            placeholder="e.g. staff.role.assigned"
            autoComplete="off"
            className="w-full max-w-xs"
          />
          <Button type="submit">Filter</Button>
          {action && (
            <Button
              variant="secondary"
              onClick={() => {
                setDraft("");
                setParams({});
              }}
            >
              Clear filter
            </Button>
          )}
        </form>
        <Section title={action ? `Events: ${action}` : "All events"}>
          <QueryState query={events} label="audit events" />
          {events.data &&
            (rows.length === 0 ? (
              <p className="text-sm text-neutral-600">No events match.</p>
            ) : (
              <TableScroll label="Audit events">
                <table className={tableClass} data-testid="audit-table">
                  <caption className="sr-only">Audit events, newest first</caption>
                  <thead className="bg-neutral-50">
                    <tr>
                      <th scope="col" className={thClass}>
                        Time
                      </th>
                      <th scope="col" className={thClass}>
                        Action
                      </th>
                      <th scope="col" className={thClass}>
                        Actor
                      </th>
                      <th scope="col" className={thClass}>
                        Target
                      </th>
                      <th scope="col" className={thClass}>
                        IP address
                      </th>
                      <th scope="col" className={thClass}>
                        Details
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-neutral-100">
                    {rows.map((event) => (
                      <AuditRow key={event.id} event={event} />
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ))}
          {events.hasNextPage && (
            <Button
              variant="secondary"
              className="mt-4"
              disabled={events.isFetchingNextPage}
              onClick={() => events.fetchNextPage()}
            >
              {events.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
          {events.isFetchNextPageError && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              Could not load more events. Try again.
            </p>
          )}
        </Section>
      </div>
    </>
  );
}
