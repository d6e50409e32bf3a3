/** Inventory: stock per location, availability. Other modules import only from here. */
export {
  type Availability,
  deleteStockLevels,
  ensureDefaultLocation,
  getAvailability,
  getStockLevel,
  noStock,
  OutOfStockError,
  purchasableVariantCondition,
  releaseReservations,
  reservedForOrder,
  reserveStock,
  type ShortLine,
  type StockLevelInput,
  type StockLowEvent,
  type StockStatus,
  setStockLevels,
} from "./inventory.service.ts";
