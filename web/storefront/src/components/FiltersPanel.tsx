import type { CategoryDetail } from "@bazaar/sdk";
import {
  Button,
  cn,
  currencySymbol,
  minorToDecimalString,
  parseMajorToMinor,
  Swatch,
  wholeMajorUnits,
} from "@bazaar/ui";
import { type FormEvent, useId, useState } from "react";
import {
  clearFilters,
  hasActiveFilters,
  type ListFilters,
  sortFacetValues,
  toggleOption,
  withParam,
} from "../filters";

export interface FiltersPanelProps {
  facets: CategoryDetail["facets"];
  filters: ListFilters;
  searchParams: URLSearchParams;
  onChange: (next: URLSearchParams) => void;
}

/** A CSS colour for a colour name when the browser knows it ("Black", "Lavender"); facets carry no swatch. */
function cssColor(name: string): string | null {
  const candidate = name.toLowerCase().replace(/\s+/g, "");
  return typeof CSS !== "undefined" && CSS.supports("color", candidate) ? candidate : null;
}

const legendClass = "text-sm font-semibold text-neutral-900";
const checkboxClass =
  "size-4 shrink-0 rounded border-neutral-400 accent-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600";

export function FiltersPanel({ facets, filters, searchParams, onChange }: FiltersPanelProps) {
  const baseId = useId();
  const currency = facets.price?.min.currency ?? "USD";

  return (
    <div className="space-y-6 rounded-xl border border-neutral-200 p-4 lg:border-0 lg:p-0">
      <div className="flex items-center justify-between">
        <h2 className="text-base font-semibold text-neutral-900">Filters</h2>
        {hasActiveFilters(filters) && (
          <button
            type="button"
            onClick={() => onChange(clearFilters(searchParams))}
            className="rounded-sm text-sm font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
          >
            Clear all
          </button>
        )}
      </div>

      {facets.options.map((facet) => {
        const selected = new Set(filters.options[facet.code] ?? []);
        const isColor = facet.code === "color";
        return (
          <fieldset key={facet.code} className="border-t border-neutral-200 pt-4">
            <legend className={`${legendClass} float-left mb-3 w-full`}>{facet.name}</legend>
            <ul className={isColor ? "clear-left space-y-2" : "clear-left grid grid-cols-2 gap-x-4 gap-y-2"}>
              {sortFacetValues(facet.values).map((v) => {
                const id = `${baseId}-${facet.code}-${v.value}`;
                return (
                  <li key={v.value} className="flex items-center gap-2">
                    <input
                      id={id}
                      type="checkbox"
                      className={checkboxClass}
                      checked={selected.has(v.value)}
                      aria-describedby={`${id}-count`}
                      onChange={(event) =>
                        onChange(toggleOption(searchParams, facet.code, v.value, event.target.checked))
                      }
                    />
                    <label htmlFor={id} className="flex min-w-0 items-center gap-2 text-sm text-neutral-800">
                      {isColor && <Swatch color={cssColor(v.value)} size="sm" />}
                      <span className="truncate">{v.value}</span>
                    </label>
                    <span id={`${id}-count`} className={cn("text-xs text-neutral-600", isColor && "ml-auto")}>
                      <span className="sr-only">{v.count} products</span>
                      <span aria-hidden="true">{v.count}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
          </fieldset>
        );
      })}

      <PriceFilter
        key={`${filters.priceMin ?? ""}-${filters.priceMax ?? ""}`}
        currency={currency}
        facets={facets}
        filters={filters}
        onApply={(min, max) => {
          let next = withParam(searchParams, "priceMin", min === undefined ? undefined : String(min));
          next = withParam(next, "priceMax", max === undefined ? undefined : String(max));
          onChange(next);
        }}
      />

      <fieldset className="border-t border-neutral-200 pt-4">
        <legend className={`${legendClass} float-left mb-3 w-full`}>Availability</legend>
        <div className="clear-left flex items-center gap-2">
          <input
            id={`${baseId}-in-stock`}
            type="checkbox"
            className={checkboxClass}
            checked={filters.inStock === true}
            onChange={(event) =>
              onChange(withParam(searchParams, "inStock", event.target.checked ? "true" : undefined))
            }
          />
          <label htmlFor={`${baseId}-in-stock`} className="text-sm text-neutral-800">
            In stock only
          </label>
        </div>
      </fieldset>
    </div>
  );
}

interface PriceFilterProps {
  currency: string;
  facets: CategoryDetail["facets"];
  filters: ListFilters;
  onApply: (min: number | undefined, max: number | undefined) => void;
}

/** Min/max inputs in major units (what shoppers type), applied as minor units. */
function PriceFilter({ currency, facets, filters, onApply }: PriceFilterProps) {
  const id = useId();
  const toInput = (minor: number | undefined) =>
    minor === undefined ? "" : minorToDecimalString(minor, currency).replace(/\.0+$/, "");
  const [min, setMin] = useState(toInput(filters.priceMin));
  const [max, setMax] = useState(toInput(filters.priceMax));
  const [error, setError] = useState<string | null>(null);
  const symbol = currencySymbol(currency);
  const span = facets.price;

  const parse = (raw: string): number | undefined | null => {
    if (raw.trim() === "") return undefined;
    const parsed = parseMajorToMinor(raw, currency);
    return parsed.ok ? parsed.minor : null;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const lo = parse(min);
    const hi = parse(max);
    if (lo === null || hi === null) {
      setError("Enter prices as positive numbers.");
      return;
    }
    if (lo !== undefined && hi !== undefined && lo > hi) {
      setError("The minimum price must not be above the maximum.");
      return;
    }
    setError(null);
    onApply(lo, hi);
  };

  const inputClass =
    "h-9 w-full rounded-lg border border-neutral-300 bg-white pr-2 pl-6 text-sm text-neutral-900 placeholder:text-neutral-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 aria-invalid:border-red-700";

  return (
    <form onSubmit={submit} noValidate>
      <fieldset className="border-t border-neutral-200 pt-4">
        <legend className={`${legendClass} float-left mb-3 w-full`}>Price</legend>
        <div className="clear-left flex items-end gap-2">
          <div className="flex-1">
            <label htmlFor={`${id}-min`} className="mb-1 block text-xs text-neutral-700">
              Min price
            </label>
            <div className="relative">
              <span
                aria-hidden="true"
                className="pointer-events-none absolute top-1/2 left-2 -translate-y-1/2 text-sm text-neutral-600"
              >
                {symbol}
              </span>
              <input
                id={`${id}-min`}
                name="priceMin"
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={min}
                placeholder={span ? String(wholeMajorUnits(span.min.amount, currency, "down")) : "0"}
                onChange={(event) => setMin(event.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                className={inputClass}
              />
            </div>
          </div>
          <div className="flex-1">
            <label htmlFor={`${id}-max`} className="mb-1 block text-xs text-neutral-700">
              Max price
            </label>
            <div className="relative">
              <span
                aria-hidden="true"
                className="pointer-events-none absolute top-1/2 left-2 -translate-y-1/2 text-sm text-neutral-600"
              >
                {symbol}
              </span>
              <input
                id={`${id}-max`}
                name="priceMax"
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={max}
                placeholder={span ? String(wholeMajorUnits(span.max.amount, currency, "up")) : ""}
                onChange={(event) => setMax(event.target.value)}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                className={inputClass}
              />
            </div>
          </div>
        </div>
        {error && (
          <p id={`${id}-error`} role="alert" className="mt-2 text-xs text-red-700">
            {error}
          </p>
        )}
        <Button type="submit" variant="secondary" size="sm" className="mt-3 w-full">
          Apply price
        </Button>
      </fieldset>
    </form>
  );
}
