/**
 * The order timeline in plain language. Timeline entries (`order_events`) are stored as facts: a
 * `type`, a `data` object (amounts in minor units of the order currency) and a short technical
 * `message`. What people read is made here, at read time, from the type and data, so entries written
 * before this renderer existed read as well as new ones; an entry of a type this file does not know
 * keeps its stored message.
 *
 * Money is formatted with `@bazaar/money` (through platform/money.ts) in the order's currency, with
 * that currency's ISO 4217 digits: "$136.00", "¥1,500", "€20.00".
 *
 * Two audiences: staff read everything; the shopper reads only public entries (see orders.view.ts)
 * and never staff names, staff-typed reasons or internal steps (fraud signals, units released).
 */
import { formatMoney } from "../../platform/money.ts";

/** Who reads the timeline: staff (everything) or the order's shopper (no staff names or reasons). */
export type TimelineAudience = "staff" | "shopper";

/** A stored timeline entry, as far as rendering needs it. */
export interface TimelineEvent {
  type: string;
  message: string;
  /** "system", "customer", "guest", "provider:<id>", "carrier:<id>", "staff:<user id>". */
  actor: string;
  data: Record<string, unknown>;
}

/** What the renderer may look up about an order besides its events (each optional). */
export interface TimelineContext {
  audience: TimelineAudience;
  /** ISO 4217 code of the order: amounts in `data` are minor units of it. */
  currency: string;
  orderNumber: string;
  /** Staff names by user id (staff audience). */
  staffNames?: ReadonlyMap<string, string>;
  /** The order's parcels by fulfilment id (carrier and tracking of older "shipped" entries). */
  fulfillments?: ReadonlyMap<string, { carrier: string; trackingNumber: string | null }>;
  /** The order's returns by id (RMA number, restocked). */
  returns?: ReadonlyMap<string, { number: string; restocked: boolean | null }>;
  /** The order's disputes by provider reference (reason). */
  disputes?: ReadonlyMap<string, { reason: string }>;
}

/** A rendered entry: the sentence, and who did it in words. */
export interface RenderedEvent {
  message: string;
  actorName: string;
}

const providerNames: Record<string, string> = {
  stripe: "Stripe",
  paypal: "PayPal",
  test: "Test payments",
  bank_transfer: "Bank transfer",
  cash_on_delivery: "Cash on delivery",
  manual: "Manual payment",
};

const carrierNames: Record<string, string> = {
  ups: "UPS",
  usps: "USPS",
  fedex: "FedEx",
  dhl: "DHL",
  dpd: "DPD",
  gls: "GLS",
  tnt: "TNT",
};

const refundReasons: Record<string, string> = {
  requested_by_customer: "requested by customer",
  duplicate: "duplicate",
  fraudulent: "fraudulent",
  other: "other",
};

/** "bank_transfer" -> "Bank transfer"; known providers by their names ("paypal" -> "PayPal"). */
export function providerName(id: string): string {
  return providerNames[id] ?? capitalise(id.replaceAll("_", " "));
}

/** "ups" -> "UPS", "fedex" -> "FedEx"; another carrier as typed. */
export function carrierName(id: string): string {
  return carrierNames[id.toLowerCase()] ?? id;
}

/**
 * Who did it, in words: "Ada Lovelace (staff)", "Customer", "Customer (guest)", "Stripe", "UPS",
 * "System". A staff member whose account is gone reads "Staff member".
 */
export function actorName(actor: string, staffNames?: ReadonlyMap<string, string>): string {
  const colon = actor.indexOf(":");
  const kind = colon < 0 ? actor : actor.slice(0, colon);
  const who = colon < 0 ? "" : actor.slice(colon + 1);
  switch (kind) {
    case "system":
      return "System";
    case "customer":
      return "Customer";
    case "guest":
      return "Customer (guest)";
    case "provider":
      return providerName(who);
    case "carrier":
      return carrierName(who);
    case "staff": {
      const name = staffNames?.get(who);
      return name ? `${name} (staff)` : "Staff member";
    }
    default:
      return capitalise(actor.replaceAll("_", " "));
  }
}

/**
 * An amount in minor units of `currency` for people ("$136.00", "¥1,500"); a currency the money
 * package does not know reads "13600 XYZ" rather than failing the whole timeline.
 */
export function money(amount: number, currency: string): string {
  try {
    return formatMoney(amount, currency);
  } catch {
    return `${amount} ${currency}`;
  }
}

const capitalise = (text: string) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);
const str = (value: unknown): string | null => (typeof value === "string" && value ? value : null);
const int = (value: unknown): number | null =>
  typeof value === "number" && Number.isSafeInteger(value) ? value : null;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The amount of an entry: `data.amount`, else the number in an older stored message ("Payment of 13600 captured"). */
function amountOf(event: TimelineEvent): number | null {
  const fromData = int(event.data.amount);
  if (fromData !== null) return fromData;
  const match = /(?:Payment of|Refunded) (\d{1,15})\b/.exec(event.message);
  return match ? Number(match[1]) : null;
}

/** Units in a `lines` array of `{ quantity }`, or null when there is none. */
function unitsOf(lines: unknown): number | null {
  if (!Array.isArray(lines) || lines.length === 0) return null;
  let units = 0;
  for (const line of lines) {
    const q = int((line as { quantity?: unknown } | null)?.quantity);
    if (q === null) return null;
    units += q;
  }
  return units;
}

/** The text after "<prefix>: " in a stored message ("Order cancelled: out of stock" -> "out of stock"). */
function after(message: string, prefix: string): string | null {
  return message.startsWith(`${prefix}: `) ? message.slice(prefix.length + 2).trim() || null : null;
}

/**
 * An entry in plain language with money in the order's currency, e.g. "Payment of $136.00 captured
 * by Stripe", "Refunded $20.00 (requested by customer)", "Shipped 2 items with UPS, tracking 1Z…".
 * For the shopper, staff-typed reasons and internal details are left out and nobody on staff is
 * named. An unknown type keeps its stored message.
 */
export function describeOrderEvent(event: TimelineEvent, ctx: TimelineContext): string {
  const staff = ctx.audience === "staff";
  const d = event.data;
  const currency = str(d.currency) ?? ctx.currency;
  const amount = amountOf(event);
  const cash = amount === null ? null : money(amount, currency);
  const colon = event.actor.indexOf(":");
  const actorKind = colon < 0 ? event.actor : event.actor.slice(0, colon);
  const actorId = colon < 0 ? "" : event.actor.slice(colon + 1);
  const paidWith = str(d.provider) ?? (actorKind === "provider" ? actorId : null);

  switch (event.type) {
    case "order.placed": {
      const total = int(d.total);
      return `Order ${ctx.orderNumber} placed${total === null ? "" : ` for ${money(total, currency)}`}`;
    }
    case "order.imported": {
      const source = str(d.source);
      return source
        ? `Order imported from ${capitalise(source)}${staff && str(d.externalId) ? ` (${d.externalId})` : ""}`
        : event.message;
    }
    case "order.held": {
      if (!staff) return "Order held for review";
      const signals = Array.isArray(d.signals)
        ? d.signals.map((s) => str((s as { message?: unknown } | null)?.message)).filter(Boolean)
        : [];
      return signals.length ? `Held for review: ${signals.join("; ")}` : "Held for review";
    }
    case "order.approved": {
      const captured = int(d.captured);
      return captured
        ? `Released after review; ${money(captured, currency)} captured`
        : "Released after review";
    }
    case "payment.captured":
    case "payment.authorized": {
      const verb = event.type === "payment.captured" ? "captured" : "authorized";
      // Older "marked paid" entries name the provider only in their message: "... received (bank_transfer)".
      const provider = paidWith ?? /\(([a-z_]+)\)$/.exec(event.message)?.[1] ?? null;
      // A manual payment marked paid by staff: "received by bank transfer".
      const manual = actorKind === "staff" || (provider !== null && provider in manualProviders);
      const what = cash ? `Payment of ${cash}` : "Payment";
      if (manual && event.type === "payment.captured")
        return `${what} received${provider ? ` by ${providerName(provider).toLowerCase()}` : ""}`;
      return `${what} ${verb}${provider ? ` by ${providerName(provider)}` : ""}`;
    }
    case "payment.voided":
      return "Payment authorization voided";
    case "payment.after_cancellation":
      return `${cash ? `Payment of ${cash}` : "A payment"} arrived after the order was closed; it is being refunded`;
    case "order.payment_failed":
      return paymentFailed(event, staff);
    case "order.cancelled": {
      // Before `payment_failed` existed, a declined checkout was recorded as a cancellation.
      if ("failureCode" in d || "paymentId" in d) return paymentFailed(event, staff);
      const reason = str(d.reason) ?? after(event.message, "Order cancelled");
      if (!staff) {
        if (actorKind === "customer" || actorKind === "guest") return "Order cancelled at your request";
        if (actorKind === "system") return "Order cancelled: the payment was not completed in time";
        return "Order cancelled";
      }
      const units = int(d.unitsReleased);
      return `Order cancelled${reason ? `: ${reason}` : ""}${units ? `; ${plural(units, "item")} back in stock` : ""}`;
    }
    case "order.refunded": {
      const reason = str(d.reason);
      const units = unitsOf(d.lines);
      const shown = reason && (staff || reason === "requested_by_customer" || reason === "duplicate");
      return `Refunded ${cash ?? "a payment"}${units ? ` for ${plural(units, "item")}` : ""}${shown ? ` (${refundReasons[reason] ?? reason.replaceAll("_", " ")})` : ""}`;
    }
    case "refund.failed": {
      const failure = str(d.failure);
      return `Refund of ${cash ?? "a payment"} failed at the payment provider${failure ? ` (${failure.replaceAll("_", " ")})` : ""}; nothing was refunded`;
    }
    case "order.shipped":
      return shipped(event, ctx);
    case "order.ready_for_pickup": {
      const place = str(d.pickupAddress);
      return `Ready for pickup${place ? ` at ${place}` : ""}`;
    }
    case "order.picked_up":
      return "Collected by the customer";
    case "order.edited": {
      const before = int((d.before as { totals?: { total?: unknown } } | undefined)?.totals?.total);
      const afterTotal = int((d.after as { totals?: { total?: unknown } } | undefined)?.totals?.total);
      const note = str(d.note);
      if (before === null || afterTotal === null) return event.message;
      const refundDue = int(d.refundDue);
      const balanceDue = int(d.balanceDue);
      const money$ = (n: number) => money(n, currency);
      const settle =
        refundDue && refundDue > 0
          ? `; ${money$(refundDue)} to refund`
          : balanceDue && balanceDue > 0
            ? `; ${money$(balanceDue)} ${staff ? "to collect" : "still to pay"}`
            : "";
      return `Items changed: total ${money$(before)} → ${money$(afterTotal)}${settle}${staff && note ? ` (${note})` : ""}`;
    }
    case "order.delivered":
      return "Delivered";
    case "order.completed":
      return "Order completed";
    case "return.requested":
    case "return.approved":
    case "return.rejected":
    case "return.received": {
      const rma = ctx.returns?.get(str(d.returnId) ?? "");
      const number = rma?.number ?? /Return (\S+)/.exec(event.message)?.[1];
      if (!number) return event.message;
      const verb = event.type.slice("return.".length);
      const restocked =
        verb === "received" && (rma ? rma.restocked === true : event.message.endsWith("restocked"));
      return `Return ${number} ${verb}${staff && restocked ? " and restocked" : ""}`;
    }
    default:
      break;
  }
  if (event.type.startsWith("shipment.")) {
    const parcel = ctx.fulfillments?.get(str(d.fulfillmentId) ?? "");
    const tracking = parcel?.trackingNumber ?? /^Parcel (\S+):/.exec(event.message)?.[1] ?? null;
    const status = event.type.slice("shipment.".length).replaceAll("_", " ");
    const carrier = parcel
      ? carrierName(parcel.carrier)
      : actorKind === "carrier"
        ? carrierName(actorId)
        : null;
    return `Parcel${tracking ? ` ${tracking}` : ""}${carrier ? ` (${carrier})` : ""}: ${status}`;
  }
  if (event.type.startsWith("dispute.")) {
    const reference = str(d.disputeReference);
    const reason = ctx.disputes?.get(reference ?? "")?.reason;
    const status = str(d.status)?.replaceAll("_", " ");
    const opened = event.type === "dispute.opened";
    return `${opened ? "Dispute opened" : "Dispute updated"}${cash ? ` for ${cash}` : ""}${reason ? ` (${reason.replaceAll("_", " ")})` : ""}${status ? `: ${status}` : ""}${staff && reference ? `, reference ${reference}` : ""}`;
  }
  return event.message;
}

const manualProviders: Record<string, true> = { bank_transfer: true, cash_on_delivery: true, manual: true };

/** "Payment declined: Your card was declined." (+ units back in stock, for staff). */
function paymentFailed(event: TimelineEvent, staff: boolean): string {
  const d = event.data;
  const reason =
    str(d.failureMessage) ??
    after(event.message, "Order cancelled") ??
    after(event.message, "Payment failed") ??
    after(event.message, "Payment declined");
  const code = str(d.failureCode);
  const units = int(d.unitsReleased);
  const why = reason && reason !== "Payment failed" ? `: ${reason}` : "";
  return `Payment declined${why}${staff && code ? ` (${code})` : ""}${staff && units ? `; ${plural(units, "item")} back in stock` : ""}`;
}

/** "Shipped 2 items with UPS, tracking 1Z…" / "Partly shipped 1 item with DHL". */
function shipped(event: TimelineEvent, ctx: TimelineContext): string {
  const d = event.data;
  const parcel = ctx.fulfillments?.get(str(d.fulfillmentId) ?? "");
  // Older entries keep the carrier and tracking number only in their message: "Shipped with ups (1Z…)".
  const stored = /^(?:Partly shipped|Shipped) with (.+?)(?: \(([^)]+)\))?$/.exec(event.message);
  const carrier = str(d.carrier) ?? parcel?.carrier ?? stored?.[1] ?? null;
  const tracking = str(d.trackingNumber) ?? parcel?.trackingNumber ?? stored?.[2] ?? null;
  const partly = d.partial === true || event.message.startsWith("Partly");
  const units = unitsOf(d.lines);
  return `${partly ? "Partly shipped" : "Shipped"}${units ? ` ${plural(units, "item")}` : ""}${carrier ? ` with ${carrierName(carrier)}` : ""}${tracking ? `, tracking ${tracking}` : ""}`;
}

/** An entry rendered for `ctx.audience`, with who did it in words (see {@link actorName}). */
export function renderOrderEvent(event: TimelineEvent, ctx: TimelineContext): RenderedEvent {
  return { message: describeOrderEvent(event, ctx), actorName: actorName(event.actor, ctx.staffNames) };
}
