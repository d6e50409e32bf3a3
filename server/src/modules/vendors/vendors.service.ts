import { and, asc, desc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import type { PostalAddress } from "../../platform/address.ts";
import type { Db } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { queueMail } from "../../platform/mail.ts";
import { recordAudit } from "../audit/index.ts";
import { setVendorProductsActive } from "../catalog/index.ts";
import {
  applicationDecisionEmail,
  applicationReceivedEmail,
  type VendorMailShop,
  vendorStatusEmail,
} from "./vendors.emails.ts";
import {
  type payoutMethods,
  type VendorStatus,
  vendorMembers,
  vendorStatuses,
  vendors,
} from "./vendors.schema.ts";

export { type VendorStatus, vendorStatuses };

/**
 * The seller agreement an applicant accepts (its text is the CMS page `seller-agreement`); recorded
 * with the acceptance time on the vendor.
 */
export const sellerAgreementVersion = "2026-12-01";

/** A vendor as shoppers and the vendor itself see it. Times ISO 8601 UTC. */
export interface Vendor {
  id: string;
  name: string;
  slug: string;
  description: string;
  status: VendorStatus;
  createdAt: string;
}

/** A vendor with its application, as staff and the vendor's own members see it. */
export interface VendorDetail extends Vendor {
  legalName: string;
  taxId: string;
  contactEmail: string;
  contactPhone: string;
  address: PostalAddress | null;
  /** ISO 3166-1 alpha-2, or "". */
  payoutCountry: string;
  payoutMethod: (typeof payoutMethods)[number] | null;
  agreementVersion: string | null;
  agreementAcceptedAt: string | null;
  submittedAt: string | null;
  /** Staff's reason with the last rejection, change request, suspension or closure ("" when none). */
  reviewNote: string;
  reviewedAt: string | null;
}

type VendorRow = typeof vendors.$inferSelect;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toVendor = (r: VendorRow): Vendor => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  description: r.description,
  status: r.status,
  createdAt: r.createdAt.toISOString(),
});

const toDetail = (r: VendorRow): VendorDetail => ({
  ...toVendor(r),
  legalName: r.legalName,
  taxId: r.taxId,
  contactEmail: r.contactEmail,
  contactPhone: r.contactPhone,
  address: r.address ?? null,
  payoutCountry: r.payoutCountry,
  payoutMethod: r.payoutMethod ?? null,
  agreementVersion: r.agreementVersion,
  agreementAcceptedAt: iso(r.agreementAcceptedAt),
  submittedAt: iso(r.submittedAt),
  reviewNote: r.reviewNote,
  reviewedAt: iso(r.reviewedAt),
});

const slugPattern = /^[a-z0-9][a-z0-9-]{1,60}$/;

/** A vendor slug from a shop name: lower-case ASCII letters, digits and hyphens, at most 61 characters. */
export function vendorSlugOf(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 61)
    .replace(/-+$/, "");
}

/**
 * Creates an active vendor (staff adding a seller directly, without an application).
 * @throws ValidationError (field `slug`) for a malformed slug; ConflictError (VENDOR_SLUG_TAKEN) when
 *   another vendor has it.
 */
export async function createVendor(
  db: Db,
  input: { name: string; slug: string; description?: string },
  by: { actorId: string; ipAddress?: string | null },
): Promise<Vendor> {
  if (!slugPattern.test(input.slug)) {
    throw new ValidationError([
      { field: "slug", message: "use 2-61 lower-case letters, digits and hyphens" },
    ]);
  }
  const [taken] = await db.select({ id: vendors.id }).from(vendors).where(eq(vendors.slug, input.slug));
  if (taken) throw new ConflictError("VENDOR_SLUG_TAKEN", `Another vendor uses "${input.slug}"`);
  const [row] = await db
    .insert(vendors)
    .values({ id: newId("ven"), name: input.name, slug: input.slug, description: input.description ?? "" })
    .returning();
  await recordAudit(db, {
    action: "vendor.created",
    actorId: by.actorId,
    targetType: "vendor",
    targetId: row!.id,
    ipAddress: by.ipAddress ?? null,
  });
  return toVendor(row!);
}

/**
 * Creates the vendors whose slugs do not exist yet, many at a time (for imports of marketplace
 * sellers); existing slugs are left as they are. Slugs must be valid (see `createVendor`). One audit
 * entry ("vendor.imported") records how many were created. Idempotent.
 * @returns the vendor id of every input slug, and how many were created.
 * @throws ValidationError (field `slug`) naming the first malformed slug
 */
export async function ensureVendors(
  db: Db,
  inputs: { name: string; slug: string; description?: string }[],
  by: { actorId: string | null; source: string },
): Promise<{ idBySlug: Map<string, string>; created: number }> {
  for (const input of inputs) {
    if (!slugPattern.test(input.slug))
      throw new ValidationError([
        { field: "slug", message: `"${input.slug}": use 2-61 lower-case letters, digits and hyphens` },
      ]);
  }
  const slugs = [...new Set(inputs.map((i) => i.slug))];
  const idBySlug = new Map<string, string>();
  let created = 0;
  for (let i = 0; i < slugs.length; i += 1000) {
    const batch = new Set(slugs.slice(i, i + 1000));
    const rows = inputs.filter((input) => batch.has(input.slug) && batch.delete(input.slug));
    const inserted = await db
      .insert(vendors)
      .values(
        rows.map((r) => ({ id: newId("ven"), name: r.name, slug: r.slug, description: r.description ?? "" })),
      )
      .onConflictDoNothing({ target: vendors.slug })
      .returning({ id: vendors.id });
    created += inserted.length;
    const all = await db
      .select({ id: vendors.id, slug: vendors.slug })
      .from(vendors)
      .where(
        inArray(
          vendors.slug,
          rows.map((r) => r.slug),
        ),
      );
    for (const r of all) idBySlug.set(r.slug, r.id);
  }
  if (created > 0) {
    await recordAudit(db, {
      action: "vendor.imported",
      actorId: by.actorId,
      targetType: "vendor",
      metadata: { source: by.source, created },
    });
  }
  return { idBySlug, created };
}

/**
 * Vendors for staff, newest application first within a status, filtered by status and by words of the
 * name, slug, legal name or contact e-mail; with how many vendors each status has (for the tabs).
 */
export async function listVendors(
  db: Db,
  filter: { status?: VendorStatus; q?: string } = {},
): Promise<{ items: VendorDetail[]; counts: Record<VendorStatus, number> }> {
  const where = [];
  if (filter.status) where.push(eq(vendors.status, filter.status));
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(vendors.name, like),
        ilike(vendors.slug, like),
        ilike(vendors.legalName, like),
        ilike(vendors.contactEmail, like),
      )!,
    );
  }
  const [rows, countRows] = await Promise.all([
    db
      .select()
      .from(vendors)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(sql`coalesce(${vendors.submittedAt}, ${vendors.createdAt})`), asc(vendors.id))
      .limit(500),
    db
      .select({ status: vendors.status, n: sql<number>`count(*)::int` })
      .from(vendors)
      .groupBy(vendors.status),
  ]);
  const counts = Object.fromEntries(vendorStatuses.map((s) => [s, 0])) as Record<VendorStatus, number>;
  for (const r of countRows) counts[r.status] = Number(r.n);
  return { items: rows.map(toDetail), counts };
}

/** A vendor by id, with its application. @throws NotFoundError (VENDOR_NOT_FOUND). */
export async function getVendor(db: Db, id: string): Promise<VendorDetail> {
  const [row] = await db.select().from(vendors).where(eq(vendors.id, id));
  if (!row) throw new NotFoundError("VENDOR_NOT_FOUND", "No such vendor");
  return toDetail(row);
}

/** An active vendor by its slug (its public shop), or null. */
export async function activeVendorBySlug(db: Db, slug: string): Promise<Vendor | null> {
  const [row] = await db
    .select()
    .from(vendors)
    .where(and(eq(vendors.slug, slug), eq(vendors.status, "active")));
  return row ? toVendor(row) : null;
}

/**
 * Public names of vendors by id (for "sold by" on product pages), only of vendors that sell now
 * (active); others are left out.
 */
export async function activeVendorNames(
  db: Db,
  ids: string[],
): Promise<Map<string, { id: string; name: string; slug: string }>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: vendors.id, name: vendors.name, slug: vendors.slug })
    .from(vendors)
    .where(and(inArray(vendors.id, [...new Set(ids)]), eq(vendors.status, "active")));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Changes a vendor's public profile (name, description) and contact details, from the vendor portal.
 * @throws NotFoundError (VENDOR_NOT_FOUND)
 */
export async function updateVendor(
  db: Db,
  id: string,
  patch: { name?: string; description?: string; contactEmail?: string; contactPhone?: string },
  by: { actorId: string; ipAddress?: string | null },
): Promise<VendorDetail> {
  const [row] = await db
    .update(vendors)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(vendors.id, id))
    .returning();
  if (!row) throw new NotFoundError("VENDOR_NOT_FOUND", "No such vendor");
  await recordAudit(db, {
    action: "vendor.updated",
    actorId: by.actorId,
    targetType: "vendor",
    targetId: id,
    ipAddress: by.ipAddress ?? null,
    metadata: { fields: Object.keys(patch) },
  });
  return toDetail(row);
}

/**
 * Makes a user a member of a vendor. A user belongs to one vendor only.
 * @throws NotFoundError (VENDOR_NOT_FOUND); ConflictError (ALREADY_VENDOR_MEMBER) when they belong to
 *   another vendor.
 */
export async function addVendorMember(
  db: Db,
  vendorId: string,
  userId: string,
  role: "owner" | "staff",
  by: { actorId: string; ipAddress?: string | null },
): Promise<void> {
  await getVendor(db, vendorId);
  const [existing] = await db.select().from(vendorMembers).where(eq(vendorMembers.userId, userId));
  if (existing && existing.vendorId !== vendorId) {
    throw new ConflictError("ALREADY_VENDOR_MEMBER", "This person already works for another vendor");
  }
  await db
    .insert(vendorMembers)
    .values({ userId, vendorId, role })
    .onConflictDoUpdate({ target: vendorMembers.userId, set: { role } });
  await recordAudit(db, {
    action: "vendor.member.added",
    actorId: by.actorId,
    targetType: "user",
    targetId: userId,
    ipAddress: by.ipAddress ?? null,
    metadata: { vendorId, role },
  });
}

/** The vendor a user works for, with their role there and the vendor's status, or null. */
export async function membershipOf(
  db: Db,
  userId: string,
): Promise<{ vendorId: string; role: "owner" | "staff"; status: VendorStatus } | null> {
  const [row] = await db
    .select({ vendorId: vendorMembers.vendorId, role: vendorMembers.role, status: vendors.status })
    .from(vendorMembers)
    .innerJoin(vendors, eq(vendors.id, vendorMembers.vendorId))
    .where(eq(vendorMembers.userId, userId));
  return row ?? null;
}

/** User ids and roles of a vendor's members. */
export async function vendorMemberList(
  db: Db,
  vendorId: string,
): Promise<{ userId: string; role: string }[]> {
  return db
    .select({ userId: vendorMembers.userId, role: vendorMembers.role })
    .from(vendorMembers)
    .where(eq(vendorMembers.vendorId, vendorId))
    .orderBy(asc(vendorMembers.createdAt));
}

/** An application to sell, as the "Sell on <shop>" form sends it. */
export interface VendorApplicationInput {
  /** The shop name shoppers will see. */
  name: string;
  /** The shop's address on the storefront (`/vendors/<slug>`); made from the name when left out. */
  slug?: string;
  description: string;
  legalName: string;
  taxId?: string;
  contactEmail: string;
  contactPhone: string;
  address: PostalAddress;
  /** ISO 3166-1 alpha-2 country of the bank account payouts go to. */
  payoutCountry: string;
  payoutMethod: (typeof payoutMethods)[number];
  /** Must be true: the applicant accepts the seller agreement (`sellerAgreementVersion`). */
  agreementAccepted: boolean;
}

/**
 * A signed-in person applies to sell (or sends their application again after staff asked for changes
 * or rejected it): the vendor is created in status `applied` with them as its owner, the applicant is
 * e-mailed a receipt, and staff find it in the review queue. Run it in a transaction.
 * @throws ValidationError naming `agreementAccepted` (not accepted), `slug` (malformed, or none can be
 *   made from the name), `payoutCountry` or `address.country` (not ISO 3166-1 alpha-2);
 *   ConflictError VENDOR_SLUG_TAKEN (another vendor has the slug), APPLICATION_PENDING (theirs waits
 *   for review), ALREADY_VENDOR_MEMBER (they work for a vendor already, or are not its owner).
 */
export async function applyToSell(
  db: Db,
  userId: string,
  input: VendorApplicationInput,
  shop: VendorMailShop,
  now = new Date(),
): Promise<VendorDetail> {
  const problems: { field: string; message: string }[] = [];
  if (input.agreementAccepted !== true)
    problems.push({ field: "agreementAccepted", message: "accept the seller agreement to apply" });
  const slug = input.slug?.trim() || vendorSlugOf(input.name);
  if (!slugPattern.test(slug))
    problems.push({
      field: "slug",
      message: input.slug
        ? "use 2-61 lower-case letters, digits and hyphens"
        : "choose a shop address: the name gives none",
    });
  if (!/^[A-Z]{2}$/.test(input.payoutCountry))
    problems.push({ field: "payoutCountry", message: "use an ISO 3166-1 alpha-2 code, e.g. US" });
  if (!/^[A-Z]{2}$/.test(input.address.country))
    problems.push({ field: "address.country", message: "use an ISO 3166-1 alpha-2 code, e.g. US" });
  if (!input.name.trim()) problems.push({ field: "name", message: "is required" });
  if (!input.legalName.trim()) problems.push({ field: "legalName", message: "is required" });
  if (problems.length) throw new ValidationError(problems);

  const membership = await db
    .select({ vendorId: vendorMembers.vendorId, role: vendorMembers.role, status: vendors.status })
    .from(vendorMembers)
    .innerJoin(vendors, eq(vendors.id, vendorMembers.vendorId))
    .where(eq(vendorMembers.userId, userId))
    .for("update");
  const mine = membership[0];
  if (mine?.status === "applied")
    throw new ConflictError("APPLICATION_PENDING", "Your application is waiting for review");
  const resubmit = mine && mine.role === "owner" && ["changes_requested", "rejected"].includes(mine.status);
  if (mine && !resubmit)
    throw new ConflictError("ALREADY_VENDOR_MEMBER", "You already work for a vendor of this shop");
  const [taken] = await db.select({ id: vendors.id }).from(vendors).where(eq(vendors.slug, slug));
  if (taken && taken.id !== mine?.vendorId)
    throw new ConflictError("VENDOR_SLUG_TAKEN", `Another shop uses the address "${slug}"`);

  const fields = {
    name: input.name.trim(),
    slug,
    description: input.description,
    legalName: input.legalName.trim(),
    taxId: input.taxId?.trim() ?? "",
    contactEmail: input.contactEmail.trim().toLowerCase(),
    contactPhone: input.contactPhone.trim(),
    address: input.address,
    payoutCountry: input.payoutCountry,
    payoutMethod: input.payoutMethod,
    agreementVersion: sellerAgreementVersion,
    agreementAcceptedAt: now,
    submittedAt: now,
    status: "applied" as const,
    updatedAt: now,
  };
  let row: VendorRow;
  if (resubmit) {
    [row] = (await db.update(vendors).set(fields).where(eq(vendors.id, mine.vendorId)).returning()) as [
      VendorRow,
    ];
  } else {
    [row] = (await db
      .insert(vendors)
      .values({ id: newId("ven"), ...fields })
      .returning()) as [VendorRow];
    await db.insert(vendorMembers).values({ userId, vendorId: row.id, role: "owner" });
  }
  await recordAudit(db, {
    action: resubmit ? "vendor.application.resubmitted" : "vendor.application.submitted",
    actorId: userId,
    targetType: "vendor",
    targetId: row.id,
    metadata: { slug, agreementVersion: sellerAgreementVersion },
  });
  await queueMail(db, { to: row.contactEmail, ...applicationReceivedEmail(shop, row.name) });
  return toDetail(row);
}

/** The application (vendor) of the person's vendor, or null when they have none. */
export async function applicationOf(db: Db, userId: string): Promise<VendorDetail | null> {
  const membership = await membershipOf(db, userId);
  return membership ? getVendor(db, membership.vendorId) : null;
}

/** A staff decision on an application. */
export type ApplicationDecision = "approve" | "reject" | "request_changes";

/**
 * Staff decide on an application waiting for review (`applied`, or `changes_requested` when they
 * decide without waiting for the changes): approve (the vendor becomes `active`), reject, or ask for
 * changes. The reason is required to reject or ask for changes, and e-mailed to the applicant's
 * contact address with the decision. Run it in a transaction.
 * @throws NotFoundError (VENDOR_NOT_FOUND); ValidationError (field `reason`); ConflictError
 *   VENDOR_NOT_PENDING when the vendor is not waiting for a decision (decided already).
 */
export async function reviewApplication(
  db: Db,
  id: string,
  input: { decision: ApplicationDecision; reason?: string },
  shop: VendorMailShop,
  by: { actorId: string; ipAddress?: string | null },
  now = new Date(),
): Promise<VendorDetail> {
  const reason = input.reason?.trim() ?? "";
  if (input.decision !== "approve" && !reason)
    throw new ValidationError([{ field: "reason", message: "tell the applicant why" }]);
  await getVendor(db, id);
  const status: VendorStatus =
    input.decision === "approve" ? "active" : input.decision === "reject" ? "rejected" : "changes_requested";
  // Conditional: two staff deciding at once, one wins and the other gets 409.
  const [row] = await db
    .update(vendors)
    .set({ status, reviewNote: reason, reviewedAt: now, reviewedBy: by.actorId, updatedAt: now })
    .where(and(eq(vendors.id, id), inArray(vendors.status, ["applied", "changes_requested"])))
    .returning();
  if (!row) throw new ConflictError("VENDOR_NOT_PENDING", "This vendor is not waiting for a decision");
  if (status === "active") await setVendorProductsActive(db, id, true);
  await recordAudit(db, {
    action: `vendor.application.${input.decision === "approve" ? "approved" : input.decision === "reject" ? "rejected" : "changes_requested"}`,
    actorId: by.actorId,
    targetType: "vendor",
    targetId: id,
    ipAddress: by.ipAddress ?? null,
    metadata: { reason },
  });
  if (row.contactEmail)
    await queueMail(db, {
      to: row.contactEmail,
      ...applicationDecisionEmail(shop, row.name, input.decision, reason),
    });
  return toDetail(row);
}

/** The status changes staff make to an admitted vendor, from which status each may be made. */
const statusChanges: Record<"active" | "suspended" | "closed", VendorStatus[]> = {
  active: ["suspended", "closed"],
  suspended: ["active"],
  closed: ["active", "suspended"],
};

/**
 * Staff suspend, close or reinstate a vendor. While suspended or closed its products are hidden from
 * the storefront (they keep their own status, so reinstating brings back exactly the published ones);
 * a suspended vendor still signs in to follow up its orders, a closed one cannot sign in to the
 * portal. The reason (required to suspend or close) is e-mailed to the vendor. Run it in a transaction.
 * @throws NotFoundError (VENDOR_NOT_FOUND); ValidationError (field `reason`); ConflictError
 *   VENDOR_STATUS_CHANGE when the change is not allowed from the current status (e.g. an application).
 */
export async function setVendorStatus(
  db: Db,
  id: string,
  input: { status: "active" | "suspended" | "closed"; reason?: string },
  shop: VendorMailShop,
  by: { actorId: string; ipAddress?: string | null },
  now = new Date(),
): Promise<VendorDetail> {
  const reason = input.reason?.trim() ?? "";
  if (input.status !== "active" && !reason)
    throw new ValidationError([{ field: "reason", message: "tell the vendor why" }]);
  const current = await getVendor(db, id);
  const [row] = await db
    .update(vendors)
    .set({
      status: input.status,
      reviewNote: reason,
      reviewedAt: now,
      reviewedBy: by.actorId,
      updatedAt: now,
    })
    .where(and(eq(vendors.id, id), inArray(vendors.status, statusChanges[input.status])))
    .returning();
  if (!row)
    throw new ConflictError(
      "VENDOR_STATUS_CHANGE",
      `A vendor that is ${current.status.replace("_", " ")} cannot become ${input.status}`,
    );
  await setVendorProductsActive(db, id, input.status === "active");
  await recordAudit(db, {
    action: `vendor.${input.status === "active" ? "reinstated" : input.status}`,
    actorId: by.actorId,
    targetType: "vendor",
    targetId: id,
    ipAddress: by.ipAddress ?? null,
    metadata: { from: current.status, reason },
  });
  const to = row.contactEmail;
  if (to) await queueMail(db, { to, ...vendorStatusEmail(shop, row.name, input.status, reason) });
  return toDetail(row);
}

/** How a vendor is paid: its method and, for Stripe Connect, its connected account and whether it may receive payouts. */
export interface VendorPayoutDetails {
  vendorId: string;
  name: string;
  status: VendorStatus;
  payoutMethod: (typeof payoutMethods)[number] | null;
  stripeAccountId: string | null;
  stripePayoutsEnabled: boolean;
  /** The Stripe onboarding form was completed. */
  stripeDetailsSubmitted: boolean;
}

/** The payout details of vendors by id (unknown ids are left out). */
export async function payoutDetailsOf(
  db: Db,
  vendorIds: string[],
): Promise<Map<string, VendorPayoutDetails>> {
  if (!vendorIds.length) return new Map();
  const rows = await db
    .select()
    .from(vendors)
    .where(inArray(vendors.id, [...new Set(vendorIds)]));
  return new Map(
    rows.map((r) => [
      r.id,
      {
        vendorId: r.id,
        name: r.name,
        status: r.status,
        payoutMethod: r.payoutMethod ?? null,
        stripeAccountId: r.stripeAccountId,
        stripePayoutsEnabled: r.stripePayoutsEnabled,
        stripeDetailsSubmitted: r.stripeDetailsSubmitted,
      },
    ]),
  );
}

/**
 * Records a vendor's Stripe connected account (created for its payout onboarding) and makes Stripe
 * Connect its payout method.
 */
export async function setStripeAccount(
  db: Db,
  vendorId: string,
  account: { id: string; payoutsEnabled: boolean; detailsSubmitted: boolean },
): Promise<void> {
  await db
    .update(vendors)
    .set({
      stripeAccountId: account.id,
      stripePayoutsEnabled: account.payoutsEnabled,
      stripeDetailsSubmitted: account.detailsSubmitted,
      payoutMethod: "stripe_connect",
      updatedAt: new Date(),
    })
    .where(eq(vendors.id, vendorId));
}

/**
 * Applies Stripe's news about a connected account (`account.updated`): whether it may receive payouts
 * and whether onboarding was completed. @returns the vendor's id, or null for an unknown account
 */
export async function updateStripeAccountStatus(
  db: Db,
  account: { id: string; payoutsEnabled: boolean; detailsSubmitted: boolean },
): Promise<string | null> {
  const [row] = await db
    .update(vendors)
    .set({
      stripePayoutsEnabled: account.payoutsEnabled,
      stripeDetailsSubmitted: account.detailsSubmitted,
      updatedAt: new Date(),
    })
    .where(eq(vendors.stripeAccountId, account.id))
    .returning({ id: vendors.id });
  return row?.id ?? null;
}

/**
 * Chooses how a vendor is paid. Stripe Connect needs onboarding first (see the payouts flow).
 * @throws NotFoundError (VENDOR_NOT_FOUND)
 */
export async function setPayoutMethod(
  db: Db,
  vendorId: string,
  method: (typeof payoutMethods)[number],
  by: { actorId: string; ipAddress?: string | null },
): Promise<void> {
  const rows = await db
    .update(vendors)
    .set({ payoutMethod: method, updatedAt: new Date() })
    .where(eq(vendors.id, vendorId))
    .returning({ id: vendors.id });
  if (!rows.length) throw new NotFoundError("VENDOR_NOT_FOUND", "No such vendor");
  await recordAudit(db, {
    action: "vendor.payout_method.set",
    actorId: by.actorId,
    targetType: "vendor",
    targetId: vendorId,
    ipAddress: by.ipAddress ?? null,
    metadata: { method },
  });
}
