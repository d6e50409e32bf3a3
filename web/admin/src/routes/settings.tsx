import { errorMessage } from "@bazaar/sdk";
import {
  Alert,
  Button,
  Checkbox,
  ConfirmDialog,
  cn,
  Field,
  formatMinor,
  Modal,
  MoneyField,
  Notice,
  type Problem,
  ProblemForm,
  problemOf,
  Section,
  SelectField,
  TableHead,
  TableScroll,
  TextAreaField,
  tableClass,
  tdClass,
  textLink,
  useToast,
} from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from "react";
import { Link, NavLink, Route, Routes, useNavigate, useParams } from "react-router";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient } from "../queries";
import {
  isStale,
  type PaymentProvider,
  type PaymentProviderInput,
  type ShippingMethod,
  type ShippingMethodInput,
  type ShippingZone,
  type ShippingZoneInput,
  type StoreSettings,
  type StoreSettingsInput,
  settingsApi,
  settingsKey,
  type TaxClass,
  type TaxRate,
  type TaxRateInput,
} from "./settings.api";

// -------------------------------------------------------------------------------------------------
// Shared pieces

const storeKey = [...settingsKey, "store"] as const;
const taxRatesKey = [...settingsKey, "tax-rates"] as const;
const taxClassesKey = [...settingsKey, "tax-classes"] as const;
const zonesKey = [...settingsKey, "shipping-zones"] as const;
const providersKey = [...settingsKey, "payment-providers"] as const;

/** Comma- or space-separated codes as a list ("USD, eur" -> ["USD", "eur"]). */
const listOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The problem with the errors of list items (`currencies.1`, `countries.0`) moved onto the list's own
 * control (`currencies`), so the message shows next to the field that holds the list.
 */
function withListErrors(error: unknown, lists: readonly string[]): unknown {
  const problem = problemOf(error);
  if (!problem?.errors) return error;
  const errors = problem.errors.map((e) => {
    const list = lists.find((l) => new RegExp(`^${l.replaceAll(".", "\\.")}\\.\\d+$`).test(e.field));
    return list ? { field: list, message: e.message } : e;
  });
  return { ...problem, errors } satisfies Problem;
}

/** What a save over someone else's newer save shows: nothing was written; reload and redo. */
function StaleAlert({ what, onReload }: { what: string; onReload: () => unknown }) {
  return (
    <Alert className="mb-4">
      <p className="font-semibold">Someone else saved {what} after you opened them.</p>
      <p className="mt-1">
        Your changes were not saved, and theirs were not overwritten. Reload to see {what} as they are now,
        then make your changes again.
      </p>
      <Button className="mt-3" onClick={() => void onReload()}>
        Reload {what}
      </Button>
    </Alert>
  );
}

function Badge({
  children,
  tone = "neutral",
}: {
  children: ReactNode;
  tone?: "green" | "amber" | "neutral";
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium",
        tone === "green" && "bg-green-100 text-green-900",
        tone === "amber" && "bg-amber-100 text-amber-900",
        tone === "neutral" && "bg-neutral-200 text-neutral-800",
      )}
    >
      {children}
    </span>
  );
}

const sections = [
  { to: "/settings", label: "Store details", end: true },
  { to: "/settings/taxes", label: "Taxes" },
  { to: "/settings/shipping", label: "Shipping" },
  { to: "/settings/payments", label: "Payments" },
  { to: "/settings/checkout", label: "Checkout" },
];

function SettingsNav() {
  return (
    <nav aria-label="Settings sections" className="mb-6 border-b border-neutral-200">
      <ul className="-mb-px flex gap-1 overflow-x-auto">
        {sections.map((s) => (
          <li key={s.to} className="shrink-0">
            <NavLink
              to={s.to}
              end={s.end}
              className={({ isActive }) =>
                cn(
                  "block border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-accent-600",
                  isActive
                    ? "border-accent-700 text-accent-800"
                    : "border-transparent text-neutral-700 hover:border-neutral-300 hover:text-neutral-900",
                )
              }
            >
              {s.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * The shop's settings (permission settings:write), one tab per area: store details, taxes, shipping,
 * payments and checkout. Every save sends the version shown (If-Match): when someone else saved in
 * between, nothing is overwritten and the tab offers to reload. New carts use the settings at once.
 */
export function SettingsPage() {
  return (
    <>
      <PageHeading
        title="Settings"
        intro="Store details, taxes, shipping, payments and checkout. Saved changes apply to new carts at once."
      />
      <SettingsNav />
      <Routes>
        <Route index element={<StoreDetailsTab />} />
        <Route path="taxes" element={<TaxesTab />} />
        <Route path="shipping" element={<ShippingTab />} />
        <Route path="shipping/new" element={<ZoneEditor />} />
        <Route path="shipping/:zoneId" element={<ZoneEditor />} />
        <Route path="payments" element={<PaymentsTab />} />
        <Route path="checkout" element={<CheckoutTab />} />
        <Route
          path="*"
          element={
            <Alert>
              No such settings page.{" "}
              <Link to="/settings" className={textLink}>
                Back to the store details
              </Link>
            </Alert>
          }
        />
      </Routes>
    </>
  );
}

// -------------------------------------------------------------------------------------------------
// Store settings forms (store details, tax display, checkout): one resource, one version

function useStoreSettings() {
  return useQuery({ queryKey: storeKey, queryFn: ({ signal }) => settingsApi.store(signal) });
}

/**
 * A form over part of the store settings: a draft made from the stored settings, saved with their
 * version; a stale save shows the reload alert, other problems go next to the fields.
 */
function useStoreForm<D>(
  settings: StoreSettings | undefined,
  toDraft: (settings: StoreSettings) => D,
  toBody: (draft: D) => StoreSettingsInput,
  lists: readonly string[] = [],
) {
  const toast = useToast();
  const [draft, setDraft] = useState<D | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!settings) return;
    setDraft(toDraft(settings));
    setStale(false);
    setProblem(null);
  }, [settings]);
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft || !settings) return;
    setProblem(null);
    setSaving(true);
    try {
      const saved = await settingsApi.saveStore(settings.version, toBody(draft));
      queryClient.setQueryData(storeKey, saved);
      void queryClient.invalidateQueries({ queryKey: taxClassesKey });
      toast.success("Settings saved", "New carts use them from now on.");
    } catch (error) {
      if (isStale(error)) setStale(true);
      else setProblem(withListErrors(error, lists));
    } finally {
      setSaving(false);
    }
  };
  const reload = async () => {
    queryClient.setQueryData(storeKey, await settingsApi.store());
  };
  return { draft, setDraft, problem, stale, saving, save, reload };
}

interface StoreDraft {
  storeName: string;
  senderEmail: string;
  supportPhone: string;
  address: {
    company: string;
    line1: string;
    line2: string;
    city: string;
    region: string;
    postalCode: string;
    country: string;
    phone: string;
  };
  logoImageId: string | null;
  logoUrl: string | null;
  currencies: string;
  defaultCurrency: string;
  locales: string;
}

function storeDraftOf(s: StoreSettings): StoreDraft {
  const a = s.storeAddress;
  return {
    storeName: s.storeName,
    senderEmail: s.senderEmail,
    supportPhone: s.supportPhone,
    address: {
      company: a?.company ?? "",
      line1: a?.line1 ?? "",
      line2: a?.line2 ?? "",
      city: a?.city ?? "",
      region: a?.region ?? "",
      postalCode: a?.postalCode ?? "",
      country: a?.country ?? "",
      phone: a?.phone ?? "",
    },
    logoImageId: s.logoImageId,
    logoUrl: s.logoUrl,
    currencies: s.currencies.join(", "),
    defaultCurrency: s.defaultCurrency,
    locales: s.locales.join(", "),
  };
}

function storeBodyOf(d: StoreDraft): StoreSettingsInput {
  const a = d.address;
  const empty = Object.values(a).every((v) => v.trim() === "");
  const orNull = (v: string) => v.trim() || null;
  return {
    storeName: d.storeName,
    senderEmail: d.senderEmail,
    supportPhone: d.supportPhone,
    storeAddress: empty
      ? null
      : {
          firstName: "",
          lastName: "",
          company: orNull(a.company),
          line1: a.line1,
          line2: orNull(a.line2),
          city: a.city,
          region: orNull(a.region),
          postalCode: orNull(a.postalCode),
          country: a.country.trim().toUpperCase(),
          phone: orNull(a.phone),
        },
    logoImageId: d.logoImageId,
    currencies: listOf(d.currencies).map((c) => c.toUpperCase()),
    defaultCurrency: d.defaultCurrency,
    locales: listOf(d.locales),
  };
}

/** The logo: a preview, a file picker that uploads at once, and a button to remove it. */
function LogoPicker({
  imageId,
  url,
  storeName,
  onChange,
}: {
  imageId: string | null;
  url: string | null;
  storeName: string;
  onChange: (imageId: string | null, url: string | null) => void;
}) {
  const [uploading, setUploading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const inputId = useId();
  return (
    <div>
      <p className="block text-sm font-medium text-neutral-900">Logo</p>
      <div className="mt-2 flex flex-wrap items-center gap-4">
        {url ? (
          <img
            src={url}
            alt={`${storeName} logo`}
            className="h-16 w-auto max-w-40 rounded border border-neutral-200 bg-white object-contain p-1"
          />
        ) : (
          <span className="flex h-16 w-28 items-center justify-center rounded border border-dashed border-neutral-300 text-xs text-neutral-600">
            {imageId ? "Logo set" : "No logo"}
          </span>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <label
            htmlFor={inputId}
            className="inline-flex h-8 cursor-pointer items-center rounded-lg border border-neutral-300 bg-white px-3 text-sm font-medium text-neutral-900 hover:bg-neutral-50 focus-within:outline-2 focus-within:outline-accent-600"
          >
            {uploading ? "Uploading…" : imageId ? "Replace logo" : "Upload logo"}
            <input
              id={inputId}
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif,image/avif"
              className="sr-only"
              aria-describedby={failure ? `${inputId}-error` : `${inputId}-hint`}
              onChange={async (event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = "";
                if (!file) return;
                setFailure(null);
                setUploading(true);
                try {
                  const image = await settingsApi.uploadImage(file, `${storeName} logo`);
                  onChange(image.id, image.thumbnailUrl);
                } catch (error) {
                  setFailure(errorMessage(error));
                } finally {
                  setUploading(false);
                }
              }}
            />
          </label>
          {imageId && (
            <Button variant="ghost" size="sm" onClick={() => onChange(null, null)}>
              Remove logo
            </Button>
          )}
        </div>
      </div>
      <p id={`${inputId}-hint`} className="mt-1 text-sm text-neutral-600">
        PNG, JPEG, WebP, GIF or AVIF, up to 20 MB. Saved with the store details.
      </p>
      {failure && (
        <p id={`${inputId}-error`} className="mt-1 text-sm font-medium text-red-700">
          {failure}
        </p>
      )}
    </div>
  );
}

function StoreDetailsTab() {
  const settings = useStoreSettings();
  const form = useStoreForm(settings.data, storeDraftOf, storeBodyOf, ["currencies", "locales"]);
  const { draft, setDraft } = form;
  if (!draft) return <QueryState query={settings} label="the store settings" />;
  const set = (changes: Partial<StoreDraft>) => setDraft((d) => (d ? { ...d, ...changes } : d));
  const setAddress = (changes: Partial<StoreDraft["address"]>) =>
    setDraft((d) => (d ? { ...d, address: { ...d.address, ...changes } } : d));
  const currencies = listOf(draft.currencies).map((c) => c.toUpperCase());
  const defaultChoices = [...new Set([draft.defaultCurrency, ...currencies])].filter(Boolean);
  return (
    <>
      {form.stale && <StaleAlert what="the store settings" onReload={form.reload} />}
      <ProblemForm problem={form.problem} onSubmit={form.save} className="space-y-6">
        <Section title="Store details" description="Shown to shoppers in e-mails, page titles and invoices.">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Store name"
              name="storeName"
              value={draft.storeName}
              required
              maxLength={100}
              onChange={(e) => set({ storeName: e.currentTarget.value })}
            />
            <Field
              label="Sender e-mail"
              name="senderEmail"
              type="email"
              value={draft.senderEmail}
              maxLength={254}
              hint="E-mails to shoppers come from this address. Empty: the server's MAIL_FROM."
              onChange={(e) => set({ senderEmail: e.currentTarget.value })}
            />
            <Field
              label="Support phone"
              name="supportPhone"
              type="tel"
              value={draft.supportPhone}
              maxLength={40}
              onChange={(e) => set({ supportPhone: e.currentTarget.value })}
            />
          </div>
          <div className="mt-6">
            <LogoPicker
              imageId={draft.logoImageId}
              url={draft.logoUrl}
              storeName={draft.storeName || "Store"}
              onChange={(logoImageId, logoUrl) => set({ logoImageId, logoUrl })}
            />
          </div>
        </Section>

        <Section
          title="Store address"
          description="For invoices and store pickup. Leave it all empty for none."
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Company"
              name="storeAddress.company"
              value={draft.address.company}
              maxLength={200}
              autoComplete="organization"
              onChange={(e) => setAddress({ company: e.currentTarget.value })}
            />
            <Field
              label="Street address"
              name="storeAddress.line1"
              value={draft.address.line1}
              maxLength={200}
              autoComplete="address-line1"
              onChange={(e) => setAddress({ line1: e.currentTarget.value })}
            />
            <Field
              label="Address line 2"
              name="storeAddress.line2"
              value={draft.address.line2}
              maxLength={200}
              autoComplete="address-line2"
              onChange={(e) => setAddress({ line2: e.currentTarget.value })}
            />
            <Field
              label="City"
              name="storeAddress.city"
              value={draft.address.city}
              maxLength={100}
              autoComplete="address-level2"
              onChange={(e) => setAddress({ city: e.currentTarget.value })}
            />
            <Field
              label="State or province"
              name="storeAddress.region"
              value={draft.address.region}
              maxLength={100}
              hint="A code such as MI."
              onChange={(e) => setAddress({ region: e.currentTarget.value })}
            />
            <Field
              label="Postal code"
              name="storeAddress.postalCode"
              value={draft.address.postalCode}
              maxLength={20}
              autoComplete="postal-code"
              onChange={(e) => setAddress({ postalCode: e.currentTarget.value })}
            />
            <Field
              label="Country"
              name="storeAddress.country"
              value={draft.address.country}
              maxLength={2}
              hint="Two-letter code, e.g. US or DE."
              autoComplete="country"
              onChange={(e) => setAddress({ country: e.currentTarget.value.toUpperCase() })}
            />
            <Field
              label="Address phone"
              name="storeAddress.phone"
              type="tel"
              value={draft.address.phone}
              maxLength={40}
              onChange={(e) => setAddress({ phone: e.currentTarget.value })}
            />
          </div>
        </Section>

        <Section
          title="Currencies and languages"
          description="Currencies other than the default need an active price list to be offered."
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Currencies"
              name="currencies"
              value={draft.currencies}
              hint="ISO 4217 codes, separated by commas: USD, EUR."
              autoComplete="off"
              onChange={(e) => set({ currencies: e.currentTarget.value })}
            />
            <SelectField
              label="Default currency"
              name="defaultCurrency"
              value={draft.defaultCurrency}
              hint="The catalog's prices and new carts are in it."
              onChange={(e) => set({ defaultCurrency: e.currentTarget.value })}
              options={defaultChoices.map((c) => ({ value: c, label: c }))}
            />
            <Field
              label="Languages"
              name="locales"
              value={draft.locales}
              hint="BCP 47 tags, the default first: en-US, de-DE."
              autoComplete="off"
              onChange={(e) => set({ locales: e.currentTarget.value })}
            />
          </div>
        </Section>
        <div className="flex justify-end">
          <Button type="submit" pending={form.saving}>
            Save store details
          </Button>
        </div>
      </ProblemForm>
    </>
  );
}

function CheckoutTab() {
  const settings = useStoreSettings();
  const form = useStoreForm(
    settings.data,
    (s) => ({
      guestCheckout: s.guestCheckout,
      requirePhone: s.requirePhone,
      orderNumberPrefix: s.orderNumberPrefix,
      reservationMinutes: String(s.reservationMinutes),
      cartLifetimeDays: String(s.cartLifetimeDays),
    }),
    (d) => ({
      guestCheckout: d.guestCheckout,
      requirePhone: d.requirePhone,
      orderNumberPrefix: d.orderNumberPrefix,
      // Not a number: sent as -1 so that the server names the field.
      reservationMinutes: /^\d+$/.test(d.reservationMinutes.trim()) ? Number(d.reservationMinutes) : -1,
      cartLifetimeDays: /^\d+$/.test(d.cartLifetimeDays.trim()) ? Number(d.cartLifetimeDays) : -1,
    }),
  );
  const { draft, setDraft } = form;
  if (!draft) return <QueryState query={settings} label="the checkout settings" />;
  const set = (changes: Partial<typeof draft>) => setDraft((d) => (d ? { ...d, ...changes } : d));
  const example = `${draft.orderNumberPrefix}100042`;
  return (
    <>
      {form.stale && <StaleAlert what="the checkout settings" onReload={form.reload} />}
      <ProblemForm problem={form.problem} onSubmit={form.save} className="space-y-6">
        <Section title="Checkout options">
          <div className="space-y-4">
            <Checkbox
              label="Guests may check out without an account"
              name="guestCheckout"
              checked={draft.guestCheckout}
              hint="Off: shoppers sign in or create an account to place an order."
              onChange={(e) => set({ guestCheckout: e.currentTarget.checked })}
            />
            <Checkbox
              label="A phone number is required with the shipping address"
              name="requirePhone"
              checked={draft.requirePhone}
              onChange={(e) => set({ requirePhone: e.currentTarget.checked })}
            />
          </div>
        </Section>
        <Section title="Orders and stock">
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              label="Order number prefix"
              name="orderNumberPrefix"
              value={draft.orderNumberPrefix}
              maxLength={10}
              autoComplete="off"
              hint={`Up to 10 capital letters, digits and hyphens. New orders: ${example}.`}
              onChange={(e) => set({ orderNumberPrefix: e.currentTarget.value.toUpperCase() })}
            />
            <Field
              label="Stock reservation (minutes)"
              name="reservationMinutes"
              inputMode="numeric"
              value={draft.reservationMinutes}
              hint="How long an unpaid order holds its stock: 5 to 1440."
              onChange={(e) => set({ reservationMinutes: e.currentTarget.value })}
            />
            <Field
              label="Cart lifetime (days)"
              name="cartLifetimeDays"
              inputMode="numeric"
              value={draft.cartLifetimeDays}
              hint="An untouched cart expires after this: 1 to 365."
              onChange={(e) => set({ cartLifetimeDays: e.currentTarget.value })}
            />
          </div>
        </Section>
        <div className="flex justify-end">
          <Button type="submit" pending={form.saving}>
            Save checkout settings
          </Button>
        </div>
      </ProblemForm>
    </>
  );
}

// -------------------------------------------------------------------------------------------------
// Taxes

/** "8.25" (percent) -> 825 basis points; null when it is not a percentage with up to 2 decimals. */
function basisPointsOf(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.trim().replace(/\s*%$/, ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** 825 -> "8.25 %". */
const percent = (basisPoints: number) =>
  `${(basisPoints / 100).toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 })} %`;

function TaxDisplayForm({ classes }: { classes: TaxClass[] }) {
  const settings = useStoreSettings();
  const form = useStoreForm(
    settings.data,
    (s) => ({ pricesIncludeTax: s.pricesIncludeTax, shippingTaxClass: s.shippingTaxClass ?? "" }),
    (d) => ({ pricesIncludeTax: d.pricesIncludeTax, shippingTaxClass: d.shippingTaxClass || null }),
  );
  const { draft, setDraft } = form;
  if (!draft) return <QueryState query={settings} label="the tax settings" />;
  const choices = [...new Set([...classes.map((c) => c.code), draft.shippingTaxClass].filter(Boolean))];
  return (
    <Section title="Prices and tax">
      {form.stale && <StaleAlert what="the tax settings" onReload={form.reload} />}
      <ProblemForm problem={form.problem} onSubmit={form.save} className="space-y-4">
        <Checkbox
          label="Catalog prices include tax"
          name="pricesIncludeTax"
          checked={draft.pricesIncludeTax}
          hint="On: prices are shown and entered with tax (EU style). Off: tax is added at checkout (US style)."
          onChange={(e) => {
            const pricesIncludeTax = e.currentTarget.checked;
            setDraft((d) => (d ? { ...d, pricesIncludeTax } : d));
          }}
        />
        <SelectField
          label="Tax on shipping"
          name="shippingTaxClass"
          value={draft.shippingTaxClass}
          className="max-w-sm"
          hint="The tax class whose rates apply to shipping."
          onChange={(e) => {
            const shippingTaxClass = e.currentTarget.value;
            setDraft((d) => (d ? { ...d, shippingTaxClass } : d));
          }}
        >
          <option value="">Shipping is not taxed</option>
          {choices.map((c) => (
            <option key={c} value={c}>
              Class “{c}”
            </option>
          ))}
        </SelectField>
        <Button type="submit" pending={form.saving}>
          Save tax settings
        </Button>
      </ProblemForm>
    </Section>
  );
}

interface TaxDraft {
  code: string;
  name: string;
  countryCode: string;
  region: string;
  postcodePattern: string;
  rate: string;
  taxClass: string;
}

const taxDraftOf = (rate: TaxRate | null): TaxDraft => ({
  code: rate?.code ?? "",
  name: rate?.name ?? "",
  countryCode: rate?.countryCode ?? "",
  region: rate?.region ?? "",
  postcodePattern: rate?.postcodePattern ?? "",
  rate: rate ? String(rate.rateBasisPoints / 100) : "",
  taxClass: rate?.taxClass ?? "standard",
});

/** Creates a rate (`rate` null) or replaces one with the version it was read at. */
function TaxRateDialog({
  rate,
  classes,
  onClose,
}: {
  rate: TaxRate | "new";
  classes: TaxClass[];
  onClose: () => void;
}) {
  const toast = useToast();
  const existing = rate === "new" ? null : rate;
  const [base, setBase] = useState<TaxRate | null>(existing);
  const [draft, setDraft] = useState<TaxDraft>(() => taxDraftOf(existing));
  const [problem, setProblem] = useState<unknown>(null);
  const [rateError, setRateError] = useState<string | undefined>();
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const listId = useId();
  const set = (changes: Partial<TaxDraft>) => setDraft((d) => ({ ...d, ...changes }));
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const basisPoints = basisPointsOf(draft.rate);
    setRateError(basisPoints === null ? "enter a percentage such as 6 or 8.25" : undefined);
    if (basisPoints === null) return;
    const body: TaxRateInput = {
      code: draft.code.trim(),
      name: draft.name.trim(),
      countryCode: draft.countryCode.trim().toUpperCase(),
      region: draft.region.trim() || null,
      postcodePattern: draft.postcodePattern.trim() || null,
      rateBasisPoints: basisPoints,
      taxClass: draft.taxClass.trim() || "standard",
    };
    setProblem(null);
    setSaving(true);
    try {
      const saved = base
        ? await settingsApi.saveTaxRate(base.id, base.version, body)
        : await settingsApi.createTaxRate(body);
      await queryClient.invalidateQueries({ queryKey: taxRatesKey });
      void queryClient.invalidateQueries({ queryKey: taxClassesKey });
      toast.success(
        base ? "Tax rate saved" : "Tax rate added",
        `${saved.name}: ${percent(saved.rateBasisPoints)}`,
      );
      onClose();
    } catch (error) {
      if (isStale(error)) setStale(true);
      else setProblem(error);
    } finally {
      setSaving(false);
    }
  };
  const reload = async () => {
    if (!base) return;
    const fresh = (await settingsApi.taxRates()).find((r) => r.id === base.id) ?? null;
    queryClient.setQueryData(taxRatesKey, await settingsApi.taxRates());
    setBase(fresh);
    setDraft(taxDraftOf(fresh));
    setStale(false);
    if (!fresh) setProblem({ status: 404, detail: "Someone else deleted this tax rate." } satisfies Problem);
  };
  return (
    <Modal
      isOpen
      onOpenChange={(open) => !open && onClose()}
      title={base ? `Edit tax rate ${base.code}` : "Add a tax rate"}
      description="Rates of one tax class that match an address add up. New carts use the rate at once."
      size="lg"
    >
      {stale && <StaleAlert what="the tax rate" onReload={reload} />}
      <ProblemForm problem={problem} onSubmit={save} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Code"
            name="code"
            value={draft.code}
            required
            maxLength={64}
            autoComplete="off"
            hint="Unique, e.g. US-MI."
            onChange={(e) => set({ code: e.currentTarget.value })}
          />
          <Field
            label="Name"
            name="name"
            value={draft.name}
            required
            maxLength={100}
            hint="On invoices, e.g. Michigan sales tax."
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <Field
            label="Country"
            name="countryCode"
            value={draft.countryCode}
            required
            maxLength={2}
            autoComplete="off"
            hint="Two-letter code, e.g. US."
            onChange={(e) => set({ countryCode: e.currentTarget.value.toUpperCase() })}
          />
          <Field
            label="Region"
            name="region"
            value={draft.region}
            maxLength={10}
            autoComplete="off"
            hint="A state or province code such as MI; empty for the whole country."
            onChange={(e) => set({ region: e.currentTarget.value.toUpperCase() })}
          />
          <Field
            label="Postcodes"
            name="postcodePattern"
            value={draft.postcodePattern}
            maxLength={500}
            autoComplete="off"
            hint='Empty for all; "48*" for a prefix, "48000-48999" for a range; several separated by commas.'
            onChange={(e) => set({ postcodePattern: e.currentTarget.value })}
          />
          <Field
            label="Rate (%)"
            name="rateBasisPoints"
            value={draft.rate}
            required
            inputMode="decimal"
            autoComplete="off"
            error={rateError}
            hint="0 to 100, up to 2 decimals: 6 or 8.25."
            onChange={(e) => set({ rate: e.currentTarget.value })}
          />
          <Field
            label="Tax class"
            name="taxClass"
            value={draft.taxClass}
            required
            maxLength={40}
            list={listId}
            autoComplete="off"
            hint="The products' tax class it applies to, e.g. standard, reduced, shipping."
            onChange={(e) => set({ taxClass: e.currentTarget.value })}
          />
          <datalist id={listId}>
            {classes.map((c) => (
              <option key={c.code} value={c.code} />
            ))}
          </datalist>
        </div>
        <div className="flex flex-wrap justify-end gap-3 pt-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" pending={saving} disabled={stale}>
            {base ? "Save tax rate" : "Add tax rate"}
          </Button>
        </div>
      </ProblemForm>
    </Modal>
  );
}

function TaxesTab() {
  const rates = useQuery({ queryKey: taxRatesKey, queryFn: ({ signal }) => settingsApi.taxRates(signal) });
  const classes = useQuery({
    queryKey: taxClassesKey,
    queryFn: ({ signal }) => settingsApi.taxClasses(signal),
  });
  const toast = useToast();
  const [editing, setEditing] = useState<TaxRate | "new" | null>(null);
  const [deleting, setDeleting] = useState<TaxRate | null>(null);
  return (
    <div className="space-y-6">
      <TaxDisplayForm classes={classes.data ?? []} />
      <Section
        title="Tax rates"
        description="A rate applies to products of its tax class shipped to its country, region and postcodes."
        actions={<Button onClick={() => setEditing("new")}>Add tax rate</Button>}
      >
        <QueryState query={rates} label="the tax rates" />
        {rates.data && rates.data.length === 0 && (
          <p className="text-sm text-neutral-700">No tax rates yet.</p>
        )}
        {rates.data && rates.data.length > 0 && (
          <TableScroll label="Tax rates">
            <table className={cn(tableClass, "relative")}>
              <TableHead
                columns={[
                  "Code",
                  "Name",
                  "Applies in",
                  { label: "Rate", align: "right" },
                  "Class",
                  { label: "Actions", srOnly: true },
                ]}
              />
              <tbody className="divide-y divide-neutral-100">
                {rates.data.map((rate) => (
                  <tr key={rate.id} data-testid={`tax-rate-${rate.code}`}>
                    <th scope="row" className={cn(tdClass, "font-medium whitespace-nowrap")}>
                      {rate.code}
                    </th>
                    <td className={tdClass}>{rate.name}</td>
                    <td className={tdClass}>
                      {[rate.countryCode, rate.region, rate.postcodePattern].filter(Boolean).join(" · ")}
                    </td>
                    <td className={cn(tdClass, "text-right tabular-nums whitespace-nowrap")}>
                      {percent(rate.rateBasisPoints)}
                    </td>
                    <td className={tdClass}>{rate.taxClass}</td>
                    <td className={cn(tdClass, "whitespace-nowrap text-right")}>
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => setEditing(rate)}
                        aria-label={`Edit ${rate.code}`}
                      >
                        Edit
                      </Button>{" "}
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => setDeleting(rate)}
                        aria-label={`Delete ${rate.code}`}
                      >
                        Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Section>
      <Section
        title="Tax classes in use"
        description="Products take a tax class (standard unless set); rates apply per class."
      >
        <QueryState query={classes} label="the tax classes" />
        <ul className="flex flex-wrap gap-2">
          {classes.data?.map((c) => (
            <li key={c.code} className="rounded-lg border border-neutral-200 px-3 py-1.5 text-sm">
              <span className="font-medium">{c.code}</span>{" "}
              <span className="text-neutral-600">
                {c.rateCount} rate{c.rateCount === 1 ? "" : "s"}
                {c.usedForShipping ? " · shipping" : ""}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      {editing && (
        <TaxRateDialog rate={editing} classes={classes.data ?? []} onClose={() => setEditing(null)} />
      )}
      <ConfirmDialog
        isOpen={deleting !== null}
        onOpenChange={(open) => !open && setDeleting(null)}
        title={`Delete tax rate ${deleting?.code ?? ""}?`}
        tone="danger"
        confirmLabel="Delete tax rate"
        onConfirm={async () => {
          if (!deleting) return;
          await settingsApi.deleteTaxRate(deleting.id, deleting.version).catch(async (error) => {
            if (isStale(error)) await queryClient.invalidateQueries({ queryKey: taxRatesKey });
            throw error;
          });
          await queryClient.invalidateQueries({ queryKey: taxRatesKey });
          void queryClient.invalidateQueries({ queryKey: taxClassesKey });
          toast.success("Tax rate deleted", deleting.name);
        }}
      >
        New carts stop charging {deleting?.name} at once. Orders already placed keep their taxes.
      </ConfirmDialog>
    </div>
  );
}

// -------------------------------------------------------------------------------------------------
// Shipping

const typeLabels: Record<ShippingMethod["type"], string> = {
  flat_rate: "Flat rate",
  table_rate: "Table rate",
  pickup: "Store pickup",
  carrier: "Carrier rates",
};

/** A short price summary of a method ("$15.00 + $2.00 per item", "3 rates by subtotal"). */
function priceSummary(m: ShippingMethod): string {
  const money = (amount: number) => formatMinor(amount, m.currency);
  switch (m.type) {
    case "flat_rate":
      return m.amountPerItem ? `${money(m.amount)} + ${money(m.amountPerItem)} per item` : money(m.amount);
    case "table_rate":
      return `${m.tableRates.length} rate${m.tableRates.length === 1 ? "" : "s"} by ${m.rateBasis}`;
    case "pickup":
      return m.amount ? money(m.amount) : "Free";
    case "carrier":
      return `Live rates (${m.carrier ?? "?"})`;
  }
}

function ShippingTab() {
  const zones = useQuery({ queryKey: zonesKey, queryFn: ({ signal }) => settingsApi.zones(signal) });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-neutral-700">
          A zone serves countries (and regions); its methods are what shoppers there can choose.
        </p>
        <Link
          to="/settings/shipping/new"
          className="inline-flex h-10 items-center rounded-lg bg-accent-700 px-4 text-sm font-medium text-white hover:bg-accent-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          Add shipping zone
        </Link>
      </div>
      <QueryState query={zones} label="the shipping zones" />
      {zones.data?.length === 0 && <p className="text-sm text-neutral-700">No shipping zones yet.</p>}
      {zones.data?.map((zone) => (
        <Section
          key={zone.id}
          title={zone.name}
          description={`${zone.countries.includes("*") ? "Every country" : zone.countries.join(", ")}${
            zone.regions.length ? ` · regions ${zone.regions.join(", ")}` : ""
          }`}
          actions={
            <Link
              to={`/settings/shipping/${encodeURIComponent(zone.id)}`}
              className="inline-flex h-8 items-center rounded-lg border border-neutral-300 bg-white px-3 text-sm font-medium text-neutral-900 hover:bg-neutral-50 focus-visible:outline-2 focus-visible:outline-accent-600"
              aria-label={`Edit zone ${zone.name}`}
            >
              Edit
            </Link>
          }
        >
          {zone.methods.length === 0 ? (
            <p className="text-sm text-neutral-700">No methods: shoppers here cannot choose shipping.</p>
          ) : (
            <TableScroll label={`Methods of ${zone.name}`}>
              <table className={cn(tableClass, "relative")}>
                <TableHead columns={["Method", "Type", "Price", "Status"]} />
                <tbody className="divide-y divide-neutral-100">
                  {zone.methods.map((m) => (
                    <tr key={m.id}>
                      <th scope="row" className={cn(tdClass, "font-medium")}>
                        {m.name} <span className="font-normal text-neutral-600">({m.code})</span>
                      </th>
                      <td className={tdClass}>{typeLabels[m.type]}</td>
                      <td className={cn(tdClass, "tabular-nums")}>{priceSummary(m)}</td>
                      <td className={tdClass}>
                        {m.isActive ? <Badge tone="green">Active</Badge> : <Badge>Off</Badge>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </Section>
      ))}
    </div>
  );
}

let keys = 0;
const newKey = () => `k${++keys}`;

interface RowDraft {
  key: string;
  region: string;
  postcode: string;
  /** Subtotal basis: minor units; weight: grams; quantity: units (typed text for the last two). */
  fromMinor: number | null;
  fromText: string;
  amount: number | null;
}

interface MethodDraft {
  key: string;
  id?: string;
  code: string;
  name: string;
  description: string;
  type: ShippingMethod["type"];
  currency: string;
  amount: number | null;
  amountPerItem: number | null;
  freeAbove: number | null;
  rateBasis: ShippingMethod["rateBasis"];
  rows: RowDraft[];
  carrier: string;
  pickupAddress: string;
  estimatedDays: string;
  isActive: boolean;
}

interface ZoneDraft {
  name: string;
  countries: string;
  regions: string;
  methods: MethodDraft[];
}

function rowDraft(row?: ShippingMethod["tableRates"][number]): RowDraft {
  return {
    key: newKey(),
    region: row?.region ?? "",
    postcode: row?.postcode ?? "",
    fromMinor: row ? row.from : null,
    fromText: row ? String(row.from) : "",
    amount: row ? row.amount : null,
  };
}

function methodDraft(m?: ShippingMethod, currency = "USD"): MethodDraft {
  return {
    key: newKey(),
    id: m?.id,
    code: m?.code ?? "",
    name: m?.name ?? "",
    description: m?.description ?? "",
    type: m?.type ?? "flat_rate",
    currency: m?.currency ?? currency,
    amount: m ? m.amount : null,
    amountPerItem: m ? m.amountPerItem : 0,
    freeAbove: m?.freeAbove ?? null,
    rateBasis: m?.rateBasis ?? "subtotal",
    rows: m?.tableRates.map(rowDraft) ?? [],
    carrier: m?.carrier ?? "",
    pickupAddress: m?.pickupAddress ?? "",
    estimatedDays: m?.estimatedDays ?? "",
    isActive: m?.isActive ?? true,
  };
}

function zoneDraft(zone: ShippingZone | null): ZoneDraft {
  return {
    name: zone?.name ?? "",
    countries: zone?.countries.join(", ") ?? "",
    regions: zone?.regions.join(", ") ?? "",
    methods: zone?.methods.map((m) => methodDraft(m)) ?? [],
  };
}

/** The body the API takes. Missing amounts are sent as -1 so that the server names the field. */
function zoneBody(draft: ZoneDraft): ShippingZoneInput {
  return {
    name: draft.name.trim(),
    countries: listOf(draft.countries).map((c) => c.toUpperCase()),
    regions: listOf(draft.regions).map((r) => r.toUpperCase()),
    methods: draft.methods.map((m): ShippingMethodInput => {
      const base: ShippingMethodInput = {
        ...(m.id ? { id: m.id } : {}),
        code: m.code.trim(),
        name: m.name.trim(),
        description: m.description,
        type: m.type,
        currency: m.currency.trim().toUpperCase(),
        freeAbove: m.freeAbove,
        estimatedDays: m.estimatedDays.trim() || null,
        isActive: m.isActive,
      };
      switch (m.type) {
        case "flat_rate":
          return { ...base, amount: m.amount ?? -1, amountPerItem: m.amountPerItem ?? 0 };
        case "table_rate":
          return {
            ...base,
            rateBasis: m.rateBasis,
            tableRates: m.rows.map((r) => ({
              region: r.region.trim() || null,
              postcode: r.postcode.trim() || null,
              from:
                m.rateBasis === "subtotal"
                  ? (r.fromMinor ?? -1)
                  : /^\d+$/.test(r.fromText.trim())
                    ? Number(r.fromText)
                    : -1,
              amount: r.amount ?? -1,
            })),
          };
        case "pickup":
          return { ...base, amount: m.amount ?? 0, pickupAddress: m.pickupAddress.trim() || null };
        default: // carrier
          return { ...base, carrier: m.carrier.trim() || null };
      }
    }),
  };
}

/** The rows of a table rate: destination, threshold and price each, added and removed freely. */
function TableRatesEditor({
  method,
  index,
  onChange,
}: {
  method: MethodDraft;
  index: number;
  onChange: (rows: RowDraft[]) => void;
}) {
  const unit = method.rateBasis === "weight" ? "grams" : "units";
  const setRow = (key: string, changes: Partial<RowDraft>) =>
    onChange(method.rows.map((r) => (r.key === key ? { ...r, ...changes } : r)));
  const label = method.name.trim() || `Method ${index + 1}`;
  return (
    <div className="mt-4">
      <p className="text-sm font-medium text-neutral-900">Rates</p>
      <p className="text-sm text-neutral-600">
        For a destination (empty region and postcode: anywhere), the row with the highest “from” not above the
        cart's {method.rateBasis} applies; a row for the region or postcode wins over one for anywhere. Rows
        are sorted when saved.
      </p>
      <div className="mt-3 space-y-3">
        {method.rows.map((row, j) => (
          <fieldset key={row.key} className="rounded-lg border border-neutral-200 p-3">
            <legend className="px-1 text-sm font-semibold">
              <span className="sr-only">{label}, </span>Rate row {j + 1}
            </legend>
            <div className="grid grid-cols-2 gap-3 lg:grid-cols-[1fr_1fr_1fr_1fr_auto] lg:items-end">
              <Field
                label="Region"
                name={`methods.${index}.tableRates.${j}.region`}
                value={row.region}
                maxLength={10}
                autoComplete="off"
                placeholder="Any"
                onChange={(e) => setRow(row.key, { region: e.currentTarget.value.toUpperCase() })}
              />
              <Field
                label="Postcode"
                name={`methods.${index}.tableRates.${j}.postcode`}
                value={row.postcode}
                maxLength={21}
                autoComplete="off"
                placeholder="Any"
                onChange={(e) => setRow(row.key, { postcode: e.currentTarget.value })}
              />
              {method.rateBasis === "subtotal" ? (
                <MoneyField
                  label="From subtotal"
                  name={`methods.${index}.tableRates.${j}.from`}
                  currency={method.currency || "USD"}
                  value={row.fromMinor}
                  onValueChange={(fromMinor) => setRow(row.key, { fromMinor })}
                />
              ) : (
                <Field
                  label={`From (${unit})`}
                  name={`methods.${index}.tableRates.${j}.from`}
                  value={row.fromText}
                  inputMode="numeric"
                  autoComplete="off"
                  onChange={(e) => setRow(row.key, { fromText: e.currentTarget.value })}
                />
              )}
              <MoneyField
                label="Price"
                name={`methods.${index}.tableRates.${j}.amount`}
                currency={method.currency || "USD"}
                value={row.amount}
                onValueChange={(amount) => setRow(row.key, { amount })}
              />
              <Button
                variant="ghost"
                size="sm"
                className="col-span-2 justify-self-start lg:col-span-1 lg:mb-1"
                onClick={() => onChange(method.rows.filter((r) => r.key !== row.key))}
                aria-label={`Remove row ${j + 1} of ${label}`}
              >
                Remove row
              </Button>
            </div>
          </fieldset>
        ))}
      </div>
      <Button
        variant="secondary"
        size="sm"
        className="mt-3"
        onClick={() => onChange([...method.rows, rowDraft()])}
      >
        Add rate row
      </Button>
    </div>
  );
}

function MethodEditor({
  method,
  index,
  onChange,
  onRemove,
}: {
  method: MethodDraft;
  index: number;
  onChange: (changes: Partial<MethodDraft>) => void;
  onRemove: () => void;
}) {
  const at = (field: string) => `methods.${index}.${field}`;
  const currency = method.currency.trim().toUpperCase() || "USD";
  const validCurrency = /^[A-Z]{3}$/.test(currency) ? currency : "USD";
  return (
    <fieldset
      className="rounded-xl border border-neutral-300 p-4"
      data-testid={`method-${method.code || index}`}
    >
      <legend className="px-1 text-base font-semibold">{method.name.trim() || `Method ${index + 1}`}</legend>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Field
          label="Name"
          name={at("name")}
          value={method.name}
          required
          maxLength={100}
          onChange={(e) => onChange({ name: e.currentTarget.value })}
        />
        <Field
          label="Code"
          name={at("code")}
          value={method.code}
          required
          maxLength={64}
          autoComplete="off"
          hint="Unique: lower-case letters, digits, _ and -."
          onChange={(e) => onChange({ code: e.currentTarget.value.toLowerCase() })}
        />
        <SelectField
          label="Type"
          name={at("type")}
          value={method.type}
          onChange={(e) => onChange({ type: e.currentTarget.value as MethodDraft["type"] })}
          options={Object.entries(typeLabels).map(([value, label]) => ({ value, label }))}
        />
        <Field
          label="Currency"
          name={at("currency")}
          value={method.currency}
          required
          maxLength={3}
          autoComplete="off"
          hint="ISO 4217, e.g. USD: offered to carts in it."
          onChange={(e) => onChange({ currency: e.currentTarget.value.toUpperCase() })}
        />
        <Field
          label="Delivery time"
          name={at("estimatedDays")}
          value={method.estimatedDays}
          maxLength={40}
          placeholder="3-5 business days"
          onChange={(e) => onChange({ estimatedDays: e.currentTarget.value })}
        />
        <MoneyField
          label="Free from subtotal"
          name={at("freeAbove")}
          currency={validCurrency}
          value={method.freeAbove}
          hint="Empty: never free."
          onValueChange={(freeAbove) => onChange({ freeAbove })}
        />
      </div>
      <TextAreaField
        label="Description"
        name={at("description")}
        value={method.description}
        rows={2}
        maxLength={500}
        className="mt-4"
        onChange={(e) => onChange({ description: e.currentTarget.value })}
      />
      {method.type === "flat_rate" && (
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <MoneyField
            label="Price per order"
            name={at("amount")}
            currency={validCurrency}
            value={method.amount}
            onValueChange={(amount) => onChange({ amount })}
          />
          <MoneyField
            label="Plus per item"
            name={at("amountPerItem")}
            currency={validCurrency}
            value={method.amountPerItem}
            onValueChange={(amountPerItem) => onChange({ amountPerItem })}
          />
        </div>
      )}
      {method.type === "table_rate" && (
        <>
          <SelectField
            label="Rates by"
            name={at("rateBasis")}
            value={method.rateBasis}
            className="mt-4 max-w-xs"
            onChange={(e) => onChange({ rateBasis: e.currentTarget.value as MethodDraft["rateBasis"] })}
            options={[
              { value: "subtotal", label: "Cart subtotal" },
              { value: "weight", label: "Weight (grams)" },
              { value: "quantity", label: "Number of items" },
            ]}
          />
          <TableRatesEditor
            method={{ ...method, currency: validCurrency }}
            index={index}
            onChange={(rows) => onChange({ rows })}
          />
        </>
      )}
      {method.type === "pickup" && (
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <Field
            label="Pickup address"
            name={at("pickupAddress")}
            value={method.pickupAddress}
            maxLength={300}
            onChange={(e) => onChange({ pickupAddress: e.currentTarget.value })}
          />
          <MoneyField
            label="Pickup fee"
            name={at("amount")}
            currency={validCurrency}
            value={method.amount}
            hint="Empty: free."
            onValueChange={(amount) => onChange({ amount })}
          />
        </div>
      )}
      {method.type === "carrier" && (
        <Field
          label="Carrier strategy"
          name={at("carrier")}
          value={method.carrier}
          maxLength={40}
          className="mt-4 max-w-sm"
          hint="The id of the live-rate strategy, e.g. easypost."
          onChange={(e) => onChange({ carrier: e.currentTarget.value })}
        />
      )}
      <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
        <Checkbox
          label="Offered to shoppers"
          name={at("isActive")}
          checked={method.isActive}
          onChange={(e) => onChange({ isActive: e.currentTarget.checked })}
        />
        <Button variant="ghost" size="sm" onClick={onRemove}>
          Remove method
        </Button>
      </div>
    </fieldset>
  );
}

/** Creates (/settings/shipping/new) or edits a zone with all its methods, saved whole with its version. */
function ZoneEditor() {
  const { zoneId } = useParams();
  const isNew = !zoneId;
  const navigate = useNavigate();
  const toast = useToast();
  const zone = useQuery({
    queryKey: [...zonesKey, zoneId],
    queryFn: ({ signal }) => settingsApi.zone(zoneId!, signal),
    enabled: !isNew,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [draft, setDraft] = useState<ZoneDraft | null>(isNew ? zoneDraft(null) : null);
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (!zone.data) return;
    setDraft(zoneDraft(zone.data));
    setVersion(zone.data.version);
    setStale(false);
    setProblem(null);
  }, [zone.data]);
  const shownProblem = useMemo(() => withListErrors(problem, ["countries", "regions"]), [problem]);
  if (!draft) return <QueryState query={zone} label="the shipping zone" />;
  const setMethod = (key: string, changes: Partial<MethodDraft>) =>
    setDraft((d) =>
      d ? { ...d, methods: d.methods.map((m) => (m.key === key ? { ...m, ...changes } : m)) } : d,
    );
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    setSaving(true);
    try {
      const body = zoneBody(draft);
      const saved = isNew
        ? await settingsApi.createZone(body)
        : await settingsApi.saveZone(zoneId!, version, body);
      void queryClient.invalidateQueries({ queryKey: zonesKey });
      queryClient.setQueryData([...zonesKey, saved.id], saved);
      toast.success(
        isNew ? "Shipping zone added" : "Shipping zone saved",
        "New carts see its prices at once.",
      );
      if (isNew) navigate(`/settings/shipping/${encodeURIComponent(saved.id)}`, { replace: true });
      else {
        setDraft(zoneDraft(saved));
        setVersion(saved.version);
      }
    } catch (error) {
      if (isStale(error)) setStale(true);
      else setProblem(error);
    } finally {
      setSaving(false);
    }
  };
  const reload = async () => {
    queryClient.setQueryData([...zonesKey, zoneId], await settingsApi.zone(zoneId!));
  };
  const currency = draft.methods[0]?.currency || "USD";
  return (
    <>
      <p className="mb-4 text-sm">
        <Link to="/settings/shipping" className={textLink}>
          ← All shipping zones
        </Link>
      </p>
      {stale && <StaleAlert what="the shipping zone" onReload={reload} />}
      <ProblemForm problem={shownProblem} onSubmit={save} className="space-y-6 pb-8">
        <Section
          title={isNew ? "New shipping zone" : `Zone ${zone.data?.name ?? ""}`}
          description={isNew ? undefined : `Version ${version}`}
        >
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              label="Zone name"
              name="name"
              value={draft.name}
              required
              maxLength={100}
              onChange={(e) => {
                const name = e.currentTarget.value;
                setDraft((d) => (d ? { ...d, name } : d));
              }}
            />
            <Field
              label="Countries"
              name="countries"
              value={draft.countries}
              required
              autoComplete="off"
              hint='Two-letter codes separated by commas (US, CA), or "*" for every country.'
              onChange={(e) => {
                const countries = e.currentTarget.value;
                setDraft((d) => (d ? { ...d, countries } : d));
              }}
            />
            <Field
              label="Regions"
              name="regions"
              value={draft.regions}
              autoComplete="off"
              hint="Optional region codes (MI, OH); empty for every region."
              onChange={(e) => {
                const regions = e.currentTarget.value;
                setDraft((d) => (d ? { ...d, regions } : d));
              }}
            />
          </div>
        </Section>
        <Section title="Methods" description="Amounts in the method's currency.">
          <div className="space-y-4">
            {draft.methods.length === 0 && <p className="text-sm text-neutral-700">No methods yet.</p>}
            {draft.methods.map((method, index) => (
              <MethodEditor
                key={method.key}
                method={method}
                index={index}
                onChange={(changes) => setMethod(method.key, changes)}
                onRemove={() =>
                  setDraft((d) => (d ? { ...d, methods: d.methods.filter((m) => m.key !== method.key) } : d))
                }
              />
            ))}
          </div>
          <Button
            variant="secondary"
            className="mt-4"
            onClick={() =>
              setDraft((d) => (d ? { ...d, methods: [...d.methods, methodDraft(undefined, currency)] } : d))
            }
          >
            Add method
          </Button>
        </Section>
        <div className="flex flex-wrap justify-between gap-3">
          {!isNew ? (
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete zone
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" pending={saving} disabled={stale}>
            {isNew ? "Add shipping zone" : "Save shipping zone"}
          </Button>
        </div>
      </ProblemForm>
      <ConfirmDialog
        isOpen={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={`Delete zone ${zone.data?.name ?? ""}?`}
        tone="danger"
        confirmLabel="Delete zone"
        onConfirm={async () => {
          await settingsApi.deleteZone(zoneId!, version);
          await queryClient.invalidateQueries({ queryKey: zonesKey });
          toast.success("Shipping zone deleted");
          navigate("/settings/shipping");
        }}
      >
        Its methods stop being offered to new carts at once; orders keep the method they were placed with.
      </ConfirmDialog>
    </>
  );
}

// -------------------------------------------------------------------------------------------------
// Payments

function ProviderForm({ provider }: { provider: PaymentProvider }) {
  const toast = useToast();
  const [enabled, setEnabled] = useState(provider.enabled);
  const [testMode, setTestMode] = useState(provider.testMode);
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [forget, setForget] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [stale, setStale] = useState(false);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setEnabled(provider.enabled);
    setTestMode(provider.testMode);
    setKeys({});
    setForget(false);
    setStale(false);
  }, [provider]);
  const stored = provider.credentials.some((c) => c.source === "settings");
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typed = Object.fromEntries(Object.entries(keys).filter(([, v]) => v.trim() !== ""));
    const body: PaymentProviderInput = {
      enabled,
      ...(provider.supportsTestMode ? { testMode } : {}),
      ...(forget
        ? { credentials: Object.fromEntries(provider.credentials.map((c) => [c.name, null])) }
        : Object.keys(typed).length
          ? { credentials: typed }
          : {}),
    };
    setProblem(null);
    setSaving(true);
    try {
      const saved = await settingsApi.saveProvider(provider.code, provider.version, body);
      queryClient.setQueryData<PaymentProvider[]>(providersKey, (list) =>
        list?.map((p) => (p.code === saved.code ? saved : p)),
      );
      toast.success(
        `${saved.name} saved`,
        saved.offered ? "Offered at checkout." : "Not offered at checkout.",
      );
    } catch (error) {
      if (isStale(error)) setStale(true);
      else setProblem(error);
    } finally {
      setSaving(false);
    }
  };
  const reload = async () => {
    queryClient.setQueryData(providersKey, await settingsApi.providers());
  };
  return (
    <Section
      title={provider.name}
      description={provider.description}
      actions={
        <span className="flex flex-wrap gap-1.5">
          {provider.offered ? <Badge tone="green">Offered at checkout</Badge> : <Badge>Not offered</Badge>}
          {provider.supportsTestMode && provider.testMode && <Badge tone="amber">Test mode</Badge>}
          {provider.source === "environment" && <Badge>Set by the environment</Badge>}
        </span>
      }
    >
      {stale && <StaleAlert what={`the ${provider.name} settings`} onReload={reload} />}
      {provider.problem && (
        <Notice tone="warning" className="mb-4">
          {provider.problem}
        </Notice>
      )}
      <ProblemForm
        problem={problem}
        onSubmit={save}
        className="space-y-4"
        aria-label={`${provider.name} settings`}
      >
        <div className="flex flex-wrap gap-x-8 gap-y-3">
          <Checkbox
            label={`Offer ${provider.name} at checkout`}
            name="enabled"
            checked={enabled}
            disabled={!provider.available && !enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {provider.supportsTestMode && (
            <Checkbox
              label="Test mode"
              name="testMode"
              checked={testMode}
              hint="Test keys and sandbox; no real money moves."
              onChange={(e) => setTestMode(e.currentTarget.checked)}
            />
          )}
        </div>
        {provider.credentials.length > 0 && (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {provider.credentials.map((c) => (
              <Field
                key={c.name}
                label={c.label}
                name={`credentials.${c.name}`}
                type={c.secret ? "password" : "text"}
                autoComplete="off"
                spellCheck={false}
                value={keys[c.name] ?? ""}
                disabled={forget}
                placeholder={c.set ? "Leave empty to keep" : ""}
                hint={
                  c.set
                    ? `Set: ${c.hint ?? "…"} (${c.source === "settings" ? "saved here" : "from the environment"}). ${c.help}`
                    : `Not set. ${c.help}`
                }
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setKeys((k) => ({ ...k, [c.name]: value }));
                }}
              />
            ))}
          </div>
        )}
        {stored && (
          <Checkbox
            label="Forget the keys saved here (use the environment's, if any)"
            name="forget"
            checked={forget}
            onChange={(e) => setForget(e.currentTarget.checked)}
          />
        )}
        <Button type="submit" pending={saving} disabled={stale}>
          Save {provider.name}
        </Button>
      </ProblemForm>
    </Section>
  );
}

function PaymentsTab() {
  const providers = useQuery({
    queryKey: providersKey,
    queryFn: ({ signal }) => settingsApi.providers(signal),
  });
  return (
    <div className="space-y-6">
      <p className="text-sm text-neutral-700">
        Keys are stored encrypted and never shown again: only their last characters. A provider's keys come
        all from here or all from the server's environment.
      </p>
      <QueryState query={providers} label="the payment providers" />
      {providers.data?.map((p) => (
        <ProviderForm key={p.code} provider={p} />
      ))}
    </div>
  );
}
