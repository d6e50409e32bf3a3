import { Redis } from "ioredis";

/**
 * Redis connection for shared state across API processes (sessions cache, rate-limit counters).
 * Keys are prefixed (REDIS_PREFIX) so several shops or test runs can share one server.
 */
export function createRedis(url: string, prefix: string): Redis {
  return new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 2, lazyConnect: false });
}

/** Increments a counter, setting its time-to-live (seconds) only when it is created: one atomic step. */
const incrementScript = `local v = redis.call('INCR', KEYS[1])
if v == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return v`;

/**
 * better-auth's secondary storage over Redis: session lookups and rate-limit counters shared by every
 * process. Values are strings; TTLs in seconds.
 */
export function redisSecondaryStorage(redis: Redis) {
  return {
    get: (key: string) => redis.get(key),
    getAndDelete: (key: string) => redis.getdel(key),
    increment: async (key: string, ttl: number) =>
      Number(await redis.eval(incrementScript, 1, key, String(Math.max(1, Math.ceil(ttl))))),
    set: async (key: string, value: string, ttl?: number) => {
      if (ttl && ttl > 0) await redis.set(key, value, "EX", Math.ceil(ttl));
      else await redis.set(key, value);
    },
    delete: async (key: string) => {
      await redis.del(key);
    },
  };
}
