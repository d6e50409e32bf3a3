import { isApiError } from "@bazaar/sdk";
import { Alert, Button, cn, useToast } from "@bazaar/ui";
import { type QueryKey, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatDateTime } from "../../api";
import type { PublicationStatus } from "../../routes/content.api";

/** What every content entry answers besides its content: publication state and version. */
export interface Versioned<T> {
  id: string | null;
  version: number;
  draft: T;
  published: T | null;
  status: PublicationStatus;
  publishedAt: string | null;
  updatedAt: string | null;
}

const statusText: Record<PublicationStatus, string> = {
  draft: "Draft: not published",
  published: "Published",
  changed: "Published, with unpublished changes",
};

/** Draft / published / changed, as a coloured pill (the text says it; colour only repeats it). */
export function StatusPill({ status, className }: { status: PublicationStatus; className?: string }) {
  return (
    <span
      data-testid="publication-status"
      className={cn(
        "inline-block rounded-full px-2 py-0.5 text-xs font-medium",
        status === "published" && "bg-green-100 text-green-900",
        status === "draft" && "bg-amber-100 text-amber-900",
        status === "changed" && "bg-sky-100 text-sky-900",
        className,
      )}
    >
      {statusText[status]}
    </span>
  );
}

/** The state line of an editor: status, when it was published and saved, and the version. */
export function PublicationLine({ entry }: { entry: Versioned<unknown> }) {
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-neutral-700">
      <StatusPill status={entry.status} />
      {entry.publishedAt && <span>Published {formatDateTime(entry.publishedAt)}</span>}
      {entry.updatedAt && <span>Saved {formatDateTime(entry.updatedAt)}</span>}
      <span>Version {entry.version}</span>
    </p>
  );
}

/** The alert shown when a save was refused because someone else saved first. */
export function StaleAlert({ what, onReload }: { what: string; onReload: () => void }) {
  return (
    <Alert className="mb-4">
      <p className="font-semibold">Someone else saved the {what} after you opened it.</p>
      <p className="mt-1">
        Your changes were not saved, and theirs were not overwritten. Reload to see the {what} as it is now,
        then make your changes again.
      </p>
      <Button className="mt-3" onClick={onReload}>
        Reload the {what}
      </Button>
    </Alert>
  );
}

/** Warns before leaving the page (closing the tab, reloading) while there are unsaved changes. */
export function useLeaveWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}

type Busy = "save" | "publish" | "unpublish" | null;

/**
 * The state of an editor of one entry (the home page, a menu, the announcement bar): the draft being
 * edited, whether it differs from what was loaded, and save / publish / unpublish with the version read
 * (If-Match). Publishing saves unsaved changes first. A stale version sets `stale` (the screen offers
 * to reload); other problems go to `problem` for the form.
 */
export function useEntryEditor<T, E extends Versioned<T>>(options: {
  queryKey: QueryKey;
  what: string;
  load: (signal?: AbortSignal) => Promise<E>;
  save: (version: number, draft: T) => Promise<E>;
  publish: (version: number) => Promise<E>;
  unpublish: (version: number) => Promise<E>;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const query = useQuery({
    queryKey: options.queryKey,
    queryFn: ({ signal }) => options.load(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [entry, setEntry] = useState<E | null>(null);
  const [draft, setDraft] = useState<T | null>(null);
  const [baseline, setBaseline] = useState("");
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);

  useEffect(() => {
    if (!query.data) return;
    setEntry(query.data);
    setDraft(query.data.draft);
    setBaseline(JSON.stringify(query.data.draft));
    setProblem(null);
    setStale(false);
  }, [query.data]);

  const dirty = draft !== null && JSON.stringify(draft) !== baseline;
  useLeaveWarning(dirty);

  const adopt = (next: E) => queryClient.setQueryData(options.queryKey, next);

  const run = async (kind: Exclude<Busy, null>, action: () => Promise<E>, done: string) => {
    setBusy(kind);
    setProblem(null);
    try {
      adopt(await action());
      toast.success(done);
    } catch (error) {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
      else setProblem(error);
    } finally {
      setBusy(null);
    }
  };

  return {
    query,
    entry,
    draft,
    setDraft: (update: (draft: T) => T) => setDraft((d) => (d === null ? d : update(d))),
    dirty,
    problem,
    stale,
    busy,
    saveDraft: () =>
      entry && draft !== null
        ? run("save", () => options.save(entry.version, draft), `${options.what} saved as a draft`)
        : undefined,
    publish: () =>
      entry && draft !== null
        ? run(
            "publish",
            async () => {
              let version = entry.version;
              if (dirty || entry.id === null) {
                const saved = await options.save(version, draft);
                adopt(saved);
                version = saved.version;
              }
              return options.publish(version);
            },
            `${options.what} published`,
          )
        : undefined,
    unpublish: () =>
      entry
        ? run("unpublish", () => options.unpublish(entry.version), `${options.what} unpublished`)
        : undefined,
    reload: async () => {
      adopt(await options.load());
    },
  };
}
