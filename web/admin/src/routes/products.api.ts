/**
 * The product list's and product editor's calls of the staff catalog API, on the typed client.
 * Saves send the version read as `If-Match`: a stale one is answered 409 STALE_VERSION.
 */
import { type BodyOf, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present, uploadImage } from "../api";

export type ProductDocument = ResponseOf<"/api/admin/products/{id}">;
export type ProductInput = BodyOf<"/api/admin/products">;
export type ProductListQuery = Partial<QueryOf<"/api/admin/products">>;
export type ProductList = ResponseOf<"/api/admin/products">;
export type StaffProductRow = ProductList["items"][number];
export type StaffCategory = ResponseOf<"/api/admin/categories">["items"][number];
export type UploadedImage = ResponseOf<"/api/admin/images", "post">;
export type BulkAction = BodyOf<"/api/admin/products/bulk">["action"];

const path = (id: string) => ({ path: { id } });
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

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
};
