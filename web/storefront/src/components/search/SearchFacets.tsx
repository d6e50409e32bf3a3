import type { SearchFacet, SearchFacetValue } from "@bazaar/sdk";
import { cn, Swatch } from "@bazaar/ui";
import { useId, useState } from "react";
import { sortFacetValues } from "../../filters";
import {
  clearSearchFilters,
  type FilterParam,
  hasSearchFilters,
  type SearchState,
  toggleFilter,
  withSearchParam,
} from "../../search";

const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";
const checkboxClass = cn("size-4 shrink-0 rounded border-neutral-400 accent-accent-700", focusRing);
/** Values shown before "Show all" in a long group. */
const SHOWN_VALUES = 8;

/** A CSS colour for a colour name when the browser knows it ("Black", "Lavender"); facets carry no swatch. */
function cssColor(name: string): string | null {
  const candidate = name.toLowerCase().replace(/\s+/g, "");
  return typeof CSS !== "undefined" && CSS.supports("color", candidate) ? candidate : null;
}

const paramRank: Record<SearchFacet["param"], number> = {
  category: 0,
  price: 1,
  brand: 2,
  option: 3,
  attr: 4,
};

/** Groups in a shopper-friendly order: category, price, brand, options (size, colour), then attributes. */
export function orderFacets(facets: SearchFacet[]): SearchFacet[] {
  return facets
    .map((facet, i) => ({ facet, i }))
    .sort((a, b) => paramRank[a.facet.param] - paramRank[b.facet.param] || a.i - b.i)
    .map((x) => x.facet);
}

/** Category values as a tree (each under its parent, when the parent is listed), with their depth. */
function categoryTree(values: SearchFacetValue[]): { value: SearchFacetValue; depth: number }[] {
  const listed = new Set(values.map((v) => v.value));
  const children = new Map<string | null, SearchFacetValue[]>();
  for (const v of values) {
    const parent = v.parent && listed.has(v.parent) ? v.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), v]);
  }
  const out: { value: SearchFacetValue; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const v of children.get(parent) ?? []) {
      out.push({ value: v, depth });
      if (depth < 6) visit(v.value, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

function orderedValues(facet: SearchFacet): { value: SearchFacetValue; depth: number }[] {
  if (facet.param === "category") return categoryTree(facet.values);
  if (facet.code === "option:size") {
    // Sizes read XS < S < M … (then 28 < 29 …); other groups keep the server's order (most products first).
    return sortFacetValues(facet.values.map((v) => ({ value: v.label, v }))).map((x) => ({
      value: x.v,
      depth: 0,
    }));
  }
  return facet.values.map((value) => ({ value, depth: 0 }));
}

export interface SearchFacetsProps {
  facets: SearchFacet[];
  state: SearchState;
  searchParams: URLSearchParams;
  onChange: (next: URLSearchParams) => void;
}

/** The search page's filters: one collapsible checkbox group per facet, plus availability. */
export function SearchFacets({ facets, state, searchParams, onChange }: SearchFacetsProps) {
  const baseId = useId();
  return (
    <div className="rounded-xl border border-neutral-200 p-4 lg:border-0 lg:p-0">
      <h2 className="pb-3 text-base font-semibold text-neutral-900">Filters</h2>
      {orderFacets(facets).map((facet) => (
        <FacetGroup
          key={facet.code}
          facet={facet}
          selected={state.filters[facet.param]}
          onToggle={(value, on) => onChange(toggleFilter(searchParams, facet.param, value, on))}
        />
      ))}
      <section data-testid="facet-availability" className="border-t border-neutral-200 py-3">
        <h3 className="py-1 text-sm font-semibold text-neutral-900">Availability</h3>
        <div className="mt-2 flex items-center gap-2">
          <input
            id={`${baseId}-in-stock`}
            type="checkbox"
            className={checkboxClass}
            checked={state.inStock}
            onChange={(event) =>
              onChange(withSearchParam(searchParams, "inStock", event.target.checked ? "true" : undefined))
            }
          />
          <label htmlFor={`${baseId}-in-stock`} className="text-sm text-neutral-800">
            In stock only
          </label>
        </div>
      </section>
    </div>
  );
}

function FacetGroup({
  facet,
  selected,
  onToggle,
}: {
  facet: SearchFacet;
  selected: string[];
  onToggle: (value: string, on: boolean) => void;
}) {
  const id = useId();
  const chosen = new Set(selected);
  const selectedCount = facet.values.filter((v) => chosen.has(v.value)).length;
  // Attribute groups start closed (there are many); any group with a choice in it starts open.
  const [open, setOpen] = useState(facet.param !== "attr" || selectedCount > 0);
  const [showAll, setShowAll] = useState(false);
  const values = orderedValues(facet);
  const hiddenSelected = values.slice(SHOWN_VALUES).some((x) => chosen.has(x.value.value));
  const shown = showAll || hiddenSelected ? values : values.slice(0, SHOWN_VALUES);
  const isColor = facet.code === "option:color";

  return (
    <section data-testid={`facet-${facet.code}`} className="border-t border-neutral-200 py-3">
      <h3>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={`${id}-panel`}
          onClick={() => setOpen((o) => !o)}
          className={cn(
            "flex w-full items-center justify-between gap-2 rounded-sm py-1 text-left text-sm font-semibold text-neutral-900 hover:text-accent-700",
            focusRing,
          )}
        >
          <span>
            {facet.label}
            {selectedCount > 0 && (
              <span className="ml-1.5 font-normal text-neutral-600">
                ({selectedCount}
                <span className="sr-only"> selected</span>)
              </span>
            )}
          </span>
          <svg
            aria-hidden="true"
            viewBox="0 0 16 16"
            className={cn("size-4 shrink-0 text-neutral-600 transition-transform", open && "rotate-180")}
            fill="none"
            stroke="currentColor"
            strokeWidth="1.75"
          >
            <path d="M4 6l4 4 4-4" />
          </svg>
        </button>
      </h3>
      <fieldset id={`${id}-panel`} hidden={!open} className="mt-2">
        <legend className="sr-only">{facet.label}</legend>
        <ul className="space-y-1.5">
          {shown.map(({ value: v, depth }, i) => {
            const inputId = `${id}-${i}`;
            const checked = chosen.has(v.value);
            return (
              <li
                key={v.value}
                className="flex items-center gap-2"
                style={depth > 0 ? { paddingLeft: `${depth * 1}rem` } : undefined}
              >
                <input
                  id={inputId}
                  type="checkbox"
                  className={checkboxClass}
                  checked={checked}
                  onChange={(event) => onToggle(v.value, event.target.checked)}
                />
                <label
                  htmlFor={inputId}
                  className={cn(
                    "flex min-w-0 flex-1 items-center gap-2 text-sm",
                    v.count === 0 && !checked ? "text-neutral-600" : "text-neutral-800",
                  )}
                >
                  {isColor && <Swatch color={cssColor(v.label)} size="sm" />}
                  <span className="truncate">{v.label}</span>{" "}
                  <span className="ml-auto pl-1 text-xs text-neutral-600">
                    <span aria-hidden="true">{v.count}</span>
                    <span className="sr-only">
                      {" "}
                      ({v.count} {v.count === 1 ? "product" : "products"})
                    </span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
        {values.length > SHOWN_VALUES && !hiddenSelected && (
          <button
            type="button"
            onClick={() => setShowAll((all) => !all)}
            className={cn("mt-2 rounded-sm text-sm font-medium text-accent-700 hover:underline", focusRing)}
          >
            {showAll ? "Show fewer" : `Show all ${values.length}`}
            <span className="sr-only"> {facet.label.toLowerCase()} values</span>
          </button>
        )}
      </fieldset>
    </section>
  );
}

/** One active filter as a chip: which group, which value. */
interface Chip {
  param: FilterParam | "inStock";
  value: string;
  group: string;
  label: string;
}

/** Labels for the active filters, from the facets when they list them (else from the URL value). */
function activeChips(facets: SearchFacet[], state: SearchState): Chip[] {
  const chips: Chip[] = [];
  for (const [param, values] of Object.entries(state.filters) as [FilterParam, string[]][]) {
    for (const value of values) {
      const facet = facets.find((f) => f.param === param && f.values.some((v) => v.value === value));
      const known = facet?.values.find((v) => v.value === value);
      const colon = value.indexOf(":");
      const fallbackGroup =
        param === "option" || param === "attr"
          ? value.slice(0, Math.max(colon, 0)).replace(/[_-]+/g, " ")
          : param.charAt(0).toUpperCase() + param.slice(1);
      const group = facet?.label ?? (fallbackGroup.charAt(0).toUpperCase() + fallbackGroup.slice(1) || param);
      const label =
        known?.label ??
        (colon >= 0 && (param === "option" || param === "attr") ? value.slice(colon + 1) : value);
      chips.push({ param, value, group, label });
    }
  }
  if (state.inStock)
    chips.push({ param: "inStock", value: "true", group: "Availability", label: "In stock" });
  return chips;
}

/** Removable chips for the active filters and a "Clear all" button; nothing when no filter is on. */
export function ActiveFilters({ facets, state, searchParams, onChange }: SearchFacetsProps) {
  if (!hasSearchFilters(state)) return null;
  const chips = activeChips(facets, state);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="active-filters">
      <h2 className="sr-only">Active filters</h2>
      <ul className="flex flex-wrap gap-2">
        {chips.map((chip) => (
          <li key={`${chip.param}=${chip.value}`}>
            <button
              type="button"
              aria-label={`Remove filter ${chip.group}: ${chip.label}`}
              onClick={() =>
                onChange(
                  chip.param === "inStock"
                    ? withSearchParam(searchParams, "inStock", undefined)
                    : toggleFilter(searchParams, chip.param, chip.value, false),
                )
              }
              className={cn(
                "inline-flex items-center gap-1.5 rounded-full border border-neutral-300 bg-white py-1 pr-2 pl-3 text-sm text-neutral-900 hover:border-accent-600 hover:bg-accent-50",
                focusRing,
              )}
            >
              <span className="text-neutral-600">{chip.group}:</span>
              {chip.label}
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="size-3.5 text-neutral-600"
                fill="none"
                stroke="currentColor"
                strokeWidth="2"
              >
                <path d="M4 4l8 8M12 4l-8 8" />
              </svg>
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => onChange(clearSearchFilters(searchParams))}
        className={cn("rounded-sm px-1 text-sm font-medium text-accent-700 hover:underline", focusRing)}
      >
        Clear all
      </button>
    </div>
  );
}
