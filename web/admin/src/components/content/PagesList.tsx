import { type DataColumn, DataTable, Field } from "@bazaar/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { formatDateTime } from "../../api";
import { contentApi, type PageRow } from "../../routes/content.api";
import { PageHeading } from "../PageHeading";
import { QueryState } from "../QueryError";
import { StatusPill } from "./editor-state";
import { ContentTabs } from "./tabs";

export const pagesKey = ["admin", "content", "pages"] as const;

/** Every page, published or not: search by title or URL, open one to edit it, or add one. */
export function PagesList() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get("q") ?? "";
  const [search, setSearch] = useState(q);
  const pages = useInfiniteQuery({
    queryKey: [...pagesKey, q],
    queryFn: ({ pageParam, signal }) => contentApi.pages({ q: q || undefined, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 0,
  });
  const rows = pages.data?.pages.flatMap((p) => p.items);
  const columns: DataColumn<PageRow>[] = [
    {
      id: "title",
      header: "Title",
      isRowHeader: true,
      sortValue: (row) => row.title,
      cell: (row) => (
        <Link
          to={`/content/pages/${encodeURIComponent(row.id)}`}
          className="font-medium text-accent-800 underline"
        >
          {row.title}
        </Link>
      ),
    },
    {
      id: "url",
      header: "URL",
      sortValue: (row) => row.slug,
      cell: (row) =>
        row.status === "draft" ? (
          <code>/pages/{row.slug}</code>
        ) : (
          <a
            href={`/pages/${row.slug}`}
            target="_blank"
            rel="noreferrer"
            className="text-accent-800 underline"
          >
            <code>/pages/{row.slug}</code>
            <span className="sr-only"> (view in store, opens in a new tab)</span>
          </a>
        ),
    },
    {
      id: "status",
      header: "Status",
      sortValue: (row) => row.status,
      cell: (row) => <StatusPill status={row.status} />,
    },
    {
      id: "updated",
      header: "Saved",
      sortValue: (row) => row.updatedAt ?? "",
      cell: (row) => formatDateTime(row.updatedAt),
    },
  ];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams(search.trim() ? { q: search.trim() } : {});
  };
  return (
    <>
      <PageHeading
        title="Content"
        intro="Pages of the store (about us, policies, help), the home page, the menus and the announcement bar."
      />
      <ContentTabs />
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <form aria-label="Find pages" onSubmit={submit} className="flex flex-wrap items-end gap-2">
          <Field
            label="Find a page"
            type="search"
            value={search}
            placeholder="Title or URL"
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          <button
            type="submit"
            className="h-10 rounded-lg border border-neutral-300 bg-white px-4 text-sm font-medium hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-accent-600"
          >
            Search
          </button>
        </form>
        <Link
          to="/content/pages/new"
          className="inline-flex h-10 items-center rounded-lg bg-accent-700 px-4 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          New page
        </Link>
      </div>
      {pages.error ? (
        <QueryState query={pages} label="the pages" />
      ) : (
        <DataTable
          aria-label="Pages"
          columns={columns}
          rows={rows}
          rowKey={(row) => row.id}
          isLoading={pages.isFetching}
          onRowAction={(id) => navigate(`/content/pages/${encodeURIComponent(id)}`)}
          emptyState={q ? "No page matches." : "No pages yet."}
          paging={{
            mode: "loadMore",
            hasMore: pages.hasNextPage,
            onLoadMore: () => void pages.fetchNextPage(),
            isLoadingMore: pages.isFetchingNextPage,
            total: pages.data?.pages[0]?.total,
          }}
        />
      )}
    </>
  );
}
