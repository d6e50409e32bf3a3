import { monotonicFactory } from "ulidx";

const ulid = monotonicFactory();

/** Prefixes of the entity ids, one per kind of record. */
export type IdPrefix =
  | "prod"
  | "var"
  | "opt"
  | "optval"
  | "cat"
  | "attr"
  | "img"
  | "dl"
  | "bopt"
  | "loc"
  | "rev"
  | "imp"
  | "evt"
  | "usr"
  | "ses"
  | "acct"
  | "vrf"
  | "tfa"
  | "role"
  | "aud"
  | "adr"
  | "key"
  | "ven"
  | "cart"
  | "line"
  | "ord"
  | "oli"
  | "oev"
  | "pay"
  | "res"
  | "tax"
  | "promo"
  | "cpn"
  | "shz"
  | "shm"
  | "ful"
  | "ref"
  | "dsp"
  | "whk"
  | "rma";

/**
 * A new prefixed, time-sortable id such as `prod_01JD5V3M8Q7X2K9W4E6R1T0Y3B`:
 * the prefix names the kind of record, the rest is a ULID (48-bit ms timestamp + 80 random bits,
 * Crockford base32; https://github.com/ulid/spec), monotonic within one process.
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
