/**
 * Money in the web apps: integer minor units of an ISO 4217 currency. Digits, conversions, display and
 * parsing come from `@bazaar/money` (ISO 4217 list one via `currency-codes`, never Intl's display
 * digits), the same module the server uses, so 150000 HUF is 1,500.00 Ft on both sides.
 */
import * as money from "@bazaar/money";
import type { Money } from "@bazaar/sdk/src/types";

const DEFAULT_LOCALE = "en-US";

/**
 * Number of minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, KWD 3, HUF 2, CLF 4). A code
 * outside the ISO list (which the server refuses) counts as 2 so that a page still renders.
 */
export function currencyDigits(currency: string): number {
  return money.isCurrencyCode(currency) ? money.currencyDigits(currency) : 2;
}

/**
 * The exact decimal string of an integer amount in minor units, built from its digits (never by
 * dividing a float): 1999 USD -> "19.99", -5 USD -> "-0.05", 500 JPY -> "500", 1234 KWD -> "1.234",
 * 150000 HUF -> "1500.00".
 * @throws RangeError when `amount` is not a safe integer
 */
export function minorToDecimalString(amount: number, currency: string): string {
  return money.decimalFromMinor(amount, currencyDigits(currency));
}

/**
 * Whole major units of a non-negative amount in minor units, rounded down or up, with integer
 * arithmetic (5250 USD -> 52 down, 53 up).
 */
export function wholeMajorUnits(amount: number, currency: string, rounding: "down" | "up"): number {
  if (!money.isCurrencyCode(currency)) return money.wholeMajorUnits(amount, "USD", rounding); // 2 digits
  return money.wholeMajorUnits(amount, currency, rounding);
}

/** The amount as a plain decimal string with the currency's digits ("52.00"), as schema.org wants it. */
export function moneyToDecimalString(money: Money): string {
  return minorToDecimalString(money.amount, money.currency);
}

/**
 * Formats an integer amount in minor units of `currency` for display ("$19.99"), with the currency's
 * ISO 4217 digits (150000 HUF -> "HUF 1,500.00"). Intl.NumberFormat formats the decimal string
 * itself, so the digits shown are exactly the integer's. A currency outside the ISO list, or a locale
 * the browser refuses, shows as the plain number and its code.
 */
export function formatMinor(amount: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  if (money.isCurrencyCode(currency)) {
    try {
      return money.formatMoney(amount, currency, locale);
    } catch (error) {
      if (!Number.isSafeInteger(amount)) throw error;
    }
  }
  return `${minorToDecimalString(amount, currency)} ${currency}`;
}

/** Formats money for display ("$52.00"), exactly (see `formatMinor`). */
export function formatMoney(money: Money, locale: string = DEFAULT_LOCALE): string {
  return formatMinor(money.amount, money.currency, locale);
}

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * Reads an amount typed in major units ("12.5", "12,50", "1200") as integer minor units of
 * `currency`, by string arithmetic: "12.5" USD -> 1250, "1200" JPY -> 1200, "0.125" KWD -> 125,
 * "1500" HUF -> 150000. One decimal separator (point or comma), no thousands separators, no sign, no
 * more decimals than the currency has (ISO 4217 digits). For locale-aware input ("1.234,50" in
 * de-DE) use `parseMoney` of `@bazaar/money`.
 */
export function parseMajorToMinor(input: string, currency: string): ParsedAmount {
  if (!money.isCurrencyCode(currency)) return { ok: false, message: `${currency} is not a known currency.` };
  const text = input.trim().replace(/\s+/g, "");
  if (text === "") return { ok: false, message: "Enter an amount." };
  if (!/^\d*(?:[.,]\d*)?$/.test(text) || !/\d/.test(text)) {
    return { ok: false, message: "Enter an amount in digits, e.g. 12.50." };
  }
  const result = money.decimalToMinor(text.replace(",", "."), currency);
  return result.ok ? { ok: true, minor: result.amountMinor } : { ok: false, message: result.message };
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
