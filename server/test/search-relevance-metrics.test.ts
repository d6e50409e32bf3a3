import { describe, expect, it } from "vitest";
import { dcg, ndcg, parseCsv, parseJudgments, reciprocalRank, scoreRun } from "../../bench/relevance.ts";

/** The relevance metrics of `npm run bench -- search-quality`, on examples computed by hand. */
describe("search relevance metrics", () => {
  const grades = new Map([
    ["A", 3],
    ["B", 2],
    ["C", 0],
    ["D", 1],
  ]);

  it("DCG uses the exponential gain 2^g - 1 and a log2(rank + 1) discount, cut at k", () => {
    expect(dcg([3])).toBe(7);
    expect(dcg([0, 3])).toBeCloseTo(7 / Math.log2(3), 12);
    expect(dcg([2, 0, 3])).toBe(3 + 7 / 2);
    expect(dcg([1, 1, 1], 2)).toBeCloseTo(1 + 1 / Math.log2(3), 12);
    expect(dcg([])).toBe(0);
  });

  it("NDCG@10 divides by the DCG of all judged items sorted by grade, returned or not", () => {
    // Results B (2), X (unjudged), A (3): 3/1 + 0 + 7/2 = 6.5. Ideal A, B, D, C: 7 + 3/log2 3 + 1/2 + 0.
    expect(ndcg(["B", "X", "A"], grades)).toBeCloseTo(0.6920202, 6);
    expect(ndcg(["B", "X", "A"], grades)).toBeCloseTo(6.5 / (7 + 3 / Math.log2(3) + 0.5), 12);
    expect(ndcg(["A", "B", "D", "C"], grades)).toBe(1);
    expect(ndcg(["A", "B", "D"], grades)).toBe(1); // the grade-0 item adds nothing to the ideal
    expect(ndcg([], grades)).toBe(0);
  });

  it("counts unjudged results as grade 0", () => {
    const one = new Map([["A", 3]]);
    expect(ndcg(["X", "Y", "A"], one)).toBe(0.5); // (7 / log2 4) / 7
    expect(reciprocalRank(["X", "Y", "A"], one)).toBeCloseTo(1 / 3, 12);
    expect(ndcg(["X", "Y", "Z"], one)).toBe(0);
  });

  it("scores tied grades the same in any order, and ties in the ideal ranking change nothing", () => {
    const tied = new Map([
      ["A", 3],
      ["B", 3],
      ["C", 2],
    ]);
    expect(ndcg(["A", "B", "C"], tied)).toBe(1);
    expect(ndcg(["B", "A", "C"], tied)).toBe(1);
    expect(ndcg(["C", "A", "B"], tied)).toBe(ndcg(["C", "B", "A"], tied));
    expect(ndcg(["C", "A", "B"], tied)).toBeLessThan(1);
  });

  it("counts a repeated SKU at its first rank only", () => {
    const two = new Map([
      ["A", 3],
      ["B", 3],
    ]);
    expect(ndcg(["A", "A"], two)).toBeCloseTo(7 / (7 + 7 / Math.log2(3)), 12);
    expect(ndcg(["A", "A"], two)).toBeCloseTo(0.6131472, 6);
  });

  it("ignores results past rank 10", () => {
    const one = new Map([["A", 3]]);
    const ranked = [...Array.from({ length: 10 }, (_, i) => `X${i}`), "A"];
    expect(ndcg(ranked, one)).toBe(0);
    expect(reciprocalRank(ranked, one)).toBe(0);
    expect(ndcg(ranked, one, 11)).toBeCloseTo(7 / Math.log2(12) / 7, 12);
  });

  it("MRR takes the first result graded 2 or more", () => {
    expect(reciprocalRank(["B", "A"], grades)).toBe(1);
    expect(reciprocalRank(["D", "X", "A"], grades)).toBeCloseTo(1 / 3, 12); // D is grade 1: marginal
    expect(reciprocalRank(["C", "D"], grades)).toBe(0);
    expect(reciprocalRank(["D"], grades, 1)).toBe(1);
  });

  it("leaves a query with no relevant item out of NDCG and MRR, but not out of the zero-result rate", () => {
    const none = new Map([["A", 0]]);
    expect(ndcg(["A"], none)).toBeNull();
    expect(reciprocalRank(["A"], none)).toBeNull();
    const marginal = new Map([["D", 1]]);
    expect(ndcg(["D"], marginal)).toBe(1);
    expect(reciprocalRank(["D"], marginal)).toBeNull();

    const judgments = new Map([
      ["jacket", grades],
      ["shoes", none],
      ["hoodie", new Map([["H", 3]])],
    ]);
    const run = scoreRun(
      judgments,
      new Map([
        ["jacket", { skus: ["B", "X", "A"], total: 3 }],
        ["shoes", { skus: [], total: 0 }],
        // "hoodie" unanswered: no results
      ]),
    );
    expect(run.queries).toBe(3);
    expect(run.ndcgQueries).toBe(2);
    expect(run.ndcg).toBeCloseTo((0.6920202 + 0) / 2, 6);
    expect(run.mrrQueries).toBe(2);
    expect(run.mrr).toBe(0.5);
    expect(run.zeroResultRate).toBeCloseTo(2 / 3, 12);
    expect(run.perQuery.map((q) => [q.query, q.total])).toEqual([
      ["jacket", 3],
      ["shoes", 0],
      ["hoodie", 0],
    ]);
  });

  it("parses judgments: quoted fields, CRLF, and clear errors", () => {
    expect(parseCsv('a,"b, ""c""",d\r\n\r\ne,f,g')).toEqual([
      ["a", 'b, "c"', "d"],
      ["e", "f", "g"],
    ]);
    const j = parseJudgments('query,sku,grade\n"yoga pants, women",WP01,3\nyoga pants,WP01,2\n');
    expect([...j.keys()]).toEqual(["yoga pants, women", "yoga pants"]);
    expect(j.get("yoga pants")?.get("WP01")).toBe(2);
    expect(() => parseJudgments("q,sku,grade\n")).toThrow(/first line/);
    expect(() => parseJudgments("query,sku,grade\njacket,MJ01,4\n", "f.csv")).toThrow("f.csv:2: grade");
    expect(() => parseJudgments("query,sku,grade\njacket,MJ01,2.5\n")).toThrow(/grade/);
    expect(() => parseJudgments("query,sku,grade\njacket,MJ01,3\njacket,MJ01,2\n")).toThrow(/:3: .*twice/);
    expect(() => parseJudgments("query,sku,grade\njacket,MJ01\n")).toThrow(/3 fields/);
  });
});
