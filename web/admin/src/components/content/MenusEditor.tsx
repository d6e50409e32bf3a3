import { Button, Field, ProblemForm, Section } from "@bazaar/ui";
import type { FormEvent } from "react";
import { contentApi, type MenuContent, type MenuEntry, type MenuName } from "../../routes/content.api";
import { PageHeading } from "../PageHeading";
import { QueryState } from "../QueryError";
import { PublicationLine, StaleAlert, useEntryEditor } from "./editor-state";
import { ContentTabs } from "./tabs";

type Item = MenuContent["items"][number];
type Link = { label: string; url: string };

function moved<T>(list: T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/** The main menu and the footer links, each edited, saved and published on its own. */
export function MenusEditor() {
  return (
    <>
      <PageHeading
        title="Content"
        intro="The header's main menu and the footer's links. Without a published main menu, the header shows the categories."
      />
      <ContentTabs />
      <div className="space-y-8">
        <MenuEditor
          name="main"
          title="Main menu"
          description="The header's links, each with an optional dropdown of links."
        />
        <MenuEditor
          name="footer"
          title="Footer links"
          description="Links at the bottom of every page; a link with sub-links heads a column."
        />
      </div>
    </>
  );
}

function MenuEditor({ name, title, description }: { name: MenuName; title: string; description: string }) {
  const editor = useEntryEditor<MenuContent, MenuEntry>({
    queryKey: ["admin", "content", "menu", name],
    what: title,
    load: (signal) => contentApi.menu(name, signal),
    save: (version, draft) => contentApi.saveMenu(name, version, draft),
    publish: (version) => contentApi.publishMenu(name, version),
    unpublish: (version) => contentApi.unpublishMenu(name, version),
  });
  const { entry, draft } = editor;
  if (!entry || !draft)
    return (
      <Section title={title}>
        <QueryState query={editor.query} label={title.toLowerCase()} />
      </Section>
    );
  const items = draft.items;
  const setItems = (update: (items: Item[]) => Item[]) =>
    editor.setDraft((d) => ({ ...d, items: update(d.items) }));
  const setItem = (index: number, item: Item) =>
    setItems((list) => list.map((x, i) => (i === index ? item : x)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void editor.saveDraft();
  };
  return (
    <Section title={title} description={description}>
      {editor.stale && <StaleAlert what={title.toLowerCase()} onReload={() => void editor.reload()} />}
      <PublicationLine entry={entry} />
      <ProblemForm problem={editor.problem} onSubmit={submit} className="mt-4 space-y-4">
        {items.length === 0 && <p className="text-sm text-neutral-600">No links yet.</p>}
        <ol className="space-y-3">
          {items.map((item, i) => {
            const group = `${title}, link ${i + 1}`;
            const children = item.children ?? [];
            const setChildren = (next: Link[]) =>
              setItem(i, next.length ? { ...item, children: next } : { label: item.label, url: item.url });
            return (
              <li key={i}>
                <fieldset className="min-w-0 rounded-lg border border-neutral-200 p-3">
                  <legend className="px-1 text-sm font-semibold text-neutral-900">Link {i + 1}</legend>
                  <LinkFields
                    prefix={`items.${i}`}
                    link={item}
                    onChange={(link) => setItem(i, { ...item, ...link })}
                  />
                  <div className="mt-2 flex flex-wrap gap-1">
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={i === 0}
                      onClick={() => setItems((l) => moved(l, i, i - 1))}
                    >
                      <span aria-hidden="true">↑</span> Move up<span className="sr-only"> ({group})</span>
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      disabled={i === items.length - 1}
                      onClick={() => setItems((l) => moved(l, i, i + 1))}
                    >
                      <span aria-hidden="true">↓</span> Move down<span className="sr-only"> ({group})</span>
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setItems((l) => l.filter((_, x) => x !== i))}
                    >
                      Remove<span className="sr-only"> {group}</span>
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setChildren([...children, { label: "", url: "" }])}
                    >
                      Add sub-link<span className="sr-only"> to {group}</span>
                    </Button>
                  </div>
                  {children.length > 0 && (
                    <ol
                      className="mt-3 space-y-2 border-l-2 border-neutral-200 pl-3"
                      aria-label={`Sub-links of link ${i + 1}`}
                    >
                      {children.map((child, j) => (
                        <li key={j} className="rounded-md bg-neutral-50 p-2">
                          <LinkFields
                            prefix={`items.${i}.children.${j}`}
                            link={child}
                            onChange={(link) => setChildren(children.map((c, x) => (x === j ? link : c)))}
                          />
                          <div className="mt-1 flex flex-wrap gap-1">
                            <Button
                              size="sm"
                              variant="ghost"
                              disabled={j === 0}
                              onClick={() => setChildren(moved(children, j, j - 1))}
                            >
                              <span aria-hidden="true">↑</span> Move up
                              <span className="sr-only">
                                {" "}
                                (sub-link {j + 1} of link {i + 1})
                              </span>
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              disabled={j === children.length - 1}
                              onClick={() => setChildren(moved(children, j, j + 1))}
                            >
                              <span aria-hidden="true">↓</span> Move down
                              <span className="sr-only">
                                {" "}
                                (sub-link {j + 1} of link {i + 1})
                              </span>
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              onClick={() => setChildren(children.filter((_, x) => x !== j))}
                            >
                              Remove
                              <span className="sr-only">
                                {" "}
                                sub-link {j + 1} of link {i + 1}
                              </span>
                            </Button>
                          </div>
                        </li>
                      ))}
                    </ol>
                  )}
                </fieldset>
              </li>
            );
          })}
        </ol>
        <div className="flex flex-wrap items-center gap-3">
          <Button variant="secondary" onClick={() => setItems((l) => [...l, { label: "", url: "" }])}>
            Add link<span className="sr-only"> to the {title.toLowerCase()}</span>
          </Button>
          <Button type="submit" variant="secondary" pending={editor.busy === "save"}>
            Save draft<span className="sr-only"> of the {title.toLowerCase()}</span>
          </Button>
          <Button onClick={() => void editor.publish()} pending={editor.busy === "publish"}>
            Publish<span className="sr-only"> the {title.toLowerCase()}</span>
          </Button>
          {entry.published && (
            <Button
              variant="ghost"
              onClick={() => void editor.unpublish()}
              pending={editor.busy === "unpublish"}
            >
              Unpublish<span className="sr-only"> the {title.toLowerCase()}</span>
            </Button>
          )}
          {editor.dirty && <span className="text-sm font-medium text-amber-900">Unsaved changes</span>}
        </div>
      </ProblemForm>
    </Section>
  );
}

function LinkFields({
  prefix,
  link,
  onChange,
}: {
  prefix: string;
  link: Link;
  onChange: (link: Link) => void;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field
        label="Label"
        name={`${prefix}.label`}
        value={link.label}
        required
        maxLength={100}
        onChange={(e) => onChange({ ...link, label: e.currentTarget.value })}
      />
      <Field
        label="URL"
        name={`${prefix}.url`}
        value={link.url}
        required
        maxLength={2048}
        placeholder="/pages/about-us"
        onChange={(e) => onChange({ ...link, url: e.currentTarget.value })}
      />
    </div>
  );
}
