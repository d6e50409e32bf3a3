import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { Db } from "../../platform/db.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { type JobRuntime, JobStateError } from "../../platform/jobs.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { recordStaffAction } from "../audit/index.ts";

const QueueName = Type.String({
  minLength: 1,
  maxLength: 50,
  pattern: "^[A-Za-z0-9_.-]+$",
  description: "Queue (job) name, e.g. reservations-expire",
});

const QueueSchema = Type.Object({
  name: Type.String({ description: "Queue (job) name" }),
  description: Type.Union([Type.String(), Type.Null()], {
    description: "What the job does (null for a queue this server does not declare)",
  }),
  queued: Type.Integer({ description: "Jobs waiting to run: new, or waiting for a retry" }),
  active: Type.Integer({ description: "Jobs running now" }),
  failed: Type.Integer({ description: "Dead jobs: their retries are spent (kept two weeks, retriable)" }),
  completed: Type.Integer({ description: "Completed jobs not yet archived (two days)" }),
  cancelled: Type.Integer({ description: "Cancelled jobs" }),
});

const FailedJobSchema = Type.Object({
  id: Type.String({ description: "Job id (UUID)" }),
  name: Type.String({ description: "Queue (job) name" }),
  dataSummary: Type.String({ description: "The job's data as JSON, cut to 500 characters" }),
  attempts: Type.Integer({ description: "Attempts made" }),
  lastError: Type.Union([Type.String(), Type.Null()], { description: "Error message of the last attempt" }),
  createdAt: Type.String({ format: "date-time", description: "When the job was queued" }),
  startedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When its last attempt started",
  }),
  failedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When it was declared dead",
  }),
});

/**
 * The background jobs for staff, under /api/admin (jobs:manage): queues with their counts, the dead
 * jobs of a queue, and retrying one (audited as `job.retried`).
 */
export function adminJobRoutes(jobs: JobRuntime, db: Db): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/jobs/queues",
      {
        config: { permission: "jobs:manage" },
        schema: {
          summary: "Background job queues",
          description:
            "Every job queue with its jobs counted by state (queued, active, failed (dead), completed, cancelled). " +
            "Needs jobs:manage.",
          tags: ["admin"],
          response: {
            200: Type.Object({
              items: Type.Array(QueueSchema),
              nextCursor: Type.Null(),
              total: Type.Integer(),
            }),
          },
        },
      },
      async () => {
        const items = await jobs.queues();
        return { items, nextCursor: null, total: items.length };
      },
    );

    app.get(
      "/jobs/queues/:name/failed",
      {
        config: { permission: "jobs:manage" },
        schema: {
          summary: "Dead jobs of a queue",
          description:
            "Jobs of the queue whose retries are spent, most recently failed first, with their last error. " +
            "`cursor` is the previous page's nextCursor. Needs jobs:manage. Errors: 400 VALIDATION_FAILED (cursor), " +
            "404 QUEUE_NOT_FOUND.",
          tags: ["admin"],
          params: Type.Object({ name: QueueName }),
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Jobs per page" }),
              cursor: Type.Optional(
                Type.String({ format: "date-time", description: "failedAt of the previous page's last job" }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              items: Type.Array(FailedJobSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: "Pass as `cursor` for the next page; null on the last",
              }),
              total: Type.Integer({ description: "Dead jobs in the queue" }),
            }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request) => {
        const { name } = request.params;
        const { limit, cursor } = request.query;
        const before = cursor === undefined ? undefined : new Date(cursor);
        if (
          before &&
          (Number.isNaN(before.getTime()) || before.getUTCFullYear() < 1 || before.getUTCFullYear() > 9999)
        )
          throw new ValidationError([{ field: "cursor", message: "is not a cursor returned by this API" }]);
        const queue = (await jobs.queues()).find((q) => q.name === name);
        if (!queue) throw new NotFoundError("QUEUE_NOT_FOUND", `No job queue ${name}`);
        const rows = await jobs.failedJobs(name, limit + 1, before?.toISOString());
        const items = rows.slice(0, limit);
        return {
          items,
          nextCursor: rows.length > limit ? (items.at(-1)?.failedAt ?? null) : null,
          total: queue.failed,
        };
      },
    );

    app.post(
      "/jobs/:id/retry",
      {
        config: { permission: "jobs:manage" },
        schema: {
          summary: "Retry a dead job",
          description:
            "Queues a failed (dead) job again for one more attempt. Audited (job.retried). Needs jobs:manage. " +
            "Errors: 404 JOB_NOT_FOUND, 409 JOB_NOT_FAILED.",
          tags: ["admin"],
          params: Type.Object({ id: Type.String({ maxLength: 64, description: "Job id (UUID)" }) }),
          response: {
            200: Type.Object({
              id: Type.String({ description: "Job id" }),
              name: Type.String({ description: "Its queue" }),
              state: Type.Literal("retry", { description: "The job waits for its next attempt" }),
            }),
            404: ProblemSchema,
            409: ProblemSchema,
          },
        },
      },
      async (request) => {
        try {
          const job = await jobs.retry(request.params.id);
          await recordStaffAction(db, request, {
            action: "job.retried",
            targetType: "job",
            targetId: job.id,
            metadata: { queue: job.name },
          });
          return { ...job, state: "retry" as const };
        } catch (error) {
          if (error instanceof JobStateError)
            throw error.reason === "not-found"
              ? new NotFoundError("JOB_NOT_FOUND", error.message)
              : new ConflictError("JOB_NOT_FAILED", error.message);
          throw error;
        }
      },
    );
  };
}
