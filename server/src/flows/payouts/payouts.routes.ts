import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { stringify } from "csv-stringify/sync";
import { Type } from "typebox";
import { recordStaffAction } from "../../modules/audit/index.ts";
import {
  getLedgerSettings,
  getPayout,
  listPayouts,
  markPayoutPaid,
  type PayoutRow,
  setLedgerSettings,
  vendorBalances,
  vendorStatement,
} from "../../modules/ledger/index.ts";
import { canTransfer, type PaymentsContext, ProviderError } from "../../modules/payments/index.ts";
import {
  getVendor,
  payoutDetailsOf,
  setPayoutMethod,
  setStripeAccount,
} from "../../modules/vendors/index.ts";
import { AppError, ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { vendorScope } from "../../platform/vendor-scope.ts";
import { runPayouts } from "./payouts.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};

const BalanceSchema = Type.Object({
  currency: Type.String({ description: "ISO 4217" }),
  balance: Type.Integer({
    description: "Owed to the vendor, minor units (negative: the vendor owes the platform)",
  }),
  available: Type.Integer({
    description: "Past the hold period: what the next payout run pays, minor units",
  }),
  held: Type.Integer({ description: "Still in the hold period (the return window), minor units" }),
});

const PayoutSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  vendorId: Type.String(),
  amount: Type.Integer({ description: "Minor units of currency" }),
  currency: Type.String(),
  method: Type.String({ description: "stripe_connect or bank_transfer" }),
  status: Type.String({ description: "pending, paid, failed, reversed" }),
  reference: Nullable(Type.String({ description: "Stripe transfer id or bank transfer reference" })),
  failureMessage: Nullable(Type.String()),
  createdAt: Type.String({ format: "date-time" }),
  paidAt: Nullable(Type.String({ format: "date-time" })),
});

const StatementQuery = Type.Object(
  {
    currency: Type.String({ pattern: "^[A-Za-z]{3}$", description: "ISO 4217" }),
    from: Type.Optional(Type.String({ format: "date-time", description: "UTC, inclusive" })),
    to: Type.Optional(Type.String({ format: "date-time", description: "UTC, inclusive" })),
  },
  { additionalProperties: false },
);

const StatementSchema = Type.Object({
  currency: Type.String(),
  opening: Type.Integer({ description: "Balance before `from`, minor units" }),
  closing: Type.Integer({ description: "Balance after the last line, minor units" }),
  lines: Type.Array(
    Type.Object({
      at: Type.String({ format: "date-time" }),
      kind: Type.String({ description: "sale, refund, chargeback, payout, payout_reversal, adjustment" }),
      orderId: Nullable(Type.String()),
      payoutId: Nullable(Type.String()),
      memo: Type.String(),
      amount: Type.Integer({ description: "Positive: owed to the vendor; negative: taken back or paid out" }),
      balance: Type.Integer({ description: "After this line" }),
      availableAt: Type.String({ format: "date-time", description: "When the line may be paid out" }),
    }),
  ),
});

const payoutDto = (p: PayoutRow) => ({
  ...p,
  createdAt: p.createdAt.toISOString(),
  paidAt: p.paidAt?.toISOString() ?? null,
});

function parseRange(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from > to)
    throw new ValidationError([{ field: "from", message: "must not be after `to`" }]);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** A statement as CSV (RFC 4180): one row per line, amounts in minor units, the opening and closing balances. */
function statementCsv(s: Awaited<ReturnType<typeof vendorStatement>>): string {
  return stringify([
    [
      "at",
      "kind",
      "order_id",
      "payout_id",
      "memo",
      "amount_minor",
      "balance_minor",
      "available_at",
      "currency",
    ],
    ["", "opening", "", "", "", "", String(s.opening), "", s.currency],
    ...s.lines.map((l) => [
      l.at,
      l.kind,
      l.orderId ?? "",
      l.payoutId ?? "",
      l.memo,
      String(l.amount),
      String(l.balance),
      l.availableAt,
      s.currency,
    ]),
    ["", "closing", "", "", "", "", String(s.closing), "", s.currency],
  ]);
}

/**
 * Staff's payout API under /api/admin (vendors:manage): run payouts now, list payouts, mark a bank
 * transfer sent, a vendor's balances and statement (JSON or CSV), and the money settings.
 */
export function adminPayoutRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "payouts"];
    app.post(
      "/payout-runs",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Run payouts now",
          description:
            "Pays every vendor its available balance (Stripe Connect transfers; bank transfers wait for staff), or " +
            "resumes the run a stopped process left. Idempotent: nobody is paid twice.",
          tags,
          response: {
            200: Type.Object({
              runId: Type.String(),
              resumed: Type.Boolean(),
              created: Type.Integer(),
              transferred: Type.Integer(),
              awaitingBankTransfer: Type.Integer(),
              failed: Type.Integer(),
              retryLater: Type.Integer(),
              skipped: Type.Array(Type.Object({ vendorId: Type.String(), reason: Type.String() })),
              paid: Type.Record(Type.String(), Type.Integer()),
              completed: Type.Boolean(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const summary = await runPayouts(ctx, `staff:${request.staff!.userId}`, new Date(), request.log);
        await recordStaffAction(ctx.db, request, {
          action: "payouts.run",
          targetType: "payout_run",
          targetId: summary.runId,
          metadata: { created: summary.created, transferred: summary.transferred, paid: summary.paid },
        });
        return summary;
      },
    );
    app.get(
      "/payouts",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Payouts",
          description: "Newest first (at most 200), by status, vendor or run.",
          tags,
          querystring: Type.Object(
            {
              status: Type.Optional(Type.String({ maxLength: 20 })),
              vendorId: Type.Optional(Type.String({ maxLength: 64 })),
              runId: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(PayoutSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await listPayouts(ctx.db, request.query)).map(payoutDto) }),
    );
    app.post(
      "/payouts/:id/mark-paid",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Mark a bank transfer payout sent",
          description:
            "For a pending bank transfer payout, once the money was sent: records the bank's reference. Errors: 404 " +
            "PAYOUT_NOT_FOUND, 409 PAYOUT_NOT_PENDING (paid, failed, or a Stripe payout).",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object(
            { reference: Type.String({ minLength: 1, maxLength: 100 }) },
            { additionalProperties: false },
          ),
          response: { 200: PayoutSchema, ...errors },
        },
      },
      async (request) => {
        const payout = await getPayout(ctx.db, request.params.id);
        if (
          payout.method !== "bank_transfer" ||
          !(await markPayoutPaid(ctx.db, payout.id, request.body.reference))
        )
          throw new AppError(
            409,
            "PAYOUT_NOT_PENDING",
            "Only a pending bank transfer payout is marked paid by hand.",
          );
        await recordStaffAction(ctx.db, request, {
          action: "payouts.mark_paid",
          targetType: "payout",
          targetId: payout.id,
          metadata: { reference: request.body.reference, amount: payout.amount, currency: payout.currency },
        });
        return payoutDto(await getPayout(ctx.db, payout.id));
      },
    );
    app.get(
      "/vendors/:id/balance",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "A vendor's balances",
          tags,
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 200: Type.Object({ balances: Type.Array(BalanceSchema) }), ...errors },
        },
      },
      async (request) => ({
        balances: await vendorBalances(ctx.db, (await getVendor(ctx.db, request.params.id)).id),
      }),
    );
    for (const csv of [false, true]) {
      app.get(
        csv ? "/vendors/:id/statement.csv" : "/vendors/:id/statement",
        {
          config: { permission: "vendors:manage" },
          schema: {
            summary: csv ? "A vendor's statement as CSV" : "A vendor's statement",
            description:
              "Every ledger line of the vendor in a currency and time range, with the running balance" +
              (csv ? " (RFC 4180 CSV, amounts in minor units)." : "."),
            tags,
            params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
            querystring: StatementQuery,
            ...(csv ? { produces: ["text/csv"] } : {}),
            response: {
              200: csv ? Type.String({ description: "RFC 4180 CSV with a header row" }) : StatementSchema,
              ...errors,
            },
          },
        },
        async (request, reply) => {
          // 404 for an unknown vendor; its slug (safe characters only) names the file.
          const vendor = await getVendor(ctx.db, request.params.id);
          const s = await vendorStatement(ctx.db, vendor.id, {
            currency: request.query.currency.toUpperCase(),
            ...parseRange(request.query),
          });
          reply.header("cache-control", "no-store");
          if (!csv) return s;
          return reply
            .header("content-type", "text/csv; charset=utf-8")
            .header(
              "content-disposition",
              `attachment; filename="statement-${vendor.slug}-${s.currency}.csv"`,
            )
            .send(statementCsv(s));
        },
      );
    }
    const SettingsSchema = Type.Object({
      holdDays: Type.Integer({
        minimum: 0,
        maximum: 365,
        description: "Days a sale is held before payout (the return window)",
      }),
      payoutIntervalDays: Type.Integer({
        minimum: 1,
        maximum: 90,
        description: "Days between scheduled payout runs",
      }),
      minimumPayout: Type.Integer({ minimum: 0, description: "Smallest payout, minor units" }),
    });
    app.get(
      "/marketplace/settings",
      {
        config: { permission: "vendors:manage" },
        schema: { summary: "Marketplace money settings", tags, response: { 200: SettingsSchema, ...errors } },
      },
      async () => getLedgerSettings(ctx.db),
    );
    app.put(
      "/marketplace/settings",
      {
        config: { permission: "vendors:manage" },
        schema: {
          summary: "Change the marketplace money settings",
          description: "Applies to sales posted from now on. Errors: 400 naming the field.",
          tags,
          body: Type.Partial(SettingsSchema, { additionalProperties: false }),
          response: { 200: SettingsSchema, ...errors },
        },
      },
      async (request) => {
        const settings = await setLedgerSettings(ctx.db, request.body);
        await recordStaffAction(ctx.db, request, {
          action: "marketplace.settings.update",
          targetType: "settings",
          targetId: "marketplace",
          metadata: { ...request.body },
        });
        return settings;
      },
    );
  };
}

const PayoutAccountSchema = Type.Object({
  payoutMethod: Nullable(Type.Union([Type.Literal("stripe_connect"), Type.Literal("bank_transfer")])),
  stripeAvailable: Type.Boolean({ description: "The shop pays out through Stripe Connect" }),
  stripe: Nullable(
    Type.Object({
      accountId: Type.String(),
      payoutsEnabled: Type.Boolean({ description: "Stripe lets the account receive payouts" }),
      detailsSubmitted: Type.Boolean({ description: "The onboarding form was completed" }),
    }),
  ),
});

/** The vendor portal's money under /api/vendor: balances, payouts, statements and payout onboarding. */
export function vendorPayoutRoutes(ctx: PaymentsContext): FastifyPluginAsyncTypebox {
  const stripeProvider = async () => {
    if (!ctx.payments.has("stripe")) return null;
    const provider = await ctx.payments.provider(ctx.db, "stripe");
    return canTransfer(provider) ? provider : null;
  };
  const accountOf = async (vendorId: string) => {
    const vendor = await getVendor(ctx.db, vendorId);
    const details = (await payoutDetailsOf(ctx.db, [vendorId])).get(vendorId)!;
    return {
      vendor,
      body: {
        payoutMethod: vendor.payoutMethod,
        stripeAvailable: (await stripeProvider()) !== null,
        stripe: details.stripeAccountId
          ? {
              accountId: details.stripeAccountId,
              payoutsEnabled: details.stripePayoutsEnabled,
              detailsSubmitted: details.stripeDetailsSubmitted,
            }
          : null,
      },
    };
  };
  return async (app) => {
    const tags = ["vendor", "payouts"];
    app.get(
      "/payouts/account",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "How I am paid",
          description: "The payout method, and the Stripe connected account's onboarding state.",
          tags,
          response: { 200: PayoutAccountSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return (await accountOf(vendorScope(request).id)).body;
      },
    );
    app.post(
      "/payouts/stripe-onboarding",
      {
        config: { vendorRole: "owner" },
        schema: {
          summary: "Start or continue Stripe payout onboarding",
          description:
            "Creates the vendor's Stripe Express connected account the first time (idempotent), makes Stripe its " +
            "payout method, and answers a one-time link to Stripe's hosted onboarding; the vendor comes back to the " +
            "portal's payouts page. Stripe reports completion with `account.updated` (webhook). Errors: 409 " +
            "STRIPE_NOT_AVAILABLE when the shop does not pay out through Stripe, 502 PROVIDER_ERROR.",
          tags,
          response: {
            200: Type.Object({ url: Type.String(), expiresAt: Type.String({ format: "date-time" }) }),
            ...errors,
            502: ProblemSchema,
          },
        },
      },
      async (request) => {
        const scope = vendorScope(request);
        const provider = await stripeProvider();
        if (!provider)
          throw new AppError(
            409,
            "STRIPE_NOT_AVAILABLE",
            "This shop does not pay out through Stripe; choose bank transfer.",
          );
        const { vendor } = await accountOf(scope.id);
        const existing = (await payoutDetailsOf(ctx.db, [scope.id])).get(scope.id)!.stripeAccountId;
        try {
          let accountId = existing;
          if (!accountId) {
            const account = await provider.createConnectedAccount(
              {
                country: vendor.payoutCountry || vendor.address?.country || "US",
                email: vendor.contactEmail,
                businessName: vendor.name,
                metadata: { vendorId: vendor.id },
              },
              `connect_account_${vendor.id}`,
            );
            await setStripeAccount(ctx.db, vendor.id, account);
            accountId = account.id;
          }
          const back = `${ctx.config.publicUrl}/admin/vendor/payouts`;
          const link = await provider.createAccountLink({
            account: accountId,
            refreshUrl: `${back}?refresh=1`,
            returnUrl: `${back}?return=1`,
          });
          await recordStaffAction(ctx.db, request, {
            action: "vendor.stripe_onboarding",
            targetType: "vendor",
            targetId: vendor.id,
            metadata: { accountId },
          });
          return { url: link.url, expiresAt: link.expiresAt.toISOString() };
        } catch (error) {
          if (error instanceof ProviderError)
            throw new AppError(502, "PROVIDER_ERROR", `Stripe refused: ${error.message}`);
          throw error;
        }
      },
    );
    app.put(
      "/payouts/method",
      {
        config: { vendorRole: "owner" },
        schema: {
          summary: "Choose how I am paid",
          description:
            "`bank_transfer` (the shop sends the money by hand) or `stripe_connect` (needs the Stripe onboarding). " +
            "Errors: 409 STRIPE_NOT_AVAILABLE.",
          tags,
          body: Type.Object(
            { method: Type.Union([Type.Literal("stripe_connect"), Type.Literal("bank_transfer")]) },
            { additionalProperties: false },
          ),
          response: { 200: PayoutAccountSchema, ...errors },
        },
      },
      async (request) => {
        const scope = vendorScope(request);
        if (request.body.method === "stripe_connect" && !(await stripeProvider()))
          throw new AppError(
            409,
            "STRIPE_NOT_AVAILABLE",
            "This shop does not pay out through Stripe; choose bank transfer.",
          );
        await setPayoutMethod(ctx.db, scope.id, request.body.method, {
          actorId: scope.userId,
          ipAddress: request.ip,
        });
        return (await accountOf(scope.id)).body;
      },
    );
    app.get(
      "/balance",
      {
        config: { vendorRole: "member" },
        schema: {
          summary: "My balance and payouts",
          description: "Balances per currency (owed, available now, held) and the latest payouts.",
          tags,
          response: {
            200: Type.Object({ balances: Type.Array(BalanceSchema), payouts: Type.Array(PayoutSchema) }),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        const vendorId = vendorScope(request).id;
        const [balances, payouts] = await Promise.all([
          vendorBalances(ctx.db, vendorId),
          listPayouts(ctx.db, { vendorId }),
        ]);
        return { balances, payouts: payouts.slice(0, 50).map(payoutDto) };
      },
    );
    for (const csv of [false, true]) {
      app.get(
        csv ? "/statement.csv" : "/statement",
        {
          config: { vendorRole: "member" },
          schema: {
            summary: csv ? "My statement as CSV" : "My statement",
            description:
              "Every sale, refund, chargeback and payout in a currency and time range, with the running balance" +
              (csv ? " (RFC 4180 CSV, amounts in minor units)." : ".") +
              " Errors: 400 naming the field.",
            tags,
            querystring: StatementQuery,
            ...(csv ? { produces: ["text/csv"] } : {}),
            response: {
              200: csv ? Type.String({ description: "RFC 4180 CSV with a header row" }) : StatementSchema,
              ...errors,
            },
          },
        },
        async (request, reply) => {
          const s = await vendorStatement(ctx.db, vendorScope(request).id, {
            currency: request.query.currency.toUpperCase(),
            ...parseRange(request.query),
          });
          reply.header("cache-control", "no-store");
          if (!csv) return s;
          return reply
            .header("content-type", "text/csv; charset=utf-8")
            .header("content-disposition", `attachment; filename="statement-${s.currency}.csv"`)
            .send(statementCsv(s));
        },
      );
    }
  };
}
