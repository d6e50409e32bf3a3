import type { ProductDetail, ProductOption } from "@bazaar/sdk";
import { cn, Swatch } from "@bazaar/ui";
import { type KeyboardEvent, useId, useRef } from "react";
import { isValueAvailable, type Selection } from "../variants";

export interface VariantPickerProps {
  product: ProductDetail;
  selection: Selection;
  onSelect: (code: string, value: string) => void;
  /** Show "Clear selection" (something beyond the preselected options is chosen). */
  canClear: boolean;
  onClear: () => void;
}

/** One radio group per option (`role="radiogroup"` labelled with the option name). */
export function VariantPicker({ product, selection, onSelect, canClear, onClear }: VariantPickerProps) {
  if (product.options.length === 0) return null;
  return (
    <div className="space-y-5">
      {product.options.map((option) => (
        <OptionGroup
          key={option.code}
          option={option}
          selected={selection[option.code]}
          isAvailable={(value) => isValueAvailable(product, selection, option.code, value)}
          onSelect={(value) => onSelect(option.code, value)}
        />
      ))}
      {canClear && (
        <button
          type="button"
          onClick={onClear}
          className="rounded-sm text-sm font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          Clear selection
        </button>
      )}
    </div>
  );
}

interface OptionGroupProps {
  option: ProductOption;
  selected: string | undefined;
  isAvailable: (value: string) => boolean;
  onSelect: (value: string) => void;
}

function OptionGroup({ option, selected, isAvailable, onSelect }: OptionGroupProps) {
  const labelId = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const isSwatch = option.values.some((v) => v.swatch);
  const enabled = option.values.map((v) => isAvailable(v.value));
  const checkedIndex = option.values.findIndex((v) => v.value === selected);
  // Roving tabindex: the checked radio, else the first enabled one, is the group's tab stop.
  const tabStop = checkedIndex >= 0 && enabled[checkedIndex] ? checkedIndex : enabled.indexOf(true);

  const move = (from: number, step: number) => {
    const count = option.values.length;
    for (let i = 1; i <= count; i++) {
      const index = (from + step * i + count) % count;
      if (enabled[index]) return index;
    }
    return -1;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let target = -1;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") target = move(index, 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") target = move(index, -1);
    else if (event.key === "Home") target = enabled.indexOf(true);
    else if (event.key === "End") target = enabled.lastIndexOf(true);
    else return;
    event.preventDefault();
    const value = option.values[target];
    if (target >= 0 && value) {
      refs.current[target]?.focus();
      onSelect(value.value);
    }
  };

  return (
    <div>
      <div id={labelId} className="mb-2 text-sm text-neutral-700">
        <span className="font-semibold text-neutral-900">{option.name}</span>
        {selected && <span>: {selected}</span>}
      </div>
      <div role="radiogroup" aria-label={option.name} className="flex flex-wrap gap-2">
        {option.values.map((v, index) => {
          const checked = v.value === selected;
          const disabled = !enabled[index];
          return (
            // biome-ignore lint/a11y/useSemanticElements: a button styled as a chip, following the ARIA radio group pattern
            <button
              key={v.id}
              ref={(el) => {
                refs.current[index] = el;
              }}
              type="button"
              role="radio"
              aria-checked={checked}
              aria-label={isSwatch ? v.value : undefined}
              title={isSwatch ? v.value + (disabled ? " (unavailable)" : "") : undefined}
              disabled={disabled}
              tabIndex={index === tabStop ? 0 : -1}
              onClick={() => onSelect(v.value)}
              onKeyDown={(event) => onKeyDown(event, index)}
              className={cn(
                "relative focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                isSwatch
                  ? "inline-flex size-10 items-center justify-center rounded-full border-2"
                  : "inline-flex h-10 min-w-12 items-center justify-center rounded-lg border px-3 text-sm font-medium",
                isSwatch
                  ? checked
                    ? "border-accent-700"
                    : "border-transparent hover:border-neutral-400"
                  : checked
                    ? "border-accent-700 bg-accent-700 text-white"
                    : "border-neutral-300 bg-white text-neutral-900 hover:border-neutral-900",
                disabled && "cursor-not-allowed opacity-60",
                disabled && !isSwatch && "border-dashed bg-neutral-50 text-neutral-600 line-through",
              )}
            >
              {isSwatch ? (
                <>
                  <Swatch color={v.swatch} size="lg" />
                  {disabled && (
                    <span aria-hidden="true" className="absolute inset-0 flex items-center justify-center">
                      <span className="h-0.5 w-9 rotate-45 rounded bg-neutral-700" />
                    </span>
                  )}
                </>
              ) : (
                v.value
              )}
            </button>
          );
        })}
      </div>
    </div>
  );
}
