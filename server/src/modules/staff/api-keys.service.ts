import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { recordAudit } from "../audit/index.ts";
import { isPermission, type Permission } from "./permissions.ts";
import { apiKeys } from "./staff.schema.ts";

/** Secrets look like `bz_live_<43 base64url chars>` (256 random bits). */
const secretPattern = /^bz_live_[A-Za-z0-9_-]{43}$/;

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function view(row: typeof apiKeys.$inferSelect): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API key scoped to `permissions`, which must all be held by its creator. Returns the
 * secret once; only its SHA-256 hash is stored (a 256-bit random secret needs no slow hash).
 * @throws ValidationError (field `permissions`) for an unknown permission or one the creator lacks.
 */
export async function createApiKey(
  db: Db,
  input: { name: string; permissions: string[]; expiresAt?: Date | null },
  creator: { userId: string; permissions: Set<Permission>; ipAddress?: string | null },
): Promise<{ key: ApiKeyView; secret: string }> {
  for (const p of input.permissions) {
    if (!isPermission(p))
      throw new ValidationError([{ field: "permissions", message: `unknown permission "${p}"` }]);
    if (!creator.permissions.has(p)) {
      throw new ValidationError([
        { field: "permissions", message: `you cannot grant "${p}", which you do not hold` },
      ]);
    }
  }
  if (input.permissions.length === 0)
    throw new ValidationError([{ field: "permissions", message: "choose at least one" }]);
  const secret = `bz_live_${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId("key"),
      name: input.name,
      prefix: secret.slice(0, 12),
      secretHash: hashOf(secret),
      permissions: [...new Set(input.permissions)],
      createdBy: creator.userId,
      expiresAt: input.expiresAt ?? null,
    })
    .returning();
  await recordAudit(db, {
    action: "api_key.created",
    actorId: creator.userId,
    targetType: "api_key",
    targetId: row!.id,
    ipAddress: creator.ipAddress ?? null,
    metadata: { name: input.name, permissions: row!.permissions },
  });
  return { key: view(row!), secret };
}

/** All keys, newest first (secrets are never shown again). */
export async function listApiKeys(db: Db): Promise<ApiKeyView[]> {
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(view);
}

/** Revokes a key at once. @throws NotFoundError (API_KEY_NOT_FOUND). */
export async function revokeApiKey(
  db: Db,
  id: string,
  actor: { userId: string; ipAddress?: string | null },
): Promise<void> {
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (revoked.length === 0) throw new NotFoundError("API_KEY_NOT_FOUND", "No such active API key");
  await recordAudit(db, {
    action: "api_key.revoked",
    actorId: actor.userId,
    targetType: "api_key",
    targetId: id,
    ipAddress: actor.ipAddress ?? null,
  });
}

/**
 * The key a request presents (`Authorization: Bearer bz_live_...`), if it is valid: not revoked, not
 * expired. Records its last use.
 */
export async function authenticateApiKey(
  db: Db,
  secret: string,
): Promise<{ id: string; permissions: Set<Permission> } | null> {
  if (!secretPattern.test(secret)) return null;
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.secretHash, hashOf(secret)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id));
  return { id: row.id, permissions: new Set(row.permissions.filter(isPermission)) };
}
