import { currencyDigits } from "@bazaar/ui";

const DEFAULT_LOCALE = "en-US";
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * The exact decimal string of an integer amount in minor units, built from its digits (never by
 * dividing a float): 1999 USD -> "19.99", -5 USD -> "-0.05", 500 JPY -> "500", 1234 KWD -> "1.234".
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
 * Formats an integer amount in minor units of `currency` for display ("$19.99"). Intl.NumberFormat
 * formats the decimal string itself, so the digits shown are exactly the integer's.
 */
export function formatMinor(amount: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = currencyDigits(currency);
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(minorToDecimalString(amount, currency) as Intl.StringNumericLiteral);
}
