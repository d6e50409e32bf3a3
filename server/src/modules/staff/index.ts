/** Staff: roles, permissions and who holds them. Other modules import only from here. */
export { builtInRoles, isPermission, type Permission, permissions } from "./permissions.ts";
export { ownerSetupRoutes } from "./staff.bootstrap.routes.ts";
export { bootstrapOwner, completeOwnerSetup, createOwnerSetupLink } from "./staff.bootstrap.ts";
export { adminGuard, assertAdminRouteDeclaresPermission, type RouteRequirement } from "./staff.guards.ts";
export { adminJobRoutes } from "./staff.jobs.routes.ts";
export { staffManagementRoutes } from "./staff.management.routes.ts";
export { staffRoutes } from "./staff.routes.ts";
export {
  assignRole,
  deleteCustomRole,
  ensureBuiltInRoles,
  listStaffRoles,
  saveCustomRole,
  setStaffRoles,
  staffAccess,
  usersWithRoles,
} from "./staff.service.ts";
