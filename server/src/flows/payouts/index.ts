/** Payouts: pays vendors their available balances (ledger + vendors + payment providers), with the staff and vendor routes. */

export { adminPayoutRoutes, vendorPayoutRoutes } from "./payouts.routes.ts";
export { type PayoutRunSummary, payoutRunDue, runPayouts } from "./payouts.ts";
