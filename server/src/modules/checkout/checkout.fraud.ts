import type { Config } from "../../config.ts";
import type { Db } from "../../platform/db.ts";
import { countRecentOrders } from "../orders/index.ts";
import { countRecentOrdersByCard } from "../payments/index.ts";

/** What the fraud rules look at for one order. Amounts in minor units. */
export interface FraudContext {
  email: string;
  ipAddress: string | null;
  amount: number;
  currency: string;
  billingCountry: string | null;
  shippingCountry: string | null;
  /** Known after the provider answered. */
  cardFingerprint: string | null;
  /** 0-100, after the provider answered (Stripe Radar `risk_score`). */
  providerRiskScore: number | null;
  /**
   * Orders placed in the last hour by this e-mail / IP / card (this one excluded), counted up to the
   * velocity threshold (a count at the threshold means "at least that many").
   */
  recent: { byEmail: number; byIp: number; byCard: number };
}

/** A reason to look at an order before shipping it. */
export interface FraudSignal {
  rule: string;
  message: string;
}

/** One fraud rule: a signal when the order looks risky, else null. */
export interface FraudRule {
  readonly id: string;
  evaluate(context: FraudContext): FraudSignal | null;
}

/** Thresholds of the built-in rules (FRAUD_* environment variables). */
export interface FraudSettings {
  /**
   * Orders in the last hour per e-mail, IP address or card fingerprint at which the next order is held;
   * 0 turns that check off.
   */
  velocity: { email: number; ip: number; card: number };
  /** Order total (minor units, any currency) above which an order is held. */
  reviewAmount: number;
  /** Provider risk score (0-100) at or above which an order is held. */
  riskScore: number;
}

/** The built-in rules: velocity (e-mail, IP, card), large amount, billing/shipping country mismatch, provider risk. */
export function builtInFraudRules(settings: FraudSettings): FraudRule[] {
  return [
    {
      id: "velocity",
      evaluate: (c) => {
        const checks = [
          ["e-mail", c.recent.byEmail, settings.velocity.email],
          ["IP address", c.recent.byIp, settings.velocity.ip],
          ["card", c.recent.byCard, settings.velocity.card],
        ] as const;
        const worst = checks.find(([, n, limit]) => limit > 0 && n >= limit);
        return worst
          ? { rule: "velocity", message: `${worst[1]} orders in the last hour from the same ${worst[0]}` }
          : null;
      },
    },
    {
      id: "amount",
      evaluate: (c) =>
        c.amount > settings.reviewAmount
          ? {
              rule: "amount",
              message: `total ${c.amount} ${c.currency} is above the review threshold ${settings.reviewAmount}`,
            }
          : null,
    },
    {
      id: "country_mismatch",
      evaluate: (c) =>
        c.billingCountry && c.shippingCountry && c.billingCountry !== c.shippingCountry
          ? {
              rule: "country_mismatch",
              message: `billing country ${c.billingCountry} differs from shipping country ${c.shippingCountry}`,
            }
          : null,
    },
    {
      id: "provider_risk",
      evaluate: (c) =>
        c.providerRiskScore !== null && c.providerRiskScore >= settings.riskScore
          ? { rule: "provider_risk", message: `payment provider risk score ${c.providerRiskScore}` }
          : null,
    },
  ];
}

/** Fraud screening: runs the rules and says whether an order is held for review. */
export class FraudScreen {
  /**
   * @param rules the rules to run
   * @param velocity how far `recentOrderCounts` needs to count (0: that count is not needed)
   */
  constructor(
    private readonly rules: FraudRule[],
    readonly velocity: FraudSettings["velocity"] = { email: 0, ip: 0, card: 0 },
  ) {}

  static fromConfig(config: Pick<Config, "fraud">): FraudScreen {
    return new FraudScreen(builtInFraudRules(config.fraud), config.fraud.velocity);
  }

  /** The signals raised (empty: accept). */
  assess(context: FraudContext): FraudSignal[] {
    return this.rules.flatMap((rule) => {
      const signal = rule.evaluate(context);
      return signal ? [signal] : [];
    });
  }
}

/**
 * Orders in the last hour by the same e-mail and IP address, counted up to the screen's velocity
 * thresholds (no query when both checks are off). Indexed, bounded lookups: a busy IP address does not
 * make every checkout count its whole history.
 */
export async function recentOrderCounts(
  db: Db,
  screen: FraudScreen,
  input: { email: string; ipAddress: string | null; excludeOrderId: string | null },
  now = new Date(),
): Promise<FraudContext["recent"]> {
  const limits = { email: screen.velocity.email, ip: input.ipAddress ? screen.velocity.ip : 0 };
  if (limits.email === 0 && limits.ip === 0) return { byEmail: 0, byIp: 0, byCard: 0 };
  const since = new Date(now.getTime() - 3600_000);
  const { byEmail, byIp } = await countRecentOrders(db, { ...input, since, limits });
  return { byEmail, byIp, byCard: 0 };
}

/**
 * Orders in the last hour paid with the card of `fingerprint` (other than `excludeOrderId`), counted up
 * to the card velocity threshold; 0 without a fingerprint or with the check off.
 */
export async function recentOrdersByCard(
  db: Db,
  screen: FraudScreen,
  fingerprint: string | null,
  excludeOrderId: string,
  now = new Date(),
): Promise<number> {
  if (!fingerprint || screen.velocity.card === 0) return 0;
  const since = new Date(now.getTime() - 3600_000);
  return countRecentOrdersByCard(db, fingerprint, since, excludeOrderId, screen.velocity.card);
}
