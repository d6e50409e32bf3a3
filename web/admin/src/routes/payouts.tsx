import { errorMessage, isApiError } from "@bazaar/sdk";
import {
  Button,
  ConfirmDialog,
  cn,
  formatMinor,
  Modal,
  MoneyField,
  ProblemForm,
  Spinner,
  useToast,
} from "@bazaar/ui";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { formatDate } from "../api";
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
import { PayoutStatusBadge, payoutMethodName } from "../vendor/payouts";
import {
  type AdminPayout,
  basisPointsToPercentInput,
  type CommissionRule,
  type CommissionScope,
  formatRate,
  type MarketplaceSettings,
  type PayoutRunSummary,
  payoutsApi,
  payoutsKey,
  percentToBasisPoints,
} from "./payouts.api";

const listKey = [...payoutsKey, "list"] as const;
const settingsKey = [...payoutsKey, "settings"] as const;
const rulesKey = [...payoutsKey, "commission-rules"] as const;

/** Vendors' names by id (ids of vendors not found show as they are). */
function useVendorNames() {
  const vendors = useQuery({
    queryKey: [...payoutsKey, "vendors"],
    queryFn: ({ signal }) => payoutsApi.vendors(signal),
  });
  const names = useMemo(() => new Map((vendors.data ?? []).map((v) => [v.id, v.name])), [vendors.data]);
  return { vendors, nameOf: (id: string) => names.get(id) ?? id };
}

/** The shop's default currency: fixed fees and the minimum payout are in it. */
function useShopCurrency(): string | undefined {
  const currencies = useQuery({
    queryKey: [...payoutsKey, "currencies"],
    queryFn: ({ signal }) => payoutsApi.currencies(signal),
    staleTime: 5 * 60_000,
  });
  return currencies.data?.default;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the last run did, announced when it arrives. */
function RunSummary({ summary, nameOf }: { summary: PayoutRunSummary; nameOf: (id: string) => string }) {
  const paid = Object.entries(summary.paid);
  const nothing =
    summary.created === 0 &&
    summary.transferred === 0 &&
    summary.awaitingBankTransfer === 0 &&
    summary.failed === 0 &&
    summary.skipped.length === 0;
  return (
    <Notice
      tone={summary.completed ? "success" : "warning"}
      className="mt-4"
      data-testid="payout-run-summary"
    >
      <p className="font-semibold">
        {summary.completed ? "Payout run finished" : "Payout run not finished"}
        {summary.resumed && " (it resumed the run left unfinished)"}.
      </p>
      {nothing ? (
        <p className="mt-1">No vendor had money available to pay out.</p>
      ) : (
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          <li>
            Paid by Stripe transfer:{" "}
            {paid.length
              ? paid.map(([currency, amount]) => formatMinor(amount, currency)).join(", ")
              : "nothing"}{" "}
            ({plural(summary.transferred, "transfer", "transfers")} sent).
          </li>
          <li data-testid="payout-run-bank-transfers">
            {plural(summary.awaitingBankTransfer, "bank transfer", "bank transfers")} waiting for you to send
            {summary.awaitingBankTransfer === 1 ? " it" : " them"}
            {summary.awaitingBankTransfer > 0 && ": listed under Payouts below"}.
          </li>
          {summary.failed > 0 && (
            <li>
              {plural(summary.failed, "transfer", "transfers")} refused by Stripe: the amounts went back to
              the vendors' balances.
            </li>
          )}
          {summary.retryLater > 0 && (
            <li>
              {plural(summary.retryLater, "transfer", "transfers")} got no answer: run payouts again to retry
              (nobody is paid twice).
            </li>
          )}
          {summary.skipped.length > 0 && (
            <li>
              Not paid ({summary.skipped.length}):
              <ul className="list-[circle] pl-5" data-testid="payout-run-skipped">
                {summary.skipped.map((s) => (
                  <li key={s.vendorId}>
                    <Link to={`/vendors/${encodeURIComponent(s.vendorId)}`} className={textLink}>
                      {nameOf(s.vendorId)}
                    </Link>
                    : {s.reason}
                  </li>
                ))}
              </ul>
            </li>
          )}
        </ul>
      )}
    </Notice>
  );
}

function RunPayouts({ nameOf, intervalDays }: { nameOf: (id: string) => string; intervalDays?: number }) {
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const run = useMutation({
    mutationFn: payoutsApi.run,
    onSuccess: (summary) => {
      void queryClient.invalidateQueries({ queryKey: listKey });
      toast.success(
        "Payouts run",
        summary.awaitingBankTransfer
          ? `${plural(summary.awaitingBankTransfer, "bank transfer", "bank transfers")} to send.`
          : undefined,
      );
    },
  });
  return (
    <Section
      title="Run payouts"
      description={
        <>
          Pays every vendor its available balance (sales past the hold period): vendors paid through Stripe by
          transfer at once; bank transfers wait below for you to send them.
          {intervalDays !== undefined &&
            ` Payouts also run by themselves every ${plural(intervalDays, "day", "days")}.`}
        </>
      }
    >
      <Button onClick={() => setConfirming(true)} pending={run.isPending}>
        Run payouts now
      </Button>
      {run.isError && <Alert className="mt-4">{errorMessage(run.error)}</Alert>}
      {run.data && <RunSummary summary={run.data} nameOf={nameOf} />}
      <ConfirmDialog
        isOpen={confirming}
        onOpenChange={setConfirming}
        title="Run payouts now?"
        confirmLabel="Run payouts"
        onConfirm={() => {
          run.reset();
          run.mutate();
        }}
      >
        Every vendor with money available is paid now: vendors paid through Stripe by transfer; bank transfers
        are listed for you to send. Running again pays nobody twice.
      </ConfirmDialog>
    </Section>
  );
}

/** The bank's reference of a pending bank transfer, once staff have sent the money. */
function MarkPaidForm({ payout, vendorName }: { payout: AdminPayout; vendorName: string }) {
  const toast = useToast();
  const mark = useMutation({
    mutationFn: (reference: string) => payoutsApi.markPaid(payout.id, reference),
    onSuccess: (saved) => {
      toast.success("Payout marked paid", `${formatMinor(saved.amount, saved.currency)} to ${vendorName}.`);
      void queryClient.invalidateQueries({ queryKey: listKey });
    },
    // Paid or failed meanwhile: show the payout as it now stands.
    onError: (error) => {
      if (isApiError(error) && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: listKey });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reference = String(new FormData(event.currentTarget).get("reference") ?? "").trim();
    if (reference) mark.mutate(reference);
  };
  return (
    <ProblemForm
      problem={mark.error}
      onSubmit={onSubmit}
      aria-label={`Mark the payout of ${formatMinor(payout.amount, payout.currency)} to ${vendorName} paid`}
      className="max-w-xl"
    >
      <div className="flex flex-wrap items-end gap-2">
        <Field
          label="Bank reference"
          name="reference"
          required
          maxLength={100}
          autoComplete="off"
          className="min-w-0 flex-1 basis-48"
        />
        <Button type="submit" size="sm" className="mb-1" pending={mark.isPending}>
          Mark paid
        </Button>
      </div>
    </ProblemForm>
  );
}

type Filter = "to_send" | "pending" | "paid" | "failed" | "reversed" | "all";

/** The filter's choices, in the order staff work through them (the bank transfers to send first). */
const filters: { value: Filter; label: string; title: string; empty: string }[] = [
  {
    value: "to_send",
    label: "Bank transfers to send",
    title: "Bank transfers to send",
    empty: "No bank transfer waits to be sent.",
  },
  { value: "pending", label: "Pending", title: "Pending payouts", empty: "No pending payouts." },
  { value: "paid", label: "Paid", title: "Paid payouts", empty: "No paid payouts yet." },
  { value: "failed", label: "Failed", title: "Failed payouts", empty: "No failed payouts." },
  { value: "reversed", label: "Reversed", title: "Reversed payouts", empty: "No reversed payouts." },
  { value: "all", label: "All", title: "All payouts", empty: "No payouts yet." },
];

const isToSend = (p: AdminPayout) => p.status === "pending" && p.method === "bank_transfer";

function PayoutRow({ payout, nameOf }: { payout: AdminPayout; nameOf: (id: string) => string }) {
  const name = nameOf(payout.vendorId);
  const toSend = isToSend(payout);
  return (
    <>
      <tr data-testid="payout-row" className="border-t border-neutral-100 first:border-t-0">
        <th scope="row" className={`${tdClass} text-left font-medium`}>
          <Link to={`/vendors/${encodeURIComponent(payout.vendorId)}`} className={textLink}>
            {name}
          </Link>
          <span className="block text-xs font-normal text-neutral-600">
            <time dateTime={payout.createdAt} className="whitespace-nowrap">
              {formatDate(payout.createdAt)}
            </time>
            <span className="sm:hidden"> · {payoutMethodName(payout.method)}</span>
          </span>
        </th>
        <td className={`${tdClass} whitespace-nowrap text-right font-medium tabular-nums`}>
          {formatMinor(payout.amount, payout.currency)}
        </td>
        <td className={`${tdClass} hidden whitespace-nowrap sm:table-cell`}>
          {payoutMethodName(payout.method)}
        </td>
        <td className={tdClass}>
          <PayoutStatusBadge status={payout.status} />
          {payout.paidAt && (
            <span className="mt-1 block text-xs text-neutral-600">
              <time dateTime={payout.paidAt}>{formatDate(payout.paidAt)}</time>
            </span>
          )}
          {payout.failureMessage && (
            <span className="mt-1 block text-xs text-red-800">{payout.failureMessage}</span>
          )}
          {payout.reference && (
            <span className="mt-1 block break-all font-mono text-xs sm:hidden">Ref. {payout.reference}</span>
          )}
        </td>
        <td className={`${tdClass} hidden sm:table-cell`}>
          <span className="break-all font-mono text-xs">{payout.reference ?? "—"}</span>
        </td>
      </tr>
      {toSend && (
        <tr>
          <td colSpan={5} className="px-3 pb-3">
            <MarkPaidForm payout={payout} vendorName={name} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The payouts, by status: the bank transfers to send first, each with its "Mark paid" form. */
function PayoutList({ nameOf }: { nameOf: (id: string) => string }) {
  const [params] = useSearchParams();
  const filter = filters.find((f) => f.value === params.get("payouts"))?.value ?? "to_send";
  const current = filters.find((f) => f.value === filter)!;
  const status = filter === "to_send" ? "pending" : filter === "all" ? undefined : filter;
  const payouts = useQuery({
    queryKey: [...listKey, status ?? "all"],
    queryFn: ({ signal }) => payoutsApi.list({ status }, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const toSend = useQuery({
    queryKey: [...listKey, "pending"],
    queryFn: ({ signal }) => payoutsApi.list({ status: "pending" }, signal),
    staleTime: 0,
    select: (list) => list.items.filter(isToSend).length,
  });
  // Bank transfers to send lead every list: they are the ones waiting for someone.
  const rows = payouts.data?.items
    .filter((p) => filter !== "to_send" || isToSend(p))
    .sort((a, b) => Number(isToSend(b)) - Number(isToSend(a)));
  const stale = payouts.isPlaceholderData;
  const linkTo = (value: Filter) => {
    const next = new URLSearchParams(params);
    next.set("payouts", value);
    return `?${next.toString()}`;
  };
  return (
    <Section
      title="Payouts"
      description="Newest first. Send each bank transfer from the shop's bank account, then mark it paid with the bank's reference."
    >
      <nav aria-label="Payout status" className="mb-4">
        <ul className="flex flex-wrap gap-2">
          {filters.map((f) => {
            const selected = f.value === filter;
            return (
              <li key={f.value}>
                <Link
                  to={linkTo(f.value)}
                  replace
                  preventScrollReset
                  aria-current={selected ? "page" : undefined}
                  className={cn(
                    "inline-flex items-center gap-1 rounded-full border px-3 py-1.5 text-sm font-medium",
                    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                    selected
                      ? "border-accent-700 bg-accent-700 text-white"
                      : "border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-50",
                  )}
                >
                  {f.label}
                  {f.value === "to_send" && toSend.data !== undefined && ` (${toSend.data})`}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <QueryState query={payouts} label="payouts" />
      {rows &&
        (rows.length > 0 ? (
          <TableScroll label={current.title}>
            <table
              className={cn(tableClass, stale && "opacity-60")}
              aria-busy={stale || undefined}
              data-testid="payouts-table"
            >
              <caption className="sr-only">{current.title}, newest first</caption>
              <thead className="bg-neutral-50">
                <tr>
                  <th scope="col" className={thClass}>
                    Vendor
                  </th>
                  <th scope="col" className={`${thClass} text-right`}>
                    Amount
                  </th>
                  <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                    Method
                  </th>
                  <th scope="col" className={thClass}>
                    Status
                  </th>
                  <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                    Reference
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <PayoutRow key={p.id} payout={p} nameOf={nameOf} />
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : stale ? (
          <Spinner label="Loading payouts…" />
        ) : (
          <p className="text-sm text-neutral-600" data-testid="payouts-empty">
            {current.empty}
          </p>
        ))}
    </Section>
  );
}

function SettingsForm({ settings, currency }: { settings: MarketplaceSettings; currency: string }) {
  const toast = useToast();
  const [minimumError, setMinimumError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: payoutsApi.saveSettings,
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKey, saved);
      toast.success("Settings saved", "They apply to sales from now on.");
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const minimum = String(form.get("minimumPayout") ?? "");
    if (minimum === "") {
      setMinimumError("Enter an amount, 0 for no minimum.");
      return;
    }
    setMinimumError(undefined);
    save.mutate({
      holdDays: Number(form.get("holdDays")),
      payoutIntervalDays: Number(form.get("payoutIntervalDays")),
      minimumPayout: Number(minimum),
    });
  };
  return (
    <ProblemForm
      problem={save.error}
      onSubmit={onSubmit}
      aria-label="Hold period and payouts"
      className="space-y-4"
    >
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Hold days"
          name="holdDays"
          type="number"
          inputMode="numeric"
          required
          min={0}
          max={365}
          step={1}
          defaultValue={settings.holdDays}
          hint="Days a sale is held before it can be paid out: the return window. 0 to 365."
        />
        <Field
          label="Payout interval days"
          name="payoutIntervalDays"
          type="number"
          inputMode="numeric"
          required
          min={1}
          max={90}
          step={1}
          defaultValue={settings.payoutIntervalDays}
          hint="Days between automatic payout runs. 1 to 90."
        />
        <MoneyField
          label="Minimum payout"
          name="minimumPayout"
          currency={currency}
          defaultValue={settings.minimumPayout}
          error={minimumError}
          hint="Smaller available balances wait for a later run. 0 for no minimum."
        />
      </div>
      <Button type="submit" pending={save.isPending}>
        Save settings
      </Button>
    </ProblemForm>
  );
}

function MarketplaceSettingsSection({ currency }: { currency: string | undefined }) {
  const settings = useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => payoutsApi.settings(signal),
  });
  return (
    <Section title="Hold period and payout schedule" description="Changes apply to sales posted from now on.">
      <QueryState query={settings} label="the settings" />
      {settings.data && currency && <SettingsForm settings={settings.data} currency={currency} />}
    </Section>
  );
}

const scopeChoices: { value: CommissionScope; label: string }[] = [
  { value: "vendor", label: "A vendor" },
  { value: "category", label: "A category" },
  { value: "vendor_category", label: "A vendor in a category" },
  { value: "default", label: "Every sale (the default)" },
];

const needsVendor = (scope: CommissionScope) => scope === "vendor" || scope === "vendor_category";
const needsCategory = (scope: CommissionScope) => scope === "category" || scope === "vendor_category";

interface Names {
  vendorOf: (id: string) => string;
  categoryOf: (id: string) => string;
}

/** Whom a rule covers, in words. */
function appliesTo(rule: Pick<CommissionRule, "scope" | "vendorId" | "categoryId">, names: Names): string {
  const vendor = rule.vendorId ? names.vendorOf(rule.vendorId) : "";
  const category = rule.categoryId ? names.categoryOf(rule.categoryId) : "";
  switch (rule.scope) {
    case "default":
      return "Every sale (the default)";
    case "vendor":
      return `Vendor: ${vendor}`;
    case "category":
      return `Category: ${category}`;
    case "vendor_category":
      return `${vendor} in ${category}`;
  }
}

interface RuleFormProps {
  /** The rule to change (its scope stays), or none to add one. */
  rule?: CommissionRule;
  currency: string;
  vendors: { id: string; name: string }[];
  categories: { id: string; name: string }[] | null;
  names: Names;
  onSaved: (rule: CommissionRule) => void;
  onCancel?: () => void;
}

/** A rule's rate (a percentage, sent as basis points) and fixed fee per unit, and whom it covers. */
function RuleForm({ rule, currency, vendors, categories, names, onSaved, onCancel }: RuleFormProps) {
  const [scope, setScope] = useState<CommissionScope>(rule?.scope ?? "vendor");
  const [errors, setErrors] = useState<{
    vendorId?: string;
    categoryId?: string;
    rate?: string;
    fee?: string;
  }>({});
  const formRef = useRef<HTMLFormElement>(null);
  const save = useMutation({
    mutationFn: payoutsApi.saveRule,
    onSuccess: (saved) => {
      if (!rule) {
        formRef.current?.reset();
        setScope("vendor");
      }
      onSaved(saved);
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const vendorId = rule ? rule.vendorId : needsVendor(scope) ? String(form.get("vendorId") ?? "") : null;
    const categoryId = rule
      ? rule.categoryId
      : needsCategory(scope)
        ? String(form.get("categoryId") ?? "")
        : null;
    const rate = percentToBasisPoints(String(form.get("rate") ?? ""));
    const fee = String(form.get("fixedPerUnit") ?? "");
    const next: typeof errors = {};
    if (vendorId === "") next.vendorId = "Choose a vendor.";
    if (categoryId === "") next.categoryId = "Choose a category.";
    if (!rate.ok) next.rate = rate.message;
    if (fee === "") next.fee = "Enter an amount, 0 for none.";
    setErrors(next);
    if (Object.keys(next).length > 0 || !rate.ok) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    save.mutate({ vendorId, categoryId, rateBasisPoints: rate.value, fixedPerUnit: Number(fee) });
  };
  return (
    <ProblemForm
      ref={formRef}
      problem={save.error}
      onSubmit={onSubmit}
      aria-label={rule ? "Edit the commission rule" : "Add a commission rule"}
      className="space-y-4"
      noValidate
    >
      {rule ? (
        <p className="text-sm text-neutral-800">
          <span className="font-medium">Applies to:</span> {appliesTo(rule, names)}
        </p>
      ) : (
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            label="Applies to"
            name="scope"
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as CommissionScope)}
            options={scopeChoices
              .filter((c) => c.value !== "default")
              .map((c) => ({ ...c, disabled: categories === null && needsCategory(c.value) }))}
          />
          {needsVendor(scope) && (
            <SelectField
              label="Vendor"
              name="vendorId"
              placeholder="Choose a vendor"
              defaultValue=""
              error={errors.vendorId}
              options={vendors.map((v) => ({ value: v.id, label: v.name }))}
            />
          )}
          {needsCategory(scope) && (
            <SelectField
              label="Category"
              name="categoryId"
              placeholder="Choose a category"
              defaultValue=""
              error={errors.categoryId}
              options={(categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          )}
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          label="Rate (%)"
          name="rate"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={rule ? basisPointsToPercentInput(rule.rateBasisPoints) : ""}
          error={errors.rate}
          hint="Of each sale's amount after discounts: 12.5 for 12.5 %."
        />
        <MoneyField
          label="Fixed fee per unit"
          name="fixedPerUnit"
          currency={currency}
          defaultValue={rule ? rule.fixedPerUnit : 0}
          error={errors.fee}
          hint="For each unit sold. 0 for none."
        />
      </div>
      {!rule && (
        <p className="text-sm text-neutral-600">
          A vendor or category that already has a rule of this kind gets this one instead.
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        <Button type="submit" pending={save.isPending}>
          {rule ? "Save rule" : "Add rule"}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel} disabled={save.isPending}>
            Cancel
          </Button>
        )}
      </div>
    </ProblemForm>
  );
}

/** The commission rules: the default and the vendors' and categories' own, added, changed and deleted. */
function CommissionRules({
  currency,
  nameOf,
}: {
  currency: string | undefined;
  nameOf: (id: string) => string;
}) {
  const toast = useToast();
  const rules = useQuery({ queryKey: rulesKey, queryFn: ({ signal }) => payoutsApi.rules(signal) });
  const { vendors } = useVendorNames();
  const categories = useQuery({
    queryKey: ["admin", "categories"],
    queryFn: ({ signal }) => payoutsApi.categories(signal),
  });
  const [editing, setEditing] = useState<CommissionRule | null>(null);
  const [deleting, setDeleting] = useState<CommissionRule | null>(null);
  // Categories as their path ("Outdoor › Bottles"), so same-named subcategories tell apart.
  const categoryPaths = useMemo(() => {
    const byId = new Map((categories.data ?? []).map((c) => [c.id, c]));
    const pathOf = (id: string, depth = 0): string => {
      const c = byId.get(id);
      if (!c) return id;
      return c.parentId && depth < 10 ? `${pathOf(c.parentId, depth + 1)} › ${c.name}` : c.name;
    };
    return new Map((categories.data ?? []).map((c) => [c.id, pathOf(c.id)]));
  }, [categories.data]);
  const names: Names = { vendorOf: nameOf, categoryOf: (id) => categoryPaths.get(id) ?? id };
  const pickable = (vendors.data ?? [])
    .filter((v) => v.status === "active" || v.status === "suspended")
    .sort((a, b) => a.name.localeCompare(b.name));
  const categoryList = categories.isError
    ? null
    : [...categoryPaths].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  const refresh = () => queryClient.invalidateQueries({ queryKey: rulesKey });
  const remove = useMutation({ mutationFn: payoutsApi.deleteRule });
  const fee = (minor: number) => (currency ? formatMinor(minor, currency) : String(minor));

  return (
    <Section
      title="Commission"
      description="What the shop keeps of each sale. The most specific rule applies: a vendor in a category, then the vendor, then the category, then the default. Changes apply to orders placed from now on."
    >
      <QueryState query={rules} label="the commission rules" />
      {rules.data && (
        <TableScroll label="Commission rules">
          <table className={tableClass} data-testid="commission-rules">
            <caption className="sr-only">Commission rules, the default first</caption>
            <thead className="bg-neutral-50">
              <tr>
                <th scope="col" className={thClass}>
                  Applies to
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  Rate
                </th>
                <th scope="col" className={`${thClass} hidden text-right sm:table-cell`}>
                  Fixed fee per unit
                </th>
                <th scope="col" className={`${thClass} hidden sm:table-cell`}>
                  Updated
                </th>
                <th scope="col" className={thClass}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-100">
              {rules.data.map((rule) => {
                const label = appliesTo(rule, names);
                return (
                  <tr key={rule.id} data-testid="commission-rule-row">
                    <th scope="row" className={`${tdClass} text-left font-medium sm:min-w-40`}>
                      {label}
                    </th>
                    <td className={`${tdClass} whitespace-nowrap text-right tabular-nums`}>
                      {formatRate(rule.rateBasisPoints)}
                      <span className="block text-xs text-neutral-600 sm:hidden">
                        + {fee(rule.fixedPerUnit)} per unit
                      </span>
                    </td>
                    <td
                      className={`${tdClass} hidden whitespace-nowrap text-right tabular-nums sm:table-cell`}
                    >
                      {fee(rule.fixedPerUnit)}
                    </td>
                    <td className={`${tdClass} hidden whitespace-nowrap sm:table-cell`}>
                      <time dateTime={rule.updatedAt}>{formatDate(rule.updatedAt)}</time>
                    </td>
                    <td className={tdClass}>
                      <div className="flex flex-col items-end gap-1 sm:flex-row sm:gap-2">
                        <Button
                          size="sm"
                          variant="secondary"
                          onClick={() => setEditing(rule)}
                          aria-label={`Edit the rule for ${label}`}
                        >
                          Edit
                        </Button>
                        {rule.scope !== "default" && (
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => setDeleting(rule)}
                            aria-label={`Delete the rule for ${label}`}
                          >
                            Delete
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      <div className="mt-6 border-t border-neutral-200 pt-4">
        <h3 className="mb-3 text-base font-semibold text-neutral-900">Add a rule</h3>
        {categories.isError && (
          <p className="mb-3 text-sm text-neutral-600">
            Category rules need the permission to read the catalog; you can still set vendors' rules.
          </p>
        )}
        {currency ? (
          <RuleForm
            currency={currency}
            vendors={pickable}
            categories={categoryList}
            names={names}
            onSaved={(saved) => {
              toast.success(
                "Commission rule saved",
                `${appliesTo(saved, names)}: ${formatRate(saved.rateBasisPoints)}.`,
              );
              void refresh();
            }}
          />
        ) : (
          <Spinner label="Loading…" />
        )}
      </div>
      <Modal
        isOpen={editing !== null}
        onOpenChange={(open) => !open && setEditing(null)}
        title="Edit the commission rule"
        description="Applies to orders placed from now on."
      >
        {(close) =>
          editing &&
          currency && (
            <RuleForm
              rule={editing}
              currency={currency}
              vendors={pickable}
              categories={categoryList}
              names={names}
              onCancel={close}
              onSaved={(saved) => {
                setEditing(null);
                toast.success(
                  "Commission rule saved",
                  `${appliesTo(saved, names)}: ${formatRate(saved.rateBasisPoints)}.`,
                );
                void refresh();
              }}
            />
          )
        }
      </Modal>
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={deleting ? `Delete the rule for ${appliesTo(deleting, names)}?` : "Delete the rule?"}
        confirmLabel="Delete rule"
        tone="danger"
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          toast.success("Commission rule deleted");
          await refresh();
        }}
      >
        Its sales fall back to the next less specific rule, for orders placed from now on.
      </ConfirmDialog>
    </Section>
  );
}

/**
 * Payouts (/payouts): run payouts now and read what the run did, the payouts by status with a "Mark
 * paid" form on each bank transfer to send, the hold period and payout schedule, and the commission
 * rules.
 */
export function PayoutsPage() {
  const { nameOf } = useVendorNames();
  const currency = useShopCurrency();
  const settings = useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => payoutsApi.settings(signal),
  });
  return (
    <>
      <PageHeading
        title="Payouts"
        intro="Pay vendors what they're owed, send bank transfers, and set the hold period and the commission."
      />
      <div className="space-y-6">
        <RunPayouts nameOf={nameOf} intervalDays={settings.data?.payoutIntervalDays} />
        <PayoutList nameOf={nameOf} />
        <MarketplaceSettingsSection currency={currency} />
        <CommissionRules currency={currency} nameOf={nameOf} />
      </div>
    </>
  );
}
