/** Customers: accounts, sessions and sign-in (better-auth). Other modules import only from here. */

export { accountGuard, accountRoutes } from "./customers.account.routes.ts";
export {
  type Auth,
  type AuthContext,
  createAuth,
  inviteToSetPassword,
  isCommonPassword,
  resolveAuthSecret,
} from "./customers.auth.ts";
export { customersPersonalData } from "./customers.personal-data.ts";
export { authRoutes } from "./customers.routes.ts";
export { type Address, accountSummaries, type Profile, validateAddress } from "./customers.service.ts";
export { endOverlongSessions } from "./customers.sessions.ts";
