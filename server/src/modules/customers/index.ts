/** Customers: accounts, sessions and sign-in (better-auth). Other modules import only from here. */
export { type Auth, createAuth, isCommonPassword } from "./customers.auth.ts";
export { authRoutes } from "./customers.routes.ts";
