import cliProgress from "cli-progress";

/** One input row that was not imported, with its row number (header = row 1) and the reason. */
export interface FailedRow {
  file: string;
  row: number;
  sku: string | null;
  reason: string;
}

/** What an import did. Counts are of products unless named otherwise. */
export interface ImportSummary {
  source: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: FailedRow[];
  categories: number;
  /** `files`: image files in the source's media library; `stored`: image files read and stored (content-addressed: identical files are kept once). */
  images: { files: number; stored: number; failed: number };
  /** Rows imported with a caveat (e.g. an unknown category dropped). */
  warnings: FailedRow[];
  reviews: { created: number; existing: number; unattached: number };
  links: number;
  /** Tax rates, shipping and promotions imported with the catalog (Luma), when the source has them. */
  pricing?: {
    taxRates: number;
    shippingZones: number;
    shippingMethods: number;
    promotions: number;
    coupons: number;
    catalogRules: number;
    catalogRulePrices: number;
  };
  durationMs: number;
}

export function emptySummary(source: string): ImportSummary {
  return {
    source,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: [],
    categories: 0,
    images: { files: 0, stored: 0, failed: 0 },
    warnings: [],
    reviews: { created: 0, existing: 0, unattached: 0 },
    links: 0,
    durationMs: 0,
  };
}

/** A progress bar on an interactive terminal; silent otherwise (logs, CI) and when disabled. */
export function progressBar(enabled: boolean, label: string, total: number) {
  if (!enabled || !process.stdout.isTTY) return { increment() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(12)} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}

/** Prints the summary table and every failed row. */
export function printSummary(s: ImportSummary): void {
  console.log(`\nImport from ${s.source} finished in ${(s.durationMs / 1000).toFixed(1)} s`);
  console.table({
    products: {
      created: s.created,
      updated: s.updated,
      unchanged: s.unchanged,
      skipped: s.skipped,
      failed: s.failed.length,
    },
  });
  console.log(
    `categories: ${s.categories}, image files: ${s.images.files}, image records stored: ${s.images.stored} (failed ${s.images.failed}), ` +
      `reviews created: ${s.reviews.created} (already there ${s.reviews.existing}; ` +
      `${s.reviews.unattached} name SKUs not in the catalog and are kept unattached), product links: ${s.links}`,
  );
  if (s.pricing) {
    const p = s.pricing;
    console.log(
      `tax rates: ${p.taxRates}, shipping zones: ${p.shippingZones} (methods ${p.shippingMethods}), promotions: ${p.promotions} (coupon codes ${p.coupons}), ` +
        `catalog price rules: ${p.catalogRules} (variants at a rule's sale price: ${p.catalogRulePrices})`,
    );
  }
  for (const w of s.warnings)
    console.log(`  warning: ${w.file} row ${w.row}${w.sku ? ` (SKU ${w.sku})` : ""}: ${w.reason}`);
  for (const f of s.failed)
    console.log(`  failed: ${f.file} row ${f.row}${f.sku ? ` (SKU ${f.sku})` : ""}: ${f.reason}`);
}
