import { errorMessage } from "@bazaar/sdk";
import { Button, type DataColumn, DataTable } from "@bazaar/ui";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { adminApi, formatDateTime } from "../api";
import { Alert, Notice, Section } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";

type Queue = Awaited<ReturnType<typeof adminApi.jobQueues>>[number];
type DeadJob = Awaited<ReturnType<typeof adminApi.deadJobs>>["items"][number];

const count = (value: number) => value.toLocaleString();

const queueColumns: DataColumn<Queue>[] = [
  {
    id: "name",
    header: "Queue",
    isRowHeader: true,
    sortValue: (q) => q.name,
    cell: (q) => (
      <>
        <span className="font-mono text-xs">{q.name}</span>
        {q.description && <span className="block text-xs text-neutral-600">{q.description}</span>}
      </>
    ),
  },
  {
    id: "queued",
    header: "Queued",
    align: "right",
    sortValue: (q) => q.queued,
    cell: (q) => count(q.queued),
  },
  {
    id: "active",
    header: "Running",
    align: "right",
    sortValue: (q) => q.active,
    cell: (q) => count(q.active),
  },
  {
    id: "failed",
    header: "Failed",
    align: "right",
    sortValue: (q) => q.failed,
    cell: (q) => <span className={q.failed > 0 ? "font-semibold text-red-700" : ""}>{count(q.failed)}</span>,
  },
  {
    id: "completed",
    header: "Completed",
    align: "right",
    sortValue: (q) => q.completed,
    cell: (q) => count(q.completed),
  },
];

/** The failed (dead) jobs of one queue, newest failure first, each with a Retry button. */
function DeadJobs({ queue }: { queue: string }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const jobs = useInfiniteQuery({
    queryKey: ["admin", "jobs", queue, "failed"],
    queryFn: ({ pageParam, signal }) => adminApi.deadJobs(queue, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    staleTime: 0,
  });
  const retry = useMutation({
    mutationFn: (id: string) => adminApi.retryJob(id),
    onSuccess: async (job) => {
      setMessage(`Job ${job.id} of ${job.name} will run again.`);
      await queryClient.invalidateQueries({ queryKey: ["admin", "jobs"] });
    },
  });
  const rows = jobs.data?.pages.flatMap((p) => p.items);
  const columns: DataColumn<DeadJob>[] = [
    {
      id: "failedAt",
      header: "Failed",
      isRowHeader: true,
      sortValue: (j) => j.failedAt ?? "",
      cell: (j) => <span className="whitespace-nowrap">{formatDateTime(j.failedAt)}</span>,
    },
    {
      id: "attempts",
      header: "Attempts",
      align: "right",
      sortValue: (j) => j.attempts,
      cell: (j) => j.attempts,
    },
    {
      id: "error",
      header: "Last error",
      cell: (j) => <span className="break-words text-red-800">{j.lastError ?? "—"}</span>,
    },
    {
      id: "data",
      header: "Data",
      cell: (j) => (
        <code className="block max-w-xs truncate text-xs" title={j.dataSummary}>
          {j.dataSummary}
        </code>
      ),
    },
    {
      id: "retry",
      header: "Actions",
      hideHeader: true,
      cell: (j) => (
        <Button
          variant="secondary"
          pending={retry.isPending && retry.variables === j.id}
          onClick={() => retry.mutate(j.id)}
          aria-label={`Retry job ${j.id}`}
        >
          Retry
        </Button>
      ),
    },
  ];
  return (
    <Section title={`Failed jobs of ${queue}`}>
      {message && <Notice>{message}</Notice>}
      {retry.error && <Alert>{errorMessage(retry.error)}</Alert>}
      <QueryState query={jobs} label="failed jobs" />
      <DataTable
        aria-label={`Failed jobs of ${queue}`}
        columns={columns}
        rows={rows}
        rowKey={(j) => j.id}
        isLoading={jobs.isPending}
        emptyState="No failed jobs in this queue."
        paging={{
          mode: "loadMore",
          hasMore: jobs.hasNextPage,
          onLoadMore: () => void jobs.fetchNextPage(),
          isLoadingMore: jobs.isFetchingNextPage,
          total: jobs.data?.pages[0]?.total,
        }}
      />
    </Section>
  );
}

/**
 * Background jobs: every queue with its jobs by state; choosing a queue lists its failed (dead) jobs,
 * whose retries are spent, and staff can send one back for another attempt (audited).
 */
export function JobsPage() {
  const queues = useQuery({
    queryKey: ["admin", "jobs", "queues"],
    queryFn: ({ signal }) => adminApi.jobQueues(signal),
    staleTime: 0,
    refetchInterval: 15_000,
  });
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <PageHeading
        title="Background jobs"
        intro="Order expiry, e-mail, search, recommendations and the other work the shop does in the background. A job that keeps failing is retried with growing delays, then kept here as failed."
      />
      <Section title="Queues">
        <QueryState query={queues} label="job queues" />
        <DataTable
          aria-label="Job queues"
          columns={queueColumns}
          rows={queues.data}
          rowKey={(q) => q.name}
          isLoading={queues.isPending}
          defaultSort={{ column: "failed", direction: "descending" }}
          onRowAction={(name) => setSelected(name)}
          emptyState="No job queues yet."
        />
        <p className="mt-2 text-xs text-neutral-600">Choose a queue to see its failed jobs.</p>
      </Section>
      {selected && <DeadJobs queue={selected} />}
    </>
  );
}
