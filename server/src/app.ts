import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import compress from "@fastify/compress";
import fastifyCookie from "@fastify/cookie";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Type } from "typebox";
import { type Config, repoRoot } from "./config.ts";
import { adminDashboardRoutes } from "./flows/admin-dashboard/index.ts";
import { catalogPorts, storeCatalogPorts } from "./flows/catalog-ports/index.ts";
import { adminCustomerRoutes } from "./flows/customer-admin/index.ts";
import { accountGdprRoutes, adminGdprRoutes } from "./flows/gdpr/index.ts";
import { adminPayoutRoutes, vendorPayoutRoutes } from "./flows/payouts/index.ts";
import { reviewPorts } from "./flows/review-ports/index.ts";
import { registerStockAlerts } from "./flows/stock-alerts/index.ts";
import { adminVendorMetricsRoutes, vendorMetricsRoutes } from "./flows/vendor-metrics/index.ts";
import { shopJobs } from "./jobs.ts";
import { auditRoutes } from "./modules/audit/index.ts";
import { cartRoutes } from "./modules/cart/index.ts";
import {
  adminCatalogRoutes,
  adminInventoryRoutes,
  storeCatalogRoutes,
  vendorCatalogRoutes,
} from "./modules/catalog/index.ts";
import {
  type CheckoutContext,
  checkoutRoutes,
  FraudScreen,
  hooksRoutes,
  registerWebhookProcessing,
} from "./modules/checkout/index.ts";
import { adminContentRoutes, storeContentRoutes } from "./modules/content/index.ts";
import {
  accountRoutes,
  accountSummaries,
  adminCustomerGroupRoutes,
  authRoutes,
  createAuth,
} from "./modules/customers/index.ts";
import {
  adminOrderDocumentRoutes,
  adminOrderEditRoutes,
  adminOrderPickupRoutes,
  adminOrderRoutes,
  promotionUsage,
  registerOrderEmails,
  storeOrderDocumentRoutes,
  storeOrderRoutes,
  vendorOrderRoutes,
} from "./modules/orders/index.ts";
import { adminPaymentSettingsRoutes, paymentProvidersFor } from "./modules/payments/index.ts";
import {
  adminPriceListRoutes,
  adminPromotionRoutes,
  adminSettingsRoutes,
  storeIdentity,
  usesOfCustomerGroup,
} from "./modules/pricing/index.ts";
import { recommendationRoutes } from "./modules/recommendations/index.ts";
import { adminReviewRoutes, storeReviewRoutes } from "./modules/reviews/index.ts";
import { adminSearchRoutes, createSearchRuntime, storeSearchRoutes } from "./modules/search/index.ts";
import { adminShippingRoutes } from "./modules/shipping/index.ts";
import {
  adminGuard,
  adminJobRoutes,
  assertAdminRouteDeclaresPermission,
  ownerSetupRoutes,
  staffManagementRoutes,
  staffRoutes,
} from "./modules/staff/index.ts";
import { adminTransferRoutes } from "./modules/transfers/index.ts";
import {
  adminVendorRoutes,
  assertVendorRouteDeclaresRole,
  storeVendorRoutes,
  vendorGuard,
  vendorRoutes,
} from "./modules/vendors/index.ts";
import { wishlistCartRoutes, wishlistRoutes } from "./modules/wishlists/index.ts";
import { ResponseCache } from "./platform/cache.ts";
import { originCheck } from "./platform/csrf.ts";
import { type Database, openDatabase } from "./platform/db.ts";
import { declareProblemResponses, rejectHostileInput } from "./platform/edge.ts";
import {
  AppError,
  problemClientErrorHandler,
  problemErrorHandler,
  problemNotFoundHandler,
} from "./platform/errors.ts";
import { ImageService } from "./platform/images.ts";
import { JobRuntime } from "./platform/jobs.ts";
import { mailOutboxRoutes } from "./platform/mail.routes.ts";
import { registerMailHandler, ShopSenderMailer, SmtpMailer, StoredMailer } from "./platform/mail.ts";
import { mediaRoutes } from "./platform/media.routes.ts";
import { OutboxDispatcher } from "./platform/outbox.ts";
import { ProblemSchema } from "./platform/problem.schema.ts";
import { createRedis } from "./platform/redis.ts";
import { createStorage } from "./platform/storage.ts";
import { storefrontRoutes } from "./web/storefront.routes.ts";

/**
 * The whole app's context: the platform's (`AppContext`) with every module capability (sessions,
 * payment providers, fraud screen). Each module asks only for the part it needs.
 */
export type ShopContext = CheckoutContext;

export interface BuildOptions {
  /** An already open (and migrated) database; otherwise one is opened from the config and migrated. */
  database?: Database;
  /** Close the database when the app closes (default: true when the app opened it). */
  ownsDatabase?: boolean;
}

/**
 * Builds the Fastify application: API namespaces, OpenAPI document (/api/openapi.json) and docs
 * (/api/docs), health probes, media and the storefront. Does not listen; `main.ts` and tests do.
 * Closing the app closes the database it opened.
 */
export async function buildApp(
  config: Config,
  options: BuildOptions = {},
): Promise<{ app: FastifyInstance; ctx: ShopContext }> {
  const database = options.database ?? (await openDatabase(config));
  if (!options.database) await database.migrate();
  const ownsDatabase = options.ownsDatabase ?? !options.database;
  const storage = await createStorage(config);
  // E-mails go out from the sender set in the admin's store settings (else MAIL_FROM), read per message.
  const identity = () => storeIdentity(database.db, config);
  const transport = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom)
    : new StoredMailer(database.db, config.mailFrom);
  const mailer = new ShopSenderMailer(transport, async () => (await identity()).from);
  const outbox = new OutboxDispatcher(database.db);
  registerMailHandler(outbox, mailer);
  registerOrderEmails(outbox, database.db, mailer, config);
  registerStockAlerts(outbox, database.db, mailer, config);
  const redis = config.redisUrl ? createRedis(config.redisUrl, config.redisPrefix) : null;
  const auth = createAuth(config, database.db, redis, async () => (await identity()).name);
  const app = Fastify({
    // Loading the search index of a 100,000-product catalog (onReady) takes more than Fastify's default
    // 10 s on a busy 2-core machine; the process must not give up on it.
    pluginTimeout: 180_000,
    logger:
      config.logLevel === "silent"
        ? false
        : {
            level: config.logLevel,
            redact: ["req.headers.authorization", "req.headers.cookie"],
          },
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // A hop count trusts that many proxies nearest the server (proxy-addr's semantics).
    trustProxy:
      typeof config.trustProxy === "number"
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    // Errors the router meets before a route runs (a path parameter over maxParamLength: 414, a
    // malformed URL: 400) and those of Node's HTTP parser (431, 408) are problem+json like the rest.
    frameworkErrors: (error, request, reply) =>
      problemErrorHandler(error, request as FastifyRequest, reply as FastifyReply),
    clientErrorHandler: problemClientErrorHandler,
    forceCloseConnections: "idle",
    return503OnClosing: true,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true, allErrors: true },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx: ShopContext = {
    config,
    database,
    db: database.db,
    cache: new ResponseCache(config.cacheTtlMs),
    storage,
    images: new ImageService(storage),
    outbox,
    jobs: new JobRuntime(database, {
      onError: (error, context) => app.log.error({ err: error, ...context }, "background job failed"),
    }),
    mailer,
    auth,
    payments: paymentProvidersFor(config),
    fraud: FraudScreen.fromConfig(config),
    log: app.log,
    routes: [],
  };
  // Every background and scheduled job, declared in one place (they run only where `work()` is called).
  for (const job of shopJobs(ctx)) ctx.jobs.define(job);

  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.setErrorHandler(problemErrorHandler);
  app.addHook("onRoute", declareProblemResponses);
  app.addHook("preHandler", rejectHostileInput);
  app.addHook("onRoute", assertAdminRouteDeclaresPermission);
  app.addHook("onRoute", assertVendorRouteDeclaresRole);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      const declared = route.config as { permission?: string; vendorRole?: string } | undefined;
      const permission =
        declared?.permission ?? (declared?.vendorRole ? `vendor:${declared.vendorRole}` : null);
      ctx.routes.push({ method, url: route.url, permission });
    }
  });
  const search = createSearchRuntime(
    database.db,
    outbox,
    (error) => app.log.error({ err: error }, "search analytics"),
    {
      cacheTtlMs: config.searchCacheTtlMs,
      cache: ctx.cache,
      engine: config.searchEngine,
      syncIntervalMs: config.searchSyncMs,
    },
  );
  // A process serves searches once its copy of the search index is loaded (`listen` waits for this).
  app.addHook("onReady", async () => {
    await search.warm().catch((error: unknown) => app.log.error({ err: error }, "search index load failed"));
  });
  app.addHook("onClose", async () => {
    await ctx.jobs.stop(config.shutdownTimeoutMs);
    await outbox.stop();
    await search.close();
    if (redis) await redis.quit().catch(() => redis.disconnect());
    if (transport instanceof SmtpMailer) transport.close();
    await storage.close();
    if (ownsDatabase) await database.close();
  });

  // Cookies (the guest cart cookie) are parsed for every route.
  await app.register(fastifyCookie);
  // Per-route rate limits (routes opt in with `config.rateLimit`), counted in Redis when configured so
  // that every API process shares them; answered as 429 problem+json with Retry-After.
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: "rate-limit:" } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        429,
        "RATE_LIMITED",
        `Too many attempts. Try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`,
      ),
  });
  await app.register(compress, { threshold: 2048, encodings: ["br", "gzip", "deflate"] });
  // Security headers on every response: a strict Content-Security-Policy (own origin only; inline
  // styles for React style attributes), frame-ancestors 'self' against clickjacking, nosniff, and
  // HSTS when served over https in production.
  // With Stripe on, its Payment Element loads from js.stripe.com and talks to api.stripe.com
  // (https://docs.stripe.com/security/guide#content-security-policy).
  const stripe = config.stripe !== null;
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Product images may be external URLs kept by a catalog import (a supplier's CDN, e.g. Best
        // Buy's): any https image is allowed (images cannot run code; this covers Stripe's too).
        imgSrc: ["'self'", "data:", "https:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", ...(stripe ? ["https://js.stripe.com", "https://*.js.stripe.com"] : [])],
        connectSrc: ["'self'", ...(stripe ? ["https://api.stripe.com"] : [])],
        frameSrc: stripe
          ? ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]
          : ["'none'"],
        frameAncestors: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    hsts:
      config.env === "production" && config.publicUrl.startsWith("https://") ? { maxAge: 31_536_000 } : false,
    crossOriginResourcePolicy: { policy: "same-site" },
  });
  // Cross-origin browser calls only from the configured origins, with cookies.
  await app.register(cors, { origin: config.trustedOrigins, credentials: true });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Bazaar API",
        version: "0.1.0",
        description:
          "Store (/api/store), admin (/api/admin), vendor (/api/vendor), auth (/api/auth) and webhook (/api/hooks) APIs. " +
          "Money is integer minor units plus an ISO 4217 currency; timestamps are ISO 8601 UTC; errors are RFC 9457 problem+json.",
      },
      tags: [
        { name: "store", description: "Public shopper API" },
        { name: "account", description: "The signed-in shopper's own profile and addresses" },
        { name: "admin", description: "Staff API; every operation names the permission it needs" },
        { name: "vendor", description: "Vendor portal API, scoped to the caller's vendor" },
        { name: "platform" },
      ],
    },
  });
  // The docs page sets its own CSP (it needs inline scripts of swagger-ui).
  await app.register(swaggerUi, { routePrefix: "/api/docs", staticCSP: true });

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  app.get(
    "/health",
    {
      schema: {
        tags: ["platform"],
        summary: "Liveness: the process is up",
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );
  app.get(
    "/ready",
    {
      schema: {
        tags: ["platform"],
        summary: "Readiness: the database (and Redis, when configured) answer",
        response: { 200: Type.Object({ status: Type.Literal("ready") }), 503: ProblemSchema },
      },
    },
    async (_request, reply) => {
      try {
        await database.ping();
        if (redis) await redis.ping();
        return { status: "ready" as const };
      } catch {
        return reply.status(503).type("application/problem+json").send({
          type: "https://bazaar.dev/problems/not-ready",
          title: "Service Unavailable",
          status: 503,
          detail: "The database or Redis does not answer.",
          code: "NOT_READY",
        });
      }
    },
  );

  const reviews = reviewPorts(ctx);
  // Every cookie-authenticated write passes one Origin check per scope (platform/csrf.ts).
  const checkOrigin = originCheck([config.publicUrl, ...config.trustedOrigins]);
  await app.register(
    async (store) => {
      store.addHook("onRequest", checkOrigin);
      await store.register(storeCatalogRoutes(ctx, storeCatalogPorts()));
      await store.register(storeVendorRoutes(ctx));
      await store.register(storeSearchRoutes(ctx, search));
      await store.register(cartRoutes(ctx));
      await store.register(checkoutRoutes(ctx));
      await store.register(storeOrderRoutes(ctx));
      await store.register(storeOrderDocumentRoutes(ctx));
      await store.register(storeReviewRoutes(ctx, reviews));
      await store.register(wishlistRoutes(ctx));
      await store.register(wishlistCartRoutes(ctx));
      await store.register(recommendationRoutes(ctx));
      await store.register(storeContentRoutes(ctx));
      await store.register(accountRoutes(auth, ctx.db), { prefix: "/account" });
      await store.register(accountGdprRoutes(auth, ctx.db), { prefix: "/account" });
    },
    { prefix: "/api/store" },
  );
  await app.register(hooksRoutes(ctx), { prefix: "/api/hooks" });
  registerWebhookProcessing(ctx);
  const providerNames = { google: "Google", github: "GitHub", apple: "Apple" } as const;
  const signInProviders = [
    ...Object.keys(config.socialProviders).map((id) => ({
      id,
      name: providerNames[id as keyof typeof providerNames],
    })),
    ...(config.oidc ? [{ id: config.oidc.providerId, name: config.oidc.name }] : []),
  ];
  await app.register(authRoutes(auth, config.publicUrl, signInProviders));
  await app.register(ownerSetupRoutes(auth, ctx.db));
  await app.register(
    async (admin) => {
      admin.addHook("onRequest", checkOrigin);
      admin.addHook(
        "onRequest",
        adminGuard(auth, ctx.db, { requireTwoFactor: config.staffRequireTwoFactor }),
      );
      await admin.register(staffRoutes(ctx.db));
      await admin.register(
        auditRoutes(ctx.db, async (ids) => {
          const accounts = await accountSummaries(ctx.db, ids);
          return new Map([...accounts].map(([id, a]) => [id, a.name || a.email]));
        }),
      );
      await admin.register(adminGdprRoutes(ctx.db));
      await admin.register(staffManagementRoutes(config, auth, ctx.db));
      await admin.register(mailOutboxRoutes(ctx.db));
      await admin.register(adminVendorRoutes(ctx));
      await admin.register(adminVendorMetricsRoutes(ctx));
      await admin.register(adminPayoutRoutes(ctx));
      await admin.register(adminOrderRoutes(ctx));
      await admin.register(adminOrderEditRoutes(ctx));
      await admin.register(adminOrderPickupRoutes(ctx));
      await admin.register(adminOrderDocumentRoutes(ctx));
      await admin.register(adminPriceListRoutes(ctx));
      await admin.register(adminInventoryRoutes(ctx));
      await admin.register(adminReviewRoutes(ctx, reviews));
      await admin.register(adminCatalogRoutes(ctx, catalogPorts()));
      await admin.register(adminSearchRoutes(ctx, search));
      await admin.register(adminJobRoutes(ctx.jobs, ctx.db));
      await admin.register(adminPromotionRoutes(ctx, { promotionUsage }));
      await admin.register(adminSettingsRoutes(ctx));
      await admin.register(adminShippingRoutes(ctx));
      await admin.register(adminPaymentSettingsRoutes(ctx));
      await admin.register(adminContentRoutes(ctx));
      await admin.register(adminTransferRoutes(ctx));
      await admin.register(adminCustomerRoutes(ctx));
      // Pricing (above customers) answers which price lists and promotions target a group.
      await admin.register(adminCustomerGroupRoutes(ctx.db, { usesOfCustomerGroup }));
      await admin.register(adminDashboardRoutes(ctx));
    },
    { prefix: "/api/admin" },
  );
  await app.register(
    async (vendor) => {
      vendor.addHook("onRequest", checkOrigin);
      vendor.addHook("onRequest", vendorGuard(auth, ctx.db));
      await vendor.register(vendorRoutes(ctx));
      await vendor.register(vendorCatalogRoutes(ctx, catalogPorts()));
      await vendor.register(vendorOrderRoutes(ctx));
      await vendor.register(vendorMetricsRoutes(ctx));
      await vendor.register(vendorPayoutRoutes(ctx));
    },
    { prefix: "/api/vendor" },
  );
  await app.register(mediaRoutes(ctx), { prefix: "/media" });

  // The admin dashboard: its built files under /admin/, and its index.html for every other /admin page.
  const adminDist = path.join(repoRoot, "web/admin/dist");
  if (config.serveStorefront && fs.existsSync(path.join(adminDist, "index.html"))) {
    await app.register(fastifyStatic, {
      root: adminDist,
      prefix: "/admin/",
      wildcard: false,
      index: false,
      decorateReply: false,
      maxAge: "1y",
      immutable: true,
    });
    const adminIndex = path.join(adminDist, "index.html");
    const serveAdmin = async (_request: unknown, reply: FastifyReply) =>
      reply
        .header("cache-control", "no-cache")
        .type("text/html; charset=utf-8")
        .send(await fs.promises.readFile(adminIndex, "utf8"));
    app.get("/admin", { schema: { hide: true } }, serveAdmin);
    app.get("/admin/*", { schema: { hide: true } }, serveAdmin);
  }

  const storefrontDist = path.join(repoRoot, "web/storefront/dist");
  if (config.serveStorefront && fs.existsSync(path.join(storefrontDist, "index.html"))) {
    await app.register(fastifyStatic, {
      root: storefrontDist,
      prefix: "/",
      wildcard: false,
      index: false,
      maxAge: "1y",
      immutable: true,
      setHeaders: (res, filePath) => {
        if (!filePath.includes(`${path.sep}assets${path.sep}`))
          res.header("cache-control", "public, max-age=300");
      },
    });
    await app.register(storefrontRoutes(ctx, path.join(storefrontDist, "index.html")));
  } else {
    app.setNotFoundHandler(problemNotFoundHandler);
  }
  return { app, ctx };
}
