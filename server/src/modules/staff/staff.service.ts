import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { recordAudit } from "../audit/index.ts";
import { builtInRoles, isPermission, type Permission, permissionsOf } from "./permissions.ts";
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

/** Staff members (users holding a role) with their role keys. */
export async function listStaffRoles(db: Db): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ userId: staffRoles.userId, key: roles.key })
    .from(staffRoles)
    .innerJoin(roles, eq(roles.id, staffRoles.roleId))
    .orderBy(staffRoles.createdAt);
  const byUser = new Map<string, string[]>();
  for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.key]);
  return byUser;
}

/**
 * Replaces a user's roles (an empty list removes them from staff), in one transaction, recording each
 * role added or removed. The shop always keeps at least one Owner.
 * @throws ValidationError (field `roles`) for an unknown role, or when the last Owner would lose the role.
 */
export async function setStaffRoles(
  db: Db,
  userId: string,
  roleKeys: string[],
  by: { actorId: string; ipAddress?: string | null },
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const wanted = [...new Set(roleKeys)];
    const found = wanted.length ? await tx.select().from(roles).where(inArray(roles.key, wanted)) : [];
    const unknown = wanted.filter((k) => !found.some((r) => r.key === k));
    if (unknown.length)
      throw new ValidationError([{ field: "roles", message: `unknown role "${unknown[0]}"` }]);
    const current = await tx
      .select({ key: roles.key, roleId: roles.id })
      .from(staffRoles)
      .innerJoin(roles, eq(roles.id, staffRoles.roleId))
      .where(eq(staffRoles.userId, userId));
    const removed = current.filter((c) => !wanted.includes(c.key));
    const added = found.filter((r) => !current.some((c) => c.key === r.key));
    if (removed.some((r) => r.key === "owner")) {
      const owners = await usersWithRoles(tx, ["owner"]);
      if (owners.length <= 1)
        throw new ValidationError([{ field: "roles", message: "the shop needs at least one Owner" }]);
    }
    for (const r of removed) {
      await tx.delete(staffRoles).where(and(eq(staffRoles.userId, userId), eq(staffRoles.roleId, r.roleId)));
      await recordAudit(tx, {
        action: "staff.role.removed",
        actorId: by.actorId,
        targetType: "user",
        targetId: userId,
        ipAddress: by.ipAddress ?? null,
        metadata: { role: r.key },
      });
    }
    for (const r of added) {
      await tx.insert(staffRoles).values({ userId, roleId: r.id });
      await recordAudit(tx, {
        action: "staff.role.assigned",
        actorId: by.actorId,
        targetType: "user",
        targetId: userId,
        ipAddress: by.ipAddress ?? null,
        metadata: { role: r.key },
      });
    }
    return wanted;
  });
}

/**
 * Creates or changes a custom role (built-in roles cannot be changed), recording the change.
 * @throws ValidationError naming the field: an unknown permission, a built-in role's key.
 */
export async function saveCustomRole(
  db: Db,
  input: { key: string; name: string; permissions: string[] },
  by: { actorId: string; ipAddress?: string | null },
): Promise<void> {
  if (!/^[a-z][a-z0-9_]{1,40}$/.test(input.key)) {
    throw new ValidationError([
      { field: "key", message: "use 2-41 lower-case letters, digits and underscores" },
    ]);
  }
  if (builtInRoles[input.key])
    throw new ValidationError([{ field: "key", message: "built-in roles cannot be changed" }]);
  const bad = input.permissions.find((p) => !isPermission(p));
  if (bad) throw new ValidationError([{ field: "permissions", message: `unknown permission "${bad}"` }]);
  await db
    .insert(roles)
    .values({
      id: newId("role"),
      key: input.key,
      name: input.name,
      permissions: [...new Set(input.permissions)],
      builtIn: false,
    })
    .onConflictDoUpdate({
      target: roles.key,
      set: { name: input.name, permissions: [...new Set(input.permissions)] },
    });
  await recordAudit(db, {
    action: "staff.role.saved",
    actorId: by.actorId,
    targetType: "role",
    targetId: input.key,
    ipAddress: by.ipAddress ?? null,
    metadata: { permissions: input.permissions },
  });
}

/** Deletes a custom role (its holders lose it). @throws ValidationError for a built-in role; NotFoundError otherwise unknown. */
export async function deleteCustomRole(
  db: Db,
  key: string,
  by: { actorId: string; ipAddress?: string | null },
): Promise<void> {
  if (builtInRoles[key])
    throw new ValidationError([{ field: "key", message: "built-in roles cannot be deleted" }]);
  const deleted = await db.delete(roles).where(eq(roles.key, key)).returning({ id: roles.id });
  if (deleted.length === 0) throw new NotFoundError("ROLE_NOT_FOUND", `No role "${key}"`);
  await recordAudit(db, {
    action: "staff.role.deleted",
    actorId: by.actorId,
    targetType: "role",
    targetId: key,
    ipAddress: by.ipAddress ?? null,
  });
}
