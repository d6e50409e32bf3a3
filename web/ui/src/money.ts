import type { Money } from "@bazaar/sdk/src/types";

const DEFAULT_LOCALE = "en-US";
const digitsCache = new Map<string, number>();
const formatterCache = new Map<string, Intl.NumberFormat>();

/** Number of minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat(DEFAULT_LOCALE, { style: "currency", currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * The exact decimal string of an integer amount in minor units, built from its digits (never by
 * dividing a float): 1999 USD -> "19.99", -5 USD -> "-0.05", 500 JPY -> "500", 1234 KWD -> "1.234".
 * @throws RangeError when `amount` is not a safe integer
 */
export function minorToDecimalString(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Not an amount in minor units: ${amount}`);
  const digits = currencyDigits(currency);
  const sign = amount < 0 ? "-" : "";
  const text = String(Math.abs(amount));
  if (digits === 0) return `${sign}${text}`;
  const padded = text.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * Whole major units of a non-negative amount in minor units, rounded down or up, with integer
 * arithmetic (5250 USD -> 52 down, 53 up).
 */
export function wholeMajorUnits(amount: number, currency: string, rounding: "down" | "up"): number {
  const unit = 10 ** currencyDigits(currency);
  const rest = amount % unit;
  const whole = (amount - rest) / unit;
  return rounding === "up" && rest > 0 ? whole + 1 : whole;
}

/** The amount as a plain decimal string with the currency's digits ("52.00"), as schema.org wants it. */
export function moneyToDecimalString(money: Money): string {
  return minorToDecimalString(money.amount, money.currency);
}

/**
 * Formats an integer amount in minor units of `currency` for display ("$19.99"). Intl.NumberFormat
 * formats the decimal string itself, so the digits shown are exactly the integer's. A currency the
 * browser does not know shows as the plain number and its code.
 */
export function formatMinor(amount: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  const key = `${locale}|${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    const digits = currencyDigits(currency);
    try {
      formatter = new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      return `${minorToDecimalString(amount, currency)} ${currency}`;
    }
    formatterCache.set(key, formatter);
  }
  return formatter.format(minorToDecimalString(amount, currency) as Intl.StringNumericLiteral);
}

/** Formats money for display ("$52.00"), exactly (see `formatMinor`). */
export function formatMoney(money: Money, locale: string = DEFAULT_LOCALE): string {
  return formatMinor(money.amount, money.currency, locale);
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Reads an amount typed in major units ("12.5", "12,50", "1200") as integer minor units of
 * `currency`, by string arithmetic: "12.5" USD -> 1250, "1200" JPY -> 1200, "0.125" KWD -> 125.
 * One decimal separator (point or comma), no thousands separators, no sign, no more decimals than
 * the currency has.
 */
export function parseMajorToMinor(input: string, currency: string): ParsedAmount {
  const text = input.trim().replace(/\s+/g, "");
  if (text === "") return { ok: false, message: "Enter an amount." };
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(text);
  if (!match || (match[1] === "" && (match[2] ?? "") === ""))
    return { ok: false, message: "Enter an amount in digits, e.g. 12.50." };
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  const digits = currencyDigits(currency);
  if (fraction.length > digits) {
    return {
      ok: false,
      message:
        digits === 0
          ? `${currency} amounts have no decimals.`
          : `${currency} amounts have at most ${digits} decimal place${digits === 1 ? "" : "s"}.`,
    };
  }
  const minorDigits = `${whole}${fraction.padEnd(digits, "0")}`.replace(/^0+(?=\d)/, "");
  const minor = Number(minorDigits);
  if (!Number.isSafeInteger(minor)) return { ok: false, message: "That amount is too large." };
  return { ok: true, minor };
}

/** The currency symbol for a currency in a locale ("$" for USD in en-US). */
export function currencySymbol(currency: string, locale: string = DEFAULT_LOCALE): string {
  try {
    const part = new Intl.NumberFormat(locale, { style: "currency", currency })
      .formatToParts(0)
      .find((p) => p.type === "currency");
    return part?.value ?? currency;
  } catch {
    return currency;
  }
}
