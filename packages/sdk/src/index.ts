export { type Permission, permissionList } from "./permissions.ts";
export type * from "./types.ts";
