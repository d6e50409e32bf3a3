import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.ts";
import type { ResponseCache } from "./cache.ts";
import type { Database, Db } from "./db.ts";
import type { ImageService } from "./images.ts";
import type { JobRuntime } from "./jobs.ts";
import type { Mailer } from "./mail.ts";
import type { OutboxDispatcher } from "./outbox.ts";
import type { Storage } from "./storage.ts";

/**
 * What route plugins and flows need from the platform, built once per app by `buildApp`. Capabilities
 * owned by a module are added by that module's own context type (`AuthContext` of customers,
 * `PaymentsContext` of payments, `CheckoutContext` of checkout), so the platform imports no module.
 */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  cache: ResponseCache;
  storage: Storage;
  images: ImageService;
  /** Delivers outbox events after commit (email, and later webhooks, search indexing, ...). */
  outbox: OutboxDispatcher;
  /** Background and scheduled jobs (pg-boss): every job is declared in server/src/jobs.ts. */
  jobs: JobRuntime;
  mailer: Mailer;
  /** The app's logger (pino). */
  log: FastifyBaseLogger;
  /**
   * Every route added, with what it requires: an admin route's permission, or `vendor:owner` /
   * `vendor:member` for vendor routes (for docs and the authorization tests).
   */
  routes: { method: string; url: string; permission: string | null }[];
}
