import { Type } from "typebox";
import { PostalAddressInputSchema, PostalAddressSchema } from "../../platform/address.ts";
import { storeSettingsLimits } from "./settings.store.ts";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** The store settings as staff see them (GET/PUT /api/admin/settings/store). */
export const StoreSettingsSchema = Type.Object({
  storeName: Type.String({ description: "The shop's name (e-mails, page titles, invoices)" }),
  senderEmail: Type.String({ description: 'Sender of shop e-mails; "" = the server\'s MAIL_FROM' }),
  supportPhone: Type.String(),
  storeAddress: Nullable(PostalAddressSchema),
  logoImageId: Nullable(Type.String({ description: "An image id from POST /api/admin/images" })),
  logoUrl: Nullable(Type.String({ description: "Thumbnail of the logo" })),
  defaultCurrency: Type.String({ description: "ISO 4217; the catalog's prices and new carts" }),
  currencies: Type.Array(Type.String(), { description: "ISO 4217 codes, the default first" }),
  locales: Type.Array(Type.String(), { description: "Canonical BCP 47 tags, the default first" }),
  pricesIncludeTax: Type.Boolean({ description: "Catalog prices include tax (EU style)" }),
  shippingTaxClass: Nullable(Type.String({ description: "Tax class of shipping; null = not taxed" })),
  reservationMinutes: Type.Integer({ description: "Minutes an unpaid order holds its stock" }),
  cartLifetimeDays: Type.Integer({ description: "Days an untouched cart lives" }),
  orderNumberPrefix: Type.String({ description: 'Before new order numbers: "BZ-" gives BZ-100042' }),
  guestCheckout: Type.Boolean({ description: "Guests may check out without an account" }),
  requirePhone: Type.Boolean({ description: "A phone number is required with the shipping address" }),
  version: Type.Integer({ description: "Bumped by every save; also the ETag" }),
  updatedAt: Type.String({ format: "date-time" }),
});

/** Changes to the store settings: any subset of the fields; those left out keep their value. */
export const StoreSettingsInputSchema = Type.Object(
  {
    storeName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    senderEmail: Type.Optional(Type.String({ maxLength: 254 })),
    supportPhone: Type.Optional(Type.String({ maxLength: 40 })),
    storeAddress: Type.Optional(Nullable(PostalAddressInputSchema)),
    logoImageId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    defaultCurrency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
    currencies: Type.Optional(
      Type.Array(Type.String({ maxLength: 3 }), { minItems: 1, maxItems: storeSettingsLimits.maxCurrencies }),
    ),
    locales: Type.Optional(
      Type.Array(Type.String({ maxLength: 35 }), { minItems: 1, maxItems: storeSettingsLimits.maxLocales }),
    ),
    pricesIncludeTax: Type.Optional(Type.Boolean()),
    shippingTaxClass: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    reservationMinutes: Type.Optional(Type.Integer(storeSettingsLimits.reservationMinutes)),
    cartLifetimeDays: Type.Optional(Type.Integer(storeSettingsLimits.cartLifetimeDays)),
    orderNumberPrefix: Type.Optional(
      Type.String({ maxLength: 10, description: "Up to 10 of A-Z, 0-9 and -" }),
    ),
    guestCheckout: Type.Optional(Type.Boolean()),
    requirePhone: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** A tax rate as staff see it. */
export const StaffTaxRateSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  countryCode: Type.String({ description: "ISO 3166-1 alpha-2" }),
  region: Nullable(Type.String({ description: "Region code, e.g. MI; null = the whole country" })),
  postcodePattern: Nullable(
    Type.String({ description: 'Null = any; "48*"; "48000-48999"; comma-separated' }),
  ),
  rateBasisPoints: Type.Integer({ description: "600 = 6 %" }),
  taxClass: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
});

/** A tax rate to create or replace. */
export const TaxRateInputSchema = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, description: "Unique, e.g. US-MI" }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    countryCode: Type.String({ minLength: 2, maxLength: 2, description: "ISO 3166-1 alpha-2" }),
    region: Type.Optional(Nullable(Type.String({ maxLength: 10 }))),
    postcodePattern: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    rateBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000, description: "600 = 6 %" }),
    taxClass: Type.Optional(Type.String({ minLength: 1, maxLength: 40, default: "standard" })),
  },
  { additionalProperties: false },
);

export const TaxClassSchema = Type.Object({
  code: Type.String(),
  rateCount: Type.Integer(),
  usedForShipping: Type.Boolean(),
});
