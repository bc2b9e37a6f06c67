import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { type ChatReply, WebchatClient } from "../support/webchat-client.js";

const titles = (r: ChatReply[]) => r.flatMap((m) => m.quickReplies ?? []).map((q) => q.title);
const joined = (r: ChatReply[]) => r.map((m) => m.text).join("\n");

describe.each(DB_KINDS)("咨询 and 建议 through the web chat on %s (issue 14)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers an everyday question from the default articles, with 更多 and the verdict buttons", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("能寄液体吗");
    expect(joined(replies)).toMatch(/液体/);
    expect(joined(replies)).not.toMatch(/暂时回答不了/);
    expect(titles(replies)).toEqual(["更多", "有帮助", "没帮助", "转人工"]);
    const more = await chat.say("更多");
    expect(joined(more)).toMatch(/依据：.*禁止寄递物品指导目录/);
    const thanks = await chat.say("有帮助");
    expect(joined(thanks)).toMatch(/很高兴/);
    const article = await t.app.db.prisma.kbArticle.findUniqueOrThrow({ where: { title: "能寄液体吗？" } });
    expect(article.views).toBe(1);
    expect(article.helpful).toBe(1);
    const inquiry = await t.app.db.prisma.feedback.findFirstOrThrow({ where: { type: "inquiry", text: "能寄液体吗" } });
    expect(inquiry).toMatchObject({ status: "answered", articleId: article.id, channel: "webchat" });
  });

  it("没帮助 offers the next best article, then a person, and keeps the question for the KB's to-do list", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const first = await chat.say("驿站放几天会退回");
    expect(joined(first)).toMatch(/驿站/);
    const next = await chat.say("没帮助");
    const nextText = joined(next);
    expect(nextText).toMatch(/您问的是不是这个|需要为您转人工/);
    expect(titles(next)).toContain("转人工");
    const row = await t.app.db.prisma.kbUnanswered.findFirstOrThrow({ where: { question: "驿站放几天会退回" } });
    expect(row.reason).toBe("unhelpful");
  });

  it("answers a question that names cities, and the second part of a follow-up instead of the same article twice", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    // The two cities outweighed 要几天: "不能确定答案" before.
    const days = joined(await chat.say("从广州寄到哈尔滨要几天"));
    expect(days).toMatch(/72小时/);
    const fresh = joined(await chat.say("我想问下寄生鲜能不能寄"));
    expect(fresh).toMatch(/冷链/);
    // Matched 生鲜 again and repeated it; the price is the part not yet answered.
    const followUp = joined(await chat.say("冷冻的海鲜可以吗，要多少钱"));
    expect(followUp).not.toMatch(/冷链/);
    expect(followUp).toMatch(/首重|重量/);
    const inquiry = await t.app.db.prisma.feedback.findFirstOrThrow({ where: { text: "冷冻的海鲜可以吗，要多少钱" } });
    const price = await t.app.db.prisma.kbArticle.findUniqueOrThrow({ where: { title: "运费怎么算？" } });
    expect(inquiry.articleId).toBe(price.id);
  });

  it("everyday questions the lead asked as a customer get their own article (session 11: '不能确定答案' or a wrong one before)", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    // Got "上门取件要额外收费吗" (the shared words 上门取件): the customer wanted to cancel.
    const cancel = joined(await chat.say("怎么取消上门取件"));
    expect(cancel).toMatch(/回复“取消取件”/);
    expect(cancel).not.toMatch(/公示价格/);
    // Got the agents' hours: a station's hours are its own.
    const hours = joined(await chat.say("驿站几点关门"));
    expect(hours).toMatch(/驿站、网点的营业时间/);
    expect(hours).not.toMatch(/智能客服24小时在线/);
    // "不能确定答案" before.
    const village = joined(await chat.say("快递能送到村里吗"));
    expect(village).toMatch(/村级快递服务点/);
    const cod = joined(await chat.say("可以货到付款吗"));
    expect(cod).toMatch(/代收货款（货到付款）/);
    // Session 12: a school got the abroad article, a full locker the pickup-code one, "just sent,
    // no tracking" the stale-tracking one.
    const school = joined(await chat.say("快递能寄到学校吗"));
    expect(school).toMatch(/宿舍号/);
    expect(school).not.toMatch(/报关/);
    const locker = joined(await chat.say("快递柜满了怎么办"));
    expect(locker).toMatch(/快递柜满了或放不下时，也应先联系您/);
    expect(locker).not.toMatch(/取件码/);
    const justSent = joined(await chat.say("刚寄出去怎么查不到物流"));
    expect(justSent).toMatch(/扫描揽收/);
    const inquiry = await t.app.db.prisma.feedback.findFirstOrThrow({ where: { text: "怎么取消上门取件" } });
    const article = await t.app.db.prisma.kbArticle.findUniqueOrThrow({ where: { title: "怎么取消预约的上门取件？" } });
    expect(inquiry).toMatchObject({ status: "answered", articleId: article.id });
  });

  it("says it does not know below the threshold, offers a person, and records the question", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("可以寄到月球吗");
    expect(joined(replies)).toMatch(/不能确定答案/);
    expect(titles(replies)).toContain("转人工");
    const row = await t.app.db.prisma.kbUnanswered.findFirstOrThrow({ where: { question: "可以寄到月球吗" } });
    expect(row.reason).toBe("no_match");
    const inquiry = await t.app.db.prisma.feedback.findFirstOrThrow({ where: { text: "可以寄到月球吗" } });
    expect(inquiry).toMatchObject({ type: "inquiry", status: "unanswered", articleId: null });
  });

  it("a waybill question still goes to tracking, a complaint to intake, a complaint-worded question is answered", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    expect(joined(await chat.say("SF1438829301576到哪了"))).toContain("SF1438829301576");
    const priced = await chat.say("上门取件是不是要多收钱");
    expect(joined(priced)).toMatch(/公示价格/);
    expect(titles(priced)).toContain("有帮助");
    const complaint = await (await WebchatClient.open(t.baseUrl)).say("快递员态度太差了，我要投诉");
    expect(joined(complaint)).toMatch(/投诉|运单号|描述/);
    expect(joined(complaint)).not.toMatch(/公示价格/);
  });

  it("answers in English, and falls back to Chinese with a note when an article has no English text", async () => {
    const chat = await WebchatClient.open(t.baseUrl, "en");
    const replies = await chat.say("can I ship a power bank");
    expect(joined(replies)).toMatch(/power bank/i);
    expect(titles(replies)).toContain("Helpful");
    await t.app.db.prisma.kbArticle.update({ where: { title: "刀具能寄吗？" }, data: { answerEn: null } });
    await t.app.knowledge.reload();
    const knife = await chat.say("can I send a kitchen knife");
    expect(joined(knife)).toMatch(/No English version yet/);
    expect(joined(knife)).toMatch(/菜刀/);
  });

  it("a suggestion is thanked, kept, and the next message is added to it", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const thanks = await chat.say("建议你们周末也派件");
    expect(joined(thanks)).toMatch(/谢谢您的建议/);
    const added = await chat.say("最好周日上午也能送");
    expect(joined(added)).toMatch(/已补充/);
    const row = await t.app.db.prisma.feedback.findFirstOrThrow({ where: { type: "suggestion" } });
    expect(row.text).toBe("建议你们周末也派件\n最好周日上午也能送");
    expect(row.status).toBe("new");
    expect(row.tags.length).toBeGreaterThan(0);
  });

  it("the 业务咨询 and 提建议 buttons alone ask for the question or the suggestion, then take the next message as it", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    let [r] = await chat.say("业务咨询");
    expect(r!.text).toContain("您想咨询什么");
    [r] = await chat.say("寄生鲜可以吗");
    expect(r!.text).toContain("生鲜");
    [r] = await chat.say("提建议");
    expect(r!.text).toContain("请说说您的建议");
    [r] = await chat.say("希望周末也能上门取件");
    expect(r!.text).toContain("谢谢您的建议");
    const kept = await t.app.db.prisma.feedback.findMany({ where: { type: "suggestion" }, select: { text: true } });
    expect(kept.map((f) => f.text)).toContain("希望周末也能上门取件");
    expect(kept.map((f) => f.text)).not.toContain("提建议");
    // Asked for a suggestion, the customer sends a waybill instead: that is tracked, not filed.
    await chat.say("提建议");
    [r] = await chat.say("SF1438829301576");
    expect(r!.text).toContain("SF1438829301576");
    expect(r!.text).not.toContain("谢谢您的建议");
  });

  it("supervisors list, search, mark and export suggestions; the summary counts 投诉/建议/咨询 with hot topics", async () => {
    const sup = await createStaff(t.app, t.baseUrl, { username: `sup-${kind}`, role: "supervisor" });
    const agent = await createStaff(t.app, t.baseUrl, { username: `agent-${kind}`, role: "agent" });
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("建议快递员送货前打电话，我的号码13812345678，住幸福小区5栋2单元301室");
    expect((await staffApi(t.baseUrl, agent.token, "GET", "/api/feedback?type=suggestion")).status).toBe(403);
    expect((await staffApi(t.baseUrl, undefined, "GET", "/api/feedback")).status).toBe(401);
    const list = await staffApi<{ total: number; items: { id: string; text: string; customer: string }[] }>(
      t.baseUrl,
      sup.token,
      "GET",
      `/api/feedback?type=suggestion&q=${encodeURIComponent("打电话")}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const item = list.body.items[0]!;
    expect(item.text).toContain("138****5678");
    expect(item.text).not.toContain("13812345678");
    expect(item.text).toContain("住幸福小区****");
    expect(item.text).not.toContain("301室");
    expect(item.customer).toMatch(/^C-/);

    const marked = await staffApi(t.baseUrl, sup.token, "PATCH", `/api/feedback/${item.id}`, {
      status: "adopted",
      note: "已回电 13812345678，上门到建国路88号",
      reply: "您的建议已被采纳，谢谢！",
    });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ status: "adopted" });
    expect((await chat.history()).map((m) => m.text)).toContain("您的建议已被采纳，谢谢！");
    const missing = await staffApi(t.baseUrl, sup.token, "PATCH", `/api/feedback/${crypto.randomUUID()}`, {
      status: "adopted",
    });
    expect(missing.status).toBe(404);

    const csv = await fetch(`${t.baseUrl}/api/feedback/export.csv?type=suggestion`, {
      headers: { authorization: `Bearer ${sup.token}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = bytes.toString("utf8");
    expect(body).toContain("138****5678");
    expect(body).not.toContain("13812345678");
    expect(body).toContain("已回电 138****5678，上门到建国路****");
    expect(body).not.toMatch(/301室|88号/);
    expect(body).toContain("id,type,created_at (UTC+08:00),");
    expect(body).toMatch(/,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00,/);

    const summary = await staffApi<{
      feedback: { suggestion: number; inquiry: number; complaint: number; hotTopics: { term: string }[] };
    }>(t.baseUrl, sup.token, "GET", "/api/reports/summary");
    expect(summary.status).toBe(200);
    expect(summary.body.feedback.suggestion).toBeGreaterThanOrEqual(2);
    expect(summary.body.feedback.inquiry).toBeGreaterThanOrEqual(3);
    expect(typeof summary.body.feedback.complaint).toBe("number");
    expect(summary.body.feedback.hotTopics.length).toBeGreaterThan(0);
  });
});
