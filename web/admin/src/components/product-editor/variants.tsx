import { Button, Field, MoneyField } from "@bazaar/ui";
import { useState } from "react";
import { useCatalogApi } from "../../routes/products.api";
import type { DraftImage } from "./media";

/** An option of a configurable product (Size, Colour) and its values in order. */
export interface DraftOption {
  code: string;
  name: string;
  values: string[];
}

/** A variant row of the editor. Amounts in minor units of the product's currency; times as datetime-local text. */
export interface DraftVariant {
  /** React key (stable for new rows too). */
  key: string;
  /** The stored variant's id; undefined for a new one. */
  id?: string;
  sku: string;
  options: Record<string, string>;
  priceAmount: number | null;
  compareAtAmount: number | null;
  specialPriceAmount: number | null;
  specialFrom: string;
  specialTo: string;
  weightGrams: string;
  barcode: string;
  imageId: string | null;
  /** Units on hand for a new variant (at the default location). */
  initialStock: string;
  /** Sellable units of a stored variant (read-only here). */
  availableQuantity?: number;
}

let keys = 0;
export const newKey = () => `v${++keys}`;

/** "Colour" -> "colour", "Shoe size" -> "shoe_size": an option's code. */
export function optionCode(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_|_$/g, "")
      .slice(0, 40) || "option"
  );
}

function skuPart(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, "")
    .slice(0, 12);
}

/**
 * One variant per combination of the options' values (size x colour), keeping the rows that already
 * exist for a combination (their ids, SKUs, prices, stock) and giving new ones a SKU made of the
 * product SKU and the values, and the first row's prices.
 */
export function generateVariants(
  productSku: string,
  options: DraftOption[],
  current: DraftVariant[],
): DraftVariant[] {
  const usable = options.filter((o) => o.values.length > 0);
  let combos: Record<string, string>[] = [{}];
  for (const option of usable)
    combos = combos.flatMap((combo) => option.values.map((value) => ({ ...combo, [option.code]: value })));
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    usable.every((o) => a[o.code] === b[o.code]);
  const template = current[0];
  return combos.map((combo) => {
    const existing = current.find((v) => same(v.options, combo));
    if (existing) return { ...existing, options: combo };
    return {
      key: newKey(),
      sku: [productSku, ...usable.map((o) => skuPart(combo[o.code]!))].filter(Boolean).join("-"),
      options: combo,
      priceAmount: template?.priceAmount ?? null,
      compareAtAmount: template?.compareAtAmount ?? null,
      specialPriceAmount: null,
      specialFrom: "",
      specialTo: "",
      weightGrams: template?.weightGrams ?? "",
      barcode: "",
      imageId: null,
      initialStock: "0",
    };
  });
}

/** The options of a configurable product: names and comma-separated values. */
export function OptionsEditor({
  options,
  onChange,
  readOnly,
}: {
  options: DraftOption[];
  onChange: (options: DraftOption[]) => void;
  readOnly: boolean;
}) {
  const [texts, setTexts] = useState(() => options.map((o) => o.values.join(", ")));
  const update = (index: number, change: Partial<DraftOption>) =>
    onChange(options.map((o, i) => (i === index ? { ...o, ...change } : o)));
  return (
    <div className="space-y-3">
      {options.map((option, index) => (
        <fieldset
          key={index}
          className="grid gap-3 rounded-lg border border-neutral-200 p-3 sm:grid-cols-[12rem_1fr_auto]"
        >
          <legend className="sr-only">Option {index + 1}</legend>
          <Field
            label="Option name"
            name={`options.${index}.name`}
            value={option.name}
            readOnly={readOnly}
            maxLength={80}
            onChange={(e) => {
              const name = e.currentTarget.value;
              update(index, { name, code: optionCode(name) });
            }}
          />
          <Field
            label="Values"
            name={`options.${index}.values`}
            hint="Separated by commas, in display order: S, M, L"
            value={texts[index] ?? ""}
            readOnly={readOnly}
            onChange={(e) => {
              const text = e.currentTarget.value;
              setTexts((all) => all.map((t, i) => (i === index ? text : t)));
              const values = [
                ...new Set(
                  text
                    .split(",")
                    .map((v) => v.trim())
                    .filter(Boolean),
                ),
              ];
              update(index, { values });
            }}
          />
          {!readOnly && (
            <div className="flex items-end pb-6">
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setTexts((all) => all.filter((_, i) => i !== index));
                  onChange(options.filter((_, i) => i !== index));
                }}
              >
                Remove option
              </Button>
            </div>
          )}
        </fieldset>
      ))}
      {!readOnly && options.length < 5 && (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            setTexts((all) => [...all, ""]);
            onChange([...options, { code: "", name: "", values: [] }]);
          }}
        >
          Add option
        </Button>
      )}
    </div>
  );
}

/**
 * The variants: per row its options, SKU, prices (regular, compare-at, special with its window),
 * weight, barcode, photo and stock (initial units for a new variant; stored ones show what can be
 * sold and change through Inventory).
 */
export function VariantsEditor({
  variants,
  options,
  currency,
  images,
  onChange,
  readOnly,
  single,
}: {
  variants: DraftVariant[];
  options: DraftOption[];
  currency: string;
  images: DraftImage[];
  onChange: (variants: DraftVariant[]) => void;
  readOnly: boolean;
  /** One variant without options (simple, digital, bundle, grouped products). */
  single: boolean;
}) {
  const { inventoryPath } = useCatalogApi();
  const update = (key: string, change: Partial<DraftVariant>) =>
    onChange(variants.map((v) => (v.key === key ? { ...v, ...change } : v)));
  return (
    <ol className="space-y-4">
      {variants.map((variant, index) => {
        const label = single
          ? "Price and stock"
          : options
              .map((o) => variant.options[o.code])
              .filter(Boolean)
              .join(" / ") || `Variant ${index + 1}`;
        return (
          <li key={variant.key} className="rounded-lg border border-neutral-200 bg-white p-4">
            <fieldset>
              <legend className="mb-3 font-semibold text-neutral-900">{label}</legend>
              <div className="grid gap-x-4 sm:grid-cols-2 lg:grid-cols-4">
                {!single && (
                  <Field
                    label="SKU"
                    name={`variants.${index}.sku`}
                    value={variant.sku}
                    readOnly={readOnly}
                    maxLength={64}
                    required
                    onChange={(e) => update(variant.key, { sku: e.currentTarget.value })}
                  />
                )}
                <MoneyField
                  label="Price"
                  name={`variants.${index}.priceAmount`}
                  currency={currency}
                  value={variant.priceAmount}
                  readOnly={readOnly}
                  required
                  onValueChange={(priceAmount) => update(variant.key, { priceAmount })}
                />
                <MoneyField
                  label="Compare-at price"
                  hint="Shown struck through."
                  name={`variants.${index}.compareAtAmount`}
                  currency={currency}
                  value={variant.compareAtAmount}
                  readOnly={readOnly}
                  onValueChange={(compareAtAmount) => update(variant.key, { compareAtAmount })}
                />
                <Field
                  label="Weight (grams)"
                  name={`variants.${index}.weightGrams`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  step={1}
                  value={variant.weightGrams}
                  readOnly={readOnly}
                  onChange={(e) => update(variant.key, { weightGrams: e.currentTarget.value })}
                />
                <MoneyField
                  label="Special price"
                  hint="A sale price, inside its dates."
                  name={`variants.${index}.specialPriceAmount`}
                  currency={currency}
                  value={variant.specialPriceAmount}
                  readOnly={readOnly}
                  onValueChange={(specialPriceAmount) => update(variant.key, { specialPriceAmount })}
                />
                <Field
                  label="Special from"
                  name={`variants.${index}.specialFrom`}
                  type="datetime-local"
                  value={variant.specialFrom}
                  readOnly={readOnly}
                  hint="Empty: from now."
                  onChange={(e) => update(variant.key, { specialFrom: e.currentTarget.value })}
                />
                <Field
                  label="Special until"
                  name={`variants.${index}.specialTo`}
                  type="datetime-local"
                  value={variant.specialTo}
                  readOnly={readOnly}
                  hint="Empty: no end."
                  onChange={(e) => update(variant.key, { specialTo: e.currentTarget.value })}
                />
                <Field
                  label="Barcode (GTIN)"
                  name={`variants.${index}.barcode`}
                  inputMode="numeric"
                  value={variant.barcode}
                  readOnly={readOnly}
                  maxLength={14}
                  onChange={(e) => update(variant.key, { barcode: e.currentTarget.value })}
                />
                {images.length > 0 && !single && (
                  <label className="mb-6 block text-sm font-medium text-neutral-800">
                    Photo
                    <select
                      className="mt-1 block h-10 w-full rounded-lg border border-neutral-300 bg-white px-2 text-sm"
                      value={variant.imageId ?? ""}
                      disabled={readOnly}
                      onChange={(e) => update(variant.key, { imageId: e.currentTarget.value || null })}
                    >
                      <option value="">The product's main photo</option>
                      {images.map((image, i) => (
                        <option key={image.id} value={image.id}>
                          Photo {i + 1}
                          {image.alt ? `: ${image.alt}` : ""}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                {variant.id ? (
                  <div className="mb-6 text-sm">
                    <span className="block font-medium text-neutral-800">Stock</span>
                    <span className="mt-2 block text-neutral-700">
                      {variant.availableQuantity ?? 0} available ·{" "}
                      {inventoryPath ? (
                        <>
                          change it in{" "}
                          <a
                            className="text-accent-800 underline"
                            href={`/admin${inventoryPath}?q=${encodeURIComponent(variant.sku)}`}
                          >
                            Inventory
                          </a>
                        </>
                      ) : (
                        "to change it, ask the shop's staff"
                      )}
                    </span>
                  </div>
                ) : (
                  <Field
                    label="Units in stock"
                    name={`variants.${index}.initialStock`}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    step={1}
                    value={variant.initialStock}
                    readOnly={readOnly}
                    hint="At the default location."
                    onChange={(e) => update(variant.key, { initialStock: e.currentTarget.value })}
                  />
                )}
              </div>
              {!readOnly && !single && variants.length > 1 && (
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => onChange(variants.filter((v) => v.key !== variant.key))}
                >
                  Remove variant {label}
                </Button>
              )}
            </fieldset>
          </li>
        );
      })}
    </ol>
  );
}
