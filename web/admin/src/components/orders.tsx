import { isApiError, type PostalAddress, type StaffMember } from "@bazaar/sdk";
import { cn } from "@bazaar/ui";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { adminApi } from "../api";
import { useCan, useMe } from "../queries";

/** "partially_shipped" -> "Partially shipped". */
export function humanize(value: string): string {
  const text = value.replaceAll("_", " ").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "—";
}

type Tone = "neutral" | "info" | "success" | "warning" | "danger";

const tones: Record<Tone, string> = {
  neutral: "bg-neutral-100 text-neutral-800 ring-neutral-300",
  info: "bg-accent-50 text-accent-800 ring-accent-200",
  success: "bg-green-50 text-green-800 ring-green-200",
  warning: "bg-amber-50 text-amber-900 ring-amber-300",
  danger: "bg-red-50 text-red-800 ring-red-200",
};

const toneOf: Record<string, Tone> = {
  // orders
  pending_payment: "warning",
  payment_failed: "danger",
  on_hold: "warning",
  processing: "info",
  ready_for_pickup: "info",
  partially_shipped: "info",
  shipped: "success",
  delivered: "success",
  completed: "success",
  cancelled: "danger",
  refunded: "neutral",
  // payments
  pending: "warning",
  requires_action: "warning",
  authorized: "info",
  paid: "success",
  captured: "success",
  succeeded: "success",
  partially_refunded: "neutral",
  failed: "danger",
  voided: "neutral",
  canceled: "neutral",
  // fulfilment and parcels
  unfulfilled: "warning",
  partially_fulfilled: "info",
  fulfilled: "success",
  partially_delivered: "info",
  not_required: "neutral",
  in_transit: "info",
  picked_up: "success",
  out_for_delivery: "info",
  returned: "neutral",
  // returns and disputes
  requested: "warning",
  approved: "info",
  rejected: "danger",
  received: "success",
  needs_response: "danger",
  warning_needs_response: "warning",
  under_review: "info",
};

/** A status as a coloured pill; the text carries the meaning (colour only helps). */
export function StatusBadge({ value, "data-testid": testId }: { value: string; "data-testid"?: string }) {
  return (
    <span
      data-testid={testId}
      className={cn(
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[toneOf[value] ?? "neutral"],
      )}
    >
      {humanize(value)}
    </span>
  );
}

/** A postal address as lines of text. */
export function AddressBlock({ address }: { address: PostalAddress | null }) {
  if (!address) return <p className="text-sm text-neutral-600">None</p>;
  const lines = [
    `${address.firstName} ${address.lastName}`.trim(),
    address.company,
    address.line1,
    address.line2,
    [address.city, address.region, address.postalCode].filter(Boolean).join(", "),
    address.country,
    address.phone,
  ].filter((line): line is string => Boolean(line));
  return (
    <address className="text-sm not-italic text-neutral-800">
      {lines.map((line) => (
        <span key={line} className="block">
          {line}
        </span>
      ))}
    </address>
  );
}

const actorKinds: Record<string, string> = {
  staff: "Staff",
  carrier: "Carrier",
  provider: "Payment provider",
  email: "Guest",
  user: "Customer",
};

/**
 * Who did something, from an order event's or refund's `actor` ("staff:<user id>", "customer",
 * "carrier:ups", ...). Staff are named when the signed-in member may read the staff list.
 */
export function useActorLabel(): (actor: string) => string {
  const me = useMe();
  const canReadStaff = useCan("staff:manage");
  const staff = useQuery({
    queryKey: ["admin", "staff"],
    queryFn: ({ signal }) => adminApi.staff(signal),
    enabled: canReadStaff,
    retry: (count, error) => !(isApiError(error) && error.status < 500) && count < 1,
  });
  const members = new Map<string, StaffMember>(staff.data?.items.map((m) => [m.userId, m]) ?? []);
  return (actor: string) => {
    const colon = actor.indexOf(":");
    if (colon < 0) return humanize(actor);
    const kind = actor.slice(0, colon);
    const who = actor.slice(colon + 1);
    if (kind === "staff") {
      if (who === me.data?.userId) return `You (${me.data.email})`;
      const member = members.get(who);
      if (member) return `${member.name} (${member.email})`;
    }
    return `${actorKinds[kind] ?? humanize(kind)} ${who}`;
  };
}

/** A term and its value in a description list. */
export function Term({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-4 py-1">
      <dt className="text-neutral-700">{term}</dt>
      <dd className="text-right tabular-nums text-neutral-900">{children}</dd>
    </div>
  );
}
