/**
 * The import and export screen's calls of the staff transfers API, on the typed client. An upload
 * sends the file itself as the body (like a product image), so it goes through fetch.
 */
import { type BodyOf, errorFromResponse, ok, type ResponseOf } from "@bazaar/sdk";
import { client } from "../api";

export type Transfer = ResponseOf<"/api/admin/transfers/{id}">;
export type TransferPage = ResponseOf<"/api/admin/transfers">;
export type ExportResource = BodyOf<"/api/admin/transfers/exports">["resource"];
export type ImportResource = "products" | "stock";

/** The media type an upload is sent with, from the file's name or type; null for another kind of file. */
export function uploadType(file: File): "text/csv" | "application/json" | null {
  const name = file.name.toLowerCase();
  if (name.endsWith(".json") || file.type === "application/json") return "application/json";
  if (name.endsWith(".csv") || file.type === "text/csv") return "text/csv";
  return null;
}

export const transfersApi = {
  list: (cursor: string | null, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/transfers", {
        params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    ),
  startExport: (resource: ExportResource) =>
    ok(client.POST("/api/admin/transfers/exports", { body: { resource, format: "csv" } })),
  /** Uploads a CSV or JSON file and queues its import; answers the queued transfer. */
  startImport: async (resource: ImportResource, file: File): Promise<Transfer> => {
    const response = await fetch(`/api/admin/transfers/imports?resource=${encodeURIComponent(resource)}`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": uploadType(file) ?? (file.type || "application/octet-stream"),
        "x-file-name": encodeURIComponent(file.name),
      },
      body: file,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as Transfer;
  },
};
