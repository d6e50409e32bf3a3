/**
 * The marketplace on the storefront: a signed-in shopper's application to sell ("Sell on <shop>",
 * /api/store/account/vendor-application) and a vendor's public shop (/api/store/vendors/{slug}, its
 * products from /api/store/products?vendorId=).
 */
import { type BodyOf, isApiError, ok, type ResponseOf } from "@bazaar/sdk";
import { queryOptions } from "@tanstack/react-query";
import { client } from "./api";
import { PAGE_SIZE, productPagesQuery } from "./queries";

/** The shopper's application with the seller agreement version that applies. */
export type VendorApplicationState = ResponseOf<"/api/store/account/vendor-application">;
/** The application (the vendor it made): status, staff's last note, and what was sent. */
export type VendorApplication = VendorApplicationState["application"];
export type VendorStatus = VendorApplication["status"];
export type PayoutMethod = NonNullable<VendorApplication["payoutMethod"]>;
/** What the "Sell on <shop>" form sends (a first application, or one sent again). */
export type VendorApplicationInput = BodyOf<"/api/store/account/vendor-application">;
/** A vendor's public profile (its shop page). */
export type VendorProfile = ResponseOf<"/api/store/vendors/{slug}">;

/**
 * The signed-in shopper's application, or null when they have not applied (404 NO_APPLICATION).
 * Under "account": signing in or out forgets it.
 */
export const vendorApplicationQuery = () =>
  queryOptions({
    queryKey: ["account", "vendor-application"],
    queryFn: async ({ signal }): Promise<VendorApplicationState | null> => {
      try {
        return await ok(client.GET("/api/store/account/vendor-application", { signal }));
      } catch (error) {
        if (isApiError(error) && error.code === "NO_APPLICATION") return null;
        throw error;
      }
    },
    staleTime: 0,
  });

/** Applying to sell, or sending the application again after staff asked for changes or rejected it. */
export const vendorApi = {
  apply: (body: VendorApplicationInput) => ok(client.POST("/api/store/account/vendor-application", { body })),
};

/** An active vendor's public profile; an unknown (or not active) one rejects with 404 VENDOR_NOT_FOUND. */
export const vendorQuery = (slug: string) =>
  queryOptions({
    queryKey: ["vendor", slug],
    queryFn: ({ signal }) =>
      ok(client.GET("/api/store/vendors/{slug}", { params: { path: { slug } }, signal })),
  });

/** The vendor's products, newest pages by "Load more". */
export const vendorProductsQuery = (vendorId: string) => productPagesQuery({ vendorId, limit: PAGE_SIZE });

/** The shop address the server makes from a shop name (as `vendorSlugOf` on the server does). */
export function vendorSlugOf(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 61)
    .replace(/-+$/, "");
}

/** Where a vendor's shop lives on the storefront. */
export const vendorHref = (slug: string) => `/vendors/${encodeURIComponent(slug)}`;

/** The vendor portal: a separate app (the admin's), reached by a full page load. */
export const VENDOR_PORTAL_URL = "/admin/vendor";

/** The CMS page with the seller agreement's text. */
export const SELLER_AGREEMENT_URL = "/pages/seller-agreement";
