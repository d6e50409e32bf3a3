/**
 * Money on the server: integer minor units of an ISO 4217 currency. Digits, conversions, display and
 * parsing come from `@bazaar/money` (ISO 4217 list one via `currency-codes`), shared with the web
 * apps, so the server and the browser agree on every currency.
 */
import * as money from "@bazaar/money";
import { ValidationError } from "./errors.ts";

/** An amount of money: integer minor units of an ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/**
 * Number of minor-unit digits of an ISO 4217 currency (JPY 0, USD 2, HUF 2, KWD 3, CLF 4).
 * @throws UnknownCurrencyError (a RangeError) for a code that `isCurrencyCode` refuses.
 */
export function currencyDigits(currency: string): number {
  return money.currencyDigits(currency);
}

/**
 * True when `code` is an ISO 4217 alphabetic code with a minor unit ("USD", "JPY"; not "usd", "ABC"
 * or the no-minor-unit codes XAU, XXX, ...).
 */
export function isCurrencyCode(code: string): boolean {
  return money.isCurrencyCode(code);
}

/**
 * Parses a decimal amount written in major units by a machine (imports: "52", "52.5", "1,234.99",
 * "34.0000") into integer minor units, exactly (no floating point): "52.5" USD -> 5250. Commas are
 * taken as thousands separators and dropped. Extra decimals beyond the currency's digits are rounded
 * half-up ("1.2345" KWD -> 1235). For what a person types in a locale, use `parseMoney` of
 * `@bazaar/money`.
 * @throws ValidationError (field `field`) when the text is not a non-negative decimal number, the
 *   result is not a safe integer, or the currency is not an ISO 4217 code with a minor unit.
 */
export function parseMajorUnits(text: string, currency: string, field = "price"): number {
  if (!money.isCurrencyCode(currency)) {
    throw new ValidationError([{ field, message: `"${currency}" is not an ISO 4217 currency code` }]);
  }
  const cleaned = text.trim().replaceAll(",", "");
  const result = /^\d+(?:\.\d+)?$/.test(cleaned)
    ? money.decimalToMinor(cleaned, currency, { rounding: "half-up" })
    : undefined;
  if (result?.ok) return result.amountMinor;
  const message = result?.code === "TOO_LARGE" ? `"${text}" is too large` : `"${text}" is not a price`;
  throw new ValidationError([{ field, message }]);
}

/** Asserts that an amount is a safe integer number of minor units. */
export function assertMinorUnits(amount: number, field = "amount"): number {
  if (!Number.isSafeInteger(amount)) {
    throw new ValidationError([{ field, message: "must be an integer amount in minor units" }]);
  }
  return amount;
}

/**
 * Formats minor units for people, exactly (no floating point), with the currency's ISO 4217 digits:
 * 123456 USD -> "$1,234.56" in en-US, 150000 HUF -> "1500,00 Ft" in hu-HU. See `formatMoney` of
 * `@bazaar/money` (formatters cached per locale and currency).
 * @throws RangeError for a non-safe-integer amount, an invalid locale or an unknown currency.
 */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  return money.formatMoney(amount, currency, locale);
}
