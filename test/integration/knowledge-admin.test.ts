import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

const article = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  questions: ["月饼能寄吗", "中秋礼盒可以寄吗"],
  answer: "月饼可以寄，请选择时效快的产品。<script>alert(1)</script>",
  answerEn: "Mooncakes can be sent.",
  category: "禁寄限寄",
  tags: ["月饼"],
  source: "测试",
  ...extra,
});

const joinedText = (replies: { text: string }[]) => replies.map((r) => r.text).join("\n");

describe.each(DB_KINDS)("knowledge-base admin API on %s (issue 14)", (kind) => {
  let t: TestApp;
  let admin: string;
  let sup: string;
  let agent: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = (await createStaff(t.app, t.baseUrl, { username: "kb-admin", role: "admin" })).token;
    sup = (await createStaff(t.app, t.baseUrl, { username: "kb-sup", role: "supervisor" })).token;
    agent = (await createStaff(t.app, t.baseUrl, { username: "kb-agent", role: "agent" })).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("admins create, edit and disable articles; the bot answers from them at once; roles are checked", async () => {
    expect((await staffApi(t.baseUrl, agent, "POST", "/api/kb/articles", article("月饼能寄吗？"))).status).toBe(403);
    expect((await staffApi(t.baseUrl, sup, "POST", "/api/kb/articles", article("月饼能寄吗？"))).status).toBe(403);
    const created = await staffApi<{ id: string; version: number }>(
      t.baseUrl,
      admin,
      "POST",
      "/api/kb/articles",
      article("月饼能寄吗？"),
    );
    expect(created.status).toBe(201);
    const dup = await staffApi<{ error: { code: string } }>(
      t.baseUrl,
      admin,
      "POST",
      "/api/kb/articles",
      article("月饼能寄吗？"),
    );
    expect([dup.status, dup.body.error.code]).toEqual([409, "CONFLICT"]);
    const long = await staffApi<{ error: { code: string } }>(
      t.baseUrl,
      admin,
      "POST",
      "/api/kb/articles",
      article("长文", { answer: "长".repeat(5000) }),
    );
    expect([long.status, long.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    const empty = await staffApi(t.baseUrl, admin, "POST", "/api/kb/articles", article("空", { answer: "" }));
    expect(empty.status).toBe(400);

    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("中秋礼盒可以寄吗");
    // Shown as text: the script tag arrives as the characters the admin typed, never as markup.
    expect(replies.map((r) => r.text).join("\n")).toContain("<script>alert(1)</script>");

    const tried = await staffApi<{ threshold: number; items: { title: string; score: number; answers: boolean }[] }>(
      t.baseUrl,
      agent,
      "POST",
      "/api/kb/search",
      { q: "月饼能寄吗" },
    );
    expect(tried.status).toBe(200);
    expect(tried.body.items[0]).toMatchObject({ title: "月饼能寄吗？", answers: true });

    const edited = await staffApi<{ version: number }>(
      t.baseUrl,
      admin,
      "PUT",
      `/api/kb/articles/${created.body.id}`,
      article("月饼能寄吗？", { enabled: false }),
    );
    expect(edited.body.version).toBe(2);
    const after = await staffApi<{ items: { title: string }[] }>(t.baseUrl, agent, "POST", "/api/kb/search", {
      q: "月饼能寄吗",
    });
    expect(after.body.items.map((i) => i.title)).not.toContain("月饼能寄吗？");
    const list = await staffApi<{ items: { title: string; views: number }[] }>(
      t.baseUrl,
      sup,
      "GET",
      "/api/kb/articles",
    );
    expect(list.body.items.find((i) => i.title === "月饼能寄吗？")).toMatchObject({ views: 1 });
    expect(await t.app.db.prisma.kbArticleVersion.count({ where: { articleId: created.body.id } })).toBe(2);
  });

  it("an import with a bad row is refused whole, with a reason per row; a good CSV with BOM imports", async () => {
    const before = await t.app.db.prisma.kbArticle.count();
    const jsonl = [
      JSON.stringify(article("导入一")),
      JSON.stringify(article("导入二", { answer: "" })),
      "{not json",
    ].join("\n");
    const bad = await fetch(`${t.baseUrl}/api/kb/import?format=jsonl`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${admin}` },
      body: jsonl,
    });
    expect(bad.status).toBe(400);
    const dupRows = [JSON.stringify(article("导入一")), JSON.stringify(article("导入一"))].join("\n");
    const dup = await fetch(`${t.baseUrl}/api/kb/import?format=jsonl`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${admin}` },
      body: dupRows,
    });
    const dupBody = (await dup.json()) as { error: { code: string; details: { rows: { row: number }[] } } };
    expect(dup.status).toBe(400);
    expect(dupBody.error.details.rows.map((r) => r.row)).toEqual([2]);
    expect(await t.app.db.prisma.kbArticle.count()).toBe(before);

    const csv =
      '\uFEFFtitle,questions,answer,category,tags\r\n"寄书有什么要求？","寄书 | 邮寄图书","书籍可以寄，注意防潮。",寄件,书\r\n';
    const ok = await fetch(`${t.baseUrl}/api/kb/import?format=csv`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${admin}` },
      body: csv,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ created: 1, updated: 0 });
    const broken = await fetch(`${t.baseUrl}/api/kb/import?format=csv`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Bearer ${admin}` },
      body: 'title,answer,category\r"寄书","书籍\r可以寄",寄件\r"寄酒,"未闭合,寄件\r',
    });
    const brokenBody = (await broken.json()) as { error: { code: string; message: string; details: unknown } };
    expect(broken.status).toBe(400);
    expect(brokenBody.error.code).toBe("VALIDATION_FAILED");
    expect(brokenBody.error.details).toEqual({ line: 4, reason: "CSV_MALFORMED" });
    expect(brokenBody.error.message).toMatch(/^CSV line 4: malformed CSV: /);
    const exported = await fetch(`${t.baseUrl}/api/kb/export?format=jsonl`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const lines = (await exported.text()).trim().split("\n");
    expect(lines.length).toBe(before + 1);
    expect(lines.map((l) => (JSON.parse(l) as { title: string }).title)).toContain("寄书有什么要求？");
  });

  it("an upgrade adds the default articles this installation was never offered, not the ones an admin deleted", async () => {
    const prisma = t.app.db.prisma;
    const byTitle = (title: string) => prisma.kbArticle.findUniqueOrThrow({ where: { title } });
    // The admin deleted one default…
    const deleted = await byTitle("快递柜超时收费吗？");
    expect((await staffApi(t.baseUrl, admin, "DELETE", `/api/kb/articles/${deleted.id}`)).status).toBe(204);
    // …and another was written after this installation's first start (it never had it).
    const later = await byTitle("快递能寄到学校吗？");
    await prisma.kbArticleVersion.deleteMany({ where: { articleId: later.id } });
    await prisma.kbArticle.delete({ where: { id: later.id } });
    // The admin's own article took a later default's title: theirs stays.
    const own = await byTitle("刚寄出的快递为什么查不到物流？");
    await prisma.kbArticleVersion.deleteMany({ where: { articleId: own.id } });
    await prisma.kbArticle.update({ where: { id: own.id }, data: { answer: "本网点自己的说法" } });

    await t.app.knowledge.reload();
    const chat = await WebchatClient.open(t.baseUrl);
    expect(joinedText(await chat.say("快递能寄到学校吗"))).not.toContain("宿舍号");

    // What every start does (buildApp: seedDefaults, then the index is loaded).
    expect(await t.app.knowledge.seedDefaults()).toBe(1);
    await t.app.knowledge.reload();
    expect((await byTitle("快递能寄到学校吗？")).answer).toContain("宿舍号");
    expect(await prisma.kbArticle.findUnique({ where: { title: "快递柜超时收费吗？" } })).toBeNull();
    expect((await byTitle("刚寄出的快递为什么查不到物流？")).answer).toBe("本网点自己的说法");
    // The bot answers from it, and a second start adds nothing.
    expect(joinedText(await chat.say("快递能寄到学校吗"))).toContain("宿舍号");
    expect(await t.app.knowledge.seedDefaults()).toBe(0);
  });

  it("the unanswered to-do list groups similar questions with counts", async () => {
    for (const q of ["可以寄到月球吗", "可以寄到火星吗"]) await (await WebchatClient.open(t.baseUrl)).say(q);
    const res = await staffApi<{ groups: { question: string; count: number; ids: string[]; examples: string[] }[] }>(
      t.baseUrl,
      sup,
      "GET",
      "/api/kb/unanswered",
    );
    expect(res.status).toBe(200);
    const moon = res.body.groups.find((g) => g.examples.includes("可以寄到月球吗"));
    expect(moon?.count).toBe(2);
    expect(moon?.examples).toContain("可以寄到火星吗");
    const closed = await staffApi(t.baseUrl, admin, "POST", "/api/kb/unanswered/close", {
      ids: moon!.ids,
      status: "resolved",
    });
    expect(closed.body).toEqual({ closed: moon!.ids.length });
  });
});
