/**
 * Outbox topic: products were created or changed (name, texts, prices, categories, attributes,
 * variants, status). Emitted in the writing transaction; the search index re-reads the products.
 */
export const productsChangedTopic = "catalog.products.changed";

/** Payload of `catalog.products.changed`: the ids of the products to re-read. */
export interface ProductsChangedEvent {
  productIds: string[];
}
