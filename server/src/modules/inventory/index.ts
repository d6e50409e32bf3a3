/** Inventory: stock per location, availability. Other modules import only from here. */
export {
  type Availability,
  deleteStockLevels,
  ensureDefaultLocation,
  getAvailability,
  getStockLevel,
  noStock,
  purchasableVariantCondition,
  type StockLevelInput,
  type StockStatus,
  setStockLevels,
} from "./inventory.service.ts";
