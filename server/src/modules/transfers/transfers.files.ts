import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify/sync";
import { ValidationError } from "../../platform/errors.ts";

/** File formats of imports (`csv`, `json`) and exports (`csv`). */
export const transferFormats = ["csv", "json"] as const;
export type TransferFormat = (typeof transferFormats)[number];

/** The media type of each format, as uploads must declare it and downloads are served. */
export const formatMediaTypes: Record<TransferFormat, string> = {
  csv: "text/csv",
  json: "application/json",
};

/** One record of an uploaded file with its row number as reported to staff. */
export interface TransferRecord {
  row: number;
  record: Record<string, unknown>;
}

/** An uploaded file read into records. */
export interface ParsedTransferFile {
  records: TransferRecord[];
  /**
   * The column names: a CSV's header (trimmed), or every top-level key some JSON object has, in
   * order of first appearance.
   */
  columns: string[];
}

const invalid = (message: string): never => {
  throw new ValidationError([{ field: "file", message }]);
};

/**
 * Reads an uploaded file into records, the way the mapped importer reads files (csv-parse with a
 * header row, a byte-order mark skipped, empty lines skipped, short rows allowed). Row numbers: a
 * CSV counts its header as row 1 (as a spreadsheet does); a JSON array counts its objects from 1. A
 * JSON file is an array of objects, or an object holding one such array (`{"products": [...]}`); an
 * element that is not an object becomes a record the importers reject on its own row. A CSV is read
 * 64 KiB at a time, letting other work run in between: a 50 MB upload does not stall the server.
 * @throws ValidationError naming `file`: empty, not UTF-8 CSV / JSON, no header, no records.
 */
export async function parseTransferFile(data: Buffer, format: TransferFormat): Promise<ParsedTransferFile> {
  if (
    data.length === 0 ||
    data
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trim() === ""
  )
    invalid("is empty");
  if (format === "csv") {
    let columns: string[] = [];
    const rows: Record<string, string>[] = [];
    const parser = Readable.from(chunksOf(data)).pipe(
      parse({
        columns: (header: string[]) => {
          columns = header.map((h) => h.trim());
          return columns;
        },
        skip_empty_lines: true,
        bom: true,
        relax_column_count: true,
      }),
    );
    try {
      for await (const record of parser) rows.push(record as Record<string, string>);
    } catch (error) {
      return invalid(`is not a readable CSV file: ${(error as Error).message}`);
    }
    if (columns.filter(Boolean).length === 0) invalid("has no header row");
    if (rows.length === 0) invalid("has a header but no rows");
    return { columns, records: rows.map((record, i) => ({ row: i + 2, record })) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    return invalid(`is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const arrays = Object.values(parsed).filter(Array.isArray);
    if (arrays.length === 1) parsed = arrays[0];
  }
  if (!Array.isArray(parsed)) return invalid("is not a JSON array of objects (or an object holding one)");
  if (parsed.length === 0) invalid("holds no records");
  const columns = new Set<string>();
  const records = parsed.map((item, i) => {
    const record =
      item && typeof item === "object" && !Array.isArray(item)
        ? (item as Record<string, unknown>)
        : { [notAnObject]: true };
    for (const key of Object.keys(record)) columns.add(key);
    return { row: i + 1, record };
  });
  return { columns: [...columns], records };
}

/** The bytes in 64 KiB pieces, yielding to the event loop between them. */
async function* chunksOf(data: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += 64 * 1024) {
    yield data.subarray(at, at + 64 * 1024);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Key of a record made of a JSON element that is not an object (importers fail its row). */
export const notAnObject = "\u0000not-an-object";

/**
 * One CSV line (RFC 4180, CRLF-terminated), encoded by csv-stringify: a cell holding a comma, quote or
 * line break is quoted with its quotes doubled; a cell a spreadsheet would run as a formula (starting
 * with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'` (OWASP "CSV injection"):
 * exported names and e-mail addresses come from shoppers. Null and undefined are empty.
 */
export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return stringify([cells as (string | number | boolean | null | undefined)[]], {
    record_delimiter: "windows",
    escape_formulas: true,
    cast: { boolean: (value) => String(value) },
  });
}

/**
 * A CSV file built a page of lines at a time: the lines are kept as encoded chunks (no string the size
 * of the file is ever built) and joined once, when the file is stored.
 */
export class CsvBuilder {
  private readonly chunks: Buffer[] = [];
  /** Lines written after the header. */
  rows = 0;

  constructor(header: readonly string[]) {
    this.chunks.push(Buffer.from(csvLine(header), "utf8"));
  }

  /** Appends rows (one page). */
  add(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): void {
    if (rows.length === 0) return;
    this.chunks.push(Buffer.from(rows.map(csvLine).join(""), "utf8"));
    this.rows += rows.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
