export type { AuthPaths, DeviceSession, SessionInfo, SessionUser, SignInResult } from "./auth.ts";
export * from "./client.ts";
export * from "./errors.ts";
export { isPermission, type Permission, permissionList } from "./permissions.ts";
export type { paths } from "./schema.ts";
export * from "./types.ts";
