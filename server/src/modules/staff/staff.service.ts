import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { recordAudit } from "../audit/index.ts";
import { builtInRoles, type Permission, permissionsOf } from "./permissions.ts";
import { roles, staffRoles } from "./staff.schema.ts";

/** Creates the built-in roles, and brings their permissions up to date (idempotent; run on start). */
export async function ensureBuiltInRoles(db: Db): Promise<void> {
  await db
    .insert(roles)
    .values(
      Object.entries(builtInRoles).map(([key, role]) => ({
        id: newId("role"),
        key,
        name: role.name,
        permissions: [...role.permissions],
        builtIn: true,
      })),
    )
    .onConflictDoUpdate({
      target: roles.key,
      set: { name: sql`excluded.name`, permissions: sql`excluded.permissions`, builtIn: true },
    });
}

/**
 * Gives a user a role (by key), recording who did it in the audit log. Idempotent.
 * @throws ValidationError (field `role`) for an unknown role key.
 */
export async function assignRole(
  db: Db,
  userId: string,
  roleKey: string,
  by: { actorId: string | null; ipAddress?: string | null } = { actorId: null },
): Promise<void> {
  const [role] = await db.select({ id: roles.id }).from(roles).where(eq(roles.key, roleKey));
  if (!role) throw new ValidationError([{ field: "role", message: `unknown role "${roleKey}"` }]);
  const added = await db
    .insert(staffRoles)
    .values({ userId, roleId: role.id })
    .onConflictDoNothing()
    .returning();
  if (added.length) {
    await recordAudit(db, {
      action: "staff.role.assigned",
      actorId: by.actorId,
      targetType: "user",
      targetId: userId,
      ipAddress: by.ipAddress ?? null,
      metadata: { role: roleKey },
    });
  }
}

/** A staff member's roles and the permissions they grant; `isStaff` is false for shoppers. */
export async function staffAccess(
  db: Db,
  userId: string,
): Promise<{ isStaff: boolean; roles: string[]; permissions: Set<Permission> }> {
  const rows = await db
    .select({ key: roles.key, permissions: roles.permissions })
    .from(staffRoles)
    .innerJoin(roles, eq(roles.id, staffRoles.roleId))
    .where(eq(staffRoles.userId, userId));
  return { isStaff: rows.length > 0, roles: rows.map((r) => r.key), permissions: permissionsOf(rows) };
}

/** User ids holding any of the given roles. */
export async function usersWithRoles(db: Db, roleKeys: string[]): Promise<string[]> {
  const rows = await db
    .select({ userId: staffRoles.userId })
    .from(staffRoles)
    .innerJoin(roles, eq(roles.id, staffRoles.roleId))
    .where(inArray(roles.key, roleKeys));
  return [...new Set(rows.map((r) => r.userId))];
}
