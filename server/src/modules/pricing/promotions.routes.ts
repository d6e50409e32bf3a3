import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import type { Db } from "../../platform/db.ts";
import { ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import {
  createPromotion,
  deletePromotion,
  getPromotionForStaff,
  listPromotionsForStaff,
  type PromotionOrderStats,
  promotionCustomerGroups,
  promotionProducts,
  promotionUsage,
  type StaffPromotion,
  setPromotionActive,
  updatePromotion,
} from "./promotions.admin.ts";
import {
  addCouponCodes,
  couponCodesCsv,
  deleteCouponCode,
  generateCouponCodes,
  getCouponCode,
  listCouponCodes,
  updateCouponCode,
} from "./promotions.codes.ts";
import {
  CouponCodeInputSchema,
  CouponCodeListQuerySchema,
  CouponCodeListSchema,
  CouponCodePatchSchema,
  CouponCodeSchema,
  GenerateCodesSchema,
  GeneratedCodesSchema,
  PromotionCreateSchema,
  PromotionDetailSchema,
  PromotionListQuerySchema,
  PromotionListSchema,
  PromotionPatchSchema,
} from "./promotions.types.ts";

/** Fields the audit log compares: the stored ones, not the figures derived from time and usage. */
function auditedFields(p: StaffPromotion | null): Record<string, unknown> | null {
  if (!p) return null;
  const {
    status: _s,
    codeCount: _c,
    redemptions: _r,
    version: _v,
    createdAt: _a,
    updatedAt: _u,
    ...rest
  } = p;
  return rest;
}

/** The promotion with its products, usage and newest codes, as GET /promotions/{id} answers it. */
async function detailOf(db: Db, id: string, stats: PromotionOrderStats | undefined) {
  const promotion = await getPromotionForStaff(db, id);
  const [products, customerGroups, usage, codes] = await Promise.all([
    promotionProducts(db, promotion.conditions.productIds),
    promotionCustomerGroups(db, promotion.conditions.customerGroupIds),
    promotionUsage(db, id, stats),
    listCouponCodes(db, id, { limit: 20 }),
  ]);
  return { ...promotion, products, customerGroups, usage, codes };
}

/**
 * A preValidation hook refusing 0 (or false, "") in nullable number fields: the validator's type
 * coercion would read it as null, which means "unlimited" or "no cap", the opposite of what was sent.
 * Looks at the body's own fields and those of each element of `codes`.
 */
function refuseZeroForNull(fields: Record<string, string>) {
  return async (request: FastifyRequest) => {
    const body = request.body as Record<string, unknown> | null;
    if (!body || typeof body !== "object") return;
    const errors: { field: string; message: string }[] = [];
    const check = (object: unknown, prefix: string) => {
      if (!object || typeof object !== "object") return;
      for (const [field, message] of Object.entries(fields)) {
        const value = (object as Record<string, unknown>)[field];
        if (value === 0 || value === false || value === "")
          errors.push({ field: `${prefix}${field}`, message });
      }
    };
    check(body, "");
    if (Array.isArray(body.codes)) for (const [i, code] of body.codes.entries()) check(code, `codes[${i}].`);
    if (errors.length) throw new ValidationError(errors);
  };
}

const limitFields = {
  usageLimit: "must be at least 1 (null: unlimited)",
  usageLimitPerCustomer: "must be at least 1 (null: unlimited)",
};
const promotionNullables = {
  ...limitFields,
  maxDiscountAmount: "must be at least 1 minor unit (null: no cap)",
};

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/**
 * Staff API for promotions (cart price rules) and their coupon codes under /api/admin: the list by
 * status with search, one promotion with its usage, create, change (If-Match), pause and resume,
 * delete (or end, once orders used it), and codes: add, generate up to 10,000 at once, change limits,
 * delete an unused one, export as CSV. Reads need `catalog:read`, writes `catalog:write`; every write
 * is audited with what changed, and new carts see a change at once (the shop cache is invalidated).
 * @param stats the orders a promotion was applied to and the discount it gave (from the orders
 *   module); without it the usage shows coupon uses only and `discountTotals` is null.
 */
export function adminPromotionRoutes(
  ctx: AppContext,
  stats?: PromotionOrderStats,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "promotions"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const writeErrors = { ...errors, 409: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });
    const codeParams = Type.Object({
      id: Type.String({ maxLength: 64 }),
      codeId: Type.String({ maxLength: 64 }),
    });
    const changed = () => invalidateShopCache("promotions");
    const ruleHelp =
      "Rule types and units: percentage `value` in basis points 1-10000 (1500 = 15 %); fixed `value` in minor " +
      "units of `currency` (required), off the order's qualifying items together (`appliesTo` order) or off each " +
      "unit (each_item); buy_x_get_y: `buyQuantity` X >= 1, `getQuantity` Y >= 1, `value` basis points off the Y " +
      "cheapest units per full group (10000 = free, the default); free_shipping: no value. Conditions: " +
      "`minSubtotal` (minor units), the lines that qualify (`productIds`, `skus`, `categoryIds`: any of them; " +
      "none = every line), `excludeOnSale`, `excludeCategoryIds`, `customerGroupIds` (only signed-in members of any " +
      "of these groups get it; guests never; an unknown group is a 400 naming `conditions.customerGroupIds[i]`). `startsAt` / `endsAt` are UTC, the end " +
      "exclusive and after the start.";

    app.get(
      "/promotions",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "List promotions",
          description:
            "Newest first, `limit` per page; pass `nextCursor` as `cursor` for the next page. `status` filters: " +
            "active (applies now), scheduled (starts later), expired (ended), paused. `q` matches words of the " +
            "name or the start of a code. Errors: 400 naming the field.",
          tags,
          querystring: PromotionListQuerySchema,
          response: { 200: PromotionListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listPromotionsForStaff(ctx.db, request.query);
      },
    );

    app.post(
      "/promotions",
      {
        config: { permission: "catalog:write" },
        preValidation: refuseZeroForNull(promotionNullables),
        schema: {
          summary: "Create a promotion",
          description:
            `Active unless \`isActive\` is false; automatic unless \`requiresCoupon\` (then only its codes apply it; ` +
            `\`codes\` makes some at once). ${ruleHelp} 201 with the promotion and its ETag. Errors: 400 naming ` +
            "the field, 409 COUPON_CODE_TAKEN (naming the code) when a code is in use.",
          tags,
          body: PromotionCreateSchema,
          response: { 201: PromotionDetailSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const { codes = [], ...input } = request.body;
        const requiresCoupon = input.requiresCoupon ?? codes.length > 0;
        if (codes.length > 0 && !requiresCoupon) {
          throw new ValidationError([
            { field: "requiresCoupon", message: "must be true for a promotion with coupon codes" },
          ]);
        }
        const detail = await ctx.db.transaction(async (tx) => {
          const id = await createPromotion(tx, { ...input, requiresCoupon });
          const made = await addCouponCodes(tx, id, codes, "codes");
          const created = await getPromotionForStaff(tx, id);
          await recordStaffAction(tx, request, {
            action: "pricing.promotion.create",
            targetType: "promotion",
            targetId: id,
            metadata: {
              name: created.name,
              changes: changedFields(null, auditedFields(created)),
              codes: made.map((c) => c.code),
            },
          });
          return detailOf(tx, id, stats);
        });
        changed();
        reply.status(201).header("location", `/api/admin/promotions/${detail.id}`);
        return withEtag(reply, detail);
      },
    );

    app.get(
      "/promotions/:id",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Get a promotion",
          description:
            "The promotion as the editor shows it, the products its conditions name, its usage (coupon uses, " +
            "orders, discount given per currency, the last uses) and its newest codes. The `ETag` header (and " +
            "`version`) name this version. Errors: 404 PROMOTION_NOT_FOUND.",
          tags,
          params,
          response: { 200: PromotionDetailSchema, ...errors },
        },
      },
      async (request, reply) => withEtag(reply, await detailOf(ctx.db, request.params.id, stats)),
    );

    app.patch(
      "/promotions/:id",
      {
        config: { permission: "catalog:write" },
        preValidation: refuseZeroForNull(promotionNullables),
        schema: {
          summary: "Change a promotion",
          description:
            "Changes the given fields; keys given in `conditions` replace the stored ones. Changing `type` needs " +
            `the new type's \`value\`. ${ruleHelp} Send \`If-Match\` with the ETag you read: when someone saved in ` +
            "between, nothing is written and the answer is 409 STALE_VERSION. Errors: 400 naming the field, 404 " +
            "PROMOTION_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: PromotionPatchSchema,
          response: { 200: PromotionDetailSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const detail = await ctx.db.transaction(async (tx) => {
          const before = await getPromotionForStaff(tx, request.params.id);
          await updatePromotion(tx, request.params.id, request.body, expected);
          const after = await getPromotionForStaff(tx, request.params.id);
          await recordStaffAction(tx, request, {
            action: "pricing.promotion.update",
            targetType: "promotion",
            targetId: after.id,
            metadata: {
              name: after.name,
              fields: Object.keys(request.body),
              changes: changedFields(auditedFields(before), auditedFields(after)),
            },
          });
          return detailOf(tx, after.id, stats);
        });
        changed();
        return withEtag(reply, detail);
      },
    );

    for (const [verb, active] of [
      ["pause", false],
      ["resume", true],
    ] as const) {
      app.post(
        `/promotions/:id/${verb}`,
        {
          config: { permission: "catalog:write" },
          schema: {
            summary: active ? "Resume a promotion" : "Pause a promotion",
            description: active
              ? "Applies again (within its dates). Already active: nothing changes. Honours `If-Match`. Errors: 404 " +
                "PROMOTION_NOT_FOUND, 409 STALE_VERSION."
              : "Stops applying at once, to new carts and carts already holding its code; its codes and history stay. " +
                "Already paused: nothing changes. Honours `If-Match`. Errors: 404 PROMOTION_NOT_FOUND, 409 " +
                "STALE_VERSION.",
            tags,
            params,
            headers: IfMatchHeaders,
            response: { 200: PromotionDetailSchema, ...writeErrors },
          },
        },
        async (request, reply) => {
          const expected = expectedVersion(request.headers);
          const detail = await ctx.db.transaction(async (tx) => {
            const done = await setPromotionActive(tx, request.params.id, active, expected);
            if (done)
              await recordStaffAction(tx, request, {
                action: `pricing.promotion.${verb}`,
                targetType: "promotion",
                targetId: request.params.id,
                metadata: { changes: { isActive: { before: !active, after: active } } },
              });
            return detailOf(tx, request.params.id, stats);
          });
          changed();
          return withEtag(reply, detail);
        },
      );
    }

    app.delete(
      "/promotions/:id",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Delete or end a promotion",
          description:
            "Deletes the promotion and its codes, unless orders used one of its codes: then it is ended instead " +
            "(`endsAt` now; kept with its codes for history) and `ended` is true. Honours `If-Match`. Errors: 404 " +
            "PROMOTION_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          response: {
            200: Type.Object({ deleted: Type.Boolean(), ended: Type.Boolean() }),
            ...writeErrors,
          },
        },
      },
      async (request) => {
        const expected = expectedVersion(request.headers);
        const result = await ctx.db.transaction(async (tx) => {
          const before = await getPromotionForStaff(tx, request.params.id);
          const outcome = await deletePromotion(tx, request.params.id, expected);
          const after = outcome.ended ? await getPromotionForStaff(tx, request.params.id) : null;
          await recordStaffAction(tx, request, {
            action: outcome.ended ? "pricing.promotion.end" : "pricing.promotion.delete",
            targetType: "promotion",
            targetId: before.id,
            metadata: {
              name: before.name,
              codeCount: before.codeCount,
              changes: changedFields(auditedFields(before), auditedFields(after)),
            },
          });
          return outcome;
        });
        changed();
        return result;
      },
    );

    app.get(
      "/promotions/:id/codes",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "List a promotion's coupon codes",
          description:
            "Newest first, `limit` per page (`nextCursor` as `cursor` for the next); `q` keeps codes starting with " +
            "it. Errors: 400 naming the field, 404 PROMOTION_NOT_FOUND.",
          tags,
          params,
          querystring: CouponCodeListQuerySchema,
          response: { 200: CouponCodeListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listCouponCodes(ctx.db, request.params.id, request.query);
      },
    );

    app.get(
      "/promotions/:id/codes.csv",
      {
        config: { permission: "catalog:read" },
        schema: {
          summary: "Export a promotion's coupon codes as CSV",
          description:
            "Every code, ordered by code, as a CSV download: `code,usage_limit,usage_limit_per_customer," +
            "times_used,created_at` (an empty limit is unlimited; times UTC). Errors: 404 PROMOTION_NOT_FOUND.",
          tags,
          params,
          produces: ["text/csv"],
          response: {
            200: Type.String({ description: "RFC 4180 CSV with a header row" }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const promotion = await getPromotionForStaff(ctx.db, request.params.id);
        const csv = await couponCodesCsv(ctx.db, promotion.id);
        const slug =
          promotion.name
            .toLowerCase()
            .normalize("NFKD")
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-+|-+$/g, "")
            .slice(0, 60) || "promotion";
        return reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="coupon-codes-${slug}.csv"`)
          .header("cache-control", "no-store")
          .send(csv);
      },
    );

    app.post(
      "/promotions/:id/codes",
      {
        config: { permission: "catalog:write" },
        preValidation: refuseZeroForNull(limitFields),
        schema: {
          summary: "Add a coupon code",
          description:
            "The code is stored upper case (shoppers may type any case) and must be unique in the shop. Limits: " +
            "uses in total and per customer (account, or e-mail for guests); absent = unlimited. Errors: 400 " +
            "naming the field, 404 PROMOTION_NOT_FOUND, 409 COUPON_CODE_TAKEN (naming `code`) or " +
            "PROMOTION_IS_AUTOMATIC (it applies without a code).",
          tags,
          params,
          body: CouponCodeInputSchema,
          response: { 201: CouponCodeSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const code = await ctx.db.transaction(async (tx) => {
          const [made] = await addCouponCodes(tx, request.params.id, [request.body]);
          await recordStaffAction(tx, request, {
            action: "pricing.coupon.create",
            targetType: "coupon_code",
            targetId: made!.id,
            metadata: {
              promotionId: request.params.id,
              code: made!.code,
              changes: changedFields(null, {
                code: made!.code,
                usageLimit: made!.usageLimit,
                usageLimitPerCustomer: made!.usageLimitPerCustomer,
              }),
            },
          });
          return made!;
        });
        return reply.status(201).send(code);
      },
    );

    app.post(
      "/promotions/:id/codes/generate",
      {
        config: { permission: "catalog:write" },
        preValidation: refuseZeroForNull(limitFields),
        schema: {
          summary: "Generate coupon codes",
          description:
            "Makes `count` (up to 10,000) new codes in one transaction: `prefix` + `length` random characters " +
            "without look-alikes (no 0, O, 1, I or L), each unique in the shop, all with the given limits. " +
            "Errors: 400 naming the field, 404 PROMOTION_NOT_FOUND, 409 PROMOTION_IS_AUTOMATIC or " +
            "CODE_SPACE_EXHAUSTED (use a longer code).",
          tags,
          params,
          body: GenerateCodesSchema,
          response: { 201: GeneratedCodesSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const result = await ctx.db.transaction(async (tx) => {
          const made = await generateCouponCodes(tx, request.params.id, request.body);
          await recordStaffAction(tx, request, {
            action: "pricing.coupon.generate",
            targetType: "promotion",
            targetId: request.params.id,
            metadata: {
              count: made.created,
              prefix: request.body.prefix,
              length: request.body.length,
              usageLimit: request.body.usageLimit ?? null,
              usageLimitPerCustomer: request.body.usageLimitPerCustomer ?? null,
              sample: made.sample,
            },
          });
          return made;
        });
        return reply.status(201).send(result);
      },
    );

    app.patch(
      "/promotions/:id/codes/:codeId",
      {
        config: { permission: "catalog:write" },
        preValidation: refuseZeroForNull(limitFields),
        schema: {
          summary: "Change a coupon code's limits",
          description:
            "`usageLimit` (in total) and `usageLimitPerCustomer`; null = unlimited. A limit below the uses so far " +
            "only stops further uses. Errors: 400 naming the field, 404 COUPON_CODE_NOT_FOUND.",
          tags,
          params: codeParams,
          body: CouponCodePatchSchema,
          response: { 200: CouponCodeSchema, ...writeErrors },
        },
      },
      async (request) =>
        ctx.db.transaction(async (tx) => {
          const { before, after } = await updateCouponCode(
            tx,
            request.params.id,
            request.params.codeId,
            request.body,
          );
          await recordStaffAction(tx, request, {
            action: "pricing.coupon.update",
            targetType: "coupon_code",
            targetId: after.id,
            metadata: {
              promotionId: request.params.id,
              code: after.code,
              changes: changedFields({ ...before }, { ...after }, ["createdAt", "usageCount"]),
            },
          });
          return after;
        }),
    );

    app.delete(
      "/promotions/:id/codes/:codeId",
      {
        config: { permission: "catalog:write" },
        schema: {
          summary: "Delete an unused coupon code",
          description:
            "Only a code no order used (cancelled orders included: their code stays for history; set a usage limit " +
            "to stop it instead). Errors: 404 COUPON_CODE_NOT_FOUND, 409 COUPON_CODE_USED.",
          tags,
          params: codeParams,
          response: { 204: Type.Null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        await ctx.db.transaction(async (tx) => {
          await getCouponCode(tx, request.params.id, request.params.codeId);
          const removed = await deleteCouponCode(tx, request.params.id, request.params.codeId);
          await recordStaffAction(tx, request, {
            action: "pricing.coupon.delete",
            targetType: "coupon_code",
            targetId: removed.id,
            metadata: { promotionId: request.params.id, code: removed.code },
          });
        });
        return reply.status(204).send(null);
      },
    );
  };
}
