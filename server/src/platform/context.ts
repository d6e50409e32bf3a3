import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.ts";
import type { FraudScreen } from "../flows/fraud.ts";
import type { Auth } from "../modules/customers/index.ts";
import type { PaymentProviders } from "../modules/payments/index.ts";
import type { ResponseCache } from "./cache.ts";
import type { Database, Db } from "./db.ts";
import type { ImageService } from "./images.ts";
import type { Mailer } from "./mail.ts";
import type { OutboxDispatcher } from "./outbox.ts";
import type { Storage } from "./storage.ts";

/** What route plugins and flows need from the platform, built once per app by `buildApp`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  cache: ResponseCache;
  storage: Storage;
  images: ImageService;
  /** Delivers outbox events after commit (email, and later webhooks, search indexing, ...). */
  outbox: OutboxDispatcher;
  mailer: Mailer;
  /** Accounts and sessions (better-auth). */
  auth: Auth;
  /** Fraud screening rules (orders that trip one are held for review). */
  fraud: FraudScreen;
  /** The payment providers the shop offers. */
  payments: PaymentProviders;
  /** The app's logger (pino). */
  log: FastifyBaseLogger;
  /**
   * Every route added, with what it requires: an admin route's permission, or `vendor:owner` /
   * `vendor:member` for vendor routes (for docs and the authorization tests).
   */
  routes: { method: string; url: string; permission: string | null }[];
}
