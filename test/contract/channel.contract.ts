import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildOptions } from "../../src/app.js";
import type { ChannelAdapter } from "../../src/channel/channel.js";
import { DB_KINDS, type DbKind, startTestApp, type TestApp } from "../support/app.js";
import { outboxSettled } from "../support/outbox.js";
import { createStaff } from "../support/staff.js";
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
  /**
   * Images delivered to the customer natively so far, oldest first, as the customer's app would
   * get them (issue 17); absent for a channel that carries no images.
   */
  deliveredImages?(): Promise<Buffer[]>;
  /** Successful provider send calls so far (to prove nothing is sent twice). */
  successfulSends?(): number;
  /**
   * The most one message carries, as the provider counts it; undefined when the longest text an
   * agent may write (2,000 characters) goes as one message.
   */
  partLimit?: { max: number; measure: (s: string) => number };
  /** A delivered part without the marks the channel adds to parts ("(1/2)" on SMS). */
  partBody?(delivered: string): string;
  teardown(): Promise<void>;
}

/**
 * 2,000 characters (the most an agent may write) of flags and ZWJ family emoji between Chinese
 * characters, with no punctuation to break at: a cut by code units or bytes lands inside a
 * grapheme somewhere, so only a grapheme-aware split keeps every one whole.
 */
/** Graphemes as Intl.Segmenter sees them (the test's own, not the splitter's). */
const graphemes = (s: string) =>
  Array.from(new Intl.Segmenter("zh-CN", { granularity: "grapheme" }).segment(s), (g) => g.segment);

export const EMOJI_TEXT = `您好${"快递🇨🇳👨‍👩‍👧‍👦".repeat(117)}`; // 1,991 UTF-16 units, 4,569 bytes

/**
 * The shared ChannelAdapter contract, run against every channel by swapping the factory:
 * answering, dedupe, handoff, retries, per-conversation order (also across a retry) and
 * grapheme-safe splitting. `canFailSends: false` for a provider whose fake cannot fail a send.
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
      // The retry tests wait for a real retry through the scheduler: its first delay is 100 ms
      // here, not the production 1 s (~40 s of the file). Eight attempts still span ~13 s, far
      // longer than a test keeps the provider failing, so nothing is dead-lettered by the speed-up.
      t = await startTestApp(kind, { OUTBOX_RETRY_BASE_MS: "100", ...env }, h.buildOptions?.() ?? {});
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

    /** The conversation that inbound message `id` started. */
    async function conversationOf(id: string): Promise<string> {
      const inbound = await t.app.db.prisma.message.findFirstOrThrow({
        where: { channel: h.channel, direction: "in", channelMessageId: { contains: h.nativeId?.(id) ?? id } },
        select: { conversationId: true },
      });
      return inbound.conversationId;
    }

    /** Every reply owed on this channel has been sent or dead-lettered: nothing more can arrive. */
    const settled = () => outboxSettled(t.app, { channel: h.channel });

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
      await settled(); // every reply to the first delivery has landed
      const deliveredAfterFirst = h.delivered().length;
      await h.sendInbound("谢谢", id);
      await settled();
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
        await settled();
        const replies = h.delivered().slice(deliveredBefore);
        expect(replies.join("\n")).toContain("快递");
        expect(new Set(replies).size).toBe(replies.length); // nothing delivered twice
        expect(h.successfulSends() - sendsBefore).toBe(replies.length);
      });
    }

    if (canFailSends) {
      it("keeps a conversation in commit order: a later message waits while the first is retried", async () => {
        if (!h.failSendsTo) throw new Error(`${name}: harness cannot fail sends; pass canFailSends: false`);
        const hello = `order-${kind}`;
        await h.sendInbound("你好", hello, "order");
        const conversationId = await conversationOf(hello);
        await settled();
        const before = h.delivered().length;
        const release = h.failSendsTo("order");
        const say = (text: string) => t.app.conversations.sendToConversation(conversationId, { text, author: "agent" });
        const rowOf = (messageId: string) => t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId } });
        // The first send fails (the provider is down) and is scheduled for a retry…
        const first = await say("第一条：您的快件已到达派送网点。");
        await eventually(async () => (await rowOf(first.id)).lastError !== null, 20_000);
        expect(await rowOf(first.id)).toMatchObject({ status: "pending" });
        // …and the message committed after it is not even tried while the first is owed.
        const second = await say("第二条：预计今天下午送达。");
        expect(await rowOf(second.id)).toMatchObject({ status: "pending", attempts: 0, lastError: null });
        expect(h.delivered().slice(before)).toEqual([]);
        release();
        await outboxSettled(t.app, { messageId: { in: [first.id, second.id] } });
        expect(await rowOf(first.id)).toMatchObject({ status: "sent" });
        expect(await rowOf(second.id)).toMatchObject({ status: "sent" });
        const arrived = h
          .delivered()
          .slice(before)
          .filter((text) => text.includes("第一条") || text.includes("第二条"));
        expect(arrived.map((text) => (text.includes("第一条") ? 1 : 2))).toEqual([1, 2]);
      });
    }

    it("splits a long text at grapheme boundaries (🇨🇳, ZWJ families stay whole), parts in order, nothing lost", async () => {
      const hello = `split-${kind}`;
      await h.sendInbound("你好", hello, "split");
      const conversationId = await conversationOf(hello);
      await settled();
      const before = h.delivered().length;
      const sent = await t.app.conversations.sendToConversation(conversationId, { text: EMOJI_TEXT, author: "agent" });
      await outboxSettled(t.app, { messageId: sent.id });
      expect(await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: sent.id } })).toMatchObject({
        status: "sent",
      });
      // (a channel that delivers by pushing, as the web chat's socket does, may show it a moment later)
      const parts = await eventually(() => (h.delivered().length > before ? h.delivered().slice(before) : undefined));
      if (h.partLimit) {
        const { max, measure } = h.partLimit;
        expect(parts.length).toBeGreaterThan(1);
        for (const part of parts) expect(measure(part)).toBeLessThanOrEqual(max);
      } else {
        expect(parts).toHaveLength(1);
      }
      const bodies = parts.map((p) => h.partBody?.(p) ?? p);
      // In order and nothing lost…
      expect(bodies.join("")).toBe(EMOJI_TEXT);
      // …and no grapheme cut in two: the parts' graphemes are exactly the text's.
      expect(bodies.flatMap(graphemes)).toEqual(graphemes(EMOJI_TEXT));
    });

    it("delivers an agent's image natively, and not the [图片] placeholder as text (issue 17)", async () => {
      const hello = `image-${kind}`;
      await h.sendInbound("转人工", hello, "image");
      const conversationId = await conversationOf(hello);
      await settled();
      const agent = await createStaff(t.app, t.baseUrl, { username: `img-${h.channel}-${kind}`, role: "supervisor" });
      const take = await fetch(`${t.baseUrl}/api/conversations/${conversationId}/take`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent.token}` },
      });
      expect(take.status).toBe(204);
      await settled();
      const textsBefore = h.delivered().length;
      if (!h.deliveredImages) throw new Error(`${name}: harness cannot show delivered images`);
      const imagesBefore = (await h.deliveredImages()).length;
      const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: "#d22" } })
        .png()
        .toBuffer();
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "guide.png");
      const res = await fetch(`${t.baseUrl}/api/conversations/${conversationId}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${agent.token}` },
        body: form,
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await outboxSettled(t.app, { messageId: id });
      expect(await t.app.db.prisma.outbox.findUniqueOrThrow({ where: { messageId: id } })).toMatchObject({
        status: "sent",
      });
      const images = await eventually(async () => {
        const all = await h.deliveredImages!();
        return all.length > imagesBefore ? all.slice(imagesBefore) : undefined;
      });
      expect(images).toHaveLength(1);
      const meta = await sharp(images[0]!).metadata();
      expect([meta.width, meta.height]).toEqual([96, 64]);
      expect(h.delivered().slice(textsBefore)).not.toContain("[图片]");
    });

    it("reports a non-ready status once stopped (idempotently)", async () => {
      await adapter.stop();
      await adapter.stop();
      expect(adapter.status().state).not.toBe("ready");
    });
  });
}
