/**
 * Highlighting of search hits in JavaScript (both engines): the product name with every matched word
 * marked, and the best snippet of the description (the window of `snippetWords` words with the most
 * matches). A word matches when its folded form, or its stem in the store's language (Snowball
 * stemmers of `@orama/stemmers`), is one of the query's words, their stems or PostgreSQL's lexemes
 * of the query (so synonyms are marked too), or starts with the last word being typed.
 * Words are runs of letters and digits; the rest of the text is kept as it is.
 */
import { fold, highlightStart, highlightStop } from "./search.text.ts";
import type { QueryNode } from "./search.tsquery.ts";

type Stemmer = (word: string) => string;

/** PostgreSQL text search configurations with a stemmer of the same language in `@orama/stemmers`. */
const stemmerModules: Record<string, () => Promise<{ stemmer: Stemmer }>> = {
  arabic: () => import("@orama/stemmers/arabic"),
  armenian: () => import("@orama/stemmers/armenian"),
  danish: () => import("@orama/stemmers/danish"),
  dutch: () => import("@orama/stemmers/dutch"),
  english: () => import("@orama/stemmers/english"),
  finnish: () => import("@orama/stemmers/finnish"),
  french: () => import("@orama/stemmers/french"),
  german: () => import("@orama/stemmers/german"),
  greek: () => import("@orama/stemmers/greek"),
  hungarian: () => import("@orama/stemmers/hungarian"),
  indonesian: () => import("@orama/stemmers/indonesian"),
  irish: () => import("@orama/stemmers/irish"),
  italian: () => import("@orama/stemmers/italian"),
  lithuanian: () => import("@orama/stemmers/lithuanian"),
  nepali: () => import("@orama/stemmers/nepali"),
  norwegian: () => import("@orama/stemmers/norwegian"),
  portuguese: () => import("@orama/stemmers/portuguese"),
  romanian: () => import("@orama/stemmers/romanian"),
  russian: () => import("@orama/stemmers/russian"),
  serbian: () => import("@orama/stemmers/serbian"),
  spanish: () => import("@orama/stemmers/spanish"),
  swedish: () => import("@orama/stemmers/swedish"),
  tamil: () => import("@orama/stemmers/tamil"),
  turkish: () => import("@orama/stemmers/turkish"),
};

const stemmers = new Map<string, Promise<Stemmer>>();
/** Stems already computed, per language (product texts reuse a limited vocabulary). */
const stems = new Map<string, Map<string, string>>();

/** The stemmer of a text search configuration, memoized; the identity for `simple` and unknown ones. */
export function stemmerFor(language: string): Promise<Stemmer> {
  let found = stemmers.get(language);
  if (!found) {
    const load = stemmerModules[language];
    const cache = new Map<string, string>();
    stems.set(language, cache);
    found = (load ? load().then((m) => m.stemmer) : Promise.resolve((w: string) => w)).then(
      (stem): Stemmer =>
        (word) => {
          let s = cache.get(word);
          if (s === undefined) {
            if (cache.size > 200_000) cache.clear();
            s = stem(word);
            cache.set(word, s);
          }
          return s;
        },
    );
    stemmers.set(language, found);
  }
  return found;
}

/** Lexemes of a query outside negations. */
function positiveLexemes(node: QueryNode | null, out: string[] = []): string[] {
  if (!node) return out;
  if (node.kind === "lex") out.push(node.text);
  else if (node.kind !== "not") {
    positiveLexemes(node.left, out);
    positiveLexemes(node.right, out);
  }
  return out;
}

/** What marks a word: exact terms (folded words, stems, lexemes) and prefixes. */
export interface HighlightTerms {
  exact: Set<string>;
  prefixes: string[];
  /** First two letters of every term: a cheap test before stemming a word. */
  starts: Set<string>;
  stem: Stemmer;
}

/**
 * The terms of a query for highlighting: its words outside exclusions (`-word`, `-"a phrase"`) and
 * `or`, folded and stemmed; PostgreSQL's lexemes of the query outside negations (synonyms included);
 * the last word as a prefix while it is being typed (`lastWord`) and its stemmed prefix (`tpl`).
 */
export function highlightTerms(
  q: string,
  stem: Stemmer,
  query: { tq: QueryNode | null; tpl: QueryNode | null; lastWord: string | null },
): HighlightTerms {
  const exact = new Set<string>();
  const kept = q.replace(/(^|\s)-("[^"]*"?|\S*)/g, " ");
  for (const word of fold(kept).match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (word === "or") continue;
    exact.add(word);
    exact.add(stem(word));
  }
  for (const lexeme of positiveLexemes(query.tq)) exact.add(lexeme);
  const prefixes = [query.lastWord, ...positiveLexemes(query.tpl)].filter((p): p is string => Boolean(p));
  const starts = new Set([...exact, ...prefixes].map((t) => t.slice(0, 2)));
  return { exact, prefixes, starts, stem };
}

function matches(word: string, terms: HighlightTerms): boolean {
  const lower = word.toLowerCase();
  // Most words cannot match: test their first letters before folding accents and stemming.
  const ascii = /^[a-z0-9]+$/.test(lower);
  if (ascii && !terms.starts.has(lower.slice(0, 2)) && !terms.starts.has(lower.slice(0, 1))) return false;
  const f = ascii ? lower : fold(word);
  if (!ascii && !terms.starts.has(f.slice(0, 2)) && !terms.starts.has(f.slice(0, 1))) return false;
  if (terms.exact.has(f)) return true;
  for (const p of terms.prefixes) if (f.startsWith(p)) return true;
  return f.length > 2 && terms.exact.has(terms.stem(f));
}

interface Word {
  start: number;
  end: number;
  hit: boolean;
}

function words(text: string, terms: HighlightTerms | null): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push({ start: m.index, end: m.index + m[0].length, hit: terms !== null && matches(m[0], terms) });
  }
  return out;
}

/** `text[from, to)` with matched words wrapped in the highlight sentinels. */
function mark(text: string, list: Word[], from: number, to: number): string {
  let out = "";
  let at = from;
  for (const w of list) {
    if (w.start < from || w.end > to || !w.hit) continue;
    out += `${text.slice(at, w.start)}${highlightStart}${text.slice(w.start, w.end)}${highlightStop}`;
    at = w.end;
  }
  return out + text.slice(at, to);
}

/** The whole text with matched words marked (sentinels; see `highlightHtml`). */
export function highlightAll(text: string, terms: HighlightTerms | null): string {
  if (!terms) return text;
  return mark(text, words(text, terms), 0, text.length);
}

/** Words in a snippet. */
export const snippetWords = 30;

/**
 * The best snippet of a text: the `snippetWords` words with the most matches (the earliest such
 * window, begun up to 3 words before its first match), matched words marked; the first words when
 * nothing matches.
 */
export function highlightSnippet(text: string, terms: HighlightTerms | null): string {
  const list = words(text, terms);
  if (list.length === 0) return "";
  let best = 0;
  let bestHits = -1;
  let hits = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.hit) hits++;
    if (i >= snippetWords && list[i - snippetWords]!.hit) hits--;
    const start = Math.max(0, i - snippetWords + 1);
    if (hits > bestHits) {
      bestHits = hits;
      best = start;
    }
  }
  if (bestHits > 0) {
    let first = best;
    while (!list[first]!.hit) first++;
    best = Math.max(0, Math.min(first - 3, list.length - snippetWords));
  }
  const last = Math.min(list.length, best + snippetWords) - 1;
  return mark(text, list, list[best]!.start, list[last]!.end);
}
