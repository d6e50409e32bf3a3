import { and, asc, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { PostalAddress } from "../../platform/address.ts";
import { type Db, queryRows } from "../../platform/db.ts";
import { AppError, NotFoundError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import {
  allColumns,
  insertRows,
  insertValues,
  mapRows,
  type PartResults,
  placeParts,
  runSql,
  type SqlPart,
  updateRows,
  updateSet,
} from "../../platform/statements.ts";
import {
  type AppliedPromotionSnapshot,
  type FulfillmentStatus,
  fulfillments,
  idempotencyKeys,
  type OrderPaymentStatus,
  type OrderShippingMethod,
  type OrderStatus,
  orderEvents,
  orderLineItems,
  orderNumberSequence,
  orders,
  type ReturnStatus,
  returns,
  type ShipmentStatus,
} from "./orders.schema.ts";
import { notPlacedStatuses } from "./orders.statuses.ts";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLineItems.$inferSelect;
export type OrderEventRow = typeof orderEvents.$inferSelect;

/**
 * A new order with its line snapshots. Amounts in minor units of `currency`. The order number is
 * taken from the `order_number_seq` sequence on insert (sequential from 100001, never reused), after
 * `numberPrefix` when given ("BZ-" gives "BZ-100042").
 */
export interface NewOrder {
  id: string;
  /** Put before the sequence number: up to 10 of A-Z, 0-9 and "-" (the shop's setting); none when absent. */
  numberPrefix?: string;
  status: OrderStatus;
  paymentStatus: OrderPaymentStatus;
  fulfillmentStatus: FulfillmentStatus;
  currency: string;
  email: string;
  userId: string | null;
  cartId: string | null;
  shippingAddress: PostalAddress | null;
  billingAddress: PostalAddress | null;
  shippingMethod: OrderShippingMethod | null;
  pricesIncludeTax: boolean;
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  shippingDiscount: number;
  shippingTax: number;
  taxTotal: number;
  total: number;
  couponCodes: string[];
  promotions: AppliedPromotionSnapshot[];
  ipAddress: string | null;
  reservationExpiresAt: Date | null;
  lines: Omit<
    OrderLineRow,
    | "id"
    | "orderId"
    | "position"
    | "fulfilledQuantity"
    | "returnedQuantity"
    | "refundedQuantity"
    | "cancelledQuantity"
  >[];
}

/** Who changed an order: "system", "customer", "guest", "provider:<id>", "staff:<user id>". */
export type OrderActor = string;

/** An entry for an order's timeline. */
export interface NewOrderEvent {
  type: string;
  message: string;
  actor: OrderActor;
  data?: Record<string, unknown>;
}

/** Adds an entry to an order's timeline in the caller's transaction. */
export async function addOrderEvent(
  tx: Db,
  orderId: string,
  type: string,
  message: string,
  actor: OrderActor,
  data: Record<string, unknown> = {},
): Promise<void> {
  await addOrderEvents(tx, orderId, [{ type, message, actor, data }]);
}

/** Adds entries to an order's timeline, in this order, with one statement. Returns the rows written. */
export async function addOrderEvents(
  tx: Db,
  orderId: string,
  events: NewOrderEvent[],
): Promise<OrderEventRow[]> {
  if (events.length === 0) return [];
  // One timestamp per call with ids in order, so the timeline (created_at, id) keeps this order.
  const at = new Date();
  return insertRows(
    tx,
    orderEvents,
    events.map((e) => ({
      id: newId("oev"),
      orderId,
      type: e.type,
      message: e.message,
      actor: e.actor,
      data: e.data ?? {},
      createdAt: at,
    })),
    { returning: true },
  );
}

/** What `insertOrder` wrote. */
export interface InsertedOrder {
  order: OrderRow;
  lines: OrderLineRow[];
  events: OrderEventRow[];
}

/** An idempotency key to record with an order: the order exists only if the key was free. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

/** Raised by `insertOrder` when its idempotency key is already taken in its scope (nothing was written). */
export class IdempotencyKeyTakenError extends Error {
  constructor() {
    super("idempotency key already used");
    this.name = "IdempotencyKeyTakenError";
  }
}

const isKeyTaken = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  (error as { code?: unknown }).code === "23505" &&
  (error as { constraint?: unknown }).constraint === "idempotency_keys_scope_key_pk";

/**
 * Inserts an order (numbered from the order number sequence), its lines, its first timeline entry
 * ("Order <number> placed") and, when given, its idempotency key, in the caller's transaction with
 * ONE statement (the checkout's longest transaction holds stock locks, so every round trip counts).
 * A key already taken in its scope fails the statement: a concurrent request holding it makes this
 * wait until that one commits or rolls back, like the unique index it is.
 * `parts` are other modules' writes of the same transaction carried by the statement (the cart claim,
 * the payment record, the stock reservation; see platform/statements.ts); they may read the new order
 * as `o`.
 * Returns the rows as stored and what the parts read.
 * @throws IdempotencyKeyTakenError when the key is taken (the caller's transaction must roll back)
 */
export async function insertOrder<P extends Record<string, SqlPart> = Record<string, never>>(
  tx: Db,
  order: NewOrder,
  actor: OrderActor,
  idempotency?: IdempotencyClaim,
  parts?: P,
): Promise<InsertedOrder & { parts: PartResults<P> }> {
  const { lines, numberPrefix = "", ...head } = order;
  // Checked here too: the prefix is written into the statement as a literal.
  if (!/^[A-Z0-9-]{0,10}$/.test(numberPrefix))
    throw new Error("order number prefix must match [A-Z0-9-]{0,10}");
  const number = `nextval('${orderNumberSequence.seqName}')::text`;
  const keyInsert = idempotency
    ? insertValues(idempotencyKeys, [{ ...idempotency, orderId: order.id }])
    : null;
  const orderInsert = insertValues(orders, [head], {
    expressions: { number: numberPrefix ? `'${numberPrefix}' || ${number}` : number },
    firstParam: (keyInsert?.params.length ?? 0) + 1,
  });
  const lineRows = lines.map((l, position) => ({ ...l, id: newId("oli"), orderId: order.id, position }));
  const before = (keyInsert?.params.length ?? 0) + orderInsert.params.length;
  const lineInsert = lineRows.length
    ? insertValues(orderLineItems, lineRows, { firstParam: before + 1 })
    : null;
  const n = before + (lineInsert?.params.length ?? 0);
  const event = [
    newId("oev"),
    actor,
    JSON.stringify({ total: order.total, currency: order.currency }),
    new Date().toISOString(),
  ];
  const placed = placeParts(parts ?? ({} as P), n + 4);
  const text = `with ${keyInsert ? `k as (${keyInsert.text}), ` : ""}o as (${orderInsert.text} returning ${allColumns(orders)})
    ${lineInsert ? `, l as (${lineInsert.text} returning ${allColumns(orderLineItems)})` : ""}
    , e as (insert into "order_events" ("id", "order_id", "type", "message", "actor", "data", "created_at")
        select $${n + 1}, o.id, 'order.placed', 'Order ' || o.number || ' placed', $${n + 2}, $${n + 3}::jsonb,
          $${n + 4}::timestamptz from o
        returning ${allColumns(orderEvents)})${placed.ctes}
    select (select row_to_json(o) from o) as "order",
      ${lineInsert ? `(select json_agg(l order by l.position) from l)` : `null::json`} as "lines",
      (select json_agg(e) from e) as "events"${placed.selects}`;
  let result:
    | ({
        order: Record<string, unknown>;
        lines: Record<string, unknown>[] | null;
        events: Record<string, unknown>[];
      } & Record<string, unknown>)
    | undefined;
  try {
    [result] = await runSql(tx, text, [
      ...(keyInsert?.params ?? []),
      ...orderInsert.params,
      ...(lineInsert?.params ?? []),
      ...event,
      ...placed.params,
    ]);
  } catch (error) {
    if (isKeyTaken(error)) throw new IdempotencyKeyTakenError();
    throw error;
  }
  return {
    order: mapRows(orders, [result!.order])[0]!,
    lines: mapRows(orderLineItems, result!.lines ?? []),
    events: mapRows(orderEvents, result!.events),
    parts: placed.read(result as Record<string, unknown>),
  };
}

/** Changes to an order's statuses and amounts. */
export interface OrderChange {
  status?: OrderStatus;
  paymentStatus?: OrderPaymentStatus;
  fulfillmentStatus?: FulfillmentStatus;
  paidTotal?: number;
  refundedTotal?: number;
  holdReason?: string | null;
  reservationExpiresAt?: Date | null;
  cancelledAt?: Date | null;
}

/**
 * Changes an order only while its status is one of `from` (a conditional update: of two concurrent
 * changes from the same state, one wins). Returns the updated order, or null when the order was no
 * longer in one of those states.
 */
export async function transitionOrder(
  tx: Db,
  orderId: string,
  from: OrderStatus[],
  change: OrderChange,
): Promise<OrderRow | null> {
  const [row] = await updateRows(
    tx,
    orders,
    { ...change, updatedAt: new Date() },
    `"id" = $1 and "status" = any($2::text[])`,
    [orderId, from],
  );
  return row ?? null;
}

/**
 * `transitionOrder` plus timeline entries and outbox events (delivered after commit, see
 * platform/outbox.ts), and other modules' writes (see platform/statements.ts), in ONE statement that
 * needs no transaction of its own. Entries and events are written only when the order changed
 * (timeline ids are monotonic and share one timestamp, so the timeline keeps their order).
 * - `guard`: runs first; the order moves only when it returned a row (the checkout's payment update:
 *   the order becomes paid only if the payment record took the provider's report);
 * - `after`: parts that may read the moved order as `o` (an orders row; empty when it did not move),
 *   e.g. completing its cart.
 * Returns what the guard read, the moved order and entries (null when it did not move) and what the
 * `after` parts read.
 */
export async function transitionOrderWithParts<
  G = null,
  A extends Record<string, SqlPart> = Record<string, never>,
>(
  tx: Db,
  orderId: string,
  from: OrderStatus[],
  change: OrderChange,
  events: NewOrderEvent[],
  outbox: { topic: string; payload: unknown }[],
  parts: { guard?: SqlPart<G>; after?: A },
): Promise<{
  guard: G | null;
  moved: { order: OrderRow; events: OrderEventRow[] } | null;
  after: PartResults<A>;
}> {
  const guarded = parts.guard ? placeParts({ g: parts.guard }, 0) : null;
  const shift = guarded?.params.length ?? 0;
  const update = updateSet(
    orders,
    { ...change, updatedAt: new Date() },
    `"id" = $${shift + 1} and "status" = any($${shift + 2}::text[])${guarded ? " and exists (select 1 from g)" : ""}`,
    [...(guarded?.params ?? []), orderId, from],
  );
  const at = new Date().toISOString();
  const entries = events.map((e) => ({
    id: newId("oev"),
    type: e.type,
    message: e.message,
    actor: e.actor,
    data: e.data ?? {},
    created_at: at,
  }));
  const n = update.params.length;
  const after = placeParts(parts.after ?? ({} as A), n + 2);
  const [result] = await runSql<{
    order: Record<string, unknown> | null;
    events: Record<string, unknown>[] | null;
  }>(
    tx,
    `with ${guarded ? `${guarded.ctes.slice(2)}, ` : ""}o as (${update.text} returning ${allColumns(orders)}),
      e as (insert into "order_events" ("id", "order_id", "type", "message", "actor", "data", "created_at")
        select x.id, o.id, x.type, x.message, x.actor, x.data, x.created_at from o,
          jsonb_to_recordset($${n + 1}::jsonb)
            as x(id text, type text, message text, actor text, data jsonb, created_at timestamptz)
        returning ${allColumns(orderEvents)}),
      x as (insert into "outbox_events" ("id", "topic", "payload")
        select r.id, r.topic, r.payload from jsonb_to_recordset($${n + 2}::jsonb) as r(id text, topic text, payload jsonb)
        where exists (select 1 from o))${after.ctes}
    select (select row_to_json(o) from o) as "order", (select json_agg(e order by e.id) from e) as "events"${guarded?.selects ?? ""}${after.selects}`,
    [
      ...update.params,
      JSON.stringify(entries),
      JSON.stringify(outbox.map((m) => ({ id: newId("evt"), topic: m.topic, payload: m.payload }))),
      ...after.params,
    ],
  );
  const row = result as Record<string, unknown>;
  return {
    guard: guarded ? (guarded.read(row).g as G) : null,
    moved: result?.order
      ? { order: mapRows(orders, [result.order])[0]!, events: mapRows(orderEvents, result.events ?? []) }
      : null,
    after: after.read(row),
  };
}

/** An order by id, or null. */
export async function findOrder(db: Db, orderId: string): Promise<OrderRow | null> {
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId));
  return row ?? null;
}

/** An order with its lines and timeline. @throws NotFoundError ORDER_NOT_FOUND */
export async function getOrderWithLines(
  db: Db,
  orderId: string,
): Promise<{ order: OrderRow; lines: OrderLineRow[]; events: OrderEventRow[] }> {
  const order = await findOrder(db, orderId);
  if (!order) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  const [lines, events] = await Promise.all([
    db
      .select()
      .from(orderLineItems)
      .where(eq(orderLineItems.orderId, orderId))
      .orderBy(asc(orderLineItems.position)),
    db
      .select()
      .from(orderEvents)
      .where(eq(orderEvents.orderId, orderId))
      .orderBy(asc(orderEvents.createdAt), asc(orderEvents.id)),
  ]);
  return { order, lines, events };
}

/**
 * An order with its lines (by position) in ONE statement, for readers that need no timeline (the order
 * e-mails, sent for every order). @throws NotFoundError ORDER_NOT_FOUND
 */
export async function getOrderAndLines(
  db: Db,
  orderId: string,
): Promise<{ order: OrderRow; lines: OrderLineRow[] }> {
  const [row] = await runSql<{ order: Record<string, unknown>; lines: Record<string, unknown>[] | null }>(
    db,
    orderAndLinesSql(),
    [orderId],
  );
  if (!row) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  return { order: mapRows(orders, [row.order])[0]!, lines: mapRows(orderLineItems, row.lines ?? []) };
}

let orderAndLinesText: string | null = null;
function orderAndLinesSql(): string {
  orderAndLinesText ??= `select row_to_json(o) as "order",
      (select json_agg(l order by l.position) from (select ${allColumns(orderLineItems)} from "order_line_items"
        where "order_id" = o.id) l) as "lines"
    from (select ${allColumns(orders)} from "orders" where "id" = $1) o`;
  return orderAndLinesText;
}

/** The order of a number when `email` is its contact address (guest lookup), else null. */
export async function findOrderByNumberAndEmail(
  db: Db,
  number: string,
  email: string,
): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.number, number.trim()), eq(orders.email, email.trim().toLowerCase())));
  return row ?? null;
}

/**
 * An account's orders, newest first, keyset-paginated by (placedAt, id). Declined checkouts
 * (`payment_failed`) are not orders the shop took: they are left out.
 */
export async function listOrdersOfUser(
  db: Db,
  userId: string,
  limit: number,
  before: { placedAt: Date; id: string } | null,
): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.userId, userId),
        sql`${orders.status} <> all(${sql.param([...notPlacedStatuses])}::text[])`,
        before ? sql`(${orders.placedAt}, ${orders.id}) < (${before.placedAt}, ${before.id})` : undefined,
      ),
    )
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(limit);
}

/** Ids of unpaid orders whose stock reservation expired before `now` (for the expiry job). */
export async function expiredUnpaidOrders(db: Db, now: Date, limit = 100): Promise<string[]> {
  const rows = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.status, "pending_payment"), lt(orders.reservationExpiresAt, now)))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** An account's order by its number, or null (another account's order is never found). */
export async function findOrderOfUser(db: Db, userId: string, number: string): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.number, number)));
  return row ?? null;
}

/** Units ordered per order id. */
export async function itemCounts(db: Db, orderIds: string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .select({ orderId: orderLineItems.orderId, units: sql<number>`sum(${orderLineItems.quantity})::int` })
    .from(orderLineItems)
    .where(inArray(orderLineItems.orderId, orderIds))
    .groupBy(orderLineItems.orderId);
  return new Map(rows.map((r) => [r.orderId, Number(r.units)]));
}

/** Locks an order row for the caller's transaction. @throws NotFoundError ORDER_NOT_FOUND */
export async function lockOrder(tx: Db, orderId: string): Promise<OrderRow> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for("update");
  if (!row) throw new NotFoundError("ORDER_NOT_FOUND", "No such order.");
  return row;
}

/**
 * Units of a line still to ship (or hand over): its quantity minus the units shipped and the units
 * refunded before they shipped (`cancelledQuantity`, see orders.refunds.ts).
 */
export function unitsLeftToShip(line: {
  quantity: number;
  fulfilledQuantity: number;
  cancelledQuantity: number;
}): number {
  return Math.max(line.quantity - line.fulfilledQuantity - line.cancelledQuantity, 0);
}

/**
 * Adds shipped units to order lines (in the caller's transaction), each with a conditional update that
 * never ships more than is left (a refund may have cancelled units since they were read).
 * @throws AppError 409 LINE_CHANGED when a line has fewer units left to ship than asked.
 */
export async function addFulfilledQuantities(
  tx: Db,
  lines: { lineId: string; quantity: number }[],
): Promise<void> {
  // In line id order, as refunds lock them (orders.refunds.ts), so the two never wait on each other in a cycle.
  for (const l of [...lines].sort((a, b) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0))) {
    const updated = await tx
      .update(orderLineItems)
      .set({ fulfilledQuantity: sql`${orderLineItems.fulfilledQuantity} + ${l.quantity}` })
      .where(
        and(
          eq(orderLineItems.id, l.lineId),
          sql`${orderLineItems.fulfilledQuantity} + ${orderLineItems.cancelledQuantity} + ${l.quantity} <= ${orderLineItems.quantity}`,
        ),
      )
      .returning({ id: orderLineItems.id });
    if (updated.length === 0)
      throw new AppError(
        409,
        "LINE_CHANGED",
        "Some units of this order were refunded meanwhile; reload the order and ship what is left.",
      );
  }
}

export type FulfillmentRow = typeof fulfillments.$inferSelect;

/** Records a shipped parcel. */
export async function insertFulfillment(
  tx: Db,
  input: {
    orderId: string;
    carrier: string;
    trackingNumber: string | null;
    trackingUrl: string | null;
    lines: { lineId: string; quantity: number }[];
    /** The vendor sending it, or null for the shop. */
    vendorId: string | null;
  },
): Promise<FulfillmentRow> {
  const [row] = await tx
    .insert(fulfillments)
    .values({ id: newId("ful"), status: "shipped", shippedAt: new Date(), ...input })
    .returning();
  return row!;
}

/** Fulfilments of an order, oldest first. */
export async function fulfillmentsOfOrder(db: Db, orderId: string): Promise<FulfillmentRow[]> {
  return db
    .select()
    .from(fulfillments)
    .where(eq(fulfillments.orderId, orderId))
    .orderBy(asc(fulfillments.createdAt));
}

const shipmentRank: Record<ShipmentStatus, number> = {
  pending: 0,
  shipped: 1,
  in_transit: 2,
  out_for_delivery: 3,
  failed: 4,
  returned: 5,
  delivered: 6,
  // Pickups never come from a carrier's feed; ranked for completeness.
  ready_for_pickup: 1,
  picked_up: 6,
};

/**
 * Moves a shipment's status forward (carrier updates may arrive late or twice: a status never moves
 * back). Returns the updated fulfilment, or null when unknown or nothing changed.
 */
export async function advanceShipment(
  tx: Db,
  carrier: string,
  trackingNumber: string,
  status: ShipmentStatus,
  at: Date,
): Promise<FulfillmentRow | null> {
  const [row] = await tx
    .select()
    .from(fulfillments)
    .where(and(eq(fulfillments.carrier, carrier), eq(fulfillments.trackingNumber, trackingNumber)))
    .for("update");
  if (!row || shipmentRank[status] <= shipmentRank[row.status]) return null;
  const [updated] = await tx
    .update(fulfillments)
    .set({ status, updatedAt: new Date(), ...(status === "delivered" ? { deliveredAt: at } : {}) })
    .where(eq(fulfillments.id, row.id))
    .returning();
  return updated ?? null;
}

/** The order and request hash remembered for an idempotency key, or null. */
export async function findIdempotencyKey(
  db: Db,
  scope: string,
  key: string,
): Promise<{ orderId: string; requestHash: string } | null> {
  const [row] = await db
    .select({ orderId: idempotencyKeys.orderId, requestHash: idempotencyKeys.requestHash })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  return row ?? null;
}

/** Filters of the staff order list. */
export interface OrderListFilter {
  /** One status; without it, every status but the declined checkouts (`payment_failed`). */
  status?: OrderStatus;
  /** Order number, or part of the customer's e-mail. */
  q?: string;
  /** A staff tag (normalised, see platform/tags.ts): orders carrying it. */
  tag?: string;
}

/**
 * Orders for staff, newest first, keyset-paginated by (placedAt, id). Declined checkouts
 * (`payment_failed`) are listed only when that status is asked for. The tag filter is a jsonb
 * containment (`tags @> '["vip"]'`) answered by the GIN index `orders_tags_idx`.
 */
export async function listOrders(
  db: Db,
  filter: OrderListFilter,
  limit: number,
  before: { placedAt: Date; id: string } | null,
): Promise<OrderRow[]> {
  const q = filter.q?.trim().toLowerCase();
  return db
    .select()
    .from(orders)
    .where(
      and(
        filter.status
          ? eq(orders.status, filter.status)
          : sql`${orders.status} <> all(${sql.param([...notPlacedStatuses])}::text[])`,
        filter.tag ? sql`${orders.tags} @> ${JSON.stringify([filter.tag])}::jsonb` : undefined,
        q
          ? sql`(${orders.number} = ${q} or ${orders.email} like ${`%${q.replace(/[%_\\]/g, "\\$&")}%`})`
          : undefined,
        before ? sql`(${orders.placedAt}, ${orders.id}) < (${before.placedAt}, ${before.id})` : undefined,
      ),
    )
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(limit);
}

/**
 * Orders placed since `since` with this e-mail and from this IP address (other than `excludeOrderId`),
 * each counted up to its limit (0: not counted). Bounded index scans on (email, placed_at) and
 * (ip_address, placed_at), so the cost does not grow with a busy address's history.
 */
export async function countRecentOrders(
  db: Db,
  input: {
    email: string;
    ipAddress: string | null;
    since: Date;
    excludeOrderId: string | null;
    limits: { email: number; ip: number };
  },
): Promise<{ byEmail: number; byIp: number }> {
  const notThis = input.excludeOrderId ? sql`and id <> ${input.excludeOrderId}` : sql``;
  const bounded = (column: SQL, value: string | null, limit: number) =>
    value === null || limit === 0
      ? sql`0`
      : sql`(select count(*)::int from (select 1 from ${orders} where ${column} = ${value}
              and placed_at > ${input.since.toISOString()}::timestamptz ${notThis} limit ${limit}) recent)`;
  const [row] = await queryRows<{ byEmail: number; byIp: number }>(
    db,
    sql`select ${bounded(sql`email`, input.email, input.limits.email)} as "byEmail",
               ${bounded(sql`ip_address`, input.ipAddress, input.limits.ip)} as "byIp"`,
  );
  return { byEmail: Number(row?.byEmail ?? 0), byIp: Number(row?.byIp ?? 0) };
}

export type ReturnRow = typeof returns.$inferSelect;

/** Returns of an order, oldest first. */
export async function returnsOfOrder(db: Db, orderId: string): Promise<ReturnRow[]> {
  return db.select().from(returns).where(eq(returns.orderId, orderId)).orderBy(asc(returns.createdAt));
}

/** A return by id, locked for the caller's transaction. @throws NotFoundError RETURN_NOT_FOUND */
export async function lockReturn(tx: Db, id: string): Promise<ReturnRow> {
  const [row] = await tx.select().from(returns).where(eq(returns.id, id)).for("update");
  if (!row) throw new NotFoundError("RETURN_NOT_FOUND", "No such return.");
  return row;
}

/** Records a requested return (the caller checked the quantities under the order's lock). */
export async function insertReturn(
  tx: Db,
  input: {
    orderId: string;
    orderNumber: string;
    lines: { lineId: string; quantity: number; reason: string }[];
    customerNote: string;
  },
): Promise<ReturnRow> {
  const count = (await returnsOfOrder(tx, input.orderId)).length;
  const [row] = await tx
    .insert(returns)
    .values({
      id: newId("rma"),
      orderId: input.orderId,
      number: `${input.orderNumber}-R${count + 1}`,
      status: "requested",
      lines: input.lines,
      customerNote: input.customerNote,
    })
    .returning();
  return row!;
}

/** Moves a return from one of `from` to a new status with changes; null when it was not in `from`. */
export async function transitionReturn(
  tx: Db,
  id: string,
  from: ReturnStatus[],
  change: { status: ReturnStatus; staffNote?: string; restocked?: boolean; refundAmount?: number },
): Promise<ReturnRow | null> {
  const [row] = await tx
    .update(returns)
    .set({ ...change, updatedAt: new Date() })
    .where(and(eq(returns.id, id), inArray(returns.status, from)))
    .returning();
  return row ?? null;
}

/** Returns waiting for staff (requested or approved and not yet received), oldest first. */
export async function openReturns(db: Db, limit = 200): Promise<ReturnRow[]> {
  return db
    .select()
    .from(returns)
    .where(inArray(returns.status, ["requested", "approved"]))
    .orderBy(asc(returns.createdAt))
    .limit(limit);
}

/** Adds returned units to order lines (in the caller's transaction). */
export async function addReturnedQuantities(
  tx: Db,
  lines: { lineId: string; quantity: number }[],
): Promise<void> {
  for (const l of lines) {
    await tx
      .update(orderLineItems)
      .set({ returnedQuantity: sql`${orderLineItems.returnedQuantity} + ${l.quantity}` })
      .where(eq(orderLineItems.id, l.lineId));
  }
}
