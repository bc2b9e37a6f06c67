import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { RealtimeEvent } from "../../src/realtime/event-bus.js";
import { RedisBus } from "../../src/realtime/redis.bus.js";
import { BUS_GAP } from "../../src/realtime/topics.js";
import { TEST_REDIS_URL } from "../support/databases.js";

// Pub/sub messages published while the subscriber connection is away are lost. An agent's watch
// relays a conversation on an access check cached until a scope.changed event: one lost in a
// reconnect must not leave the old decision standing, so every listener is told of the gap.
describe("RedisBus", () => {
  const bus = new RedisBus(TEST_REDIS_URL, pino({ level: "silent" }), `gap-${randomUUID()}`);
  afterAll(() => bus.close());

  it("after its subscriber reconnects, tells every listener there may be a gap; events flow again", async () => {
    const seen: RealtimeEvent[] = [];
    const off = bus.subscribe("conversation:x", (e) => seen.push(e));
    const reaches = async (type: string) => {
      await bus.publish("conversation:x", { type });
      await new Promise((r) => setTimeout(r, 20));
      return seen.some((e) => e.type === type);
    };
    await expect.poll(() => reaches("probe")).toBe(true);
    expect(seen.some((e) => e.type === BUS_GAP)).toBe(false);
    (bus as unknown as { sub: Redis }).sub.disconnect(true);
    await expect.poll(() => seen.some((e) => e.type === BUS_GAP)).toBe(true);
    seen.length = 0;
    await expect.poll(() => reaches("after")).toBe(true);
    off();
  });
});
