import type { CatalogPorts } from "../../modules/catalog/index.ts";
import { orderedProductIds } from "../../modules/orders/index.ts";

/**
 * The staff catalog routes' view of orders (`CatalogPorts`): orders sit above the catalog (an order
 * line names a product), so the app joins them here.
 */
export function catalogPorts(): CatalogPorts {
  return { orderedProductIds };
}
