import { Type } from "typebox";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);
const Source = Type.Union([Type.Literal("settings"), Type.Literal("environment")]);

/** A credential as staff see it: never its value. */
export const StaffCredentialSchema = Type.Object({
  name: Type.String({ description: "The key's field, e.g. secretKey" }),
  label: Type.String(),
  secret: Type.Boolean({ description: "A secret (never shown) rather than a public id" }),
  help: Type.String(),
  set: Type.Boolean(),
  hint: Nullable(Type.String({ description: 'Masked, e.g. "sk_test_…4242"' })),
  source: Nullable(Source),
});

/** A payment provider's settings as staff see them. */
export const StaffPaymentProviderSchema = Type.Object({
  code: Type.String({ description: "stripe, paypal, test, bank_transfer, cash_on_delivery" }),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  testMode: Type.Boolean(),
  supportsTestMode: Type.Boolean(),
  available: Type.Boolean({ description: "May be switched on on this server" }),
  offered: Type.Boolean({ description: "Offered at checkout now" }),
  source: Source,
  credentials: Type.Array(StaffCredentialSchema),
  problem: Nullable(Type.String()),
  version: Type.Integer({ description: "0 until first saved in the admin; also the ETag" }),
  updatedAt: Nullable(Type.String({ format: "date-time" })),
});

/** Changes to a provider's settings. */
export const PaymentProviderInputSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    testMode: Type.Optional(Type.Boolean()),
    credentials: Type.Optional(
      Type.Record(Type.String({ maxLength: 40 }), Nullable(Type.String({ maxLength: 500 })), {
        description:
          "Keys by field name (see `credentials` of the provider): a string sets one, null removes it, a field " +
          "left out keeps its value. Keys come all from here or all from the environment.",
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
