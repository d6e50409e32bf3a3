/** Customers: accounts, sessions and sign-in (better-auth). Other modules import only from here. */

export { accountRoutes } from "./customers.account.routes.ts";
export { type Auth, createAuth, isCommonPassword } from "./customers.auth.ts";
export { authRoutes } from "./customers.routes.ts";
export { type Address, type Profile, validateAddress } from "./customers.service.ts";
