/**
 * PostgreSQL text search values in JavaScript: the text forms of `tsvector` and `tsquery` parsed, a
 * query evaluated against a document the way `tsvector @@ tsquery` does, and `ts_rank` computed the
 * way PostgreSQL computes it (src/backend/utils/adt/tsrank.c and tsvector_op.c, PostgreSQL 13+),
 * single-precision rounding included, so that the in-memory engine (search.memory.ts) ranks exactly
 * like the SQL one.
 *
 * Positions are packed like PostgreSQL's `WordEntryPos`: bits 0-13 the position (1..16383), bits
 * 14-15 the weight (D = 0, C = 1, B = 2, A = 3).
 */

/** A parsed tsquery. */
export type QueryNode =
  | {
      kind: "lex";
      text: string;
      prefix: boolean;
      /** Bit mask of weights the lexeme must have (1 << weight); 0: any. */
      weights: number;
    }
  | { kind: "not"; child: QueryNode }
  | { kind: "and" | "or"; left: QueryNode; right: QueryNode }
  | { kind: "phrase"; distance: number; left: QueryNode; right: QueryNode };

export type LexemeNode = Extract<QueryNode, { kind: "lex" }>;

/** A lexeme of a tsvector with its packed positions. */
export interface VectorEntry {
  lexeme: string;
  positions: number[];
}

const weightCodes: Record<string, number> = { A: 3, B: 2, C: 1, D: 0, a: 3, b: 2, c: 1, d: 0 };

/** Reads a quoted lexeme starting at `start` (the opening quote); returns it and the index after it. */
function readQuoted(text: string, start: number): [string, number] {
  let out = "";
  let i = start + 1;
  for (;;) {
    const ch = text[i];
    if (ch === undefined) throw new Error(`unterminated lexeme in ${JSON.stringify(text)}`);
    if (ch === "\\") {
      out += text[i + 1] ?? "";
      i += 2;
    } else if (ch === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i += 2;
      } else return [out, i + 1];
    } else {
      out += ch;
      i++;
    }
  }
}

/** Parses the text output of a `tsvector` (`'red':1A,4 'shirt':2A`). */
export function parseTsvector(text: string): VectorEntry[] {
  const entries: VectorEntry[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    const [lexeme, after] = readQuoted(text, i);
    i = after;
    const positions: number[] = [];
    if (text[i] === ":") {
      i++;
      for (;;) {
        let pos = 0;
        let c = text.charCodeAt(i);
        while (c >= 48 && c <= 57) {
          pos = pos * 10 + (c - 48);
          c = text.charCodeAt(++i);
        }
        const weight = weightCodes[text[i] ?? ""];
        if (weight !== undefined) i++;
        positions.push(pos | ((weight ?? 0) << 14));
        if (text[i] === ",") i++;
        else break;
      }
    }
    entries.push({ lexeme, positions });
  }
  return entries;
}

/** Parses the text output of a `tsquery`; null for an empty query (only stop words). */
export function parseTsquery(text: string): QueryNode | null {
  let i = 0;
  const skip = () => {
    while (text[i] === " ") i++;
  };
  // Precedence (PostgreSQL): ! binds tightest, then <->, then &, then |; binary operators are left-associative.
  const primary = (): QueryNode => {
    skip();
    const ch = text[i];
    if (ch === "!") {
      i++;
      return { kind: "not", child: primary() };
    }
    if (ch === "(") {
      i++;
      const node = orExpr();
      skip();
      if (text[i] !== ")") throw new Error(`expected ) in ${JSON.stringify(text)}`);
      i++;
      return node;
    }
    if (ch !== "'") throw new Error(`unexpected ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    const [lexeme, after] = readQuoted(text, i);
    i = after;
    let prefix = false;
    let weights = 0;
    if (text[i] === ":") {
      i++;
      for (;;) {
        const flag = text[i];
        if (flag === "*") prefix = true;
        else if (flag !== undefined && weightCodes[flag] !== undefined) weights |= 1 << weightCodes[flag]!;
        else break;
        i++;
      }
    }
    return { kind: "lex", text: lexeme, prefix, weights };
  };
  const phraseExpr = (): QueryNode => {
    let left = primary();
    for (;;) {
      skip();
      const m = /^<(-|\d+)>/.exec(text.slice(i, i + 8));
      if (!m) return left;
      i += m[0].length;
      const distance = m[1] === "-" ? 1 : Number(m[1]);
      left = { kind: "phrase", distance, left, right: primary() };
    }
  };
  const andExpr = (): QueryNode => {
    let left = phraseExpr();
    for (;;) {
      skip();
      if (text[i] !== "&") return left;
      i++;
      left = { kind: "and", left, right: phraseExpr() };
    }
  };
  const orExpr = (): QueryNode => {
    let left = andExpr();
    for (;;) {
      skip();
      if (text[i] !== "|") return left;
      i++;
      left = { kind: "or", left, right: andExpr() };
    }
  };
  skip();
  if (i >= text.length) return null;
  const node = orExpr();
  skip();
  if (i < text.length) throw new Error(`unexpected text after a tsquery: ${JSON.stringify(text)}`);
  return node;
}

/** `a && b` / `a || b` on tsqueries, as PostgreSQL does them (an empty side yields the other). */
export function combineQueries(
  kind: "and" | "or",
  left: QueryNode | null,
  right: QueryNode | null,
): QueryNode | null {
  if (!left) return right;
  if (!right) return left;
  return { kind, left, right };
}

/** The query's lexeme operands in PostgreSQL's storage order (operator, right operand, left operand). */
function operandsInStorageOrder(node: QueryNode, out: LexemeNode[]): LexemeNode[] {
  if (node.kind === "lex") out.push(node);
  else if (node.kind === "not") operandsInStorageOrder(node.child, out);
  else {
    operandsInStorageOrder(node.right, out);
    operandsInStorageOrder(node.left, out);
  }
  return out;
}

/**
 * The distinct operands `ts_rank` iterates over (tsrank.c SortAndUniqItems): sorted by lexeme, a
 * duplicate (same lexeme, prefix or not) dropped in favour of the first in storage order.
 */
export function rankOperands(node: QueryNode): LexemeNode[] {
  const items = operandsInStorageOrder(node, []);
  // Array.prototype.sort is stable, as PostgreSQL's insertion sort is for the short lists queries make.
  items.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const unique: LexemeNode[] = [];
  for (const item of items) if (unique[unique.length - 1]?.text !== item.text) unique.push(item);
  return unique;
}

/**
 * A document as the evaluator and the ranker see it: its packed positions, and for an operand the
 * ranges of positions of the document's matching lexemes (one for an exact lexeme, several for a
 * prefix, in lexeme order).
 */
export interface DocumentView {
  /** Packed positions of every lexeme of the document. */
  readonly pos: ArrayLike<number>;
  /** Writes `[start, end)` ranges into `pos` at `out[2k]`, `out[2k + 1]`; returns how many lexemes match. */
  entries(operand: number, out: Int32Array): number;
}

/** Scratch buffers for entry ranges (evaluation is synchronous and never nests more than a query deep). */
const scratch: Int32Array[] = [];
function buffer(depth: number): Int32Array {
  let b = scratch[depth];
  if (!b) {
    b = new Int32Array(512);
    scratch[depth] = b;
  }
  return b;
}
/** A buffer able to hold `n` ranges (prefixes can match many lexemes of a document). */
function ensure(depth: number, doc: DocumentView, operand: number): [Int32Array, number] {
  let b = buffer(depth);
  let n = doc.entries(operand, b);
  if (n * 2 > b.length) {
    b = new Int32Array(n * 4);
    scratch[depth] = b;
    n = doc.entries(operand, b);
  }
  return [b, n];
}

/** A query compiled for evaluation: its lexeme operands numbered (index into `operands`). */
export interface CompiledQuery {
  root: CompiledNode;
  operands: LexemeNode[];
}

export type CompiledNode =
  | { kind: "lex"; operand: number; weights: number }
  | { kind: "not"; child: CompiledNode }
  | { kind: "and" | "or"; left: CompiledNode; right: CompiledNode }
  | { kind: "phrase"; distance: number; left: CompiledNode; right: CompiledNode };

/** Numbers a query's operands (equal lexeme and prefix flag share a number). */
export function compileQuery(node: QueryNode, operands: LexemeNode[] = []): CompiledQuery {
  const index = new Map<string, number>(operands.map((o, i) => [`${o.prefix ? "*" : ""}${o.text}`, i]));
  const walk = (n: QueryNode): CompiledNode => {
    if (n.kind === "lex") {
      const key = `${n.prefix ? "*" : ""}${n.text}`;
      let operand = index.get(key);
      if (operand === undefined) {
        operand = operands.length;
        operands.push(n);
        index.set(key, operand);
      }
      return { kind: "lex", operand, weights: n.weights };
    }
    if (n.kind === "not") return { kind: "not", child: walk(n.child) };
    if (n.kind === "phrase")
      return { kind: "phrase", distance: n.distance, left: walk(n.left), right: walk(n.right) };
    return { kind: n.kind, left: walk(n.left), right: walk(n.right) };
  };
  return { root: walk(node), operands };
}

/**
 * Whether phrase evaluation of a node is supported: lexemes, phrases and OR of lexemes (the shapes
 * `websearch_to_tsquery` and synonym rewrites produce). Other shapes are left to PostgreSQL.
 */
export function phraseSupported(node: CompiledNode, inPhrase = false): boolean {
  switch (node.kind) {
    case "lex":
      return true;
    case "not":
      return !inPhrase && phraseSupported(node.child, false);
    case "phrase":
      return phraseSupported(node.left, true) && phraseSupported(node.right, true);
    case "and":
      return !inPhrase && phraseSupported(node.left, false) && phraseSupported(node.right, false);
    case "or":
      return (
        phraseSupported(node.left, inPhrase) &&
        phraseSupported(node.right, inPhrase) &&
        (!inPhrase || (phraseWidth(node.left) === 0 && phraseWidth(node.right) === 0))
      );
  }
}

function phraseWidth(node: CompiledNode): number {
  if (node.kind === "phrase") return node.distance + phraseWidth(node.left) + phraseWidth(node.right);
  if (node.kind === "or") return Math.max(phraseWidth(node.left), phraseWidth(node.right));
  return 0;
}

const positionMask = 0x3fff;

function hasWeight(pos: ArrayLike<number>, start: number, end: number, weights: number): boolean {
  for (let i = start; i < end; i++) if (weights & (1 << (pos[i]! >> 14))) return true;
  return false;
}

/** Sorted distinct positions (weights dropped) of a phrase operand, or of a whole phrase's matches. */
function phrasePositions(node: CompiledNode, doc: DocumentView): number[] {
  if (node.kind === "lex") {
    const [b, n] = ensure(0, doc, node.operand);
    const out: number[] = [];
    for (let e = 0; e < n; e++) {
      for (let i = b[2 * e]!; i < b[2 * e + 1]!; i++) {
        const p = doc.pos[i]!;
        if (node.weights === 0 || node.weights & (1 << (p >> 14))) out.push(p & positionMask);
      }
    }
    if (n > 1) out.sort((a, c) => a - c);
    return out;
  }
  if (node.kind === "or") {
    const merged = [...new Set([...phrasePositions(node.left, doc), ...phrasePositions(node.right, doc)])];
    return merged.sort((a, b) => a - b);
  }
  if (node.kind === "phrase") {
    const left = phrasePositions(node.left, doc);
    if (left.length === 0) return left;
    const right = phrasePositions(node.right, doc);
    // PostgreSQL: a match where left end + distance + width of the right side == right end.
    const offset = node.distance + phraseWidth(node.right);
    const wanted = new Set(left.map((p) => p + offset));
    return right.filter((p) => wanted.has(p));
  }
  return [];
}

/** `document @@ query` for a compiled query (PostgreSQL's TS_execute with positions). */
export function matchesQuery(node: CompiledNode, doc: DocumentView): boolean {
  switch (node.kind) {
    case "lex": {
      const b = buffer(0);
      const n = doc.entries(node.operand, b);
      if (node.weights === 0 || n === 0) return n > 0;
      const [all, count] = ensure(0, doc, node.operand);
      for (let e = 0; e < count; e++)
        if (hasWeight(doc.pos, all[2 * e]!, all[2 * e + 1]!, node.weights)) return true;
      return false;
    }
    case "not":
      return !matchesQuery(node.child, doc);
    case "and":
      return matchesQuery(node.left, doc) && matchesQuery(node.right, doc);
    case "or":
      return matchesQuery(node.left, doc) || matchesQuery(node.right, doc);
    case "phrase":
      return phrasePositions(node, doc).length > 0;
  }
}

const f = Math.fround;

/** `word_distance` of tsrank.c: the weight of two words `dist` positions apart. */
function wordDistance(dist: number): number {
  if (dist > 100) return f(1e-30);
  return f(1.0 / (1.005 + 0.05 * Math.exp(f(dist) / 1.5 - 2)));
}

/** Ranking weights as `ts_rank` reads them (float4), indexed D, C, B, A. */
export function rankWeights(weights: readonly [number, number, number, number]): Float32Array {
  return Float32Array.from(weights);
}

/**
 * calc_rank_or's term for one lexeme entry with positions `pos[start, end)`, before its division by
 * 1.64493406685 (a float4; the in-memory engine caches it per posting).
 */
export function orTermNumerator(w: Float32Array, pos: ArrayLike<number>, start: number, end: number): number {
  let resj = 0;
  let wjm = -1;
  let jm = 0;
  for (let j = 0; j < end - start; j++) {
    const wp = w[pos[start + j]! >> 14]!;
    resj = f(resj + f(wp / ((j + 1) * (j + 1))));
    if (wp > wjm) {
      wjm = wp;
      jm = j;
    }
  }
  return f(f(wjm + resj) - f(wjm / ((jm + 1) * (jm + 1))));
}

function rankOr(w: Float32Array, doc: DocumentView, items: readonly number[]): number {
  let res = 0;
  for (const item of items) {
    const [b, n] = ensure(0, doc, item);
    for (let e = 0; e < n; e++) {
      res = f(res + orTermNumerator(w, doc.pos, b[2 * e]!, b[2 * e + 1]!) / 1.64493406685);
    }
  }
  if (items.length > 0) res = f(res / items.length);
  return res;
}

function rankAnd(w: Float32Array, doc: DocumentView, items: readonly number[]): number {
  if (items.length < 2) return rankOr(w, doc, items);
  const pos = doc.pos;
  let res = -1;
  // The current entry's range for each item (-1: not found yet).
  const starts = new Int32Array(items.length).fill(-1);
  const ends = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const [b, n] = ensure(0, doc, items[i]!);
    for (let e = 0; e < n; e++) {
      const ls = b[2 * e]!;
      const le = b[2 * e + 1]!;
      starts[i] = ls;
      ends[i] = le;
      for (let k = 0; k < i; k++) {
        const cs = starts[k]!;
        if (cs < 0) continue;
        const ce = ends[k]!;
        for (let l = ls; l < le; l++) {
          for (let p = cs; p < ce; p++) {
            const dist = Math.abs((pos[l]! & positionMask) - (pos[p]! & positionMask));
            // Every lexeme here has positions, so PostgreSQL's case of a distance of 0 never applies.
            if (dist === 0) continue;
            const curw = f(Math.sqrt(f(f(w[pos[l]! >> 14]! * w[pos[p]! >> 14]!) * wordDistance(dist))));
            res = res < 0 ? curw : f(1.0 - (1.0 - res) * (1.0 - curw));
          }
        }
      }
    }
  }
  return res;
}

/**
 * `ts_rank(weights, document, query)` with normalization 0 (tsrank.c calc_rank). `items` are the
 * operand numbers of `rankOperands(query)`; `root` is the query's top node kind.
 */
export function tsRank(
  w: Float32Array,
  doc: DocumentView,
  rootKind: QueryNode["kind"],
  items: readonly number[],
): number {
  if (items.length === 0) return 0;
  let res = rootKind === "and" || rootKind === "phrase" ? rankAnd(w, doc, items) : rankOr(w, doc, items);
  if (res < 0) res = f(1e-20);
  return res;
}
