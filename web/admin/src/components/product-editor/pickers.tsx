import { Button } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { type StaffCategory, useCatalogApi } from "../../routes/products.api";

/** Another product, as a link or component shows it. */
export interface ProductRef {
  id: string;
  sku: string;
  name: string;
}

/**
 * A list of other products (related, up-sell, cross-sell, bundle or group items): search by name or
 * SKU and add; remove; order as added.
 */
export function ProductPicker({
  label,
  hint,
  value,
  onChange,
  exclude,
  readOnly,
}: {
  label: string;
  hint?: string;
  value: ProductRef[];
  onChange: (refs: ProductRef[]) => void;
  /** The product being edited. */
  exclude?: string;
  readOnly: boolean;
}) {
  const id = useId();
  const { api, productsKey } = useCatalogApi();
  const [q, setQ] = useState("");
  const search = useQuery({
    queryKey: [...productsKey, "picker", q],
    queryFn: ({ signal }) => api.list({ q, limit: 8 }, signal),
    enabled: q.trim().length >= 2,
    staleTime: 10_000,
  });
  const taken = new Set([...value.map((v) => v.id), exclude]);
  const results = (search.data?.items ?? []).filter((p) => !taken.has(p.id));
  return (
    <div className="mb-6">
      <h3 id={`${id}-h`} className="text-sm font-semibold text-neutral-900">
        {label}
      </h3>
      {hint && <p className="text-xs text-neutral-600">{hint}</p>}
      {value.length === 0 ? (
        <p className="mt-1 text-sm text-neutral-600">None.</p>
      ) : (
        <ul aria-labelledby={`${id}-h`} className="mt-2 flex flex-wrap gap-2">
          {value.map((ref) => (
            <li
              key={ref.id}
              className="inline-flex items-center gap-1 rounded-full border border-neutral-300 bg-white pl-3 text-sm"
            >
              {ref.name} <span className="font-mono text-xs text-neutral-600">{ref.sku}</span>
              {!readOnly && (
                <button
                  type="button"
                  aria-label={`Remove ${ref.name} from ${label}`}
                  className="rounded-full px-2 py-1 text-neutral-600 hover:bg-neutral-100"
                  onClick={() => onChange(value.filter((v) => v.id !== ref.id))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <div className="mt-2">
          <label htmlFor={`${id}-q`} className="sr-only">
            Find a product to add to {label}
          </label>
          <input
            id={`${id}-q`}
            type="search"
            placeholder="Find a product by name or SKU"
            className="h-9 w-full max-w-sm rounded-lg border border-neutral-300 px-3 text-sm"
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
          />
          {results.length > 0 && (
            <ul className="mt-1 max-w-sm divide-y divide-neutral-100 rounded-lg border border-neutral-200 bg-white">
              {results.map((p) => (
                <li key={p.id} className="flex items-center justify-between gap-2 px-3 py-1.5 text-sm">
                  <span>
                    {p.name} <span className="font-mono text-xs text-neutral-600">{p.sku}</span>
                  </span>
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Add ${p.name} to ${label}`}
                    onClick={() => onChange([...value, { id: p.id, sku: p.sku, name: p.name }])}
                  >
                    Add
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function depthOf(category: StaffCategory, byId: Map<string, StaffCategory>): number {
  let depth = 0;
  let parent = category.parentId;
  while (parent && depth < 20) {
    depth++;
    parent = byId.get(parent)?.parentId ?? null;
  }
  return depth;
}

/** The categories a product is in (checkboxes over the tree); the first is the main one (breadcrumbs). */
export function CategoryPicker({
  categories,
  value,
  onChange,
  readOnly,
}: {
  categories: StaffCategory[];
  value: string[];
  onChange: (ids: string[]) => void;
  readOnly: boolean;
}) {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const main = value[0] ? byId.get(value[0]) : undefined;
  return (
    <fieldset>
      <legend className="text-sm font-medium text-neutral-800">Categories</legend>
      <p className="text-xs text-neutral-600">
        Main category (breadcrumbs): {main ? main.name : "none"}. The first one ticked is the main one.
      </p>
      <div className="mt-2 max-h-72 overflow-y-auto rounded-lg border border-neutral-200 bg-white p-2">
        {categories.length === 0 && <p className="text-sm text-neutral-600">No categories yet.</p>}
        {categories.map((c) => (
          <div
            key={c.id}
            className="flex items-center justify-between gap-2"
            style={{ paddingLeft: `${depthOf(c, byId) * 1.25}rem` }}
          >
            <label className="flex items-center gap-2 py-0.5 text-sm">
              <input
                type="checkbox"
                checked={value.includes(c.id)}
                disabled={readOnly}
                onChange={(e) =>
                  onChange(e.currentTarget.checked ? [...value, c.id] : value.filter((id) => id !== c.id))
                }
              />
              {c.name}
              {!c.isActive && <span className="text-xs text-neutral-600">(inactive)</span>}
            </label>
            {!readOnly && value.includes(c.id) && value[0] !== c.id && (
              <button
                type="button"
                className="text-xs text-accent-800 underline"
                onClick={() => onChange([c.id, ...value.filter((id) => id !== c.id)])}
              >
                Make main<span className="sr-only"> category: {c.name}</span>
              </button>
            )}
          </div>
        ))}
      </div>
    </fieldset>
  );
}
