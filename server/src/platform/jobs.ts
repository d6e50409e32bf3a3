import PgBoss from "pg-boss";
import type { Database } from "./db.ts";

/**
 * Background and scheduled jobs on pg-boss (https://github.com/timgit/pg-boss, v10): queues in the
 * `pgboss` schema of the shop's own database, claimed with `FOR UPDATE SKIP LOCKED`, retried with
 * exponential backoff, failed ("dead") once their retries are spent, and expired (then retried) when a
 * worker dies holding one. pg-boss runs over the app's database handle (`Database.executeSql`): the
 * node-postgres pool on PostgreSQL, the single in-process connection on the embedded PGlite (pg-boss's
 * own migrations, plpgsql functions, partitions and SKIP LOCKED queries all run there).
 *
 * Every job is declared once, at the composition root (`server/src/jobs.ts`), as a `JobDefinition`.
 */

/** What a handler learns about the run in hand. */
export interface JobRun {
  id: string;
  name: string;
  /** 1 on the first attempt, 2 on the first retry, ... */
  attempt: number;
}

/** When a job runs by itself. */
export type JobSchedule =
  /**
   * Once per period of this many seconds (periods are aligned to the epoch), however many workers run:
   * every worker offers the period's job and pg-boss's singleton slot keeps exactly one.
   */
  | { everySeconds: number }
  /** A cron expression (UTC, minute precision): pg-boss's scheduler, one instance per database sends each tick. */
  | { cron: string };

export interface JobDefinition<D extends object = Record<string, unknown>> {
  /** Queue name: letters, digits, `-`, `_`, `.` (at most 50). */
  name: string;
  /** One line for the admin screen. */
  description: string;
  /** Does the work; a throw (or exceeding `expireInSeconds`) fails the attempt. The result is kept as the job's output. */
  handler: (data: D, run: JobRun) => Promise<unknown>;
  /** Retries after the first attempt before the job is dead (state `failed`). */
  retryLimit: number;
  /** Delay before the first retry, in whole seconds. */
  retryDelaySeconds: number;
  /**
   * Exponential backoff: retry n waits about retryDelay * 2^(n-1) (pg-boss adds up to as much again in
   * jitter); false: every retry waits retryDelay.
   */
  retryBackoff: boolean;
  /** An attempt still active after this long fails (and is retried): a handler that hangs or a worker that died. */
  expireInSeconds: number;
  schedule?: JobSchedule;
  /**
   * pg-boss queue policy: `stately` (default for scheduled jobs: at most one queued and one running, so
   * a slow sweep never overlaps itself) or `standard` (default otherwise).
   */
  policy?: "standard" | "stately" | "singleton" | "short";
}

/** Job counts of one queue by state. */
export interface QueueCounts {
  name: string;
  description: string | null;
  /** Waiting to run: new (`created`) or waiting for a retry (`retry`). */
  queued: number;
  active: number;
  /** Dead: retries spent (pg-boss state `failed`); kept for two weeks, retriable. */
  failed: number;
  completed: number;
  cancelled: number;
}

/** A failed (dead) job, for the admin screen. */
export interface FailedJob {
  id: string;
  name: string;
  /** The job's data as JSON, cut to 500 characters. */
  dataSummary: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  startedAt: string | null;
  failedAt: string | null;
}

export interface WorkOptions {
  /** How often an idle worker looks for jobs (default 2 s, at least 0.5). */
  pollingIntervalSeconds?: number;
  /** How often expired attempts are failed (and retried) and old jobs archived (default 10 s). */
  maintenanceIntervalSeconds?: number;
  /** How often pg-boss's cron scheduler checks its schedules (default 30 s). */
  cronMonitorIntervalSeconds?: number;
  /** How often this process offers each `everySeconds` job its period's run (default: a sixth of the period, 1-30 s). */
  tickSeconds?: number;
}

/** Raised by `retry` for an unknown job id or a job that is not failed. */
export class JobStateError extends Error {
  constructor(
    readonly reason: "not-found" | "not-failed",
    message: string,
  ) {
    super(message);
    this.name = "JobStateError";
  }
}

const schema = "pgboss";
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** pg-boss's `db` option over the app's database (the pool on PostgreSQL, the one PGlite connection). */
export function pgBossDb(database: Database): PgBoss.Db {
  return { executeSql: (text, values) => database.executeSql(text, values) };
}

/** pg-boss settings shared by every instance of the shop. */
function bossOptions(database: Database, work: boolean, options: WorkOptions): PgBoss.ConstructorOptions {
  return {
    db: pgBossDb(database),
    schema,
    // Only working processes maintain (expire, archive) and run the cron scheduler.
    supervise: work,
    schedule: work,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 10,
    cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds ?? 30,
    // Completed jobs move to the archive after two days (this also bounds `everySeconds`); dead ones
    // stay in their queue, retriable, for two weeks.
    archiveCompletedAfterSeconds: 2 * 86_400,
    archiveFailedAfterSeconds: 14 * 86_400,
    deleteAfterDays: 7,
  };
}

/**
 * The job runtime of one process: the registry of job definitions, `work()` to run them here, `send()`
 * to queue one, and the admin's view (queues, failed jobs, retry). pg-boss starts on first use.
 */
export class JobRuntime {
  private readonly definitions = new Map<string, JobDefinition>();
  private boss: Promise<PgBoss> | null = null;
  private working = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onError: (error: unknown, context: { job?: string }) => void;

  constructor(
    private readonly database: Database,
    options: { onError?: (error: unknown, context: { job?: string }) => void } = {},
  ) {
    this.onError = options.onError ?? (() => {});
  }

  /** Declares a job (once per name, before `work()`). */
  define<D extends object>(definition: JobDefinition<D>): this {
    if (this.definitions.has(definition.name)) throw new Error(`Job "${definition.name}" is defined twice`);
    if (this.working) throw new Error(`Job "${definition.name}" defined after the runtime started working`);
    this.definitions.set(definition.name, definition as unknown as JobDefinition);
    return this;
  }

  /** The declared jobs, in declaration order. */
  list(): JobDefinition[] {
    return [...this.definitions.values()];
  }

  /** Whether this process runs the jobs (`work()` was called). */
  get isWorking(): boolean {
    return this.working;
  }

  private async started(work = false, options: WorkOptions = {}): Promise<PgBoss> {
    if (this.boss) return this.boss;
    this.boss = (async () => {
      const boss = new PgBoss(bossOptions(this.database, work, options));
      boss.on("error", (error) => this.onError(error, {}));
      await boss.start();
      for (const def of this.definitions.values()) {
        const queue = {
          name: def.name,
          policy: def.policy ?? (def.schedule ? "stately" : "standard"),
          retryLimit: def.retryLimit,
          retryDelay: def.retryDelaySeconds,
          retryBackoff: def.retryBackoff,
          expireInSeconds: def.expireInSeconds,
        } as const;
        await withRaceRetries(() => boss.createQueue(def.name, queue));
        // A queue made by an earlier version keeps its policy; its retry settings follow the definition.
        await boss.updateQueue(def.name, queue);
      }
      return boss;
    })();
    this.boss.catch(() => {
      this.boss = null;
    });
    return this.boss;
  }

  /**
   * Runs the jobs in this process until `stop()`: works every queue, offers each `everySeconds` job its
   * period's run, registers the cron schedules, and (pg-boss) expires attempts of dead workers.
   */
  async work(options: WorkOptions = {}): Promise<void> {
    if (this.working) return;
    this.working = true;
    // pg-boss fixes maintenance and scheduling at construction: an instance started for reads only is replaced.
    if (this.boss) {
      const reader = await this.boss.catch(() => null);
      this.boss = null;
      await reader?.stop({ graceful: false, close: false, wait: true });
    }
    const boss = await this.started(true, options);
    for (const def of this.definitions.values()) {
      await boss.work<Record<string, unknown>>(
        def.name,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          if (!job) return;
          try {
            return await def.handler(job.data ?? {}, {
              id: job.id,
              name: job.name,
              attempt: job.retryCount + 1,
            });
          } catch (error) {
            this.onError(error, { job: def.name });
            throw error;
          }
        },
      );
      const schedule = def.schedule;
      if (schedule && "cron" in schedule) await boss.schedule(def.name, schedule.cron, {}, { tz: "UTC" });
      else await boss.unschedule(def.name);
      if (schedule && "everySeconds" in schedule) {
        const every = schedule.everySeconds;
        const offer = () =>
          void boss.sendThrottled(def.name, {}, {}, every, def.name).catch((error: unknown) => {
            if (this.working) this.onError(error, { job: def.name });
          });
        offer();
        const tick = options.tickSeconds ?? Math.min(30, Math.max(1, Math.floor(every / 6)));
        const timer = setInterval(offer, tick * 1000);
        timer.unref();
        this.timers.push(timer);
      }
    }
  }

  /** Queues a run of `name` now (or as `options` say). Resolves with the job id (null when a singleton option refused it). */
  async send(name: string, data: object = {}, options: PgBoss.SendOptions = {}): Promise<string | null> {
    if (!this.definitions.has(name)) throw new Error(`No job "${name}"`);
    return (await this.started()).send(name, data, options);
  }

  /** One job's state, retry count and output (archived ones included), or null. */
  async job(name: string, id: string) {
    return (await this.started()).getJobById<Record<string, unknown>>(name, id, { includeArchive: true });
  }

  /** Every declared queue (and any other in the database) with its job counts by state. */
  async queues(): Promise<QueueCounts[]> {
    await this.started();
    const { rows } = await this.database.executeSql(
      `select q.name, j.state::text as state, count(j.id)::int as n
         from ${schema}.queue q left join ${schema}.job j on j.name = q.name
        where q.name not like '\\_\\_pgboss%'
        group by q.name, j.state order by q.name`,
    );
    const byName = new Map<string, QueueCounts>();
    const entry = (name: string) => {
      let counts = byName.get(name);
      if (!counts) {
        counts = {
          name,
          description: this.definitions.get(name)?.description ?? null,
          queued: 0,
          active: 0,
          failed: 0,
          completed: 0,
          cancelled: 0,
        };
        byName.set(name, counts);
      }
      return counts;
    };
    for (const name of this.definitions.keys()) entry(name);
    for (const row of rows as { name: string; state: string | null; n: number }[]) {
      const counts = entry(row.name);
      const n = Number(row.n);
      if (row.state === "created" || row.state === "retry") counts.queued += n;
      else if (row.state === "active") counts.active += n;
      else if (row.state === "failed") counts.failed += n;
      else if (row.state === "completed") counts.completed += n;
      else if (row.state === "cancelled") counts.cancelled += n;
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Failed (dead) jobs of a queue, most recently failed first; `before` is the `failedAt` of the previous page's last. */
  async failedJobs(name: string, limit: number, before?: string): Promise<FailedJob[]> {
    await this.started();
    const { rows } = await this.database.executeSql(
      `select id::text, name, left(coalesce(data::text, 'null'), 500) as data, retry_count, output,
              created_on, started_on, completed_on
         from ${schema}.job
        where name = $1 and state = 'failed' and ($3::timestamptz is null or completed_on < $3::timestamptz)
        order by completed_on desc, id limit $2`,
      [name, limit, before ?? null],
    );
    const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
    return (rows as Record<string, unknown>[]).map((row) => ({
      id: String(row.id),
      name: String(row.name),
      dataSummary: String(row.data),
      attempts: Number(row.retry_count) + 1,
      lastError: errorMessage(row.output),
      createdAt: iso(row.created_on)!,
      startedAt: iso(row.started_on),
      failedAt: iso(row.completed_on),
    }));
  }

  /**
   * Queues a failed (dead) job again for one more attempt (pg-boss raises its retry limit by one; a
   * failure makes it dead again). Resolves with its queue name.
   * @throws JobStateError for an unknown id or a job that is not failed.
   */
  async retry(id: string): Promise<{ id: string; name: string }> {
    const boss = await this.started();
    if (!uuid.test(id)) throw new JobStateError("not-found", `No job ${id}`);
    const { rows } = await this.database.executeSql(
      `select name, state::text as state from ${schema}.job where id = $1::uuid`,
      [id],
    );
    const row = rows[0] as { name: string; state: string } | undefined;
    if (!row) throw new JobStateError("not-found", `No job ${id}`);
    if (row.state !== "failed")
      throw new JobStateError(
        "not-failed",
        `Job ${id} is ${row.state}, not failed: only failed jobs are retried`,
      );
    await boss.retry(row.name, id);
    return { id, name: row.name };
  }

  /**
   * Stops working (in-flight jobs get `timeoutMs` to finish; pg-boss fails what is left, to be
   * retried) and releases pg-boss. The database stays open.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const wasWorking = this.working;
    this.working = false;
    const boss = this.boss ? await this.boss.catch(() => null) : null;
    this.boss = null;
    await boss?.stop({ graceful: wasWorking, close: false, wait: true, timeout: Math.max(1000, timeoutMs) });
  }
}

/**
 * Runs `fn` again when it lost a race with another process doing the same: two workers creating one
 * new queue at once deadlock on pg-boss's partition attach (PostgreSQL aborts one), or meet its table.
 */
async function withRaceRetries<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "42P07" && code !== "23505")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

/** The message of a failed job's output (pg-boss keeps the serialised error there). */
function errorMessage(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  const value = typeof output === "string" ? safeJson(output) : output;
  if (value && typeof value === "object") {
    const o = value as { message?: unknown; value?: { message?: unknown } };
    if (typeof o.message === "string") return o.message;
    if (typeof o.value?.message === "string") return o.value.message;
  }
  return JSON.stringify(value).slice(0, 2000);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
