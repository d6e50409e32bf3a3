import type { AppContext } from "../../platform/context.ts";
import { lastTrainedAt, trainRecommendations } from "./recommendations.service.ts";

/**
 * The nightly training: checks every hour and retrains when the last run is more than `everyHours`
 * old (default 24), and once shortly after start when the model was never trained. A run already in
 * progress in this process is not started twice; several processes may both train after a restart
 * (each run replaces the lists in one transaction, so the result is the same).
 */
export function startRecommendationTraining(
  ctx: Pick<AppContext, "db" | "log">,
  options: { everyHours?: number; checkMinutes?: number } = {},
): { stop(): void } {
  const everyMs = (options.everyHours ?? 24) * 3_600_000;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const last = await lastTrainedAt(ctx.db);
      if (last && Date.now() - last.getTime() < everyMs) return;
      const stats = await trainRecommendations(ctx.db);
      ctx.log.info(stats, "recommendations trained");
    } catch (error) {
      ctx.log.error({ err: error }, "recommendation training failed");
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), 5_000);
  first.unref();
  const timer = setInterval(() => void tick(), (options.checkMinutes ?? 60) * 60_000);
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
