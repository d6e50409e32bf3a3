import fs from "node:fs";
import { parse } from "csv-parse/sync";

/** One record of a CSV file (Luma sample data, the generic CSV import), keyed by its header. */
export type Row = Record<string, string>;

/** Reads a CSV file into records keyed by header, with their row numbers (header = row 1). */
export function readCsv(file: string): { row: number; record: Row }[] {
  const records = parse(fs.readFileSync(file), {
    columns: true,
    skip_empty_lines: true,
    bom: true,
    relax_column_count: true,
  }) as Row[];
  return records.map((record, i) => ({ row: i + 2, record }));
}
