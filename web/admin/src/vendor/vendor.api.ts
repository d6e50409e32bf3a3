/**
 * The vendor portal's calls of /api/vendor (besides the catalog, in routes/products.api.ts) and its
 * queries. Every /api/vendor answer may be a guard's refusal: 401 UNAUTHENTICATED, 403
 * NOT_VENDOR_MEMBER, VENDOR_NOT_APPROVED, VENDOR_CLOSED, and on writes VENDOR_SUSPENDED or
 * VENDOR_OWNER_ONLY.
 */
import { type BodyOf, ok, type ResponseOf } from "@bazaar/sdk";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { client, present } from "../api";
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
/** `{ balances, payouts }`: what the vendor is owed per currency, and its latest payouts (newest first). */
export type VendorMoney = ResponseOf<"/api/vendor/balance">;
/** Per currency: `balance` (negative: the vendor owes the platform) = `available` (payable now) + `held`. */
export type VendorBalance = VendorMoney["balances"][number];
/** One payout: amount, method, status (pending, paid, failed, reversed), reference, dates. */
export type VendorPayout = VendorMoney["payouts"][number];
/** `{ currency, opening, closing, lines }`: every ledger line of a currency with the running balance. */
export type VendorStatement = ResponseOf<"/api/vendor/statement">;
export type VendorStatementLine = VendorStatement["lines"][number];
/** A statement's currency and its optional range (ISO date-times, both inclusive). */
export interface StatementQuery {
  currency: string;
  from?: string;
  to?: string;
}
/** How the vendor is paid: the method chosen, whether the shop pays out by Stripe, the Stripe account. */
export type PayoutAccount = ResponseOf<"/api/vendor/payouts/account">;
export type PayoutMethod = BodyOf<"/api/vendor/payouts/method", "put">["method"];

/** The prefix of every query of the portal (cleared when someone signs in or out). */
export const vendorKey = ["vendor"] as const;
export const vendorProfileKey = ["vendor", "profile"] as const;
const membersKey = ["vendor", "members"] as const;
const sessionKey = ["vendor", "session"] as const;
/** The prefix of the order lists and counts (refetched after a shipment). */
export const vendorOrdersKey = ["vendor", "orders"] as const;
export const vendorOrderKey = (id: string) => ["vendor", "order", id] as const;
/** The prefix of the vendor's money: balances and payouts, statements, payout account. */
export const vendorMoneyKey = ["vendor", "money"] as const;
const balanceKey = [...vendorMoneyKey, "balance"] as const;
export const payoutAccountKey = [...vendorMoneyKey, "account"] as const;

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
  balance: (signal?: AbortSignal) => ok(client.GET("/api/vendor/balance", { signal })),
  statement: (query: StatementQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/vendor/statement", { params: { query: present(query) }, signal })),
  payoutAccount: (signal?: AbortSignal) => ok(client.GET("/api/vendor/payouts/account", { signal })),
  /** Owners: a one-time link to Stripe's hosted onboarding (409 STRIPE_NOT_AVAILABLE without Stripe). */
  stripeOnboarding: () => ok(client.POST("/api/vendor/payouts/stripe-onboarding")),
  /** Owners: how the vendor is paid. */
  setPayoutMethod: (method: PayoutMethod) =>
    ok(client.PUT("/api/vendor/payouts/method", { body: { method } })),
  /** The shop's currencies, its default (the catalog's) first among them. */
  currencies: (signal?: AbortSignal) => ok(client.GET("/api/store/currencies", { signal })),
};

/** The address of the statement as CSV, with the same currency and range (a plain download link). */
export function statementCsvHref(query: StatementQuery): string {
  return `/api/vendor/statement.csv?${new URLSearchParams({ ...present(query) }).toString()}`;
}

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

/** The vendor's balances per currency and its latest payouts (refetched on every visit). */
export function useVendorMoney() {
  return useQuery({ queryKey: balanceKey, queryFn: ({ signal }) => vendorApi.balance(signal), staleTime: 0 });
}

/** The vendor's statement in a currency and range; the previous one stays shown while the next loads. */
export function useVendorStatement(query: StatementQuery | null) {
  return useQuery({
    queryKey: [...vendorMoneyKey, "statement", query],
    queryFn: ({ signal }) => vendorApi.statement(query!, signal),
    enabled: query !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** How the vendor is paid (the Stripe onboarding state changes on Stripe's side: always refetched). */
export function usePayoutAccount() {
  return useQuery({
    queryKey: payoutAccountKey,
    queryFn: ({ signal }) => vendorApi.payoutAccount(signal),
    staleTime: 0,
  });
}

/** The shop's default currency (of its catalog), once known. */
export function useShopCurrency(): string | undefined {
  const currencies = useQuery({
    queryKey: ["vendor", "currencies"],
    queryFn: ({ signal }) => vendorApi.currencies(signal),
    staleTime: 5 * 60_000,
  });
  return currencies.data?.default;
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
