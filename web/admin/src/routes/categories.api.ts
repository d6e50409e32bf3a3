/**
 * The category tree editor's calls of the Bazaar API (/api/admin/categories*, /api/admin/images), each
 * one line on the dashboard's typed client, and the shapes they answer (derived from the generated
 * OpenAPI types). Writes to a category send `If-Match` with the version the screen showed, so a save
 * over someone else's change answers 409 STALE_VERSION instead of overwriting it.
 */
import { type BodyOf, done, type Item, isApiError, ok, type ResponseOf } from "@bazaar/sdk";
import { client, uploadImage } from "../api";

/** A category as staff edit it: texts, URL slug, place (parent, position), flags, image, version. */
export type StaffCategory = Item<ResponseOf<"/api/admin/categories">>;
/** The body of a new category: `name` required, the rest optional. */
export type CategoryInput = BodyOf<"/api/admin/categories">;
/** Any subset of the fields; `parentId` moves it, `position` reorders it among its siblings (from 0). */
export type CategoryPatch = BodyOf<"/api/admin/categories/{id}", "patch">;
/** An uploaded image: its id (a category's `imageId`), the original's URL and a 320 px WebP thumbnail. */
export type UploadedImage = ResponseOf<"/api/admin/images", "post">;

/** The image types the API takes (anything else answers 415). */
export const imageTypes = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"] as const;
/** The largest image the API takes (20 MB; 413 beyond). */
export const imageBytesMax = 20 * 1024 * 1024;

/** The If-Match header for the version the screen shows. */
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

/** Whether an error is the 409 of a write over a newer version (someone else saved in between). */
export const isStale = (error: unknown) => isApiError(error) && error.code === "STALE_VERSION";

export const categoriesApi = {
  /** Every category, parents before their children, siblings in order. */
  list: async (signal?: AbortSignal) => (await ok(client.GET("/api/admin/categories", { signal }))).items,
  create: (body: CategoryInput) => ok(client.POST("/api/admin/categories", { body })),
  /** Saves changes as of `version` (409 STALE_VERSION when it moved on); answers the new version. */
  update: (id: string, version: number, body: CategoryPatch) =>
    ok(
      client.PATCH("/api/admin/categories/{id}", {
        params: { path: { id }, header: ifMatch(version) },
        body,
      }),
    ),
  /** Deletes a category without subcategories (409 CATEGORY_HAS_CHILDREN otherwise). */
  remove: (id: string, version: number) =>
    done(
      client.DELETE("/api/admin/categories/{id}", {
        params: { path: { id }, header: ifMatch(version) },
      }),
    ),
  uploadImage,
};
