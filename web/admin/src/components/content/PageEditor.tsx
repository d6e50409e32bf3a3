import { isApiError } from "@bazaar/sdk";
import {
  Button,
  ConfirmDialog,
  Field,
  ProblemForm,
  problemFieldError,
  Section,
  TextAreaField,
  useToast,
} from "@bazaar/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { contentApi, type PageEntry, type PageInput } from "../../routes/content.api";
import { PageHeading } from "../PageHeading";
import { RichTextField } from "../product-editor/rich-text";
import { QueryState } from "../QueryError";
import { PublicationLine, StaleAlert, useLeaveWarning } from "./editor-state";
import { pagesKey } from "./PagesList";
import { ContentTabs } from "./tabs";

/** "Shipping & Returns!" -> "shipping-returns". */
function slugOf(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 200);
}

const emptyPage: PageInput = { slug: "", title: "", body: "", metaTitle: "", metaDescription: "" };

function inputOf(entry: PageEntry): PageInput {
  return { slug: entry.slug ?? "", ...entry.draft };
}

type Busy = "save" | "publish" | "unpublish" | null;

/**
 * A page's editor (new at /content/pages/new): title, URL, rich-text body and SEO texts, saved as a
 * draft with the version read (If-Match), published, unpublished or deleted; links to view it in the
 * store (published) or preview the draft.
 */
export function PageEditor() {
  const { id } = useParams();
  const isNew = id === undefined;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const key = [...pagesKey, "detail", id];
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => contentApi.page(id!, signal),
    enabled: !isNew,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [entry, setEntry] = useState<PageEntry | null>(null);
  const [draft, setDraft] = useState<PageInput | null>(isNew ? emptyPage : null);
  const [baseline, setBaseline] = useState(JSON.stringify(emptyPage));
  const [slugTouched, setSlugTouched] = useState(!isNew);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (!query.data) return;
    setEntry(query.data);
    setDraft(inputOf(query.data));
    setBaseline(JSON.stringify(inputOf(query.data)));
    setProblem(null);
    setStale(false);
  }, [query.data]);
  const dirty = draft !== null && JSON.stringify(draft) !== baseline;
  useLeaveWarning(dirty);

  if (!draft)
    return (
      <>
        <PageHeading title="Page" />
        <ContentTabs />
        <QueryState query={query} label="the page" />
      </>
    );

  const set = <K extends keyof PageInput>(field: K, value: PageInput[K]) =>
    setDraft((d) => (d ? { ...d, [field]: value } : d));
  const adopt = (saved: PageEntry) => {
    queryClient.setQueryData([...pagesKey, "detail", saved.id], saved);
    void queryClient.invalidateQueries({ queryKey: [...pagesKey], exact: false, refetchType: "none" });
  };
  const run = async (kind: Exclude<Busy, null>, action: () => Promise<PageEntry>, done: string) => {
    setBusy(kind);
    setProblem(null);
    try {
      const saved = await action();
      adopt(saved);
      toast.success(done, saved.draft.title);
      if (isNew) {
        setBaseline(JSON.stringify(inputOf(saved)));
        navigate(`/content/pages/${encodeURIComponent(saved.id!)}`, { replace: true });
      }
    } catch (error) {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
      else setProblem(error);
    } finally {
      setBusy(null);
    }
  };
  /** Saves what is on screen (creating the page when new); answers the saved page. */
  const saveNow = async (): Promise<PageEntry> => {
    if (!entry) return contentApi.createPage(draft);
    if (!dirty) return entry;
    const saved = await contentApi.savePage(entry.id!, entry.version, draft);
    adopt(saved);
    return saved;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run("save", saveNow, "Page saved as a draft");
  };
  const publish = () =>
    run(
      "publish",
      async () => {
        const saved = await saveNow();
        return contentApi.publishPage(saved.id!, saved.version);
      },
      "Page published",
    );
  const unpublish = () =>
    run("unpublish", () => contentApi.unpublishPage(entry!.id!, entry!.version), "Page unpublished");
  const reload = async () => {
    queryClient.setQueryData(key, await contentApi.page(id!));
  };

  const savedSlug = entry?.slug ?? null;
  return (
    <>
      <PageHeading title={isNew ? "New page" : entry?.draft.title || "Page"} />
      <ContentTabs />
      <p className="mb-4 text-sm">
        <Link to="/content" className="text-accent-800 underline">
          ← All pages
        </Link>
      </p>
      {stale && <StaleAlert what="page" onReload={() => void reload()} />}
      <ProblemForm problem={problem} onSubmit={submit} className="space-y-6 pb-8">
        {entry && (
          <Section title="Publication">
            <PublicationLine entry={entry} />
            <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">
              {entry.published && savedSlug && (
                <a
                  href={`/pages/${savedSlug}`}
                  target="_blank"
                  rel="noreferrer"
                  className="text-accent-800 underline"
                >
                  View in store<span className="sr-only"> (opens in a new tab)</span>
                </a>
              )}
              {savedSlug && (
                <a
                  href={`/pages/${savedSlug}?preview=1`}
                  target="_blank"
                  rel="noreferrer"
                  className="text-accent-800 underline"
                >
                  Preview the saved draft<span className="sr-only"> (opens in a new tab)</span>
                </a>
              )}
            </p>
            {dirty && <p className="mt-2 text-sm font-medium text-amber-900">You have unsaved changes.</p>}
          </Section>
        )}
        <Section title="Page">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Title"
              name="title"
              value={draft.title}
              required
              maxLength={200}
              onChange={(e) => {
                const title = e.currentTarget.value;
                setDraft((d) => (d ? { ...d, title, ...(slugTouched ? {} : { slug: slugOf(title) }) } : d));
              }}
            />
            <Field
              label="URL slug"
              name="slug"
              value={draft.slug}
              required
              maxLength={200}
              pattern="[a-z0-9][a-z0-9\-]*"
              hint={`The page's address: /pages/${draft.slug || "…"} (lower-case letters, digits, hyphens).`}
              onChange={(e) => {
                setSlugTouched(true);
                set("slug", e.currentTarget.value);
              }}
            />
          </div>
          <div className="mt-4">
            <RichTextField
              label="Body"
              value={draft.body ?? ""}
              error={problemFieldError(problem, "body")}
              onChange={(body) => set("body", body)}
            />
          </div>
        </Section>
        <Section title="Search engines" description="Empty: the title, and the body's first words.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Meta title"
              name="metaTitle"
              value={draft.metaTitle ?? ""}
              maxLength={255}
              onChange={(e) => set("metaTitle", e.currentTarget.value)}
            />
            <TextAreaField
              label="Meta description"
              name="metaDescription"
              value={draft.metaDescription ?? ""}
              maxLength={1000}
              onChange={(e) => set("metaDescription", e.currentTarget.value)}
            />
          </div>
        </Section>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="secondary" pending={busy === "save"}>
            Save draft
          </Button>
          <Button onClick={() => void publish()} pending={busy === "publish"}>
            Publish
          </Button>
          {entry?.published && (
            <Button variant="ghost" onClick={() => void unpublish()} pending={busy === "unpublish"}>
              Unpublish
            </Button>
          )}
          {entry && (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          )}
        </div>
      </ProblemForm>
      {entry && (
        <ConfirmDialog
          isOpen={confirmDelete}
          onOpenChange={setConfirmDelete}
          title={`Delete "${entry.draft.title}"?`}
          tone="danger"
          confirmLabel="Delete page"
          onConfirm={async () => {
            await contentApi.deletePage(entry.id!, entry.version);
            void queryClient.invalidateQueries({ queryKey: [...pagesKey] });
            toast.success("Page deleted", entry.draft.title);
            navigate("/content");
          }}
        >
          {entry.published
            ? `Shoppers will no longer find it at /pages/${entry.slug}. This cannot be undone.`
            : "Its draft will be gone. This cannot be undone."}
        </ConfirmDialog>
      )}
    </>
  );
}
