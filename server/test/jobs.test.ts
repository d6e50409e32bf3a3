import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LightMyRequestResponse } from "fastify";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { bootstrapOwner } from "../src/modules/staff/index.ts";
import { type Database, openPostgres } from "../src/platform/db.ts";
import { type JobDefinition, JobRuntime, pgBossDb } from "../src/platform/jobs.ts";
import { freshDatabase, freshDatabaseUrl, testApp, testDatabaseUrl } from "./helpers.ts";

/**
 * Background jobs on pg-boss (platform/jobs.ts, registry server/src/jobs.ts): retries with backoff
 * then dead, the staff API over them, no job lost when a worker dies mid-job, and one run per period
 * of a scheduled job however many workers run. On PGlite by default, on PostgreSQL with TEST_DATABASE_URL.
 */

const serverDir = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function cookieOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

describe("the job registry", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp({ reservationSweepMinutes: 3 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("declares every background job in one place with its retries, expiry and schedule", () => {
    const jobs = new Map(t.ctx.jobs.list().map((j) => [j.name, j]));
    expect([...jobs.keys()].sort()).toEqual([
      "catalog-publish-scheduled",
      "catalog-sellable-flags",
      "data-transfer",
      "jobs-probe",
      "payouts-scheduled",
      "recommendations-train",
      "reservations-expire",
      "review-requests",
      "search-stock-sync",
      "sessions-end-overlong",
      "wishlist-alerts",
    ]);
    expect(jobs.get("reservations-expire")!.schedule).toEqual({ everySeconds: 180 });
    expect(jobs.get("review-requests")!.schedule).toEqual({ everySeconds: 1800 });
    expect(jobs.get("wishlist-alerts")!.schedule).toEqual({ everySeconds: 900 });
    expect(jobs.get("sessions-end-overlong")!.schedule).toEqual({ everySeconds: 300 });
    expect(jobs.get("catalog-publish-scheduled")!.schedule).toEqual({ everySeconds: 60 });
    expect(jobs.get("catalog-sellable-flags")!.schedule).toEqual({ everySeconds: 60 });
    expect(jobs.get("search-stock-sync")!.schedule).toEqual({ everySeconds: 30 });
    expect(jobs.get("recommendations-train")!.schedule).toEqual({ everySeconds: 3600 });
    for (const job of jobs.values()) {
      expect(job.expireInSeconds).toBeGreaterThan(0);
      expect(job.retryLimit).toBeGreaterThanOrEqual(1);
    }
    // Nothing runs until a process calls work().
    expect(t.ctx.jobs.isWorking).toBe(false);
  });

  it("runs a job through pg-boss on this database (the sweeps are the modules' own functions)", async () => {
    const runtime = new JobRuntime(t.database);
    for (const job of t.ctx.jobs.list()) runtime.define(job);
    await runtime.work({ pollingIntervalSeconds: 0.5 });
    try {
      const id = await runtime.send("jobs-probe", { ms: 10 });
      const job = await until(
        "the probe job",
        () => runtime.job("jobs-probe", id!),
        (j) => j?.state === "completed",
      );
      expect(job!.output).toMatchObject({ pid: process.pid });
      // The scheduled sweeps ran once on start, each in its period's single slot.
      const swept = await until(
        "the first reservation sweep",
        async () => (await runtime.queues()).find((q) => q.name === "reservations-expire")!,
        (q) => q.completed >= 1,
      );
      expect(swept.failed).toBe(0);
    } finally {
      await runtime.stop();
    }
  });
});

describe("WORKER", () => {
  it("runs the jobs inline by default; `separate` needs PostgreSQL, where `bazaar worker` can reach the database", () => {
    expect(loadConfig({}).worker).toBe("inline");
    expect(loadConfig({ WORKER: "separate", DATABASE_URL: "postgres://db/shop" }).worker).toBe("separate");
    expect(() => loadConfig({ WORKER: "separate" })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKER: "elsewhere", DATABASE_URL: "postgres://db/shop" })).toThrow(/WORKER/);
  });
});

describe("a failing job", () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let runtime: JobRuntime;
  let failing = true;
  const attempts: { attempt: number; at: number }[] = [];
  const flaky: JobDefinition = {
    name: "test-flaky",
    description: "fails until told otherwise",
    handler: async (_data, run) => {
      attempts.push({ attempt: run.attempt, at: Date.now() });
      if (failing) throw new Error(`flaky attempt ${run.attempt}`);
      return { ok: true };
    },
    retryLimit: 3,
    retryDelaySeconds: 1,
    retryBackoff: true,
    expireInSeconds: 30,
  };

  beforeAll(async () => {
    t = await testApp({ adminEmail: "owner@jobs.test", adminPassword: "correct horse battery staple" });
    await bootstrapOwner(t.ctx.config, t.ctx.auth, t.ctx.db);
    runtime = new JobRuntime(t.database).define(flaky);
    await runtime.work({ pollingIntervalSeconds: 0.5 });
  });
  afterAll(async () => {
    await runtime?.stop();
    await t?.close();
  });

  it("is retried with growing delays, ends dead, and staff see it, retry it (audited) and it completes", async () => {
    const id = (await runtime.send("test-flaky", { order: "ord_123" }))!;
    const dead = await until(
      "the job to die",
      () => runtime.job("test-flaky", id),
      (j) => j?.state === "failed",
    );
    expect(dead!.retryCount).toBe(3);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    // Backoff: retry n waits retryDelay * 2^(n-1) to twice that (pg-boss's jitter), plus polling.
    const gaps = attempts.slice(1).map((a, i) => (a.at - attempts[i]!.at) / 1000);
    expect(gaps[0]).toBeGreaterThanOrEqual(0.9);
    expect(gaps[1]).toBeGreaterThanOrEqual(1.9);
    expect(gaps[2]).toBeGreaterThanOrEqual(3.9);
    expect(gaps[2]).toBeGreaterThan(gaps[0]!);

    const origin = t.ctx.config.publicUrl;
    const signIn = await t.app.inject({
      method: "POST",
      url: "/api/auth/sign-in/email",
      headers: { origin },
      payload: { email: "owner@jobs.test", password: "correct horse battery staple" },
    });
    const headers = { origin, cookie: cookieOf(signIn) };
    const queues = await t.app.inject({ method: "GET", url: "/api/admin/jobs/queues", headers });
    expect(queues.statusCode).toBe(200);
    const queue = queues.json().items.find((q: { name: string }) => q.name === "test-flaky");
    expect(queue).toMatchObject({ queued: 0, active: 0, failed: 1 });
    expect(queues.json().items.map((q: { name: string }) => q.name)).toContain("reservations-expire");

    const failed = await t.app.inject({
      method: "GET",
      url: "/api/admin/jobs/queues/test-flaky/failed",
      headers,
    });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ total: 1, nextCursor: null });
    expect(failed.json().items).toEqual([
      expect.objectContaining({
        id,
        name: "test-flaky",
        attempts: 4,
        lastError: "flaky attempt 4",
        dataSummary: '{"order": "ord_123"}',
      }),
    ]);
    const missing = await t.app.inject({
      method: "GET",
      url: "/api/admin/jobs/queues/no-such-queue/failed",
      headers,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toContain("application/problem+json");
    expect(missing.json().code).toBe("QUEUE_NOT_FOUND");

    failing = false;
    const retried = await t.app.inject({ method: "POST", url: `/api/admin/jobs/${id}/retry`, headers });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ id, name: "test-flaky", state: "retry" });
    const done = await until(
      "the retried job to complete",
      () => runtime.job("test-flaky", id),
      (j) => j?.state === "completed",
    );
    expect(done!.output).toEqual({ ok: true });
    expect(attempts).toHaveLength(5);

    const again = await t.app.inject({ method: "POST", url: `/api/admin/jobs/${id}/retry`, headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("JOB_NOT_FAILED");
    const unknown = await t.app.inject({
      method: "POST",
      url: "/api/admin/jobs/00000000-0000-4000-8000-000000000000/retry",
      headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("JOB_NOT_FOUND");

    const audit = await t.app.inject({
      method: "GET",
      url: "/api/admin/audit-events?action=job.retried",
      headers,
    });
    expect(audit.json().items).toEqual([
      expect.objectContaining({ action: "job.retried", targetType: "job", targetId: id }),
    ]);
    // A customer may not.
    const shopper = await t.app.inject({ method: "GET", url: "/api/admin/jobs/queues", headers: { origin } });
    expect(shopper.statusCode).toBe(401);
  }, 90_000);
});

describe("a worker dying mid-job", () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("loses no job: the attempt it held expires and another worker runs the job to completion", async () => {
    const runs: string[] = [];
    const slow: JobDefinition = {
      name: "test-slow",
      description: "takes a while",
      handler: async (_data, run) => {
        await sleep(300);
        runs.push(`attempt ${run.attempt}`);
        return { attempt: run.attempt };
      },
      retryLimit: 2,
      retryDelaySeconds: 0,
      retryBackoff: false,
      expireInSeconds: 2,
    };
    // The "crashed" worker: pg-boss hands it the job (state active), and it never finishes: it died.
    const setup = new JobRuntime(database).define(slow);
    const id = (await setup.send("test-slow", {}))!;
    await setup.stop();
    const crashed = new PgBoss({
      db: pgBossDb(database),
      schema: "pgboss",
      supervise: false,
      schedule: false,
    });
    await crashed.start();
    const [held] = await crashed.fetch("test-slow");
    expect(held?.id).toBe(id);
    await crashed.stop({ graceful: false, close: false });
    expect((await setup.job("test-slow", id))?.state).toBe("active");

    const survivor = new JobRuntime(database).define(slow);
    await survivor.work({ pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 1 });
    try {
      const job = await until(
        "the job to complete",
        () => survivor.job("test-slow", id),
        (j) => j?.state === "completed",
        30_000,
      );
      expect(job!.output).toEqual({ attempt: 2 });
      expect(runs).toEqual(["attempt 2"]);
    } finally {
      await survivor.stop();
    }
  }, 60_000);

  it.skipIf(!testDatabaseUrl)(
    "PostgreSQL: a `bazaar worker` process killed (SIGKILL) mid-job; the next worker process completes the job",
    async () => {
      const pg = (await freshDatabaseUrl())!;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-jobs-"));
      const children: ChildProcess[] = [];
      const startWorker = async () => {
        const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "worker"], {
          cwd: serverDir,
          env: {
            ...process.env,
            NODE_ENV: "test",
            DATABASE_URL: pg.url,
            WORKER: "separate",
            LOG_LEVEL: "warn",
            SEED_DEMO: "false",
            DATA_DIR: dataDir,
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        children.push(child);
        let out = "";
        child.stdout!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.stderr!.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        await until(
          "the worker to start",
          async () => out,
          (o) => o.includes("Bazaar worker") || child.exitCode !== null,
          60_000,
        );
        if (child.exitCode !== null) throw new Error(`worker exited: ${out}`);
        return child;
      };
      const database = await openPostgres(pg.url, 2);
      const boss = new PgBoss({
        db: pgBossDb(database),
        schema: "pgboss",
        supervise: false,
        schedule: false,
      });
      try {
        const first = await startWorker();
        await boss.start();
        // The probe job takes 4 s; an attempt still active after 6 s has expired (its worker died).
        const id = (await boss.send("jobs-probe", { ms: 4000 }, { expireInSeconds: 6 }))!;
        await until(
          "the first worker to take the job",
          () => boss.getJobById("jobs-probe", id),
          (j) => j?.state === "active",
        );
        await sleep(1000);
        first.kill("SIGKILL");
        await new Promise((resolve) => first.once("exit", resolve));
        expect((await boss.getJobById("jobs-probe", id))?.state).toBe("active");

        const second = await startWorker();
        const job = await until(
          "the second worker to complete the job",
          () => boss.getJobById<Record<string, unknown>>("jobs-probe", id, { includeArchive: true }),
          (j) => j?.state === "completed",
          60_000,
        );
        expect(job!.output).toMatchObject({ pid: second.pid });
        expect(job!.retryCount).toBe(1);
        second.kill("SIGTERM");
        await new Promise((resolve) => second.once("exit", resolve));
      } finally {
        for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
        await boss.stop({ graceful: false, close: false }).catch(() => {});
        await database.close();
        await pg.drop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe("a scheduled job with two workers", () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it("runs exactly once per period, never twice, whichever worker takes it", async () => {
    const runs: { worker: string; id: string }[] = [];
    const tick = (worker: string): JobDefinition => ({
      name: "test-tick",
      description: "every 2 s",
      handler: async (_data, run) => {
        runs.push({ worker, id: run.id });
      },
      retryLimit: 1,
      retryDelaySeconds: 1,
      retryBackoff: false,
      expireInSeconds: 30,
      schedule: { everySeconds: 2 },
    });
    const a = new JobRuntime(database).define(tick("a"));
    const b = new JobRuntime(database).define(tick("b"));
    // Both offer the period's run four times a second.
    await Promise.all([
      a.work({ pollingIntervalSeconds: 0.5, tickSeconds: 0.25 }),
      b.work({ pollingIntervalSeconds: 0.5, tickSeconds: 0.25 }),
    ]);
    const startedAt = Date.now();
    await sleep(7_000);
    await Promise.all([a.stop(), b.stop()]);
    const elapsed = (Date.now() - startedAt) / 1000;
    const { rows } = await database.executeSql(
      `select id::text, singleton_on, state::text from pgboss.job where name = 'test-tick' order by singleton_on`,
    );
    const jobs = rows as { id: string; singleton_on: Date; state: string }[];
    const periods = new Set(jobs.map((j) => new Date(j.singleton_on).getTime()));
    // One job per 2-second period, each run once.
    expect(periods.size).toBe(jobs.length);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(jobs.length).toBeLessThanOrEqual(Math.ceil(elapsed / 2) + 1);
    const ran = runs.map((r) => r.id);
    expect(new Set(ran).size).toBe(ran.length);
    for (const id of ran) expect(jobs.map((j) => j.id)).toContain(id);
    expect(ran.length).toBeGreaterThanOrEqual(jobs.length - 1); // the last period's job may still be queued
  }, 30_000);

  it("runs a cron schedule once per tick (pg-boss's scheduler: one instance per database sends it)", async () => {
    const runs: string[] = [];
    const cron = (worker: string): JobDefinition => ({
      name: "test-cron",
      description: "every minute",
      handler: async () => {
        runs.push(worker);
      },
      retryLimit: 1,
      retryDelaySeconds: 1,
      retryBackoff: false,
      expireInSeconds: 30,
      schedule: { cron: "* * * * *" },
    });
    const a = new JobRuntime(database).define(cron("a"));
    const b = new JobRuntime(database).define(cron("b"));
    const startedAt = new Date();
    // Each checks the schedules every second (pg-boss default: 30 s); a minute's tick is due at once.
    const options = { pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1 };
    await Promise.all([a.work(options), b.work(options)]);
    await until(
      "the cron tick to run",
      async () => runs.length,
      (n) => n >= 1,
      20_000,
    );
    await sleep(4_000);
    await Promise.all([a.stop(), b.stop()]);
    const minutes = Math.floor(Date.now() / 60_000) - Math.floor(startedAt.getTime() / 60_000) + 1;
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(minutes);
  }, 40_000);
});
