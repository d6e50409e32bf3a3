/**
 * The vendor portal's calls of /api/vendor (besides the catalog, in routes/products.api.ts) and its
 * queries. Every /api/vendor answer may be a guard's refusal: 401 UNAUTHENTICATED, 403
 * NOT_VENDOR_MEMBER, VENDOR_NOT_APPROVED, VENDOR_CLOSED, and on writes VENDOR_SUSPENDED or
 * VENDOR_OWNER_ONLY.
 */
import { type BodyOf, ok, type ResponseOf } from "@bazaar/sdk";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { client } from "../api";
import { type CatalogApi, vendorProductsApi } from "../routes/products.api";

export type VendorProfile = ResponseOf<"/api/vendor/profile">;
export type VendorProfileInput = BodyOf<"/api/vendor/profile", "patch">;
export type VendorMember = ResponseOf<"/api/vendor/members">["items"][number];
/** A row of the vendor's order list (one vendor order: its part of a shopper's order). */
export type VendorOrderSummary = ResponseOf<"/api/vendor/orders">["items"][number];
/** One vendor order: the vendor's lines, where they go, its parcels and what the vendor is owed. */
export type VendorOrder = ResponseOf<"/api/vendor/orders/{id}">;
export type VendorOrderLine = VendorOrder["lines"][number];
export type VendorShipment = VendorOrder["shipments"][number];
/** What "Ship" sends: the carrier, tracking, and the lines and units in the parcel. */
export type VendorShipmentInput = BodyOf<"/api/vendor/orders/{id}/fulfillments">;
export type VendorOrderFilter = "to_ship" | "all";

/** The prefix of every query of the portal (cleared when someone signs in or out). */
export const vendorKey = ["vendor"] as const;
export const vendorProfileKey = ["vendor", "profile"] as const;
const membersKey = ["vendor", "members"] as const;
const sessionKey = ["vendor", "session"] as const;
/** The prefix of the order lists and counts (refetched after a shipment). */
export const vendorOrdersKey = ["vendor", "orders"] as const;
export const vendorOrderKey = (id: string) => ["vendor", "order", id] as const;

export const vendorApi = {
  profile: (signal?: AbortSignal) => ok(client.GET("/api/vendor/profile", { signal })),
  saveProfile: (body: VendorProfileInput) => ok(client.PATCH("/api/vendor/profile", { body })),
  members: async (signal?: AbortSignal) => (await ok(client.GET("/api/vendor/members", { signal }))).items,
  session: (signal?: AbortSignal) => ok(client.GET("/api/auth/get-session", { signal })),
  orders: (query: { filter: VendorOrderFilter; limit?: number; cursor?: string }, signal?: AbortSignal) =>
    ok(client.GET("/api/vendor/orders", { params: { query }, signal })),
  order: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/vendor/orders/{id}", { params: { path: { id } }, signal })),
  ship: (id: string, body: VendorShipmentInput) =>
    ok(client.POST("/api/vendor/orders/{id}/fulfillments", { params: { path: { id } }, body })),
};

/** The signed-in member's vendor (its profile and status): the portal's "who am I". */
export function useVendorProfile() {
  return useQuery({ queryKey: vendorProfileKey, queryFn: ({ signal }) => vendorApi.profile(signal) });
}

export function useVendorMembers() {
  return useQuery({ queryKey: membersKey, queryFn: ({ signal }) => vendorApi.members(signal) });
}

/** The vendor's orders, newest first, a page of 25 at a time ("Load more" fetches the next). */
export function useVendorOrders(filter: VendorOrderFilter) {
  return useInfiniteQuery({
    queryKey: [...vendorOrdersKey, "list", filter],
    queryFn: ({ pageParam, signal }) => vendorApi.orders({ filter, limit: 25, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** How many orders the vendor should ship now (the to-ship list's `total`, one row fetched). */
export function useOrdersToShipCount() {
  return useQuery({
    queryKey: [...vendorOrdersKey, "count", "to_ship"],
    queryFn: ({ signal }) => vendorApi.orders({ filter: "to_ship", limit: 1 }, signal),
    select: (list) => list.total,
    staleTime: 0,
  });
}

export function useVendorOrder(id: string) {
  return useQuery({
    queryKey: vendorOrderKey(id),
    queryFn: ({ signal }) => vendorApi.order(id, signal),
    staleTime: 0,
  });
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
