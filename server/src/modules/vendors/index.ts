/** Vendors: marketplace sellers and the people who work for them. Other modules import only from here. */
export {
  adminVendorRoutes,
  assertVendorRouteDeclaresRole,
  vendorGuard,
  vendorRoutes,
} from "./vendors.routes.ts";
export { addVendorMember, createVendor, ensureVendors, membershipOf } from "./vendors.service.ts";
