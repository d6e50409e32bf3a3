import { Type } from "typebox";

/**
 * Postal addresses: a value type shared by carts, orders, customers' address books and vendors. The
 * country is ISO 3166-1 alpha-2; the region a state or province code (ISO 3166-2 subdivision without
 * its country prefix, e.g. MI); validation per destination lives with the customers module.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** A postal address as a cart or an order keeps it (a copy, not a reference to the address book). */
export interface PostalAddress {
  firstName: string;
  lastName: string;
  company: string | null;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone: string | null;
}

/** A postal address (input and output). */
export const PostalAddressSchema = Type.Object(
  {
    firstName: Type.String({ maxLength: 100 }),
    lastName: Type.String({ maxLength: 100 }),
    company: Nullable(Type.String({ maxLength: 200 })),
    line1: Type.String({ maxLength: 200 }),
    line2: Nullable(Type.String({ maxLength: 200 })),
    city: Type.String({ maxLength: 100 }),
    region: Nullable(Type.String({ maxLength: 100, description: "State or province code, e.g. MI" })),
    postalCode: Nullable(Type.String({ maxLength: 20 })),
    country: Type.String({ maxLength: 2, minLength: 2, description: "ISO 3166-1 alpha-2" }),
    phone: Nullable(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/** Input address: optional fields may be left out. */
export const PostalAddressInputSchema = Type.Object(
  {
    firstName: Type.String({ maxLength: 100 }),
    lastName: Type.String({ maxLength: 100 }),
    company: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    line1: Type.String({ maxLength: 200 }),
    line2: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    city: Type.String({ maxLength: 100 }),
    region: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    postalCode: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
    country: Type.String({ maxLength: 2, minLength: 2, description: "ISO 3166-1 alpha-2" }),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  },
  { additionalProperties: false },
);
