/** Content (CMS): pages, the home page, menus, the announcement bar. Other modules import only from here. */
export { adminContentRoutes } from "./content.admin.routes.ts";
export { storeContentRoutes } from "./content.store.routes.ts";
