import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/platform/db.ts";
import { outboxEvents } from "../src/platform/outbox.schema.ts";
import { enqueue, OutboxDispatcher, retryDelayMs } from "../src/platform/outbox.ts";
import { testApp } from "./helpers.ts";

let t: Awaited<ReturnType<typeof testApp>>;

beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t?.close();
});

async function eventRow(id: string) {
  const [row] = await t.ctx.db.select().from(outboxEvents).where(eq(outboxEvents.id, id));
  return row!;
}

describe("transactional outbox", () => {
  it("delivers an event only when its transaction commits", async () => {
    const seen: string[] = [];
    const dispatcher = new OutboxDispatcher(t.ctx.db).on("test.commit", async (e) => {
      seen.push((e.payload as { n: string }).n);
    });
    await t.ctx.db
      .transaction(async (tx) => {
        await enqueue(tx, "test.commit", { n: "rolled back" });
        throw new Error("abort");
      })
      .catch(() => {});
    await t.ctx.db.transaction((tx) => enqueue(tx, "test.commit", { n: "committed" }));
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(seen).toEqual(["committed"]);
  });

  it("retries a failing handler with backoff, then succeeds", async () => {
    let calls = 0;
    const dispatcher = new OutboxDispatcher(t.ctx.db, { baseDelayMs: 0 }).on("test.flaky", async () => {
      calls++;
      if (calls < 3) throw new Error(`temporary failure ${calls}`);
    });
    const id = await enqueue(t.ctx.db, "test.flaky", {});
    await dispatcher.runOnce();
    expect(await eventRow(id)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "temporary failure 1",
    });
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    expect(await eventRow(id)).toMatchObject({ status: "done", attempts: 3, lastError: null });
    expect(calls).toBe(3);
  });

  it("waits out the backoff before retrying", async () => {
    const dispatcher = new OutboxDispatcher(t.ctx.db, { baseDelayMs: 60_000 }).on("test.later", async () => {
      throw new Error("down");
    });
    const id = await enqueue(t.ctx.db, "test.later", {});
    await dispatcher.runOnce();
    expect(await dispatcher.runOnce()).toBe(0);
    const row = await eventRow(id);
    expect(row.availableAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(retryDelayMs(1, 1000, 60_000)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000)).toBe(8000);
    expect(retryDelayMs(20, 1000, 60_000)).toBe(60_000);
  });

  it("dead-letters an event after the last attempt, keeping its error", async () => {
    const dispatcher = new OutboxDispatcher(t.ctx.db, { baseDelayMs: 0, maxAttempts: 2 }).on(
      "test.broken",
      async () => {
        throw new Error("permanent");
      },
    );
    const id = await enqueue(t.ctx.db, "test.broken", {});
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    expect(await eventRow(id)).toMatchObject({ status: "dead", attempts: 2, lastError: "permanent" });
    expect(await dispatcher.runOnce()).toBe(0);
  });

  it("hands each event to one of several concurrent dispatchers", async () => {
    const handled: string[] = [];
    const make = () =>
      new OutboxDispatcher(t.ctx.db, { batchSize: 5 }).on("test.race", async (e) => {
        handled.push(e.id);
        await new Promise((r) => setTimeout(r, 5));
      });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue(t.ctx.db, "test.race", { i }));
    const dispatchers = [make(), make(), make()];
    for (let round = 0; round < 10; round++) await Promise.all(dispatchers.map((d) => d.runOnce()));
    expect(handled.sort()).toEqual(ids.sort());
    const [row] = await queryRows<{ n: number }>(
      t.ctx.db,
      sql`select count(*)::int as n from outbox_events where topic = 'test.race' and status = 'done'`,
    );
    expect(row!.n).toBe(30);
  });
});
