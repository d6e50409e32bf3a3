/** The customer list's and customer page's calls of the staff API, on the typed client. */
import { done, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

export type CustomerList = ResponseOf<"/api/admin/customers">;
export type CustomerRow = CustomerList["items"][number];
export type CustomerDetail = ResponseOf<"/api/admin/customers/{id}">;
export type CustomerListQuery = Partial<QueryOf<"/api/admin/customers">>;

const path = (id: string) => ({ path: { id } });

export const customersApi = {
  list: (query: CustomerListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/customers", { params: { query: present({ limit: 50, ...query }) }, signal })),
  get: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/customers/{id}", { params: path(id), signal })),
  addNote: (id: string, body: string) =>
    ok(client.POST("/api/admin/customers/{id}/notes", { params: path(id), body: { body } })),
  /** Adds one tag atomically; answers the customer's tags. */
  addTag: async (id: string, tag: string) =>
    (await ok(client.POST("/api/admin/customers/{id}/tags", { params: path(id), body: { tag } }))).tags,
  /** Removes one tag atomically; answers the customer's tags. */
  removeTag: async (id: string, tag: string) =>
    (await ok(client.DELETE("/api/admin/customers/{id}/tags/{tag}", { params: { path: { id, tag } } }))).tags,
  deleteNote: (id: string, noteId: string) =>
    done(client.DELETE("/api/admin/customers/{id}/notes/{noteId}", { params: { path: { id, noteId } } })),
  sendPasswordReset: (id: string) =>
    ok(client.POST("/api/admin/customers/{id}/password-reset", { params: path(id) })),
  endSessions: (id: string) => ok(client.DELETE("/api/admin/customers/{id}/sessions", { params: path(id) })),
  exportData: (id: string) => ok(client.GET("/api/admin/customers/{id}/data-export", { params: path(id) })),
  erase: (id: string) => done(client.POST("/api/admin/customers/{id}/erase", { params: path(id) })),
};
