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

/** Converts integer minor units to a major-unit number (5200 USD -> 52). */
export function minorToMajor(amount: number, currency: string): number {
  return amount / 10 ** currencyDigits(currency);
}

/** Converts a major-unit number to integer minor units (52.5 USD -> 5250). */
export function majorToMinor(value: number, currency: string): number {
  return Math.round(value * 10 ** currencyDigits(currency));
}

/** The amount as a plain decimal string with the currency's digits ("52.00"), as schema.org wants it. */
export function moneyToDecimalString(money: Money): string {
  const digits = currencyDigits(money.currency);
  return minorToMajor(money.amount, money.currency).toFixed(digits);
}

/** Formats money for display ("$52.00"). */
export function formatMoney(money: Money, locale: string = DEFAULT_LOCALE): string {
  const key = `${locale}|${money.currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    const digits = currencyDigits(money.currency);
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: money.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatterCache.set(key, formatter);
  }
  return formatter.format(minorToMajor(money.amount, money.currency));
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
