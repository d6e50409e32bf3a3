import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { sendProblem } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import type { Auth } from "./customers.auth.ts";
import {
  addAddress,
  deleteAddress,
  getProfile,
  listAddresses,
  updateAddress,
  updateProfile,
} from "./customers.service.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in account (set by the account guard). */
    accountId?: string;
  }
}

const nullableString = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

const AddressSchema = Type.Object({
  id: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  company: Type.Union([Type.String(), Type.Null()]),
  line1: Type.String(),
  line2: Type.Union([Type.String(), Type.Null()]),
  city: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  postalCode: Type.Union([Type.String(), Type.Null()]),
  country: Type.String({ description: "ISO 3166-1 alpha-2" }),
  phone: Type.Union([Type.String(), Type.Null()]),
  isDefaultShipping: Type.Boolean(),
  isDefaultBilling: Type.Boolean(),
});

const addressFields = {
  firstName: Type.String({ maxLength: 100 }),
  lastName: Type.String({ maxLength: 100 }),
  company: Type.Optional(nullableString(200)),
  line1: Type.String({ maxLength: 200 }),
  line2: Type.Optional(nullableString(200)),
  city: Type.String({ maxLength: 100 }),
  region: Type.Optional(nullableString(100)),
  postalCode: Type.Optional(nullableString(20)),
  country: Type.String({ minLength: 2, maxLength: 2, description: "ISO 3166-1 alpha-2, e.g. US" }),
  phone: Type.Optional(nullableString(20)),
  isDefaultShipping: Type.Optional(Type.Boolean()),
  isDefaultBilling: Type.Optional(Type.Boolean()),
};

const AddressInputSchema = Type.Object(addressFields, { additionalProperties: false });
const AddressPatchSchema = Type.Partial(Type.Object(addressFields), { additionalProperties: false });

const ProfileSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  emailVerified: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  phone: Type.Union([Type.String(), Type.Null()]),
  marketingConsent: Type.Boolean(),
  marketingConsentAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

/** Requires a signed-in account (401 UNAUTHENTICATED); the store scope's Origin check guards writes. */
export function accountGuard(auth: Auth) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
    if (!session) return sendProblem(reply, 401, "UNAUTHENTICATED", "Sign in first.");
    request.accountId = session.user.id;
  };
}

/**
 * The shopper's own account under /api/store/account: profile (name, phone, marketing consent) and
 * address book. Only ever the signed-in account's data: another account's address answers 404.
 */
export function accountRoutes(auth: Auth, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook("onRequest", accountGuard(auth));
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };

    app.get(
      "/",
      { schema: { summary: "My profile", tags: ["account"], response: { 200: ProfileSchema, ...errors } } },
      async (request) => getProfile(db, request.accountId!),
    );
    app.patch(
      "/",
      {
        schema: {
          summary: "Change my profile",
          description:
            "Name, phone (E.164, e.g. +4930123456) and marketing consent; a consent change records its UTC time.",
          tags: ["account"],
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              phone: Type.Optional(nullableString(20)),
              marketingConsent: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: ProfileSchema, ...errors },
        },
      },
      async (request) => updateProfile(db, request.accountId!, request.body),
    );
    app.get(
      "/addresses",
      {
        schema: {
          summary: "My addresses",
          tags: ["account"],
          response: { 200: Type.Object({ items: Type.Array(AddressSchema) }), ...errors },
        },
      },
      async (request) => ({ items: await listAddresses(db, request.accountId!) }),
    );
    app.post(
      "/addresses",
      {
        schema: {
          summary: "Add an address",
          description:
            "Validated for the destination country: required lines, a state/province where the country uses one, " +
            "and the country's postal-code format. The first address becomes the default for shipping and billing. " +
            "Errors: 400 VALIDATION_FAILED naming each field.",
          tags: ["account"],
          body: AddressInputSchema,
          response: { 201: AddressSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { company, line2, region, postalCode, phone, ...rest } = request.body;
        const address = await addAddress(db, request.accountId!, {
          ...rest,
          company: company ?? null,
          line2: line2 ?? null,
          region: region ?? null,
          postalCode: postalCode ?? null,
          phone: phone ?? null,
        });
        return reply.status(201).send(address);
      },
    );
    app.patch(
      "/addresses/:id",
      {
        schema: {
          summary: "Change an address",
          tags: ["account"],
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: AddressPatchSchema,
          response: { 200: AddressSchema, ...errors },
        },
      },
      async (request) => updateAddress(db, request.accountId!, request.params.id, request.body),
    );
    app.delete(
      "/addresses/:id",
      {
        schema: {
          summary: "Delete an address",
          tags: ["account"],
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (request, reply) => {
        await deleteAddress(db, request.accountId!, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
