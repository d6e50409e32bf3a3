import { eq, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./db.ts";
import { newId } from "./ids.ts";
import { outboxEvents } from "./outbox.schema.ts";
import { insertRows, runSql } from "./statements.ts";

/** An event as handlers receive it. `id` is stable across retries: use it as an idempotency key. */
export interface OutboxEvent<P = unknown> {
  id: string;
  topic: string;
  payload: P;
  /** 1 on the first delivery attempt. */
  attempt: number;
}

export type OutboxHandler = (event: OutboxEvent) => Promise<void>;

/**
 * Records an event in the caller's transaction: it is delivered only if that transaction commits.
 * Returns the event id.
 */
export async function enqueue(db: Db, topic: string, payload: unknown): Promise<string> {
  const [id] = await enqueueMany(db, [{ topic, payload }]);
  return id!;
}

/**
 * Records several events in the caller's transaction with one statement (delivered only if it
 * commits). Returns their ids, in order.
 */
export async function enqueueMany(db: Db, events: { topic: string; payload: unknown }[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({ id: newId("evt"), topic: e.topic, payload: e.payload }));
  await insertRows(db, outboxEvents, rows);
  return rows.map((r) => r.id);
}

const markDoneSql = `update "outbox_events" set "status" = 'done', "processed_at" = now(), "locked_until" = null,
  "last_error" = null where "id" = any($1::text[])`;

export interface DispatcherOptions {
  /** Events claimed per round. */
  batchSize?: number;
  /** Attempts before an event is dead-lettered (status `dead`, kept with its last error). */
  maxAttempts?: number;
  /** First retry delay in ms; each further retry doubles it, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long a claimed event stays locked to this dispatcher, in ms (then another may retry it). */
  lockMs?: number;
  /** Pause between polls when idle, in ms. */
  pollMs?: number;
  onError?: (error: unknown, event: OutboxEvent) => void;
}

/** Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped. */
export function retryDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers outbox events to their topic's handler after commit: at least once, with exponential
 * backoff between attempts and a dead-letter state after `maxAttempts`. Several dispatchers (API
 * processes, workers) can run against one database: events are claimed with
 * `FOR UPDATE SKIP LOCKED` and a time-limited lock, so each is handled by one of them at a time.
 */
export class OutboxDispatcher {
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly options: Required<Omit<DispatcherOptions, "onError">> & Pick<DispatcherOptions, "onError">;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    options: DispatcherOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 20,
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 2_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      lockMs: options.lockMs ?? 60_000,
      pollMs: options.pollMs ?? 500,
      onError: options.onError,
    };
  }

  /** Registers the handler of a topic (one per topic). */
  on(topic: string, handler: OutboxHandler): this {
    if (this.handlers.has(topic)) throw new Error(`Outbox topic "${topic}" already has a handler`);
    this.handlers.set(topic, handler);
    return this;
  }

  /** Claims and handles one batch of due events. Resolves with how many were handled. */
  async runOnce(): Promise<number> {
    const topics = [...this.handlers.keys()];
    if (topics.length === 0) return 0;
    const claimed = await queryRows<{ id: string; topic: string; payload: unknown; attempts: number }>(
      this.db,
      sql`update ${outboxEvents} set attempts = attempts + 1,
          locked_until = now() + make_interval(secs => ${this.options.lockMs / 1000})
        where id in (
          select id from ${outboxEvents}
          where status = 'pending' and available_at <= now() and (locked_until is null or locked_until < now())
            and topic = any(${sql.param(topics)}::text[])
          order by created_at limit ${this.options.batchSize}
          for update skip locked)
        returning id, topic, payload, attempts`,
    );
    // Delivered events are marked done together after the batch (one statement, not one per event).
    // A crash before that leaves them to be delivered again when their lock runs out: delivery is at
    // least once, and handlers use the event id to recognise a repeat.
    const done: string[] = [];
    for (const row of claimed) {
      const event: OutboxEvent = {
        id: row.id,
        topic: row.topic,
        payload: row.payload,
        attempt: Number(row.attempts),
      };
      try {
        await this.handlers.get(row.topic)!(event);
        done.push(row.id);
      } catch (error) {
        this.options.onError?.(error, event);
        const message = error instanceof Error ? error.message : String(error);
        const dead = event.attempt >= this.options.maxAttempts;
        const delay = retryDelayMs(event.attempt, this.options.baseDelayMs, this.options.maxDelayMs);
        await this.db
          .update(outboxEvents)
          .set({
            status: dead ? "dead" : "pending",
            lockedUntil: null,
            lastError: message.slice(0, 2000),
            availableAt: new Date(Date.now() + delay),
          })
          .where(eq(outboxEvents.id, row.id));
      }
    }
    if (done.length) await runSql(this.db, markDoneSql, [done]);
    return claimed.length;
  }

  /** Delivers in the background until `stop()`: a full batch is followed at once by the next. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      let handled = 0;
      try {
        this.running = this.runOnce();
        handled = await this.running;
      } catch {
        // The database was unreachable: try again after the poll interval.
      } finally {
        this.running = null;
      }
      if (!this.stopped) {
        this.timer = setTimeout(
          () => void tick(),
          handled >= this.options.batchSize ? 0 : this.options.pollMs,
        );
      }
    };
    void tick();
  }

  /** Stops polling and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }
}

/**
 * Marks pending events of `topic` written before `before` (minus `marginSeconds`, so that a
 * transaction still open at `before` cannot lose its event) as done without delivering them: for a
 * consumer that has just rebuilt everything those events asked for (a full search reindex). Returns
 * how many were settled.
 */
export async function supersedeEvents(
  db: Db,
  topic: string,
  before: string,
  marginSeconds = 10,
): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with s as (update ${outboxEvents} set status = 'done', processed_at = now(), locked_until = null
        where topic = ${topic} and status = 'pending'
          and created_at < ${before}::timestamptz - make_interval(secs => ${marginSeconds})
        returning 1)
      select count(*)::int as n from s`,
  );
  return Number(rows[0]?.n ?? 0);
}
