import { ValidationError } from "./errors.ts";

/** An amount of money: integer minor units of an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** Digits after the decimal point of ISO 4217 currencies that differ from 2 (ISO 4217 list one). */
const minorDigits: Record<string, number> = {
  BHD: 3,
  BIF: 0,
  CLF: 4,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  UYW: 4,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

/** Number of minor-unit digits of an ISO 4217 currency (2 unless listed otherwise). */
export function currencyDigits(currency: string): number {
  return minorDigits[currency] ?? 2;
}

/** True when `code` looks like an ISO 4217 alphabetic code. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code);
}

/**
 * Parses a decimal amount written in major units ("52", "52.5", "1,234.99") into integer minor units,
 * exactly (no floating point): "52.5" USD -> 5250. Extra decimals beyond the currency's digits are
 * rounded half-up.
 * @throws ValidationError (field `field`) when the text is not a non-negative decimal number or
 *   the result is not a safe integer.
 */
export function parseMajorUnits(text: string, currency: string, field = "price"): number {
  const cleaned = text.trim().replaceAll(",", "");
  const match = /^(\d+)(?:\.(\d+))?$/.exec(cleaned);
  if (!match) throw new ValidationError([{ field, message: `"${text}" is not a price` }]);
  const digits = currencyDigits(currency);
  const whole = match[1]!;
  const frac = match[2] ?? "";
  const kept = (frac + "0".repeat(digits)).slice(0, digits);
  let minor = BigInt(whole + kept);
  const next = frac.charAt(digits);
  if (next !== "" && Number(next) >= 5) minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ValidationError([{ field, message: `"${text}" is too large` }]);
  }
  return Number(minor);
}

/** Asserts that an amount is a safe integer number of minor units. */
export function assertMinorUnits(amount: number, field = "amount"): number {
  if (!Number.isSafeInteger(amount)) {
    throw new ValidationError([{ field, message: "must be an integer amount in minor units" }]);
  }
  return amount;
}

/**
 * Formats minor units for people, exactly (no floating point): 123456 USD -> "$1,234.56" in en-US.
 * Uses Intl.NumberFormat with the decimal as a string, so large amounts keep every digit.
 */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  const digits = currencyDigits(currency);
  const negative = amount < 0;
  const text = String(Math.abs(amount)).padStart(digits + 1, "0");
  const decimal = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return currencyFormat(locale, currency, digits).format(negative ? `-${decimal}` : decimal);
}

/** Intl formatters are costly to build (a large share of rendering an order e-mail): one per locale and currency. */
const formats = new Map<string, { format(value: string): string }>();

function currencyFormat(locale: string, currency: string, digits: number): { format(value: string): string } {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }) as unknown as { format(value: string): string };
    formats.set(key, format);
  }
  return format;
}
