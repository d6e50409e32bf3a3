import { isApiError } from "@bazaar/sdk";
import { Alert, Button, ConfirmDialog, ProblemForm, Section, useToast } from "@bazaar/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Field, SelectField, TextAreaField } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { type DraftImage, MediaEditor } from "../components/product-editor/media";
import { CategoryPicker, ProductPicker, type ProductRef } from "../components/product-editor/pickers";
import { RichTextField } from "../components/product-editor/rich-text";
import {
  type DraftOption,
  type DraftVariant,
  generateVariants,
  newKey,
  OptionsEditor,
  VariantsEditor,
} from "../components/product-editor/variants";
import { QueryState } from "../components/QueryError";
import { type ProductDocument, type ProductInput, useCatalogApi } from "./products.api";

type ProductType = ProductInput["type"];

/** What the form holds: the product as edited, in the shapes the controls use. */
interface Draft {
  type: ProductType;
  sku: string;
  name: string;
  slug: string;
  description: string;
  shortDescription: string;
  status: "draft" | "active" | "archived";
  visibility: "everywhere" | "catalog" | "search" | "hidden";
  publishAt: string;
  metaTitle: string;
  metaDescription: string;
  taxClass: string;
  currency: string;
  categoryIds: string[];
  options: DraftOption[];
  variants: DraftVariant[];
  images: DraftImage[];
  links: { related: ProductRef[]; upsell: ProductRef[]; crosssell: ProductRef[] };
  groupedItems: (ProductRef & { defaultQuantity: number })[];
  bundleOptions: ProductDocument["bundleOptions"];
  downloads: ProductDocument["downloads"];
  attributes: ProductDocument["attributes"];
}

/** ISO 8601 UTC -> the `datetime-local` text of the same instant in the browser's time zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `datetime-local` text (browser time zone) -> ISO 8601 UTC, or null when empty. */
function fromLocalInput(text: string): string | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function emptyDraft(): Draft {
  return {
    type: "simple",
    sku: "",
    name: "",
    slug: "",
    description: "",
    shortDescription: "",
    status: "draft",
    visibility: "everywhere",
    publishAt: "",
    metaTitle: "",
    metaDescription: "",
    taxClass: "standard",
    currency: "USD",
    categoryIds: [],
    options: [],
    variants: [
      {
        key: newKey(),
        sku: "",
        options: {},
        priceAmount: null,
        compareAtAmount: null,
        specialPriceAmount: null,
        specialFrom: "",
        specialTo: "",
        weightGrams: "",
        barcode: "",
        imageId: null,
        initialStock: "0",
      },
    ],
    images: [],
    links: { related: [], upsell: [], crosssell: [] },
    groupedItems: [],
    bundleOptions: [],
    downloads: [],
    attributes: {},
  };
}

function draftOf(doc: ProductDocument): Draft {
  return {
    type: doc.type,
    sku: doc.sku,
    name: doc.name,
    slug: doc.slug,
    description: doc.description,
    shortDescription: doc.shortDescription,
    status: doc.status,
    visibility: doc.visibility,
    publishAt: toLocalInput(doc.publishAt),
    metaTitle: doc.metaTitle,
    metaDescription: doc.metaDescription,
    taxClass: doc.taxClass,
    currency: doc.currency,
    categoryIds: doc.categoryIds,
    options: doc.options.map((o) => ({ code: o.code, name: o.name, values: o.values.map((v) => v.value) })),
    variants: doc.variants.map((v) => ({
      key: v.id,
      id: v.id,
      sku: v.sku,
      options: v.options,
      priceAmount: v.priceAmount,
      compareAtAmount: v.compareAtAmount,
      specialPriceAmount: v.specialPriceAmount,
      specialFrom: toLocalInput(v.specialFrom),
      specialTo: toLocalInput(v.specialTo),
      weightGrams: v.weightGrams === null ? "" : String(v.weightGrams),
      barcode: v.barcode ?? "",
      imageId: v.imageId,
      initialStock: "0",
      availableQuantity: v.availableQuantity,
    })),
    images: doc.images,
    links: doc.links,
    groupedItems: doc.groupedItems,
    bundleOptions: doc.bundleOptions,
    downloads: doc.downloads,
    attributes: doc.attributes,
  };
}

const wholeNumber = (text: string): number | null => (text.trim() === "" ? null : Number(text));

/** The body the API takes (POST / PUT /api/admin/products). */
function inputOf(draft: Draft): ProductInput {
  const single = draft.type !== "configurable";
  const options = single ? [] : draft.options.filter((o) => o.name.trim() && o.values.length);
  return {
    type: draft.type,
    sku: draft.sku.trim(),
    name: draft.name.trim(),
    ...(draft.slug.trim() && { slug: draft.slug.trim() }),
    description: draft.description,
    shortDescription: draft.shortDescription,
    status: draft.status,
    visibility: draft.visibility,
    publishAt: draft.status === "draft" ? fromLocalInput(draft.publishAt) : null,
    metaTitle: draft.metaTitle,
    metaDescription: draft.metaDescription,
    taxClass: draft.taxClass || "standard",
    currency: draft.currency,
    categoryIds: draft.categoryIds,
    attributes: draft.attributes,
    options: options.map((o) => ({
      code: o.code,
      name: o.name.trim(),
      values: o.values.map((value) => ({ value })),
    })),
    variants: (single ? draft.variants.slice(0, 1) : draft.variants).map((v) => ({
      ...(v.id && { id: v.id }),
      // A product without options has one variant, whose SKU is the product's.
      sku: (single ? draft.sku : v.sku).trim(),
      ...(!single && { options: Object.fromEntries(options.map((o) => [o.code, v.options[o.code] ?? ""])) }),
      // A missing price is sent as -1 so the server names the field, rather than being guessed here.
      priceAmount: v.priceAmount ?? -1,
      compareAtAmount: v.compareAtAmount,
      specialPriceAmount: v.specialPriceAmount,
      specialFrom: fromLocalInput(v.specialFrom),
      specialTo: fromLocalInput(v.specialTo),
      weightGrams: wholeNumber(v.weightGrams),
      barcode: v.barcode.trim() || null,
      imageId: v.imageId,
      ...(!v.id && { initialStock: wholeNumber(v.initialStock) ?? 0 }),
    })),
    images: draft.images.map((i) => ({ imageId: i.id, alt: i.alt })),
    links: {
      related: draft.links.related.map((r) => r.id),
      upsell: draft.links.upsell.map((r) => r.id),
      crosssell: draft.links.crosssell.map((r) => r.id),
    },
    ...(draft.type === "grouped" && {
      groupedItems: draft.groupedItems.map((i) => ({ sku: i.sku, defaultQuantity: i.defaultQuantity })),
    }),
    ...(draft.type === "bundle" && {
      bundleOptions: draft.bundleOptions.map((b) => ({
        title: b.title,
        type: b.type,
        required: b.required,
        items: b.items.map((i) => ({ sku: i.sku, defaultQuantity: i.defaultQuantity })),
      })),
    }),
    ...(draft.downloads.length > 0 && { downloads: draft.downloads }),
  };
}

/** The bundle's options: each a title, a choice type and its component products. */
function BundleEditor({
  value,
  onChange,
  readOnly,
  exclude,
}: {
  value: Draft["bundleOptions"];
  onChange: (value: Draft["bundleOptions"]) => void;
  readOnly: boolean;
  exclude?: string;
}) {
  return (
    <div className="space-y-4">
      {value.map((option, index) => (
        <fieldset key={index} className="rounded-lg border border-neutral-200 p-3">
          <legend className="px-1 text-sm font-semibold">Bundle option {index + 1}</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            <Field
              label="Title"
              name={`bundleOptions.${index}.title`}
              value={option.title}
              readOnly={readOnly}
              onChange={(e) => {
                const title = e.currentTarget.value;
                onChange(value.map((o, i) => (i === index ? { ...o, title } : o)));
              }}
            />
            <SelectField
              label="Choice"
              name={`bundleOptions.${index}.type`}
              value={option.type}
              disabled={readOnly}
              onChange={(e) => {
                const type = e.currentTarget.value as "radio" | "checkbox" | "select";
                onChange(value.map((o, i) => (i === index ? { ...o, type } : o)));
              }}
            >
              <option value="radio">One of them (radio)</option>
              <option value="select">One of them (list)</option>
              <option value="checkbox">Any of them (checkboxes)</option>
            </SelectField>
            <label className="flex items-center gap-2 pt-6 text-sm">
              <input
                type="checkbox"
                checked={option.required}
                disabled={readOnly}
                onChange={(e) => {
                  const required = e.currentTarget.checked;
                  onChange(value.map((o, i) => (i === index ? { ...o, required } : o)));
                }}
              />
              Required
            </label>
          </div>
          <ProductPicker
            label={`Products of ${option.title || `option ${index + 1}`}`}
            value={option.items}
            exclude={exclude}
            readOnly={readOnly}
            onChange={(refs) =>
              onChange(
                value.map((o, i) =>
                  i === index
                    ? {
                        ...o,
                        items: refs.map((r) => ({
                          ...r,
                          defaultQuantity: o.items.find((x) => x.id === r.id)?.defaultQuantity ?? 1,
                        })),
                      }
                    : o,
                ),
              )
            }
          />
          {!readOnly && (
            <Button variant="ghost" size="sm" onClick={() => onChange(value.filter((_, i) => i !== index))}>
              Remove bundle option
            </Button>
          )}
        </fieldset>
      ))}
      {!readOnly && (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => onChange([...value, { title: "", type: "radio", required: true, items: [] }])}
        >
          Add bundle option
        </Button>
      )}
    </div>
  );
}

/**
 * The product editor (create at /products/new, edit at /products/:id): every field of every product
 * type, saved as a whole with the version read (If-Match). When someone else saved in between, the
 * save is refused and the page offers to reload: nothing is overwritten silently. Staff edit the
 * shop's catalog; in the vendor portal (see `CatalogApiProvider`) a vendor edits its own products.
 */
export function ProductEditorPage() {
  const { id } = useParams();
  const isNew = !id;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { api, basePath, productsKey, categoriesKey, canWrite, readOnlyNote } = useCatalogApi();
  const readOnly = !canWrite;

  const product = useQuery({
    queryKey: [...productsKey, "detail", id],
    queryFn: ({ signal }) => api.get(id!, signal),
    enabled: !isNew,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const categories = useQuery({
    queryKey: categoriesKey,
    queryFn: ({ signal }) => api.categories(signal),
  });
  const [draft, setDraft] = useState<Draft | null>(isNew ? emptyDraft() : null);
  const [baseline, setBaseline] = useState<string>("");
  const [version, setVersion] = useState<number | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  // Load (and reload) the stored product into the form.
  useEffect(() => {
    if (product.data) {
      const loaded = draftOf(product.data);
      setDraft(loaded);
      setBaseline(JSON.stringify(inputOf(loaded)));
      setVersion(product.data.version);
      setStale(false);
      setProblem(null);
    }
  }, [product.data]);
  useEffect(() => {
    if (isNew) setBaseline(JSON.stringify(inputOf(emptyDraft())));
  }, [isNew]);

  const dirty = useMemo(
    () => (draft ? JSON.stringify(inputOf(draft)) !== baseline : false),
    [draft, baseline],
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  if (!isNew && !draft) {
    return (
      <>
        <PageHeading title="Product" />
        <QueryState query={product} label="the product" />
      </>
    );
  }
  if (!draft) return null;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => (d ? { ...d, [key]: value } : d));
  const single = draft.type !== "configurable";

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    setSaving(true);
    try {
      const body = inputOf(draft);
      const saved = isNew ? await api.create(body) : await api.save(id!, version ?? 0, body);
      void queryClient.invalidateQueries({ queryKey: productsKey });
      queryClient.setQueryData([...productsKey, "detail", saved.id], saved);
      if (isNew) {
        toast.success("Product created", saved.name);
        navigate(`${basePath}/products/${encodeURIComponent(saved.id)}`, { replace: true });
      } else {
        const loaded = draftOf(saved);
        setDraft(loaded);
        setBaseline(JSON.stringify(inputOf(loaded)));
        setVersion(saved.version);
        toast.success("Product saved", saved.name);
      }
    } catch (error) {
      if (isApiError(error) && error.code === "STALE_VERSION") setStale(true);
      else setProblem(error);
    } finally {
      setSaving(false);
    }
  };

  const reload = async () => {
    await queryClient.invalidateQueries({ queryKey: [...productsKey, "detail", id] });
    const fresh = await api.get(id!);
    queryClient.setQueryData([...productsKey, "detail", id], fresh);
  };

  const title = isNew ? "New product" : draft.name || "Product";
  const storeUrl = product.data && product.data.status === "active" ? `/products/${product.data.slug}` : null;

  return (
    <>
      <PageHeading
        title={title}
        intro={
          isNew ? (
            "Fill in the product and save it as a draft, or make it active to sell it."
          ) : (
            <>
              SKU {product.data?.sku} · version {version}
              {storeUrl && (
                <>
                  {" · "}
                  <a href={storeUrl} target="_blank" rel="noreferrer" className="text-accent-800 underline">
                    View in store
                  </a>
                </>
              )}
            </>
          )
        }
      />
      <p className="mb-4 text-sm">
        <Link to={`${basePath}/products`} className="text-accent-800 underline">
          ← All products
        </Link>
      </p>
      {stale && (
        <Alert className="mb-4">
          <p className="font-semibold">Someone else saved this product after you opened it.</p>
          <p className="mt-1">
            Your changes were not saved, and theirs were not overwritten. Reload to see the product as it is
            now, then make your changes again.
          </p>
          <Button className="mt-3" onClick={() => void reload()}>
            Reload the product
          </Button>
        </Alert>
      )}
      <ProblemForm problem={problem} onSubmit={save} className="space-y-6 pb-24">
        <Section title="Details">
          <div className="grid gap-x-4 sm:grid-cols-2">
            <Field
              label="Name"
              name="name"
              value={draft.name}
              required
              maxLength={255}
              readOnly={readOnly}
              onChange={(e) => set("name", e.currentTarget.value)}
            />
            <Field
              label="SKU"
              name="sku"
              value={draft.sku}
              required
              maxLength={64}
              readOnly={readOnly}
              hint="The product's stock-keeping unit; unique in the shop."
              onChange={(e) => set("sku", e.currentTarget.value)}
            />
            <SelectField
              label="Type"
              name="type"
              value={draft.type}
              disabled={readOnly || !isNew}
              hint={isNew ? undefined : "Fixed once created."}
              onChange={(e) => {
                const type = e.currentTarget.value as ProductType;
                setDraft((d) => (d ? { ...d, type } : d));
              }}
            >
              <option value="simple">Simple: one item</option>
              <option value="configurable">Configurable: variants by options (size, colour)</option>
              <option value="bundle">Bundle: a set of other products</option>
              <option value="grouped">Grouped: several products sold side by side</option>
              <option value="digital">Digital: a download</option>
            </SelectField>
            <SelectField
              label="Status"
              name="status"
              value={draft.status}
              disabled={readOnly}
              onChange={(e) => set("status", e.currentTarget.value as Draft["status"])}
            >
              <option value="draft">Draft: not in the store</option>
              <option value="active">Active: on sale</option>
              <option value="archived">Archived: kept for history</option>
            </SelectField>
            {draft.status === "draft" && (
              <Field
                label="Publish at"
                name="publishAt"
                type="datetime-local"
                value={draft.publishAt}
                readOnly={readOnly}
                hint="Optional: the draft goes on sale by itself then (your time zone)."
                onChange={(e) => set("publishAt", e.currentTarget.value)}
              />
            )}
            <SelectField
              label="Visibility"
              name="visibility"
              value={draft.visibility}
              disabled={readOnly}
              onChange={(e) => set("visibility", e.currentTarget.value as Draft["visibility"])}
            >
              <option value="everywhere">Catalog and search</option>
              <option value="catalog">Catalog only</option>
              <option value="search">Search only</option>
              <option value="hidden">Hidden (by link, or inside bundles)</option>
            </SelectField>
          </div>
          <TextAreaField
            label="Short description"
            name="shortDescription"
            value={draft.shortDescription}
            rows={2}
            maxLength={10_000}
            readOnly={readOnly}
            hint="A line or two beside the price."
            onChange={(e) => set("shortDescription", e.currentTarget.value)}
          />
          <RichTextField
            label="Description"
            value={draft.description}
            readOnly={readOnly}
            onChange={(html) => set("description", html)}
          />
        </Section>

        <Section title="Photos">
          <MediaEditor
            images={draft.images}
            onChange={(images) => set("images", images)}
            readOnly={readOnly}
            productName={draft.name}
          />
        </Section>

        {draft.type === "configurable" && (
          <Section title="Options">
            <OptionsEditor
              options={draft.options}
              onChange={(options) => set("options", options)}
              readOnly={readOnly}
            />
            {!readOnly && (
              <Button
                className="mt-3"
                onClick={() => set("variants", generateVariants(draft.sku, draft.options, draft.variants))}
              >
                Generate variants
              </Button>
            )}
            <p className="mt-2 text-xs text-neutral-600">
              Makes one variant per combination of values; variants you already have are kept.
            </p>
          </Section>
        )}

        <Section title={single ? "Price and stock" : `Variants (${draft.variants.length})`}>
          <SelectField
            label="Currency"
            name="currency"
            value={draft.currency}
            disabled={readOnly || !isNew}
            className="w-40"
            onChange={(e) => set("currency", e.currentTarget.value)}
          >
            {[...new Set([draft.currency, "USD", "EUR", "GBP", "CAD", "AUD", "BRL", "JPY"])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <VariantsEditor
            variants={single ? draft.variants.slice(0, 1) : draft.variants}
            options={draft.options}
            currency={draft.currency}
            images={draft.images}
            onChange={(variants) => set("variants", variants)}
            readOnly={readOnly}
            single={single}
          />
        </Section>

        {draft.type === "bundle" && (
          <Section title="Bundle items">
            <BundleEditor
              value={draft.bundleOptions}
              onChange={(value) => set("bundleOptions", value)}
              readOnly={readOnly}
              exclude={id}
            />
          </Section>
        )}
        {draft.type === "grouped" && (
          <Section title="Grouped products">
            <ProductPicker
              label="Products in the group"
              value={draft.groupedItems}
              exclude={id}
              readOnly={readOnly}
              onChange={(refs) =>
                set(
                  "groupedItems",
                  refs.map((r) => ({
                    ...r,
                    defaultQuantity: draft.groupedItems.find((g) => g.id === r.id)?.defaultQuantity ?? 1,
                  })),
                )
              }
            />
          </Section>
        )}
        {draft.type === "digital" && (
          <Section title="Files">
            {draft.downloads.length === 0 ? (
              <p className="text-sm text-neutral-700">
                No files yet. Files of digital products come in with the catalog import.
              </p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {draft.downloads.map((d) => (
                  <li key={d.storageKey}>
                    {d.title}: {d.fileName} ({Math.ceil(d.bytes / 1024)} KB)
                  </li>
                ))}
              </ul>
            )}
          </Section>
        )}

        <Section title="Organization">
          <div className="grid gap-6 lg:grid-cols-2">
            <CategoryPicker
              categories={categories.data ?? []}
              value={draft.categoryIds}
              onChange={(ids) => set("categoryIds", ids)}
              readOnly={readOnly}
            />
            <div>
              <SelectField
                label="Tax class"
                name="taxClass"
                value={draft.taxClass}
                disabled={readOnly}
                hint="Decides which tax rates apply."
                onChange={(e) => set("taxClass", e.currentTarget.value)}
              >
                {[...new Set([draft.taxClass, "standard", "reduced", "zero"])].map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </SelectField>
            </div>
          </div>
        </Section>

        <Section title="Related products">
          <ProductPicker
            label="Related"
            hint="Shown on the product page."
            value={draft.links.related}
            exclude={id}
            readOnly={readOnly}
            onChange={(related) => set("links", { ...draft.links, related })}
          />
          <ProductPicker
            label="Up-sells"
            hint="Better alternatives, shown on the product page."
            value={draft.links.upsell}
            exclude={id}
            readOnly={readOnly}
            onChange={(upsell) => set("links", { ...draft.links, upsell })}
          />
          <ProductPicker
            label="Cross-sells"
            hint="Suggested in the cart."
            value={draft.links.crosssell}
            exclude={id}
            readOnly={readOnly}
            onChange={(crosssell) => set("links", { ...draft.links, crosssell })}
          />
        </Section>

        <Section title="Search engines">
          <Field
            label="URL handle"
            name="slug"
            value={draft.slug}
            maxLength={255}
            readOnly={readOnly}
            hint={isNew ? "Made from the name when empty." : "Fixed once created, so links keep working."}
            disabled={!isNew}
            onChange={(e) => set("slug", e.currentTarget.value)}
          />
          <Field
            label="Page title"
            name="metaTitle"
            value={draft.metaTitle}
            maxLength={255}
            readOnly={readOnly}
            hint="The name when empty."
            onChange={(e) => set("metaTitle", e.currentTarget.value)}
          />
          <TextAreaField
            label="Meta description"
            name="metaDescription"
            value={draft.metaDescription}
            maxLength={1000}
            rows={2}
            readOnly={readOnly}
            onChange={(e) => set("metaDescription", e.currentTarget.value)}
          />
        </Section>

        {!readOnly ? (
          <div className="fixed inset-x-0 bottom-0 z-10 border-t border-neutral-200 bg-white/95 px-4 py-3 backdrop-blur">
            <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-end gap-3">
              <span role="status" className="mr-auto text-sm text-neutral-700">
                {dirty ? "Unsaved changes" : isNew ? "" : "All changes saved"}
              </span>
              {!isNew && (
                <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              )}
              <Button type="submit" pending={saving} disabled={stale}>
                {isNew ? "Create product" : "Save"}
              </Button>
            </div>
          </div>
        ) : (
          readOnlyNote && (
            // Read only for a reason the user should see (a suspended vendor): say it beside the save.
            <div className="fixed inset-x-0 bottom-0 z-10 border-t border-neutral-200 bg-white/95 px-4 py-3 backdrop-blur">
              <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-end gap-3">
                <p id="read-only-note" className="mr-auto text-sm text-neutral-700">
                  {readOnlyNote}
                </p>
                <Button type="submit" disabled aria-describedby="read-only-note">
                  {isNew ? "Create product" : "Save"}
                </Button>
              </div>
            </div>
          )
        )}
      </ProblemForm>
      <ConfirmDialog
        isOpen={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete ${draft.name}?`}
        confirmLabel="Delete"
        tone="danger"
        onConfirm={async () => {
          const result = await api.remove(id!);
          void queryClient.invalidateQueries({ queryKey: productsKey });
          toast.success(
            result.archived ? "Archived instead: orders or bundles use this product" : "Product deleted",
          );
          navigate(`${basePath}/products`);
        }}
      >
        If orders or bundles use it, it is archived instead (hidden, kept for history).
      </ConfirmDialog>
    </>
  );
}
