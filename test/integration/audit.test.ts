import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, login, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

interface AuditRow {
  actorType: string;
  actorId: string | null;
  actor: { id: string; username: string; displayName: string } | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown> | null;
}

describe.each(DB_KINDS)("audit log on %s", (kind) => {
  let t: TestApp;
  let admin: string;
  let fang: { id: string; token: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await login(t.baseUrl, "admin", "admin-pass-123");
    fang = await createStaff(t.app, t.baseUrl, { username: "wangfang", displayName: "王芳", groups: ["logistics"] });
  });
  afterAll(async () => {
    await t?.close();
  });

  const audit = async () =>
    (await staffApi<{ events: AuditRow[] }>(t.baseUrl, admin, "GET", "/api/admin/audit?limit=500")).body.events;

  it("records a canned reply sent and a ticket resolved, and names the agent who did it", async () => {
    const canned = await staffApi<{ id: string }>(t.baseUrl, admin, "POST", "/api/admin/canned-replies", {
      title: "运单查询",
      text: "您的运单{waybill}正在处理",
    });
    expect(canned.status).toBe(201);

    // A customer asks for a person; 王芳 takes the chat and answers with the canned reply.
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("转人工");
    const identity = await t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } });
    expect((await staffApi(t.baseUrl, fang.token, "POST", `/api/conversations/${conv.id}/take`)).status).toBe(204);
    const sent = await staffApi(t.baseUrl, fang.token, "POST", `/api/conversations/${conv.id}/reply`, {
      text: "您的运单SF1438829301576正在处理",
      cannedReplyId: canned.body.id,
    });
    expect(sent.status).toBe(201);

    // She opens a ticket on the chat, answers it from the ticket with the canned reply, and resolves it.
    const ticket = await staffApi<{ id: string; number: string }>(t.baseUrl, fang.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "快递延误三天",
      conversationId: conv.id,
    });
    expect(ticket.status).toBe(201);
    const { id: ticketId, number } = ticket.body;
    expect(
      (
        await staffApi(t.baseUrl, fang.token, "POST", `/api/tickets/${number}/reply`, {
          text: "您的运单SF1438829301576正在处理",
          cannedReplyId: canned.body.id,
        })
      ).status,
    ).toBe(200);
    const resolved = await staffApi(t.baseUrl, fang.token, "POST", `/api/tickets/${number}/resolve`, {
      resolution: "已催促网点今日派送",
      rootCause: "quality",
    });
    expect(resolved.status).toBe(200);

    const events = await audit();
    const byFang = events.filter((e) => e.actorId === fang.id);
    for (const e of byFang) expect(e.actor).toEqual({ id: fang.id, username: "wangfang", displayName: "王芳" });
    expect(byFang.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "conversation.take",
        "conversation.reply",
        "canned_reply.used",
        "ticket.created",
        "ticket.reply",
        "ticket.resolved",
      ]),
    );
    const cannedUses = byFang.filter((e) => e.action === "canned_reply.used");
    expect(cannedUses).toHaveLength(2);
    expect(cannedUses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          subjectType: "conversation",
          subjectId: conv.id,
          data: { cannedReplyId: canned.body.id, title: "运单查询" },
        }),
        expect.objectContaining({
          subjectType: "ticket",
          subjectId: ticketId,
          data: { cannedReplyId: canned.body.id, title: "运单查询", number },
        }),
      ]),
    );
    const resolvedRow = byFang.find((e) => e.action === "ticket.resolved")!;
    expect(resolvedRow).toMatchObject({
      subjectType: "ticket",
      subjectId: ticketId,
      data: { number, to: "resolved", rootCause: "quality" },
    });
    // The log names what changed; what was written to the customer stays in the ticket's history.
    expect(JSON.stringify(byFang)).not.toContain("已催促网点今日派送");

    expect((await staffApi(t.baseUrl, fang.token, "POST", "/api/auth/logout")).status).toBeLessThan(300);
    expect((await audit()).find((e) => e.actorId === fang.id && e.action === "logout")?.actor?.displayName).toBe(
      "王芳",
    );

    // The admin's own actions carry the admin's name too; a customer or the system has none.
    const created = events.find((e) => e.action === "canned_reply.create")!;
    expect(created.actor).toMatchObject({ username: "admin" });
    for (const e of events.filter((e) => e.actorType !== "agent")) expect(e.actor).toBeNull();
  });

  it("records knowledge-base edits, suggestion handling and SLA changes with their actor", async () => {
    const article = await staffApi<{ id: string }>(t.baseUrl, admin, "POST", "/api/kb/articles", {
      title: "审计测试：保价怎么赔",
      questions: ["保价怎么赔"],
      answer: "按保价金额赔偿。",
      category: "claims",
    });
    expect(article.status).toBe(201);
    const updated = await staffApi(t.baseUrl, admin, "PUT", `/api/kb/articles/${article.body.id}`, {
      title: "审计测试：保价怎么赔",
      questions: ["保价怎么赔", "保价赔多少"],
      answer: "按保价金额赔偿，最高不超过保价金额。",
      category: "claims",
    });
    expect(updated.status).toBe(200);
    expect((await staffApi(t.baseUrl, admin, "DELETE", `/api/kb/articles/${article.body.id}`)).status).toBe(204);
    const policy = await staffApi(t.baseUrl, admin, "PUT", "/api/sla/policies/audit.first_response", {
      kind: "first_response",
      targetMinutes: 20,
      category: "DAMAGE",
    });
    expect(policy.status).toBe(200);

    const conv = await t.app.db.prisma.conversation.findFirstOrThrow();
    const suggestion = await t.app.db.prisma.feedback.create({
      data: {
        type: "suggestion",
        text: "周末也派送吧",
        customerId: conv.customerId,
        conversationId: conv.id,
        channel: "webchat",
        tags: [],
        status: "new",
      },
    });
    const adopted = await staffApi(t.baseUrl, admin, "PATCH", `/api/feedback/${suggestion.id}`, {
      status: "adopted",
      reply: "您的建议已被采纳，谢谢！",
    });
    expect(adopted.status).toBe(200);

    const byAdmin = (await audit()).filter((e) => e.actor?.username === "admin");
    expect(byAdmin.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "kb.article.create",
        "kb.article.update",
        "kb.article.delete",
        "sla.policy.put",
        "feedback.adopted",
      ]),
    );
    expect(byAdmin.find((e) => e.action === "feedback.adopted")).toMatchObject({
      subjectType: "feedback",
      subjectId: suggestion.id,
      data: { repliedToCustomer: true },
    });
  });
});
