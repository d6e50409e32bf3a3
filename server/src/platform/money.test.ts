import {
  currencyCodes,
  decimalToMinor,
  formatMoney as formatIn,
  ISO_4217_PUBLISHED,
  majorToMinor,
  minorToDecimal,
  minorToMajor,
  parseMoney,
  UnknownCurrencyError,
  wholeMajorUnits,
} from "@bazaar/money";
import { data as isoList } from "currency-codes";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyDigits, formatMoney, isCurrencyCode, parseMajorUnits } from "./money.ts";

/** ISO 4217 codes whose minor unit is "N.A." in list one (currency-codes records them as 0). */
const NO_MINOR_UNIT = [
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
];

/**
 * Locales the properties run in: grouping with ",", ".", NBSP, NNBSP (fr-FR), ’ (de-CH) and Indian
 * 2-then-3 groups (en-IN); U+2212 minus (sv-SE); the minus after the symbol (de-CH); Arabic-Indic,
 * extended Arabic-Indic, Devanagari and Myanmar digits with bidi marks (ar-IQ, fa-IR, ne-NP, my-MM,
 * he-IL); no grouping below 10,000 (hu-HU, es-ES).
 */
const LOCALES = [
  "en-US",
  "de-DE",
  "hu-HU",
  "ja-JP",
  "ar-IQ",
  "fr-FR",
  "de-CH",
  "en-IN",
  "sv-SE",
  "fa-IR",
  "he-IL",
  "ru-RU",
  "ne-NP",
  "my-MM",
  "es-ES",
  "pt-BR",
];

const safeAmount = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

function parsed(text: string, currency: string, locale?: string, allowNegative = false): number | string {
  const result = parseMoney(text, currency, locale, { allowNegative });
  return result.ok ? result.amountMinor : result.code;
}

describe("parseMajorUnits", () => {
  it("converts decimal prices to integer minor units exactly", () => {
    expect(parseMajorUnits("52", "USD")).toBe(5200);
    expect(parseMajorUnits("52.5", "USD")).toBe(5250);
    expect(parseMajorUnits("0.29", "USD")).toBe(29); // 0.29 * 100 is 28.999... in floating point
    expect(parseMajorUnits("1,234.99", "USD")).toBe(123499);
    expect(parseMajorUnits("1500", "JPY")).toBe(1500);
    expect(parseMajorUnits("1.2345", "KWD")).toBe(1235); // 3 digits, half-up
  });

  it("uses ISO 4217 digits, not Intl's display digits", () => {
    expect(parseMajorUnits("1500", "HUF")).toBe(150000);
    expect(parseMajorUnits("1500", "IDR")).toBe(150000);
    expect(parseMajorUnits("1.5", "IQD")).toBe(1500);
    expect(parseMajorUnits("34.0000", "USD")).toBe(3400); // Magento's 4-decimal prices
    expect(parseMajorUnits("1.23456", "CLF")).toBe(12346);
    expect(parseMajorUnits("9007199254740991", "JPY")).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("rejects text that is not a price, naming the field", () => {
    expect(() => parseMajorUnits("abc", "USD", "price")).toThrowError(/price/);
    expect(() => parseMajorUnits("-3", "USD")).toThrow();
    expect(() => parseMajorUnits("", "USD")).toThrow();
    expect(() => parseMajorUnits("9007199254740992", "JPY")).toThrow(/too large/);
    expect(() => parseMajorUnits("90071992547409.92", "USD")).toThrow(/too large/);
    expect(() => parseMajorUnits("5", "XAU")).toThrow(/ISO 4217/);
    expect(() => parseMajorUnits("5", "ABC")).toThrow(/ISO 4217/);
  });
});

describe("ISO 4217 minor units (from currency-codes)", () => {
  it("has the ISO digits for 0, 2, 3 and 4-digit currencies", () => {
    const digits = (codes: string[]) => codes.map((c) => currencyDigits(c));
    expect(digits(["JPY", "KRW", "ISK", "VND", "XOF", "UYI"])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(digits(["EUR", "USD", "HUF", "IDR", "TWD", "COP"])).toEqual([2, 2, 2, 2, 2, 2]);
    expect(digits(["BHD", "KWD", "IQD", "JOD", "LYD", "OMR", "TND"])).toEqual([3, 3, 3, 3, 3, 3, 3]);
    expect(digits(["CLF", "UYW"])).toEqual([4, 4]);
    expect(ISO_4217_PUBLISHED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("knows every code of the list with a minor unit, and refuses the ones without", () => {
    const codes = currencyCodes();
    expect(codes).toHaveLength(isoList.length - NO_MINOR_UNIT.length);
    for (const record of isoList) {
      if (NO_MINOR_UNIT.includes(record.code)) {
        expect(isCurrencyCode(record.code)).toBe(false);
        expect(() => currencyDigits(record.code)).toThrow(UnknownCurrencyError);
      } else {
        expect(currencyDigits(record.code)).toBe(record.digits);
      }
    }
    for (const code of ["usd", "ABC", "US", "USDX", "", "HRK"]) {
      expect(isCurrencyCode(code)).toBe(false);
      expect(() => currencyDigits(code)).toThrow(RangeError);
      expect(() => formatMoney(100, code)).toThrow(RangeError);
      expect(() => parseMoney("1", code)).toThrow(UnknownCurrencyError);
    }
  });
});

describe("conversions between minor units and decimals", () => {
  it("writes exact decimals with the currency's digits", () => {
    expect(minorToDecimal(1999, "USD")).toBe("19.99");
    expect(minorToDecimal(-5, "USD")).toBe("-0.05");
    expect(minorToDecimal(500, "JPY")).toBe("500");
    expect(minorToDecimal(150000, "HUF")).toBe("1500.00");
    expect(minorToDecimal(1234, "KWD")).toBe("1.234");
    expect(minorToDecimal(12345, "CLF")).toBe("1.2345");
    expect(minorToDecimal(Number.MAX_SAFE_INTEGER, "USD")).toBe("90071992547409.91");
    expect(() => minorToDecimal(1.5, "USD")).toThrow(RangeError);
    expect(() => minorToDecimal(2 ** 53, "USD")).toThrow(RangeError);
  });

  it("reads decimals exactly, rejecting or rounding extra decimals", () => {
    expect(decimalToMinor("0.29", "USD")).toEqual({ ok: true, amountMinor: 29 });
    expect(decimalToMinor("1.5", "HUF")).toEqual({ ok: true, amountMinor: 150 });
    expect(decimalToMinor(".5", "USD")).toEqual({ ok: true, amountMinor: 50 });
    expect(decimalToMinor("1.005", "USD")).toMatchObject({ ok: false, code: "TOO_MANY_DECIMALS" });
    expect(decimalToMinor("1.005", "USD", { rounding: "half-up" })).toEqual({ ok: true, amountMinor: 101 });
    expect(decimalToMinor("-0.005", "USD", { rounding: "half-up", allowNegative: true })).toEqual({
      ok: true,
      amountMinor: -1,
    });
    expect(decimalToMinor("-1", "USD")).toMatchObject({ ok: false, code: "NEGATIVE" });
    expect(decimalToMinor("1e3", "USD")).toMatchObject({ ok: false, code: "INVALID" });
    expect(decimalToMinor(" ", "USD")).toMatchObject({ ok: false, code: "EMPTY" });
  });

  it("converts JS numbers in major units through their decimal form, not by multiplying floats", () => {
    expect(19.99 * 100).not.toBe(1999);
    expect(majorToMinor(19.99, "USD")).toEqual({ ok: true, amountMinor: 1999 });
    expect(majorToMinor(1.1, "KWD")).toEqual({ ok: true, amountMinor: 1100 });
    expect(majorToMinor(1e-7, "CLF")).toMatchObject({ ok: false, code: "TOO_MANY_DECIMALS" });
    expect(majorToMinor(1e21, "USD")).toMatchObject({ ok: false, code: "TOO_LARGE" });
    expect(majorToMinor(Number.NaN, "USD")).toMatchObject({ ok: false, code: "INVALID" });
    expect(minorToMajor(1999, "USD")).toBe(19.99);
    expect(minorToMajor(1500, "JPY")).toBe(1500);
    expect(wholeMajorUnits(5250, "USD", "down")).toBe(52);
    expect(wholeMajorUnits(5250, "USD", "up")).toBe(53);
    expect(wholeMajorUnits(-5250, "USD", "down")).toBe(-53);
    expect(wholeMajorUnits(-5250, "USD", "up")).toBe(-52);
    expect(wholeMajorUnits(150001, "HUF", "down")).toBe(1500);
  });
});

/** Exactly what Node's ICU shows, per currency and locale: ISO digits whatever the locale's habit. */
const SHOWN: [currency: string, amount: number, byLocale: Record<string, string>][] = [
  [
    "JPY",
    123456,
    {
      "en-US": "¥123,456",
      "de-DE": "123.456\u00A0¥",
      "hu-HU": "123\u00A0456\u00A0¥",
      "ja-JP": "￥123,456",
      "ar-IQ": "\u200F١٢٣٬٤٥٦\u00A0JP¥",
    },
  ],
  ["KRW", 123456, { "en-US": "₩123,456", "de-DE": "123.456\u00A0₩", "ja-JP": "₩123,456" }],
  ["EUR", 123456, { "en-US": "€1,234.56", "de-DE": "1.234,56\u00A0€", "hu-HU": "1234,56\u00A0EUR" }],
  ["USD", 123456, { "en-US": "$1,234.56", "de-DE": "1.234,56\u00A0$", "ar-IQ": "\u200F١٬٢٣٤٫٥٦\u00A0US$" }],
  [
    "HUF",
    150000,
    {
      "en-US": "HUF\u00A01,500.00",
      "de-DE": "1.500,00\u00A0HUF",
      "hu-HU": "1500,00\u00A0Ft",
      "ja-JP": "HUF\u00A01,500.00",
    },
  ],
  ["IDR", 123456, { "en-US": "IDR\u00A01,234.56", "de-DE": "1.234,56\u00A0IDR" }],
  ["BHD", 1234567, { "en-US": "BHD\u00A01,234.567", "ar-IQ": "\u200F١٬٢٣٤٫٥٦٧\u00A0د.ب.\u200F" }],
  ["KWD", 1234567, { "en-US": "KWD\u00A01,234.567", "de-DE": "1.234,567\u00A0KWD" }],
  [
    "IQD",
    1234567,
    {
      "en-US": "IQD\u00A01,234.567",
      "hu-HU": "1234,567\u00A0IQD",
      "ar-IQ": "\u200F١٬٢٣٤٫٥٦٧\u00A0د.ع.\u200F",
    },
  ],
  ["CLF", 12345678, { "en-US": "CLF\u00A01,234.5678", "de-DE": "1.234,5678\u00A0CLF" }],
];

describe("formatMoney and parseMoney, explicit cases", () => {
  for (const [currency, amount, byLocale] of SHOWN) {
    it(`${currency} (${currencyDigits(currency)} digits) shows ISO digits and reads back`, () => {
      for (const [locale, text] of Object.entries(byLocale)) {
        expect(formatMoney(amount, currency, locale)).toBe(text);
        expect(parsed(text, currency, locale)).toBe(amount);
      }
    });
  }

  it("keeps every digit of the largest amounts", () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "USD")).toBe("$90,071,992,547,409.91");
    expect(formatMoney(Number.MIN_SAFE_INTEGER, "CLF")).toBe("-CLF\u00A0900,719,925,474.0991");
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "JPY", "ja-JP")).toBe("￥9,007,199,254,740,991");
  });

  it("reads what people type in their locale", () => {
    expect(parsed("1,234.5", "USD", "en-US")).toBe(123450);
    expect(parsed(" $12 ", "USD")).toBe(1200);
    expect(parsed("12.", "USD")).toBe(1200);
    expect(parsed(".5", "USD")).toBe(50);
    expect(parsed("1.234,50 €", "EUR", "de-DE")).toBe(123450);
    expect(parsed("1234,5", "EUR", "de-DE")).toBe(123450);
    expect(parsed("1 500", "HUF", "hu-HU")).toBe(150000);
    expect(parsed("1\u202F500,5", "EUR", "fr-FR")).toBe(150050);
    expect(parsed("12.50", "HUF", "hu-HU")).toBe(1250); // a point cannot be a grouping separator there
    expect(parsed("1'234.50", "CHF", "de-CH")).toBe(123450);
    expect(parsed("12,34,567.00", "INR", "en-IN")).toBe(123456700);
    expect(parsed("1500", "JPY", "ja-JP")).toBe(1500);
    expect(parsed("١٢٫٥", "IQD", "ar-IQ")).toBe(12500);
    expect(parsed("12.5", "IQD", "ar-IQ")).toBe(12500);
    expect(parsed("1.2345", "CLF")).toBe(12345);
    expect(parsed("-5", "USD", "en-US", true)).toBe(-500);
    expect(parsed("−5,00 kr", "SEK", "sv-SE", true)).toBe(-500);
    expect(parsed("CHF-5.00", "CHF", "de-CH", true)).toBe(-500);
    expect(parsed("-0", "USD")).toBe(0);
  });

  it("rejects more decimals than the currency has, garbage, negatives, and amounts beyond safe integers", () => {
    expect(parsed("1.5", "JPY")).toBe("TOO_MANY_DECIMALS");
    expect(parsed("1.50", "KRW", "ko-KR")).toBe("TOO_MANY_DECIMALS");
    expect(parsed("1.234", "USD")).toBe("TOO_MANY_DECIMALS");
    expect(parsed("1,500.000", "HUF")).toBe("TOO_MANY_DECIMALS");
    expect(parsed("1.2345", "KWD")).toBe("TOO_MANY_DECIMALS");
    expect(parsed("1.23456", "CLF")).toBe("TOO_MANY_DECIMALS");
    expect(parseMoney("1.5", "JPY")).toMatchObject({ message: "JPY amounts have no decimals." });
    expect(parseMoney("1.234", "USD")).toMatchObject({
      message: "USD amounts have at most 2 decimal places.",
    });
    for (const garbage of [
      "abc",
      "12a",
      "1,2,3",
      "12..5",
      "1.2.3",
      "$$5",
      "5 $ 5",
      "€5",
      "1e3",
      "0x10",
      "--5",
      "(5)",
    ]) {
      expect(parsed(garbage, "USD"), garbage).toBe("INVALID");
    }
    expect(parsed("12,50", "USD", "en-US")).toBe("INVALID"); // "," groups thousands in en-US
    expect(parsed("12.50", "EUR", "de-DE")).toBe("INVALID"); // "." groups thousands in de-DE
    expect(parsed("1,2345", "USD", "en-US")).toBe("INVALID");
    expect(parseMoney("12,50", "USD")).toMatchObject({ message: "Enter an amount such as $1,234.50." });
    expect(parsed("", "USD")).toBe("EMPTY");
    expect(parsed("-5", "USD")).toBe("NEGATIVE");
    expect(parsed("-$5.00", "USD")).toBe("NEGATIVE");
    expect(parsed("90,071,992,547,409.91", "USD")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed("90,071,992,547,409.92", "USD")).toBe("TOO_LARGE");
    expect(parsed("9007199254740992", "JPY")).toBe("TOO_LARGE");
    expect(parsed("99999999999999999999999", "USD")).toBe("TOO_LARGE");
  });
});

describe("properties, for every ISO 4217 code", () => {
  it("format then parse gives back the same amount, in every locale", () => {
    const edges = [0, 1, -1, 9, 10, 100, 999, 1000, 12345, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const currency of currencyCodes()) {
      for (const locale of LOCALES) {
        for (const amount of edges) {
          expect(parsed(formatMoney(amount, currency, locale), currency, locale, true)).toBe(amount);
        }
      }
      fc.assert(
        fc.property(safeAmount, fc.constantFrom(...LOCALES), (amount, locale) => {
          const text = formatMoney(amount, currency, locale);
          expect(parsed(text, currency, locale, true), `${currency} ${locale} ${text}`).toBe(amount);
        }),
        { numRuns: 40 },
      );
    }
  });

  it("the decimal string has the currency's digits and reads back, in all conversions", () => {
    for (const currency of currencyCodes()) {
      const digits = currencyDigits(currency);
      fc.assert(
        fc.property(safeAmount, (amount) => {
          const decimal = minorToDecimal(amount, currency);
          expect(decimal).toMatch(digits === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${digits}}$`));
          expect(BigInt(decimal.replace(".", ""))).toBe(BigInt(amount));
          expect(decimalToMinor(decimal, currency, { allowNegative: true })).toEqual({
            ok: true,
            amountMinor: amount,
          });
          if (amount >= 0) expect(parseMajorUnits(decimal, currency)).toBe(amount);
          // en-US shows exactly the decimal's digits (grouped), nothing rounded away or added.
          expect(formatIn(amount, currency, "en-US").replace(/[^0-9]/g, "")).toBe(
            decimal.replace(/[-.]/g, ""),
          );
        }),
        { numRuns: 40 },
      );
      fc.assert(
        fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (amount) => {
          // Up to 15 significant digits a double keeps the decimal: major units survive a JSON number.
          expect(majorToMinor(minorToMajor(amount, currency), currency, { allowNegative: true })).toEqual({
            ok: true,
            amountMinor: amount,
          });
        }),
        { numRuns: 20 },
      );
    }
  });

  it("parse accepts no more decimals than ISO 4217 gives the currency", () => {
    for (const currency of currencyCodes()) {
      const digits = currencyDigits(currency);
      fc.assert(
        fc.property(fc.nat(10 ** 6), fc.constantFrom("en-US", "de-DE", "ar-IQ"), (whole, locale) => {
          const sep = locale === "de-DE" ? "," : ".";
          const text = `${whole}${sep}${"1".repeat(digits + 1)}`;
          expect(parsed(text, currency, locale)).toBe("TOO_MANY_DECIMALS");
        }),
        { numRuns: 10 },
      );
    }
  });
});
