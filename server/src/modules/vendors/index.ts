/** Vendors: marketplace sellers, their applications and the people who work for them. Other modules import only from here. */

export {
  type CommissionLine,
  type CommissionRule,
  commissionsFor,
  deleteCommissionRule,
  type LineCommission,
  listCommissionRules,
  setCommissionRule,
} from "./vendors.commissions.ts";
export { vendorsPersonalData } from "./vendors.personal-data.ts";
export {
  adminVendorRoutes,
  assertVendorRouteDeclaresRole,
  storeVendorRoutes,
  vendorGuard,
  vendorRoutes,
} from "./vendors.routes.ts";
export {
  activeVendorNames,
  addVendorMember,
  createVendor,
  ensureVendors,
  getVendor,
  membershipOf,
  payoutDetailsOf,
  sellerAgreementVersion,
  setPayoutMethod,
  setStripeAccount,
  updateStripeAccountStatus,
  type VendorPayoutDetails,
} from "./vendors.service.ts";
