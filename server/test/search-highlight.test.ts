import { describe, expect, it } from "vitest";
import {
  highlightAll,
  highlightSnippet,
  highlightTerms,
  snippetWords,
  stemmerFor,
} from "../src/modules/search/search.highlight.ts";
import { highlightHtml } from "../src/modules/search/search.text.ts";
import { parseTsquery } from "../src/modules/search/search.tsquery.ts";

/** Highlighting of search hits: what a shopper sees marked in names and snippets. */
const html = (s: string) => highlightHtml(s);

describe("search highlighting", () => {
  it("marks plural and inflected forms through the store language's stemmer, and accents folded", async () => {
    const stem = await stemmerFor("english");
    const terms = highlightTerms("running jacket", stem, {
      tq: parseTsquery("'run' & 'jacket'"),
      tpl: null,
      lastWord: null,
    });
    expect(html(highlightAll("Runs & Jackets for Rünning", terms))).toBe(
      "<mark>Runs</mark> &amp; <mark>Jackets</mark> for <mark>Rünning</mark>",
    );
  });

  it("leaves excluded words and 'or' unmarked, and marks the last word as a prefix while typing", async () => {
    const stem = await stemmerFor("english");
    const terms = highlightTerms("hoodie -zip or jack", stem, {
      tq: parseTsquery("'hoodi' & !'zip' | 'jack'"),
      tpl: parseTsquery("'jack':*"),
      lastWord: "jack",
    });
    expect(html(highlightAll("Zip Hoodie or Jacket", terms))).toBe(
      "Zip <mark>Hoodie</mark> or <mark>Jacket</mark>",
    );
  });

  it("marks synonyms through PostgreSQL's lexemes of the rewritten query", async () => {
    const stem = await stemmerFor("english");
    const terms = highlightTerms("tee", stem, {
      tq: parseTsquery("'tee' | 'shirt'"),
      tpl: null,
      lastWord: null,
    });
    expect(html(highlightAll("Classic Shirt", terms))).toBe("Classic <mark>Shirt</mark>");
  });

  it("cuts the snippet around the matches, at most 30 words, the start when nothing matches", async () => {
    const stem = await stemmerFor("english");
    const filler = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const text = `${filler} a waterproof shell for rain. ${filler}`;
    const terms = highlightTerms("waterproof", stem, {
      tq: parseTsquery("'waterproof'"),
      tpl: null,
      lastWord: null,
    });
    const snippet = html(highlightSnippet(text, terms));
    expect(snippet).toContain("<mark>waterproof</mark> shell for rain");
    expect(snippet.split(" ").length).toBe(snippetWords);
    expect(snippet.startsWith("word58 word59 a <mark>waterproof</mark>")).toBe(true);
    expect(highlightSnippet(text, null).split(" ").slice(0, 2)).toEqual(["word0", "word1"]);
  });

  it("has no stemmer for the simple configuration: words match as they are", async () => {
    const stem = await stemmerFor("simple");
    const terms = highlightTerms("jackets", stem, {
      tq: parseTsquery("'jackets'"),
      tpl: null,
      lastWord: null,
    });
    expect(html(highlightAll("Jacket and Jackets", terms))).toBe("Jacket and <mark>Jackets</mark>");
  });
});
