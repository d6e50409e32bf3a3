import { sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";
import { auditEvents } from "./audit.schema.ts";

const bySubject = (userId: string, email: string) =>
  sql`(${auditEvents.actorId} = ${userId} or ${auditEvents.targetId} = ${userId} or lower(${auditEvents.metadata}->>'email') = lower(${email}))`;

/**
 * Security events about the person. On erasure the events stay (the shop's legitimate interest in a
 * security record) but lose the IP address, user agent and email; the account id is pseudonymous.
 */
export const auditPersonalData: PersonalDataSource = {
  columns: { audit_events: ["action", "ip_address", "user_agent", "metadata", "created_at"] },
  async export(db, { userId, email }) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select id, action, ip_address, user_agent, metadata, created_at from ${auditEvents}
        where ${bySubject(userId, email)} order by created_at`,
    );
    return { audit_events: rows };
  },
  async erase(db, { userId, email }) {
    await db.execute(sql`update ${auditEvents} set ip_address = null, user_agent = null, metadata = metadata - 'email'
      where ${bySubject(userId, email)}`);
  },
};
