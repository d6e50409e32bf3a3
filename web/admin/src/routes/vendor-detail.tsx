import { isApiError } from "@bazaar/sdk";
import { Button, type ButtonVariant, Modal, ProblemForm, useToast } from "@bazaar/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { formatDateTime } from "../api";
import {
  Field,
  Section,
  SelectField,
  TableHead,
  TableScroll,
  TextAreaField,
  tableClass,
  tdClass,
  textLink,
} from "../components/forms";
import { humanize, StatusBadge } from "../components/orders";
import { PageHeading } from "../components/PageHeading";
import { QueryState } from "../components/QueryError";
import { VendorStatusBadge, vendorsKey } from "./vendors";
import { type VendorDetail, type VendorStatus, vendorsApi } from "./vendors.api";

function Fact({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <dt className="text-xs font-medium uppercase tracking-wide text-neutral-600">{label}</dt>
      <dd className="mt-0.5 break-words text-sm text-neutral-900">{children}</dd>
    </div>
  );
}

const none = <span className="text-neutral-600">—</span>;
const orNone = (value: string | null | undefined) => value || none;

const payoutMethods: Record<string, string> = {
  stripe_connect: "Stripe Connect",
  bank_transfer: "Bank transfer",
};

/** What each status means for the vendor, under its badge. */
function statusSentence(vendor: VendorDetail): string {
  switch (vendor.status) {
    case "applied":
      return `Waiting for review since ${formatDateTime(vendor.submittedAt)}.`;
    case "changes_requested":
      return "The applicant was asked for changes. You may still decide without waiting for them.";
    case "rejected":
      return "The application was rejected. The applicant may apply again.";
    case "active":
      return "Selling: its published products are on the storefront and its members use the vendor portal.";
    case "suspended":
      return "Its products are hidden from the storefront. Its members can still sign in to follow up orders.";
    case "closed":
      return "Its products are not sold and the vendor portal is shut for its members.";
  }
}

type ActionKey = "approve" | "request_changes" | "reject" | "suspend" | "close" | "reinstate";

interface ActionSpec {
  /** The button on the page (it opens the dialog). */
  label: string;
  variant: ButtonVariant;
  title: (name: string) => string;
  description: string;
  reasonLabel: string;
  reasonHint: string;
  reasonRequired: boolean;
  confirm: string;
  /** The toast once done. */
  done: (name: string) => [string, string];
  run: (id: string, reason: string) => Promise<VendorDetail>;
}

const actions: Record<ActionKey, ActionSpec> = {
  approve: {
    label: "Approve…",
    variant: "primary",
    title: (name) => `Approve ${name}?`,
    description:
      "The vendor becomes active: its owners sign in to the vendor portal to add and publish products. The applicant is e-mailed.",
    reasonLabel: "Message to the applicant (optional)",
    reasonHint: "Added to the approval e-mail.",
    reasonRequired: false,
    confirm: "Approve vendor",
    done: (name) => ["Application approved", `${name} can now sign in to the vendor portal.`],
    run: (id, reason) => vendorsApi.review(id, { decision: "approve", ...(reason ? { reason } : {}) }),
  },
  request_changes: {
    label: "Request changes…",
    variant: "secondary",
    title: (name) => `Ask ${name} for changes`,
    description: "The applicant is e-mailed what to change, and sends the application again once changed.",
    reasonLabel: "What to change",
    reasonHint: "E-mailed to the applicant as it is written here.",
    reasonRequired: true,
    confirm: "Request changes",
    done: (name) => ["Changes requested", `The applicant of ${name} was e-mailed what to change.`],
    run: (id, reason) => vendorsApi.review(id, { decision: "request_changes", reason }),
  },
  reject: {
    label: "Reject…",
    variant: "danger",
    title: (name) => `Reject ${name}?`,
    description: "The applicant is e-mailed the reason. They may apply again later.",
    reasonLabel: "Reason",
    reasonHint: "E-mailed to the applicant as it is written here.",
    reasonRequired: true,
    confirm: "Reject application",
    done: (name) => ["Application rejected", `The applicant of ${name} was e-mailed the reason.`],
    run: (id, reason) => vendorsApi.review(id, { decision: "reject", reason }),
  },
  suspend: {
    label: "Suspend…",
    variant: "secondary",
    title: (name) => `Suspend ${name}?`,
    description:
      "Its products leave the storefront. Its members can still sign in to ship and follow up orders already placed. The vendor is e-mailed the reason.",
    reasonLabel: "Reason",
    reasonHint: "E-mailed to the vendor as it is written here.",
    reasonRequired: true,
    confirm: "Suspend vendor",
    done: (name) => ["Vendor suspended", `${name}'s products are hidden from the storefront.`],
    run: (id, reason) => vendorsApi.setStatus(id, { status: "suspended", reason }),
  },
  close: {
    label: "Close…",
    variant: "danger",
    title: (name) => `Close ${name}?`,
    description:
      "Its products are no longer sold and the vendor portal is shut for its members. The vendor is e-mailed the reason. You can reinstate it later.",
    reasonLabel: "Reason",
    reasonHint: "E-mailed to the vendor as it is written here.",
    reasonRequired: true,
    confirm: "Close vendor",
    done: (name) => ["Vendor closed", `${name}'s products are no longer sold.`],
    run: (id, reason) => vendorsApi.setStatus(id, { status: "closed", reason }),
  },
  reinstate: {
    label: "Reinstate…",
    variant: "primary",
    title: (name) => `Reinstate ${name}?`,
    description:
      "The vendor is active again: its published products come back to the storefront. It is e-mailed.",
    reasonLabel: "Message to the vendor (optional)",
    reasonHint: "Added to the e-mail.",
    reasonRequired: false,
    confirm: "Reinstate vendor",
    done: (name) => ["Vendor reinstated", `${name}'s published products are back on the storefront.`],
    run: (id, reason) => vendorsApi.setStatus(id, { status: "active", ...(reason ? { reason } : {}) }),
  },
};

/** What staff may do from each status (rejected applicants apply again themselves). */
const actionsOf: Record<VendorStatus, ActionKey[]> = {
  applied: ["approve", "request_changes", "reject"],
  changes_requested: ["approve", "request_changes", "reject"],
  rejected: [],
  active: ["suspend", "close"],
  suspended: ["reinstate", "close"],
  closed: ["reinstate"],
};

/** Asks for the reason (required or optional, as the action wants) and runs the action. */
function ActionDialog({
  vendor,
  action,
  onClose,
  onDone,
}: {
  vendor: VendorDetail;
  action: ActionKey | null;
  onClose: () => void;
  onDone: (action: ActionKey, vendor: VendorDetail) => void;
}) {
  const spec = action ? actions[action] : null;
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: ({ key, reason }: { key: ActionKey; reason: string }) => actions[key].run(vendor.id, reason),
    onSuccess: (saved, { key }) => {
      run.reset();
      onDone(key, saved);
    },
    // Decided or changed meanwhile by someone else (409): show the status as it now stands.
    onError: (error) => {
      if (isApiError(error) && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: vendorsKey });
    },
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!action) return;
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    run.mutate({ key: action, reason });
  };
  return (
    <Modal
      isOpen={spec !== null}
      onOpenChange={(open) => {
        if (!open && !run.isPending) {
          run.reset();
          onClose();
        }
      }}
      title={spec ? spec.title(vendor.name) : ""}
      description={spec?.description}
    >
      {(close) =>
        spec && (
          <ProblemForm problem={run.error} onSubmit={onSubmit} className="space-y-4">
            <TextAreaField
              label={spec.reasonLabel}
              name="reason"
              rows={4}
              maxLength={2000}
              hint={spec.reasonHint}
              aria-required={spec.reasonRequired || undefined}
            />
            <div className="flex flex-wrap justify-end gap-3">
              <Button variant="secondary" onClick={close} disabled={run.isPending}>
                Cancel
              </Button>
              <Button
                type="submit"
                variant={spec.variant === "danger" ? "danger" : "primary"}
                pending={run.isPending}
              >
                {spec.confirm}
              </Button>
            </div>
          </ProblemForm>
        )
      }
    </Modal>
  );
}

/** Adds an existing account to the vendor, as owner or staff, by e-mail. */
function AddMemberForm({ vendorId, onAdded }: { vendorId: string; onAdded: (email: string) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const add = useMutation({
    mutationFn: (body: { email: string; role: "owner" | "staff" }) => vendorsApi.addMember(vendorId, body),
    onSuccess: (_, body) => {
      formRef.current?.reset();
      onAdded(body.email);
    },
  });
  // "No account with this e-mail" and "already works for a vendor" are about the e-mail entered.
  const emailError =
    isApiError(add.error) && ["ACCOUNT_NOT_FOUND", "ALREADY_VENDOR_MEMBER"].includes(add.error.code)
      ? add.error.detail
      : undefined;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    add.mutate({
      email: String(form.get("email") ?? "").trim(),
      role: form.get("role") === "owner" ? "owner" : "staff",
    });
  };
  return (
    <ProblemForm
      ref={formRef}
      problem={emailError ? undefined : add.error}
      onSubmit={onSubmit}
      aria-label="Add a member"
      className="mt-4 space-y-3"
    >
      <h3 className="text-sm font-semibold text-neutral-900">Add a member</h3>
      <div className="grid gap-3 sm:grid-cols-[1fr_10rem]">
        <Field
          label="E-mail"
          name="email"
          type="email"
          required
          maxLength={254}
          autoComplete="off"
          hint="Of an existing account: ask them to sign up first."
          error={emailError}
        />
        <SelectField label="Role" name="role" defaultValue="staff">
          <option value="staff">Staff</option>
          <option value="owner">Owner</option>
        </SelectField>
      </div>
      <Button type="submit" variant="secondary" pending={add.isPending}>
        Add member
      </Button>
    </ProblemForm>
  );
}

/** The vendor's first 20 products, each opening the product editor. */
function VendorProducts({ vendorId }: { vendorId: string }) {
  const products = useQuery({
    queryKey: [...vendorsKey, "products", vendorId],
    queryFn: ({ signal }) => vendorsApi.products(vendorId, signal),
    staleTime: 0,
  });
  const items = products.data?.items ?? [];
  const total = products.data?.total ?? 0;
  return (
    <Section
      title="Products"
      description={
        products.data && total > items.length ? `The latest ${items.length} of ${total}.` : undefined
      }
    >
      <QueryState query={products} label="the vendor's products" />
      {products.data &&
        (items.length === 0 ? (
          <p className="text-sm text-neutral-600">No products yet.</p>
        ) : (
          <ul className="divide-y divide-neutral-100 text-sm">
            {items.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span className="min-w-0">
                  <Link to={`/products/${encodeURIComponent(p.id)}`} className={textLink}>
                    {p.name}
                  </Link>
                  <span className="block font-mono text-xs text-neutral-600">{p.sku}</span>
                </span>
                <StatusBadge value={p.status} />
              </li>
            ))}
          </ul>
        ))}
    </Section>
  );
}

/**
 * One vendor (/vendors/:id): its application (business details, address, payout, seller agreement),
 * its status with staff's last note and the actions that status allows (approve, ask for changes or
 * reject an application; suspend, close or reinstate a vendor, each e-mailed with its reason), its
 * members and how to add one, and its products.
 */
export function VendorDetailPage() {
  const { id = "" } = useParams();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<ActionKey | null>(null);
  const vendor = useQuery({
    queryKey: [...vendorsKey, "detail", id],
    queryFn: ({ signal }) => vendorsApi.get(id, signal),
    staleTime: 0,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: vendorsKey });

  if (!vendor.data)
    return (
      <>
        <p className="mb-2 text-sm">
          <Link to="/vendors" className="text-accent-800 underline">
            ← All vendors
          </Link>
        </p>
        <PageHeading title="Vendor" />
        <QueryState query={vendor} label="the vendor" />
      </>
    );
  const { vendor: v, members } = vendor.data;
  const address = v.address;
  const available = actionsOf[v.status];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/vendors" className="text-accent-800 underline">
          ← All vendors
        </Link>
      </p>
      <PageHeading
        title={v.name}
        intro={
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{v.slug}</span>
            <VendorStatusBadge status={v.status} />
          </span>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        {/* Status and actions first on a phone; the right-hand column from lg up. */}
        <div className="min-w-0 space-y-6 lg:order-last">
          <Section title="Status">
            <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
              <VendorStatusBadge status={v.status} />
              {v.reviewedAt && v.status !== "applied" && (
                <span className="text-neutral-600">since {formatDateTime(v.reviewedAt)}</span>
              )}
            </p>
            <p className="mt-2 text-sm text-neutral-700">{statusSentence(v)}</p>
            {v.reviewNote && (
              <figure className="mt-3 rounded-lg border border-neutral-200 bg-neutral-50 px-3 py-2 text-sm">
                <figcaption className="text-xs font-semibold text-neutral-700">
                  {v.status === "applied"
                    ? `Staff's last note, ${formatDateTime(v.reviewedAt)}`
                    : "Staff's note"}
                </figcaption>
                <blockquote className="mt-1 whitespace-pre-line break-words text-neutral-900">
                  {v.reviewNote}
                </blockquote>
              </figure>
            )}
            {available.length > 0 && (
              <div className="mt-4 flex flex-wrap gap-2">
                {available.map((key) => (
                  <Button key={key} variant={actions[key].variant} size="sm" onClick={() => setAction(key)}>
                    {actions[key].label}
                  </Button>
                ))}
              </div>
            )}
          </Section>
        </div>
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Section title="Application">
            <dl className="grid gap-4 sm:grid-cols-2">
              <Fact label="Shop name">{v.name}</Fact>
              <Fact label="Shop address (slug)">
                <span className="font-mono">{v.slug}</span>
              </Fact>
              <Fact label="Description" wide>
                {v.description ? <span className="whitespace-pre-line">{v.description}</span> : none}
              </Fact>
              <Fact label="Legal name">{orNone(v.legalName)}</Fact>
              <Fact label="Tax id">{orNone(v.taxId)}</Fact>
              <Fact label="Contact e-mail">
                {v.contactEmail ? (
                  <a href={`mailto:${v.contactEmail}`} className={`${textLink} [overflow-wrap:anywhere]`}>
                    {v.contactEmail}
                  </a>
                ) : (
                  none
                )}
              </Fact>
              <Fact label="Contact phone">
                {v.contactPhone ? (
                  <a href={`tel:${v.contactPhone.replace(/[^+\d]/g, "")}`} className={textLink}>
                    {v.contactPhone}
                  </a>
                ) : (
                  none
                )}
              </Fact>
              <Fact label="Business address">
                {address ? (
                  <address className="not-italic">
                    {[
                      `${address.firstName} ${address.lastName}`.trim(),
                      address.company,
                      address.line1,
                      address.line2,
                      [address.postalCode, address.city, address.region].filter(Boolean).join(" "),
                      address.country,
                      address.phone,
                    ]
                      .filter(Boolean)
                      .map((line) => (
                        <span key={String(line)} className="block">
                          {line}
                        </span>
                      ))}
                  </address>
                ) : (
                  none
                )}
              </Fact>
              <Fact label="Payout">
                {v.payoutCountry || v.payoutMethod ? (
                  <>
                    <span className="block">{v.payoutMethod ? payoutMethods[v.payoutMethod] : "—"}</span>
                    <span className="block">Country: {v.payoutCountry || "—"}</span>
                  </>
                ) : (
                  none
                )}
              </Fact>
              <Fact label="Seller agreement">
                {v.agreementVersion ? (
                  <>
                    <span className="block">Version {v.agreementVersion}</span>
                    <span className="block text-neutral-700">
                      Accepted {formatDateTime(v.agreementAcceptedAt)}
                    </span>
                  </>
                ) : (
                  none
                )}
              </Fact>
              <Fact label="Submitted">
                {v.submittedAt
                  ? formatDateTime(v.submittedAt)
                  : `Created by staff ${formatDateTime(v.createdAt)}`}
              </Fact>
            </dl>
          </Section>
          <Section title="Members" description="The accounts that work for this vendor in the vendor portal.">
            {members.length === 0 ? (
              <p className="text-sm text-neutral-600">No members.</p>
            ) : (
              <TableScroll label={`Members of ${v.name}`}>
                <table className={tableClass}>
                  <caption className="sr-only">Members of {v.name}</caption>
                  <TableHead columns={["Name", "E-mail", "Role"]} />
                  <tbody className="divide-y divide-neutral-100">
                    {members.map((m) => (
                      <tr key={m.userId}>
                        <td className={tdClass}>{m.name || "—"}</td>
                        <td className={`${tdClass} whitespace-nowrap`}>{m.email}</td>
                        <td className={tdClass}>{humanize(m.role)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            )}
            <AddMemberForm
              vendorId={v.id}
              onAdded={(email) => {
                toast.success("Member added", `${email} now works for ${v.name}.`);
                void refresh();
              }}
            />
          </Section>
          <VendorProducts vendorId={v.id} />
        </div>
      </div>
      <ActionDialog
        vendor={v}
        action={action}
        onClose={() => setAction(null)}
        onDone={(key, saved) => {
          setAction(null);
          const [title, description] = actions[key].done(saved.name);
          toast.success(title, description);
          void refresh();
        }}
      />
    </>
  );
}
