import { errorMessage } from "@bazaar/sdk";
import { Button, cn, formatMinor, Spinner, useToast } from "@bazaar/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { formatDate, formatDateTime } from "../api";
import {
  Alert,
  Field,
  Notice,
  Section,
  SelectField,
  TableScroll,
  tableClass,
  tdClass,
  textLink,
  thClass,
} from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient } from "../queries";
import {
  type PayoutAccount,
  type PayoutMethod,
  payoutAccountKey,
  payoutMethods,
  type StatementQuery,
  statementCsvHref,
  usePayoutAccount,
  useShopCurrency,
  useVendorMoney,
  useVendorProfile,
  useVendorRole,
  useVendorStatement,
  type VendorBalance,
  type VendorPayout,
  type VendorStatementLine,
  vendorApi,
  vendorProfileKey,
} from "./vendor.api";

type Tone = "neutral" | "info" | "success" | "warning" | "danger";

const tones: Record<Tone, string> = {
  neutral: "bg-neutral-100 text-neutral-800 ring-neutral-300",
  info: "bg-accent-50 text-accent-800 ring-accent-200",
  success: "bg-green-50 text-green-800 ring-green-200",
  warning: "bg-amber-50 text-amber-900 ring-amber-300",
  danger: "bg-red-50 text-red-800 ring-red-200",
};

/** What a payout's status is called, for the vendor and for staff. */
const payoutStatuses: Record<string, { label: string; tone: Tone }> = {
  pending: { label: "Pending", tone: "warning" },
  paid: { label: "Paid", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  reversed: { label: "Reversed", tone: "neutral" },
};

/** A payout's status as a pill; the words carry the meaning (the colour only helps). */
export function PayoutStatusBadge({ status }: { status: string }) {
  const known = payoutStatuses[status] ?? { label: status, tone: "neutral" as const };
  return (
    <span
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[known.tone],
      )}
    >
      {known.label}
    </span>
  );
}

/** Columns a phone does without (below 640 px): their facts move under another column's. */
const wideOnly = "hidden sm:table-cell";

/** "stripe_connect" -> "Stripe Connect". */
export const payoutMethodName = (method: string | null | undefined) =>
  method ? (payoutMethods[method] ?? method) : "Not chosen";

/** What each kind of statement line is called. */
const lineKinds: Record<string, string> = {
  sale: "Sale",
  refund: "Refund",
  chargeback: "Chargeback",
  payout: "Payout",
  payout_reversal: "Payout returned",
  adjustment: "Adjustment",
};

/** "USD" -> "US Dollar (USD)" in the browser's language (the code alone when unknown). */
export function currencyName(code: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: "currency" }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** An amount with its sign shown ("+$12.00", "−$3.00"), for statement lines. */
function signed(amount: number, currency: string): string {
  if (amount > 0) return `+${formatMinor(amount, currency)}`;
  if (amount < 0) return `−${formatMinor(-amount, currency)}`;
  return formatMinor(0, currency);
}

function BalanceCard({ balance, hasMethod }: { balance: VendorBalance; hasMethod: boolean }) {
  const money = (amount: number) => formatMinor(amount, balance.currency);
  return (
    <li
      className="rounded-lg border border-neutral-200 p-4"
      data-testid="vendor-balance"
      data-currency={balance.currency}
    >
      <h3 className="text-sm font-semibold text-neutral-900">{currencyName(balance.currency)}</h3>
      <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-neutral-700">Available to pay out</dt>
          <dd
            className="mt-0.5 text-2xl font-bold tabular-nums text-neutral-900"
            data-testid="vendor-balance-available"
          >
            {money(balance.available)}
          </dd>
        </div>
        <div>
          <dt className="text-neutral-700">Held for the return window</dt>
          <dd
            className="mt-0.5 text-lg font-semibold tabular-nums text-neutral-900"
            data-testid="vendor-balance-held"
          >
            {money(balance.held)}
          </dd>
        </div>
        <div>
          <dt className="text-neutral-700">Total owed to you</dt>
          <dd
            className="mt-0.5 text-lg font-semibold tabular-nums text-neutral-900"
            data-testid="vendor-balance-total"
          >
            {money(balance.balance)}
          </dd>
        </div>
      </dl>
      {balance.balance < 0 ? (
        <Notice tone="warning" className="mt-3">
          You owe the shop {money(-balance.balance)}: a refund or chargeback came after the money for the sale
          was paid out to you. It is taken from your next sales before anything more is paid out.
        </Notice>
      ) : (
        balance.available > 0 &&
        !hasMethod && (
          <Notice tone="warning" className="mt-3">
            Choose how you're paid below: until then this money can't be paid out.
          </Notice>
        )
      )}
    </li>
  );
}

/** The vendor's balance per currency: available now, held for the return window, and in all. */
function Balances() {
  const money = useVendorMoney();
  const account = usePayoutAccount();
  const balances = money.data?.balances;
  return (
    <Section
      title="Balance"
      description="Your share of each sale is held for the return window, then paid out at the next payout run."
    >
      <QueryState query={money} label="your balance" />
      {balances &&
        (balances.length === 0 ? (
          <p className="text-sm text-neutral-600" data-testid="vendor-balance-empty">
            Nothing yet. When shoppers pay for your products, your share shows here.
          </p>
        ) : (
          <ul className="space-y-3">
            {balances.map((b) => (
              <BalanceCard
                key={b.currency}
                balance={b}
                hasMethod={account.data ? account.data.payoutMethod !== null : true}
              />
            ))}
          </ul>
        ))}
    </Section>
  );
}

/** Where the Stripe account stands, in the vendor's words. */
function stripeStatus(stripe: NonNullable<PayoutAccount["stripe"]>): { text: string; tone: Tone } {
  if (stripe.payoutsEnabled) return { text: "Ready: Stripe can pay you", tone: "success" };
  if (stripe.detailsSubmitted)
    return { text: "Details sent: Stripe is checking them or needs more", tone: "warning" };
  return { text: "Setup not finished", tone: "warning" };
}

function MethodOption({
  title,
  current,
  children,
  action,
}: {
  title: string;
  current: boolean;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <li
      className={cn(
        "flex flex-col rounded-lg border p-4",
        current ? "border-accent-600 bg-accent-50/40" : "border-neutral-200",
      )}
    >
      <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-neutral-900">
        {title}
        {current && (
          <span className="rounded-full bg-accent-700 px-2 py-0.5 text-xs font-medium text-white">
            Current method
          </span>
        )}
      </h3>
      <div className="mt-1 flex-1 text-sm text-neutral-700">{children}</div>
      {action && <div className="mt-3">{action}</div>}
    </li>
  );
}

/**
 * How the vendor is paid: the method and the Stripe account's state. Owners start or continue the
 * Stripe onboarding (the browser goes to Stripe and comes back here) or choose bank transfer; staff
 * members read it. Coming back from an expired Stripe link (?refresh=1) asks for a new one at once.
 */
function PayoutMethodSection() {
  const [params, setParams] = useSearchParams();
  const toast = useToast();
  const account = usePayoutAccount();
  const profile = useVendorProfile();
  const role = useVendorRole();
  const owner = role === "owner";
  const suspended = profile.data?.status === "suspended";
  const editable = owner && !suspended;
  const [returned] = useState(() => params.get("return") === "1");
  const [refresh] = useState(() => params.get("refresh") === "1");
  const asked = useRef(false);

  const onboard = useMutation({
    mutationFn: vendorApi.stripeOnboarding,
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const choose = useMutation({
    mutationFn: (method: PayoutMethod) => vendorApi.setPayoutMethod(method),
    onSuccess: (saved) => {
      queryClient.setQueryData(payoutAccountKey, saved);
      void queryClient.invalidateQueries({ queryKey: vendorProfileKey });
      toast.success("Payout method saved", `You're paid by ${payoutMethodName(saved.payoutMethod)}.`);
    },
  });

  // Stripe's markers have done their job once read: keep the address clean for reloads and links.
  useEffect(() => {
    if (!params.has("return") && !params.has("refresh")) return;
    const next = new URLSearchParams(params);
    next.delete("return");
    next.delete("refresh");
    setParams(next, { replace: true });
  }, [params, setParams]);

  // The onboarding link expired before the vendor finished: ask Stripe for a new one, once.
  const startOnboarding = onboard.mutate;
  useEffect(() => {
    if (refresh && editable && !asked.current) {
      asked.current = true;
      startOnboarding();
    }
  }, [refresh, editable, startOnboarding]);

  const data = account.data;
  const method = data?.payoutMethod ?? null;
  const stripe = data?.stripe ?? null;
  const busy = onboard.isPending || choose.isPending;
  let stripeAction: ReactNode = null;
  if (data && editable && data.stripeAvailable) {
    if (!stripe?.payoutsEnabled)
      stripeAction = (
        <Button onClick={() => onboard.mutate()} pending={onboard.isPending} disabled={busy}>
          {stripe ? "Continue Stripe setup" : "Set up payouts with Stripe"}
        </Button>
      );
    else if (method !== "stripe_connect")
      stripeAction = (
        <Button
          variant="secondary"
          onClick={() => choose.mutate("stripe_connect")}
          pending={choose.isPending && choose.variables === "stripe_connect"}
          disabled={busy}
        >
          Get paid with Stripe
        </Button>
      );
  }

  return (
    <Section
      title="How you're paid"
      description={
        editable ? "Choose how the shop sends you your money." : "Only the shop's owners can change this."
      }
    >
      <QueryState query={account} label="how you're paid" />
      {returned && (
        <Notice tone="info" className="mb-4">
          Welcome back from Stripe. If you finished the form, Stripe checks your details; the status below
          shows when you can be paid.
        </Notice>
      )}
      {refresh && editable && onboard.isPending && (
        <Notice tone="info" className="mb-4">
          Your Stripe link expired: opening a new one…
        </Notice>
      )}
      {role !== undefined && !owner && (
        <Notice tone="info" className="mb-4">
          You're a staff member of {profile.data?.name ?? "the shop"}: ask an owner to change how you're paid.
        </Notice>
      )}
      {owner && suspended && (
        <Notice tone="warning" className="mb-4">
          Your shop is suspended: how you're paid can't be changed.
        </Notice>
      )}
      {(onboard.isError || choose.isError) && (
        <Alert className="mb-4">{errorMessage(onboard.error ?? choose.error)}</Alert>
      )}
      {data && (
        <>
          <dl className="grid gap-3 text-sm sm:grid-cols-2" data-testid="vendor-payout-account">
            <div>
              <dt className="font-medium text-neutral-700">Payout method</dt>
              <dd className="mt-0.5 text-neutral-900" data-testid="vendor-payout-method">
                {payoutMethodName(method)}
              </dd>
            </div>
            {stripe && (
              <div>
                <dt className="font-medium text-neutral-700">Stripe account</dt>
                <dd className="mt-0.5 text-neutral-900">
                  <span
                    className={cn(
                      "inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
                      tones[stripeStatus(stripe).tone],
                    )}
                  >
                    {stripeStatus(stripe).text}
                  </span>
                  <span className="mt-1 block font-mono text-xs text-neutral-600">{stripe.accountId}</span>
                </dd>
              </div>
            )}
          </dl>
          {method === null && (
            <Notice tone="warning" className="mt-4">
              {editable
                ? "You haven't chosen how you're paid yet: until you do, your balance can't be paid out."
                : "No payout method is chosen yet: until an owner chooses one, your balance can't be paid out."}
            </Notice>
          )}
          {editable && (
            <ul className="mt-4 grid gap-3 md:grid-cols-2">
              {data.stripeAvailable && (
                <MethodOption title="Stripe" current={method === "stripe_connect"} action={stripeAction}>
                  Payouts go to your bank account through Stripe, a few days after each payout run. Stripe
                  asks for your business and bank details on its own secure pages.
                </MethodOption>
              )}
              <MethodOption
                title="Bank transfer"
                current={method === "bank_transfer"}
                action={
                  method !== "bank_transfer" && (
                    <Button
                      variant="secondary"
                      onClick={() => choose.mutate("bank_transfer")}
                      pending={choose.isPending && choose.variables === "bank_transfer"}
                      disabled={busy}
                    >
                      Get paid by bank transfer
                    </Button>
                  )
                }
              >
                The shop's staff send each payout to the bank account you applied with, and record the bank's
                reference here.
                {!data.stripeAvailable && " This shop pays vendors by bank transfer."}
              </MethodOption>
            </ul>
          )}
        </>
      )}
    </Section>
  );
}

function PayoutRow({ payout }: { payout: VendorPayout }) {
  return (
    <tr data-testid="vendor-payout-row">
      <td className={`${tdClass} whitespace-nowrap`}>
        <time dateTime={payout.createdAt}>{formatDate(payout.createdAt)}</time>
        <span className="block text-xs text-neutral-600 sm:hidden">{payoutMethodName(payout.method)}</span>
      </td>
      <td className={`${tdClass} whitespace-nowrap text-right font-medium tabular-nums`}>
        {formatMinor(payout.amount, payout.currency)}
      </td>
      <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>{payoutMethodName(payout.method)}</td>
      <td className={tdClass}>
        <span data-testid="vendor-payout-status">
          <PayoutStatusBadge status={payout.status} />
        </span>
        {payout.status === "paid" && payout.paidAt && (
          <span className="mt-1 block whitespace-nowrap text-xs text-neutral-600">
            on <time dateTime={payout.paidAt}>{formatDate(payout.paidAt)}</time>
          </span>
        )}
        {payout.status === "pending" && payout.method === "bank_transfer" && (
          <span className="mt-1 block text-xs text-neutral-600">Waiting for the shop to send it</span>
        )}
        {payout.failureMessage && (
          <span className="mt-1 block text-xs text-red-800">{payout.failureMessage}</span>
        )}
        {payout.reference && (
          <span className="mt-1 block break-all font-mono text-xs sm:hidden">Ref. {payout.reference}</span>
        )}
      </td>
      <td className={`${tdClass} ${wideOnly} break-all font-mono text-xs`}>{payout.reference ?? "—"}</td>
    </tr>
  );
}

function PayoutHistory() {
  const money = useVendorMoney();
  const payouts = money.data?.payouts;
  return (
    <Section title="Payouts" description="Your latest payouts, newest first.">
      {money.isError && <Alert>{errorMessage(money.error)}</Alert>}
      {money.isPending && <Spinner label="Loading your payouts…" />}
      {payouts &&
        (payouts.length === 0 ? (
          <p className="text-sm text-neutral-600" data-testid="vendor-payouts-empty">
            No payouts yet. What's available to pay out is paid at the next payout run.
          </p>
        ) : (
          <TableScroll label="Payouts">
            <table className={tableClass} data-testid="vendor-payouts-table">
              <caption className="sr-only">Your payouts, newest first</caption>
              <thead className="bg-neutral-50">
                <tr>
                  <th scope="col" className={thClass}>
                    Date
                  </th>
                  <th scope="col" className={`${thClass} text-right`}>
                    Amount
                  </th>
                  <th scope="col" className={`${thClass} ${wideOnly}`}>
                    Method
                  </th>
                  <th scope="col" className={thClass}>
                    Status
                  </th>
                  <th scope="col" className={`${thClass} ${wideOnly}`}>
                    Reference
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-neutral-100">
                {payouts.map((p) => (
                  <PayoutRow key={p.id} payout={p} />
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
    </Section>
  );
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/** The start and end of days in the browser's time zone, as the API's ISO date-times. */
function rangeOf(from: string, to: string): { from?: string; to?: string } {
  return {
    ...(isDate(from) ? { from: new Date(`${from}T00:00:00`).toISOString() } : {}),
    ...(isDate(to) ? { to: new Date(`${to}T23:59:59.999`).toISOString() } : {}),
  };
}

function StatementRow({ line, currency }: { line: VendorStatementLine; currency: string }) {
  const held = line.amount > 0 && Date.parse(line.availableAt) > Date.now();
  const kind = lineKinds[line.kind] ?? line.kind;
  // "Payout po_123" under "Payout" says the payout's id only.
  const memo = line.memo.startsWith(`${kind} `) ? line.memo.slice(kind.length + 1) : line.memo;
  return (
    <tr data-testid="vendor-statement-line">
      <td className={`${tdClass} ${wideOnly} whitespace-nowrap`}>
        <time dateTime={line.at}>{formatDateTime(line.at)}</time>
      </td>
      <td className={`${tdClass} sm:min-w-40`}>
        <time dateTime={line.at} className="block text-xs text-neutral-600 sm:hidden">
          {formatDateTime(line.at)}
        </time>
        <span className="font-medium text-neutral-900">{kind}</span>
        {memo && <span className="block text-neutral-700 [overflow-wrap:anywhere]">{memo}</span>}
        {held && (
          <span className="block text-xs text-amber-900">
            Held until <time dateTime={line.availableAt}>{formatDate(line.availableAt)}</time>
          </span>
        )}
      </td>
      <td
        className={cn(
          tdClass,
          "whitespace-nowrap text-right tabular-nums",
          line.amount < 0 ? "text-red-800" : "text-green-800",
        )}
      >
        {signed(line.amount, currency)}
      </td>
      <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
        {formatMinor(line.balance, currency)}
      </td>
    </tr>
  );
}

/**
 * The statement: every sale, refund, chargeback and payout of a currency in a date range, with the
 * running balance, and the same as a CSV download. The choice lives in the address (?currency=&from=&to=).
 */
function Statement() {
  const [params, setParams] = useSearchParams();
  const money = useVendorMoney();
  const shopCurrency = useShopCurrency();
  const currency =
    params.get("currency")?.toUpperCase() || money.data?.balances[0]?.currency || shopCurrency || "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [draft, setDraft] = useState({ from, to });
  const [rangeError, setRangeError] = useState<string | undefined>();
  useEffect(() => setDraft({ from, to }), [from, to]);
  const query: StatementQuery | null = currency ? { currency, ...rangeOf(from, to) } : null;
  const statement = useVendorStatement(query);
  const currencies = [
    ...new Set([currency, ...(money.data?.balances.map((b) => b.currency) ?? []), shopCurrency]),
  ].filter((c): c is string => Boolean(c));
  const data = statement.data;
  const stale = statement.isPlaceholderData;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const nextFrom = String(form.get("from") ?? "");
    const nextTo = String(form.get("to") ?? "");
    if (nextFrom && nextTo && nextFrom > nextTo) {
      setRangeError("The start date must be on or before the end date.");
      return;
    }
    setRangeError(undefined);
    const next = new URLSearchParams(params);
    next.set("currency", String(form.get("currency") ?? currency));
    for (const [key, value] of [
      ["from", nextFrom],
      ["to", nextTo],
    ] as const) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };

  return (
    <Section
      title="Statement"
      description="Every sale, refund, chargeback and payout, with your balance after each. Times are in your browser's time zone."
      actions={
        query && (
          <a
            href={statementCsvHref(query)}
            download
            className={cn(textLink, "inline-flex items-center text-sm")}
            data-testid="vendor-statement-csv"
          >
            Download CSV
          </a>
        )
      }
    >
      <form
        onSubmit={onSubmit}
        aria-label="Statement period"
        className="mb-4 grid gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,12rem)_minmax(0,12rem)_auto] sm:items-end"
      >
        <SelectField
          label="Currency"
          name="currency"
          key={currency}
          defaultValue={currency}
          options={currencies.map((c) => ({ value: c, label: c }))}
        />
        <Field
          label="From"
          name="from"
          type="date"
          value={draft.from}
          max={draft.to || undefined}
          onChange={(e) => {
            const from = e.currentTarget.value;
            setDraft((d) => ({ ...d, from }));
          }}
          error={rangeError}
        />
        <Field
          label="To"
          name="to"
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          onChange={(e) => {
            const to = e.currentTarget.value;
            setDraft((d) => ({ ...d, to }));
          }}
        />
        <div className="flex flex-wrap gap-2 sm:pb-0">
          <Button type="submit" variant="secondary">
            Show
          </Button>
          {(from || to) && (
            <Button
              variant="ghost"
              onClick={() => {
                const next = new URLSearchParams(params);
                next.delete("from");
                next.delete("to");
                setRangeError(undefined);
                setParams(next, { replace: true });
              }}
            >
              All dates
            </Button>
          )}
        </div>
      </form>
      <QueryState query={statement} label="your statement" />
      {data && (
        <TableScroll label={`Statement in ${data.currency}`}>
          <table
            className={cn(tableClass, stale && "opacity-60")}
            aria-busy={stale || undefined}
            data-testid="vendor-statement"
          >
            <caption className="sr-only">
              Statement in {data.currency}
              {from || to ? `, ${from || "the start"} to ${to || "today"}` : ""}, oldest first
            </caption>
            <thead className="bg-neutral-50">
              <tr>
                <th scope="col" className={`${thClass} ${wideOnly}`}>
                  Date
                </th>
                <th scope="col" className={thClass}>
                  What
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  Amount
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  Balance
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-100">
              {from && (
                <tr>
                  <td className={`${tdClass} ${wideOnly}`} />
                  <th scope="row" className={`${tdClass} text-left font-medium`}>
                    Opening balance
                  </th>
                  <td className={tdClass} />
                  <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
                    {formatMinor(data.opening, data.currency)}
                  </td>
                </tr>
              )}
              {data.lines.length === 0 && (
                <tr>
                  <td
                    colSpan={4}
                    className={`${tdClass} text-neutral-600`}
                    data-testid="vendor-statement-empty"
                  >
                    Nothing in this period.
                  </td>
                </tr>
              )}
              {data.lines.map((line, i) => (
                <StatementRow
                  // Lines have no id of their own; their order is the ledger's and never changes.
                  key={`${line.at}:${i}`}
                  line={line}
                  currency={data.currency}
                />
              ))}
            </tbody>
            <tfoot className="border-t-2 border-neutral-200">
              <tr>
                <td className={`${tdClass} ${wideOnly}`} />
                <th scope="row" className={`${tdClass} text-left font-semibold`}>
                  Closing balance
                </th>
                <td className={tdClass} />
                <td
                  className={`${tdClass} whitespace-nowrap text-right font-semibold tabular-nums`}
                  data-testid="vendor-statement-closing"
                >
                  {formatMinor(data.closing, data.currency)}
                </td>
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      )}
    </Section>
  );
}

/**
 * The vendor's money (/vendor/payouts): its balance per currency (available now, held for the return
 * window, a negative balance explained), how it's paid (Stripe onboarding or bank transfer; owners
 * choose, staff members read), its payouts, and its statement with a CSV download.
 */
export function VendorPayoutsPage() {
  return (
    <>
      <PageHeading
        title="Payouts"
        intro="What the shop owes you, how you're paid, and every sale and payout on your statement."
      />
      <div className="space-y-6">
        <Balances />
        <PayoutMethodSection />
        <PayoutHistory />
        <Statement />
      </div>
    </>
  );
}
