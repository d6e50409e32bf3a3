/**
 * The vendor portal's calls of /api/vendor (besides the catalog, in routes/products.api.ts) and its
 * queries. Every /api/vendor answer may be a guard's refusal: 401 UNAUTHENTICATED, 403
 * NOT_VENDOR_MEMBER, VENDOR_NOT_APPROVED, VENDOR_CLOSED, and on writes VENDOR_SUSPENDED or
 * VENDOR_OWNER_ONLY.
 */
import { type BodyOf, ok, type ResponseOf } from "@bazaar/sdk";
import { useQuery } from "@tanstack/react-query";
import { client } from "../api";
import { type CatalogApi, vendorProductsApi } from "../routes/products.api";

export type VendorProfile = ResponseOf<"/api/vendor/profile">;
export type VendorProfileInput = BodyOf<"/api/vendor/profile", "patch">;
export type VendorMember = ResponseOf<"/api/vendor/members">["items"][number];

/** The prefix of every query of the portal (cleared when someone signs in or out). */
export const vendorKey = ["vendor"] as const;
export const vendorProfileKey = ["vendor", "profile"] as const;
const membersKey = ["vendor", "members"] as const;
const sessionKey = ["vendor", "session"] as const;

export const vendorApi = {
  profile: (signal?: AbortSignal) => ok(client.GET("/api/vendor/profile", { signal })),
  saveProfile: (body: VendorProfileInput) => ok(client.PATCH("/api/vendor/profile", { body })),
  members: async (signal?: AbortSignal) => (await ok(client.GET("/api/vendor/members", { signal }))).items,
  session: (signal?: AbortSignal) => ok(client.GET("/api/auth/get-session", { signal })),
};

/** The signed-in member's vendor (its profile and status): the portal's "who am I". */
export function useVendorProfile() {
  return useQuery({ queryKey: vendorProfileKey, queryFn: ({ signal }) => vendorApi.profile(signal) });
}

export function useVendorMembers() {
  return useQuery({ queryKey: membersKey, queryFn: ({ signal }) => vendorApi.members(signal) });
}

/** The signed-in person's user id, once known. */
export function useSignedInUserId(): string | undefined {
  const session = useQuery({ queryKey: sessionKey, queryFn: ({ signal }) => vendorApi.session(signal) });
  return session.data?.user.id;
}

/** The signed-in member's role in the vendor ("owner" or "staff"), once known. */
export function useVendorRole(): string | undefined {
  const userId = useSignedInUserId();
  const members = useVendorMembers();
  return userId ? members.data?.find((m) => m.userId === userId)?.role : undefined;
}

/** The vendor's catalog for the shared product list and editor (see `CatalogApiProvider`). */
export function vendorCatalog(status: VendorProfile["status"]): CatalogApi {
  const active = status === "active";
  return {
    api: vendorProductsApi,
    basePath: "/vendor",
    productsKey: ["vendor", "products"],
    categoriesKey: ["vendor", "categories"],
    viewsKey: "bazaar.vendor.products.views",
    // No vendor inventory API yet: stock is set when a variant is created, then by the shop's staff.
    inventoryPath: null,
    useCanWrite: () => active,
    readOnlyNote: active ? undefined : "Your shop is suspended: its products can't be changed.",
  };
}

/** "bank_transfer" -> "Bank transfer", as the application's payout methods read. */
export const payoutMethods: Record<string, string> = {
  bank_transfer: "Bank transfer",
  stripe_connect: "Stripe Connect",
};

/** "PT" -> "Portugal" in the browser's language (the code itself when unknown). */
export function countryName(code: string): string {
  if (!code) return "—";
  try {
    return new Intl.DisplayNames(undefined, { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}
