/**
 * The content screen's calls of the staff content API (pages, home page, menus, announcement bar),
 * on the typed client. Saves and publications send the version read as `If-Match`: a stale one is
 * answered 409 STALE_VERSION (nothing is written).
 */
import { type BodyOf, errorFromResponse, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

export type PageEntry = ResponseOf<"/api/admin/content/pages/{id}">;
export type PageContent = PageEntry["draft"];
export type PageInput = BodyOf<"/api/admin/content/pages">;
export type PageList = ResponseOf<"/api/admin/content/pages">;
export type PageRow = PageList["items"][number];
export type PageListQuery = Partial<QueryOf<"/api/admin/content/pages">>;
export type HomeEntry = ResponseOf<"/api/admin/content/home">;
export type HomeContent = HomeEntry["draft"];
export type HomeSection = HomeContent["sections"][number];
export type MenuEntry = ResponseOf<"/api/admin/content/menus/{menu}">;
export type MenuContent = MenuEntry["draft"];
export type MenuName = "main" | "footer";
export type AnnouncementEntry = ResponseOf<"/api/admin/content/announcement">;
export type AnnouncementContent = AnnouncementEntry["draft"];
export type UploadedImage = ResponseOf<"/api/admin/content/images", "post">;
export type PublicationStatus = PageEntry["status"];

const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

const page = (id: string, version: number) => ({ params: { path: { id }, header: ifMatch(version) } });
const menu = (name: MenuName, version: number) => ({
  params: { path: { menu: name }, header: ifMatch(version) },
});
const versioned = (version: number) => ({ params: { header: ifMatch(version) } });

export const contentApi = {
  pages: (query: PageListQuery, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/content/pages", { params: { query: present({ limit: 50, ...query }) }, signal }),
    ),
  page: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/content/pages/{id}", { params: { path: { id } }, signal })),
  createPage: (body: PageInput) => ok(client.POST("/api/admin/content/pages", { body })),
  savePage: (id: string, version: number, body: PageInput) =>
    ok(client.PUT("/api/admin/content/pages/{id}", { ...page(id, version), body })),
  publishPage: (id: string, version: number) =>
    ok(client.POST("/api/admin/content/pages/{id}/publish", page(id, version))),
  unpublishPage: (id: string, version: number) =>
    ok(client.POST("/api/admin/content/pages/{id}/unpublish", page(id, version))),
  deletePage: (id: string, version: number) =>
    ok(client.DELETE("/api/admin/content/pages/{id}", page(id, version))),

  home: (signal?: AbortSignal) => ok(client.GET("/api/admin/content/home", { signal })),
  saveHome: (version: number, body: HomeContent) =>
    ok(client.PUT("/api/admin/content/home", { ...versioned(version), body })),
  publishHome: (version: number) => ok(client.POST("/api/admin/content/home/publish", versioned(version))),
  unpublishHome: (version: number) =>
    ok(client.POST("/api/admin/content/home/unpublish", versioned(version))),

  menu: (name: MenuName, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/content/menus/{menu}", { params: { path: { menu: name } }, signal })),
  saveMenu: (name: MenuName, version: number, body: MenuContent) =>
    ok(client.PUT("/api/admin/content/menus/{menu}", { ...menu(name, version), body })),
  publishMenu: (name: MenuName, version: number) =>
    ok(client.POST("/api/admin/content/menus/{menu}/publish", menu(name, version))),
  unpublishMenu: (name: MenuName, version: number) =>
    ok(client.POST("/api/admin/content/menus/{menu}/unpublish", menu(name, version))),

  announcement: (signal?: AbortSignal) => ok(client.GET("/api/admin/content/announcement", { signal })),
  saveAnnouncement: (version: number, body: AnnouncementContent) =>
    ok(client.PUT("/api/admin/content/announcement", { ...versioned(version), body })),
  publishAnnouncement: (version: number) =>
    ok(client.POST("/api/admin/content/announcement/publish", versioned(version))),
  unpublishAnnouncement: (version: number) =>
    ok(client.POST("/api/admin/content/announcement/unpublish", versioned(version))),

  /** Names of products by id (the store's summaries: products shoppers may see). */
  productNames: async (ids: string[], signal?: AbortSignal) =>
    ids.length === 0
      ? []
      : (await ok(client.POST("/api/store/products/summaries", { body: { ids: ids.slice(0, 50) }, signal })))
          .items,

  /** Uploads one banner image (its bytes are the body); answers its id and URLs. */
  uploadImage: async (file: File, alt = ""): Promise<UploadedImage> => {
    const response = await fetch("/api/admin/content/images", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": file.type || "application/octet-stream",
        "x-alt-text": encodeURIComponent(alt),
      },
      body: file,
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as UploadedImage;
  },
};
