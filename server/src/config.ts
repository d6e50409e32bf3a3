import path from "node:path";

/** Root of the repository (the folder holding the workspace package.json). */
export const repoRoot = path.resolve(import.meta.dirname, "../..");

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/** Typed, validated configuration of one server process. */
export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  /** Public base URL of the shop, used in absolute links (SEO, emails). No trailing slash. */
  publicUrl: string;
  logLevel: LogLevel;
  /** PostgreSQL connection string; null selects the embedded PGlite database in `dataDir/db`. */
  databaseUrl: string | null;
  /** Folder for the embedded database and local file storage. */
  dataDir: string;
  /** Folder where stored files (original images, generated sizes, downloads) live. */
  storageDir: string;
  /**
   * Where stored files live (STORAGE): `local` (default) in `storageDir`; `s3` in the bucket of `s3`,
   * shared by every API process (see storageVars).
   */
  storage: "local" | "s3";
  /** The S3 bucket and how to reach it when `storage` is `s3`; otherwise null. */
  s3: {
    bucket: string;
    endpoint: string | null;
    region: string;
    accessKeyId: string | null;
    secretAccessKey: string | null;
    forcePathStyle: boolean;
    /** Put before every key: empty, or ending in `/`. */
    prefix: string;
  } | null;
  /** Import the Luma demo catalog on start when the catalog is empty. */
  seedDemo: boolean;
  /** Folder of the Luma sample data. */
  lumaPath: string;
  /** Time-to-live of cached store API responses, in milliseconds. 0 disables the cache. */
  cacheTtlMs: number;
  /** How long a graceful shutdown waits for in-flight requests, in milliseconds. */
  shutdownTimeoutMs: number;
  /** Pool size of the PostgreSQL connection pool (ignored for PGlite), per worker process. */
  dbPoolSize: number;
  /**
   * API worker processes (WEB_CONCURRENCY, default 1): with more than one, `start` prepares the
   * database once and then serves from that many processes sharing the port. PostgreSQL only: the
   * embedded database belongs to one process.
   */
  workers: number;
  /**
   * Guest order lookups (number + e-mail) allowed per client IP address per minute
   * (ORDER_LOOKUP_PER_MINUTE, default 10): order numbers are sequential, so guessing is throttled.
   */
  orderLookupPerMinute: number;
  /** Serve the built storefront from web/storefront/dist at `/`. */
  serveStorefront: boolean;
  /** Name of the shop, used in emails and page titles. */
  storeName: string;
  /** SMTP server for outgoing email (`smtp://` or `smtps://`); null keeps email in the local mail outbox. */
  smtpUrl: string | null;
  /** Sender of outgoing email, e.g. `Bazaar <no-reply@example.com>`. */
  mailFrom: string;
  /**
   * Secret signing session cookies and tokens (BETTER_AUTH_SECRET, 32+ characters). Required in
   * production; elsewhere, when unset, one is generated once and kept in `dataDir/auth-secret`.
   */
  authSecret: string | null;
  /** Origins (besides PUBLIC_URL) allowed to make cookie-authenticated requests and redirects. */
  trustedOrigins: string[];
  /**
   * Which proxies' `X-Forwarded-For/-Host/-Proto` to believe (TRUST_PROXY, Fastify's `trustProxy`):
   * false (default: none), true (any), a hop count, or a list of addresses / CIDR ranges.
   */
  trustProxy: boolean | number | string[];
  /** First Owner account, created on start when both are set and the account does not exist. */
  adminEmail: string | null;
  adminPassword: string | null;
  /**
   * Social sign-in: Google, GitHub and Apple when their client id and secret are set
   * (GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET, GITHUB_..., APPLE_...), and any OpenID Connect issuer
   * (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_PROVIDER_ID (default "oidc"), OIDC_NAME).
   */
  socialProviders: Partial<Record<"google" | "github" | "apple", { clientId: string; clientSecret: string }>>;
  oidc: { providerId: string; name: string; issuer: string; clientId: string; clientSecret: string } | null;
  /** Redis (REDIS_URL) for state shared by several API processes: sessions cache, rate limits. */
  redisUrl: string | null;
  /** Prefix of every Redis key (REDIS_PREFIX). */
  redisPrefix: string;
  /** A session unused for this many days expires (SESSION_IDLE_DAYS); each use pushes it back. */
  sessionIdleDays: number;
  /** A session ends this many days after sign-in however active (SESSION_MAX_DAYS). */
  sessionMaxDays: number;
  /** Staff must turn on two-factor authentication before using the admin API (STAFF_REQUIRE_2FA). */
  staffRequireTwoFactor: boolean;
  /**
   * The demo test payment provider (test card numbers, no keys): PAYMENT_TEST_PROVIDER, on by default
   * when embedded (no DATABASE_URL) or testing, off otherwise.
   */
  testPayments: boolean;
  /** Offline payment methods offered (PAYMENT_MANUAL_METHODS: bank_transfer, cash_on_delivery). */
  manualPaymentMethods: ("bank_transfer" | "cash_on_delivery")[];
  /** Stripe (STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET; STRIPE_API_BASE for a local stand-in). */
  stripe: { secretKey: string; publishableKey: string; webhookSecret: string; apiBase: string | null } | null;
  /** PayPal (PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_WEBHOOK_ID, PAYPAL_ENVIRONMENT, PAYPAL_API_BASE). */
  paypal: {
    clientId: string;
    clientSecret: string;
    webhookId: string;
    environment: "sandbox" | "production";
    apiBase: string | null;
  } | null;
  /** Minutes between runs of the reservation expiry job (RESERVATION_SWEEP_MINUTES). */
  reservationSweepMinutes: number;
  /** Shared secret signing carrier shipment updates to /api/hooks/shipments (SHIPPING_WEBHOOK_SECRET); null disables the hook. */
  shippingWebhookSecret: string | null;
  /**
   * Fraud screening thresholds. Velocity, orders in the last hour at which the next one is held (0 turns
   * the rule off): FRAUD_VELOCITY_PER_HOUR per e-mail (default 5), FRAUD_CARD_VELOCITY_PER_HOUR per card
   * fingerprint (default 5), FRAUD_IP_VELOCITY_PER_HOUR per IP address (default 20: offices and mobile
   * networks share addresses). FRAUD_REVIEW_AMOUNT (minor units, default 100000), FRAUD_RISK_SCORE
   * (provider score 0-100, default 75).
   */
  fraud: {
    velocity: { email: number; ip: number; card: number };
    reviewAmount: number;
    riskScore: number;
  };
  /**
   * Product reviews. REVIEWS_REQUIRE_PURCHASE (default false): when true only customers with a paid
   * order of a product may review it; when false anyone signed in may, and buyers' reviews carry the
   * verified-purchase badge. REVIEW_REQUEST_DAYS (default 7, 0 turns them off): days after an order
   * is delivered (or shipped in full, when no delivery is reported; placed, when nothing ships)
   * before one e-mail invites the customer to review what they bought.
   */
  reviews: { requirePurchase: boolean; requestDays: number };
  /**
   * How long a search answer (for the same query, filters, sort and page) may be reused by this
   * process while the search index is unchanged, in ms (SEARCH_CACHE_TTL_MS, default 60000; 0 turns
   * it off). Real traffic repeats popular queries; any index change ends the reuse within 250 ms.
   */
  searchCacheTtlMs: number;
  /**
   * Which engine answers searches (SEARCH_ENGINE): `memory` (default) keeps the search index in each
   * API process's memory, in step with the database through the index's change log; `postgres`
   * answers every search with SQL (less memory per process, slower).
   */
  searchEngine: "memory" | "postgres";
  /**
   * How often, at most, the in-memory engine looks for index changes made by any process, in ms
   * (SEARCH_SYNC_MS, default 250): an edit is searchable that long after it is indexed.
   */
  searchSyncMs: number;
  /**
   * How often the API retrains recommendations, in hours (RECOMMENDATIONS_TRAIN_HOURS, default 24,
   * also soon after start when never trained); 0: API processes never train, a scheduler runs
   * `main.ts train-recommendations` instead.
   */
  recommendationsTrainHours: number;
  /**
   * Where background jobs and the outbox dispatcher run (WORKER): `inline` (default) in the API
   * process (only worker #1 runs the jobs under WEB_CONCURRENCY > 1); `separate` in `bazaar worker`
   * processes only (PostgreSQL: the embedded database belongs to one process).
   */
  worker: "inline" | "separate";
}

/** Raised when the environment holds a value the server cannot run with. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

/**
 * STORAGE (`local` or `s3`) and, with `s3`: S3_BUCKET (required), S3_ENDPOINT (an S3-compatible
 * server's URL; unset for AWS), S3_REGION (default us-east-1), S3_ACCESS_KEY_ID and
 * S3_SECRET_ACCESS_KEY (together; unset: the AWS SDK's default credential chain), S3_FORCE_PATH_STYLE
 * (default true with S3_ENDPOINT) and S3_PREFIX (a key prefix such as `shop-eu/`).
 */
function storageVars(env: Env): Pick<Config, "storage" | "s3"> {
  const storage = oneOf(env, "STORAGE", ["local", "s3"] as const, "local");
  if (storage === "local") return { storage, s3: null };
  const bucket = env.S3_BUCKET?.trim() || "";
  if (!bucket) throw new ConfigError("S3_BUCKET", "is required with STORAGE=s3");
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/.test(bucket))
    throw new ConfigError("S3_BUCKET", `"${bucket}" is not a bucket name`);
  const endpoint = env.S3_ENDPOINT?.trim().replace(/\/+$/, "") || null;
  if (endpoint && !(/^https?:\/\//.test(endpoint) && URL.canParse(endpoint)))
    throw new ConfigError("S3_ENDPOINT", `must be an http(s) URL, got "${endpoint}"`);
  const region = env.S3_REGION?.trim() || "us-east-1";
  if (!/^[a-z0-9-]+$/.test(region)) throw new ConfigError("S3_REGION", `"${region}" is not a region`);
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim() || null;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim() || null;
  if (accessKeyId && !secretAccessKey)
    throw new ConfigError("S3_SECRET_ACCESS_KEY", "is required with S3_ACCESS_KEY_ID");
  if (secretAccessKey && !accessKeyId)
    throw new ConfigError("S3_ACCESS_KEY_ID", "is required with S3_SECRET_ACCESS_KEY");
  const prefix = (env.S3_PREFIX ?? "").trim().replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((part) => part === "." || part === "..") || /[\\\0]|\/\//.test(prefix))
    throw new ConfigError("S3_PREFIX", `"${env.S3_PREFIX}" is not a key prefix like shop-eu/`);
  return {
    storage,
    s3: {
      bucket,
      endpoint,
      region,
      accessKeyId,
      secretAccessKey,
      forcePathStyle: boolVar(env, "S3_FORCE_PATH_STYLE", endpoint !== null),
      prefix: prefix ? `${prefix}/` : "",
    },
  };
}

/**
 * Reads the configuration from environment variables and fails fast with a message naming the
 * variable when a value is unusable.
 *
 * Variables: NODE_ENV, HOST, PORT, PUBLIC_URL, LOG_LEVEL, DATABASE_URL, DATA_DIR, STORAGE_DIR,
 * STORAGE and S3_* (see storageVars),
 * SEED_DEMO, LUMA_PATH, CACHE_TTL_MS, SHUTDOWN_TIMEOUT_MS, DB_POOL_SIZE, SERVE_STOREFRONT, STORE_NAME,
 * SMTP_URL, MAIL_FROM, BETTER_AUTH_SECRET, TRUSTED_ORIGINS, ADMIN_EMAIL, ADMIN_PASSWORD, STAFF_REQUIRE_2FA,
 * REDIS_URL, REDIS_PREFIX, SESSION_IDLE_DAYS, SESSION_MAX_DAYS, REVIEWS_REQUIRE_PURCHASE,
 * REVIEW_REQUEST_DAYS, SEARCH_CACHE_TTL_MS, SEARCH_ENGINE, SEARCH_SYNC_MS, RECOMMENDATIONS_TRAIN_HOURS, WORKER, social and OIDC providers.
 * @throws ConfigError when a variable holds an invalid value.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const nodeEnv = oneOf(env, "NODE_ENV", ["development", "production", "test"] as const, "development");
  const port = intVar(env, "PORT", 3000, 0, 65535);
  const host = env.HOST?.trim() || "0.0.0.0";
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL", "must start with postgres:// or postgresql://");
  }
  if (!databaseUrl && intVar(env, "WEB_CONCURRENCY", 1, 1, 64) > 1) {
    throw new ConfigError(
      "WEB_CONCURRENCY",
      "more than one worker process needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process",
    );
  }
  const worker = oneOf(env, "WORKER", ["inline", "separate"] as const, "inline");
  if (!databaseUrl && worker === "separate") {
    throw new ConfigError(
      "WORKER",
      "separate needs DATABASE_URL (PostgreSQL): `bazaar worker` cannot share the embedded database with the API",
    );
  }
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, "");
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError("PUBLIC_URL", `must be an absolute URL, got "${publicUrl}"`);
  }
  const dataDir = path.resolve(repoRoot, env.DATA_DIR?.trim() || ".data");
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError("SMTP_URL", "must start with smtp:// or smtps://");
  }
  const mailFrom = env.MAIL_FROM?.trim() || "Bazaar <no-reply@localhost>";
  const authSecret = env.BETTER_AUTH_SECRET?.trim() || null;
  if (authSecret && authSecret.length < 32)
    throw new ConfigError("BETTER_AUTH_SECRET", "must be at least 32 characters");
  if (!authSecret && nodeEnv === "production") {
    throw new ConfigError("BETTER_AUTH_SECRET", "is required in production (32+ random characters)");
  }
  const trustedOrigins = (env.TRUSTED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  for (const origin of trustedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      throw new ConfigError("TRUSTED_ORIGINS", `"${origin}" is not an origin like https://shop.example`);
  }
  const trustProxySetting = (env.TRUST_PROXY ?? "").trim();
  let trustProxy: Config["trustProxy"] = false;
  if (trustProxySetting === "true") trustProxy = true;
  else if (/^\d+$/.test(trustProxySetting)) trustProxy = Number(trustProxySetting);
  else if (trustProxySetting && trustProxySetting !== "false") {
    trustProxy = trustProxySetting.split(",").map((a) => a.trim());
    for (const address of trustProxy) {
      if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(address))
        throw new ConfigError(
          "TRUST_PROXY",
          `"${address}" is not true, a hop count, an address or a CIDR range`,
        );
    }
  }
  const socialProviders: Config["socialProviders"] = {};
  for (const provider of ["google", "github", "apple"] as const) {
    const id = env[`${provider.toUpperCase()}_CLIENT_ID`]?.trim();
    const secret = env[`${provider.toUpperCase()}_CLIENT_SECRET`]?.trim();
    if (id && !secret)
      throw new ConfigError(
        `${provider.toUpperCase()}_CLIENT_SECRET`,
        `is required with ${provider.toUpperCase()}_CLIENT_ID`,
      );
    if (id && secret) socialProviders[provider] = { clientId: id, clientSecret: secret };
  }
  const oidcIssuer = env.OIDC_ISSUER?.trim().replace(/\/+$/, "") || null;
  if (oidcIssuer && !/^https?:\/\//.test(oidcIssuer))
    throw new ConfigError("OIDC_ISSUER", "must be an http(s) URL");
  if (oidcIssuer && !(env.OIDC_CLIENT_ID?.trim() && env.OIDC_CLIENT_SECRET?.trim())) {
    throw new ConfigError("OIDC_CLIENT_ID", "and OIDC_CLIENT_SECRET are required with OIDC_ISSUER");
  }
  const oidc = oidcIssuer
    ? {
        providerId: env.OIDC_PROVIDER_ID?.trim() || "oidc",
        name: env.OIDC_NAME?.trim() || "Single sign-on",
        issuer: oidcIssuer,
        clientId: env.OIDC_CLIENT_ID!.trim(),
        clientSecret: env.OIDC_CLIENT_SECRET!.trim(),
      }
    : null;
  const redisUrl = env.REDIS_URL?.trim() || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError("REDIS_URL", "must start with redis:// or rediss://");
  const adminEmail = env.ADMIN_EMAIL?.trim() || null;
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail))
    throw new ConfigError("ADMIN_EMAIL", `"${adminEmail}" is not an email address`);
  if (adminPassword !== null && adminPassword.length < 8)
    throw new ConfigError("ADMIN_PASSWORD", "must be at least 8 characters");
  const stripeKey = env.STRIPE_SECRET_KEY?.trim() || null;
  if (stripeKey && !(env.STRIPE_WEBHOOK_SECRET?.trim() && env.STRIPE_PUBLISHABLE_KEY?.trim())) {
    throw new ConfigError(
      "STRIPE_WEBHOOK_SECRET",
      "and STRIPE_PUBLISHABLE_KEY are required with STRIPE_SECRET_KEY",
    );
  }
  const paypalId = env.PAYPAL_CLIENT_ID?.trim() || null;
  if (paypalId && !(env.PAYPAL_CLIENT_SECRET?.trim() && env.PAYPAL_WEBHOOK_ID?.trim())) {
    throw new ConfigError("PAYPAL_CLIENT_SECRET", "and PAYPAL_WEBHOOK_ID are required with PAYPAL_CLIENT_ID");
  }
  const manualPaymentMethods = (env.PAYMENT_MANUAL_METHODS ?? "bank_transfer,cash_on_delivery")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  for (const m of manualPaymentMethods) {
    if (m !== "bank_transfer" && m !== "cash_on_delivery")
      throw new ConfigError("PAYMENT_MANUAL_METHODS", `"${m}" is not bank_transfer or cash_on_delivery`);
  }
  if (!/@/.test(mailFrom))
    throw new ConfigError("MAIL_FROM", `must contain an email address, got "${mailFrom}"`);
  const config: Config = {
    env: nodeEnv,
    host,
    port,
    publicUrl,
    logLevel: oneOf(
      env,
      "LOG_LEVEL",
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const,
      nodeEnv === "test" ? "silent" : "info",
    ),
    databaseUrl,
    dataDir,
    storageDir: path.resolve(repoRoot, env.STORAGE_DIR?.trim() || path.join(dataDir, "storage")),
    ...storageVars(env),
    seedDemo: boolVar(env, "SEED_DEMO", true),
    lumaPath: path.resolve(repoRoot, env.LUMA_PATH?.trim() || "../shared/datasets/luma"),
    cacheTtlMs: intVar(env, "CACHE_TTL_MS", 30_000, 0, 86_400_000),
    shutdownTimeoutMs: intVar(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    dbPoolSize: intVar(env, "DB_POOL_SIZE", 20, 1, 1000),
    workers: intVar(env, "WEB_CONCURRENCY", 1, 1, 64),
    orderLookupPerMinute: intVar(env, "ORDER_LOOKUP_PER_MINUTE", 10, 1, 100_000),
    serveStorefront: boolVar(env, "SERVE_STOREFRONT", true),
    storeName: env.STORE_NAME?.trim() || "Bazaar",
    smtpUrl,
    mailFrom,
    authSecret,
    trustedOrigins,
    trustProxy,
    adminEmail,
    adminPassword,
    staffRequireTwoFactor: boolVar(env, "STAFF_REQUIRE_2FA", false),
    sessionIdleDays: intVar(env, "SESSION_IDLE_DAYS", 30, 1, 365),
    sessionMaxDays: intVar(env, "SESSION_MAX_DAYS", 90, 1, 3650),
    redisUrl,
    redisPrefix: env.REDIS_PREFIX?.trim() || "bazaar:",
    socialProviders,
    oidc,
    testPayments: boolVar(env, "PAYMENT_TEST_PROVIDER", !databaseUrl || nodeEnv === "test"),
    manualPaymentMethods: manualPaymentMethods as Config["manualPaymentMethods"],
    stripe: stripeKey
      ? {
          secretKey: stripeKey,
          publishableKey: env.STRIPE_PUBLISHABLE_KEY!.trim(),
          webhookSecret: env.STRIPE_WEBHOOK_SECRET!.trim(),
          apiBase: env.STRIPE_API_BASE?.trim() || null,
        }
      : null,
    paypal: paypalId
      ? {
          clientId: paypalId,
          clientSecret: env.PAYPAL_CLIENT_SECRET!.trim(),
          webhookId: env.PAYPAL_WEBHOOK_ID!.trim(),
          environment: oneOf(env, "PAYPAL_ENVIRONMENT", ["sandbox", "production"] as const, "sandbox"),
          apiBase: env.PAYPAL_API_BASE?.trim() || null,
        }
      : null,
    reservationSweepMinutes: intVar(env, "RESERVATION_SWEEP_MINUTES", 1, 1, 1440),
    shippingWebhookSecret: env.SHIPPING_WEBHOOK_SECRET?.trim() || null,
    fraud: {
      velocity: {
        email: intVar(env, "FRAUD_VELOCITY_PER_HOUR", 5, 0, 10_000),
        ip: intVar(env, "FRAUD_IP_VELOCITY_PER_HOUR", 20, 0, 10_000),
        card: intVar(env, "FRAUD_CARD_VELOCITY_PER_HOUR", 5, 0, 10_000),
      },
      reviewAmount: intVar(env, "FRAUD_REVIEW_AMOUNT", 100_000, 0, Number.MAX_SAFE_INTEGER),
      riskScore: intVar(env, "FRAUD_RISK_SCORE", 75, 0, 100),
    },
    reviews: {
      requirePurchase: boolVar(env, "REVIEWS_REQUIRE_PURCHASE", false),
      requestDays: intVar(env, "REVIEW_REQUEST_DAYS", 7, 0, 365),
    },
    searchCacheTtlMs: intVar(env, "SEARCH_CACHE_TTL_MS", 60_000, 0, 3_600_000),
    searchEngine: oneOf(env, "SEARCH_ENGINE", ["memory", "postgres"] as const, "memory"),
    searchSyncMs: intVar(env, "SEARCH_SYNC_MS", 250, 0, 60_000),
    recommendationsTrainHours: intVar(env, "RECOMMENDATIONS_TRAIN_HOURS", 24, 0, 24 * 365),
    worker,
  };
  return { ...config, ...overrides };
}
