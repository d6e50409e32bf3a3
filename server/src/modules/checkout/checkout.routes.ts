import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { returnOrigin } from "../../platform/csrf.ts";
import { AppError, NotFoundError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { hashCartToken, resolveCart, shopperOf } from "../cart/index.ts";
import { findOrderByNumberAndEmail, OrderSchema, orderDto, orderLookupFields } from "../orders/index.ts";
import type { CheckoutContext } from "./checkout.context.ts";
import { completeOrderPayment, placeOrder } from "./checkout.service.ts";

/**
 * Checkout under /api/store: the payment methods offered, placing the order (idempotent by key), and
 * finishing a payment after the shopper returns from the provider.
 */
export function checkoutRoutes(ctx: CheckoutContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Finishing a payment names an order by number + e-mail: throttled per IP address like the lookup.
    const lookupLimit = { max: ctx.config.orderLookupPerMinute, timeWindow: 60_000 };
    const errors = {
      400: ProblemSchema,
      401: ProblemSchema,
      402: ProblemSchema,
      403: ProblemSchema,
      404: ProblemSchema,
      409: ProblemSchema,
      422: ProblemSchema,
    };

    app.get(
      "/payment-methods",
      {
        schema: {
          summary: "Payment methods offered",
          description:
            "The providers switched on (in the admin's payment settings, or by the environment) and able to run, in order.",
          tags: ["checkout"],
          response: {
            200: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                publishableKey: Type.Union([Type.String(), Type.Null()], {
                  description: "Stripe publishable key",
                }),
              }),
            ),
          },
        },
      },
      async () => ctx.payments.offered(ctx.db),
    );

    app.post(
      "/checkout",
      {
        schema: {
          summary: "Place the order",
          description: [
            "Turns the cart into an order at the prices the server computes (the client never sends prices),",
            "reserves stock, redeems coupons and starts the payment. Requires an `Idempotency-Key` header:",
            "the same key returns the same order (200), concurrent duplicates create one order.",
            "Errors: 400 VALIDATION_FAILED naming what is missing, 402 PAYMENT_DECLINED (the cart is kept),",
            "403 GUEST_CHECKOUT_DISABLED when the shop requires an account,",
            "409 OUT_OF_STOCK, 409 CHECKOUT_IN_PROGRESS, 409 IDEMPOTENCY_KEY_REUSED, 422 COUPON_*.",
          ].join(" "),
          tags: ["checkout"],
          headers: Type.Object({ "idempotency-key": Type.String({ minLength: 1, maxLength: 255 }) }),
          body: Type.Object(
            {
              payment: Type.Object(
                {
                  provider: Type.String({
                    maxLength: 40,
                    description: "A payment method id from /payment-methods",
                  }),
                  data: Type.Optional(
                    Type.Record(
                      Type.String(),
                      Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]),
                      {
                        description:
                          "Provider data: a Stripe payment method id, or a test card number for the test provider",
                      },
                    ),
                  ),
                },
                { additionalProperties: false },
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: OrderSchema, 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const cart = await resolveCart(ctx, request, reply, false);
        const shopper = await shopperOf(ctx, request);
        const scope = shopper.userId ?? (shopper.token ? `guest:${hashCartToken(shopper.token)}` : null);
        if (!scope) throw new AppError(404, "CART_NOT_FOUND", "There is no cart to check out.");
        // Back to the host name the shopper is using (cookies are per host), when it is the shop's.
        const shop = returnOrigin(request, ctx.config.publicUrl, ctx.config.trustedOrigins);
        const result = await placeOrder(ctx, {
          cart,
          scope,
          idempotencyKey: request.headers["idempotency-key"],
          payment: { provider: request.body.payment.provider, data: request.body.payment.data ?? {} },
          actor: { userId: shopper.userId },
          ipAddress: request.ip,
          returnUrl: `${shop}/checkout/return`,
          cancelUrl: `${shop}/checkout`,
        });
        reply.header("cache-control", "no-store");
        reply.status(result.created ? 201 : 200);
        return orderDto(ctx, result.parts ?? result.orderId);
      },
    );

    app.post(
      "/orders/lookup/payment",
      {
        config: { rateLimit: lookupLimit },
        schema: {
          summary: "Finish a payment after returning from the provider",
          description:
            "After PayPal approval or a Stripe redirect, the return page calls this with the order number and e-mail: the server asks the provider and records the outcome (PayPal orders are captured here). Answers the order.",
          tags: ["checkout"],
          body: Type.Object(orderLookupFields, { additionalProperties: false }),
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request) => {
        const order = await findOrderByNumberAndEmail(ctx.db, request.body.number, request.body.email);
        if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No order matches this number and e-mail.");
        await completeOrderPayment(ctx, order.id);
        return orderDto(ctx, order.id);
      },
    );
  };
}
