/**
 * The settings screens' calls of the Bazaar API (/api/admin/settings/*, /api/admin/images), each one
 * line on the dashboard's typed client, and the shapes they answer (derived from the generated
 * OpenAPI types). Every save sends `If-Match` with the version the screen showed, so a save over
 * someone else's change answers 409 STALE_VERSION instead of overwriting it. Amounts are integer minor
 * units; tax rates basis points (600 = 6 %).
 */
import { type BodyOf, done, type Item, isApiError, ok, type ResponseOf } from "@bazaar/sdk";
import { client, uploadImage } from "../api";

/** Store details, currencies and locales, tax display, checkout options (one resource, one version). */
export type StoreSettings = ResponseOf<"/api/admin/settings/store">;
/** Any subset of the store settings; fields left out keep their value. */
export type StoreSettingsInput = BodyOf<"/api/admin/settings/store", "put">;
export type TaxRate = Item<ResponseOf<"/api/admin/settings/tax-rates">>;
export type TaxRateInput = BodyOf<"/api/admin/settings/tax-rates">;
export type TaxClass = Item<ResponseOf<"/api/admin/settings/tax-classes">>;
export type ShippingZone = Item<ResponseOf<"/api/admin/settings/shipping-zones">>;
export type ShippingMethod = ShippingZone["methods"][number];
export type ShippingZoneInput = BodyOf<"/api/admin/settings/shipping-zones">;
export type ShippingMethodInput = ShippingZoneInput["methods"][number];
export type TableRateRow = ShippingMethod["tableRates"][number];
export type PaymentProvider = Item<ResponseOf<"/api/admin/settings/payment-providers">>;
export type PaymentProviderInput = BodyOf<"/api/admin/settings/payment-providers/{code}", "put">;

/** The If-Match header for the version the screen shows. */
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/** Whether an error is the 409 of a save over a newer version (someone else saved in between). */
export const isStale = (error: unknown) => isApiError(error) && error.code === "STALE_VERSION";

export const settingsKey = ["admin", "settings"] as const;

export const settingsApi = {
  store: (signal?: AbortSignal) => ok(client.GET("/api/admin/settings/store", { signal })),
  saveStore: (version: number, body: StoreSettingsInput) =>
    ok(client.PUT("/api/admin/settings/store", { params: { header: ifMatch(version) }, body })),

  taxRates: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/settings/tax-rates", { signal }))).items,
  taxClasses: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/settings/tax-classes", { signal }))).items,
  createTaxRate: (body: TaxRateInput) => ok(client.POST("/api/admin/settings/tax-rates", { body })),
  saveTaxRate: (id: string, version: number, body: TaxRateInput) =>
    ok(
      client.PUT("/api/admin/settings/tax-rates/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  deleteTaxRate: (id: string, version: number) =>
    done(
      client.DELETE("/api/admin/settings/tax-rates/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),

  zones: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/settings/shipping-zones", { signal }))).items,
  zone: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/settings/shipping-zones/{id}", { params: { path: { id } }, signal })),
  createZone: (body: ShippingZoneInput) => ok(client.POST("/api/admin/settings/shipping-zones", { body })),
  saveZone: (id: string, version: number, body: ShippingZoneInput) =>
    ok(
      client.PUT("/api/admin/settings/shipping-zones/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  deleteZone: (id: string, version: number) =>
    done(
      client.DELETE("/api/admin/settings/shipping-zones/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),

  providers: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/settings/payment-providers", { signal }))).items,
  saveProvider: (code: string, version: number, body: PaymentProviderInput) =>
    ok(
      client.PUT("/api/admin/settings/payment-providers/{code}", {
        params: { path: { code }, header: ifMatch(version) },
        body,
      }),
    ),

  uploadImage,
};
