import { randomUUID } from "node:crypto";
import fs, { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaLinks } from "../../src/images/media.links.js";
import { DB_KINDS, type DbKind, startTestApp, type TestApp } from "../support/app.js";
import { renderLabel } from "../support/images.js";
import { createStaff } from "../support/staff.js";
import { type ChatReply, WebchatClient } from "../support/webchat-client.js";

interface Upload {
  status: number;
  body: { replies?: ChatReply[]; attachment?: { id: string; mime: string }; error?: { code: string } };
}

async function upload(
  chat: WebchatClient,
  bytes: Buffer,
  opts: { name?: string; field?: string; token?: string } = {},
) {
  const form = new FormData();
  form.append(
    opts.field ?? "file",
    new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }),
    opts.name ?? "photo.jpg",
  );
  const res = await fetch(`${chat.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.token ?? chat.token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Upload["body"] } satisfies Upload;
}

const text = (replies: ChatReply[] | undefined) => (replies ?? []).map((r) => r.text).join("\n");

/**
 * Issue 17 through the public web chat API, real OCR (PaddleOCR, loaded once: OCR runs on the
 * PGlite app only; the PostgreSQL app checks storage and evidence with OCR off).
 */
describe.each(DB_KINDS)("web chat images on %s", (kind: DbKind) => {
  let t: TestApp;
  const ocr = kind === "pglite";
  beforeAll(async () => {
    t = await startTestApp(kind, { OCR: ocr ? "paddle" : "off", RATE_LIMIT_UPLOADS_PER_MINUTE: "1000" });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const stored = async () => ({
    rows: await t.app.db.prisma.attachment.count(),
    blobs:
      kind === "pglite"
        ? fs.existsSync(t.app.config.attachmentsDir)
          ? fs
              .readdirSync(t.app.config.attachmentsDir, { recursive: true })
              .filter((f) => !fs.statSync(path.join(t.app.config.attachmentsDir, String(f))).isDirectory()).length
          : 0
        : await t.app.db.prisma.attachmentBlob.count(),
  });

  it.runIf(ocr)(
    "a photo of a waybill label is answered like the number; several numbers each; the image is in the history",
    async () => {
      const chat = await WebchatClient.open(t.baseUrl);
      const one = await upload(
        chat,
        await renderLabel(["SHUNFENG EXPRESS", "No. SF1438829301576"], { rotate: 6, format: "jpeg" }),
      );
      expect(one.status).toBe(200);
      expect(one.body.replies?.[0]?.text).toBe("识别到运单号 SF1438829301576");
      expect(text(one.body.replies)).toMatch(/SF1438829301576[\s\S]*(顺丰|派送|运输|签收|到达)/);
      const history = await chat.history();
      const inbound = history.find((m) => m.direction === "in") as ChatReply & { attachments?: { id: string }[] };
      expect(inbound.text).toBe("[图片]");
      expect(inbound.attachments?.[0]?.id).toBe(one.body.attachment?.id);
      const row = await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: one.body.attachment!.id } });
      expect(row).toMatchObject({ mime: "image/jpeg", ocrWaybills: ["SF1438829301576"] });
      expect(row.ocrText).toContain("SF1438829301576");
      expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);

      const two = await upload(chat, await renderLabel(["SF1438829301576", "YT7001234567891"], { format: "png" }));
      expect(two.body.replies?.[0]?.text).toBe("识别到运单号 SF1438829301576、YT7001234567891");
      expect(text(two.body.replies)).toContain("YT7001234567891");

      const none = await upload(chat, await renderLabel(["THANK YOU FOR", "YOUR ORDER"], { format: "webp" }));
      expect(none.status).toBe(200);
      expect(text(none.body.replies)).toMatch(/没能从中识别出运单号.*直接输入运单号/);

      // An iPhone photo (HEIC) is read like any other and kept as JPEG.
      const heic = readFileSync(new URL("../fixtures/label.heic", import.meta.url));
      const iphone = await upload(chat, heic, { name: "IMG_0001.HEIC" });
      expect(iphone.body.replies?.[0]?.text).toBe("识别到运单号 SF1438829301576");
      const kept = await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: iphone.body.attachment!.id } });
      expect([kept.mime, kept.width, kept.height]).toEqual(["image/jpeg", 640, 240]);
    },
    60_000,
  );

  it("a signed media link (Twilio MMS MediaUrl) serves the image; a changed, stretched or expired one does not", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("你好");
    const ident = await t.app.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: chat.sessionId } });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: ident.id } });
    const a = await t.app.attachments.ingest(conv.id, await renderLabel(["MMS"], { format: "png" }), { ocr: false });
    const setting = await t.app.db.prisma.setting.findUniqueOrThrow({ where: { key: "media.secret" } });
    const local = (link: string) => link.replace(t.app.config.publicUrl, t.baseUrl);
    const issuedAt = (iso?: string) =>
      new MediaLinks(String(setting.value), t.app.config.publicUrl, iso ? () => new Date(iso) : undefined);
    const good = issuedAt().link(a.id);
    const ok = await fetch(local(good));
    expect([ok.status, ok.headers.get("content-type")]).toEqual([200, "image/png"]);
    const code = async (url: string) => {
      const res = await fetch(local(url));
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    const u = new URL(good);
    const exp = Number(u.searchParams.get("exp"));
    expect(await code(good.replace(`exp=${exp}`, `exp=${exp + 86_400}`))).toEqual([404, "NOT_FOUND"]);
    expect(await code(good.replace(a.id, randomUUID()))).toEqual([404, "NOT_FOUND"]);
    // Issued long ago (a fixed date, not the wall clock minus something): signed right, expired.
    expect(await code(issuedAt("2020-01-01T00:00:00Z").link(a.id))).toEqual([410, "MEDIA_LINK_EXPIRED"]);
    expect((await fetch(`${t.baseUrl}/media/${a.id}`)).status).toBe(400);
    expect((await fetch(`${t.baseUrl}/media/not-an-id?exp=1&sig=x`)).status).toBe(400);
    expect((await fetch(`${t.baseUrl}/media/${a.id}?exp=99999999999999999999&sig=x`)).status).toBe(400);
  });

  it("an agent who took the conversation sends an image; the customer sees and downloads it; others cannot", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("转人工");
    const ident = await t.app.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: chat.sessionId } });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: ident.id } });
    const agent = await createStaff(t.app, t.baseUrl, { username: `img-${kind}`, role: "supervisor" });
    const other = await createStaff(t.app, t.baseUrl, { username: `img2-${kind}`, role: "supervisor" });
    const send = (token: string) => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(pngBytes)], { type: "image/png" }), "guide.png");
      return fetch(`${t.baseUrl}/api/conversations/${conv.id}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
    };
    const pngBytes = await renderLabel(["PACK IT LIKE THIS"], { format: "png" });
    const before = await t.app.db.prisma.attachment.count({ where: { conversationId: conv.id } });
    expect((await send(agent.token)).status).toBe(409); // not taken yet: nothing stored
    expect(await t.app.db.prisma.attachment.count({ where: { conversationId: conv.id } })).toBe(before);
    const take = await fetch(`${t.baseUrl}/api/conversations/${conv.id}/take`, {
      method: "POST",
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(take.status).toBe(204);
    // The console offers 发送图片 because this channel shows images.
    const detail = await fetch(`${t.baseUrl}/api/conversations/${conv.id}`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(((await detail.json()) as { sendsImages: boolean }).sendsImages).toBe(true);
    expect((await send(other.token)).status).toBe(409);
    const sent = await send(agent.token);
    expect(sent.status).toBe(201);
    const { attachments } = (await sent.json()) as { attachments: { id: string }[] };
    const history = (await chat.history()) as (ChatReply & { attachments?: { id: string }[] })[];
    const out = history.find((m) => m.author === "agent");
    expect(out?.attachments?.[0]?.id).toBe(attachments[0]!.id);
    const img = await fetch(`${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments/${attachments[0]!.id}`, {
      headers: { authorization: `Bearer ${chat.token}` },
    });
    expect([img.status, img.headers.get("content-type")]).toEqual([200, "image/png"]);
  });

  it("the session's own image and thumbnail download; another session's is not found", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const up = await upload(chat, await renderLabel(["HELLO"], { format: "png", width: 800 }));
    expect(up.status).toBe(200);
    const url = `${chat.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments/${up.body.attachment!.id}`;
    const full = await fetch(url, { headers: { authorization: `Bearer ${chat.token}` } });
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("image/png");
    const thumb = await fetch(`${url}?variant=thumb`, { headers: { authorization: `Bearer ${chat.token}` } });
    expect(thumb.headers.get("content-type")).toBe("image/webp");
    expect((await thumb.arrayBuffer()).byteLength).toBeLessThan((await full.arrayBuffer()).byteLength);
    const other = await WebchatClient.open(t.baseUrl);
    const foreign = await fetch(
      `${other.baseUrl}/api/webchat/sessions/${other.sessionId}/attachments/${up.body.attachment!.id}`,
      { headers: { authorization: `Bearer ${other.token}` } },
    );
    expect(foreign.status).toBe(404);
  });

  it("bad uploads get a 4xx with a code and store nothing; the chat still answers", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const before = await stored();
    const cases: [Promise<Upload>, number, string][] = [
      [upload(chat, Buffer.from("just text renamed"), { name: "label.jpg" }), 415, "ATTACHMENT_NOT_IMAGE"],
      [upload(chat, Buffer.alloc(0)), 400, "ATTACHMENT_EMPTY"],
      [upload(chat, Buffer.alloc(11 * 1024 * 1024, 0xff)), 413, "ATTACHMENT_TOO_LARGE"],
      [upload(chat, (await renderLabel(["X"])).subarray(0, 300)), 422, "ATTACHMENT_UNREADABLE"],
      [upload(chat, await renderLabel(["X"]), { field: "image" }), 400, "ATTACHMENT_EMPTY"],
      [upload(chat, await renderLabel(["X"]), { token: "wrong" }), 401, "UNAUTHENTICATED"],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    const json = await fetch(`${chat.baseUrl}/api/webchat/sessions/${chat.sessionId}/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${chat.token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(415);
    expect(await stored()).toEqual(before);
    expect((await chat.say("你好")).length).toBeGreaterThan(0);

    // A conversation that holds its maximum of images (30) refuses the next politely: 429, nothing stored.
    const full = await WebchatClient.open(t.baseUrl);
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: {
        identityId: (await t.app.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: full.sessionId } }))
          .id,
      },
    });
    await t.app.db.prisma.attachment.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        conversationId: conv.id,
        mime: "image/png",
        size: 1,
        width: 1,
        height: 1,
        sha256: "0".repeat(64),
        storageKey: `placeholder-${kind}-${i}`,
      })),
    });
    const refused = await upload(full, await renderLabel(["X"]));
    expect([refused.status, refused.body.error?.code]).toEqual([429, "ATTACHMENT_LIMIT"]);
    expect(await t.app.db.prisma.attachment.count({ where: { conversationId: conv.id } })).toBe(30);
  });

  it("during a complaint intake a photo is kept as evidence and linked to the ticket it opens; after it, linked at once", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("我要投诉");
    const during = await upload(chat, await renderLabel(["BROKEN BOX"], { format: "jpeg" }));
    expect(text(during.body.replies)).toContain("已作为凭证保存");
    const sessionConv = await t.app.db.prisma.attachment.findUniqueOrThrow({
      where: { id: during.body.attachment!.id },
    });
    expect(sessionConv.purpose).toBe("evidence");
    const ticket = await t.app.tickets.create(
      { category: "DAMAGED", description: "外包装破损", conversationId: sessionConv.conversationId },
      { type: "system" },
    );
    expect(
      (await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: during.body.attachment!.id } })).ticketId,
    ).toBe(ticket.id);
    // The intake is over (as when the bot itself opened the ticket).
    await t.app.conversations.setFlow(sessionConv.conversationId, undefined);
    const after = await upload(chat, await renderLabel(["INSIDE"], { format: "png" }));
    expect(text(after.body.replies)).toContain(`已作为凭证附到工单 ${ticket.number}`);
    const linked = await t.app.db.prisma.attachment.findMany({ where: { ticketId: ticket.id } });
    expect(linked).toHaveLength(2);
    const events = await t.app.db.prisma.ticketEvent.findMany({
      where: { ticketId: ticket.id, type: "evidence_added" },
    });
    expect(events).toHaveLength(1);
    // Agents: the ticket's group reaches the images (list with OCR text, thumbnail, full view);
    // another group gets 403 on all of it; a supervisor reaches everything.
    const api = (token: string, url: string) =>
      fetch(`${t.baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const mine = await createStaff(t.app, t.baseUrl, { username: `a-${kind}`, groups: [ticket.groupCode] });
    const other = await createStaff(t.app, t.baseUrl, { username: `b-${kind}`, groups: ["nobody_group"] });
    const boss = await createStaff(t.app, t.baseUrl, { username: `s-${kind}`, role: "supervisor" });
    const list = await api(mine.token, `/api/attachments?ticket=${ticket.number}`);
    expect(list.status).toBe(200);
    const listed = ((await list.json()) as { attachments: { id: string; ticketNumber: string }[] }).attachments;
    expect(listed.map((a) => a.id).sort()).toEqual(linked.map((a) => a.id).sort());
    expect(listed.every((a) => a.ticketNumber === ticket.number)).toBe(true);
    const byConversation = await api(mine.token, `/api/attachments?conversationId=${sessionConv.conversationId}`);
    expect(byConversation.status).toBe(200);
    const thumb = await api(mine.token, `/api/attachments/${during.body.attachment!.id}?variant=thumb`);
    expect([thumb.status, thumb.headers.get("content-type")]).toEqual([200, "image/webp"]);
    const full = await api(mine.token, `/api/attachments/${during.body.attachment!.id}`);
    expect([full.status, full.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    for (const url of [
      `/api/attachments?ticket=${ticket.number}`,
      `/api/attachments?conversationId=${sessionConv.conversationId}`,
      `/api/attachments/${during.body.attachment!.id}`,
    ]) {
      expect([url, (await api(other.token, url)).status]).toEqual([url, 403]);
      expect([url, (await api(boss.token, url)).status]).toEqual([url, 200]);
    }
    // An image of a conversation the bot holds, without a ticket: not an agent's to see.
    const stranger = await WebchatClient.open(t.baseUrl);
    const loose = await upload(stranger, await renderLabel(["HELLO"]));
    expect((await api(mine.token, `/api/attachments/${loose.body.attachment!.id}`)).status).toBe(403);
    expect((await api(boss.token, `/api/attachments/${loose.body.attachment!.id}`)).status).toBe(200);

    // A person takes over; the bot is silent, and a photo sent to them is still the ticket's evidence.
    await chat.say("转人工");
    const holder = await createStaff(t.app, t.baseUrl, { username: `h-${kind}`, role: "supervisor" });
    const take = await fetch(`${t.baseUrl}/api/conversations/${sessionConv.conversationId}/take`, {
      method: "POST",
      headers: { authorization: `Bearer ${holder.token}` },
    });
    expect(take.status).toBe(204);
    const held = await upload(chat, await renderLabel(["SIDE VIEW"], { format: "png" }));
    expect(held.body.replies).toEqual([]);
    const heldRow = await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: held.body.attachment!.id } });
    expect([heldRow.purpose, heldRow.ticketId]).toEqual(["evidence", ticket.id]);
    expect(await t.app.db.prisma.ticketEvent.count({ where: { ticketId: ticket.id, type: "evidence_added" } })).toBe(2);
    expect(await t.app.db.prisma.attachment.count({ where: { ticketId: ticket.id } })).toBe(3);
  });
  // Issue 15: a claim's evidence (photos once images are supported).
  it("during a claim (理赔) intake a photo is kept as evidence and linked to the claim it opens", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("快递摔坏了，我要理赔");
    const photo = await upload(chat, await renderLabel(["CRACKED SCREEN"], { format: "jpeg" }));
    expect(text(photo.body.replies)).toContain("已作为凭证保存");
    const row = await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: photo.body.attachment!.id } });
    expect(row.purpose).toBe("evidence");
    // The claim the intake opens (as the bot does on 确认提交).
    const conversation = await t.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: row.conversationId } });
    const { ticket: claim } = await t.app.tickets.openFromBot({
      type: "claim",
      conversationId: conversation.id,
      customerId: conversation.customerId,
      channel: "webchat",
      sourceMessageId: randomUUID(),
      category: "DAMAGED",
      description: "手机屏幕摔碎",
      claimedAmount: 300,
    });
    expect(claim.type).toBe("claim");
    expect((await t.app.db.prisma.attachment.findUniqueOrThrow({ where: { id: row.id } })).ticketId).toBe(claim.id);
  });
});
