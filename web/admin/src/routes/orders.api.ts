/** The order desk's calls of the staff API (an order's notes and tags), on the typed client. */
import { ok, type ResponseOf } from "@bazaar/sdk";
import { client } from "../api";

export type OrderNote = ResponseOf<"/api/admin/orders/{id}/notes">["items"][number];
export type OrderTagUse = ResponseOf<"/api/admin/order-tags">["items"][number];

const path = (id: string) => ({ path: { id } });
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

export const orderDeskApi = {
  /** Notes, newest first. */
  notes: async (id: string, signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/orders/{id}/notes", { params: path(id), signal }))).items,
  addNote: async (id: string, body: string) =>
    (await ok(client.POST("/api/admin/orders/{id}/notes", { params: path(id), body: { body } }))).items,
  deleteNote: async (id: string, noteId: string) =>
    (await ok(client.DELETE("/api/admin/orders/{id}/notes/{noteId}", { params: { path: { id, noteId } } })))
      .items,
  /** Replaces the order's tags; 409 STALE_VERSION when the order changed since `version`. */
  setTags: (id: string, tags: string[], version: number) =>
    ok(
      client.PUT("/api/admin/orders/{id}/tags", {
        params: { path: { id }, header: ifMatch(version) },
        body: { tags },
      }),
    ),
  /** Tags in use on orders, most used first (suggestions). */
  tagsInUse: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/order-tags", { signal }))).items,
};
