/**
 * The payouts screen's calls of the staff API (vendors:manage): payout runs, payouts and marking a bank
 * transfer sent, vendors' balances and statements, the marketplace money settings and the commission
 * rules, each one line on the dashboard's typed client, and the shapes they answer (derived from the
 * generated OpenAPI types).
 */
import { type BodyOf, done, type Item, ok, type QueryOf, type ResponseOf } from "@bazaar/sdk";
import { client, present } from "../api";

/** What a payout run did: payouts created, Stripe transfers sent, bank transfers waiting, vendors skipped. */
export type PayoutRunSummary = ResponseOf<"/api/admin/payout-runs", "post">;
/** A payout to a vendor: amount, method (stripe_connect, bank_transfer), status (pending, paid, failed, reversed). */
export type AdminPayout = Item<ResponseOf<"/api/admin/payouts">>;
/** `status`, `vendorId`, `runId`, each optional. */
export type PayoutListQuery = Partial<QueryOf<"/api/admin/payouts">>;
/** `{ holdDays, payoutIntervalDays, minimumPayout }` (minimum in minor units of the shop's currency). */
export type MarketplaceSettings = ResponseOf<"/api/admin/marketplace/settings">;
export type MarketplaceSettingsInput = BodyOf<"/api/admin/marketplace/settings", "put">;
/** A commission rule: its scope (vendor and/or category, or the default), rate and fixed fee per unit. */
export type CommissionRule = Item<ResponseOf<"/api/admin/commission-rules">>;
export type CommissionScope = CommissionRule["scope"];
/** `{ vendorId, categoryId, rateBasisPoints, fixedPerUnit }`: creates or changes the rule of that scope. */
export type CommissionRuleInput = BodyOf<"/api/admin/commission-rules", "put">;
/** A statement of a vendor in a currency, optionally between two ISO date-times (inclusive). */
export type VendorStatementQuery = QueryOf<"/api/admin/vendors/{id}/statement">;

/** The prefix of every query of the screen. */
export const payoutsKey = ["admin", "payouts"] as const;

const path = (id: string) => ({ path: { id } });

export const payoutsApi = {
  /** Pays every vendor its available balance now (or resumes the run a stopped process left). */
  run: () => ok(client.POST("/api/admin/payout-runs")),
  /** Newest first, at most 200. */
  list: (query: PayoutListQuery, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/payouts", { params: { query: present(query) }, signal })),
  /** Records that a pending bank transfer was sent (409 PAYOUT_NOT_PENDING otherwise). */
  markPaid: (id: string, reference: string) =>
    ok(client.POST("/api/admin/payouts/{id}/mark-paid", { params: path(id), body: { reference } })),
  vendorBalance: (id: string, signal?: AbortSignal) =>
    ok(client.GET("/api/admin/vendors/{id}/balance", { params: path(id), signal })),
  vendorStatement: (id: string, query: VendorStatementQuery, signal?: AbortSignal) =>
    ok(
      client.GET("/api/admin/vendors/{id}/statement", {
        params: { path: { id }, query: present(query) },
        signal,
      }),
    ),
  settings: (signal?: AbortSignal) => ok(client.GET("/api/admin/marketplace/settings", { signal })),
  saveSettings: (body: MarketplaceSettingsInput) =>
    ok(client.PUT("/api/admin/marketplace/settings", { body })),
  rules: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/commission-rules", { signal }))).items,
  saveRule: (body: CommissionRuleInput) => ok(client.PUT("/api/admin/commission-rules", { body })),
  /** The default rule stays (409 COMMISSION_DEFAULT_KEPT): set it to 0 instead. */
  deleteRule: (id: string) => done(client.DELETE("/api/admin/commission-rules/{id}", { params: path(id) })),
  /** Every vendor (up to 500), for names and the rules' vendor picker. */
  vendors: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/vendors", { params: { query: {} }, signal }))).items,
  /** Every category, parents before their children (needs catalog:read). */
  categories: async (signal?: AbortSignal) =>
    (await ok(client.GET("/api/admin/categories", { signal }))).items,
  /** The shop's currencies, its default one (of fees and the minimum payout) first among them. */
  currencies: (signal?: AbortSignal) => ok(client.GET("/api/store/currencies", { signal })),
};

/** The address of a vendor's statement as CSV, with the same currency and range (a download link). */
export function vendorStatementCsvHref(id: string, query: VendorStatementQuery): string {
  return `/api/admin/vendors/${encodeURIComponent(id)}/statement.csv?${new URLSearchParams({
    ...present(query),
  }).toString()}`;
}

/**
 * A percentage as typed ("12", "12.5", "7,25") in basis points (1200, 1250, 725), by string
 * arithmetic: 0 to 100 with at most two decimals.
 */
export function percentToBasisPoints(
  input: string,
): { ok: true; value: number } | { ok: false; message: string } {
  const text = input.trim().replace(/\s*%$/, "");
  if (text === "") return { ok: false, message: "Enter a rate, 0 for none." };
  const match = /^(\d{1,3})(?:[.,](\d{0,2}))?$/.exec(text);
  if (!match) return { ok: false, message: "Enter a percentage from 0 to 100, with at most two decimals." };
  const value = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (value > 10_000) return { ok: false, message: "At most 100 %." };
  return { ok: true, value };
}

/** Basis points as a percentage for a form field: 1250 -> "12.5", 1200 -> "12". */
export function basisPointsToPercentInput(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const cents = bp % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, "0").replace(/0$/, "")}`;
}

/** Basis points as a percentage to read: 1250 -> "12.5%" (in the browser's language). */
export function formatRate(bp: number): string {
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 2 }).format(bp / 10_000);
}
