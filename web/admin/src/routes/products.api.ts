/**
 * The product list's and product editor's calls of the catalog API, on the typed client: the staff
 * catalog (/api/admin/products...) and a vendor's own (/api/vendor/products..., same shapes), and the
 * context that tells the shared screens which one to use. Saves send the version read as `If-Match`:
 * a stale one is answered 409 STALE_VERSION.
 */
import { type BodyOf, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { createContext, useContext } from "react";
import { client, present, uploadImage } from "../api";
import { useCan } from "../queries";

export type ProductDocument = ResponseOf<"/api/admin/products/{id}">;
export type ProductInput = BodyOf<"/api/admin/products">;
export type ProductListQuery = Partial<QueryOf<"/api/admin/products">>;
export type ProductList = ResponseOf<"/api/admin/products">;
export type StaffProductRow = ProductList["items"][number];
export type StaffCategory = ResponseOf<"/api/admin/categories">["items"][number];
export type UploadedImage = ResponseOf<"/api/admin/images", "post">;
export type BulkAction = BodyOf<"/api/admin/products/bulk">["action"];
export type BulkResult = ResponseOf<"/api/admin/products/bulk", "post">;

/** The catalog calls the product screens make, whoever makes them. */
export interface CatalogCalls {
  list: (query: ProductListQuery, signal?: AbortSignal) => Promise<ProductList>;
  get: (id: string, signal?: AbortSignal) => Promise<ProductDocument>;
  create: (body: ProductInput) => Promise<ProductDocument>;
  save: (id: string, version: number, body: ProductInput) => Promise<ProductDocument>;
  remove: (id: string) => Promise<{ deleted: boolean; archived: boolean }>;
  bulk: (productIds: string[], action: BulkAction) => Promise<BulkResult>;
  categories: (signal?: AbortSignal) => Promise<StaffCategory[]>;
  uploadImage: (file: File) => Promise<UploadedImage>;
}

const path = (id: string) => ({ path: { id } });
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/** Staff's catalog: every product of the shop. */
export const productsApi = {
  list: (query: ProductListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/products", { params: { query: present({ limit: 50, ...query }) }, signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/products/{id}", { params: path(id), signal })),
  create: (body: ProductInput) => ok(client.POST("/api/admin/products", { body })),
  save: (id: string, version: number, body: ProductInput) =>
    ok(client.PUT("/api/admin/products/{id}", { params: { ...path(id), header: ifMatch(version) }, body })),
  remove: (id: string) => ok(client.DELETE("/api/admin/products/{id}", { params: path(id) })),
  bulk: (productIds: string[], action: BulkAction) =>
    ok(client.POST("/api/admin/products/bulk", { body: { productIds, action } })),
  categories: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/categories", { signal }))).items,
  uploadImage: (file: File) => uploadImage(file),
} satisfies CatalogCalls;

/**
 * A vendor's own catalog (the vendor portal): the vendor's products only (another vendor's answer
 * 404), the shop's category tree to file them under, and photo uploads.
 */
export const vendorProductsApi = {
  list: ({ vendorId: _all, ...query }: ProductListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/vendor/products", { params: { query: present({ limit: 50, ...query }) }, signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/vendor/products/{id}", { params: path(id), signal })),
  create: (body: ProductInput) => ok(client.POST("/api/vendor/products", { body })),
  save: (id: string, version: number, body: ProductInput) =>
    ok(client.PUT("/api/vendor/products/{id}", { params: { ...path(id), header: ifMatch(version) }, body })),
  remove: (id: string) => ok(client.DELETE("/api/vendor/products/{id}", { params: path(id) })),
  bulk: (productIds: string[], action: BulkAction) =>
    ok(client.POST("/api/vendor/products/bulk", { body: { productIds, action } })),
  categories: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/vendor/categories", { signal }))).items,
  uploadImage: (file: File) =>
    ok(
      client.POST("/api/vendor/images", {
        body: file,
        bodySerializer: (body: Blob) => body,
        headers: { "content-type": file.type || "application/octet-stream" },
      }),
    ),
} satisfies CatalogCalls;

/** Which catalog the product list and editor work on, where they live, and whether the user may write. */
export interface CatalogApi {
  api: CatalogCalls;
  /** Prefix of the screens' paths in the router: "" for staff (/products/...), "/vendor" in the portal. */
  basePath: string;
  /** Query key of everything read through `api` about products (lists, one product, pickers). */
  productsKey: readonly string[];
  /** Query key of the category tree read through `api`. */
  categoriesKey: readonly string[];
  /** Where the product list keeps its saved views (localStorage). */
  viewsKey: string;
  /** The page where stock of saved variants changes (staff: /inventory), or null when there is none. */
  inventoryPath: string | null;
  /** A hook: whether the user may change products (staff: the catalog:write permission). */
  useCanWrite: () => boolean;
  /** Why the screens are read only, said beside the editor's disabled save (none for staff). */
  readOnlyNote?: string;
}

export const productsKey = ["admin", "products"] as const;

const staffCatalog: CatalogApi = {
  api: productsApi,
  basePath: "",
  productsKey,
  categoriesKey: ["admin", "categories"],
  viewsKey: "bazaar.admin.products.views",
  inventoryPath: "/inventory",
  useCanWrite: () => useCan("catalog:write"),
};

const CatalogApiContext = createContext<CatalogApi>(staffCatalog);

/** Puts the product screens below it on another catalog (the vendor portal's); staff's without one. */
export const CatalogApiProvider = CatalogApiContext.Provider;

/** The catalog the product screens work on, and whether the signed-in user may change it. */
export function useCatalogApi(): CatalogApi & { canWrite: boolean } {
  const catalog = useContext(CatalogApiContext);
  const canWrite = catalog.useCanWrite();
  return { ...catalog, canWrite };
}
