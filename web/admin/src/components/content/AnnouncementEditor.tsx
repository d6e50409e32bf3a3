import { Button, Checkbox, Field, ProblemForm, Section, SelectField } from "@bazaar/ui";
import type { FormEvent } from "react";
import { type AnnouncementContent, type AnnouncementEntry, contentApi } from "../../routes/content.api";
import { PageHeading } from "../PageHeading";
import { QueryState } from "../QueryError";
import { PublicationLine, StaleAlert, useEntryEditor } from "./editor-state";
import { ContentTabs } from "./tabs";

const tones: { value: AnnouncementContent["tone"]; label: string }[] = [
  { value: "info", label: "Information (dark)" },
  { value: "promo", label: "Promotion (brand colour)" },
  { value: "success", label: "Good news (green)" },
  { value: "warning", label: "Warning (amber)" },
];

/** The store-wide announcement bar: its text, link, colour and whether it shows. */
export function AnnouncementEditor() {
  const editor = useEntryEditor<AnnouncementContent, AnnouncementEntry>({
    queryKey: ["admin", "content", "announcement"],
    what: "Announcement bar",
    load: contentApi.announcement,
    save: contentApi.saveAnnouncement,
    publish: contentApi.publishAnnouncement,
    unpublish: contentApi.unpublishAnnouncement,
  });
  const { entry, draft } = editor;
  const heading = (
    <>
      <PageHeading title="Content" intro="A one-line message at the top of every page of the store." />
      <ContentTabs />
    </>
  );
  if (!entry || !draft)
    return (
      <>
        {heading}
        <QueryState query={editor.query} label="the announcement bar" />
      </>
    );
  const set = <K extends keyof AnnouncementContent>(key: K, value: AnnouncementContent[K]) =>
    editor.setDraft((d) => ({ ...d, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void editor.saveDraft();
  };
  return (
    <>
      {heading}
      {editor.stale && <StaleAlert what="announcement bar" onReload={() => void editor.reload()} />}
      <Section title="Announcement bar">
        <PublicationLine entry={entry} />
        <ProblemForm problem={editor.problem} onSubmit={submit} className="mt-4 space-y-4">
          <Checkbox
            label="Show the bar"
            name="enabled"
            checked={draft.enabled}
            hint="Shoppers see it once published while this is ticked."
            onChange={(e) => set("enabled", e.currentTarget.checked)}
          />
          <Field
            label="Text"
            name="text"
            value={draft.text}
            maxLength={300}
            placeholder="Free shipping on orders over $50"
            onChange={(e) => set("text", e.currentTarget.value)}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Link URL"
              name="linkUrl"
              value={draft.linkUrl ?? ""}
              maxLength={2048}
              placeholder="/pages/shipping"
              hint="Optional: the text becomes a link."
              onChange={(e) => set("linkUrl", e.currentTarget.value)}
            />
            <SelectField
              label="Colour"
              name="tone"
              value={draft.tone}
              options={tones}
              onChange={(e) => set("tone", e.currentTarget.value as AnnouncementContent["tone"])}
            />
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" variant="secondary" pending={editor.busy === "save"}>
              Save draft
            </Button>
            <Button onClick={() => void editor.publish()} pending={editor.busy === "publish"}>
              Publish
            </Button>
            {entry.published && (
              <Button
                variant="ghost"
                onClick={() => void editor.unpublish()}
                pending={editor.busy === "unpublish"}
              >
                Unpublish
              </Button>
            )}
            {editor.dirty && <span className="text-sm font-medium text-amber-900">Unsaved changes</span>}
          </div>
        </ProblemForm>
      </Section>
    </>
  );
}
