import type { ProductDetail, Variant } from "@bazaar/sdk";

export type Selection = Record<string, string>;

const purchasable = (variant: Variant) => variant.stockStatus !== "out_of_stock";

function matches(variant: Variant, selection: Selection, ignore?: string): boolean {
  return Object.entries(selection).every(
    ([code, value]) => code === ignore || variant.options[code] === value,
  );
}

/** The variant matching a complete selection (every option chosen), else null. */
export function findVariant(product: ProductDetail, selection: Selection): Variant | null {
  if (product.options.length === 0)
    return product.variants.length === 1 ? (product.variants[0] ?? null) : null;
  if (!product.options.every((option) => selection[option.code] !== undefined)) return null;
  return product.variants.find((variant) => matches(variant, selection)) ?? null;
}

/**
 * Whether choosing `value` for `code` (keeping the other chosen options) leads to a variant that
 * exists and is not out of stock.
 */
export function isValueAvailable(
  product: ProductDetail,
  selection: Selection,
  code: string,
  value: string,
): boolean {
  return product.variants.some(
    (variant) => variant.options[code] === value && purchasable(variant) && matches(variant, selection, code),
  );
}

/** Options with a single purchasable value are chosen up front. */
export function initialSelection(product: ProductDetail): Selection {
  const selection: Selection = {};
  for (const option of product.options) {
    const available = option.values.filter((v) =>
      product.variants.some((variant) => variant.options[option.code] === v.value && purchasable(variant)),
    );
    if (available.length === 1 && available[0]) selection[option.code] = available[0].value;
  }
  return selection;
}

/** The image that best shows a (possibly partial) selection: the first matching variant's image. */
export function imageForSelection(product: ProductDetail, selection: Selection): string | null {
  if (Object.keys(selection).length === 0) return null;
  const exact = findVariant(product, selection);
  if (exact?.imageId) return exact.imageId;
  return product.variants.find((variant) => variant.imageId && matches(variant, selection))?.imageId ?? null;
}
