/** Kinds of product-to-product lists: co-purchases ("bought together") and catalog similarity. */
export const neighbourKinds = ["bought_together", "similar"] as const;
export type NeighbourKind = (typeof neighbourKinds)[number];
