import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SURVEY_CONFIG } from "../../src/surveys/survey.config.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, eventually, staffLogin, TICKET_NUMBER } from "./ticket.helpers.js";

// A survey waiting for a flow to end looks again this often.
const FLOW_RECHECK_S = 0.2;
const HOUR = 3_600_000;

type Agent = { id: string; token: string };

/** A customer complains in the web chat and the agent takes the ticket; returns the chat and ticket. */
async function openComplaint(t: TestApp, waybill: string, agent: Agent) {
  const chat = await WebchatClient.open(t.baseUrl);
  await chat.say(`我要投诉，快递三天了还没送到，物流一直不动，单号${waybill}，电话13800001111`);
  const done = await chat.say("确认");
  const number = TICKET_NUMBER.exec(done[0]?.text ?? "")?.[0];
  expect(number, done[0]?.text).toBeTruthy();
  expect((await api(t.baseUrl, "POST", `/api/tickets/${number}/take`, agent.token, {})).status).toBe(200);
  return { chat, number: number as string };
}
async function resolveTicket(t: TestApp, number: string, agent: Agent) {
  const res = await api(t.baseUrl, "POST", `/api/tickets/${number}/resolve`, agent.token, {
    resolution: "已联系网点加急派送，今天送达",
    rootCause: "non_quality",
  });
  expect(res.status).toBe(200);
}
const surveyOfApp = (t: TestApp, number: string) =>
  t.app.db.prisma.survey.findFirst({
    where: { ticket: { number } },
    include: { answers: { orderBy: { id: "asc" } } },
  });
const ticketStatusOf = async (t: TestApp, number: string) =>
  (await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number }, select: { status: true } })).status;

describe.each(DB_KINDS)("satisfaction survey after resolution on %s", (kind) => {
  let t: TestApp;
  let li: { id: string; token: string };
  let configDir: string;

  beforeAll(async () => {
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), "kd-survey-"));
    const file = path.join(configDir, "survey.json");
    fs.writeFileSync(file, JSON.stringify({ flowRecheckSeconds: FLOW_RECHECK_S }));
    t = await startTestApp(kind, { SURVEY_DELAY_SECONDS: "0", SCHEDULER_POLL_MS: "50", SURVEY_CONFIG_FILE: file });
    li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  /** A customer complains, the agent takes and resolves the ticket; returns the chat and ticket. */
  async function resolvedComplaint(waybill: string, agent = li) {
    const { chat, number } = await openComplaint(t, waybill, agent);
    await resolveTicket(t, number, agent);
    return { chat, number };
  }
  const resolve = (number: string, agent = li) => resolveTicket(t, number, agent);
  const surveyOf = (number: string) => surveyOfApp(t, number);
  const ticketStatus = (number: string) => ticketStatusOf(t, number);
  const lastBotMessage = async (chat: WebchatClient, containing: string) =>
    eventually(async () => (await chat.history()).find((m) => m.direction === "out" && m.text.includes(containing)));

  it("asks in the same chat with buttons; 不满意 + 未解决 reopens the ticket for its owner", async () => {
    const zhao = await staffLogin(t.app, t.baseUrl, "zhao", "agent", ["logistics"]);
    const boss = await staffLogin(t.app, t.baseUrl, "boss", "supervisor");
    const { chat, number } = await resolvedComplaint("SF1234567890123", zhao);
    const question = await lastBotMessage(chat, "满意吗");
    expect(question.text).toContain(number);
    // The customer is told what was done before being asked about it (003 §12.3.4).
    expect(question.text).toContain(
      `（工单 ${number}）已处理完毕。处理结果：已联系网点加急派送，今天送达。请问您对本次处理结果满意吗？`,
    );
    expect(question.quickReplies?.map((q) => q.title)).toEqual(["满意", "基本满意", "不满意"]);
    expect(await ticketStatus(number)).toBe("resolved");

    // A remark with the rating is kept as the comment, beside the one asked for at the end.
    let r = await chat.say("不满意，拖了一周才处理");
    expect(r[0]?.text).toContain("问题解决了吗");
    expect(r[0]?.quickReplies?.map((q) => q.title)).toEqual(["已解决", "未解决"]);
    r = await chat.say("未解决");
    expect(r[0]?.text).toContain("哪里做得不好");
    r = await chat.say("快递员一直不接电话，网点也推脱");
    expect(r[0]?.text).toContain("处理速度、处理效果、服务态度");
    r = await chat.say("2 1 3");
    expect(r[0]?.text).toContain("0–10");
    // Nonsense gets one gentle re-ask of the same question …
    r = await chat.say("嗯嗯嗯嗯");
    expect(r[0]?.text).toContain("没能看懂");
    expect(r[0]?.text).toContain("0–10");
    r = await chat.say("３分"); // full-width digit
    expect(r[0]?.text).toContain("意见或建议");
    r = await chat.say("希望加强对快递员的管理");
    expect(r[0]?.text).toContain("负责的客服会尽快联系您");

    const s = await surveyOf(number);
    expect(s).toMatchObject({
      status: "completed",
      overall: "dissatisfied",
      fcr: false,
      whatWentWrong: "快递员一直不接电话，网点也推脱",
      speed: 2,
      effect: 1,
      attitude: 3,
      nps: 3,
      comment: "不满意，拖了一周才处理 / 希望加强对快递员的管理",
      channel: "webchat",
      agentId: zhao.id,
      category: "DELAY",
    });
    expect(s?.answers.map((a) => a.question)).toEqual(["overall", "fcr", "whatWentWrong", "ratings", "nps", "comment"]);
    // Not solved: the ticket is open again for its owner instead of closing.
    const ticket = await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } });
    expect(ticket).toMatchObject({ status: "open", assigneeId: zhao.id, reopenedCount: 1, closedAt: null });
    // 不满意: the owning agent gets the conversation back for a follow-up, supervisors are told.
    const conv = await t.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: s?.conversationId ?? "" } });
    expect(conv).toMatchObject({ mode: "agent", agentId: zhao.id, handoffReason: "survey_dissatisfied" });
    const audit = await t.app.db.prisma.auditEvent.findFirst({
      where: { action: "survey.dissatisfied", subjectId: s?.ticketId },
    });
    expect(audit).not.toBeNull();
    // Once per ticket: a second resolve hook call neither creates nor sends another survey.
    await t.app.surveys.onResolved(s?.ticketId ?? "");
    expect(await t.app.db.prisma.survey.count({ where: { ticketId: s?.ticketId } })).toBe(1);
    const asked = (await chat.history()).filter((m) => m.text.includes("满意吗"));
    expect(asked).toHaveLength(1);
    // Resolved again after the follow-up: first-contact resolution counts it as not resolved at first contact.
    await resolve(number, zhao);
    const summary = await api<{ handling: { resolved: number; firstContactResolutionRate: number | null } }>(
      t.baseUrl,
      "GET",
      "/api/reports/summary?agent=zhao",
      boss.token,
    );
    expect(summary.body.handling).toMatchObject({ resolved: 1, firstContactResolutionRate: 0 });
  });

  it("goes out at SURVEY_DELAY_SECONDS although the agent still held the chat: resolving hands it back", async () => {
    const { chat, number } = await openComplaint(t, "YT7512345678911", li);
    const convId = (await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).conversationId as string;
    expect((await api(t.baseUrl, "POST", `/api/conversations/${convId}/take`, li.token, {})).status).toBe(204);
    await resolve(number);
    const question = await lastBotMessage(chat, "满意吗");
    expect(question.text).toContain(number);
    const history = await chat.history();
    const ended = history.findIndex((m) => m.text.includes("人工服务已结束"));
    expect(ended).toBeGreaterThan(-1);
    expect(ended).toBeLessThan(history.findIndex((m) => m.text.includes("满意吗")));
    expect(await t.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: convId } })).toMatchObject({
      mode: "bot",
      agentId: null,
    });
    // The customer's answer reaches the survey, not a silent bot.
    const r = await chat.say("满意");
    expect(r[0]?.text).toContain("处理速度");
  });

  it("never interrupts a complaint intake in progress: the survey waits until the intake ends", async () => {
    const { chat, number } = await openComplaint(t, "ZT7312345678922", li);
    // A second complaint's intake is running when the first ticket's survey comes due.
    const asked = await chat.say("我还要投诉，快递员态度很差，电话里骂人");
    expect(asked[0]?.text).toContain("运单号");
    await resolve(number);
    const survey = await eventually(() => t.app.db.prisma.survey.findFirst({ where: { ticket: { number } } }));
    await t.app.surveys.fire(survey.id); // due now: the trigger runs, whatever the scheduler's timing
    expect((await t.app.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).status).toBe("scheduled");
    // The next answer (a waybill) belongs to the intake, not to a tracking question.
    let r = await chat.say("ZT7312345678939");
    expect(r.map((m) => m.text).join("\n")).not.toContain("满意吗");
    expect(await t.app.db.prisma.survey.count({ where: { id: survey.id, status: "sent" } })).toBe(0);
    for (let i = 0; i < 4 && !TICKET_NUMBER.test(r.map((m) => m.text).join("\n")); i++) {
      const text = r.at(-1)?.text ?? "";
      r = await chat.say(text.includes("确认") ? "确认" : text.includes("电话") ? "13800001111" : "快递员态度很差");
    }
    const second = TICKET_NUMBER.exec(r.map((m) => m.text).join("\n"))?.[0];
    expect(second).toBeTruthy();
    expect(second).not.toBe(number);
    // The intake is over: now the survey asks.
    const question = await lastBotMessage(chat, "满意吗");
    expect(question.text).toContain(number);
  });

  it("asks when the customer went quiet in the middle of a flow", async () => {
    const { chat, number } = await openComplaint(t, "JT1234567890999", li);
    await chat.say("我还要投诉，快递员态度很差，电话里骂人");
    const convId = (await t.app.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).conversationId as string;
    // The customer's last turn was an hour ago.
    await t.app.db.prisma
      .$executeRaw`UPDATE "BotState" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE key = ${convId}`;
    await resolve(number);
    const question = await lastBotMessage(chat, "满意吗");
    expect(question.text).toContain(number);
  });

  it("a satisfied customer may stop at any point; partial answers count", async () => {
    const { chat, number } = await resolvedComplaint("YT7512345678901");
    await lastBotMessage(chat, "满意吗");
    let r = await chat.say("5星");
    expect(r[0]?.text).toContain("处理速度"); // satisfied: no FCR question
    r = await chat.say("不用了");
    expect(r[0]?.text).toContain("不再打扰");
    const s = await surveyOf(number);
    expect(s).toMatchObject({ status: "completed", overall: "satisfied", stars: 5, speed: null, nps: null });
    expect(await ticketStatus(number)).toBe("closed");
    // Back to the bot: the next message is a normal request again.
    r = await chat.say("你好");
    expect(r[0]?.text).not.toContain("没能看懂");
  });

  it("a service request or a question in the middle of the survey is answered; the answers so far count (session 11)", async () => {
    const { chat, number } = await resolvedComplaint("YT7512345678902");
    await lastBotMessage(chat, "满意吗");
    let r = await chat.say("满意");
    expect(r[0]?.text).toContain("处理速度");
    // Was "没能看懂您的回答" and the scores again.
    r = await chat.say("帮我改一下收货地址");
    expect(r.map((m) => m.text).join("\n")).toContain("修改收货地址");
    expect(r.map((m) => m.text).join("\n")).not.toContain("没能看懂");
    const s = await surveyOf(number);
    expect(s).toMatchObject({ status: "completed", overall: "satisfied" });
  });

  it("a remark about the handling is the survey's comment, not a new complaint (session 12)", async () => {
    const { chat, number } = await resolvedComplaint("YT7512345678903");
    await lastBotMessage(chat, "满意吗");
    // "满意，谢谢" was re-asked.
    let r = await chat.say("满意，谢谢");
    expect(r[0]?.text).toContain("处理速度");
    // At the scores this opened a new 延误 complaint and left the survey.
    r = await chat.say("客服人挺好的，就是处理太慢了，等了三天");
    expect(r[0]?.text).toContain("推荐");
    expect(r[0]?.text).not.toContain("投诉");
    r = await chat.say("8");
    expect(r[0]?.text).toContain("意见或建议");
    r = await chat.say("没有");
    expect(r[0]?.text).toContain("感谢您的评价");
    const s = await surveyOf(number);
    expect(s).toMatchObject({ status: "completed", overall: "satisfied", nps: 8, speed: null });
    expect(s?.comment).toBe("客服人挺好的，就是处理太慢了，等了三天");
    expect(await t.app.db.prisma.ticket.count({ where: { waybill: "YT7512345678903" } })).toBe(1);

    // At the first question a grievance about the handling is a 不满意 with its reason.
    const second = await resolvedComplaint("YT7512345678904");
    await lastBotMessage(second.chat, "满意吗");
    r = await second.chat.say("你们处理得太慢了，等了整整三天");
    expect(r[0]?.text).toContain("解决了吗");
    expect(await surveyOf(second.number)).toMatchObject({
      overall: "dissatisfied",
      comment: "你们处理得太慢了，等了整整三天",
    });
    // A remark at the last question before the comment is the comment: not asked for again.
    const third = await resolvedComplaint("YT7512345678905");
    await lastBotMessage(third.chat, "满意吗");
    await third.chat.say("满意");
    await third.chat.say("5 5 5");
    r = await third.chat.say("网点电话一直打不通，别的都还好");
    expect(r[0]?.text).toContain("感谢您的评价");
    expect(await surveyOf(third.number)).toMatchObject({
      status: "completed",
      nps: null,
      comment: "网点电话一直打不通，别的都还好",
    });
    // A new complaint said in so many words still leaves the survey.
    r = await second.chat.say("我要投诉快递员态度差");
    expect(r.map((m) => m.text).join("\n")).toContain("投诉");
    expect((await surveyOf(second.number))?.status).toBe("completed");
  });

  it("answers that don't fit twice end the survey politely", async () => {
    const { chat, number } = await resolvedComplaint("ZT7312345678901");
    await lastBotMessage(chat, "满意吗");
    let r = await chat.say("嗯嗯嗯嗯");
    expect(r[0]?.text).toContain("没能看懂");
    expect(r[0]?.quickReplies?.map((q) => q.title)).toEqual(["满意", "基本满意", "不满意"]);
    r = await chat.say("哦哦哦哦");
    expect(r[0]?.text).toContain("不再打扰");
    const s = await surveyOf(number);
    expect(s).toMatchObject({ status: "expired", overall: null, answeredAt: null });
    expect(s?.answers).toHaveLength(0);
    expect(await ticketStatus(number)).toBe("closed");
  });

  it("once per ticket: resolve → reopen → resolve asks the customer once", async () => {
    const { chat, number } = await resolvedComplaint("JD0012345678901");
    const survey = await eventually(async () => {
      const s = await surveyOf(number);
      return s?.status === "sent" ? s : undefined;
    });
    await lastBotMessage(chat, "满意吗");
    expect((await api(t.baseUrl, "POST", `/api/tickets/${number}/reopen`, li.token, {})).status).toBe(200);
    await resolve(number);
    // Run the survey's trigger now, with the scheduler held still (stop() waits for a poll in
    // progress), so a second question, if one were scheduled, is in the chat before we look.
    await t.app.scheduler.stop();
    try {
      await t.app.surveys.fire(survey.id);
      const questions = (await chat.history()).filter(
        (m) => m.direction === "out" && m.text.includes("满意吗") && !m.text.includes("温馨提示"),
      );
      expect(questions).toHaveLength(1);
      expect(await t.app.db.prisma.survey.count({ where: { ticketId: survey.ticketId } })).toBe(1);
      expect((await surveyOf(number))?.sentAt?.getTime()).toBe(survey.sentAt?.getTime());
    } finally {
      await t.app.scheduler.start();
    }
  });
});

// The reminder and the window are hours long (the defaults: 24 h, 72 h). The app's clock is
// pinned and moved; the scheduler, which runs on the real clock, is held still and its due
// triggers fired with sweep(), so each step happens when the test moves the clock, not later.
describe.each(DB_KINDS)("survey reminder and window on the app's clock (%s)", (kind) => {
  const { reminderHours, windowHours } = DEFAULT_SURVEY_CONFIG;
  const T0 = new Date("2026-03-02T02:00:00.000Z");
  let clock = T0;
  let t: TestApp;
  let li: Agent;

  beforeAll(async () => {
    t = await startTestApp(kind, { SURVEY_DELAY_SECONDS: "0", DEMO_DATA: "false" }, { now: () => clock });
    await t.app.scheduler.stop();
    li = await staffLogin(t.app, t.baseUrl, "li", "agent", ["logistics"]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const timerOf = async (surveyId: string) =>
    (await t.app.db.prisma.timer.findUnique({ where: { key: `survey:${surveyId}` } }))?.dueAt.toISOString();
  const botSaid = async (chat: WebchatClient, containing: string) =>
    (await chat.history()).filter((m) => m.direction === "out" && m.text.includes(containing));

  it("reminds once when unanswered, then the window closes the survey and the ticket", async () => {
    const { chat, number } = await openComplaint(t, "JT1234567890123", li);
    await resolveTicket(t, number, li);
    await t.app.scheduler.sweep(); // SURVEY_DELAY_SECONDS=0: due at once
    expect(await botSaid(chat, "满意吗")).toHaveLength(1);
    const sent = await surveyOfApp(t, number);
    expect(sent).toMatchObject({ status: "sent", sentAt: T0, closesAt: new Date(T0.getTime() + windowHours * HOUR) });
    // Armed for the reminder, not sooner.
    const remindAt = new Date(T0.getTime() + reminderHours * HOUR);
    expect(await timerOf(sent!.id)).toBe(remindAt.toISOString());
    clock = new Date(remindAt.getTime() - 60_000);
    await t.app.surveys.fire(sent!.id); // a minute early: nothing yet
    expect(await botSaid(chat, "温馨提示")).toHaveLength(0);

    clock = remindAt;
    await t.app.scheduler.sweep();
    const reminders = await botSaid(chat, "温馨提示");
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.text).toContain(number);
    expect(reminders[0]?.quickReplies?.map((q) => q.title)).toEqual(["满意", "基本满意", "不满意"]);
    expect((await surveyOfApp(t, number))?.remindedAt).toEqual(remindAt);
    // Then armed for the window's end.
    expect(await timerOf(sent!.id)).toBe(sent!.closesAt!.toISOString());
    expect(await ticketStatusOf(t, number)).toBe("resolved");

    clock = sent!.closesAt!;
    await t.app.scheduler.sweep();
    expect(await ticketStatusOf(t, number)).toBe("closed");
    const s = await surveyOfApp(t, number);
    expect(s).toMatchObject({ status: "expired", remindedAt: remindAt, answeredAt: null });
    expect(await botSaid(chat, "温馨提示")).toHaveLength(1); // reminded once
    // The survey no longer takes the customer's messages.
    const r = await chat.say("不满意");
    expect(r[0]?.text ?? "").not.toContain("问题解决了吗");
  });
});
