/**
 * @bazaar/money: amounts of money as integer minor units of an ISO 4217 currency, the same on the
 * server (Node) and in the browser.
 *
 * - Minor-unit digits come from ISO 4217 list one, as shipped by the `currency-codes` package
 *   (`ISO_4217_PUBLISHED` tells which edition). Never from Intl: Intl's digits are display digits
 *   (CLDR shows HUF, IDR and IQD with 0 decimals, ISO 4217 says 2, 2 and 3).
 * - Codes whose ISO minor unit is "N.A." (precious metals XAU XAG XPD XPT, bond-market units
 *   XBA-XBD, XDR, XSU, XUA, the test code XTS and "no currency" XXX) are not currencies a shop can
 *   hold an amount in: `isCurrencyCode` is false for them and the other functions refuse them
 *   (`currency-codes` flattens "N.A." to 0 digits, which would silently make them whole units).
 * - Fund codes that do have a minor unit (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW) are ordinary
 *   codes here with their ISO digits (CLF and UYW have 4).
 * - Amounts are JS numbers that are safe integers (`Number.isSafeInteger`); every conversion is
 *   string or BigInt arithmetic, never floating point.
 */
import { data as isoList, publishDate } from "currency-codes";

/** Date of the ISO 4217 list one edition the digits come from (as published in `currency-codes`). */
export const ISO_4217_PUBLISHED: string = publishDate;

/**
 * ISO 4217 codes whose minor unit is "N.A." in list one (checked against the list's XML shipped in
 * `currency-codes`, which records them as 0 digits). Not a digits table: these codes are refused.
 */
const NO_MINOR_UNIT: ReadonlySet<string> = new Set([
  "XAG",
  "XAU",
  "XBA",
  "XBB",
  "XBC",
  "XBD",
  "XDR",
  "XPD",
  "XPT",
  "XSU",
  "XTS",
  "XUA",
  "XXX",
]);

/** Minor-unit digits per ISO 4217 alphabetic code (from `currency-codes`), "N.A." codes left out. */
const DIGITS: ReadonlyMap<string, number> = new Map(
  isoList.filter((c) => !NO_MINOR_UNIT.has(c.code)).map((c) => [c.code, c.digits] as const),
);

/** Thrown (a RangeError) when a currency code is not an ISO 4217 code with a minor unit. */
export class UnknownCurrencyError extends RangeError {
  readonly currency: string;
  constructor(currency: string) {
    super(`"${currency}" is not an ISO 4217 currency code with a minor unit`);
    this.name = "UnknownCurrencyError";
    this.currency = currency;
  }
}

/** Every ISO 4217 code amounts can be held in (upper case, sorted), e.g. ["AED", "AFN", ..., "ZWG"]. */
export function currencyCodes(): string[] {
  return [...DIGITS.keys()].sort();
}

/**
 * True when `code` is an ISO 4217 alphabetic code (upper case, exactly as listed) that has a minor
 * unit: "USD", "JPY", "CLF" yes; "usd", "XAU", "XXX", "ABC" no.
 */
export function isCurrencyCode(code: unknown): code is string {
  return typeof code === "string" && DIGITS.has(code);
}

/**
 * Number of minor-unit digits of an ISO 4217 currency: JPY 0, USD 2, HUF 2, KWD 3, IQD 3, CLF 4.
 * @throws UnknownCurrencyError when `currency` is not a code of `currencyCodes()`.
 */
export function currencyDigits(currency: string): number {
  const digits = DIGITS.get(currency);
  if (digits === undefined) throw new UnknownCurrencyError(currency);
  return digits;
}

function assertSafeInteger(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`${amountMinor} is not an amount in minor units (a safe integer)`);
  }
}

/**
 * Low level: the decimal string of `amountMinor` with `digits` decimals, by moving the decimal point
 * in the integer's digits: (1999, 2) -> "19.99", (-5, 2) -> "-0.05", (500, 0) -> "500".
 * Prefer `minorToDecimal`, which takes the digits from the currency.
 * @throws RangeError when `amountMinor` is not a safe integer or `digits` not an integer 0-20.
 */
export function decimalFromMinor(amountMinor: number, digits: number): string {
  assertSafeInteger(amountMinor);
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new RangeError(`Bad digits: ${digits}`);
  const sign = amountMinor < 0 ? "-" : "";
  const text = String(Math.abs(amountMinor));
  if (digits === 0) return `${sign}${text}`;
  const padded = text.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/**
 * The exact decimal string, in major units with exactly the currency's digits, of an amount in minor
 * units: 1999 USD -> "19.99", -5 USD -> "-0.05", 500 JPY -> "500", 1234 KWD -> "1.234",
 * 150000 HUF -> "1500.00", 12345 CLF -> "1.2345". No grouping, "." as decimal point (schema.org,
 * payment APIs, form values).
 * @throws RangeError when `amountMinor` is not a safe integer; UnknownCurrencyError (a RangeError).
 */
export function minorToDecimal(amountMinor: number, currency: string): string {
  return decimalFromMinor(amountMinor, currencyDigits(currency));
}

/** Why a text is not an amount of money (see `MoneyResult`). */
export type MoneyErrorCode = "EMPTY" | "INVALID" | "TOO_MANY_DECIMALS" | "NEGATIVE" | "TOO_LARGE";

/**
 * The outcome of reading an amount: `{ ok: true, amountMinor }` (integer minor units, a safe
 * integer), or `{ ok: false, code, message }` with a message that can be shown to the person who
 * typed it ("HUF amounts have at most 2 decimal places.").
 */
export type MoneyResult =
  | { ok: true; amountMinor: number }
  | { ok: false; code: MoneyErrorCode; message: string };

/** Options of `decimalToMinor`, `majorToMinor` and `parseMoney`. */
export interface MoneyReadOptions {
  /** Accept amounts below zero (refund adjustments, balances). Default false. */
  allowNegative?: boolean;
}

/** Options of `decimalToMinor` and `majorToMinor`. */
export interface DecimalReadOptions extends MoneyReadOptions {
  /**
   * What to do with more decimals than the currency has: "reject" (default) answers
   * TOO_MANY_DECIMALS; "half-up" rounds to the nearest minor unit, halves away from zero
   * ("1.2345" KWD -> 1235, "-0.005" USD -> -1), for machine-written data such as "52.0000".
   */
  rounding?: "reject" | "half-up";
}

function fail(code: MoneyErrorCode, message: string): MoneyResult {
  return { ok: false, code, message };
}

function tooManyDecimals(currency: string, digits: number): MoneyResult {
  return fail(
    "TOO_MANY_DECIMALS",
    digits === 0
      ? `${currency} amounts have no decimals.`
      : `${currency} amounts have at most ${digits} decimal place${digits === 1 ? "" : "s"}.`,
  );
}

const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

/** Minor units from ASCII digit strings (whole part, fraction part), checked and rounded. */
function toMinor(
  negative: boolean,
  whole: string,
  fraction: string,
  currency: string,
  digits: number,
  options: DecimalReadOptions,
): MoneyResult {
  let kept = fraction;
  let roundUp = false;
  if (fraction.length > digits) {
    if (options.rounding !== "half-up") return tooManyDecimals(currency, digits);
    kept = fraction.slice(0, digits);
    roundUp = fraction.charCodeAt(digits) >= 0x35; // "5".."9"
  }
  let minor = BigInt(`${whole}${kept.padEnd(digits, "0")}` || "0");
  if (roundUp) minor += 1n;
  if (minor > MAX_MINOR) return fail("TOO_LARGE", "That amount is too large.");
  if (negative && minor !== 0n) {
    if (!options.allowNegative) return fail("NEGATIVE", "The amount cannot be negative.");
    return { ok: true, amountMinor: -Number(minor) };
  }
  return { ok: true, amountMinor: Number(minor) };
}

/**
 * Reads a plain decimal in major units, as machines write it ("52", "52.5", "-0.05", ".5", "3."):
 * an optional sign, ASCII digits, at most one "." and no grouping; surrounding white space is
 * ignored. Exact: "0.29" USD -> 29, "1500" JPY -> 1500, "1.5" HUF -> 150, "1.2345" CLF -> 12345.
 * Errors (as a result, not thrown): EMPTY, INVALID, TOO_MANY_DECIMALS (unless `rounding:
 * "half-up"`), NEGATIVE (unless `allowNegative`), TOO_LARGE (beyond Number.MAX_SAFE_INTEGER minor
 * units).
 * @throws UnknownCurrencyError for a code that is not an ISO 4217 code with a minor unit.
 */
export function decimalToMinor(
  decimal: string,
  currency: string,
  options: DecimalReadOptions = {},
): MoneyResult {
  const digits = currencyDigits(currency);
  const text = decimal.trim();
  if (text === "") return fail("EMPTY", "Enter an amount.");
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) {
    return fail("INVALID", `"${decimal}" is not an amount.`);
  }
  return toMinor(match[1] === "-", match[2]!, match[3] ?? "", currency, digits, options);
}

/**
 * Minor units of an amount given as a JS number in major units (a JSON price such as 19.99), read
 * from the number's shortest decimal form (what `String(n)` prints), never by multiplying floats:
 * 19.99 USD -> 1999 (19.99 * 100 is 1998.9999999999998), 0.29 USD -> 29, 1e21 USD -> TOO_LARGE.
 * Same errors and options as `decimalToMinor`; NaN and infinities are INVALID.
 * @throws UnknownCurrencyError
 */
export function majorToMinor(major: number, currency: string, options: DecimalReadOptions = {}): MoneyResult {
  if (!Number.isFinite(major)) {
    currencyDigits(currency);
    return fail("INVALID", `${major} is not an amount.`);
  }
  return decimalToMinor(expandExponent(String(major)), currency, options);
}

/** "1.5e-7" -> "0.00000015", "1e+21" -> "1000000000000000000000"; plain decimals unchanged. */
function expandExponent(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, int, frac = "", exp] = match;
  const digits = `${int}${frac}`;
  const point = int!.length + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * The amount in major units as the nearest JS number (1999 USD -> 19.99), for APIs that insist on a
 * JSON number. The number is only the closest double to the exact decimal: never compute with it;
 * use `minorToDecimal` when a string is accepted.
 * @throws RangeError, UnknownCurrencyError
 */
export function minorToMajor(amountMinor: number, currency: string): number {
  return Number(minorToDecimal(amountMinor, currency));
}

/**
 * Whole major units of an amount in minor units, rounded "down" (towards -Infinity) or "up" (towards
 * +Infinity), by integer arithmetic: 5250 USD -> 52 down, 53 up; 1500 JPY -> 1500; -5250 USD -> -53
 * down, -52 up. For price-range sliders and placeholders.
 * @throws RangeError, UnknownCurrencyError
 */
export function wholeMajorUnits(amountMinor: number, currency: string, rounding: "down" | "up"): number {
  assertSafeInteger(amountMinor);
  const unit = 10 ** currencyDigits(currency);
  const rest = amountMinor % unit; // same sign as amountMinor, |rest| < unit
  const truncated = (amountMinor - rest) / unit; // exact: an integer division of safe integers
  if (rest > 0 && rounding === "up") return truncated + 1;
  if (rest < 0 && rounding === "down") return truncated - 1;
  return truncated;
}

// ---------------------------------------------------------------------------------------------------
// Display and input

/** The default locale of `formatMoney` and `parseMoney`. */
export const DEFAULT_LOCALE = "en-US";

/** Intl formatters are costly to build (a large share of rendering an order e-mail): one per locale and currency. */
const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: string, currency: string): Intl.NumberFormat {
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
  return formatter;
}

/**
 * Formats an amount in minor units for people, in `locale` (a BCP 47 tag, default "en-US"), with
 * exactly the currency's ISO 4217 digits: 123456 USD en-US -> "$1,234.56", 150000 HUF hu-HU ->
 * "1500,00 Ft" (hu groups from 10 000 on), 1500 JPY ja-JP -> "￥1,500", 1234 KWD en-US -> "KWD 1.234".
 * Intl.NumberFormat gets the exact decimal string (`minorToDecimal`), so every digit of a large
 * amount is kept and nothing is ever rounded: the display may show more decimals than a locale's
 * habit (CLDR shows HUF with 0), never fewer than the amount has. Separators, symbol, digits
 * (Arabic-Indic in ar-IQ) and sign placement are the runtime's ICU/CLDR data: they may differ between
 * runtimes (see the browser test), so compare strings only within one runtime.
 * @throws RangeError for a non-safe-integer amount or an invalid locale tag; UnknownCurrencyError.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  const decimal = minorToDecimal(amountMinor, currency);
  return currencyFormatter(locale, currency).format(decimal as Intl.StringNumericLiteral);
}

/** What `parseMoney` needs to know about a locale and currency, read from Intl once. */
interface LocaleNumbers {
  /** The locale's digits 0-9 (e.g. "٠".."٩" for ar-IQ), mapped to ASCII. */
  digitMap: Map<string, string>;
  /** The locale's decimal separator, and the other characters accepted as one. */
  decimals: Set<string>;
  /** Characters accepted as the grouping separator. */
  groups: Set<string>;
  /** Size of the last group (3) and of the others (3, or 2 in en-IN: 12,34,567.00). */
  primaryGroup: number;
  secondaryGroup: number;
  /** Currency affixes to remove: symbol, narrow symbol, code as the locale writes them, longest first. */
  affixes: string[];
  /** Characters read as a minus sign. */
  minus: Set<string>;
}

const localeNumbers = new Map<string, LocaleNumbers>();

/** Bidi and other invisible format characters ICU puts around numbers and symbols (ar, he, fa). */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
/** Space characters locales use to group digits (fr: U+202F, hu/ru: U+00A0), and the ones people type. */
const SPACES = ["\u0020", "\u00A0", "\u2009", "\u202F"];

function partValue(parts: Intl.NumberFormatPart[], type: string): string | undefined {
  const value = parts.find((p) => p.type === type)?.value.replace(INVISIBLE, "");
  return value === "" ? undefined : value;
}

function readLocaleNumbers(locale: string, currency: string): LocaleNumbers {
  const key = `${locale}|${currency}`;
  const cached = localeNumbers.get(key);
  if (cached) return cached;
  const format = currencyFormatter(locale, currency);
  const numbering = new Intl.NumberFormat(locale, { useGrouping: false });
  const digitMap = new Map<string, string>();
  for (let d = 0; d <= 9; d++) {
    digitMap.set(numbering.format(d).replace(INVISIBLE, ""), String(d));
    digitMap.set(String(d), String(d));
  }
  const sample = format.formatToParts(-1234567890.5);
  const group = partValue(sample, "group");
  // A currency without decimals (JPY) shows no decimal separator: ask for one to know what people type.
  const decimal =
    partValue(sample, "decimal") ??
    partValue(
      new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).formatToParts(1.5),
      "decimal",
    );
  const groups = new Set<string>();
  if (group) {
    groups.add(group);
    if (SPACES.includes(group)) for (const s of SPACES) groups.add(s);
    if (group === "\u2019" || group === "'") groups.add("'").add("\u2019");
  }
  const decimals = new Set<string>();
  if (decimal) decimals.add(decimal);
  // A point (or comma) typed where the locale writes another decimal separator is read as one when
  // it cannot be a grouping separator: "12.50" in fr-FR or hu-HU (groups with spaces) is 12,50.
  for (const alt of [".", ","]) if (!groups.has(alt) && !decimals.has(alt)) decimals.add(alt);
  if (decimals.has(".") && decimals.has(",") && decimal !== "." && decimal !== ",") {
    // ar-IQ ("٫" decimal, "٬" group): a typed "." is the decimal point, a typed "," groups.
    decimals.delete(",");
    groups.add(",");
  }
  const sizes = format
    .formatToParts(1234567890)
    .filter((p) => p.type === "integer")
    .map((p) => p.value.length);
  const primaryGroup = sizes.length > 1 ? sizes[sizes.length - 1]! : 3;
  const secondaryGroup = sizes.length > 2 ? sizes[sizes.length - 2]! : primaryGroup;
  const affixes = new Set<string>([currency]);
  for (const currencyDisplay of ["symbol", "narrowSymbol", "code"] as const) {
    const parts = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay,
    }).formatToParts(1);
    const value = partValue(parts, "currency")?.trim();
    if (value) affixes.add(value);
  }
  const minus = new Set(["-", "\u2212", "\u2012", "\u2013"]);
  const localeMinus = partValue(sample, "minusSign");
  if (localeMinus) minus.add(localeMinus);
  const info: LocaleNumbers = {
    digitMap,
    decimals,
    groups,
    primaryGroup,
    secondaryGroup,
    affixes: [...affixes].sort((a, b) => b.length - a.length),
    minus,
  };
  localeNumbers.set(key, info);
  return info;
}

/** An amount to show in error messages, as the locale writes it: "$1,234.50", "1.234,50 €", "￥1,234". */
function exampleAmount(currency: string, digits: number, locale: string): string {
  const minor = 1234 * 10 ** digits + (digits > 0 ? 5 * 10 ** (digits - 1) : 0);
  return formatMoney(minor, currency, locale);
}

/** Removes one currency affix at the start or the end of `text` (ISO codes in any letter case). */
function removeAffix(text: string, affixes: string[]): string {
  for (const affix of affixes) {
    const head = text.slice(0, affix.length);
    const tail = text.slice(-affix.length);
    const isCode = affix.length === 3 && affix === affix.toUpperCase() && /^[A-Z]{3}$/.test(affix);
    if (head === affix || (isCode && head.toUpperCase() === affix)) return text.slice(affix.length).trim();
    if (tail === affix || (isCode && tail.toUpperCase() === affix))
      return text.slice(0, -affix.length).trim();
  }
  return text;
}

/**
 * Reads an amount of `currency` as a person types it in `locale` (default "en-US") and returns it in
 * minor units: "1,234.5" USD en-US -> 123450, "1.234,50 €" EUR de-DE -> 123450, "1 500" HUF hu-HU
 * -> 150000, "￥1,500" JPY ja-JP -> 1500, "١٬٢٣٤٫٥٠٠ د.ع.‏" IQD ar-IQ -> 1234500.
 *
 * Accepted: the locale's digits and ASCII digits; the locale's grouping separator in the right places
 * (groups of 3, or en-IN's 2-then-3; any space where the locale groups with a space; ' for ’);
 * the locale's decimal separator, or "." / "," when that cannot be a grouping separator in the locale
 * ("12.50" in fr-FR); the currency's symbol, narrow symbol or code before or after the number;
 * a leading minus (hyphen, U+2212, the locale's) before or after the symbol, when `allowNegative`;
 * surrounding spaces and the invisible bidi marks ICU writes. Whatever `formatMoney` prints for the
 * same locale is read back to the same amount.
 *
 * Errors (as a result, never thrown): EMPTY; INVALID (letters, misplaced grouping such as "12,50" in
 * en-US, two decimal separators...); TOO_MANY_DECIMALS (more decimals than ISO 4217 gives the
 * currency, even zeros: "1.5" JPY, "1.234" USD); NEGATIVE; TOO_LARGE (beyond
 * Number.MAX_SAFE_INTEGER minor units).
 * @throws UnknownCurrencyError for a code without an ISO 4217 minor unit; RangeError for an invalid
 *   locale tag.
 */
export function parseMoney(
  text: string,
  currency: string,
  locale: string = DEFAULT_LOCALE,
  options: MoneyReadOptions = {},
): MoneyResult {
  const digits = currencyDigits(currency);
  const info = readLocaleNumbers(locale, currency);

  let rest = text.replace(INVISIBLE, "").trim();
  if (rest === "") return fail("EMPTY", "Enter an amount.");
  const invalid = () =>
    fail("INVALID", `Enter an amount such as ${exampleAmount(currency, digits, locale)}.`);

  let negative = false;
  const takeSign = () => {
    const first = rest.charAt(0);
    if (!negative && info.minus.has(first)) {
      negative = true;
      rest = rest.slice(first.length).trim();
    }
  };
  takeSign();
  rest = removeAffix(rest, info.affixes);
  takeSign();
  if (rest === "") return invalid();

  let whole = "";
  let fraction: string | undefined;
  const groupSizes: number[] = [];
  let current = 0;
  let lastWasGroup = false;
  for (const char of rest) {
    const digit = info.digitMap.get(char);
    if (digit !== undefined) {
      if (fraction === undefined) {
        whole += digit;
        current++;
      } else fraction += digit;
      lastWasGroup = false;
    } else if (fraction === undefined && info.groups.has(char)) {
      if (current === 0 || lastWasGroup) return invalid();
      groupSizes.push(current);
      current = 0;
      lastWasGroup = true;
    } else if (fraction === undefined && info.decimals.has(char)) {
      if (lastWasGroup) return invalid();
      fraction = "";
    } else {
      return invalid();
    }
  }
  if (lastWasGroup) return invalid();
  if (groupSizes.length > 0) {
    // 1,234,567 / 12,34,567 (en-IN): the last group has the primary size, the ones before it the
    // secondary size, the first one 1 to secondary digits.
    if (current !== info.primaryGroup) return invalid();
    for (const [i, size] of groupSizes.entries()) {
      if (i === 0 ? size > info.secondaryGroup : size !== info.secondaryGroup) return invalid();
    }
  }
  if (whole === "" && (fraction ?? "") === "") return invalid();
  return toMinor(negative, whole, fraction ?? "", currency, digits, options);
}
