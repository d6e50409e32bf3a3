import type { Order } from "@bazaar/sdk";

const LAST_ORDER = "bazaar.lastOrder";
const PENDING_PAYMENT = "bazaar.pendingPayment";

/**
 * Keeps the order the checkout answered for this tab (sessionStorage), so that its confirmation
 * page can be shown again after a reload, also to a guest who cannot read it from the account.
 * Only the latest order is kept.
 */
export function rememberOrder(order: Order): void {
  try {
    sessionStorage.setItem(LAST_ORDER, JSON.stringify(order));
  } catch {
    // Storage full or disabled: the confirmation still has the order in the router state.
  }
}

/** The remembered order with this number, if any. */
export function rememberedOrder(number: string): Order | null {
  try {
    const order = JSON.parse(sessionStorage.getItem(LAST_ORDER) ?? "null") as Order | null;
    return order?.number === number ? order : null;
  } catch {
    return null;
  }
}

/** An order whose payment continues outside the shop (Stripe authentication, PayPal approval). */
export interface PendingPayment {
  number: string;
  email: string;
}

export function rememberPendingPayment(order: Order): void {
  try {
    sessionStorage.setItem(PENDING_PAYMENT, JSON.stringify({ number: order.number, email: order.email }));
  } catch {
    // Without storage the return page asks the shopper to look the order up.
  }
}

export function pendingPayment(): PendingPayment | null {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING_PAYMENT) ?? "null") as PendingPayment | null;
  } catch {
    return null;
  }
}

export function forgetPendingPayment(): void {
  try {
    sessionStorage.removeItem(PENDING_PAYMENT);
  } catch {
    // Nothing to forget.
  }
}

/**
 * A fresh Idempotency-Key (a random UUID). `crypto.randomUUID` needs a secure context; over plain
 * http the key is built from `crypto.getRandomValues` instead.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function" && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
