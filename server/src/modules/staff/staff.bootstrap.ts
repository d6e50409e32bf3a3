import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db.ts";
import { AppError } from "../../platform/errors.ts";
import { recordAudit } from "../audit/index.ts";
import type { Auth } from "../customers/index.ts";
import { assignRole, ensureBuiltInRoles, usersWithRoles } from "./staff.service.ts";

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

const setupIdentifier = "owner-setup";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * When the shop has no Owner and none is configured: makes a one-time setup token (24 hours; only its
 * hash is stored, replacing any earlier one) and returns the link to print, /admin/setup?token=...
 */
export async function createOwnerSetupLink(config: Config, auth: Auth): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const context = await auth.$context;
  await context.internalAdapter.deleteVerificationByIdentifier(setupIdentifier);
  await context.internalAdapter.createVerificationValue({
    identifier: setupIdentifier,
    value: sha256(token),
    expiresAt: new Date(Date.now() + 24 * 3_600_000),
  });
  return `${config.publicUrl}/admin/setup?token=${token}`;
}

/**
 * Creates the first Owner with the one-time setup token printed at start. Works once, and only
 * while the shop has no Owner.
 * @throws AppError 403 SETUP_NOT_ALLOWED (bad, used or expired token, or an Owner exists).
 */
export async function completeOwnerSetup(
  auth: Auth,
  db: Db,
  input: { token: string; name: string; email: string; password: string },
  ipAddress: string | null,
): Promise<{ userId: string }> {
  const refuse = () =>
    new AppError(403, "SETUP_NOT_ALLOWED", "This setup link is not valid, or the shop already has an Owner.");
  if ((await usersWithRoles(db, ["owner"])).length > 0) throw refuse();
  const context = await auth.$context;
  const stored = await context.internalAdapter.findVerificationValue(setupIdentifier);
  const given = Buffer.from(sha256(input.token));
  if (
    !stored ||
    stored.expiresAt < new Date() ||
    stored.value.length !== given.length ||
    !timingSafeEqual(Buffer.from(stored.value), given)
  ) {
    throw refuse();
  }
  await context.internalAdapter.deleteVerificationByIdentifier(setupIdentifier);
  const created = await auth.api.signUpEmail({
    body: { name: input.name, email: input.email, password: input.password },
  });
  await context.internalAdapter.updateUser(created.user.id, { emailVerified: true });
  await assignRole(db, created.user.id, "owner", { actorId: created.user.id, ipAddress });
  await recordAudit(db, {
    action: "staff.owner.setup",
    actorId: created.user.id,
    targetType: "user",
    targetId: created.user.id,
    ipAddress,
  });
  return { userId: created.user.id };
}
