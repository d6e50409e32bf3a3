import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NotFoundError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { applyShipmentUpdate, verifyShipmentWebhook } from "../orders/index.ts";
import type { CheckoutContext } from "./checkout.context.ts";
import { receiveWebhook } from "./checkout.payment-webhooks.ts";

/**
 * Signed provider webhooks under /api/hooks. The body is kept as raw bytes: signatures are computed
 * over the exact bytes sent, so it must not be parsed and re-serialised before verification.
 */
export function hooksRoutes(ctx: CheckoutContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 1024 * 1024 }, (_request, body, done) => {
      done(null, body);
    });

    app.post(
      "/payments/:provider",
      {
        schema: {
          summary: "Payment provider webhook",
          description:
            "Stripe (`Stripe-Signature`) and PayPal (transmission signature headers) deliveries. Stored once per provider event id and processed from the outbox; 200 for a redelivery, 400 WEBHOOK_SIGNATURE_INVALID for a bad signature.",
          tags: ["webhooks"],
          params: Type.Object({ provider: Type.String({ maxLength: 40 }) }),
          response: {
            200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean(), eventId: Type.String() }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from("");
        const result = await receiveWebhook(ctx, request.params.provider, body, request.headers);
        return { received: true, ...result };
      },
    );

    app.post(
      "/shipments",
      {
        schema: {
          summary: "Carrier shipment update",
          description: [
            "Body `{carrier, trackingNumber, status, occurredAt}` with status one of",
            "shipped, in_transit, out_for_delivery, delivered, failed, returned. Signed with the shared",
            "SHIPPING_WEBHOOK_SECRET: header `X-Bazaar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of",
            '"<t>.<raw body>">`. Statuses only move forward; a parcel\'s delivery completes the order once',
            "every parcel is delivered. 404 when the hook is not configured.",
          ].join(" "),
          tags: ["webhooks"],
          response: {
            200: Type.Object({ received: Type.Boolean(), applied: Type.Boolean() }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request) => {
        const secret = ctx.config.shippingWebhookSecret;
        if (!secret) throw new NotFoundError("WEBHOOK_NOT_CONFIGURED", "Shipment updates are not enabled.");
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from("");
        const header = request.headers["x-bazaar-signature"];
        const update = verifyShipmentWebhook(secret, body, typeof header === "string" ? header : undefined);
        return { received: true, applied: await applyShipmentUpdate(ctx, update) };
      },
    );
  };
}
