import type { CatalogPorts, StoreCatalogPorts } from "../../modules/catalog/index.ts";
import { orderedProductIds } from "../../modules/orders/index.ts";
import { activeVendorNames } from "../../modules/vendors/index.ts";

/**
 * The staff catalog routes' view of orders (`CatalogPorts`): orders sit above the catalog (an order
 * line names a product), so the app joins them here.
 */
export function catalogPorts(): CatalogPorts {
  return { orderedProductIds };
}

/**
 * The storefront catalog's view of vendors (`StoreCatalogPorts`): vendors sit above the catalog (they
 * switch their products on and off), so "sold by" is joined here. A vendor that does not sell now
 * (suspended, closed) names no one; its products are hidden anyway.
 */
export function storeCatalogPorts(): StoreCatalogPorts {
  return {
    async vendorName(db, vendorId) {
      const found = (await activeVendorNames(db, [vendorId])).get(vendorId);
      return found ? { name: found.name, slug: found.slug } : null;
    },
  };
}
