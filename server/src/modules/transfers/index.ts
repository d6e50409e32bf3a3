/** Imports and exports staff run from the admin, as background jobs. Other modules import only from here. */
export { adminTransferRoutes } from "./transfers.routes.ts";
