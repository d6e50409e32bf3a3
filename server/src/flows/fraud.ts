import type { Config } from "../config.ts";
import { countRecentOrders } from "../modules/orders/index.ts";
import { countRecentOrdersByCard } from "../modules/payments/index.ts";
import type { Db } from "../platform/db.ts";

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
  /** Orders placed in the last hour by this e-mail / IP / card (this one excluded). */
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
  /** Orders per hour per e-mail, IP or card above which an order is held. */
  velocityPerHour: number;
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
        const worst = Object.entries(c.recent).find(([, n]) => n >= settings.velocityPerHour);
        return worst
          ? {
              rule: "velocity",
              message: `${worst[1]} orders in the last hour from the same ${worst[0].replace("by", "").toLowerCase()}`,
            }
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
  constructor(private readonly rules: FraudRule[]) {}

  static fromConfig(config: Pick<Config, "fraud">): FraudScreen {
    return new FraudScreen(builtInFraudRules(config.fraud));
  }

  /** The signals raised (empty: accept). */
  assess(context: FraudContext): FraudSignal[] {
    return this.rules.flatMap((rule) => {
      const signal = rule.evaluate(context);
      return signal ? [signal] : [];
    });
  }
}

/** Orders in the last hour by the same e-mail, IP and card fingerprint, excluding `excludeOrderId`. */
export async function recentOrderCounts(
  db: Db,
  input: {
    email: string;
    ipAddress: string | null;
    cardFingerprint: string | null;
    excludeOrderId: string | null;
  },
  now = new Date(),
): Promise<FraudContext["recent"]> {
  const since = new Date(now.getTime() - 3600_000);
  const { byEmail, byIp } = await countRecentOrders(db, { ...input, since });
  const byCard = input.cardFingerprint
    ? await countRecentOrdersByCard(db, input.cardFingerprint, since, input.excludeOrderId)
    : 0;
  return { byEmail, byIp, byCard };
}
