import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { invalidateShopCache } from "../../platform/shop-cache.ts";
import { etagOf, expectedVersion, IfMatchHeaders } from "../../platform/versioning.ts";
import { changedFields, recordStaffAction } from "../audit/index.ts";
import { resolveAuthSecret } from "../customers/index.ts";
import { PaymentProviderInputSchema, StaffPaymentProviderSchema } from "./payments.admin.types.ts";
import {
  getPaymentProviderForStaff,
  listPaymentProvidersForStaff,
  savePaymentProviderSettings,
} from "./payments.settings.ts";

function withEtag<T extends { version: number }>(reply: FastifyReply, body: T): T {
  reply.header("etag", etagOf(body.version)).header("cache-control", "no-store");
  return body;
}

/**
 * Staff API for payment provider settings under /api/admin (permission `settings:write`, reads too):
 * each provider's switch, test mode and keys. Keys are sealed with the server's secret and never
 * answered, logged or audited (the audit names which keys changed); the list shows masked hints. A
 * save takes `If-Match` (409 STALE_VERSION) and reaches the checkout at once.
 */
export function adminPaymentSettingsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "settings"];
    const permission = "settings:write";
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const params = Type.Object({ code: Type.String({ maxLength: 40 }) });
    const secret = () => resolveAuthSecret(ctx.config);

    app.get(
      "/settings/payment-providers",
      {
        config: { permission },
        schema: {
          summary: "List payment providers",
          description:
            "Every provider the shop knows, in checkout order: switched on or off, test mode, whether it is offered " +
            "now, and its keys as masked hints (never their values), from the admin's settings or the environment.",
          tags,
          response: { 200: Type.Object({ items: Type.Array(StaffPaymentProviderSchema) }), ...errors },
        },
      },
      async (_request, reply) => {
        reply.header("cache-control", "no-store");
        return { items: await listPaymentProvidersForStaff(ctx.db, ctx.config, secret()) };
      },
    );

    app.get(
      "/settings/payment-providers/:code",
      {
        config: { permission },
        schema: {
          summary: "Get a payment provider's settings",
          description: "With its ETag (version 0 until first saved). Errors: 404 PAYMENT_PROVIDER_NOT_FOUND.",
          tags,
          params,
          response: { 200: StaffPaymentProviderSchema, ...errors },
        },
      },
      async (request, reply) =>
        withEtag(reply, await getPaymentProviderForStaff(ctx.db, ctx.config, secret(), request.params.code)),
    );

    app.put(
      "/settings/payment-providers/:code",
      {
        config: { permission },
        schema: {
          summary: "Change a payment provider's settings",
          description:
            "Switches it on or off, sets test mode, and sets (string) or removes (null) keys; fields left out keep " +
            "their value. Keys are sealed (AES-256-GCM) and only masked hints are answered. A provider switched off " +
            "is no longer offered at checkout (its payments still settle and refund). Keys come all from here or all " +
            "from the environment. Send `If-Match` with the ETag you read. Errors: 400 naming the field " +
            "(`credentials.secretKey`: missing, a live key in test mode; `enabled`: no keys), 404 " +
            "PAYMENT_PROVIDER_NOT_FOUND, 409 STALE_VERSION.",
          tags,
          params,
          headers: IfMatchHeaders,
          body: PaymentProviderInputSchema,
          response: { 200: StaffPaymentProviderSchema, ...errors, 409: ProblemSchema },
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.headers);
        const provider = await ctx.db.transaction(async (tx) => {
          const { before, after, credentialsChanged } = await savePaymentProviderSettings(
            tx,
            ctx.config,
            secret(),
            request.params.code,
            request.body,
            expected,
          );
          // Which keys changed, never their values or hints.
          await recordStaffAction(tx, request, {
            action: "settings.payment_provider.update",
            targetType: "payment_provider",
            targetId: after.code,
            metadata: {
              changes: changedFields(
                { enabled: before.enabled, testMode: before.testMode },
                { enabled: after.enabled, testMode: after.testMode },
              ),
              credentialsChanged,
            },
          });
          return after;
        });
        invalidateShopCache("settings");
        return withEtag(reply, provider);
      },
    );
  };
}
