/**
 * What staff publish for the storefront (pages, the home page's sections, menus, the announcement
 * bar), read from /api/store/content. With `?preview` in the page's URL, a signed-in staff member sees
 * the drafts instead (/api/admin/content/preview/*, their session cookie).
 */
import { ok, type ResponseOf } from "@bazaar/sdk";
import { queryOptions } from "@tanstack/react-query";
import { client } from "./api";

export type StoreHome = ResponseOf<"/api/store/content/home">;
export type HomeSection = StoreHome["sections"][number];
export type StorePage = ResponseOf<"/api/store/content/pages/{slug}">;
export type StoreLayout = ResponseOf<"/api/store/content/layout">;
export type Menu = NonNullable<StoreLayout["mainMenu"]>;
export type MenuItem = Menu["items"][number];
export type Announcement = NonNullable<StoreLayout["announcement"]>;

/** Whether this URL asks for a staff preview of drafts (`?preview` or `?preview=1`). */
export function isPreview(search: string): boolean {
  return new URLSearchParams(search).has("preview");
}

export const homeQuery = (preview = false) =>
  queryOptions({
    queryKey: ["content", "home", preview],
    queryFn: ({ signal }) =>
      ok(
        preview
          ? client.GET("/api/admin/content/preview/home", { signal })
          : client.GET("/api/store/content/home", { signal }),
      ) as Promise<StoreHome>,
    staleTime: preview ? 0 : 60_000,
  });

export const pageQuery = (slug: string, preview = false) =>
  queryOptions({
    queryKey: ["content", "page", slug, preview],
    queryFn: ({ signal }) =>
      ok(
        preview
          ? client.GET("/api/admin/content/preview/pages/{slug}", { params: { path: { slug } }, signal })
          : client.GET("/api/store/content/pages/{slug}", { params: { path: { slug } }, signal }),
      ) as Promise<StorePage>,
    staleTime: preview ? 0 : 60_000,
  });

export const layoutQuery = (preview = false) =>
  queryOptions({
    queryKey: ["content", "layout", preview],
    queryFn: ({ signal }) =>
      ok(
        preview
          ? client.GET("/api/admin/content/preview/layout", { signal })
          : client.GET("/api/store/content/layout", { signal }),
      ) as Promise<StoreLayout>,
    staleTime: preview ? 0 : 5 * 60_000,
  });

/** Whether a menu or banner link leaves the shop (an absolute http(s) URL). */
export function isExternal(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
