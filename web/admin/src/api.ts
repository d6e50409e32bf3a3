/**
 * The admin dashboard's calls of the Bazaar API, each one line on the typed client of @bazaar/sdk
 * (types, errors, credentials and JSON are the SDK's), plus date formatting for tables.
 */
import {
  type BodyOf,
  createBazaarClient,
  done,
  ok,
  type QueryOf,
  type ShipmentInput,
  type SignInResult,
} from "@bazaar/sdk";

/** The one API client of the dashboard. */
export const client = createBazaarClient();

const path = <T>(p: T) => ({ params: { path: p } });

/** A query without its empty values (a cleared filter is not sent). */
export function present<T extends object>(query: T): T {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== "")) as T;
}

/**
 * Uploads an image file as it is (the body is the file) to the catalog's images; `alt` becomes its
 * default alt text. Answers its id and URLs (product photos, category images, the shop's logo).
 */
export const uploadImage = (file: Blob, alt?: string) =>
  ok(
    client.POST("/api/admin/images", {
      body: file,
      bodySerializer: (body: Blob) => body,
      headers: {
        "content-type": file.type || "application/octet-stream",
        ...(alt ? { "x-alt-text": encodeURIComponent(alt.slice(0, 500)) } : {}),
      },
    }),
  );

export const authApi = {
  signIn: (body: { email: string; password: string }): Promise<SignInResult> =>
    ok(client.POST("/api/auth/sign-in/email", { body })),
  verifyTotp: (body: { code: string; trustDevice?: boolean }) =>
    done(client.POST("/api/auth/two-factor/verify-totp", { body })),
  signOut: () => done(client.POST("/api/auth/sign-out", { body: {} })),
  setupOwner: (body: BodyOf<"/api/setup/owner">) => ok(client.POST("/api/setup/owner", { body })),
};

export const adminApi = {
  staff: (signal?: AbortSignal) => ok(client.GET("/api/admin/staff", { signal })),
  invite: (body: BodyOf<"/api/admin/staff/invitations">) =>
    ok(client.POST("/api/admin/staff/invitations", { body })),
  setRoles: (userId: string, roles: string[]) =>
    ok(client.PUT("/api/admin/staff/{userId}/roles", { ...path({ userId }), body: { roles } })),
  roles: (signal?: AbortSignal) => ok(client.GET("/api/admin/roles", { signal })),
  saveRole: (key: string, body: BodyOf<"/api/admin/roles/{key}", "put">) =>
    done(client.PUT("/api/admin/roles/{key}", { ...path({ key }), body })),
  deleteRole: (key: string) => done(client.DELETE("/api/admin/roles/{key}", path({ key }))),
  audit: (params: Partial<QueryOf<"/api/admin/audit-events">>, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/audit-events", { params: { query: present({ limit: 50, ...params }) }, signal }),
    ),
  mail: (params: Partial<QueryOf<"/api/admin/mail-messages">>, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/mail-messages", {
        params: { query: present({ limit: 20, ...params }) },
        signal,
      }),
    ),
  apiKeys: (signal?: AbortSignal) => ok(client.GET("/api/admin/api-keys", { signal })),
  createApiKey: (body: BodyOf<"/api/admin/api-keys">) => ok(client.POST("/api/admin/api-keys", { body })),
  revokeApiKey: (id: string) => done(client.DELETE("/api/admin/api-keys/{id}", path({ id }))),
  orders: (params: Partial<QueryOf<"/api/admin/orders">>, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/orders", { params: { query: present({ limit: 50, ...params }) }, signal })),
  order: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/orders/{id}", { ...path({ id }), signal })),
  cancelOrder: (id: string, reason: string) =>
    ok(client.POST("/api/admin/orders/{id}/cancel", { ...path({ id }), body: { reason } })),
  refundOrder: (id: string, body: BodyOf<"/api/admin/orders/{id}/refunds">, idempotencyKey: string) =>
    ok(
      client.POST("/api/admin/orders/{id}/refunds", {
        params: { path: { id }, header: { "idempotency-key": idempotencyKey } },
        body,
      }),
    ),
  shipOrder: (id: string, body: ShipmentInput) =>
    ok(client.POST("/api/admin/orders/{id}/fulfillments", { ...path({ id }), body })),
  markOrderPaid: (id: string) => ok(client.POST("/api/admin/orders/{id}/mark-paid", path({ id }))),
  approveOrder: (id: string) => ok(client.POST("/api/admin/orders/{id}/approve", path({ id }))),
  markReadyForPickup: (id: string) =>
    ok(client.POST("/api/admin/orders/{id}/ready-for-pickup", path({ id }))),
  markPickedUp: (id: string) => ok(client.POST("/api/admin/orders/{id}/picked-up", path({ id }))),
  openReturns: (signal?: AbortSignal) => ok(client.GET("/api/admin/returns", { signal })),
  decideReturn: (id: string, decision: "approve" | "reject", note?: string) =>
    ok(
      decision === "approve"
        ? client.POST("/api/admin/returns/{id}/approve", { ...path({ id }), body: note ? { note } : {} })
        : client.POST("/api/admin/returns/{id}/reject", { ...path({ id }), body: note ? { note } : {} }),
    ),
  receiveReturn: (id: string, body: BodyOf<"/api/admin/returns/{id}/receive">) =>
    ok(client.POST("/api/admin/returns/{id}/receive", { ...path({ id }), body })),
  openDisputes: (signal?: AbortSignal) => ok(client.GET("/api/admin/disputes", { signal })),
  priceLists: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/price-lists", { signal }))).items,
  savePriceList: (currency: string, body: BodyOf<"/api/admin/price-lists/{currency}", "put">) =>
    ok(client.PUT("/api/admin/price-lists/{currency}", { ...path({ currency }), body })),
  priceListPrices: (
    currency: string,
    query: { search?: string; cursor?: string | null },
    signal?: AbortSignal,
  ) =>
    ok(
      client.GET("/api/admin/price-lists/{currency}/prices", {
        params: {
          path: { currency },
          query: present({ limit: 50, search: query.search, cursor: query.cursor ?? undefined }),
        },
        signal,
      }),
    ),
  setPriceListPrices: (
    currency: string,
    prices: BodyOf<"/api/admin/price-lists/{currency}/prices", "put">["prices"],
  ) =>
    ok(client.PUT("/api/admin/price-lists/{currency}/prices", { ...path({ currency }), body: { prices } })),
  jobQueues: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/jobs/queues", { signal }))).items,
  deadJobs: (name: string, cursor: string | null, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/jobs/queues/{name}/failed", {
        params: { path: { name }, query: present({ limit: 20, cursor: cursor ?? undefined }) },
        signal,
      }),
    ),
  retryJob: (id: string) => ok(client.POST("/api/admin/jobs/{id}/retry", path({ id }))),
  lowStock: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/inventory/low-stock", { params: { query: { limit: 100 } }, signal })))
      .items,
};

/** A date and time for tables, in the browser's locale. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** A date alone (no time), in the browser's locale. */
export function formatDate(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}
