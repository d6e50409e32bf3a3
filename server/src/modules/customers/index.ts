/** Customers: accounts, sessions and sign-in (better-auth). Other modules import only from here. */

export { accountGuard, accountRoutes } from "./customers.account.routes.ts";
export {
  activeSessionsOf,
  addCustomerTag,
  addNote,
  assertCustomer,
  type CustomerNote,
  type CustomerQuery,
  type CustomerRow,
  type CustomerSession,
  type CustomerSort,
  customerSorts,
  customerTags,
  deleteNote,
  endSessionsOf,
  listCustomersForStaff,
  notesOf,
  removeCustomerTag,
  type TagChange,
} from "./customers.admin.ts";
export {
  type Auth,
  type AuthContext,
  createAuth,
  inviteToSetPassword,
  isCommonPassword,
  resolveAuthSecret,
} from "./customers.auth.ts";
export { adminCustomerGroupRoutes } from "./customers.groups.routes.ts";
export {
  type CustomerGroupUsage,
  type CustomerGroupUse,
  customerGroupIdsOf,
  customerGroupNames,
} from "./customers.groups.ts";
export { customersPersonalData } from "./customers.personal-data.ts";
export { authRoutes } from "./customers.routes.ts";
export {
  type AccountListRow,
  type Address,
  accountSummaries,
  getProfile,
  listAccountsPage,
  listAddresses,
  type Profile,
  validateAddress,
} from "./customers.service.ts";
export { endOverlongSessions } from "./customers.sessions.ts";
