import { eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { signInThrottles } from "./customers.schema.ts";

/**
 * Progressive lockout after failed sign-ins to one account: the 5th failure in a row locks it for
 * 1 minute, the 10th for 5, the 15th for 15, every 5 more for 60 (OWASP Authentication Cheat Sheet:
 * account lockout with increasing delay). A success clears the count. Failures are counted for any
 * email, existing or not, so the answer reveals nothing about which accounts exist.
 */
export function lockoutMinutes(failures: number): number {
  if (failures < 5 || failures % 5 !== 0) return 0;
  if (failures === 5) return 1;
  if (failures === 10) return 5;
  if (failures === 15) return 15;
  return 60;
}

const normalise = (email: string) => email.trim().toLowerCase();

/** Seconds until the account may try again, or 0 when it is not locked. */
export async function lockedForSeconds(db: Db, email: string): Promise<number> {
  const [row] = await db
    .select({ lockedUntil: signInThrottles.lockedUntil })
    .from(signInThrottles)
    .where(eq(signInThrottles.email, normalise(email)));
  const until = row?.lockedUntil?.getTime() ?? 0;
  return until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
}

/** Counts a failed sign-in (one atomic statement) and locks the account when a threshold is reached. */
export async function recordFailedSignIn(db: Db, email: string): Promise<void> {
  const [row] = await db
    .insert(signInThrottles)
    .values({ email: normalise(email), failures: 1 })
    .onConflictDoUpdate({
      target: signInThrottles.email,
      set: { failures: sql`${signInThrottles.failures} + 1`, updatedAt: sql`now()` },
    })
    .returning({ failures: signInThrottles.failures });
  const minutes = lockoutMinutes(row?.failures ?? 0);
  if (minutes > 0) {
    await db
      .update(signInThrottles)
      .set({ lockedUntil: new Date(Date.now() + minutes * 60_000) })
      .where(eq(signInThrottles.email, normalise(email)));
  }
}

/** Clears the failure count after a successful sign-in. */
export async function clearFailedSignIns(db: Db, email: string): Promise<void> {
  await db.delete(signInThrottles).where(eq(signInThrottles.email, normalise(email)));
}
