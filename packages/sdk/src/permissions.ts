/** Staff permissions, the server's own list (one source for the API and the admin dashboard). */
export {
  type Permission,
  permissions as permissionList,
} from "../../../server/src/modules/staff/permissions.ts";
