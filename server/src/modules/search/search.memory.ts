/**
 * The in-memory search engine: each API process holds the search index (`search_documents`: the
 * weighted lexemes with their positions, the prefix words, SKUs, facet tokens, prices, stock,
 * popularity, ratings) in compact arrays and answers the match, the ranking, the page, the total and
 * the disjunctive facet counts without a database round trip. It answers exactly what the SQL engine
 * (search.service.ts `runSearch`) answers: the same `@@` semantics (search.tsquery.ts), the same
 * `ts_rank` arithmetic, the same boosts, order and tie-breaks. Query texts are still turned into
 * tsqueries by PostgreSQL (the store's language, stemming, stop words, synonyms), once per distinct
 * query, and snippets are still cut by `ts_headline` for the page's hits only.
 *
 * Updates: `search_changes` names the products each index version changed; `MemoryIndex.apply`
 * re-reads those rows. A rewritten document takes a new slot (the old one is marked dead and skipped);
 * slots are compacted when a quarter of them are dead.
 */
import {
  type CompiledNode,
  compileQuery,
  type DocumentView,
  type LexemeNode,
  matchesQuery,
  orTermNumerator,
  parseTsvector,
  phraseSupported,
  type QueryNode,
  rankOperands,
  rankWeights,
  tsRank,
} from "./search.tsquery.ts";
import type { SearchSort } from "./search.types.ts";

/** A `search_documents` row as the loader reads it. */
export interface IndexRow {
  product_id: string;
  sku: string;
  skus: string[];
  /** `document::text` */
  document: string;
  /** `words::text` */
  words: string;
  facets: string[];
  price_min: number | string | null;
  in_stock: boolean;
  popularity: number;
  rating_average: number | null;
  review_count: number;
  /** `created_at` in microseconds since the epoch. */
  created_us: number | string;
}

/** A filter group: products pass when they have one of `tokens`, or a `price_min` in one of `ranges`. */
export interface MemoryFilterGroup {
  /** `c`, `b`, `p`, `o:<code>` or `a:<code>`: the facet tokens it filters (see `tokenGroup`). */
  key: string;
  tokens?: string[];
  ranges?: { min: number | null; max: number | null }[];
}

/** The text part of a search, as tsqueries PostgreSQL produced from the shopper's query. */
export interface MemoryText {
  /** The whole query (`websearch_to_tsquery`, synonyms applied); null when only stop words. */
  tq: QueryNode | null;
  /** Prefix matching of the last word: the query without it, the stemmed prefix and the folded word. */
  split: { th: QueryNode | null; tpl: QueryNode | null; word: string } | null;
  /** `lower(q)`: an exact SKU. */
  sku: string;
}

export interface MemorySearch {
  text: MemoryText | null;
  groups: MemoryFilterGroup[];
  inStock: boolean;
  sort: SearchSort;
  /** How many hits to return from `offset` (the caller asks one more than a page to know if more follow). */
  count: number;
  offset: number;
  /** Upper bounds of the price facet's buckets, minor units (`width_bucket`). */
  priceBounds: number[];
}

export interface MemoryAnswer {
  total: number;
  hits: { id: string; sku: string }[];
  facets: [string, number][];
}

/** Most rank numerators kept (see `MemoryIndex.numerators`): 16 MB of float4. */
const numeratorBudget = 4_000_000;

/** Weights D, C, B, A, as the SQL engine passes them to `ts_rank`. */
const weights = rankWeights([0.02, 0.05, 0.1, 1.0]);
/** Ratio of a product's score kept when it cannot be bought now. */
const outOfStockFactor = 0.3;

/** The group a facet token counts in when its own filter is ignored (mirrors the SQL engine). */
function tokenGroup(token: string): string {
  if (token.startsWith("o:") || token.startsWith("a:")) {
    const colon = token.indexOf(":", 2);
    return colon < 0 ? token : token.slice(0, colon);
  }
  return token.charAt(0);
}

/** A growable list of int32. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 4) {
    this.data = new Int32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/** A vocabulary: strings to ids, postings (slots) per id, and the ids in string order for prefixes. */
class Vocabulary {
  readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  readonly postings: IntList[] = [];
  private sorted: number[] | null = null;

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(text, id);
      this.strings.push(text);
      this.postings.push(new IntList());
      if (this.sorted) {
        // Keep the string order without re-sorting everything.
        let lo = 0;
        let hi = this.sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.strings[this.sorted[mid]!]! < text) lo = mid + 1;
          else hi = mid;
        }
        this.sorted.splice(lo, 0, id);
      }
    }
    return id;
  }

  /** Ids of every string starting with `prefix`, in string order. */
  withPrefix(prefix: string): number[] {
    if (!this.sorted) {
      this.sorted = this.strings.map((_, i) => i);
      this.sorted.sort((a, b) => (this.strings[a]! < this.strings[b]! ? -1 : 1));
    }
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.strings[sorted[mid]!]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < sorted.length && this.strings[sorted[i]!]!.startsWith(prefix); i++)
      out.push(sorted[i]!);
    return out;
  }

  /** Forgets postings (before slots are renumbered). */
  clearPostings(): void {
    for (let i = 0; i < this.postings.length; i++) this.postings[i] = new IntList();
  }
}

/** How a query's operand is found in a document: one lexeme id, or a prefix's lexeme ids with their order. */
interface Operand {
  exact: number;
  /** A prefix operand: its lexeme ids in string order. */
  prefix: boolean;
  prefixIds: number[];
}

/** Binary search of `id` among the sorted lexeme ids `vec[1..n]`; -1 when absent. */
function findLexeme(vec: Int32Array, id: number): number {
  let lo = 1;
  let hi = vec[0]!;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = vec[mid]!;
    if (v === id) return mid - 1;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A document of the index, viewed through one query's operands (see `DocumentView`). */
class SlotView implements DocumentView {
  vec: Int32Array = new Int32Array(1);
  pos: Uint16Array = new Uint16Array(0);
  /** `prefixOrder[operand][lexeme id]`: place of the lexeme in the prefix's string order + 1 (0: not in it). */
  constructor(
    private readonly operands: Operand[],
    private readonly prefixOrder: Int32Array[],
  ) {}

  entries(operand: number, out: Int32Array): number {
    const o = this.operands[operand]!;
    const vec = this.vec;
    const n = vec[0]!;
    if (!o.prefix) {
      if (o.exact < 0) return 0;
      const entry = findLexeme(vec, o.exact);
      if (entry < 0) return 0;
      out[0] = vec[1 + n + entry]!;
      out[1] = vec[2 + n + entry]!;
      return 1;
    }
    let found = 0;
    if (o.prefixIds.length <= 8) {
      // Few lexemes share the prefix: look each up (already in string order).
      for (const id of o.prefixIds) {
        const entry = findLexeme(vec, id);
        if (entry < 0) continue;
        if (2 * found + 1 < out.length) {
          out[2 * found] = vec[1 + n + entry]!;
          out[2 * found + 1] = vec[2 + n + entry]!;
        }
        found++;
      }
      return found;
    }
    const order = this.prefixOrder[operand]!;
    const places: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = vec[1 + i]!;
      const place = id < order.length ? order[id]! : 0;
      if (place === 0) continue;
      places.push(place * 65536 + i);
    }
    if (places.length > 1) places.sort((a, b) => a - b);
    for (const key of places) {
      const entry = key % 65536;
      if (2 * found + 1 < out.length) {
        out[2 * found] = vec[1 + n + entry]!;
        out[2 * found + 1] = vec[2 + n + entry]!;
      }
      found++;
    }
    return found;
  }
}

/** Growable per-slot numeric columns. */
function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

/**
 * One process's copy of the search index. Not safe to read while `load`/`apply` write to it from
 * another async task: the runtime swaps whole instances on a full reload and applies deltas between
 * searches (JavaScript runs one at a time, and `search` is synchronous).
 */
export class MemoryIndex {
  private readonly lexemes = new Vocabulary();
  private readonly words = new Vocabulary();
  private readonly tokens = new Vocabulary();
  private readonly tokenGroups: string[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly skuSlots = new Map<string, number[]>();
  private slots = 0;
  private dead = 0;
  private ids: string[] = [];
  private skus: string[] = [];
  private allSkus: string[][] = [];
  private vecs: Int32Array[] = [];
  private positions: Uint16Array[] = [];
  private wordIds: Int32Array[] = [];
  /** Facet token ids of every slot, laid out in slot order: slot s has `facetArena[facetStart[s] .. facetEnd[s])`. */
  private facetArena = new IntList(4096);
  private facetStart = new Int32Array(1024);
  private facetEnd = new Int32Array(1024);
  /** Lexemes in each slot's document (0: an empty document, ranked 0). */
  private lexemeCounts = new Int32Array(1024);
  private alive = new Uint8Array(1024);
  private inStock = new Uint8Array(1024);
  private priceMin = new Float64Array(1024);
  private boost = new Float64Array(1024);
  private rating = new Float64Array(1024);
  private reviews = new Int32Array(1024);
  private created = new Float64Array(1024);
  private stamp = new Int32Array(1024);
  private epoch = 0;
  /**
   * Per lexeme, aligned with its postings: each document's `ts_rank` contribution before the final
   * division (calc_rank_or's per-entry term times 1.64493406685, a float4), so that queries ranked by
   * calc_rank_or add them up posting by posting instead of document by document. Kept for the most
   * recently used lexemes, up to `numeratorBudget` values.
   */
  private numerators = new Map<number, { values: Float32Array; length: number }>();
  private numeratorCount = 0;
  private rankStamp = new Int32Array(1024);
  /** Slots matching the head of a query being typed (epoch of `stamp`'s counter). */
  private thMarks = new Int32Array(1024);
  private rankSums = new Float64Array(1024);
  // Scratch space of `search` (synchronous, so one set serves every search).
  private marks = new Uint8Array(1024);
  private skuHits = new Uint8Array(1024);
  private scores = new Float64Array(1024);
  private counts = new Int32Array(1024);

  /** Documents in the index. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Adds or replaces documents. */
  upsert(rows: IndexRow[]): void {
    for (const row of rows) this.add(row);
    this.maybeCompact();
  }

  /** Removes documents (unknown ids are ignored). */
  remove(productIds: string[]): void {
    for (const id of productIds) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      this.alive[slot] = 0;
      this.dead++;
      this.slotOf.delete(id);
    }
    this.maybeCompact();
  }

  private add(row: IndexRow): void {
    const previous = this.slotOf.get(row.product_id);
    if (previous !== undefined) {
      this.alive[previous] = 0;
      this.dead++;
    }
    const entries = parseTsvector(row.document).map((e) => ({
      id: this.lexemes.id(e.lexeme),
      positions: e.positions,
    }));
    entries.sort((a, b) => a.id - b.id);
    const n = entries.length;
    const vec = new Int32Array(2 * n + 2);
    vec[0] = n;
    let total = 0;
    for (const e of entries) total += e.positions.length;
    const pos = new Uint16Array(total);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      vec[1 + i] = e.id;
      vec[1 + n + i] = at;
      for (const p of e.positions) pos[at++] = p;
    }
    vec[1 + n + n] = at;
    const wordIds = Int32Array.from(parseTsvector(row.words), (e) => this.words.id(e.lexeme));
    const facetIds = Int32Array.from(row.facets, (t) => this.tokenId(t));
    const popularity = Math.fround(row.popularity);
    const stock = row.in_stock ? 1.0 : outOfStockFactor;
    this.store(row.product_id, row.sku, row.skus, vec, pos, wordIds, facetIds, {
      inStock: row.in_stock,
      priceMin: row.price_min === null ? Number.NaN : Number(row.price_min),
      // (1 + 0.05 * ln(1 + greatest(popularity, 0))) with `1 + real` in single precision, as PostgreSQL does.
      boost: stock * (1 + 0.05 * Math.log(Math.fround(1 + Math.max(popularity, 0)))),
      rating: row.rating_average === null ? Number.NaN : Math.fround(row.rating_average),
      reviews: row.review_count,
      created: Number(row.created_us),
    });
  }

  private store(
    id: string,
    sku: string,
    skus: string[],
    vec: Int32Array,
    pos: Uint16Array,
    wordIds: Int32Array,
    facetIds: Int32Array,
    values: {
      inStock: boolean;
      priceMin: number;
      boost: number;
      rating: number;
      reviews: number;
      created: number;
    },
  ): void {
    const slot = this.slots++;
    const size = this.slots;
    this.alive = grow(this.alive, size);
    this.inStock = grow(this.inStock, size);
    this.priceMin = grow(this.priceMin, size);
    this.boost = grow(this.boost, size);
    this.rating = grow(this.rating, size);
    this.reviews = grow(this.reviews, size);
    this.created = grow(this.created, size);
    this.stamp = grow(this.stamp, size);
    this.facetStart = grow(this.facetStart, size);
    this.facetEnd = grow(this.facetEnd, size);
    this.lexemeCounts = grow(this.lexemeCounts, size);
    this.marks = grow(this.marks, size);
    this.skuHits = grow(this.skuHits, size);
    this.scores = grow(this.scores, size);
    this.rankStamp = grow(this.rankStamp, size);
    this.thMarks = grow(this.thMarks, size);
    this.rankSums = grow(this.rankSums, size);
    this.ids[slot] = id;
    this.skus[slot] = sku;
    this.allSkus[slot] = skus;
    this.vecs[slot] = vec;
    this.positions[slot] = pos;
    this.wordIds[slot] = wordIds;
    this.facetStart[slot] = this.facetArena.length;
    for (const t of facetIds) this.facetArena.push(t);
    this.facetEnd[slot] = this.facetArena.length;
    this.lexemeCounts[slot] = vec[0]!;
    this.alive[slot] = 1;
    this.inStock[slot] = values.inStock ? 1 : 0;
    this.priceMin[slot] = values.priceMin;
    this.boost[slot] = values.boost;
    this.rating[slot] = values.rating;
    this.reviews[slot] = values.reviews;
    this.created[slot] = values.created;
    this.slotOf.set(id, slot);
    const n = vec[0]!;
    for (let i = 0; i < n; i++) this.lexemes.postings[vec[1 + i]!]!.push(slot);
    for (const w of wordIds) this.words.postings[w]!.push(slot);
    for (const s of skus) {
      const list = this.skuSlots.get(s);
      if (list) list.push(slot);
      else this.skuSlots.set(s, [slot]);
    }
  }

  private tokenId(token: string): number {
    const id = this.tokens.id(token);
    if (this.tokenGroups.length <= id) this.tokenGroups[id] = tokenGroup(token);
    return id;
  }

  /** Renumbers the live slots when a quarter (and at least 1,000) of them are dead. */
  private maybeCompact(): void {
    if (this.dead < 1000 || this.dead * 4 < this.slots) return;
    const live = [...this.slotOf.values()].sort((a, b) => a - b);
    const old = {
      ids: this.ids,
      skus: this.skus,
      allSkus: this.allSkus,
      vecs: this.vecs,
      positions: this.positions,
      wordIds: this.wordIds,
      facets: this.facetArena.data.subarray(0, this.facetArena.length),
      facetStart: this.facetStart,
      facetEnd: this.facetEnd,
      inStock: this.inStock,
      priceMin: this.priceMin,
      boost: this.boost,
      rating: this.rating,
      reviews: this.reviews,
      created: this.created,
    };
    this.ids = [];
    this.skus = [];
    this.allSkus = [];
    this.vecs = [];
    this.positions = [];
    this.wordIds = [];
    this.facetArena = new IntList(Math.max(4096, this.facetArena.length));
    this.facetStart = new Int32Array(live.length + 1);
    this.facetEnd = new Int32Array(live.length + 1);
    this.lexemeCounts = new Int32Array(live.length + 1);
    this.alive = new Uint8Array(live.length + 1);
    this.slots = 0;
    this.dead = 0;
    this.slotOf.clear();
    this.skuSlots.clear();
    this.lexemes.clearPostings();
    this.numerators.clear();
    this.numeratorCount = 0;
    this.words.clearPostings();
    for (const s of live) {
      this.store(
        old.ids[s]!,
        old.skus[s]!,
        old.allSkus[s]!,
        old.vecs[s]!,
        old.positions[s]!,
        old.wordIds[s]!,
        old.facets.subarray(old.facetStart[s]!, old.facetEnd[s]!),
        {
          inStock: old.inStock[s] === 1,
          priceMin: old.priceMin[s]!,
          boost: old.boost[s]!,
          rating: old.rating[s]!,
          reviews: old.reviews[s]!,
          created: old.created[s]!,
        },
      );
    }
  }

  private nextEpoch(): number {
    if (this.epoch >= 0x7ffffff0) {
      this.stamp.fill(0);
      this.thMarks.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }

  /** Resolves a query's operands against the vocabulary. */
  private resolve(operands: LexemeNode[]): Operand[] {
    return operands.map((o) => {
      if (!o.prefix) return { exact: this.lexemes.ids.get(o.text) ?? -1, prefix: false, prefixIds: [] };
      return { exact: -1, prefix: true, prefixIds: this.lexemes.withPrefix(o.text) };
    });
  }

  /**
   * Slots that may match a node (a superset: the caller checks each), or null for "any document".
   * AND and phrases take their most selective side; OR unites; NOT can be anything.
   */
  private candidates(node: CompiledNode, operands: Operand[]): Int32Array | null {
    switch (node.kind) {
      case "lex": {
        const o = operands[node.operand]!;
        if (!o.prefix) {
          if (o.exact < 0) return new Int32Array(0);
          const list = this.lexemes.postings[o.exact]!;
          return list.data.subarray(0, list.length);
        }
        return this.union(o.prefixIds.map((id) => this.lexemes.postings[id]!));
      }
      case "not":
        return null;
      case "and":
      case "phrase": {
        const left = this.candidates(node.left, operands);
        const right = this.candidates(node.right, operands);
        if (!left) return right;
        if (!right) return left;
        return left.length <= right.length ? left : right;
      }
      case "or": {
        const left = this.candidates(node.left, operands);
        const right = this.candidates(node.right, operands);
        if (!left || !right) return null;
        return this.unionArrays([left, right]);
      }
    }
  }

  /**
   * The slots matching a node exactly, from the postings alone (sorted, dead slots included), or null
   * when the node needs each document checked (phrases, weights, prefixes, a NOT on its own).
   * Postings are sorted: slots only grow.
   */
  private exactSet(node: CompiledNode, operands: Operand[]): Int32Array | null {
    switch (node.kind) {
      case "lex": {
        const o = operands[node.operand]!;
        if (o.prefix || node.weights !== 0) return null;
        if (o.exact < 0) return new Int32Array(0);
        const list = this.lexemes.postings[o.exact]!;
        return list.data.subarray(0, list.length);
      }
      case "and": {
        if (node.right.kind === "not" || node.left.kind === "not") {
          const keep = node.right.kind === "not" ? node.left : node.right;
          const drop =
            node.right.kind === "not" ? node.right.child : (node.left as { child: CompiledNode }).child;
          const a = this.exactSet(keep, operands);
          const b = a && this.exactSet(drop, operands);
          return a && b ? sortedDifference(a, b) : null;
        }
        const a = this.exactSet(node.left, operands);
        const b = a && this.exactSet(node.right, operands);
        return a && b ? sortedIntersection(a, b) : null;
      }
      case "or": {
        const a = this.exactSet(node.left, operands);
        const b = a && this.exactSet(node.right, operands);
        return a && b ? sortedUnion(a, b) : null;
      }
      default:
        return null;
    }
  }

  private union(lists: IntList[]): Int32Array {
    if (lists.length === 1) return lists[0]!.data.subarray(0, lists[0]!.length);
    return this.unionArrays(lists.map((l) => l.data.subarray(0, l.length)));
  }

  private unionArrays(lists: Int32Array[]): Int32Array {
    const epoch = this.nextEpoch();
    const out = new IntList(64);
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const slot = list[i]!;
        if (this.stamp[slot] !== epoch) {
          this.stamp[slot] = epoch;
          out.push(slot);
        }
      }
    }
    return out.data.subarray(0, out.length);
  }

  /** The rank numerators of a lexeme's postings (see `numerators`), computed for new postings. */
  private lexemeNumerators(id: number): Float32Array {
    const list = this.lexemes.postings[id]!;
    let cached = this.numerators.get(id);
    if (cached && cached.length === list.length) {
      // Most recently used last (Map order), for eviction.
      this.numerators.delete(id);
      this.numerators.set(id, cached);
      return cached.values;
    }
    const values = new Float32Array(list.data.length);
    let from = 0;
    if (cached) {
      values.set(cached.values.subarray(0, cached.length));
      from = cached.length;
      this.numerators.delete(id);
      this.numeratorCount -= cached.values.length;
    }
    for (let i = from; i < list.length; i++) {
      const slot = list.data[i]!;
      const vec = this.vecs[slot]!;
      const pos = this.positions[slot]!;
      const entry = findLexeme(vec, id);
      if (entry < 0) continue;
      const n = vec[0]!;
      values[i] = orTermNumerator(weights, pos, vec[1 + n + entry]!, vec[2 + n + entry]!);
    }
    cached = { values, length: list.length };
    this.numerators.set(id, cached);
    this.numeratorCount += values.length;
    for (const [key, old] of this.numerators) {
      if (this.numeratorCount <= numeratorBudget || key === id) break;
      this.numerators.delete(key);
      this.numeratorCount -= old.values.length;
    }
    return values;
  }

  /**
   * calc_rank_or's sum for every document holding one of `items`' lexemes, posting by posting in the
   * order PostgreSQL adds them per document (items in order, a prefix's lexemes in string order).
   * Returns the epoch marking the documents that have a sum in `rankSums`.
   */
  private orRankSums(items: number[], operands: Operand[]): number {
    const epoch = this.nextRankEpoch();
    const stamp = this.rankStamp;
    const sums = this.rankSums;
    for (const item of items) {
      const o = operands[item]!;
      const ids = o.prefix ? o.prefixIds : o.exact >= 0 ? [o.exact] : [];
      for (const id of ids) {
        const values = this.lexemeNumerators(id);
        const list = this.lexemes.postings[id]!;
        const data = list.data;
        for (let i = 0; i < list.length; i++) {
          const slot = data[i]!;
          const term = values[i]! / 1.64493406685;
          if (stamp[slot] !== epoch) {
            stamp[slot] = epoch;
            sums[slot] = Math.fround(term);
          } else sums[slot] = Math.fround(sums[slot]! + term);
        }
      }
    }
    return epoch;
  }

  private rankEpoch = 0;
  private nextRankEpoch(): number {
    if (this.rankEpoch >= 0x7ffffff0) {
      this.rankStamp.fill(0);
      this.rankEpoch = 0;
    }
    return ++this.rankEpoch;
  }

  /**
   * Runs a search: the matches, their score, the `count` hits from `offset` in the requested order,
   * the total and the disjunctive facet counts (each filter group's values counted with every other
   * group applied). Returns null for a query shape the engine leaves to PostgreSQL (operators
   * nested inside a phrase other than OR of words).
   */
  search(request: MemorySearch): MemoryAnswer | null {
    const text = request.text;
    // --- the text match ---
    const operands: LexemeNode[] = [];
    const tq = text?.tq ? compileQuery(text.tq, operands).root : null;
    const th = text?.split?.th ? compileQuery(text.split.th, operands).root : null;
    let rankRoot: QueryNode | null = null;
    if (text) {
      rankRoot = text.tq;
      if (text.split) {
        const thTpl =
          text.split.th && text.split.tpl
            ? { kind: "and" as const, left: text.split.th, right: text.split.tpl }
            : (text.split.th ?? text.split.tpl);
        rankRoot = rankRoot && thTpl ? { kind: "or", left: rankRoot, right: thTpl } : (rankRoot ?? thTpl);
      }
    }
    const rankItems: number[] = [];
    if (rankRoot) {
      const keyOf = (o: LexemeNode) => `${o.prefix ? "*" : ""}${o.text}`;
      compileQuery(rankRoot, operands);
      const index = new Map(operands.map((o, i) => [keyOf(o), i]));
      for (const o of rankOperands(rankRoot)) rankItems.push(index.get(keyOf(o))!);
    }
    if ((tq && !phraseSupported(tq)) || (th && !phraseSupported(th))) return null;
    const resolved = this.resolve(operands);
    const view = new SlotView(
      resolved,
      resolved.map((o) => {
        if (!o.prefix || o.prefixIds.length <= 8) return new Int32Array(0);
        const order = new Int32Array(this.lexemes.strings.length);
        o.prefixIds.forEach((id, place) => {
          order[id] = place + 1;
        });
        return order;
      }),
    );

    // A query of one plain lexeme: its postings are exactly its matches.
    // Plain boolean queries match from the postings alone; others are checked document by document.
    const tqExact = tq ? this.exactSet(tq, resolved) : null;
    const thExact = th ? this.exactSet(th, resolved) : null;
    const thEpoch = thExact ? this.nextEpoch() : 0;
    const thMarks = this.thMarks;
    if (thExact) for (let i = 0; i < thExact.length; i++) thMarks[thExact[i]!] = thEpoch;
    // Candidate slots with what may make them match: 1 the query, 2 the SKU, 4 the last word's prefix.
    let slots: Int32Array | null = null;
    let marks: Uint8Array | null = null;
    if (text) {
      const sources: [Int32Array | null, number][] = [];
      if (tq) sources.push([tqExact ?? this.candidates(tq, resolved), 1]);
      const skuList = this.skuSlots.get(text.sku);
      if (skuList) sources.push([Int32Array.from(skuList), 2]);
      if (text.split) {
        const wordLists = this.words.withPrefix(text.split.word).map((id) => this.words.postings[id]!);
        sources.push([this.union(wordLists), 4]);
      }
      if (sources.some(([list]) => list === null)) {
        slots = null; // every document is a candidate (a query of only exclusions)
      } else {
        const epoch = this.nextEpoch();
        const list = new IntList(256);
        marks = this.marks;
        for (const [candidates, bit] of sources) {
          for (let i = 0; i < candidates!.length; i++) {
            const slot = candidates![i]!;
            if (this.stamp[slot] !== epoch) {
              this.stamp[slot] = epoch;
              marks[slot] = 0;
              list.push(slot);
            }
            marks[slot]! |= bit;
          }
        }
        slots = list.data.subarray(0, list.length);
      }
    }

    // --- filters ---
    const groups = request.groups.map((g) => ({
      key: g.key,
      tokens: new Set((g.tokens ?? []).map((t) => this.tokens.ids.get(t) ?? -1)),
      ranges: g.ranges ?? null,
    }));
    const groupIndex = new Map(groups.map((g, i) => [g.key, i]));
    const tokenGroupIndex = new Int32Array(this.tokens.strings.length).fill(-1);
    if (groups.length) {
      for (let t = 0; t < this.tokens.strings.length; t++)
        tokenGroupIndex[t] = groupIndex.get(this.tokenGroups[t]!) ?? -1;
    }
    const bounds = request.priceBounds;
    const priceTokens = Array.from({ length: bounds.length + 1 }, (_, i) => this.tokenId(`p:${i}`));
    const pGroup = groupIndex.get("p") ?? -1;

    this.counts = grow(this.counts, this.tokens.strings.length);
    const counts = this.counts;
    const touched: number[] = [];
    const count = (token: number) => {
      const seen = counts[token]!;
      counts[token] = seen + 1;
      if (seen === 0) touched.push(token);
    };
    const passing: number[] = [];
    const needScore = request.sort !== "newest";
    const scores = needScore ? this.scores : null;
    // Queries ranked by calc_rank_or (all but a top-level AND or phrase) add up per posting.
    // Worth it when the items' postings are not much longer than the candidates (a short prefix
    // can expand to many lexemes whose documents mostly do not match).
    let postingsToAdd = 0;
    if (rankRoot) {
      for (const item of rankItems) {
        const o = resolved[item]!;
        for (const id of o.prefix ? o.prefixIds : o.exact >= 0 ? [o.exact] : [])
          postingsToAdd += this.lexemes.postings[id]!.length;
      }
    }
    const candidateCount = slots ? slots.length : this.slots;
    const byPostings =
      scores !== null &&
      rankRoot !== null &&
      rankRoot.kind !== "and" &&
      rankRoot.kind !== "phrase" &&
      postingsToAdd <= 3 * candidateCount;
    const rankEpoch = byPostings ? this.orRankSums(rankItems, resolved) : 0;
    const rankStamp = this.rankStamp;
    const rankSums = this.rankSums;
    const f = Math.fround;
    const skuHit = text ? this.skuHits : null;

    const facetIds = this.facetArena.data;
    const facetStart = this.facetStart;
    const facetEnd = this.facetEnd;
    const lexemeCounts = this.lexemeCounts;
    const consider = (slot: number) => {
      if (!this.alive[slot]) return;
      if (request.inStock && !this.inStock[slot]) return;
      if (text) {
        // Documents are only opened when a check or a ranking needs their positions.
        view.vec = this.vecs[slot]!;
        view.pos = this.positions[slot]!;
        const mark = marks ? marks[slot]! : 7;
        const bySku = (mark & 2) !== 0 && this.allSkus[slot]!.includes(text.sku);
        let matched =
          bySku ||
          ((mark & 1) !== 0 &&
            tq !== null &&
            ((marks !== null && tqExact !== null) || matchesQuery(tq, view)));
        if (!matched && text.split && (mark & 4) !== 0) {
          const wordHit = marks ? true : this.hasWordPrefix(slot, text.split.word);
          matched =
            wordHit &&
            (th === null || (thExact !== null ? thMarks[slot] === thEpoch : matchesQuery(th, view)));
        }
        if (!matched) return;
        skuHit![slot] = bySku ? 1 : 0;
        if (scores) {
          // ts_rank of an empty query or an empty document is 0.
          let rank = 0;
          if (byPostings) {
            // calc_rank_or: 0 + the terms (in PostgreSQL's order), divided by the number of items.
            if (rankStamp[slot] === rankEpoch && lexemeCounts[slot]! > 0)
              rank = f(f(0 + rankSums[slot]!) / rankItems.length);
          } else if (rankRoot && lexemeCounts[slot]! > 0)
            rank = tsRank(weights, view, rankRoot.kind, rankItems);
          scores[slot] = Math.fround(rank) * this.boost[slot]!;
        }
      } else if (scores) {
        scores[slot] = this.boost[slot]!;
      }
      // Disjunctive facets: how many groups the product fails, and which one when only one.
      const facetFrom = facetStart[slot]!;
      const facetTo = facetEnd[slot]!;
      const price = this.priceMin[slot]!;
      if (groups.length === 0) {
        // No filters: every match counts every facet value it has.
        passing.push(slot);
        for (let i = facetFrom; i < facetTo; i++) {
          const token = facetIds[i]!;
          const seen = counts[token]!;
          counts[token] = seen + 1;
          if (seen === 0) touched.push(token);
        }
        if (!Number.isNaN(price)) {
          let bucket = 0;
          while (bucket < bounds.length && price >= bounds[bucket]!) bucket++;
          count(priceTokens[bucket]!);
        }
        return;
      }
      let fails = 0;
      let failed = -1;
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g]!;
        let ok = false;
        if (group.ranges) {
          ok =
            !Number.isNaN(price) &&
            group.ranges.some((r) => (r.min === null || price >= r.min) && (r.max === null || price < r.max));
        } else {
          for (let i = facetFrom; i < facetTo && !ok; i++) ok = group.tokens.has(facetIds[i]!);
        }
        if (!ok) {
          fails++;
          failed = g;
        }
      }
      if (fails > 1) return;
      let priceToken = -1;
      if (!Number.isNaN(price)) {
        let bucket = 0;
        while (bucket < bounds.length && price >= bounds[bucket]!) bucket++;
        priceToken = priceTokens[bucket]!;
      }
      if (fails === 0) {
        passing.push(slot);
        for (let i = facetFrom; i < facetTo; i++) count(facetIds[i]!);
        if (priceToken >= 0) count(priceToken);
      } else {
        for (let i = facetFrom; i < facetTo; i++)
          if (tokenGroupIndex[facetIds[i]!] === failed) count(facetIds[i]!);
        if (priceToken >= 0 && failed === pGroup) count(priceToken);
      }
    };
    if (slots) for (let i = 0; i < slots.length; i++) consider(slots[i]!);
    else for (let slot = 0; slot < this.slots; slot++) consider(slot);

    // --- order and page ---
    const ids = this.ids;
    const created = this.created;
    const priceMin = this.priceMin;
    const rating = this.rating;
    const reviews = this.reviews;
    const byId = (a: number, b: number) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0);
    const byScore = (a: number, b: number) => scores![b]! - scores![a]!;
    const nullsLast = (x: number, y: number, desc: boolean) => {
      const xn = Number.isNaN(x);
      const yn = Number.isNaN(y);
      if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
      return desc ? y - x : x - y;
    };
    const comparators: Record<SearchSort, (a: number, b: number) => number> = {
      relevance: (a, b) =>
        (skuHit ? skuHit[b]! - skuHit[a]! : 0) || byScore(a, b) || created[b]! - created[a]! || byId(a, b),
      price_asc: (a, b) => nullsLast(priceMin[a]!, priceMin[b]!, false) || byScore(a, b) || byId(a, b),
      price_desc: (a, b) => nullsLast(priceMin[a]!, priceMin[b]!, true) || byScore(a, b) || byId(a, b),
      newest: (a, b) => created[b]! - created[a]! || byId(a, b),
      rating: (a, b) =>
        nullsLast(rating[a]!, rating[b]!, true) || reviews[b]! - reviews[a]! || byScore(a, b) || byId(a, b),
    };
    const page = topK(passing, request.offset + request.count, comparators[request.sort]).slice(
      request.offset,
    );
    const facets: [string, number][] = touched.map((t) => [this.tokens.strings[t]!, counts[t]!]);
    for (const t of touched) counts[t] = 0;
    return {
      total: passing.length,
      hits: page.map((slot) => ({ id: ids[slot]!, sku: this.skus[slot]! })),
      facets,
    };
  }

  private hasWordPrefix(slot: number, word: string): boolean {
    const ids = this.wordIds[slot]!;
    for (let i = 0; i < ids.length; i++) if (this.words.strings[ids[i]!]!.startsWith(word)) return true;
    return false;
  }
}

/** The first `k` items of `items` in `compare` order (a bounded heap when k is much smaller). */
export function topK(items: number[], k: number, compare: (a: number, b: number) => number): number[] {
  if (k <= 0) return [];
  if (items.length <= k * 4) return items.sort(compare).slice(0, k);
  // Max-heap (by compare) of the best k so far: the root is the worst kept.
  const heap: number[] = [];
  const worse = (a: number, b: number) => compare(a, b) > 0;
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && worse(heap[l]!, heap[top]!)) top = l;
      if (r < heap.length && worse(heap[r]!, heap[top]!)) top = r;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  for (const item of items) {
    if (heap.length < k) {
      heap.push(item);
      siftUp(heap.length - 1);
    } else if (compare(item, heap[0]!) < 0) {
      heap[0] = item;
      siftDown(0);
    }
  }
  return heap.sort(compare);
}

/** Slots in both sorted lists. */
function sortedIntersection(a: Int32Array, b: Int32Array): Int32Array {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i]!;
    // Gallop through the longer list.
    if (b[j]! < x) {
      let step = 1;
      while (j + step < b.length && b[j + step]! < x) step *= 2;
      let lo = j + (step >> 1);
      let hi = Math.min(j + step, b.length - 1);
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (b[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      j = lo;
    }
    if (b[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** Slots of the sorted list `a` not in the sorted list `b`. */
function sortedDifference(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (b[j] !== x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** Slots in either sorted list, sorted, once each. */
function sortedUnion(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Number.POSITIVE_INFINITY;
    const y = j < b.length ? b[j]! : Number.POSITIVE_INFINITY;
    if (x <= y) {
      out[n++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[n++] = y;
      j++;
    }
  }
  return out.subarray(0, n);
}
