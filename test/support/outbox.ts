import type { App } from "../../src/app.js";
import type { Prisma } from "../../src/generated/prisma/client.js";

/**
 * Waits on the outbox, not on the clock: runs the due sends now and returns once no outbound
 * row matching `where` is pending (each was sent or dead-lettered; only a pending row can still
 * be sent, by a retry or the sweeper). After it, any reply that was going to reach the provider
 * has reached it, so "nothing more was sent" can be asserted.
 */
export async function outboxSettled(app: App, where: Prisma.OutboxWhereInput, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await app.outbox.sweepDue();
    const pending = await app.db.prisma.outbox.count({ where: { ...where, status: "pending" } });
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} outbox rows still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
