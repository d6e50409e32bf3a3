import * as money from "@bazaar/money";
import * as esbuild from "esbuild";
import fc from "fast-check";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/config.ts";
import { launchChromium } from "./support.ts";

/**
 * The server (Node) and the browser (Chromium) run the same `@bazaar/money`: this bundles it, and web/ui's
 * money helpers, for the browser with esbuild, loads the bundle into a blank page in Debian's Chromium and
 * checks that for every ISO 4217 code (0, 2, 3 and 4 digits) both runtimes have the same digits, format
 * the same amounts to the same strings, and parse the same texts to the same minor units.
 *
 * Strings come from each runtime's ICU data, and Node (full ICU 78 / CLDR 48) and Chromium (its own
 * trimmed icudtl.dat, ICU 78) do not carry the same data for every locale. The locales compared string
 * for string are those where both agree for every currency; `ICU_DIFFERENCES` documents the ones
 * left out and a test checks that those differences are still exactly the documented ones, so a
 * Chromium or Node update that changes them shows up here. Amounts cross between server and browser
 * as integer minor units, never as formatted strings, so a display difference never changes an amount.
 */

/** Locales compared string for string: separators ",", ".", NBSP, NNBSP, ’; Indian grouping; U+2212;
 * minus after the symbol (de-CH); Arabic-Indic and extended digits with bidi marks (ar-IQ, fa-IR, he-IL). */
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
  "es-ES",
  "pt-BR",
  "zh-CN",
  "ko-KR",
];

/**
 * Locales left out of the string comparison, and why (Chromium 156 on Debian 12 against Node 20.20):
 * - ru-RU, uk-UA: Chromium's data gives UAH the symbol "грн." / "грн", Node's CLDR 48 "₴" (both have
 *   "₴" as the narrow symbol).
 * - nl-NL: Chromium writes ZWG (Zimbabwe Gold, new in 2024) as "ZWG", Node's CLDR as "ZiG".
 * - ne-NP, my-MM, ps-AF: Chromium has no number/currency data for these locales
 *   (`Intl.NumberFormat.supportedLocalesOf` drops them) and falls back to en-US; Node shows
 *   Devanagari, Myanmar and extended Arabic-Indic digits.
 * Values: the currencies whose strings differ ("*" for every currency).
 */
const ICU_DIFFERENCES: Record<string, string[] | "*"> = {
  "ru-RU": ["UAH"],
  "uk-UA": ["UAH"],
  "nl-NL": ["ZWG"],
  "ne-NP": "*",
  "my-MM": "*",
  "ps-AF": "*",
};

/** What the bundle exposes as `window.bazaar` (web/ui's helpers typed by hand: that package is not ours). */
interface Bundle {
  money: typeof money;
  ui: {
    formatMinor(amount: number, currency: string, locale?: string): string;
    minorToDecimalString(amount: number, currency: string): string;
    currencyDigits(currency: string): number;
    parseMajorToMinor(
      input: string,
      currency: string,
    ): { ok: true; minor: number } | { ok: false; message: string };
  };
}

type Case = [amount: number, currency: string, locale: string];

const codes = money.currencyCodes();
const byDigits = new Map<number, string[]>();
for (const code of codes) {
  const digits = money.currencyDigits(code);
  byDigits.set(digits, [...(byDigits.get(digits) ?? []), code]);
}

/** Boundaries, then amounts drawn by fast-check (fixed seed, so a failure can be replayed). */
const AMOUNTS = [
  0,
  1,
  -1,
  5,
  99,
  100,
  1000,
  12345,
  -150000,
  123456789,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  ...fc.sample(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
    numRuns: 8,
    seed: 4217,
  }),
  ...fc.sample(fc.integer({ min: 0, max: 10_000_000 }), { numRuns: 4, seed: 4217 }),
];

function cases(locales: string[]): Case[] {
  const all: Case[] = [];
  for (const locale of locales)
    for (const code of codes) for (const amount of AMOUNTS) all.push([amount, code, locale]);
  return all;
}

let browser: Browser;
let page: Page;

/** Runs `fn` in the page with the bundle (`window.bazaar`) and `arg` (JSON) as its arguments. */
function inBrowser<A, R>(fn: (bundle: Bundle, arg: A) => R, arg: A): Promise<R> {
  return page.evaluate(`(${fn.toString()})(globalThis.bazaar, ${JSON.stringify(arg)})`) as Promise<R>;
}

function formatAll(bundle: Pick<Bundle, "money">, all: Case[]): string[] {
  return all.map(([amount, currency, locale]) => bundle.money.formatMoney(amount, currency, locale));
}

function parseAll(
  bundle: Pick<Bundle, "money">,
  texts: [text: string, currency: string, locale: string][],
): money.MoneyResult[] {
  return texts.map(([text, currency, locale]) =>
    bundle.money.parseMoney(text, currency, locale, { allowNegative: true }),
  );
}

/** Node's side of the same calls. */
const nodeBundle = { money };

beforeAll(async () => {
  const built = await esbuild.build({
    stdin: {
      contents: 'export * as money from "@bazaar/money";\nexport * as ui from "./web/ui/src/money.ts";\n',
      resolveDir: repoRoot,
      loader: "ts",
    },
    bundle: true,
    format: "iife",
    globalName: "bazaar",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto("about:blank");
  await page.addScriptTag({ content: built.outputFiles[0]!.text });
});

afterAll(async () => {
  await browser?.close();
});

describe("@bazaar/money in Node and in Chromium", () => {
  it("has the same ISO 4217 digits for every code, 0, 2, 3 and 4 digits alike", async () => {
    expect([...byDigits.keys()].sort()).toEqual([0, 2, 3, 4]);
    const inChromium = await inBrowser(
      (b, list: string[]) => ({
        codes: b.money.currencyCodes(),
        digits: list.map((c) => b.money.currencyDigits(c)),
        refused: ["XAU", "XXX", "usd", "ABC"].map((c) => b.money.isCurrencyCode(c)),
      }),
      codes,
    );
    expect(inChromium.codes).toEqual(codes);
    expect(inChromium.digits).toEqual(codes.map((c) => money.currencyDigits(c)));
    expect(inChromium.refused).toEqual([false, false, false, false]);
  });

  it("formats every currency to the same strings in the compared locales", async () => {
    const all = cases(LOCALES);
    const inNode = formatAll(nodeBundle, all);
    const inChromium = await inBrowser(formatAll, all);
    const differing = all
      .map(([amount, currency, locale], i) => ({
        amount,
        currency,
        locale,
        node: inNode[i],
        chromium: inChromium[i],
      }))
      .filter((d) => d.node !== d.chromium);
    expect(differing.slice(0, 20)).toEqual([]);
    expect(all.length).toBe(LOCALES.length * codes.length * AMOUNTS.length);
    // Spot checks of the ISO digits in both runtimes (Intl alone would show HUF and IDR with 0, IQD with 0).
    const shown = (amount: number, currency: string, locale: string) =>
      inChromium[all.findIndex(([a, c, l]) => a === amount && c === currency && l === locale)];
    expect(shown(12345, "HUF", "hu-HU")).toBe("123,45\u00A0Ft");
    expect(shown(12345, "IDR", "en-US")).toBe("IDR\u00A0123.45");
    expect(shown(12345, "IQD", "ar-IQ")).toBe("\u200F١٢٫٣٤٥\u00A0د.ع.\u200F");
    expect(shown(12345, "CLF", "de-DE")).toBe("1,2345\u00A0CLF");
    expect(shown(12345, "JPY", "ja-JP")).toBe("￥12,345");
  });

  it("parses each runtime's strings, and what people type, to the same minor units", async () => {
    const all = cases(LOCALES);
    const fromChromium = await inBrowser(formatAll, all);
    const texts = all.map(([, currency, locale], i): [string, string, string] => [
      fromChromium[i]!,
      currency,
      locale,
    ]);
    const chromiumReads = await inBrowser(parseAll, texts);
    const nodeReads = parseAll(nodeBundle, texts);
    const expected = all.map(([amount]) => ({ ok: true, amountMinor: amount }));
    expect(chromiumReads).toEqual(expected);
    expect(nodeReads).toEqual(expected);

    const typed = [
      "1234",
      "1,234.5",
      "1.234,5",
      "1 234,5",
      "12,50",
      "12.50",
      "-5",
      " 7 ",
      "abc",
      "",
      "1.2345",
    ];
    typed.push(
      "١٢٫٥",
      "۱۲٫۵",
      "9007199254740992",
      "90,071,992,547,409.92",
      "$5",
      "5 €",
      "1'234.5",
      "12,34,567.8",
    );
    const typedCases: [string, string, string][] = [];
    for (const locale of LOCALES)
      for (const currency of ["JPY", "KRW", "USD", "EUR", "HUF", "IDR", "BHD", "KWD", "IQD", "CLF"])
        for (const text of typed) typedCases.push([text, currency, locale]);
    const typedInChromium = await inBrowser(parseAll, typedCases);
    const typedInNode = parseAll(nodeBundle, typedCases);
    const disagreeing = typedCases
      .map((c, i) => ({ case: c, node: typedInNode[i], chromium: typedInChromium[i] }))
      .filter((d) => JSON.stringify(d.node) !== JSON.stringify(d.chromium));
    expect(disagreeing.slice(0, 20)).toEqual([]);
    // Not everything typed is an amount: the errors are shared too.
    expect(new Set(typedInNode.map((r) => (r.ok ? "ok" : r.code)))).toEqual(
      new Set(["ok", "INVALID", "EMPTY", "TOO_MANY_DECIMALS", "TOO_LARGE"]),
    );
  });

  it("web/ui's money helpers use ISO 4217 digits in the browser: HUF 1,500.00 is 150000 minor units", async () => {
    const nonNegative = AMOUNTS.filter((a) => a >= 0);
    const result = await inBrowser(
      (b, { list, amounts }: { list: string[]; amounts: number[] }) =>
        list.map((currency) => ({
          digits: b.ui.currencyDigits(currency),
          shown: amounts.map((a) => b.ui.formatMinor(a, currency)),
          readBack: amounts.map((a) => {
            const r = b.ui.parseMajorToMinor(b.ui.minorToDecimalString(a, currency), currency);
            return r.ok ? r.minor : r.message;
          }),
        })),
      { list: codes, amounts: nonNegative },
    );
    result.forEach((r, i) => {
      const currency = codes[i]!;
      expect(r.digits).toBe(money.currencyDigits(currency));
      expect(r.shown).toEqual(nonNegative.map((a) => money.formatMoney(a, currency, "en-US")));
      expect(r.readBack).toEqual(nonNegative);
    });
    const huf = await inBrowser(
      (b) => [
        b.ui.formatMinor(150000, "HUF"),
        b.ui.parseMajorToMinor("1500", "HUF"),
        b.ui.parseMajorToMinor("1500.5", "JPY"),
      ],
      null,
    );
    expect(huf).toEqual([
      "HUF\u00A01,500.00",
      { ok: true, minor: 150000 },
      { ok: false, message: "JPY amounts have no decimals." },
    ]);
  });

  it("differs from Node's ICU only where documented (ICU_DIFFERENCES), and each runtime still reads its own strings back", async () => {
    const locales = Object.keys(ICU_DIFFERENCES);
    const all = cases(locales);
    const inNode = formatAll(nodeBundle, all);
    const inChromium = await inBrowser(formatAll, all);
    const found: Record<string, Set<string>> = Object.fromEntries(locales.map((l) => [l, new Set<string>()]));
    all.forEach(([, currency, locale], i) => {
      if (inNode[i] !== inChromium[i]) found[locale]!.add(currency);
    });
    const documented = Object.fromEntries(
      Object.entries(ICU_DIFFERENCES).map(([l, list]) => [l, list === "*" ? codes : [...list].sort()]),
    );
    expect(Object.fromEntries(Object.entries(found).map(([l, s]) => [l, [...s].sort()]))).toEqual(documented);
    const supported = await inBrowser(
      (_b, list: string[]) => Intl.NumberFormat.supportedLocalesOf(list),
      locales,
    );
    expect(supported).toEqual(["ru-RU", "uk-UA", "nl-NL"]);
    expect(Intl.NumberFormat.supportedLocalesOf(locales)).toEqual(locales);

    const expected = all.map(([amount]) => ({ ok: true, amountMinor: amount }));
    const own = (strings: string[]) =>
      all.map(([, c, l], i): [string, string, string] => [strings[i]!, c, l]);
    expect(await inBrowser(parseAll, own(inChromium))).toEqual(expected);
    expect(parseAll(nodeBundle, own(inNode))).toEqual(expected);
  });
});
