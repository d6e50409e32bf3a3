import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db.ts";
import { type FieldError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { shopCached } from "../../platform/shop-cache.ts";
import { assertVersion } from "../../platform/versioning.ts";
import type { PaymentProvider } from "./payments.provider.ts";
import { paymentProviderSettings } from "./payments.schema.ts";
import { credentialsKey, maskCredential, openCredentials, sealCredentials } from "./payments.secrets.ts";
import {
  type OfferedPaymentMethod,
  type ProviderSettingsResolver,
  paymentMethodNames,
} from "./payments.service.ts";
import { ManualPaymentProvider } from "./providers/manual.ts";
import { DEFAULT_PAYPAL_CERT_HOSTS, PayPalProvider } from "./providers/paypal.ts";
import { StripeProvider } from "./providers/stripe.ts";
import { TestPaymentProvider } from "./providers/test.ts";

/** One credential a provider needs (all are required when the provider's keys come from the admin). */
export interface CredentialField {
  name: string;
  label: string;
  /** True for secrets (API secret, webhook signing secret); false for ids the provider shows publicly. */
  secret: boolean;
  /** Where to find it, for the admin form. */
  help: string;
}

/** What the environment (env variables) says about a provider, the set-up before the admin. */
interface EnvironmentState {
  enabled: boolean;
  testMode: boolean;
  credentials: Record<string, string> | null;
}

/** A payment provider the shop knows: its fields, its environment state, how to build it. */
interface ProviderDefinition {
  code: string;
  name: string;
  description: string;
  credentials: CredentialField[];
  supportsTestMode: boolean;
  /** Whether staff may switch it on at all on this server. */
  available(config: Config): boolean;
  environment(config: Config): EnvironmentState;
  /** The adapter with these keys, or null when it cannot run with them. */
  build(
    config: Config,
    credentials: Record<string, string> | null,
    testMode: boolean,
  ): PaymentProvider | null;
  /** Problems of a key set with a test mode (a live Stripe key in test mode), by field name. */
  checkMode?(credentials: Record<string, string>, testMode: boolean): { field: string; message: string }[];
}

const complete = (fields: CredentialField[], credentials: Record<string, string> | null) =>
  credentials !== null && fields.every((f) => (credentials[f.name] ?? "") !== "");

const stripeFields: CredentialField[] = [
  {
    name: "secretKey",
    label: "Secret key",
    secret: true,
    help: "sk_test_… or sk_live_… (Developers › API keys)",
  },
  { name: "publishableKey", label: "Publishable key", secret: false, help: "pk_test_… or pk_live_…" },
  {
    name: "webhookSecret",
    label: "Webhook signing secret",
    secret: true,
    help: "whsec_… of the endpoint /api/hooks/payments/stripe",
  },
];
const paypalFields: CredentialField[] = [
  { name: "clientId", label: "Client id", secret: false, help: "Of the REST app (Apps & Credentials)" },
  { name: "clientSecret", label: "Client secret", secret: true, help: "Of the same REST app" },
  {
    name: "webhookId",
    label: "Webhook id",
    secret: false,
    help: "Of the webhook for /api/hooks/payments/paypal",
  },
];

/** Every provider the shop knows, in the order they are offered. */
const definitions: ProviderDefinition[] = [
  {
    code: "stripe",
    name: paymentMethodNames.stripe!,
    description: "Cards, wallets and local methods through Stripe's Payment Element.",
    credentials: stripeFields,
    supportsTestMode: true,
    available: () => true,
    environment: (config) => ({
      enabled: config.stripe !== null,
      testMode: config.stripe ? !/^(?:sk|rk)_live_/.test(config.stripe.secretKey) : true,
      credentials: config.stripe
        ? {
            secretKey: config.stripe.secretKey,
            publishableKey: config.stripe.publishableKey,
            webhookSecret: config.stripe.webhookSecret,
          }
        : null,
    }),
    build: (config, credentials) =>
      complete(stripeFields, credentials)
        ? new StripeProvider({
            secretKey: credentials!.secretKey!,
            webhookSecret: credentials!.webhookSecret!,
            apiBase: config.stripe?.apiBase ?? null,
          })
        : null,
    checkMode(credentials, testMode) {
      const problems: { field: string; message: string }[] = [];
      const check = (field: string, prefixes: [string, string]) => {
        const value = credentials[field] ?? "";
        const live = value.startsWith(prefixes[1]);
        const test = value.startsWith(prefixes[0]);
        if (testMode && live) problems.push({ field, message: "is a live key, but test mode is on" });
        if (!testMode && test) problems.push({ field, message: "is a test key, but test mode is off" });
      };
      check("secretKey", ["sk_test_", "sk_live_"]);
      if (!problems.length) check("secretKey", ["rk_test_", "rk_live_"]);
      check("publishableKey", ["pk_test_", "pk_live_"]);
      return problems;
    },
  },
  {
    code: "paypal",
    name: paymentMethodNames.paypal!,
    description: "PayPal checkout: the buyer approves at PayPal, the order is captured on return.",
    credentials: paypalFields,
    supportsTestMode: true,
    available: () => true,
    environment: (config) => ({
      enabled: config.paypal !== null,
      testMode: config.paypal ? config.paypal.environment === "sandbox" : true,
      credentials: config.paypal
        ? {
            clientId: config.paypal.clientId,
            clientSecret: config.paypal.clientSecret,
            webhookId: config.paypal.webhookId,
          }
        : null,
    }),
    build: (config, credentials, testMode) => {
      if (!complete(paypalFields, credentials)) return null;
      const apiBase = config.paypal?.apiBase ?? null;
      // Signing certificates come from PayPal's API hosts, or from the stand-in API when one is configured.
      const certHosts = [...DEFAULT_PAYPAL_CERT_HOSTS];
      if (apiBase) certHosts.push(new URL(apiBase).host);
      return new PayPalProvider({
        clientId: credentials!.clientId!,
        clientSecret: credentials!.clientSecret!,
        webhookId: credentials!.webhookId!,
        environment: testMode ? "sandbox" : "production",
        apiBase,
        certHosts,
      });
    },
  },
  {
    code: "test",
    name: paymentMethodNames.test!,
    description: "Test card numbers, no money moves (demo and tests; needs PAYMENT_TEST_PROVIDER).",
    credentials: [],
    supportsTestMode: false,
    available: (config) => config.testPayments,
    environment: (config) => ({ enabled: config.testPayments, testMode: true, credentials: null }),
    build: (config) => (config.testPayments ? new TestPaymentProvider() : null),
  },
  ...(["bank_transfer", "cash_on_delivery"] as const).map(
    (code): ProviderDefinition => ({
      code,
      name: paymentMethodNames[code]!,
      description:
        code === "bank_transfer"
          ? "The shopper pays by bank transfer; staff mark the order paid when the money arrives."
          : "The shopper pays the courier; staff mark the order paid on delivery.",
      credentials: [],
      supportsTestMode: false,
      available: () => true,
      environment: (config) => ({
        enabled: config.manualPaymentMethods.includes(code),
        testMode: false,
        credentials: null,
      }),
      build: () => new ManualPaymentProvider(code),
    }),
  ),
];

/**
 * The definitions in offering order, as the environment registers them: Stripe, PayPal, the test
 * provider, then the offline methods in PAYMENT_MANUAL_METHODS order (the others after).
 */
function ordered(config: Config): ProviderDefinition[] {
  const isManual = (d: ProviderDefinition) => d.code === "bank_transfer" || d.code === "cash_on_delivery";
  const rank = (d: ProviderDefinition) => {
    const i = config.manualPaymentMethods.indexOf(d.code as "bank_transfer");
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const manual = definitions.filter(isManual).sort((a, b) => rank(a) - rank(b));
  return [...definitions.filter((d) => !isManual(d)), ...manual];
}

function definitionOf(code: string): ProviderDefinition | undefined {
  return definitions.find((d) => d.code === code);
}

type SettingsRow = typeof paymentProviderSettings.$inferSelect;

/** A provider's state now: the admin's row when there is one, else the environment. */
interface EffectiveState {
  definition: ProviderDefinition;
  row: SettingsRow | null;
  enabled: boolean;
  testMode: boolean;
  /** The keys in force: the admin's when it stored some, else the environment's. */
  credentials: Record<string, string> | null;
  credentialSource: "settings" | "environment" | null;
  /** The admin stored keys that can no longer be opened (the server's secret changed). */
  unreadable: boolean;
}

function loadRows(db: Db): Promise<SettingsRow[]> {
  // Read with the store settings' cache tag: staff writes invalidate "settings".
  return shopCached(db, "settings", "payment_provider_settings", () =>
    db.select().from(paymentProviderSettings),
  );
}

function effective(
  config: Config,
  key: Buffer,
  definition: ProviderDefinition,
  row: SettingsRow | null,
): EffectiveState {
  const env = definition.environment(config);
  if (!row)
    return {
      definition,
      row,
      enabled: env.enabled,
      testMode: env.testMode,
      credentials: env.credentials,
      credentialSource: env.credentials ? "environment" : null,
      unreadable: false,
    };
  const stored = row.sealedCredentials ? openCredentials(key, definition.code, row.sealedCredentials) : null;
  const unreadable = row.sealedCredentials !== null && stored === null;
  const credentials = stored ?? (unreadable ? null : env.credentials);
  return {
    definition,
    row,
    enabled: row.enabled,
    testMode: definition.supportsTestMode ? row.testMode : env.testMode,
    credentials,
    credentialSource: stored ? "settings" : credentials ? "environment" : null,
    unreadable,
  };
}

/**
 * The settings resolver of a server: providers follow the admin's rows (switch, test mode, sealed keys)
 * and, without a row, the environment exactly as before the admin existed (the environment's adapters
 * are reused). Adapters built from stored keys are kept per key set and mode.
 * @param serverSecret the server's secret (read once, on first use) that seals the keys.
 * @param fromEnvironment the adapter the environment registered for an id, if any.
 */
export function providerSettingsResolver(
  config: Config,
  serverSecret: () => string,
  fromEnvironment: (id: string) => PaymentProvider | undefined,
): ProviderSettingsResolver {
  let key: Buffer | null = null;
  const keyOf = () => {
    key ??= credentialsKey(serverSecret());
    return key;
  };
  const built = new Map<string, PaymentProvider | null>();
  const adapter = (state: EffectiveState): PaymentProvider | null => {
    const { definition } = state;
    if (!state.row) return fromEnvironment(definition.code) ?? null;
    if (!definition.available(config)) return null;
    const fingerprint = createHash("sha256")
      .update(JSON.stringify([definition.code, state.testMode, state.credentials]))
      .digest("hex");
    if (!built.has(fingerprint)) {
      if (built.size > 50) built.clear();
      built.set(fingerprint, definition.build(config, state.credentials, state.testMode));
    }
    return built.get(fingerprint)!;
  };
  // The cached rows are one array for as long as the shop cache keeps them: their states (keys opened)
  // are worked out once per array.
  const computed = new WeakMap<SettingsRow[], EffectiveState[]>();
  const states = async (db: Db) => {
    const rows = await loadRows(db);
    let found = computed.get(rows);
    if (!found) {
      found = ordered(config).map((d) =>
        effective(config, keyOf(), d, rows.find((r) => r.provider === d.code) ?? null),
      );
      computed.set(rows, found);
    }
    return found;
  };
  return {
    async offered(db) {
      const result: (OfferedPaymentMethod & { provider: PaymentProvider })[] = [];
      for (const state of await states(db)) {
        if (!state.enabled) continue;
        const provider = adapter(state);
        if (!provider) continue;
        result.push({
          id: state.definition.code,
          name: state.definition.name,
          publishableKey:
            state.definition.code === "stripe" ? (state.credentials?.publishableKey ?? null) : null,
          provider,
        });
      }
      return result;
    },
    async provider(db, id) {
      const state = (await states(db)).find((s) => s.definition.code === id);
      return state ? adapter(state) : null;
    },
  };
}

// -------------------------------------------------------------------------------------------------
// Staff: list and change

/** A credential as staff see it: never its value, only whether it is set, where from, and a masked hint. */
export interface StaffCredential {
  name: string;
  label: string;
  secret: boolean;
  help: string;
  set: boolean;
  /** e.g. "sk_test_…4242"; null when not set. */
  hint: string | null;
  source: "settings" | "environment" | null;
}

/** A payment provider's settings as staff see them. `version` is the ETag (0: never saved in the admin). */
export interface StaffPaymentProvider {
  code: string;
  name: string;
  description: string;
  enabled: boolean;
  testMode: boolean;
  supportsTestMode: boolean;
  /** Whether it may be switched on on this server. */
  available: boolean;
  /** Offered at checkout now (switched on and able to run). */
  offered: boolean;
  /** Where the switch comes from: the admin's settings, or the environment (no row yet). */
  source: "settings" | "environment";
  credentials: StaffCredential[];
  /** What keeps it from being offered although switched on, or why stored keys are unusable. */
  problem: string | null;
  version: number;
  updatedAt: string | null;
}

function staffView(config: Config, state: EffectiveState): StaffPaymentProvider {
  const { definition, row } = state;
  const storedHints = row?.sealedCredentials && !state.unreadable ? row.credentialHints : {};
  const credentials = definition.credentials.map((field): StaffCredential => {
    const value = state.credentials?.[field.name] ?? "";
    const fromSettings = state.credentialSource === "settings";
    return {
      ...field,
      set: value !== "",
      hint:
        value === ""
          ? null
          : fromSettings
            ? (storedHints[field.name] ?? maskCredential(value))
            : maskCredential(value),
      source: value === "" ? null : state.credentialSource,
    };
  });
  const runnable =
    definition.available(config) &&
    (definition.credentials.length === 0 || complete(definition.credentials, state.credentials));
  let problem: string | null = null;
  if (state.unreadable)
    problem = "The stored keys can no longer be read (the server's secret changed): enter them again.";
  else if (!definition.available(config))
    problem = "Not available on this server (PAYMENT_TEST_PROVIDER is off).";
  else if (state.enabled && !runnable) problem = "Switched on, but its keys are missing: it is not offered.";
  return {
    code: definition.code,
    name: definition.name,
    description: definition.description,
    enabled: state.enabled,
    testMode: state.testMode,
    supportsTestMode: definition.supportsTestMode,
    available: definition.available(config),
    offered: state.enabled && runnable,
    source: row ? "settings" : "environment",
    credentials,
    problem,
    version: row?.version ?? 0,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}

/** Every payment provider the shop knows, in checkout order, as staff see it (read fresh). */
export async function listPaymentProvidersForStaff(
  db: Db,
  config: Config,
  serverSecret: string,
): Promise<StaffPaymentProvider[]> {
  const key = credentialsKey(serverSecret);
  const rows = await db.select().from(paymentProviderSettings);
  return ordered(config).map((d) =>
    staffView(config, effective(config, key, d, rows.find((r) => r.provider === d.code) ?? null)),
  );
}

/** One provider as staff see it. @throws NotFoundError (PAYMENT_PROVIDER_NOT_FOUND). */
export async function getPaymentProviderForStaff(
  db: Db,
  config: Config,
  serverSecret: string,
  code: string,
): Promise<StaffPaymentProvider> {
  const definition = definitionOf(code);
  if (!definition) throw new NotFoundError("PAYMENT_PROVIDER_NOT_FOUND", `No payment provider "${code}".`);
  const [row] = await db
    .select()
    .from(paymentProviderSettings)
    .where(eq(paymentProviderSettings.provider, code));
  return staffView(config, effective(config, credentialsKey(serverSecret), definition, row ?? null));
}

/** Changes to a provider: switch, test mode, and keys (a string sets one, null removes it, absent keeps it). */
export interface PaymentProviderChanges {
  enabled?: boolean;
  testMode?: boolean;
  credentials?: Record<string, string | null>;
}

/**
 * Saves a provider's settings in the caller's transaction (the row is created on the first save, from
 * the environment's state, and locked). Keys are sealed (AES-256-GCM) and only masked hints are kept
 * readable. A provider's keys come all from the admin or all from the environment: a partial set is
 * refused. After the commit, call `invalidateShopCache("settings")` so checkouts use it at once.
 * @throws NotFoundError (PAYMENT_PROVIDER_NOT_FOUND); StaleVersionError (409; version 0 = never saved);
 *   ValidationError naming the field (`credentials.secretKey`: unknown, blank, missing from a set, a
 *   live key in test mode; `enabled`: not available here, or no keys to run with). Messages never
 *   contain a key.
 * @returns the provider before and after, and the names of the keys that changed (never their values).
 */
export async function savePaymentProviderSettings(
  db: Db,
  config: Config,
  serverSecret: string,
  code: string,
  changes: PaymentProviderChanges,
  expectedVersion?: number,
): Promise<{ before: StaffPaymentProvider; after: StaffPaymentProvider; credentialsChanged: string[] }> {
  const definition = definitionOf(code);
  if (!definition) throw new NotFoundError("PAYMENT_PROVIDER_NOT_FOUND", `No payment provider "${code}".`);
  const key = credentialsKey(serverSecret);
  const env = definition.environment(config);
  // The first save creates the row from the environment's state, as version 0 (what the list showed).
  await db
    .insert(paymentProviderSettings)
    .values({ provider: code, enabled: env.enabled, testMode: env.testMode, version: 0 })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(paymentProviderSettings)
    .where(eq(paymentProviderSettings.provider, code))
    .for("update");
  const current = effective(config, key, definition, row!.version === 0 ? null : row!);
  const before = staffView(config, current);
  assertVersion(`${definition.name} payment settings`, before.version, expectedVersion);

  const errors: FieldError[] = [];
  const fieldNames = definition.credentials.map((f) => f.name);
  // The keys the admin stored (none when they come from the environment or cannot be read).
  const next: Record<string, string> =
    current.credentialSource === "settings" ? { ...current.credentials! } : {};
  const given = changes.credentials ?? {};
  for (const [name, value] of Object.entries(given)) {
    const field = `credentials.${name}`;
    if (!fieldNames.includes(name)) {
      errors.push({
        field,
        message: fieldNames.length
          ? `is not a key of ${definition.name} (${fieldNames.join(", ")})`
          : `${definition.name} takes no keys`,
      });
      continue;
    }
    if (value === null) {
      delete next[name];
      continue;
    }
    const trimmed = value.trim();
    if (!trimmed) errors.push({ field, message: "enter the key, or send null to remove it" });
    else if (trimmed.length > 500 || /[\s\p{Cc}]/u.test(trimmed))
      errors.push({ field, message: "must be one line of at most 500 characters without spaces" });
    else next[name] = trimmed;
  }
  const storing = Object.keys(next).length > 0;
  if (storing)
    for (const name of fieldNames)
      if (!next[name] && !errors.some((e) => e.field === `credentials.${name}`))
        errors.push({
          field: `credentials.${name}`,
          message: "enter it too: the keys come all from here or all from the environment",
        });
  if (
    current.unreadable &&
    !storing &&
    changes.credentials === undefined &&
    (changes.enabled ?? current.enabled)
  )
    errors.push({
      field: `credentials.${fieldNames[0] ?? "enabled"}`,
      message: "the stored keys can no longer be read (the server's secret changed): enter them again",
    });
  const enabled = changes.enabled ?? current.enabled;
  const testMode = definition.supportsTestMode ? (changes.testMode ?? current.testMode) : env.testMode;
  if (enabled && changes.enabled && !definition.available(config))
    errors.push({ field: "enabled", message: `${definition.name} is not available on this server` });
  const inForce = storing ? next : current.unreadable ? null : env.credentials;
  if (
    enabled &&
    definition.credentials.length &&
    !complete(definition.credentials, inForce) &&
    !storing &&
    !current.unreadable
  )
    errors.push({
      field: `credentials.${fieldNames[0]}`,
      message: `enter the keys to switch ${definition.name} on`,
    });
  if (inForce && definition.checkMode && complete(definition.credentials, inForce))
    for (const problem of definition.checkMode(inForce, testMode))
      errors.push(
        storing && given[problem.field] !== undefined
          ? { field: `credentials.${problem.field}`, message: problem.message }
          : { field: "testMode", message: `the ${problem.field} in force ${problem.message}` },
      );
  if (errors.length) throw new ValidationError(errors);

  const previous = current.credentialSource === "settings" ? (current.credentials ?? {}) : {};
  const credentialsChanged = fieldNames.filter(
    (name) =>
      (previous[name] ?? null) !== (next[name] ?? null) || (current.unreadable && given[name] !== undefined),
  );
  const [saved] = await db
    .update(paymentProviderSettings)
    .set({
      enabled,
      testMode,
      sealedCredentials: storing ? sealCredentials(key, code, next) : null,
      credentialHints: storing
        ? Object.fromEntries(Object.entries(next).map(([name, value]) => [name, maskCredential(value)]))
        : {},
      version: row!.version + 1,
      updatedAt: new Date(),
    })
    .where(eq(paymentProviderSettings.provider, code))
    .returning();
  const after = staffView(config, effective(config, key, definition, saved!));
  return { before, after, credentialsChanged };
}
