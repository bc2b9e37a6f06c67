import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildOptions } from "../../src/app.js";
import type { ChannelAdapter } from "../../src/channel/channel.js";
import { DB_KINDS, type DbKind, startTestApp, type TestApp } from "../support/app.js";
import { eventually } from "./channel.fakes.js";

/**
 * What a test needs to drive one channel natively: the env that enables it, a way to send a
 * customer message as the provider would deliver it, and the replies that reached the
 * customer through the provider.
 */
export interface ChannelHarness {
  /** The adapter's name (ChannelAdapter.name). */
  channel: string;
  /** Starts fake provider servers; returns the env that enables the channel against them. */
  setup(): Promise<Record<string, string>>;
  buildOptions?(): BuildOptions;
  /** Called once the app listens. */
  attach?(app: TestApp): Promise<void>;
  /**
   * Customer `from` (a short label the harness maps to a native address) sends `text`; `id`
   * is the provider's message id (the same id = a redelivery).
   */
  sendInbound(text: string, id: string, from?: string): Promise<void>;
  /** The provider's message id for a test id, when the harness maps it (as stored in channelMessageId). */
  nativeId?(id: string): string;
  /** Texts delivered to the customer natively so far, oldest first. */
  delivered(): string[];
  /**
   * Makes the provider fail every send to customer `from` with a retryable error (5xx) until
   * the returned function is called, when it can.
   */
  failSendsTo?(from: string): () => void;
  /** Successful provider send calls so far (to prove nothing is sent twice). */
  successfulSends?(): number;
  teardown(): Promise<void>;
}

/**
 * The shared ChannelAdapter contract, run against every channel by swapping the factory.
 * `canFailSends: false` for a provider whose fake cannot answer 500 (the mock puppet): that
 * channel's retry path is covered by its own test instead (wechaty.test.ts: logged out).
 */
export function channelContract(
  name: string,
  factory: () => ChannelHarness,
  kinds: DbKind[] = DB_KINDS,
  { canFailSends = true }: { canFailSends?: boolean } = {},
): void {
  describe.each(kinds)(`${name}: ChannelAdapter contract (%s)`, (kind) => {
    let h: ChannelHarness;
    let t: TestApp;
    let adapter: ChannelAdapter;

    beforeAll(async () => {
      h = factory();
      const env = await h.setup();
      t = await startTestApp(kind, env, h.buildOptions?.() ?? {});
      await h.attach?.(t);
      const found = t.app.channels.find((c) => c.name === h.channel);
      if (!found) throw new Error(`channel ${h.channel} is not enabled by its env`);
      adapter = found;
    });

    /** The outbox rows of the replies in the conversation that inbound message `id` started. */
    async function outboxRowsOf(id: string) {
      const prisma = t.app.db.prisma;
      const inbound = await prisma.message.findFirst({
        where: { channel: h.channel, direction: "in", channelMessageId: { contains: h.nativeId?.(id) ?? id } },
        select: { conversationId: true },
      });
      if (!inbound) return [];
      const replies = await prisma.message.findMany({
        where: { conversationId: inbound.conversationId, direction: "out" },
        select: { id: true },
      });
      return prisma.outbox.findMany({ where: { messageId: { in: replies.map((r) => r.id) } } });
    }

    afterAll(async () => {
      await t?.close();
      await h?.teardown();
    });

    it("is listed on /readyz with its status", async () => {
      const body = await eventually(async () => {
        const res = await fetch(`${t.baseUrl}/readyz`);
        const json = (await res.json()) as { channels: Record<string, { state: string }> };
        return json.channels[h.channel]?.state === "ready" ? json : undefined;
      });
      expect(body.channels[h.channel]?.state).toBe("ready");
      expect(adapter.status().state).toBe("ready");
    });

    it("answers a greeting natively", async () => {
      const before = h.delivered().length;
      await h.sendInbound("你好", `greet-${kind}`);
      const replies = await eventually(() => (h.delivered().length > before ? h.delivered().slice(before) : undefined));
      expect(replies.join("\n")).toContain("快递");
    });

    it("answers a redelivered message once and stores it once", async () => {
      const id = `dup-${kind}`;
      const before = h.delivered().length;
      await h.sendInbound("谢谢", id);
      await eventually(() => h.delivered().length > before);
      await new Promise((r) => setTimeout(r, 300)); // any further reply to the first delivery lands
      const deliveredAfterFirst = h.delivered().length;
      await h.sendInbound("谢谢", id);
      await new Promise((r) => setTimeout(r, 500));
      expect(h.delivered().length).toBe(deliveredAfterFirst);
      const stored = await t.app.db.prisma.message.count({
        where: { channel: h.channel, direction: "in", channelMessageId: { contains: h.nativeId?.(id) ?? id } },
      });
      expect(stored).toBe(1);
    });

    it("hands over to a human on 转人工", async () => {
      const before = h.delivered().length;
      await h.sendInbound("转人工", `human-${kind}`);
      const replies = await eventually(() => (h.delivered().length > before ? h.delivered().slice(before) : undefined));
      expect(replies.join("\n")).toMatch(/人工/);
    });

    if (canFailSends) {
      it("retries a failed send from the outbox and delivers it exactly once", async () => {
        if (!h.failSendsTo || !h.successfulSends)
          throw new Error(`${name}: harness cannot fail sends; pass canFailSends: false`);
        // A fresh customer, so the handoff above does not silence the bot.
        const sendsBefore = h.successfulSends();
        const deliveredBefore = h.delivered().length;
        const inboundId = `retry-${kind}`;
        const release = h.failSendsTo("second");
        await h.sendInbound("你好", inboundId, "second");
        // The outbox records the failed attempt for this customer's reply and schedules a retry…
        const failed = await eventually(async () => {
          const rows = await outboxRowsOf(inboundId);
          return rows.find((r) => r.status === "pending" && r.lastError !== null);
        }, 20_000);
        expect(h.delivered().length).toBe(deliveredBefore);
        release();
        // …which delivers it once the provider is back.
        await eventually(() => h.delivered().length > deliveredBefore, 20_000);
        const row = await eventually(async () => {
          const rows = await outboxRowsOf(inboundId);
          return rows.find((r) => r.id === failed.id && r.status === "sent");
        });
        expect(row.attempts).toBeGreaterThanOrEqual(2);
        // Every part of the reply lands (an SMS may be several segments), and a second send would too.
        await new Promise((r) => setTimeout(r, 1500));
        const replies = h.delivered().slice(deliveredBefore);
        expect(replies.join("\n")).toContain("快递");
        expect(new Set(replies).size).toBe(replies.length); // nothing delivered twice
        expect(h.successfulSends() - sendsBefore).toBe(replies.length);
      });
    }

    it("reports a non-ready status once stopped (idempotently)", async () => {
      await adapter.stop();
      await adapter.stop();
      expect(adapter.status().state).not.toBe("ready");
    });
  });
}
