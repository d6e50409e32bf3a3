import { errorMessage, fieldErrors } from "@bazaar/sdk";
import {
  Button,
  ConfirmDialog,
  cn,
  ProblemForm,
  problemFieldError,
  textLink,
  useProblemField,
  useToast,
} from "@bazaar/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  type DragEvent,
  type FormEvent,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { Alert, Checkbox, Field, Notice, SelectField, TextAreaField } from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient, useCan } from "../queries";
import {
  type CategoryPatch,
  categoriesApi,
  imageBytesMax,
  imageTypes,
  isStale,
  type StaffCategory,
} from "./categories.api";

const categoriesKey = ["admin", "categories"] as const;

/** After a write: the tree (and the product screens' category filters) are stale. */
const treeChanged = () => queryClient.invalidateQueries({ queryKey: categoriesKey });

const productCount = (n: number) => `${n.toLocaleString()} product${n === 1 ? "" : "s"}`;

// -------------------------------------------------------------------------------------------------
// The tree

interface TreeNode {
  category: StaffCategory;
  children: TreeNode[];
  depth: number;
}

interface Tree {
  roots: TreeNode[];
  byId: Map<string, TreeNode>;
}

/** The list (parents before children, siblings in order) as nodes; orphans become roots. */
function buildTree(items: readonly StaffCategory[]): Tree {
  const byId = new Map<string, TreeNode>();
  for (const category of items) byId.set(category.id, { category, children: [], depth: 0 });
  const roots: TreeNode[] = [];
  for (const category of items) {
    const node = byId.get(category.id)!;
    const parent = category.parentId ? byId.get(category.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (nodes: TreeNode[], depth: number) => {
    for (const node of nodes) {
      node.depth = depth;
      setDepth(node.children, depth + 1);
    }
  };
  setDepth(roots, 0);
  return { roots, byId };
}

/** Ids of a category's ancestors, nearest last. */
function ancestorsOf(tree: Tree, id: string): string[] {
  const result: string[] = [];
  let parentId = tree.byId.get(id)?.category.parentId ?? null;
  while (parentId && !result.includes(parentId)) {
    result.unshift(parentId);
    parentId = tree.byId.get(parentId)?.category.parentId ?? null;
  }
  return result;
}

/** "Gear / Tees": the names from the top level down to the category. */
function pathOf(tree: Tree, id: string): string {
  return [...ancestorsOf(tree, id), id].map((a) => tree.byId.get(a)?.category.name ?? "?").join(" / ");
}

/** The category and everything below it. */
function subtreeOf(tree: Tree, id: string): Set<string> {
  const result = new Set<string>();
  const visit = (node: TreeNode | undefined) => {
    if (!node || result.has(node.category.id)) return;
    result.add(node.category.id);
    for (const child of node.children) visit(child);
  };
  visit(tree.byId.get(id));
  return result;
}

/** Every category in tree order (depth first). */
function flatten(tree: Tree): TreeNode[] {
  const result: TreeNode[] = [];
  const visit = (nodes: TreeNode[]) => {
    for (const node of nodes) {
      result.push(node);
      visit(node.children);
    }
  };
  visit(tree.roots);
  return result;
}

/** The parents a category may move under: the top level and every category outside its own subtree. */
function parentOptions(tree: Tree, excluding?: string) {
  const below = excluding ? subtreeOf(tree, excluding) : new Set<string>();
  return [
    { value: "", label: "Top level" },
    ...flatten(tree)
      .filter((node) => !below.has(node.category.id))
      .map((node) => ({ value: node.category.id, label: pathOf(tree, node.category.id) })),
  ];
}

function Badge({ children, tone }: { children: ReactNode; tone: "amber" | "neutral" }) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium",
        tone === "amber" ? "bg-amber-100 text-amber-900" : "bg-neutral-200 text-neutral-800",
      )}
    >
      {children}
    </span>
  );
}

function Chevron({ open }: { open: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className={cn("size-4 transition-transform", open && "rotate-90")}
      fill="none"
    >
      <path d="M7.5 5l5 5-5 5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

interface TreeViewProps {
  nodes: TreeNode[];
  selectedId: string | null;
  collapsed: Set<string>;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
  nested?: boolean;
  id?: string;
}

/** Nested lists: each category a button (name, product count, badges) and a toggle for its subcategories. */
function TreeView({ nodes, selectedId, collapsed, onToggle, onSelect, nested, id }: TreeViewProps) {
  return (
    <ul
      id={id}
      className={cn(nested ? "mt-0.5 ml-4 space-y-0.5 border-l border-neutral-200 pl-1.5" : "space-y-0.5")}
    >
      {nodes.map((node) => {
        const { category } = node;
        const open = !collapsed.has(category.id);
        const selected = category.id === selectedId;
        const groupId = `subcategories-${category.id}`;
        const metaId = `category-meta-${category.id}`;
        return (
          <li key={category.id} data-testid={`category-${category.slug}`}>
            {/* The whole row selects (the button's ::after covers it); the fold toggle sits above it. */}
            <div
              className={cn(
                "relative flex items-start gap-0.5 rounded-lg",
                selected ? "bg-accent-50 ring-1 ring-accent-200" : "hover:bg-neutral-100",
              )}
            >
              {node.children.length > 0 ? (
                <button
                  type="button"
                  className="relative z-10 mt-1 flex size-8 shrink-0 items-center justify-center rounded-md text-neutral-700 hover:bg-neutral-200 focus-visible:outline-2 focus-visible:outline-accent-600"
                  aria-expanded={open}
                  aria-controls={open ? groupId : undefined}
                  aria-label={`Subcategories of ${category.name}`}
                  onClick={() => onToggle(category.id)}
                >
                  <Chevron open={open} />
                </button>
              ) : (
                <span className="size-8 shrink-0" />
              )}
              <div className="flex min-h-10 min-w-0 flex-1 flex-wrap items-center gap-x-2 gap-y-1 py-1.5 pr-2.5 pl-1">
                <button
                  type="button"
                  aria-current={selected ? "true" : undefined}
                  aria-describedby={metaId}
                  onClick={() => onSelect(category.id)}
                  className={cn(
                    "min-w-0 rounded-sm text-left text-sm font-medium break-words outline-none",
                    "after:absolute after:inset-0 after:rounded-lg after:content-['']",
                    "focus-visible:after:outline-2 focus-visible:after:outline-offset-1 focus-visible:after:outline-accent-600",
                    selected
                      ? "text-accent-900"
                      : category.isActive
                        ? "text-neutral-900"
                        : "text-neutral-700",
                  )}
                >
                  {category.name}
                </button>
                <span id={metaId} className="flex flex-wrap items-center gap-1.5 text-xs text-neutral-600">
                  <span>{productCount(category.productCount)}</span>
                  {!category.isActive && <Badge tone="amber">Inactive</Badge>}
                  {!category.includeInMenu && <Badge tone="neutral">Hidden from menu</Badge>}
                </span>
              </div>
            </div>
            {node.children.length > 0 && open && (
              <TreeView
                id={groupId}
                nodes={node.children}
                selectedId={selectedId}
                collapsed={collapsed}
                onToggle={onToggle}
                onSelect={onSelect}
                nested
              />
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A white panel with an h2 that can take focus (after a delete, after opening a category). */
function Panel({
  title,
  description,
  actions,
  headingRef,
  children,
  className,
  testId,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  headingRef?: Ref<HTMLHeadingElement>;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      data-testid={testId}
      className={cn("min-w-0 rounded-xl border border-neutral-200 bg-white p-4 shadow-sm sm:p-6", className)}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2
            id={headingId}
            ref={headingRef}
            tabIndex={-1}
            className="text-lg font-semibold break-words text-neutral-900 outline-none"
          >
            {title}
          </h2>
          {description && <div className="mt-1 text-sm text-neutral-600">{description}</div>}
        </div>
        {actions}
      </div>
      <div className="mt-4">{children}</div>
    </section>
  );
}

// -------------------------------------------------------------------------------------------------
// The form

/** What the form edits. `parentId` is used when creating (moves of a saved category are separate). */
interface Draft {
  name: string;
  slug: string;
  description: string;
  isActive: boolean;
  includeInMenu: boolean;
  imageId: string | null;
  imageUrl: string | null;
  metaTitle: string;
  metaDescription: string;
  parentId: string | null;
}

const draftOf = (c: StaffCategory): Draft => ({
  name: c.name,
  slug: c.slug,
  description: c.description,
  isActive: c.isActive,
  includeInMenu: c.includeInMenu,
  imageId: c.imageId,
  imageUrl: c.imageUrl,
  metaTitle: c.metaTitle,
  metaDescription: c.metaDescription,
  parentId: c.parentId,
});

const emptyDraft = (parentId: string | null): Draft => ({
  name: "",
  slug: "",
  description: "",
  isActive: true,
  includeInMenu: true,
  imageId: null,
  imageUrl: null,
  metaTitle: "",
  metaDescription: "",
  parentId,
});

const editable = [
  "name",
  "slug",
  "description",
  "isActive",
  "includeInMenu",
  "imageId",
  "metaTitle",
  "metaDescription",
] as const;

/** The fields of the draft that differ from the saved category (what PATCH sends). */
function changesOf(draft: Draft, saved: StaffCategory): CategoryPatch {
  const patch: Record<string, unknown> = {};
  for (const key of editable) if (draft[key] !== saved[key]) patch[key] = draft[key];
  return patch as CategoryPatch;
}

const acceptedTypes: readonly string[] = imageTypes;

/**
 * The category's image: a preview, a file input (or a file dropped on the box) that uploads at once,
 * and Remove. The new image id is kept in the draft until the category is saved.
 */
function ImageField({
  imageId,
  imageUrl,
  categoryName,
  readOnly,
  onChange,
}: {
  imageId: string | null;
  imageUrl: string | null;
  categoryName: string;
  readOnly: boolean;
  onChange: (imageId: string | null, imageUrl: string | null) => void;
}) {
  const inputId = useId();
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [localError, setLocalError] = useState<string>();
  const [status, setStatus] = useState("");
  const upload = useMutation({
    mutationFn: (file: File) => categoriesApi.uploadImage(file, categoryName.trim() || undefined),
    onSuccess: (image) => {
      onChange(image.id, image.thumbnailUrl);
      setStatus("Image uploaded. Save the category to keep it.");
    },
  });
  const uploadError = upload.error
    ? (fieldErrors(upload.error).image ?? errorMessage(upload.error))
    : undefined;
  const error = useProblemField("imageId", localError ?? uploadError);

  const take = (file: File | undefined) => {
    setLocalError(undefined);
    setStatus("");
    upload.reset();
    if (!file) return;
    if (!acceptedTypes.includes(file.type))
      setLocalError(`${file.name} is not a PNG, JPEG, WebP, GIF or AVIF image.`);
    else if (file.size > imageBytesMax) setLocalError(`${file.name} is larger than 20 MB.`);
    else upload.mutate(file);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (!readOnly) take(event.dataTransfer.files[0]);
  };

  return (
    <fieldset className="min-w-0">
      <legend className="block text-sm font-medium text-neutral-900">Image</legend>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping a file is a pointer shortcut; the file input inside does the same by keyboard. */}
      <div
        data-testid="category-image-drop"
        onDragOver={(event) => {
          if (readOnly) return;
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          "mt-1 flex flex-wrap items-center gap-4 rounded-lg border-2 border-dashed p-3",
          dragging ? "border-accent-600 bg-accent-50" : "border-neutral-300",
        )}
      >
        {imageUrl ? (
          <img
            src={imageUrl}
            alt={categoryName ? `Preview for the ${categoryName} category` : "Preview"}
            className="size-20 shrink-0 rounded-md border border-neutral-200 bg-neutral-50 object-cover"
            data-testid="category-image-preview"
            data-image-id={imageId ?? undefined}
          />
        ) : (
          <div className="flex size-20 shrink-0 items-center justify-center rounded-md bg-neutral-100 text-center text-xs text-neutral-600">
            No image
          </div>
        )}
        <div className="min-w-0 flex-1 space-y-2">
          {!readOnly && (
            <div className="flex flex-wrap items-center gap-2">
              <input
                ref={inputRef}
                id={inputId}
                type="file"
                accept={imageTypes.join(",")}
                className="peer sr-only"
                aria-describedby={error ? `${hintId} ${errorId}` : hintId}
                aria-invalid={error ? true : undefined}
                disabled={upload.isPending}
                onChange={(event) => {
                  take(event.currentTarget.files?.[0]);
                  event.currentTarget.value = "";
                }}
              />
              <label
                htmlFor={inputId}
                className={cn(
                  "inline-flex h-8 cursor-pointer items-center rounded-lg border border-neutral-300 bg-white px-3 text-sm font-medium text-neutral-900 hover:bg-neutral-50",
                  "peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-accent-600",
                  upload.isPending && "cursor-progress",
                )}
              >
                {imageUrl ? "Replace image" : "Upload an image"}
              </label>
              {imageUrl && (
                <Button
                  size="sm"
                  variant="ghost"
                  className="text-red-700"
                  disabled={upload.isPending}
                  onClick={() => {
                    onChange(null, null);
                    setStatus("Image removed. Save the category to apply.");
                    inputRef.current?.focus();
                  }}
                >
                  Remove image
                </Button>
              )}
            </div>
          )}
          <p id={hintId} className="text-xs text-neutral-600">
            {readOnly
              ? imageUrl
                ? "Shown on the category page and in menus."
                : "This category has no image."
              : "PNG, JPEG, WebP, GIF or AVIF, at most 20 MB. You can also drop a file on this box."}
          </p>
          <p role="status" className="text-xs text-neutral-700">
            {upload.isPending ? "Uploading…" : status}
          </p>
          {error && (
            <p id={errorId} className="text-sm font-medium text-red-700">
              {error}
            </p>
          )}
        </div>
      </div>
    </fieldset>
  );
}

/** Name, URL, description, flags, image and SEO texts of a category (new or saved). */
function CategoryFields({
  draft,
  change,
  readOnly,
  nameRef,
  isNew,
  parentSelect,
}: {
  draft: Draft;
  change: (patch: Partial<Draft>) => void;
  readOnly: boolean;
  nameRef?: Ref<HTMLInputElement>;
  isNew: boolean;
  parentSelect?: ReactNode;
}) {
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          ref={nameRef}
          label="Name"
          name="name"
          required
          maxLength={255}
          autoComplete="off"
          value={draft.name}
          onChange={(event) => change({ name: event.currentTarget.value })}
        />
        <Field
          label="URL slug"
          name="slug"
          required={!isNew}
          maxLength={255}
          autoComplete="off"
          spellCheck={false}
          value={draft.slug}
          onChange={(event) => change({ slug: event.currentTarget.value })}
          hint={
            isNew && !draft.slug
              ? "Leave empty to make it from the name."
              : `The page's address: /categories/${draft.slug}`
          }
        />
      </div>
      {parentSelect}
      <TextAreaField
        label="Description"
        name="description"
        rows={4}
        maxLength={100_000}
        value={draft.description}
        onChange={(event) => change({ description: event.currentTarget.value })}
        hint="Shown at the top of the category page; HTML is allowed."
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <Checkbox
          label="Active"
          name="isActive"
          checked={draft.isActive}
          onChange={(event) => change({ isActive: event.currentTarget.checked })}
          hint="Shoppers can open it; inactive ones are hidden with their subcategories."
        />
        <Checkbox
          label="Show in the menu"
          name="includeInMenu"
          checked={draft.includeInMenu}
          onChange={(event) => change({ includeInMenu: event.currentTarget.checked })}
          hint="Off: reachable by its URL but left out of the storefront menu."
        />
      </div>
      <ImageField
        imageId={draft.imageId}
        imageUrl={draft.imageUrl}
        categoryName={draft.name}
        readOnly={readOnly}
        onChange={(imageId, imageUrl) => change({ imageId, imageUrl })}
      />
      <fieldset className="space-y-4 rounded-lg border border-neutral-200 p-3 sm:p-4">
        <legend className="px-1 text-sm font-medium text-neutral-900">Search engines</legend>
        <Field
          label="SEO title"
          name="metaTitle"
          maxLength={255}
          autoComplete="off"
          value={draft.metaTitle}
          onChange={(event) => change({ metaTitle: event.currentTarget.value })}
          hint="The page title in search results; the name when empty."
        />
        <TextAreaField
          label="SEO description"
          name="metaDescription"
          maxLength={1000}
          rows={2}
          value={draft.metaDescription}
          onChange={(event) => change({ metaDescription: event.currentTarget.value })}
          hint="The snippet under the title in search results."
        />
      </fieldset>
    </>
  );
}

// -------------------------------------------------------------------------------------------------
// Creating

function CreateCategory({
  tree,
  parentId,
  onCreated,
  onCancel,
  nameRef,
}: {
  tree: Tree;
  parentId: string | null;
  onCreated: (category: StaffCategory) => void;
  onCancel: () => void;
  nameRef: Ref<HTMLInputElement>;
}) {
  const toast = useToast();
  const [draft, setDraft] = useState(() => emptyDraft(parentId));
  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const create = useMutation({
    mutationFn: () =>
      categoriesApi.create({
        name: draft.name,
        parentId: draft.parentId,
        ...(draft.slug.trim() ? { slug: draft.slug.trim() } : {}),
        description: draft.description,
        isActive: draft.isActive,
        includeInMenu: draft.includeInMenu,
        imageId: draft.imageId,
        metaTitle: draft.metaTitle,
        metaDescription: draft.metaDescription,
      }),
    onSuccess: async (created) => {
      await treeChanged();
      toast.success("Category created", `${created.name} is at /categories/${created.slug}.`);
      onCreated(created);
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate();
  };
  const parent = draft.parentId ? tree.byId.get(draft.parentId)?.category : undefined;
  return (
    <ProblemForm problem={create.error} onSubmit={onSubmit} className="space-y-4" aria-label="New category">
      <CategoryFields
        draft={draft}
        change={change}
        readOnly={false}
        nameRef={nameRef}
        isNew
        parentSelect={
          <SelectField
            label="Parent category"
            name="parentId"
            value={draft.parentId ?? ""}
            onChange={(event) => change({ parentId: event.currentTarget.value || null })}
            options={parentOptions(tree)}
            hint={parent ? `Added last among the subcategories of ${parent.name}.` : "Added last."}
          />
        }
      />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={create.isPending}>
          Create category
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={create.isPending}>
          Cancel
        </Button>
      </div>
    </ProblemForm>
  );
}

// -------------------------------------------------------------------------------------------------
// Editing

/** Said when someone else saved the category after this screen read it (409 STALE_VERSION). */
function StaleNotice({
  failed,
  onReload,
  pending,
  noticeRef,
}: {
  failed: boolean;
  onReload: () => void;
  pending: boolean;
  noticeRef: Ref<HTMLDivElement>;
}) {
  return (
    <Notice
      ref={noticeRef}
      tone="warning"
      className="flex flex-wrap items-center justify-between gap-3"
      data-testid="stale-notice"
    >
      <span className="min-w-0 flex-1">
        {failed ? (
          <>
            <strong className="font-semibold">Not saved:</strong> someone else changed this category since you
            opened it. Reload to see their version, then make your changes again.
          </>
        ) : (
          <>Someone else changed this category since you opened it. Reload to see their version.</>
        )}
      </span>
      <Button size="sm" variant="secondary" onClick={onReload} pending={pending}>
        Reload
      </Button>
    </Notice>
  );
}

function EditCategory({
  tree,
  category,
  canWrite,
  onAddChild,
  onMoved,
  onDeleted,
  headingRef,
}: {
  tree: Tree;
  /** The category as the tree now lists it. */
  category: StaffCategory;
  canWrite: boolean;
  onAddChild: () => void;
  onMoved: (category: StaffCategory) => void;
  onDeleted: (category: StaffCategory) => void;
  headingRef: Ref<HTMLHeadingElement>;
}) {
  const toast = useToast();
  // The version the form edits: it changes on this screen's own saves and on Reload only, so a newer
  // version saved by someone else is never taken as the base of a save (If-Match sends this one).
  const [base, setBase] = useState(category);
  const [draft, setDraft] = useState(() => draftOf(category));
  const [staleAfterSave, setStaleAfterSave] = useState(false);
  const [parentChoice, setParentChoice] = useState(category.parentId ?? "");
  const [deleting, setDeleting] = useState(false);
  const lastMove = useRef<"up" | "down" | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const upRef = useRef<HTMLButtonElement>(null);
  const downRef = useRef<HTMLButtonElement>(null);
  const change = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const patch = changesOf(draft, base);
  const dirty = Object.keys(patch).length > 0;
  const outdated = category.version > base.version;
  // A newer version in the tree (someone else saved) replaces the form's only while nothing is typed:
  // with changes in the form it waits for Reload, so neither side is overwritten unseen.
  const quiet = !dirty && !staleAfterSave;
  useEffect(() => {
    if (!outdated || !quiet) return;
    setBase(category);
    setDraft(draftOf(category));
    setParentChoice(category.parentId ?? "");
  }, [outdated, quiet, category]);
  const stale = staleAfterSave || outdated;

  const onStale = (error: unknown) => {
    if (isStale(error)) setStaleAfterSave(true);
  };
  // A refused save says so where focus is: on the notice with its Reload button.
  useEffect(() => {
    if (staleAfterSave) noticeRef.current?.focus();
  }, [staleAfterSave]);

  const save = useMutation({
    mutationFn: (body: CategoryPatch) => categoriesApi.update(base.id, base.version, body),
    onSuccess: async (saved) => {
      setBase(saved);
      setDraft(draftOf(saved));
      toast.success("Category saved", saved.name);
      await treeChanged();
    },
    onError: onStale,
  });

  const move = useMutation({
    mutationFn: (input: { parentId?: string | null; position?: number; direction?: "up" | "down" }) =>
      categoriesApi.update(base.id, base.version, {
        ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
        ...(input.position !== undefined ? { position: input.position } : {}),
      }),
    onSuccess: async (saved, input) => {
      // Only the place changed: the draft keeps what is being typed, now on top of the new version.
      setBase(saved);
      setParentChoice(saved.parentId ?? "");
      await treeChanged();
      const where = saved.parentId
        ? `under ${tree.byId.get(saved.parentId)?.category.name}`
        : "at the top level";
      toast.success(
        input.direction ? `Moved ${input.direction}` : "Category moved",
        input.direction
          ? `${saved.name} is now ${saved.position + 1} of ${siblings.length} ${where}.`
          : `${saved.name} is now ${where}, last among its siblings.`,
      );
      onMoved(saved);
    },
    onError: onStale,
  });

  const reload = useMutation({
    mutationFn: async () => {
      const fresh = await queryClient.fetchQuery({
        queryKey: categoriesKey,
        queryFn: ({ signal }) => categoriesApi.list(signal),
        staleTime: 0,
      });
      return fresh.find((c) => c.id === base.id) ?? null;
    },
    onSuccess: (fresh) => {
      save.reset();
      move.reset();
      setStaleAfterSave(false);
      if (!fresh) return;
      setBase(fresh);
      setDraft(draftOf(fresh));
      setParentChoice(fresh.parentId ?? "");
      toast.show("Reloaded", { timeout: 5000 });
      requestAnimationFrame(() => nameRef.current?.focus());
    },
  });

  // Place among the siblings, as the tree now lists them.
  const siblings = base.parentId
    ? (tree.byId.get(base.parentId)?.children ?? [])
    : tree.roots.filter((node) => !node.category.parentId || !tree.byId.has(node.category.parentId));
  const index = siblings.findIndex((node) => node.category.id === base.id);
  const parentName = base.parentId ? tree.byId.get(base.parentId)?.category.name : undefined;
  const placeId = useId();

  // A move to the first or last place disables the button just used: focus goes to the other one
  // (the tree re-renders a moment after the save answers, so this runs whenever the place changes).
  useEffect(() => {
    const direction = lastMove.current;
    if (!direction || move.isPending) return;
    const used = direction === "up" ? upRef.current : downRef.current;
    const other = direction === "up" ? downRef.current : upRef.current;
    const active = document.activeElement;
    if (used?.disabled && (active === used || active === document.body || active === null)) {
      other?.focus();
      lastMove.current = null;
    }
  }, [index, siblings.length, move.isPending]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!dirty) {
      toast.show("Nothing to save", { timeout: 5000 });
      return;
    }
    save.mutate(patch);
  };
  const onMove = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parentId = parentChoice || null;
    if (parentId === base.parentId) return;
    move.mutate({ parentId });
  };
  const moveProblem = isStale(move.error) ? undefined : move.error;
  const moveParentError = problemFieldError(moveProblem, "parentId");
  const busy = save.isPending || move.isPending;

  return (
    <Panel
      title={base.name}
      headingRef={headingRef}
      testId="category-editor"
      description={
        <>
          {productCount(category.productCount)}
          {base.isActive && (
            <>
              {" · "}
              <a className={textLink} href={`/categories/${encodeURIComponent(base.slug)}`}>
                View in the shop
              </a>
            </>
          )}
        </>
      }
      actions={
        canWrite && (
          <Button size="sm" variant="secondary" onClick={onAddChild}>
            Add subcategory
          </Button>
        )
      }
    >
      <div className="space-y-4">
        {!canWrite && (
          <Notice tone="info">
            You can look at categories; changing them needs the <code>catalog:write</code> permission.
          </Notice>
        )}
        {stale && (
          <StaleNotice
            failed={staleAfterSave}
            noticeRef={noticeRef}
            pending={reload.isPending}
            onReload={() => reload.mutate()}
          />
        )}
        {reload.isError && <Alert>{errorMessage(reload.error)}</Alert>}
        {reload.isSuccess && reload.data === null && (
          <Alert>This category no longer exists: someone deleted it.</Alert>
        )}

        <ProblemForm
          problem={isStale(save.error) ? undefined : save.error}
          onSubmit={onSubmit}
          className="space-y-4"
          aria-label={`Details of ${base.name}`}
        >
          <fieldset disabled={!canWrite} className="min-w-0 space-y-4">
            <legend className="sr-only">Details</legend>
            <CategoryFields
              draft={draft}
              change={change}
              readOnly={!canWrite}
              nameRef={nameRef}
              isNew={false}
            />
          </fieldset>
          {canWrite && (
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" pending={save.isPending} disabled={move.isPending}>
                Save changes
              </Button>
              <Button variant="secondary" disabled={!dirty || busy} onClick={() => setDraft(draftOf(base))}>
                Discard changes
              </Button>
              {dirty && <span className="text-sm text-neutral-600">Unsaved changes</span>}
            </div>
          )}
        </ProblemForm>

        <div className="border-t border-neutral-200 pt-4">
          <h3 className="text-base font-semibold text-neutral-900">Place in the tree</h3>
          <p id={placeId} className="mt-1 text-sm text-neutral-700" data-testid="category-place">
            {index >= 0
              ? `${index + 1} of ${siblings.length} ${parentName ? `under ${parentName}` : "at the top level"}.`
              : parentName
                ? `Under ${parentName}.`
                : "At the top level."}
          </p>
          {canWrite && (
            <div className="mt-3 space-y-3">
              <form
                onSubmit={onMove}
                className="flex flex-wrap items-end gap-3"
                aria-label={`Move ${base.name}`}
              >
                <SelectField
                  label="Parent category"
                  name="parentId"
                  className="min-w-0 flex-1 basis-56"
                  value={parentChoice}
                  onChange={(event) => setParentChoice(event.currentTarget.value)}
                  options={parentOptions(tree, base.id)}
                  error={moveParentError}
                />
                <Button
                  type="submit"
                  variant="secondary"
                  className={moveParentError ? "mb-6" : undefined}
                  pending={move.isPending && move.variables?.parentId !== undefined}
                  disabled={(parentChoice || null) === base.parentId || save.isPending}
                >
                  Move
                </Button>
              </form>
              <p className="text-xs text-neutral-600">
                A category moves with its subcategories, last among its new siblings.
              </p>
              <div className="flex flex-wrap gap-2">
                <Button
                  ref={upRef}
                  size="sm"
                  variant="secondary"
                  aria-describedby={placeId}
                  disabled={index <= 0 || save.isPending}
                  pending={move.isPending && move.variables?.direction === "up"}
                  onClick={() => {
                    lastMove.current = "up";
                    move.mutate({ position: index - 1, direction: "up" });
                  }}
                >
                  Move up
                </Button>
                <Button
                  ref={downRef}
                  size="sm"
                  variant="secondary"
                  aria-describedby={placeId}
                  disabled={index < 0 || index >= siblings.length - 1 || save.isPending}
                  pending={move.isPending && move.variables?.direction === "down"}
                  onClick={() => {
                    lastMove.current = "down";
                    move.mutate({ position: index + 1, direction: "down" });
                  }}
                >
                  Move down
                </Button>
              </div>
              {moveProblem != null && !moveParentError && <Alert>{errorMessage(moveProblem)}</Alert>}
            </div>
          )}
        </div>

        {canWrite && (
          <div className="border-t border-neutral-200 pt-4">
            <h3 className="text-base font-semibold text-neutral-900">Delete</h3>
            <p className="mt-1 text-sm text-neutral-700">
              Its products stay in the shop; they only lose this category. Subcategories must be moved or
              deleted first.
            </p>
            <Button
              className="mt-3"
              variant="danger"
              size="sm"
              disabled={busy}
              onClick={() => setDeleting(true)}
            >
              Delete category
            </Button>
          </div>
        )}
      </div>
      <ConfirmDialog
        isOpen={deleting}
        onOpenChange={setDeleting}
        title={`Delete ${base.name}?`}
        confirmLabel="Delete category"
        tone="danger"
        onConfirm={async () => {
          try {
            await categoriesApi.remove(base.id, base.version);
          } catch (error) {
            if (isStale(error)) setStaleAfterSave(true);
            throw error;
          }
          await treeChanged();
          toast.success("Category deleted", base.name);
          onDeleted(base);
        }}
      >
        {base.productCount > 0
          ? `${productCount(base.productCount)} lose this category; they stay in the shop.`
          : "No product is in this category."}{" "}
        This cannot be undone.
      </ConfirmDialog>
    </Panel>
  );
}

// -------------------------------------------------------------------------------------------------
// The page

type Selection = { mode: "edit"; id: string } | { mode: "create"; parentId: string | null } | null;

function CategoriesScreen() {
  const canWrite = useCan("catalog:write");
  const list = useQuery({
    queryKey: categoriesKey,
    queryFn: ({ signal }) => categoriesApi.list(signal),
    staleTime: 0,
  });
  const tree = useMemo(() => buildTree(list.data ?? []), [list.data]);
  const [selection, setSelection] = useState<Selection>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [focus, setFocus] = useState<{ target: "editor" | "tree" | "name"; n: number } | null>(null);
  const treeHeadingRef = useRef<HTMLHeadingElement>(null);
  const editorHeadingRef = useRef<HTMLHeadingElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  // Focus follows the action, once the panel it goes to has rendered.
  useEffect(() => {
    if (!focus) return;
    const frame = requestAnimationFrame(() => {
      const target =
        focus.target === "tree"
          ? treeHeadingRef.current
          : focus.target === "name"
            ? nameRef.current
            : editorHeadingRef.current;
      target?.focus();
      if (target && window.matchMedia("(max-width: 1023px)").matches)
        target.scrollIntoView({ block: "start" });
    });
    return () => cancelAnimationFrame(frame);
  }, [focus]);
  const focusOn = (target: "editor" | "tree" | "name") => setFocus((f) => ({ target, n: (f?.n ?? 0) + 1 }));

  /** Opens a category in the editor, unfolding its ancestors so it shows selected in the tree. */
  const open = (category: { id: string; parentId: string | null }, refresh = true) => {
    setSelection({ mode: "edit", id: category.id });
    // Read the tree again, so the form starts from the category's latest version.
    if (refresh) void treeChanged();
    revealUnder(category.parentId);
    focusOn("editor");
  };
  /** Unfolds a category and its ancestors (a category just created or moved under it shows). */
  const revealUnder = (parentId: string | null) => {
    if (!parentId) return;
    setCollapsed((current) => {
      const next = new Set(current);
      for (const a of [...ancestorsOf(tree, parentId), parentId]) next.delete(a);
      return next;
    });
  };
  const toggle = (id: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const startCreate = (parentId: string | null) => {
    setSelection({ mode: "create", parentId });
    focusOn("name");
  };

  const selectedId = selection?.mode === "edit" ? selection.id : null;
  const selected = selectedId ? tree.byId.get(selectedId)?.category : undefined;
  const withChildren = flatten(tree).filter((n) => n.children.length > 0);

  return (
    <>
      <PageHeading
        title="Categories"
        intro="The category tree of the storefront: its menu, category pages and breadcrumbs. Choose a category to edit, move or delete it."
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
        <Panel
          title="Category tree"
          headingRef={treeHeadingRef}
          testId="category-tree"
          className="lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:overflow-y-auto"
          description={
            list.data
              ? `${list.data.length} ${list.data.length === 1 ? "category" : "categories"}`
              : undefined
          }
          actions={
            canWrite && (
              <Button size="sm" onClick={() => startCreate(null)}>
                New category
              </Button>
            )
          }
        >
          <QueryState query={list} label="categories" />
          {list.data &&
            (list.data.length === 0 ? (
              <p className="text-sm text-neutral-600">No categories yet.</p>
            ) : (
              <>
                {withChildren.length > 0 && (
                  <div className="mb-2 flex flex-wrap gap-2">
                    <Button size="sm" variant="ghost" onClick={() => setCollapsed(new Set())}>
                      Expand all
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setCollapsed(new Set(withChildren.map((n) => n.category.id)))}
                    >
                      Collapse all
                    </Button>
                  </div>
                )}
                <TreeView
                  nodes={tree.roots}
                  selectedId={selectedId}
                  collapsed={collapsed}
                  onToggle={toggle}
                  onSelect={(id) => {
                    const category = tree.byId.get(id)?.category;
                    if (category) open(category);
                  }}
                />
                <p className="mt-3 text-xs text-neutral-600">
                  Product counts are of the products placed directly in each category.
                </p>
              </>
            ))}
        </Panel>

        {selection?.mode === "create" ? (
          <Panel
            title={
              selection.parentId
                ? `New subcategory of ${tree.byId.get(selection.parentId)?.category.name ?? "…"}`
                : "New category"
            }
            headingRef={editorHeadingRef}
            testId="category-editor"
          >
            <CreateCategory
              key={`${selection.parentId}`}
              tree={tree}
              parentId={selection.parentId}
              nameRef={nameRef}
              onCreated={(created) => open(created, false)}
              onCancel={() => {
                const parent = selection.parentId ? tree.byId.get(selection.parentId)?.category : undefined;
                if (parent) open(parent);
                else {
                  setSelection(null);
                  focusOn("tree");
                }
              }}
            />
          </Panel>
        ) : selected ? (
          <EditCategory
            key={selected.id}
            tree={tree}
            category={selected}
            canWrite={canWrite}
            headingRef={editorHeadingRef}
            onAddChild={() => startCreate(selected.id)}
            onMoved={(moved) => revealUnder(moved.parentId)}
            onDeleted={() => {
              setSelection(null);
              focusOn("tree");
            }}
          />
        ) : (
          <Panel title="Edit a category" headingRef={editorHeadingRef} testId="category-editor">
            {selectedId && list.data ? (
              <Alert>This category no longer exists: someone deleted it.</Alert>
            ) : (
              <p className="text-sm text-neutral-600">
                Choose a category in the tree to change its name, URL, description, image or place
                {canWrite ? ", or add a new one." : "."}
              </p>
            )}
          </Panel>
        )}
      </div>
    </>
  );
}

/**
 * The category tree editor: the tree with product counts and inactive / hidden badges (fold and unfold
 * subcategories), and beside it the chosen category's form (texts, URL slug, flags, image, SEO), its
 * place (parent, up / down) and delete. Saves send If-Match, so a save over someone else's change is
 * refused with a Reload offer. Reading needs catalog:read, changing catalog:write.
 */
export function CategoriesPage() {
  return <CategoriesScreen />;
}
