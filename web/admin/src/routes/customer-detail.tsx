import { errorMessage, fieldErrors } from "@bazaar/sdk";
import { Button, ConfirmDialog, formatMinor, ProblemForm, Section, useToast } from "@bazaar/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { formatDate, formatDateTime } from "../api";
import { CustomerGroupsCard } from "../components/customer-groups-card";
import { TextAreaField } from "../components/forms";
import { humanize, StatusBadge } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { TagEditor } from "../components/tag-editor";
import { useCan } from "../queries";
import { customersKey, formatTotals } from "./customers";
import { customersApi } from "./customers.api";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-neutral-600">{label}</dt>
      <dd className="mt-0.5 text-sm text-neutral-900">{children}</dd>
    </div>
  );
}

/**
 * One customer: profile and consent, order figures, staff tags, addresses, latest orders, reviews,
 * wishlists, staff notes, customer groups, active sessions; send a password-reset e-mail, sign them out everywhere, export or
 * erase their data (GDPR).
 */
export function CustomerDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const canWrite = useCan("customers:write");
  const canGdpr = useCan("customers:gdpr");
  const key = [...customersKey, "detail", id];
  const customer = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => customersApi.get(id, signal),
    staleTime: 0,
  });
  const [note, setNote] = useState("");
  const [erase, setErase] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const addNote = useMutation({
    mutationFn: () => customersApi.addNote(id, note),
    onSuccess: () => {
      setNote("");
      void refresh();
    },
  });
  const tagChange = useMutation({
    mutationFn: ({ tag, add }: { tag: string; add: boolean }) =>
      add ? customersApi.addTag(id, tag) : customersApi.removeTag(id, tag),
    onSuccess: (tags) => {
      queryClient.setQueryData(key, (old: typeof customer.data) => (old ? { ...old, tags } : old));
      void queryClient.invalidateQueries({ queryKey: customersKey, refetchType: "none" });
    },
  });
  const action = useMutation({
    mutationFn: async (kind: "reset" | "sessions" | "export") => {
      if (kind === "reset") {
        const { sentTo } = await customersApi.sendPasswordReset(id);
        return `A password-reset link was e-mailed to ${sentTo}.`;
      }
      if (kind === "sessions") {
        const { ended } = await customersApi.endSessions(id);
        return `Signed out of ${ended} session${ended === 1 ? "" : "s"}.`;
      }
      const data = await customersApi.exportData(id);
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
      );
      const link = document.createElement("a");
      link.href = url;
      link.download = `customer-${id}.json`;
      link.click();
      URL.revokeObjectURL(url);
      return "The customer's data was downloaded.";
    },
    onSuccess: (message) => {
      toast.success(message);
      void refresh();
    },
    onError: (error) => toast.error("That did not work", error.message),
  });

  if (!customer.data)
    return (
      <>
        <PageHeading title="Customer" />
        <QueryState query={customer} label="the customer" />
      </>
    );
  const c = customer.data;
  const tagError = tagChange.error
    ? (fieldErrors(tagChange.error).tag ?? errorMessage(tagChange.error))
    : undefined;
  const onNote = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    addNote.mutate();
  };
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/customers" className="text-accent-800 underline">
          ← All customers
        </Link>
      </p>
      <PageHeading title={c.name || c.email} intro={c.email} />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Section title="Overview">
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
              <Fact label="Orders">{c.ordersCount}</Fact>
              <Fact label="Total spent">{formatTotals(c.totalSpent)}</Fact>
              <Fact label="Last order">{formatDate(c.lastOrderAt)}</Fact>
              <Fact label="Marketing">
                {c.marketingConsent ? `Subscribed ${formatDate(c.marketingConsentAt)}` : "Not subscribed"}
              </Fact>
              <Fact label="E-mail">{c.emailVerified ? "Verified" : "Not verified"}</Fact>
              <Fact label="Two-factor">{c.twoFactorEnabled ? "On" : "Off"}</Fact>
              <Fact label="Phone">{c.phone ?? "—"}</Fact>
            </dl>
          </Section>
          <Section title={`Orders (${c.orders.length === 20 ? "latest 20" : c.orders.length})`}>
            {c.orders.length === 0 ? (
              <p className="text-sm text-neutral-600">No orders yet.</p>
            ) : (
              <ul className="divide-y divide-neutral-100 text-sm">
                {c.orders.map((o) => (
                  <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <Link
                      to={`/orders/${encodeURIComponent(o.id)}`}
                      className="font-medium text-accent-800 underline"
                    >
                      #{o.number}
                    </Link>
                    <span>{formatDateTime(o.placedAt)}</span>
                    <StatusBadge value={o.status} />
                    <span className="tabular-nums">{formatMinor(o.total, o.currency)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section
            title="Tags"
            description="Staff labels to find and group customers. Customers never see them."
          >
            <TagEditor
              subject={c.name || c.email}
              tags={c.tags}
              canEdit={canWrite}
              pending={tagChange.isPending}
              error={tagError}
              onAdd={(tag) => tagChange.mutate({ tag, add: true })}
              onRemove={(tag) => tagChange.mutate({ tag, add: false })}
            />
          </Section>
          <Section title="Notes">
            <p className="mb-2 text-xs text-neutral-600">Only staff see notes.</p>
            {c.notes.length === 0 && <p className="text-sm text-neutral-600">No notes.</p>}
            <ul className="space-y-3">
              {c.notes.map((n) => (
                <li key={n.id} className="rounded-lg border border-neutral-200 bg-white p-3 text-sm">
                  <p className="whitespace-pre-line text-neutral-900">{n.body}</p>
                  <p className="mt-1 flex items-center justify-between text-xs text-neutral-600">
                    <span>
                      {n.authorName ?? "Staff"} · {formatDateTime(n.createdAt)}
                    </span>
                    {canWrite && (
                      <button
                        type="button"
                        className="text-accent-800 underline"
                        onClick={() => void customersApi.deleteNote(id, n.id).then(refresh)}
                      >
                        Delete<span className="sr-only"> note from {formatDateTime(n.createdAt)}</span>
                      </button>
                    )}
                  </p>
                </li>
              ))}
            </ul>
            {canWrite && (
              <ProblemForm problem={addNote.error} onSubmit={onNote} className="mt-3 space-y-3">
                <TextAreaField
                  label="New note"
                  name="body"
                  rows={2}
                  maxLength={5000}
                  value={note}
                  onChange={(e) => setNote(e.currentTarget.value)}
                />
                <Button type="submit" pending={addNote.isPending} disabled={!note.trim()}>
                  Add note
                </Button>
              </ProblemForm>
            )}
          </Section>
          <CustomerGroupsCard customerId={c.id} />
          <Section title="Reviews and wishlists">
            {c.reviews.length === 0 ? (
              <p className="text-sm text-neutral-600">No reviews.</p>
            ) : (
              <ul className="list-disc pl-5 text-sm">
                {c.reviews.map((r) => (
                  <li key={r.id}>
                    <span className="sr-only">{r.rating} out of 5 stars: </span>
                    <span aria-hidden="true">{r.rating}★ </span>
                    {r.title || "(rating only)"} · <span className="font-mono text-xs">{r.productSku}</span> ·{" "}
                    {humanize(r.status)}
                  </li>
                ))}
              </ul>
            )}
            <p className="mt-2 text-sm text-neutral-700">
              {c.wishlists.length === 0
                ? "No wishlists."
                : c.wishlists
                    .map((w) => `${w.title} (${w.items} item${w.items === 1 ? "" : "s"})`)
                    .join(", ")}
            </p>
          </Section>
        </div>
        <div className="space-y-6">
          <Section title="Addresses">
            {c.addresses.length === 0 && <p className="text-sm text-neutral-600">No saved addresses.</p>}
            <ul className="space-y-3 text-sm">
              {c.addresses.map((a) => (
                <li key={String(a.id)}>
                  <address className="not-italic">
                    {[
                      `${a.firstName ?? ""} ${a.lastName ?? ""}`.trim(),
                      a.company,
                      a.line1,
                      a.line2,
                      [a.postalCode, a.city, a.region].filter(Boolean).join(" "),
                      a.country,
                    ]
                      .filter(Boolean)
                      .map((line) => (
                        <span key={String(line)} className="block">
                          {String(line)}
                        </span>
                      ))}
                  </address>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Sign-in">
            <p className="text-sm text-neutral-700">
              {c.sessions.length} active session{c.sessions.length === 1 ? "" : "s"}
            </p>
            <ul className="mt-2 space-y-1 text-xs text-neutral-600">
              {c.sessions.slice(0, 5).map((s) => (
                <li key={s.id}>
                  {formatDateTime(s.createdAt)} · {s.ipAddress ?? "unknown address"}
                </li>
              ))}
            </ul>
            {canWrite && (
              <div className="mt-3 flex flex-wrap gap-2">
                <Button variant="secondary" size="sm" onClick={() => action.mutate("reset")}>
                  Send password reset
                </Button>
                <Button
                  variant="secondary"
                  size="sm"
                  disabled={c.sessions.length === 0}
                  onClick={() => action.mutate("sessions")}
                >
                  Sign out everywhere
                </Button>
              </div>
            )}
          </Section>
          {canGdpr && (
            <Section title="Personal data (GDPR)">
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" size="sm" onClick={() => action.mutate("export")}>
                  Export data
                </Button>
                <Button variant="danger" size="sm" onClick={() => setErase(true)}>
                  Erase customer
                </Button>
              </div>
            </Section>
          )}
        </div>
      </div>
      <ConfirmDialog
        isOpen={erase}
        onOpenChange={setErase}
        title={`Erase ${c.name || c.email}?`}
        confirmLabel="Erase for good"
        tone="danger"
        onConfirm={async () => {
          await customersApi.erase(id);
          toast.success("The customer's personal data was erased");
          await queryClient.invalidateQueries({ queryKey: customersKey });
          navigate("/customers");
        }}
      >
        Their name, e-mail, addresses, sessions, reviews' author details and wishlists are removed. Orders
        stay for the accounts, without the person's details. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
