import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMISED, nextRunAt, RetentionService } from "../../src/privacy/retention.service.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { renderLabel } from "../support/images.js";
import { WebchatClient } from "../support/webchat-client.js";

describe("nextRunAt", () => {
  it("is the next 03:00 China time", () => {
    expect(nextRunAt(new Date("2026-11-23T12:00:00Z")).toISOString()).toBe("2026-11-23T19:00:00.000Z");
    expect(nextRunAt(new Date("2026-11-23T20:00:00Z")).toISOString()).toBe("2026-11-24T19:00:00.000Z");
  });
});

describe.each(DB_KINDS)("data retention on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { OCR: "off" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("anonymises customers silent for longer than the retention period and leaves recent ones alone", async () => {
    const db = t.app.db.prisma;
    const old = await WebchatClient.open(t.baseUrl);
    await old.say("我的手机是13812345678，地址是北京市朝阳区某某路1号");
    const recent = await WebchatClient.open(t.baseUrl);
    await recent.say("你好，我的电话13987654321");

    // Age the first customer by 400 days.
    const oldIdentity = await db.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "webchat", externalId: old.sessionId } },
    });
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    await db.customer.update({
      where: { id: oldIdentity.customerId },
      data: { createdAt: longAgo, phone: "13812345678", name: "张三" },
    });
    await db.conversation.updateMany({
      where: { customerId: oldIdentity.customerId },
      data: { lastMessageAt: longAgo },
    });

    const service = new RetentionService(db, t.app.scheduler, pino({ level: "silent" }), 365);
    expect(await service.run()).toEqual({ customers: 1 });

    const customer = await db.customer.findUniqueOrThrow({ where: { id: oldIdentity.customerId } });
    expect(customer).toMatchObject({ name: null, phone: null });
    expect(customer.anonymisedAt).not.toBeNull();
    const oldTexts = (await db.message.findMany({ where: { conversation: { customerId: customer.id } } })).map(
      (m) => m.text,
    );
    expect(oldTexts.length).toBeGreaterThan(1);
    expect(new Set(oldTexts)).toEqual(new Set([ANONYMISED]));
    const identity = await db.channelIdentity.findUniqueOrThrow({ where: { id: oldIdentity.id } });
    expect(identity.externalId).not.toBe(old.sessionId);

    expect((await recent.history()).map((m) => m.text)).toContain("你好，我的电话13987654321");
    expect(await service.run()).toEqual({ customers: 0 }); // idempotent
  });

  it("deletes an anonymised customer's images, rows and bytes (issue 17)", async () => {
    const db = t.app.db.prisma;
    const chat = await WebchatClient.open(t.baseUrl);
    const form = new FormData();
    const png = await renderLabel(["HOME ADDRESS 88"], { format: "png" });
    form.append("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "door.png");
    const up = await fetch(`${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${chat.token}` },
      body: form,
    });
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const row = await db.attachment.findUniqueOrThrow({ where: { id: attachment.id } });
    expect(await t.app.attachments.blobs.get(row.storageKey)).toBeDefined();
    const identity = await db.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "webchat", externalId: chat.sessionId } },
    });
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    await db.customer.update({ where: { id: identity.customerId }, data: { createdAt: longAgo } });
    await db.conversation.updateMany({ where: { customerId: identity.customerId }, data: { lastMessageAt: longAgo } });
    const service = new RetentionService(db, t.app.scheduler, pino({ level: "silent" }), 365, async (id) => {
      await t.app.attachments.deleteForCustomer(id);
    });
    expect(await service.run()).toEqual({ customers: 1 });
    expect(await db.attachment.count({ where: { id: attachment.id } })).toBe(0);
    expect(await t.app.attachments.blobs.get(row.storageKey)).toBeUndefined();
    expect(await t.app.attachments.blobs.get(row.thumbKey!)).toBeUndefined();
  });
});
