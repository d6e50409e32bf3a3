import { getRandomValues } from "node:crypto";
import { monotonicFactory } from "ulidx";

/**
 * Random numbers for the ULIDs' random part from the CSPRNG, drawn 4 KiB at a time: ulidx's default
 * asks the CSPRNG for one byte per character (16 calls per id), which showed in checkout profiles.
 * Each byte / 256 is uniform in [0, 1) on 8 bits, so the base-32 characters come out unbiased.
 */
const randomPool = new Uint8Array(4096);
let randomOffset = randomPool.length;
function prng(): number {
  if (randomOffset >= randomPool.length) {
    getRandomValues(randomPool);
    randomOffset = 0;
  }
  return randomPool[randomOffset++]! / 256;
}

const ulid = monotonicFactory(prng);

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
  | "rvp"
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
  | "vor"
  | "com"
  | "led"
  | "ltx"
  | "prun"
  | "po"
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
  | "plist"
  | "shz"
  | "shm"
  | "ful"
  | "ref"
  | "dsp"
  | "whk"
  | "rma"
  | "wl"
  | "wli"
  | "srq"
  | "syn"
  | "cnote"
  | "sadj"
  | "stx"
  | "cms"
  | "dtr"
  | "view"
  | "onote"
  | "cgrp";

/**
 * A new prefixed, time-sortable id such as `prod_01JD5V3M8Q7X2K9W4E6R1T0Y3B`:
 * the prefix names the kind of record, the rest is a ULID (48-bit ms timestamp + 80 random bits,
 * Crockford base32; https://github.com/ulid/spec), monotonic within one process.
 */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}
