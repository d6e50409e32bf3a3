/**
 * The vendor screens' calls of the staff API (/api/admin/vendors*), each one line on the dashboard's
 * typed client, and the shapes they answer (derived from the generated OpenAPI types).
 */
import { type BodyOf, done, type Item, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

/** `{ items, counts }`: vendors newest first, and how many there are of each status (whatever the filter). */
export type VendorList = ResponseOf<"/api/admin/vendors">;
/** A vendor with its application: business details, payout, agreement, staff's last decision. */
export type VendorDetail = Item<VendorList>;
export type VendorStatus = VendorDetail["status"];
/** `status` (one status, or every one when left out) and `q` (words of the name, slug, legal name, e-mail). */
export type VendorListQuery = Partial<QueryOf<"/api/admin/vendors">>;
/** `{ vendor, members }`: one vendor and the accounts that work for it. */
export type VendorPage = ResponseOf<"/api/admin/vendors/{id}">;
export type VendorMember = VendorPage["members"][number];
/** `{ decision: "approve" | "reject" | "request_changes", reason? }` on an application. */
export type VendorReview = BodyOf<"/api/admin/vendors/{id}/review">;
/** `{ status: "active" | "suspended" | "closed", reason? }` of an admitted vendor. */
export type VendorStatusChange = BodyOf<"/api/admin/vendors/{id}/status">;
export type NewVendorMember = BodyOf<"/api/admin/vendors/{id}/members">;
export type VendorProducts = ResponseOf<"/api/admin/products">;

const path = (id: string) => ({ path: { id } });

export const vendorsApi = {
  list: (query: VendorListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/vendors", { params: { query: present(query) }, signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/vendors/{id}", { params: path(id), signal })),
  /** An active vendor straight away, without an application (e.g. a seller signed up offline). */
  create: (body: BodyOf<"/api/admin/vendors">) => ok(client.POST("/api/admin/vendors", { body })),
  /** Decides on an application; the applicant is e-mailed the decision and the reason. */
  review: (id: string, body: VendorReview) =>
    ok(client.POST("/api/admin/vendors/{id}/review", { params: path(id), body })),
  /** Suspends, closes or reinstates; the vendor is e-mailed the reason. */
  setStatus: (id: string, body: VendorStatusChange) =>
    ok(client.POST("/api/admin/vendors/{id}/status", { params: path(id), body })),
  addMember: (id: string, body: NewVendorMember) =>
    done(client.POST("/api/admin/vendors/{id}/members", { params: path(id), body })),
  /** The vendor's first 20 products, most recently updated first (the staff product list). */
  products: (vendorId: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/products", { params: { query: { vendorId, limit: 20 } }, signal })),
};
