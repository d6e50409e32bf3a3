import { decodeHTML } from "entities";

/** Plain text of HTML: tags removed, entities decoded, whitespace collapsed. */
export function stripHtml(html: string): string {
  return decodeHTML(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ")
      .replace(/<br\s*\/?>|<\/(p|div|li|h\d)>/gi, " ")
      .replace(/<[^>]*>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim();
}

/** Removes accents (NFD, combining marks dropped) and lower-cases: "Crème Brûlée" -> "creme brulee". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** A query as typed, trimmed, control characters removed and inner whitespace collapsed. */
export function cleanQuery(q: string): string {
  return q
    .replace(/\p{Cc}/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The key queries are grouped by in analytics: folded, spaces collapsed. */
export function normalizeQuery(q: string): string {
  return fold(cleanQuery(q));
}

/**
 * Splits a query for prefix matching of its last word: while typing "waterproof jack", the last word
 * is a prefix ("jack" should find "jacket"). Only a plain last word qualifies: not quoted, not
 * negated (`-zip`), not following "or", and not followed by a space (the shopper finished it).
 * Returns null when the query has no such word.
 */
export function splitLastWord(q: string): { head: string; last: string } | null {
  if (/\s$/.test(q)) return null;
  const match = /(^|\s)([\p{L}\p{N}]+)$/u.exec(q);
  if (!match) return null;
  const head = q.slice(0, match.index + match[1]!.length).trim();
  if ((head.match(/"/g) ?? []).length % 2 === 1) return null;
  if (/(^|\s)or$/i.test(head)) return null;
  return { head, last: match[2]! };
}

/**
 * Words of a text for the index vocabulary (typo correction and autocomplete): folded, letters and
 * digits only, 3 to 40 characters, not only digits.
 */
export function vocabularyWords(text: string): string[] {
  const words = new Set<string>();
  for (const w of fold(text).split(/[^\p{L}\p{N}]+/u)) {
    if (w.length >= 3 && w.length <= 40 && !/^\d+$/.test(w)) words.add(w);
  }
  return [...words];
}

/**
 * The words of a query a spelling correction may replace: plain words of 3+ letters that are not
 * negated, quoted or an operator. Returns each with its position in the query.
 */
export function correctableWords(q: string): { word: string; start: number; end: number }[] {
  const result: { word: string; start: number; end: number }[] = [];
  let inQuote = false;
  const re = /"|(-?)([\p{L}][\p{L}\p{N}]*)/gu;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    if (m[0] === '"') {
      inQuote = !inQuote;
      continue;
    }
    const word = m[2]!;
    const before = m.index === 0 ? " " : q[m.index - 1]!;
    if (inQuote || m[1] || !/\s/.test(before) || word.length < 3 || word.toLowerCase() === "or") continue;
    const start = m.index + m[1]!.length;
    result.push({ word, start, end: start + word.length });
  }
  return result;
}

/** Sentinels ts_headline wraps matches in (characters product texts do not use). */
export const highlightStart = "\u27e6";
export const highlightStop = "\u27e7";

/**
 * HTML of a ts_headline result: the text HTML-escaped, matches wrapped in `<mark>`; no other markup
 * survives, so clients can insert it as HTML.
 */
export function highlightHtml(headline: string): string {
  return headline
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
    .replaceAll(highlightStart, "<mark>")
    .replaceAll(highlightStop, "</mark>");
}
