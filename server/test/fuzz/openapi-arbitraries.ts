import fc from "fast-check";

/** A JSON Schema node as the OpenAPI document carries it (TypeBox output, OpenAPI 3.1 dialect). */
export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
};

/**
 * Values a hostile client sends whatever the schema says: NUL bytes, numbers beyond any column
 * (and their string spellings, as a query string carries them), wrong types, a long string, SQL and
 * markup fragments, lone surrogates, odd whitespace.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  "\u0000",
  "a\u0000b",
  "1e309",
  "-1e309",
  "1e+21",
  "99999999999999999999",
  1e21,
  -1e21,
  2 ** 53,
  1e20,
  -1,
  0,
  2147483648,
  "NaN",
  "",
  " ",
  "x".repeat(5000),
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "\ud800",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "../../etc/passwd",
  "%00",
  true,
  null,
  [],
  {},
  [1, "a"],
  { $ne: null },
  "2026-13-45T25:61:00Z",
);

/** Strings from ids the shop really has, so that requests reach past "not found" into the operation. */
export type IdPool = string[];

/**
 * An arbitrary of values for `schema`: valid as far as the simple generators below can tell, and,
 * when `hostile`, mixed with hostile values at every level (one in five). `ids` are mixed into
 * strings so that some requests name real records.
 */
export function fromSchema(
  schema: JsonSchema | undefined,
  ids: IdPool,
  hostile: boolean,
): fc.Arbitrary<unknown> {
  return arbitraryOf(schema ?? {}, { ids, hostile }, 0);
}

type Mode = { ids: IdPool; hostile: boolean };

function arbitraryOf(schema: JsonSchema, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  const valid = validFromSchema(schema, mode, depth);
  return mode.hostile
    ? fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: hostileValue, weight: 1 })
    : valid;
}

function validFromSchema(schema: JsonSchema, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validFromSchema(s, mode, depth)));
  if (schema.allOf?.length) return validFromSchema(Object.assign({}, ...schema.allOf), mode, depth);
  const types = [schema.type ?? inferType(schema)].flat();
  if (types.length > 1)
    return fc.oneof(...types.map((type) => validFromSchema({ ...schema, type }, mode, depth)));
  switch (types[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000_000, -(2 ** 31)),
        max: Math.min(schema.maximum ?? 1_000_000, 2 ** 31 - 1),
      });
    case "number":
      return fc.double({
        min: Math.max(schema.minimum ?? -1e6, -1e12),
        max: Math.min(schema.maximum ?? 1e6, 1e12),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "string":
      return stringFromSchema(schema, mode.ids);
    case "array": {
      if (depth > 4) return fc.constant([]);
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryOf(schema.items ?? {}, mode, depth + 1), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)),
      });
    }
    case "object": {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (keys.length === 0) {
        const values = schema.patternProperties
          ? Object.values(schema.patternProperties)[0]
          : typeof schema.additionalProperties === "object"
            ? schema.additionalProperties
            : {};
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          arbitraryOf(values ?? {}, mode, depth + 1),
          {
            maxKeys: 3,
          },
        );
      }
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(keys.map((k) => [k, arbitraryOf(properties[k] ?? {}, mode, depth + 1)])),
        {
          requiredKeys: keys.filter((k) => required.has(k)),
        },
      );
    }
    default:
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function inferType(schema: JsonSchema): string | undefined {
  if (schema.properties) return "object";
  if (schema.items) return "array";
  return undefined;
}

function stringFromSchema(schema: JsonSchema, ids: IdPool): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 60));
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === "date")
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.format === "email") return fc.emailAddress();
  if (schema.format === "uri") return fc.webUrl();
  if (schema.format === "uuid") return fc.uuid();
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
    } catch {
      // a pattern fast-check cannot generate from: plain strings below
    }
  }
  const plain = fc.string({ minLength, maxLength, unit: "grapheme" });
  const fitting = ids.filter((id) => id.length >= minLength && id.length <= (schema.maxLength ?? 1000));
  return fitting.length ? fc.oneof(plain, fc.constantFrom(...fitting)) : plain;
}
