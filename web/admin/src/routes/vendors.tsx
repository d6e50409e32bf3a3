import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button, cn, Spinner } from "@bazaar/ui";
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { formatDate } from "../api";
import {
  Alert,
  Field,
  Notice,
  Section,
  TableHead,
  TableScroll,
  tableClass,
  tdClass,
  textLink,
} from "../components/forms";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { queryClient } from "../queries";
import { type VendorDetail, type VendorList, type VendorStatus, vendorsApi } from "./vendors.api";

export const vendorsKey = ["admin", "vendors"] as const;
const listKey = [...vendorsKey, "list"] as const;

/** What each status is called on badges. */
export const statusLabels: Record<VendorStatus, string> = {
  applied: "Applied",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  active: "Active",
  suspended: "Suspended",
  closed: "Closed",
};

const statusTones: Record<VendorStatus, string> = {
  applied: "bg-amber-50 text-amber-900 ring-amber-300",
  changes_requested: "bg-accent-50 text-accent-800 ring-accent-200",
  rejected: "bg-red-50 text-red-800 ring-red-200",
  active: "bg-green-50 text-green-800 ring-green-200",
  suspended: "bg-amber-50 text-amber-900 ring-amber-300",
  closed: "bg-neutral-100 text-neutral-800 ring-neutral-300",
};

/** A vendor's status as a coloured pill; the text carries the meaning (colour only helps). */
export function VendorStatusBadge({ status }: { status: VendorStatus }) {
  return (
    <span
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        statusTones[status],
      )}
    >
      {statusLabels[status]}
    </span>
  );
}

type Tab = VendorStatus | "all";

/** The filter's choices, in the order staff work through them (the review queue first). */
const tabs: { value: Tab; label: string; empty: string }[] = [
  { value: "applied", label: "Applications", empty: "No applications wait for review." },
  { value: "changes_requested", label: "Changes requested", empty: "No applicant was asked for changes." },
  { value: "active", label: "Active", empty: "No active vendors." },
  { value: "suspended", label: "Suspended", empty: "No suspended vendors." },
  { value: "closed", label: "Closed", empty: "No closed vendors." },
  { value: "rejected", label: "Rejected", empty: "No rejected applications." },
  { value: "all", label: "All", empty: "No vendors yet." },
];

function tabOf(value: string | null): Tab | null {
  return tabs.find((t) => t.value === value)?.value ?? null;
}

function countOf(counts: VendorList["counts"] | undefined, tab: Tab): number | undefined {
  if (!counts) return undefined;
  if (tab === "all") return Object.values(counts).reduce((sum, n) => sum + n, 0);
  return counts[tab] ?? 0;
}

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 61);
}

function CreateVendorForm() {
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: vendorsApi.create,
    onSuccess: async () => {
      formRef.current?.reset();
      setSlug("");
      setSlugEdited(false);
      await queryClient.invalidateQueries({ queryKey: vendorsKey });
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name")).trim(), slug: slug.trim() });
  };
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-4">
      {create.isError && !errors.slug && !errors.name && <Alert>{errorMessage(create.error)}</Alert>}
      {create.isSuccess && (
        <Notice>
          Created the vendor{" "}
          <Link to={`/vendors/${encodeURIComponent(create.data.id)}`} className={textLink}>
            {create.data.name}
          </Link>
          .
        </Notice>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          autoComplete="off"
          error={errors.name}
          onChange={(event) => {
            if (!slugEdited) setSlug(slugify(event.currentTarget.value));
          }}
        />
        <Field
          label="Slug"
          name="slug"
          required
          maxLength={61}
          autoComplete="off"
          value={slug}
          onChange={(event) => {
            setSlug(event.currentTarget.value);
            setSlugEdited(true);
          }}
          hint="Used in the vendor's web address: lower-case letters, digits and hyphens."
          error={errors.slug}
        />
      </div>
      <Button type="submit" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create vendor"}
      </Button>
    </form>
  );
}

function VendorRow({ vendor }: { vendor: VendorDetail }) {
  return (
    <tr>
      <td className={`${tdClass} whitespace-nowrap`}>
        <Link to={`/vendors/${encodeURIComponent(vendor.id)}`} className={textLink}>
          {vendor.name}
        </Link>
        <span className="block font-mono text-xs text-neutral-600">{vendor.slug}</span>
      </td>
      <td className={`${tdClass} min-w-40`}>{vendor.legalName || "—"}</td>
      <td className={`${tdClass} whitespace-nowrap`}>{vendor.contactEmail || "—"}</td>
      <td className={tdClass}>{vendor.payoutCountry || "—"}</td>
      <td className={tdClass}>
        <VendorStatusBadge status={vendor.status} />
      </td>
      <td className={`${tdClass} whitespace-nowrap`}>
        {vendor.submittedAt ? (
          <time dateTime={vendor.submittedAt}>{formatDate(vendor.submittedAt)}</time>
        ) : (
          <>
            <time dateTime={vendor.createdAt}>{formatDate(vendor.createdAt)}</time>
            <span className="block text-xs text-neutral-600">Created by staff</span>
          </>
        )}
      </td>
    </tr>
  );
}

/**
 * Vendors: the review queue of applications first (when it has any), then the vendors by status with
 * their counts, a search over name, slug, legal name and contact e-mail; each row opens the vendor.
 * Staff may also create an active vendor directly, without an application.
 */
export function VendorsPage() {
  const [params, setParams] = useSearchParams();
  const requested = tabOf(params.get("status"));
  const q = params.get("q")?.trim() ?? "";
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const list = (tab: Tab) => ({
    queryKey: [...listKey, tab, q],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      vendorsApi.list({ status: tab === "all" ? undefined : tab, q }, signal),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  // Without a chosen status, the review queue shows when it has entries, and every vendor otherwise.
  const queue = useQuery(list(requested ?? "applied"));
  const tab: Tab =
    requested ??
    (queue.data && !queue.isPlaceholderData && queue.data.counts.applied === 0 ? "all" : "applied");
  const vendors = useQuery(list(tab));
  const counts = vendors.data?.counts ?? queue.data?.counts;
  const current = tabs.find((t) => t.value === tab)!;
  const rows = vendors.data?.items;
  const title = tab === "applied" ? "Applications to review" : `${current.label} vendors`;

  const linkTo = (value: Tab) => {
    const next = new URLSearchParams(params);
    next.set("status", value);
    return `?${next.toString()}`;
  };
  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (draft.trim()) next.set("q", draft.trim());
    else next.delete("q");
    setParams(next);
  };

  return (
    <>
      <PageHeading title="Vendors" intro="Sellers on the marketplace and their applications to sell." />
      <div className="space-y-6">
        <nav aria-label="Vendor status">
          <ul className="flex flex-wrap gap-2">
            {tabs.map((t) => {
              const selected = t.value === tab;
              const count = countOf(counts, t.value);
              return (
                <li key={t.value}>
                  <Link
                    to={linkTo(t.value)}
                    aria-current={selected ? "page" : undefined}
                    className={cn(
                      "inline-flex items-center gap-1 rounded-full border px-3 py-1.5 text-sm font-medium",
                      "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
                      selected
                        ? "border-accent-700 bg-accent-700 text-white"
                        : "border-neutral-300 bg-white text-neutral-800 hover:bg-neutral-50",
                    )}
                  >
                    {t.label}
                    {count !== undefined && ` (${count})`}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <search aria-label="Find vendors" className="block">
          <form onSubmit={onSearch} className="flex flex-wrap items-end gap-3">
            <Field
              label="Search"
              name="q"
              type="search"
              value={draft}
              onChange={(event) => setDraft(event.currentTarget.value)}
              placeholder="Shop or legal name, e-mail"
              maxLength={200}
              autoComplete="off"
              className="w-full max-w-xs"
            />
            <div className="flex gap-2">
              <Button type="submit" variant="secondary">
                Search
              </Button>
              {q && (
                <Button
                  variant="ghost"
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.delete("q");
                    setParams(next);
                  }}
                >
                  Clear search
                </Button>
              )}
            </div>
          </form>
        </search>
        <Section
          title={title}
          description={
            tab === "applied"
              ? "Newest first. Open an application to approve it, ask for changes or reject it."
              : "Newest first."
          }
        >
          <QueryState query={vendors} label="vendors" />
          {rows &&
            (rows.length > 0 ? (
              <TableScroll label={title}>
                <table
                  className={cn(tableClass, vendors.isPlaceholderData && "opacity-60")}
                  aria-busy={vendors.isPlaceholderData || undefined}
                >
                  <caption className="sr-only">{title}, newest first</caption>
                  <TableHead
                    columns={[
                      "Vendor",
                      "Legal name",
                      "Contact e-mail",
                      "Payout country",
                      "Status",
                      "Submitted",
                    ]}
                  />
                  <tbody className="divide-y divide-neutral-100">
                    {rows.map((vendor) => (
                      <VendorRow key={vendor.id} vendor={vendor} />
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : vendors.isPlaceholderData ? (
              <Spinner label="Loading vendors…" />
            ) : (
              <p className="text-sm text-neutral-600">{q ? "No vendor matches." : current.empty}</p>
            ))}
        </Section>
        <Section
          title="Create a vendor"
          description="An active vendor straight away, without an application (e.g. a seller signed up offline)."
        >
          <CreateVendorForm />
        </Section>
      </div>
    </>
  );
}
