import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import type { PaymentsContext } from "../payments/index.ts";
import { editOrder, itemsToAdd, type OrderEditChange, previewOrderEdit } from "./orders.edit.ts";
import { AdminOrderSchema } from "./orders.types.ts";
import { adminOrderDto } from "./orders.view.ts";

const Minor = (description: string) =>
  Type.Integer({ description: `${description}, minor units of the order currency` });

const ChangeSchema = Type.Object(
  {
    type: Type.Union([Type.Literal("add"), Type.Literal("set_quantity"), Type.Literal("remove")], {
      description: "add a variant, set a line's quantity, or remove a line",
    }),
    lineId: Type.Optional(
      Type.String({ maxLength: 64, description: "The order line (set_quantity, remove)" }),
    ),
    variantId: Type.Optional(Type.String({ maxLength: 64, description: "The variant to add (add)" })),
    quantity: Type.Optional(
      Type.Integer({ description: "Units: the line's new quantity (set_quantity) or to add (add), 1-10000" }),
    ),
  },
  { additionalProperties: false },
);

const ChangesSchema = Type.Array(ChangeSchema, { minItems: 1, maxItems: 200 });

const EditLineSchema = Type.Object({
  lineId: Type.Union([Type.String(), Type.Null()], { description: "Null for a line the edit adds" }),
  variantId: Type.String(),
  sku: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Minor("Unit price"),
  subtotal: Minor("unitPrice x quantity"),
  discount: Minor("Discount on the line"),
  tax: Minor("Tax on the line"),
  total: Minor("Line total"),
});

const EditTotalsSchema = Type.Object({
  subtotal: Minor("Sum of line subtotals"),
  discountTotal: Minor("Item discounts"),
  shippingTotal: Minor("Shipping before discount"),
  shippingDiscount: Minor("Shipping discount"),
  shippingTax: Minor("Tax on shipping"),
  taxTotal: Minor("All tax"),
  total: Minor("Order total"),
});

/** What an edit would do (the preview), in minor units of `currency`. */
export const OrderEditPreviewSchema = Type.Object({
  orderId: Type.String(),
  currency: Type.String({ description: "ISO 4217" }),
  pricesIncludeTax: Type.Boolean(),
  version: Type.Integer({ description: "The order version previewed; send it as If-Match to save" }),
  before: Type.Object({ lines: Type.Array(EditLineSchema), totals: EditTotalsSchema }),
  after: Type.Object({ lines: Type.Array(EditLineSchema), totals: EditTotalsSchema }),
  promotions: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      code: Type.Union([Type.String(), Type.Null()]),
      type: Type.String(),
      amount: Minor("Discount given"),
      freeShipping: Type.Boolean(),
    }),
  ),
  difference: Minor("New total minus old total (negative: lower)"),
  paidTotal: Minor("Paid and not refunded"),
  refundDue: Minor("Refunded on save: paid minus the new total, when positive"),
  balanceDue: Minor("Left to collect: the new total minus paid, when positive"),
  stock: Type.Array(
    Type.Object({
      variantId: Type.String(),
      sku: Type.String(),
      quantity: Type.Integer({ description: "Units reserved (positive) or released (negative)" }),
    }),
  ),
  shortages: Type.Array(
    Type.Object({
      field: Type.String({ description: "The change, e.g. changes[0]" }),
      variantId: Type.String(),
      sku: Type.String(),
      requested: Type.Integer(),
      available: Type.Integer(),
    }),
    { description: "Added units the stock does not cover now (saving would answer 409 OUT_OF_STOCK)" },
  ),
});

/** A saved edit: the order as staff see it and what happened to the money. */
export const OrderEditResultSchema = Type.Object({
  order: AdminOrderSchema,
  edit: Type.Object({
    version: Type.Integer({ description: "The order's new version (its ETag)" }),
    difference: Minor("New total minus old total"),
    refundDue: Minor("Paid minus the new total, when positive"),
    balanceDue: Minor("The new total minus paid, when positive: for staff to collect"),
    refund: Type.Union([
      Type.Object({ id: Type.String(), amount: Minor("Refunded"), status: Type.String() }),
      Type.Null(),
    ]),
    refundError: Type.Union([Type.String(), Type.Null()], {
      description: "Why refunding `refundDue` failed (the edit is saved; refund by hand)",
    }),
    replayed: Type.Boolean({ description: "The Idempotency-Key named an edit already saved" }),
  }),
});

const rules =
  "Only before anything ships: the order must be processing or on hold (not pending payment, cancelled or refunded) with no line shipped, and its payment not merely authorized. " +
  "Changes: `add` a variant not on the order (`variantId`, `quantity`), `set_quantity` of a line (`lineId`, `quantity` 1-10000), `remove` a line (`lineId`); lines with refunded units cannot change. " +
  "Re-pricing with the cart's engine: lines on the order keep their unit price, added variants take today's price in the order currency (price lists apply), tax is recomputed for the order's address with its tax-inclusive setting, the order's promotions (and coupon codes) are re-evaluated as they stood when it was placed, shipping keeps the price charged. " +
  "Money: a new total below what was paid is refunded (once); above it, the difference is a balance due (total − paid) for staff to collect.";

/**
 * Order editing before fulfilment for staff under /api/admin: preview (orders:read) and save
 * (orders:write, If-Match) changes to an order's lines, with re-pricing, stock and the payment
 * difference (see orders.edit.ts). Saves are audited with before/after.
 */
export function adminOrderEditRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "orders"];
    const errors = {
      400: ProblemSchema,
      401: ProblemSchema,
      403: ProblemSchema,
      404: ProblemSchema,
      409: ProblemSchema,
    };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) });

    app.get(
      "/orders/:id/items-to-add",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Find variants to add to an order",
          description:
            "For the order desk's \"Add an item\" (no catalog permission needed): variants on sale whose SKU or product name contains `q` (case-insensitive, at least 2 characters), at most 20 in SKU order, each with today's unit price in the order's currency (price lists apply, as the edit would price it; null when it has none there), its stock and whether it is already on the order. Errors: 400 naming `q`, 404 ORDER_NOT_FOUND.",
          tags,
          params,
          querystring: Type.Object({ q: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  variantId: Type.String(),
                  productName: Type.String(),
                  variantTitle: Type.String(),
                  sku: Type.String(),
                  unitPrice: Type.Union([Minor("Today's unit price"), Type.Null()]),
                  regularPrice: Type.Union([
                    Minor("Regular price while unitPrice is a special price"),
                    Type.Null(),
                  ]),
                  availableQuantity: Type.Union([Type.Integer(), Type.Null()], {
                    description: "Units that can be sold now; null when stock is not counted",
                  }),
                  onOrder: Type.Boolean({ description: "Already a line of the order" }),
                  ships: Type.Boolean({ description: "Needs shipping" }),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await itemsToAdd(ctx.db, request.params.id, request.query.q) };
      },
    );

    app.post(
      "/orders/:id/edit/preview",
      {
        config: { permission: "orders:read" },
        schema: {
          summary: "Preview an edit of an order's items",
          description: `Nothing is saved: the would-be lines and totals, promotions, stock reserved or released, and the payment difference. ${rules} Errors: 400 naming the field (\`changes[i].lineId\`, \`changes[i].variantId\`, \`changes[i].quantity\`), 404 ORDER_NOT_FOUND, 409 ORDER_NOT_EDITABLE / ORDER_PAYMENT_NOT_CAPTURED.`,
          tags,
          params,
          body: Type.Object({ changes: ChangesSchema }, { additionalProperties: false }),
          response: { 200: OrderEditPreviewSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return previewOrderEdit(ctx.db, request.params.id, request.body.changes as OrderEditChange[]);
      },
    );

    app.post(
      "/orders/:id/edit",
      {
        config: { permission: "orders:write" },
        schema: {
          summary: "Edit an order's items",
          description: `Applies the changes in one transaction: lines rewritten, totals recomputed, stock reserved for added units (never oversold) and released for removed ones, version bumped, an \`order.edited\` timeline entry and event, an audit entry with before/after; then a lower total is refunded. Send \`If-Match\` with the order's version: when it changed since, nothing is saved (409 STALE_VERSION). An \`Idempotency-Key\` makes a retry answer the saved edit without applying it (or refunding) twice. ${rules} Errors: 400 naming the field, 404 ORDER_NOT_FOUND, 409 STALE_VERSION / ORDER_NOT_EDITABLE / ORDER_PAYMENT_NOT_CAPTURED / OUT_OF_STOCK (naming the change \`changes[i]\`; nothing saved).`,
          tags,
          params,
          headers: Type.Object({
            ...IfMatchHeaders.properties,
            "idempotency-key": Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          }),
          body: Type.Object(
            {
              changes: ChangesSchema,
              note: Type.Optional(Type.String({ maxLength: 1000, description: "Why (on the timeline)" })),
            },
            { additionalProperties: false },
          ),
          response: { 200: OrderEditResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const orderId = request.params.id;
        const edit = await editOrder(ctx, orderId, {
          changes: request.body.changes as OrderEditChange[],
          note: request.body.note,
          expectedVersion: expectedVersion(request.headers),
          actor: `staff:${request.staff!.userId}`,
          requestKey: request.headers["idempotency-key"] ?? null,
          audit: (tx, entry) =>
            recordStaffAction(tx, request, {
              action: "order.edit",
              targetType: "order",
              targetId: orderId,
              metadata: {
                version: entry.plan.version + 1,
                difference: entry.plan.difference,
                currency: entry.plan.currency,
                note: request.body.note ?? "",
                changes: changedFields(entry.before, entry.after),
              },
            }),
        });
        reply.header("etag", etagOf(edit.version)).header("cache-control", "no-store");
        return { order: await adminOrderDto(ctx, orderId), edit };
      },
    );
  };
}
