import { lt } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import type { Auth } from "./customers.auth.ts";
import { sessions } from "./customers.schema.ts";

/**
 * Ends sessions older than the absolute lifetime, however active (OWASP Session Management Cheat
 * Sheet: absolute timeout alongside the idle timeout). Idle expiry is the session's own sliding
 * `expiresAt`. Deletes through the auth service so a Redis copy goes too. Returns how many ended.
 */
export async function endOverlongSessions(
  auth: Auth,
  db: Db,
  maxAgeDays: number,
  batch = 500,
): Promise<number> {
  const cutoff = new Date(Date.now() - maxAgeDays * 86_400_000);
  const old = await db
    .select({ token: sessions.token })
    .from(sessions)
    .where(lt(sessions.createdAt, cutoff))
    .limit(batch);
  const context = await auth.$context;
  for (const { token } of old) await context.internalAdapter.deleteSession(token);
  return old.length;
}
