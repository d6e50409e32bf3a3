import type { Config } from "../config.ts";
import { getOrderWithLines, type OrderLineRow, type OrderRow } from "../modules/orders/index.ts";
import type { Db } from "../platform/db.ts";
import type { Mailer } from "../platform/mail.ts";
import { type Block, layout, type RenderedMail } from "../platform/mail-templates.ts";
import { formatMoney } from "../platform/money.ts";
import type { OutboxDispatcher } from "../platform/outbox.ts";

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
  const url = order.userId
    ? `${config.publicUrl}/account/orders/${order.number}`
    : `${config.publicUrl}/orders/lookup?number=${encodeURIComponent(order.number)}`;
  return layout(config.storeName, `Order ${order.number} confirmed`, [
    { p: `Hello ${name},` },
    { p: `Thank you for your order. We received order ${order.number} and will let you know when it ships.` },
    ...orderRows(order, lines),
    ...(address ? [{ p: `Delivery to: ${address}` }] : []),
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

/** Sends the order e-mails from outbox events (after commit, retried): `order.placed` -> confirmation. */
export function registerOrderEmails(
  dispatcher: OutboxDispatcher,
  db: Db,
  mailer: Mailer,
  config: Config,
): void {
  dispatcher.on("order.placed", async (event) => {
    const { orderId } = event.payload as { orderId: string };
    const { order, lines } = await getOrderWithLines(db, orderId);
    const mail = orderConfirmationEmail(config, order, lines);
    await mailer.send({ id: event.id, to: order.email, ...mail });
  });
}
