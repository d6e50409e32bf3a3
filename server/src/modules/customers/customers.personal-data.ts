import { eq, sql } from "drizzle-orm";
import { queryRows } from "../../platform/db.ts";
import type { PersonalDataSource } from "../../platform/personal-data.ts";
import {
  accounts,
  addresses,
  customerGroupMembers,
  customerGroups,
  customerNotes,
  customerProfiles,
  sessions,
  signInThrottles,
  twoFactors,
  users,
  verifications,
} from "./customers.schema.ts";

/**
 * Personal data of accounts: user, profile, consent and staff tags, addresses, sessions, sign-in
 * methods, staff notes, and the customer groups staff put them in (a form of profiling, GDPR Art. 15).
 */
export const customersPersonalData: PersonalDataSource = {
  columns: {
    users: ["name", "email", "image", "email_verified", "two_factor_enabled", "created_at"],
    customer_profiles: ["phone", "marketing_consent", "marketing_consent_at", "tags"],
    customer_group_members: ["group_id", "created_at"],
    addresses: [
      "first_name",
      "last_name",
      "company",
      "line1",
      "line2",
      "city",
      "region",
      "postal_code",
      "country",
      "phone",
    ],
    sessions: ["ip_address", "user_agent", "created_at", "expires_at"],
    accounts: ["provider_id", "account_id", "created_at"],
    customer_notes: ["body", "created_at"],
  },
  async export(db, { userId }) {
    const [user, profile, addressRows, sessionRows, accountRows, noteRows, groupRows] = await Promise.all([
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, name, email, image, email_verified, two_factor_enabled, created_at from ${users} where id = ${userId}`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select phone, marketing_consent, marketing_consent_at, tags from ${customerProfiles} where user_id = ${userId}`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, first_name, last_name, company, line1, line2, city, region, postal_code, country, phone,
          is_default_shipping, is_default_billing, created_at from ${addresses} where user_id = ${userId} order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select id, ip_address, user_agent, created_at, expires_at from ${sessions} where user_id = ${userId} order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select provider_id, account_id, created_at from ${accounts} where user_id = ${userId}`,
      ),
      // Staff notes about the person are their personal data too (GDPR Art. 15).
      queryRows<Record<string, unknown>>(
        db,
        sql`select body, created_at from ${customerNotes} where user_id = ${userId} order by created_at`,
      ),
      queryRows<Record<string, unknown>>(
        db,
        sql`select m.group_id, g.name as group_name, m.created_at from ${customerGroupMembers} m
          join ${customerGroups} g on g.id = m.group_id where m.user_id = ${userId} order by m.created_at`,
      ),
    ]);
    return {
      users: user,
      customer_profiles: profile,
      addresses: addressRows,
      sessions: sessionRows,
      accounts: accountRows,
      customer_notes: noteRows,
      customer_group_members: groupRows,
    };
  },
  async erase(db, { userId, email }) {
    // The account row stays (orders and reviews may point at it) but says nothing about the person.
    await db
      .update(users)
      .set({
        name: "Erased customer",
        email: `erased+${userId}@invalid.invalid`,
        image: null,
        emailVerified: false,
        twoFactorEnabled: false,
      })
      .where(eq(users.id, userId));
    await db.delete(customerProfiles).where(eq(customerProfiles.userId, userId));
    await db.delete(addresses).where(eq(addresses.userId, userId));
    await db.delete(customerNotes).where(eq(customerNotes.userId, userId));
    await db.delete(customerGroupMembers).where(eq(customerGroupMembers.userId, userId));
    await db.delete(sessions).where(eq(sessions.userId, userId));
    await db.delete(accounts).where(eq(accounts.userId, userId));
    await db.delete(twoFactors).where(eq(twoFactors.userId, userId));
    await db.delete(signInThrottles).where(eq(signInThrottles.email, email.toLowerCase()));
    await db
      .delete(verifications)
      .where(sql`${verifications.value} = ${userId} or ${verifications.identifier} like ${`%${email}%`}`);
  },
};
