import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db.ts";
import type { Mailer } from "../../platform/mail.ts";
import { type Block, layout, type RenderedMail } from "../../platform/mail-templates.ts";
import { formatMoney } from "../../platform/money.ts";
import type { OutboxDispatcher } from "../../platform/outbox.ts";
import { refundsOfOrder } from "../payments/index.ts";
import { storeIdentity } from "../pricing/index.ts";
import { isPickupOrder } from "./orders.pickup.ts";
import {
  type FulfillmentRow,
  findOrder,
  fulfillmentsOfOrder,
  getOrderAndLines,
  type OrderLineRow,
  type OrderRow,
  type ReturnRow,
  returnsOfOrder,
} from "./orders.service.ts";

function lineLabel(l: OrderLineRow): string {
  const options = Object.values(l.options).join(" / ");
  return `${l.quantity} × ${l.productName}${options ? ` (${options})` : ""} — ${l.sku}`;
}

/** Lines and totals of an order as table rows. */
function orderRows(order: OrderRow, lines: OrderLineRow[]): Block[] {
  const money = (n: number) => formatMoney(n, order.currency);
  const totals: { label: string; value: string; strong?: boolean }[] = [
    { label: "Subtotal", value: money(order.subtotal) },
  ];
  if (order.discountTotal) totals.push({ label: "Discount", value: `−${money(order.discountTotal)}` });
  if (order.shippingMethod) {
    const shipping = order.shippingTotal - order.shippingDiscount;
    totals.push({
      label: `Shipping (${order.shippingMethod.name})`,
      value: shipping ? money(shipping) : "Free",
    });
  }
  totals.push({
    label: order.pricesIncludeTax ? "Including tax" : "Tax",
    value: money(order.taxTotal),
  });
  totals.push({ label: "Total", value: money(order.total), strong: true });
  return [{ rows: lines.map((l) => ({ label: lineLabel(l), value: money(l.subtotal) })) }, { rows: totals }];
}

function addressText(order: OrderRow): string | null {
  const a = order.shippingAddress;
  if (!a) return null;
  return [
    `${a.firstName} ${a.lastName}`,
    a.company,
    a.line1,
    a.line2,
    `${a.postalCode ?? ""} ${a.city}${a.region ? `, ${a.region}` : ""}`.trim(),
    a.country,
  ]
    .filter(Boolean)
    .join(", ");
}

/** "Order confirmed": lines, discounts, shipping, tax and total, the delivery address and where to follow it. */
export function orderConfirmationEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  lines: OrderLineRow[],
): RenderedMail {
  const name = order.shippingAddress?.firstName ?? order.billingAddress?.firstName ?? "there";
  const address = addressText(order);
  const url = orderUrl(config, order);
  const pickupAt = isPickupOrder(order) ? pickupPlace(order) : null;
  return layout(config.storeName, `Order ${order.number} confirmed`, [
    { p: `Hello ${name},` },
    {
      p: pickupAt
        ? `Thank you for your order. We received order ${order.number} and will e-mail you when it is ready to collect.`
        : `Thank you for your order. We received order ${order.number} and will let you know when it ships.`,
    },
    ...orderRows(order, lines),
    ...(pickupAt ? [{ p: `Pickup at: ${pickupAt}` }] : address ? [{ p: `Delivery to: ${address}` }] : []),
    ...(order.promotions.length
      ? [{ small: `Promotions: ${order.promotions.map((p) => p.name).join("; ")}` }]
      : []),
    { button: { label: "View your order", url } },
    {
      small: order.userId
        ? "You can follow this order in your account."
        : "Look the order up with its number and this e-mail address.",
    },
  ]);
}

function orderUrl(config: Pick<Config, "publicUrl">, order: OrderRow): string {
  return order.userId
    ? `${config.publicUrl}/account/orders/${order.number}`
    : `${config.publicUrl}/orders/lookup?number=${encodeURIComponent(order.number)}`;
}

/** "Your order has shipped": the parcel's lines, carrier and tracking link. */
export function orderShippedEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  lines: OrderLineRow[],
  shipment: FulfillmentRow,
): RenderedMail {
  const inParcel = shipment.lines.map((s) => {
    const line = lines.find((l) => l.id === s.lineId);
    return { label: line ? lineLabel({ ...line, quantity: s.quantity }) : s.lineId, value: "" };
  });
  const whole = shipment.lines.length === lines.filter((l) => l.requiresShipping).length;
  return layout(config.storeName, `Order ${order.number} has shipped`, [
    {
      p: `Good news: ${whole ? "your order" : "part of your order"} ${order.number} is on its way with ${shipment.carrier.toUpperCase()}.`,
    },
    { rows: inParcel },
    ...(shipment.trackingNumber ? [{ p: `Tracking number: ${shipment.trackingNumber}` }] : []),
    ...(shipment.trackingUrl ? [{ button: { label: "Track your parcel", url: shipment.trackingUrl } }] : []),
    { small: `Order details: ${orderUrl(config, order)}` },
  ]);
}

function pickupPlace(order: OrderRow): string {
  return order.shippingMethod?.pickupAddress ?? order.shippingMethod?.name ?? "our shop";
}

/** "Ready for pickup": what is waiting, where, and to bring the order number. */
export function orderReadyForPickupEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  lines: OrderLineRow[],
): RenderedMail {
  return layout(config.storeName, `Order ${order.number} is ready for pickup`, [
    { p: `Your order ${order.number} is ready to collect.` },
    { rows: lines.filter((l) => l.requiresShipping).map((l) => ({ label: lineLabel(l), value: "" })) },
    { p: `Pickup at: ${pickupPlace(order)}` },
    { p: `Please bring the order number (${order.number}) or this e-mail.` },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

/** "Collected": the receipt once the shopper picked the order up. */
export function orderPickedUpEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
): RenderedMail {
  return layout(config.storeName, `Order ${order.number} collected`, [
    { p: `You collected order ${order.number}. Thank you, we hope you enjoy it.` },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

/** "Refund issued": the amount and what has been refunded in total. */
export function orderRefundedEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  amount: number,
): RenderedMail {
  const money = (n: number) => formatMoney(n, order.currency);
  return layout(config.storeName, `Refund of ${money(amount)} for order ${order.number}`, [
    { p: `We refunded ${money(amount)} for order ${order.number} to your original payment method.` },
    { p: "Depending on your bank it can take 5 to 10 business days to show on your statement." },
    { rows: [{ label: "Refunded in total", value: money(order.refundedTotal), strong: true }] },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

/** "Order cancelled". */
export function orderCancelledEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
): RenderedMail {
  return layout(config.storeName, `Order ${order.number} cancelled`, [
    { p: `Order ${order.number} has been cancelled.` },
    {
      p:
        order.paidTotal > 0 || order.refundedTotal > 0
          ? "Any payment is refunded to your original payment method."
          : "You have not been charged.",
    },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

/** "Delivered". */
export function orderDeliveredEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
): RenderedMail {
  return layout(config.storeName, `Order ${order.number} delivered`, [
    { p: `Your order ${order.number} has been delivered. We hope you enjoy it.` },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

const returnMessages: Record<string, { subject: string; text: string }> = {
  "return.requested": {
    subject: "received your return request",
    text: "We received your return request and will review it shortly.",
  },
  "return.approved": {
    subject: "return approved",
    text: "Your return is approved. Please send the items back with the RMA number on the parcel; we refund you once they arrive.",
  },
  "return.rejected": { subject: "return not accepted", text: "We are sorry, we cannot accept this return." },
  "return.received": {
    subject: "return received",
    text: "Your returned items arrived. Any refund follows in a separate e-mail.",
  },
};

/** Return (RMA) updates: requested, approved (with instructions), rejected (with the staff note), received. */
export function returnUpdateEmail(
  config: Pick<Config, "storeName" | "publicUrl">,
  order: OrderRow,
  rma: ReturnRow,
  topic: string,
): RenderedMail {
  const message = returnMessages[topic] ?? { subject: "return update", text: "Your return was updated." };
  return layout(config.storeName, `Return ${rma.number}: ${message.subject}`, [
    { p: message.text },
    ...(rma.staffNote ? [{ p: rma.staffNote }] : []),
    { small: `Order ${order.number}, return ${rma.number}` },
    { button: { label: "View your order", url: orderUrl(config, order) } },
  ]);
}

/**
 * Sends the order e-mails from outbox events (after commit, retried; the event id is the Message-ID,
 * so a retried delivery is recognisable): placed -> confirmation, shipped -> tracking, refunded,
 * cancelled, delivered; for pickup orders ready_for_pickup -> where to collect, picked_up -> receipt.
 * They carry the store name set in the admin (the sender comes from the mailer, see ShopSenderMailer).
 */
export function registerOrderEmails(
  dispatcher: OutboxDispatcher,
  db: Db,
  mailer: Mailer,
  config: Config,
): void {
  const send = async (id: string, order: OrderRow, mail: RenderedMail) =>
    mailer.send({ id, to: order.email, ...mail });
  // The store name as set in the admin now (see pricing's storeIdentity), read per e-mail.
  const shop = async () => ({ ...config, storeName: (await storeIdentity(db, config)).name });
  dispatcher.on("order.placed", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const { order, lines } = await getOrderAndLines(db, orderId);
    await send(event.id, order, orderConfirmationEmail(await shop(), order, lines));
  });
  dispatcher.on("order.shipped", async (event) => {
    const { orderId, fulfillmentId } = event.payload as { orderId: string; fulfillmentId: string };
    const { order, lines } = await getOrderAndLines(db, orderId);
    const shipment = (await fulfillmentsOfOrder(db, orderId)).find((f) => f.id === fulfillmentId);
    if (shipment) await send(event.id, order, orderShippedEmail(await shop(), order, lines, shipment));
  });
  dispatcher.on("order.refunded", async (event) => {
    const { orderId, refundId } = event.payload as { orderId: string; refundId: string };
    const order = await findOrder(db, orderId);
    if (!order) return;
    const refund = (await refundsOfOrder(db, orderId)).find((r) => r.id === refundId);
    if (refund) await send(event.id, order, orderRefundedEmail(await shop(), order, refund.amount));
  });
  dispatcher.on("order.cancelled", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const order = await findOrder(db, orderId);
    // A declined checkout (payment_failed) was never an order the shop took: no cancellation e-mail.
    if (!order || order.status === "payment_failed") return;
    await send(event.id, order, orderCancelledEmail(await shop(), order));
  });
  for (const topic of Object.keys(returnMessages)) {
    dispatcher.on(topic, async (event) => {
      const { orderId, returnId } = event.payload as { orderId: string; returnId: string };
      const order = await findOrder(db, orderId);
      if (!order) return;
      const rma = (await returnsOfOrder(db, orderId)).find((r) => r.id === returnId);
      if (rma) await send(event.id, order, returnUpdateEmail(await shop(), order, rma, topic));
    });
  }
  dispatcher.on("order.ready_for_pickup", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const { order, lines } = await getOrderAndLines(db, orderId);
    await send(event.id, order, orderReadyForPickupEmail(await shop(), order, lines));
  });
  dispatcher.on("order.picked_up", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const order = await findOrder(db, orderId);
    if (order) await send(event.id, order, orderPickedUpEmail(await shop(), order));
  });
  dispatcher.on("order.delivered", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const order = await findOrder(db, orderId);
    if (!order) return;
    await send(event.id, order, orderDeliveredEmail(await shop(), order));
  });
}
