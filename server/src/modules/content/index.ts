/** Content (CMS): pages, the home page, menus, the announcement bar. Other modules import only from here. */
export { adminContentRoutes } from "./content.admin.routes.ts";
export { resolveHome } from "./content.render.ts";
export {
  type ContentImport,
  type ContentImportCounts,
  contentCacheNamespace,
  type ImportedPage,
  importContent,
  publishedPage,
  publishedSingletons,
} from "./content.service.ts";
export { storeContentRoutes } from "./content.store.routes.ts";
export type {
  HomeContent,
  HomeInput,
  HomeSection,
  MenuContent,
  PageContent,
  StoreHome,
  StorePage,
} from "./content.types.ts";
