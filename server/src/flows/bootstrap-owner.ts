import type { Config } from "../config.ts";
import type { Auth } from "../modules/customers/index.ts";
import { assignRole, ensureBuiltInRoles, usersWithRoles } from "../modules/staff/index.ts";
import type { Db } from "../platform/db.ts";

/**
 * On start: makes sure the built-in roles exist and, when ADMIN_EMAIL and ADMIN_PASSWORD are set,
 * that this account exists (email verified) and is an Owner. Returns what it did, for the start log.
 */
export async function bootstrapOwner(
  config: Config,
  auth: Auth,
  db: Db,
): Promise<"created" | "existing" | "no-owner" | "has-owner"> {
  await ensureBuiltInRoles(db);
  if (!config.adminEmail || !config.adminPassword) {
    return (await usersWithRoles(db, ["owner"])).length > 0 ? "has-owner" : "no-owner";
  }
  const context = await auth.$context;
  const found = await context.internalAdapter.findUserByEmail(config.adminEmail);
  let userId = found?.user.id;
  let outcome: "created" | "existing" = "existing";
  if (!userId) {
    const created = await auth.api.signUpEmail({
      body: { name: "Owner", email: config.adminEmail, password: config.adminPassword },
    });
    userId = created.user.id;
    outcome = "created";
  }
  await context.internalAdapter.updateUser(userId, { emailVerified: true });
  await assignRole(db, userId, "owner");
  return outcome;
}
