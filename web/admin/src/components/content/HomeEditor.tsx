import { errorMessage } from "@bazaar/sdk";
import {
  Button,
  Field,
  ProblemForm,
  problemFieldError,
  Section,
  SelectField,
  TextAreaField,
} from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useCan } from "../../queries";
import { contentApi, type HomeContent, type HomeEntry, type HomeSection } from "../../routes/content.api";
import { productsApi, type StaffCategory } from "../../routes/products.api";
import { PageHeading } from "../PageHeading";
import { ProductPicker, type ProductRef } from "../product-editor/pickers";
import { RichTextField } from "../product-editor/rich-text";
import { QueryState } from "../QueryError";
import { PublicationLine, StaleAlert, useEntryEditor } from "./editor-state";
import { ContentTabs } from "./tabs";

type Hero = HomeSection & { type: "hero" };
type Tiles = HomeSection & { type: "featured_categories" };
type Carousel = HomeSection & { type: "product_carousel" };
type SectionType = HomeSection["type"];

const sectionNames: Record<SectionType, string> = {
  hero: "Hero banner",
  featured_categories: "Featured categories",
  product_carousel: "Product row",
  rich_text: "Text",
};

const sourceNames: Record<Carousel["source"], string> = {
  new: "New arrivals (newest first)",
  bestsellers: "Best sellers (most ordered lately)",
  category: "A category's products",
  products: "Products I choose",
};

function newSection(type: SectionType): HomeSection {
  switch (type) {
    case "hero":
      return { type, heading: "", text: "", imageId: null, linkUrl: "", linkLabel: "" };
    case "featured_categories":
      return { type, heading: "Shop by category", categoryIds: [] };
    case "product_carousel":
      return { type, heading: "New arrivals", source: "new", categoryId: null, productIds: [], limit: 8 };
    default:
      return { type: "rich_text", body: "" };
  }
}

/** "Women › Tops › Jackets" for each category, in tree order. */
function categoryPaths(categories: StaffCategory[]): Map<string, string> {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const paths = new Map<string, string>();
  for (const c of categories) {
    const names = [c.name];
    let parent = c.parentId;
    for (let depth = 0; parent && depth < 20; depth++) {
      const p = byId.get(parent);
      if (!p) break;
      names.unshift(p.name);
      parent = p.parentId;
    }
    paths.set(c.id, `${names.join(" › ")}${c.isActive ? "" : " (inactive)"}`);
  }
  return paths;
}

/**
 * The home page editor: its sections top to bottom (hero banners with an uploaded image and a link,
 * category tiles, product rows, text), added, removed and reordered; saved as a draft, previewed,
 * published. Shoppers see the store's default sections until a home page is published.
 */
export function HomeEditor() {
  const editor = useEntryEditor<HomeContent, HomeEntry>({
    queryKey: ["admin", "content", "home"],
    what: "Home page",
    load: contentApi.home,
    save: contentApi.saveHome,
    publish: contentApi.publishHome,
    unpublish: contentApi.unpublishHome,
  });
  const canReadCatalog = useCan("catalog:read");
  const categories = useQuery({
    queryKey: ["admin", "categories"],
    queryFn: ({ signal }) => productsApi.categories(signal),
    enabled: canReadCatalog,
  });
  const [imageUrls, setImageUrls] = useState<Record<string, string>>({});
  useEffect(() => {
    if (editor.entry) setImageUrls((urls) => ({ ...urls, ...editor.entry!.imageUrls }));
  }, [editor.entry]);
  const [addType, setAddType] = useState<SectionType>("hero");
  const { entry, draft } = editor;

  if (!entry || !draft)
    return (
      <>
        <PageHeading title="Content" />
        <ContentTabs />
        <QueryState query={editor.query} label="the home page" />
      </>
    );

  const sections = draft.sections;
  const setSections = (update: (sections: HomeSection[]) => HomeSection[]) =>
    editor.setDraft((d) => ({ ...d, sections: update(d.sections) }));
  const update = (index: number, section: HomeSection) =>
    setSections((list) => list.map((s, i) => (i === index ? section : s)));
  const move = (from: number, to: number) =>
    setSections((list) => {
      const next = [...list];
      const [item] = next.splice(from, 1);
      next.splice(to, 0, item!);
      return next;
    });
  const paths = categoryPaths(categories.data ?? []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void editor.saveDraft();
  };

  return (
    <>
      <PageHeading
        title="Content"
        intro="The home page: banners, category tiles, product rows and text. Save a draft, preview it, then publish."
      />
      <ContentTabs />
      {editor.stale && <StaleAlert what="home page" onReload={() => void editor.reload()} />}
      <ProblemForm problem={editor.problem} onSubmit={submit} className="space-y-6 pb-8">
        <Section
          title="Home page"
          description={
            entry.id === null
              ? "Not published yet: shoppers see the store's default home page (these sections)."
              : undefined
          }
        >
          <PublicationLine entry={entry} />
          {editor.dirty && (
            <p className="mt-2 text-sm font-medium text-amber-900">You have unsaved changes.</p>
          )}
        </Section>

        <Section title={`Sections (${sections.length})`} description="Top to bottom, as shoppers see them.">
          {sections.length === 0 && <p className="text-sm text-neutral-600">No sections yet.</p>}
          <ol className="space-y-4">
            {sections.map((section, index) => (
              <li key={`${index}-${section.type}`}>
                <SectionCard
                  index={index}
                  count={sections.length}
                  section={section}
                  onMove={(to) => move(index, to)}
                  onRemove={() => setSections((list) => list.filter((_, i) => i !== index))}
                >
                  {section.type === "hero" && (
                    <HeroFields
                      index={index}
                      hero={section}
                      onChange={(s) => update(index, s)}
                      imageUrls={imageUrls}
                      onUploaded={(id, url) => setImageUrls((urls) => ({ ...urls, [id]: url }))}
                    />
                  )}
                  {section.type === "featured_categories" && (
                    <TilesFields
                      index={index}
                      section={section}
                      onChange={(s) => update(index, s)}
                      paths={paths}
                      categories={categories}
                      canRead={canReadCatalog}
                    />
                  )}
                  {section.type === "product_carousel" && (
                    <CarouselFields
                      index={index}
                      section={section}
                      onChange={(s) => update(index, s)}
                      paths={paths}
                      canRead={canReadCatalog}
                    />
                  )}
                  {section.type === "rich_text" && (
                    <RichTextField
                      label="Text"
                      value={section.body}
                      error={problemFieldError(editor.problem, `sections.${index}.body`)}
                      onChange={(body) => update(index, { ...section, body })}
                    />
                  )}
                </SectionCard>
              </li>
            ))}
          </ol>
          <div className="mt-4 flex flex-wrap items-end gap-3">
            <SelectField
              label="New section"
              value={addType}
              onChange={(e) => setAddType(e.currentTarget.value as SectionType)}
              options={Object.entries(sectionNames).map(([value, label]) => ({ value, label }))}
            />
            <Button variant="secondary" onClick={() => setSections((list) => [...list, newSection(addType)])}>
              Add section
            </Button>
          </div>
        </Section>

        <Section
          title="Search engines"
          description="Title and description of the home page in search results."
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Meta title"
              name="metaTitle"
              value={draft.metaTitle}
              maxLength={255}
              hint="Empty: the store's name."
              onChange={(e) => {
                const metaTitle = e.currentTarget.value;
                editor.setDraft((d) => ({ ...d, metaTitle }));
              }}
            />
            <TextAreaField
              label="Meta description"
              name="metaDescription"
              value={draft.metaDescription}
              maxLength={1000}
              onChange={(e) => {
                const metaDescription = e.currentTarget.value;
                editor.setDraft((d) => ({ ...d, metaDescription }));
              }}
            />
          </div>
        </Section>

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
              Unpublish (show the default home page)
            </Button>
          )}
          <a
            href="/?preview=1"
            target="_blank"
            rel="noreferrer"
            className="text-sm text-accent-800 underline"
          >
            Preview the saved draft<span className="sr-only"> (opens in a new tab)</span>
          </a>
          <a href="/" target="_blank" rel="noreferrer" className="text-sm text-accent-800 underline">
            View the store's home page<span className="sr-only"> (opens in a new tab)</span>
          </a>
        </div>
      </ProblemForm>
    </>
  );
}

/** One section: a group named by its number and type, with move and remove buttons. */
function SectionCard({
  index,
  count,
  section,
  onMove,
  onRemove,
  children,
}: {
  index: number;
  count: number;
  section: HomeSection;
  onMove: (to: number) => void;
  onRemove: () => void;
  children: React.ReactNode;
}) {
  const name = `Section ${index + 1}: ${sectionNames[section.type]}`;
  return (
    <fieldset className="min-w-0 rounded-lg border border-neutral-200 p-4">
      <legend className="px-1 text-sm font-semibold text-neutral-900">{name}</legend>
      <div className="mb-3 flex flex-wrap gap-1">
        <Button size="sm" variant="ghost" disabled={index === 0} onClick={() => onMove(index - 1)}>
          <span aria-hidden="true">↑</span> Move up<span className="sr-only"> ({name})</span>
        </Button>
        <Button size="sm" variant="ghost" disabled={index === count - 1} onClick={() => onMove(index + 1)}>
          <span aria-hidden="true">↓</span> Move down<span className="sr-only"> ({name})</span>
        </Button>
        <Button size="sm" variant="ghost" onClick={onRemove}>
          Remove<span className="sr-only"> {name}</span>
        </Button>
      </div>
      {children}
    </fieldset>
  );
}

const imageTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];

function HeroFields({
  index,
  hero,
  onChange,
  imageUrls,
  onUploaded,
}: {
  index: number;
  hero: Hero;
  onChange: (hero: Hero) => void;
  imageUrls: Record<string, string>;
  onUploaded: (id: string, url: string) => void;
}) {
  const inputId = useId();
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(hero);
  latest.current = hero;
  const name = (field: string) => `sections.${index}.${field}`;
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (!imageTypes.includes(file.type)) {
      setError(`${file.name}: not a JPEG, PNG, WebP, GIF or AVIF image`);
      return;
    }
    setUploading(true);
    try {
      const image = await contentApi.uploadImage(file, latest.current.heading);
      onUploaded(image.id, image.thumbnailUrl);
      onChange({ ...latest.current, imageId: image.id });
    } catch (e) {
      setError(`${file.name}: ${errorMessage(e)}`);
    } finally {
      setUploading(false);
    }
  };
  const thumbnail = hero.imageId ? imageUrls[hero.imageId] : undefined;
  return (
    <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
      <div className="space-y-4">
        <Field
          label="Heading"
          name={name("heading")}
          value={hero.heading}
          required
          maxLength={200}
          onChange={(e) => onChange({ ...hero, heading: e.currentTarget.value })}
        />
        <TextAreaField
          label="Text"
          name={name("text")}
          value={hero.text}
          maxLength={1000}
          hint="A sentence under the heading (optional)."
          onChange={(e) => onChange({ ...hero, text: e.currentTarget.value })}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Link URL"
            name={name("linkUrl")}
            value={hero.linkUrl}
            maxLength={2048}
            placeholder="/categories/women"
            hint="A page of the shop (starting with /) or an https:// address."
            onChange={(e) => onChange({ ...hero, linkUrl: e.currentTarget.value })}
          />
          <Field
            label="Button text"
            name={name("linkLabel")}
            value={hero.linkLabel}
            maxLength={100}
            placeholder="Shop now"
            onChange={(e) => onChange({ ...hero, linkLabel: e.currentTarget.value })}
          />
        </div>
      </div>
      <div>
        <p className="text-sm font-medium text-neutral-900">Banner image</p>
        {thumbnail ? (
          <img
            src={thumbnail}
            alt={hero.heading ? `Banner: ${hero.heading}` : "Current banner"}
            className="mt-1 aspect-[1080/560] w-full rounded-lg bg-neutral-100 object-cover"
          />
        ) : (
          <p className="mt-1 text-sm text-neutral-600">{hero.imageId ? "Image chosen." : "No image."}</p>
        )}
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <label
            htmlFor={inputId}
            className="cursor-pointer rounded-lg border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-50 focus-within:outline-2 focus-within:outline-accent-600"
          >
            {hero.imageId ? "Replace image" : "Upload image"}
            <input
              id={inputId}
              type="file"
              accept={imageTypes.join(",")}
              className="sr-only"
              aria-describedby={`${inputId}-hint`}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                e.currentTarget.value = "";
                void upload(file);
              }}
            />
          </label>
          {hero.imageId && (
            <Button size="sm" variant="ghost" onClick={() => onChange({ ...hero, imageId: null })}>
              Remove image
            </Button>
          )}
        </div>
        <p id={`${inputId}-hint`} className="mt-1 text-xs text-neutral-600">
          JPEG, PNG, WebP, GIF or AVIF, up to 20 MB; wide pictures work best.
        </p>
        <p role="status" className="mt-1 text-sm text-neutral-700">
          {uploading ? "Uploading the image…" : ""}
        </p>
        {error && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

function TilesFields({
  index,
  section,
  onChange,
  paths,
  categories,
  canRead,
}: {
  index: number;
  section: Tiles;
  onChange: (section: Tiles) => void;
  paths: Map<string, string>;
  categories: { isPending: boolean; error: unknown };
  canRead: boolean;
}) {
  const listId = useId();
  const ids = section.categoryIds;
  const move = (from: number, to: number) => {
    const next = [...ids];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange({ ...section, categoryIds: next });
  };
  const label = (id: string) => paths.get(id) ?? id;
  return (
    <div className="space-y-4">
      <Field
        label="Heading"
        name={`sections.${index}.heading`}
        value={section.heading}
        maxLength={200}
        onChange={(e) => onChange({ ...section, heading: e.currentTarget.value })}
      />
      <div>
        <p id={listId} className="text-sm font-medium text-neutral-900">
          Categories, in order
        </p>
        {ids.length === 0 ? (
          <p className="mt-1 text-sm text-neutral-600">None yet.</p>
        ) : (
          <ol
            aria-labelledby={listId}
            className="mt-2 divide-y divide-neutral-100 rounded-lg border border-neutral-200"
          >
            {ids.map((id, i) => (
              <li key={id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-1.5 text-sm">
                <span>{label(id)}</span>
                <span className="flex gap-1">
                  <Button size="sm" variant="ghost" disabled={i === 0} onClick={() => move(i, i - 1)}>
                    <span aria-hidden="true">↑</span>
                    <span className="sr-only">Move {label(id)} up</span>
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={i === ids.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    <span aria-hidden="true">↓</span>
                    <span className="sr-only">Move {label(id)} down</span>
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => onChange({ ...section, categoryIds: ids.filter((c) => c !== id) })}
                  >
                    Remove<span className="sr-only"> {label(id)}</span>
                  </Button>
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
      {canRead ? (
        <>
          <QueryState query={categories} label="the categories" />
          <SelectField
            label="Add a category"
            name={`sections.${index}.categoryIds`}
            value=""
            placeholder="Choose a category…"
            options={[...paths]
              .filter(([id]) => !ids.includes(id))
              .map(([value, label]) => ({ value, label }))}
            onChange={(e) => {
              const id = e.currentTarget.value;
              if (id) onChange({ ...section, categoryIds: [...ids, id] });
            }}
          />
        </>
      ) : (
        <p className="text-sm text-neutral-600">Choosing categories needs the catalog:read permission.</p>
      )}
    </div>
  );
}

function CarouselFields({
  index,
  section,
  onChange,
  paths,
  canRead,
}: {
  index: number;
  section: Carousel;
  onChange: (section: Carousel) => void;
  paths: Map<string, string>;
  canRead: boolean;
}) {
  const ids = section.productIds ?? [];
  // Names of the products already chosen (the store's summaries; the picker adds its own).
  const named = useQuery({
    queryKey: ["admin", "content", "product-names", ids],
    queryFn: ({ signal }) => contentApi.productNames(ids, signal),
    enabled: section.source === "products" && ids.length > 0,
    staleTime: 60_000,
  });
  const [known, setKnown] = useState<Record<string, ProductRef>>({});
  useEffect(() => {
    if (named.data)
      setKnown((k) => ({
        ...k,
        ...Object.fromEntries(named.data.map((p) => [p.id, { id: p.id, sku: "", name: p.name }])),
      }));
  }, [named.data]);
  const refs: ProductRef[] = ids.map((id) => known[id] ?? { id, sku: "", name: id });
  const name = (field: string) => `sections.${index}.${field}`;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Heading"
          name={name("heading")}
          value={section.heading}
          maxLength={200}
          className="sm:col-span-2"
          onChange={(e) => onChange({ ...section, heading: e.currentTarget.value })}
        />
        <Field
          label="At most"
          name={name("limit")}
          type="number"
          min={1}
          max={24}
          value={section.limit}
          hint="Products in the row, 1 to 24."
          onChange={(e) => onChange({ ...section, limit: Number(e.currentTarget.value) || 1 })}
        />
      </div>
      <SelectField
        label="Products"
        name={name("source")}
        value={section.source}
        options={Object.entries(sourceNames).map(([value, label]) => ({ value, label }))}
        onChange={(e) => onChange({ ...section, source: e.currentTarget.value as Carousel["source"] })}
      />
      {section.source === "category" &&
        (canRead ? (
          <SelectField
            label="Category"
            name={name("categoryId")}
            value={section.categoryId ?? ""}
            placeholder="Choose a category…"
            options={[...paths].map(([value, label]) => ({ value, label }))}
            onChange={(e) => onChange({ ...section, categoryId: e.currentTarget.value || null })}
          />
        ) : (
          <p className="text-sm text-neutral-600">Choosing a category needs the catalog:read permission.</p>
        ))}
      {section.source === "products" &&
        (canRead ? (
          <ProductPicker
            label={`Products of section ${index + 1}`}
            value={refs}
            readOnly={false}
            onChange={(next) => {
              setKnown((k) => ({ ...k, ...Object.fromEntries(next.map((r) => [r.id, r])) }));
              onChange({ ...section, productIds: next.map((r) => r.id) });
            }}
          />
        ) : (
          <p className="text-sm text-neutral-600">Choosing products needs the catalog:read permission.</p>
        ))}
    </div>
  );
}
