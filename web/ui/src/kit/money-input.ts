import { isCurrencyCode, minorToDecimal, parseMoney } from "@bazaar/money";
import { currencyDigits, type ParsedAmount } from "../money";

/**
 * Reads an amount as a person types it in major units, thousands separators and a currency symbol or
 * code included, as integer minor units of `currency`: "1,234.50" USD -> 123450, "1.234,50" EUR in
 * de-DE -> 123450, "1500" HUF -> 150000. The rules are `@bazaar/money`'s `parseMoney` (the locale's
 * separators, ISO 4217 digits, never floats); negative amounts are refused.
 */
export function parseMoneyInput(input: string, currency: string, locale = "en-US"): ParsedAmount {
  if (!isCurrencyCode(currency)) return { ok: false, message: `${currency} is not a known currency.` };
  const result = parseMoney(input, currency, locale);
  return result.ok ? { ok: true, minor: result.amountMinor } : { ok: false, message: result.message };
}

/**
 * An amount in minor units as a person would type it back, grouped and with the currency's digits,
 * without its symbol: 123450 USD -> "1,234.50" (en-US), 150000 HUF -> "1,500.00". Formatted from the
 * exact decimal string, never from a float.
 */
export function formatMoneyInput(minor: number, currency: string, locale = "en-US"): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minorToDecimal(minor, currency) as Intl.StringNumericLiteral);
}
