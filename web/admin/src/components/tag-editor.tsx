import { Button, Field } from "@bazaar/ui";
import { type FormEvent, useId, useState } from "react";

/** A tag as the server will store it: trimmed, inner spaces made one, lower case. */
export function normaliseTag(raw: string): string {
  return raw.trim().replace(/\s+/g, " ").toLowerCase();
}

/** Tags as small pills (read-only), e.g. in a list row. */
export function TagList({ tags, label = "Tags" }: { tags: string[]; label?: string }) {
  if (tags.length === 0) return null;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-1">
      {tags.map((tag) => (
        <li
          key={tag}
          className="rounded-full bg-neutral-100 px-2 py-0.5 text-xs text-neutral-800 ring-1 ring-inset ring-neutral-300"
        >
          {tag}
        </li>
      ))}
    </ul>
  );
}

/**
 * Staff tags as removable chips with an input to add one (suggestions from the tags in use). The
 * parent saves: `onAdd` / `onRemove` get the normalised tag. Without `canEdit` the tags are only shown.
 */
export function TagEditor({
  tags,
  suggestions = [],
  canEdit,
  pending = false,
  error,
  onAdd,
  onRemove,
  subject,
}: {
  tags: string[];
  suggestions?: string[];
  canEdit: boolean;
  pending?: boolean;
  /** The server's message about the tag just sent (shown under the input). */
  error?: string;
  onAdd: (tag: string) => void;
  onRemove: (tag: string) => void;
  /** What is tagged, for labels: "order #100042", "Ada Byron". */
  subject: string;
}) {
  const [draft, setDraft] = useState("");
  const listId = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const tag = normaliseTag(draft);
    if (!tag) return;
    if (!tags.includes(tag)) onAdd(tag);
    setDraft("");
  };
  const offered = suggestions.filter((s) => !tags.includes(s)).slice(0, 50);
  return (
    <div className="space-y-3">
      {tags.length === 0 ? (
        <p className="text-sm text-neutral-600">No tags.</p>
      ) : (
        <ul aria-label={`Tags of ${subject}`} className="flex flex-wrap gap-2" data-testid="tag-chips">
          {tags.map((tag) => (
            <li
              key={tag}
              className="inline-flex items-center gap-1 rounded-full bg-accent-50 py-0.5 pl-3 pr-1 text-sm text-accent-900 ring-1 ring-inset ring-accent-200"
            >
              <span>{tag}</span>
              {canEdit && (
                <button
                  type="button"
                  disabled={pending}
                  onClick={() => onRemove(tag)}
                  className="inline-flex size-6 items-center justify-center rounded-full text-accent-900 hover:bg-accent-100 focus-visible:outline-2 focus-visible:outline-accent-600 disabled:opacity-50"
                >
                  <span aria-hidden="true">×</span>
                  <span className="sr-only">Remove tag {tag}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form onSubmit={submit} className="flex flex-wrap items-start gap-2" aria-label={`Tag ${subject}`}>
          <Field
            label="Add a tag"
            name="tag"
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            list={offered.length ? listId : undefined}
            maxLength={40}
            autoComplete="off"
            hint='Letters, digits, spaces, "-" and "_"; saved in lower case.'
            error={error}
            className="w-full max-w-xs"
          />
          {offered.length > 0 && (
            <datalist id={listId}>
              {offered.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          )}
          <Button
            type="submit"
            variant="secondary"
            pending={pending}
            disabled={!normaliseTag(draft)}
            className="mt-6"
          >
            Add tag
          </Button>
        </form>
      )}
    </div>
  );
}
