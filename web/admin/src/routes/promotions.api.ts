/**
 * The promotions screen's calls of the staff promotions API, on the typed client. Saves, pauses and
 * deletes send the version read as `If-Match`: a stale one is answered 409 STALE_VERSION.
 */
import { type BodyOf, done, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

export type PromotionList = ResponseOf<"/api/admin/promotions">;
export type PromotionRow = PromotionList["items"][number];
export type PromotionDetail = ResponseOf<"/api/admin/promotions/{id}">;
export type PromotionListQuery = Partial<QueryOf<"/api/admin/promotions">>;
export type PromotionCreate = BodyOf<"/api/admin/promotions">;
export type PromotionPatch = BodyOf<"/api/admin/promotions/{id}", "patch">;
export type PromotionType = PromotionRow["type"];
export type PromotionStatus = PromotionRow["status"];
export type CouponCode = ResponseOf<"/api/admin/promotions/{id}/codes">["items"][number];
export type CouponCodeInput = BodyOf<"/api/admin/promotions/{id}/codes">;
export type GenerateCodesInput = BodyOf<"/api/admin/promotions/{id}/codes/generate">;
export type StaffCategory = ResponseOf<"/api/admin/categories">["items"][number];
export type CustomerGroupRef = { id: string; name: string };

const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

export const promotionsApi = {
  list: (query: PromotionListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/promotions", { params: { query: present({ limit: 50, ...query }) }, signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/promotions/{id}", { params: { path: { id } }, signal })),
  create: (body: PromotionCreate) => ok(client.POST("/api/admin/promotions", { body })),
  save: (id: string, version: number, body: PromotionPatch) =>
    ok(
      client.PATCH("/api/admin/promotions/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  pause: (id: string, version: number) =>
    ok(
      client.POST("/api/admin/promotions/{id}/pause", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  resume: (id: string, version: number) =>
    ok(
      client.POST("/api/admin/promotions/{id}/resume", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  remove: (id: string, version: number) =>
    ok(
      client.DELETE("/api/admin/promotions/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  codes: (id: string, query: { q?: string; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/promotions/{id}/codes", {
        params: { path: { id }, query: present({ limit: 50, ...query }) },
        signal,
      }),
    ),
  addCode: (id: string, body: CouponCodeInput) =>
    ok(client.POST("/api/admin/promotions/{id}/codes", { params: { path: { id } }, body })),
  generateCodes: (id: string, body: GenerateCodesInput) =>
    ok(client.POST("/api/admin/promotions/{id}/codes/generate", { params: { path: { id } }, body })),
  deleteCode: (id: string, codeId: string) =>
    done(client.DELETE("/api/admin/promotions/{id}/codes/{codeId}", { params: { path: { id, codeId } } })),
  /** Where the browser downloads every code as CSV (a plain link: the session cookie goes along). */
  codesCsvUrl: (id: string) => `/api/admin/promotions/${encodeURIComponent(id)}/codes.csv`,
  categories: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/categories", { signal }))).items,
  /**
   * Customer groups a promotion can be limited to, by name (the first 200; needs customers:read: without
   * it the editor shows only the groups the promotion already names).
   */
  customerGroups: async (signal?: AbortSignal): Promise<CustomerGroupRef[]> =>
    (
      await ok(client.GET("/api/admin/customer-groups", { params: { query: { limit: 200 } }, signal }))
    ).items.map((g) => ({ id: g.id, name: g.name })),
  /** The shop's currencies (ISO 4217), its default one first among them. */
  currencies: (signal?: AbortSignal) => ok(client.GET("/api/store/currencies", { signal })),
};
