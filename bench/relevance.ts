/**
 * Relevance metrics of the search-quality benchmark (`npm run bench -- search-quality`), kept free of
 * I/O so that the server's tests can check them on hand-computed examples.
 *
 * Definitions (the usual ones of TREC / information retrieval, stated here so the numbers can be read):
 * - Judgments: `query,sku,grade` rows with grades 0 (not relevant) .. 3 (exactly what the shopper wants).
 *   A result the judgments do not mention counts as grade 0.
 * - DCG@k = sum over ranks i = 1..k of (2^grade - 1) / log2(i + 1) (exponential gain, log2 discount).
 * - NDCG@k = DCG@k of the results / DCG@k of the ideal ranking, the ideal ranking being ALL judged items
 *   of the query sorted by grade (whether the system returned them or not). A query whose judged items
 *   are all grade 0 has no ideal DCG: its NDCG is undefined (null) and it is left out of the mean.
 * - Reciprocal rank@k = 1 / rank of the first result with grade >= `relevantGrade` (2: "relevant")
 *   within the first k, 0 when none is. A query with no judged item of grade >= 2 is left out of MRR.
 * - A SKU repeated in a result list counts at its first rank only (later copies gain nothing).
 * - Zero-result rate: share of queries whose answer had no results at all (`total` 0).
 */

/** Grade from which a result counts as relevant for MRR. */
export const relevantGrade = 2;
/** Rank cutoff of NDCG and MRR. */
export const cutoff = 10;

/** query -> (SKU -> grade 0..3). */
export type Judgments = Map<string, Map<string, number>>;

/** Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes as "", and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ""));
}

/**
 * Parses a judgments file: header `query,sku,grade`, then one row per judged (query, SKU). Queries keep
 * their case and inner spacing (trimmed at the ends); SKUs are compared exactly.
 * @throws Error naming the line for a bad header, a grade outside 0..3 or a repeated (query, SKU).
 */
export function parseJudgments(text: string, source = "judgments"): Judgments {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  if (header?.map((h) => h.trim()).join(",") !== "query,sku,grade")
    throw new Error(`${source}: the first line must be "query,sku,grade"`);
  const judgments: Judgments = new Map();
  rows.forEach((r, i) => {
    const line = i + 2;
    if (r.length !== 3) throw new Error(`${source}:${line}: expected 3 fields, found ${r.length}`);
    const query = r[0]!.trim();
    const sku = r[1]!.trim();
    const grade = Number(r[2]!.trim());
    if (!query || !sku) throw new Error(`${source}:${line}: empty query or SKU`);
    if (!/^[0-3]$/.test(r[2]!.trim()))
      throw new Error(`${source}:${line}: grade "${r[2]}" is not 0, 1, 2 or 3`);
    const grades = judgments.get(query) ?? new Map<string, number>();
    if (grades.has(sku)) throw new Error(`${source}:${line}: "${query}" judges ${sku} twice`);
    grades.set(sku, grade);
    judgments.set(query, grades);
  });
  return judgments;
}

const gain = (grade: number) => 2 ** grade - 1;

/** DCG@k of grades listed in rank order. */
export function dcg(grades: readonly number[], k = cutoff): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, grades.length); i++) sum += gain(grades[i]!) / Math.log2(i + 2);
  return sum;
}

/** Grades of a ranked list of SKUs (unjudged 0; a repeated SKU 0 after its first rank). */
function gradesOf(ranked: readonly string[], grades: ReadonlyMap<string, number>): number[] {
  const seen = new Set<string>();
  return ranked.map((sku) => {
    if (seen.has(sku)) return 0;
    seen.add(sku);
    return grades.get(sku) ?? 0;
  });
}

/** NDCG@k of a ranked list of SKUs; null when the query has no judged item above grade 0. */
export function ndcg(
  ranked: readonly string[],
  grades: ReadonlyMap<string, number>,
  k = cutoff,
): number | null {
  const ideal = dcg(
    [...grades.values()].sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return null;
  return dcg(gradesOf(ranked, grades), k) / ideal;
}

/** Reciprocal rank@k of the first result graded >= threshold; null when no judged item reaches it. */
export function reciprocalRank(
  ranked: readonly string[],
  grades: ReadonlyMap<string, number>,
  threshold = relevantGrade,
  k = cutoff,
): number | null {
  if (![...grades.values()].some((g) => g >= threshold)) return null;
  const list = gradesOf(ranked, grades);
  for (let i = 0; i < Math.min(k, list.length); i++) if (list[i]! >= threshold) return 1 / (i + 1);
  return 0;
}

/** What a system answered for one query: the ranked product SKUs and its total hit count. */
export interface Answer {
  skus: string[];
  total: number;
}

export interface QueryScore {
  query: string;
  ndcg: number | null;
  reciprocalRank: number | null;
  total: number;
  /** First results as returned (for the report). */
  top: string[];
}

export interface RunScore {
  queries: number;
  /** Mean NDCG@k over the queries where it is defined. */
  ndcg: number;
  ndcgQueries: number;
  /** Mean reciprocal rank@k over the queries with a relevant item. */
  mrr: number;
  mrrQueries: number;
  /** Share of all queries answered with no results. */
  zeroResultRate: number;
  perQuery: QueryScore[];
}

/** Scores one system's answers to every judged query (a query it did not answer counts as no results). */
export function scoreRun(judgments: Judgments, answers: ReadonlyMap<string, Answer>, k = cutoff): RunScore {
  const perQuery: QueryScore[] = [];
  for (const [query, grades] of judgments) {
    const answer = answers.get(query) ?? { skus: [], total: 0 };
    perQuery.push({
      query,
      ndcg: ndcg(answer.skus, grades, k),
      reciprocalRank: reciprocalRank(answer.skus, grades, relevantGrade, k),
      total: answer.total,
      top: answer.skus.slice(0, k),
    });
  }
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const ndcgs = perQuery.flatMap((q) => (q.ndcg === null ? [] : [q.ndcg]));
  const rrs = perQuery.flatMap((q) => (q.reciprocalRank === null ? [] : [q.reciprocalRank]));
  return {
    queries: perQuery.length,
    ndcg: mean(ndcgs),
    ndcgQueries: ndcgs.length,
    mrr: mean(rrs),
    mrrQueries: rrs.length,
    zeroResultRate: perQuery.length ? perQuery.filter((q) => q.total === 0).length / perQuery.length : 0,
    perQuery,
  };
}
