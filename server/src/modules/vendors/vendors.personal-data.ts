import { and, eq, inArray, sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";
import { vendorMembers, vendors } from "./vendors.schema.ts";

/**
 * Personal data in the vendors module: the person's vendor memberships, and the contact details of
 * vendors they applied for or work for (contact e-mail and phone, the business address with a
 * person's name). Erasure removes the memberships and clears the contact details the person gave
 * (those naming their e-mail, or of vendors only they worked for); the business record itself
 * (legal name, tax id, its orders and ledger) is kept, as accounting law requires.
 */
export const vendorsPersonalData: PersonalDataSource = {
  columns: {
    vendor_members: ["user_id", "vendor_id", "role", "created_at"],
    vendors: ["contact_email", "contact_phone", "address", "legal_name", "tax_id"],
  },
  async export(db, { userId }) {
    const members = await queryRows<Record<string, unknown>>(
      db,
      sql`select user_id, vendor_id, role, created_at from ${vendorMembers} where user_id = ${userId}`,
    );
    const vendorIds = members.map((m) => String(m.vendor_id));
    const rows = vendorIds.length
      ? await queryRows<Record<string, unknown>>(
          db,
          sql`select id, name, slug, status, legal_name, tax_id, contact_email, contact_phone, address,
              payout_country, payout_method, agreement_version, agreement_accepted_at, submitted_at
            from ${vendors} where id = any(${sql.param(vendorIds)}::text[])`,
        )
      : [];
    return { vendor_members: members, vendors: rows };
  },
  async erase(db, { userId, email }) {
    const memberships = await db.select().from(vendorMembers).where(eq(vendorMembers.userId, userId));
    const vendorIds = memberships.map((m) => m.vendorId);
    await db.delete(vendorMembers).where(eq(vendorMembers.userId, userId));
    if (!vendorIds.length) return;
    // Vendors nobody else works for, and any whose contact is this person's e-mail.
    const others = await db
      .select({ vendorId: vendorMembers.vendorId })
      .from(vendorMembers)
      .where(inArray(vendorMembers.vendorId, vendorIds));
    const staffed = new Set(others.map((o) => o.vendorId));
    const clear = { contactEmail: "", contactPhone: "", address: null, updatedAt: new Date() };
    const alone = vendorIds.filter((id) => !staffed.has(id));
    if (alone.length) await db.update(vendors).set(clear).where(inArray(vendors.id, alone));
    await db
      .update(vendors)
      .set(clear)
      .where(and(inArray(vendors.id, vendorIds), sql`lower(${vendors.contactEmail}) = lower(${email})`));
  },
};
