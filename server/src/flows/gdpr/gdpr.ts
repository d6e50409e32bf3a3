import { auditPersonalData, recordAudit } from "../../modules/audit/index.ts";
import { customersPersonalData } from "../../modules/customers/index.ts";
import { reviewsPersonalData } from "../../modules/reviews/index.ts";
import { vendorsPersonalData } from "../../modules/vendors/index.ts";
import { wishlistsPersonalData } from "../../modules/wishlists/index.ts";
import type { Db } from "../../platform/db.ts";
import { NotFoundError } from "../../platform/errors.ts";
import { mailPersonalData } from "../../platform/mail.ts";
import type { DataSubject, PersonalDataSource } from "../../platform/personal-data.ts";
import { commercePersonalData } from "./commerce.personal-data.ts";

/** Every module holding personal data. A new module with personal data adds its source here. */
export const personalDataSources: PersonalDataSource[] = [
  customersPersonalData,
  reviewsPersonalData,
  auditPersonalData,
  mailPersonalData,
  commercePersonalData,
  wishlistsPersonalData,
  vendorsPersonalData,
];

/** Who asks: the person themselves or a staff member (with customers:gdpr), and from where. */
export interface GdprRequester {
  actorId: string;
  ipAddress?: string | null;
  userAgent?: string | null;
}

async function subjectOf(db: Db, userId: string): Promise<DataSubject> {
  const exported = await customersPersonalData.export(db, { userId, email: "" });
  const user = exported.users?.[0] as { email?: string } | undefined;
  if (!user?.email) throw new NotFoundError("CUSTOMER_NOT_FOUND", "No such customer");
  return { userId, email: user.email };
}

/**
 * Everything the shop holds about a person (GDPR Art. 15 and 20): one JSON document, tables by name,
 * rows with their column names; audited as `gdpr.export`.
 * @throws NotFoundError (CUSTOMER_NOT_FOUND).
 */
export async function exportPersonalData(db: Db, userId: string, requester: GdprRequester) {
  const subject = await subjectOf(db, userId);
  const parts = await Promise.all(personalDataSources.map((source) => source.export(db, subject)));
  await recordAudit(db, { action: "gdpr.export", targetType: "user", targetId: userId, ...requester });
  return {
    exportedAt: new Date().toISOString(),
    subject: { id: userId, email: subject.email },
    data: Object.assign({}, ...parts),
  };
}

/**
 * Erases a person (GDPR Art. 17) in one transaction: personal data is deleted or anonymised in every
 * module, sign-in is no longer possible, and records the law requires (orders: amounts and tax) are
 * kept without the person's name, email or address. Audited as `gdpr.erase`.
 * @throws NotFoundError (CUSTOMER_NOT_FOUND).
 */
export async function erasePersonalData(db: Db, userId: string, requester: GdprRequester): Promise<void> {
  await db.transaction(async (tx) => {
    const subject = await subjectOf(tx, userId);
    for (const source of personalDataSources) await source.erase(tx, subject);
    await recordAudit(tx, {
      action: "gdpr.erase",
      targetType: "user",
      targetId: userId,
      actorId: requester.actorId === userId ? null : requester.actorId,
      ipAddress: requester.actorId === userId ? null : (requester.ipAddress ?? null),
      userAgent: requester.actorId === userId ? null : (requester.userAgent ?? null),
    });
  });
}
