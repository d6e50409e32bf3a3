import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseJudgments, relevantGrade } from "../../bench/relevance.ts";
import { readCsv } from "../src/importers/csv-records.ts";
import { lumaPath } from "./helpers.ts";

const judgmentsFile = path.resolve(import.meta.dirname, "../../bench/judgments/luma.csv");

/** Product SKUs of the Luma sample data (configurable parents, simple, digital, bundle and grouped products). */
function lumaProductSkus(): Set<string> {
  const fixtures = path.join(lumaPath, "fixtures");
  const skus = new Set<string>();
  for (const { record } of readCsv(path.join(fixtures, "ConfigurableSampleData/products.csv")))
    if (record.product_type === "configurable") skus.add(record.sku!);
  const simpleDir = path.join(fixtures, "CatalogSampleData/SimpleProduct");
  const files = [
    ...fs
      .readdirSync(simpleDir)
      .filter((f) => f.startsWith("products_"))
      .map((f) => path.join(simpleDir, f)),
    path.join(fixtures, "DownloadableSampleData/products_training_video_download.csv"),
    path.join(fixtures, "BundleSampleData/yoga_bundle.csv"),
    path.join(fixtures, "GroupedProductSampleData/yoga_grouped.csv"),
  ];
  for (const file of files) for (const { record } of readCsv(file)) skus.add(record.sku!);
  return skus;
}

/** bench/judgments/luma.csv, the graded queries of the search-quality benchmark. */
describe("Luma search judgments", () => {
  const judgments = parseJudgments(fs.readFileSync(judgmentsFile, "utf8"), judgmentsFile);

  it("grade at least 40 distinct queries, nearly all with a relevant product", () => {
    expect(judgments.size).toBeGreaterThanOrEqual(40);
    const withRelevant = [...judgments.values()].filter((g) =>
      [...g.values()].some((x) => x >= relevantGrade),
    );
    expect(withRelevant.length).toBeGreaterThanOrEqual(40);
    const lowerCased = new Set([...judgments.keys()].map((q) => q.toLowerCase()));
    expect(lowerCased.size).toBe(judgments.size);
  });

  it("name only product SKUs of the Luma dataset, graded 0 to 3", () => {
    const products = lumaProductSkus();
    expect(products.size).toBe(199); // what the Luma import creates
    const unknown: string[] = [];
    for (const [query, grades] of judgments) {
      for (const [sku, grade] of grades) {
        if (!products.has(sku)) unknown.push(`${query}: ${sku}`);
        expect([0, 1, 2, 3]).toContain(grade);
      }
    }
    expect(unknown).toEqual([]);
  });
});
