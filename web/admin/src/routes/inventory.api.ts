/**
 * The inventory screen's calls of the Bazaar API (/api/admin/inventory/*), each one line on the
 * dashboard's typed client, and the shapes they answer (derived from the generated OpenAPI types).
 * Quantities are whole units. Location writes send `If-Match` with the version the screen showed, so a
 * save over someone else's change answers 409 STALE_VERSION instead of overwriting it.
 */
import { type BodyOf, done, type Item, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

/** A stock location with its version and what it holds. */
export type StockLocation = Item<ResponseOf<"/api/admin/inventory/locations">>;
export type LocationInput = BodyOf<"/api/admin/inventory/locations">;
export type LocationPatch = BodyOf<"/api/admin/inventory/locations/{id}", "patch">;
/** Filters and paging of the stock list. */
export type StockLevelQuery = Partial<QueryOf<"/api/admin/inventory/levels">>;
export type StockLevelPage = ResponseOf<"/api/admin/inventory/levels">;
/** A variant's stock at one location, with SKU, product and status. */
export type StockLevel = Item<StockLevelPage>;
export type StockFilter = NonNullable<StockLevelQuery["status"]>;
/** `{ variantId, locationId, reason, delta | newQuantity, note? }`. */
export type AdjustmentInput = BodyOf<"/api/admin/inventory/adjustments">;
export type StaffReason = AdjustmentInput["reason"];
export type TransferInput = BodyOf<"/api/admin/inventory/transfers">;
export type LevelSettings = BodyOf<"/api/admin/inventory/levels/{variantId}/{locationId}", "patch">;
/** Filters and paging of the stock ledger. */
export type LedgerQuery = Partial<QueryOf<"/api/admin/inventory/adjustments">>;
export type LedgerPage = ResponseOf<"/api/admin/inventory/adjustments">;
/** One ledger row: who, when, why, before → after. */
export type LedgerRow = Item<LedgerPage>;
export type LedgerReason = LedgerRow["reason"];

/** The If-Match header for the version the screen shows. */
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

export const inventoryApi = {
  locations: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/inventory/locations", { signal }))).items,
  createLocation: (body: LocationInput) => ok(client.POST("/api/admin/inventory/locations", { body })),
  /** Saves changes to a location as of `version` (409 STALE_VERSION when it moved on). */
  updateLocation: (id: string, version: number, body: LocationPatch) =>
    ok(
      client.PATCH("/api/admin/inventory/locations/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  deleteLocation: (id: string, version: number) =>
    done(
      client.DELETE("/api/admin/inventory/locations/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  levels: (query: StockLevelQuery, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/inventory/levels", {
        params: { query: present({ limit: 25, ...query }) },
        signal,
      }),
    ),
  variantLevels: (variantId: string, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/inventory/variants/{variantId}/levels", {
        params: { path: { variantId } },
        signal,
      }),
    ),
  adjust: (body: AdjustmentInput) => ok(client.POST("/api/admin/inventory/adjustments", { body })),
  transfer: (body: TransferInput) => ok(client.POST("/api/admin/inventory/transfers", { body })),
  updateLevel: (variantId: string, locationId: string, body: LevelSettings) =>
    ok(
      client.PATCH("/api/admin/inventory/levels/{variantId}/{locationId}", {
        params: { path: { variantId, locationId } },
        body,
      }),
    ),
  ledger: (query: LedgerQuery, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/inventory/adjustments", {
        params: { query: present({ limit: 25, ...query }) },
        signal,
      }),
    ),
};
