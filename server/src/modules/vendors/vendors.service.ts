import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { recordAudit } from "../audit/index.ts";
import { vendorMembers, vendors } from "./vendors.schema.ts";

export interface Vendor {
  id: string;
  name: string;
  slug: string;
  description: string;
  status: "active" | "suspended";
  createdAt: string;
}

const toVendor = (r: typeof vendors.$inferSelect): Vendor => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  description: r.description,
  status: r.status,
  createdAt: r.createdAt.toISOString(),
});

/**
 * Creates a vendor. @throws ValidationError (field `slug`) for a malformed slug; ConflictError
 * (VENDOR_SLUG_TAKEN) when another vendor has it.
 */
export async function createVendor(
  db: Db,
  input: { name: string; slug: string; description?: string },
  by: { actorId: string; ipAddress?: string | null },
): Promise<Vendor> {
  if (!/^[a-z0-9][a-z0-9-]{1,60}$/.test(input.slug)) {
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
    if (!/^[a-z0-9][a-z0-9-]{1,60}$/.test(input.slug))
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

export async function listVendors(db: Db): Promise<Vendor[]> {
  return (await db.select().from(vendors).orderBy(asc(vendors.name))).map(toVendor);
}

/** A vendor by id. @throws NotFoundError (VENDOR_NOT_FOUND). */
export async function getVendor(db: Db, id: string): Promise<Vendor> {
  const [row] = await db.select().from(vendors).where(eq(vendors.id, id));
  if (!row) throw new NotFoundError("VENDOR_NOT_FOUND", "No such vendor");
  return toVendor(row);
}

/** Changes a vendor's public name and description. */
export async function updateVendor(
  db: Db,
  id: string,
  patch: { name?: string; description?: string },
  by: { actorId: string; ipAddress?: string | null },
): Promise<Vendor> {
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
  return toVendor(row);
}

/**
 * Makes a user a member of a vendor. A user belongs to one vendor only.
 * @throws ConflictError (ALREADY_VENDOR_MEMBER) when they belong to another vendor.
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

/** The vendor a user works for, with their role there, or null. */
export async function membershipOf(
  db: Db,
  userId: string,
): Promise<{ vendorId: string; role: "owner" | "staff"; status: string } | null> {
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
